/* glm_fit.c -- rhaz_glm_fit: binary-response GLMs (logit, cloglog link)
 * by IRLS (glm_irls.c) or Firth's penalized likelihood (firth.c), with
 * model-based, robust or cluster-robust variances (glm_sandwich.c),
 * separation diagnostics (glm_separation.c) and the summary built by
 * the shared builder (fit.c).  Estimates, standard errors and deviances
 * agree with R's glm / logistf / sandwich.
 *
 * Inputs (from rhaz_design): X n x p column-major, y n in {0,1},
 * optional prior weights (n, >= 0) and cluster ids.  Work arrays: one
 * glm_ws, sized (n, p) once (glm_internal.h has the layout).
 * Cluster ids (d->cluster) are used by the cluster-robust variance only;
 * the summary reports clusters only then.  strata() terms are refused:
 * the stratified (conditional) logit is a different likelihood.
 */
#include "model/fit_internal.h"
#include "model/glm_internal.h"

#include "core/util.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The variance label of the summary (states the convention). */
static void vce_label(const rhaz_glm_options *opt, const rhaz_design *d, char *label,
                      size_t size)
{
    const rhaz_vce_adj_type *at = rhaz_vce_adj_type_(opt->vce_adj);
    const char *adjname = at ? at->label : "unknown adjustment";
    if (opt->vce == RHAZ_VCE_MODEL)
        snprintf(label, size, "model (inverse information%s)",
                 opt->firth ? " at the penalized estimate" : "");
    else if (opt->vce == RHAZ_VCE_CLUSTER && d->cluster2)
        snprintf(label, size, "two-way cluster-robust by %s (%zu, %zu clusters, "
                 "%zu intersections; Cameron-Gelbach-Miller, R sandwich::vcovCL"
                 "(cluster = ~ a + b)), each term %s",
                 opt->cluster_name ? opt->cluster_name : "a,b", d->n_clusters,
                 d->n_clusters2, d->n_clusters12,
                 opt->vce_adj == RHAZ_ADJ_NONE ? "unadjusted (CR0)"
                 : opt->vce_adj == RHAZ_ADJ_G  ? "x G/(G-1) (vcovCL default)"
                                               : "x G/(G-1) x (N-1)/(N-K) (vcovCL type HC1)");
    else if (opt->vce == RHAZ_VCE_CLUSTER)
        snprintf(label, size, "cluster-robust by %s (%zu clusters), %s",
                 opt->cluster_name ? opt->cluster_name : "cluster", d->n_clusters,
                 adjname);
    else if (opt->vce_adj != RHAZ_ADJ_NONE)
        snprintf(label, size, "robust sandwich HC0, %s", adjname);
    else
        snprintf(label, size, "robust sandwich HC0 (R sandwich::vcovHC type HC0)");
}

/* Option and design checks before any work. */
static rhaz_status check_input(const rhaz_design *d, const rhaz_glm_options *opt,
                               rhaz_error *err)
{
    if (!d || d->ny != 1 || !d->y)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "a logit/cloglog model needs one response: 'y ~ ...'");
    if (!glm_link_get(opt->link))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "unknown link %d",
                              (int)opt->link);
    for (size_t i = 0; i < d->n; i++)
        if (d->y[i] != 0 && d->y[i] != 1) {
            core_error_row(err, RHAZ_EDATA, i + 1,
                           "response %s must be 0 or 1 (row %zu has %g)",
                           d->y_name, d->rows[i] + 1, d->y[i]);
            if (err && d->y_name)
                snprintf(err->what, sizeof err->what, "%s", d->y_name);
            return RHAZ_EDATA;
        }
    if (d->weights) {
        size_t npos = 0;
        for (size_t i = 0; i < d->n; i++) {
            double wt = d->weights[i];
            if (!(wt >= 0) || !isfinite(wt))
                return core_error_row(err, RHAZ_EDATA, i + 1,
                                      "weights must be finite and >= 0 (row %zu "
                                      "has %g)", d->rows[i] + 1, wt),
                       core_error_option(err, "weights");
            npos += wt > 0;
        }
        if (npos == 0)
            return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                  "all %zu weights are zero: no observations "
                                  "to fit", d->n),
                   core_error_option(err, "weights");
    }
    if (d->frailty)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "formula term %s: frailties are implemented for the Cox "
                              "model only", d->frailty_term ? d->frailty_term : "frailty()");
    if (d->strata)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "formula term strata(%s): a logit/cloglog model has no "
                              "strata; for a logit conditional on the strata use the "
                              "conditional logit (clogit)",
                              d->strata_name ? d->strata_name : "...");
    if (opt->vce != RHAZ_VCE_MODEL && !rhaz_vce_adj_type_(opt->vce_adj))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "unknown small-sample adjustment %d of the sandwich",
                              (int)opt->vce_adj),
               core_error_option(err, "vce_adj");
    if (opt->firth && opt->link != RHAZ_LINK_LOGIT)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "Firth's penalty is implemented for the logit link only"),
               core_error_option(err, "firth");
    if (opt->vce == RHAZ_VCE_CLUSTER && !d->cluster)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "cluster-robust variance needs a cluster column "
                              "(design option cluster)"),
               core_error_option(err, "cluster");
    if (opt->firth && d->blocks_only)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "Firth's penalty needs the full model matrix (build "
                              "the design without sparse_indicators)"),
               core_error_option(err, "firth");
    if (opt->firth && opt->vce != RHAZ_VCE_MODEL)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "robust/cluster variances are not available with "
                              "Firth's penalty"),
               core_error_option(err, "firth");
    return RHAZ_OK;
}

