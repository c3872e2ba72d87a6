/* test_glm.c -- logit/cloglog/Firth fits against R (glm, sandwich) and an
 * independent R computation of Firth's estimates (tests/reference/glm_ref.R,
 * firth_ref.R and their committed outputs). */
#include "harness.h"
#include "rhaz.h"

#include <gsl/gsl_linalg.h>

/* Agreement with R achieved: about 1e-12 (estimates, SEs, logliks; the
 * maxima are printed); Firth's fits stop on the step size (1e-10), and
 * logistf's on its own criteria: 1e-10 achieved, TOL_FIRTH. */
#define TOL 1e-10
#define TOL_FIRTH 1e-9

/* largest relative differences seen, per quantity (printed at the end) */
static double mx_est, mx_se, mx_ll, mx_firth_est, mx_firth_ci;

static double reldiff(double got, double want)
{
    double s = fabs(want) > 1e-300 ? fabs(want) : 1.0;
    return fabs(got - want) / s;
}

static const char *str_at(const rhaz_table *t, const char *col, size_t i)
{
    long j = rhaz_table_find(t, col);
    if (j < 0)
        return "";
    const char *s = rhaz_table_str(t, (size_t)j, i);
    return s ? s : "";
}

static double num_at(const rhaz_table *t, const char *col, size_t i)
{
    long j = rhaz_table_find(t, col);
    if (j < 0)
        return NAN;
    const double *x = rhaz_table_num(t, (size_t)j);
    if (x)
        return x[i];
    const char *s = rhaz_table_str(t, (size_t)j, i);
    return s ? strtod(s, NULL) : NAN;
}

