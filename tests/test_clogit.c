/* test_clogit.c -- conditional logit against R survival 3.5-3's clogit
 * (exact method), plus hand-worked and independent checks.
 *
 * Data: tests/fixtures/clogit_*.csv; R's answers tests/reference/
 * clogit_ref_values.csv (both made by tests/reference/clogit_ref.R),
 * for R's default control ("default": compared with rhaz's defaults,
 * which follow the same Newton path) and eps = 1e-11 ("tight").  The
 * largest relative difference per quantity is printed and asserted
 * against the tolerance achieved (TOL_*).
 */
#include "harness.h"
#include "rhaz.h"

/* achieved (R 4.2.2, survival 3.5-3): coef 3.5e-16, se/vcov 4.3e-15,
 * loglik 5.9e-16, score test 1.4e-15 */
#define TOL_COEF 1e-13
#define TOL_SE 1e-13
#define TOL_LL 1e-13

static rhaz_table *ref;

static double refval(const char *cs, const char *what, size_t i, size_t j)
{
    size_t n = rhaz_table_nrow(ref);
    const double *ci = rhaz_table_num(ref, 2), *cj = rhaz_table_num(ref, 3),
                 *cv = rhaz_table_num(ref, 4);
    for (size_t r = 0; r < n; r++)
        if (!strcmp(rhaz_table_str(ref, 0, r), cs) &&
            !strcmp(rhaz_table_str(ref, 1, r), what) && ci[r] == (double)i &&
            cj[r] == (double)j)
            return cv[r];
    fprintf(stderr, "no reference value %s %s %zu %zu\n", cs, what, i, j);
    return -12345.678;
}

static double maxrel[4]; /* coef, se/vcov, loglik, score test */

static void note(int k, double got, double want)
{
    if (isnan(want) && isnan(got))
        return;
    double r = fabs(got - want) / (fabs(want) > 1e-300 ? fabs(want) : 1);
    if (!(r <= maxrel[k]))
        maxrel[k] = isnan(r) ? INFINITY : r;
}

static rhaz_design *load(const char *file, const char *formula,
                         rhaz_table **tp, rhaz_formula **fp)
{
    rhaz_error err;
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/%s", file);
    *tp = rhaz_table_read(path, NULL, &err);
    T_CHECK(*tp != NULL, "read %s: %s", path, err.msg);
    *fp = rhaz_formula_parse(formula, &err);
    T_CHECK(*fp != NULL, "parse %s: %s", formula, err.msg);
    if (!*tp || !*fp)
        return NULL;
    rhaz_design_options o = {0};
    o.drop_intercept = 1;
    rhaz_design *d = rhaz_design_build(*fp, *tp, &o, &err);
    T_CHECK(d != NULL, "design %s: %s", formula, err.msg);
    return d;
}

static void ref_case(const char *name, const char *file, const char *formula)
{
    rhaz_table *t;
    rhaz_formula *f;
    rhaz_design *d = load(file, formula, &t, &f);
    if (!d)
        return;
    for (int tight = 0; tight < 2; tight++) {
        char key[64];
        snprintf(key, sizeof key, "%s_%s", name, tight ? "tight" : "default");
        T_SECTION(key);
        rhaz_error err;
        rhaz_clogit_data cd;
        T_CHECK(rhaz_clogit_data_from_design(&cd, d, &err) == RHAZ_OK,
                "data: %s", err.msg);
        rhaz_clogit_options o;
        rhaz_clogit_options_default(&o);
        if (tight) {
            o.eps = 1e-11;
            o.max_iter = 100;
        }
        rhaz_clogit *fit = rhaz_clogit_fit(&cd, &o, &err);
        T_CHECK(fit != NULL, "fit: %s", err.msg);
        if (!fit)
            continue;
        const rhaz_clogit_result *r = rhaz_clogit_result_get(fit);
        size_t p = r->p;
        T_CHECK(r->converged, "converged");
        T_EQ_INT(r->n, refval(key, "n", 1, 1), "n");
        T_EQ_INT(r->n_events + 0, r->n_events, "events");
        T_EQ_INT(r->iterations, refval(key, "iter", 1, 1), "iterations as R");
        for (size_t j = 0; j < p; j++) {
            double c = refval(key, "coef", j + 1, 1);
            note(0, r->coef[j], c);
            T_REL(r->coef[j], c, TOL_COEF, "coef");
            double se = refval(key, "se", j + 1, 1);
            T_EQ_INT(r->aliased[j], isnan(c), "aliased as R's NA");
            if (!isnan(c)) {
                note(1, sqrt(r->vcov[j * p + j]), se);
                T_REL(sqrt(r->vcov[j * p + j]), se, TOL_SE, "se");
            }
            if (isnan(c)) { /* R: NA coefficient, zero variance; rhaz: NaN */
                T_CHECK(isnan(r->vcov[j * p + j]), "aliased variance NaN");
                continue;
            }
            for (size_t l = 0; l < p; l++) {
                double v = refval(key, "vcov", j + 1, l + 1);
                if (isnan(refval(key, "coef", l + 1, 1)))
                    continue;
                note(1, r->vcov[j * p + l], v);
                T_REL(r->vcov[j * p + l], v, TOL_SE, "vcov");
            }
        }
        double l0 = refval(key, "loglik", 1, 1), l1 = refval(key, "loglik", 2, 1);
        note(2, r->loglik_init, l0);
        note(2, r->loglik, l1);
        T_REL(r->loglik_init, l0, TOL_LL, "loglik init");
        T_REL(r->loglik, l1, TOL_LL, "loglik");
        double sc = refval(key, "score", 1, 1);
        note(3, r->score_test, sc);
        T_REL(r->score_test, sc, TOL_LL, "score test");
        rhaz_fit_summary *s = rhaz_clogit_summary(fit, (const char *const *)d->colnames,
                                                  formula, 0.95, &err);
        T_CHECK(s != NULL && !strcmp(s->model, "clogit"), "summary");
        rhaz_fit_summary_free(s);
        rhaz_clogit_free(fit);
    }
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
}

