/* km.c -- Kaplan-Meier and Nelson-Aalen estimates by group, with delayed
 * entry ((start, stop] data), case weights, Greenwood standard errors and
 * log-log confidence bands, as R's survfit(..., conf.type = "log-log").
 *
 * Inputs: n rows of stop, event (0/1), optional start (NULL: at risk from
 * -infinity), weights (NULL: 1) and group codes 0..n_groups-1 (NULL: one
 * group).  Output points: every distinct stop time of a group (events or
 * censorings), ascending, as survfit.  At time t,
 *   n_risk  = sum of w over rows with start < t <= stop,
 *   n_event = sum of w over events at t, n_censor likewise,
 *   surv    = prod (1 - n_event / n_risk),
 *   std_err = sqrt(sum n_event / (n_risk (n_risk - n_event)))  (of log S,
 *             R's std.err: Greenwood),
 *   cumhaz  = sum n_event / n_risk (Nelson-Aalen), std_chaz =
 *             sqrt(sum n_event / n_risk^2),
 *   lower, upper = exp(-exp(log(-log S) +- z std_err / |log S|))
 *             (1 where S = 1, NaN where S = 0, as R).
 * With case weights the counts are weighted and the standard errors are
 * Greenwood's (R's survfit(..., robust = FALSE); R's default with weights
 * is the infinitesimal jackknife).
 * One sort of the rows by (group, time) for stops and for starts; a
 * single pass per group.  O(n log n).
 */
#include "rhaz.h"
#include "core/util.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void rhaz_km_free(rhaz_km *k)
{
    if (!k)
        return;
    free(k->group);
    free(k->time);
    free(k->n_risk);
    free(k->n_event);
    free(k->n_censor);
    free(k->surv);
    free(k->std_err);
    free(k->lower);
    free(k->upper);
    free(k->cumhaz);
    free(k->std_chaz);
    free(k);
}

typedef struct {
    int g;
    double t;
    size_t i;
} krow;

static int krow_cmp(const void *a, const void *b)
{
    const krow *x = a, *y = b;
    if (x->g != y->g)
        return x->g < y->g ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

rhaz_km *rhaz_km_fit(size_t n, const double *start, const double *stop,
                     const double *event, const double *weights,
                     const int *group, size_t n_groups, double conf_level,
                     rhaz_error *err)
{
    if (!stop || !event || n == 0) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "km: no data");
        return NULL;
    }
    if (!group)
        n_groups = 1;
    if (!(conf_level > 0 && conf_level < 1))
        conf_level = 0.95;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(stop[i]) || !(event[i] == 0 || event[i] == 1)) {
            core_error_row(err, RHAZ_EDATA, i + 1,
                           "km: row %zu: stop must be finite and event 0 or 1",
                           i + 1);
            return NULL;
        }
        if (start ? start[i] < 0 : stop[i] < 0) {
            core_error_row(err, RHAZ_EDATA, i + 1,
                           "km: row %zu: negative time (%g): times are "
                           "durations, >= 0", i + 1, start ? start[i] : stop[i]);
            return NULL;
        }
        if (start && !(start[i] < stop[i])) {
            core_error_row(err, RHAZ_EDATA, i + 1,
                           "km: row %zu: start (%g) must be less than stop (%g)",
                           i + 1, start[i], stop[i]);
            return NULL;
        }
        if (weights && !(weights[i] > 0 && isfinite(weights[i]))) {
            core_error_row(err, RHAZ_EDATA, i + 1,
                           "km: row %zu: weights must be > 0", i + 1);
            return NULL;
        }
        if (group && (group[i] < 0 || (size_t)group[i] >= n_groups)) {
            core_error_row(err, RHAZ_EINVAL, i + 1,
                           "km: row %zu: group code out of range", i + 1);
            return NULL;
        }
    }
    krow *bs = malloc(n * sizeof *bs), *bb = start ? malloc(n * sizeof *bb) : NULL;
    rhaz_km *k = calloc(1, sizeof *k);
    if (!bs || (start && !bb) || !k)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        bs[i].g = group ? group[i] : 0;
        bs[i].t = stop[i];
        bs[i].i = i;
        if (bb) {
            bb[i].g = bs[i].g;
            bb[i].t = start[i];
            bb[i].i = i;
        }
    }
    qsort(bs, n, sizeof *bs, krow_cmp);
    if (bb)
        qsort(bb, n, sizeof *bb, krow_cmp);
    size_t np = 0;
    for (size_t r = 0; r < n; r++)
        if (r == 0 || bs[r].g != bs[r - 1].g || bs[r].t != bs[r - 1].t)
            np++;
    k->n_points = np;
    k->n_groups = n_groups;
