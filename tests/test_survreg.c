/* test_survreg.c -- parametric survival models against R survival 3.5-3.
 *
 * The cases are tests/reference/survreg_cases.csv, their data
 * tests/fixtures/survreg_*.csv and R's answers tests/reference/
 * survreg_ref_values.csv (made by tests/reference/survreg_ref.R:
 * survreg for right-censored data, a Newton fit on deriv() derivatives
 * for delayed entry, which survreg lacks).  The largest relative
 * difference per quantity is printed and asserted below TOL, the
 * agreement achieved.  Then the splitting identity: lung's spells cut
 * into (start, stop] pieces of 100 days give the unsplit fit (estimates,
 * model-based SEs, log-likelihood; the sandwich clustered by subject on
 * the split data equals the per-row sandwich of the unsplit data).
 * Then fits on 1, 2 and 3 threads give the same results bit for bit,
 * and the intercept-only model fitted on grouped rows gives the
 * log-likelihood of the ungrouped fit.
 */
#include "harness.h"
#include "rhaz.h"

#define TOL 1e-11
#define TOL_SPLIT 1e-12

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

static double maxrel[4];
static const char *qname[4] = {"coef", "se", "loglik", "loglik0"};

static void cmp(int q, const char *cs, double got, double want)
{
    double rel = fabs(got - want) / (fabs(want) > 1e-300 ? fabs(want) : 1);
    if (!(rel <= maxrel[q]))
        maxrel[q] = isnan(rel) ? INFINITY : rel;
    char name[96];
    snprintf(name, sizeof name, "%s %s", cs, qname[q]);
    T_REL(got, want, TOL, name);
}

static rhaz_fit_summary *fit(const rhaz_table *t, const char *formula,
                             const char *weights, rhaz_survreg_options *o)
{
    rhaz_error err;
    rhaz_formula *f = rhaz_formula_parse(formula, &err);
    T_CHECK(f != NULL, "parse %s: %s", formula, f ? "" : err.msg);
    if (!f)
        return NULL;
    rhaz_design_options dopt = {.weights = weights};
    rhaz_design *d = rhaz_design_build(f, t, &dopt, &err);
    T_CHECK(d != NULL, "design %s: %s", formula, d ? "" : err.msg);
    rhaz_fit_summary *s = d ? rhaz_survreg_fit(d, o, &err) : NULL;
    T_CHECK(!d || s != NULL, "fit %s: %s", formula, s ? "" : err.msg);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    return s;
}