/* strata without variation: dropped and counted (c1 has at least the two
 * the R script forces: stratum 3 all 0, stratum 7 all 1) */
static void dropped_strata(void)
{
    T_SECTION("dropped strata");
    rhaz_table *t;
    rhaz_formula *f;
    rhaz_design *d = load("clogit_c1.csv", "y ~ x1 + x2 + x3 + strata(g)", &t, &f);
    if (!d)
        return;
    size_t ns = d->n_strata, *n1 = calloc(ns, sizeof *n1), *nn = calloc(ns, sizeof *nn);
    for (size_t i = 0; i < d->n; i++) {
        nn[d->strata[i]]++;
        n1[d->strata[i]] += d->y[i] == 1;
    }
    size_t drop = 0, rows = 0;
    for (size_t s = 0; s < ns; s++)
        if (n1[s] == 0 || n1[s] == nn[s]) {
            drop++;
            rows += nn[s];
        }
    rhaz_error err;
    rhaz_clogit_data cd;
    rhaz_clogit_data_from_design(&cd, d, &err);
    rhaz_clogit *fit = rhaz_clogit_fit(&cd, NULL, &err);
    const rhaz_clogit_result *r = rhaz_clogit_result_get(fit);
    T_CHECK(drop >= 2, "the fixture has uninformative strata");
    T_EQ_INT(r->n_strata, 80, "strata");
    T_EQ_INT(r->n_strata_dropped, drop, "strata dropped");
    T_EQ_INT(r->n_rows_dropped, rows, "rows dropped");
    T_EQ_INT(r->n_used, d->n - rows, "rows used");
    rhaz_fit_summary *s = rhaz_clogit_summary(fit, NULL, "", 0.95, &err);
    T_CHECK(s && s->n_warnings >= 1 && strstr(s->warnings[0], "no variation"),
            "summary warns about dropped strata");
    rhaz_fit_summary_free(s);
    rhaz_clogit_free(fit);
    free(n1);
    free(nn);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
}

/* hand-worked: one stratum of 5 rows, 2 (and, by the swap, 3) events;
 * the denominator by enumerating the 10 (or 10) subsets */
