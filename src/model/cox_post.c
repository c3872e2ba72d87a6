/* cox_post.c -- after a Cox fit: baseline survival curves (survfit on a
 * coxph fit), Schoenfeld residuals and the cox.zph test.
 *
 * Everything reuses the slot sums of the final evaluation
 * (cox_internal.h); no risk set is ever visited per event.
 *
 * survfit: for a covariate vector x0 with risk rho0 = exp(x0'b) (relative
 * to the centring used in the fit), the cumulative hazard at the k-th
 * event time of a stratum is rho0 * sum of A over its slots (A_k =
 * sum_j wbar/den_j: Efron's adjusted increment, Breslow's d/S0), and its
 * variance, as R's survfit.coxph (Tsiatis / Link),
 *   rho0^2 [ sum C0 + d' V d ],  d = sum (G_k - x0 A_k),
 * with C0 = sum_j wbar/den_j^2, G = sum_j wbar m_j/den_j and V the
 * reported variance of beta (the sandwich if robust, as R).
 *
 * cox.zph (survival 3.5-3): a score test, at the fitted beta, for adding
 * the covariates z * g(t) with g the transformed time centred at its
 * mean over the events.  With u_k, V_k the slot's contributions to the
 * score and information, U_gamma = sum g_k u_k and the information of
 * (beta, gamma) has blocks sum V_k, sum g_k V_k, sum g_k^2 V_k; the
 * second-moment parts of those are again weighted cross-products X'AX
 * with cumulative sums of g_k A_k, g_k^2 A_k over the slots.
 */
#include "model/cox_internal.h"
#include "model/linalg.h"

#include <cblas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- survfit ---------------------------------------------------------- */

void rhaz_cox_curve_free(rhaz_cox_curve *c)
{
    if (!c)
        return;
    free(c->stratum);
    free(c->time);
    free(c->n_risk);
    free(c->n_event);
    free(c->cumhaz);
    free(c->surv);
    free(c->std_err);
    free(c);
}

rhaz_cox_curve *rhaz_cox_survfit(const rhaz_cox *f, const double *x0,
                                 rhaz_error *err)
{
    if (!f)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "cox: bad arguments"), NULL;
    const size_t n = f->n, p = f->p, K = f->K, K1 = K + 1, S = f->S;
    rhaz_cox_curve *c = calloc(1, sizeof *c);
    double *nr = calloc(K1, sizeof *nr), *G = malloc((K * p + 1) * sizeof *G);
    double *dz = calloc(p + 1, sizeof *dz), *z0 = calloc(p + 1, sizeof *z0);
    double *vd = calloc(p + 1, sizeof *vd);
    if (!c || !nr || !G || !dz || !z0 || !vd)
        goto nomem;
    c->n_points = K;
    if (!(c->stratum = malloc((K + 1) * sizeof *c->stratum)) ||
        !(c->time = malloc(K1 * sizeof(double))) ||
        !(c->n_risk = malloc(K1 * sizeof(double))) ||
        !(c->n_event = malloc(K1 * sizeof(double))) ||
        !(c->cumhaz = malloc(K1 * sizeof(double))) ||
        !(c->surv = malloc(K1 * sizeof(double))) ||
        !(c->std_err = malloc(K1 * sizeof(double))))
        goto nomem;
    /* weighted number at risk per slot: difference array + prefix sums */
    for (size_t i = 0; i < n; i++) {
        nr[f->k_add[i]] += f->w[i];
        nr[f->k_rem[i]] -= f->w[i];
    }
    for (size_t s = 0; s < S; s++) {
        double run = 0;
        for (size_t k = f->sbeg[s]; k < f->sbeg[s + 1]; k++) {
            run += nr[k];
            nr[k] = run;
        }
    }
    rhaz_cox_slot_vectors_(f, G, NULL, NULL);

    size_t out = 0;
    for (size_t s = 0; s < S; s++) {
        /* x0 on the scaled, stratum-centred covariates */
        double lp = -f->shift;
        for (size_t j = 0; j < p; j++) {
            double x = x0 ? x0[j] : f->means[j];
            double b = f->aliased[j] ? 0.0 : f->beta_z[j];
            z0[j] = (x - f->center[j * S + s]) * f->scale[j];
            lp += z0[j] * b;
            dz[j] = 0;
        }
        double rho = exp(lp), ch = 0, vg = 0;
        /* slots of the stratum run backwards in time */
        for (size_t kk = f->sbeg[s + 1]; kk-- > f->sbeg[s];) {
            ch += f->A[kk];
            vg += f->C0[kk];
            for (size_t j = 0; j < p; j++)
                dz[j] += G[j * K + kk] - z0[j] * f->A[kk];
            /* d' V d with the reported variance (robust if asked, as
             * survfit.coxph uses fit$var), on the original scale */
            double q = 0;
            for (size_t j = 0; j < p; j++) {
                if (f->aliased[j])
                    continue;
                double t = 0;
                for (size_t l = 0; l < p; l++)
                    if (!f->aliased[l])
                        t += f->vcov[j * p + l] * dz[l] / f->scale[l];
                q += dz[j] / f->scale[j] * t;
            }
            c->stratum[out] = (int)s;
            c->time[out] = f->slot_time[kk];
            c->n_risk[out] = nr[kk];
            c->n_event[out] = f->slot_wd[kk];
            c->cumhaz[out] = rho * ch;
            c->surv[out] = exp(-rho * ch);
            c->std_err[out] = rho * sqrt(vg + q);
            out++;
        }
    }
    free(nr);
    free(G);
    free(dz);
    free(z0);
    free(vd);
    return c;