static void reference_cases(void)
{
    rhaz_error err;
    const char *as_str[] = {"case", "what", NULL};
    rhaz_csv_options ro = {.as_string = as_str};
    ref = rhaz_table_read("tests/reference/survreg_ref_values.csv", &ro, &err);
    const char *cs_str[] = {"case", "data", "dist", "metric", "start", "stop",
                            "event", "covariates", "weights", "cluster", NULL};
    rhaz_csv_options co = {.as_string = cs_str};
    rhaz_table *cases = rhaz_table_read("tests/reference/survreg_cases.csv", &co, &err);
    T_CHECK(ref && cases, "reference tables: %s", err.msg);
    if (!ref || !cases)
        return;
    long robust_col = rhaz_table_find(cases, "robust");
    for (size_t r = 0; r < rhaz_table_nrow(cases); r++) {
#define COL(name) (rhaz_table_is_missing(cases, (size_t)rhaz_table_find(cases, name), r) \
                       ? NULL : rhaz_table_str(cases, (size_t)rhaz_table_find(cases, name), r))
        const char *cs = COL("case"), *data = COL("data"), *dist = COL("dist"),
                   *metric = COL("metric"), *start = COL("start"), *stop = COL("stop"),
                   *event = COL("event"), *covs = COL("covariates"),
                   *weights = COL("weights"), *cluster = COL("cluster");
#undef COL
        T_SECTION(cs);
        char path[256], formula[512], rhs[256];
        snprintf(path, sizeof path, "tests/fixtures/%s", data);
        rhaz_table *t = rhaz_table_read(path, NULL, &err);
        T_CHECK(t != NULL, "read %s", path);
        if (!t)
            continue;
        snprintf(rhs, sizeof rhs, "%s", covs);
        for (char *c = rhs; *c; c++)
            if (*c == ' ')
                *c = '+';
        if (start)
            snprintf(formula, sizeof formula, "Surv(%s, %s, %s) ~ %s%s%s%s", start,
                     stop, event, rhs, cluster ? " + cluster(" : "",
                     cluster ? cluster : "", cluster ? ")" : "");
        else
            snprintf(formula, sizeof formula, "Surv(%s, %s) ~ %s%s%s%s", stop, event,
                     rhs, cluster ? " + cluster(" : "", cluster ? cluster : "",
                     cluster ? ")" : "");
        rhaz_survreg_options o = {0};
        T_CHECK(rhaz_surv_dist_parse(dist, &o.dist) == RHAZ_OK, "dist %s", dist);
        o.metric = strcmp(metric, "ph") == 0 ? RHAZ_METRIC_PH : RHAZ_METRIC_AFT;
        o.vce = cluster ? RHAZ_VCE_CLUSTER
                : rhaz_table_num(cases, (size_t)robust_col)[r] == 1 ? RHAZ_VCE_ROBUST
                                                                    : RHAZ_VCE_MODEL;
        rhaz_fit_summary *s = fit(t, formula, weights, &o);
        if (s) {
            double want[64];
            size_t k = ref_get(cs, "coef", want, 64);
            T_EQ_INT(s->p, k, "number of coefficients");
            T_CHECK(s->converged, "%s converged", cs);
            for (size_t j = 0; j < k && j < s->p; j++)
                cmp(0, cs, s->coef[j].estimate, want[j]);
            ref_get(cs, "se", want, 64);
            for (size_t j = 0; j < k && j < s->p; j++)
                cmp(1, cs, s->coef[j].std_error, want[j]);
            ref_get(cs, "loglik", want, 64);
            cmp(2, cs, s->loglik, want[0]);
            ref_get(cs, "loglik0", want, 64);
            cmp(3, cs, s->loglik_null, want[0]);
            T_EQ_STR(s->coef[s->p - 1].term,
                     o.dist == RHAZ_SURV_EXPONENTIAL ? s->coef[s->p - 1].term
                     : o.metric == RHAZ_METRIC_PH    ? "log(p)"
                                                     : "log(scale)",
                     "scale term name");
        }
        rhaz_fit_summary_free(s);
        rhaz_table_free(t);
    }
    rhaz_table_free(cases);
    rhaz_table_free(ref);
    for (int q = 0; q < 4; q++)
        printf("survreg vs R: %-8s max rel diff %.2e\n", qname[q], maxrel[q]);
}

