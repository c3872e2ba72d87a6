/* test_predict.c -- predictions on new rows against R
 * (tests/reference/predict_ref.R: predict.glm and predict.coxph with
 * se.fit = TRUE), the coding of new rows by a fitted design, the GLM
 * fit object's fitted values and residuals (glm_resid_ref.R), and the
 * centring of Cox predictions on R's fit$means (cox_centre_ref.R). */
#include "harness.h"
#include "rhaz.h"

/* achieved: ~2e-14 on fits and standard errors (printed at the end) */
#define TOL_GLM 1e-10
#define TOL_COX 1e-10

static double mx_fit, mx_se;

static double reldiff(double got, double want)
{
    double s = fabs(want) > 1e-300 ? fabs(want) : 1.0;
    return fabs(got - want) / s;
}

/* R's values of model m, scale sc, in row order */
static size_t ref_values(const rhaz_table *ref, const char *m, const char *sc,
                         double *fit, double *se)
{
    size_t n = 0;
    long jm = rhaz_table_find(ref, "model"), js = rhaz_table_find(ref, "scale");
    long jf = rhaz_table_find(ref, "fit"), je = rhaz_table_find(ref, "se_fit");
    for (size_t i = 0; i < rhaz_table_nrow(ref); i++)
        if (strcmp(rhaz_table_str(ref, (size_t)jm, i), m) == 0 &&
            strcmp(rhaz_table_str(ref, (size_t)js, i), sc) == 0) {
            fit[n] = rhaz_table_num(ref, (size_t)jf)[i];
            se[n] = rhaz_table_num(ref, (size_t)je)[i];
            n++;
        }
    return n;
}

static void check(const char *what, const double *got, const double *want,
                  size_t n, double tol, double *mx)
{
    for (size_t i = 0; i < n; i++) {
        char name[128];
        snprintf(name, sizeof name, "%s row %zu", what, i + 1);
        T_REL(got[i], want[i], tol, name);
        if (reldiff(got[i], want[i]) > *mx)
            *mx = reldiff(got[i], want[i]);
    }
}

static void test_glm(const rhaz_table *data, const rhaz_table *nd,
                     const rhaz_table *ref)
{
    static const struct {
        const char *name, *formula;
        rhaz_link link;
    } m[] = {
        {"logit", "y ~ dem + factor(region) + log(mig) + ns(t, 3) + dem:oecd",
         RHAZ_LINK_LOGIT},
        {"cloglog", "y ~ dem * oecd + log(mig) + regime + I(t^2)",
         RHAZ_LINK_CLOGLOG},
    };
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        T_SECTION(m[k].name);
        rhaz_error err;
        rhaz_formula *f = rhaz_formula_parse(m[k].formula, &err);
        rhaz_design *d = f ? rhaz_design_build(f, data, NULL, &err) : NULL;
        rhaz_glm_options o = {.link = m[k].link};
        rhaz_glm *g = d ? rhaz_glm_fit_model(d, &o, &err) : NULL;
        const rhaz_fit_summary *s = rhaz_glm_summary(g);
        rhaz_design *x = s ? rhaz_design_build_newdata(d, nd, &err) : NULL;
        T_CHECK(x != NULL, "new data: %s", err.msg);
        if (!x)
            goto next;
        T_EQ_INT(x->n, rhaz_table_nrow(nd), "new rows kept");
        T_EQ_INT(x->p, d->p, "same columns");
        double pr[16], se[16], wf[16], ws[16];
        static const char *const scales[] = {"link", "response"};
        for (int sc = 0; sc < 2; sc++) {
            size_t nr = ref_values(ref, m[k].name, scales[sc], wf, ws);
            T_EQ_INT(nr, x->n, "reference rows");
            rhaz_status st = rhaz_glm_predict(g, x, (rhaz_predict_scale)sc,
                                              pr, se, &err);
            T_CHECK(st == RHAZ_OK, "predict: %s", err.msg);
            if (st || nr != x->n)
                continue;
            check("fit", pr, wf, nr, TOL_GLM, &mx_fit);
            check("se.fit", se, ws, nr, TOL_GLM, &mx_se);
            /* the same numbers from the summary alone */
            double pr2[16], se2[16];
            st = rhaz_fit_predict(s, x, (rhaz_predict_scale)sc, NULL, pr2, se2, &err);
            T_CHECK(st == RHAZ_OK && memcmp(pr, pr2, nr * sizeof *pr) == 0 &&
                        memcmp(se, se2, nr * sizeof *se) == 0,
                    "rhaz_fit_predict on the summary agrees: %s", err.msg);
        }
        /* the fitting rows as new data: the same model matrix, bit for bit */
        rhaz_design *same = rhaz_design_build_newdata(d, data, &err);
        T_CHECK(same && same->n == d->n &&
                    memcmp(same->X, d->X, d->n * d->p * sizeof *d->X) == 0,
                "fitting rows recoded identically");
        rhaz_design_free(same);
    next:
        rhaz_design_free(x);
        rhaz_glm_free(g);
        rhaz_design_free(d);
        rhaz_formula_free(f);
    }
}

