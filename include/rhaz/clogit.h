/* rhaz/clogit.h -- conditional (fixed-effects) logit (issue 16, part 4).
 *
 * The exact conditional likelihood of a binary outcome given the number
 * of ones in each stratum, as R survival's clogit (its default method
 * "exact", a Cox model with one risk set per stratum fitted by
 * coxexact).  A stratum s with rows R_s, events D_s, d_s = |D_s|:
 *
 *   L_s(beta) = exp(sum_{i in D_s} x_i'beta)
 *               / sum_{S subset R_s, |S| = d_s} exp(sum_{i in S} x_i'beta)
 *
 * The denominator, its gradient and Hessian come from the recursion of
 * Gail, Lubin & Rubinstein (1981) in O(n_s min(d_s, n_s - d_s) p^2) per
 * stratum (see clogit.c).  Strata whose outcome does not vary
 * (d_s = 0 or d_s = n_s) contribute log L_s = 0 for every beta: they are
 * dropped and counted.  State fixed effects are absorbed by the
 * conditioning; there is no intercept.
 *
 * Variance: the inverse of the observed information (R's clogit; R
 * offers no robust or cluster variance for the exact method, and
 * neither does rhaz: rhaz_clogit_fit refuses a cluster vector).  Case
 * weights are not defined for the exact likelihood (R ignores them with
 * a warning; rhaz refuses them).
 */
#ifndef RHAZ_CLOGIT_H
#define RHAZ_CLOGIT_H

#include "core.h"
#include "fit.h"
#include "formula.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* Input: all arrays have n entries (x: n x p column-major, column j at
 * x + j * n); y in {0, 1}; strata codes in [0, n_strata).  Rows must be
 * complete.  The fit copies what it needs. */
typedef struct {
    size_t n, p;
    const double *x;
    const double *y;
    const int *strata;
    size_t n_strata;
} rhaz_clogit_data;

typedef struct {
    int max_iter;        /* 20, as R's coxph.control(iter.max) */
    double eps;          /* 1e-9: relative change of the log-likelihood */
    double toler_chol;   /* DBL_EPSILON^0.75, as R */
    double toler_inf;    /* sqrt(eps): infinite-coefficient check, as R */
    const double *init;  /* p starting values or NULL (zeros) */
} rhaz_clogit_options;

void rhaz_clogit_options_default(rhaz_clogit_options *opt);

/* Point cd at a design built from 'y ~ x + strata(g)' (drop_intercept
 * set).  Fails (RHAZ_EINVAL, the term in err->what) without strata(),
 * with a cluster() term or weights, or without a single response. */
rhaz_status rhaz_clogit_data_from_design(rhaz_clogit_data *cd,
                                         const rhaz_design *d,
                                         rhaz_error *err);

typedef struct rhaz_clogit rhaz_clogit;

typedef struct {
    size_t n, p;               /* rows given, coefficients */
    size_t n_events;           /* ones in the informative strata */
    size_t n_strata;           /* strata given */
    size_t n_strata_dropped;   /* strata without variation in y */
    size_t n_rows_dropped;     /* their rows */
    size_t n_used;             /* rows of informative strata */
    int converged;
    rhaz_stop_reason stop;
    int iterations, step_halvings, rank;
    const double *coef;        /* p, NaN when aliased */
    const int *aliased;        /* p */
    const int *infinite;       /* p: coefficient may be infinite (R's
                                  "Loglik converged before variable") */
    const double *vcov;        /* p x p inverse information, NaN rows /
                                  columns for aliased coefficients */
    const double *score;       /* p: score at the estimate */
    double loglik_init, loglik; /* at init (zeros) and at the estimate */
    double score_test, wald_test;
} rhaz_clogit_result;

rhaz_clogit *rhaz_clogit_fit(const rhaz_clogit_data *d,
                             const rhaz_clogit_options *opt, rhaz_error *err);
void rhaz_clogit_free(rhaz_clogit *fit); /* accepts NULL */
const rhaz_clogit_result *rhaz_clogit_result_get(const rhaz_clogit *fit);

/* Log conditional likelihood, score (p) and information (p x p) at beta
 * (original scale) -- for checks; score/info may be NULL. */
rhaz_status rhaz_clogit_eval(const rhaz_clogit *fit, const double *beta,
                             double *loglik, double *score, double *info,
                             rhaz_error *err);

/* Coefficient table and warnings for printing (model "clogit"). */
rhaz_fit_summary *rhaz_clogit_summary(const rhaz_clogit *fit,
                                      const char *const *names,
                                      const char *formula, double conf_level,
                                      rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
