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
 * With case weights the counts are weighted.  The standard errors are
 * Greenwood's above (R's survfit(..., robust = FALSE)) or the
 * infinitesimal jackknife (robust = TRUE; R's default when some weight is
 * not an integer or a cluster is given), as survival 3.5-3's survfitkm.c:
 * for cluster k (a row, unless cluster codes are given) the weighted
 * influences U_k = sum_{i in k} w_i dS(t)/dw_i and V_k = sum w_i
 * dLambda(t)/dw_i are carried forward over the event times t_j (hazard
 * h = d/n, S- the survival just before t_j, W_k the weight of k at risk):
 *   U_k <- U_k (1 - h) + W_k S- h / n - S- (weight of k's events at t_j) / n
 *   V_k <- V_k - W_k h / n + (weight of k's events at t_j) / n
 * and var S(t) = sum U_k^2, var Lambda(t) = sum V_k^2; std_err (of log S)
 * = sqrt(var S) / S.  The bands use std_err in both cases.
 * One sort of the rows by (group, time) for stops and for starts; a
 * single pass per group, O(n log n); the IJ adds O(event times x
 * clusters) per group (as R).
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

/* log-log band of the point from S and the SE of log S */
static void km_band(rhaz_km *k, size_t p, double z)
{
    double s = k->surv[p], se = k->std_err[p];
    if (s > 0 && s < 1 && isfinite(se)) {
        double L = log(-log(s)), h = z * se / fabs(log(s));
        k->lower[p] = exp(-exp(L + h));
        k->upper[p] = exp(-exp(L - h));
    } else if (s == 1) {
        k->lower[p] = k->upper[p] = 1;
    } else {
        k->lower[p] = k->upper[p] = NAN;
    }
}

/* IJ work arrays (sized by the largest group's cluster count) */
typedef struct {
    size_t *lid;     /* per row: its cluster's index within its group */
    long *loc;       /* per cluster code: index within the group, or -1 */
    size_t *gcount;  /* rows of the cluster at risk */
    double *gwt, *u, *v; /* weight at risk, influences on S and Lambda */
} km_ij;

static void km_ij_free(km_ij *w)
{
    free(w->lid);
    free(w->loc);
    free(w->gcount);
    free(w->gwt);
    free(w->u);
    free(w->v);
}

/* The infinitesimal-jackknife SEs of one group: rows bs[r0..r1) by stop,
 * bb[q0..q1) by start (NULL: at risk from the beginning), points
 * p0..p1-1 already holding time, n_risk, n_event, surv. */
static void km_ij_group(rhaz_km *k, km_ij *w, const krow *bs, size_t r0,
                        size_t r1, const krow *bb, size_t q0, size_t q1,
                        size_t p0, size_t p1, const double *event,
                        const double *weights, const int *cluster)
{
    size_t nk = 0;
    for (size_t r = r0; r < r1; r++) { /* the group's clusters */
        size_t i = bs[r].i;
        if (!cluster) {
            w->lid[i] = nk++;
        } else {
            if (w->loc[cluster[i]] < 0)
                w->loc[cluster[i]] = (long)nk++;
            w->lid[i] = (size_t)w->loc[cluster[i]];
        }
    }
    for (size_t c = 0; c < nk; c++) {
        w->gcount[c] = 0;
        w->gwt[c] = w->u[c] = w->v[c] = 0;
    }
#define KW(i) (weights ? weights[i] : 1.0)
    if (!bb) /* everyone at risk from the start */
        for (size_t r = r0; r < r1; r++) {
            w->gcount[w->lid[bs[r].i]]++;
            w->gwt[w->lid[bs[r].i]] += KW(bs[r].i);
        }
    size_t q = q0, r = r0;
    double km = 1, v1 = 0, v2 = 0;
    for (size_t p = p0; p < p1; p++) {
        double t = k->time[p], nrisk = k->n_risk[p], de = k->n_event[p];
        while (bb && q < q1 && bb[q].t < t) { /* entries before t */
            w->gcount[w->lid[bb[q].i]]++;
            w->gwt[w->lid[bb[q].i]] += KW(bb[q].i);
            q++;
        }
        double haz = de / nrisk;
        if (de > 0)
            for (size_t c = 0; c < nk; c++) {
                w->u[c] = w->u[c] * (1.0 - haz) + w->gwt[c] * km * haz / nrisk;
                w->v[c] -= w->gwt[c] * haz / nrisk;
            }
        for (; r < r1 && bs[r].t == t; r++) { /* rows ending at t */
            size_t i = bs[r].i, c = w->lid[i];
            if (de > 0 && event[i] == 1) {
                w->u[c] -= km * KW(i) / nrisk;
                w->v[c] += KW(i) / nrisk;
            }
            if (--w->gcount[c] == 0)
                w->gwt[c] = 0; /* no rounding residue */
            else
                w->gwt[c] -= KW(i);
        }
        if (de > 0) {
            km *= 1 - haz;
            v1 = v2 = 0;
            for (size_t c = 0; c < nk; c++) {
                v1 += w->u[c] * w->u[c];
                v2 += w->v[c] * w->v[c];
            }
        }
        k->std_err[p] = k->surv[p] > 0 ? sqrt(v1) / k->surv[p] : INFINITY;
        k->std_chaz[p] = sqrt(v2);
    }
#undef KW
    if (cluster)
        for (size_t x = r0; x < r1; x++)
            w->loc[cluster[bs[x].i]] = -1;
}

rhaz_km *rhaz_km_fit(size_t n, const double *start, const double *stop,
                     const double *event, const double *weights,
                     const int *group, size_t n_groups, double conf_level,
                     rhaz_error *err)
{
    rhaz_km_options o = {.conf_level = conf_level, .se = RHAZ_KM_SE_AUTO};
    return rhaz_km_fit_opts(n, start, stop, event, weights, group, n_groups,
                            &o, err);
}

rhaz_km *rhaz_km_fit_opts(size_t n, const double *start, const double *stop,
                          const double *event, const double *weights,
                          const int *group, size_t n_groups,
                          const rhaz_km_options *opt, rhaz_error *err)
{
    rhaz_km_options o0 = {0};
    if (!opt)
        opt = &o0;
    double conf_level = opt->conf_level;
    const int *cluster = opt->cluster;
    if (cluster && opt->n_clusters == 0) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "km: cluster codes without a count");
        return NULL;
    }
    if (!stop || !event || n == 0) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "km: no data");
        return NULL;
    }
    if (!group)
        n_groups = 1;
    if (!(conf_level > 0 && conf_level < 1))
        conf_level = 0.95;
    if (rhaz_surv_check(n, start, stop, event, weights, NULL, 0, "km", err))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (group && (group[i] < 0 || (size_t)group[i] >= n_groups)) {
            core_error_row(err, RHAZ_EINVAL, i + 1,
                           "km: row %zu: group code out of range", i + 1);
            return NULL;
        }
        if (cluster && (cluster[i] < 0 || (size_t)cluster[i] >= opt->n_clusters)) {
            core_error_row(err, RHAZ_EINVAL, i + 1,
                           "km: row %zu: cluster code out of range", i + 1);
            return NULL;
        }
    }
    rhaz_km_se se = opt->se;
    if (se != RHAZ_KM_SE_GREENWOOD && se != RHAZ_KM_SE_IJ) { /* R's rule */
        se = cluster ? RHAZ_KM_SE_IJ : RHAZ_KM_SE_GREENWOOD;
        for (size_t i = 0; weights && i < n && se == RHAZ_KM_SE_GREENWOOD; i++)
            if (weights[i] != floor(weights[i]))
                se = RHAZ_KM_SE_IJ;
    }
    km_ij ij = {0};
    krow *bs = malloc(n * sizeof *bs), *bb = start ? malloc(n * sizeof *bb) : NULL;
    rhaz_km *k = calloc(1, sizeof *k);
    size_t nomem_bytes = n * sizeof *bs;
    if (!bs || (start && !bb) || !k)
        goto nomem;
    k->se = se;
    if (se == RHAZ_KM_SE_IJ) {
        nomem_bytes = n * (sizeof(size_t) * 2 + sizeof(double) * 3);
        ij.lid = malloc(n * sizeof *ij.lid);
        ij.gcount = malloc(n * sizeof *ij.gcount);
        ij.gwt = malloc(n * sizeof *ij.gwt);
        ij.u = malloc(n * sizeof *ij.u);
        ij.v = malloc(n * sizeof *ij.v);
        if (cluster && (ij.loc = malloc(opt->n_clusters * sizeof *ij.loc)))
            for (size_t c = 0; c < opt->n_clusters; c++)
                ij.loc[c] = -1;
        if (!ij.lid || !ij.gcount || !ij.gwt || !ij.u || !ij.v || (cluster && !ij.loc))
            goto nomem;
    }
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
    nomem_bytes = np * 11 * sizeof(double);
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
        size_t r_first = r, out_first = out;
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
            out++;
            for (size_t x = r; x < r2; x++)
                wpassed += weights ? weights[bs[x].i] : 1.0;
            r = r2;
        }
        if (se == RHAZ_KM_SE_IJ)
            km_ij_group(k, &ij, bs, r_first, r1, bb, rb, rb1, out_first, out,
                        event, weights, cluster);
        for (size_t p = out_first; p < out; p++)
            km_band(k, p, z);
        rb = rb1;
    }
    free(bs);
    free(bb);
    km_ij_free(&ij);
    return k;
nomem:
    free(bs);
    free(bb);
    km_ij_free(&ij);
    rhaz_km_free(k);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                   "km: out of memory estimating the curves (%zu rows; "
                   "%zu bytes requested)", n, nomem_bytes);
    return NULL;
}
