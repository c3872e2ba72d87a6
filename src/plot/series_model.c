/* series_model.c -- figure series that need a model: Kaplan-Meier
 * curves, a Cox fit's baseline and scaled Schoenfeld residuals, and a
 * fitted model's prediction across one covariate (delta-method band,
 * from rhaz_fit_predict on new rows coded by the fit's design). */
#include "plot_impl.h"
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The stop-time variable of "Surv(start, stop, event)" or "Surv(time,
 * event)", into buf ("" if not found). */
static void surv_time_var(const char *formula, char *buf, size_t size)
{
    buf[0] = '\0';
    const char *a = strstr(formula, "Surv(");
    const char *b = a ? strchr(a, ')') : NULL;
    if (!a || !b)
        return;
    a += 5;
    /* fields split by commas: the time is the one before the last */
    const char *f[4];
    size_t nf = 0;
    f[nf++] = a;
    for (const char *c = a; c < b && nf < 4; c++)
        if (*c == ',')
            f[nf++] = c + 1;
    if (nf < 2)
        return;
    const char *s = f[nf - 2], *e = f[nf - 1] - 1;
    while (s < e && *s == ' ')
        s++;
    while (e > s && e[-1] == ' ')
        e--;
    snprintf(buf, size, "%.*s", (int)(e - s), s);
}

/* Default x label of a survival figure from its time variable. */
static rhaz_status set_time_label(rhaz_plot *p, const char *formula,
                                  rhaz_error *err)
{
    char buf[256];
    surv_time_var(formula, buf, sizeof buf);
    const char *l = strcmp(buf, "stop") == 0       ? "Years since the treaty opened"
                    : strcmp(buf, "duration") == 0 ? "Years at risk"
                    : buf[0]                       ? buf
                                                   : "Time";
    return rhaz_plot_set_default_labels(p, l, NULL, err);
}

/* Panel + formula -> design (Surv response), for km/baseline/zph. */
static rhaz_design *surv_design(const rhaz_plot *p, const rhaz_table *panel,
                                const char *formula, rhaz_error *err)
{
    rhaz_formula *fm = rhaz_formula_parse(formula, err);
    if (!fm)
        return NULL;
    rhaz_lhs_kind lhs = rhaz_formula_lhs(fm);
    rhaz_design *d = NULL;
    if (lhs != RHAZ_LHS_SURV2 && lhs != RHAZ_LHS_SURV3) {
        rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                       "plot %s: the formula needs Surv(time, event) or "
                       "Surv(start, stop, event) on the left",
                       rhaz_plot_kind_name(p->kind));
    } else {
        rhaz_design_options o = {0};
        o.drop_intercept = 1;
        d = rhaz_design_build(fm, panel, &o, err);
        if (d && d->n == 0) {
            const char *tn = rhaz_table_name(panel);
            rhaz_error_set(err, RHAZ_EDATA, tn && *tn ? tn : NULL, 0,
                           "no complete rows for '%s'", formula);
            rhaz_design_free(d);
            d = NULL;
        }
    }
    rhaz_formula_free(fm);
    return d;
}

/* The model-based Cox fit a figure draws from. */
static rhaz_cox *cox_of(const rhaz_design *d, rhaz_error *err)
{
    rhaz_cox_data cd;
    rhaz_cox_data_from_design(&cd, d);
    cd.cluster = NULL; /* figures use the model-based fit */
    cd.n_clusters = 0;
    rhaz_cox_options o;
    rhaz_cox_options_default(&o);
    rhaz_cox *fit = rhaz_cox_fit(&cd, &o, err);
    if (fit && !rhaz_cox_result_get(fit)->converged)
        rhaz_message("warning: the Cox model did not converge; the figure "
                     "shows the last iterate");
    return fit;
}

/* km: 'Surv(...) ~ g' (or ~ 1) -> 1 - KM per level of g, log-log bands.
 * The groups are coded as strata of the same response. */
