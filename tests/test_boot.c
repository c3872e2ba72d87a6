/* test_boot.c -- the bootstrap (rhaz/boot.h) and sharded runs
 * (rhaz/parts.h, rhaz combine):
 *   - the random streams are stable (the committed draws) and a replicate
 *     resample fitted by rhaz equals R's fit of the same resample
 *     (tests/reference/boot_ref.R: glm, coxph Efron, clogit with a stratum
 *     per copy, survreg Weibull);
 *   - results do not depend on threads or shards: 1, 2 and 4 shards
 *     combined, and any thread count, give byte-identical output (and so
 *     do Rubin's rules over shards of imputations);
 *   - the cluster-bootstrap SEs agree with the cluster-robust SEs on a
 *     simulated panel within the bootstrap's sampling error;
 *   - failed replicates are counted, option and part-file errors.
 * `test_boot --write-draws` writes tests/reference/boot_draws.csv (the
 * draws boot_ref.R resamples with). */
#include "harness.h"
#include "rhaz.h"

#define SIM "tests/reference/boot_sim.csv"
#define DRAWS "tests/reference/boot_draws.csv"
#define SEED 17
#define NREP 5 /* replicates checked against R */
#define G 150  /* states in SIM */

/* achieved 1.7e-12 (weibull; glm, cox, clogit ~1e-14): printed */
#define TOL_R 1e-10

static rhaz_table *sim;

static int write_draws(void)
{
    FILE *fp = fopen(DRAWS, "w");
    size_t u[G];
    rhaz_error e;
    if (!fp)
        return 1;
    fprintf(fp, "replicate,draw,unit\n");
    for (size_t k = 1; k <= NREP; k++) {
        if (rhaz_boot_draws(SEED, k, G, u, &e))
            return 1;
        for (size_t j = 0; j < G; j++)
            fprintf(fp, "%zu,%zu,%zu\n", k, j + 1, u[j]);
    }
    return fclose(fp) != 0;
}

static void test_draws(void)
{
    T_SECTION("random streams");
    rhaz_error e;
    rhaz_table *t = rhaz_table_read(DRAWS, NULL, &e);
    T_CHECK(t != NULL, "%s: %s", DRAWS, e.msg);
    if (!t)
        return;
    const double *k = rhaz_table_num(t, 0), *u = rhaz_table_num(t, 2);
    size_t n = rhaz_table_nrow(t), bad = 0, d[G];
    T_EQ_INT(n, NREP * G, "draws in the file");
    for (size_t i = 0; i < n; i++) {
        if (i % G == 0)
            rhaz_boot_draws(SEED, (size_t)k[i], G, d, &e);
        bad += d[i % G] != (size_t)u[i];
    }
    T_EQ_INT(bad, 0, "the draws of seed 17, replicates 1-5, as committed");
    rhaz_table_free(t);
    /* streams: another seed differs; replicates of one seed differ */
    size_t a[G], b[G], c[G];
    rhaz_boot_draws(SEED, 1, G, a, &e);
    rhaz_boot_draws(SEED + 1, 1, G, b, &e);
    rhaz_boot_draws(SEED, 2, G, c, &e);
    T_CHECK(memcmp(a, b, sizeof a) != 0 && memcmp(a, c, sizeof a) != 0,
            "seeds and replicates have their own streams");
    /* shard ranges tile 1..R with sizes differing by at most one */
    size_t next = 0, lo = 1000, hi = 0;
    for (size_t s = 1; s <= 7; s++) {
        size_t f, l;
        rhaz_boot_shard_range(100, s, 7, &f, &l);
        T_EQ_INT(f, next, "shard starts where the last ended");
        next = l;
        lo = l - f < lo ? l - f : lo;
        hi = l - f > hi ? l - f : hi;
    }
    T_EQ_INT(next, 100, "7 shards cover 100 replicates");
    T_CHECK(hi - lo <= 1, "shard sizes %zu..%zu", lo, hi);
}

