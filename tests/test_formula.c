/* test_formula.c -- formula parser and design matrices against R's
 * model.matrix (tests/reference/formula_ref.R -> formula_ref.csv). */
#include "harness.h"
#include "model/ns.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
#include "rhaz.h"

static const char *FIX = "tests/fixtures/glm_panel.csv";

static void test_against_r(const rhaz_table *data)
{
    T_SECTION("model.matrix");
    rhaz_error err;
    rhaz_table *ref = rhaz_table_read("tests/reference/formula_ref.csv", NULL, &err);
    T_CHECK(ref != NULL, "reference: %s", err.msg);
    if (!ref)
        return;
    size_t nr = rhaz_table_nrow(ref);
    long cf = rhaz_table_find(ref, "formula"), cn = rhaz_table_find(ref, "n"),
         cj = rhaz_table_find(ref, "j"), cname = rhaz_table_find(ref, "name"),
         cs = rhaz_table_find(ref, "sum"), cq = rhaz_table_find(ref, "sumsq"),
         c1 = rhaz_table_find(ref, "v1"), c2 = rhaz_table_find(ref, "v200"),
         c3 = rhaz_table_find(ref, "vn");
    size_t i = 0, nformulas = 0;
    while (i < nr) {
        const char *ftext = rhaz_table_str(ref, (size_t)cf, i);
        size_t k = i;
        while (k < nr && strcmp(rhaz_table_str(ref, (size_t)cf, k), ftext) == 0)
            k++;
        nformulas++;
        rhaz_formula *f = rhaz_formula_parse(ftext, &err);
        T_CHECK(f != NULL, "parse '%s': %s", ftext, err.msg);
        rhaz_design *d = f ? rhaz_design_build(f, data, NULL, &err) : NULL;
        T_CHECK(d != NULL, "design '%s': %s", ftext, err.msg);
        if (d) {
            size_t n = (size_t)rhaz_table_num(ref, (size_t)cn)[i];
            T_EQ_INT(d->n, n, ftext);
            T_EQ_INT(d->n_dropped, rhaz_table_nrow(data) - n, ftext);
            T_EQ_INT(d->p, k - i, ftext);
            for (size_t r = i; r < k && d->p == k - i && d->n == n; r++) {
                size_t j = (size_t)rhaz_table_num(ref, (size_t)cj)[r] - 1;
                T_EQ_STR(d->colnames[j], rhaz_table_str(ref, (size_t)cname, r), ftext);
                const double *x = d->X + j * n;
                double s = 0, q = 0;
                for (size_t m = 0; m < n; m++) {
                    s += x[m];
                    q += x[m] * x[m];
                }
                char what[300];
                snprintf(what, sizeof what, "%s [%s]", ftext, d->colnames[j]);
                T_REL(s, rhaz_table_num(ref, (size_t)cs)[r], 1e-10, what);
                T_REL(q, rhaz_table_num(ref, (size_t)cq)[r], 1e-10, what);
                T_REL(x[0], rhaz_table_num(ref, (size_t)c1)[r], 1e-12, what);
                T_REL(x[199], rhaz_table_num(ref, (size_t)c2)[r], 1e-12, what);
                T_REL(x[n - 1], rhaz_table_num(ref, (size_t)c3)[r], 1e-12, what);
            }
            T_CHECK(d->y && d->ny == 1, "response present");
        }
        rhaz_design_free(d);
        rhaz_formula_free(f);
        i = k;
    }
    T_CHECK(nformulas >= 10, "all reference formulas read (%zu)", nformulas);
    rhaz_table_free(ref);
}

