/* surv_int.h -- internals of the parametric survival (survreg.c) and
 * cure (cure.c) models: the distribution table (survreg_dist.c) and the
 * likelihood engine with its Newton maximiser (surv_engine.c).  Not part
 * of the public API.
 *
 * Parametrisation.  For a row with linear predictor eta = x'beta, scale
 * sigma = exp(tau) and time t, z = (log t - eta) / sigma is the
 * standardised log time; f0 and S0 are the density and survival function
 * of the standard error distribution W (extreme value, logistic,
 * normal).  The distribution table gives a(z) = log f0(z) and
 * b(z) = log S0(z) with their first two derivatives; everything else
 * (the chain rule to eta and tau, the cure mixture) is in the engine.
 */
#ifndef RHAZ_SURV_INT_H
#define RHAZ_SURV_INT_H

#include "rhaz.h"
#include "core/util.h"

/* One distribution: names, whether sigma is fixed at 1 (exponential),
 * a(z) and b(z) with derivatives into d[0..2], and the median of W (for
 * predicted median times: exp(eta + sigma z_median)). */
typedef struct {
    const char *name;
    const char *title;      /* "Weibull" ... for output */
    int fixed_scale;
    int ph;                 /* 1 if a proportional-hazards metric exists */
    void (*logf)(double z, double d[3]);
    void (*logS)(double z, double d[3]);
    double z_median;
} surv_dist;

const surv_dist *surv_dist_of(rhaz_surv_dist d);

/* ---- the likelihood engine ------------------------------------------ */

/* Data of one fit.  Parameters theta = (beta[px], gamma[pz], tau): tau
 * absent when the scale is fixed; gamma absent (pz = 0, no risk
 * equation: pi = 1) for a plain parametric model. */
typedef struct {
    size_t n, px, pz, P;    /* P = px + pz + (fixed_scale ? 0 : 1) */
    const surv_dist *dist;
    int cure;               /* 1: split population (risk equation) */
    const double *X;        /* n x px column-major */
    const double *Z;        /* n x pz column-major, or NULL */
    const double *t0;       /* n, or NULL: no delayed entry */
    const double *t, *event;
    const double *w;        /* n case weights, or NULL */
    int *fixed;             /* P flags: 1 = held at 0 (aliased column) */
    /* work */
    double *A;              /* n x P row-major: (x, z, 1) of each row */
    int *type;              /* P: 0 = eta, 1 = u (risk), 2 = tau */
    double *logt, *logt0;   /* n */
    int threads;            /* threads an evaluation may use (1 by default) */
    /* per part of the rows (SURV_PARTS of them) */
    double *lh;             /* SURV_CHUNK x 9: w x the rows' local Hessians */
    double *S;              /* SURV_CHUNK x P: A scaled by one row of them */
    double *gp, *Hp;        /* P, P x P: the part's gradient and Hessian */
} surv_model;

/* Rows per block of the Hessian accumulation (BLAS dgemm per block). */
#define SURV_CHUNK 2048
/* An evaluation runs on SURV_PARTS halves of the rows (from SURV_PART_MIN
 * rows on), each summed apart and added in order: the result is the same
 * with any number of threads (core_parallel). */
#define SURV_PARTS 2
#define SURV_PART_MIN 8192

surv_model *surv_model_alloc(size_t n, size_t px, size_t pz,
                             const surv_dist *dist, int cure);
void surv_model_free(surv_model *m);
/* Fill A from X (and Z); call after setting X, Z, t, t0. */
void surv_model_prepare(surv_model *m);

/* Log-likelihood at theta; gradient g (P) and Hessian H (P x P,
 * row-major, full) when not NULL; scores (n x P column-major: per-row
 * gradient contributions) when not NULL.  NaN if not finite. */
double surv_loglik(const surv_model *m, const double *theta, double *g,
                   double *H, double *scores);

/* Mark columns of M (n x p column-major) that are collinear with
 * earlier ones (R's rule: a rank-revealing Cholesky of the scaled
 * cross-product, tolerance tol) in fixed[0..p-1].  Returns the rank. */
int surv_alias(const double *M, size_t n, size_t p, double tol, int *fixed);

/* Newton-Raphson with step-halving and a ridge fallback (see
 * rhaz/survreg.h).  theta holds the start and gets the estimate.  vcov
 * (P x P row-major) gets the inverse of -H over the free parameters
 * (NaN for fixed ones; NaN everywhere if -H is not positive definite at
 * the end, with *pd = 0). */
typedef struct {
    int iterations, step_halvings, converged, pd;
    rhaz_stop_reason stop;
    double loglik, loglik_init, decrement;
} surv_newton_result;

rhaz_status surv_newton(const surv_model *m, double *theta, int maxit,
                        double eps, double *vcov, surv_newton_result *res,
                        rhaz_error *err);

/* The summary of a fitted model through fit.c's builder: the Wald
 * table of terms (P names), theta, V (P x P row-major, NaN for fixed
 * terms), the aliasing warnings, n and the events among event[0..n),
 * the Newton result (convergence, log-likelihoods, AIC and BIC with
 * the rank free parameters and log n) with its warnings (not
 * converged, information not positive definite), the variance
 * (vce; the factor is G/(G-1) unless adj is none) and the clusters.
 * The caller fills the LR test, the variance label and adds its own
 * warnings.  NULL (err set) when out of memory. */
rhaz_fit_summary *surv_summary_new(const char *model, const char *link,
                                   size_t P, char *const *terms,
                                   const double *theta, const double *V,
                                   const int *fixed, double conf_level,
                                   size_t n, const double *event,
                                   const surv_newton_result *res,
                                   rhaz_vce vce, rhaz_vce_adj adj,
                                   size_t n_clusters, rhaz_error *err);

#endif
