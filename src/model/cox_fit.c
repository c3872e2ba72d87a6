/* cox_fit.c -- Cox proportional hazards: Newton-Raphson on the partial
 * likelihood for right-censored and (start, stop] data, Efron or Breslow
 * ties, case weights, strata, model-based and sandwich variances.
 *
 * Inputs (rhaz_cox_data): x n x p column-major; stop, event, optional
 * start, weights, strata (codes 0..S-1), cluster (codes 0..G-1).  No
 * sorting of the rows is required from the caller.
 *
 * Method.  One sort of the distinct event times per stratum defines the
 * "slots" (see cox_internal.h); each row gets the slot range in which it
 * is at risk by binary search.  For a coefficient vector beta, with
 * r_i = w_i exp(eta_i), the risk-set sums S0(k) = sum r_i and
 * S1(k) = sum r_i z_i are prefix sums of difference arrays (O(n p)).
 *
 * Efron's approximation: at slot k with d deaths, death weight total wd
 * (mean wbar = wd / d), death sums D0, D1, the j-th (j = 0..d-1) tied
 * death sees the denominator den_j = S0 - (j/d) D0 and the mean
 * m_j = (S1 - (j/d) D1) / den_j, each with weight wbar.  Breslow is d = 1.
 *   loglik = sum_deaths w eta - sum_k sum_j wbar log den_j
 *   score  = sum_deaths w z   - sum_k sum_j wbar m_j
 *   info   = sum_k sum_j wbar [(S2 - (j/d) D2)/den_j - m_j m_j']
 * With A_k = sum_j wbar/den_j and B_k = sum_j wbar (j/d)/den_j the
 * second-moment part is sum_i a_i z_i z_i' where
 *   a_i = r_i (sum of A_k over the slots where i is at risk
 *              - [i dies at k] B_k),
 * a single weighted cross-product X'AX (BLAS dsyrk, chunked) -- never a
 * per-slot p x p update over the risk set -- and the mean part is
 *   sum_k [C0 S1 S1' - C1 (S1 D1' + D1 S1') + C2 D1 D1']
 * with C_m = sum_j wbar (j/d)^m / den_j^2.  So one iteration costs
 * O(n p^2) flops in BLAS level 3 plus O(n p) scattered adds.
 *
 * Iteration: the rules of R survival 3.5-3's agfit4 (iteration 0 at
 * init; Newton steps; if the log-likelihood falls or turns non-finite,
 * or the rank changes, back off towards the last good beta by
 * beta = (old * h + beta) / (h + 1); converged when
 * |1 - loglik_old / loglik_new| <= eps, the estimate being the beta at
 * which that was observed, with its information matrix).  Covariates are
 * centred per stratum and scaled by their mean absolute deviation;
 * results are returned on the original scale.
 */
#include "model/cox_internal.h"
#include "model/linalg.h"
#include "model/fit_internal.h"
#include "core/util.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 2048

void rhaz_cox_options_default(rhaz_cox_options *o)
{
    memset(o, 0, sizeof *o);
    o->ties = RHAZ_TIES_EFRON;
    o->max_iter = 20;
    o->eps = 1e-9;
    o->toler_chol = pow(DBL_EPSILON, 0.75);
    o->toler_inf = sqrt(1e-9);
    o->adj = RHAZ_ADJ_NONE;
}

void rhaz_cox_free(rhaz_cox *f)
{
    if (!f)
        return;
    if (f->z_owned)
        free(f->z);
    if (f->w_owned)
        free(f->w);
    if (!f->borrowed) {
        free(f->start);
        free(f->stop);
        free(f->strata);
        free(f->cluster);
    }
    void *ptrs[] = {f->dead, f->center, f->scale, f->k_add, f->k_hi, f->k_rem,
                    f->sbeg, f->slot_time, f->slot_stratum, f->slot_nd,
                    f->slot_wd, f->deaths, f->ud, f->eta, f->rr, f->a, f->S0,
                    f->D0, f->S1, f->S1r, f->D1r, f->D1, f->A, f->B, f->C0, f->C1, f->C2,
                    f->E0, f->E1, f->cumA, f->chunk, f->imat, f->u, f->corr,
                    f->beta_z, f->vz, f->h, f->firth_u, f->q0, f->v, f->coef,
                    f->vcov, f->vcov_model, f->score, f->means,
                    f->aliased, f->infinite};
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
        free(ptrs[i]);
    for (size_t r = 1; r < COX_MAXPARTS; r++) {
        free(f->S0p[r]);
        free(f->D0p[r]);
        free(f->S1p[r]);
        free(f->D1p[r]);
        free(f->imatp[r]);
        free(f->chunkp[r]);
    }
    free(f);
}

const rhaz_cox_result *rhaz_cox_result_get(const rhaz_cox *f)
{
    return f ? &f->res : NULL;
}

/* ---- setup ---------------------------------------------------------- */

typedef struct {
    int s;
    double t;
} evkey;

static int evkey_cmp(const void *a, const void *b)
{
    const evkey *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    if (x->t != y->t)
        return x->t > y->t ? -1 : 1; /* decreasing time */
    return 0;
}

/* First slot in [lo, hi) (times decreasing) with time <= t; hi if none. */
static size_t first_le(const double *time, size_t lo, size_t hi, double t)
{
    /* without branches (a select per halving): the answer is in
     * [b, b + len]; "time <= t" is false then true along the slots */
    if (lo >= hi)
        return lo;
    const double *b = time + lo;
    size_t len = hi - lo;
    while (len > 1) {
        size_t half = len / 2;
        b = b[half] <= t ? b : b + half;
        len -= half;
    }
    return (size_t)(b - time) + !(b[0] <= t);
}