static void test_terms(void)
{
    T_SECTION("terms");
    rhaz_error err;
    rhaz_formula *f = rhaz_formula_parse("y ~ b:a + a*c - c + I(x^2)", &err);
    T_CHECK(f != NULL, "parse: %s", err.msg);
    if (f) {
        /* R: terms(y ~ b:a + a*c - c + I(x^2)) -> a, I(x^2), b:a, a:c */
        T_EQ_INT(rhaz_formula_nterms(f), 4, "nterms");
        T_EQ_STR(rhaz_formula_term(f, 0), "a", "term 1");
        T_EQ_STR(rhaz_formula_term(f, 1), "I(x^2)", "term 2");
        T_EQ_STR(rhaz_formula_term(f, 2), "b:a", "term 3");
        T_EQ_STR(rhaz_formula_term(f, 3), "a:c", "term 4");
        T_EQ_INT(rhaz_formula_intercept(f), 1, "intercept");
        T_EQ_INT(rhaz_formula_lhs(f), RHAZ_LHS_VAR, "lhs");
    }
    rhaz_formula_free(f);
    f = rhaz_formula_parse("Surv(start, stop, event) ~ x + strata(tr) + cluster(id)", &err);
    T_CHECK(f != NULL, "parse surv: %s", err.msg);
    if (f) {
        T_EQ_INT(rhaz_formula_lhs(f), RHAZ_LHS_SURV3, "surv3");
        T_EQ_INT(rhaz_formula_nterms(f), 1, "strata/cluster are not terms");
    }
    rhaz_formula_free(f);
    f = rhaz_formula_parse("~ I(a / (b + 1)^-2) + log(x, 2)", &err);
    T_CHECK(f != NULL, "parse: %s", err.msg);
    if (f)
        T_EQ_STR(rhaz_formula_term(f, 0), "I(a/(b + 1)^-2)", "deparse");
    rhaz_formula_free(f);

    /* errors name the position */
    f = rhaz_formula_parse("y ~ a + (b", &err);
    T_CHECK(f == NULL && err.status == RHAZ_EPARSE, "unbalanced");
    T_EQ_INT(err.column, 9, "position of '('");
    f = rhaz_formula_parse("y ~ a + * b", &err);
    T_CHECK(f == NULL && err.column == 9, "unexpected '*' at 9 (got %ld)", err.column);
    f = rhaz_formula_parse("y ~ a + 2", &err);
    T_CHECK(f == NULL && err.column == 9, "number not 0/1 at 9 (got %ld)", err.column);
    f = rhaz_formula_parse("y a", &err);
    T_CHECK(f == NULL && err.status == RHAZ_EPARSE, "missing ~");
    /* deep nesting is an error, not a stack overflow */
    char deep[3000];
    strcpy(deep, "y ~ ");
    for (int k = 0; k < 1000; k++)
        strcat(deep, "(");
    strcat(deep, "x");
    for (int k = 0; k < 1000; k++)
        strcat(deep, ")");
    f = rhaz_formula_parse(deep, &err);
    T_CHECK(f == NULL && err.status == RHAZ_EPARSE, "deep nesting rejected");
}

static void test_design_errors(const rhaz_table *data)
{
    T_SECTION("design errors");
    rhaz_error err;
    rhaz_formula *f = rhaz_formula_parse("y ~ dem + log(nosuch)", &err);
    rhaz_design *d = rhaz_design_build(f, data, NULL, &err);
    T_CHECK(d == NULL && err.status == RHAZ_ENOTFOUND, "unknown column");
    T_EQ_INT(err.column, 15, "position of nosuch");
    T_EQ_STR(err.what, "nosuch", "what");
    rhaz_formula_free(f);
    f = rhaz_formula_parse("y ~ I(region^2)", &err);
    d = rhaz_design_build(f, data, NULL, &err);
    T_CHECK(d == NULL && err.status == RHAZ_EDATA && err.column == 7,
            "string column in arithmetic: %s", err.msg);
    rhaz_formula_free(f);
    f = rhaz_formula_parse("y ~ frob(dem)", &err);
    d = rhaz_design_build(f, data, NULL, &err);
    T_CHECK(d == NULL && err.column == 5, "unknown function: %s", err.msg);
    rhaz_formula_free(f);
}

