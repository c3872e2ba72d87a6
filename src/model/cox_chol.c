/* cox_chol.c -- rank-revealing LDL' factorization, solve and inverse.
 *
 * R survival detects collinear covariates with a pivot-free Cholesky
 * that zeroes redundant columns and returns the rank (its cholesky2,
 * chsolve2, chinv2).  GSL has no such routine, so this is our own
 * left-looking LDL' with the same decision rule: column i is redundant
 * when its pivot falls below toler * (largest diagonal element).
 */
#include "cox_internal.h"

int rhaz_ldl_factor_(double *a, size_t p, double toler)
{
    double eps = 0;
    for (size_t i = 0; i < p; i++)
        if (a[i * p + i] > eps)
            eps = a[i * p + i];
    eps *= toler;

    int rank = 0, nonneg = 1;
    for (size_t i = 0; i < p; i++) {
        double d = a[i * p + i];
        for (size_t k = 0; k < i; k++)
            d -= a[i * p + k] * a[i * p + k] * a[k * p + k];
        if (!(d >= eps) || d == 0) {
            if (d < -8 * eps)
                nonneg = -1;
            a[i * p + i] = 0;
            for (size_t j = i + 1; j < p; j++)
                a[j * p + i] = 0;
            continue;
        }
        a[i * p + i] = d;
        rank++;
        for (size_t j = i + 1; j < p; j++) {
            double v = a[j * p + i];
            for (size_t k = 0; k < i; k++)
                v -= a[j * p + k] * a[i * p + k] * a[k * p + k];
            a[j * p + i] = v / d;
        }
    }
    return rank * nonneg;
}

void rhaz_ldl_solve_(const double *l, size_t p, double *b)
{
    /* L y = b */
    for (size_t i = 0; i < p; i++) {
        double v = b[i];
        for (size_t k = 0; k < i; k++)
            v -= l[i * p + k] * b[k];
        b[i] = v;
    }
    /* D z = y, then L' x = z */
    for (size_t ii = p; ii-- > 0;) {
        double d = l[ii * p + ii];
        if (d == 0) {
            b[ii] = 0;
            continue;
        }
        double v = b[ii] / d;
        for (size_t j = ii + 1; j < p; j++)
            v -= l[j * p + ii] * b[j];
        b[ii] = v;
    }
}

void rhaz_ldl_inverse_(const double *l, size_t p, double *inv)
{
    for (size_t c = 0; c < p; c++) {
        double *col = inv + c * p; /* symmetric: row c == column c */
        for (size_t i = 0; i < p; i++)
            col[i] = i == c ? 1.0 : 0.0;
        rhaz_ldl_solve_(l, p, col);
    }
    /* exact symmetry */
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < i; j++) {
            double m = 0.5 * (inv[i * p + j] + inv[j * p + i]);
            inv[i * p + j] = inv[j * p + i] = m;
        }
}