typedef struct {
    rhaz_formula *f;
    rhaz_design *d;
    rhaz_glm_options glm;
    rhaz_cox_options cox;
    rhaz_clogit_options cl;
    rhaz_survreg_options sv;
    rhaz_boot_model m;
} model;

static int model_make(model *mo, const char *family, rhaz_error *e)
{
    static const struct {
        const char *name, *formula;
        rhaz_boot_family fam;
        int drop, sparse;
    } fs[] = {
        {"logit", "y ~ x1 + factor(region)", RHAZ_BOOT_GLM, 0, 1},
        {"cox", "Surv(start, stop, y) ~ x1 + factor(region)", RHAZ_BOOT_COX, 1, 0},
        {"clogit", "y ~ x1 + strata(state)", RHAZ_BOOT_CLOGIT, 1, 0},
        {"weibull", "Surv(stop, y) ~ x1 + factor(region)", RHAZ_BOOT_SURVREG, 0, 0},
    };
    memset(mo, 0, sizeof *mo);
    for (size_t k = 0; k < sizeof fs / sizeof fs[0]; k++) {
        if (strcmp(fs[k].name, family) != 0)
            continue;
        rhaz_design_options o = {.cluster = "state", .drop_intercept = fs[k].drop,
                                 .sparse_indicators = fs[k].sparse};
        if (!(mo->f = rhaz_formula_parse(fs[k].formula, e)) ||
            !(mo->d = rhaz_design_build(mo->f, sim, &o, e)))
            return -1;
        rhaz_cox_options_default(&mo->cox);
        rhaz_clogit_options_default(&mo->cl);
        mo->m = (rhaz_boot_model){.family = fs[k].fam, .design = mo->d, .glm = &mo->glm,
                                  .cox = &mo->cox, .clogit = &mo->cl, .surv = &mo->sv};
        return 0;
    }
    return -1;
}

static void model_free(model *mo)
{
    rhaz_design_free(mo->d);
    rhaz_formula_free(mo->f);
}

static void test_against_r(void)
{
    T_SECTION("replicates against R");
    rhaz_error e;
    rhaz_table *ref = rhaz_table_read("tests/reference/boot_ref_values.csv", NULL, &e);
    T_CHECK(ref != NULL, "reference: %s", e.msg);
    if (!ref)
        return;
    size_t nr = rhaz_table_nrow(ref);
    const double *rk = rhaz_table_num(ref, 1), *rv = rhaz_table_num(ref, 3);
    static const char *const fams[] = {"logit", "cox", "clogit", "weibull"};
    for (size_t f = 0; f < 4; f++) {
        model mo;
        T_CHECK(model_make(&mo, fams[f], &e) == 0, "%s design: %s", fams[f], e.msg);
        rhaz_boot_options bo = {.reps = NREP, .seed = SEED, .threads = 2};
        rhaz_boot *b = mo.d ? rhaz_boot_run(&mo.m, &bo, &e) : NULL;
        T_CHECK(b != NULL, "%s: bootstrap ran: %s", fams[f], e.msg);
        double worst = 0;
        size_t matched = 0;
        for (size_t i = 0; b && i < nr; i++) {
            if (strcmp(rhaz_table_str(ref, 0, i), fams[f]) != 0)
                continue;
            const char *term = rhaz_table_str(ref, 2, i);
            size_t k = (size_t)rk[i] - 1;
            for (size_t j = 0; j < b->p; j++)
                if (strcmp(b->terms[j], term) == 0) {
                    double got = b->est[k * b->p + j];
                    double d = fabs(got - rv[i]) / fmax(fabs(rv[i]), 1e-300);
                    worst = d > worst || isnan(d) ? (isnan(d) ? INFINITY : d) : worst;
                    matched++;
                }
        }
        for (size_t k = 0; b && k < NREP; k++)
            T_EQ_INT(b->status[k], RHAZ_REP_OK, "replicate status");
        T_CHECK(matched > 0 && matched == (b ? b->p * NREP : 0),
                "%s: every term of every replicate has its R value (%zu)", fams[f],
                matched);
        printf("%s: replicates 1-%d agree with R to %.2g (relative)\n", fams[f], NREP,
               worst);
        T_CHECK(worst < TOL_R, "%s: replicate estimates vs R (%.3g)", fams[f], worst);
        rhaz_boot_free(b);
        model_free(&mo);
    }
    rhaz_table_free(ref);
}