/* lung cut at multiples of 100 days into (start, stop] rows */
static void split_identity(void)
{
    T_SECTION("split");
    rhaz_error err;
    rhaz_table *t = rhaz_table_read("tests/fixtures/survreg_lung.csv", NULL, &err);
    T_CHECK(t != NULL, "read lung");
    if (!t)
        return;
    size_t n = rhaz_table_nrow(t), m = 0, cap = 16 * n;
    const double *time = rhaz_table_num(t, (size_t)rhaz_table_find(t, "time"));
    const double *st = rhaz_table_num(t, (size_t)rhaz_table_find(t, "status"));
    const double *age = rhaz_table_num(t, (size_t)rhaz_table_find(t, "age"));
    const double *sex = rhaz_table_num(t, (size_t)rhaz_table_find(t, "sex"));
    double *c[7];
    for (int k = 0; k < 7; k++)
        c[k] = malloc(cap * sizeof(double));
    for (size_t i = 0; i < n; i++)
        for (double a = 0; a < time[i]; a += 100) {
            double b = a + 100 < time[i] ? a + 100 : time[i];
            c[0][m] = (double)i;
            c[1][m] = a;
            c[2][m] = b;
            c[3][m] = b == time[i] ? st[i] : 0;
            c[4][m] = age[i];
            c[5][m] = sex[i];
            c[6][m] = (double)i; /* unsplit: id, to cluster on */
            m++;
        }
    T_CHECK(m > 2 * n, "split gives more rows (%zu from %zu)", m, n);
    rhaz_table *sp = rhaz_table_new("split", &err);
    const char *names[] = {"id", "start", "stop", "status", "age", "sex"};
    for (int k = 0; k < 6; k++)
        rhaz_table_add_numeric(sp, names[k], c[k], m, &err);
    rhaz_table *un = rhaz_table_new("unsplit", &err);
    double *ids = malloc(n * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = (double)i;
    rhaz_table_add_numeric(un, "id", ids, n, &err);
    rhaz_table_add_numeric(un, "time", time, n, &err);
    rhaz_table_add_numeric(un, "status", st, n, &err);
    rhaz_table_add_numeric(un, "age", age, n, &err);
    rhaz_table_add_numeric(un, "sex", sex, n, &err);
    double worst[3] = {0, 0, 0};
    for (int dist = 0; dist < RHAZ_SURV_NDIST; dist++) {
        for (int robust = 0; robust < 2; robust++) {
            rhaz_survreg_options o = {.dist = (rhaz_surv_dist)dist};
            o.vce = robust ? RHAZ_VCE_CLUSTER : RHAZ_VCE_MODEL;
            rhaz_fit_summary *a = fit(un, robust ? "Surv(time, status) ~ age + sex + cluster(id)"
                                                 : "Surv(time, status) ~ age + sex", NULL, &o);
            rhaz_fit_summary *b = fit(sp, robust ? "Surv(start, stop, status) ~ age + sex + cluster(id)"
                                                 : "Surv(start, stop, status) ~ age + sex", NULL, &o);
            if (a && b && a->p == b->p) {
                char nm[64];
                snprintf(nm, sizeof nm, "%s%s", rhaz_surv_dist_name(o.dist),
                         robust ? " robust" : "");
                T_SECTION(nm);
                for (size_t j = 0; j < a->p; j++) {
                    T_REL(b->coef[j].estimate, a->coef[j].estimate, TOL_SPLIT, "split coef");
                    T_REL(b->coef[j].std_error, a->coef[j].std_error, TOL_SPLIT, "split se");
                    double r0 = fabs(b->coef[j].estimate / a->coef[j].estimate - 1);
                    double r1 = fabs(b->coef[j].std_error / a->coef[j].std_error - 1);
                    worst[0] = r0 > worst[0] ? r0 : worst[0];
                    worst[1] = r1 > worst[1] ? r1 : worst[1];
                }
                T_REL(b->loglik, a->loglik, TOL_SPLIT, "split loglik");
                double r2 = fabs(b->loglik / a->loglik - 1);
                worst[2] = r2 > worst[2] ? r2 : worst[2];
                T_CHECK(b->converged && a->converged, "both converged");
            }
            rhaz_fit_summary_free(a);
            rhaz_fit_summary_free(b);
        }
    }
    printf("split vs unsplit: coef %.2e, se %.2e, loglik %.2e\n", worst[0], worst[1],
           worst[2]);
    for (int k = 0; k < 7; k++)
        free(c[k]);
    free(ids);
    rhaz_table_free(sp);
    rhaz_table_free(un);
    rhaz_table_free(t);
}

/* estimates, SEs, vcov, log-likelihoods and iterations of b equal a's
 * bit for bit */
static int same_fit(const rhaz_fit_summary *a, const rhaz_fit_summary *b)
{
    int same = a->p == b->p && a->iterations == b->iterations &&
               !memcmp(&a->loglik, &b->loglik, sizeof a->loglik) &&
               !memcmp(&a->loglik_null, &b->loglik_null, sizeof a->loglik_null) &&
               !memcmp(a->vcov, b->vcov, a->p * a->p * sizeof *a->vcov);
    for (size_t j = 0; same && j < a->p; j++)
        same = !memcmp(&a->coef[j].estimate, &b->coef[j].estimate, sizeof(double)) &&
               !memcmp(&a->coef[j].std_error, &b->coef[j].std_error, sizeof(double));
    return same;
}

/* uniform on (0, 1) from a 64-bit LCG state */
static double unif(unsigned long long *u)
{
    *u = *u * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(*u >> 11) + 0.5) * 0x1.0p-53;
}