rhaz_status rhaz_plot_add_km(rhaz_plot *p, const rhaz_table *panel,
                             const char *formula, rhaz_error *err)
{
    const char *tilde = strchr(formula, '~');
    if (!tilde)
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot km: formula '%s' has no '~'", formula);
    /* LHS ~ strata(RHS) unless the RHS is 1 */
    const char *rhs = tilde + 1;
    while (*rhs == ' ')
        rhs++;
    size_t n = strlen(formula) + 32;
    char *f2 = malloc(n);
    if (!f2)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure's series");
    if (strcmp(rhs, "1") == 0 || !*rhs)
        snprintf(f2, n, "%.*s~ 1", (int)(tilde - formula), formula);
    else
        snprintf(f2, n, "%.*s~ strata(%s)", (int)(tilde - formula), formula, rhs);
    for (char *c = strchr(f2, '~'); c && *c; c++)
        if (*c == '+')
            *c = ','; /* strata(a, b) for several grouping variables */
    rhaz_km *km = NULL;
    double *buf = NULL;
    rhaz_status st = RHAZ_OK;
    rhaz_design *d = surv_design(p, panel, f2, err);
    if (!d) {
        st = err->status;
        goto done;
    }
    rhaz_cox_data sv; /* the survival columns of the design */
    rhaz_cox_data_from_design(&sv, d);
    size_t ng = d->strata ? d->n_strata : 1;
    if (!(km = rhaz_km_fit(d->n, sv.start, sv.stop, sv.event, d->weights,
                           d->strata, ng, 0.95, err))) {
        st = err->status;
        goto done;
    }
    buf = malloc(4 * (km->n_points + 1) * sizeof *buf);
    if (!buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure's series");
        goto done;
    }
    size_t cap = km->n_points + 1;
    for (size_t g = 0; g < ng && !st; g++) {
        double *x = buf, *y = buf + cap, *lo = buf + 2 * cap, *hi = buf + 3 * cap;
        size_t m = 0;
        x[m] = 0, y[m] = 0, lo[m] = 0, hi[m] = 0; /* nobody at time 0 */
        m++;
        for (size_t k = 0; k < km->n_points; k++) {
            if (km->group[k] != (int)g)
                continue;
            if (km->time[k] < x[0])
                x[0] = km->time[k];
            x[m] = km->time[k];
            y[m] = 1 - km->surv[k];
            lo[m] = 1 - km->upper[k]; /* cumulative incidence = 1 - S */
            hi[m] = 1 - km->lower[k];
            m++;
        }
        const char *lab = d->strata ? d->strata_labels[g] : "All states";
        rhaz_plot_series s = {.label = lab, .n = m, .x = x, .y = y,
                              .lower = lo, .upper = hi, .coef_var = NAN};
        st = rhaz_plot_add(p, &s, err);
    }
    if (!st)
        st = set_time_label(p, formula, err);
done:
    free(buf);
    free(f2);
    rhaz_km_free(km);
    rhaz_design_free(d);
    return st;
}

/* baseline: survfit of a Cox fit (covariates at their means, as R's
 * survfit(fit)), cumulative hazard (or survival) per stratum, with R's
 * default log-scale 95% band: H +- 1.96 se(H). */
rhaz_status rhaz_plot_add_baseline(rhaz_plot *p, const rhaz_table *panel,
                                   const char *formula, int survival,
                                   rhaz_error *err)
{
    rhaz_design *d = NULL;
    rhaz_cox *fit = NULL;
    rhaz_cox_curve *c = NULL;
    double *buf = NULL;
    rhaz_status st = RHAZ_OK;
    if (!(d = surv_design(p, panel, formula, err)) || !(fit = cox_of(d, err)) ||
        !(c = rhaz_cox_survfit(fit, NULL, err))) {
        st = err->status;
        goto done;
    }
    size_t cap = c->n_points + 1, ng = d->strata ? d->n_strata : 1;
    buf = malloc(4 * cap * sizeof *buf);
    if (!buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure's series");
        goto done;
    }
    const double z = 1.959963984540054;
    for (size_t g = 0; g < ng && !st; g++) {
        double *x = buf, *y = buf + cap, *lo = buf + 2 * cap, *hi = buf + 3 * cap;
        size_t m = 0;
        x[0] = 0, y[0] = survival ? 1 : 0, lo[0] = y[0], hi[0] = y[0];
        m++;
        for (size_t k = 0; k < c->n_points; k++) {
            if ((size_t)c->stratum[k] != g)
                continue;
            double H = c->cumhaz[k], se = c->std_err[k];
            double hl = fmax(H - z * se, 0), hh = H + z * se;
            if (c->time[k] < x[0])
                x[0] = c->time[k];
            x[m] = c->time[k];
            y[m] = survival ? c->surv[k] : H;
            lo[m] = survival ? exp(-hh) : hl;
            hi[m] = survival ? exp(-hl) : hh;
            m++;
        }
        const char *lab = d->strata ? d->strata_labels[g] : "Baseline";
        rhaz_plot_series s = {.label = lab, .n = m, .x = x, .y = y,
                              .lower = lo, .upper = hi, .coef_var = NAN};
        st = rhaz_plot_add(p, &s, err);
    }
    if (!st)
        st = set_time_label(p, formula, err);
    if (!st && survival)
        st = rhaz_plot_set_default_labels(p, NULL, "Baseline survival", err);
done:
    free(buf);
    rhaz_cox_curve_free(c);
    rhaz_cox_free(fit);
    rhaz_design_free(d);
    return st;
}

