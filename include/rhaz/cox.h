/* rhaz/cox.h -- Cox proportional hazards, survival curves (issue 5).
 *
 * Data are plain arrays: an n x p column-major covariate matrix and the
 * survival columns.  Right-censored data have start == NULL (every row at
 * risk from -infinity); counting-process data (start, stop] allow delayed
 * entry and time-varying covariates.  The fit does one sort (event times
 * per stratum) and then O(n p^2) work per Newton iteration, with the
 * second-moment sums done as one weighted X'AX product through BLAS.
 *
 * Conventions follow R survival 3.5-3 (coxph, agreg.fit, survfit.coxph,
 * residuals.coxph, cox.zph); see docs/methods.md.
 */
#ifndef RHAZ_COX_H
#define RHAZ_COX_H

#include "core.h"
#include "fit.h"
#include "formula.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* Handling of tied event times (a variant table in cox_ties.c). */
typedef enum {
    RHAZ_TIES_EFRON = 0,  /* default, as R */
    RHAZ_TIES_BRESLOW = 1
} rhaz_cox_ties;
/* "efron", "breslow"; NULL for an unknown value. */
const char *rhaz_cox_ties_name(rhaz_cox_ties ties);
/* The method of a name, or -1. */
int rhaz_cox_ties_of(const char *name);

/* The check of survival data shared by Kaplan-Meier, the Cox fit and
 * the programs: stop times finite, events 0 or 1, times >= 0 (the entry
 * time when start is given, else the stop time), start < stop, weights
 * (NULL: none) finite and > 0, the covariates (x: n x p column-major, or
 * NULL) finite.  The first bad row i (0-based) gives RHAZ_EDATA with
 * err->row = i + 1 and the message "WHO: row i+1: REASON", or "REASON"
 * alone when who is NULL (for a caller that names the input line). */
rhaz_status rhaz_surv_check(size_t n, const double *start, const double *stop,
                            const double *event, const double *weights,
                            const double *x, size_t p, const char *who,
                            rhaz_error *err);

/* Input data.  All arrays have n entries (x: n*p, column j at x + j*n).
 * The caller keeps them alive only during rhaz_cox_fit (the fit copies
 * what it needs; see x_work to save the copy of x).  Rows must be complete (no NaN): drop missing rows
 * before.  Requirements: stop > start, event in {0, 1}, weights > 0,
 * strata and cluster codes in [0, n_strata) and [0, n_clusters). */
typedef struct {
    size_t n, p;
    const double *x;        /* n x p column-major; NULL if p == 0 */
    const double *start;    /* NULL: right-censored data */
    const double *stop;
    const double *event;
    const double *weights;  /* NULL: all 1 */
    const int *strata;      /* NULL: one stratum */
    size_t n_strata;
    const int *cluster;     /* NULL: no clustering */
    size_t n_clusters;
    /* Two-way clustering (cluster "a,b" in the design): the codes of b
     * and of the intersections a x b present; NULL: one-way.  The
     * variance is V_a + V_b - V_ab (Cameron-Gelbach-Miller, the
     * convention of R's sandwich::vcovCL(cluster = ~ a + b)), each term
     * the sandwich of the score residuals summed by that clustering, with
     * its own small-sample factor when opt->adj asks for one. */
    const int *cluster2, *cluster12;
    size_t n_clusters2, n_clusters12;
    double *x_work;         /* optional: an n x p array holding the same
                               values as x that the fit may overwrite (with
                               the centred, scaled covariates) instead of
                               allocating a copy.  Then x_work and the
                               start, stop, weights, strata and cluster
                               arrays must stay alive (unchanged) until
                               rhaz_cox_free: the fit refers to them.
                               NULL: the fit copies what it needs. */
    int rows_checked;       /* 1: the caller ran rhaz_surv_check on these
                               arrays (and stopped on its error); the fit
                               does not scan them again */
} rhaz_cox_data;

