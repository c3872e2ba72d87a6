/* rhaz/fit.h -- the result of any fitted model, shared by every model
 * type (logit, cloglog, Firth, Cox) and by the report and plot modules. */
#ifndef RHAZ_FIT_H
#define RHAZ_FIT_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why an iterative fit stopped. */
typedef enum {
    RHAZ_STOP_CONVERGED = 0, /* relative change below tolerance */
    RHAZ_STOP_MAXITER,       /* iteration limit reached: NOT converged */
    RHAZ_STOP_NONFINITE,     /* step-halving could not restore a finite value */
    RHAZ_STOP_SEPARATION     /* (quasi-)separation / monotone likelihood */
} rhaz_stop_reason;

/* Variance convention used for the reported standard errors. */
typedef enum {
    RHAZ_VCE_MODEL = 0,   /* inverse (observed) information */
    RHAZ_VCE_ROBUST,      /* sandwich, per-observation */
    RHAZ_VCE_CLUSTER      /* sandwich, by cluster */
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
} rhaz_coef;

/* A fitted model, ready to print.  Everything the text/JSON/CSV output
 * needs lives here; model-specific extras are in the model's own object. */
typedef struct {
    char *model;       /* "logit", "cloglog", "cox", ... */
    char *link;        /* "logit", "cloglog", or "" for cox */
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
} rhaz_fit_summary;

void rhaz_fit_summary_free(rhaz_fit_summary *s); /* accepts NULL */

/* Read the JSON that `rhaz fit --format json` writes back into a summary
 * (for `rhaz table` and `rhaz plot coef`).  Required keys: "model" and
 * "coefficients" (each with "term", "estimate", "std_error"); every other
 * key of the JSON output is read when present (missing numbers are NaN).
 * Errors name the file and the key. */
rhaz_fit_summary *rhaz_fit_summary_read_json(const char *path, rhaz_error *err);
rhaz_fit_summary *rhaz_fit_summary_parse_json(const char *text, const char *name,
                                              rhaz_error *err);

#ifdef __cplusplus
}
#endif
#endif
