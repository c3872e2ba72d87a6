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
} rhaz_glm_options;

const char *rhaz_link_name(rhaz_link link);

/* Fit the binary-response model of design d (d->ny == 1, y in {0, 1}).
 * For RHAZ_VCE_CLUSTER, d->cluster must be set. */
rhaz_fit_summary *rhaz_glm_fit(const rhaz_design *d, const rhaz_glm_options *opt,
                               rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
