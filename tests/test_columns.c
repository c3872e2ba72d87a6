/* test_columns.c -- reading only some columns (rhaz_csv_options.columns),
 * the columns a formula reads (rhaz_formula_columns), and the fit
 * commands that read only the columns they use. */
#include "harness.h"
#include "rhaz.h"

#include <sys/stat.h>
#include <unistd.h>

/* part (read with a column list) holds exactly the columns of full that
 * the list names, in file order, each identical: type, every value bit
 * for bit, missing flags, text; and the same rows on the same lines. */
static int same_kept(const rhaz_table *full, const rhaz_table *part,
                     const char *const *keep, const char *what)
{
    size_t nk = 0;
    long last = -1;
    int ok = full && part && rhaz_table_nrow(full) == rhaz_table_nrow(part);
    for (size_t j = 0; ok && j < rhaz_table_ncol(full); j++) {
        const char *nm = rhaz_table_colname(full, j);
        int listed = 0;
        for (size_t k = 0; keep[k]; k++)
            listed |= !strcmp(keep[k], nm);
        long q = rhaz_table_find(part, nm);
        ok = listed ? q > last : q < 0;
        if (!ok || !listed)
            continue;
        last = q;
        nk++;
        size_t jq = (size_t)q;
        ok = rhaz_table_coltype(full, j) == rhaz_table_coltype(part, jq) &&
             (rhaz_table_format_of(rhaz_table_name(full)) != RHAZ_FORMAT_CSV ||
              rhaz_table_field(part, jq) == (long)j + 1);
        for (size_t i = 0; ok && i < rhaz_table_nrow(full); i++) {
            ok = rhaz_table_is_missing(full, j, i) == rhaz_table_is_missing(part, jq, i);
            if (rhaz_table_coltype(full, j) == RHAZ_COL_NUMERIC) {
                double x = rhaz_table_num(full, j)[i], y = rhaz_table_num(part, jq)[i];
                ok = ok && !memcmp(&x, &y, sizeof x);
            } else {
                const char *x = rhaz_table_str(full, j, i), *y = rhaz_table_str(part, jq, i);
                ok = ok && ((!x && !y) || (x && y && !strcmp(x, y)));
            }
        }
    }
    for (size_t i = 0; ok && i < rhaz_table_nrow(full); i++)
        ok = rhaz_table_line(full, i) == rhaz_table_line(part, i);
    ok = ok && rhaz_table_ncol(part) == nk;
    T_CHECK(ok, "%s: the kept columns as in the full read (%zu kept of %zu, %zu rows)", what,
            part ? rhaz_table_ncol(part) : 0, full ? rhaz_table_ncol(full) : 0,
            part ? rhaz_table_nrow(part) : 0);
    return ok;
}

static rhaz_table *rd(const char *s, const rhaz_csv_options *o, rhaz_error *e)
{
    return rhaz_table_read_mem(s, strlen(s), "mem.csv", o, e);
}

/* Small inputs through the line-by-line reader: quoted fields with commas,
 * quotes and line breaks in skipped columns, CRLF, text columns, blank
 * lines, a mixed text/number column. */