rhaz_status rhaz_cox_check_data_(const rhaz_cox_data *d,
                                 const rhaz_cox_options *o, rhaz_error *err)
{
    if (!d || !o || !d->stop || !d->event || (d->p > 0 && !d->x))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "cox: missing data arrays");
    if (d->n == 0)
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0, "cox: no rows");
    if (d->n >= UINT32_MAX)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                              "cox: more than 2^32 - 1 rows");
    if (o->max_iter < 0 || !(o->eps > 0) || !(o->toler_chol > 0) ||
        !(o->toler_inf > 0))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "cox: invalid control options");
    if (d->strata && d->n_strata == 0)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "cox: strata given but n_strata is 0");
    if (d->cluster && d->n_clusters == 0)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "cox: cluster given but n_clusters is 0");
    if (d->cluster && d->n_clusters < 2)
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                              "sandwich variance: needs at least 2 clusters; "
                              "got 1 (the cluster variable is constant in "
                              "the rows used)"),
               core_error_option(err, "cluster");
    if (!cox_ties_type_of(o->ties))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "cox: unknown method for ties (%d)", (int)o->ties);
    rhaz_status st = d->rows_checked ? RHAZ_OK
                                     : rhaz_surv_check(d->n, d->start, d->stop, d->event,
                                                       d->weights, d->x, d->p, "cox", err);
    if (st)
        return st;
    size_t nev = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->strata && (d->strata[i] < 0 ||
                          (size_t)d->strata[i] >= d->n_strata))
            return core_error_row(err, RHAZ_EINVAL, i + 1,
                                  "cox: row %zu: stratum code out of range",
                                  i + 1);
        if (d->cluster && (d->cluster[i] < 0 ||
                           (size_t)d->cluster[i] >= d->n_clusters))
            return core_error_row(err, RHAZ_EINVAL, i + 1,
                                  "cox: row %zu: cluster code out of range",
                                  i + 1);
        nev += d->event[i] == 1;
    }
    if (nev == 0)
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                              "cox: no events: cannot fit a Cox model");
    return RHAZ_OK;
}

/* The setup's work on threads (core_parallel): the slots of each row
 * over SETUP_PARTS parts of the rows, the centring and scaling one
 * column a part; every part's result is the same whoever runs it. */
#define SETUP_PARTS 2
typedef struct {
    struct rhaz_cox *f;
    const rhaz_cox_data *d;
    double *sw;                  /* weight per stratum */
    size_t nused[SETUP_PARTS];
} setup_job;

/* k_add (first slot with time <= stop), k_hi (first slot with time <=
 * start: the row leaves the risk sets there) and k_rem of the rows of
 * part r */
static void setup_slots(void *ctx, size_t r)
{
    setup_job *J = ctx;
    struct rhaz_cox *f = J->f;
    const rhaz_cox_data *d = J->d;
    size_t n = d->n, K = f->K, nused = 0;
    for (size_t i = n * r / SETUP_PARTS; i < n * (r + 1) / SETUP_PARTS; i++) {
        size_t s = d->strata ? (size_t)d->strata[i] : 0;
        size_t lo = f->sbeg[s], hi = f->sbeg[s + 1];
        size_t ka = first_le(f->slot_time, lo, hi, d->stop[i]);
        size_t kh = d->start ? first_le(f->slot_time, lo, hi, d->start[i]) : hi;
        if (ka >= kh) {
            f->k_add[i] = f->k_hi[i] = f->k_rem[i] = (uint32_t)K;
        } else {
            f->k_add[i] = (uint32_t)ka;
            f->k_hi[i] = (uint32_t)kh;
            f->k_rem[i] = (uint32_t)(kh == hi ? K : kh);
            nused++;
        }
    }
    J->nused[r] = nused;
}

/* R's fit$means from the sums of a column: 0 when every value is -1, 0
 * or 1 (coxph's nocenter = c(-1, 0, 1)), the case-weighted mean for
 * right-censored data (coxfit6), the plain mean for (start, stop] data
 * (agreg.fit) */
static double centre_of_sums(double m, double mw, double tw, size_t n, int zero_one,
                             int weighted, int counting)
{
    if (zero_one || n == 0)
        return 0.0;
    return weighted && !counting ? mw / tw : m / (double)n;
}

double rhaz_cox_centre_(const double *x, size_t n, const double *w,
                        int counting)
{
    double m = 0, mw = 0, tw = 0;
    int zero_one = 1;
    for (size_t i = 0; i < n; i++) {
        m += x[i];
        if (w) {
            mw += w[i] * x[i];
            tw += w[i];
        }
        zero_one &= x[i] == 0 || x[i] == 1 || x[i] == -1;
    }
    return centre_of_sums(m, mw, tw, n, zero_one, w != NULL, counting);
}

/* column j: centred per stratum (weighted), R's mean, scaled by the
 * inverse mean absolute deviation */
static void setup_centre(void *ctx, size_t j)
{
    setup_job *J = ctx;
    struct rhaz_cox *f = J->f;
    const rhaz_cox_data *d = J->d;
    size_t n = d->n, S = f->S;
    const double *x = d->x + j * n;
    double *z = f->z + j * n, *c = f->center + j * S;
    if (!d->weights && !d->strata) {
        /* the same arithmetic without the weights of 1 and the stratum
         * lookups (w x = x, sums of ones exact): fewer loads and chains */
        double m = 0;
        int zero_one = 1;
        for (size_t i = 0; i < n; i++) {
            m += x[i];
            zero_one &= x[i] == 0 || x[i] == 1 || x[i] == -1;
        }
        f->means[j] = centre_of_sums(m, 0, 0, n, zero_one, 0, d->start != NULL);
        c[0] = J->sw[0] > 0 ? m / J->sw[0] : 0;
        double mad = 0, c0 = c[0];
        for (size_t i = 0; i < n; i++) {
            z[i] = x[i] - c0;
            mad += fabs(z[i]);
        }
        double sc = mad > 0 ? J->sw[0] / mad : 1.0;
        f->scale[j] = sc;
        for (size_t i = 0; i < n; i++)
            z[i] *= sc;
        return;
    }
    double m = 0, mw = 0, tw0 = 0;
    int zero_one = 1;
    for (size_t i = 0; i < n; i++) {
        c[d->strata ? d->strata[i] : 0] += f->w[i] * x[i];
        m += x[i];
        mw += f->w[i] * x[i];
        tw0 += f->w[i];
        zero_one &= x[i] == 0 || x[i] == 1 || x[i] == -1;
    }
    f->means[j] = centre_of_sums(m, mw, tw0, n, zero_one, d->weights != NULL, d->start != NULL);
    for (size_t s = 0; s < S; s++)
        c[s] = J->sw[s] > 0 ? c[s] / J->sw[s] : 0;
    double mad = 0, tw = 0;
    for (size_t i = 0; i < n; i++) {
        z[i] = x[i] - c[d->strata ? d->strata[i] : 0];
        mad += f->w[i] * fabs(z[i]);
        tw += f->w[i];
    }
    double sc = mad > 0 ? tw / mad : 1.0;
    f->scale[j] = sc;
    for (size_t i = 0; i < n; i++)
        z[i] *= sc;
}

#define XALLOC(ptr, count)                                                    \
    do {                                                                      \
        size_t xn_ = (count); (ptr) = calloc(xn_ ? xn_ : 1, sizeof *(ptr));                 \
        if (!(ptr))                                                           \
            goto nomem;                                                       \
    } while (0)

