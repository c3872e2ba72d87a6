/* predict.c -- predictions of a fitted model on new rows, with
 * delta-method standard errors (see include/rhaz/predict.h).
 *
 * Inputs: a fit summary (coefficients by term name, P x P variance with
 * NaN rows for aliased terms) and the design(s) of new rows; the columns
 * of each design are matched to the coefficients by name once (O(p P)
 * string compares), then each row costs O(P^2): u = x'b (and z'g, tau),
 * q(u) and its gradient J = dq/dtheta, se = sqrt(J'VJ).  The quantities
 * q of each family and scale are in pred_q (docs/methods.md gives the
 * formulas). */
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
/* h, h' and h'' at once (one exp; the same numbers as the three above) */
static void logit_all(double e, double o[3])
{
    double m = logit_h(e);
    o[0] = m;
    o[1] = m * (1 - m);
    o[2] = m * (1 - m) * (1 - 2 * m);
}
static void cloglog_all(double e, double o[3])
{
    double x = exp(e);
    o[0] = -expm1(-x);
    o[1] = exp(e - x);
    o[2] = o[1] * (1 - x);
}
static void exp_all(double e, double o[3])
{
    o[0] = o[1] = o[2] = exp(e);
}
static void ident_all(double e, double o[3])
{
    o[0] = e;
    o[1] = 1;
    o[2] = 0;
}

static const pred_link_type links[] = {
    [PRED_LOGIT] = {PRED_LOGIT, logit_h, logit_dh, logit_d2h, logit_all},
    [PRED_CLOGLOG] = {PRED_CLOGLOG, cloglog_h, cloglog_dh, cloglog_d2h, cloglog_all},
    [PRED_EXP] = {PRED_EXP, exp, exp, exp, exp_all},
    [PRED_IDENTITY] = {PRED_IDENTITY, ident_h, one, zero, ident_all},
};

const pred_link_type *pred_link_of(pred_link link)
{
    return &links[link];
}


/* ---------- the family of a fit ---------- */

static int is(const char *a, const char *b) { return a && strcmp(a, b) == 0; }

rhaz_status pred_family_of(const rhaz_fit_summary *fit, pred_family *fam,
                           rhaz_error *err)
{
    rhaz_surv_dist d;
    if (is(fit->model, "cox") || is(fit->model, "clogit"))
        *fam = PF_COX;
    else if (is(fit->model, "cure"))
        *fam = PF_CURE;
    else if (fit->model && rhaz_surv_dist_parse(fit->model, &d) == RHAZ_OK)
        *fam = PF_SURV;
    else if (!fit->model || !*fit->model || is(fit->model, "logit") ||
             is(fit->model, "cloglog") || strncmp(fit->model, "firth", 5) == 0)
        *fam = PF_GLM; /* "firth-logit" as glm_fit names a Firth fit */
    else
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                              "predictions of a '%s' model are not implemented",
                              fit->model);
    return RHAZ_OK;
}

static const char *const scale_names[] = {
    [RHAZ_SCALE_LINK] = "lp", [RHAZ_SCALE_RESPONSE] = "response",
    [RHAZ_SCALE_MEDIAN] = "median", [RHAZ_SCALE_HAZARD] = "hazard",
    [RHAZ_SCALE_ATRISK] = "atrisk"};

rhaz_status rhaz_predict_scale_parse(const char *name, rhaz_predict_scale *out)
{
    if (!name)
        return RHAZ_ENOTFOUND;
    for (int k = 0; k <= RHAZ_SCALE_ATRISK; k++)
        if (strcmp(name, scale_names[k]) == 0) {
            *out = (rhaz_predict_scale)k;
            return RHAZ_OK;
        }
    if (strcmp(name, "link") == 0) {
        *out = RHAZ_SCALE_LINK;
        return RHAZ_OK;
    }
    return RHAZ_ENOTFOUND;
}

const char *rhaz_predict_scale_name(rhaz_predict_scale s)
{
    return (int)s >= 0 && s <= RHAZ_SCALE_ATRISK ? scale_names[s] : "default";
}

