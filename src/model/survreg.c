/* survreg.c -- parametric survival models (Weibull, exponential,
 * log-logistic, log-normal) with delayed entry, as R's survreg in the
 * AFT metric and Stata's streg in the PH metric.  The likelihood and the
 * maximiser are in surv_engine.c; this file validates the data, picks
 * starting values, fits the intercept-only model for the LR test,
 * applies the sandwich and the PH transformation, and fills the summary.
 *
 * Starting values: beta = 0 except the intercept, log of the exponential
 * MLE of the mean time sum w (t - t0) / sum w d (what an exponential
 * model with delayed entry gives exactly), and log(scale) = 0 for the
 * intercept-only model (fitted for the LR test); the model with all
 * terms starts from that model's intercept and log(scale), the other
 * coefficients 0, as R's survreg starts (from the exponential start
 * itself when there is no intercept or the intercept-only fit failed).
 * The intercept-only model is fitted on the distinct (start, stop,
 * event, weight) rows weighted by their counts when there are at most
 * half as many (null_groups).
 *
 * PH metric (Weibull, exponential): with sigma = exp(tau), the hazard is
 * h(t) = p t^(p-1) exp(x'b) with p = 1/sigma and b = -beta/sigma, so the
 * reported coefficients are b and log(p) = -tau; their variance is
 * J V J' with J the Jacobian of (beta, tau) -> (b, log p).
 */
#include "model/surv_int.h"
#include "model/fit_internal.h"
#include "core/util.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Validate the survival columns of d: returns RHAZ_OK or an error naming
 * the row (1-based among the rows used, "row K" as the CLI locates). */
static rhaz_status check_surv(const rhaz_design *d, const char *who,
                              rhaz_error *err)
{
    size_t n = d->n;
    if (d->lhs != RHAZ_LHS_SURV2 && d->lhs != RHAZ_LHS_SURV3)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "%s: the formula needs Surv(time, event) or "
                              "Surv(start, stop, event) on the left", who);
    if (n == 0)
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0, "%s: no rows to fit", who);
    const double *t0 = d->ny == 3 ? d->y : NULL;
    const double *t = d->ny == 3 ? d->y + n : d->y;
    const double *ev = d->ny == 3 ? d->y + 2 * n : d->y + n;
    for (size_t i = 0; i < n; i++) {
        if (!(t[i] > 0) || !isfinite(t[i]))
            return core_error_row(err, RHAZ_EDATA, i + 1,
                                  "%s: row %zu: time %g must be positive and "
                                  "finite", who, i + 1, t[i]);
        if (t0 && !(t0[i] >= 0 && t0[i] < t[i]))
            return core_error_row(err, RHAZ_EDATA, i + 1,
                                  "%s: row %zu: start %g must satisfy 0 <= "
                                  "start < stop (%g)", who, i + 1, t0[i], t[i]);
        if (ev[i] != 0 && ev[i] != 1)
            return core_error_row(err, RHAZ_EDATA, i + 1,
                                  "%s: row %zu: event %g must be 0 or 1", who,
                                  i + 1, ev[i]);
        if (d->weights && !(d->weights[i] > 0))
            return core_error_row(err, RHAZ_EDATA, i + 1,
                                  "%s: row %zu: weight %g must be positive",
                                  who, i + 1, d->weights[i]);
    }
    return RHAZ_OK;
}

/* start: intercept = log(sum w (t - t0) / sum w d) */
static double start_intercept(size_t n, const double *t0, const double *t,
                              const double *ev, const double *w)
{
    double expo = 0, nev = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1;
        expo += wi * (t[i] - (t0 ? t0[i] : 0));
        nev += wi * ev[i];
    }
    return log(expo / (nev > 0 ? nev : 1));
}

/* The intercept-only model depends on a row only through (t0, t, event,
 * w): rows equal in these count as one row weighted by the sum of their
 * weights (yearly panels have a few dozen distinct times).  Groups them
 * by hashing the four values' bits, in order of first appearance, into
 * g (5 arrays of n / 2: t0, t, event, summed weight, the rows' weight);
 * returns the number of groups, or 0 when grouping would not halve the
 * rows or memory is short (then the rows are used as they are). */