/* zph from a Cox fit: scaled Schoenfeld residuals (n_events x p, R's
 * n_events V r + beta) against event time, one panel per coefficient;
 * the smooth's band uses the model-based variance (as cox.zph). */
rhaz_status rhaz_plot_add_zph_fit(rhaz_plot *p, const rhaz_table *panel,
                                  const char *formula, rhaz_error *err)
{
    rhaz_design *d = NULL;
    rhaz_cox *fit = NULL;
    double *res = NULL, *tim = NULL;
    rhaz_status st = RHAZ_OK;
    if (!(d = surv_design(p, panel, formula, err)) || !(fit = cox_of(d, err))) {
        st = err->status;
        goto done;
    }
    const rhaz_cox_result *r = rhaz_cox_result_get(fit);
    size_t ne = r->n_events, pp = r->p;
    if (pp == 0 || ne == 0) {
        const char *tn = rhaz_table_name(panel);
        st = rhaz_error_set(err, RHAZ_EDATA, tn && *tn ? tn : NULL, 0,
                            "plot zph: the model has no %s",
                            pp ? "events" : "covariates");
        goto done;
    }
    res = malloc(ne * pp * sizeof *res);
    tim = malloc(ne * sizeof *tim);
    if (!res || !tim) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure's series");
        goto done;
    }
    if ((st = rhaz_cox_schoenfeld(fit, 1, res, tim, NULL, err)))
        goto done;
    for (size_t j = 0; j < pp && !st; j++) {
        if (r->aliased[j])
            continue;
        rhaz_plot_series s = {.label = d->colnames[j], .panel = d->colnames[j],
                              .n = ne, .x = tim, .y = res + j * ne,
                              .coef_var = r->vcov_model[j * pp + j]};
        st = rhaz_plot_add(p, &s, err);
    }
    if (!st)
        st = set_time_label(p, formula, err);
done:
    free(res);
    free(tim);
    rhaz_cox_free(fit);
    rhaz_design_free(d);
    return st;
}

/* ---------- predict: a fitted model across one covariate ---------- */

/* Value of VAR in "a=1,b=x": 1 and *num and *str set, else 0. */
static int at_value(const char *at, const char *var, double *num,
                    const char **str, char *buf, size_t size)
{
    if (!at)
        return 0;
    size_t vl = strlen(var);
    for (const char *c = at; c && *c;) {
        const char *end = strchr(c, ',');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        if (len > vl && strncmp(c, var, vl) == 0 && c[vl] == '=') {
            snprintf(buf, size, "%.*s", (int)(len - vl - 1), c + vl + 1);
            char *e;
            *num = strtod(buf, &e);
            *str = buf;
            if (e == buf || *e)
                *num = NAN;
            return 1;
        }
        c = end ? end + 1 : NULL;
    }
    return 0;
}

#define PREDICT_NGRID 60

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The grid rows: VAR on a grid over its observed range in the rows the
 * model uses (or its distinct values when there are few), the other
 * columns at the at values, else the mean (numbers) or the most frequent
 * value (text) of those rows; the last row has VAR at its mean (the
 * reference of Cox hazard ratios). */