static void test_against_r(const rhaz_table *data)
{
    rhaz_error err;
    rhaz_table *mods = rhaz_table_read("tests/reference/glm_ref_models.csv", NULL, &err);
    const char *as_str[] = {"estimate", "std_error", NULL};
    rhaz_csv_options co = {.as_string = as_str};
    rhaz_table *coefs = rhaz_table_read("tests/reference/glm_ref_coef.csv", &co, &err);
    T_CHECK(mods && coefs, "references: %s", err.msg);
    if (!mods || !coefs) {
        rhaz_table_free(mods);
        rhaz_table_free(coefs);
        return;
    }
    static const struct {
        const char *name;
        rhaz_vce vce;
        rhaz_vce_adj adj;
    } vces[] = {{"model", RHAZ_VCE_MODEL, RHAZ_ADJ_NONE},
                {"robust_none", RHAZ_VCE_ROBUST, RHAZ_ADJ_NONE},
                {"cluster_g", RHAZ_VCE_CLUSTER, RHAZ_ADJ_G},
                {"cluster_none", RHAZ_VCE_CLUSTER, RHAZ_ADJ_NONE},
                {"cluster_stata", RHAZ_VCE_CLUSTER, RHAZ_ADJ_STATA}};
    size_t nfits = 0;
    for (size_t m = 0; m < rhaz_table_nrow(mods); m++) {
        int id = (int)num_at(mods, "id", m);
        const char *ftext = str_at(mods, "formula", m);
        const char *w = str_at(mods, "weights", m);
        T_SECTION(ftext);
        rhaz_formula *f = rhaz_formula_parse(ftext, &err);
        /* odd models: indicator blocks left out of X (as the CLI does) */
        rhaz_design_options dopt = {.weights = w[0] ? w : NULL, .cluster = "state",
                                    .sparse_indicators = id % 2};
        rhaz_design *d = f ? rhaz_design_build(f, data, &dopt, &err) : NULL;
        T_CHECK(d != NULL, "design: %s", err.msg);
        if (!d) {
            rhaz_formula_free(f);
            continue;
        }
        int separated = id == 6;
        for (size_t v = 0; v < sizeof vces / sizeof vces[0]; v++) {
            rhaz_glm_options o = {0};
            o.link = strcmp(str_at(mods, "link", m), "cloglog") == 0 ? RHAZ_LINK_CLOGLOG
                                                                    : RHAZ_LINK_LOGIT;
            o.vce = vces[v].vce;
            o.vce_adj = vces[v].adj;
            rhaz_fit_summary *s = rhaz_glm_fit(d, &o, &err);
            T_CHECK(s != NULL, "fit: %s", err.msg);
            if (!s)
                continue;
            nfits++;
            if (v == 0) {
                T_EQ_INT(s->n, num_at(mods, "n", m), "n");
                T_EQ_INT(s->events, num_at(mods, "events", m), "events");
                T_EQ_INT(s->rank, num_at(mods, "rank", m), "rank");
                T_CHECK(s->converged, "converged");
                if (!separated)
                    T_EQ_INT(s->iterations, num_at(mods, "iterations", m), "iterations as R");
                T_REL(s->loglik, num_at(mods, "loglik", m), TOL, "loglik");
                T_REL(s->loglik_null, num_at(mods, "loglik_null", m), TOL, "loglik_null");
                mx_ll = fmax(mx_ll, reldiff(s->loglik, num_at(mods, "loglik", m)));
                mx_ll = fmax(mx_ll, reldiff(s->loglik_null, num_at(mods, "loglik_null", m)));
                if (!w[0])
                    T_REL(s->aic, num_at(mods, "aic", m), TOL, "aic");
                if (separated) {
                    T_EQ_INT(s->stop, RHAZ_STOP_SEPARATION, "separation detected");
                    int named = 0;
                    for (size_t k = 0; k < s->n_warnings; k++)
                        if (strstr(s->warnings[k], "factor(year)2009"))
                            named = 1;
                    T_CHECK(named, "separation names factor(year)2009");
                } else
                    T_EQ_INT(s->stop, RHAZ_STOP_CONVERGED, "no separation");
            }
            size_t seen = 0;
            for (size_t r = 0; r < rhaz_table_nrow(coefs); r++) {
                if ((int)num_at(coefs, "id", r) != id ||
                    strcmp(str_at(coefs, "vce", r), vces[v].name) != 0)
                    continue;
                const char *term = str_at(coefs, "term", r);
                size_t j = seen++;
                if (j >= s->p)
                    break;
                T_EQ_STR(s->coef[j].term, term, "term");
                double be = strtod(str_at(coefs, "estimate", r), NULL);
                double bs = strtod(str_at(coefs, "std_error", r), NULL);
                if (rhaz_table_is_missing(coefs, (size_t)rhaz_table_find(coefs, "estimate"), r)) {
                    T_CHECK(s->coef[j].aliased && isnan(s->coef[j].estimate),
                            "%s aliased as R", term);
                    continue;
                }
                if (separated && bs > 100) /* the diverging coefficient */
                    continue;
                char what[256];
                snprintf(what, sizeof what, "%s %s", vces[v].name, term);
                T_REL(s->coef[j].estimate, be, TOL, what);
                T_REL(s->coef[j].std_error, bs, TOL, what);
                mx_est = fmax(mx_est, reldiff(s->coef[j].estimate, be));
                mx_se = fmax(mx_se, reldiff(s->coef[j].std_error, bs));
            }
            T_EQ_INT(seen, s->p, "number of coefficients");
            rhaz_fit_summary_free(s);
        }
        rhaz_design_free(d);
        rhaz_formula_free(f);
    }
    T_CHECK(nfits >= 30, "fits compared: %zu", nfits);
    rhaz_table_free(mods);
    rhaz_table_free(coefs);
}

/* Firth's modified score X'(w (y - p) + h (1/2 - p)) at the estimates,
 * computed here from scratch (GSL Cholesky for the inverse information). */
static double max_modified_score(const rhaz_design *d, const rhaz_fit_summary *s)
{
    size_t n = d->n, p = d->p;
    gsl_matrix *I = gsl_matrix_calloc(p, p);
    double *pr = malloc(n * sizeof *pr), *W = malloc(n * sizeof *W), maxu = 0;
    for (size_t i = 0; i < n; i++) {
        double eta = 0;
        for (size_t j = 0; j < p; j++)
            eta += d->X[j * n + i] * s->coef[j].estimate;
        pr[i] = 1 / (1 + exp(-eta));
        W[i] = (d->weights ? d->weights[i] : 1) * pr[i] * (1 - pr[i]);
        for (size_t a = 0; a < p; a++)
            for (size_t b = 0; b < p; b++)
                *gsl_matrix_ptr(I, a, b) += W[i] * d->X[a * n + i] * d->X[b * n + i];
    }
    gsl_linalg_cholesky_decomp1(I);
    gsl_linalg_cholesky_invert(I);
    for (size_t j = 0; j < p; j++) {
        double u = 0;
        for (size_t i = 0; i < n; i++) {
            double h = 0;
            for (size_t a = 0; a < p; a++)
                for (size_t b = 0; b < p; b++)
                    h += d->X[a * n + i] * gsl_matrix_get(I, a, b) * d->X[b * n + i];
            h *= W[i];
            u += d->X[j * n + i] * ((d->weights ? d->weights[i] : 1) * (d->y[i] - pr[i]) +
                                    h * (0.5 - pr[i]));
        }
        maxu = fmax(maxu, fabs(u));
    }
    gsl_matrix_free(I);
    free(pr);
    free(W);
    return maxu;
}

