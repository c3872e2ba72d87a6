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
 * zero: Cox predictions on the linear-predictor scale are relative to the
 * column means of the fitting rows, as R's predict.coxph(type = "lp")
 * (reference "sample"; strata are not used).  Aliased coefficients count
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
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

typedef enum {
    RHAZ_SCALE_LINK = 0,   /* linear predictor */
    RHAZ_SCALE_RESPONSE    /* probability (logit, cloglog), relative hazard (Cox) */
} rhaz_predict_scale;

/* Predictions for the nd->n rows of nd; pred and se have nd->n entries
 * (se may be NULL).  center: nd->p values or NULL.  Errors: a column of
 * nd without a coefficient of that name in fit, a fit without vcov. */
rhaz_status rhaz_fit_predict(const rhaz_fit_summary *fit, const rhaz_design *nd,
                             rhaz_predict_scale scale, const double *center,
                             double *pred, double *se, rhaz_error *err);

/* A fitted Cox model on new rows (nd built from the fitting design, so
 * its columns are the fit's): linear predictor (x - means)'b or relative
 * hazard exp of it, se by the fit's variance (robust when robust). */
rhaz_status rhaz_cox_predict(const rhaz_cox *fit, const rhaz_design *nd,
                             rhaz_predict_scale scale, double *pred,
                             double *se, rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