rhaz_cox *rhaz_cox_setup_(const rhaz_cox_data *d, const rhaz_cox_options *o,
                          rhaz_error *err)
{
    size_t n = d->n, p = d->p, S = d->strata ? d->n_strata : 1;
    evkey *ev = NULL;
    rhaz_cox *f = calloc(1, sizeof *f);
    if (!f)
        goto nomem;
    f->n = n;
    f->p = p;
    f->S = S;
    f->G = d->cluster ? d->n_clusters : 0;
    f->ties = o->ties;
    f->tie = cox_ties_type_of(o->ties);
    f->counting = d->start != NULL;

    XALLOC(f->dead, n);
    for (size_t i = 0; i < n; i++)
        f->dead[i] = d->event[i] == 1;
    /* with x_work the caller keeps its arrays alive: refer, not copy */
    f->borrowed = d->x_work != NULL;
    f->w_owned = !(f->borrowed && d->weights);
    if (f->w_owned) {
        XALLOC(f->w, n);
        for (size_t i = 0; i < n; i++)
            f->w[i] = d->weights ? d->weights[i] : 1.0;
    } else {
        f->w = (double *)d->weights;
    }
    if (f->borrowed) {
        f->stop = (double *)d->stop;
        f->start = (double *)d->start;
        f->strata = (int *)d->strata;
        f->cluster = (int *)d->cluster;
    } else {
        XALLOC(f->stop, n);
        memcpy(f->stop, d->stop, n * sizeof(double));
        if (d->start) {
            XALLOC(f->start, n);
            memcpy(f->start, d->start, n * sizeof(double));
        }
        if (d->strata) {
            XALLOC(f->strata, n);
            memcpy(f->strata, d->strata, n * sizeof(int));
        }
        if (d->cluster) {
            XALLOC(f->cluster, n);
            memcpy(f->cluster, d->cluster, n * sizeof(int));
        }
    }

    /* distinct event times per stratum, decreasing */
    size_t nev = 0;
    for (size_t i = 0; i < n; i++)
        nev += d->event[i] == 1;
    ev = malloc(nev * sizeof *ev);
    XALLOC(f->deaths, nev);
    if (!ev)
        goto nomem;
    nev = 0;
    for (size_t i = 0; i < n; i++)
        if (d->event[i] == 1) {
            ev[nev].s = d->strata ? d->strata[i] : 0;
            ev[nev].t = d->stop[i];
            f->deaths[nev++] = i;
        }
    f->n_deaths = nev;
    qsort(ev, nev, sizeof *ev, evkey_cmp);
    size_t K = 0;
    for (size_t e = 0; e < nev; e++)
        if (K == 0 || ev[e].s != ev[K - 1].s || ev[e].t != ev[K - 1].t)
            ev[K++] = ev[e];
    f->K = K;
    XALLOC(f->slot_time, K);
    XALLOC(f->slot_stratum, K);
    XALLOC(f->sbeg, S + 1);
    for (size_t k = 0; k < K; k++) {
        f->slot_time[k] = ev[k].t;
        f->slot_stratum[k] = ev[k].s;
    }
    {
        size_t k = 0;
        for (size_t s = 0; s < S; s++) {
            f->sbeg[s] = k;
            while (k < K && (size_t)ev[k].s == s)
                k++;
        }
        f->sbeg[S] = K;
    }
    free(ev);
    ev = NULL;

    XALLOC(f->k_add, n);
    XALLOC(f->k_hi, n);
    XALLOC(f->k_rem, n);
    f->threads = o->threads > 1 ? o->threads : 1;
    setup_job sj = {.f = f, .d = d};
    core_parallel(SETUP_PARTS, f->threads, setup_slots, &sj);
    f->res.n_used = 0;
    for (size_t r = 0; r < SETUP_PARTS; r++)
        f->res.n_used += sj.nused[r];

    XALLOC(f->slot_nd, K);
    XALLOC(f->slot_wd, K);
    for (size_t e = 0; e < nev; e++) {
        size_t i = f->deaths[e];
        f->slot_nd[f->k_add[i]] += 1;
        f->slot_wd[f->k_add[i]] += f->w[i];
    }

    /* centred (per stratum, weighted) and scaled covariates */
    if (d->x_work) {
        f->z = d->x_work;
        f->z_owned = 0;
    } else {
        XALLOC(f->z, n * p);
        f->z_owned = 1;
    }
    XALLOC(f->center, p * S);
    XALLOC(f->scale, p);
    XALLOC(f->means, p);
    if (!(sj.sw = calloc(S, sizeof *sj.sw)))
        goto nomem;
    for (size_t i = 0; i < n; i++)
        sj.sw[d->strata ? d->strata[i] : 0] += f->w[i];
    core_parallel(p, f->threads, setup_centre, &sj); /* a column a part */
    free(sj.sw);
    XALLOC(f->ud, p);
    for (size_t e = 0; e < nev; e++) {
        size_t i = f->deaths[e];
        for (size_t j = 0; j < p; j++)
            f->ud[j] += f->w[i] * f->z[j * n + i];
    }

    /* workspace */
    XALLOC(f->eta, n);
    XALLOC(f->rr, n);
    XALLOC(f->a, n);
    XALLOC(f->S0, K + 1);
    XALLOC(f->D0, K + 1);
    XALLOC(f->S1, (K + 1) * p);
    XALLOC(f->S1r, (K + 1) * p);
    XALLOC(f->D1r, (K + 1) * p);
    XALLOC(f->D1, (K + 1) * p);
    XALLOC(f->A, K + 1);
    XALLOC(f->B, K + 1);
    XALLOC(f->C0, K + 1);
    XALLOC(f->C1, K + 1);
    XALLOC(f->C2, K + 1);
    XALLOC(f->E0, K + 1);
    XALLOC(f->E1, K + 1);
    XALLOC(f->cumA, K + 1);
    XALLOC(f->chunk, (size_t)CHUNK * p);
    /* parts of the rows (see eval_job): two from 2 * CHUNK rows, when the
     * extra slot scratch is small beside the data (K + 1 <= n / 64) */
    f->nparts = n >= 2 * CHUNK && (K + 1) <= n / 64 ? COX_MAXPARTS : 1;
    for (size_t r = 1; r < f->nparts; r++) {
        XALLOC(f->S0p[r], K + 1);
        XALLOC(f->D0p[r], K + 1);
        XALLOC(f->S1p[r], (K + 1) * p);
        XALLOC(f->D1p[r], (K + 1) * p);
        XALLOC(f->imatp[r], p * p);
        XALLOC(f->chunkp[r], (size_t)CHUNK * p);
    }
    XALLOC(f->imat, p * p);
    XALLOC(f->u, p);
    XALLOC(f->corr, p * p);
    XALLOC(f->beta_z, p);
    XALLOC(f->vz, p * p);
    XALLOC(f->h, p * p);
    XALLOC(f->firth_u, p);
    XALLOC(f->coef, p);
    XALLOC(f->vcov, p * p);
    XALLOC(f->vcov_model, p * p);
    XALLOC(f->score, p);
    XALLOC(f->aliased, p);
    XALLOC(f->infinite, p);
    return f;

nomem:
    free(ev);
    rhaz_cox_free(f);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory fitting the model (%zu rows x %zu covariates)", d->n, d->p);
    return NULL;
}