static void test_firth(void)
{
    T_SECTION("firth");
    rhaz_error err;
    rhaz_table *data = rhaz_table_read("tests/fixtures/firth_sep.csv", NULL, &err);
    rhaz_table *ref = rhaz_table_read("tests/reference/firth_ref_coef.csv", NULL, &err);
    rhaz_table *refm = rhaz_table_read("tests/reference/firth_ref_models.csv", NULL, &err);
    T_CHECK(data && ref && refm, "firth data: %s", err.msg);
    if (!data || !ref || !refm)
        goto done;
    rhaz_formula *f = rhaz_formula_parse("y ~ x + oecd + g", &err);
    /* plain logit: separation detected and named */
    rhaz_design *d0 = rhaz_design_build(f, data, NULL, &err);
    rhaz_glm_options o = {0};
    rhaz_fit_summary *s0 = d0 ? rhaz_glm_fit(d0, &o, &err) : NULL;
    T_CHECK(s0 && s0->stop == RHAZ_STOP_SEPARATION, "logit: separation detected");
    int named = 0;
    for (size_t k = 0; s0 && k < s0->n_warnings; k++)
        if (strstr(s0->warnings[k], "oecd") && strstr(s0->warnings[k], "option firth"))
            named = 1;
    T_CHECK(named, "separation names oecd and advises Firth's penalty (option firth)");
    rhaz_fit_summary_free(s0);
    rhaz_design_free(d0);
    for (int weighted = 0; weighted < 2; weighted++) {
        rhaz_design_options dopt = {.weights = weighted ? "wt" : NULL};
        rhaz_design *d = rhaz_design_build(f, data, &dopt, &err);
        o.firth = 1;
        rhaz_fit_summary *s = d ? rhaz_glm_fit(d, &o, &err) : NULL;
        T_CHECK(s != NULL, "firth fit: %s", err.msg);
        if (!s) {
            rhaz_design_free(d);
            continue;
        }
        T_CHECK(s->converged, "firth converged");
        double mu = max_modified_score(d, s);
        T_CHECK(mu < 1e-8, "modified score equations hold: max |U*| = %g", mu);
        T_REL(s->loglik, num_at(refm, "loglik", (size_t)weighted), TOL_FIRTH, "penalized loglik");
        T_REL(s->loglik_null, num_at(refm, "loglik_null", (size_t)weighted), TOL_FIRTH,
              "penalized null loglik");
        mx_ll = fmax(mx_ll, reldiff(s->loglik, num_at(refm, "loglik", (size_t)weighted)));
        size_t j = 0;
        for (size_t r = 0; r < rhaz_table_nrow(ref); r++) {
            if ((str_at(ref, "weights", r)[0] != 0) != weighted)
                continue;
            T_EQ_STR(s->coef[j].term, str_at(ref, "term", r), "term");
            static const char *cols[] = {"estimate", "std_error", "conf_low", "conf_high",
                                         "statistic", "p_value"};
            double got[] = {s->coef[j].estimate, s->coef[j].std_error, s->coef[j].conf_low,
                            s->coef[j].conf_high, s->coef[j].statistic, s->coef[j].p_value};
            for (int k = 0; k < 6; k++) {
                double want = num_at(ref, k == 4 ? "chisq" : cols[k], r);
                char what[128];
                snprintf(what, sizeof what, "%s %s%s", s->coef[j].term, cols[k],
                         weighted ? " (weighted)" : "");
                /* chi-square near 0 (p near 1): absolute */
                if (k >= 4 && fabs(want) < 1e-2)
                    T_ABS(got[k], want, 1e-8, what);
                else
                    T_REL(got[k], want, TOL_FIRTH, what);
                if (k == 0)
                    mx_firth_est = fmax(mx_firth_est, reldiff(got[k], want));
                if (k == 2 || k == 3)
                    mx_firth_ci = fmax(mx_firth_ci, reldiff(got[k], want));
            }
            j++;
        }
        T_EQ_INT(j, s->p, "firth terms");
        rhaz_fit_summary_free(s);
        rhaz_design_free(d);
    }
    rhaz_formula_free(f);
done:
    rhaz_table_free(data);
    rhaz_table_free(ref);
    rhaz_table_free(refm);
}

