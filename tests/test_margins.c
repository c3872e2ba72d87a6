/* test_margins.c -- average marginal effects, predictive margins and
 * first differences against an independent delta-method computation in R
 * (tests/reference/margins_ref.R: predict() on shifted data, numerical
 * Jacobian in beta, model and sandwich::vcovCL variances), through a fit
 * read back from its JSON, and the errors of bad requests. */
#include "harness.h"
#include "rhaz.h"
#include "roundtrip.h"

/* achieved: ~1e-9 relative (R's side is a numerical Jacobian of numerical
 * derivatives; printed at the end) */
#define TOL 1e-8

static double mx_est, mx_se;

static double reldiff(double got, double want)
{
    double s = fabs(want) > 1e-300 ? fabs(want) : 1.0;
    return fabs(got - want) / s;
}

/* The fit of formula on data as `rhaz fit --format json` writes it, read
 * back (so margins use the design as the JSON carries it). */
static rhaz_fit_summary *fit_json_w(const rhaz_table *data, const char *formula,
                                    rhaz_link link, int cluster, const char *weights)
{
    rhaz_error err;
    rhaz_formula *f = rhaz_formula_parse(formula, &err);
    rhaz_design_options o = {.cluster = cluster ? "state" : NULL, .weights = weights};
    rhaz_design *d = f ? rhaz_design_build(f, data, &o, &err) : NULL;
    rhaz_glm_options go = {.link = link};
    if (cluster) {
        go.vce = RHAZ_VCE_CLUSTER;
        go.vce_adj = RHAZ_ADJ_G;
    }
    rhaz_fit_summary *s = d ? rhaz_glm_fit(d, &go, &err) : NULL;
    rhaz_fit_summary *back = NULL;
    if (s) {
        s->design = rhaz_design_spec_copy(rhaz_design_spec_of(d));
        s->weights = weights ? strdup(weights) : NULL;
        free(s->formula);
        s->formula = strdup(formula);
        back = t_json_roundtrip(s, &err);
    }
    T_CHECK(back && back->design, "fit and its JSON (%s): %s", formula, err.msg);
    rhaz_fit_summary_free(s);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    return back;
}

static rhaz_fit_summary *fit_json(const rhaz_table *data, const char *formula,
                                  rhaz_link link, int cluster)
{
    return fit_json_w(data, formula, link, cluster, NULL);
}

/* A Cox (Efron) fit of formula on data (case weights: column weights, or
 * NULL) read back from its JSON. */
static rhaz_fit_summary *cox_json_w(const rhaz_table *data, const char *formula,
                                    const char *weights)
{
    rhaz_error err;
    rhaz_formula *f = rhaz_formula_parse(formula, &err);
    rhaz_design_options o = {.drop_intercept = 1, .weights = weights};
    rhaz_design *d = f ? rhaz_design_build(f, data, &o, &err) : NULL;
    rhaz_cox *cx = NULL;
    rhaz_fit_summary *s = NULL, *back = NULL;
    if (d) {
        rhaz_cox_data cd;
        rhaz_cox_data_from_design(&cd, d);
        rhaz_cox_options co;
        rhaz_cox_options_default(&co);
        cx = rhaz_cox_fit(&cd, &co, &err);
    }
    if (cx)
        s = rhaz_cox_summary(cx, (const char *const *)d->colnames, formula, 0.95, &err);
    if (s) {
        s->design = rhaz_design_spec_copy(rhaz_design_spec_of(d));
        s->weights = weights ? strdup(weights) : NULL;
        back = t_json_roundtrip(s, &err);
    }
    T_CHECK(back && back->design, "Cox fit and its JSON (%s): %s", formula, err.msg);
    rhaz_fit_summary_free(s);
    rhaz_cox_free(cx);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    return back;
}

static rhaz_fit_summary *cox_json(const rhaz_table *data, const char *formula)
{
    return cox_json_w(data, formula, NULL);
}

