/* survreg_dist.c -- the table of error distributions of the parametric
 * survival and cure models.  A distribution is the log-density a(z) and
 * log-survival b(z) of the standard variable W of log T = eta + sigma W,
 * each with its first and second derivative in z (d[0], d[1], d[2]).
 * A new distribution is a new row.
 *
 *   Weibull (W extreme value):  a = z - e^z,            b = -e^z
 *   log-logistic (W logistic):  a = z - 2 log(1 + e^z), b = -log(1 + e^z)
 *   log-normal (W normal):      a = log phi(z),         b = log Q(z)
 *
 * For the normal, Q(z) = erfc(z / sqrt 2) / 2 and -b'(z) = phi(z) / Q(z),
 * the normal hazard, come from libm's erfc and exp for z < 8 and from
 * GSL (gsl_sf_log_erfc, gsl_sf_hazard: accurate far in the upper tail,
 * but several times slower) beyond; b'' = -h (h - z).  The logistic
 * computes F = e^z / (1 + e^z) as gsl_cdf_logistic_P does and log(1 +
 * e^z) = max(z, 0) + log1p(e^-|z|), both from one exp(-|z|).
 */
#include "model/surv_int.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_erf.h>
#include <math.h>
#include <string.h>

static void ev_logf(double z, double d[3])
{
    double e = exp(z);
    d[0] = z - e;
    d[1] = 1 - e;
    d[2] = -e;
}

static void ev_logS(double z, double d[3])
{
    double e = exp(z);
    d[0] = -e;
    d[1] = -e;
    d[2] = -e;
}

/* F = e^z / (1 + e^z) as gsl_cdf_logistic_P computes it (1 / (1 + e^-z)
 * for z >= 0, e^z / (1 + e^z) below) and log(1 + e^z) = softplus(z),
 * both from the one exp(-|z|) */
static double logis_F_sp(double z, double *sp)
{
    double e = exp(-fabs(z));
    *sp = (z > 0 ? z : 0) + log1p(e);
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}

static void logis_logf(double z, double d[3])
{
    double sp, F = logis_F_sp(z, &sp);
    d[0] = z - 2 * sp;
    d[1] = 1 - 2 * F;
    d[2] = -2 * F * (1 - F);
}

static void logis_logS(double z, double d[3])
{
    double sp, F = logis_F_sp(z, &sp);
    d[0] = -sp;
    d[1] = -F;
    d[2] = -F * (1 - F);
}

static void norm_logf(double z, double d[3])
{
    d[0] = -0.5 * z * z - 0.5 * log(2 * M_PI);
    d[1] = -z;
    d[2] = -1;
}

static void norm_logS(double z, double d[3])
{
    if (!isfinite(z)) {
        d[0] = z < 0 ? 0 : -INFINITY;
        d[1] = z < 0 ? 0 : -INFINITY;
        d[2] = z < 0 ? 0 : -1;
        return;
    }
    double h;
    if (z < 8) {
        /* Q = erfc(z / sqrt 2) / 2 from libm (accurate to a few ulp,
         * relative, at these z: Q >= 6e-16) and h = phi / Q: one erfc
         * and one exp, several times faster than GSL's two series;
         * below 0 P = 1 - Q from erfc, log Q = log1p(-P), exact where
         * Q is near 1 (there GSL's log erfc keeps ~1e-16 absolute) */
        double P = z < 0 ? 0.5 * erfc(-z * M_SQRT1_2) : 0; /* 1 - Q */
        double Q = z < 0 ? 1 - P : 0.5 * erfc(z * M_SQRT1_2);
        h = exp(-0.5 * z * z) / (Q * sqrt(2 * M_PI));
        d[0] = z < 0 ? log1p(-P) : log(Q);
    } else {
        h = gsl_sf_hazard(z);
        d[0] = gsl_sf_log_erfc(z / M_SQRT2) - M_LN2;
    }
    d[1] = -h;
    d[2] = -h * (h - z);
}

static const surv_dist dists[RHAZ_SURV_NDIST] = {
    [RHAZ_SURV_WEIBULL] = {"weibull", "Weibull", 0, 1, ev_logf, ev_logS,
                           -0.36651292058166432701 /* log(log 2) */},
    [RHAZ_SURV_EXPONENTIAL] = {"exponential", "Exponential", 1, 1, ev_logf,
                               ev_logS, -0.36651292058166432701},
    [RHAZ_SURV_LOGLOGISTIC] = {"loglogistic", "Log-logistic", 0, 0,
                               logis_logf, logis_logS, 0},
    [RHAZ_SURV_LOGNORMAL] = {"lognormal", "Log-normal", 0, 0, norm_logf,
                             norm_logS, 0},
};

const surv_dist *surv_dist_of(rhaz_surv_dist d)
{
    if ((int)d < 0 || d >= RHAZ_SURV_NDIST)
        return NULL;
    return &dists[d];
}

const char *rhaz_surv_dist_name(rhaz_surv_dist d)
{
    const surv_dist *s = surv_dist_of(d);
    return s ? s->name : "unknown";
}

rhaz_status rhaz_surv_dist_parse(const char *name, rhaz_surv_dist *out)
{
    static const struct {
        const char *alias;
        rhaz_surv_dist d;
    } aliases[] = {{"loglog", RHAZ_SURV_LOGLOGISTIC},
                   {"log-logistic", RHAZ_SURV_LOGLOGISTIC},
                   {"log-normal", RHAZ_SURV_LOGNORMAL},
                   {"exp", RHAZ_SURV_EXPONENTIAL}};
    if (!name)
        return RHAZ_ENOTFOUND;
    for (int k = 0; k < RHAZ_SURV_NDIST; k++)
        if (strcmp(name, dists[k].name) == 0) {
            *out = (rhaz_surv_dist)k;
            return RHAZ_OK;
        }
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        if (strcmp(name, aliases[k].alias) == 0) {
            *out = aliases[k].d;
            return RHAZ_OK;
        }
    return RHAZ_ENOTFOUND;
}