static int same_boot(const rhaz_boot *a, const rhaz_boot *b)
{
    size_t cnt = a->last - a->first;
    return a->p == b->p && a->first == b->first && a->last == b->last &&
           memcmp(a->status, b->status, cnt * sizeof *a->status) == 0 &&
           memcmp(a->est, b->est, cnt * a->p * sizeof *a->est) == 0;
}

static void test_threads_shards(void)
{
    T_SECTION("threads and shards");
    rhaz_error e;
    model mo;
    if (model_make(&mo, "cox", &e)) {
        T_CHECK(0, "cox design: %s", e.msg);
        return;
    }
    rhaz_boot_options o1 = {.reps = 23, .seed = 3, .threads = 1};
    rhaz_boot_options o3 = {.reps = 23, .seed = 3, .threads = 3};
    rhaz_boot *b1 = rhaz_boot_run(&mo.m, &o1, &e), *b3 = rhaz_boot_run(&mo.m, &o3, &e);
    T_CHECK(b1 && b3 && same_boot(b1, b3), "1 and 3 threads: identical replicates");
    rhaz_boot *parts[4] = {0};
    for (size_t s = 0; s < 4; s++) {
        rhaz_boot_options os = {.reps = 23, .seed = 3, .threads = 2};
        rhaz_boot_shard_range(23, s + 1, 4, &os.first, &os.last);
        parts[s] = rhaz_boot_run(&mo.m, &os, &e);
    }
    /* merge in another order than 1..4 */
    const rhaz_boot *ord[4] = {parts[2], parts[0], parts[3], parts[1]};
    rhaz_boot *mg = parts[0] && parts[1] && parts[2] && parts[3]
                        ? rhaz_boot_merge(ord, 4, &e) : NULL;
    T_CHECK(mg && b1 && same_boot(mg, b1), "4 shards merged: identical replicates");
    const rhaz_boot *miss[3] = {parts[0], parts[1], parts[3]};
    T_CHECK(!rhaz_boot_merge(miss, 3, &e) && strstr(e.msg, "in no part"),
            "a missing shard is named: %s", e.msg);
    const rhaz_boot *twice[5] = {parts[0], parts[1], parts[1], parts[2], parts[3]};
    T_CHECK(!rhaz_boot_merge(twice, 5, &e) && strstr(e.msg, "two parts"),
            "a repeated shard is named: %s", e.msg);
    rhaz_fit_summary *base = rhaz_boot_fit(&mo.m, &e);
    T_CHECK(base && !rhaz_boot_summary(base, parts[1], &e) && strstr(e.msg, "combine"),
            "a summary of one shard is refused: %s", e.msg);
    rhaz_fit_summary_free(base);
    for (size_t s = 0; s < 4; s++)
        rhaz_boot_free(parts[s]);
    rhaz_boot_free(mg);
    rhaz_boot_free(b1);
    rhaz_boot_free(b3);
    model_free(&mo);
}

/* cluster-bootstrap SEs against cluster-robust SEs on the simulated panel.
 * The bootstrap SE from R replicates has a Monte Carlo relative SD of
 * about 1/sqrt(2 (R - 1)) (3.2% at R = 500); the check allows 3 such SDs
 * (9.5%) for the ratio of the two SEs of every coefficient (achieved:
 * 0.971 to 1.025 over 7 coefficients of a logit and a Cox model). */
