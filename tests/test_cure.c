/* test_cure.c -- split-population (cure) duration models and the spell
 * builder against spduration's coups example.
 *
 * tests/fixtures/cure_coups.csv holds the coups data with the spell
 * columns spduration's add_duration made (tests/reference/cure_ref.R,
 * which also checks them against the model.coups object spduration
 * ships); rhaz_spells_build must reproduce every column exactly.  The
 * fits are compared with tests/reference/cure_ref_values.csv (a Newton
 * fit on deriv() derivatives of spduration's likelihood, rebuilt in R);
 * the largest relative difference per quantity is printed and asserted
 * below TOL, the agreement achieved.
 */
#include "harness.h"
#include "rhaz.h"

#define TOL 1e-11

static rhaz_table *ref;

static size_t ref_get(const char *cs, const char *what, double *out, size_t cap)
{
    size_t n = rhaz_table_nrow(ref), k = 0;
    const double *ci = rhaz_table_num(ref, 2), *cv = rhaz_table_num(ref, 3);
    for (size_t r = 0; r < n; r++)
        if (!strcmp(rhaz_table_str(ref, 0, r), cs) &&
            !strcmp(rhaz_table_str(ref, 1, r), what) && (size_t)ci[r] <= cap) {
            out[(size_t)ci[r] - 1] = cv[r];
            if ((size_t)ci[r] > k)
                k = (size_t)ci[r];
        }
    return k;
}

static const double *col(const rhaz_table *t, const char *name)
{
    long j = rhaz_table_find(t, name);
    T_CHECK(j >= 0, "column %s", name);
    return j >= 0 ? rhaz_table_num(t, (size_t)j) : NULL;
}

static void spells(const rhaz_table *t)
{
    T_SECTION("spells");
    rhaz_error err;
    size_t n = rhaz_table_nrow(t);
    const double *g = col(t, "gwcode"), *yr = col(t, "year"), *y = col(t, "succ.coup");
    int *unit = malloc(n * sizeof *unit);
    for (size_t i = 0; i < n; i++)
        unit[i] = (int)g[i];
    rhaz_spells *s = rhaz_spells_build(n, unit, yr, y, &err);
    T_CHECK(s != NULL, "spells built: %s", s ? "" : err.msg);
    if (s) {
        const char *names[] = {"failure", "ongoing", "end.spell", "atrisk",
                               "censor", "duration", "t.0"};
        const double *got[] = {s->failure, s->ongoing, s->end_spell, s->atrisk,
                               s->censor, s->duration, s->t0};
        for (int c = 0; c < 7; c++) {
            const double *want = col(t, names[c]);
            size_t bad = 0;
            for (size_t i = 0; want && i < n; i++)
                if (!(isnan(want[i]) ? isnan(got[c][i]) : got[c][i] == want[i]))
                    bad++;
            T_CHECK(bad == 0, "%s: %zu of %zu rows differ from add_duration",
                    names[c], bad, n);
        }
        T_CHECK(s->n_ongoing > 0 && s->n_failures > 0, "ongoing %zu, failures %zu",
                s->n_ongoing, s->n_failures);
        printf("spells: %zu rows, %zu spells, %zu failures, %zu ongoing rows: "
               "identical to add_duration\n", n, s->n_spells, s->n_failures,
               s->n_ongoing);
    }
    rhaz_spells_free(s);
    /* a hand-worked unit: 0 0 1 1 0 1 -> failure 0 0 1 NA 0 1 */
    int u6[] = {1, 1, 1, 1, 1, 1};
    double t6[] = {2005, 2000, 2001, 2002, 2003, 2004}; /* unsorted */
    double y6[] = {1, 0, 0, 1, 1, 0};
    s = rhaz_spells_build(6, u6, t6, y6, &err);
    T_CHECK(s != NULL, "hand case");
    if (s) {
        /* sorted: 2000 0, 2001 0, 2002 1, 2003 1 (ongoing), 2004 0, 2005 1 */
        T_CHECK(s->failure[3] == 1 && isnan(s->failure[4]) && s->failure[0] == 1,
                "failures");
        T_CHECK(s->duration[1] == 1 && s->duration[3] == 3 && s->duration[5] == 1 &&
                    s->duration[0] == 2, "durations");
        T_CHECK(s->atrisk[1] == 1 && s->atrisk[5] == 1, "at risk");
        T_EQ_INT(s->n_spells, 2, "spells");
    }
    rhaz_spells_free(s);
    free(unit);
}