static void test_options(const rhaz_table *data)
{
    T_SECTION("weights, clusters, strata");
    rhaz_error err;
    rhaz_formula *f = rhaz_formula_parse("Surv(t, y) ~ dem + strata(region, oecd)", &err);
    rhaz_design_options o = {.weights = "w", .cluster = "state", .drop_intercept = 1};
    rhaz_design *d = rhaz_design_build(f, data, &o, &err);
    T_CHECK(d != NULL, "build: %s", err.msg);
    if (d) {
        /* dem has 3 missing values */
        T_EQ_INT(d->n, 827, "n");
        T_EQ_INT(d->p, 1, "p (intercept dropped)");
        T_EQ_STR(d->colnames[0], "dem", "colname");
        T_EQ_INT(d->ny, 2, "ny");
        T_EQ_INT(d->n_clusters, 60, "clusters");
        T_CHECK(d->cluster[0] == 0 && d->cluster[d->n - 1] == 59, "cluster ids sorted");
        T_CHECK(d->weights && d->weights[0] == 1.5, "weights");
        T_CHECK(d->n_strata >= 5 && d->n_strata <= 10, "strata %zu", d->n_strata);
        T_EQ_STR(d->strata_labels[0], "region=Africa, oecd=0", "stratum label");
        int ok = 1;
        for (size_t i = 0; i < d->n; i++)
            if (d->strata[i] < 0 || (size_t)d->strata[i] >= d->n_strata)
                ok = 0;
        T_CHECK(ok, "strata ids in range");
    }
    rhaz_design_free(d);
    rhaz_formula_free(f);
}

/* rhaz_design_build_take gives the design rhaz_design_build gives, and
 * frees the numeric columns it read in place (not the others, nor the
 * lines). */
static void test_take(const rhaz_table *data)
{
    T_SECTION("design taking the table's columns");
    rhaz_error err;
    rhaz_table *own = rhaz_table_read(FIX, NULL, &err);
    rhaz_formula *f = rhaz_formula_parse(
        "Surv(t, y) ~ dem + factor(oecd) + dem:mig + log(density) + strata(region)", &err);
    rhaz_design_options o = {.weights = "w", .cluster = "state", .drop_intercept = 1};
    rhaz_design *a = f ? rhaz_design_build(f, data, &o, &err) : NULL;
    rhaz_design *b = f && own ? rhaz_design_build_take(f, own, &o, &err) : NULL;
    T_CHECK(a && b, "built: %s", err.msg);
    if (a && b) {
        T_CHECK(a->n == b->n && a->p == b->p && a->n < a->n_total, "same rows and columns, "
                "rows dropped (%zu of %zu)", b->n, b->n_total);
        T_CHECK(!memcmp(a->X, b->X, a->n * a->p * sizeof *a->X), "same X");
        T_CHECK(!memcmp(a->y, b->y, a->n * a->ny * sizeof *a->y), "same y");
        T_CHECK(!memcmp(a->weights, b->weights, a->n * sizeof *a->weights), "same weights");
        T_CHECK(!memcmp(a->strata, b->strata, a->n * sizeof *a->strata), "same strata");
        T_CHECK(!memcmp(a->cluster, b->cluster, a->n * sizeof *a->cluster), "same clusters");
        /* (density is read through log(): a copy, its column stays) */
        const char *gone[] = {"t", "y", "dem", "mig", "w", "oecd"};
        int ok = 1;
        for (size_t k = 0; k < sizeof gone / sizeof *gone; k++)
            ok &= rhaz_table_num(own, (size_t)rhaz_table_find(own, gone[k])) == NULL;
        T_CHECK(ok, "the columns read are released");
        T_CHECK(rhaz_table_num(own, (size_t)rhaz_table_find(own, "year")) != NULL,
                "a column not in the formula stays");
        T_EQ_STR(rhaz_table_str(own, 0, 0), "S01", "text columns stay");
        T_EQ_INT(rhaz_table_line(own, b->rows[b->n - 1]),
                 rhaz_table_line(data, a->rows[a->n - 1]), "line numbers stay");
        T_CHECK(rhaz_table_is_missing(own, (size_t)rhaz_table_find(own, "t"), 0),
                "a released cell reads as missing");
    }
    rhaz_design_free(a);
    rhaz_design_free(b);
    rhaz_formula_free(f);
    rhaz_table_free(own);
}

