/* test_edge.c -- numerical edge cases of the fitting commands (issue 9):
 * collinear and constant columns, no events, all events, complete and
 * quasi-complete separation, monotone partial likelihood, huge and tiny
 * covariate scales, non-convergence.  Each case runs the CLI
 * (`rhaz fit ... --format json`), checks the exit code and stderr, and
 * reads the fit back with rhaz_fit_summary_read_json.
 *
 * Data: tests/fixtures/edge.csv; R's answers: tests/reference/edge_*.csv
 * and edge_ref.out, written by tests/reference/edge_ref.R. */
#include "harness.h"
#include "rhaz.h"

#define EDGE "tests/fixtures/edge.csv"

typedef struct {
    int rc;
    char *err;              /* stderr */
    rhaz_fit_summary *s;    /* the JSON output, or NULL */
} run_t;

static const char *data_file = EDGE;

static run_t fit(const char *model, const char *formula, const char *extra)
{
    run_t r = {0};
    const char *out = t_tmp("edge.json");
    remove(out);
    char args[1024];
    snprintf(args, sizeof args, "fit %s --data %s --formula '%s' %s "
             "--format json --out %s", model, data_file, formula, extra ? extra : "",
             out);
    r.rc = t_run(args, NULL, &r.err);
    rhaz_error err;
    if (access(out, F_OK) == 0) {
        r.s = rhaz_fit_summary_read_json(out, &err);
        T_CHECK(r.s != NULL, "%s: JSON reads back: %s", formula, err.msg);
    }
    remove(out);
    return r;
}

static void run_free(run_t *r)
{
    free(r->err);
    rhaz_fit_summary_free(r->s);
}

static int has_warning(const rhaz_fit_summary *s, const char *a, const char *b)
{
    for (size_t k = 0; s && k < s->n_warnings; k++)
        if (strstr(s->warnings[k], a) && (!b || strstr(s->warnings[k], b)))
            return 1;
    return 0;
}

/* Compare a fit with R's reference CSV (term, estimate, std_error,
 * loglik; NA = aliased). */
static void compare_ref(const rhaz_fit_summary *s, const char *ref)
{
    rhaz_error err;
    const char *str[] = {"term", NULL};
    rhaz_csv_options o = {.as_string = str};
    rhaz_table *t = rhaz_table_read(ref, &o, &err);
    T_CHECK(t != NULL, "%s: %s", ref, err.msg);
    if (!t || !s) {
        rhaz_table_free(t);
        return;
    }
    long jt = rhaz_table_find(t, "term");
    const double *est = rhaz_table_num(t, (size_t)rhaz_table_find(t, "estimate"));
    const double *se = rhaz_table_num(t, (size_t)rhaz_table_find(t, "std_error"));
    const double *ll = rhaz_table_num(t, (size_t)rhaz_table_find(t, "loglik"));
    T_EQ_INT(s->p, rhaz_table_nrow(t), "number of coefficients");
    for (size_t i = 0; i < rhaz_table_nrow(t) && i < s->p; i++) {
        const rhaz_coef *c = &s->coef[i];
        T_EQ_STR(c->term, rhaz_table_str(t, (size_t)jt, i), "term");
        if (isnan(est[i])) {
            T_CHECK(c->aliased && isnan(c->estimate), "%s aliased (NA) as in R",
                    c->term);
        } else {
            T_CHECK(!c->aliased, "%s not aliased", c->term);
            T_REL(c->estimate, est[i], 1e-10, c->term);
            T_REL(c->std_error, se[i], 1e-10, c->term);
        }
    }
    T_REL(s->loglik, ll[0], 1e-10, "log-likelihood");
    rhaz_table_free(t);
}

static void test_collinear(void)
{
    T_SECTION("collinear terms");
    run_t r = fit("logit", "y ~ x1 + x2 + x3 + x4", NULL);
    T_EQ_INT(r.rc, 0, "logit exit");
    compare_ref(r.s, "tests/reference/edge_glm_collinear.csv");
    T_CHECK(has_warning(r.s, "collinear", "x2, x4"), "logit names x2, x4");
    T_CHECK(r.s && r.s->rank == 3, "logit rank 3");
    run_free(&r);

    r = fit("cox", "Surv(time, status) ~ x1 + x2 + x3 + x4", NULL);
    T_EQ_INT(r.rc, 0, "cox exit");
    compare_ref(r.s, "tests/reference/edge_cox_collinear.csv");
    T_CHECK(has_warning(r.s, "x2", "collinear") && has_warning(r.s, "x4", "collinear"),
            "cox names x2 and x4");
    T_CHECK(r.err && strstr(r.err, "x2") && strstr(r.err, "x4"), "cox warns on stderr");
    run_free(&r);

    T_SECTION("constant column");
    r = fit("logit", "y ~ x1 + const", NULL);
    T_EQ_INT(r.rc, 0, "logit exit");
    compare_ref(r.s, "tests/reference/edge_glm_const.csv");
    T_CHECK(has_warning(r.s, "collinear", "const"), "logit names const");
    run_free(&r);
    r = fit("cox", "Surv(time, status) ~ x1 + const", NULL);
    T_EQ_INT(r.rc, 0, "cox exit");
    compare_ref(r.s, "tests/reference/edge_cox_const.csv");
    T_CHECK(has_warning(r.s, "const", "collinear"), "cox names const");
    run_free(&r);
}