#define SE_REPS 500
static void test_vs_sandwich(void)
{
    T_SECTION("cluster bootstrap vs cluster-robust SEs");
    static const char *const fams[] = {"logit", "cox"};
    double tol = 3 / sqrt(2.0 * (SE_REPS - 1));
    for (size_t f = 0; f < 2; f++) {
        rhaz_error e;
        model mo;
        if (model_make(&mo, fams[f], &e)) {
            T_CHECK(0, "%s design: %s", fams[f], e.msg);
            continue;
        }
        rhaz_fit_summary *cr = NULL;
        if (f == 0) {
            rhaz_glm_options go = {.vce = RHAZ_VCE_CLUSTER, .vce_adj = RHAZ_ADJ_G};
            cr = rhaz_glm_fit(mo.d, &go, &e);
        } else {
            rhaz_cox_data cd;
            rhaz_cox_data_from_design(&cd, mo.d);
            rhaz_cox_options co;
            rhaz_cox_options_default(&co);
            co.robust = 1;
            rhaz_cox *fit = rhaz_cox_fit(&cd, &co, &e);
            cr = fit ? rhaz_cox_summary(fit, (const char *const *)mo.d->colnames, NULL,
                                        0.95, &e) : NULL;
            rhaz_cox_free(fit);
        }
        rhaz_boot_options bo = {.reps = SE_REPS, .seed = 2026, .threads = 2};
        rhaz_boot *b = rhaz_boot_run(&mo.m, &bo, &e);
        rhaz_fit_summary *base = b ? rhaz_boot_fit(&mo.m, &e) : NULL;
        rhaz_fit_summary *s = base ? rhaz_boot_summary(base, b, &e) : NULL;
        T_CHECK(cr && s, "%s: fits: %s", fams[f], e.msg);
        for (size_t j = 0; cr && s && j < s->p; j++) {
            double ratio = s->coef[j].std_error / cr->coef[j].std_error;
            printf("%s %-22s cluster-robust SE %.4f, bootstrap SE %.4f (R = %d): ratio "
                   "%.3f\n", fams[f], s->coef[j].term, cr->coef[j].std_error,
                   s->coef[j].std_error, SE_REPS, ratio);
            T_CHECK(fabs(ratio - 1) < tol, "%s %s: bootstrap/cluster-robust SE %.3f "
                    "(allowed 1 +- %.3f)", fams[f], s->coef[j].term, ratio, tol);
            /* the percentile interval brackets the estimate's bootstrap mean */
            T_CHECK(s->coef[j].pct_low < s->coef[j].estimate + s->coef[j].bias &&
                        s->coef[j].estimate + s->coef[j].bias < s->coef[j].pct_high,
                    "%s %s: percentile interval around the replicate mean", fams[f],
                    s->coef[j].term);
        }
        T_CHECK(s && s->vce == RHAZ_VCE_BOOTSTRAP && s->boot_reps == SE_REPS &&
                    s->boot_clustered && s->boot_units == G,
                "%s: the summary says what was resampled", fams[f]);
        rhaz_fit_summary_free(s);
        rhaz_fit_summary_free(base);
        rhaz_fit_summary_free(cr);
        rhaz_boot_free(b);
        model_free(&mo);
    }
}

/* ---- the command line ---- */

#define COX_ARGS                                                               \
    "fit cox --data " SIM " --formula 'Surv(start, stop, y) ~ x1 + factor(region)' " \
    "--vce bootstrap --cluster state --reps 30 --seed 11"