static void test_serial(void)
{
    T_SECTION("columns: small files");
    const char *in =
        "id,note,x,name,y,mixed\r\n"
        "1,\"a, b\",1.5,Alice,2,3\r\n"
        "\r\n"
        "2,\"two\r\nlines, \"\"quoted\"\"\",NA,\"Bob, Jr\",3,n/a\r\n"
        "   \n"
        "3,plain,2.25,,4,5\n"
        "4, spaced , 0.1 ,\"Carol\",.,6\n"
        "5,\"x\ny\nz\",1e-3,Dan,-7,7\n";
    const char *lists[][5] = {
        {"x", "name", "y", NULL},  {"id", NULL},        {"name", NULL},
        {"y", "x", NULL},          {"zz", "x", NULL},   {"note", "mixed", NULL},
        {"nothing here", NULL},    {"mixed", "id", "note", "y", NULL}};
    rhaz_error e;
    rhaz_csv_options all = {.mixed_as_text = 1};
    rhaz_table *full = rd(in, &all, &e);
    T_CHECK(full != NULL, "full read with mixed_as_text: %s", e.msg);
    rhaz_table *strict = rd(in, NULL, &e);
    T_CHECK(!strict && e.line == 5 && strstr(e.msg, "column mixed"),
            "the mixed column fails a full read (line %ld: %s)", e.line, e.msg);
    rhaz_table_free(strict);
    for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) {
        int has_mixed = 0;
        for (size_t q = 0; lists[k][q]; q++)
            has_mixed |= !strcmp(lists[k][q], "mixed");
        rhaz_csv_options o = {.columns = lists[k], .mixed_as_text = has_mixed};
        rhaz_table *t = rd(in, &o, &e);
        char what[128];
        snprintf(what, sizeof what, "list %zu (%s, ...)", k, lists[k][0]);
        T_CHECK(t != NULL, "%s: read (%s)", what, t ? "" : e.msg);
        same_kept(full, t, lists[k], what);
        rhaz_table_free(t);
    }
    /* without mixed_as_text the mixed column is still refused when kept */
    const char *withmixed[] = {"x", "mixed", NULL};
    rhaz_csv_options o = {.columns = withmixed};
    rhaz_table *t = rd(in, &o, &e);
    T_CHECK(!t && e.line == 5 && strstr(e.msg, "column mixed"),
            "a kept mixed column is refused as before (line %ld: %s)", e.line, e.msg);
    rhaz_table_free(t);
    /* a late flip (numbers, then text) in a kept column, a skipped one too */
    const char *flip = "a,b,c\n1,2,3\n4,5,6\nx,y,7\nq,r,8\nw,s,9\n";
    rhaz_table *f1 = rd(flip, NULL, &e);
    const char *kc[] = {"a", "c", NULL};
    o = (rhaz_csv_options){.columns = kc};
    rhaz_table *f2 = rd(flip, &o, &e);
    same_kept(f1, f2, kc, "late flip");
    rhaz_table_free(f1);
    rhaz_table_free(f2);
    /* --text and as_numeric on kept columns */
    const char *as_s[] = {"x", NULL}, *kx[] = {"x", "y", NULL};
    all.as_string = as_s;
    o = (rhaz_csv_options){.columns = kx, .as_string = as_s};
    f1 = rd(in, &all, &e);
    f2 = rd(in, &o, &e);
    same_kept(f1, f2, kx, "as_string");
    rhaz_table_free(f1);
    rhaz_table_free(f2);
    rhaz_table_free(full);
}

/* The same error (message, line) with or without a column list when the
 * fault is in a skipped column and does not depend on its values. */
static void test_errors(void)
{
    T_SECTION("columns: errors in skipped columns");
    const struct {
        const char *in, *what;
        size_t max_field;
    } cs[] = {
        {"a,b,c\n1,2,3\n4,5\n", "ragged row (too few)", 0},
        {"a,b,c\n1,2,3\n4,5,6,7\n", "ragged row (too many)", 0},
        {"a,b,c\n1,\"2\",3\n4,\"5\n", "unterminated quote", 0},
        {"a,b,c\n1,2,3\n4,x\"y,6\n", "stray quote", 0},
        {"a,b,c\n1,\"2\"x,3\n", "text after a closing quote", 0},
        {"a,b,c\n1,2,3\n4,\xff,6\n", "invalid UTF-8", 0},
        {"a,b,b\n1,2,3\n", "duplicate name", 0},
        {"a,b,c\n1,2,3\n4,123456789,6\n", "field too long", 8},
        {"a,b,c\n1,2,3\n4,\"5\n5\",6\n7,8\n", "ragged after a quoted line break", 0},
    };
    const char *keep[] = {"a", "c", NULL};
    for (size_t k = 0; k < sizeof cs / sizeof *cs; k++) {
        rhaz_error e1, e2;
        rhaz_csv_options o1 = {.max_field = cs[k].max_field}, o2 = o1;
        o2.columns = keep;
        rhaz_table *t1 = rd(cs[k].in, &o1, &e1), *t2 = rd(cs[k].in, &o2, &e2);
        T_CHECK(!t1 && !t2 && e1.line == e2.line && !strcmp(e1.msg, e2.msg),
                "%s: the same error (line %ld: %s / line %ld: %s)", cs[k].what, e1.line,
                t1 ? "read" : e1.msg, e2.line, t2 ? "read" : e2.msg);
        rhaz_table_free(t1);
        rhaz_table_free(t2);
    }
}