typedef struct {
    rhaz_cox_ties ties;
    int max_iter;          /* 20 */
    double eps;            /* 1e-9: relative change of the log-likelihood */
    double toler_chol;     /* DBL_EPSILON^0.75, as R's coxph.control */
    double toler_inf;      /* sqrt(eps): monotone-likelihood check */
    int firth;             /* Heinze-Schemper penalized partial likelihood */
    int robust;            /* sandwich variance (by row if no cluster) */
    rhaz_vce_adj adj;      /* RHAZ_ADJ_NONE (R) or RHAZ_ADJ_G: x G/(G-1) */
    const double *init;    /* p starting values, or NULL (zeros) */
    int threads;           /* threads one fit may use (0 or 1: the calling
                              thread only); the estimates are the same bit
                              for bit with any number.  While the fit's
                              own threads run, OpenBLAS is held to one. */
} rhaz_cox_options;

void rhaz_cox_options_default(rhaz_cox_options *opt);

/* Point cd at a design built from a 'Surv(...) ~ ...' formula: X, the
 * (start,) stop and event columns of d->y, weights, strata and clusters
 * (a cluster makes the fit robust).  Nothing is copied: d must outlive
 * the use of cd.  Other fields of cd are zeroed. */
void rhaz_cox_data_from_design(rhaz_cox_data *cd, const rhaz_design *d);

/* The fitted model (opaque; everything readable through
 * rhaz_cox_result). */
typedef struct rhaz_cox rhaz_cox;

typedef struct {
    size_t n, p, n_events, n_used, n_strata, n_clusters;
    rhaz_cox_ties ties;
    int firth, robust;
    int converged;
    rhaz_stop_reason stop;
    int iterations, step_halvings, rank;
    const double *coef;       /* p, NaN for aliased (collinear) columns */
    const int *aliased;       /* p flags */
    const int *infinite;      /* p flags: monotone likelihood suspected */
    const double *vcov;       /* p x p (symmetric): model-based, or the
                                 sandwich when robust */
    const double *vcov_model; /* p x p inverse information */
    const double *score;      /* p: score vector at the estimate */
    const double *means;      /* p: R's fit$means (0 for a -1/0/1 column,
                                 else the mean; see rhaz/predict.h) */
    const double *linear_predictors; /* n: x'beta - means'beta (R) */
    double loglik_init, loglik;  /* penalized when firth */
    double loglik_unpen;         /* unpenalized partial loglik at the end */
    double score_test;           /* score (log-rank) test at init */
    double wald_test;
} rhaz_cox_result;

rhaz_cox *rhaz_cox_fit(const rhaz_cox_data *d, const rhaz_cox_options *opt,
                       rhaz_error *err);
void rhaz_cox_free(rhaz_cox *fit); /* accepts NULL */
const rhaz_cox_result *rhaz_cox_result_get(const rhaz_cox *fit);

/* Fill a shared summary (coefficient table, tests) for printing.
 * names: p term names (may be NULL: "x1", "x2", ...). */
rhaz_fit_summary *rhaz_cox_summary(const rhaz_cox *fit,
                                   const char *const *names,
                                   const char *formula, double conf_level,
                                   rhaz_error *err);

/* Residuals, in the caller's row order (n rows).  As residuals.coxph:
 * martingale (n), score (n x p, column-major), dfbeta (n x p, weighted
 * if R's weighted=TRUE: multiplied by the case weight).  Schoenfeld
 * residuals have one row per event (n_events x p, column-major), in the
 * order of rhaz_cox_event_rows (by stratum, then time; R's order). */
rhaz_status rhaz_cox_martingale(const rhaz_cox *fit, double *out,
                                rhaz_error *err);
rhaz_status rhaz_cox_score_resid(const rhaz_cox *fit, int weighted,
                                 double *out, rhaz_error *err);
rhaz_status rhaz_cox_dfbeta(const rhaz_cox *fit, int weighted, double *out,
                            rhaz_error *err);
rhaz_status rhaz_cox_schoenfeld(const rhaz_cox *fit, int scaled, double *out,
                                double *time, size_t *rows, rhaz_error *err);

/* Baseline cumulative hazard and survival for a covariate vector (x0 of
 * length p; NULL means R's fit$means (result->means), as survfit.coxph without
 * newdata), one curve per stratum, at the distinct event times of the
 * stratum (R: survfit(fit, newdata, censor = FALSE)).  Efron ties give
 * R's Efron-adjusted hazard increments.  std_err is the standard error
 * of the cumulative hazard (R's std.err of survfit.coxph, on the
 * cumulative hazard scale), including the variance of beta. */
