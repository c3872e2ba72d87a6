/* cox_internal.h -- the Cox fit object shared by cox_fit.c (Newton-
 * Raphson, variances), cox_post.c (residuals, survival curves, cox.zph),
 * cox_resid.c and cox_firth.c.  Not part of the public API.
 *
 * Layout of the risk-set computation ("slots"):
 *   A slot is one distinct event time within one stratum.  Slots are
 *   numbered 0 .. K-1, stratum by stratum (sbeg[s] .. sbeg[s+1]-1), and
 *   within a stratum by DECREASING time.  Row i is at risk at slot k iff
 *   k_add[i] <= k < k_hi[i] (start_i < t_k <= stop_i, same stratum).
 *   k_rem[i] is k_hi[i] if the row leaves the risk set inside its
 *   stratum, else the sentinel K: the risk-set sums S0, S1 are built
 *   from difference arrays (add at k_add, subtract at k_rem) and one
 *   prefix sum per stratum, O(n p) per iteration, never O(n^2).
 *   Rows never at risk at an event time have k_add = k_hi = k_rem = K.
 */
#ifndef RHAZ_COX_INTERNAL_H
#define RHAZ_COX_INTERNAL_H

#include "rhaz.h"
#include "model/linalg.h"

#include <stdint.h>

/* A method for tied event times (cox_ties.c): a tied set of d events is
 * split into fractions(d) fractions (1: Breslow; d: Efron). */
typedef struct {
    rhaz_cox_ties id;
    const char *name;
    double (*fractions)(double d);
} cox_ties_type;
/* The entry of id, or NULL. */
const cox_ties_type *cox_ties_type_of(rhaz_cox_ties id);

struct rhaz_cox {
    rhaz_cox_result res;
    size_t n, p, K, S, G;
    rhaz_cox_ties ties;
    const cox_ties_type *tie; /* its table entry */
    rhaz_vce_adj adj;        /* small-sample factor applied to the sandwich */
    int counting;            /* 1 if (start, stop] data were given */
    int eval_at_beta;        /* the workspace holds the sums at beta_z */

    /* copies of the data */
    double *z;               /* n x p: (x - center) * scale, column-major */
    int z_owned;             /* 0 if z is the caller's x_work */
    int borrowed;            /* start, stop, strata, cluster are the
                                caller's arrays (x_work given) */
    int w_owned;             /* 0 if w is the caller's weights */
    double *center, *scale;  /* p */
    double *start, *stop, *w; /* n (start NULL if right-censored) */
    unsigned char *dead;     /* n: 1 for event rows */
    int *strata, *cluster;   /* n or NULL */
    int twoway;              /* the variance is two-way clustered */
    const double *offset;    /* n values added to eta (a frailty's w_g,
                                frailty.c), or NULL */

    /* slots */
    uint32_t *k_add, *k_hi, *k_rem; /* n (slot numbers; K < 2^32) */
    size_t *sbeg;            /* S + 1 */
    double *slot_time;       /* K */
    int *slot_stratum;       /* K */
    double *slot_nd, *slot_wd; /* K: number and total weight of deaths */
    size_t *deaths;          /* n_events row indices */
    size_t n_deaths;
    double *ud;              /* p: sum over deaths of w z */

    /* per-iteration workspace; after the fit it holds the values at the
     * final estimate (cox_eval is called once more at the end) */
    double *eta, *rr, *a;    /* n: z'beta, w exp(eta - shift), X'AX weights */
    double shift;            /* constant subtracted from eta before exp */
    double *S0, *D0;         /* K + 1, K */
    double *S1, *D1;         /* (K + 1) x p, column-major, ld K + 1 */
    double *S1r, *D1r;       /* (K + 1) x p row-major scratch */
    double *A, *B, *C0, *C1, *C2, *E0, *E1; /* K: Efron sums (cox_fit.c) */
    double *cumA;            /* K + 1 */
    double *chunk;           /* CHUNK x p */
    /* rows in nparts parts (cox_fit.c's eval_job), part r > 0 with its own
     * S0, D0 (K + 1), S1, D1 (row-major), imat and chunk scratch; run on
     * up to `threads` threads, the same result with any number */
#define COX_MAXPARTS 2
    size_t nparts;
    int threads;
    double *S0p[COX_MAXPARTS], *D0p[COX_MAXPARTS], *S1p[COX_MAXPARTS],
        *D1p[COX_MAXPARTS], *imatp[COX_MAXPARTS], *chunkp[COX_MAXPARTS];
    double *imat, *u, *corr; /* p x p, p, p x p */
    double *beta_z;          /* p: final estimate on the scaled covariates */
    double *vz;              /* p x p: inverse information, scaled */
    double *h;               /* p x p workspace (Firth) */
    double *firth_u;         /* p: Firth score adjustment */
    double *q0, *v;          /* n, p x K+1 workspace (Firth) */

    /* results (original scale) */
    double *coef, *vcov, *vcov_model, *score, *means;
    double *lp;              /* n, the eta buffer after the fit */
    int *aliased, *infinite;
};

/* Validate the data (as rhaz_cox_fit does) and build the fit object:
 * copies, slots, centred and scaled covariates z, workspace.  The shared
 * frailty fit (frailty.c) evaluates rhaz_cox_eval_ on such an object. */
rhaz_status rhaz_cox_check_data_(const rhaz_cox_data *d,
                                 const rhaz_cox_options *o, rhaz_error *err);
rhaz_cox *rhaz_cox_setup_(const rhaz_cox_data *d, const rhaz_cox_options *o,
                          rhaz_error *err);

/* The centring constant of a Cox model-matrix column x (n rows): R's
 * fit$means (survival 3.x), which predict.coxph(reference = "sample")
 * subtracts: 0 when every value is -1, 0 or 1 (coxph's nocenter =
 * c(-1, 0, 1): factor indicators, 0/1 dummies), else the mean, weighted
 * by the case weights w (NULL: none) for right-censored data (coxfit6)
 * and unweighted for (start, stop] data (counting: agreg.fit's
 * colMeans).  Every centred Cox prediction in rhaz uses it. */
double rhaz_cox_centre_(const double *x, size_t n, const double *w,
                        int counting);

/* Log partial likelihood at beta (scaled coordinates); fills f->u and,
 * if info, f->imat (full symmetric, row-major).  Leaves the slot sums
 * of this beta in the workspace. */
double rhaz_cox_eval_(struct rhaz_cox *f, const double *beta, int info);

/* Per-slot vectors at the final estimate, for residuals (cox_post.c):
 * G (sum_j wbar m_j / den_j), GB (same with f_j), mbar (mean of the
 * Efron means), each K x p column-major. */
void rhaz_cox_slot_vectors_(const struct rhaz_cox *f, double *G, double *GB,
                            double *mbar);

/* Weighted score residuals (original scale) summed by cluster into
 * out (G x p column-major; every row its own cluster, G = n, if the fit
 * has no clusters).  O(n p), no n x p temporary when clustered. */
rhaz_status rhaz_cox_score_sums_(const struct rhaz_cox *f, double *out,
                                 rhaz_error *err);

/* The rank-revealing LDL' (rhaz_ldl_factor_ with RHAZ_LDL_PIVOT_MAX_DIAG,
 * survival's cholesky2 rule) is in linalg.h, shared with the GLM. */

#endif
