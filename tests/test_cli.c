/* test_cli.c -- the rhaz program: help, version, describe, errors and
 * exit codes, atomic outputs. */
#include "harness.h"
#include "rhaz.h"

#include <json-c/json.h>
#include <unistd.h>

/* Every file of this test lives in its own directory (mkdtemp), so that
 * runs at the same time do not share paths. */
static char tmpdir[64];

/* tmpdir/name (harness.h t_join) */
static const char *tpath(const char *name) { return t_join(tmpdir, name); }

static void write_file(const char *path, const char *s)
{
    FILE *fp = fopen(path, "wb");
    fputs(s, fp);
    fclose(fp);
}

static void test_help(void)
{
    T_SECTION("help");
    char *out, *err;
    T_EQ_INT(t_run("--help", &out, &err), 0, "--help exit");
    T_CHECK(out && strstr(out, "describe"), "--help lists commands");
    free(out);
    free(err);
    T_EQ_INT(t_run("--version", &out, &err), 0, "--version exit");
    T_CHECK(out && strncmp(out, "rhaz ", 5) == 0, "--version text");
    free(out);
    free(err);
    T_EQ_INT(t_run("describe --help", &out, &err), 0, "describe --help");
    T_CHECK(out && strstr(out, "usage: rhaz describe"), "describe usage");
    free(out);
    free(err);
    T_EQ_INT(t_run("frobnicate", &out, &err), 2, "unknown command exit 2");
    T_CHECK(err && t_count_lines(err) == 1, "one line on stderr");
    free(out);
    free(err);
    T_EQ_INT(t_run("describe --bogus x.csv", NULL, NULL), 2, "bad option exit 2");
    T_EQ_INT(t_run("", NULL, NULL), 2, "no command exit 2");
}

static void test_describe(void)
{
    T_SECTION("describe");
    const char *p = tpath("test.csv");
    write_file(p, "country,year,polity2\nMexico,1999,6\n\"Korea, Rep.\",1999,NA\n"
                  "Chile,2000,8\n");
    char cmd[512], *out, *err;
    snprintf(cmd, sizeof cmd, "describe --format csv %s", p);
    T_EQ_INT(t_run(cmd, &out, &err), 0, "describe exit");
    T_CHECK(out && strstr(out, "polity2,numeric,2,1,,6,8,7,"),
            "polity2 summary line: %s", out ? out : "");
    T_CHECK(out && strstr(out, "country,string,3,0,3,"), "country summary");
    free(out);
    free(err);
    snprintf(cmd, sizeof cmd, "describe --format json %s", p);
    T_EQ_INT(t_run(cmd, &out, &err), 0, "json exit");
    T_CHECK(out && strstr(out, "\"rows\": 3") && strstr(out, "\"mean\": 1999.33"),
            "json content");
    free(out);
    free(err);
    const char *o = tpath("test-out.txt");
    remove(o);
    snprintf(cmd, sizeof cmd, "describe --out %s %s", o, p);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "--out exit");
    char *txt = t_slurp(o);
    T_CHECK(txt && strstr(txt, "3 rows, 3 columns"), "--out content");
    free(txt);
    remove(o);
    remove(p);
}