/* A large file (> 8 MiB after the first MiB: read in parts) of numbers
 * in the kept columns: the same table as the full read line by line
 * (line_by_line), read in parts on 1 and 2 threads; skipped columns of
 * numbers or of words (some with a space or tab inside) do not stop
 * the parts. */
static void test_large(void)
{
    T_SECTION("columns: a large file on 1 and 2 threads");
    const char *path = t_tmp("columns_large.csv");
    for (int words = 0; words < 3; words++) {
        FILE *fp = fopen(path, "w");
        T_CHECK(fp != NULL, "create %s", path);
        if (!fp)
            return;
        /* variant 2: runs of skipped columns, six of them at the end */
        fputs(words < 2 ? "i,u,a,w,b,v,c\n" : "i,u,a,w,b,v,c,t1,t2,t3,t4,t5,t6\n", fp);
        unsigned long long st = 99;
        size_t rows = 420000;
        for (size_t i = 0; i < rows; i++) {
            st = st * 6364136223846793005ULL + 1442695040888963407ULL;
            if (i % 50021 == 3)
                fputs(i % 2 ? "  \n" : "\r\n", fp);
            long long m = (long long)(st >> 24) % 2000001LL - 1000000LL;
            const char *b = (st >> 40) % 17 == 0 ? "NA" : (st >> 40) % 19 == 0 ? "1.5e3" : "42";
            const char *w = !words ? "7" : (st >> 30) % 5 == 0 ? "two words" : "word";
            const char *v = !words ? "0.5" : (st >> 33) % 97 == 0 ? "a b\tc" : "x-1";
            fprintf(fp, "%zu,%llu,%lld.%02d,%s,%s,%s,%s", i, st >> 44, m / 100,
                    (int)(llabs(m) % 100), w, b, v, (st >> 50) % 3 ? "-0.25" : "");
            if (words == 2)
                fprintf(fp, ",%s,x,,%llu,%s,", (st >> 20) % 11 ? "12.5" : "a\tb",
                        st >> 50, (st >> 22) % 13 ? "long-word-here" : "two words");
            fputs((st >> 58) % 4 == 0 ? "\r\n" : "\n", fp);
        }
        fclose(fp);
        const char *keep[] = {"a", "b", "c", "i", NULL}, *keep2[] = {"i", "b", "c", NULL};
        rhaz_error e0, e1, e2;
        /* the reference: every column, every line by the line reader */
        rhaz_csv_options o0 = {.mixed_as_text = 1, .line_by_line = 1},
                         o1 = {.columns = words == 2 ? keep2 : keep}, o2 = o1;
        o2.threads = 2;
        rhaz_table *t0 = rhaz_table_read(path, &o0, &e0);
        rhaz_table *t1 = rhaz_table_read(path, &o1, &e1);
        rhaz_table *t2 = rhaz_table_read(path, &o2, &e2);
        T_CHECK(t0 && t1 && t2, "read (%s / %s / %s)", t0 ? "" : e0.msg, t1 ? "" : e1.msg,
                t2 ? "" : e2.msg);
        char what[64];
        const char *vname[] = {"numbers", "words skipped", "runs of skipped columns"};
        snprintf(what, sizeof what, "%s, 1 thread", vname[words]);
        same_kept(t0, t1, o1.columns, what);
        snprintf(what, sizeof what, "%s, 2 threads", vname[words]);
        same_kept(t0, t2, o1.columns, what);
        rhaz_table_free(t0);
        rhaz_table_free(t1);
        rhaz_table_free(t2);
        /* a bad line late in the file (too few fields, too many, a carriage
         * return inside a skipped field): the same error on 2 threads */
        const char *badl[] = {"1,2,3\n", "1,2,3,4,5,6,7,8,9,10,11,12,13,14\n",
                              "1,2,3,4,5,6,7,8\r9,10,11,12,13,14\n"};
        struct stat sb;
        for (size_t q = 0; words == 2 && q < 3 && stat(path, &sb) == 0; q++) {
            fp = fopen(path, "a");
            fputs(badl[q], fp);
            fclose(fp);
            t0 = rhaz_table_read(path, &o0, &e0);
            t2 = rhaz_table_read(path, &o2, &e2);
            T_CHECK(!t0 && !t2 && e0.line == e2.line && !strcmp(e0.msg, e2.msg),
                    "late bad line %zu: the same error (%ld: %s / %ld: %s)", q, e0.line,
                    t0 ? "read" : e0.msg, e2.line, t2 ? "read" : e2.msg);
            rhaz_table_free(t0);
            rhaz_table_free(t2);
            T_CHECK(truncate(path, sb.st_size) == 0, "truncate");
        }
    }
    remove(path);
}

