/* rhaz/fit.h -- the result of any fitted model, shared by every model
 * type (logit, cloglog, Firth, Cox) and by the report and plot modules. */
#ifndef RHAZ_FIT_H
#define RHAZ_FIT_H

#include "core.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* Why an iterative fit stopped. */
typedef enum {
    RHAZ_STOP_CONVERGED = 0, /* relative change below tolerance */
    RHAZ_STOP_MAXITER,       /* iteration limit reached: NOT converged */
    RHAZ_STOP_NONFINITE,     /* step-halving could not restore a finite value */
    RHAZ_STOP_SEPARATION,    /* (quasi-)separation / monotone likelihood */
    RHAZ_STOP_STALLED        /* no step raised the likelihood: NOT converged */
} rhaz_stop_reason;
/* "converged", "iteration limit reached", ... */
const char *rhaz_stop_reason_name(rhaz_stop_reason r);

/* Variance convention used for the reported standard errors. */
typedef enum {
    RHAZ_VCE_MODEL = 0,   /* inverse (observed) information */
    RHAZ_VCE_ROBUST,      /* sandwich, per-observation */
    RHAZ_VCE_CLUSTER,     /* sandwich, by cluster */
    RHAZ_VCE_BOOTSTRAP    /* replicate estimates (rhaz/boot.h) */
} rhaz_vce;

/* Small-sample adjustment of a sandwich variance. */
typedef enum {
    RHAZ_ADJ_NONE = 0,    /* raw CR0 / HC0 (R survival's coxph default) */
    RHAZ_ADJ_G,           /* x G/(G-1)  (R sandwich::vcovCL default) */
    RHAZ_ADJ_STATA        /* x G/(G-1) x (N-1)/(N-K)  (Stata vce(cluster)) */
} rhaz_vce_adj;

typedef struct {
    char *term;        /* R-style term name */
    double estimate;   /* NaN if aliased (dropped collinear term) */
    double std_error;
    double statistic;  /* z */
    double p_value;
    double conf_low, conf_high; /* 95% (or the level asked) */
    int aliased;       /* 1 if dropped as collinear (R's NA) */
    /* Pooled over imputations only (rhaz_fit_pool; summary->imputations
     * > 0): statistic is t, p_value and the interval use t on df. */
    double df;         /* Barnard-Rubin degrees of freedom */
    double riv;        /* relative increase in variance (1 + 1/m) B / W */
    double fmi;        /* fraction of missing information */
    /* Bootstrap only (rhaz_boot_summary; summary->boot_reps > 0): the
     * normal interval is conf_low/conf_high, the percentile one here. */
    double bias;       /* mean replicate estimate - estimate */
    double pct_low, pct_high; /* percentile interval */
} rhaz_coef;

/* A fitted model, ready to print.  Everything the text/JSON/CSV output
 * needs lives here; model-specific extras are in the model's own object. */
