/* fit.c -- the shared fitted-model summary: building it (the Wald table,
 * the likelihood members and the warning list, used by every model
 * family), naming why a fit stopped, and freeing it. */
#include "model/fit_internal.h"

#include "core/util.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *rhaz_stop_reason_name(rhaz_stop_reason r)
{
    switch (r) {
    case RHAZ_STOP_CONVERGED: return "converged";
    case RHAZ_STOP_MAXITER: return "iteration limit reached";
    case RHAZ_STOP_NONFINITE: return "non-finite log-likelihood";
    case RHAZ_STOP_SEPARATION: return "separation";
    case RHAZ_STOP_STALLED: return "no improving step";
    }
    return "unknown";
}

void rhaz_fit_summary_free(rhaz_fit_summary *s)
{
    if (!s)
        return;
    free(s->model);
    free(s->link);
    free(s->ties);
    free(s->formula);
    free(s->vce_label);
    free(s->weights);
    if (s->coef)
        for (size_t j = 0; j < s->p; j++)
            free(s->coef[j].term);
    free(s->coef);
    free(s->vcov);
    for (size_t k = 0; k < s->n_warnings; k++)
        free(s->warnings[k]);
    free(s->warnings);
    rhaz_design_spec_free(s->design);
    rhaz_design_spec_free(s->design_risk);
    free(s);
}

rhaz_fit_summary *rhaz_fit_summary_new_(const char *model, const char *link,
                                        const char *ties)
{
    rhaz_fit_summary *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->model = core_strdup(model ? model : "");
    s->link = core_strdup(link ? link : "");
    s->ties = core_strdup(ties ? ties : "");
    if (!s->model || !s->link || !s->ties) {
        rhaz_fit_summary_free(s);
        return NULL;
    }
    return s;
}

rhaz_status rhaz_fit_summary_wald_(rhaz_fit_summary *s, size_t p,
                                   const char *const *names, const double *beta,
                                   const double *V, const int *aliased,
                                   double conf_level, rhaz_error *err)
{
    s->conf_level = conf_level;
    s->p = 0;
    s->coef = calloc(p ? p : 1, sizeof *s->coef);
    s->vcov = malloc((p ? p * p : 1) * sizeof *s->vcov);
    if (!s->coef || !s->vcov)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the fit summary");
    s->p = p;
    double zq = gsl_cdf_ugaussian_Pinv(0.5 + conf_level / 2);
    for (size_t j = 0; j < p; j++) {
        rhaz_coef *c = &s->coef[j];
        int al = aliased && aliased[j];
        if (names && names[j])
            c->term = core_strdup(names[j]);
        else {
            char buf[32];
            snprintf(buf, sizeof buf, "x%zu", j + 1);
            c->term = core_strdup(buf);
        }
        if (!c->term)
            return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the fit summary");
        for (size_t i = 0; i < p; i++)
            s->vcov[j * p + i] = al || (aliased && aliased[i]) ? NAN : V[j * p + i];
        c->aliased = al;
        if (al) {
            c->estimate = c->std_error = c->statistic = c->p_value = NAN;
            c->conf_low = c->conf_high = NAN;
            continue;
        }
        c->estimate = beta[j];
        c->std_error = sqrt(V[j * p + j]);
        c->statistic = c->estimate / c->std_error;
        c->p_value = 2 * gsl_cdf_ugaussian_Q(fabs(c->statistic));
        c->conf_low = c->estimate - zq * c->std_error;
        c->conf_high = c->estimate + zq * c->std_error;
    }
    return RHAZ_OK;
}

void rhaz_fit_summary_lik_(rhaz_fit_summary *s, double loglik,
                           double loglik_init, double df, double n_bic)
{
    s->loglik = loglik;
    s->loglik_null = loglik_init;
    s->loglik_init = loglik_init;
    s->aic = -2 * loglik + 2 * df;
    s->bic = -2 * loglik + log(n_bic) * df;
    s->lr_stat = 2 * (loglik - loglik_init);
    s->lr_df = (int)lround(df);
    s->lr_p = df > 0 ? gsl_cdf_chisq_Q(s->lr_stat, df) : NAN;
}

int rhaz_fit_summary_warn_(rhaz_fit_summary *s, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **nw = realloc(s->warnings, (s->n_warnings + 1) * sizeof *nw);
    if (!nw)
        return -1;
    s->warnings = nw;
    if (!(nw[s->n_warnings] = core_strdup(buf)))
        return -1;
    s->n_warnings++;
    return 0;
}

void rhaz_name_list_(char *buf, size_t size, const char *const *names,
                     const int *mask, size_t p)
{
    size_t len = 0;
    buf[0] = 0;
    for (size_t j = 0; j < p; j++) {
        if (!mask[j])
            continue;
        int k = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", names[j]);
        if (k < 0 || (size_t)k >= size - len) {
            if (size > 4)
                strcpy(buf + size - 4, "...");
            return;
        }
        len += (size_t)k;
    }
}
