/* rhaz/predict.h -- predictions with delta-method standard errors, and
 * marginal effects (issues 12 and 15).
 *
 *   rhaz_design *nd = rhaz_design_build_newdata(fit_design, grid, &err);
 *   rhaz_fit_predict(summary, nd, RHAZ_SCALE_RESPONSE, NULL, pr, se, &err);
 *
 * A prediction is made from a fitted summary (its coefficients, matched
 * to the columns of the new design by name, and its variance: model,
 * robust or cluster, whatever the fit used) and the model matrix of the
 * new rows.  For row x:
 *   link scale      eta = (x - c)'b,     se = sqrt((x - c)' V (x - c))
 *   response scale  mu = h(eta),         se = |h'(eta)| se(eta)
 * with h the inverse link: logistic (logit), 1 - exp(-exp(eta))
 * (cloglog), exp (Cox: the relative hazard).  c is a centre vector or
 * zero.  rhaz_cox_predict and rhaz_margins_compute centre Cox predictions
 * as R's predict.coxph(type = "lp" / "risk", reference = "sample") does,
 * on survival 3's fit$means: c_j = 0 when column j of the fitting rows
 * holds only -1, 0 and 1 (factor indicators, 0/1 dummies: coxph's
 * nocenter), else its mean, weighted by the case weights for
 * right-censored data and unweighted for (start, stop] data (strata are
 * not used: R's default reference = "strata" centres per stratum).
 * rhaz_fit_predict and rhaz_fit_predict_data take c from the caller
 * (NULL: c = 0, R's reference = "zero").  Aliased coefficients count
 * as 0 (R: predict with NA coefficients drops them).  R's
 * predict.glm(se.fit = TRUE) gives the same numbers on both scales; for
 * Cox type = "risk" R multiplies se by sqrt(risk) where the delta method
 * (used here) multiplies by the risk.
 */
#ifndef RHAZ_PREDICT_H
#define RHAZ_PREDICT_H

#include "core.h"
#include "cox.h"
#include "fit.h"
#include "formula.h"
#include "glm.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

typedef enum {
    RHAZ_SCALE_LINK = 0,   /* linear predictor ("lp") */
    RHAZ_SCALE_RESPONSE,   /* probability (logit, cloglog), relative hazard (Cox) */
    RHAZ_SCALE_MEDIAN,     /* median time (parametric; cure: of the spells at risk) */
    RHAZ_SCALE_HAZARD,     /* hazard at a time t (parametric; cure: population) */
    RHAZ_SCALE_ATRISK,     /* probability of being at risk (cure) */
    RHAZ_SCALE_DEFAULT     /* the family's default (see rhaz_fit_predict_data) */
} rhaz_predict_scale;

/* "lp" (or "link"), "response", "median", "hazard", "atrisk". */
rhaz_status rhaz_predict_scale_parse(const char *name, rhaz_predict_scale *out);
const char *rhaz_predict_scale_name(rhaz_predict_scale s);

/* Predictions for the nd->n rows of nd; pred and se have nd->n entries
 * (se may be NULL).  center: nd->p values or NULL.  Errors: a column of
 * nd without a coefficient of that name in fit, a fit without vcov. */
rhaz_status rhaz_fit_predict(const rhaz_fit_summary *fit, const rhaz_design *nd,
                             rhaz_predict_scale scale, const double *center,
                             double *pred, double *se, rhaz_error *err);

/* Predictions of any fitted family on the rows of a table, coded by the
 * fit's design(s) (fit->design; cure models also fit->design_risk).  Every
 * row must be complete in the formula (else an error); pred and se have
 * rhaz_table_nrow(newdata) entries (se may be NULL).  Scales by family
 * (the first is the default, RHAZ_SCALE_DEFAULT):
 *   logit, cloglog, Firth   response h(x'b), lp
 *   Cox, frailty Cox,       lp x'b - c'b (c = center, or 0), response
 *   conditional logit       exp(lp)
 *   weibull, exponential,   median exp(eta + sigma w_0.5) (w_0.5 the
 *   loglogistic, lognormal  median of W: log log 2 for the extreme-value
 *                           W, 0 for logistic and normal; R's
 *                           predict.survreg(type = "quantile", p = 0.5)),
 *                           hazard f(t)/S(t) = f0(z)/(sigma t S0(z)),
 *                           z = (log t - eta)/sigma, lp eta (AFT) or x'b
 *                           (PH metric; median and hazard from
 *                           eta = -x'b/p, sigma = 1/p)
 *   cure                    atrisk pi = logistic(z'g), hazard
 *                           pi f(t) / (1 - pi + pi S(t)) (the population
 *                           hazard at t), median (of the spells at risk),
 *                           lp of the duration equation
 * se by the delta method sqrt(J V J'), J = dq/dtheta analytic. */
typedef struct {
    rhaz_predict_scale scale; /* RHAZ_SCALE_DEFAULT for the family's */
    double time;              /* RHAZ_SCALE_HAZARD: the time t > 0 */
    const double *center;     /* Cox lp: centre of the design's columns, or NULL */
} rhaz_predict_options;

rhaz_status rhaz_fit_predict_data(const rhaz_fit_summary *fit,
                                  const rhaz_table *newdata,
                                  const rhaz_predict_options *opt,
                                  double *pred, double *se, rhaz_error *err);

