/* rhaz/boot.h -- bootstrap replicates of any fitted model (issue 17):
 * resampling rows or whole clusters with replacement, each replicate
 * drawn from its own random stream, run on several threads, split into
 * shards and merged back.
 *
 *   rhaz_boot_model m = {.family = RHAZ_BOOT_COX, .design = d, .cox = &co};
 *   rhaz_fit_summary *base = rhaz_boot_fit(&m, &err);     // the full data
 *   rhaz_boot_options o = {.reps = 1000, .seed = 1, .threads = 2};
 *   rhaz_boot *b = rhaz_boot_run(&m, &o, &err);
 *   rhaz_fit_summary *s = rhaz_boot_summary(base, b, &err);
 *
 * Resampling.  Without cluster ids in the design, a replicate draws n
 * rows with replacement.  With cluster ids (d->cluster: --cluster COL or
 * a cluster() term), it draws G clusters with replacement out of the G
 * clusters of the design and takes all rows of each draw (states, not
 * state-years); a cluster drawn twice enters as two distinct clusters.
 * Strata nested in clusters (every stratum inside one cluster, e.g.
 * clogit's strata(state) with clusters by state) are made distinct per
 * copy too (Stata's idcluster()); other strata are kept.  The rows keep
 * the coding of the full-data design (factor levels, ns() knots).
 *
 * Random streams.  Replicate k (1-based) draws from GSL's MT19937
 * seeded with seed_k = fmix32(low32(splitmix64(S)) + k) (fmix32:
 * MurmurHash3's bijective 32-bit finaliser), so distinct replicates of
 * one seed S have distinct streams and replicate k is the same whatever
 * shard or thread runs it.  Draw j (0-based) of replicate k is
 * gsl_rng_uniform_int(r, G), the j-th call.
 *
 * Replicate fits use the model-based variance (their variance is not
 * used), Firth fits Wald intervals (no profiles), and one thread each.
 * A replicate fails when its fit returns an error (e.g. no events in the
 * resample), does not converge, shows separation / a monotone
 * likelihood, or drops (aliases) a term the full-data fit estimated; a
 * failed replicate is counted by reason and left out of every
 * statistic, never averaged in.
 *
 * Statistics (rhaz_boot_summary) over the R_u used replicates, with b
 * the full-data estimate and b*_k the replicate estimates:
 *   SE      = sqrt( sum_k (b*_k - mean b*)^2 / (R_u - 1) )   (as Stata)
 *   vcov    = the same covariance matrix of the replicate estimates
 *   bias    = mean b* - b
 *   normal interval      b -+ z_{(1+level)/2} SE; z = b / SE with its
 *                        two-sided normal p-value
 *   percentile interval  the (1-level)/2 and (1+level)/2 quantiles of
 *                        the b*_k (R's quantile type 7: linear
 *                        interpolation between order statistics)
 */
#ifndef RHAZ_BOOT_H
#define RHAZ_BOOT_H

#include "clogit.h"
#include "core.h"
#include "cox.h"
#include "fit.h"
#include "formula.h"
#include "glm.h"
#include "survreg.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* The model families a bootstrap refits (a variant table in
 * src/model/boot_fit.c). */
typedef enum {
    RHAZ_BOOT_GLM = 0, /* logit, cloglog, Firth: rhaz_glm_fit */
    RHAZ_BOOT_COX,     /* Cox (not frailty): rhaz_cox_fit */
    RHAZ_BOOT_SURVREG, /* weibull ... lognormal: rhaz_survreg_fit */
    RHAZ_BOOT_CURE,    /* rhaz_cure_fit (design = duration, risk = at-risk) */
    RHAZ_BOOT_CLOGIT   /* rhaz_clogit_fit */
} rhaz_boot_family;

/* What to refit.  The designs and options must stay alive (unchanged)
 * while the model is used. */
typedef struct {
    rhaz_boot_family family;
    const rhaz_design *design; /* the model's design; its cluster ids, if
                                  any, are the resampling units */
    const rhaz_design *risk;   /* cure: the at-risk design */
    const rhaz_glm_options *glm;       /* options of the family (NULL: */
    const rhaz_cox_options *cox;       /*  defaults); the variance   */
    const rhaz_survreg_options *surv;  /*  settings are ignored      */
    const rhaz_clogit_options *clogit;
    double conf_level;         /* 0: 0.95 */
} rhaz_boot_model;