static void test_events(void)
{
    T_SECTION("no events");
    run_t r = fit("logit", "none ~ x1", NULL);
    T_EQ_INT(r.rc, 1, "logit exit");
    T_CHECK(has_warning(r.s, "no events", "minus infinity"), "logit says no events");
    T_CHECK(r.s && !r.s->converged, "logit: not converged (as R)");
    run_free(&r);
    r = fit("logit", "none ~ x1", "--keep-unconverged");
    T_EQ_INT(r.rc, 0, "logit --keep-unconverged exit");
    T_CHECK(r.s != NULL, "output written");
    run_free(&r);
    r = fit("cox", "Surv(time, none) ~ x1", NULL);
    T_EQ_INT(r.rc, 1, "cox exit");
    T_CHECK(r.err && strstr(r.err, "no events"), "cox: '%s'", r.err ? r.err : "");
    T_CHECK(r.s == NULL, "cox: no output");
    run_free(&r);

    T_SECTION("all events");
    r = fit("logit", "all ~ x1", NULL);
    T_EQ_INT(r.rc, 1, "logit exit");
    T_CHECK(has_warning(r.s, "all events", "plus infinity"), "logit says all events");
    run_free(&r);
    r = fit("cox", "Surv(time, all) ~ x1", NULL);
    T_EQ_INT(r.rc, 0, "cox exit (nothing degenerate)");
    compare_ref(r.s, "tests/reference/edge_cox_all.csv");
    run_free(&r);
}

static void test_separation(void)
{
    T_SECTION("complete separation");
    run_t r = fit("logit", "y ~ x1 + sep", NULL);
    T_EQ_INT(r.rc, 1, "exit");
    T_CHECK(has_warning(r.s, "separation", "sep"), "names sep");
    T_CHECK(r.err && strstr(r.err, "--firth"), "suggests --firth: '%s'",
            r.err ? r.err : "");
    /* R: coef(sep) 128.08 (not converged; edge_ref.out): the last iterate */
    T_CHECK(r.s && r.s->p == 3 && fabs(r.s->coef[2].estimate) > 20,
            "sep coefficient diverges");
    run_free(&r);
    r = fit("logit", "y ~ x1 + sep", "--firth --no-profile");
    T_EQ_INT(r.rc, 0, "--firth exit");
    T_CHECK(r.s && r.s->converged && r.s->p == 3 && isfinite(r.s->coef[2].estimate) &&
            fabs(r.s->coef[2].estimate) < 20, "Firth estimate finite");
    run_free(&r);

    T_SECTION("quasi-complete separation");
    /* R's glm converges to 19.27 without a warning; rhaz names it */
    r = fit("logit", "y ~ x1 + q", NULL);
    T_EQ_INT(r.rc, 1, "exit");
    T_CHECK(has_warning(r.s, "separation: q = 1", "all of them events"), "names q");
    T_CHECK(r.s && r.s->stop == RHAZ_STOP_SEPARATION, "stop reason separation");
    T_CHECK(r.err && strstr(r.err, "--firth"), "suggests --firth");
    run_free(&r);

    T_SECTION("monotone partial likelihood");
    /* every event has y = 1: R warns "Loglik converged before variable 2" */
    r = fit("cox", "Surv(time, y) ~ x1 + y", NULL);
    T_EQ_INT(r.rc, 1, "exit");
    T_CHECK(has_warning(r.s, "y: monotone", NULL), "names y");
    T_CHECK(r.err && strstr(r.err, "--firth"), "suggests --firth");
    T_CHECK(r.s && r.s->p == 2 && r.s->coef[1].estimate > 10, "y diverges");
    /* x1 agrees with R (0.8122911, edge_ref.out) */
    T_CHECK(r.s && r.s->p == 2 && fabs(r.s->coef[0].estimate - 0.8122911) < 1e-6,
            "x1 as R");
    run_free(&r);
    /* a duplicated state-year with tied events: the information of x
     * vanishes as x runs to -infinity (R: -19.67, "Loglik converged before
     * variable 1"); at the iteration limit x was once reported collinear */
    data_file = "tests/bad/dup-state-year.csv";
    r = fit("cox", "Surv(start, stop, event) ~ x", NULL);
    T_EQ_INT(r.rc, 1, "dup: exit");
    T_CHECK(r.s && r.s->p == 1 && !r.s->coef[0].aliased && r.s->coef[0].estimate < -15,
            "dup: x not aliased, diverging");
    T_CHECK(!has_warning(r.s, "collinear", NULL), "dup: not called collinear");
    run_free(&r);
    r = fit("cox", "Surv(start, stop, event) ~ x", "--max-iter 30");
    T_EQ_INT(r.rc, 1, "dup: exit");
    T_CHECK(has_warning(r.s, "x: monotone", NULL), "dup: monotone named");
    run_free(&r);
    data_file = EDGE;
    r = fit("cox", "Surv(time, y) ~ x1 + y", "--keep-unconverged");
    T_EQ_INT(r.rc, 0, "--keep-unconverged exit");
    run_free(&r);
    r = fit("cox", "Surv(time, y) ~ x1 + y", "--firth");
    T_EQ_INT(r.rc, 0, "--firth exit");
    T_CHECK(r.s && r.s->p == 2 && isfinite(r.s->coef[1].estimate) &&
            r.s->coef[1].estimate < 10, "Firth estimate finite");
    run_free(&r);
}