void pred_model_clear(pred_model *m)
{
    free(m->theta);
    free(m->V);
    for (size_t e = 0; e < PRED_NEQ; e++) {
        free(m->map[e]);
        free(m->center[e]);
    }
    memset(m, 0, sizeof *m);
}

rhaz_status pred_model_init(pred_model *m, const rhaz_fit_summary *fit,
                            rhaz_predict_scale scale, double time,
                            rhaz_error *err)
{
    memset(m, 0, sizeof *m);
    m->tau = -1;
    rhaz_status st = pred_family_of(fit, &m->fam, err);
    if (st)
        return st;
    if (!fit->vcov)
        return rhaz_error_set(err, RHAZ_EPARSE, NULL, 0,
                              "the fit has no variance (\"vcov\"): no "
                              "standard errors");
    m->neq = m->fam == PF_CURE ? 2 : 1;
    static const rhaz_predict_scale defaults[] = {
        [PF_GLM] = RHAZ_SCALE_RESPONSE, [PF_COX] = RHAZ_SCALE_LINK,
        [PF_SURV] = RHAZ_SCALE_MEDIAN, [PF_CURE] = RHAZ_SCALE_ATRISK};
    /* scales each family has: link, response, median, hazard, atrisk */
    static const int has[4][5] = {[PF_GLM] = {1, 1, 0, 0, 0},
                                  [PF_COX] = {1, 1, 0, 0, 0},
                                  [PF_SURV] = {1, 0, 1, 1, 0},
                                  [PF_CURE] = {1, 0, 1, 1, 1}};
    static const char *const lists[] = {
        [PF_GLM] = "lp, response", [PF_COX] = "lp, response (relative hazard)",
        [PF_SURV] = "lp, median, hazard", [PF_CURE] = "lp, median, hazard, atrisk"};
    if (scale == RHAZ_SCALE_DEFAULT)
        scale = defaults[m->fam];
    if ((int)scale < 0 || scale > RHAZ_SCALE_ATRISK || !has[m->fam][scale])
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "scale %s: not a scale of a %s model (its scales: %s)",
                              rhaz_predict_scale_name(scale), fit->model, lists[m->fam]);
    if (scale == RHAZ_SCALE_HAZARD && !(time > 0 && isfinite(time)))
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "scale hazard needs a time > 0 (the hazard at t)");
    m->scale = scale;
    m->time = time;
    if (m->fam == PF_GLM)
        m->lt = pred_link_of((is(fit->link, "cloglog") || is(fit->model, "cloglog"))
                                 ? PRED_CLOGLOG : PRED_LOGIT);
    if (m->fam == PF_SURV || m->fam == PF_CURE) {
        rhaz_surv_dist d = RHAZ_SURV_WEIBULL;
        if (rhaz_surv_dist_parse(m->fam == PF_CURE ? fit->link : fit->model, &d))
            return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                  "the fit names no known distribution ('%s')",
                                  m->fam == PF_CURE ? fit->link : fit->model);
        m->dist = surv_dist_of(d);
        m->ph = m->fam == PF_SURV && is(fit->link, "ph");
    }
    size_t P = fit->p;
    m->P = P;
    m->theta = calloc(P ? P : 1, sizeof *m->theta);
    m->V = calloc(P ? P * P : 1, sizeof *m->V);
    if (!m->theta || !m->V) {
        pred_model_clear(m);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing predictions");
    }
    for (size_t j = 0; j < P; j++) {
        const rhaz_coef *c = &fit->coef[j];
        int al = c->aliased || isnan(c->estimate);
        m->theta[j] = al ? 0 : c->estimate;
        if (m->fam >= PF_SURV && c->term &&
            (is(c->term, "log(scale)") || is(c->term, "log(p)")))
            m->tau = (long)j;
        for (size_t l = 0; l < P && !al; l++) {
            const rhaz_coef *c2 = &fit->coef[l];
            double v = fit->vcov[j * P + l];
            m->V[j * P + l] = c2->aliased || isnan(c2->estimate) || isnan(v) ? 0 : v;
        }
    }
    if (m->dist && !m->dist->fixed_scale && m->tau < 0) {
        pred_model_clear(m);
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                              "the fit has no log(scale) coefficient");
    }
    return RHAZ_OK;
}

