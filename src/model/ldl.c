/* ldl.c -- the rank-revealing LDL' factorization, solve and generalized
 * inverse shared by the GLM and Cox fits (see linalg.h for the contract
 * and why GSL/LAPACK's factorizations do not fit).
 *
 * Right-looking, column by column (column-major, lower triangle): when
 * column i is kept, L_ji = a_ji / d_i and the trailing lower triangle
 * loses L_ji L_ki d_i; when the caller's rule says d_i counts as zero
 * the column is redundant (D_i = 0, L_ji = 0, as survival's cholesky2
 * does) and the trailing matrix is left alone.  The original diagonal,
 * which the RHAZ_LDL_PIVOT_OWN_DIAG rule compares against, is kept in
 * the unused upper triangle (a[i * p + i - 1]) while the factorization
 * runs, so nothing is allocated.
 */
#include "model/linalg.h"

#include <math.h>
#include <string.h>

int rhaz_ldl_factor_(double *a, size_t p, rhaz_ldl_pivot rule, double toler,
                     const int *fixed, int *aliased, double *log_det)
{
    double eps = 0;
    if (rule == RHAZ_LDL_PIVOT_MAX_DIAG) {
        for (size_t i = 0; i < p; i++)
            if (a[i * p + i] > eps)
                eps = a[i * p + i];
        eps *= toler;
    }
    for (size_t i = 1; i < p; i++)
        a[i * p + i - 1] = a[i * p + i]; /* (i - 1, i): above the diagonal */
    double ld = 0;
    int rank = 0, nonneg = 1;
    for (size_t i = 0; i < p; i++) {
        double d = a[i * p + i], orig = i ? a[i * p + i - 1] : d;
        int fix = fixed && fixed[i], drop;
        if (rule == RHAZ_LDL_PIVOT_MAX_DIAG) {
            drop = !(d >= eps) || d == 0;
            if (drop && d < -8 * eps)
                nonneg = -1;
        } else
            drop = !isfinite(d) || orig <= 0 || d <= toler * orig;
        if (aliased)
            aliased[i] = drop && !fix;
        if (drop || fix) {
            for (size_t j = i; j < p; j++)
                a[i * p + j] = 0; /* column i from the diagonal down */
            continue;
        }
        rank++;
        ld += log(d);
        double *ci = a + i * p;
        for (size_t j = i + 1; j < p; j++) {
            double t = ci[j] / d;
            ci[j] = t;
            double *cj = a + j * p;
            cj[j] -= t * t * d;
            for (size_t k = j + 1; k < p; k++)
                cj[k] -= t * ci[k]; /* ci[k], k > j, is still L_ki d */
        }
    }
    for (size_t i = 1; i < p; i++)
        memset(a + i * p, 0, i * sizeof *a); /* the upper triangle */
    if (log_det)
        *log_det = ld;
    return rank * nonneg;
}

void rhaz_ldl_solve_(const double *l, size_t p, double *b)
{
    /* L y = b (L unit lower: column i holds L_ji, j > i) */
    for (size_t i = 0; i < p; i++)
        for (size_t j = i + 1; j < p; j++)
            b[j] -= l[i * p + j] * b[i];
    /* D z = y (redundant components 0), then L' x = z */
    for (size_t i = 0; i < p; i++)
        b[i] = l[i * p + i] == 0 ? 0 : b[i] / l[i * p + i];
    for (size_t i = p; i-- > 0;)
        for (size_t j = i + 1; j < p; j++)
            b[i] -= l[i * p + j] * b[j];
    for (size_t i = 0; i < p; i++)
        if (l[i * p + i] == 0)
            b[i] = 0;
}

void rhaz_ldl_inverse_(const double *l, size_t p, double *inv)
{
    for (size_t c = 0; c < p; c++) {
        double *col = inv + c * p;
        memset(col, 0, p * sizeof *col);
        if (l[c * p + c] == 0)
            continue;
        col[c] = 1;
        rhaz_ldl_solve_(l, p, col);
    }
    /* exact symmetry */
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++) {
            double m = 0.5 * (inv[j * p + i] + inv[i * p + j]);
            inv[j * p + i] = inv[i * p + j] = m;
        }
}