/* Firth: the penalized null model (intercept only, penalty with the
 * full X), leaving the workspace as it was. */
static int firth_null(glm_ws *ws, int maxit, double *loglik_null)
{
    size_t p = ws->p;
    double *bsave = malloc(p * sizeof(double));
    double *Asave = malloc(2 * p * p * sizeof(double));
    int *asave = malloc(p * sizeof(int));
    if (!bsave || !Asave || !asave) {
        free(bsave);
        free(Asave);
        free(asave);
        return -1;
    }
    memcpy(bsave, ws->beta, p * sizeof(double));
    memcpy(Asave, ws->A, p * p * sizeof(double));
    memcpy(Asave + p * p, ws->Ainv, p * p * sizeof(double));
    memcpy(asave, ws->aliased, p * sizeof(int));
    int rsave = ws->rank;
    memset(ws->beta, 0, p * sizeof(double));
    for (size_t j = 0; j < p; j++)
        ws->fixed[j] = j != 0 || asave[j];
    int it0, c0, h0;
    double ms0;
    *loglik_null = glm_firth_fit(ws, maxit, &it0, &c0, &h0, &ms0);
    memset(ws->fixed, 0, p * sizeof(int));
    memcpy(ws->beta, bsave, p * sizeof(double));
    memcpy(ws->A, Asave, p * p * sizeof(double));
    memcpy(ws->Ainv, Asave + p * p, p * p * sizeof(double));
    memcpy(ws->aliased, asave, p * sizeof(int));
    ws->rank = rsave;
    glm_linear_predictor(ws, ws->beta);
    free(bsave);
    free(Asave);
    free(asave);
    return 0;
}

/* Firth: profile penalized-likelihood CIs and LR tests into s->coef. */
static int firth_profiles(glm_ws *ws, const rhaz_design *d, rhaz_fit_summary *s,
                          double conf)
{
    size_t p = ws->p;
    double *bhat = malloc(p * sizeof(double));
    int *asave = malloc(p * sizeof(int));
    if (!bhat || !asave) {
        free(bhat);
        free(asave);
        return -1;
    }
    memcpy(bhat, ws->beta, p * sizeof(double));
    memcpy(asave, ws->aliased, p * sizeof(int));
    for (size_t j = 0; j < p; j++) {
        if (asave[j])
            continue;
        double lo, hi, chisq;
        rhaz_error perr;
        memcpy(ws->aliased, asave, p * sizeof(int));
        rhaz_status st = glm_firth_profile(ws, bhat, s->loglik, j, conf, &lo, &hi,
                                           &chisq, &perr);
        if (st) {
            rhaz_fit_summary_warn_(s, "profile CI for %s: %s (Wald CI shown)",
                                   d->colnames[j], perr.msg);
            continue;
        }
        s->coef[j].conf_low = lo;
        s->coef[j].conf_high = hi;
        s->coef[j].statistic = chisq;
        s->coef[j].p_value = gsl_cdf_chisq_Q(chisq > 0 ? chisq : 0, 1);
    }
    memcpy(ws->beta, bhat, p * sizeof(double));
    memcpy(ws->aliased, asave, p * sizeof(int));
    free(bhat);
    free(asave);
    return 0;
}