rhaz_status pred_model_map(pred_model *m, const rhaz_fit_summary *fit,
                           size_t e, char *const *colnames, size_t p,
                           rhaz_error *err)
{
    free(m->map[e]);
    m->p[e] = p;
    if (!(m->map[e] = malloc((p ? p : 1) * sizeof *m->map[e])))
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing predictions");
    const char *prefix = m->fam == PF_CURE ? (e ? "risk:" : "duration:") : "";
    size_t pl = strlen(prefix);
    for (size_t j = 0; j < p; j++) {
        size_t k = 0;
        for (; k < fit->p; k++) {
            const char *t = fit->coef[k].term;
            if (t && strncmp(t, prefix, pl) == 0 && strcmp(t + pl, colnames[j]) == 0)
                break;
        }
        if (k == fit->p)
            return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                  "the fit has no coefficient '%s%s' (the data "
                                  "code the formula differently)", prefix,
                                  colnames[j]);
        const rhaz_coef *c = &fit->coef[k];
        m->map[e][j] = c->aliased || isnan(c->estimate) ? PRED_NONE : k;
    }
    return RHAZ_OK;
}

void pred_u(const pred_model *m, const double *const *const *col, size_t i,
            double u[3])
{
    u[0] = u[1] = u[2] = 0;
    for (size_t e = 0; e < m->neq; e++) {
        double s = 0;
        for (size_t j = 0; j < m->p[e]; j++)
            if (m->map[e][j] != PRED_NONE)
                s += (col[e][j][i] - (m->center[e] ? m->center[e][j] : 0)) *
                     m->theta[m->map[e][j]];
        u[e] = s;
    }
    if (m->tau >= 0)
        u[2] = m->theta[m->tau];
}

void pred_jacobian_add(const pred_model *m, const double *const *const *col,
                       size_t i, const double g[3], double w, double *J)
{
    for (size_t e = 0; e < m->neq; e++)
        for (size_t j = 0; j < m->p[e]; j++)
            if (m->map[e][j] != PRED_NONE)
                J[m->map[e][j]] +=
                    w * g[e] * (col[e][j][i] - (m->center[e] ? m->center[e][j] : 0));
    if (m->tau >= 0)
        J[m->tau] += w * g[2];
}

double pred_var(const pred_model *m, const double *J)
{
    double v = 0;
    for (size_t j = 0; j < m->P; j++) {
        if (J[j] == 0)
            continue;
        for (size_t l = 0; l < m->P; l++)
            v += J[j] * m->V[j * m->P + l] * J[l];
    }
    return v;
}

/* ---------- the quantities of the survival families ---------- */

/* AFT quantities at (eta, tau): value and gradient in (eta, tau). */
static void surv_aft(const pred_model *m, double eta, double tau, double *q,
                     double g[2])
{
    const surv_dist *d = m->dist;
    double sig = exp(tau);
    switch (m->scale) {
    case RHAZ_SCALE_MEDIAN: /* exp(eta + sigma w_0.5) */
        *q = exp(eta + sig * d->z_median);
        g[0] = *q;
        g[1] = *q * sig * d->z_median;
        return;
    case RHAZ_SCALE_HAZARD: { /* f0(z) / (sigma t S0(z)), z = (log t - eta)/sigma */
        double lt = log(m->time), z = (lt - eta) / sig, a[3], b[3];
        d->logf(z, a);
        d->logS(z, b);
        *q = exp(a[0] - b[0] - tau - lt);
        g[0] = *q * (a[1] - b[1]) * (-1 / sig);
        g[1] = *q * ((a[1] - b[1]) * (-z) - 1);
        return;
    }
    default: /* lp */
        *q = eta;
        g[0] = 1;
        g[1] = 0;
        return;
    }
}