static double maxrel[3];
static const char *qname[3] = {"coef", "se", "loglik"};

static void fits(const rhaz_table *t)
{
    rhaz_error err;
    const char *as_str[] = {"case", "what", NULL};
    rhaz_csv_options ro = {.as_string = as_str};
    ref = rhaz_table_read("tests/reference/cure_ref_values.csv", &ro, &err);
    T_CHECK(ref != NULL, "reference: %s", err.msg);
    if (!ref)
        return;
    static const struct {
        const char *cs, *formula;
        rhaz_surv_dist dist;
        rhaz_vce vce;
        int spdur_start;
    } cases[] = {
        {"coups_weibull", "Surv(t.0, duration, failure) ~ polity2", RHAZ_SURV_WEIBULL,
         RHAZ_VCE_MODEL, 0},
        {"coups_weibull_spdur", "Surv(t.0, duration, failure) ~ polity2",
         RHAZ_SURV_WEIBULL, RHAZ_VCE_MODEL, 1},
        {"coups_loglogistic", "Surv(t.0, duration, failure) ~ polity2",
         RHAZ_SURV_LOGLOGISTIC, RHAZ_VCE_MODEL, 0},
        {"coups_weibull_cluster", "Surv(t.0, duration, failure) ~ polity2 + cluster(gwcode)",
         RHAZ_SURV_WEIBULL, RHAZ_VCE_CLUSTER, 0},
    };
    rhaz_formula *fr = rhaz_formula_parse("~ polity2", &err);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        T_SECTION(cases[c].cs);
        rhaz_formula *fd = rhaz_formula_parse(cases[c].formula, &err);
        rhaz_design *dd = fd ? rhaz_design_build(fd, t, NULL, &err) : NULL;
        rhaz_design *dr = rhaz_design_build(fr, t, NULL, &err);
        T_CHECK(dd && dr, "designs: %s", err.msg);
        rhaz_survreg_options o = {.dist = cases[c].dist, .vce = cases[c].vce,
                                  .spdur_start = cases[c].spdur_start};
        rhaz_fit_summary *s = dd && dr ? rhaz_cure_fit(dd, dr, &o, &err) : NULL;
        T_CHECK(s != NULL, "fit: %s", s ? "" : err.msg);
        if (s) {
            double want[16];
            size_t k = ref_get(cases[c].cs, "coef", want, 16);
            T_EQ_INT(s->p, k, "coefficients");
            T_EQ_INT(s->n, 4782, "rows used (spdur's obs)");
            T_CHECK(s->converged, "converged");
            for (size_t j = 0; j < k && j < s->p; j++) {
                double r = fabs(s->coef[j].estimate / want[j] - 1);
                maxrel[0] = r > maxrel[0] ? r : maxrel[0];
                T_REL(s->coef[j].estimate, want[j], TOL, s->coef[j].term);
            }
            ref_get(cases[c].cs, "se", want, 16);
            for (size_t j = 0; j < k && j < s->p; j++) {
                double r = fabs(s->coef[j].std_error / want[j] - 1);
                maxrel[1] = r > maxrel[1] ? r : maxrel[1];
                T_REL(s->coef[j].std_error, want[j], TOL, s->coef[j].term);
            }
            ref_get(cases[c].cs, "loglik", want, 16);
            double r = fabs(s->loglik / want[0] - 1);
            maxrel[2] = r > maxrel[2] ? r : maxrel[2];
            T_REL(s->loglik, want[0], TOL, "loglik");
            T_EQ_STR(s->coef[0].term, "duration:(Intercept)", "first term");
            T_EQ_STR(s->coef[2].term, "risk:(Intercept)", "risk term");
            T_EQ_STR(s->coef[4].term, "log(scale)", "scale term");
            if (cases[c].dist == RHAZ_SURV_WEIBULL) {
                /* the lower maximum spdur reports is named */
                int found = 0;
                for (size_t w = 0; w < s->n_warnings; w++)
                    found |= strstr(s->warnings[w], "more than one local maximum") != NULL;
                T_CHECK(found == !cases[c].spdur_start, "several maxima reported");
            }
        }
        rhaz_fit_summary_free(s);
        rhaz_design_free(dd);
        rhaz_design_free(dr);
        rhaz_formula_free(fd);
    }
    /* every spell fails: no one is cured, the maximum is at pi = 1 (the
     * risk intercept runs off), and the summary must say so */
    T_SECTION("no cured spells");
    {
        double t0[400], tt[400], ev[400], x[400];
        size_t m = 0;
        for (int i = 0; i < 60; i++) {
            int d = 1 + (i * 7) % 10;
            for (int k = 0; k < d; k++, m++) {
                t0[m] = k;
                tt[m] = k + 1;
                ev[m] = k == d - 1;
                x[m] = (i % 5) - 2;
            }
        }
        rhaz_table *ft = rhaz_table_new("failing", &err);
        rhaz_table_add_numeric(ft, "t0", t0, m, &err);
        rhaz_table_add_numeric(ft, "t", tt, m, &err);
        rhaz_table_add_numeric(ft, "event", ev, m, &err);
        rhaz_table_add_numeric(ft, "x", x, m, &err);
        rhaz_formula *fd = rhaz_formula_parse("Surv(t0, t, event) ~ x", &err);
        rhaz_formula *f1 = rhaz_formula_parse("~ 1", &err);
        rhaz_design *dd = rhaz_design_build(fd, ft, NULL, &err);
        rhaz_design *dr = rhaz_design_build(f1, ft, NULL, &err);
        rhaz_survreg_options o = {0};
        rhaz_fit_summary *s = dd && dr ? rhaz_cure_fit(dd, dr, &o, &err) : NULL;
        T_CHECK(s != NULL, "fit");
        int found = 0;
        for (size_t w = 0; s && w < s->n_warnings; w++)
            found |= strstr(s->warnings[w], "weakly identified") != NULL;
        T_CHECK(found, "flat risk equation reported (%zu warnings)", s ? s->n_warnings : 0);
        for (size_t w = 0; s && w < s->n_warnings; w++)
            printf("no cured spells: warning: %s\n", s->warnings[w]);
        rhaz_fit_summary_free(s);
        rhaz_design_free(dd);
        rhaz_design_free(dr);
        rhaz_formula_free(fd);
        rhaz_formula_free(f1);
        rhaz_table_free(ft);
    }
    /* an at-risk formula with an outcome is refused */
    T_SECTION("bad");
    rhaz_formula *fd = rhaz_formula_parse("Surv(t.0, duration, failure) ~ polity2", &err);
    rhaz_formula *fb = rhaz_formula_parse("atrisk ~ polity2", &err);
    rhaz_design *dd = rhaz_design_build(fd, t, NULL, &err);
    rhaz_design *db = rhaz_design_build(fb, t, NULL, &err);
    rhaz_survreg_options o = {0};
    rhaz_fit_summary *s = rhaz_cure_fit(dd, db, &o, &err);
    T_CHECK(!s && strstr(err.msg, "has an outcome"), "outcome refused: %s", err.msg);
    o.dist = RHAZ_SURV_LOGNORMAL;
    s = rhaz_cure_fit(dd, dd, &o, &err);
    T_CHECK(!s && strstr(err.msg, "weibull or loglogistic"), "lognormal refused");
    rhaz_design_free(dd);
    rhaz_design_free(db);
    rhaz_formula_free(fd);
    rhaz_formula_free(fb);
    rhaz_formula_free(fr);
    rhaz_table_free(ref);
    for (int q = 0; q < 3; q++)
        printf("cure vs R: %-7s max rel diff %.2e\n", qname[q], maxrel[q]);
}