static void compare(const rhaz_table *ref, const char *cs, const rhaz_margins *m)
{
    T_SECTION(cs);
    long jc = rhaz_table_find(ref, "case"), jt = rhaz_table_find(ref, "term"),
         jy = rhaz_table_find(ref, "type"), ja = rhaz_table_find(ref, "at"),
         je = rhaz_table_find(ref, "estimate"), js = rhaz_table_find(ref, "std_error");
    size_t seen = 0;
    for (size_t i = 0; i < rhaz_table_nrow(ref); i++) {
        if (strcmp(rhaz_table_str(ref, (size_t)jc, i), cs) != 0)
            continue;
        const char *term = rhaz_table_str(ref, (size_t)jt, i);
        const char *type = rhaz_table_str(ref, (size_t)jy, i);
        const char *at = rhaz_table_str(ref, (size_t)ja, i);
        at = at ? at : "";
        const rhaz_margin *r = NULL;
        for (size_t k = 0; m && k < m->n && !r; k++)
            if (strcmp(m->m[k].term, term) == 0 && strcmp(m->m[k].type, type) == 0 &&
                strcmp(m->m[k].at, at) == 0)
                r = &m->m[k];
        T_CHECK(r != NULL, "row %s %s [%s] present", term, type, at);
        if (!r)
            continue;
        seen++;
        double we = rhaz_table_num(ref, (size_t)je)[i], ws = rhaz_table_num(ref, (size_t)js)[i];
        char name[256];
        snprintf(name, sizeof name, "%s %s [%s] estimate", term, type, at);
        T_REL(r->estimate, we, TOL, name);
        snprintf(name, sizeof name, "%s %s [%s] std_error", term, type, at);
        T_REL(r->std_error, ws, TOL, name);
        mx_est = fmax(mx_est, reldiff(r->estimate, we));
        mx_se = fmax(mx_se, reldiff(r->std_error, ws));
        /* z, p and limits follow from estimate and SE */
        T_REL(r->statistic, r->estimate / r->std_error, 1e-14, "z");
        T_REL(r->conf_high - r->conf_low, 2 * 1.959963984540054 * r->std_error,
              1e-12, "95% limits");
    }
    T_CHECK(m && seen == m->n, "%s: every row compared (%zu of %zu)", cs, seen,
            m ? m->n : 0);
}

/* The text table never cuts a term or a setting: a first difference of a
 * long source-named variable keeps both of its ends. */
static void long_terms_text(void)
{
    char term[160], at[120];
    snprintf(term, sizeof term, "%s=7 - %s=-7",
             "democracy_polity2_lagged_two_years_long_name",
             "democracy_polity2_lagged_two_years_long_name");
    snprintf(at, sizeof at, "region=%s", "Latin America and the Caribbean, by income group");
    rhaz_margin r = {.term = term, .type = "difference", .at = at, .estimate = 0.1,
                     .std_error = 0.01, .statistic = 10, .p_value = 1e-3,
                     .conf_low = 0.08, .conf_high = 0.12};
    rhaz_margins m = {.n = 1, .m = &r, .model = "logit", .vce = "model",
                      .scale = "probability", .n_obs = 10, .conf_level = 0.95};
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    rhaz_error err;
    T_CHECK(fp && rhaz_margins_write(fp, &m, RHAZ_SUMMARY_TEXT, &err) == RHAZ_OK,
            "text margins written");
    if (fp)
        fclose(fp);
    T_CHECK(buf && strstr(buf, term), "long term printed whole (%zu chars)", strlen(term));
    T_CHECK(buf && strstr(buf, at), "long setting printed whole (%zu chars)", strlen(at));
    free(buf);
}

/* Bitwise equality of two margins tables. */
static int same_margins(const rhaz_margins *a, const rhaz_margins *b)
{
    if (!a || !b || a->n != b->n)
        return 0;
    for (size_t k = 0; k < a->n; k++)
        if (memcmp(&a->m[k].estimate, &b->m[k].estimate, sizeof(double)) ||
            memcmp(&a->m[k].std_error, &b->m[k].std_error, sizeof(double)) ||
            strcmp(a->m[k].term, b->m[k].term) || strcmp(a->m[k].at, b->m[k].at))
            return 0;
    return 1;
}

/* The sums over rows run by blocks of 16384 rows on opt.threads threads:
 * the same numbers bit for bit with 1 and 2 threads, on the panel 41
 * times over (33,866 rows: three blocks, the last partial), for every
 * way of forming a counterfactual (exact linear derivatives, numerical
 * ones through log(), ns() and an interaction, factor levels set as
 * columns and by coding the rows again, --at, --by groups, Cox). */