static void test_cox(const rhaz_table *ref)
{
    static const struct {
        const char *name, *formula;
    } m[] = {
        {"cox", "Surv(time, status) ~ ns(age, 2) + factor(sex) + wt.loss"},
        {"cox_robust", "Surv(time, status) ~ ns(age, 2) + factor(sex) + "
                       "wt.loss + cluster(inst)"},
    };
    rhaz_error err;
    rhaz_table *lung = rhaz_table_read("tests/fixtures/cox_lung.csv", NULL, &err);
    rhaz_table *nd = rhaz_table_read("tests/reference/predict_newdata_cox.csv",
                                     NULL, &err);
    T_CHECK(lung && nd, "cox data: %s", err.msg);
    for (size_t k = 0; lung && nd && k < sizeof m / sizeof m[0]; k++) {
        T_SECTION(m[k].name);
        rhaz_formula *f = rhaz_formula_parse(m[k].formula, &err);
        rhaz_design_options o = {.drop_intercept = 1};
        rhaz_design *d = f ? rhaz_design_build(f, lung, &o, &err) : NULL;
        rhaz_cox_data cd;
        rhaz_cox *fit = NULL;
        if (d) {
            rhaz_cox_data_from_design(&cd, d);
            rhaz_cox_options co;
            rhaz_cox_options_default(&co);
            fit = rhaz_cox_fit(&cd, &co, &err);
        }
        rhaz_design *x = fit ? rhaz_design_build_newdata(d, nd, &err) : NULL;
        T_CHECK(x != NULL, "new data: %s", err.msg);
        if (x) {
            double pr[16], se[16], wf[16], ws[16];
            size_t nr = ref_values(ref, m[k].name, "link", wf, ws);
            T_EQ_INT(nr, x->n, "reference rows");
            T_CHECK(rhaz_cox_predict(fit, x, RHAZ_SCALE_LINK, pr, se, &err) == 0,
                    "predict: %s", err.msg);
            check("lp", pr, wf, nr, TOL_COX, &mx_fit);
            check("se(lp)", se, ws, nr, TOL_COX, &mx_se);
            double rf[16], rs[16];
            ref_values(ref, m[k].name, "response", rf, rs);
            T_CHECK(rhaz_cox_predict(fit, x, RHAZ_SCALE_RESPONSE, pr, se, &err) == 0,
                    "predict risk: %s", err.msg);
            check("risk", pr, rf, nr, TOL_COX, &mx_fit);
            /* R's type = "risk" se is se(lp) sqrt(risk); ours risk se(lp) */
            for (size_t i = 0; i < nr; i++)
                rs[i] = rs[i] / sqrt(rf[i]) * rf[i];
            check("se(risk), delta method", se, rs, nr, TOL_COX, &mx_se);
        }
        rhaz_design_free(x);
        rhaz_cox_free(fit);
        rhaz_design_free(d);
        rhaz_formula_free(f);
    }
    rhaz_table_free(lung);
    rhaz_table_free(nd);
}