/* The full-data fit of m, as every replicate is fitted (model-based
 * variance).  A new summary (formula unset: the caller's), or NULL with
 * err set. */
rhaz_fit_summary *rhaz_boot_fit(const rhaz_boot_model *m, rhaz_error *err);

typedef struct {
    size_t reps;       /* R >= 2 */
    uint64_t seed;     /* S */
    size_t first, last;/* run replicates first+1 .. last (1-based) of the
                          R; first = last = 0: all of them */
    int threads;       /* <= 1: one; replicates run in parallel, each
                          fit single-threaded; results do not depend on it */
} rhaz_boot_options;

/* Replicates first+1 .. last of run K of N (K in 1..N): the K-th of N
 * contiguous slices, sizes differing by at most one. */
void rhaz_boot_shard_range(size_t reps, size_t k, size_t n, size_t *first,
                           size_t *last);

/* Why a replicate is not used. */
typedef enum {
    RHAZ_REP_OK = 0,
    RHAZ_REP_ERROR,          /* the fit refused the resample */
    RHAZ_REP_NOT_CONVERGED,
    RHAZ_REP_SEPARATION,     /* separation / monotone likelihood */
    RHAZ_REP_ALIASED,        /* a term estimated on the full data dropped */
    RHAZ_REP_NSTATUS
} rhaz_rep_status;
const char *rhaz_rep_status_name(rhaz_rep_status s); /* "ok", "error", ... */
/* Parse a name back; RHAZ_ENOTFOUND if unknown. */
rhaz_status rhaz_rep_status_parse(const char *name, rhaz_rep_status *out);

/* Replicates first+1 .. last of a run of R.  est is (last - first) x p,
 * row-major (NaN where a replicate has no estimate). */
typedef struct {
    size_t reps, first, last, p;
    uint64_t seed;
    char **terms;          /* p term names */
    int clustered;         /* 1: clusters resampled, 0: rows */
    size_t n_units;        /* G clusters or n rows */
    char *cluster_name;    /* the cluster variable, or NULL */
    double *est;
    int *status;           /* rhaz_rep_status per replicate */
    char *error;           /* the first RHAZ_REP_ERROR message, or NULL */
} rhaz_boot;

rhaz_boot *rhaz_boot_run(const rhaz_boot_model *m, const rhaz_boot_options *o,
                         rhaz_error *err);
void rhaz_boot_free(rhaz_boot *b); /* accepts NULL */

/* An empty result for replicates first+1 .. last (status RHAZ_REP_ERROR,
 * estimates NaN) to fill, e.g. from a shard's file; strings copied.
 * NULL when out of memory or last < first or last > reps. */
rhaz_boot *rhaz_boot_new(size_t reps, size_t first, size_t last, size_t p,
                         const char *const *terms, uint64_t seed, int clustered,
                         size_t n_units, const char *cluster_name);

/* Merge shards that together hold every replicate 1..R exactly once,
 * all of one run (same R, seed, terms, resampling).  Errors name the
 * part (counted from 1) in err->msg. */
rhaz_boot *rhaz_boot_merge(const rhaz_boot *const *parts, size_t n,
                           rhaz_error *err);

/* The draws of replicate k (1-based) of seed S among n_units units:
 * out[j] in 0..n_units-1, j < n_units (for checks and reproducing a
 * replicate elsewhere). */
rhaz_status rhaz_boot_draws(uint64_t seed, size_t k, size_t n_units,
                            size_t *out, rhaz_error *err);

/* The bootstrap result: base's estimates with the statistics above;
 * vce = RHAZ_VCE_BOOTSTRAP, boot_* fields and per coefficient bias and
 * the percentile interval set, a warning counting failed replicates by
 * reason.  b must hold all R replicates (first = 0, last = R), with the
 * terms of base.  Fewer than 2 used replicates is an error. */
rhaz_fit_summary *rhaz_boot_summary(const rhaz_fit_summary *base,
                                    const rhaz_boot *b, rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
