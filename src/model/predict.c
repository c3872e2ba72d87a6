/* predict.c -- predictions of a fitted model on new rows, with
 * delta-method standard errors (see include/rhaz/predict.h).
 *
 * Inputs: a fit summary (coefficients by term name, p x p variance with
 * NaN rows for aliased terms) and a design of new rows; the columns of the
 * design are matched to the coefficients by name once (O(p^2) string
 * compares), then each row costs O(p^2): eta = x'b, var = x'Vx. */
#include "predict_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------- inverse links: a variant table ---------- */

static double logit_h(double e) { return 1 / (1 + exp(-e)); }
static double logit_dh(double e)
{
    double m = logit_h(e);
    return m * (1 - m);
}
static double logit_d2h(double e)
{
    double m = logit_h(e);
    return m * (1 - m) * (1 - 2 * m);
}
static double cloglog_h(double e) { return -expm1(-exp(e)); }
static double cloglog_dh(double e) { return exp(e - exp(e)); }
static double cloglog_d2h(double e) { return exp(e - exp(e)) * (1 - exp(e)); }
static double ident_h(double e) { return e; }
static double one(double e) { (void)e; return 1; }
static double zero(double e) { (void)e; return 0; }

static const pred_link_type links[] = {
    [PRED_LOGIT] = {PRED_LOGIT, logit_h, logit_dh, logit_d2h},
    [PRED_CLOGLOG] = {PRED_CLOGLOG, cloglog_h, cloglog_dh, cloglog_d2h},
    [PRED_EXP] = {PRED_EXP, exp, exp, exp},
    [PRED_IDENTITY] = {PRED_IDENTITY, ident_h, one, zero},
};

const pred_link_type *pred_link_of(pred_link link)
{
    return &links[link];
}

pred_link pred_link_of_fit(const rhaz_fit_summary *fit)
{
    if (fit->model && strcmp(fit->model, "cox") == 0)
        return PRED_EXP;
    if ((fit->link && strcmp(fit->link, "cloglog") == 0) ||
        (fit->model && strcmp(fit->model, "cloglog") == 0))
        return PRED_CLOGLOG;
    return PRED_LOGIT;
}

void pred_model_clear(pred_model *m)
{
    free(m->b);
    free(m->V);
    free(m->aliased);
    memset(m, 0, sizeof *m);
}

rhaz_status pred_model_init(pred_model *m, const rhaz_fit_summary *fit,
                            char *const *colnames, size_t p, rhaz_error *err)
{
    memset(m, 0, sizeof *m);
    m->lt = pred_link_of(pred_link_of_fit(fit));
    if (!fit->vcov)
        return rhaz_error_set(err, RHAZ_EPARSE, NULL, 0,
                              "the fit has no variance (\"vcov\"): no "
                              "standard errors");
    size_t P = fit->p, *map = malloc((p ? p : 1) * sizeof *map);
    m->p = p;
    m->b = calloc(p ? p : 1, sizeof *m->b);
    m->V = calloc(p ? p * p : 1, sizeof *m->V);
    m->aliased = calloc(p ? p : 1, sizeof *m->aliased);
    if (!map || !m->b || !m->V || !m->aliased) {
        free(map);
        pred_model_clear(m);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t j = 0; j < p; j++) {
        map[j] = (size_t)-1;
        for (size_t k = 0; k < P; k++)
            if (fit->coef[k].term && strcmp(fit->coef[k].term, colnames[j]) == 0)
                map[j] = k;
        if (map[j] == (size_t)-1) {
            rhaz_status st = rhaz_error_set(
                err, RHAZ_EDATA, NULL, 0,
                "the fit has no coefficient '%s' (the data code the formula "
                "differently)", colnames[j]);
            free(map);
            pred_model_clear(m);
            return st;
        }
    }
    for (size_t j = 0; j < p; j++) {
        const rhaz_coef *c = &fit->coef[map[j]];
        m->aliased[j] = c->aliased || isnan(c->estimate);
        m->b[j] = m->aliased[j] ? 0 : c->estimate;
    }
    for (size_t j = 0; j < p; j++)
        for (size_t l = 0; l < p; l++) {
            double v = fit->vcov[map[j] * P + map[l]];
            m->V[j * p + l] = m->aliased[j] || m->aliased[l] ? 0 : v;
        }
    free(map);
    return RHAZ_OK;
}