/* A fitted Cox model on new rows (nd built from the fitting design, so
 * its columns are the fit's): linear predictor (x - means)'b (means: R's
 * fit$means, above) or relative hazard exp of it, se by the fit's
 * variance (robust when robust). */
rhaz_status rhaz_cox_predict(const rhaz_cox *fit, const rhaz_design *nd,
                             rhaz_predict_scale scale, double *pred,
                             double *se, rhaz_error *err);

/* A fitted GLM (rhaz_glm_fit_model) on new rows (nd built from the
 * fitting design, so its columns are the fit's, matched by name):
 * linear predictor x'b or probability h(x'b), se by the fit's variance
 * (model, robust or cluster, as fitted), as R's predict.glm(newdata,
 * type = "link" / "response", se.fit = TRUE). */
rhaz_status rhaz_glm_predict(const rhaz_glm *fit, const rhaz_design *nd,
                             rhaz_predict_scale scale, double *pred,
                             double *se, rhaz_error *err);

/* ---- Marginal effects and predictive margins (issue 15) ---------------
 *
 * From a fitted summary that carries its design (fit->design: formula,
 * factor levels, ns() knots; `rhaz fit --format json` writes it) and the
 * data it was fitted on.  The rows averaged over are the rows the fit used
 * (complete in every variable of the formula; their number must equal
 * fit->n).  For a quantity Q(b) = (1/n) sum_i q_i(b) over those rows (or a
 * --by group), the delta-method standard error is sqrt(J V J') with
 * J = dQ/db (analytic in b) and V the fit's own variance (model, robust or
 * cluster, as fitted); z = Q/se, two-sided normal p, Q +- z_(1-a/2) se.
 * Scale: the predicted probability h(x'b) for logit and cloglog; for Cox
 * the linear predictor x'b - c'b (c R's fit$means of the rows used, as
 * rhaz_cox_predict: R's predict.coxph type "lp"), so a Cox dydx is a log
 * hazard ratio per unit.  Averages are weighted by the fit's case weights
 * (fit->weights, a column of data) unless opt->unweighted, as Stata's
 * margins after a weighted fit and R marginaleffects' wts; unweighted
 * otherwise (atmeans: unweighted means).
 *   dydx, continuous v  (1/n) sum_i h'(eta_i) (dx_i/dv)'b, dx_i/dv the
 *                       derivative of the model-matrix row through every
 *                       transformation of v (log, powers, ns, interactions)
 *                       by a 5-point central difference with step
 *                       1e-4 |v_i| (1e-4 mean|v| where v_i = 0); exactly
 *                       where v enters only as itself (main effects,
 *                       interactions: x_i(v=1) - x_i(v=0));
 *   dydx, factor v      per level l after the base (first) level: the mean
 *                       discrete change h(x_i(v = l)'b) - h(x_i(v = base)'b),
 *                       term "v:l";
 *   margin              (1/n) sum_i h(x_i(s)'b) with the at-setting s
 *                       applied to every row (--at VAR=V1,V2,...: one
 *                       setting per value; several --at: every
 *                       combination);
 *   difference          margin(s) - margin(s_1) for each setting after the
 *                       first (first differences);
 *   atmeans             the same at one row per group: numeric variables at
 *                       their mean, factors at their most frequent level
 *                       (marginaleffects' newdata = "mean"; Stata's atmeans
 *                       averages factor indicators instead). */
typedef struct {
    const char *dydx;          /* "a,b", "all", or NULL: margins only */
    rhaz_predict_scale scale;  /* the quantity averaged; zero-initialised
                                  options (RHAZ_SCALE_LINK) mean the
                                  family's default unless scale_set */
    int scale_set;             /* 1: use scale as given */
    double time;               /* RHAZ_SCALE_HAZARD: the time */
    const char *const *at;     /* n_at settings "VAR=V1,V2,..." */
    size_t n_at;
    int atmeans;
    const char *by;            /* a column of the data, or NULL */
    int unweighted;            /* 1: plain means even if the fit has
                                  case weights (fit->weights) */
    double conf_level;         /* 0: 0.95 */
    int threads;               /* threads the sums over rows may use (0,
                                  1: the calling thread only); results are
                                  identical for any number */
} rhaz_margins_options;

typedef struct {
    char *term;     /* "democ", "regime:democracy", "margin", "democ=5 - democ=-5" */
    char *type;     /* "dydx", "margin", "difference" */
    char *at;       /* "democ=5, region=Africa" (at setting and by group), or "" */
    double estimate, std_error, statistic, p_value, conf_low, conf_high;
} rhaz_margin;

typedef struct {
    size_t n;             /* rows of the table */
    rhaz_margin *m;
    char *model;          /* the fit's model name */
    char *vce;            /* the fit's variance label */
    char *scale;          /* "probability", "median time", ... */
    char *weights;        /* the weights column averaged with, or NULL */
    size_t n_obs;         /* rows averaged over (atmeans: whose means) */
    double conf_level;
    int atmeans;          /* evaluated at the means, not averaged */
} rhaz_margins;

rhaz_margins *rhaz_margins_compute(const rhaz_fit_summary *fit,
                                   const rhaz_table *data,
                                   const rhaz_margins_options *opt,
                                   rhaz_error *err);
void rhaz_margins_free(rhaz_margins *m); /* accepts NULL */

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