typedef struct {
    char *model;       /* "logit", "cloglog", "cox", ... */
    char *link;        /* "logit", "cloglog", or "" for cox; the metric
                          "aft" or "ph" for weibull, exponential,
                          loglogistic and lognormal models; the duration
                          distribution ("weibull", "loglogistic") for
                          model "cure" */
    char *ties;        /* "efron"/"breslow" for cox, else "" */
    char *formula;
    int firth;
    size_t n, events, n_dropped, n_clusters, n_strata;
    int converged;
    rhaz_stop_reason stop;
    int iterations, step_halvings, rank;
    double loglik, loglik_null, loglik_init; /* penalized if firth */
    double aic, bic;
    double lr_stat; int lr_df; double lr_p;
    rhaz_vce vce;
    rhaz_vce_adj vce_adj;
    char *vce_label;   /* e.g. "cluster(cown), R sandwich::vcovCL (HC0 x G/(G-1))" */
    double conf_level; /* 0.95 */
    size_t p;          /* number of coefficients, including aliased */
    rhaz_coef *coef;   /* p entries */
    double *vcov;      /* p x p row-major; NaN rows/cols for aliased */
    char **warnings;   /* n_warnings messages: separation, dropped terms... */
    size_t n_warnings;
    /* How the fit's design coded its rows (formula, factor levels, ns()
     * knots; see rhaz_design_build_newdata), for predictions and margins
     * from a fit read back from JSON; NULL if unknown.  Owned. */
    struct rhaz_design_spec *design;
    /* Cure models: the design of the at-risk equation ("design_risk" in
     * the JSON; `design` is the duration equation); NULL otherwise. */
    struct rhaz_design_spec *design_risk;
    /* The case-weight column the fit used (--weights), or NULL; margins
     * average with these weights.  Owned. */
    char *weights;
    /* Shared frailty Cox fits: frailty = 1 and the frailty variance theta
     * (read back from the JSON's "frailty" member); 0 otherwise. */
    int frailty;
    double frailty_theta;
    /* Number of imputations pooled by Rubin's rules (rhaz_fit_pool), 0
     * for a single fit. */
    size_t imputations;
    /* Bootstrap (rhaz_boot_summary, vce RHAZ_VCE_BOOTSTRAP): replicates
     * run, replicates used (the others failed), the seed, and what was
     * resampled (boot_units clusters if boot_clustered, else rows); 0
     * for other fits. */
    size_t boot_reps, boot_used, boot_units;
    int boot_clustered;
    uint64_t boot_seed;
} rhaz_fit_summary;

void rhaz_fit_summary_free(rhaz_fit_summary *s); /* accepts NULL */

/* Read the JSON that `rhaz fit --format json` writes back into a summary
 * (for `rhaz table` and `rhaz plot coef`).  Required keys: "model" and
 * "coefficients" (each with "term", "estimate", "std_error"; no other
 * keys than the writer's); every other key of the JSON output is read
 * when present (missing numbers are NaN).  The document carries
 * "format": RHAZ_FIT_JSON_FORMAT and "format_version":
 * RHAZ_FIT_JSON_VERSION; another format or version is refused.  A
 * document without them (written before versions existed) is read if
 * every top-level key is one the writer uses; with them, members a caller
 * added (e.g. "frailty") are ignored.  Errors name the file and the key. */
#define RHAZ_FIT_JSON_FORMAT "rhaz-fit"
#define RHAZ_FIT_JSON_VERSION 1
rhaz_fit_summary *rhaz_fit_summary_read_json(const char *path, rhaz_error *err);
rhaz_fit_summary *rhaz_fit_summary_parse_json(const char *text, const char *name,
                                              rhaz_error *err);

/* Sandwich variance  V = c * B M B  shared by every model (glm, Cox).
 *   bread   p x p symmetric (e.g. the inverse information; rows/columns
 *           of aliased coefficients zero), any storage order;
 *   scores  n x p column-major: score contribution U_i of observation i
 *           (for a glm: working residual x working weight x x_i; for Cox:
 *           the score residuals, possibly weighted);
 *   cluster n ids in 0..n_clusters-1, or NULL: every observation its own
 *           cluster (HC0, n_clusters = n);
 *   M = sum_g (sum_{i in g} U_i)(sum_{i in g} U_i)';
 *   c = 1 (RHAZ_ADJ_NONE: CR0/HC0), G/(G-1) (RHAZ_ADJ_G: sandwich::vcovCL
 *       default), G/(G-1) (N-1)/(N-K) (RHAZ_ADJ_STATA: Stata vce(cluster);
 *       N = n, K = k, the number of estimated coefficients).
 * out: p x p (symmetric, so either order).  Work is O(n p + G p^2). */
rhaz_status rhaz_vcov_sandwich(const double *bread, size_t p,
                               const double *scores, size_t n,
                               const int *cluster, size_t n_clusters,
                               rhaz_vce_adj adj, size_t k, double *out,
                               rhaz_error *err);
/* The last step alone: out = c * B M B for a meat M computed elsewhere
 * (p x p symmetric). */
void rhaz_vcov_sandwich_meat(const double *bread, size_t p, const double *meat,
                             double c, double *out);
/* The factor c above (NaN if G < 2 or N <= K with RHAZ_ADJ_STATA). */
double rhaz_vcov_adjust(rhaz_vce_adj adj, size_t n_clusters, size_t n, size_t k);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