static rhaz_table *predict_grid(const rhaz_table *t, const size_t *used,
                                size_t nused, const char *var, const char *at,
                                size_t *ngrid, double *grid, rhaz_error *err)
{
    size_t n = rhaz_table_nrow(t), nc = rhaz_table_ncol(t);
    long jv = rhaz_table_find(t, var);
    if (jv < 0 || rhaz_table_coltype(t, (size_t)jv) != RHAZ_COL_NUMERIC) {
        rhaz_error_set(err, jv < 0 ? RHAZ_ENOTFOUND : RHAZ_EDATA, NULL, 0,
                       "vary %s: %s", var,
                       jv < 0 ? "no such column in the panel"
                              : "not a numeric column");
        core_error_option(err, "vary");
        return NULL;
    }
    const double *V = rhaz_table_num(t, (size_t)jv);
    double *vals = malloc((nused + 1) * sizeof *vals);
    if (!vals) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure's series");
        return NULL;
    }
    size_t nv = 0;
    double mean = 0;
    for (size_t i = 0; i < nused; i++)
        if (!isnan(V[used[i]]))
            vals[nv++] = V[used[i]], mean += V[used[i]];
    mean /= nv ? (double)nv : 1;
    qsort(vals, nv, sizeof *vals, cmp_double);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < nv; i++)
        lo = fmin(lo, vals[i]), hi = fmax(hi, vals[i]);
    size_t nd = 0;
    for (size_t i = 0; i < nv && nd <= 12; i++)
        if (i == 0 || vals[i] != vals[i - 1])
            nd++;
    size_t g = 0;
    if (nd <= 12) {
        for (size_t i = 0; i < nv; i++)
            if (i == 0 || vals[i] != vals[i - 1])
                grid[g++] = vals[i];
    } else {
        for (g = 0; g < PREDICT_NGRID; g++)
            grid[g] = lo + (hi - lo) * (double)g / (PREDICT_NGRID - 1);
    }
    free(vals);
    if (nv == 0 || !(hi >= lo)) {
        rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                       "vary %s: no values in the rows the model uses", var);
        core_error_option(err, "vary");
        return NULL;
    }
    *ngrid = g;
    size_t m = g + 1;
    rhaz_table *out = rhaz_table_new("predict", err);
    double *num = malloc(m * sizeof *num);
    const char **str = malloc(m * sizeof *str);
    size_t *cnt = calloc(n + 1, sizeof *cnt);
    if (!out || !num || !str || !cnt) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure's series");
        goto fail;
    }
    for (size_t j = 0; j < nc; j++) {
        const char *name = rhaz_table_colname(t, j);
        char abuf[256];
        double anum = NAN;
        const char *astr = NULL;
        int has_at = at_value(at, name, &anum, &astr, abuf, sizeof abuf);
        if (rhaz_table_coltype(t, j) == RHAZ_COL_NUMERIC) {
            const double *X = rhaz_table_num(t, j);
            double mu = 0;
            size_t k = 0;
            for (size_t i = 0; i < nused; i++)
                if (!isnan(X[used[i]]))
                    mu += X[used[i]], k++;
            mu = k ? mu / (double)k : 0;
            if (has_at && isnan(anum)) {
                rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                               "at %s=%s: not a number", name, astr);
                core_error_option(err, "at");
                goto fail;
            }
            for (size_t r = 0; r <= g; r++)
                num[r] = (long)j == jv ? (r < g ? grid[r] : mean)
                         : has_at      ? anum
                                       : mu;
            if (rhaz_table_add_numeric(out, name, num, m, err))
                goto fail;
        } else {
            const char *mode = has_at ? astr : NULL;
            if (!mode) { /* most frequent value among used rows */
                size_t best = 0;
                memset(cnt, 0, (n + 1) * sizeof *cnt);
                for (size_t i = 0; i < nused; i++) {
                    const char *v = rhaz_table_str(t, j, used[i]);
                    if (!v)
                        continue;
                    /* first row with this value holds its count */
                    size_t first = used[i];
                    for (size_t q = 0; q < i; q++) {
                        const char *w = rhaz_table_str(t, j, used[q]);
                        if (w && strcmp(w, v) == 0) {
                            first = used[q];
                            break;
                        }
                    }
                    if (++cnt[first] > best)
                        best = cnt[first], mode = v;
                    if (nused > 20000 && i > 2000)
                        break; /* enough for the mode of a text column */
                }
            }
            for (size_t r = 0; r <= g; r++)
                str[r] = mode;
            if (rhaz_table_add_string(out, name, str, m, err))
                goto fail;
        }
    }
    free(num);
    free(str);
    free(cnt);
    return out;