static int run_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run_ok(const char *fmt, ...)
{
    char args[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char *err = NULL;
    int rc = t_run(args, NULL, &err);
    if (rc != 0)
        fprintf(stderr, "rhaz %s: exit %d: %s\n", args, rc, err ? err : "");
    free(err);
    return rc;
}

static int same_file(const char *a, const char *b)
{
    char *x = t_slurp(a), *y = t_slurp(b);
    int same = x && y && strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}

/* t_tmp's buffers rotate: keep a copy */
static char *tmp(const char *name) { return strdup(t_tmp(name)); }

static void test_cli_identical(void)
{
    T_SECTION("command line: identical results");
    char *one = tmp("one.json"), *two = tmp("two.json");
    char *c1 = tmp("one.csv"), *txt = tmp("one.txt"), *txt2 = tmp("two.txt");
    T_EQ_INT(run_ok(COX_ARGS " --threads 1 --format json --out %s --replicates %s", one, c1),
             0, "single run");
    T_EQ_INT(run_ok(COX_ARGS " --threads 2 --format json --out %s", two), 0, "2 threads");
    T_CHECK(same_file(one, two), "1 and 2 threads: byte-identical JSON");
    T_EQ_INT(run_ok(COX_ARGS " --out %s", txt), 0, "text");
    T_EQ_INT(run_ok(COX_ARGS " --out %s", txt2), 0, "text again");
    T_CHECK(same_file(txt, txt2), "same seed: byte-identical text");
    char *t = t_slurp(txt);
    T_CHECK(t && strstr(t, "Bootstrap: 30 replicates (seed 11), each drawing 150 whole "
                           "clusters"), "the text states replicates, seed and clusters");
    T_CHECK(t && strstr(t, "bootstrap, 30 replicates resampling the 150 clusters of state"),
            "the variance line names the convention");
    free(t);
    static const int shards[] = {1, 2, 4};
    for (int s = 0; s < 3; s++) {
        int n = shards[s];
        char parts[1024] = "";
        for (int k = 1; k <= n; k++) {
            char name[32];
            snprintf(name, sizeof name, "part%d.json", k);
            const char *p = t_tmp(name);
            T_EQ_INT(run_ok(COX_ARGS " --threads %d --shard %d/%d --out %s", 1 + k % 2, k, n,
                            p), 0, "shard");
            snprintf(parts + strlen(parts), sizeof parts - strlen(parts), " %s", p);
        }
        char *cj = tmp("comb.json"), *cc = tmp("comb.csv"), *ct = tmp("comb.txt");
        T_EQ_INT(run_ok("combine --format json --out %s --replicates %s%s", cj, cc, parts), 0,
                 "combine json");
        T_EQ_INT(run_ok("combine --out %s%s", ct, parts), 0, "combine text");
        T_CHECK(same_file(one, cj), "%d shard(s) combined: byte-identical JSON", n);
        T_CHECK(same_file(c1, cc), "%d shard(s) combined: byte-identical replicates CSV", n);
        T_CHECK(same_file(txt, ct), "%d shard(s) combined: byte-identical text", n);
        remove(cj);
        remove(cc);
        remove(ct);
        free(cj);
        free(cc);
        free(ct);
    }
    char *csv = t_slurp(c1);
    T_EQ_INT(t_count_lines(csv), 31, "replicates CSV: header + 30 rows");
    T_CHECK(csv && strncmp(csv, "replicate,status,x1,factor(region)north,", 40) == 0,
            "replicates CSV header");
    free(csv);
    /* Rubin's rules over shards of imputations */
    char *mi = tmp("mi.json"), *mc = tmp("mic.json");
    const char *ma = "fit cox --imputations 'tests/reference/mi/imp*.csv' --formula "
                     "'Surv(time, status) ~ x1 + x2 + g'";
    T_EQ_INT(run_ok("%s --format json --out %s", ma, mi), 0, "pooled");
    char parts[1024] = "";
    for (int k = 3; k >= 1; k--) {
        char name[32];
        snprintf(name, sizeof name, "mip%d.json", k);
        const char *p = t_tmp(name);
        T_EQ_INT(run_ok("%s --shard %d/3 --out %s", ma, k, p), 0, "imputation shard");
        snprintf(parts + strlen(parts), sizeof parts - strlen(parts), " %s", p);
    }
    T_EQ_INT(run_ok("combine --format json --out %s%s", mc, parts), 0, "combine imputations");
    T_CHECK(same_file(mi, mc), "3 shards of 5 imputations: byte-identical pooled JSON");
    char *err = NULL;
    char args[1200];
    snprintf(args, sizeof args, "combine --replicates x.csv%s", parts);
    T_EQ_INT(t_run(args, NULL, &err), 2, "--replicates with imputation parts");
    free(err);
    for (int k = 1; k <= 4; k++) {
        char name[32];
        snprintf(name, sizeof name, "part%d.json", k);
        remove(t_tmp(name));
        snprintf(name, sizeof name, "mip%d.json", k);
        remove(t_tmp(name));
    }
    char *files[] = {one, two, c1, txt, txt2, mi, mc};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        remove(files[k]);
        free(files[k]);
    }
}