static void enumerate(void)
{
    T_SECTION("enumerated subsets");
    const double x[10] = {0.3, -1.2, 2.0, 0.7, -0.4, /* x1 */
                          1, 0, 0, 1, 1};            /* x2 */
    const int st[5] = {0, 0, 0, 0, 0};
    const double beta[2] = {0.8, -0.5};
    for (int d = 2; d <= 3; d++) {
        double y[5] = {1, 0, 1, 0, 0};
        if (d == 3)
            y[4] = 1;
        rhaz_clogit_data cd = {.n = 5, .p = 2, .x = x, .y = y, .strata = st,
                               .n_strata = 1};
        rhaz_error err;
        rhaz_clogit *fit = rhaz_clogit_fit(&cd, NULL, &err);
        T_CHECK(fit != NULL, "fit: %s", err.msg);
        if (!fit)
            continue;
        double lk, u[2], info[4];
        rhaz_clogit_eval(fit, beta, &lk, u, info, &err);
        /* enumerate subsets of size d */
        double den = 0, m1[2] = {0, 0}, m2[4] = {0, 0, 0, 0}, num = 0,
               sd[2] = {0, 0};
        for (int i = 0; i < 5; i++)
            if (y[i]) {
                num += x[i] * beta[0] + x[5 + i] * beta[1];
                sd[0] += x[i];
                sd[1] += x[5 + i];
            }
        for (int mask = 0; mask < 32; mask++) {
            if (__builtin_popcount(mask) != d)
                continue;
            double s0 = 0, s1 = 0;
            for (int i = 0; i < 5; i++)
                if (mask >> i & 1) {
                    s0 += x[i];
                    s1 += x[5 + i];
                }
            double w = exp(s0 * beta[0] + s1 * beta[1]);
            den += w;
            m1[0] += w * s0;
            m1[1] += w * s1;
            m2[0] += w * s0 * s0;
            m2[1] += w * s0 * s1;
            m2[3] += w * s1 * s1;
        }
        double e0 = m1[0] / den, e1 = m1[1] / den;
        T_REL(lk, num - log(den), 1e-14, "loglik");
        T_ABS(u[0], sd[0] - e0, 1e-14, "score 1");
        T_ABS(u[1], sd[1] - e1, 1e-14, "score 2");
        T_REL(info[0], m2[0] / den - e0 * e0, 1e-13, "info 11");
        T_REL(info[1], m2[1] / den - e0 * e1, 1e-13, "info 12");
        T_REL(info[2], info[1], 0, "info symmetric");
        T_REL(info[3], m2[3] / den - e1 * e1, 1e-13, "info 22");
        rhaz_clogit_free(fit);
    }
}

/* a large stratum (B(d, n) ~ 1e600 overflows a double without the
 * rescaling): log-likelihood against an independent log-space recursion,
 * score and information against central differences */