/* a table of k numeric columns of n rows */
static rhaz_table *table_of(const char *name, const char *const *names, double *const *c,
                            int k, size_t n)
{
    rhaz_error err;
    rhaz_table *t = rhaz_table_new(name, &err);
    for (int j = 0; t && j < k; j++)
        rhaz_table_add_numeric(t, names[j], c[j], n, &err);
    return t;
}

/* A fit on two threads or more gives the results of one thread bit for
 * bit (the likelihood is summed over two halves of the rows fixed by n;
 * rhaz_survreg_options.threads only places them): 10,000 simulated
 * Weibull rows with delayed entry, two covariates, clustered; every
 * distribution, and a cure model (same engine). */
static void threads_identical(void)
{
    T_SECTION("threads: identical results");
    enum { N = 10000 }; /* two parts from 8,192 rows */
    double *c[7];
    for (int k = 0; k < 7; k++)
        c[k] = malloc(N * sizeof(double));
    unsigned long long u = 11;
    for (size_t i = 0; i < N; i++) {
        double x1 = unif(&u) - 0.5, x2 = floor(unif(&u) * 5);
        double T = exp(1 + 0.5 * x1 - 0.1 * x2 + 0.7 * log(-log(unif(&u))));
        double C = exp(1.5 + unif(&u)), t = T < C ? T : C;
        c[0][i] = unif(&u) < 0.3 ? t * unif(&u) : 0; /* entry */
        c[1][i] = t;
        c[2][i] = T < C;
        c[3][i] = x1;
        c[4][i] = x2;
        c[5][i] = (double)(i / 40);
        c[6][i] = unif(&u) - 0.5;
    }
    rhaz_error err;
    const char *names[] = {"t0", "t", "ev", "x1", "x2", "cl", "z"};
    rhaz_table *t = table_of("threads", names, c, 7, N);
    rhaz_formula *f = rhaz_formula_parse("Surv(t0, t, ev) ~ x1 + x2", &err);
    rhaz_formula *fr = rhaz_formula_parse("~ z", &err);
    rhaz_design_options dopt = {.cluster = "cl"};
    rhaz_design *d = f ? rhaz_design_build(f, t, &dopt, &err) : NULL;
    rhaz_design *dr = fr ? rhaz_design_build(fr, t, NULL, &err) : NULL;
    T_CHECK(d && dr, "designs: %s", err.msg);
    const int th[3] = {1, 2, 3};
    for (int dist = 0; d && dr && dist <= RHAZ_SURV_NDIST; dist++) {
        int cure = dist == RHAZ_SURV_NDIST; /* the last round: a cure model */
        rhaz_fit_summary *s[3] = {NULL, NULL, NULL};
        for (int k = 0; k < 3; k++) {
            rhaz_survreg_options o = {.dist = cure ? RHAZ_SURV_WEIBULL : (rhaz_surv_dist)dist,
                                      .vce = RHAZ_VCE_CLUSTER, .threads = th[k]};
            s[k] = cure ? rhaz_cure_fit(d, dr, &o, &err) : rhaz_survreg_fit(d, &o, &err);
            T_CHECK(s[k] != NULL, "fit with %d threads: %s", th[k], s[k] ? "" : err.msg);
        }
        const char *nm = cure ? "cure" : rhaz_surv_dist_name((rhaz_surv_dist)dist);
        if (s[0] && s[1] && s[2]) {
            T_CHECK(s[0]->converged && s[0]->n == N, "%s: converged on %zu rows", nm, s[0]->n);
            for (int k = 1; k < 3; k++)
                T_CHECK(same_fit(s[0], s[k]), "%s, %d threads: estimates, SEs, vcov and "
                        "log-likelihoods identical to 1 thread", nm, th[k]);
        }
        for (int k = 0; k < 3; k++)
            rhaz_fit_summary_free(s[k]);
    }
    rhaz_design_free(d);
    rhaz_design_free(dr);
    rhaz_formula_free(f);
    rhaz_formula_free(fr);
    rhaz_table_free(t);
    for (int k = 0; k < 7; k++)
        free(c[k]);
}