nomem:
    rhaz_cox_curve_free(c);
    free(nr);
    free(G);
    free(dz);
    free(z0);
    free(vd);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory after the fit (%zu rows x %zu coefficients)", f->n, f->p);
    return NULL;
}

/* ---- Schoenfeld residuals -------------------------------------------- */

typedef struct {
    int s;
    double t;
    size_t i;
} evrow;

static int evrow_cmp(const void *a, const void *b)
{
    const evrow *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* events in R's order: stratum, time, then row */
static evrow *event_order(const rhaz_cox *f)
{
    evrow *e = malloc((f->n_deaths + 1) * sizeof *e);
    if (!e)
        return NULL;
    for (size_t k = 0; k < f->n_deaths; k++) {
        size_t i = f->deaths[k];
        e[k].s = f->strata ? f->strata[i] : 0;
        e[k].t = f->stop[i];
        e[k].i = i;
    }
    qsort(e, f->n_deaths, sizeof *e, evrow_cmp);
    return e;
}

rhaz_status rhaz_cox_schoenfeld(const rhaz_cox *f, int scaled, double *out,
                                double *time, size_t *rows, rhaz_error *err)
{
    if (!f || !out)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "cox: bad arguments");
    const size_t n = f->n, p = f->p, K = f->K, ne = f->n_deaths;
    double *mb = malloc((K * p + 1) * sizeof *mb);
    evrow *e = event_order(f);
    double *tmp = malloc((p + 1) * sizeof *tmp);
    if (!mb || !e || !tmp) {
        free(mb);
        free(e);
        free(tmp);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory after the fit (%zu rows x %zu coefficients)", f->n, f->p);
    }
    rhaz_cox_slot_vectors_(f, NULL, NULL, mb);
    for (size_t k = 0; k < ne; k++) {
        size_t i = e[k].i, slot = f->k_add[i];
        if (time)
            time[k] = f->stop[i];
        if (rows)
            rows[k] = i;
        for (size_t j = 0; j < p; j++) /* original scale */
            tmp[j] = (f->z[j * n + i] - mb[j * K + slot]) / f->scale[j];
        for (size_t j = 0; j < p; j++) {
            if (!scaled) {
                out[j * ne + k] = tmp[j];
                continue;
            }
            /* R: n_events * V r + beta (model-based V) */
            double v = 0;
            for (size_t l = 0; l < p; l++)
                if (!f->aliased[l] && !f->aliased[j])
                    v += f->vcov_model[j * p + l] * tmp[l];
            out[j * ne + k] = f->aliased[j] ? NAN
                                             : (double)ne * v + f->coef[j];
        }
    }
    free(mb);
    free(e);
    free(tmp);
    return RHAZ_OK;
}

/* ---- cox.zph --------------------------------------------------------- */

