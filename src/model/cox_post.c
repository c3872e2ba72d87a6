/* cox_post.c -- after a Cox fit: survival curves and cox.zph. */
#include "cox_internal.h"

#include <stdlib.h>

rhaz_cox_curve *rhaz_cox_survfit(const rhaz_cox *f, const double *x0,
                                 rhaz_error *err)
{
    (void)f;
    (void)x0;
    rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "cox: survfit not implemented yet");
    return NULL;
}

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

rhaz_status rhaz_cox_zph(const rhaz_cox *f, rhaz_zph_transform tr,
                         double *table, rhaz_error *err)
{
    (void)f;
    (void)tr;
    (void)table;
    return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "cox: zph not implemented yet");
}