#define KALLOC(f)                                                              \
    if (!(k->f = malloc(np * sizeof *k->f)))                                   \
        goto nomem;
    KALLOC(group)
    KALLOC(time)
    KALLOC(n_risk)
    KALLOC(n_event)
    KALLOC(n_censor)
    KALLOC(surv)
    KALLOC(std_err)
    KALLOC(lower)
    KALLOC(upper)
    KALLOC(cumhaz)
    KALLOC(std_chaz)
#undef KALLOC
    double z = gsl_cdf_ugaussian_Pinv(0.5 + conf_level / 2);
    size_t r = 0, rb = 0, out = 0;
    while (r < n) {
        int g = bs[r].g;
        size_t r1 = r;
        double wtot = 0;
        while (r1 < n && bs[r1].g == g) {
            wtot += weights ? weights[bs[r1].i] : 1.0;
            r1++;
        }
        /* rows of the group with stop >= t: wtot minus stops passed;
         * minus rows with start >= t (not yet entered) */
        while (bb && rb < n && bb[rb].g < g)
            rb++;
        size_t rb1 = rb;
        while (bb && rb1 < n && bb[rb1].g == g)
            rb1++;
        double wpassed = 0, s = 1, gw = 0, ch = 0, vch = 0;
        size_t q = rb; /* starts < t consumed */
        double wentered = 0;
        double wgroup_start = 0;
        for (size_t x = rb; bb && x < rb1; x++)
            wgroup_start += weights ? weights[bb[x].i] : 1.0;
        while (r < r1) {
            double t = bs[r].t, de = 0, dc = 0;
            size_t r2 = r;
            while (r2 < r1 && bs[r2].t == t) {
                double w = weights ? weights[bs[r2].i] : 1.0;
                if (event[bs[r2].i] == 1)
                    de += w;
                else
                    dc += w;
                r2++;
            }
            double nrisk = wtot - wpassed;
            if (bb) {
                while (q < rb1 && bb[q].t < t) {
                    wentered += weights ? weights[bb[q].i] : 1.0;
                    q++;
                }
                nrisk -= wgroup_start - wentered; /* start >= t */
            }
            if (de > 0) {
                s *= 1 - de / nrisk;
                if (nrisk > de)
                    gw += de / (nrisk * (nrisk - de));
                else
                    gw = INFINITY;
                ch += de / nrisk;
                vch += de / (nrisk * nrisk);
            }
            k->group[out] = g;
            k->time[out] = t;
            k->n_risk[out] = nrisk;
            k->n_event[out] = de;
            k->n_censor[out] = dc;
            k->surv[out] = s;
            k->std_err[out] = sqrt(gw);
            k->cumhaz[out] = ch;
            k->std_chaz[out] = sqrt(vch);
            if (s > 0 && s < 1 && isfinite(gw)) {
                double L = log(-log(s)), h = z * sqrt(gw) / fabs(log(s));
                k->lower[out] = exp(-exp(L + h));
                k->upper[out] = exp(-exp(L - h));
            } else if (s == 1) {
                k->lower[out] = k->upper[out] = 1;
            } else {
                k->lower[out] = k->upper[out] = NAN;
            }
            out++;
            for (size_t x = r; x < r2; x++)
                wpassed += weights ? weights[bs[x].i] : 1.0;
            r = r2;
        }
        rb = rb1;
    }
    free(bs);
    free(bb);
    return k;
nomem:
    free(bs);
    free(bb);
    rhaz_km_free(k);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "km: out of memory");
    return NULL;
}