/* R's values of (case, what, set) of cox_centre_ref_values.csv, in order */
static size_t centre_ref(const rhaz_table *ref, const char *cs, const char *what,
                         const char *set, double *out, size_t cap)
{
    size_t n = 0;
    long jc = rhaz_table_find(ref, "case"), jw = rhaz_table_find(ref, "what"),
         js = rhaz_table_find(ref, "set"), jv = rhaz_table_find(ref, "value");
    for (size_t i = 0; i < rhaz_table_nrow(ref); i++)
        if (strcmp(rhaz_table_str(ref, (size_t)jc, i), cs) == 0 &&
            strcmp(rhaz_table_str(ref, (size_t)jw, i), what) == 0 &&
            strcmp(rhaz_table_str(ref, (size_t)js, i), set) == 0 && n < cap)
            out[n++] = rhaz_table_num(ref, (size_t)jv)[i];
    return n;
}

/* The centring of Cox predictions against survival 3.5-3
 * (cox_centre_ref.R): fit$means (0 for a column of -1/0/1 values: factor
 * indicators, a 0/1 number, a -1/1 column; the case-weighted mean for
 * right-censored data; the plain mean for (start, stop] data) and
 * predict.coxph(type = "lp" / "risk", reference = "sample") on the
 * fitting rows and on new rows.  Centring on the plain column means
 * (the old margins convention) misses R by exp(oecd's mean * b) etc. */
