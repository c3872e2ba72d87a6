/* test_cox.c -- Cox model against R survival 3.5-3.
 *
 * The cases are listed in tests/reference/cox_cases.csv; their data are
 * tests/fixtures/cox_*.csv and R's answers tests/reference/
 * cox_ref_values.csv (made by tests/reference/cox_ref.R).  Agreement is
 * required to TOL = 1e-10 relative (achieved: about 1e-12, see the
 * printed maxima); two cases are held to what they can give: the
 * monotone-likelihood case (a coefficient drifting to -20, where the fit
 * stops on the log-likelihood, not on the estimate: 2e-7 achieved,
 * TOL_MONOTONE) and Firth's penalized fits (steps to 1e-10: 2e-10
 * achieved, TOL_FIRTH); quantities that can be near zero
 * (residuals, linear predictors) are compared relative to
 * max(|R value|, 1e-3 x the largest |value| of that quantity in the
 * case).  The closed-form answers of the validation vignette (test1,
 * Breslow) are checked directly.  The largest relative difference per
 * quantity is printed.
 */
#include "harness.h"
#include "rhaz.h"

#include <stdint.h>

#include <float.h>

#define TOL 1e-10
#define TOL_MONOTONE 1e-6
#define TOL_FIRTH 1e-9

typedef struct {
    char what[40];
    double maxrel;
    char where[48];
} qstat;
static qstat stats[64];
static int nstats;

static void note(const char *what_, double rel)
{
    /* the monotone-likelihood case (coefficient drifting to -20) apart */
    char what[40];
    snprintf(what, sizeof what, "%s%s", what_,
             strcmp(t_section, "lung_monotone") == 0 ? "(monotone)" : "");
    for (int k = 0; k < nstats; k++)
        if (strcmp(stats[k].what, what) == 0) {
            if (rel > stats[k].maxrel) {
                stats[k].maxrel = rel;
                snprintf(stats[k].where, sizeof stats[k].where, "%s", t_section);
            }
            return;
        }
    if (nstats < 64) {
        snprintf(stats[nstats].what, sizeof stats[0].what, "%s", what);
        snprintf(stats[nstats].where, sizeof stats[0].where, "%s", t_section);
        stats[nstats++].maxrel = rel;
    }
}

/* ---- the reference table -------------------------------------------- */

static rhaz_table *ref;
static long rc_case, rc_what, rc_i, rc_j, rc_val;

/* values of (case, what) into a dense matrix m[i + j*rows]; returns the
 * number of rows (0 if none) and sets *cols. */
static size_t ref_get(const char *cs, const char *what, double **out,
                      size_t *cols)
{
    size_t n = rhaz_table_nrow(ref), rows = 0;
    *cols = 0;
    const double *ci = rhaz_table_num(ref, (size_t)rc_i);
    const double *cj = rhaz_table_num(ref, (size_t)rc_j);
    const double *cv = rhaz_table_num(ref, (size_t)rc_val);
    for (size_t r = 0; r < n; r++) {
        const char *c = rhaz_table_str(ref, (size_t)rc_case, r);
        const char *w = rhaz_table_str(ref, (size_t)rc_what, r);
        if (c && w && !strcmp(c, cs) && !strcmp(w, what)) {
            if ((size_t)ci[r] > rows)
                rows = (size_t)ci[r];
            if ((size_t)cj[r] > *cols)
                *cols = (size_t)cj[r];
        }
    }
    if (rows == 0)
        return 0;
    double *m = malloc(rows * *cols * sizeof *m);
    for (size_t k = 0; k < rows * *cols; k++)
        m[k] = NAN;
    for (size_t r = 0; r < n; r++) {
        const char *c = rhaz_table_str(ref, (size_t)rc_case, r);
        const char *w = rhaz_table_str(ref, (size_t)rc_what, r);
        if (c && w && !strcmp(c, cs) && !strcmp(w, what))
            m[(size_t)ci[r] - 1 + ((size_t)cj[r] - 1) * rows] = cv[r];
    }
    *out = m;
    return rows;
}

/* compare got (rows x cols, column-major with leading dimension ld)
 * with the reference; floor = 1e-3 x max |ref| if scaled. */