/* Transformed event time g(t_k) per slot. */
static int zph_times(const rhaz_cox *f, rhaz_zph_transform tr, double *g)
{
    const size_t n = f->n, K = f->K;
    if (tr == RHAZ_ZPH_IDENTITY || tr == RHAZ_ZPH_LOG) {
        for (size_t k = 0; k < K; k++)
            g[k] = tr == RHAZ_ZPH_LOG ? log(f->slot_time[k]) : f->slot_time[k];
        return 0;
    }
    double *st = malloc(n * sizeof *st);
    if (!st)
        return -1;
    memcpy(st, f->stop, n * sizeof *st);
    gsl_sort(st, 1, n);
    /* number of stop times < t and <= t, by binary search */
#define COUNT_LT(arr, t, res)                                                  \
    do {                                                                       \
        size_t lo_ = 0, hi_ = n;                                               \
        while (lo_ < hi_) {                                                    \
            size_t m_ = lo_ + (hi_ - lo_) / 2;                                 \
            if ((arr)[m_] < (t))                                               \
                lo_ = m_ + 1;                                                  \
            else                                                               \
                hi_ = m_;                                                      \
        }                                                                      \
        (res) = lo_;                                                           \
    } while (0)
#define COUNT_LE(arr, t, res)                                                  \
    do {                                                                       \
        size_t lo_ = 0, hi_ = n;                                               \
        while (lo_ < hi_) {                                                    \
            size_t m_ = lo_ + (hi_ - lo_) / 2;                                 \
            if ((arr)[m_] <= (t))                                              \
                lo_ = m_ + 1;                                                  \
            else                                                               \
                hi_ = m_;                                                      \
        }                                                                      \
        (res) = lo_;                                                           \
    } while (0)
    if (tr == RHAZ_ZPH_RANK) {
        /* R's rank(times), ties averaged, over every row */
        for (size_t k = 0; k < K; k++) {
            size_t lt, le;
            COUNT_LT(st, f->slot_time[k], lt);
            COUNT_LE(st, f->slot_time[k], le);
            g[k] = (double)lt + ((double)(le - lt) + 1) / 2;
        }
        free(st);
        return 0;
    }
    /* km: 1 - S(t-) of the unweighted, unstratified Kaplan-Meier of all
     * rows (with delayed entry for (start, stop] data) */
    double *sa = NULL, *et = malloc((f->n_deaths + 1) * sizeof *et);
    if (!et) {
        free(st);
        return -1;
    }
    if (f->start) {
        sa = malloc(n * sizeof *sa);
        if (!sa) {
            free(st);
            free(et);
            return -1;
        }
        memcpy(sa, f->start, n * sizeof *sa);
        gsl_sort(sa, 1, n);
    }
    for (size_t e = 0; e < f->n_deaths; e++)
        et[e] = f->stop[f->deaths[e]];
    gsl_sort(et, 1, f->n_deaths);
    /* walk the distinct event times upwards, S(t-) before each */
    size_t nd = f->n_deaths;
    double *ut = malloc((nd + 1) * sizeof *ut), *us = malloc((nd + 1) * sizeof *us);
    if (!ut || !us) {
        free(st);
        free(et);
        free(sa);
        free(ut);
        free(us);
        return -1;
    }
    size_t nu = 0;
    double surv = 1;
    for (size_t e = 0; e < nd;) {
        double t = et[e];
        size_t d = 0;
        while (e < nd && et[e] == t) {
            d++;
            e++;
        }
        size_t lt, sge = 0;
        COUNT_LT(st, t, lt);
        size_t atrisk = n - lt; /* stop >= t */
        if (sa) {
            size_t sle;
            COUNT_LT(sa, t, sle); /* start < t */
            sge = n - sle;        /* start >= t: not yet at risk */
        }
        ut[nu] = t;
        us[nu] = surv; /* S(t-) */
        nu++;
        surv *= 1 - (double)d / (double)(atrisk - sge);
    }
    for (size_t k = 0; k < K; k++) {
        double t = f->slot_time[k];
        size_t lo = 0, hi = nu;
        while (lo < hi) {
            size_t m = lo + (hi - lo) / 2;
            if (ut[m] < t)
                lo = m + 1;
            else
                hi = m;
        }
        g[k] = 1 - us[lo];
    }
#undef COUNT_LT
#undef COUNT_LE
    free(st);
    free(et);
    free(sa);
    free(ut);
    free(us);
    return 0;
}