/* Cure: the population hazard pi f(t) / (1 - pi + pi S(t)) at (eta, zeta,
 * tau), or the probability at risk pi = logistic(zeta). */
static void cure_q(const pred_model *m, const double u[3], double *q, double g[3])
{
    double pi = 1 / (1 + exp(-u[1]));
    g[0] = g[1] = g[2] = 0;
    if (m->scale == RHAZ_SCALE_ATRISK) {
        *q = pi;
        g[1] = pi * (1 - pi);
        return;
    }
    if (m->scale != RHAZ_SCALE_HAZARD) { /* lp, median: among those at risk */
        double ga[2];
        surv_aft(m, u[0], u[2], q, ga);
        g[0] = ga[0];
        g[2] = ga[1];
        return;
    }
    const surv_dist *d = m->dist;
    double tau = u[2], sig = exp(tau), lt = log(m->time), z = (lt - u[0]) / sig;
    double a[3], b[3];
    d->logf(z, a);
    d->logS(z, b);
    double S = exp(b[0]), D = 1 - pi + pi * S;
    *q = pi * exp(a[0] - tau - lt) / D;
    /* d log q */
    g[1] = (1 - pi) - pi * (1 - pi) * (S - 1) / D;
    g[0] = (a[1] - pi * S * b[1] / D) * (-1 / sig);
    g[2] = (a[1] - pi * S * b[1] / D) * (-z) - 1;
    for (int k = 0; k < 3; k++)
        g[k] *= *q;
}

/* Value and gradient in u for the survival families (no Hessian). */
static void surv_qg(const pred_model *m, const double u[3], double *q, double g[3])
{
    if (m->fam == PF_CURE) {
        cure_q(m, u, q, g);
        return;
    }
    g[1] = 0;
    if (m->scale == RHAZ_SCALE_LINK) {
        *q = u[0];
        g[0] = 1;
        g[2] = 0;
        return;
    }
    double ga[2];
    if (!m->ph) {
        surv_aft(m, u[0], u[2], q, ga);
        g[0] = ga[0];
        g[2] = ga[1];
        return;
    }
    /* PH metric: u0 = x'b = -eta / sigma, u2 = log p = -tau */
    double sig = exp(-u[2]), eta = -u[0] * sig, tau = -u[2];
    surv_aft(m, eta, tau, q, ga);
    g[0] = ga[0] * (-sig);
    g[2] = ga[0] * (u[0] * sig) + ga[1] * (-1);
}

void pred_q(const pred_model *m, const double u[3], double *q, double g[3],
            double *H)
{
    if (m->fam == PF_GLM || m->fam == PF_COX) {
        int resp = m->scale == RHAZ_SCALE_RESPONSE;
        const pred_link_type *lt = resp ? (m->fam == PF_COX ? pred_link_of(PRED_EXP) : m->lt)
                                        : pred_link_of(PRED_IDENTITY);
        double o[3];
        lt->all(u[0], o);
        *q = o[0];
        g[0] = o[1];
        g[1] = g[2] = 0;
        if (H) {
            memset(H, 0, 9 * sizeof *H);
            H[0] = o[2];
        }
        return;
    }
    surv_qg(m, u, q, g);
    if (!H)
        return;
    memset(H, 0, 9 * sizeof *H);
    if (!m->ph && (m->scale == RHAZ_SCALE_MEDIAN || m->scale == RHAZ_SCALE_LINK)) {
        /* AFT median exp(eta + sigma w) (sigma = e^tau; the cure model's
         * duration equation too) or lp eta: exact */
        if (m->scale == RHAZ_SCALE_MEDIAN) {
            double sw = exp(u[2]) * m->dist->z_median;
            H[0] = *q;
            H[2] = H[6] = *q * sw;
            H[8] = *q * sw * (1 + sw);
        }
        return;
    }
    /* Hessian: 5-point central differences of the analytic gradient */
    for (int k = 0; k < 3; k++) {
        if ((k == 1 && m->fam != PF_CURE) || (k == 2 && m->tau < 0))
            continue;
        double h = 1e-3 * (1 + fabs(u[k])), gs[4][3], uu[3], qq;
        static const double st[4] = {-2, -1, 1, 2};
        for (int s = 0; s < 4; s++) {
            memcpy(uu, u, sizeof uu);
            uu[k] += st[s] * h;
            surv_qg(m, uu, &qq, gs[s]);
        }
        for (int l = 0; l < 3; l++)
            H[l * 3 + k] = (8 * (gs[2][l] - gs[1][l]) - (gs[3][l] - gs[0][l])) / (12 * h);
    }
    for (int k = 0; k < 3; k++) /* symmetrise */
        for (int l = 0; l < k; l++)
            H[k * 3 + l] = H[l * 3 + k] = (H[k * 3 + l] + H[l * 3 + k]) / 2;
}