static void compare(const char *cs, const char *what, const double *got,
                    size_t ld, size_t rows_expected, size_t cols_expected,
                    int scaled)
{
    double *m = NULL;
    size_t cols, rows = ref_get(cs, what, &m, &cols);
    char name[128];
    snprintf(name, sizeof name, "%s %s rows", cs, what);
    /* per-row quantities of large data sets: R gives the first 300 */
    if (rows == 300 && rows_expected > 300)
        rows_expected = 300;
    T_EQ_INT(rows, rows_expected, name);
    snprintf(name, sizeof name, "%s %s cols", cs, what);
    T_EQ_INT(cols, cols_expected, name);
    if (rows != rows_expected || cols != cols_expected) {
        free(m);
        return;
    }
    double mx = 0;
    for (size_t k = 0; k < rows * cols; k++)
        if (isfinite(m[k]) && fabs(m[k]) > mx)
            mx = fabs(m[k]);
    double floor_ = scaled ? 1e-3 * mx : 0;
    for (size_t j = 0; j < cols; j++)
        for (size_t i = 0; i < rows; i++) {
            double w = m[i + j * rows], g = got[i + j * ld];
            if (isnan(w)) {
                snprintf(name, sizeof name, "%s %s[%zu,%zu] NA", cs, what,
                         i + 1, j + 1);
                T_CHECK(isnan(g), "%s: got %g", name, g);
                continue;
            }
            double den = fabs(w) > floor_ ? fabs(w) : floor_;
            if (den == 0)
                den = 1;
            double rel = fabs(g - w) / den;
            note(what, rel);
            snprintf(name, sizeof name, "%s %s[%zu,%zu]", cs, what, i + 1,
                     j + 1);
            double tol = strcmp(cs, "lung_monotone") == 0 ? TOL_MONOTONE : TOL;
            T_CHECK(rel <= tol, "%s: got %.12g, want %.12g (rel %.3g)", name,
                    g, w, rel);
        }
    free(m);
}

static double ref1(const char *cs, const char *what)
{
    double *m = NULL, v = NAN;
    size_t cols;
    if (ref_get(cs, what, &m, &cols) > 0)
        v = m[0];
    free(m);
    return v;
}

/* ---- building the data of a case ------------------------------------- */

