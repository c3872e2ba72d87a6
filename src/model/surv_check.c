/* surv_check.c -- the one check of survival data (rhaz_surv_check, see
 * include/rhaz/cox.h), used by Kaplan-Meier (km.c), the Cox fit
 * (cox_fit.c) and the `fit cox` command before the fit.
 *
 * Inputs: n rows of stop times, events, optional entry times, case
 * weights and an n x p column-major covariate matrix.  The first bad row
 * (smallest index) is reported: the time columns are read row by row,
 * the covariates column by column (contiguous), each column stopping at
 * its first non-finite value, so O(n (p + 1)) reads in memory order. */
#include "rhaz.h"

#include "core/util.h"

#include <math.h>
#include <stdio.h>

rhaz_status rhaz_surv_check(size_t n, const double *start, const double *stop,
                            const double *event, const double *weights,
                            const double *x, size_t p, const char *who,
                            rhaz_error *err)
{
    char why[160];
    const char *option = NULL; /* the setting concerned, if any */
    size_t bad = n;
    why[0] = 0;
    for (size_t i = 0; i < n && bad == n; i++) {
        double t = stop[i];
        if (!isfinite(t))
            snprintf(why, sizeof why, "the stop time is not finite");
        else if (!(event[i] == 0 || event[i] == 1))
            snprintf(why, sizeof why, "the event must be 0 or 1 (it is %g)", event[i]);
        else if (start ? start[i] < 0 : t < 0)
            snprintf(why, sizeof why, "negative time (%g): times are durations, >= 0",
                     start ? start[i] : t);
        else if (start && !(start[i] < t))
            snprintf(why, sizeof why, "start (%g) must be less than stop (%g)",
                     start[i], t);
        else if (weights && !(weights[i] > 0 && isfinite(weights[i]))) {
            snprintf(why, sizeof why, "weights must be > 0 (the weight is %g)",
                     weights[i]);
            option = "weights";
        } else
            continue;
        bad = i;
    }
    /* covariates: a non-finite value in an earlier row wins */
    for (size_t j = 0; x && j < p; j++)
        for (size_t i = 0; i < bad; i++)
            if (!isfinite(x[j * n + i])) {
                bad = i;
                option = NULL;
                snprintf(why, sizeof why, "covariate %zu (column of the model "
                         "matrix) is not finite", j + 1);
                break;
            }
    if (bad == n)
        return RHAZ_OK;
    if (who)
        core_error_row(err, RHAZ_EDATA, bad + 1, "%s: row %zu: %s", who, bad + 1, why);
    else
        core_error_row(err, RHAZ_EDATA, bad + 1, "%s", why);
    if (option)
        core_error_option(err, option);
    return RHAZ_EDATA;
}