/* ---- one evaluation -------------------------------------------------- */

/* The rows are cut into f->nparts parts fixed by the data (never by the
 * number of threads); each part's sums go to its own scratch and the
 * parts are added in order, so that the result is the same bit for bit
 * with any number of threads (core_parallel). */
typedef struct {
    struct rhaz_cox *f;
    const double *beta;
    double shift;
    double mx[COX_MAXPARTS], mn[COX_MAXPARTS];
} eval_job;

static void part_rows(const struct rhaz_cox *f, size_t r, size_t *lo, size_t *hi)
{
    *lo = f->n * r / f->nparts;
    *hi = f->n * (r + 1) / f->nparts;
}

/* eta = z beta (each row's sum in the order of the columns) and the range
 * of eta over the rows at risk */
static void eval_eta(void *ctx, size_t r)
{
    eval_job *J = ctx;
    struct rhaz_cox *f = J->f;
    size_t lo, hi, n = f->n, K = f->K;
    part_rows(f, r, &lo, &hi);
    double *eta = f->eta;
    for (size_t i = lo; i < hi; i++)
        eta[i] = f->offset ? f->offset[i] : 0;
    for (size_t j = 0; j < f->p; j++) {
        const double *z = f->z + j * n;
        double b = J->beta[j];
        for (size_t i = lo; i < hi; i++)
            eta[i] += z[i] * b;
    }
    double mx = -INFINITY, mn = INFINITY;
    for (size_t i = lo; i < hi; i++)
        if (f->k_add[i] < K) {
            if (eta[i] > mx)
                mx = eta[i];
            if (eta[i] < mn)
                mn = eta[i];
        }
    J->mx[r] = mx;
    J->mn[r] = mn;
}

/* rr and the difference arrays of the risk-set sums S0, D0 and S1, D1
 * (row-major: slot k at + k * p, the p adds of a row contiguous) over the
 * rows of part r, into that part's scratch */
static void eval_sums(void *ctx, size_t r)
{
    eval_job *J = ctx;
    struct rhaz_cox *f = J->f;
    size_t lo, hi, n = f->n, p = f->p, K = f->K, K1 = K + 1;
    part_rows(f, r, &lo, &hi);
    double *S0 = r ? f->S0p[r] : f->S0, *D0 = r ? f->D0p[r] : f->D0;
    double *rm = r ? f->S1p[r] : f->S1r, *dm = r ? f->D1p[r] : f->D1r;
    memset(S0, 0, K1 * sizeof(double));
    memset(D0, 0, K1 * sizeof(double));
    memset(rm, 0, K1 * p * sizeof(double));
    memset(dm, 0, K1 * p * sizeof(double));
    const double *z = f->z;
    for (size_t i = lo; i < hi; i++) {
        double ri = f->k_add[i] < K ? f->w[i] * exp(f->eta[i] - J->shift) : 0.0;
        f->rr[i] = ri;
        if (ri == 0)
            continue;
        size_t ka = f->k_add[i], kr = f->k_rem[i];
        S0[ka] += ri;
        S0[kr] -= ri;
        double *ra = rm + ka * p, *rb = rm + kr * p;
        if (f->dead[i]) {
            double *da = dm + ka * p;
            D0[ka] += ri;
            for (size_t j = 0; j < p; j++) {
                double v = ri * z[j * n + i];
                ra[j] += v;
                rb[j] -= v;
                da[j] += v;
            }
        } else {
            for (size_t j = 0; j < p; j++) {
                double v = ri * z[j * n + i];
                ra[j] += v;
                rb[j] -= v;
            }
        }
    }
}

/* X' diag(a) X over the rows of part r, by chunked dsyrk into the part's
 * p x p (column-major lower triangle) */
static void eval_info(void *ctx, size_t r)
{
    eval_job *J = ctx;
    struct rhaz_cox *f = J->f;
    size_t lo, hi, n = f->n, p = f->p;
    part_rows(f, r, &lo, &hi);
    double *imat = r ? f->imatp[r] : f->imat, *chunk = r ? f->chunkp[r] : f->chunk;
    double sa[CHUNK];
    memset(imat, 0, p * p * sizeof(double));
    for (size_t r0 = lo; r0 < hi; r0 += CHUNK) {
        size_t m = hi - r0 < CHUNK ? hi - r0 : CHUNK;
        for (size_t q = 0; q < m; q++) {
            size_t i = r0 + q, ka = f->k_add[i];
            double ai = f->rr[i] * (f->cumA[f->k_hi[i]] - f->cumA[ka]);
            if (f->dead[i])
                ai -= f->rr[i] * f->B[ka];
            f->a[i] = ai;
            sa[q] = ai > 0 ? sqrt(ai) : 0.0; /* a >= 0 up to rounding */
        }
        for (size_t j = 0; j < p; j++) {
            const double *z = f->z + j * n + r0;
            double *c = chunk + j * m;
            for (size_t q = 0; q < m; q++)
                c[q] = sa[q] * z[q];
        }
        /* column-major lower triangle of imat == row-major upper */
        cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (int)p, (int)m,
                    1.0, chunk, (int)m, 1.0, imat, (int)p);
    }
}