/* A Stata file (ReadStat): the kept variables as in the full read --
 * numbers, text, value labels, dates, missing codes -- and a forced
 * type on a skipped variable is no error. */
static void test_stat(void)
{
    T_SECTION("columns: a Stata file");
    const char *keep[] = {"ccode", "leader", "entry", "ebirthdate", "numexit", "nosuch", NULL};
    const char *as_s[] = {"yrborn", NULL}, *as_n[] = {"exit", NULL};
    rhaz_error e0, e1;
    rhaz_csv_options o0 = {0}, o1 = {.columns = keep, .as_string = as_s, .as_numeric = as_n};
    rhaz_table *t0 = rhaz_table_read("data/archigos-4.1.dta", &o0, &e0);
    rhaz_table *t1 = rhaz_table_read("data/archigos-4.1.dta", &o1, &e1);
    T_CHECK(t0 && t1, "read (%s / %s)", t0 ? "" : e0.msg, t1 ? "" : e1.msg);
    same_kept(t0, t1, keep, "archigos-4.1.dta");
    rhaz_table_free(t0);
    rhaz_table_free(t1);
    const char *as_x[] = {"nosuch", NULL};
    o1.as_string = as_x;
    t1 = rhaz_table_read("data/archigos-4.1.dta", &o1, &e1);
    T_CHECK(!t1 && strstr(e1.msg, "no column 'nosuch'"),
            "a forced type on a variable the file lacks is still an error (%s)",
            t1 ? "read" : e1.msg);
    rhaz_table_free(t1);
}