/* x * 1e6 and x * 1e-6: coefficients scale exactly, z and the
 * log-likelihood do not change */
static void test_scale(void)
{
    static const struct {
        const char *model, *base, *scaled, *ref;
    } cs[] = {
        {"logit", "y ~ x1 + x3", "y ~ I(x1 * 1e6) + I(x3 * 1e-6)",
         "tests/reference/edge_glm_base.csv"},
        {"cox", "Surv(time, status) ~ x1 + x3",
         "Surv(time, status) ~ I(x1 * 1e6) + I(x3 * 1e-6)",
         "tests/reference/edge_cox_base.csv"},
    };
    for (size_t k = 0; k < 2; k++) {
        T_SECTION(cs[k].model);
        run_t a = fit(cs[k].model, cs[k].base, NULL);
        run_t b = fit(cs[k].model, cs[k].scaled, NULL);
        T_EQ_INT(a.rc, 0, "base exit");
        T_EQ_INT(b.rc, 0, "scaled exit");
        compare_ref(a.s, cs[k].ref);
        if (a.s && b.s && a.s->p == b.s->p) {
            size_t off = a.s->p - 2; /* the intercept, if any, is first */
            static const double f[2] = {1e6, 1e-6};
            for (size_t j = 0; j < 2; j++) {
                const rhaz_coef *x = &a.s->coef[off + j], *y = &b.s->coef[off + j];
                T_REL(y->estimate * f[j], x->estimate, 1e-9, "scaled estimate");
                T_REL(y->std_error * f[j], x->std_error, 1e-9, "scaled SE");
                T_REL(y->statistic, x->statistic, 1e-9, "same z");
            }
            if (off)
                T_REL(b.s->coef[0].estimate, a.s->coef[0].estimate, 1e-9, "intercept");
            T_REL(b.s->loglik, a.s->loglik, 1e-10, "same log-likelihood");
        } else
            T_CHECK(0, "both fits read back");
        run_free(&a);
        run_free(&b);
    }
}

static void test_nonconvergence(void)
{
    T_SECTION("non-convergence");
    run_t full = fit("logit", "y ~ x1 + x3", NULL);
    run_t r = fit("logit", "y ~ x1 + x3", "--maxit 2");
    T_EQ_INT(r.rc, 1, "logit exit");
    T_CHECK(r.err && strstr(r.err, "did not converge"), "logit says so");
    T_CHECK(r.s && !r.s->converged && r.s->stop == RHAZ_STOP_MAXITER &&
            r.s->iterations == 2, "logit: not converged, 2 iterations");
    T_CHECK(has_warning(r.s, "did not converge", NULL), "logit warning in output");
    /* the last iterate: close to, but not, the optimum */
    T_CHECK(r.s && full.s && r.s->coef[1].estimate != full.s->coef[1].estimate &&
            fabs(r.s->coef[1].estimate - full.s->coef[1].estimate) < 1e-2,
            "logit last iterate");
    run_free(&r);
    r = fit("logit", "y ~ x1 + x3", "--maxit 2 --keep-unconverged");
    T_EQ_INT(r.rc, 0, "logit --keep-unconverged");
    T_CHECK(r.s && !r.s->converged, "still reported as not converged");
    run_free(&r);
    run_free(&full);

    full = fit("cox", "Surv(time, status) ~ x1 + x3", NULL);
    r = fit("cox", "Surv(time, status) ~ x1 + x3", "--max-iter 1");
    T_EQ_INT(r.rc, 1, "cox exit");
    T_CHECK(r.err && strstr(r.err, "did not converge"), "cox says so");
    T_CHECK(r.s && !r.s->converged && r.s->stop == RHAZ_STOP_MAXITER,
            "cox: not converged");
    T_CHECK(r.s && full.s && r.s->coef[0].estimate != full.s->coef[0].estimate &&
            fabs(r.s->coef[0].estimate - full.s->coef[0].estimate) < 0.1,
            "cox last iterate");
    run_free(&r);
    r = fit("cox", "Surv(time, status) ~ x1 + x3", "--maxit 1 --keep-unconverged");
    T_EQ_INT(r.rc, 0, "cox --keep-unconverged (--maxit as in model files)");
    T_CHECK(r.s && !r.s->converged, "still reported as not converged");
    run_free(&r);
    run_free(&full);
}

int main(void)
{
    test_collinear();
    test_events();
    test_separation();
    test_scale();
    test_nonconvergence();
    return t_summary();
}