/* C += Z' diag(wt) Z over the rows (any sign of wt), column-major p x p */
static void xtwx(const rhaz_cox *f, const double *wt, double *buf, size_t chunk,
                 double *C)
{
    const size_t n = f->n, p = f->p;
    for (size_t r0 = 0; r0 < n; r0 += chunk) {
        size_t m = n - r0 < chunk ? n - r0 : chunk;
        for (size_t j = 0; j < p; j++)
            for (size_t r = 0; r < m; r++)
                buf[j * m + r] = wt[r0 + r] * f->z[j * n + r0 + r];
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)p, (int)p,
                    (int)m, 1.0, buf, (int)m, f->z + r0, (int)n, 1.0, C,
                    (int)p);
    }
}

rhaz_status rhaz_cox_zph(const rhaz_cox *f, rhaz_zph_transform tr,
                         double *table, rhaz_error *err)
{
    return rhaz_cox_zph_terms(f, tr, NULL, 0, table, err);
}

rhaz_status rhaz_cox_zph_terms(const rhaz_cox *f, rhaz_zph_transform tr,
                               const int *assign, size_t n_terms,
                               double *table, rhaz_error *err)
{
    if (!f || !table)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "cox: bad arguments");
    const size_t n = f->n, p = f->p, K = f->K, K1 = K + 1;
    const size_t chunk = 2048;
    if (p == 0)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "cox.zph: the model has no covariates");
    size_t q = 0; /* non-aliased columns */
    size_t *keep = malloc(p * sizeof *keep);
    double *g = malloc(K1 * sizeof *g), *cg1 = malloc(K1 * sizeof *cg1),
           *cg2 = malloc(K1 * sizeof *cg2), *a1 = malloc(n * sizeof *a1),
           *a2 = malloc(n * sizeof *a2), *buf = malloc(chunk * p * sizeof *buf),
           *I0 = calloc(p * p, sizeof *I0), *I1 = calloc(p * p, sizeof *I1),
           *I2 = calloc(p * p, sizeof *I2), *uk = calloc(K1 * p, sizeof *uk),
           *ug = calloc(p, sizeof *ug), *big = NULL, *sub = NULL, *rhs = NULL;
    rhaz_status st = RHAZ_OK;
    if (!keep || !g || !cg1 || !cg2 || !a1 || !a2 || !buf || !I0 || !I1 ||
        !I2 || !uk || !ug || zph_times(f, tr, g)) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory after the fit (%zu rows x %zu coefficients)", f->n, f->p);
        goto out;
    }
    for (size_t j = 0; j < p; j++)
        if (!f->aliased[j])
            keep[q++] = j;

    /* centre g at its mean over the events (unweighted, as R) */
    double gm = 0;
    for (size_t k = 0; k < K; k++)
        gm += f->slot_nd[k] * g[k];
    gm /= (double)f->n_deaths;
    for (size_t k = 0; k < K; k++)
        g[k] -= gm;

    /* slot scores u_k = sum_deaths w z - (A S1 - B D1) */
    for (size_t e = 0; e < f->n_deaths; e++) {
        size_t i = f->deaths[e], k = f->k_add[i];
        for (size_t j = 0; j < p; j++)
            uk[j * K1 + k] += f->w[i] * f->z[j * n + i];
    }
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k < K; k++) {
            uk[j * K1 + k] -= f->A[k] * f->S1[j * K1 + k] -
                              f->B[k] * f->D1[j * K1 + k];
            ug[j] += g[k] * uk[j * K1 + k];
        }

    /* second-moment parts: weights with g and g^2 */
    cg1[0] = cg2[0] = 0;
    for (size_t k = 0; k < K; k++) {
        cg1[k + 1] = cg1[k] + g[k] * f->A[k];
        cg2[k + 1] = cg2[k] + g[k] * g[k] * f->A[k];
    }
    for (size_t i = 0; i < n; i++) {
        a1[i] = f->rr[i] * (cg1[f->k_hi[i]] - cg1[f->k_add[i]]);
        a2[i] = f->rr[i] * (cg2[f->k_hi[i]] - cg2[f->k_add[i]]);
    }
    for (size_t e = 0; e < f->n_deaths; e++) {
        size_t i = f->deaths[e], k = f->k_add[i];
        a1[i] -= f->rr[i] * g[k] * f->B[k];
        a2[i] -= f->rr[i] * g[k] * g[k] * f->B[k];
    }
    xtwx(f, f->a, buf, chunk, I0);
    xtwx(f, a1, buf, chunk, I1);
    xtwx(f, a2, buf, chunk, I2);
    /* mean parts, per slot */
    for (size_t k = 0; k < K; k++)
        for (size_t j = 0; j < p; j++) {
            double s1j = f->S1[j * K1 + k], d1j = f->D1[j * K1 + k];
            for (size_t l = 0; l < p; l++) {
                double s1l = f->S1[l * K1 + k], d1l = f->D1[l * K1 + k];
                double m = f->C0[k] * s1j * s1l -
                           f->C1[k] * (s1j * d1l + d1j * s1l) +
                           f->C2[k] * d1j * d1l;
                I0[l * p + j] -= m;
                I1[l * p + j] -= g[k] * m;
                I2[l * p + j] -= g[k] * g[k] * m;
            }
        }

    /* the 2q x 2q information of (beta, gamma) over kept columns */
    size_t q2 = 2 * q;
    big = malloc(q2 * q2 * sizeof *big);
    sub = malloc(q2 * q2 * sizeof *sub);
    rhs = malloc(q2 * sizeof *rhs);
    if (!big || !sub || !rhs) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory after the fit (%zu rows x %zu coefficients)", f->n, f->p);
        goto out;
    }
    for (size_t a = 0; a < q; a++)
        for (size_t b = 0; b < q; b++) {
            size_t ja = keep[a], jb = keep[b];
            big[a * q2 + b] = I0[jb * p + ja];
            big[a * q2 + q + b] = I1[jb * p + ja];
            big[(q + a) * q2 + b] = I1[jb * p + ja];
            big[(q + a) * q2 + q + b] = I2[jb * p + ja];
        }
    size_t nt = assign ? n_terms : p;
    for (size_t t = 0; t <= nt; t++)
        table[3 * t] = table[3 * t + 1] = table[3 * t + 2] = NAN;
    size_t *ix = malloc(q2 * sizeof *ix);
    double *u0 = malloc(q2 * sizeof *u0);
    if (!ix || !u0) {
        free(ix);
        free(u0);
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cox: out of memory after the fit (%zu rows x %zu coefficients)", f->n, f->p);
        goto out;
    }
    /* per term: rows/cols (beta, gamma of the term), u = (0, U_gamma);
     * t == nt: GLOBAL */
    for (size_t t = 0; t <= nt; t++) {
        size_t m = q;
        for (size_t b = 0; b < q; b++)
            ix[b] = b;
        for (size_t b = 0; b < q; b++) {
            size_t term = assign ? (size_t)assign[keep[b]] : keep[b];
            if (t == nt || term == t)
                ix[m++] = q + b;
        }
        if (m == q)
            continue; /* every column of the term aliased */
        for (size_t r = 0; r < m; r++) {
            for (size_t c = 0; c < m; c++)
                sub[r * m + c] = big[ix[r] * q2 + ix[c]];
            rhs[r] = ix[r] < q ? 0.0 : ug[keep[ix[r] - q]];
        }
        memcpy(u0, rhs, m * sizeof *u0);
        rhaz_ldl_factor_(sub, m, RHAZ_LDL_PIVOT_MAX_DIAG, 1e-12, NULL, NULL, NULL);
        rhaz_ldl_solve_(sub, m, rhs);
        double chisq = 0;
        for (size_t r = 0; r < m; r++)
            chisq += rhs[r] * u0[r];
        double df = (double)(m - q);
        table[3 * t] = chisq;
        table[3 * t + 1] = df;
        table[3 * t + 2] = gsl_cdf_chisq_Q(chisq, df);
    }
    free(ix);
    free(u0);
out:
    free(keep);
    free(g);
    free(cg1);
    free(cg2);
    free(a1);
    free(a2);
    free(buf);
    free(I0);
    free(I1);
    free(I2);
    free(uk);
    free(ug);
    free(big);
    free(sub);
    free(rhs);
    return st;
}