static void same_threads(const rhaz_table *data)
{
    T_SECTION("threads: identical results");
    rhaz_error err;
    (void)data;
    char *csv = t_slurp("tests/fixtures/glm_panel.csv");
    T_CHECK(csv != NULL, "panel text");
    if (!csv)
        return;
    char *body = strchr(csv, '\n') + 1;
    size_t hl = (size_t)(body - csv), bl = strlen(body), reps = 41;
    char *big = malloc(hl + reps * bl + 1);
    memcpy(big, csv, hl);
    for (size_t r = 0; r < reps; r++)
        memcpy(big + hl + r * bl, body, bl);
    big[hl + reps * bl] = 0;
    rhaz_table *t = rhaz_table_read_mem(big, strlen(big), "big.csv", NULL, &err);
    T_CHECK(t && rhaz_table_nrow(t) > 2 * 16384, "panel x %zu: %zu rows", reps,
            t ? rhaz_table_nrow(t) : 0);
    const char *f1 = "y ~ dem + factor(region) + log(mig) + ns(t, 3) + dem:oecd";
    const char *f3 = "y ~ dem + mig + oecd + factor(region) + t";
    rhaz_fit_summary *a = t ? fit_json(t, f1, RHAZ_LINK_LOGIT, 1) : NULL;
    rhaz_fit_summary *b = t ? fit_json(t, f3, RHAZ_LINK_CLOGLOG, 0) : NULL;
    rhaz_fit_summary *x = t ? cox_json(t, "Surv(t - 1, t, y) ~ dem + mig + oecd + factor(region)")
                            : NULL;
    const char *atd[] = {"dem=-2,2"}, *atr[] = {"region=Asia,Europe"};
    struct {
        const rhaz_fit_summary *f;
        rhaz_margins_options o;
        const char *what;
    } cs[] = {
        {a, {.dydx = "all"}, "logit, numerical derivatives and a factor"},
        {a, {.dydx = "mig,region", .by = "region"}, "logit by region"},
        {a, {.at = atd, .n_at = 1}, "logit at dem (rows coded again)"},
        {b, {.dydx = "all", .at = atr, .n_at = 1}, "cloglog linear, at a factor"},
        {b, {.dydx = "dem", .by = "state"}, "cloglog by state"},
        {x, {.dydx = "all", .scale = RHAZ_SCALE_RESPONSE, .scale_set = 1}, "Cox"},
    };
    for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++) {
        if (!cs[k].f)
            continue;
        rhaz_margins_options o = cs[k].o;
        o.threads = 1;
        rhaz_margins *m1 = rhaz_margins_compute(cs[k].f, t, &o, &err);
        o.threads = 2;
        rhaz_margins *m2 = rhaz_margins_compute(cs[k].f, t, &o, &err);
        T_CHECK(m1 && m2 && m1->n > 0 && same_margins(m1, m2),
                "%s: identical with 1 and 2 threads (%zu rows of margins)", cs[k].what,
                m1 ? m1->n : 0);
        rhaz_margins_free(m1);
        rhaz_margins_free(m2);
    }
    rhaz_fit_summary_free(a);
    rhaz_fit_summary_free(b);
    rhaz_fit_summary_free(x);
    rhaz_table_free(t);
    free(big);
    free(csv);
}