/* The real ICMW panel (rhaz panel --treaty icmw), R glm + sandwich. */
static void test_icmw(void)
{
    T_SECTION("icmw panel");
    rhaz_error err;
    rhaz_table *data = rhaz_table_read("tests/fixtures/icmw_panel.csv", NULL, &err);
    const char *as_str[] = {"estimate", "std_error", "loglik", "loglik_null", NULL};
    rhaz_csv_options co = {.as_string = as_str};
    rhaz_table *ref = rhaz_table_read("tests/reference/glm_icmw_ref.csv", &co, &err);
    T_CHECK(data && ref, "icmw: %s", err.msg);
    if (!data || !ref) {
        rhaz_table_free(data);
        rhaz_table_free(ref);
        return;
    }
    rhaz_formula *f = rhaz_formula_parse("event ~ democracy + regime + log(migrant_share) + "
                                         "oecd + region_density + cubic(duration)", &err);
    rhaz_design_options dopt = {.cluster = "iso3c", .sparse_indicators = 1};
    rhaz_design *d = f ? rhaz_design_build(f, data, &dopt, &err) : NULL;
    T_CHECK(d != NULL, "icmw design: %s", err.msg);
    size_t compared = 0;
    for (size_t r = 0; d && r < rhaz_table_nrow(ref);) {
        const char *model = str_at(ref, "model", r), *vce = str_at(ref, "vce", r);
        rhaz_glm_options o = {0};
        o.link = strcmp(model, "cloglog") == 0 ? RHAZ_LINK_CLOGLOG : RHAZ_LINK_LOGIT;
        o.vce = strncmp(vce, "cluster", 7) == 0 ? RHAZ_VCE_CLUSTER
                : strcmp(vce, "robust_none") == 0 ? RHAZ_VCE_ROBUST : RHAZ_VCE_MODEL;
        o.vce_adj = strcmp(vce, "cluster_g") == 0 ? RHAZ_ADJ_G
                    : strcmp(vce, "cluster_stata") == 0 ? RHAZ_ADJ_STATA : RHAZ_ADJ_NONE;
        rhaz_fit_summary *s = rhaz_glm_fit(d, &o, &err);
        T_CHECK(s != NULL, "icmw fit: %s", err.msg);
        if (!s)
            break;
        T_EQ_INT(s->n, num_at(ref, "n", r), "icmw n");
        T_EQ_INT(s->events, num_at(ref, "events", r), "icmw events");
        T_EQ_INT(s->iterations, num_at(ref, "iterations", r), "icmw iterations");
        T_CHECK(s->converged && s->stop == RHAZ_STOP_CONVERGED, "icmw converged");
        T_REL(s->loglik, num_at(ref, "loglik", r), TOL, "icmw loglik");
        T_REL(s->loglik_null, num_at(ref, "loglik_null", r), TOL, "icmw loglik_null");
        mx_ll = fmax(mx_ll, reldiff(s->loglik, num_at(ref, "loglik", r)));
        for (size_t j = 0; j < s->p; j++, r++) {
            T_EQ_STR(s->coef[j].term, str_at(ref, "term", r), "icmw term");
            double be = num_at(ref, "estimate", r), bs = num_at(ref, "std_error", r);
            char what[200];
            snprintf(what, sizeof what, "icmw %s %s %s", model, vce, s->coef[j].term);
            T_REL(s->coef[j].estimate, be, TOL, what);
            T_REL(s->coef[j].std_error, bs, TOL, what);
            mx_est = fmax(mx_est, reldiff(s->coef[j].estimate, be));
            mx_se = fmax(mx_se, reldiff(s->coef[j].std_error, bs));
            compared++;
        }
        rhaz_fit_summary_free(s);
    }
    T_EQ_INT(compared, 80, "icmw coefficients compared");
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(data);
    rhaz_table_free(ref);
}

