/* cure.c -- split-population (cure) duration models of Beger et al.
 * (2017), R package spduration: a logit "at risk" equation and a Weibull
 * or log-logistic duration (AFT, delayed entry).  The likelihood is in
 * surv_engine.c (cure = 1); this file joins the two designs, picks
 * starting values as spdur does (the plain duration model, then
 * gamma = 0), fits, and fills the summary with terms "duration:NAME",
 * "risk:NAME" and "log(scale)".
 *
 * Weak identification.  When nearly every spell is estimated at risk
 * (pi -> 1) the risk equation is flat: its intercept can drift with
 * little change of the likelihood (spduration's coups example has
 * risk:(Intercept) = 6.5 with SE 3.3).  The summary says so when the
 * mean estimated pi exceeds 0.99, and when the information is not
 * positive definite.
 *
 * Starts.  The risk intercept is started at 0 (spdur's start), 2, -2 and
 * 5, the other risk coefficients at 0; the highest converged maximum is
 * reported, and the summary warns when the starts reached different
 * maxima.
 */
#include "model/surv_int.h"
#include "model/fit_internal.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

rhaz_status surv_sandwich_(const surv_model *m, const double *theta,
                           const int *cluster, size_t G, rhaz_vce_adj adj,
                           int rank, double *V, rhaz_error *err);

