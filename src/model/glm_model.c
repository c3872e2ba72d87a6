/* glm_model.c -- the fitted binary-response GLM as an object (rhaz_glm,
 * include/rhaz/glm.h): its summary, the fitted values and linear
 * predictor of the fitting rows, residuals as R's residuals.glm, and
 * predictions on new rows (rhaz/predict.h).
 *
 * Inputs kept per row i of the fitting design (n rows, zero-weight rows
 * included): y_i in {0, 1}, prior weight wt_i (1 when the design has
 * none), and at the estimate eta_i, mu_i = h(eta_i), mu.eta_i = h'(eta_i)
 * as the link's linkinv computes them (clamped as R's binomial()).
 * Residual types are a variant table (name and per-row function).
 */
#include "model/glm_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

rhaz_glm *glm_model_alloc(const rhaz_design *d, const glm_link_type *link)
{
    size_t n = d->n, m = n ? n : 1;
    rhaz_glm *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->n = n;
    g->link = link;
    g->eta = malloc(m * sizeof *g->eta);
    g->mu = malloc(m * sizeof *g->mu);
    g->mueta = malloc(m * sizeof *g->mueta);
    g->y = malloc(m * sizeof *g->y);
    if (d->weights)
        g->wp = malloc(m * sizeof *g->wp);
    if (!g->eta || !g->mu || !g->mueta || !g->y || (d->weights && !g->wp)) {
        rhaz_glm_free(g);
        return NULL;
    }
    memcpy(g->y, d->y, n * sizeof *g->y);
    if (d->weights)
        memcpy(g->wp, d->weights, n * sizeof *g->wp);
    return g;
}

void glm_model_capture(rhaz_glm *g, const glm_ws *ws)
{
    memcpy(g->eta, ws->eta, g->n * sizeof *g->eta);
    memcpy(g->mu, ws->mu, g->n * sizeof *g->mu);
    memcpy(g->mueta, ws->mueta, g->n * sizeof *g->mueta);
}

void rhaz_glm_free(rhaz_glm *g)
{
    if (!g)
        return;
    rhaz_fit_summary_free(g->s);
    free(g->eta);
    free(g->mu);
    free(g->mueta);
    free(g->y);
    free(g->wp);
    free(g);
}

const rhaz_fit_summary *rhaz_glm_summary(const rhaz_glm *g)
{
    return g ? g->s : NULL;
}

size_t rhaz_glm_nobs(const rhaz_glm *g)
{
    return g ? g->n : 0;
}

const double *rhaz_glm_fitted(const rhaz_glm *g)
{
    return g ? g->mu : NULL;
}

const double *rhaz_glm_linear_predictor(const rhaz_glm *g)
{
    return g ? g->eta : NULL;
}

/* ---------- residual types: a variant table ---------- */

static double res_response(double y, double mu, double mueta, double wt)
{
    (void)mueta;
    (void)wt;
    return y - mu;
}

static double res_working(double y, double mu, double mueta, double wt)
{
    (void)wt;
    return (y - mu) / mueta;
}

/* binomial dev.resids for y in {0, 1}: 2 wt (-log mu) or 2 wt (-log(1-mu)) */
static double res_deviance(double y, double mu, double mueta, double wt)
{
    (void)mueta;
    double d = y > 0.5 ? -2 * wt * log(mu) : -2 * wt * log1p(-mu);
    double r = sqrt(fmax(d, 0));
    return y - mu < 0 ? -r : y - mu > 0 ? r : 0;
}

static double res_pearson(double y, double mu, double mueta, double wt)
{
    (void)mueta;
    return (y - mu) * sqrt(wt) / sqrt(mu * (1 - mu));
}

static const struct {
    rhaz_glm_resid_type id;
    const char *name;
    double (*fn)(double y, double mu, double mueta, double wt);
} resid_types[] = {
    {RHAZ_GLM_RESID_RESPONSE, "response", res_response},
    {RHAZ_GLM_RESID_WORKING, "working", res_working},
    {RHAZ_GLM_RESID_DEVIANCE, "deviance", res_deviance},
    {RHAZ_GLM_RESID_PEARSON, "pearson", res_pearson},
};
#define N_RESID_TYPES (sizeof resid_types / sizeof resid_types[0])

int rhaz_glm_resid_type_of(const char *name)
{
    for (size_t k = 0; name && k < N_RESID_TYPES; k++)
        if (strcmp(resid_types[k].name, name) == 0)
            return (int)resid_types[k].id;
    return -1;
}

rhaz_status rhaz_glm_residuals(const rhaz_glm *g, rhaz_glm_resid_type type,
                               double *out, rhaz_error *err)
{
    rhaz_error_clear(err);
    if (!g || !out)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "residuals: no fit");
    size_t k = 0;
    while (k < N_RESID_TYPES && resid_types[k].id != type)
        k++;
    if (k == N_RESID_TYPES)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "residuals: unknown type %d (response, working, "
                              "deviance, pearson)", (int)type);
    for (size_t i = 0; i < g->n; i++) {
        double wt = g->wp ? g->wp[i] : 1.0;
        out[i] = resid_types[k].fn(g->y[i], g->mu[i], g->mueta[i], wt);
    }
    return RHAZ_OK;
}

rhaz_status rhaz_glm_predict(const rhaz_glm *fit, const rhaz_design *nd,
                             rhaz_predict_scale scale, double *pred,
                             double *se, rhaz_error *err)
{
    if (!fit)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "predict: no fit or no new data");
    return rhaz_fit_predict(fit->s, nd, scale, NULL, pred, se, err);
}
