/* boot_stats.c -- the bootstrap result of a fit: standard errors,
 * covariance, bias, normal and percentile intervals from the replicate
 * estimates (formulas in rhaz/boot.h and docs/methods.md).  Sums run in
 * replicate order, so the result is the same however the replicates
 * were split into shards or threads. */
#include "model/boot_int.h"

#include "core/util.h"
#include "model/fit_internal.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_empty(const char *s) { return core_strdup(s ? s : ""); }

/* the base fit's numbers that stay (the estimates, the likelihood) */
static rhaz_fit_summary *copy_base(const rhaz_fit_summary *b)
{
    rhaz_fit_summary *s = rhaz_fit_summary_new_(b->model, b->link, b->ties);
    if (!s)
        return NULL;
    s->formula = dup_or_empty(b->formula);
    if (!s->formula) {
        rhaz_fit_summary_free(s);
        return NULL;
    }
    s->firth = b->firth;
    s->n = b->n;
    s->events = b->events;
    s->n_dropped = b->n_dropped;
    s->n_strata = b->n_strata;
    s->converged = b->converged;
    s->stop = b->stop;
    s->iterations = b->iterations;
    s->step_halvings = b->step_halvings;
    s->rank = b->rank;
    s->loglik = b->loglik;
    s->loglik_null = b->loglik_null;
    s->loglik_init = b->loglik_init;
    s->aic = b->aic;
    s->bic = b->bic;
    s->lr_stat = b->lr_stat;
    s->lr_df = b->lr_df;
    s->lr_p = b->lr_p;
    for (size_t k = 0; k < b->n_warnings; k++)
        if (rhaz_fit_summary_warn_(s, "%s", b->warnings[k])) {
            rhaz_fit_summary_free(s);
            return NULL;
        }
    if (b->design && !(s->design = rhaz_design_spec_copy(b->design))) {
        rhaz_fit_summary_free(s);
        return NULL;
    }
    return s;
}

/* "3 not converged, 1 separation" */
static void reasons(char *buf, size_t size, const size_t *count)
{
    size_t len = 0;
    buf[0] = 0;
    for (int r = 1; r < RHAZ_REP_NSTATUS; r++) {
        if (!count[r])
            continue;
        int k = snprintf(buf + len, size - len, "%s%zu %s", len ? ", " : "", count[r],
                         rhaz_rep_status_name((rhaz_rep_status)r));
        if (k < 0 || (size_t)k >= size - len)
            return;
        len += (size_t)k;
    }
}