/* rhaz_formula_columns on formulas using every construct. */
static void test_formula_columns(void)
{
    T_SECTION("formula columns");
    const struct {
        const char *formula;
        const char *want; /* names joined by '|' */
        int all;
    } cs[] = {
        {"Surv(start, stop, event) ~ x1 + factor(g) + log(z) + I(a^2 / b) + ns(t, df = 3) + "
         "cubic(c) + strata(s1, s2) + cluster(id) + frailty(fg, theta = 0.5) + x1:w + "
         "(p + q) * r - x1 + sqrt(abs(-m)) + exp(n) + `odd name` + as.factor(k) + "
         "log1p(u) + log2(u2) + log10(u10) + (e1 + e2)^2 + f1 / f2",
         "start|stop|event|x1|g|z|a|b|t|c|s1|s2|id|fg|w|p|q|r|m|n|odd name|k|u|u2|u10|e1|e2|"
         "f1|f2",
         0},
        {"Surv(time, d) ~ frailty.gaussian(h) + strata(region)", "time|d|h|region", 0},
        {"y ~ x + frailty.gamma(h)", "y|x|h", 0},
        {"y ~ .", "y|.", 1},
        {"log(y + 1) ~ I(x * 2) + 0", "y|x", 0},
        {"~ 1", "", 0},
        {"y ~ x - 1 + x:z", "y|x|z", 0},
    };
    for (size_t k = 0; k < sizeof cs / sizeof *cs; k++) {
        rhaz_error e;
        rhaz_formula *f = rhaz_formula_parse(cs[k].formula, &e);
        T_CHECK(f != NULL, "parse %s: %s", cs[k].formula, f ? "" : e.msg);
        if (!f)
            continue;
        const char **v = NULL;
        int all = -1;
        rhaz_status st = rhaz_formula_columns(f, &v, &all, &e);
        char got[512] = "";
        for (size_t q = 0; st == RHAZ_OK && v[q]; q++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", q ? "|" : "", v[q]);
        T_CHECK(st == RHAZ_OK && !strcmp(got, cs[k].want) && all == cs[k].all,
                "%s: columns %s (all %d), want %s (all %d)", cs[k].formula, got, all,
                cs[k].want, cs[k].all);
        free(v);
        rhaz_formula_free(f);
    }
}

/* the rhaz fit commands read only the columns they use */
static char tmpdir[64];

static const char *tpath(const char *name) { return t_join(tmpdir, name); }

static void test_cli(void)
{
    T_SECTION("fit commands: unused columns");
    if (!mkdtemp(strcpy(tmpdir, "/tmp/rhaz-cols-XXXXXX"))) {
        T_CHECK(0, "mkdtemp");
        return;
    }
    char dir[2][300];
    for (int w = 0; w < 2; w++) {
        snprintf(dir[w], sizeof dir[w], "%s", tpath(w ? "wide" : "narrow"));
        mkdir(dir[w], 0700);
    }
    /* the same data, narrow (the used columns) and wide (more columns:
     * a mostly numeric column with a text cell, quoted text with commas
     * and line breaks, numbers) */
    char p[2][320];
    FILE *fp[2];
    for (int w = 0; w < 2; w++) {
        snprintf(p[w], sizeof p[w], "%s/d.csv", dir[w]);
        fp[w] = fopen(p[w], "w");
    }
    if (!fp[0] || !fp[1]) {
        T_CHECK(0, "create the data files");
        return;
    }
    fputs("start,stop,event,x,g,wt,cl,cl2,y,ms\n", fp[0]);
    fputs("note,start,stop,text,event,x,extra,g,wt,cl,cl2,y,ms,tail\n", fp[1]);
    unsigned long long st = 7;
    for (int i = 0; i < 400; i++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        int t0 = (int)(st >> 60), ev = (st >> 40) % 3 == 0, g = (int)((st >> 20) % 4);
        double x = (double)((st >> 30) % 2001) / 1000.0 - 1, wt = 0.5 + (double)((st >> 12) % 4) / 4;
        char xs[32], ms[40];
        snprintf(xs, sizeof xs, "%.3f", x);
        snprintf(ms, sizeof ms, "%s", (st >> 50) % 23 == 0 ? "NA" : xs);
        const char *gs[] = {"north", "south", "east", "west"};
        fprintf(fp[0], "%d,%d,%d,%s,%s,%g,%d,%d,%d,%s\n", t0, t0 + 1 + (int)(st % 5), ev,
                xs, gs[g], wt, (int)((st >> 8) % 25), (int)((st >> 14) % 7),
                (int)((st >> 3) % 2), ms);
        fprintf(fp[1], "%s,%d,%d,\"r %d, \"\"q\"\"\n next\",%d,%s,%d,%s,%g,%d,%d,%d,%s,%s\n",
                i == 123 ? "n/a" : "12", t0, t0 + 1 + (int)(st % 5), i, ev, xs, i * 3,
                gs[g], wt, (int)((st >> 8) % 25), (int)((st >> 14) % 7), (int)((st >> 3) % 2),
                ms, i % 2 ? "x" : "1");
    }
    fclose(fp[0]);
    fclose(fp[1]);
    char cmd[1024], *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd, "describe %s", p[1]);
    T_CHECK(t_run(cmd, &out, &err) == 1 && err && strstr(err, "column note"),
            "a full read of the wide file fails on column note (%s)", err ? err : "");
    free(out);
    free(err);
    const char *fits[] = {
        "fit cox --formula 'Surv(start, stop, event) ~ x + factor(g) + log(wt)' --cluster cl "
        "--ties efron --format json",
        "fit cox --formula 'Surv(start, stop, event) ~ x + strata(g) + cluster(cl)' --weights wt",
        "fit cox --formula 'Surv(start, stop, event) ~ x + ms' --cluster cl,cl2",
        "fit cox --formula 'Surv(start, stop, event) ~ x + g' --vce bootstrap --reps 20 "
        "--seed 3 --cluster cl",
        "fit logit --formula 'y ~ x + g + I(x^2)' --weights wt --cluster cl,cl2",
        "fit cloglog --formula 'event ~ x + ns(stop, 2)' --format json",
        "fit clogit --formula 'event ~ x + strata(cl)'",
        "fit weibull --formula 'Surv(start, stop, event) ~ x + g' --cluster cl",
        "fit cure --formula 'Surv(start, stop, event) ~ x' --atrisk '~ ms' --keep-unconverged",
        "km --formula 'Surv(start, stop, event) ~ g' --cluster cl --weights wt",
    };
    for (size_t k = 0; k < sizeof fits / sizeof *fits; k++) {
        char *o[2] = {NULL, NULL}, *e[2] = {NULL, NULL};
        int rc[2];
        for (int w = 0; w < 2; w++) {
            snprintf(cmd, sizeof cmd, "%s --data %s", fits[k], p[w]);
            rc[w] = t_run(cmd, &o[w], &e[w]);
        }
        /* the outputs name no file, or the same name in both folders */
        T_CHECK(rc[0] == rc[1] && o[0] && o[1] && strlen(o[0]) > 100 && !strcmp(o[0], o[1]),
                "%.60s: the same output with unused columns (exit %d / %d; %s)", fits[k],
                rc[0], rc[1], e[1] ? e[1] : "");
        for (int w = 0; w < 2; w++) {
            free(o[w]);
            free(e[w]);
        }
    }
    /* margins of a fit on the data with and without unused columns */
    const char *fj = tpath("fit.json");
    snprintf(cmd, sizeof cmd, "fit logit --data %s --formula 'y ~ x + g + ms' --weights wt "
             "--format json --out %s", p[0], fj);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "fit logit --format json");
    const char *marg[] = {"--dydx x", "--by g", "--at 'x=0,0.5'"};
    for (size_t k = 0; k < sizeof marg / sizeof *marg; k++) {
        char *o[2] = {NULL, NULL}, *e[2] = {NULL, NULL};
        int rc[2];
        for (int w = 0; w < 2; w++) {
            snprintf(cmd, sizeof cmd, "margins --fit %s --data %s %s", fj, p[w], marg[k]);
            rc[w] = t_run(cmd, &o[w], &e[w]);
        }
        T_CHECK(rc[0] == 0 && rc[1] == 0 && o[0] && o[1] && strlen(o[0]) > 50 &&
                    !strcmp(o[0], o[1]),
                "margins %s: the same output with unused columns (exit %d / %d; %s)",
                marg[k], rc[0], rc[1], e[1] ? e[1] : "");
        for (int w = 0; w < 2; w++) {
            free(o[w]);
            free(e[w]);
        }
    }
    remove(fj);
    /* an error in a used column still names its line */
    snprintf(cmd, sizeof cmd, "fit cox --data %s --formula 'Surv(start, stop, event) ~ note'",
             p[1]);
    T_CHECK(t_run(cmd, &out, &err) == 1 && err && strstr(err, "d.csv:") &&
                strstr(err, "column note"),
            "a used mixed column is refused (%s)", err ? err : "");
    free(out);
    free(err);
    for (int w = 0; w < 2; w++) {
        remove(p[w]);
        rmdir(dir[w]);
    }
    rmdir(tmpdir);
}

int main(void)
{
    test_serial();
    test_errors();
    test_formula_columns();
    test_large();
    test_stat();
    test_cli();
    return t_summary();
}