/* The options to fit with (the defaults for NULL) once d and they have
 * passed check_input, else NULL (err set). */
static const rhaz_glm_options *glm_checked(const rhaz_design *d,
                                           const rhaz_glm_options *opt,
                                           rhaz_error *err)
{
    static const rhaz_glm_options defaults = {0};
    rhaz_error_clear(err);
    if (!opt)
        opt = &defaults;
    return check_input(d, opt, err) ? NULL : opt;
}

/* The fit of rhaz_glm_fit (options checked by glm_checked); when g is not
 * NULL, the eta, mu and mu.eta of the estimate are copied into it. */
static rhaz_fit_summary *glm_fit_(const rhaz_design *d, const rhaz_glm_options *opt,
                                  rhaz_glm *g, rhaz_error *err)
{
    size_t n = d->n, p = d->p;
    int maxit = opt->maxit > 0 ? opt->maxit : (opt->firth ? 100 : 25);
    double epsilon = opt->epsilon > 0 ? opt->epsilon : 1e-8;
    double conf = opt->conf_level > 0 && opt->conf_level < 1 ? opt->conf_level : 0.95;
    const glm_link_type *link = glm_link_get(opt->link);

    glm_ws *ws = glm_ws_alloc(d, link, opt->tol_rank > 0 ? opt->tol_rank : 1e-11);
    rhaz_fit_summary *s = rhaz_fit_summary_new_(opt->firth ? "firth-logit" : link->name,
                                                link->name, "");
    double *Vr = NULL;
    if (!ws || !s)
        goto oom;
    ws->threads = opt->threads > 1 ? opt->threads : 1;
    s->firth = opt->firth;
    s->n_dropped = d->n_dropped;
    s->vce = opt->vce;
    s->vce_adj = opt->vce_adj;
    size_t nobs = 0, events = 0;
    double sumw = 0, sumwy = 0;
    for (size_t i = 0; i < n; i++) {
        double wt = d->weights ? d->weights[i] : 1.0;
        if (wt > 0) {
            nobs++;
            events += d->y[i] > 0.5;
        }
        sumw += wt;
        sumwy += wt * d->y[i];
    }
    s->n = nobs;
    s->events = events;
    s->n_clusters = opt->vce == RHAZ_VCE_CLUSTER ? d->n_clusters : 0;

    /* null model: constant mu = weighted mean (intercept) or linkinv(0) */
    {
        double mu0;
        if (d->intercept)
            mu0 = sumwy / sumw;
        else {
            double e0 = 0, m, me;
            link->linkinv(1, &e0, &m, &me);
            mu0 = m;
        }
        double dev0 = 0;
        for (size_t i = 0; i < n; i++) {
            double wt = d->weights ? d->weights[i] : 1.0;
            if (wt > 0)
                dev0 += d->y[i] > 0.5 ? -2 * wt * log(mu0) : -2 * wt * log1p(-mu0);
        }
        s->loglik_null = -dev0 / 2;
    }

    int conv = 0, iter = 0, halvings = 0;
    if (!opt->firth) {
        int nonfinite;
        double dev0;
        double dev = glm_irls_fit(ws, maxit, epsilon, &dev0, &iter, &conv, &halvings,
                                  &nonfinite);
        if (g)
            glm_model_capture(g, ws); /* ws->eta, mu: of the estimate */
        if (nonfinite)
            s->stop = RHAZ_STOP_NONFINITE;
        s->loglik_init = -dev0 / 2;
        s->loglik = -dev / 2;
    } else {
        memset(ws->beta, 0, p * sizeof(double));
        double maxsc = 0;
        s->loglik = glm_firth_fit(ws, maxit, &iter, &conv, &halvings, &maxsc);
        glm_chol_inverse(ws);
        if (d->intercept && firth_null(ws, maxit, &s->loglik_null))
            goto oom;
        if (conv && maxsc > 1e-8)
            rhaz_fit_summary_warn_(s, "Firth: largest modified score %.3g at the solution",
                                   maxsc);
    }
    s->iterations = iter;
    s->step_halvings = halvings;
    s->converged = conv;
    if (!conv && s->stop != RHAZ_STOP_NONFINITE)
        s->stop = RHAZ_STOP_MAXITER;
    s->rank = ws->rank;
    size_t k = (size_t)ws->rank;

    /* aliased terms */
    {
        char names[1500];
        rhaz_name_list_(names, sizeof names, (const char *const *)d->colnames,
                        ws->aliased, p);
        if (names[0])
            rhaz_fit_summary_warn_(s, "collinear terms dropped (coefficient NA, as R): %s",
                                   names);
    }

    /* variance */
    const double *V = ws->Ainv; /* model-based */
    char label[256];
    vce_label(opt, d, label, sizeof label);
    if (opt->vce != RHAZ_VCE_MODEL) {
        if (!(Vr = malloc((p > 0 ? p * p : 1) * sizeof *Vr)))
            goto oom;
        if (glm_vcov_sandwich(ws, d, opt->vce == RHAZ_VCE_CLUSTER, opt->vce_adj, nobs, Vr,
                              err)) {
            free(Vr);
            glm_ws_free(ws);
            rhaz_fit_summary_free(s);
            return NULL;
        }
        V = Vr;
    }
    if (!(s->vce_label = core_strdup(label)) ||
        rhaz_fit_summary_wald_(s, p, (const char *const *)d->colnames, ws->beta, V,
                               ws->aliased, conf, err))
        goto oom;
    free(Vr);
    Vr = NULL;
    if (opt->firth && !opt->no_profile && conv && firth_profiles(ws, d, s, conf))
        goto oom;

    s->aic = -2 * s->loglik + 2 * (double)k;
    s->bic = -2 * s->loglik + log((double)nobs) * (double)k;
    s->lr_df = (int)k - (d->intercept && !ws->aliased[0] ? 1 : 0);
    s->lr_stat = 2 * (s->loglik - s->loglik_null);
    s->lr_p = s->lr_df > 0 ? gsl_cdf_chisq_Q(s->lr_stat > 0 ? s->lr_stat : 0, s->lr_df) : NAN;

    /* diagnostics */
    if (glm_detect_separation(d, ws, s, opt->firth) && !opt->firth)
        s->stop = RHAZ_STOP_SEPARATION;
    if (!conv)
        rhaz_fit_summary_warn_(s, "did not converge in %d iterations (%s); estimates are "
                               "not maximum-likelihood", iter,
                               s->stop == RHAZ_STOP_NONFINITE ? "non-finite deviance"
                                                              : "iteration limit");
    if (g && opt->firth) {
        /* the profiles and the null fit moved ws->eta: recompute (Firth
         * designs have every column of X written) */
        glm_linear_predictor(ws, ws->beta);
        glm_model_capture(g, ws);
    }
    glm_ws_free(ws);
    return s;
oom:
    free(Vr);
    glm_ws_free(ws);
    rhaz_fit_summary_free(s);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                   "out of memory fitting the model (%zu rows x %zu columns: "
                   "work arrays of about %.1f MB)", d->n, d->p,
                   ((double)d->n * 6 + (double)d->p * (double)d->p * 4) * 8 / 1e6);
    return NULL;
}

rhaz_fit_summary *rhaz_glm_fit(const rhaz_design *d, const rhaz_glm_options *opt,
                               rhaz_error *err)
{
    if (!(opt = glm_checked(d, opt, err)))
        return NULL;
    return glm_fit_(d, opt, NULL, err);
}

rhaz_glm *rhaz_glm_fit_model(const rhaz_design *d, const rhaz_glm_options *opt,
                             rhaz_error *err)
{
    if (!(opt = glm_checked(d, opt, err)))
        return NULL;
    rhaz_glm *g = glm_model_alloc(d, glm_link_get(opt->link));
    if (!g) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                       "out of memory keeping the fitted values (%zu rows)", d->n);
        return NULL;
    }
    if (!(g->s = glm_fit_(d, opt, g, err))) {
        rhaz_glm_free(g);
        return NULL;
    }
    return g;
}