double rhaz_cox_eval_(struct rhaz_cox *f, const double *beta, int info)
{
    const size_t p = f->p, K = f->K, K1 = K + 1;
    eval_job J = {.f = f, .beta = beta};
    core_parallel(f->nparts, f->threads, eval_eta, &J);

    /* guard exp() against overflow: subtract a constant (it cancels) */
    double mx = -INFINITY, mn = INFINITY;
    for (size_t r = 0; r < f->nparts; r++) {
        if (J.mx[r] > mx)
            mx = J.mx[r];
        if (J.mn[r] < mn)
            mn = J.mn[r];
    }
    double shift = 0;
    if (mx >= mn)
        shift = mx - mn <= 400 ? 0.5 * (mx + mn) : mx - 200;
    if (!isfinite(shift))
        shift = 0;
    f->shift = shift;
    J.shift = shift;

    /* risk-set sums by difference arrays (per part, added in order), then
     * prefix sums per stratum */
    core_parallel(f->nparts, f->threads, eval_sums, &J);
    for (size_t r = 1; r < f->nparts; r++) {
        for (size_t k = 0; k < K1; k++) {
            f->S0[k] += f->S0p[r][k];
            f->D0[k] += f->D0p[r][k];
        }
        for (size_t q = 0; q < K1 * p; q++) {
            f->S1r[q] += f->S1p[r][q];
            f->D1r[q] += f->D1p[r][q];
        }
    }
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k < K1; k++) {
            f->S1[j * K1 + k] = f->S1r[k * p + j];
            f->D1[j * K1 + k] = f->D1r[k * p + j];
        }
    for (size_t s = 0; s < f->S; s++) {
        double run = 0;
        for (size_t k = f->sbeg[s]; k < f->sbeg[s + 1]; k++) {
            run += f->S0[k];
            f->S0[k] = run;
        }
        for (size_t j = 0; j < p; j++) {
            double *s1 = f->S1 + j * K1;
            run = 0;
            for (size_t k = f->sbeg[s]; k < f->sbeg[s + 1]; k++) {
                run += s1[k];
                s1[k] = run;
            }
        }
    }

    /* per slot: Efron sums, log-likelihood, score, mean part of info */
    double loglik = 0;
    for (size_t e = 0; e < f->n_deaths; e++) {
        size_t i = f->deaths[e];
        loglik += f->w[i] * (f->eta[i] - shift);
    }
    memcpy(f->u, f->ud, p * sizeof(double));
    if (info)
        memset(f->corr, 0, p * p * sizeof(double));
    f->cumA[0] = 0;
    for (size_t k = 0; k < K; k++) {
        double d = f->slot_nd[k], wd = f->slot_wd[k];
        double s0 = f->S0[k], d0 = f->D0[k];
        double A = 0, B = 0, C0 = 0, C1 = 0, C2 = 0, E0 = 0, E1 = 0;
        double m = f->tie->fractions(d); /* 1 (Breslow, single event) or d */
        if (m == 1) {
            A = wd / s0;
            C0 = A / s0;
            E0 = 1 / s0;
            loglik -= wd * log(s0);
        } else {
            double wbar = wd / m;
            int nd = (int)m;
            for (int jj = 0; jj < nd; jj++) {
                double fr = jj / m, den = s0 - fr * d0, inv = 1 / den;
                E0 += inv;
                E1 += fr * inv;
                C0 += inv * inv;
                C1 += fr * inv * inv;
                C2 += fr * fr * inv * inv;
                loglik -= wbar * log(den);
            }
            A = wbar * E0;
            B = wbar * E1;
            C0 *= wbar;
            C1 *= wbar;
            C2 *= wbar;
        }
        f->A[k] = A;
        f->B[k] = B;
        f->C0[k] = C0;
        f->C1[k] = C1;
        f->C2[k] = C2;
        f->E0[k] = E0;
        f->E1[k] = E1;
        f->cumA[k + 1] = f->cumA[k] + A;
        for (size_t j = 0; j < p; j++)
            f->u[j] -= A * f->S1[j * K1 + k] - B * f->D1[j * K1 + k];
        if (info) {
            for (size_t j = 0; j < p; j++) {
                double s1j = f->S1[j * K1 + k], d1j = f->D1[j * K1 + k];
                for (size_t l = 0; l <= j; l++) {
                    double s1l = f->S1[l * K1 + k], d1l = f->D1[l * K1 + k];
                    f->corr[j * p + l] += C0 * s1j * s1l -
                                          C1 * (s1j * d1l + d1j * s1l) +
                                          C2 * d1j * d1l;
                }
            }
        }
    }
    if (!info || p == 0)
        return loglik;

    /* second-moment part: X' diag(a) X, per part, added in order */
    core_parallel(f->nparts, f->threads, eval_info, &J);
    for (size_t r = 1; r < f->nparts; r++)
        for (size_t q = 0; q < p * p; q++)
            f->imat[q] += f->imatp[r][q];
    /* imat (col-major lower: element (j,l), j >= l, at l * p + j) */
    for (size_t j = 0; j < p; j++)
        for (size_t l = 0; l <= j; l++) {
            double v = f->imat[l * p + j] - f->corr[j * p + l];
            f->imat[l * p + j] = v;
            f->imat[j * p + l] = v;
        }
    return loglik;
}

/* ---- Newton-Raphson ------------------------------------------------- */

static int all_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

/* loglik (penalized if Firth) plus score and information in f->u,
 * f->imat; the Firth version adds the penalty and its gradient. */
double rhaz_cox_firth_adjust_(struct rhaz_cox *f, double loglik);

static double objective(struct rhaz_cox *f, const double *beta, int firth)
{
    double lk = rhaz_cox_eval_(f, beta, 1);
    f->eval_at_beta = 1;
    if (firth)
        lk = rhaz_cox_firth_adjust_(f, lk);
    return lk;
}

/* 1 if every event's risk set holds exactly one row (the event's own):
 * the partial likelihood is then 0 whatever the coefficients (e.g. a
 * stratum per unit on single-spell data).  Risk-set sizes per slot by a
 * difference array and prefix sums per stratum, O(n + K); -1 if out of
 * memory. */
static int singleton_risk_sets(const rhaz_cox *f)
{
    size_t K = f->K;
    long *cnt = calloc(K + 1, sizeof *cnt);
    if (!cnt)
        return -1;
    for (size_t i = 0; i < f->n; i++)
        if (f->k_add[i] < K && f->w[i] > 0) {
            cnt[f->k_add[i]]++;
            cnt[f->k_rem[i]]--;
        }
    int all = K > 0;
    for (size_t s = 0; s < f->S && all; s++) {
        long run = 0;
        for (size_t k = f->sbeg[s]; k < f->sbeg[s + 1] && all; k++) {
            run += cnt[k];
            all = run == 1;
        }
    }
    free(cnt);
    return all;
}

