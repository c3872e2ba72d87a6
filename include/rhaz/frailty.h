/* rhaz/frailty.h -- shared frailty Cox models (issue 16, part 3).
 *
 * The penalized partial likelihood of R survival 3.5-3's
 * coxph(Surv(...) ~ x + frailty(g)) (gamma frailty, the default) and
 * frailty.gaussian(g): one random effect w_g per group, the linear
 * predictor x'b + w_g, and
 *
 *   gamma:    PPL = PL(b, w) + (1/theta) sum_g w_g,
 *             w recentred so that mean(exp(w)) = 1 (then the usual
 *             (1/theta) sum_g (w_g - exp(w_g)) up to a constant);
 *             theta maximises the integrated (marginal) likelihood
 *             PPL + sum_g [d_g + nu log(nu / (nu + d_g))
 *                          + log Gamma(nu + d_g) - log Gamma(nu)
 *                          - d_g log(nu + d_g)],   nu = 1 / theta
 *             (d_g: events of group g), searched as coxph does
 *             (frailty.controlgam: theta = 0, 1, then 0.5 or 2, then
 *             parabolic steps on sqrt(theta), frailty.brent), stopping
 *             when the integrated likelihood changes by less than
 *             outer_eps = 1e-5 relative;
 *   gaussian: PPL = PL(b, w) - (1/2) sum_g [w_g^2 / theta + log(2 pi theta)],
 *             w recentred to mean 0; theta solves the REML equation of
 *             frailty.controlgauss, theta = sum w_g^2 / (G - tr(H_ww^-1)/theta),
 *             stopping when its residual is below sqrt(1e-9).
 *
 * Inner Newton-Raphson as survival's coxfit5/agfit5: the information of
 * the random effects is approximated by its diagonal (R's "sparse"
 * computation, the default for more than 5 groups; with 5 or fewer the
 * full information, as R's dense term), so the variances below are
 * those of R's fit (var = the b-block of H^-1, var2 =
 * H^-1 (H - P) H^-1, P the penalty's second derivative; R's se(coef) and
 * se2).  Degrees of freedom as coxpenal.df.  Model-based variances only.
 */
#ifndef RHAZ_FRAILTY_H
#define RHAZ_FRAILTY_H

#include "cox.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

typedef enum { RHAZ_FRAILTY_GAMMA = 0, RHAZ_FRAILTY_GAUSSIAN = 1 } rhaz_frailty_dist;

typedef struct {
    rhaz_frailty_dist dist;
    rhaz_cox_ties ties;     /* efron */
    int max_iter;           /* 20: inner Newton iterations per theta */
    int outer_max;          /* 10: theta iterations (coxph.control) */
    double eps;             /* 1e-9: inner relative change of the PPL */
    double outer_eps;       /* NaN: R's default (gamma 1e-5, gaussian
                               sqrt(eps)) */
    double toler_chol;      /* DBL_EPSILON^0.75 */
    double theta;           /* NaN: estimate; else fixed (R's theta =) */
} rhaz_frailty_options;

void rhaz_frailty_options_default(rhaz_frailty_options *opt);

typedef struct rhaz_frailty rhaz_frailty;

typedef struct {
    size_t n, p, n_groups, n_events, n_strata;
    rhaz_frailty_dist dist;
    double theta;             /* variance of the random effect (the theta
                                 of the final fit, as print.coxph shows) */
    int theta_boundary;       /* theta at its lower bound 0 (< 1e-5, or
                                 the search ended at the smallest theta) */
    int outer_iterations, inner_iterations; /* R's fit$iter */
    int outer_converged;      /* the theta search met its tolerance */
    int inner_failed;         /* inner loops that hit max_iter */
    int converged;            /* the final inner loop converged */
    int rank;
    const double *coef;       /* p */
    const int *aliased;       /* p */
    const double *vcov;       /* p x p: R's var (se(coef)) */
    const double *vcov2;      /* p x p: R's var2 (se2) */
    const double *se2;        /* p: sqrt of vcov2's diagonal (R's se2) */
    const double *frail;      /* n_groups: the random effects w_g */
    const double *frail_var;  /* n_groups: diagonal of H^-1 for w (fvar) */
    const double *df;         /* n_df: df per term of x (assign), then the
                                 frailty term last */
    size_t n_df;
    double df_total;
    double loglik_init;       /* PL at b = 0 without frailty (loglik[1]) */
    double loglik;            /* PL at the estimate (R's loglik[2]) */
    double loglik_penalized;  /* PPL at the estimate */
    double loglik_integrated; /* gamma: the I-likelihood; gaussian: NaN */
    double penalty;           /* R's fit$penalty[2] */
    size_t n_history;         /* theta search: */
    const double *history;    /* n_history x 2 row-major: theta and the
                                 integrated loglik (gamma) or the REML
                                 residual (gaussian) */
} rhaz_frailty_result;

/* d: the Cox data (no weights, no cluster: refused); group: n codes in
 * [0, n_groups); assign: p term numbers (0-based, non-decreasing) for the
 * df per term, or NULL (one term per coefficient), n_terms their count. */
rhaz_frailty *rhaz_frailty_fit(const rhaz_cox_data *d, const int *group,
                               size_t n_groups, const int *assign,
                               size_t n_terms,
                               const rhaz_frailty_options *opt,
                               rhaz_error *err);
void rhaz_frailty_free(rhaz_frailty *fit); /* accepts NULL */
const rhaz_frailty_result *rhaz_frailty_result_get(const rhaz_frailty *fit);

/* Coefficient table (model "cox", se from var), loglik = PL and
 * loglik_null = PL at 0, LR test and AIC/BIC on the total df (R's
 * sum(fit$df), rounded in lr_df), warnings: theta at its boundary, the
 * theta search or an inner loop not converged. */
rhaz_fit_summary *rhaz_frailty_summary(const rhaz_frailty *fit,
                                       const char *const *names,
                                       const char *formula, double conf_level,
                                       rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