/* The columns of X are filled in two parts of the rows on threads and y
 * copied a column a part (design.c fill_part, copy_part): the design is
 * the same bit for bit with 1 and 2 threads, and a value that is not
 * finite or too large is named at its first row either way (rows in
 * both parts). */
static void test_design_threads(void)
{
    T_SECTION("design: the same with 1 and 2 threads");
    enum { N = 5001 };
    char *csv = malloc((size_t)N * 96 + 64);
    if (!csv)
        return;
    size_t len = (size_t)sprintf(csv, "t,y,a,b,g,big,big2\n");
    for (int i = 0; i < N; i++) {
        int b1 = i == 1200 || i == 2000 || i == 3900 || i == 4500, b2 = i == 2000 || i == 4500;
        len += (size_t)sprintf(csv + len, "%d,%d,%.6f,%.3f,%c,%s,%s\n", 1 + i % 17, i % 5 == 0,
                               sin(i * 0.37), 1.0 + (i % 101) * 0.25, "pqrs"[i % 4],
                               b1 ? "1e200" : "2", b2 ? "1e200" : "3");
    }
    rhaz_error err;
    rhaz_table *t = rhaz_table_read_mem(csv, len, "thr.csv", NULL, &err);
    free(csv);
    T_CHECK(t != NULL, "table: %s", err.msg);
    if (!t)
        return;
    const char *forms[] = {"Surv(t, y) ~ a + log(b) + factor(g) + a:factor(g) + ns(b, 3) + I(a^2)",
                           "Surv(t, y) ~ a + big:big2", "Surv(t, y) ~ a + big"};
    for (size_t k = 0; k < 3; k++) {
        rhaz_formula *f = rhaz_formula_parse(forms[k], &err);
        rhaz_design *d[2] = {NULL, NULL};
        rhaz_error e[2];
        for (int th = 0; th < 2 && f; th++) {
            rhaz_design_options o = {.drop_intercept = 1, .threads = th + 1};
            d[th] = rhaz_design_build(f, t, &o, &e[th]);
        }
        if (k == 0) {
            T_CHECK(d[0] && d[1] && d[0]->p == d[1]->p && d[0]->p > 8 &&
                        !memcmp(d[0]->X, d[1]->X, d[0]->n * d[0]->p * sizeof(double)) &&
                        !memcmp(d[0]->y, d[1]->y, d[0]->n * d[0]->ny * sizeof(double)),
                    "X (%zu columns) and y identical", d[0] ? d[0]->p : 0);
        } else {
            /* big:big2 overflows at rows 2000 and 4500 (one in each
             * part); big's largest magnitude ties at rows 1200 .. 4500:
             * the first is named */
            long want = k == 1 ? 2000 + 2 : 1200 + 2;
            T_CHECK(!d[0] && !d[1] && e[0].line == want && e[1].line == want &&
                        !strcmp(e[0].msg, e[1].msg),
                    "%s: line %ld named with 1 and 2 threads (%ld, %ld: %s)", forms[k], want,
                    e[0].line, e[1].line, e[1].msg);
        }
        rhaz_design_free(d[0]);
        rhaz_design_free(d[1]);
        rhaz_formula_free(f);
    }
    rhaz_table_free(t);
}

/* A numeric factor's levels are its values as R prints them (R's
 * factor() matches as.character()): 0.3 and 0.30000000000000004 are one
 * level, as in R (factor(c(0.3, 0.1 + 0.2, 1)) has levels "0.3", "1"). */
