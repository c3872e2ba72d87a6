/* test_pool.c -- Rubin's rules: 'rhaz fit' over several imputed data sets
 * against R mice::pool (tests/reference/mi_ref.R), option handling and
 * bad input. */
#include "harness.h"
#include "rhaz.h"

#include <json-c/json.h>

#define MI "tests/reference/mi"
#define LOGIT_F "'y ~ x1 + x2 + g'"
#define COX_F "'Surv(time, status) ~ x1 + x2 + g'"

typedef struct {
    char model[16], term[32];
    double v[6]; /* estimate, std_error, df, riv, fmi, p_value */
} ref_row;

static int read_ref_file(const char *path, ref_row *r, int max)
{
    FILE *fp = fopen(path, "r");
    char line[1024];
    int n = 0;
    if (!fp)
        return 0;
    if (!fgets(line, sizeof line, fp)) {
        fclose(fp);
        return 0;
    }
    while (n < max && fgets(line, sizeof line, fp)) {
        char *save = NULL, *tok = strtok_r(line, ",\n", &save);
        if (!tok)
            continue;
        snprintf(r[n].model, sizeof r[n].model, "%s", tok);
        tok = strtok_r(NULL, ",\n", &save);
        snprintf(r[n].term, sizeof r[n].term, "%s", tok ? tok : "");
        for (int k = 0; k < 6; k++) {
            tok = strtok_r(NULL, ",\n", &save);
            r[n].v[k] = tok ? strtod(tok, NULL) : NAN;
        }
        n++;
    }
    fclose(fp);
    return n;
}

static int read_ref(ref_row *r, int max)
{
    return read_ref_file("tests/reference/mi_ref_values.csv", r, max);
}

static double rel(double got, double want)
{
    return fabs(got - want) / (fabs(want) > 1e-300 ? fabs(want) : 1);
}

/* pooled fit of `model` as JSON, compared with the R values: the largest
 * relative difference over estimates, SEs, df, riv, fmi and p-values */
static double compare(const char *type, const char *formula, const char *model,
                      const ref_row *r, int nr, int *nterms)
{
    char args[1024];
    const char *out = t_tmp("pool.json");
    snprintf(args, sizeof args, "fit %s --imputations '" MI "/imp*.csv' --formula %s "
                                "--format json --out %s", type, formula, out);
    int rc = t_run(args, NULL, NULL);
    T_EQ_INT(rc, 0, "pooled fit exit");
    json_object *root = json_object_from_file(out);
    remove(out);
    T_CHECK(root != NULL, "%s: JSON written", model);
    if (!root)
        return INFINITY;
    json_object *m, *coefs;
    T_CHECK(json_object_object_get_ex(root, "imputations", &m) &&
                json_object_get_int(m) == 5, "%s: imputations = 5", model);
    json_object_object_get_ex(root, "coefficients", &coefs);
    double worst = 0;
    static const char *const keys[6] = {"estimate", "std_error", "df", "riv", "fmi",
                                        "p_value"};
    *nterms = 0;
    for (int i = 0; i < nr; i++) {
        if (strcmp(r[i].model, model) != 0)
            continue;
        json_object *c = NULL;
        for (size_t j = 0; coefs && j < json_object_array_length(coefs); j++) {
            json_object *cj = json_object_array_get_idx(coefs, j), *t;
            if (json_object_object_get_ex(cj, "term", &t) &&
                strcmp(json_object_get_string(t), r[i].term) == 0)
                c = cj;
        }
        T_CHECK(c != NULL, "%s: term %s in the output", model, r[i].term);
        if (!c)
            continue;
        (*nterms)++;
        for (int k = 0; k < 6; k++) {
            json_object *v;
            double got = json_object_object_get_ex(c, keys[k], &v) ? json_object_get_double(v)
                                                                   : NAN;
            double d = rel(got, r[i].v[k]);
            if (!(d <= worst))
                worst = isnan(d) ? INFINITY : d;
        }
    }
    json_object_put(root);
    return worst;
}

static void test_against_mice(void)
{
    T_SECTION("mice::pool");
    ref_row r[32];
    int nr = read_ref(r, 32), nt = 0;
    T_CHECK(nr == 9, "9 reference rows (got %d)", nr);
    double dl = compare("logit", LOGIT_F, "logit", r, nr, &nt);
    T_EQ_INT(nt, 5, "logit terms");
    double dc = compare("cox", COX_F, "cox", r, nr, &nt);
    T_EQ_INT(nt, 4, "cox terms");
    printf("mice::pool agreement: logit %.2g, cox %.2g (relative, worst of "
           "estimate/SE/df/riv/fmi/p)\n", dl, dc);
    T_CHECK(dl < 1e-12, "logit agrees with mice::pool to 1e-12 (%.3g)", dl);
    T_CHECK(dc < 1e-12, "cox agrees with mice::pool to 1e-12 (%.3g)", dc);
}