static double mx_centre;
static void test_cox_centre(const rhaz_table *data)
{
    static const struct {
        const char *name, *formula, *weights;
    } m[] = {
        {"counting", "Surv(t - 1, t, y) ~ dem + mig + oecd + factor(region)", NULL},
        {"rc_weighted", "Surv(t, y) ~ dem + oecd + factor(region)", "w"},
        {"rc_strata", "Surv(t, y) ~ dem + I(2 * oecd - 1) + factor(region) + "
                      "strata(regime)", NULL},
    };
    rhaz_error err;
    rhaz_table *ref = rhaz_table_read("tests/reference/cox_centre_ref_values.csv",
                                      NULL, &err);
    rhaz_table *nd = rhaz_table_read("tests/reference/cox_centre_newdata.csv",
                                     NULL, &err);
    T_CHECK(ref && nd, "cox centre inputs: %s", err.msg);
    enum { CAP = 1024 };
    double *want = malloc(CAP * sizeof *want), *pr = malloc(CAP * sizeof *pr);
    for (size_t k = 0; ref && nd && want && pr && k < sizeof m / sizeof m[0]; k++) {
        T_SECTION(m[k].name);
        rhaz_formula *f = rhaz_formula_parse(m[k].formula, &err);
        rhaz_design_options o = {.drop_intercept = 1, .weights = m[k].weights};
        rhaz_design *d = f ? rhaz_design_build(f, data, &o, &err) : NULL;
        rhaz_cox *fit = NULL;
        if (d) {
            rhaz_cox_data cd;
            rhaz_cox_data_from_design(&cd, d);
            rhaz_cox_options co;
            rhaz_cox_options_default(&co);
            fit = rhaz_cox_fit(&cd, &co, &err);
        }
        const rhaz_cox_result *r = fit ? rhaz_cox_result_get(fit) : NULL;
        T_CHECK(r != NULL, "fit: %s", err.msg);
        if (!r)
            goto next;
        size_t nm = centre_ref(ref, m[k].name, "mean", "fit", want, CAP);
        T_EQ_INT(nm, r->p, "fit$means entries");
        for (size_t j = 0; j < nm && j < r->p; j++) {
            T_ABS(r->means[j], want[j], 1e-15 * (1 + fabs(want[j])), "fit$means");
            mx_centre = fmax(mx_centre, reldiff(r->means[j], want[j]));
        }
        size_t nl = centre_ref(ref, m[k].name, "lp", "data", want, CAP);
        T_EQ_INT(nl, r->n, "fitting rows");
        if (nl == r->n) /* the fit's own linear predictors */
            check("linear_predictors", r->linear_predictors, want, nl, TOL_COX, &mx_centre);
        /* rhaz_cox_predict on the fitting rows coded again, and on new rows */
        static const char *const sets[] = {"data", "new"};
        for (int s = 0; s < 2; s++) {
            rhaz_design *x = rhaz_design_build_newdata(d, s ? nd : data, &err);
            T_CHECK(x != NULL, "%s rows: %s", sets[s], err.msg);
            if (!x)
                continue;
            static const char *const what[] = {"lp", "risk"};
            for (int q = 0; q < 2; q++) {
                size_t nw = centre_ref(ref, m[k].name, what[q], sets[s], want, CAP);
                T_CHECK(x->n <= CAP && rhaz_cox_predict(fit, x, q ? RHAZ_SCALE_RESPONSE
                                                                 : RHAZ_SCALE_LINK,
                                                        pr, NULL, &err) == RHAZ_OK,
                        "predict %s: %s", what[q], err.msg);
                size_t np = x->n;
                if (!s) { /* the fit's rows (new rows need no stratum) */
                    size_t u = 0, v = 0;
                    for (size_t i = 0; i < x->n && x->n <= CAP; i++) {
                        while (v < d->n && d->rows[v] < x->rows[i])
                            v++;
                        if (v < d->n && d->rows[v] == x->rows[i])
                            pr[u++] = pr[i];
                    }
                    np = u;
                }
                T_EQ_INT(np, nw, "rows predicted");
                if (nw == np) {
                    char name[64];
                    snprintf(name, sizeof name, "%s (%s)", what[q], sets[s]);
                    check(name, pr, want, nw, TOL_COX, &mx_centre);
                }
            }
            rhaz_design_free(x);
        }
    next:
        rhaz_cox_free(fit);
        rhaz_design_free(d);
        rhaz_formula_free(f);
    }
    free(want);
    free(pr);
    rhaz_table_free(ref);
    rhaz_table_free(nd);
}

/* Fitted values and residuals of the GLM fit object against R's
 * fitted(), linear.predictors and residuals.glm (glm_resid_ref.R). */
