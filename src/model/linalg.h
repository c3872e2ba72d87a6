/* linalg.h -- the shared dense linear algebra of the model module: one
 * rank-revealing LDL' factorization (with its solve and generalized
 * inverse) used by the GLM (IRLS, Firth) and the Cox fits.  Private to
 * src/model; nothing here is part of the public API.
 *
 * Why not GSL or LAPACK: gsl_linalg_ldlt_decomp stops at a zero pivot,
 * and gsl_linalg_pcholesky_decomp / LAPACK dpstrf pivot on the largest
 * diagonal, so they would drop a different column than R does when
 * terms are collinear.  R keeps the column order and drops the later of
 * two collinear columns (glm.fit through LINPACK dqrdc2, coxph through
 * survival's cholesky2); this routine keeps that order and differs from
 * R only in the rule deciding "too small", which the caller picks.
 */
#ifndef RHAZ_MODEL_LINALG_H
#define RHAZ_MODEL_LINALG_H

#include <stddef.h>

/* When a pivot counts as zero (column i redundant).  d_i is the pivot
 * after the earlier columns are eliminated, a_ii the diagonal as given. */
typedef enum {
    /* d_i <= toler * a_ii (the column's own diagonal: the share of the
     * column's norm not explained by the earlier columns), or a_ii <= 0,
     * or d_i not finite.  The GLM rule (tol_rank). */
    RHAZ_LDL_PIVOT_OWN_DIAG = 0,
    /* d_i < toler * max_k a_kk, or d_i == 0 (survival's cholesky2).  The
     * rank is returned negated when some d_i < -8 toler max_k a_kk: the
     * matrix is not non-negative definite.  The Cox rule (toler_chol). */
    RHAZ_LDL_PIVOT_MAX_DIAG = 1
} rhaz_ldl_pivot;

/* Rank-revealing LDL' without pivoting.
 *   a       p x p symmetric, column-major; its lower triangle
 *           (a[c * p + r], r >= c) is read.  Overwritten by the unit
 *           lower factor L (a[c * p + r] = L_rc, r > c), D on the
 *           diagonal and zeros above it.  A redundant column has D = 0
 *           and its column of L zero.  (A full symmetric matrix can be
 *           given in either storage order.)
 *   fixed   p flags or NULL: columns treated as redundant whatever their
 *           pivot (coordinates held fixed, e.g. Firth profiles).
 *   aliased p outputs or NULL: 1 for columns dropped by the rule (not
 *           for fixed ones), else 0.
 *   log_det if not NULL: sum of log D_i over the kept columns.
 * Returns the rank (see RHAZ_LDL_PIVOT_MAX_DIAG for the sign).  O(p^3/3)
 * flops, no allocation. */
int rhaz_ldl_factor_(double *a, size_t p, rhaz_ldl_pivot rule, double toler,
                     const int *fixed, int *aliased, double *log_det);
/* Solve A x = b in place with the factor; components of redundant
 * columns are 0 (a generalized inverse's solution). */
void rhaz_ldl_solve_(const double *ldl, size_t p, double *b);
/* The generalized inverse (rows and columns of redundant columns 0),
 * exactly symmetric, into inv (p x p; not aliasing ldl). */
void rhaz_ldl_inverse_(const double *ldl, size_t p, double *inv);

#endif
