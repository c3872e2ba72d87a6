/* boot_fit.c -- the model families a bootstrap refits, as a variant
 * table (see boot_int.h): each entry fits a design (and the cure model's
 * at-risk design) with the model-based variance and returns a summary. */
#include "model/boot_int.h"

#include "model/fit_internal.h"

#include <stdlib.h>
#include <string.h>

static double level_of(const rhaz_boot_model *m)
{
    return m->conf_level > 0 && m->conf_level < 1 ? m->conf_level : 0.95;
}

static rhaz_fit_summary *fit_glm(const rhaz_boot_model *m, const rhaz_design *d,
                                 const rhaz_design *risk, double *x_work,
                                 rhaz_error *err)
{
    (void)risk;
    (void)x_work;
    rhaz_glm_options o = m->glm ? *m->glm : (rhaz_glm_options){0};
    o.vce = RHAZ_VCE_MODEL;
    o.no_profile = 1; /* Wald intervals: only the estimates are used */
    o.cluster_name = NULL;
    o.conf_level = level_of(m);
    o.threads = 1; /* replicates run in parallel, each fit on one thread */
    return rhaz_glm_fit(d, &o, err);
}

static rhaz_fit_summary *fit_cox(const rhaz_boot_model *m, const rhaz_design *d,
                                 const rhaz_design *risk, double *x_work,
                                 rhaz_error *err)
{
    (void)risk;
    rhaz_cox_options o;
    if (m->cox)
        o = *m->cox;
    else
        rhaz_cox_options_default(&o);
    o.robust = 0;
    o.init = NULL;
    o.threads = 1; /* replicates run in parallel, each fit on one thread */
    rhaz_cox_data cd;
    rhaz_cox_data_from_design(&cd, d);
    cd.cluster = NULL;
    cd.n_clusters = 0;
    cd.x_work = x_work; /* a replicate's own copy: the fit may overwrite it */
    rhaz_cox *fit = rhaz_cox_fit(&cd, &o, err);
    if (!fit)
        return NULL;
    rhaz_fit_summary *s = rhaz_cox_summary(fit, (const char *const *)d->colnames, NULL,
                                           level_of(m), err);
    rhaz_cox_free(fit);
    if (s)
        s->n_dropped = d->n_dropped;
    return s;
}

static rhaz_fit_summary *fit_surv(const rhaz_boot_model *m, const rhaz_design *d,
                                  const rhaz_design *risk, double *x_work,
                                  rhaz_error *err)
{
    (void)x_work;
    rhaz_survreg_options o = m->surv ? *m->surv : (rhaz_survreg_options){0};
    o.threads = 1; /* replicates run in parallel, each fit on one thread */
    o.vce = RHAZ_VCE_MODEL;
    o.cluster_name = NULL;
    o.conf_level = level_of(m);
    return risk ? rhaz_cure_fit(d, risk, &o, err) : rhaz_survreg_fit(d, &o, err);
}

static rhaz_fit_summary *fit_clogit(const rhaz_boot_model *m, const rhaz_design *d,
                                    const rhaz_design *risk, double *x_work,
                                    rhaz_error *err)
{
    (void)risk;
    (void)x_work;
    rhaz_clogit_options o;
    if (m->clogit)
        o = *m->clogit;
    else
        rhaz_clogit_options_default(&o);
    o.init = NULL;
    rhaz_design v = *d; /* the resampling clusters are not the model's */
    v.cluster = NULL;
    v.n_clusters = 0;
    rhaz_clogit_data cd;
    if (rhaz_clogit_data_from_design(&cd, &v, err) != RHAZ_OK)
        return NULL;
    rhaz_clogit *fit = rhaz_clogit_fit(&cd, &o, err);
    if (!fit)
        return NULL;
    rhaz_fit_summary *s = rhaz_clogit_summary(fit, (const char *const *)d->colnames,
                                              NULL, level_of(m), err);
    rhaz_clogit_free(fit);
    if (s)
        s->n_dropped = d->n_dropped;
    return s;
}

static const boot_family families[] = {
    {RHAZ_BOOT_GLM, "logit/cloglog", 0, fit_glm},
    {RHAZ_BOOT_COX, "cox", 0, fit_cox},
    {RHAZ_BOOT_SURVREG, "parametric survival", 0, fit_surv},
    {RHAZ_BOOT_CURE, "cure", 1, fit_surv},
    {RHAZ_BOOT_CLOGIT, "clogit", 0, fit_clogit},
};

const boot_family *boot_family_of_(const rhaz_boot_model *m, rhaz_error *err)
{
    const boot_family *f = NULL;
    for (size_t k = 0; m && k < sizeof families / sizeof families[0]; k++)
        if (families[k].family == m->family)
            f = &families[k];
    if (!m || !m->design) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "bootstrap: no model design");
        return NULL;
    }
    if (!f) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "bootstrap: unknown model family %d",
                       (int)m->family);
        return NULL;
    }
    if (f->two_designs != (m->risk != NULL)) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "bootstrap: the %s model %s",
                       f->name, f->two_designs ? "needs its at-risk design"
                                               : "takes one design");
        return NULL;
    }
    if (m->design->frailty) {
        rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                       "bootstrap: not available with a frailty term (%s)",
                       m->design->frailty_term ? m->design->frailty_term : "frailty");
        return NULL;
    }
    if (m->design->cluster2) {
        rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                       "bootstrap: resampling needs one cluster variable, not two "
                       "(two-way clusters are not resampled)");
        return NULL;
    }
    return f;
}

rhaz_fit_summary *rhaz_boot_fit(const rhaz_boot_model *m, rhaz_error *err)
{
    const boot_family *f = boot_family_of_(m, err);
    return f ? f->fit(m, m->design, m->risk, NULL, err) : NULL;
}