int main(void)
{
    rhaz_error err;
    rhaz_table *data = rhaz_table_read("tests/fixtures/glm_panel.csv", NULL, &err);
    rhaz_table *ref = rhaz_table_read("tests/reference/margins_ref_values.csv",
                                      NULL, &err);
    T_CHECK(data && ref, "inputs: %s", err.msg);
    if (!data || !ref)
        return t_summary();
    const char *f1 = "y ~ dem + factor(region) + log(mig) + ns(t, 3) + dem:oecd";
    const char *f2 = "y ~ dem * oecd + log(mig) + regime + I(t^2)";
    rhaz_fit_summary *lm = fit_json(data, f1, RHAZ_LINK_LOGIT, 0);
    rhaz_fit_summary *lc = fit_json(data, f1, RHAZ_LINK_LOGIT, 1);
    rhaz_fit_summary *cc = fit_json(data, f2, RHAZ_LINK_CLOGLOG, 1);
    if (lm && lc && cc) {
        rhaz_margins_options o = {.dydx = "all"};
        rhaz_margins *m = rhaz_margins_compute(lm, data, &o, &err);
        T_CHECK(m, "logit dydx: %s", err.msg);
        compare(ref, "logit_model", m);
        rhaz_margins_free(m);
        m = rhaz_margins_compute(lc, data, &o, &err);
        compare(ref, "logit_cluster", m);
        T_CHECK(m && strstr(m->vce, "cluster"), "the fit's variance is named: %s",
                m ? m->vce : "");
        rhaz_margins_free(m);
        m = rhaz_margins_compute(cc, data, &o, &err);
        compare(ref, "cloglog_cluster", m);
        rhaz_margins_free(m);
        const char *at[] = {"dem=-2,0,2"};
        rhaz_margins_options oa = {.at = at, .n_at = 1};
        m = rhaz_margins_compute(lm, data, &oa, &err);
        compare(ref, "logit_at", m);
        rhaz_margins_free(m);
        rhaz_margins_options ob = {.dydx = "mig", .by = "region"};
        m = rhaz_margins_compute(lm, data, &ob, &err);
        compare(ref, "logit_by", m);
        rhaz_margins_free(m);

        /* main effects only: exact derivatives and settings of the
         * columns without coding the rows again (logit, cloglog, Cox) */
        const char *f3 = "y ~ dem + mig + oecd + factor(region) + t";
        rhaz_fit_summary *l3 = fit_json(data, f3, RHAZ_LINK_LOGIT, 1);
        rhaz_fit_summary *c3 = fit_json(data, f3, RHAZ_LINK_CLOGLOG, 0);
        rhaz_fit_summary *x5 = cox_json(data, "Surv(t - 1, t, y) ~ dem + mig + oecd + factor(region)");
        if (l3 && c3 && x5) {
            rhaz_margins_options ol = {.dydx = "all"};
            m = rhaz_margins_compute(l3, data, &ol, &err);
            compare(ref, "logit_linear", m);
            rhaz_margins_free(m);
            const char *at3[] = {"dem=-2,2"}, *atf[] = {"region=Asia,Europe"};
            rhaz_margins_options oat = {.at = at3, .n_at = 1};
            m = rhaz_margins_compute(l3, data, &oat, &err);
            compare(ref, "logit_linear_at", m);
            rhaz_margins_free(m);
            rhaz_margins_options oaf = {.at = atf, .n_at = 1};
            m = rhaz_margins_compute(l3, data, &oaf, &err);
            compare(ref, "logit_linear_atf", m);
            rhaz_margins_free(m);
            rhaz_margins_options oby = {.dydx = "mig", .by = "region"};
            m = rhaz_margins_compute(c3, data, &oby, &err);
            compare(ref, "cloglog_linear_by", m);
            rhaz_margins_free(m);
            rhaz_margins_options ox = {.dydx = "all", .scale = RHAZ_SCALE_RESPONSE,
                                       .scale_set = 1};
            m = rhaz_margins_compute(x5, data, &ox, &err);
            compare(ref, "cox_response", m);
            rhaz_margins_free(m);
            rhaz_margins_options oxa = {.at = at3, .n_at = 1, .scale = RHAZ_SCALE_RESPONSE,
                                        .scale_set = 1};
            m = rhaz_margins_compute(x5, data, &oxa, &err);
            compare(ref, "cox_response_at", m);
            rhaz_margins_free(m);
            /* right-censored, case weights, averages without them: the
             * centre is R's fit$means (weighted mean of dem; 0 for oecd
             * and the region indicators) */
            rhaz_fit_summary *x6 = cox_json_w(data, "Surv(t, y) ~ dem + oecd + factor(region)", "w");
            const char *ato[] = {"oecd=0,1"};
            rhaz_margins_options ow = {.at = ato, .n_at = 1, .scale = RHAZ_SCALE_RESPONSE,
                                       .scale_set = 1, .unweighted = 1};
            m = x6 ? rhaz_margins_compute(x6, data, &ow, &err) : NULL;
            compare(ref, "cox_weighted_response_at", m);
            rhaz_margins_free(m);
            rhaz_fit_summary_free(x6);
        }
        rhaz_fit_summary_free(l3);
        rhaz_fit_summary_free(c3);
        rhaz_fit_summary_free(x5);
        same_threads(data);

        T_SECTION("atmeans");
        /* one row: the prediction there and its delta-method SE equal
         * rhaz_fit_predict's on that row */
        rhaz_margins_options om = {.atmeans = 1};
        m = rhaz_margins_compute(lm, data, &om, &err);
        T_CHECK(m && m->n == 1 && strcmp(m->m[0].type, "margin") == 0,
                "atmeans: one margin: %s", err.msg);
        if (m && m->n == 1) {
            /* numbers at their means over the rows used, region at its mode
             * (Asia: 181 of 826 rows) */
            rhaz_design *dd = rhaz_design_spec_build(lm->design, data, &err);
            double mu[4] = {0};
            const char *cols[] = {"dem", "mig", "t", "oecd"};
            for (size_t c = 0; c < 4; c++) {
                const double *x = rhaz_table_num(data, (size_t)rhaz_table_find(data, cols[c]));
                for (size_t i = 0; i < dd->n; i++)
                    mu[c] += x[dd->rows[i]] / (double)dd->n;
            }
            char csv[512];
            snprintf(csv, sizeof csv, "dem,mig,t,oecd,region\n%.17g,%.17g,%.17g,%.17g,Asia\n",
                     mu[0], mu[1], mu[2], mu[3]);
            rhaz_table *one = rhaz_table_read_mem(csv, strlen(csv), "one", NULL, &err);
            rhaz_design *x1 = rhaz_design_spec_build(lm->design, one, &err);
            double pr, se;
            T_CHECK(x1 && rhaz_fit_predict(lm, x1, RHAZ_SCALE_RESPONSE, NULL, &pr, &se,
                                           &err) == 0, "predict at means: %s", err.msg);
            T_REL(m->m[0].estimate, pr, 1e-12, "atmeans margin = prediction at the means");
            T_REL(m->m[0].std_error, se, 1e-10, "atmeans SE = predict SE");
            rhaz_design_free(x1);
            rhaz_table_free(one);
            rhaz_design_free(dd);
        }
        if (m) { /* the header says at the means, not averaged */
            char *buf = NULL;
            size_t len = 0;
            FILE *fp = open_memstream(&buf, &len);
            T_CHECK(fp && rhaz_margins_write(fp, m, RHAZ_SUMMARY_TEXT, &err) == RHAZ_OK,
                    "atmeans text written");
            if (fp)
                fclose(fp);
            T_CHECK(m->atmeans && buf && strstr(buf, "probability at the means of") &&
                        !strstr(buf, "averaged over"),
                    "atmeans header: %.80s", buf ? buf : "");
            free(buf);
        }
        rhaz_margins_free(m);

        T_SECTION("bad requests");
        rhaz_margins_options bad = {.dydx = "nothing"};
        m = rhaz_margins_compute(lm, data, &bad, &err);
        T_CHECK(!m && err.status == RHAZ_EUSAGE && strstr(err.msg, "dydx nothing") && !strcmp(err.option, "dydx"),
                "unknown --dydx variable: %s", err.msg);
        const char *bat[] = {"region=Mars"};
        rhaz_margins_options ba = {.at = bat, .n_at = 1};
        m = rhaz_margins_compute(lm, data, &ba, &err);
        T_CHECK(!m && strstr(err.msg, "'Mars' is not a level of factor(region)"),
                "--at of an unknown level: %s", err.msg);
        const char *bat2[] = {"dem=abc"};
        rhaz_margins_options ba2 = {.at = bat2, .n_at = 1};
        m = rhaz_margins_compute(lm, data, &ba2, &err);
        T_CHECK(!m && strstr(err.msg, "not a number"), "--at not a number: %s", err.msg);
        rhaz_design_spec *keep = lm->design;
        lm->design = NULL;
        m = rhaz_margins_compute(lm, data, NULL, &err);
        T_CHECK(!m && strstr(err.msg, "no \"design\""), "fit without design: %s", err.msg);
        lm->design = keep;
        const char *csv = "y,dem,region,mig,t\n1,0,Asia,2,3\n";
        rhaz_table *lack = rhaz_table_read_mem(csv, strlen(csv), "lack.csv", NULL, &err);
        m = rhaz_margins_compute(lm, lack, NULL, &err);
        T_CHECK(!m && strstr(err.msg, "no column 'oecd'"), "panel lacking a variable: %s",
                err.msg);
        rhaz_table_free(lack);
    }
    /* the command line: JSON as the issue specifies, then a table column */
    T_SECTION("cli");
    char path[128], cmd[1024], *out = NULL, *er = NULL;
    snprintf(path, sizeof path, "/tmp/rhaz-test-margins.%d.json", (int)getpid());
    snprintf(cmd, sizeof cmd,
             "margins --fit tests/bad/margins-fit.json --data tests/fixtures/glm_panel.csv "
             "--dydx dem,region --format json --out %s", path);
    T_EQ_INT(t_run(cmd, &out, &er), 0, "rhaz margins --format json");
    free(out), free(er);
    char *js = t_slurp(path);
    T_CHECK(js && strstr(js, "\"margins\"") && strstr(js, "\"term\": \"region:Asia\"") &&
                strstr(js, "\"type\": \"dydx\"") && strstr(js, "\"at\"") &&
                strstr(js, "\"std_error\"") && strstr(js, "\"statistic\"") &&
                strstr(js, "\"p_value\"") && strstr(js, "\"conf_low\"") &&
                strstr(js, "\"conf_high\"") && strstr(js, "\"vce\""),
            "JSON members: %.200s", js ? js : "");
    free(js);
    snprintf(cmd, sizeof cmd, "table --margins %s --format csv", path);
    T_EQ_INT(t_run(cmd, &out, &er), 0, "rhaz table --margins");
    T_CHECK(out && strstr(out, "region:Asia") && strstr(out, "dem"),
            "margins as a table column: %.200s", out ? out : "");
    free(out), free(er);
    snprintf(cmd, sizeof cmd, "table --margins %s --exp", path);
    T_EQ_INT(t_run(cmd, &out, &er), 2, "--exp refused with margins");
    free(out), free(er);
    remove(path);
    /* case weights: averages weighted by the fit's weights (Stata margins
     * after a weighted fit, marginaleffects wts), against
     * tests/reference/margins_weighted_ref.R */
    T_SECTION("weighted");
    {
        rhaz_table *wref = rhaz_table_read("tests/reference/margins_weighted_ref_values.csv",
                                           NULL, &err);
        const char *fw = "y ~ dem + factor(region) + log(mig) + dem:oecd";
        rhaz_fit_summary *wm = fit_json_w(data, fw, RHAZ_LINK_LOGIT, 0, "w");
        rhaz_fit_summary *wc = fit_json_w(data, fw, RHAZ_LINK_LOGIT, 1, "w");
        T_CHECK(wref && wm && wc && wm->weights && strcmp(wm->weights, "w") == 0,
                "weighted fits and reference (the JSON keeps \"weights\"): %s", err.msg);
        const char *atw[] = {"dem=-2,2"};
        for (int k = 0; wref && wm && wc && k < 2; k++) {
            const rhaz_fit_summary *f = k ? wc : wm;
            const char *cs = k ? "weighted_cluster" : "weighted_model";
            rhaz_margins_options o = {.dydx = "dem,mig,oecd,region"};
            rhaz_margins *m = rhaz_margins_compute(f, data, &o, &err);
            rhaz_margins_options oa = {.at = atw, .n_at = 1};
            rhaz_margins *ma = rhaz_margins_compute(f, data, &oa, &err);
            T_CHECK(m && ma && m->weights && strcmp(m->weights, "w") == 0,
                    "weighted margins: %s", err.msg);
            /* one table of both (compare wants every row of the case) */
            rhaz_margins both = {0};
            if (m && ma) {
                both = *m;
                both.n = m->n + ma->n - 1; /* the 2 margins, not the difference */
                both.m = calloc(both.n, sizeof *both.m);
                memcpy(both.m, m->m, m->n * sizeof *m->m);
                size_t q = m->n;
                for (size_t r = 0; r < ma->n; r++)
                    if (strcmp(ma->m[r].type, "margin") == 0 && q < both.n)
                        both.m[q++] = ma->m[r];
                compare(wref, cs, &both);
                free(both.m);
            }
            /* --unweighted (unweighted averages) differs */
            rhaz_margins_options ou = {.dydx = "dem", .unweighted = 1};
            rhaz_margins *mu = rhaz_margins_compute(f, data, &ou, &err);
            T_CHECK(mu && m && !mu->weights && fabs(mu->m[0].estimate - m->m[0].estimate) > 1e-6,
                    "unweighted differs");
            rhaz_margins_free(mu);
            rhaz_margins_free(m);
            rhaz_margins_free(ma);
        }
        rhaz_fit_summary_free(wm);
        rhaz_fit_summary_free(wc);
        rhaz_table_free(wref);
    }
    printf("largest relative difference from R: estimate %.2g, std_error %.2g\n",
           mx_est, mx_se);
    rhaz_fit_summary_free(lm);
    rhaz_fit_summary_free(lc);
    rhaz_fit_summary_free(cc);
    rhaz_table_free(data);
    rhaz_table_free(ref);
    long_terms_text();
    return t_summary();
}