void pred_scale_label(const pred_model *m, char *buf, size_t size)
{
    switch (m->scale) {
    case RHAZ_SCALE_LINK:
        snprintf(buf, size, "%s",
                 m->fam == PF_GLM ? "linear predictor (log odds or cloglog)"
                 : m->fam == PF_COX ? "linear predictor (x'b - c'b, c R's fit$means)"
                 : m->ph ? "linear predictor (PH metric: log relative hazard)"
                 : m->fam == PF_CURE ? "duration linear predictor (AFT: log time)"
                                     : "linear predictor (AFT: log time)");
        return;
    case RHAZ_SCALE_RESPONSE:
        snprintf(buf, size, "%s", m->fam == PF_COX ? "relative hazard exp(x'b - c'b)"
                                                   : "probability");
        return;
    case RHAZ_SCALE_MEDIAN:
        snprintf(buf, size, "%s", m->fam == PF_CURE
                                      ? "median time (of the spells at risk)"
                                      : "median time");
        return;
    case RHAZ_SCALE_HAZARD:
        snprintf(buf, size, "%s at t = %.6g", m->fam == PF_CURE
                                                  ? "population hazard" : "hazard",
                 m->time);
        return;
    default:
        snprintf(buf, size, "probability at risk");
        return;
    }
}

/* ---------- predictions ---------- */

static rhaz_status predict_rows(const pred_model *m, const double *const *X,
                                size_t n, double *pred, double *se, double *J,
                                rhaz_error *err)
{
    const double **col[PRED_NEQ] = {0};
    rhaz_status st = RHAZ_OK;
    for (size_t e = 0; e < m->neq && !st; e++) {
        if (!(col[e] = malloc((m->p[e] ? m->p[e] : 1) * sizeof *col[e])))
            st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing predictions");
        for (size_t j = 0; col[e] && j < m->p[e]; j++)
            col[e][j] = X[e] + j * n;
    }
    for (size_t i = 0; i < n && !st; i++) {
        double u[3], q, g[3];
        pred_u(m, (const double *const *const *)col, i, u);
        pred_q(m, u, &q, g, NULL);
        pred[i] = q;
        if (se) {
            memset(J, 0, m->P * sizeof *J);
            pred_jacobian_add(m, (const double *const *const *)col, i, g, 1, J);
            se[i] = sqrt(fmax(pred_var(m, J), 0));
        }
    }
    for (size_t e = 0; e < PRED_NEQ; e++)
        free(col[e]);
    return st;
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
    rhaz_status st = pred_model_init(&m, fit, scale, 0, err);
    if (st)
        return st;
    if (m.neq != 1) {
        pred_model_clear(&m);
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "predict: a cure model needs both designs "
                              "(rhaz_fit_predict_data)");
    }
    double *J = malloc((m.P ? m.P : 1) * sizeof *J);
    if (!J || (center && !(m.center[0] = malloc((nd->p ? nd->p : 1) * sizeof *center))))
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing predictions");
    if (!st && center)
        memcpy(m.center[0], center, nd->p * sizeof *center);
    if (!st)
        st = pred_model_map(&m, fit, 0, nd->colnames, nd->p, err);
    if (!st) {
        const double *X[1] = {nd->X};
        st = predict_rows(&m, X, nd->n, pred, se, J, err);
    }
    free(J);
    pred_model_clear(&m);
    return st;
}