rhaz_fit_summary *rhaz_cure_fit(const rhaz_design *dur, const rhaz_design *risk,
                                const rhaz_survreg_options *opt, rhaz_error *err)
{
    rhaz_survreg_options o = opt ? *opt : (rhaz_survreg_options){0};
    const surv_dist *dist = surv_dist_of(o.dist);
    if (!dur || !risk) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "cure: no design");
        return NULL;
    }
    if (!dist || (o.dist != RHAZ_SURV_WEIBULL && o.dist != RHAZ_SURV_LOGLOGISTIC)) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "cure: the duration distribution must be weibull or "
                       "loglogistic");
        return NULL;
    }
    if (o.metric != RHAZ_METRIC_AFT) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "cure: only the AFT metric is available");
        return NULL;
    }
    if (dur->lhs != RHAZ_LHS_SURV2 && dur->lhs != RHAZ_LHS_SURV3) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "cure: the duration formula needs Surv(t0, t, event) or "
                       "Surv(t, event) on the left");
        return NULL;
    }
    if (risk->lhs != RHAZ_LHS_NONE) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "cure: the at-risk formula has an outcome ('%s ~'); it "
                       "must be '~ TERMS' (the at-risk indicator is not observed)",
                       risk->y_name ? risk->y_name : "");
        return NULL;
    }
    if (o.vce == RHAZ_VCE_CLUSTER && !dur->cluster) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "cure: a cluster variance needs cluster ids");
        return NULL;
    }
    if (o.maxit <= 0)
        o.maxit = 100;
    if (!(o.epsilon > 0))
        o.epsilon = 1e-16;
    if (!(o.tol_rank > 0))
        o.tol_rank = 1e-7;

    /* rows complete in both designs (both keep the table's order) */
    size_t nd = dur->n, nr = risk->n, n = 0;
    size_t *ia = malloc((nd + 1) * sizeof *ia), *ib = malloc((nd + 1) * sizeof *ib);
    size_t px = dur->p, pz = risk->p;
    double *X = NULL, *Z = NULL, *y = NULL, *w = NULL;
    int *cl = NULL;
    surv_model *m = NULL, *m0 = NULL;
    double *theta = NULL, *V = NULL, *th0 = NULL, *V0 = NULL;
    char **terms = NULL;
    rhaz_fit_summary *s = NULL;
    size_t P = 0;
    if (!ia || !ib)
        goto nomem;
    for (size_t a = 0, b = 0; a < nd && b < nr;) {
        if (dur->rows[a] == risk->rows[b]) {
            ia[n] = a++;
            ib[n++] = b++;
        } else if (dur->rows[a] < risk->rows[b])
            a++;
        else
            b++;
    }
    if (n == 0) {
        rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                       "cure: no row is complete in both the duration and the "
                       "at-risk formula");
        goto fail;
    }
    X = malloc((n * px + 1) * sizeof *X);
    Z = malloc((n * pz + 1) * sizeof *Z);
    y = malloc(3 * n * sizeof *y);
    if (dur->weights)
        w = malloc(n * sizeof *w);
    if (dur->cluster)
        cl = malloc(n * sizeof *cl);
    if (!X || !Z || !y || (dur->weights && !w) || (dur->cluster && !cl))
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < px; j++)
            X[j * n + i] = dur->X[j * nd + ia[i]];
        for (size_t j = 0; j < pz; j++)
            Z[j * n + i] = risk->X[j * nr + ib[i]];
        if (dur->ny == 3) {
            y[i] = dur->y[ia[i]];
            y[n + i] = dur->y[nd + ia[i]];
            y[2 * n + i] = dur->y[2 * nd + ia[i]];
        } else {
            y[i] = 0;
            y[n + i] = dur->y[ia[i]];
            y[2 * n + i] = dur->y[nd + ia[i]];
        }
        if (w)
            w[i] = dur->weights[ia[i]];
        if (cl)
            cl[i] = dur->cluster[ia[i]];
    }
    /* clusters present among the rows used, renumbered 0..G-1 */
    size_t G = 0;
    if (cl) {
        int *map = malloc((dur->n_clusters + 1) * sizeof *map);
        if (!map)
            goto nomem;
        for (size_t g = 0; g < dur->n_clusters; g++)
            map[g] = -1;
        for (size_t i = 0; i < n; i++) {
            if (map[cl[i]] < 0)
                map[cl[i]] = (int)G++;
            cl[i] = map[cl[i]];
        }
        free(map);
    }
    double *t0 = y, *t = y + n, *ev = y + 2 * n;
    for (size_t i = 0; i < n; i++) {
        if (!(t[i] > 0) || !isfinite(t[i]) || !(t0[i] >= 0 && t0[i] < t[i]) ||
            (ev[i] != 0 && ev[i] != 1) || (w && !(w[i] > 0))) {
            core_error_row(err, RHAZ_EDATA, ia[i] + 1,
                           "cure: row %zu: need 0 <= t0 < t, t > 0, event 0 or "
                           "1, weight > 0 (got t0 %g, t %g, event %g)",
                           ia[i] + 1, t0[i], t[i], ev[i]);
            goto fail;
        }
    }
    if (!(m = surv_model_alloc(n, px, pz, dist, 1)) ||
        !(m0 = surv_model_alloc(n, px, 0, dist, 0)))
        goto nomem;
    P = m->P;
    theta = calloc(P + 1, sizeof *theta);
    V = malloc((P * P + 1) * sizeof *V);
    th0 = calloc(px + 2, sizeof *th0);
    V0 = malloc(((px + 1) * (px + 1) + 1) * sizeof *V0);
    terms = calloc(P + 1, sizeof *terms);
    if (!theta || !V || !th0 || !V0 || !terms)
        goto nomem;
    surv_model *ms[2] = {m, m0};
    for (int k = 0; k < 2; k++) {
        ms[k]->X = X;
        ms[k]->Z = Z;
        ms[k]->t0 = t0;
        ms[k]->t = t;
        ms[k]->event = ev;
        ms[k]->w = w;
        ms[k]->threads = o.threads;
        surv_model_prepare(ms[k]);
    }
    if (surv_alias(X, n, px, o.tol_rank, m->fixed) < 0 ||
        surv_alias(Z, n, pz, o.tol_rank, m->fixed + px) < 0)
        goto nomem;
    memcpy(m0->fixed, m->fixed, px * sizeof *m->fixed);

    /* start: the plain duration model, then gamma = 0 (as spdur) */
    double expo = 0, nev = 0;
    for (size_t i = 0; i < n; i++) {
        expo += (w ? w[i] : 1) * (t[i] - t0[i]);
        nev += (w ? w[i] : 1) * ev[i];
    }
    if (dur->intercept && !m->fixed[0])
        th0[0] = log(expo / (nev > 0 ? nev : 1));
    surv_newton_result r0, res;
    memset(&res, 0, sizeof res);
    if (surv_newton(m0, th0, o.maxit, o.epsilon, V0, &r0, err))
        goto fail;
    /* several starts for the risk intercept: the mixture likelihood can
     * have more than one local maximum (spduration's log-logistic coups
     * model has two); the highest converged one is kept */
    static const double starts[] = {0, 2, -2, 5};
    size_t nstart = risk->intercept && !m->fixed[px] && !o.spdur_start ? 4 : 1;
    double best_ll = -INFINITY, other_ll = NAN;
    double *tb = malloc((P + 1) * sizeof *tb), *Vb = malloc((P * P + 1) * sizeof *Vb);
    if (!tb || !Vb) {
        free(tb);
        free(Vb);
        goto nomem;
    }
    int have = 0;
    for (size_t k = 0; k < nstart; k++) {
        surv_newton_result rk;
        memset(tb, 0, P * sizeof *tb);
        memcpy(tb, th0, px * sizeof *tb);
        tb[P - 1] = th0[px];
        tb[px] = starts[k];
        if (surv_newton(m, tb, o.maxit, o.epsilon, Vb, &rk, err)) {
            free(tb);
            free(Vb);
            goto fail;
        }
        int better = !have || (rk.converged && !res.converged) ||
                     (rk.converged == res.converged && rk.loglik > best_ll);
        if (have && rk.converged && res.converged &&
            fabs(rk.loglik - best_ll) > 1e-6 * (fabs(best_ll) + 1))
            other_ll = better ? best_ll : rk.loglik;
        if (better) {
            res = rk;
            best_ll = rk.loglik;
            memcpy(theta, tb, P * sizeof *tb);
            memcpy(V, Vb, P * P * sizeof *Vb);
            have = 1;
        }
    }
    free(tb);
    free(Vb);
    int rank = 0;
    for (size_t j = 0; j < P; j++)
        rank += !m->fixed[j];
    if (o.vce != RHAZ_VCE_MODEL && res.pd &&
        surv_sandwich_(m, theta, o.vce == RHAZ_VCE_CLUSTER ? cl : NULL, G,
                       o.vce_adj, rank, V, err))
        goto fail;

    for (size_t j = 0; j < P; j++) {
        char buf[512];
        if (j < px)
            snprintf(buf, sizeof buf, "duration:%s", dur->colnames[j]);
        else if (j < px + pz)
            snprintf(buf, sizeof buf, "risk:%s", risk->colnames[j - px]);
        else
            snprintf(buf, sizeof buf, "log(scale)");
        if (!(terms[j] = core_strdup(buf)))
            goto nomem;
    }
    if (!(s = surv_summary_new("cure", dist->name, P, terms, theta, V, m->fixed,
                               o.conf_level, n, ev, &res, o.vce, o.vce_adj, G, err)))
        goto fail;
    s->n_dropped = dur->n_total - n;
    /* no nested null model: the plain duration model is the limit
     * pi -> 1, on the boundary, so no chi-square LR test is reported */
    s->loglik_null = NAN;
    s->lr_stat = NAN;
    s->lr_df = 0;
    s->lr_p = NAN;
    {
        char buf[256];
        const char *f = s->vce_adj == RHAZ_ADJ_G ? " x G/(G-1)" : ", no small-sample factor";
        if (o.vce == RHAZ_VCE_MODEL)
            snprintf(buf, sizeof buf, "model-based (inverse observed information)");
        else if (o.vce == RHAZ_VCE_ROBUST)
            snprintf(buf, sizeof buf, "robust sandwich by row (R survreg convention%s)", f);
        else
            snprintf(buf, sizeof buf, "cluster sandwich by %s (R survreg convention%s)",
                     o.cluster_name && *o.cluster_name ? o.cluster_name : "cluster", f);
        if (!(s->vce_label = core_strdup(buf)))
            goto nomem;
    }
    /* mean estimated probability of being at risk */
    double mpi = 0;
    for (size_t i = 0; i < n; i++) {
        double u = 0;
        for (size_t j = 0; j < pz; j++)
            u += Z[j * n + i] * theta[px + j];
        mpi += 1 / (1 + exp(-u));
    }
    mpi /= (double)n;
    if (mpi > 0.99 &&
        rhaz_fit_summary_warn_(s, "nearly every row is estimated at risk (mean "
                             "probability %.4f): the risk equation is weakly "
                             "identified (a flat likelihood in its intercept)",
                          mpi))
        goto nomem;
    if (!isnan(other_ll) &&
        rhaz_fit_summary_warn_(s, "the likelihood has more than one local maximum: "
                             "another start converged at log-likelihood %.10g; "
                             "the highest (%.10g) is reported", other_ll, best_ll))
        goto nomem;
    if (!r0.converged &&
        rhaz_fit_summary_warn_(s, "the plain duration model used for starting values "
                             "did not converge"))
        goto nomem;
    goto done;
nomem:
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "cure: out of memory fitting the cure model");
fail:
    rhaz_fit_summary_free(s);
    s = NULL;
done:
    if (terms)
        for (size_t j = 0; j < P; j++)
            free(terms[j]);
    free(terms);
    free(ia);
    free(ib);
    free(X);
    free(Z);
    free(y);
    free(w);
    free(cl);
    free(theta);
    free(V);
    free(th0);
    free(V0);
    surv_model_free(m);
    surv_model_free(m0);
    return s;
}