static const double *col(rhaz_table *t, const char *name)
{
    long j = rhaz_table_find(t, name);
    if (j < 0) {
        fprintf(stderr, "no column %s\n", name);
        exit(2);
    }
    return rhaz_table_num(t, (size_t)j);
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* codes 0..K-1 of a numeric column, by sorted distinct value */
static int *codes(const double *v, size_t n, size_t *K)
{
    double *u = malloc(n * sizeof *u);
    memcpy(u, v, n * sizeof *u);
    qsort(u, n, sizeof *u, dcmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || u[i] != u[k - 1])
            u[k++] = u[i];
    int *c = malloc(n * sizeof *c);
    for (size_t i = 0; i < n; i++) {
        double *p = bsearch(&v[i], u, k, sizeof *u, dcmp);
        c[i] = (int)(p - u);
    }
    free(u);
    *K = k;
    return c;
}

static const char *cell(rhaz_table *t, size_t r, const char *name)
{
    long j = rhaz_table_find(t, name);
    if (j < 0)
        return NULL;
    return rhaz_table_str(t, (size_t)j, r);
}

static double cellnum(rhaz_table *t, size_t r, const char *name)
{
    long j = rhaz_table_find(t, name);
    const double *v = j < 0 ? NULL : rhaz_table_num(t, (size_t)j);
    return v ? v[r] : NAN;
}

static void run_case(rhaz_table *cases, size_t r)
{
    const char *cs = cell(cases, r, "case");
    T_SECTION(cs);
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/%s", cell(cases, r, "data"));
    rhaz_error err;
    rhaz_table *t = rhaz_table_read(path, NULL, &err);
    T_CHECK(t != NULL, "read %s", path);
    if (!t)
        return;
    size_t n = rhaz_table_nrow(t);

    /* covariates */
    char covs[256];
    snprintf(covs, sizeof covs, "%s", cell(cases, r, "covariates"));
    const char *names[16];
    size_t p = 0;
    for (char *tok = strtok(covs, " "); tok && p < 16; tok = strtok(NULL, " "))
        names[p++] = tok;
    /* complete cases of every column the model uses (R's na.omit) */
    const char *s;
    const double *src[24];
    size_t ns = 0;
    for (size_t j = 0; j < p; j++)
        src[ns++] = col(t, names[j]);
    static const char *const other[] = {"start", "stop", "event", "weights",
                                        "strata", "cluster"};
    const double *oc[6] = {0};
    for (int k = 0; k < 6; k++)
        if ((s = cell(cases, r, other[k])))
            src[ns++] = oc[k] = col(t, s);
    size_t *keep = malloc(n * sizeof *keep), nk = 0;
    for (size_t i = 0; i < n; i++) {
        int ok = 1;
        for (size_t k = 0; k < ns; k++)
            ok &= !isnan(src[k][i]);
        if (ok)
            keep[nk++] = i;
    }
    double *cols = malloc((p + 6) * nk * sizeof *cols);
    for (size_t k = 0; k < p; k++)
        for (size_t i = 0; i < nk; i++)
            cols[k * nk + i] = src[k][keep[i]];
    const double *oz[6] = {0};
    for (int k = 0; k < 6; k++)
        if (oc[k]) {
            double *c = cols + (p + (size_t)k) * nk;
            for (size_t i = 0; i < nk; i++)
                c[i] = oc[k][keep[i]];
            oz[k] = c;
        }
    free(keep);
    n = nk;
    double *x = cols;

    rhaz_cox_data d = {0};
    d.n = n;
    d.p = p;
    d.x = x;
    d.start = oz[0];
    d.stop = oz[1];
    d.event = oz[2];
    d.weights = oz[3];
    int *strata = NULL, *cluster = NULL;
    if (oz[4])
        d.strata = strata = codes(oz[4], n, &d.n_strata);
    if (oz[5])
        d.cluster = cluster = codes(oz[5], n, &d.n_clusters);

    rhaz_cox_options o;
    rhaz_cox_options_default(&o);
    o.ties = strcmp(cell(cases, r, "ties"), "breslow") == 0 ? RHAZ_TIES_BRESLOW
                                                             : RHAZ_TIES_EFRON;
    o.robust = cellnum(cases, r, "robust") == 1;
    rhaz_cox *fit = rhaz_cox_fit(&d, &o, &err);
    T_CHECK(fit != NULL, "fit: %s", err.msg);
    if (!fit)
        goto out;
    const rhaz_cox_result *res = rhaz_cox_result_get(fit);

    compare(cs, "coef", res->coef, p, p, 1, 0);
    double *se = malloc(p * sizeof *se), *sem = malloc(p * sizeof *sem);
    for (size_t j = 0; j < p; j++) {
        se[j] = res->aliased[j] ? 0.0 : sqrt(res->vcov[j * p + j]);
        sem[j] = res->aliased[j] ? 0.0 : sqrt(res->vcov_model[j * p + j]);
    }
    compare(cs, "se", se, p, p, 1, 0);
    if (res->robust)
        compare(cs, "se_model", sem, p, p, 1, 0);
    free(se);
    free(sem);
    T_REL(res->loglik_init, ref1(cs, "loglik0"), TOL, "loglik0");
    T_REL(res->loglik, ref1(cs, "loglik"), TOL, "loglik");
    note("loglik", fabs(res->loglik - ref1(cs, "loglik")) /
                       fabs(ref1(cs, "loglik")));
    T_EQ_INT(res->iterations, ref1(cs, "iter"), "iterations");
    T_REL(res->score_test, ref1(cs, "score_test"), TOL, "score test");
    T_REL(res->wald_test, ref1(cs, "wald_test"), TOL, "wald test");
    T_EQ_INT(res->n, ref1(cs, "n"), "n");
    T_EQ_INT(res->n_events, ref1(cs, "nevent"), "nevent");
    compare(cs, "lp", res->linear_predictors, n, n, 1, 1);

    if (strcmp(cs, "lung_monotone") == 0) {
        T_CHECK(res->infinite[1] && !res->infinite[0],
                "monotone likelihood flagged on 'cens' only");
        T_EQ_INT(res->stop, RHAZ_STOP_SEPARATION, "stop reason");
    } else {
        for (size_t j = 0; j < p; j++)
            T_CHECK(!res->infinite[j], "no infinite flag on %s", names[j]);
    }
    if (strcmp(cs, "lung_collinear") == 0)
        T_CHECK(res->aliased[2] && res->rank == 3, "age2 aliased, rank 3");

    if (cellnum(cases, r, "resid") == 1) {
        double *m = malloc(n * (p + 1) * sizeof *m);
        T_CHECK(rhaz_cox_martingale(fit, m, &err) == RHAZ_OK, "martingale");
        compare(cs, "mart", m, n, n, 1, 1);
        T_CHECK(rhaz_cox_score_resid(fit, 0, m, &err) == RHAZ_OK, "score");
        compare(cs, "score", m, n, n, p, 1);
        T_CHECK(rhaz_cox_dfbeta(fit, 1, m, &err) == RHAZ_OK, "dfbeta");
        compare(cs, "dfbeta", m, n, n, p, 1);
        size_t ne = res->n_events;
        T_CHECK(rhaz_cox_schoenfeld(fit, 0, m, NULL, NULL, &err) == RHAZ_OK,
                "schoenfeld");
        compare(cs, "schoen", m, ne, ne, p, 1);
        T_CHECK(rhaz_cox_schoenfeld(fit, 1, m, NULL, NULL, &err) == RHAZ_OK,
                "scaled schoenfeld");
        compare(cs, "sschoen", m, ne, ne, p, 1);
        free(m);

        rhaz_cox_curve *cv = rhaz_cox_survfit(fit, NULL, &err);
        T_CHECK(cv != NULL, "survfit");
        if (cv) {
            size_t k = cv->n_points;
            compare(cs, "bh_time", cv->time, k, k, 1, 0);
            compare(cs, "bh_nrisk", cv->n_risk, k, k, 1, 0);
            compare(cs, "bh_nevent", cv->n_event, k, k, 1, 0);
            compare(cs, "bh_cumhaz", cv->cumhaz, k, k, 1, 0);
            compare(cs, "bh_surv", cv->surv, k, k, 1, 0);
            compare(cs, "bh_se", cv->std_err, k, k, 1, 0);
            if (d.strata) {
                double *sv = malloc(k * sizeof *sv);
                for (size_t i = 0; i < k; i++)
                    sv[i] = cv->stratum[i] + 1;
                compare(cs, "bh_strata", sv, k, k, 1, 0);
                free(sv);
            }
            rhaz_cox_curve_free(cv);
        }
        /* predicted curves at the first complete row's covariates */
        double *x0 = malloc(p * sizeof *x0);
        for (size_t j = 0; j < p; j++)
            x0[j] = x[j * n];
        cv = rhaz_cox_survfit(fit, x0, &err);
        T_CHECK(cv != NULL, "survfit at x0");
        if (cv) {
            size_t k = cv->n_points;
            compare(cs, "nd_cumhaz", cv->cumhaz, k, k, 1, 0);
            compare(cs, "nd_surv", cv->surv, k, k, 1, 0);
            compare(cs, "nd_se", cv->std_err, k, k, 1, 0);
            rhaz_cox_curve_free(cv);
        }
        free(x0);
        static const char *const trn[] = {"zph_km", "zph_rank",
                                          "zph_identity"};
        static const rhaz_zph_transform trv[] = {
            RHAZ_ZPH_KM, RHAZ_ZPH_RANK, RHAZ_ZPH_IDENTITY};
        double *tab = malloc(3 * (p + 1) * sizeof *tab);
        double *cm = malloc(3 * (p + 1) * sizeof *cm);
        for (int k = 0; k < 3; k++) {
            T_CHECK(rhaz_cox_zph(fit, trv[k], tab, &err) == RHAZ_OK, "zph %s",
                    err.msg);
            for (size_t i = 0; i <= p; i++)
                for (size_t j = 0; j < 3; j++)
                    cm[j * (p + 1) + i] = tab[3 * i + j];
            compare(cs, trn[k], cm, p + 1, p + 1, 3, 0);
        }
        free(tab);
        free(cm);
    }
    rhaz_cox_free(fit);
out:
    free(x);
    free(strata);
    free(cluster);
    rhaz_table_free(t);
}

static void closed_form(void)
{
    T_SECTION("closed form test1");
    rhaz_error err;
    rhaz_table *cf = rhaz_table_read("tests/reference/cox_closed_form.csv",
                                     NULL, &err);
    T_CHECK(cf != NULL, "read closed form");
    if (!cf)
        return;
    double want[4];
    for (size_t r = 0; r < 4; r++)
        want[r] = rhaz_table_num(cf, 1)[r];
    double time[] = {1, 1, 6, 6, 8, 9}, status[] = {1, 0, 1, 1, 0, 1},
           x[] = {1, 1, 1, 0, 0, 0};
    rhaz_cox_data d = {.n = 6, .p = 1, .x = x, .stop = time, .event = status};
    rhaz_cox_options o;
    rhaz_cox_options_default(&o);
    o.ties = RHAZ_TIES_BRESLOW;
    rhaz_cox *fit = rhaz_cox_fit(&d, &o, &err);
    const rhaz_cox_result *r = rhaz_cox_result_get(fit);
    T_REL(r->coef[0], want[0], TOL, "beta = log((3 + sqrt 33)/2)");
    T_REL(r->loglik_init, want[1], 1e-12, "loglik(0)");
    T_REL(r->loglik, want[2], 1e-10, "loglik(beta)");
    T_REL(r->vcov[0], want[3], TOL, "variance");
    rhaz_cox_free(fit);
    rhaz_table_free(cf);
}

static void errors(void)
{
    T_SECTION("errors");
    rhaz_error err;
    double t[] = {1, 2, 3}, e0[] = {0, 0, 0}, e[] = {1, 0, 2}, x[] = {1, 2, 3};
    double st[] = {0, 2, 1};
    rhaz_cox_data d = {.n = 3, .p = 1, .x = x, .stop = t, .event = e0};
    T_CHECK(rhaz_cox_fit(&d, NULL, &err) == NULL && err.status == RHAZ_EDATA,
            "no events is an error");
    d.event = e;
    T_CHECK(rhaz_cox_fit(&d, NULL, &err) == NULL && err.status == RHAZ_EDATA,
            "event 2 is an error");
    e[2] = 1;
    d.start = st;
    T_CHECK(rhaz_cox_fit(&d, NULL, &err) == NULL && strstr(err.msg, "row 2"),
            "start >= stop names the row: %s", err.msg);
    /* the shared check: the earliest bad row, times or covariates */
    double xs[] = {NAN, 2, 3};
    T_CHECK(rhaz_surv_check(3, st, t, e, NULL, xs, 1, NULL, &err) == RHAZ_EDATA &&
                err.row == 1 && strstr(err.msg, "covariate 1") == err.msg,
            "covariate of row 1 before start of row 2, no prefix: %s", err.msg);
    T_CHECK(rhaz_surv_check(3, NULL, t, e, NULL, xs, 1, "km", &err) == RHAZ_EDATA &&
                err.row == 1 && strstr(err.msg, "km: row 1: covariate 1"),
            "prefixed with who and row: %s", err.msg);
    double w[] = {1, 1, 0};
    T_CHECK(rhaz_surv_check(3, NULL, t, e, w, x, 1, NULL, &err) == RHAZ_EDATA &&
                err.row == 3 && strstr(err.msg, "weights must be > 0"),
            "zero weight: %s", err.msg);
    T_CHECK(rhaz_surv_check(3, NULL, t, e, NULL, x, 1, NULL, &err) == RHAZ_OK,
            "good data pass");
    /* ties: the variant table */
    T_EQ_STR(rhaz_cox_ties_name(RHAZ_TIES_BRESLOW), "breslow", "ties name");
    T_EQ_INT(rhaz_cox_ties_of("efron"), RHAZ_TIES_EFRON, "ties by name");
    T_EQ_INT(rhaz_cox_ties_of("exact"), -1, "unknown ties name");
    d.start = NULL;
    rhaz_cox_options o;
    rhaz_cox_options_default(&o);
    o.ties = (rhaz_cox_ties)7;
    T_CHECK(rhaz_cox_fit(&d, &o, &err) == NULL && err.status == RHAZ_EINVAL &&
                strstr(err.msg, "ties"),
            "unknown ties refused before fitting: %s", err.msg);
}

/* cox.zph by term: veteran ~ trt + karno + factor(cell) */
static void zph_terms(void)
{
    T_SECTION("veteran_factor");
    rhaz_error err;
    rhaz_table *t = rhaz_table_read("tests/fixtures/cox_veteran.csv", NULL, &err);
    if (!t)
        return;
    size_t n = rhaz_table_nrow(t), p = 5;
    double *x = malloc(n * p * sizeof *x);
    const double *cell = col(t, "cell");
    memcpy(x, col(t, "trt"), n * sizeof(double));
    memcpy(x + n, col(t, "karno"), n * sizeof(double));
    for (size_t i = 0; i < n; i++)
        for (int l = 0; l < 3; l++)
            x[(2 + l) * n + i] = cell[i] == l + 2;
    rhaz_cox_data d = {.n = n, .p = p, .x = x, .stop = col(t, "time"),
                       .event = col(t, "status")};
    rhaz_cox *fit = rhaz_cox_fit(&d, NULL, &err);
    T_CHECK(fit != NULL, "fit");
    if (fit) {
        compare("veteran_factor", "coef", rhaz_cox_result_get(fit)->coef, p, p,
                1, 0);
        int assign[] = {0, 1, 2, 2, 2};
        double tab[12], cm[12];
        static const rhaz_zph_transform tr[] = {RHAZ_ZPH_KM, RHAZ_ZPH_IDENTITY};
        static const char *const nm[] = {"zphterms_km", "zphterms_identity"};
        for (int k = 0; k < 2; k++) {
            T_CHECK(rhaz_cox_zph_terms(fit, tr[k], assign, 3, tab, &err) ==
                        RHAZ_OK, "zph terms");
            for (size_t i = 0; i < 4; i++)
                for (size_t j = 0; j < 3; j++)
                    cm[j * 4 + i] = tab[3 * i + j];
            compare("veteran_factor", nm[k], cm, 4, 4, 3, 0);
        }
        T_EQ_INT(tab[3 * 2 + 1], 3, "factor(cell): 3 df");
        rhaz_cox_free(fit);
    }
    free(x);
    rhaz_table_free(t);
}

/* Firth: against the independent R computation (cox_firth_ref.R) */
static void firth(void)
{
    rhaz_error err;
    rhaz_table *cases = rhaz_table_read("tests/reference/cox_firth_cases.csv",
                                        NULL, &err);
    rhaz_table *fv = rhaz_table_read("tests/reference/cox_firth_values.csv",
                                     NULL, &err);
    T_CHECK(cases && fv, "firth reference files");
    if (!cases || !fv)
        return;
    double worst = 0;
    for (size_t r = 0; r < rhaz_table_nrow(cases); r++) {
        const char *cs = cell(cases, r, "case");
        T_SECTION(cs);
        char path[256];
        snprintf(path, sizeof path, "tests/fixtures/%s", cell(cases, r, "data"));
        rhaz_table *t = rhaz_table_read(path, NULL, &err);
        if (!t)
            continue;
        size_t n = rhaz_table_nrow(t), p = 0;
        char covs[256];
        snprintf(covs, sizeof covs, "%s", cell(cases, r, "covariates"));
        const char *names[16];
        for (char *tok = strtok(covs, " "); tok && p < 16; tok = strtok(NULL, " "))
            names[p++] = tok;
        double *x = malloc(n * p * sizeof *x);
        for (size_t j = 0; j < p; j++)
            memcpy(x + j * n, col(t, names[j]), n * sizeof(double));
        rhaz_cox_data d = {0};
        d.n = n;
        d.p = p;
        d.x = x;
        const char *s = cell(cases, r, "start");
        d.start = s ? col(t, s) : NULL;
        d.stop = col(t, cell(cases, r, "stop"));
        d.event = col(t, cell(cases, r, "event"));
        rhaz_cox_options o;
        rhaz_cox_options_default(&o);
        o.ties = strcmp(cell(cases, r, "ties"), "breslow") == 0
                     ? RHAZ_TIES_BRESLOW : RHAZ_TIES_EFRON;
        o.firth = 1;
        rhaz_cox *fit = rhaz_cox_fit(&d, &o, &err);
        T_CHECK(fit != NULL, "firth fit: %s", err.msg);
        if (fit) {
            const rhaz_cox_result *res = rhaz_cox_result_get(fit);
            T_CHECK(res->converged, "converged");
            /* the modified score vanishes at the estimate */
            for (size_t j = 0; j < p; j++)
                T_ABS(res->score[j] * sqrt(res->vcov[j * p + j]), 0, 1e-8,
                      "modified score x se");
            size_t m = 0;
            const double *iv = rhaz_table_num(fv, 2), *vv = rhaz_table_num(fv, 3);
            for (size_t k = 0; k < rhaz_table_nrow(fv); k++) {
                const char *c = rhaz_table_str(fv, 0, k);
                const char *w = rhaz_table_str(fv, 1, k);
                if (!c || strcmp(c, cs))
                    continue;
                size_t i = (size_t)iv[k] - 1;
                double got = NAN;
                if (!strcmp(w, "coef"))
                    got = res->coef[i];
                else if (!strcmp(w, "se"))
                    got = sqrt(res->vcov[i * p + i]);
                else if (!strcmp(w, "pen_loglik"))
                    got = res->loglik;
                else if (!strcmp(w, "loglik"))
                    got = res->loglik_unpen;
                else
                    continue;
                double rel = fabs(got - vv[k]) / fabs(vv[k]);
                if (rel > worst)
                    worst = rel;
                T_REL(got, vv[k], TOL_FIRTH, w);
                m++;
            }
            T_CHECK(m >= 2 * p + 2, "reference values found (%zu)", m);
            rhaz_cox_free(fit);
        }
        free(x);
        rhaz_table_free(t);
    }
    note("firth", worst);
    rhaz_table_free(cases);
    rhaz_table_free(fv);
}

/* the CLI: rhaz fit cox on the heart data = R's heart_efron case */
static void cli(void)
{
    T_SECTION("cli");
    char *out = NULL, *er = NULL;
    int rc = t_run("fit cox --data tests/fixtures/cox_heart.csv --formula "
                   "'Surv(start, stop, event) ~ age + year + surgery + "
                   "transplant + cluster(id)' --format json", &out, &er);
    T_EQ_INT(rc, 0, "exit status");
    rhaz_error err;
    rhaz_fit_summary *s = out ? rhaz_fit_summary_parse_json(out, "stdout", &err)
                              : NULL;
    T_CHECK(s != NULL, "JSON output parses: %s", er ? er : "");
    if (s) {
        double *c = NULL, *se = NULL;
        size_t cols;
        T_EQ_INT(ref_get("heart_efron", "coef", &c, &cols), 4, "ref coef");
        T_EQ_INT(ref_get("heart_efron", "se", &se, &cols), 4, "ref se");
        T_EQ_INT(s->p, 4, "4 coefficients");
        T_EQ_STR(s->model, "cox", "model");
        T_EQ_STR(s->ties, "efron", "ties");
        T_EQ_INT(s->n_clusters, 103, "clusters");
        for (size_t j = 0; j < 4 && j < s->p; j++) {
            T_REL(s->coef[j].estimate, c[j], TOL, s->coef[j].term);
            T_REL(s->coef[j].std_error, se[j], TOL, "robust se");
        }
        T_EQ_STR(s->coef[3].term, "transplant", "term name");
        T_REL(s->loglik, ref1("heart_efron", "loglik"), TOL, "loglik");
        free(c);
        free(se);
    }
    rhaz_fit_summary_free(s);
    free(out);
    free(er);
    /* --zph in JSON, --survfit and --residuals files, --firth */
    {
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "fit cox --data tests/fixtures/cox_heart.csv --formula "
                 "'Surv(start, stop, event) ~ age + year + surgery + "
                 "transplant + cluster(id)' --format json --zph km "
                 "--survfit %s --residuals %s", t_tmp("sf.csv"), t_tmp("res.csv"));
        rc = t_run(cmd, &out, &er);
    }
    T_EQ_INT(rc, 0, "zph/survfit/residuals exit status");
    s = out ? rhaz_fit_summary_parse_json(out, "stdout", &err) : NULL;
    T_CHECK(s != NULL, "JSON with zph parses");
    rhaz_fit_summary_free(s);
    {
        double *z = NULL;
        size_t cols;
        ref_get("heart_efron", "zph_km", &z, &cols);
        T_CHECK(out && strstr(out, "\"zph\": {\n    \"transform\": \"km\""),
                "zph member");
        const char *pat = "\"term\": \"GLOBAL\",\n        \"chisq\": ";
        const char *g = out ? strstr(out, pat) : NULL;
        T_CHECK(g && fabs(atof(g + strlen(pat)) - z[4]) < 1e-9 * z[4],
                "GLOBAL chisq as R (%g): %.40s", z[4], g ? g : "");
        free(z);
    }
    free(out);
    free(er);
    rhaz_table *sf = rhaz_table_read(t_tmp("sf.csv"), NULL, &err);
    T_CHECK(sf && rhaz_table_find(sf, "cuminc") >= 0, "survfit CSV");
    if (sf) {
        double *bh = NULL;
        size_t cols, k = ref_get("heart_efron", "bh_cumhaz", &bh, &cols);
        T_EQ_INT(rhaz_table_nrow(sf), k, "survfit rows");
        const double *ch = rhaz_table_num(sf, (size_t)rhaz_table_find(sf, "cumhaz"));
        T_REL(ch[k - 1], bh[k - 1], TOL, "survfit cumhaz (last)");
        free(bh);
    }
    rhaz_table_free(sf);
    rhaz_table *rs = rhaz_table_read(t_tmp("res.csv"), NULL, &err);
    T_CHECK(rs && rhaz_table_nrow(rs) == 172 &&
                rhaz_table_find(rs, "score:transplant") >= 0,
            "residuals CSV");
    if (rs) {
        double *m = NULL;
        size_t cols;
        ref_get("heart_efron", "mart", &m, &cols);
        T_REL(rhaz_table_num(rs, 1)[5], m[5], TOL, "martingale residual 6");
        free(m);
    }
    rhaz_table_free(rs);
    remove(t_tmp("sf.csv"));
    remove(t_tmp("res.csv"));
    rc = t_run("fit cox --firth --data tests/fixtures/cox_heart.csv --formula "
               "'Surv(start, stop, event) ~ age + surgery + mono' --format json",
               &out, &er);
    T_EQ_INT(rc, 0, "firth exit status");
    s = out ? rhaz_fit_summary_parse_json(out, "stdout", &err) : NULL;
    T_CHECK(s && s->p == 3 && s->firth, "firth JSON");
    if (s && s->p == 3)
        T_REL(s->coef[2].estimate, -3.5753174644688968, TOL,
              "firth mono (cox_firth_values.csv)");
    rhaz_fit_summary_free(s);
    free(out);
    free(er);

    rc = t_run("fit cox --data tests/fixtures/cox_lung.csv --formula "
               "'Surv(time, status) ~ age + cens' --format csv", &out, &er);
    T_EQ_INT(rc, 1, "monotone likelihood exits 1");
    T_CHECK(out && strstr(out, "cens,"), "the table is still written");
    T_CHECK(er && strstr(er, "cens: monotone likelihood"),
            "the warning names the term: %s", er ? er : "");
    free(out);
    free(er);
    rc = t_run("fit cox --data tests/fixtures/cox_lung.csv --formula "
               "'Surv(time, status) ~ age + cens' --format csv "
               "--keep-unconverged --maxit 20", &out, &er);
    T_EQ_INT(rc, 0, "--keep-unconverged exits 0");
    free(out);
    free(er);

    rc = t_run("fit cox --data tests/fixtures/cox_heart.csv --formula "
               "'event ~ age'", &out, &er);
    T_EQ_INT(rc, 2, "non-Surv formula is a usage error");
    free(out);
    free(er);
    rc = t_run("fit cox --data tests/fixtures/cox_heart.csv --formula "
               "'Surv(start, stop, event) ~ nosuch'", &out, &er);
    T_EQ_INT(rc, 1, "unknown column is a data error");
    T_CHECK(er && strstr(er, "nosuch"), "message names the column: %s", er);
    free(out);
    free(er);
    rc = t_run("fit cox --data tests/fixtures/cox_heart.csv --formula "
               "'Surv(start, stop, event) ~ age' --ties exact", &out, &er);
    T_EQ_INT(rc, 2, "bad --ties is a usage error");
    free(out);
    free(er);
}