static size_t null_groups(size_t n, const double *t0, const double *t,
                          const double *ev, const double *w, double *g)
{
    size_t cap = 16;
    while (cap < n)
        cap *= 2;
    size_t *slot = malloc(cap * sizeof *slot), G = 0;
    if (!slot)
        return 0;
    for (size_t k = 0; k < cap; k++)
        slot[k] = (size_t)-1;
    size_t half = n / 2;
    double *gt0 = g, *gt = g + half, *gev = g + 2 * half, *gw = g + 3 * half,
           *gkw = g + 4 * half;
    for (size_t i = 0; i < n; i++) {
        double key[4] = {t0 ? t0[i] : 0, t[i], ev[i], w ? w[i] : 1};
        unsigned long long h = 0x9e3779b97f4a7c15ULL;
        for (int k = 0; k < 4; k++) {
            unsigned long long b;
            memcpy(&b, &key[k], sizeof b);
            h = (h ^ b) * 0xff51afd7ed558ccdULL;
            h ^= h >> 29;
        }
        size_t s = (size_t)h & (cap - 1);
        while (slot[s] != (size_t)-1 &&
               !(gt0[slot[s]] == key[0] && gt[slot[s]] == key[1] &&
                 gev[slot[s]] == key[2] && gkw[slot[s]] == key[3]))
            s = (s + 1) & (cap - 1);
        if (slot[s] == (size_t)-1) {
            if (G == half) { /* would not halve the rows */
                free(slot);
                return 0;
            }
            slot[s] = G;
            gt0[G] = key[0], gt[G] = key[1], gev[G] = key[2], gkw[G] = key[3];
            gw[G] = 0;
            G++;
        }
        gw[slot[s]] += key[3];
    }
    free(slot);
    return G;
}

static const char *vce_label(rhaz_vce vce, rhaz_vce_adj adj, const char *cl,
                             char *buf, size_t size)
{
    if (vce == RHAZ_VCE_MODEL)
        return "model-based (inverse observed information)";
    const char *f = adj == RHAZ_ADJ_G ? " x G/(G-1)"
                                      : ", no small-sample factor";
    if (vce == RHAZ_VCE_ROBUST)
        snprintf(buf, size, "robust sandwich by row (R survreg robust = TRUE%s)", f);
    else
        snprintf(buf, size, "cluster sandwich by %s (R survreg cluster()%s)",
                 cl && *cl ? cl : "cluster", f);
    return buf;
}

/* Sandwich V U'U V (by cluster) over the free parameters into V. */
rhaz_status surv_sandwich_(const surv_model *m, const double *theta,
                           const int *cluster, size_t G, rhaz_vce_adj adj,
                           int rank, double *V, rhaz_error *err);
rhaz_status surv_sandwich_(const surv_model *m, const double *theta,
                           const int *cluster, size_t G, rhaz_vce_adj adj,
                           int rank, double *V, rhaz_error *err)
{
    size_t n = m->n, P = m->P;
    double *U = malloc((n * P + 1) * sizeof *U), *B = malloc((P * P + 1) * sizeof *B);
    double *out = malloc((P * P + 1) * sizeof *out);
    rhaz_status st = RHAZ_OK;
    if (!U || !B || !out) {
        st = rhaz_error_set(
            err, RHAZ_ENOMEM, NULL, 0,
            "out of memory computing the sandwich variance (%zu rows x %zu parameters)", n, P);
        goto done;
    }
    surv_loglik(m, theta, NULL, NULL, U);
    /* R's survreg builds the meat from unweighted score rows
     * (residuals(type = "dfbeta"), weighted = FALSE) also with case
     * weights; so does rhaz */
    if (m->w)
        for (size_t j = 0; j < P; j++)
            for (size_t i = 0; i < n; i++)
                U[j * n + i] /= m->w[i];
    for (size_t k = 0; k < P * P; k++)
        B[k] = isnan(V[k]) ? 0 : V[k];
    if (adj == RHAZ_ADJ_STATA)
        adj = RHAZ_ADJ_G; /* ML models: Stata's factor is G/(G-1) */
    st = rhaz_vcov_sandwich(B, P, U, n, cluster, cluster ? G : n, adj,
                            (size_t)rank, out, err);
    if (st)
        goto done;
    for (size_t j = 0; j < P; j++)
        for (size_t k = 0; k < P; k++)
            V[j * P + k] = m->fixed[j] || m->fixed[k] ? NAN : out[j * P + k];
done:
    free(U);
    free(B);
    free(out);
    return st;
}