static void test_factor_labels(void)
{
    T_SECTION("numeric factor levels that print alike");
    static const char csv[] = "y,v\n1,0.3\n0,0.30000000000000004\n1,1\n0,1\n1,0.3\n";
    rhaz_error err;
    rhaz_table *t = rhaz_table_read_mem(csv, sizeof csv - 1, "lev.csv", NULL, &err);
    rhaz_formula *f = rhaz_formula_parse("y ~ factor(v)", &err);
    rhaz_design_options o = {0};
    rhaz_design *d = t && f ? rhaz_design_build(f, t, &o, &err) : NULL;
    T_CHECK(d != NULL, "built: %s", err.msg);
    if (d) {
        T_EQ_INT((long)d->p, 2, "columns: intercept and one level (as R)");
        T_EQ_STR(d->colnames[1], "factor(v)1", "the second level is 1");
        int same = d->X[1 * d->n + 0] == 0 && d->X[1 * d->n + 1] == 0 &&
                   d->X[1 * d->n + 2] == 1 && d->X[1 * d->n + 4] == 0;
        T_CHECK(same, "0.3 and 0.30000000000000004 coded as the base level");
    }
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
}

/* Fuzzer findings: a huge power was converted to int (UB), and a*b*c*...
 * doubles the terms with every factor. */
static void test_limits(void)
{
    T_SECTION("limits");
    rhaz_error err;
    rhaz_formula *f = rhaz_formula_parse("y ~ (a + b + c)^1e300", &err);
    T_CHECK(f != NULL, "huge power: %s", err.msg);
    T_EQ_INT(f ? rhaz_formula_nterms(f) : 0, 7, "(a+b+c)^1e300 = (a+b+c)^3");
    rhaz_formula_free(f);
    f = rhaz_formula_parse("y ~ (a + b)^9", &err);
    T_EQ_INT(f ? rhaz_formula_nterms(f) : 0, 3, "(a+b)^9 = a*b");
    rhaz_formula_free(f);
    f = rhaz_formula_parse("y ~ a*b*c*d*e*f*g*h*i*j*k*l", &err);
    T_EQ_INT(f ? rhaz_formula_nterms(f) : 0, 4095, "12 factors: 4095 terms");
    rhaz_formula_free(f);
    f = rhaz_formula_parse("y ~ a*b*c*d*e*f*g*h*i*j*k*l*m", &err);
    T_CHECK(f == NULL && strstr(err.msg, "too many terms"), "8191 terms refused: %s",
            err.msg);
    rhaz_formula_free(f);
    f = rhaz_formula_parse("y ~ (a+b+c+d+e+f+g+h+i+j+k+l+m)^13", &err);
    T_CHECK(f == NULL && strstr(err.msg, "too many terms"), "power refused: %s",
            err.msg);
    rhaz_formula_free(f);
}

/* strata() over many variables: one digit per variable however many
 * (more than 64 constant columns wrote past a fixed array before). */
