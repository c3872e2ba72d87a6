/* rhaz/glm.h -- discrete-time hazard models: logit, cloglog, Firth (issue 4).
 *
 *   rhaz_glm_options o = {0};                 // logit, model-based SEs
 *   o.vce = RHAZ_VCE_CLUSTER; o.vce_adj = RHAZ_ADJ_G;  // needs d->cluster
 *   rhaz_fit_summary *s = rhaz_glm_fit(design, &o, &err);
 *
 * The fit follows R's glm.fit (binomial family, 0/1 response, prior
 * weights): starting values mu = (w y + 1/2)/(w + 1), IRLS with X'WX by
 * BLAS dsyrk and a rank-revealing Cholesky (columns whose weighted
 * residual sum of squares, after projecting on the earlier kept columns,
 * is below tol_rank^2 times their own sum of squares are aliased: NA, as
 * R's pivoted QR with tol 1e-7), step-halving when the deviance is not
 * finite or increases, convergence when |dev - dev_old| / (|dev| + 0.1) <
 * epsilon.  Model-based SEs use the weights of the last IRLS step, as
 * summary.glm.  Firth (logit only): Newton on the modified score
 * X'(w (y - mu) + h (1/2 - mu)) with step-halving on the penalized
 * log-likelihood l(b) + 1/2 log det X'WX, profile penalized-likelihood
 * CIs and penalized likelihood-ratio p-values (as logistf).
 *
 * The summary has converged = 0 (and stop set) when the iteration limit
 * is hit; separation is detected and named in warnings (stop =
 * RHAZ_STOP_SEPARATION).  A summary is returned in both cases; NULL
 * only on errors (bad response, no rows, out of memory).
 */
#ifndef RHAZ_GLM_H
#define RHAZ_GLM_H

#include "core.h"
#include "fit.h"
#include "formula.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

typedef enum { RHAZ_LINK_LOGIT = 0, RHAZ_LINK_CLOGLOG = 1 } rhaz_link;

/* Zero-initialise for defaults. */
typedef struct {
    rhaz_link link;
    int firth;             /* Firth penalized likelihood (logit only) */
    int maxit;             /* 0: 25 (R's glm.control); Firth: 100 */
    double epsilon;        /* 0: 1e-8 */
    double tol_rank;       /* 0: 1e-7 */
    rhaz_vce vce;          /* model (default), robust (HC0), cluster */
    rhaz_vce_adj vce_adj;  /* for robust/cluster: see rhaz_vcov_sandwich */
    double conf_level;     /* 0: 0.95 */
    int no_profile;        /* Firth: Wald CIs and p-values instead of profile */
    const char *cluster_name; /* for the variance label, or NULL */
    int threads;           /* threads one fit may use (0 or 1: the calling
                              thread only); the estimates are the same bit
                              for bit with any number.  While the fit's
                              own threads run, OpenBLAS is held to one. */
} rhaz_glm_options;

const char *rhaz_link_name(rhaz_link link);

/* Fit the binary-response model of design d (d->ny == 1, y in {0, 1}).
 * For RHAZ_VCE_CLUSTER, d->cluster must be set. */
rhaz_fit_summary *rhaz_glm_fit(const rhaz_design *d, const rhaz_glm_options *opt,
                               rhaz_error *err);

/* ---- The fitted model as an object (as rhaz_cox) ----------------------
 *
 *   rhaz_glm *g = rhaz_glm_fit_model(design, &o, &err);
 *   const rhaz_fit_summary *s = rhaz_glm_summary(g);
 *   rhaz_glm_residuals(g, RHAZ_GLM_RESID_DEVIANCE, r, &err);
 *   rhaz_glm_predict(g, newdesign, RHAZ_SCALE_RESPONSE, pr, se, &err);
 *   rhaz_glm_free(g);
 *
 * The same fit as rhaz_glm_fit, keeping per row of the design (its n
 * rows, rows with prior weight 0 included) the linear predictor eta,
 * the fitted probability mu and the response and prior weights.
 * Residuals are R's residuals.glm for the binomial family (wt the prior
 * weight, V(mu) = mu (1 - mu), mu.eta = d mu / d eta):
 *   response  y - mu
 *   working   (y - mu) / mu.eta
 *   deviance  sign(y - mu) sqrt(2 wt (y log(y/mu) + (1-y) log((1-y)/(1-mu))))
 *   pearson   (y - mu) sqrt(wt) / sqrt(V(mu))
 * (deviance and pearson are 0 where wt is 0, as R).  Predictions on new
 * rows: rhaz_glm_predict (rhaz/predict.h). */
typedef struct rhaz_glm rhaz_glm;

typedef enum {
    RHAZ_GLM_RESID_RESPONSE = 0,
    RHAZ_GLM_RESID_WORKING,
    RHAZ_GLM_RESID_DEVIANCE,
    RHAZ_GLM_RESID_PEARSON
} rhaz_glm_resid_type;

/* NULL on the errors of rhaz_glm_fit (err set). */
rhaz_glm *rhaz_glm_fit_model(const rhaz_design *d, const rhaz_glm_options *opt,
                             rhaz_error *err);
void rhaz_glm_free(rhaz_glm *g); /* accepts NULL */
/* The summary (owned by g). */
const rhaz_fit_summary *rhaz_glm_summary(const rhaz_glm *g);
/* The rows of the fitting design: the length of the arrays below. */
size_t rhaz_glm_nobs(const rhaz_glm *g);
/* Fitted values (R's fitted(): the probabilities mu) and the linear
 * predictor eta: n values owned by g. */
const double *rhaz_glm_fitted(const rhaz_glm *g);
const double *rhaz_glm_linear_predictor(const rhaz_glm *g);
/* Residuals of the given type into out (n values). */
rhaz_status rhaz_glm_residuals(const rhaz_glm *g, rhaz_glm_resid_type type,
                               double *out, rhaz_error *err);
/* The type of a name ("deviance"), or -1. */
int rhaz_glm_resid_type_of(const char *name);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