rhaz_cox *rhaz_cox_fit(const rhaz_cox_data *d, const rhaz_cox_options *opt,
                       rhaz_error *err)
{
    rhaz_cox_options def;
    if (!opt) {
        rhaz_cox_options_default(&def);
        opt = &def;
    }
    if (rhaz_cox_check_data_(d, opt, err) != RHAZ_OK)
        return NULL;

    rhaz_cox *f = rhaz_cox_setup_(d, opt, err);
    if (!f)
        return NULL;
    if (f->p > 0) {
        int single = singleton_risk_sets(f);
        if (single) {
            if (single < 0)
                rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory fitting the model (%zu rows x %zu covariates)", d->n, d->p);
            else
                rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                               "every risk set is a singleton: each of the %zu "
                               "events is the only row at risk in its stratum "
                               "at its time (%zu strata; e.g. a stratum per "
                               "state on single-spell data), so the partial "
                               "likelihood does not depend on the coefficients "
                               "and none is identified; drop the strata() term "
                               "or use a shared frailty or a conditional logit",
                               f->n_deaths, f->S);
            rhaz_cox_free(f);
            return NULL;
        }
    }
    const size_t n = f->n, p = f->p;
    const int firth = opt->firth != 0;
    double *beta = f->beta_z, *oldbeta = NULL, *step = NULL, *fac = NULL;
    oldbeta = calloc(p ? p : 1, sizeof *oldbeta);
    step = calloc(p ? p : 1, sizeof *step);
    fac = calloc(p ? p * p : 1, sizeof *fac);
    if (!oldbeta || !step || !fac) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory fitting the model (%zu rows x %zu covariates)", d->n, d->p);
        goto fail;
    }
    if (firth && p > 0) {
        f->q0 = calloc(n, sizeof *f->q0);
        f->v = calloc((f->K + 1) * p, sizeof *f->v);
        if (!f->q0 || !f->v) {
            rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory fitting the model (%zu rows x %zu covariates)", d->n, d->p);
            goto fail;
        }
    }
    for (size_t j = 0; j < p; j++)
        beta[j] = opt->init ? opt->init[j] / f->scale[j] : 0.0;

    int maxiter = p > 0 ? opt->max_iter : 0;
    /* Firth: the Newton steps use I, not the penalized Hessian, so
     * convergence is linear; allow more steps and stop on the step size */
    if (firth && maxiter > 0 && maxiter < 100)
        maxiter = 100;
    int converged = 0, halving = 0, nhalf = 0, iter;
    double newlk = objective(f, beta, firth);
    double lk0 = newlk, best = newlk, sctest = 0;
    memcpy(fac, f->imat, p * p * sizeof(double));
    int rank = p ? rhaz_ldl_factor_(fac, p, RHAZ_LDL_PIVOT_MAX_DIAG, opt->toler_chol, NULL, NULL, NULL) : 0;
    memcpy(step, f->u, p * sizeof(double));
    if (p)
        rhaz_ldl_solve_(fac, p, step);
    for (size_t j = 0; j < p; j++)
        sctest += step[j] * f->u[j];
    if (maxiter == 0)
        converged = 1;

    for (iter = 1; iter <= maxiter; iter++) {
        if (iter == 1) {
            if (!isfinite(newlk))
                goto done;
            for (size_t j = 0; j < p; j++) {
                oldbeta[j] = beta[j];
                beta[j] += step[j];
            }
        } else {
            int fail = !all_finite(f->imat, p * p) || !isfinite(newlk);
            memcpy(fac, f->imat, p * p * sizeof(double));
            int rank2 = rhaz_ldl_factor_(fac, p, RHAZ_LDL_PIVOT_MAX_DIAG, opt->toler_chol, NULL, NULL, NULL);
            fail += rank != rank2;
            /* Firth: ignore a fall at rounding level (the penalized
             * likelihood is flat at the optimum and steps are tiny) */
            double slack = firth ? 1e-13 * fabs(best) : 0.0;
            /* a fall within the convergence tolerance is rounding at the
             * optimum: converged here (R would step-halve on it) */
            if (!firth && !fail && halving == 0 && newlk < best &&
                fabs(1 - best / newlk) <= opt->eps) {
                converged = 1;
                goto done;
            }
            if (fail || newlk < best - slack) {
                halving++;
                nhalf++;
                for (size_t j = 0; j < p; j++)
                    beta[j] = (oldbeta[j] * halving + beta[j]) / (halving + 1.0);
            } else {
                halving = 0;
                if (!firth && fabs(1 - best / newlk) <= opt->eps) {
                    converged = 1;
                    goto done;
                }
                best = newlk;
                memcpy(step, f->u, p * sizeof(double));
                rhaz_ldl_solve_(fac, p, step);
                if (firth) {
                    double mx = 0;
                    for (size_t j = 0; j < p; j++)
                        if (fabs(step[j]) > mx)
                            mx = fabs(step[j]);
                    if (mx <= 1e-10) {
                        converged = 1;
                        goto done;
                    }
                }
                for (size_t j = 0; j < p; j++) {
                    oldbeta[j] = beta[j];
                    beta[j] += step[j];
                }
            }
        }
        newlk = objective(f, beta, firth);
    }
    /* ran out of iterations: back to the last good value if the last
     * attempt did not improve (R returns the last good beta too) */
    if (maxiter > 0) {
        int back = !(newlk >= best) || !isfinite(newlk);
        if (!back && p) {
            /* nor if the information lost rank on the way (a coefficient
             * running to infinity: its information underflows into the
             * rounding of the moment sums), which would report the column
             * as collinear */
            memcpy(fac, f->imat, p * p * sizeof(double));
            back = rhaz_ldl_factor_(fac, p, RHAZ_LDL_PIVOT_MAX_DIAG, opt->toler_chol, NULL, NULL, NULL) != rank;
        }
        if (back) {
            memcpy(beta, oldbeta, p * sizeof(double));
            newlk = objective(f, beta, firth);
        }
    }
    memcpy(fac, f->imat, p * p * sizeof(double));
    rank = p ? rhaz_ldl_factor_(fac, p, RHAZ_LDL_PIVOT_MAX_DIAG, opt->toler_chol, NULL, NULL, NULL) : 0;