static void test_bad(void)
{
    T_SECTION("bad input");
    struct {
        const char *content;
        const char *expect; /* substring of stderr */
    } cases[] = {
        {"a,b\n1,2\n3\n", ":3: ragged row"},
        {"a,b\n1,\"2\n", "unterminated"},
        {"", ":1: empty file"},
        {"name\nC\xf4te\n", ":2: invalid UTF-8"},
        {"a,a\n1,2\n", ":1: duplicate column name"},
    };
    const char *p = tpath("bad.csv"), *o = tpath("bad.out");
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        write_file(p, cases[k].content);
        remove(o);
        char cmd[512], *out, *err;
        snprintf(cmd, sizeof cmd, "describe --out %s %s", o, p);
        int rc = t_run(cmd, &out, &err);
        T_EQ_INT(rc, 1, cases[k].expect);
        T_CHECK(err && t_count_lines(err) == 1 && strstr(err, cases[k].expect) &&
                    strncmp(err, "rhaz: ", 6) == 0 &&
                    strncmp(err + 6, p, strlen(p)) == 0 && err[6 + strlen(p)] == ':',
                "stderr '%s' names file and '%s'", err ? err : "", cases[k].expect);
        T_CHECK(access(o, F_OK) != 0, "no output file left for case %zu", k);
        free(out);
        free(err);
    }
    char *err, cmd[512];
    snprintf(cmd, sizeof cmd, "describe %s", tpath("no-such-file.csv"));
    T_EQ_INT(t_run(cmd, NULL, &err), 1,
             "missing file exit 1");
    T_CHECK(err && strstr(err, "no-such-file.csv: cannot open"),
            "missing file message");
    free(err);
    write_file(p, "a\n1\n");
    const char *nodir = tpath("no-such-dir/x.txt");
    snprintf(cmd, sizeof cmd, "describe --out %s %s", nodir, p);
    T_EQ_INT(t_run(cmd, NULL, &err), 1, "output in missing directory exit 1");
    T_CHECK(err && strstr(err, nodir), "names output path");
    free(err);
    remove(p);
}

static void test_table_cmd(void)
{
    T_SECTION("table");
    const char *f1 = tpath("f1.json"), *bad = tpath("bad.json"), *lab = tpath("lab.csv");
    write_file(f1,
               "{\"model\": \"logit\", \"n\": 50, \"events\": 5, \"converged\": true,"
               " \"loglik\": -10.5, \"aic\": 25,"
               " \"coefficients\": [{\"term\": \"democracy\", \"estimate\": 0.25,"
               " \"std_error\": 0.1, \"p_value\": 0.004}]}");
    write_file(bad, "{\"model\": \"logit\",\n \"n\": ]");
    write_file(lab, "term,label\ndemocracy,Democracy\n");
    char *out, *err, cmd[1024], want[512];
    snprintf(cmd, sizeof cmd, "table --labels %s %s", lab, f1);
    T_EQ_INT(t_run(cmd, &out, &err), 0, "table exit");
    T_CHECK(out && strstr(out, "Democracy") && strstr(out, "0.250**"),
            "labelled, starred: %s", out ? out : "");
    free(out);
    free(err);
    snprintf(cmd, sizeof cmd, "table %s %s", f1, bad);
    T_EQ_INT(t_run(cmd, &out, &err), 1, "bad JSON exit 1");
    snprintf(want, sizeof want, "rhaz: %s:2: invalid JSON", bad);
    T_CHECK(err && strstr(err, want) && t_count_lines(err) == 1,
            "bad JSON message: %s", err ? err : "");
    free(out);
    free(err);
    snprintf(cmd, sizeof cmd, "table --names a,b %s", f1);
    T_EQ_INT(t_run(cmd, NULL, NULL), 2, "names count mismatch is a usage error");
    remove(f1);
    remove(bad);
    remove(lab);
}

/* The reading options make a refused file usable, and give the numbers
 * the clean file gives. */
static void test_read_options(void)
{
    T_SECTION("reading options");
    char *out, *err;
    /* '-' declared missing: the row is dropped, as if the cell were empty */
    T_EQ_INT(t_run("fit logit --data tests/bad/stray-dash.csv --na '..,-' "
                   "--formula 'y ~ dem' --format csv", &out, &err), 0, "--na exit");
    T_CHECK(out && strstr(out, "dem"), "--na fit printed");
    char *out2, path[64], sh[256];
    snprintf(path, sizeof path, "%s", tpath("na.csv"));
    snprintf(sh, sizeof sh, "sed 's/,-,/,,/' tests/bad/stray-dash.csv > %s", path);
    T_CHECK(system(sh) == 0, "copy with an empty cell");
    snprintf(sh, sizeof sh, "fit logit --data %s --formula 'y ~ dem' --format csv", path);
    T_EQ_INT(t_run(sh, &out2, NULL), 0, "empty-cell fit exit");
    T_CHECK(out && out2 && strcmp(out, out2) == 0, "--na '-' fit == empty-cell fit");
    T_CHECK(out && !strstr(out, "dem-"), "dem is numeric, not a factor");
    remove(path);
    free(out);
    free(out2);
    free(err);
    /* --text: the column is a factor (its levels named) */
    T_EQ_INT(t_run("fit logit --data tests/bad/stray-dash.csv --text dem "
                   "--formula 'y ~ x' --format csv", &out, NULL), 0, "--text exit");
    free(out);
    /* decimal commas in a ';' file */
    T_EQ_INT(t_run("describe --delim ';' --decimal , --format csv "
                   "tests/bad/semicolon.csv", &out, &err), 0, "--decimal exit");
    T_CHECK(out && strstr(out, "x,numeric"), "x numeric with --decimal ,: %s",
            out ? out : "");
    free(out);
    free(err);
    /* UTF-16 and Windows-1252 read through iconv */
    T_EQ_INT(t_run("describe --encoding UTF-16 --format csv tests/bad/utf16-bom.csv",
                   &out, NULL), 0, "--encoding UTF-16");
    T_CHECK(out && strstr(out, "x,numeric"), "UTF-16 columns");
    free(out);
    T_EQ_INT(t_run("describe --encoding cp1252 --format csv tests/bad/cp1252.csv",
                   &out, NULL), 0, "--encoding cp1252");
    free(out);
}