static double logaddexp(double a, double b)
{
    if (a == -INFINITY)
        return b;
    if (b == -INFINITY)
        return a;
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

static void large_stratum(void)
{
    T_SECTION("large stratum");
    enum { N = 2400, D = 1000 };
    double *x = malloc(2 * N * sizeof *x), *y = calloc(N, sizeof *y);
    int *st = calloc(N, sizeof *st);
    unsigned s = 12345;
    for (int i = 0; i < 2 * N; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = ((s >> 8) & 0xffff) / 65536.0 * 2 - 1;
    }
    for (int i = 0; i < D; i++)
        y[(i * 7) % N] = 1;
    rhaz_clogit_data cd = {.n = N, .p = 2, .x = x, .y = y, .strata = st,
                           .n_strata = 1};
    rhaz_error err;
    rhaz_clogit *fit = rhaz_clogit_fit(&cd, NULL, &err);
    T_CHECK(fit != NULL, "fit: %s", err.msg);
    if (fit) {
        const rhaz_clogit_result *r = rhaz_clogit_result_get(fit);
        T_CHECK(r->converged && isfinite(r->loglik), "converged, finite");
        double beta[2] = {1.5, -0.7}, lk, u[2], info[4];
        rhaz_clogit_eval(fit, beta, &lk, u, info, &err);
        double *lb = malloc((D + 1) * sizeof *lb), num = 0;
        for (int k = 0; k <= D; k++)
            lb[k] = k ? -INFINITY : 0;
        for (int m = 0; m < N; m++) {
            double e = x[m] * beta[0] + x[N + m] * beta[1];
            if (y[m])
                num += e;
            for (int k = (m + 1 < D ? m + 1 : D); k >= 1; k--)
                lb[k] = logaddexp(lb[k], e + lb[k - 1]);
        }
        T_CHECK(lb[D] > 1000, "the denominator is beyond double range (log %g)",
                lb[D]);
        T_REL(lk, num - lb[D], 1e-12, "loglik vs log-space recursion");
        double hstep = 1e-5;
        for (int j = 0; j < 2; j++) {
            double bp[2] = {beta[0], beta[1]}, bm[2] = {beta[0], beta[1]};
            double lp, lm, up[2], um[2];
            bp[j] += hstep;
            bm[j] -= hstep;
            rhaz_clogit_eval(fit, bp, &lp, up, NULL, &err);
            rhaz_clogit_eval(fit, bm, &lm, um, NULL, &err);
            T_REL(u[j], (lp - lm) / (2 * hstep), 1e-6, "score vs differences");
            for (int l = 0; l < 2; l++)
                T_REL(info[j * 2 + l], -(up[l] - um[l]) / (2 * hstep), 1e-6,
                      "information vs differences");
        }
        free(lb);
    }
    rhaz_clogit_free(fit);
    free(x);
    free(y);
    free(st);
}

static void separation(void)
{
    T_SECTION("separation");
    rhaz_table *t;
    rhaz_formula *f;
    rhaz_design *d = load("clogit_sep.csv", "y ~ x1 + s + strata(g)", &t, &f);
    if (!d)
        return;
    rhaz_error err;
    rhaz_clogit_data cd;
    rhaz_clogit_data_from_design(&cd, d, &err);
    rhaz_clogit *fit = rhaz_clogit_fit(&cd, NULL, &err);
    const rhaz_clogit_result *r = rhaz_clogit_result_get(fit);
    T_CHECK(r && !r->converged && r->stop != RHAZ_STOP_CONVERGED,
            "complete separation is not reported as converged");
    T_CHECK(r && r->loglik > -1e-4 && r->loglik <= 0, "loglik -> 0 (%g)",
            r ? r->loglik : NAN);
    T_CHECK(r && r->coef[1] > 10, "s runs away (%g)", r ? r->coef[1] : NAN);
    T_EQ_INT(r->iterations, refval("sep_default", "iter", 1, 1),
             "iterations as R (ran out)");
    rhaz_fit_summary *s = rhaz_clogit_summary(fit, NULL, "", 0.95, &err);
    int found = 0;
    for (size_t k = 0; s && k < s->n_warnings; k++)
        found |= strstr(s->warnings[k], "did not converge") != NULL;
    T_CHECK(found, "summary says it did not converge");
    rhaz_fit_summary_free(s);
    rhaz_clogit_free(fit);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
}

static void bad_input(void)
{
    T_SECTION("bad input");
    rhaz_table *t;
    rhaz_formula *f;
    rhaz_design *d = load("clogit_c1.csv", "y ~ x1 + x2", &t, &f);
    rhaz_error err;
    rhaz_clogit_data cd;
    T_CHECK(d && rhaz_clogit_data_from_design(&cd, d, &err) == RHAZ_EINVAL &&
                !strcmp(err.what, "strata"),
            "no strata() refused, naming strata");
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
    d = load("clogit_c1.csv", "y ~ x1 + strata(g) + cluster(g)", &t, &f);
    T_CHECK(d && rhaz_clogit_data_from_design(&cd, d, &err) == RHAZ_EINVAL &&
                !strcmp(err.what, "cluster"),
            "cluster() refused, naming cluster");
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
    const double x[3] = {1, 2, 3}, y[3] = {0, 2, 1};
    const int st[3] = {0, 0, 0};
    rhaz_clogit_data bad = {.n = 3, .p = 1, .x = x, .y = y, .strata = st,
                            .n_strata = 1};
    T_CHECK(!rhaz_clogit_fit(&bad, NULL, &err) && err.status == RHAZ_EDATA &&
                strstr(err.msg, "row 2"),
            "y = 2 refused naming the row: %s", err.msg);
    const double y0[3] = {0, 0, 0};
    bad.y = y0;
    T_CHECK(!rhaz_clogit_fit(&bad, NULL, &err) && err.status == RHAZ_EDATA,
            "no informative stratum: %s", err.msg);
}

int main(void)
{
    rhaz_error err;
    ref = rhaz_table_read("tests/reference/clogit_ref_values.csv", NULL, &err);
    T_CHECK(ref != NULL, "reference: %s", err.msg);
    if (!ref)
        return t_summary();
    ref_case("c1", "clogit_c1.csv", "y ~ x1 + x2 + x3 + strata(g)");
    ref_case("c2", "clogit_c2.csv", "y ~ x1 + x2 + strata(g)");
    ref_case("c3", "clogit_c3.csv", "y ~ x1 + w + strata(g)");
    printf("clogit vs R: max rel diff coef %.2g, se/vcov %.2g, loglik %.2g, "
           "score test %.2g\n", maxrel[0], maxrel[1], maxrel[2], maxrel[3]);
    dropped_strata();
    enumerate();
    large_stratum();
    separation();
    bad_input();
    rhaz_table_free(ref);
    return t_summary();
}