/* the other families against Rubin's rules computed in R from the
 * formulas (tests/reference/mi_fam_ref.R: survreg Weibull, clogit) */
static void test_other_families(void)
{
    T_SECTION("weibull and clogit against R");
    ref_row r[32];
    int nr = read_ref_file("tests/reference/mi_fam_ref_values.csv", r, 32), nt = 0;
    T_CHECK(nr == 8, "8 reference rows (got %d)", nr);
    double dw = compare("weibull", "'Surv(time, status) ~ x1 + x2 + g'", "weibull", r, nr, &nt);
    T_EQ_INT(nt, 6, "weibull terms");
    double dc = compare("clogit", "'y ~ x1 + x2 + strata(g)'", "clogit", r, nr, &nt);
    T_EQ_INT(nt, 2, "clogit terms");
    printf("Rubin's rules vs R: weibull %.2g, clogit %.2g (relative, worst of "
           "estimate/SE/df/riv/fmi/p)\n", dw, dc);
    T_CHECK(dw < 1e-10, "weibull agrees with R to 1e-10 (%.3g)", dw);
    T_CHECK(dc < 1e-12, "clogit agrees with R to 1e-12 (%.3g)", dc);
}

static void test_options(void)
{
    T_SECTION("options");
    char *a = NULL, *b = NULL, *err = NULL;
    int ra = t_run("fit logit --imputations '" MI "/imp*.csv' --formula " LOGIT_F
                   " --format csv", &a, NULL);
    int rb = t_run("fit logit --data " MI "/imp1.csv --data " MI "/imp2.csv --data " MI
                   "/imp3.csv --data " MI "/imp4.csv --data=" MI "/imp5.csv --formula "
                   LOGIT_F " --format csv", &b, NULL);
    T_EQ_INT(ra, 0, "--imputations exit");
    T_EQ_INT(rb, 0, "repeated --data exit");
    T_CHECK(a && b && strcmp(a, b) == 0, "--imputations GLOB = the same files by --data");
    T_CHECK(a && strstr(a, ",df,riv,fmi\n"), "CSV has df, riv, fmi");
    free(a);
    free(b);
    /* Stata files through the ReadStat reader: the same numbers */
    a = b = NULL;
    ra = t_run("fit cox --data " MI "/imp1.dta --data " MI "/imp2.dta --formula " COX_F
               " --format csv", &a, NULL);
    rb = t_run("fit cox --data " MI "/imp1.csv --data " MI "/imp2.csv --formula " COX_F
               " --format csv", &b, NULL);
    T_EQ_INT(ra + rb, 0, ".dta imputations exit");
    T_CHECK(a && b && strcmp(a, b) == 0, ".dta imputations = the same .csv imputations");
    free(a);
    free(b);
    /* identical imputations: no between variance, the single fit's numbers */
    a = b = NULL;
    ra = t_run("fit logit --data " MI "/imp1.csv --formula " LOGIT_F " --format csv", &a, NULL);
    rb = t_run("fit logit --data " MI "/imp1.csv --data " MI "/imp1.csv --formula " LOGIT_F
               " --format json", &b, NULL);
    T_EQ_INT(ra + rb, 0, "identical imputations exit");
    rhaz_error e = {0};
    rhaz_fit_summary *s = b ? rhaz_fit_summary_parse_json(b, "pooled", &e) : NULL;
    T_CHECK(s && s->imputations == 2 && s->p == 5, "pooled JSON reads back (%s)", e.msg);
    if (s && a) {
        /* the single fit's x1 estimate and SE from its CSV */
        const char *x1 = strstr(a, "\nx1,");
        double est = x1 ? strtod(x1 + 4, NULL) : NAN;
        const char *comma = x1 ? strchr(x1 + 4, ',') : NULL;
        double se = comma ? strtod(comma + 1, NULL) : NAN;
        T_REL(s->coef[1].estimate, est, 1e-15, "B = 0: pooled estimate = the fit's");
        T_REL(s->coef[1].std_error, se, 1e-15, "B = 0: pooled SE = the fit's");
        T_ABS(s->coef[1].riv, 0, 0, "B = 0: riv = 0");
        T_CHECK(s->coef[1].df > 0 && s->coef[1].df < 295, "df below the complete-data df");
    }
    rhaz_fit_summary_free(s);
    free(a);
    free(b);
    /* the library refuses a single fit */
    rhaz_fit_summary one = {0};
    const rhaz_fit_summary *fits[1] = {&one};
    T_CHECK(rhaz_fit_pool(fits, 1, NAN, &e) == NULL && e.status == RHAZ_EUSAGE,
            "rhaz_fit_pool(m = 1) refused");
    /* a repeated --data elsewhere is refused, not the last file used */
    T_EQ_INT(t_run("km --data " MI "/imp1.csv --data " MI "/imp2.csv --formula "
                   "'Surv(time, status) ~ 1'", NULL, &err), 2, "km: --data twice -> exit 2");
    T_CHECK(err && strstr(err, "--data given twice") && t_count_lines(err) == 1,
            "one line naming the repetition: %s", err ? err : "");
    free(err);
    err = NULL;
    T_EQ_INT(t_run("fit cox --imputations '" MI "/imp1.c*' --formula " COX_F, NULL, &err),
             2, "--imputations matching one file -> exit 2");
    free(err);
    err = NULL;
    T_EQ_INT(t_run("fit cox --imputations '" MI "/nothing*.csv' --formula " COX_F, NULL, &err),
             2, "--imputations matching nothing -> exit 2");
    T_CHECK(err && strstr(err, "no file matches"), "no match named");
    free(err);
    /* imputations whose terms differ: refused, naming the file */
    const char *odd = t_tmp("imp_odd.csv");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sed 's/,c$/,b/' " MI "/imp2.csv > %s", odd);
    T_EQ_INT(system(cmd), 0, "make an imputation without level c");
    const char *out = t_tmp("odd.json");
    snprintf(cmd, sizeof cmd, "fit logit --data " MI "/imp1.csv --data %s --formula "
                              LOGIT_F " --out %s", odd, out);
    err = NULL;
    T_EQ_INT(t_run(cmd, NULL, &err), 1, "differing terms -> exit 1");
    T_CHECK(err && strstr(err, odd) && strstr(err, "differ"), "names the file: %s",
            err ? err : "");
    T_CHECK(access(out, F_OK) != 0, "no output file");
    free(err);
    remove(odd);
}