/* R's value (case, what, i) from a reference file of tests/reference */
static double refv(const char *file, const char *cs, const char *what, int i)
{
    rhaz_error e;
    rhaz_table *t = rhaz_table_read(file, NULL, &e);
    double v = NAN;
    for (size_t r = 0; t && r < rhaz_table_nrow(t); r++)
        if (!strcmp(rhaz_table_str(t, 0, r), cs) && !strcmp(rhaz_table_str(t, 1, r), what) &&
            rhaz_table_num(t, 2)[r] == i && rhaz_table_num(t, 3)[r] == 1)
            v = rhaz_table_num(t, 4)[r];
    rhaz_table_free(t);
    return v;
}

/* fit clogit and fit cox + frailty() end to end: the JSON carries R's
 * numbers (the fits themselves are tested in test_clogit, test_frailty) */
static void test_families(void)
{
    T_SECTION("clogit and frailty");
    const char *cj = tpath("cl.json"), *fj = tpath("fr.json");
    char cmd[1024], *out, *err;
    snprintf(cmd, sizeof cmd, "fit clogit --data tests/fixtures/clogit_c1.csv --formula "
                              "'y ~ x1 + x2 + x3 + strata(g)' --format json --out %s", cj);
    T_EQ_INT(t_run(cmd, &out, &err), 0, "fit clogit exit");
    T_CHECK(err && strstr(err, "strata have no variation") && t_count_lines(err) == 1,
            "dropped strata reported: %s", err ? err : "");
    free(out);
    free(err);
    rhaz_error e;
    rhaz_fit_summary *s = rhaz_fit_summary_read_json(cj, &e);
    T_CHECK(s && !strcmp(s->model, "clogit") && s->p == 3, "clogit JSON: %s", s ? "" : e.msg);
    for (size_t j = 0; s && j < 3; j++) {
        T_REL(s->coef[j].estimate,
              refv("tests/reference/clogit_ref_values.csv", "c1_default", "coef", (int)j + 1),
              1e-13, "clogit coef via the CLI");
        T_REL(s->coef[j].std_error,
              refv("tests/reference/clogit_ref_values.csv", "c1_default", "se", (int)j + 1),
              1e-13, "clogit se via the CLI");
    }
    rhaz_fit_summary_free(s);
    snprintf(cmd, sizeof cmd, "fit cox --data tests/fixtures/frailty_rc.csv --formula "
                              "'Surv(time, status) ~ x1 + x2 + frailty(g)' --format json "
                              "--out %s", fj);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "fit cox + frailty exit");
    json_object *doc = json_object_from_file(fj), *fr = NULL, *th = NULL, *il = NULL;
    T_CHECK(doc && json_object_object_get_ex(doc, "frailty", &fr) &&
                json_object_object_get_ex(fr, "theta", &th) &&
                json_object_object_get_ex(fr, "loglik_integrated", &il),
            "frailty member in the JSON");
    const char *rf = "tests/reference/frailty_ref_values.csv";
    if (th && il) {
        T_REL(json_object_get_double(th), refv(rf, "rc_gamma", "theta", 1), 1e-10,
              "theta via the CLI");
        T_REL(json_object_get_double(il), refv(rf, "rc_gamma", "iloglik", 1), 1e-9,
              "I-likelihood via the CLI");
    }
    json_object_put(doc);
    s = rhaz_fit_summary_read_json(fj, &e);
    T_CHECK(s && s->p == 2 && t_rel_ok(s->coef[0].std_error, refv(rf, "rc_gamma", "se", 1),
                                       1e-11),
            "frailty se via the CLI");
    rhaz_fit_summary_free(s);
    snprintf(cmd, sizeof cmd, "fit cox --data tests/fixtures/frailty_cp.csv --formula "
                              "'Surv(start, stop, event) ~ x1 + x2 + strata(s) + frailty(g)'");
    T_EQ_INT(t_run(cmd, &out, &err), 0, "frailty at its boundary: written");
    T_CHECK(out && strstr(out, "AT ITS BOUNDARY") && err && strstr(err, "boundary"),
            "boundary named in the output and on stderr");
    free(out);
    free(err);
    remove(cj);
    remove(fj);
}