static void expect_fail(const char *args, int code, const char *msg)
{
    char *err = NULL;
    int rc = t_run(args, NULL, &err);
    T_EQ_INT(rc, code, args);
    T_CHECK(err && strstr(err, msg), "%s: message '%s' (got: %s)", args, msg,
            err ? err : "");
    free(err);
}

static void test_cli_errors(void)
{
    T_SECTION("command line: errors");
    char *p1 = tmp("e1.json"), *p2 = tmp("e2.json"), *q2 = tmp("f2.json");
    char a[1024];
    snprintf(a, sizeof a, COX_ARGS " --shard 1/2 --out %s", p1);
    run_ok("%s", a);
    snprintf(a, sizeof a, COX_ARGS " --shard 2/2 --out %s", p2);
    run_ok("%s", a);
    /* the same shard of another seed */
    snprintf(a, sizeof a, COX_ARGS " --seed 12 --shard 2/2 --out %s", q2);
    run_ok("%s", a);
    snprintf(a, sizeof a, "combine %s %s", p1, q2);
    expect_fail(a, 1, "another bootstrap run");
    snprintf(a, sizeof a, "combine %s", p1);
    expect_fail(a, 1, "shard 2 of 2 is missing");
    snprintf(a, sizeof a, "combine %s %s", p1, p1);
    expect_fail(a, 1, "shard 1 of 2 again");
    expect_fail("combine " SIM, 1, "not a JSON object");
    expect_fail("combine tests/reference/mi/imp1.csv", 1, "tests/reference/mi/imp1.csv");
    /* a full fit document is not a part */
    const char *fit = t_tmp("fit.json");
    snprintf(a, sizeof a, "fit logit --data " SIM " --formula 'y ~ x1' --format json --out %s",
             fit);
    run_ok("%s", a);
    snprintf(a, sizeof a, "combine %s", fit);
    expect_fail(a, 1, "not a part of a sharded run");
    remove(p1);
    remove(p2);
    remove(q2);
    remove(fit);
    free(p1);
    free(p2);
    free(q2);
}

/* a model file: vce = bootstrap, reps, seed as keys; the fit equals the
 * command line's */
static void test_model_file(void)
{
    T_SECTION("model file");
    char *mf = tmp("boot.model"), *out = tmp("bootrun"), *cl = tmp("cl.json");
    char path[600], args[1600], cwd[400];
    FILE *fp = fopen(mf, "w");
    if (!fp || !getcwd(cwd, sizeof cwd)) {
        T_CHECK(0, "model file written");
        return;
    }
    fprintf(fp, "[model coxb]\ntype = cox\ndata = %s/" SIM "\n"
                "formula = Surv(start, stop, y) ~ x1 + factor(region)\n"
                "cluster = state\nvce = bootstrap\nreps = 30\nseed = 11\n", cwd);
    fclose(fp);
    snprintf(args, sizeof args, "run %s --out %s", mf, out);
    T_EQ_INT(run_ok("%s", args), 0, "rhaz run");
    T_EQ_INT(run_ok(COX_ARGS " --format json --out %s", cl), 0, "command line");
    snprintf(path, sizeof path, "%s/models/coxb.json", out);
    T_CHECK(same_file(path, cl), "the model file's bootstrap fit = the command line's");
    snprintf(args, sizeof args, "rm -rf '%s'", out);
    if (system(args) != 0)
        fprintf(stderr, "could not remove %s\n", out);
    remove(mf);
    remove(cl);
    free(mf);
    free(out);
    free(cl);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--write-draws") == 0)
        return write_draws();
    rhaz_error e;
    sim = rhaz_table_read(SIM, NULL, &e);
    T_CHECK(sim != NULL, "%s: %s", SIM, e.msg);
    if (!sim)
        return t_summary();
    test_draws();
    test_against_r();
    test_threads_shards();
    test_vs_sandwich();
    test_cli_identical();
    test_cli_errors();
    test_model_file();
    rhaz_table_free(sim);
    return t_summary();
}