done:
    if (iter > maxiter)
        iter = maxiter + 1;
    if (converged || maxiter == 0) {
        /* fac holds the factor of imat at beta (made above the test) */
    }
    if (p)
        rhaz_ldl_inverse_(fac, p, f->vz);

    rhaz_cox_result *r = &f->res;
    r->n = n;
    r->p = p;
    r->n_events = f->n_deaths;
    r->n_strata = f->S;
    r->n_clusters = f->G;
    r->ties = f->ties;
    r->firth = firth;
    r->converged = converged;
    r->stop = converged ? RHAZ_STOP_CONVERGED
              : !isfinite(newlk) ? RHAZ_STOP_NONFINITE
                                 : RHAZ_STOP_MAXITER;
    r->iterations = iter - 1;
    r->step_halvings = nhalf;
    r->rank = rank < 0 ? -rank : rank;
    r->loglik_init = lk0;
    r->loglik = newlk;
    r->score_test = sctest;

    /* final quantities: re-evaluate (unpenalized) at beta to leave the
     * slot sums of the estimate in the workspace */
    double lk_unpen = f->eval_at_beta && !firth ? newlk
                                                 : rhaz_cox_eval_(f, beta, 1);
    r->loglik_unpen = lk_unpen;
    if (firth)
        (void)rhaz_cox_firth_adjust_(f, lk_unpen); /* score = modified */

    int any_alias = rank < (int)p;
    for (size_t j = 0; j < p; j++) {
        double sj = f->scale[j];
        f->aliased[j] = any_alias && f->vz[j * p + j] == 0;
        f->coef[j] = f->aliased[j] ? NAN : beta[j] * sj;
        f->score[j] = f->u[j] / sj;
        for (size_t l = 0; l < p; l++)
            f->vcov_model[j * p + l] = f->vz[j * p + l] * sj * f->scale[l];
    }
    /* monotone likelihood (as R: the Newton step at the end is not small
     * relative to the coefficient) */
    r->stop = converged ? RHAZ_STOP_CONVERGED : r->stop;
    if (maxiter > 1 && converged && !firth) {
        for (size_t j = 0; j < p; j++) {
            if (f->aliased[j])
                continue;
            double inf = 0;
            for (size_t l = 0; l < p; l++)
                inf += f->score[l] * f->vcov_model[l * p + j];
            inf = fabs(inf);
            double c = fabs(f->coef[j]);
            int flag = !isfinite(f->score[j]) ||
                       (f->counting ? inf > opt->toler_inf * (1 + c)
                                    : (inf > opt->eps && inf > opt->toler_inf * c));
            f->infinite[j] = flag;
            if (flag)
                r->stop = RHAZ_STOP_SEPARATION;
        }
    }
    /* linear predictors as R: x'b - means'b (aliased coefficients as 0),
     * from the centred covariates (x may have been overwritten):
     * x'b = z'b_z + center_s'b */
    {
        f->lp = f->eta; /* eta is not needed after the fit: reuse it */
        for (size_t j = 0; j < p; j++)
            step[j] = f->aliased[j] ? 0.0 : beta[j];
        if (p > 0)
            cblas_dgemv(CblasColMajor, CblasNoTrans, (int)n, (int)p, 1.0, f->z,
                        (int)n, step, 1, 0.0, f->lp, 1);
        else
            memset(f->lp, 0, n * sizeof(double));
        double *off = calloc(f->S, sizeof *off);
        if (!off) {
            rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory fitting the model (%zu rows x %zu covariates)", d->n, d->p);
            goto fail;
        }
        for (size_t s = 0; s < f->S; s++)
            for (size_t j = 0; j < p; j++)
                if (!f->aliased[j])
                    off[s] += (f->center[j * f->S + s] - f->means[j]) * f->coef[j];
        for (size_t i = 0; i < n; i++)
            f->lp[i] += off[f->strata ? f->strata[i] : 0];
        free(off);
    }
    /* variance reported */
    memcpy(f->vcov, f->vcov_model, p * p * sizeof(double));
    r->robust = opt->robust || d->cluster != NULL;
    if (r->robust && p > 0) {
        /* sandwich V (sum_g U_g U_g') V, U_g the summed weighted score
         * residuals of cluster g (every row its own cluster if none):
         * R's coxph robust variance; adj adds the G/(G-1) factor */
        int twoway = f->cluster && d->cluster2 && d->cluster12;
        f->twoway = twoway;
        size_t G = f->cluster && !twoway ? f->G : n;
        double *sr = malloc(G * p * sizeof *sr);
        if (!sr) {
            rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory fitting the model (%zu rows x %zu covariates)", d->n, d->p);
            goto fail;
        }
        /* summed by cluster on the fly: no n x p matrix when clustered
         * one way; per row for two-way clustering */
        int *cl_save = f->cluster;
        if (twoway)
            f->cluster = NULL;
        rhaz_status st = rhaz_cox_score_sums_(f, sr, err);
        f->cluster = cl_save;
        for (size_t j = 0; st == RHAZ_OK && j < p * p; j++)
            fac[j] = isfinite(f->vcov_model[j]) ? f->vcov_model[j] : 0.0;
        if (st == RHAZ_OK && !twoway) {
            st = rhaz_vcov_sandwich(fac, p, sr, G, NULL, 0, RHAZ_ADJ_NONE,
                                    (size_t)r->rank, f->vcov, err);
            double c = opt->adj == RHAZ_ADJ_NONE
                           ? 1.0
                           : rhaz_vcov_adjust(opt->adj, G, n, (size_t)r->rank);
            for (size_t j = 0; st == RHAZ_OK && j < p * p; j++)
                f->vcov[j] *= c;
        } else if (st == RHAZ_OK) {
            /* V_a + V_b - V_ab, each with its own factor (vcovCL) */
            const int *cl[3] = {d->cluster, d->cluster2, d->cluster12};
            size_t Gc[3] = {d->n_clusters, d->n_clusters2, d->n_clusters12};
            const double sign[3] = {1, 1, -1};
            double *Vk = malloc(p * p * sizeof *Vk);
            if (!Vk)
                st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory fitting the model (%zu rows x %zu covariates)", d->n, d->p);
            memset(f->vcov, 0, p * p * sizeof(double));
            for (int c = 0; c < 3 && st == RHAZ_OK; c++) {
                if (Gc[c] < 2) {
                    st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                        "two-way sandwich variance: needs at "
                                        "least 2 clusters in each dimension; "
                                        "got %zu", Gc[c]);
                    core_error_option(err, "cluster");
                    break;
                }
                st = rhaz_vcov_sandwich(fac, p, sr, n, cl[c], Gc[c], opt->adj,
                                        (size_t)r->rank, Vk, err);
                for (size_t j = 0; st == RHAZ_OK && j < p * p; j++)
                    f->vcov[j] += sign[c] * Vk[j];
            }
            free(Vk);
        }
        free(sr);
        if (st != RHAZ_OK)
            goto fail;
        r->n_clusters = f->cluster ? f->G : n;
        f->adj = opt->adj;
    }
    for (size_t j = 0; j < p; j++)
        if (f->aliased[j])
            for (size_t l = 0; l < p; l++) {
                f->vcov[j * p + l] = f->vcov[l * p + j] = NAN;
                f->vcov_model[j * p + l] = f->vcov_model[l * p + j] = NAN;
            }

    /* Wald test b' V^{-1} b with the reported variance (as R) */
    if (p > 0) {
        double w = 0;
        for (size_t j = 0; j < p; j++)
            for (size_t l = 0; l < p; l++)
                fac[j * p + l] = f->aliased[j] || f->aliased[l]
                                     ? 0.0 : f->vcov[j * p + l];
        rhaz_ldl_factor_(fac, p, RHAZ_LDL_PIVOT_MAX_DIAG, opt->toler_chol, NULL, NULL, NULL);
        for (size_t j = 0; j < p; j++)
            step[j] = f->aliased[j] ? 0.0 : f->coef[j];
        memcpy(oldbeta, step, p * sizeof(double));
        rhaz_ldl_solve_(fac, p, step);
        for (size_t j = 0; j < p; j++)
            w += step[j] * oldbeta[j];
        r->wald_test = w;
    }

    r->coef = f->coef;
    r->aliased = f->aliased;
    r->infinite = f->infinite;
    r->vcov = f->vcov;
    r->vcov_model = f->vcov_model;
    r->score = f->score;
    r->means = f->means;
    r->linear_predictors = f->lp;
    free(oldbeta);
    free(step);
    free(fac);
    return f;