static double mx_res;
static void test_glm_resid(const rhaz_table *data)
{
    static const struct {
        const char *name, *formula, *weights;
        rhaz_link link;
    } m[] = {
        {"logit", "y ~ dem + factor(region) + log(mig) + ns(t, 3) + dem:oecd",
         NULL, RHAZ_LINK_LOGIT},
        {"cloglog", "y ~ dem * oecd + log(mig) + regime + I(t^2)", NULL,
         RHAZ_LINK_CLOGLOG},
        {"logit_w", "y ~ dem + oecd + log(mig) + t", "w", RHAZ_LINK_LOGIT},
    };
    static const char *const cols[] = {"response", "working", "deviance", "pearson"};
    rhaz_error err;
    rhaz_table *ref = rhaz_table_read("tests/reference/glm_resid_values.csv", NULL, &err);
    T_CHECK(ref != NULL, "residual reference: %s", err.msg);
    if (!ref)
        return;
    long jm = rhaz_table_find(ref, "model"), jr = rhaz_table_find(ref, "row");
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        char sec[64];
        snprintf(sec, sizeof sec, "residuals %s", m[k].name);
        T_SECTION(sec);
        rhaz_formula *f = rhaz_formula_parse(m[k].formula, &err);
        rhaz_design_options dopt = {.weights = m[k].weights};
        rhaz_design *d = f ? rhaz_design_build(f, data, &dopt, &err) : NULL;
        rhaz_glm_options o = {.link = m[k].link};
        rhaz_glm *g = d ? rhaz_glm_fit_model(d, &o, &err) : NULL;
        T_CHECK(g != NULL, "fit: %s", err.msg);
        if (!g)
            goto next;
        size_t n = rhaz_glm_nobs(g);
        T_EQ_INT(n, d->n, "one fitted value per design row");
        double *res[4];
        for (int t = 0; t < 4; t++) {
            res[t] = malloc(n * sizeof *res[t]);
            T_EQ_INT(rhaz_glm_resid_type_of(cols[t]), t, "type by name");
            T_CHECK(rhaz_glm_residuals(g, (rhaz_glm_resid_type)t, res[t], &err) == 0,
                    "residuals %s: %s", cols[t], err.msg);
        }
        size_t seen = 0;
        for (size_t i = 0; i < rhaz_table_nrow(ref); i++) {
            if (strcmp(rhaz_table_str(ref, (size_t)jm, i), m[k].name) != 0)
                continue;
            size_t row = (size_t)rhaz_table_num(ref, (size_t)jr)[i] - 1, a = 0;
            while (a < n && d->rows[a] != row)
                a++;
            T_CHECK(a < n, "R's row %zu is a fitting row", row + 1);
            if (a == n)
                continue;
            seen++;
            double got[6] = {rhaz_glm_linear_predictor(g)[a], rhaz_glm_fitted(g)[a],
                             res[0][a], res[1][a], res[2][a], res[3][a]};
            static const char *const want[] = {"eta", "fitted", "response",
                                               "working", "deviance", "pearson"};
            for (int c = 0; c < 6; c++) {
                double w = rhaz_table_num(ref, (size_t)rhaz_table_find(ref, want[c]))[i];
                char name[96];
                snprintf(name, sizeof name, "%s row %zu", want[c], row + 1);
                T_REL(got[c], w, TOL_GLM, name);
                if (reldiff(got[c], w) > mx_res)
                    mx_res = reldiff(got[c], w);
            }
        }
        T_CHECK(seen > 100, "%zu reference rows compared", seen);
        T_CHECK(rhaz_glm_residuals(g, (rhaz_glm_resid_type)9, res[0], &err) ==
                        RHAZ_EINVAL && strstr(err.msg, "unknown type"),
                "unknown residual type refused: %s", err.msg);
        for (int t = 0; t < 4; t++)
            free(res[t]);
    next:
        rhaz_glm_free(g);
        rhaz_design_free(d);
        rhaz_formula_free(f);
    }
    rhaz_table_free(ref);
    /* Firth (profiles and the null fit reuse the workspace): the fitted
     * values are those of the estimate, h(x'b) on the fitting rows */
    T_SECTION("residuals firth");
    rhaz_formula *f = rhaz_formula_parse("y ~ dem + oecd + log(mig)", &err);
    rhaz_design *d = f ? rhaz_design_build(f, data, NULL, &err) : NULL;
    rhaz_glm_options o = {.firth = 1};
    rhaz_glm *g = d ? rhaz_glm_fit_model(d, &o, &err) : NULL;
    double *pr = d ? malloc(d->n * sizeof *pr) : NULL;
    T_CHECK(g && pr && rhaz_glm_predict(g, d, RHAZ_SCALE_RESPONSE, pr, NULL, &err) == 0,
            "firth fit and predict: %s", err.msg);
    if (g && pr) {
        double mx = 0;
        for (size_t i = 0; i < d->n; i++)
            mx = fmax(mx, reldiff(rhaz_glm_fitted(g)[i], pr[i]));
        T_CHECK(mx < 1e-12, "firth fitted = h(x'b): %.2g", mx);
    }
    free(pr);
    rhaz_glm_free(g);
    rhaz_design_free(d);
    rhaz_formula_free(f);
}