static void test_cli(void)
{
    T_SECTION("cli");
    const char *base = "fit logit --data tests/fixtures/glm_panel.csv "
                       "--formula 'y ~ dem + factor(region) + log(mig)' ";
    char cmd[1024];
    char *out = NULL;
    int rc;
    snprintf(cmd, sizeof cmd, "%s --format json --cluster state", base);
    rc = t_run(cmd, &out, NULL);
    T_EQ_INT(rc, 0, "json exit");
    static const char *keys[] = {"\"model\"", "\"link\"", "\"n\"", "\"events\"",
                                 "\"converged\"", "\"iterations\"", "\"loglik\"",
                                 "\"loglik_null\"", "\"aic\"", "\"coefficients\"",
                                 "\"term\"", "\"estimate\"", "\"std_error\"",
                                 "\"statistic\"", "\"p_value\"", "\"conf_low\"",
                                 "\"conf_high\"", "\"vcov\"", "\"clusters\": 60",
                                 "\"n_dropped\": 4", NULL};
    for (int k = 0; keys[k]; k++)
        T_CHECK(out && strstr(out, keys[k]), "json has %s", keys[k]);
    free(out);
    out = NULL;
    snprintf(cmd, sizeof cmd, "%s --format csv", base);
    rc = t_run(cmd, &out, NULL);
    static const char hdr[] = "term,estimate,std_error,statistic,p_value,conf_low,conf_high\n";
    T_CHECK(rc == 0 && out && strncmp(out, hdr, strlen(hdr)) == 0, "csv header");
    free(out);
    out = NULL;
    snprintf(cmd, sizeof cmd, "%s --maxit 1", base);
    rc = t_run(cmd, &out, NULL);
    T_EQ_INT(rc, 1, "non-convergence exits 1");
    T_CHECK(out && strstr(out, "NOT CONVERGED"), "non-convergence is printed");
    free(out);
    out = NULL;
    snprintf(cmd, sizeof cmd, "%s --maxit 1 --keep-unconverged", base);
    rc = t_run(cmd, &out, NULL);
    T_EQ_INT(rc, 0, "--keep-unconverged");
    free(out);
    out = NULL;
    rc = t_run("fit logit --data tests/fixtures/glm_panel.csv --formula 'y ~ dem + (log(mig)'", &out, NULL);
    T_EQ_INT(rc, 1, "formula error exit 1");
    free(out);
    out = NULL;
    static const char *fmts[] = {"latex", "markdown", "text"};
    for (int k = 0; k < 3; k++) {
        snprintf(cmd, sizeof cmd, "%s --exp --format %s", base, fmts[k]);
        rc = t_run(cmd, &out, NULL);
        T_CHECK(rc == 0 && out && strstr(out, "log(mig)") && strstr(out, "region"),
                "--format %s", fmts[k]);
        free(out);
        out = NULL;
    }
    rc = t_run("fit cloglog --firth --data tests/fixtures/glm_panel.csv --formula 'y ~ dem'",
               &out, NULL);
    T_EQ_INT(rc, 1, "Firth with cloglog is refused");
    free(out);
    out = NULL;
    rc = t_run("fit logit --data tests/fixtures/firth_sep.csv --formula 'y ~ x + oecd'", &out,
               NULL);
    T_EQ_INT(rc, 1, "separation exits 1");
    T_CHECK(out && strstr(out, "separation"), "separation printed with the results");
    free(out);
    out = NULL;
    rc = t_run("fit logit --data tests/fixtures/glm_panel.csv --formula 'y ~ dem' --vce cluster", &out, NULL);
    T_EQ_INT(rc, 2, "usage error exit 2");
    free(out);
}

/* Terms a logit must not ignore: cluster(x) is the cluster-robust
 * variance (as --cluster x), strata() and frailty() are refused. */