fail:
    free(oldbeta);
    free(step);
    free(fac);
    rhaz_cox_free(f);
    return NULL;
}

/* ---- summary --------------------------------------------------------- */

rhaz_fit_summary *rhaz_cox_summary(const rhaz_cox *f, const char *const *names,
                                   const char *formula, double conf_level,
                                   rhaz_error *err)
{
    if (!f)
        return NULL;
    const rhaz_cox_result *r = &f->res;
    size_t p = r->p;
    if (!(conf_level > 0 && conf_level < 1))
        conf_level = 0.95;
    rhaz_fit_summary *s = rhaz_fit_summary_new_(
        "cox", "", rhaz_cox_ties_name(r->ties));
    if (!s || !(s->formula = core_strdup(formula ? formula : "")))
        goto nomem;
    s->firth = r->firth;
    s->n = r->n;
    s->events = r->n_events;
    s->n_clusters = f->G;
    s->n_strata = r->n_strata;
    s->converged = r->converged;
    s->stop = r->stop;
    s->iterations = r->iterations;
    s->step_halvings = r->step_halvings;
    s->rank = r->rank;
    rhaz_fit_summary_lik_(s, r->loglik, r->loglik_init, r->rank,
                          (double)r->n_events);
    s->vce = f->cluster ? RHAZ_VCE_CLUSTER : r->robust ? RHAZ_VCE_ROBUST
                                                       : RHAZ_VCE_MODEL;
    s->vce_adj = f->adj;
    {
        const char *lab = "model-based (inverse information)";
        if (r->robust)
            lab = f->adj == RHAZ_ADJ_G
                      ? (f->cluster ? "cluster sandwich x G/(G-1)"
                                    : "robust sandwich x n/(n-1)")
                  : f->adj == RHAZ_ADJ_STATA
                      ? (f->cluster ? "cluster sandwich x G/(G-1) (N-1)/(N-K) "
                                      "(Stata)"
                                    : "robust sandwich x n/(n-1) (N-1)/(N-K)")
                      : (f->cluster ? "cluster sandwich (R coxph convention, "
                                      "no small-sample factor)"
                                    : "robust sandwich (R coxph convention)");
        if (f->twoway)
            lab = f->adj == RHAZ_ADJ_G
                      ? "two-way cluster sandwich V_a + V_b - V_ab (Cameron-Gelbach-"
                        "Miller), each x G/(G-1) (R sandwich::vcovCL default)"
                  : f->adj == RHAZ_ADJ_STATA
                      ? "two-way cluster sandwich V_a + V_b - V_ab (Cameron-Gelbach-"
                        "Miller), each x G/(G-1) (N-1)/(N-K) (vcovCL type HC1)"
                      : "two-way cluster sandwich V_a + V_b - V_ab (Cameron-Gelbach-"
                        "Miller; R sandwich::vcovCL with cadjust = FALSE, no "
                        "small-sample factor, as coxph's one-way)";
        if (!(s->vce_label = core_strdup(lab)))
            goto nomem;
    }
    if (rhaz_fit_summary_wald_(s, p, names, r->coef, r->vcov, r->aliased, conf_level,
                               err))
        goto nomem;
    for (size_t j = 0; j < p; j++) {
        const char *term = s->coef[j].term;
        if (r->aliased[j] &&
            rhaz_fit_summary_warn_(s, "%s: collinear with other terms, coefficient set "
                                   "to NA", term))
            goto nomem;
        if (r->infinite[j] &&
            rhaz_fit_summary_warn_(s, "%s: monotone likelihood: the log-likelihood "
                                   "converged before this coefficient; it may be "
                                   "infinite (consider Firth's penalty, option firth)",
                                   term))
            goto nomem;
    }
    if (!r->converged &&
        rhaz_fit_summary_warn_(s, "%s", r->stop == RHAZ_STOP_NONFINITE
                                            ? "the log-likelihood is not finite"
                                            : "ran out of iterations and did not converge"))
        goto nomem;
    return s;
nomem:
    rhaz_fit_summary_free(s);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory summarising the model (%zu coefficients)", f->p);
    return NULL;
}

void rhaz_cox_data_from_design(rhaz_cox_data *cd, const rhaz_design *d)
{
    memset(cd, 0, sizeof *cd);
    cd->n = d->n;
    cd->p = d->p;
    cd->x = d->p ? d->X : NULL;
    if (d->ny == 3) { /* Surv(start, stop, event) */
        cd->start = d->y;
        cd->stop = d->y + d->n;
        cd->event = d->y + 2 * d->n;
    } else { /* Surv(time, event) */
        cd->stop = d->y;
        cd->event = d->y + d->n;
    }
    cd->weights = d->weights;
    cd->strata = d->strata;
    cd->n_strata = d->n_strata;
    cd->cluster = d->cluster;
    cd->n_clusters = d->n_clusters;
    cd->cluster2 = d->cluster2;
    cd->n_clusters2 = d->n_clusters2;
    cd->cluster12 = d->cluster12;
    cd->n_clusters12 = d->n_clusters12;
}