static void test_many_strata(void)
{
    T_SECTION("strata() over 70 variables");
    enum { NV = 70, NR = 6 };
    char csv[8192], formula[2048];
    size_t len = 0, fl = 0;
    len += (size_t)snprintf(csv + len, sizeof csv - len, "t,d,x");
    fl += (size_t)snprintf(formula + fl, sizeof formula - fl, "Surv(t, d) ~ x + strata(");
    for (int v = 0; v < NV; v++) {
        len += (size_t)snprintf(csv + len, sizeof csv - len, ",c%d", v);
        fl += (size_t)snprintf(formula + fl, sizeof formula - fl, "%sc%d", v ? ", " : "", v);
    }
    snprintf(formula + fl, sizeof formula - fl, ")");
    for (int i = 0; i < NR; i++) {
        len += (size_t)snprintf(csv + len, sizeof csv - len, "\n%d,%d,%d", i + 1, i % 2, i);
        for (int v = 0; v < NV; v++) /* constant but the last, 2 levels */
            len += (size_t)snprintf(csv + len, sizeof csv - len, ",%d",
                                    v == NV - 1 ? i % 2 : 7);
    }
    rhaz_error err;
    rhaz_table *t = rhaz_table_read_mem(csv, len, "many.csv", NULL, &err);
    rhaz_formula *f = t ? rhaz_formula_parse(formula, &err) : NULL;
    rhaz_design *d = f ? rhaz_design_build(f, t, NULL, &err) : NULL;
    T_CHECK(d != NULL, "design: %s", d ? "" : err.msg);
    if (d) {
        T_EQ_INT((int)d->n_strata, 2, "two strata");
        T_CHECK(d->strata_labels && strstr(d->strata_labels[1], "c69=1") &&
                    strncmp(d->strata_labels[1], "c0=7, c1=7", 10) == 0,
                "label of stratum 2 names every variable: %.40s...",
                d->strata_labels ? d->strata_labels[1] : "");
        T_CHECK(d->strata_name && strncmp(d->strata_name, "c0, c1, ", 8) == 0 &&
                    strstr(d->strata_name, "c69"),
                "strata_name lists the arguments");
    }
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
}

/* R's quantile(type = 7), the definition in R's quantile.default */
static double r_quantile7(const double *x, size_t m, double p)
{
    double index = (double)(m - 1) * p;
    size_t lo = (size_t)floor(index), hi = (size_t)ceil(index);
    double qs = x[lo];
    if (index > (double)lo && x[hi] != qs) {
        double h = index - (double)lo;
        qs = (1 - h) * qs + h * x[hi];
    }
    return qs;
}

/* The ns() knots: GSL's quantile with R's handling of ties equals R's
 * type 7 exactly. */
static void test_quantile7(void)
{
    T_SECTION("type-7 quantiles of the ns() knots");
    /* R 4.x: quantile(x, p, type = 7) */
    static const double x[] = {1990, 1990, 1990, 1991, 1991, 1995,
                               2000, 2000, 2000, 2000, 2003};
    static const double p[] = {0.1, 1.0 / 3, 0.25, 0.5, 2.0 / 3, 0.75, 0.9};
    static const double r[] = {1990, 1991, 1990.5, 1995, 2000, 2000, 2000};
    for (size_t k = 0; k < 7; k++)
        T_CHECK(rhaz_quantile7_(x, 11, p[k]) == r[k], "p = %g: %.17g, R %.17g", p[k],
                rhaz_quantile7_(x, 11, p[k]), r[k]);
    /* many tie-heavy samples and probabilities: bit-equal to R's rule */
    unsigned long seed = 12345;
    size_t bad = 0, gsl_off = 0, cases = 0;
    double v[200];
    for (int rep = 0; rep < 300; rep++) {
        size_t m = 2 + (size_t)(rep % 199);
        for (size_t i = 0; i < m; i++) {
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            v[i] = 1950 + (double)((seed >> 33) % 60) + ((seed >> 20) % 3) * 0.1;
        }
        qsort(v, m, sizeof *v, cmp_dbl);
        for (int k = 1; k <= 19; k++) {
            double pk = k * (1.0 / 20);
            cases++;
            bad += rhaz_quantile7_(v, m, pk) != r_quantile7(v, m, pk);
            gsl_off += gsl_stats_quantile_from_sorted_data(v, 1, m, pk) !=
                       r_quantile7(v, m, pk);
        }
    }
    T_CHECK(bad == 0, "%zu differences from R's rule in %zu cases (GSL alone: %zu)",
            bad, cases, gsl_off);
    fprintf(stderr, "type-7 quantiles: %zu cases equal to R's rule; GSL's formula "
            "alone differs in %zu (ties)\n", cases, gsl_off);
    /* knots: boundary at the range, interior at the quantiles */
    double kn[4];
    T_EQ_INT(rhaz_ns_knots_(x, 11, 2, kn), 0, "knots distinct");
    T_CHECK(kn[0] == 1990 && kn[1] == 1991 && kn[2] == 2000 && kn[3] == 2003,
            "knots %g %g %g %g", kn[0], kn[1], kn[2], kn[3]);
    static const double ties[] = {1, 1, 1, 1, 1, 1, 2};
    T_EQ_INT(rhaz_ns_knots_(ties, 7, 1, kn), -1, "tied knots reported");
}