/* the command line: rhaz spells on the raw columns gives add_duration's
 * columns; rhaz fit cure on its output gives the reference fit */
static void cli(const rhaz_table *t)
{
    T_SECTION("cli");
    rhaz_error err;
    const char *raw = t_tmp("coups-raw.csv"), *sp = t_tmp("coups-spells.csv");
    FILE *fp = fopen(raw, "w");
    T_CHECK(fp != NULL, "write %s", raw);
    if (!fp)
        return;
    const double *g = col(t, "gwcode"), *yr = col(t, "year"), *y = col(t, "succ.coup"),
                 *pol = col(t, "polity2");
    fputs("gwcode,year,succ.coup,polity2\n", fp);
    for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
        fprintf(fp, "%.0f,%.0f,%.0f,", g[i], yr[i], y[i]);
        if (!isnan(pol[i]))
            fprintf(fp, "%.0f", pol[i]);
        fputc('\n', fp);
    }
    fclose(fp);
    char args[1024], *out = NULL, *errs = NULL;
    snprintf(args, sizeof args, "spells --data %s --unit gwcode --time year --event "
             "succ.coup --out %s", raw, sp);
    T_EQ_INT(t_run(args, &out, &errs), 0, "rhaz spells");
    T_CHECK(errs && strstr(errs, "267 spells, 70 failures, 3 ongoing"), "summary: %s",
            errs ? errs : "");
    free(out);
    free(errs);
    rhaz_table *s = rhaz_table_read(sp, NULL, &err);
    T_CHECK(s != NULL, "read spells output");
    const char *names[] = {"failure", "ongoing", "end.spell", "atrisk", "censor",
                           "duration", "t.0"};
    for (int c = 0; s && c < 7; c++) {
        const double *a = col(s, names[c]), *b = col(t, names[c]);
        size_t bad = 0;
        for (size_t i = 0; a && b && i < rhaz_table_nrow(t); i++)
            bad += !(isnan(b[i]) ? isnan(a[i]) : a[i] == b[i]);
        T_CHECK(bad == 0, "rhaz spells %s: %zu rows differ", names[c], bad);
    }
    rhaz_table_free(s);
    const char *js = t_tmp("cure.json");
    snprintf(args, sizeof args, "fit cure --data %s --formula 'Surv(t.0, duration, "
             "failure) ~ polity2' --atrisk '~ polity2' --format json --out %s", sp, js);
    T_EQ_INT(t_run(args, &out, &errs), 0, "rhaz fit cure");
    free(out);
    free(errs);
    rhaz_fit_summary *f = rhaz_fit_summary_read_json(js, &err);
    T_CHECK(f != NULL, "read fit JSON");
    if (f) {
        double want[1];
        ref_get("coups_weibull", "loglik", want, 1);
        T_REL(f->loglik, want[0], TOL, "CLI cure loglik");
        T_EQ_STR(f->model, "cure", "model");
    }
    rhaz_fit_summary_free(f);
    remove(raw);
    remove(sp);
    remove(js);
}

int main(void)
{
    rhaz_error err;
    rhaz_table *t = rhaz_table_read("tests/fixtures/cure_coups.csv", NULL, &err);
    T_CHECK(t != NULL, "read coups: %s", t ? "" : err.msg);
    if (t) {
        spells(t);
        fits(t);
        ref = NULL;
        rhaz_error e2;
        const char *as_str[] = {"case", "what", NULL};
        rhaz_csv_options ro = {.as_string = as_str};
        ref = rhaz_table_read("tests/reference/cure_ref_values.csv", &ro, &e2);
        cli(t);
        rhaz_table_free(ref);
    }
    rhaz_table_free(t);
    return t_summary();
}