static void test_special_terms(void)
{
    T_SECTION("cluster(), strata(), frailty() in a logit formula");
    const char *base = "fit logit --data tests/fixtures/glm_panel.csv --format json ";
    char cmd[1024], *a = NULL, *b = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd, "%s --formula 'y ~ dem + log(mig)' --cluster state", base);
    int ra = t_run(cmd, &a, NULL);
    snprintf(cmd, sizeof cmd, "%s --formula 'y ~ dem + log(mig) + cluster(state)'", base);
    int rb = t_run(cmd, &b, NULL);
    T_CHECK(ra == 0 && rb == 0, "exits %d %d", ra, rb);
    /* the same document but for the formula string */
    const char *va = a ? strstr(a, "\"vce\"") : NULL, *vb = b ? strstr(b, "\"vce\"") : NULL;
    const char *ca = a ? strstr(a, "\"coefficients\"") : NULL,
               *cb = b ? strstr(b, "\"coefficients\"") : NULL;
    T_CHECK(va && vb && strncmp(va, vb, 40) == 0, "same variance: %.60s | %.60s",
            va ? va : "", vb ? vb : "");
    /* up to "design", which repeats the formula */
    const char *da = a ? strstr(a, "\"design\"") : NULL, *db = b ? strstr(b, "\"design\"") : NULL;
    T_CHECK(ca && cb && da && db && da - ca == db - cb &&
                strncmp(ca, cb, (size_t)(da - ca)) == 0,
            "cluster(state) == --cluster state");
    T_CHECK(b && strstr(b, "\"clusters\": 60") && strstr(b, "vcovCL"),
            "60 clusters, vcovCL convention");
    free(a);
    free(b);
    a = b = NULL;
    snprintf(cmd, sizeof cmd, "%s --formula 'y ~ dem + cluster(state)' --vce model", base);
    T_EQ_INT(t_run(cmd, NULL, &err), 2, "cluster() with --vce model: usage error");
    T_CHECK(err && strstr(err, "cluster(state)") && t_count_lines(err) == 1,
            "names the term: %s", err ? err : "");
    free(err);
    err = NULL;
    /* without clusters the model-based summary reports none */
    snprintf(cmd, sizeof cmd, "%s --formula 'y ~ dem'", base);
    T_EQ_INT(t_run(cmd, &a, NULL), 0, "model-based exit");
    T_CHECK(a && strstr(a, "\"clusters\": 0"), "no clusters reported");
    free(a);
    a = NULL;
    snprintf(cmd, sizeof cmd, "%s --formula 'y ~ dem + strata(region)'", base);
    T_EQ_INT(t_run(cmd, NULL, &err), 1, "strata() refused");
    T_CHECK(err && strstr(err, "strata(region)") && strstr(err, "clogit"),
            "names the term and the conditional logit: %s", err ? err : "");
    free(err);
    err = NULL;
    /* the library refuses too, for any caller */
    rhaz_error e;
    rhaz_table *t = rhaz_table_read("tests/fixtures/glm_panel.csv", NULL, &e);
    rhaz_formula *f = rhaz_formula_parse("y ~ dem + strata(region, oecd)", &e);
    rhaz_design *d = t && f ? rhaz_design_build(f, t, NULL, &e) : NULL;
    rhaz_fit_summary *s = d ? rhaz_glm_fit(d, NULL, &e) : NULL;
    T_CHECK(d && !s && e.status == RHAZ_EINVAL && strstr(e.msg, "strata(region, oecd)"),
            "rhaz_glm_fit refuses strata: %s", e.msg);
    rhaz_fit_summary_free(s);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    f = rhaz_formula_parse("y ~ dem + frailty(state)", &e);
    d = t && f ? rhaz_design_build(f, t, NULL, &e) : NULL;
    s = d ? rhaz_glm_fit(d, NULL, &e) : NULL;
    T_CHECK(!s && strstr(e.msg, "frailty"), "a frailty() logit is refused: %s", e.msg);
    rhaz_fit_summary_free(s);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
}

/* A fit on two threads or more gives the estimates of one thread bit for
 * bit (IRLS passes over parts of the rows fixed by n; rhaz_glm_options.
 * threads only places them): 20,000 rows, two covariates and a factor
 * of 60 levels kept as level codes, clustered. */