/* The intercept-only model of the LR test is fitted on the distinct
 * (start, stop, event, weight) rows weighted by their counts when they
 * are at most half the rows: its log-likelihood and the model's equal
 * those of the same data without ties (the intercept-only fit with
 * p = 1 is the model itself, never grouped), to rounding.  Yearly
 * integer times, delayed entry, case weights. */
static void null_grouped(void)
{
    T_SECTION("intercept-only model on grouped rows");
    enum { N = 3000 };
    double *c[5];
    for (int k = 0; k < 5; k++)
        c[k] = malloc(N * sizeof(double));
    unsigned long long u = 5;
    for (size_t i = 0; i < N; i++) {
        double x = unif(&u) - 0.5;
        double T = ceil(exp(2 + 0.5 * x + 0.6 * log(-log(unif(&u)))));
        double t = T < 20 ? T : 20;
        c[0][i] = unif(&u) < 0.3 ? floor(t * unif(&u)) : 0;
        c[1][i] = t;
        c[2][i] = T <= 20;
        c[3][i] = x;
        c[4][i] = 1 + floor(unif(&u) * 3); /* weights 1, 2, 3 */
    }
    const char *names[] = {"t0", "t", "ev", "x", "w"};
    rhaz_table *t = table_of("tied", names, c, 5, N);
    for (int dist = 0; dist < RHAZ_SURV_NDIST; dist++) {
        rhaz_survreg_options o = {.dist = (rhaz_surv_dist)dist};
        rhaz_fit_summary *a = fit(t, "Surv(t0, t, ev) ~ x", "w", &o);
        rhaz_fit_summary *b = fit(t, "Surv(t0, t, ev) ~ 1", "w", &o);
        if (a && b) {
            T_CHECK(a->converged && b->converged, "%s: both converged",
                    rhaz_surv_dist_name(o.dist));
            T_REL(a->loglik_null, b->loglik, 1e-13, "grouped intercept-only loglik");
            T_CHECK(a->lr_stat > 0, "LR statistic %g", a->lr_stat);
        }
        rhaz_fit_summary_free(a);
        rhaz_fit_summary_free(b);
    }
    rhaz_table_free(t);
    for (int k = 0; k < 5; k++)
        free(c[k]);
}

/* bad input: named rows and options */
static void bad_input(void)
{
    T_SECTION("bad");
    rhaz_error err;
    const char *csv = "t,d,x\n1,1,0.5\n0,0,1\n2,1,0.1\n";
    rhaz_table *t = rhaz_table_read_mem(csv, strlen(csv), "mem", NULL, &err);
    rhaz_formula *f = rhaz_formula_parse("Surv(t, d) ~ x", &err);
    rhaz_design *d = rhaz_design_build(f, t, NULL, &err);
    rhaz_survreg_options o = {0};
    rhaz_fit_summary *s = rhaz_survreg_fit(d, &o, &err);
    T_CHECK(s == NULL && strstr(err.msg, "row 2"), "time 0 named: %s", err.msg);
    o.dist = RHAZ_SURV_LOGNORMAL;
    o.metric = RHAZ_METRIC_PH;
    s = rhaz_survreg_fit(d, &o, &err);
    T_CHECK(s == NULL && strstr(err.msg, "proportional-hazards"), "ph lognormal: %s",
            err.msg);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
}

