/* glm_link.c -- the links of the binary-response GLM as a variant table
 * (as the figure kinds in src/plot/kinds.c): a new link is a new entry.
 *
 *   logit    mu = e^eta / (1 + e^eta),  mu.eta = e^eta / (1 + e^eta)^2
 *            (R's C code for binomial()$linkinv / mu.eta: eta clamped
 *            at +-30, mu.eta = DBL_EPSILON beyond)
 *   cloglog  mu = 1 - exp(-exp(eta)),   mu.eta = exp(eta) exp(-exp(eta))
 *            (R's make.link("cloglog"): mu kept in [eps, 1 - eps],
 *            mu.eta >= eps, eta capped at 700)
 */
#include "model/glm_internal.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

static double logit_fun(double mu)
{
    return log(mu / (1 - mu));
}

static void logit_inv(size_t n, const double *eta, double *mu, double *mueta)
{
    for (size_t i = 0; i < n; i++) {
        double e = eta[i];
        double t = e < -30 ? DBL_EPSILON : (e > 30 ? 1 / DBL_EPSILON : exp(e));
        mu[i] = t / (1 + t);
        double op = 1 + exp(e);
        mueta[i] = (e > 30 || e < -30) ? DBL_EPSILON : exp(e) / (op * op);
    }
}

static double cloglog_fun(double mu)
{
    return log(-log(1 - mu));
}

static void cloglog_inv(size_t n, const double *eta, double *mu, double *mueta)
{
    for (size_t i = 0; i < n; i++) {
        double e = eta[i];
        double m = -expm1(-exp(e));
        if (m > 1 - DBL_EPSILON)
            m = 1 - DBL_EPSILON;
        if (m < DBL_EPSILON)
            m = DBL_EPSILON;
        mu[i] = m;
        double ec = e < 700 ? e : 700;
        double d = exp(ec) * exp(-exp(ec));
        mueta[i] = d > DBL_EPSILON ? d : DBL_EPSILON;
    }
}

static const glm_link_type links[] = {
    {RHAZ_LINK_LOGIT, "logit", logit_fun, logit_inv},
    {RHAZ_LINK_CLOGLOG, "cloglog", cloglog_fun, cloglog_inv},
};

const glm_link_type *glm_link_get(rhaz_link link)
{
    for (size_t k = 0; k < sizeof links / sizeof links[0]; k++)
        if (links[k].id == link)
            return &links[k];
    return NULL;
}

const char *rhaz_link_name(rhaz_link link)
{
    const glm_link_type *t = glm_link_get(link);
    return t ? t->name : "logit";
}