/* rhaz table: a pooled fit is a column beside a single fit, with its
 * number of imputations, Rubin's SEs and a note saying so */
static void test_table(void)
{
    T_SECTION("rhaz table");
    const char *pooled = t_tmp("pool-t.json"), *single = t_tmp("single-t.json");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "fit logit --imputations '" MI "/imp*.csv' --formula "
                              LOGIT_F " --format json --out %s", pooled);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "pooled fit");
    snprintf(cmd, sizeof cmd, "fit logit --data " MI "/imp1.csv --formula " LOGIT_F
                              " --format json --out %s", single);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "single fit");
    char *out = NULL;
    snprintf(cmd, sizeof cmd, "table %s %s --names MI,imp1 --format csv", pooled, single);
    T_EQ_INT(t_run(cmd, &out, NULL), 0, "table exit");
    rhaz_error e = {0};
    rhaz_fit_summary *s = rhaz_fit_summary_read_json(pooled, &e);
    T_CHECK(s && s->imputations == 5, "pooled JSON: 5 imputations");
    char want[64] = "";
    if (s)
        snprintf(want, sizeof want, "(%.3f)", s->coef[1].std_error);
    const char *x1 = out ? strstr(out, "\nx1,") : NULL;
    const char *se = x1 ? strchr(x1 + 1, '\n') : NULL;
    T_CHECK(se && strncmp(se + 1, ",", 1) == 0 && strstr(se, want) &&
                strstr(se, want) < strchr(se + 1, '\n'),
            "x1's SE in the MI column is the pooled (Rubin's) SE %s", want);
    T_CHECK(out && strstr(out, "\nImputations,5,\n"), "row Imputations: 5 and blank");
    T_CHECK(out && strstr(out, "# MI: pooled over 5 imputations by Rubin's rules") &&
                strstr(out, "Barnard-Rubin") && !strstr(out, "# imp1: pooled"),
            "note on the pooled column only");
    T_CHECK(out && strstr(out, "# MI: within-imputation variance"),
            "variance convention named as within-imputation");
    rhaz_fit_summary_free(s);
    free(out);
    remove(pooled);
    remove(single);
}

int main(void)
{
    test_against_mice();
    test_other_families();
    test_options();
    test_table();
    return t_summary();
}