fail:
    free(num);
    free(str);
    free(cnt);
    rhaz_table_free(out);
    return NULL;
}

/* Parametric and cure models, or any model on an explicit scale: the
 * prediction on the scale asked (rhaz_fit_predict_data, rows coded by
 * the fit's stored design), the band on the log scale for positive
 * quantities (median, hazard, relative hazard), the logit scale for
 * probabilities and the identity for linear predictors. */
static rhaz_status predict_scale(rhaz_plot *p, const rhaz_fit_summary *fit,
                                 const rhaz_table *panel, const char *vary,
                                 const char *at, const rhaz_predict_options *po,
                                 rhaz_error *err)
{
    if (!fit->design)
        return rhaz_error_set(err, RHAZ_EPARSE, NULL, 0,
                              "the fit has no \"design\" (how its rows were "
                              "coded): refit it with this version of rhaz");
    rhaz_status st = RHAZ_OK;
    rhaz_design *d0 = rhaz_design_spec_build(fit->design, panel, err), *d1 = NULL;
    rhaz_table *grid_t = NULL;
    double *buf = NULL;
    if (!d0)
        return err->status;
    if (fit->design_risk) { /* cure: rows complete in both equations */
        if (!(d1 = rhaz_design_spec_build(fit->design_risk, panel, err))) {
            st = err->status;
            goto done;
        }
        size_t k = 0, q = 0;
        for (size_t i = 0; i < d0->n; i++) {
            while (q < d1->n && d1->rows[q] < d0->rows[i])
                q++;
            if (q < d1->n && d1->rows[q] == d0->rows[i])
                d0->rows[k++] = d0->rows[i];
        }
        d0->n = k;
    }
    size_t g = 0;
    double grid[PREDICT_NGRID + 1];
    if (!(grid_t = predict_grid(panel, d0->rows, d0->n, vary, at, &g, grid, err))) {
        st = err->status;
        goto done;
    }
    if (!(buf = malloc(6 * (g + 1) * sizeof *buf))) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure's series");
        goto done;
    }
    double *x = buf, *y = buf + (g + 1), *lo = buf + 2 * (g + 1),
           *hi = buf + 3 * (g + 1), *pr = buf + 4 * (g + 1), *se = buf + 5 * (g + 1);
    if ((st = rhaz_fit_predict_data(fit, grid_t, po, pr, se, err)))
        goto done;
    rhaz_predict_scale sc = po->scale;
    const char *mod = fit->model ? fit->model : "";
    rhaz_surv_dist sd;
    int cure = strcmp(mod, "cure") == 0;
    int cox = strcmp(mod, "cox") == 0 || strcmp(mod, "clogit") == 0;
    int surv = rhaz_surv_dist_parse(mod, &sd) == RHAZ_OK;
    int glm = !cure && !cox && !surv;
    if (sc == RHAZ_SCALE_DEFAULT)
        sc = cure ? RHAZ_SCALE_ATRISK : glm ? RHAZ_SCALE_RESPONSE
             : cox ? RHAZ_SCALE_LINK : RHAZ_SCALE_MEDIAN;
    int prob = sc == RHAZ_SCALE_ATRISK || (glm && sc == RHAZ_SCALE_RESPONSE);
    int pos = !prob && sc != RHAZ_SCALE_LINK;
    const double z = 1.959963984540054;
    for (size_t r = 0; r < g; r++) {
        x[r] = grid[r];
        y[r] = pr[r];
        if (pos && pr[r] > 0) { /* log scale */
            double s = se[r] / pr[r];
            lo[r] = pr[r] * exp(-z * s), hi[r] = pr[r] * exp(z * s);
        } else if (prob && pr[r] > 0 && pr[r] < 1) { /* logit scale */
            double l = log(pr[r] / (1 - pr[r])), s = se[r] / (pr[r] * (1 - pr[r]));
            lo[r] = 1 / (1 + exp(-(l - z * s))), hi[r] = 1 / (1 + exp(-(l + z * s)));
        } else
            lo[r] = pr[r] - z * se[r], hi[r] = pr[r] + z * se[r];
    }
    rhaz_plot_series s = {.label = "", .n = g, .x = x, .y = y, .lower = lo,
                          .upper = hi, .coef_var = NAN};
    if ((st = rhaz_plot_add(p, &s, err)))
        goto done;
    char ylab[96];
    switch (sc) {
    case RHAZ_SCALE_MEDIAN:
        snprintf(ylab, sizeof ylab, "%s", cure ? "Median time (spells at risk)"
                                               : "Predicted median time");
        break;
    case RHAZ_SCALE_HAZARD:
        snprintf(ylab, sizeof ylab, "%s at t = %g", cure ? "Population hazard" : "Hazard",
                 po->time);
        break;
    case RHAZ_SCALE_ATRISK: snprintf(ylab, sizeof ylab, "Probability at risk"); break;
    case RHAZ_SCALE_RESPONSE:
        snprintf(ylab, sizeof ylab, "%s", glm ? "Predicted probability per year"
                                              : "Relative hazard exp(x'b)");
        break;
    default: snprintf(ylab, sizeof ylab, "Linear predictor"); break;
    }
    st = rhaz_plot_set_default_labels(p, vary, ylab, err);