/* Weighted Cox: non-integer weights give R's default robust variance
 * (tests/reference/cox_weighted_ref.R), --vce model the model-based. */
static void test_weighted_cox(void)
{
    T_SECTION("weighted Cox variance default");
    rhaz_error e;
    rhaz_table *ref = rhaz_table_read("tests/reference/cox_weighted_ref.csv", NULL, &e);
    T_CHECK(ref != NULL, "reference: %s", e.msg);
    const char *tmp = t_tmp("wcox.csv");
    const char *vce[] = {"", "--vce model"}, *col[] = {"se_default", "se_model"};
    for (int k = 0; k < 2 && ref; k++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "fit cox --data tests/fixtures/cox_weighted.csv "
                 "--formula 'Surv(time,status) ~ karno + age' --weights w %s "
                 "--format csv --out %s", vce[k], tmp);
        T_EQ_INT(t_run(cmd, NULL, NULL), 0, cmd);
        rhaz_table *got = rhaz_table_read(tmp, NULL, &e);
        T_CHECK(got && rhaz_table_nrow(got) == 2, "fit read: %s", e.msg);
        if (!got)
            continue;
        const double *se = rhaz_table_num(got, (size_t)rhaz_table_find(got, "std_error"));
        const double *want = rhaz_table_num(ref, (size_t)rhaz_table_find(ref, col[k]));
        double worst = 0;
        for (size_t i = 0; i < 2; i++)
            worst = fmax(worst, fabs(se[i] - want[i]) / want[i]);
        printf("weighted cox %s: max rel diff %.2g\n", col[k], worst);
        T_CHECK(worst < 1e-10, "%s agrees with R to 1e-10 (%.2g)", col[k], worst);
        rhaz_table_free(got);
    }
    remove(tmp);
    rhaz_table_free(ref);
}

/* km --format csv where S reaches 0: reads back with numeric columns */
static void test_km_roundtrip(void)
{
    T_SECTION("km csv reads back");
    const char *in = t_tmp("km-all.csv"), *out = t_tmp("km-all-out.csv");
    write_file(in, "time,status\n1,1\n2,1\n3,1\n");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "km --data %s --formula 'Surv(time,status) ~ 1' "
             "--format csv --out %s", in, out);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "km exit");
    rhaz_error e;
    rhaz_table *t = rhaz_table_read(out, NULL, &e);
    T_CHECK(t != NULL, "km output reads back: %s", e.msg);
    if (t) {
        long j = rhaz_table_find(t, "std_err");
        T_CHECK(j >= 0 && rhaz_table_coltype(t, (size_t)j) == RHAZ_COL_NUMERIC &&
                    rhaz_table_is_missing(t, (size_t)j, 2),
                "std_err numeric, missing where S = 0");
    }
    rhaz_table_free(t);
    remove(in);
    remove(out);
}

int main(void)
{
    test_km_roundtrip();
    test_weighted_cox();
    snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/rhaz-cli-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_read_options();
    test_table_cmd();
    test_help();
    test_describe();
    test_bad();
    test_families();
    rmdir(tmpdir);
    return t_summary();
}