rhaz_fit_summary *rhaz_survreg_fit(const rhaz_design *d,
                                   const rhaz_survreg_options *opt,
                                   rhaz_error *err)
{
    rhaz_survreg_options o = opt ? *opt : (rhaz_survreg_options){0};
    const surv_dist *dist = surv_dist_of(o.dist);
    const char *who = dist ? dist->name : "survreg";
    if (!dist) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "survreg: unknown distribution");
        return NULL;
    }
    if (o.metric == RHAZ_METRIC_PH && !dist->ph) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "%s: the proportional-hazards metric exists only for "
                       "weibull and exponential models", who);
        return NULL;
    }
    if (!d || check_surv(d, who, err))
        return NULL;
    if (o.vce == RHAZ_VCE_CLUSTER && !d->cluster) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "%s: a cluster variance needs cluster ids", who);
        return NULL;
    }
    if (o.maxit <= 0)
        o.maxit = 100;
    if (!(o.epsilon > 0))
        o.epsilon = 1e-16;
    if (!(o.tol_rank > 0))
        o.tol_rank = 1e-7;
    size_t n = d->n, p = d->p;
    const double *t0 = d->ny == 3 ? d->y : NULL;
    const double *t = d->ny == 3 ? d->y + n : d->y;
    const double *ev = d->ny == 3 ? d->y + 2 * n : d->y + n;

    rhaz_fit_summary *s = NULL;
    surv_model *m = surv_model_alloc(n, p, 0, dist, 0), *m0 = NULL;
    size_t P = m ? m->P : 0;
    double *theta = calloc(P + 2, sizeof *theta), *V = malloc((P * P + 4) * sizeof *V);
    double *g0 = NULL; /* the intercept-only model's grouped rows */
    char **terms = calloc(P + 1, sizeof *terms);
    surv_newton_result res, res0;
    memset(&res0, 0, sizeof res0);
    res0.loglik = NAN;
    if (!m || !theta || !V || !terms)
        goto nomem;
    m->X = d->X;
    m->t = t;
    m->t0 = t0;
    m->event = ev;
    m->w = d->weights;
    m->threads = o.threads;
    surv_model_prepare(m);
    if (surv_alias(d->X, n, p, o.tol_rank, m->fixed) < 0)
        goto nomem;
    double b0 = start_intercept(n, t0, t, ev, d->weights);
    if (d->intercept && !m->fixed[0])
        theta[0] = b0;
    /* the intercept-only model, for the LR test; fitted first, its
     * intercept and scale start the model (as R's survreg starts) */
    if (d->intercept && p > 1) {
        size_t half = n / 2, G = 0;
        if ((g0 = malloc((6 * half + 1) * sizeof *g0)))
            G = null_groups(n, t0, t, ev, d->weights, g0);
        if (!(m0 = surv_model_alloc(G ? G : n, 1, 0, dist, 0)))
            goto nomem;
        m0->X = d->X;
        m0->t = t;
        m0->t0 = t0;
        m0->event = ev;
        m0->w = d->weights;
        if (G) { /* the distinct rows, weighted (X: a column of ones) */
            double *one = g0 + 5 * half;
            for (size_t k = 0; k < G; k++)
                one[k] = 1;
            m0->X = one;
            m0->t0 = t0 ? g0 : NULL;
            m0->t = g0 + half;
            m0->event = g0 + 2 * half;
            m0->w = g0 + 3 * half;
        }
        m0->threads = o.threads;
        surv_model_prepare(m0);
        double th0[2] = {b0, 0}, V0[4];
        if (surv_newton(m0, th0, o.maxit, o.epsilon, V0, &res0, err))
            goto fail;
        if (res0.converged && !m->fixed[0] && isfinite(th0[0]) && isfinite(th0[1])) {
            theta[0] = th0[0];
            if (!dist->fixed_scale)
                theta[P - 1] = th0[1];
        }
    }
    if (surv_newton(m, theta, o.maxit, o.epsilon, V, &res, err))
        goto fail;
    if (d->intercept && p <= 1)
        res0 = res;

    int rank = 0;
    for (size_t j = 0; j < P; j++)
        rank += !m->fixed[j];
    if (o.vce != RHAZ_VCE_MODEL && res.pd &&
        surv_sandwich_(m, theta, o.vce == RHAZ_VCE_CLUSTER ? d->cluster : NULL,
                       d->n_clusters, o.vce_adj, rank, V, err))
        goto fail;

    /* names and the metric */
    int ph = o.metric == RHAZ_METRIC_PH;
    for (size_t j = 0; j < p; j++)
        if (!(terms[j] = core_strdup(d->colnames[j])))
            goto nomem;
    if (!dist->fixed_scale && !(terms[p] = core_strdup(ph ? "log(p)" : "log(scale)")))
        goto nomem;
    if (ph) {
        /* J: b_j = -beta_j / sigma, log p = -tau */
        double sig = dist->fixed_scale ? 1 : exp(theta[P - 1]);
        double *J = calloc(P * P, sizeof *J), *T = calloc(P * P, sizeof *T);
        if (!J || !T) {
            free(J);
            free(T);
            goto nomem;
        }
        for (size_t j = 0; j < p; j++) {
            J[j * P + j] = -1 / sig;
            if (!dist->fixed_scale)
                J[j * P + (P - 1)] = theta[j] / sig;
        }
        if (!dist->fixed_scale)
            J[(P - 1) * P + (P - 1)] = -1;
        /* T = J V, V = T J' (NaN rows of aliased terms stay NaN) */
        for (size_t a = 0; a < P; a++)
            for (size_t b = 0; b < P; b++) {
                double v = 0;
                for (size_t k = 0; k < P; k++)
                    if (J[a * P + k] != 0)
                        v += J[a * P + k] * V[k * P + b];
                T[a * P + b] = v;
            }
        for (size_t a = 0; a < P; a++)
            for (size_t b = 0; b < P; b++) {
                double v = 0;
                for (size_t k = 0; k < P; k++)
                    if (J[b * P + k] != 0)
                        v += T[a * P + k] * J[b * P + k];
                V[a * P + b] = v;
            }
        for (size_t j = 0; j < p; j++)
            theta[j] = -theta[j] / sig;
        if (!dist->fixed_scale)
            theta[P - 1] = -theta[P - 1];
        free(J);
        free(T);
    }
    if (!(s = surv_summary_new(dist->name, ph ? "ph" : "aft", P, terms, theta, V,
                               m->fixed, o.conf_level, n, ev, &res, o.vce,
                               o.vce_adj, d->n_clusters, err)))
        goto fail;
    s->n_dropped = d->n_dropped;
    s->loglik_null = res0.loglik;
    s->lr_df = d->intercept ? rank - (int)(P - p) - 1 : 0;
    s->lr_stat = d->intercept ? 2 * (res.loglik - res0.loglik) : NAN;
    s->lr_p = s->lr_df > 0 ? gsl_cdf_chisq_Q(s->lr_stat, s->lr_df) : NAN;
    {
        char buf[256];
        if (!(s->vce_label = core_strdup(vce_label(o.vce, s->vce_adj,
                                                   o.cluster_name, buf, sizeof buf))))
            goto nomem;
    }
    if (d->intercept && p > 1 && !res0.converged &&
        rhaz_fit_summary_warn_(s, "the intercept-only model for the LR test did not "
                                  "converge"))
        goto nomem;
    goto done;
nomem:
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "%s: out of memory fitting the survival model", who);
fail:
    rhaz_fit_summary_free(s);
    s = NULL;
done:
    if (terms)
        for (size_t j = 0; j < P; j++)
            free(terms[j]);
    free(terms);
    free(theta);
    free(V);
    free(g0);
    surv_model_free(m);
    surv_model_free(m0);
    return s;
}