/* the command line: fit, JSON back through rhaz table, non-convergence */
static void cli(void)
{
    T_SECTION("cli");
    char *out = NULL, *err = NULL;
    const char *js = t_tmp("weibull.json");
    char args[1024];
    snprintf(args, sizeof args,
             "fit weibull --data tests/fixtures/survreg_lung.csv --formula "
             "'Surv(time, status) ~ age + sex + ph.ecog' --format json --out %s", js);
    T_EQ_INT(t_run(args, &out, &err), 0, "fit weibull json");
    free(out);
    free(err);
    rhaz_error e;
    rhaz_fit_summary *s = rhaz_fit_summary_read_json(js, &e);
    T_CHECK(s != NULL, "read back: %s", s ? "" : e.msg);
    if (s) {
        T_EQ_STR(s->model, "weibull", "model");
        T_EQ_STR(s->coef[4].term, "log(scale)", "term");
        /* survreg: log(scale) -0.30921202... (survreg_ref_values.csv) */
        T_REL(s->coef[4].estimate, -0.30921202549404048, 1e-10, "log(scale) via JSON");
    }
    rhaz_fit_summary_free(s);
    snprintf(args, sizeof args, "table %s", js);
    T_EQ_INT(t_run(args, &out, &err), 0, "rhaz table");
    T_CHECK(out && strstr(out, "log(scale)"), "table has log(scale)");
    free(out);
    free(err);
    remove(js);
    T_EQ_INT(t_run("fit weibull --maxit 1 --data tests/fixtures/survreg_lung.csv "
                   "--formula 'Surv(time, status) ~ age + sex'", &out, &err),
             1, "non-convergence exits 1");
    T_CHECK(out && strstr(out, "NOT CONVERGED"), "output says NOT CONVERGED");
    T_CHECK(err && strstr(err, "did not converge") && t_count_lines(err) == 1,
            "one-line message: %s", err ? err : "");
    free(out);
    free(err);
    T_EQ_INT(t_run("fit weibull --maxit 1 --keep-unconverged --data "
                   "tests/fixtures/survreg_lung.csv --formula 'Surv(time, status) ~ age'",
                   &out, &err), 0, "--keep-unconverged exits 0");
    free(out);
    free(err);
}

/* model files: [model] type = weibull / cure with their keys (metric,
 * atrisk, dist), run by rhaz run, give the reference values */
static void model_file(void)
{
    T_SECTION("model file");
    const char *mf = t_tmp("surv.model"), *dir = t_tmp("surv-out");
    FILE *fp = fopen(mf, "w");
    T_CHECK(fp != NULL, "write model file");
    if (!fp)
        return;
    /* the model file is in /tmp: its data paths are absolute */
    char cwd[1024];
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';
    fprintf(fp, "[model w]\ntype = weibull\ndata = %s/tests/fixtures/survreg_lung.csv\n"
          "formula = Surv(time, status) ~ age + sex + ph.ecog\nmetric = ph\n\n"
          "[model c]\ntype = cure\ndata = %s/tests/fixtures/cure_coups.csv\n"
          "formula = Surv(t.0, duration, failure) ~ polity2\natrisk = ~ polity2\n"
          "dist = loglogistic\n\n[table t]\nmodels = w c\n", cwd, cwd);
    fclose(fp);
    char args[1024], *out = NULL, *err = NULL, path[512];
    snprintf(args, sizeof args, "run --quiet %s --out %s", mf, dir);
    T_EQ_INT(t_run(args, &out, &err), 0, "rhaz run");
    free(out);
    free(err);
    rhaz_error e;
    snprintf(path, sizeof path, "%s/models/w.json", dir);
    rhaz_fit_summary *s = rhaz_fit_summary_read_json(path, &e);
    T_CHECK(s != NULL, "w.json");
    if (s && s->p == 5) {
        /* lung_weibull_ph in survreg_ref_values.csv: ph.ecog and log(p) */
        T_REL(s->coef[3].estimate, 0.47010120120093812, 1e-10, "ph.ecog (PH)");
        T_EQ_STR(s->coef[4].term, "log(p)", "log(p) term");
        T_EQ_STR(s->link, "ph", "metric in link");
    }
    rhaz_fit_summary_free(s);
    snprintf(path, sizeof path, "%s/models/c.json", dir);
    s = rhaz_fit_summary_read_json(path, &e);
    T_CHECK(s != NULL, "c.json");
    if (s) {
        T_REL(s->loglik, -317.63710116396629, 1e-10, "cure log-logistic loglik");
        T_EQ_STR(s->link, "loglogistic", "cure distribution");
    }
    rhaz_fit_summary_free(s);
    snprintf(args, sizeof args, "rm -rf '%s' '%s'", dir, mf);
    T_CHECK(system(args) == 0, "clean up");
}

int main(void)
{
    reference_cases();
    split_identity();
    threads_identical();
    null_grouped();
    bad_input();
    cli();
    model_file();
    return t_summary();
}
