/* smooth.c -- the natural cubic regression spline smooth drawn through
 * scaled Schoenfeld residuals, computed as R's plot.cox.zph does it.
 *
 * Inputs:  x[n], y[n] finite (time, residual); df >= 2 (R default 4);
 *          coef_var = var(beta_j) of the term, or NaN;
 *          ngrid >= 2 evaluation points.
 * Outputs: grid[ngrid] equally spaced from min(x) to max(x); fit[ngrid];
 *          lower/upper[ngrid] = fit -+ 2 sqrt(v * p'(X'X)^-1 p), where v is
 *          coef_var (R's choice: the band reflects the coefficient's
 *          variance) or, when NaN, the residual variance RSS/(n - df).
 * Basis:   R's ns(c(grid, x), df, intercept = TRUE): boundary knots at
 *          the range, df - 2 interior knots at quantiles (type 7) of the
 *          combined vector; the natural-spline basis of model/ns.c (the
 *          one the design's ns() terms use).  Any basis of that space
 *          gives the same fitted values and band, so they agree with R to
 *          rounding.
 * Work:    O((n + ngrid) df^2); allocations only up front.
 */
#include "plot/plot_impl.h"
#include "model/ns.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

rhaz_status rhaz_plot_smooth_ns(const double *x, const double *y, size_t n,
                                int df_in, double coef_var, size_t ngrid,
                                double *grid, double *fit, double *lower,
                                double *upper, rhaz_error *err)
{
    if (df_in < 2 || df_in > 20)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "spline smooth: df %d must be 2 to 20", df_in);
    if (ngrid < 2)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "spline smooth: need at least 2 grid points");
    size_t df = (size_t)df_in;
    if (n < df)
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                              "spline smooth: %zu points, fewer than df = %zu",
                              n, df);
    double xmin = INFINITY, xmax = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                  "spline smooth: point %zu is not finite",
                                  i);
        xmin = fmin(xmin, x[i]);
        xmax = fmax(xmax, x[i]);
    }
    if (!(xmax > xmin))
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                              "spline smooth: all times are equal");

    rhaz_status st = RHAZ_OK;
    size_t nI = df - 2, nbreak = nI + 2, nc = n + ngrid;
    double *comb = malloc(nc * sizeof *comb);
    double *X = malloc(n * df * sizeof *X);  /* row-major n x df */
    double *row = malloc(df * sizeof *row);
    double *knots = malloc(nbreak * sizeof *knots);
    rhaz_ns *ns = NULL;
    gsl_matrix *XtX = gsl_matrix_alloc(df, df);
    gsl_vector *Xty = gsl_vector_alloc(df);
    gsl_vector *beta = gsl_vector_alloc(df);
    gsl_vector *pv = gsl_vector_alloc(df);
    gsl_vector *sol = gsl_vector_alloc(df);
    if (!comb || !X || !row || !knots || !XtX || !Xty || !beta || !pv || !sol) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory smoothing the figure's residuals");
        goto cleanup;
    }

    /* the basis has df columns: fewer distinct times make it singular
     * (R: "spline fit is singular, variable skipped") */
    memcpy(comb, x, n * sizeof *comb);
    gsl_sort(comb, 1, n);
    size_t distinct = 1;
    for (size_t i = 1; i < n; i++)
        distinct += comb[i] != comb[i - 1];
    if (distinct < df) {
        st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                            "spline smooth: %zu distinct times, fewer than "
                            "df = %zu", distinct, df);
        goto cleanup;
    }

    /* grid and knots from the combined vector, as R's plot.cox.zph */
    for (size_t g = 0; g < ngrid; g++)
        grid[g] = xmin + (xmax - xmin) * (double)g / (double)(ngrid - 1);
    grid[ngrid - 1] = xmax;
    memcpy(comb, grid, ngrid * sizeof *comb);
    memcpy(comb + ngrid, x, n * sizeof *comb);
    gsl_sort(comb, 1, nc);
    if (rhaz_ns_knots_(comb, nc, nI, knots)) {
        st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                            "spline smooth: too few distinct times for "
                            "df = %zu (tied knots)", df);
        goto cleanup;
    }
    if (!(ns = rhaz_ns_alloc_(knots, nbreak, 1))) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory smoothing the figure's residuals");
        goto cleanup;
    }

    /* least squares through the normal equations (df is small) */
    for (size_t i = 0; i < n; i++)
        rhaz_ns_eval_(ns, x[i], X + i * df);
    gsl_matrix_view Xv = gsl_matrix_view_array(X, n, df);
    gsl_vector_const_view yv = gsl_vector_const_view_array(y, n);
    gsl_blas_dsyrk(CblasLower, CblasTrans, 1.0, &Xv.matrix, 0.0, XtX);
    gsl_blas_dgemv(CblasTrans, 1.0, &Xv.matrix, &yv.vector, 0.0, Xty);
    if (gsl_linalg_cholesky_decomp1(XtX) ||
        gsl_linalg_cholesky_solve(XtX, Xty, beta)) {
        st = rhaz_error_set(err, RHAZ_ESING, NULL, 0,
                            "spline smooth: singular basis (too few "
                            "distinct times for df = %zu)", df);
        goto cleanup;
    }
    double v = coef_var;
    if (!isfinite(v)) {
        double rss = 0;
        for (size_t i = 0; i < n; i++) {
            double r = y[i];
            for (size_t c = 0; c < df; c++)
                r -= X[i * df + c] * gsl_vector_get(beta, c);
            rss += r * r;
        }
        v = n > df ? rss / (double)(n - df) : NAN;
    }
    for (size_t g = 0; g < ngrid; g++) {
        rhaz_ns_eval_(ns, grid[g], row);
        double f = 0;
        for (size_t c = 0; c < df; c++) {
            f += row[c] * gsl_vector_get(beta, c);
            gsl_vector_set(pv, c, row[c]);
        }
        gsl_linalg_cholesky_solve(XtX, pv, sol);
        double q;
        gsl_blas_ddot(pv, sol, &q);
        double half = 2 * sqrt(v * q);
        fit[g] = f;
        lower[g] = f - half;
        upper[g] = f + half;
    }

cleanup:
    free(comb);
    free(X);
    free(row);
    free(knots);
    rhaz_ns_free_(ns);
    gsl_matrix_free(XtX);
    gsl_vector_free(Xty);
    gsl_vector_free(beta);
    gsl_vector_free(pv);
    gsl_vector_free(sol);
    return st;
}