rhaz_fit_summary *rhaz_boot_summary(const rhaz_fit_summary *base, const rhaz_boot *b,
                                    rhaz_error *err)
{
    if (!base || !b || b->first != 0 || b->last != b->reps) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "bootstrap: the summary needs every replicate (a shard holds "
                       "part of them; combine the shards first)");
        return NULL;
    }
    size_t p = b->p, R = b->reps, used = 0, count[RHAZ_REP_NSTATUS] = {0};
    int same = base->p == p;
    for (size_t j = 0; same && j < p; j++)
        same = strcmp(base->coef[j].term, b->terms[j]) == 0;
    if (!same) {
        rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                       "bootstrap: the replicates' terms are not the fit's");
        return NULL;
    }
    for (size_t k = 0; k < R; k++) {
        int st = b->status[k];
        count[st >= 0 && st < RHAZ_REP_NSTATUS ? st : RHAZ_REP_ERROR]++;
        /* a usable replicate estimates every term the fit estimates (a
         * merged part file may say otherwise) */
        for (size_t j = 0; st == RHAZ_REP_OK && j < p; j++)
            if (!base->coef[j].aliased && !isfinite(b->est[k * p + j])) {
                rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                               "bootstrap: replicate %zu is marked ok but has no "
                               "finite estimate of %s", k + 1,
                               b->terms[j]);
                return NULL;
            }
    }
    used = count[RHAZ_REP_OK];
    char why[256];
    reasons(why, sizeof why, count);
    if (used < 2) {
        rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                       "bootstrap: %zu of %zu replicates could be used (%s)%s%s", used, R,
                       why, b->error ? "; first error: " : "", b->error ? b->error : "");
        return NULL;
    }
    rhaz_fit_summary *s = copy_base(base);
    double *mean = calloc(p + 1, sizeof *mean), *V = calloc(p * p + 1, sizeof *V);
    double *sorted = malloc((used + 1) * sizeof *sorted);
    const char **names = calloc(p + 1, sizeof *names);
    double *est = calloc(p + 1, sizeof *est);
    int *al = calloc(p + 1, sizeof *al);
    char label[512];
    if (!s || !mean || !V || !sorted || !names || !est || !al)
        goto nomem;
    for (size_t j = 0; j < p; j++) {
        names[j] = base->coef[j].term;
        est[j] = base->coef[j].estimate;
        al[j] = base->coef[j].aliased;
    }
    double ru = (double)used;
    for (size_t k = 0; k < R; k++)
        for (size_t j = 0; b->status[k] == RHAZ_REP_OK && j < p; j++)
            mean[j] += al[j] ? 0 : b->est[k * p + j];
    for (size_t j = 0; j < p; j++)
        mean[j] /= ru;
    for (size_t k = 0; k < R; k++) {
        if (b->status[k] != RHAZ_REP_OK)
            continue;
        const double *e = b->est + k * p;
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p && !al[i]; j++)
                if (!al[j])
                    V[i * p + j] += (e[i] - mean[i]) * (e[j] - mean[j]);
    }
    for (size_t i = 0; i < p * p; i++)
        V[i] /= ru - 1;
    double level = base->conf_level > 0 && base->conf_level < 1 ? base->conf_level : 0.95;
    if (rhaz_fit_summary_wald_(s, p, names, est, V, al, level, err))
        goto fail;
    for (size_t j = 0; j < p; j++) {
        rhaz_coef *c = &s->coef[j];
        c->df = c->riv = c->fmi = NAN;
        if (al[j]) {
            c->bias = c->pct_low = c->pct_high = NAN;
            continue;
        }
        size_t q = 0;
        for (size_t k = 0; k < R; k++)
            if (b->status[k] == RHAZ_REP_OK)
                sorted[q++] = b->est[k * p + j];
        gsl_sort(sorted, 1, q);
        c->bias = mean[j] - est[j];
        c->pct_low = gsl_stats_quantile_from_sorted_data(sorted, 1, q, (1 - level) / 2);
        c->pct_high = gsl_stats_quantile_from_sorted_data(sorted, 1, q, (1 + level) / 2);
    }
    s->vce = RHAZ_VCE_BOOTSTRAP;
    s->vce_adj = RHAZ_ADJ_NONE;
    s->boot_reps = R;
    s->boot_used = used;
    s->boot_seed = b->seed;
    s->boot_clustered = b->clustered;
    s->boot_units = b->n_units;
    s->n_clusters = b->clustered ? b->n_units : 0;
    if (b->clustered)
        snprintf(label, sizeof label,
                 "bootstrap, %zu replicates resampling the %zu clusters of %s (SD of the "
                 "replicate estimates, divisor R - 1)", R, b->n_units,
                 b->cluster_name && b->cluster_name[0] ? b->cluster_name : "the cluster");
    else
        snprintf(label, sizeof label,
                 "bootstrap, %zu replicates resampling the %zu rows (SD of the replicate "
                 "estimates, divisor R - 1)", R, b->n_units);
    if (!(s->vce_label = core_strdup(label)))
        goto nomem;
    if (used < R &&
        rhaz_fit_summary_warn_(s, "bootstrap: %zu of %zu replicates failed and are left "
                                  "out (%s); the statistics use the other %zu%s%s",
                               R - used, R, why, used, b->error ? "; first error: " : "",
                               b->error ? b->error : ""))
        goto nomem;
    goto done;
nomem:
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory summarising the bootstrap");
fail:
    rhaz_fit_summary_free(s);
    s = NULL;
done:
    free(mean);
    free(V);
    free(sorted);
    free(names);
    free(est);
    free(al);
    return s;
}