/* The post-fit functions check their fit argument before reading it. */
static void null_fit(void)
{
    T_SECTION("post-fit functions given no fit");
    rhaz_error err;
    double tab[8], m[8];
    T_CHECK(rhaz_cox_zph(NULL, RHAZ_ZPH_KM, tab, &err) == RHAZ_EINVAL, "zph(NULL)");
    T_CHECK(rhaz_cox_zph_terms(NULL, RHAZ_ZPH_KM, NULL, 0, tab, &err) == RHAZ_EINVAL,
            "zph_terms(NULL)");
    T_CHECK(rhaz_cox_schoenfeld(NULL, 0, m, NULL, NULL, &err) == RHAZ_EINVAL,
            "schoenfeld(NULL)");
    T_CHECK(rhaz_cox_survfit(NULL, NULL, &err) == NULL && err.status == RHAZ_EINVAL,
            "survfit(NULL)");
}

/* One fit on two threads or more gives the estimates of one thread bit for
 * bit (the rows are cut into parts fixed by the data; rhaz_cox_options.
 * threads only places them).  20,000 (start, stop] rows in 50 tied
 * times, clusters, Efron: the rows are split in two parts. */
static void threads_identical(void)
{
    T_SECTION("threads: identical results");
    enum { N = 20000, P = 3 };
    double *x = malloc(N * P * sizeof *x), *start = malloc(N * sizeof *start),
           *stop = malloc(N * sizeof *stop), *ev = malloc(N * sizeof *ev);
    int *cl = malloc(N * sizeof *cl);
    uint64_t u = 42;
#define NEXT() ((u = u * 6364136223846793005ULL + 1442695040888963407ULL) >> 11) * 0x1.0p-53
    for (size_t i = 0; i < N; i++) {
        start[i] = floor(NEXT() * 40);
        stop[i] = start[i] + 1 + floor(NEXT() * 10);
        for (size_t j = 0; j < P; j++)
            x[j * N + i] = NEXT() * (j + 1) - 0.5;
        ev[i] = NEXT() < 0.1 + 0.1 * x[i];
        cl[i] = (int)(i / 40);
    }
#undef NEXT
    rhaz_cox_data d = {.n = N, .p = P, .x = x, .start = start, .stop = stop,
                       .event = ev, .cluster = cl, .n_clusters = N / 40};
    rhaz_cox *fit[3] = {NULL, NULL, NULL};
    const int th[3] = {1, 2, 3};
    rhaz_error err;
    for (int k = 0; k < 3; k++) {
        rhaz_cox_options o;
        rhaz_cox_options_default(&o);
        o.robust = 1;
        o.threads = th[k];
        fit[k] = rhaz_cox_fit(&d, &o, &err);
        T_CHECK(fit[k] != NULL, "fit with %d threads: %s", th[k], err.msg);
    }
    if (fit[0] && fit[1] && fit[2]) {
        const rhaz_cox_result *a = rhaz_cox_result_get(fit[0]);
        T_CHECK(a->converged && a->iterations > 2, "converged in %d iterations", a->iterations);
        for (int k = 1; k < 3; k++) {
            const rhaz_cox_result *b = rhaz_cox_result_get(fit[k]);
            T_CHECK(!memcmp(a->coef, b->coef, P * sizeof *a->coef) &&
                        !memcmp(a->vcov, b->vcov, P * P * sizeof *a->vcov) &&
                        !memcmp(a->vcov_model, b->vcov_model, P * P * sizeof *a->vcov) &&
                        !memcmp(&a->loglik, &b->loglik, sizeof a->loglik) &&
                        a->iterations == b->iterations,
                    "%d threads: coefficients, variances and loglik identical to 1 thread",
                    th[k]);
        }
    }
    for (int k = 0; k < 3; k++)
        rhaz_cox_free(fit[k]);
    free(x);
    free(start);
    free(stop);
    free(ev);
    free(cl);
}

int main(void)
{
    rhaz_error err;
    ref = rhaz_table_read("tests/reference/cox_ref_values.csv", NULL, &err);
    rhaz_table *cases = rhaz_table_read("tests/reference/cox_cases.csv", NULL,
                                        &err);
    T_CHECK(ref && cases, "reference files");
    if (!ref || !cases)
        return t_summary();
    rc_case = rhaz_table_find(ref, "case");
    rc_what = rhaz_table_find(ref, "what");
    rc_i = rhaz_table_find(ref, "i");
    rc_j = rhaz_table_find(ref, "j");
    rc_val = rhaz_table_find(ref, "value");
    for (size_t r = 0; r < rhaz_table_nrow(cases); r++)
        run_case(cases, r);
    closed_form();
    errors();
    zph_terms();
    firth();
    cli();
    null_fit();
    threads_identical();
    for (int k = 0; k < nstats; k++)
        printf("max rel diff vs R  %-12s %.3g  (%s)\n", stats[k].what,
               stats[k].maxrel, stats[k].where);
    rhaz_table_free(ref);
    rhaz_table_free(cases);
    return t_summary();
}
