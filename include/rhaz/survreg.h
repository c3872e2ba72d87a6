/* rhaz/survreg.h -- parametric survival models (Weibull, exponential,
 * log-logistic, log-normal) and split-population (cure) duration models
 * (issue 16).
 *
 *   rhaz_survreg_options o = {0};           // Weibull, AFT metric
 *   rhaz_fit_summary *s = rhaz_survreg_fit(design, &o, &err);
 *
 * Parametric models (as R's survreg; see docs/methods.md): log T =
 * x'beta + sigma W with W standard extreme-value (Weibull; exponential
 * is sigma = 1), logistic (log-logistic) or normal (log-normal).  The
 * design's response is Surv(time, event) or Surv(start, stop, event):
 * with a start column every row contributes
 *     event log f(stop) + (1 - event) log S(stop) - log S(start)
 * (delayed entry, left truncation; log S(0) = 0), so a spell split into
 * yearly rows has exactly the likelihood of the unsplit spell.  R's
 * survreg has no delayed entry.  Coefficients are in the accelerated
 * failure time (AFT) metric with the term "log(scale)" = log sigma, as
 * survreg reports them; RHAZ_METRIC_PH (Weibull and exponential only)
 * reports the proportional-hazards coefficients -beta/sigma and
 * "log(p)" = -log sigma (the shape, Stata's /ln_p) as Stata's streg,
 * with the delta-method variance (the inverse information in that
 * parametrisation).  The log-likelihood is that of the times (it
 * includes the Jacobian -log t of each event), as survreg and streg.
 *
 * Cure models (Beger et al. 2017, R package spduration): a spell is at
 * risk with probability pi = 1 / (1 + exp(-z'gamma)); at-risk spells
 * have a Weibull or log-logistic duration as above.  A row (t0, t, event)
 * contributes
 *     event:     log pi + log f(t) - log(1 - pi + pi S(t0))
 *     otherwise: log(1 - pi + pi S(t)) - log(1 - pi + pi S(t0)).
 * The spells such a model needs are built by rhaz_spells_build
 * (rhaz/spells.h).  Terms are named "duration:NAME", "risk:NAME" and "log(scale)" (which
 * spduration prints as "log(alpha)").
 *
 * Both are maximised by Newton-Raphson with the analytic gradient and
 * Hessian, step-halving when the log-likelihood falls or is not finite,
 * and a Levenberg-Marquardt ridge when the Hessian is not negative
 * definite; they converge when the Newton decrement g'(-H)^-1 g (the
 * squared remaining step in standard-error units) is below epsilon after
 * a full, unridged step.  A summary is returned with converged = 0 and
 * the stop reason set when that does not happen; NULL only on errors.
 * Standard errors are the inverse observed information, or the sandwich
 * V (sum_g U_g U_g') V of R's survreg(robust = TRUE) / cluster() (no
 * small-sample factor unless vce_adj asks for G/(G-1)).
 */
#ifndef RHAZ_SURVREG_H
#define RHAZ_SURVREG_H

#include "core.h"
#include "fit.h"
#include "formula.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* Distributions (a variant table in src/model/survreg_dist.c). */
typedef enum {
    RHAZ_SURV_WEIBULL = 0,
    RHAZ_SURV_EXPONENTIAL,
    RHAZ_SURV_LOGLOGISTIC,
    RHAZ_SURV_LOGNORMAL,
    RHAZ_SURV_NDIST
} rhaz_surv_dist;

/* "weibull", "exponential", "loglogistic", "lognormal" */
const char *rhaz_surv_dist_name(rhaz_surv_dist d);
/* Parse a name (also survreg's "loglogistic"/"lognormal" spellings and
 * spduration's "loglog"); RHAZ_ENOTFOUND if unknown. */
rhaz_status rhaz_surv_dist_parse(const char *name, rhaz_surv_dist *out);

typedef enum {
    RHAZ_METRIC_AFT = 0, /* accelerated failure time, log(scale) (survreg) */
    RHAZ_METRIC_PH       /* proportional hazards, log(p) (Stata streg) */
} rhaz_surv_metric;

/* Zero-initialise for defaults. */
typedef struct {
    rhaz_surv_dist dist;   /* default Weibull */
    rhaz_surv_metric metric;
    int maxit;             /* 0: 100 */
    double epsilon;        /* 0: 1e-16 (Newton decrement) */
    double tol_rank;       /* 0: 1e-7 (collinear columns become NA) */
    rhaz_vce vce;          /* model (default), robust (per row), cluster
                              (needs d->cluster; a cluster() term or the
                              design's cluster column) */
    rhaz_vce_adj vce_adj;  /* RHAZ_ADJ_NONE (R survreg) or RHAZ_ADJ_G */
    double conf_level;     /* 0: 0.95 */
    const char *cluster_name; /* for the variance label, or NULL */
    int spdur_start;       /* cure: only spduration's start (the plain
                              duration model, gamma = 0) instead of four
                              starts of the risk intercept (0, 2, -2, 5)
                              keeping the highest maximum */
    int threads;           /* threads one fit may use (0 or 1: the calling
                              thread only); the likelihood is summed over
                              two halves of the rows fixed by the data,
                              so results are the same bit for bit with any
                              number; while rhaz's threads run, OpenBLAS
                              is held to one. */
} rhaz_survreg_options;

/* Fit the parametric model of design d (Surv(time, event) or
 * Surv(start, stop, event); time > 0, 0 <= start < stop, event 0/1). */
rhaz_fit_summary *rhaz_survreg_fit(const rhaz_design *d,
                                   const rhaz_survreg_options *opt,
                                   rhaz_error *err);

/* Cure model: dur is the design of 'Surv(t0, t, event) ~ DURATION-TERMS'
 * (or Surv(t, event): no delayed entry), risk the design of
 * '~ RISK-TERMS' (no response) built on the same table.  Rows used are
 * those complete in both designs.  opt->dist must be Weibull or
 * log-logistic (spduration's two); opt->metric must be AFT.  Cluster
 * ids are taken from dur. */
rhaz_fit_summary *rhaz_cure_fit(const rhaz_design *dur,
                                const rhaz_design *risk,
                                const rhaz_survreg_options *opt,
                                rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