rhaz_status rhaz_fit_predict_data(const rhaz_fit_summary *fit,
                                  const rhaz_table *newdata,
                                  const rhaz_predict_options *opt,
                                  double *pred, double *se, rhaz_error *err)
{
    rhaz_error_clear(err);
    if (!fit || !newdata || !pred)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "predict: no fit or no new data");
    rhaz_predict_options o0 = {.scale = RHAZ_SCALE_DEFAULT};
    if (!opt)
        opt = &o0;
    pred_model m;
    rhaz_status st = pred_model_init(&m, fit, opt->scale, opt->time, err);
    if (st)
        return st;
    const rhaz_design_spec *sp[PRED_NEQ] = {fit->design, fit->design_risk};
    rhaz_design *d[PRED_NEQ] = {0};
    double *J = malloc((m.P ? m.P : 1) * sizeof *J);
    size_t n = rhaz_table_nrow(newdata);
    if (!J)
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing predictions");
    for (size_t e = 0; e < m.neq && !st; e++) {
        if (!sp[e]) {
            st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                "the fit has no \"%s\" (how its rows were "
                                "coded): refit it with this version of rhaz",
                                e ? "design_risk" : "design");
            break;
        }
        if (!(d[e] = rhaz_design_spec_build(sp[e], newdata, err)))
            st = err->status;
        else if (d[e]->n != n)
            st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                "predict: %zu of the %zu new rows have a missing "
                                "or undefined value in the formula",
                                n - d[e]->n, n);
        else
            st = pred_model_map(&m, fit, e, d[e]->colnames, d[e]->p, err);
    }
    if (!st && m.fam == PF_COX) { /* relative to the given centre, or none */
        if (opt->center) {
            if (!(m.center[0] = malloc((d[0]->p ? d[0]->p : 1) * sizeof *opt->center)))
                st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing predictions");
            else
                memcpy(m.center[0], opt->center, d[0]->p * sizeof *opt->center);
        }
    }
    if (!st) {
        const double *X[PRED_NEQ] = {d[0]->X, d[1] ? d[1]->X : NULL};
        st = predict_rows(&m, X, n, pred, se, J, err);
    }
    free(J);
    for (size_t e = 0; e < PRED_NEQ; e++)
        rhaz_design_free(d[e]);
    pred_model_clear(&m);
    return st;
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
    if (scale != RHAZ_SCALE_LINK && scale != RHAZ_SCALE_RESPONSE)
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "predict: a Cox model predicts on the lp or "
                              "response scale");
    size_t p = r->p;
    pred_model m = {.P = p, .neq = 1, .tau = -1, .fam = PF_COX, .scale = scale};
    m.p[0] = p;
    m.theta = malloc((p ? p : 1) * sizeof *m.theta);
    m.V = malloc((p ? p * p : 1) * sizeof *m.V);
    m.map[0] = malloc((p ? p : 1) * sizeof *m.map[0]);
    m.center[0] = malloc((p ? p : 1) * sizeof *m.center[0]);
    double *J = malloc((p ? p : 1) * sizeof *J);
    if (!m.theta || !m.V || !m.map[0] || !m.center[0] || !J) {
        free(J);
        pred_model_clear(&m);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing predictions");
    }
    for (size_t j = 0; j < p; j++) {
        m.map[0][j] = r->aliased[j] ? PRED_NONE : j;
        m.theta[j] = r->aliased[j] ? 0 : r->coef[j];
        m.center[0][j] = r->means[j];
    }
    for (size_t j = 0; j < p; j++)
        for (size_t l = 0; l < p; l++)
            m.V[j * p + l] = r->aliased[j] || r->aliased[l] ? 0 : r->vcov[j * p + l];
    const double *X[1] = {nd->X};
    rhaz_status st = predict_rows(&m, X, nd->n, pred, se, J, err);
    free(J);
    pred_model_clear(&m);
    return st;
}