done:
    free(buf);
    rhaz_table_free(grid_t);
    rhaz_design_free(d0);
    rhaz_design_free(d1);
    return st;
}

rhaz_status rhaz_plot_add_predict(rhaz_plot *p, const rhaz_fit_summary *fit,
                                  const rhaz_table *panel, const char *vary,
                                  const char *at, rhaz_error *err)
{
    return rhaz_plot_add_predict_scale(p, fit, panel, vary, at, NULL, err);
}

rhaz_status rhaz_plot_add_predict_scale(rhaz_plot *p, const rhaz_fit_summary *fit,
                                        const rhaz_table *panel, const char *vary,
                                        const char *at, const rhaz_predict_options *po,
                                        rhaz_error *err)
{
    rhaz_surv_dist sd;
    if ((po && po->scale != RHAZ_SCALE_DEFAULT) ||
        (fit->model && (strcmp(fit->model, "cure") == 0 ||
                        rhaz_surv_dist_parse(fit->model, &sd) == RHAZ_OK))) {
        rhaz_predict_options p0 = {.scale = RHAZ_SCALE_DEFAULT};
        return predict_scale(p, fit, panel, vary, at, po ? po : &p0, err);
    }
    rhaz_status st = RHAZ_OK;
    rhaz_formula *fm = NULL;
    rhaz_table *grid_t = NULL;
    rhaz_design *d0 = NULL, *d = NULL;
    double *buf = NULL;
    if (!fit->formula || !*fit->formula)
        return rhaz_error_set(err, RHAZ_EPARSE, NULL, 0,
                              "no \"formula\" in the fit");
    if (!fit->vcov)
        return rhaz_error_set(err, RHAZ_EPARSE, NULL, 0,
                              "no \"vcov\" in the fit: no interval");
    int cox = fit->model && (strcmp(fit->model, "cox") == 0 ||
                             strcmp(fit->model, "clogit") == 0);
    rhaz_design_options dopt = {0};
    dopt.drop_intercept = cox;
    dopt.allow_frailty = 1; /* a frailty Cox fit */
    /* the fitting rows: their levels, knots, means and modes */
    if (!(fm = rhaz_formula_parse(fit->formula, err)) ||
        !(d0 = rhaz_design_build(fm, panel, &dopt, err))) {
        st = err->status;
        goto done;
    }
    size_t g = 0;
    double grid[PREDICT_NGRID + 1];
    if (!(grid_t = predict_grid(panel, d0->rows, d0->n, vary, at, &g, grid,
                                err)) ||
        !(d = rhaz_design_build_newdata(d0, grid_t, err))) {
        st = err->status;
        goto done;
    }
    if (d->n != g + 1) {
        st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                            "plot predict: grid rows dropped (missing "
                            "values): give values for the other columns in at");
        core_error_option(err, "at");
        goto done;
    }
    buf = malloc(6 * (g + 1) * sizeof *buf);
    if (!buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure's series");
        goto done;
    }
    double *x = buf, *y = buf + (g + 1), *lo = buf + 2 * (g + 1),
           *hi = buf + 3 * (g + 1), *eta = buf + 4 * (g + 1),
           *se = buf + 5 * (g + 1);
    /* Cox: hazard ratio against the last row (vary at its mean) */
    double *center = NULL;
    if (cox && !(center = malloc((d->p ? d->p : 1) * sizeof *center))) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure's series");
        goto done;
    }
    for (size_t j = 0; cox && j < d->p; j++)
        center[j] = d->X[j * d->n + g];
    st = rhaz_fit_predict(fit, d, RHAZ_SCALE_LINK, center, eta, se, err);
    free(center);
    if (st)
        goto done;
    const double z = 1.959963984540054;
    int cloglog = !cox && fit->link && strcmp(fit->link, "cloglog") == 0;
    for (size_t r = 0; r < g; r++) {
        double e0 = eta[r] - z * se[r], e1 = eta[r] + z * se[r];
        x[r] = grid[r];
        if (cox) {
            y[r] = exp(eta[r]), lo[r] = exp(e0), hi[r] = exp(e1);
        } else if (cloglog) {
            y[r] = -expm1(-exp(eta[r]));
            lo[r] = -expm1(-exp(e0));
            hi[r] = -expm1(-exp(e1));
        } else {
            y[r] = 1 / (1 + exp(-eta[r]));
            lo[r] = 1 / (1 + exp(-e0));
            hi[r] = 1 / (1 + exp(-e1));
        }
    }
    rhaz_plot_series s = {.label = "", .n = g, .x = x, .y = y, .lower = lo,
                          .upper = hi, .coef_var = NAN};
    if ((st = rhaz_plot_add(p, &s, err)))
        goto done;
    st = rhaz_plot_set_default_labels(p, vary,
                                      cox ? "Hazard ratio (vs. the mean)"
                                          : "Predicted probability per year",
                                      err);
