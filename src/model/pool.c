/* pool.c -- Rubin's rules over multiply-imputed fits (see rhaz/pool.h). */
#include "fit_internal.h"
#include "core/util.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_empty(const char *s) { return core_strdup(s ? s : ""); }

/* mice's default complete-data df (mice:::get.dfcom) */
static double default_dfcom(const rhaz_fit_summary *s)
{
    double d = s->model && strcmp(s->model, "cox") == 0
                   ? (double)s->events - (double)s->p
                   : (double)s->n - (double)s->rank;
    return d < 1 ? 1 : d;
}

rhaz_fit_summary *rhaz_fit_pool(const rhaz_fit_summary *const *fits, size_t m,
                                double dfcom, rhaz_error *err)
{
    if (!fits || m < 2) {
        rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                       "Rubin's rules need at least 2 imputations, not %zu", m);
        return NULL;
    }
    const rhaz_fit_summary *f0 = fits[0];
    size_t p = f0->p;
    for (size_t k = 1; k < m; k++) {
        const rhaz_fit_summary *f = fits[k];
        int same = f->p == p && strcmp(f->model ? f->model : "", f0->model ? f0->model : "") == 0;
        for (size_t j = 0; same && j < p; j++)
            same = strcmp(f->coef[j].term, f0->coef[j].term) == 0;
        if (!same) {
            rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                           "imputation %zu: its model or terms differ from those of "
                           "imputation 1 (factor levels or dropped terms?)", k + 1);
            return NULL;
        }
    }
    if (!(dfcom > 0))
        dfcom = default_dfcom(f0);
    rhaz_fit_summary *s = rhaz_fit_summary_new_(f0->model, f0->link, f0->ties);
    double *W = calloc(p * p + 1, sizeof *W), *B = calloc(p * p + 1, sizeof *B);
    double *q = calloc(p + 1, sizeof *q);
    int *al = calloc(p + 1, sizeof *al);
    if (!s || !W || !B || !q || !al)
        goto oom;
    s->formula = dup_or_empty(f0->formula);
    s->vce_label = dup_or_empty(f0->vce_label);
    if (!s->formula || !s->vce_label)
        goto oom;
    s->firth = f0->firth;
    s->n = f0->n;
    s->events = f0->events;
    s->n_dropped = f0->n_dropped;
    s->n_clusters = f0->n_clusters;
    s->n_strata = f0->n_strata;
    s->converged = 1;
    s->stop = RHAZ_STOP_CONVERGED;
    s->rank = f0->rank;
    s->loglik = s->loglik_null = s->loglik_init = s->aic = s->bic = NAN;
    s->lr_stat = s->lr_p = NAN;
    s->vce = f0->vce;
    s->vce_adj = f0->vce_adj;
    s->imputations = m;
    double md = (double)m;
    for (size_t k = 0; k < m; k++) {
        const rhaz_fit_summary *f = fits[k];
        if (!f->converged) {
            s->converged = 0;
            s->stop = f->stop;
        }
        for (size_t j = 0; j < p; j++) {
            al[j] |= f->coef[j].aliased || !isfinite(f->coef[j].estimate);
            q[j] += f->coef[j].estimate / md;
        }
    }
    for (size_t k = 0; k < m; k++) {
        const rhaz_fit_summary *f = fits[k];
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++) {
                double u = f->vcov ? f->vcov[i * p + j]
                           : i == j ? f->coef[i].std_error * f->coef[i].std_error : NAN;
                W[i * p + j] += u / md;
                B[i * p + j] += (f->coef[i].estimate - q[i]) *
                                (f->coef[j].estimate - q[j]) / (md - 1);
            }
    }
    double *T = W; /* W becomes T in place after the scalar quantities */
    double *w = calloc(p + 1, sizeof *w);
    if (!w)
        goto oom;
    for (size_t j = 0; j < p; j++)
        w[j] = W[j * p + j];
    for (size_t i = 0; i < p * p; i++)
        T[i] = W[i] + (1 + 1 / md) * B[i];
    {
        const char **names = calloc(p + 1, sizeof *names);
        if (!names) {
            free(w);
            goto oom;
        }
        for (size_t j = 0; j < p; j++)
            names[j] = f0->coef[j].term;
        rhaz_status st = rhaz_fit_summary_wald_(s, p, names, q, T, al, f0->conf_level, err);
        free(names);
        if (st) {
            free(w);
            goto fail;
        }
    }
    for (size_t j = 0; j < p; j++) {
        rhaz_coef *c = &s->coef[j];
        if (c->aliased) {
            c->df = c->riv = c->fmi = NAN;
            if (rhaz_fit_summary_warn_(s, "%s: aliased (collinear) in at least one "
                                          "imputation: not pooled", c->term)) {
                free(w);
                goto oom;
            }
            continue;
        }
        double b = B[j * p + j], t = T[j * p + j];
        double lambda = (1 + 1 / md) * b / t;
        if (lambda < 1e-4)
            lambda = 1e-4;
        double dfold = (md - 1) / (lambda * lambda);
        double df = dfold;
        if (isfinite(dfcom)) {
            double dfobs = (dfcom + 1) / (dfcom + 3) * dfcom * (1 - lambda);
            df = dfold * dfobs / (dfold + dfobs);
        }
        c->df = df;
        c->riv = (1 + 1 / md) * b / w[j];
        c->fmi = (c->riv + 2 / (df + 3)) / (c->riv + 1);
        c->statistic = c->estimate / c->std_error;
        c->p_value = 2 * gsl_cdf_tdist_Q(fabs(c->statistic), df);
        double tq = gsl_cdf_tdist_Pinv(0.5 + f0->conf_level / 2, df);
        c->conf_low = c->estimate - tq * c->std_error;
        c->conf_high = c->estimate + tq * c->std_error;
    }
    free(w);
    for (size_t k = 0; k < m; k++)
        if (!fits[k]->converged &&
            rhaz_fit_summary_warn_(s, "imputation %zu: the fit did not converge", k + 1))
            goto oom;
    if (f0->design && !(s->design = rhaz_design_spec_copy(f0->design)))
        goto oom;
    if (f0->design_risk && !(s->design_risk = rhaz_design_spec_copy(f0->design_risk)))
        goto oom;
    free(W);
    free(B);
    free(q);
    free(al);
    return s;
oom:
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory pooling imputations");
fail:
    free(W);
    free(B);
    free(q);
    free(al);
    rhaz_fit_summary_free(s);
    return NULL;
}