static void test_threads(void)
{
    T_SECTION("threads: identical results");
    enum { N = 20000 };
    double *x1 = malloc(N * sizeof *x1), *x2 = malloc(N * sizeof *x2),
           *g = malloc(N * sizeof *g), *y = malloc(N * sizeof *y), *cl = malloc(N * sizeof *cl);
    unsigned long long u = 7;
#define NEXT() ((u = u * 6364136223846793005ULL + 1442695040888963407ULL) >> 11) * 0x1.0p-53
    for (size_t i = 0; i < N; i++) {
        x1[i] = NEXT() - 0.5;
        x2[i] = floor(NEXT() * 5);
        g[i] = floor(NEXT() * 60);
        y[i] = NEXT() < 1 / (1 + exp(2 - x1[i] + 0.1 * x2[i] - 0.01 * g[i]));
        cl[i] = (double)(i / 50);
    }
#undef NEXT
    rhaz_error err;
    rhaz_table *t = rhaz_table_new("threads", &err);
    rhaz_table_add_numeric(t, "y", y, N, &err);
    rhaz_table_add_numeric(t, "x1", x1, N, &err);
    rhaz_table_add_numeric(t, "x2", x2, N, &err);
    rhaz_table_add_numeric(t, "g", g, N, &err);
    rhaz_table_add_numeric(t, "cl", cl, N, &err);
    rhaz_formula *f = rhaz_formula_parse("y ~ x1 + x2 + factor(g)", &err);
    rhaz_design_options dopt = {.cluster = "cl", .sparse_indicators = 1};
    rhaz_design *d = f ? rhaz_design_build(f, t, &dopt, &err) : NULL;
    T_CHECK(d != NULL && d->blocks_only, "design with level codes: %s", err.msg);
    rhaz_fit_summary *s[3] = {NULL, NULL, NULL};
    const int th[3] = {1, 2, 3};
    for (int k = 0; d && k < 3; k++) {
        rhaz_glm_options o = {.link = RHAZ_LINK_LOGIT, .vce = RHAZ_VCE_CLUSTER,
                              .threads = th[k]};
        s[k] = rhaz_glm_fit(d, &o, &err);
        T_CHECK(s[k] != NULL, "fit with %d threads: %s", th[k], err.msg);
    }
    if (s[0] && s[1] && s[2]) {
        T_CHECK(s[0]->converged && s[0]->p == 62, "converged, %zu coefficients", s[0]->p);
        for (int k = 1; k < 3; k++) {
            int same = s[k]->p == s[0]->p && s[k]->iterations == s[0]->iterations &&
                       !memcmp(&s[k]->loglik, &s[0]->loglik, sizeof s[0]->loglik) &&
                       !memcmp(s[k]->vcov, s[0]->vcov, s[0]->p * s[0]->p * sizeof *s[0]->vcov);
            for (size_t j = 0; same && j < s[0]->p; j++)
                same = !memcmp(&s[k]->coef[j].estimate, &s[0]->coef[j].estimate,
                               sizeof(double)) &&
                       !memcmp(&s[k]->coef[j].std_error, &s[0]->coef[j].std_error,
                               sizeof(double));
            T_CHECK(same, "%d threads: estimates, SEs, vcov and loglik identical to 1 thread",
                    th[k]);
        }
    }
    for (int k = 0; k < 3; k++)
        rhaz_fit_summary_free(s[k]);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
    free(x1);
    free(x2);
    free(g);
    free(y);
    free(cl);
}

int main(void)
{
    rhaz_error err;
    rhaz_table *data = rhaz_table_read("tests/fixtures/glm_panel.csv", NULL, &err);
    T_CHECK(data != NULL, "fixture: %s", err.msg);
    if (!data)
        return t_summary();
    test_against_r(data);
    test_firth();
    test_icmw();
    test_cli();
    test_special_terms();
    test_threads();
    rhaz_table_free(data);
    fprintf(stderr, "max rel diff vs R: estimates %.2g, SEs %.2g, logliks %.2g; "
            "Firth estimates %.2g, profile CI %.2g\n", mx_est, mx_se, mx_ll, mx_firth_est,
            mx_firth_ci);
    return t_summary();
}
