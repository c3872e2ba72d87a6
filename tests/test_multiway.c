/* test_multiway.c -- two-way cluster-robust variances of logit and
 * cloglog fits against R's sandwich::vcovCL(fit, cluster = ~ a + b)
 * (tests/reference/multiway_ref.R), with vcovCL's three adjustments;
 * negative variances (the two-way sum is not positive semi-definite)
 * are NaN standard errors in both. */
#include "harness.h"
#include "rhaz.h"

/* achieved ~1e-12 (printed at the end) */
#define TOL 1e-10

static double mx_se;

int main(void)
{
    rhaz_error err;
    rhaz_table *d = rhaz_table_read("tests/fixtures/glm_panel.csv", NULL, &err);
    rhaz_table *ref = rhaz_table_read("tests/reference/multiway_ref_values.csv",
                                      NULL, &err);
    T_CHECK(d && ref, "inputs: %s", err.msg);
    if (!d || !ref)
        return t_summary();
    /* decade = floor(year / 5) * 5, as the R script makes it */
    size_t n = rhaz_table_nrow(d);
    const double *yr = rhaz_table_num(d, (size_t)rhaz_table_find(d, "year"));
    double *dec = malloc(n * sizeof *dec);
    for (size_t i = 0; i < n; i++)
        dec[i] = floor(yr[i] / 5) * 5;
    T_CHECK(rhaz_table_add_numeric(d, "decade", dec, n, &err) == RHAZ_OK,
            "decade column: %s", err.msg);
    free(dec);
    static const struct {
        const char *id, *formula, *cluster;
        rhaz_link link;
    } cs[] = {
        {"logit_state_year", "y ~ dem + factor(region) + log(mig)", "state,year",
         RHAZ_LINK_LOGIT},
        {"logit_state_decade", "y ~ dem + factor(region) + log(mig)", "state,decade",
         RHAZ_LINK_LOGIT},
        {"cloglog_region_year", "y ~ dem * oecd + regime + t", "region,year",
         RHAZ_LINK_CLOGLOG},
    };
    static const struct {
        const char *name;
        rhaz_vce_adj adj;
    } adj[] = {{"g", RHAZ_ADJ_G}, {"none", RHAZ_ADJ_NONE}, {"stata", RHAZ_ADJ_STATA}};
    long ji = rhaz_table_find(ref, "id"), ja = rhaz_table_find(ref, "adjust"),
         jt = rhaz_table_find(ref, "term"), js = rhaz_table_find(ref, "std_error");
    int nan_seen = 0;
    for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
        T_SECTION(cs[c].id);
        rhaz_formula *f = rhaz_formula_parse(cs[c].formula, &err);
        rhaz_design_options o = {.cluster = cs[c].cluster, .allow_two_way = 1};
        rhaz_design *x = f ? rhaz_design_build(f, d, &o, &err) : NULL;
        T_CHECK(x && x->cluster2 && x->cluster12, "two-way design: %s", err.msg);
        for (size_t a = 0; x && a < 3; a++) {
            rhaz_glm_options go = {.link = cs[c].link, .vce = RHAZ_VCE_CLUSTER,
                                   .vce_adj = adj[a].adj, .cluster_name = cs[c].cluster};
            rhaz_fit_summary *s = rhaz_glm_fit(x, &go, &err);
            T_CHECK(s && strstr(s->vce_label, "two-way"), "fit: %s",
                    s ? s->vce_label : err.msg);
            size_t seen = 0;
            for (size_t i = 0; s && i < rhaz_table_nrow(ref); i++) {
                if (strcmp(rhaz_table_str(ref, (size_t)ji, i), cs[c].id) != 0 ||
                    strcmp(rhaz_table_str(ref, (size_t)ja, i), adj[a].name) != 0)
                    continue;
                const char *term = rhaz_table_str(ref, (size_t)jt, i);
                double want = rhaz_table_num(ref, (size_t)js)[i];
                for (size_t j = 0; j < s->p; j++) {
                    if (strcmp(s->coef[j].term, term) != 0)
                        continue;
                    char name[256];
                    snprintf(name, sizeof name, "%s %s se(%s)", cs[c].id, adj[a].name,
                             term);
                    T_REL(s->coef[j].std_error, want, TOL, name);
                    if (isnan(want))
                        nan_seen++;
                    else
                        mx_se = fmax(mx_se, fabs(s->coef[j].std_error - want) / want);
                    seen++;
                }
            }
            T_CHECK(s && seen == s->p, "%s %s: every term compared (%zu)", cs[c].id,
                    adj[a].name, seen);
            rhaz_fit_summary_free(s);
        }
        rhaz_design_free(x);
        rhaz_formula_free(f);
    }
    T_CHECK(nan_seen > 0, "a negative two-way variance is a NaN SE, as in R (%d)",
            nan_seen);
    /* refused: three variables, the same twice */
    T_SECTION("bad cluster lists");
    rhaz_formula *f = rhaz_formula_parse("y ~ dem", &err);
    rhaz_design_options o1 = {.cluster = "state,year"};
    rhaz_design *x = rhaz_design_build(f, d, &o1, &err);
    T_CHECK(!x && strstr(err.msg, "logit, cloglog and Cox models only"),
            "refused where not asked for (survreg ...): %s", err.msg);
    rhaz_design_options o3 = {.cluster = "state,year,region", .allow_two_way = 1};
    x = rhaz_design_build(f, d, &o3, &err);
    T_CHECK(!x && strstr(err.msg, "at most two"), "three: %s", err.msg);
    rhaz_design_options o2 = {.cluster = "state,state", .allow_two_way = 1};
    x = rhaz_design_build(f, d, &o2, &err);
    T_CHECK(!x && strstr(err.msg, "two different"), "twice: %s", err.msg);
    rhaz_design_options on = {.cluster = "state,nope", .allow_two_way = 1};
    x = rhaz_design_build(f, d, &on, &err);
    T_CHECK(!x && strstr(err.msg, "no column 'nope'"), "missing: %s", err.msg);
    rhaz_formula_free(f);
    /* Cox: V_a + V_b - V_ab of the score residuals, against
     * tests/reference/multiway_cox_ref.R (vcovCL on coxph; by hand from
     * the dfbeta residuals) */
    T_SECTION("cox two-way");
    {
        rhaz_table *cd = rhaz_table_read("tests/fixtures/cox_2way.csv", NULL, &err);
        rhaz_table *cr = rhaz_table_read("tests/reference/multiway_cox_ref_values.csv",
                                         NULL, &err);
        T_CHECK(cd && cr, "cox inputs: %s", err.msg);
        rhaz_formula *fc = rhaz_formula_parse("Surv(time, status) ~ x1 + x2", &err);
        rhaz_design_options oc = {.cluster = "a,b", .allow_two_way = 1,
                                  .drop_intercept = 1};
        rhaz_design *xc = cd && fc ? rhaz_design_build(fc, cd, &oc, &err) : NULL;
        T_CHECK(xc && xc->cluster2, "cox two-way design: %s", err.msg);
        static const struct {
            const char *id;
            rhaz_cox_ties ties;
        } tc[] = {{"cox_efron", RHAZ_TIES_EFRON}, {"cox_breslow", RHAZ_TIES_BRESLOW}};
        for (size_t t = 0; xc && cr && t < 2; t++)
            for (size_t a = 0; a < 2; a++) {
                rhaz_cox_data dd;
                rhaz_cox_data_from_design(&dd, xc);
                rhaz_cox_options co;
                rhaz_cox_options_default(&co);
                co.ties = tc[t].ties;
                co.eps = 1e-12;
                co.adj = adj[a].adj;
                rhaz_cox *fit = rhaz_cox_fit(&dd, &co, &err);
                rhaz_fit_summary *s = fit ? rhaz_cox_summary(fit, (const char *const *)xc->colnames,
                                                             "f", 0.95, &err)
                                          : NULL;
                T_CHECK(s && strstr(s->vce_label, "two-way"), "cox fit: %s",
                        s ? s->vce_label : err.msg);
                for (size_t r = 0; s && r < rhaz_table_nrow(cr); r++) {
                    if (strcmp(rhaz_table_str(cr, (size_t)ji, r), tc[t].id) ||
                        strcmp(rhaz_table_str(cr, (size_t)ja, r), adj[a].name))
                        continue;
                    const char *term = rhaz_table_str(cr, (size_t)jt, r);
                    double want = rhaz_table_num(cr, (size_t)js)[r];
                    for (size_t j = 0; j < s->p; j++)
                        if (strcmp(s->coef[j].term, term) == 0) {
                            char nm[160];
                            snprintf(nm, sizeof nm, "%s %s %s se", tc[t].id,
                                     adj[a].name, term);
                            T_REL(s->coef[j].std_error, want, 1e-11, nm); /* achieved 8e-14 */
                            mx_se = fmax(mx_se, fabs(s->coef[j].std_error - want) /
                                                    fabs(want));
                        }
                }
                rhaz_fit_summary_free(s);
                rhaz_cox_free(fit);
            }
        rhaz_design_free(xc);
        rhaz_formula_free(fc);
        rhaz_table_free(cd);
        rhaz_table_free(cr);
    }
    printf("largest relative difference from R: se %.2g\n", mx_se);
    rhaz_table_free(d);
    rhaz_table_free(ref);
    return t_summary();
}