/* rhaz_common_rows: rows complete for every formula (and strata,
 * cluster terms) and for the extra columns; an unknown column errs */
static void test_common_rows(void)
{
    T_SECTION("common rows");
    static const char csv[] = "y,a,b,g,s,w\n"
                              "1,1,1,x,p,1\n"  /* complete */
                              "0,,1,x,p,1\n"   /* a missing */
                              "1,1,,x,p,1\n"   /* b missing */
                              "0,1,1,,p,1\n"   /* g (cluster) missing */
                              "1,1,1,x,,1\n"   /* s (strata) missing */
                              "0,1,1,x,p,\n"   /* w missing */
                              "1,2,3,z,q,2\n"; /* complete */
    rhaz_error err;
    rhaz_table *t = rhaz_table_read_mem(csv, sizeof csv - 1, "c.csv", NULL, &err);
    T_CHECK(t != NULL, "table: %s", t ? "" : err.msg);
    if (!t)
        return;
    unsigned char keep[7];
    size_t n = 0;
    const char *f1[] = {"y ~ a", "y ~ b"}, *gcol[] = {"g", NULL};
    T_CHECK(rhaz_common_rows(t, 2, f1, gcol, keep, &n, &err) == RHAZ_OK,
            "two formulas: %s", err.msg);
    static const unsigned char want1[] = {1, 0, 0, 0, 1, 1, 1};
    T_CHECK(n == 4 && !memcmp(keep, want1, 7), "rows complete in a, b, g (%zu)", n);
    /* a cluster() term with missing ids is refused, as its fit refuses it
       (R's vcovCL) */
    const char *fc[] = {"y ~ b + cluster(g)"};
    T_CHECK(rhaz_common_rows(t, 1, fc, NULL, keep, &n, &err) != RHAZ_OK &&
                strstr(err.msg, "cluster"), "missing cluster ids refused: %s", err.msg);
    const char *f2[] = {"Surv(y, y) ~ a + strata(s)"};
    const char *cols[] = {"w", NULL};
    T_CHECK(rhaz_common_rows(t, 1, f2, cols, keep, &n, &err) == RHAZ_OK, "strata and column");
    static const unsigned char want2[] = {1, 0, 1, 1, 0, 0, 1};
    T_CHECK(n == 4 && !memcmp(keep, want2, 7), "rows complete in a, s, w (%zu)", n);
    const char *f3[] = {"y ~ a + nosuch"};
    T_CHECK(rhaz_common_rows(t, 1, f3, NULL, keep, &n, &err) != RHAZ_OK &&
                strstr(err.msg, "nosuch"), "unknown variable named: %s", err.msg);
    const char *bad[] = {"nosuch", NULL};
    T_CHECK(rhaz_common_rows(t, 1, f1, bad, keep, &n, &err) != RHAZ_OK &&
                strstr(err.msg, "nosuch"), "unknown column named: %s", err.msg);
    rhaz_table_free(t);
}

int main(void)
{
    test_common_rows();
    rhaz_error err;
    rhaz_table *data = rhaz_table_read(FIX, NULL, &err);
    T_CHECK(data != NULL, "fixture: %s", err.msg);
    if (!data)
        return t_summary();
    test_against_r(data);
    test_terms();
    test_design_errors(data);
    test_options(data);
    test_take(data);
    test_design_threads();
    test_factor_labels();
    test_limits();
    test_many_strata();
    test_quantile7();
    rhaz_table_free(data);
    return t_summary();
}