void pred_row(const pred_model *m, const double *X, size_t n, size_t i,
              const double *c, double *eta, double *var)
{
    double e = 0, v = 0;
    size_t p = m->p;
    for (size_t j = 0; j < p; j++) {
        if (m->aliased[j])
            continue;
        double xj = X[j * n + i] - (c ? c[j] : 0);
        e += xj * m->b[j];
        for (size_t l = 0; l < p; l++) {
            if (m->aliased[l])
                continue;
            double xl = X[l * n + i] - (c ? c[l] : 0);
            v += xj * xl * m->V[j * p + l];
        }
    }
    *eta = e;
    *var = v;
}

static void predict_rows(const pred_model *m, const rhaz_design *nd,
                         rhaz_predict_scale scale, const double *center,
                         double *pred, double *se)
{
    for (size_t i = 0; i < nd->n; i++) {
        double eta, var;
        pred_row(m, nd->X, nd->n, i, center, &eta, &var);
        double s = sqrt(fmax(var, 0));
        if (scale == RHAZ_SCALE_RESPONSE) {
            pred[i] = m->lt->h(eta);
            s *= fabs(m->lt->dh(eta));
        } else
            pred[i] = eta;
        if (se)
            se[i] = s;
    }
}

rhaz_status rhaz_fit_predict(const rhaz_fit_summary *fit, const rhaz_design *nd,
                             rhaz_predict_scale scale, const double *center,
                             double *pred, double *se, rhaz_error *err)
{
    rhaz_error_clear(err);
    if (!fit || !nd || !pred)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "predict: no fit or no new data");
    if (nd->blocks_only)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "predict: the design left its indicator "
                              "columns unwritten");
    pred_model m;
    rhaz_status st = pred_model_init(&m, fit, nd->colnames, nd->p, err);
    if (st)
        return st;
    predict_rows(&m, nd, scale, center, pred, se);
    pred_model_clear(&m);
    return RHAZ_OK;
}

rhaz_status rhaz_cox_predict(const rhaz_cox *fit, const rhaz_design *nd,
                             rhaz_predict_scale scale, double *pred,
                             double *se, rhaz_error *err)
{
    rhaz_error_clear(err);
    const rhaz_cox_result *r = fit ? rhaz_cox_result_get(fit) : NULL;
    if (!r || !nd || !pred)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "predict: no fit or no new data");
    if (nd->p != r->p)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "predict: the new design has %zu columns, the "
                              "fit %zu", nd->p, r->p);
    size_t p = r->p;
    pred_model m = {.p = p, .lt = pred_link_of(PRED_EXP)};
    m.b = malloc((p ? p : 1) * sizeof *m.b);
    m.V = malloc((p ? p * p : 1) * sizeof *m.V);
    m.aliased = malloc((p ? p : 1) * sizeof *m.aliased);
    if (!m.b || !m.V || !m.aliased) {
        pred_model_clear(&m);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t j = 0; j < p; j++) {
        m.aliased[j] = r->aliased[j];
        m.b[j] = r->aliased[j] ? 0 : r->coef[j];
    }
    for (size_t j = 0; j < p; j++)
        for (size_t l = 0; l < p; l++)
            m.V[j * p + l] = m.aliased[j] || m.aliased[l] ? 0 : r->vcov[j * p + l];
    predict_rows(&m, nd, scale, r->means, pred, se);
    pred_model_clear(&m);
    return RHAZ_OK;
}