/* New rows coded by the fitted design: unknown levels, a spec rebuilt
 * from its parts, a column whose type changed. */
static void test_newdata(const rhaz_table *data)
{
    T_SECTION("newdata");
    rhaz_error err;
    rhaz_formula *f = rhaz_formula_parse("y ~ factor(region) + ns(t, 3) + regime", &err);
    rhaz_design *d = rhaz_design_build(f, data, NULL, &err);
    T_CHECK(d != NULL, "design: %s", err.msg);
    const char *csv = "region,t,regime\nMars,3,mixed\n";
    rhaz_table *bad = rhaz_table_read_mem(csv, strlen(csv), "bad.csv", NULL, &err);
    rhaz_design *x = rhaz_design_build_newdata(d, bad, &err);
    T_CHECK(!x && strstr(err.msg, "'Mars' is not a level") &&
                strcmp(err.file, "bad.csv") == 0 && err.line == 2,
            "unknown level named with its line: %s", err.msg);
    rhaz_design_free(x);
    rhaz_table_free(bad);
    /* the spec through its parts (as a fit's JSON carries it) */
    const rhaz_design_spec *s = rhaz_design_spec_of(d);
    size_t nv = rhaz_design_spec_nvars(s);
    rhaz_design_var v[8];
    for (size_t k = 0; k < nv && k < 8; k++)
        rhaz_design_spec_var(s, k, &v[k]);
    T_EQ_INT(nv, 3, "variables");
    T_EQ_INT(v[1].kind, RHAZ_DVAR_NS, "ns kind");
    T_EQ_INT(v[1].nknots, 4, "ns(t, 3): 4 knots");
    T_EQ_INT(v[2].kind, RHAZ_DVAR_FACTOR, "text column is a factor");
    rhaz_design_spec *s2 = rhaz_design_spec_make(rhaz_design_spec_formula(s), 0,
                                                 nv, v, &err);
    rhaz_design *y = s2 ? rhaz_design_spec_build(s2, data, &err) : NULL;
    T_CHECK(y && y->n == d->n && y->p == d->p &&
                memcmp(y->X, d->X, d->n * d->p * sizeof *d->X) == 0,
            "rebuilt spec codes the same matrix: %s", err.msg);
    rhaz_design_free(y);
    /* a spec missing a factor's levels is refused, naming it */
    v[0].nlevels = 0;
    rhaz_design_spec *s3 = rhaz_design_spec_make(rhaz_design_spec_formula(s), 0,
                                                 nv, v, &err);
    T_CHECK(!s3 && strstr(err.msg, "factor(region)"), "levels required: %s", err.msg);
    rhaz_design_spec_free(s3);
    rhaz_design_spec_free(s2);
    rhaz_design_free(d);
    rhaz_formula_free(f);
}

int main(void)
{
    rhaz_error err;
    rhaz_table *data = rhaz_table_read("tests/fixtures/glm_panel.csv", NULL, &err);
    rhaz_table *nd = rhaz_table_read("tests/reference/predict_newdata_glm.csv",
                                     NULL, &err);
    rhaz_table *ref = rhaz_table_read("tests/reference/predict_ref_values.csv",
                                      NULL, &err);
    T_CHECK(data && nd && ref, "inputs: %s", err.msg);
    if (data && nd && ref) {
        test_glm(data, nd, ref);
        test_cox(ref);
        test_newdata(data);
        test_glm_resid(data);
        test_cox_centre(data);
    }
    printf("largest relative difference from R: fit %.2g, se %.2g, glm fitted "
           "values and residuals %.2g, Cox centring (fit$means, lp, risk) %.2g\n",
           mx_fit, mx_se, mx_res, mx_centre);
    rhaz_table_free(data);
    rhaz_table_free(nd);
    rhaz_table_free(ref);
    return t_summary();
}