done:
    free(buf);
    rhaz_design_free(d);
    rhaz_design_free(d0);
    rhaz_table_free(grid_t);
    rhaz_formula_free(fm);
    return st;
}

/* ---------- the numbers drawn, as CSV ---------- */

static void put_num(FILE *fp, double v)
{
    if (isnan(v))
        fputs("NA", fp);
    else
        fprintf(fp, "%.17g", v);
}

rhaz_status rhaz_plot_write_csv(const rhaz_plot *p, FILE *fp, rhaz_error *err)
{
    int coef = p->kind == RHAZ_PLOT_COEF, zph = p->kind == RHAZ_PLOT_ZPH;
    fputs(coef  ? "group,term,estimate,conf_low,conf_high\n"
          : zph ? "term,time,residual\n"
                : "group,x,y,lower,upper\n", fp);
    for (size_t k = 0; k < p->ns; k++) {
        const plot_series *s = &p->s[k];
        for (size_t i = 0; i < s->n; i++) {
            rhaz_csv_field(fp, s->label ? s->label : "");
            fputc(',', fp);
            if (coef) {
                rhaz_csv_field(fp, s->names && s->names[i] ? s->names[i] : "");
                fputc(',', fp);
            } else {
                put_num(fp, s->x[i]);
                fputc(',', fp);
            }
            put_num(fp, s->y[i]);
            if (!zph) {
                fputc(',', fp);
                put_num(fp, s->lo ? s->lo[i] : NAN);
                fputc(',', fp);
                put_num(fp, s->hi ? s->hi[i] : NAN);
            }
            fputc('\n', fp);
        }
    }
    if (ferror(fp))
        return rhaz_error_set(err, RHAZ_EIO, NULL, 0, "write error: %s",
                              errno ? strerror(errno) : "I/O error");
    return RHAZ_OK;
}