typedef struct {
    size_t n_points;
    int *stratum;       /* per point */
    double *time, *n_risk, *n_event, *cumhaz, *surv, *std_err;
} rhaz_cox_curve;
rhaz_cox_curve *rhaz_cox_survfit(const rhaz_cox *fit, const double *x0,
                                 rhaz_error *err);
void rhaz_cox_curve_free(rhaz_cox_curve *c); /* accepts NULL */

/* Proportional hazards test as survival 3.5-3's cox.zph (terms = FALSE:
 * one test per coefficient, plus GLOBAL).  table has p + 1 rows of
 * (chisq, df, p) (row-major, 3 per row); aliased coefficients get NaN. */
typedef enum {
    RHAZ_ZPH_KM = 0, RHAZ_ZPH_RANK, RHAZ_ZPH_IDENTITY, RHAZ_ZPH_LOG
} rhaz_zph_transform;
rhaz_status rhaz_cox_zph(const rhaz_cox *fit, rhaz_zph_transform tr,
                         double *table, rhaz_error *err);
/* The same by term (cox.zph's default terms = TRUE): assign[j] in
 * 0..n_terms-1 is the term of coefficient j (a factor's columns share
 * one); table has n_terms + 1 rows (the last GLOBAL), df = the term's
 * non-aliased columns.  assign NULL: one term per coefficient. */
rhaz_status rhaz_cox_zph_terms(const rhaz_cox *fit, rhaz_zph_transform tr,
                               const int *assign, size_t n_terms,
                               double *table, rhaz_error *err);

/* ---- Kaplan-Meier / Nelson-Aalen ------------------------------------ */

/* Standard errors of a curve (std_err of log S, std_chaz):
 *   GREENWOOD  Greenwood's sum d/(n(n-d)) and Nelson-Aalen's sum d/n^2
 *              (R's survfit(..., robust = FALSE));
 *   IJ         the infinitesimal jackknife: the sum over clusters (each
 *              row its own cluster unless cluster codes are given) of the
 *              squared weighted influences w dS/dw, dLambda/dw, as R's
 *              survfit(..., robust = TRUE) (std_err = R's std.err / surv,
 *              R storing the SE of S itself then);
 *   AUTO       R's default (survival >= 3): IJ when cluster codes are given
 *              or some weight is not an integer, else GREENWOOD. */
typedef enum {
    RHAZ_KM_SE_AUTO = 0, RHAZ_KM_SE_GREENWOOD, RHAZ_KM_SE_IJ
} rhaz_km_se;

/* One table of curves, rows ordered by group then time; at every
 * distinct time with an event or censoring in the group (as survfit).
 * std_err is the standard error of log S (R's convention for Greenwood;
 * infinite where S = 0), se the estimator used; log-log confidence
 * bands, Nelson-Aalen cumulative hazard. */
typedef struct {
    size_t n_points, n_groups;
    int *group;                   /* per point: 0 .. n_groups-1 */
    double *time, *n_risk, *n_event, *n_censor;
    double *surv, *std_err, *lower, *upper, *cumhaz, *std_chaz;
    rhaz_km_se se;                /* GREENWOOD or IJ: what std_err is */
} rhaz_km;

typedef struct {
    double conf_level;  /* in (0, 1); anything else: 0.95 */
    rhaz_km_se se;      /* AUTO (0): R's default */
    const int *cluster; /* NULL, or per row a code 0 .. n_clusters-1 (R's
                           survfit(cluster = )): the grouped IJ */
    size_t n_clusters;
} rhaz_km_options;

/* start may be NULL (right-censored); group may be NULL (one group,
 * codes 0 .. n_groups-1 otherwise); weights may be NULL; opt NULL: the
 * defaults.  The IJ costs O(event times x clusters) per group, as R. */
rhaz_km *rhaz_km_fit_opts(size_t n, const double *start, const double *stop,
                          const double *event, const double *weights,
                          const int *group, size_t n_groups,
                          const rhaz_km_options *opt, rhaz_error *err);
/* The same with conf_level and the AUTO standard errors. */
rhaz_km *rhaz_km_fit(size_t n, const double *start, const double *stop,
                     const double *event, const double *weights,
                     const int *group, size_t n_groups, double conf_level,
                     rhaz_error *err);
void rhaz_km_free(rhaz_km *km); /* accepts NULL */

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
