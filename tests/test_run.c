/* test_run.c -- rhaz run: a model file end to end on the bundled data,
 * reproducibility, and errors that name the model file's line and key. */
#include "harness.h"
#include "rhaz.h"

#include <sys/stat.h>
#include <unistd.h>

static void write_file(const char *path, const char *s)
{
    FILE *fp = fopen(path, "w");
    fputs(s, fp);
    fclose(fp);
}

static const char *good =
    "[run]\ntitle = test <a&b>\n"
    "[panel]\ntreaty = icmw\nend = 2015\n"
    "[participation]\ntreaties = icmw crc\nasof = 2015-03-14\n"
    "[model a]\ntype = logit\nformula = event ~ democracy + oecd + region_density\n"
    "cluster = cown\n"
    "[model b]\ntype = cloglog\nformula = event ~ democracy + oecd\n"
    "[table t]\nmodels = a, b\nformat = text csv\n";

/* index.html: every src/href names a file under dir, the tags it opens
 * are closed in order (void tags excepted), strings are escaped. */
static void check_index(const char *dir)
{
    char p[600];
    snprintf(p, sizeof p, "%s/index.html", dir);
    char *h = t_slurp(p);
    T_CHECK(h != NULL, "index.html written");
    if (!h)
        return;
    T_CHECK(strncmp(h, "<!DOCTYPE html>", 15) == 0, "doctype");
    T_CHECK(strstr(h, "<h1>test &lt;a&amp;b&gt;</h1>") && !strstr(h, "<a&b>"),
            "title escaped");
    T_CHECK(!strstr(h, "<script"), "no JavaScript");
    T_CHECK(strstr(h, "rows") && strstr(h, "<h2>Panel</h2>"), "panel accounting");
    T_CHECK(strstr(h, "region_density") && strstr(h, "tables/t.csv"),
            "table inline and its CSV linked");
    T_CHECK(strstr(h, "rhaz run "), "rerun command");
    int refs = 0, missing = 0;
    for (const char *q = h; (q = strstr(q, "=\"")) != NULL; q += 2) {
        if (!(q >= h + 3 && (!strncmp(q - 3, "src", 3) || !strncmp(q - 4, "href", 4))))
            continue;
        const char *e = strchr(q + 2, '"');
        if (!e)
            break;
        char f[1200];
        snprintf(f, sizeof f, "%s/%.*s", dir, (int)(e - q - 2), q + 2);
        refs++;
        if (access(f, F_OK) != 0) {
            missing++;
            fprintf(stderr, "index.html: missing %s\n", f);
        }
    }
    T_CHECK(refs >= 6, "index.html links its files (%d)", refs);
    T_EQ_INT(missing, 0, "every referenced file exists");
    static const char *const voids[] = {"meta", "img", "br", "!DOCTYPE", NULL};
    char stack[64][16];
    int depth = 0, balanced = 1;
    for (const char *q = h; balanced && (q = strchr(q, '<')) != NULL; q++) {
        int close = q[1] == '/';
        const char *n = q + 1 + close;
        size_t len = strcspn(n, " >\n");
        if (len == 0 || len >= 16) {
            balanced = 0;
            break;
        }
        int isvoid = 0;
        for (const char *const *v = voids; *v; v++)
            isvoid |= strlen(*v) == len && !strncmp(*v, n, len);
        if (isvoid)
            continue;
        if (!close) {
            if (depth == 64)
                balanced = 0;
            else
                snprintf(stack[depth++], 16, "%.*s", (int)len, n);
        } else if (depth == 0 || strlen(stack[depth - 1]) != len ||
                   strncmp(stack[depth - 1], n, len))
            balanced = 0;
        else
            depth--;
    }
    T_CHECK(balanced && depth == 0, "tags balanced (depth %d)", depth);
    free(h);
}

static void test_good(void)
{
    T_SECTION("good");
    char model[256], out1[256], out2[256], direct[256], cmd[4096];
    snprintf(model, sizeof model, "%s", t_tmp("run.model"));
    snprintf(out1, sizeof out1, "%s", t_tmp("run-out1"));
    snprintf(out2, sizeof out2, "%s", t_tmp("run-out2"));
    snprintf(direct, sizeof direct, "%s", t_tmp("run-direct.json"));
    write_file(model, good);
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", out1, out2);
    system(cmd);
    char *out, *err;
    snprintf(cmd, sizeof cmd, "run %s --out %s", model, out1);
    int rc = t_run(cmd, &out, &err);
    T_EQ_INT(rc, 0, "exit");
    T_CHECK(err && strstr(err, "[4/5]") && strstr(err, "fitting model b"),
            "progress lines: %s", err ? err : "");
    free(out);
    free(err);
    const char *files[] = {"panel.csv", "panel-report.txt", "participation.txt",
                           "participation.csv", "models/a.json", "models/a.txt",
                           "models/b.json", "tables/t.txt", "tables/t.csv"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", out1, files[k]);
        T_CHECK(access(p, F_OK) == 0, "output %s", files[k]);
    }
    check_index(out1);
    char p[512];
    snprintf(p, sizeof p, "%s/tables/t.tex", out1);
    T_CHECK(access(p, F_OK) != 0, "only the formats asked for");
    /* the table holds both models; the JSON fit equals a direct rhaz fit */
    snprintf(p, sizeof p, "%s/tables/t.txt", out1);
    char *tab = t_slurp(p);
    T_CHECK(tab && strstr(tab, "region_density") && strstr(tab, "cloglog"),
            "table content");
    free(tab);
    snprintf(cmd, sizeof cmd,
             "fit logit --data %s/panel.csv --formula "
             "'event ~ democracy_polity2 + oecd + region_density' --cluster cown "
             "--format json --out %s",
             out1, direct);
    rc = t_run(cmd, NULL, NULL);
    T_EQ_INT(rc, 0, "direct fit");
    snprintf(p, sizeof p, "%s/models/a.json", out1);
    char *a = t_slurp(p);
    char *b = t_slurp(direct);
    T_CHECK(a && b && strcmp(a, b) == 0, "model file fit == command-line fit");
    free(a);
    free(b);
    /* reproducible */
    snprintf(cmd, sizeof cmd, "run --quiet %s --out %s", model, out2);
    rc = t_run(cmd, NULL, NULL);
    T_EQ_INT(rc, 0, "second run");
    /* index.html names its --out in the rerun command: compared with the
       folder names replaced */
    snprintf(cmd, sizeof cmd,
             "diff -r -x index.html %s %s >/dev/null && "
             "sed 's#%s#OUT#g' %s/index.html > %s.i && "
             "sed 's#%s#OUT#g' %s/index.html > %s.i && cmp -s %s.i %s.i",
             out1, out2, out1, out1, out1, out2, out2, out2, out1, out2);
    T_EQ_INT(system(cmd), 0, "two runs give identical outputs");
    snprintf(cmd, sizeof cmd, "rm -f %s.i %s.i", out1, out2);
    system(cmd);
    snprintf(cmd, sizeof cmd, "rm -rf %s %s %s %s", out1, out2, direct, model);
    system(cmd);
}

static void test_errors(void)
{
    T_SECTION("errors");
    struct {
        const char *text, *expect;
    } cases[] = {
        {"[panel]\ntreaty = icmw\ndemocracy = polity9\n",
         "m.model:3: [panel] democracy:"},
        {"[panel]\ntreaty = nosuchtreaty\n", "m.model:2: [panel] treaty:"},
        {"[panel]\ntreaty = icmw\n[model a]\ntype = probit\nformula = event ~ oecd\n",
         "m.model:4: [model a] type: unknown model type 'probit'"},
        {"[panel]\ntreaty = icmw\n[model a]\ntype = logit\nformula = event ~ nosuch\n",
         "m.model:5: [model a] formula:"},
        {"[panel]\ntreaty = icmw\n[model a]\ntype = logit\nformula = event ~ oecd\n"
         "[table t]\nmodels = a, z\n",
         "m.model:7: [table t] models: no [model z] in this file"},
        {"[model a]\ntype = logit\nformula = event ~ oecd\n",
         "m.model:1: [model a] no [panel] section and no 'data = FILE'"},
        {"[panel]\ntreaty = icmw\n[model a]\ntype = logit\nformula = event ~ oecd\n"
         "firth = maybe\n",
         "m.model:6: [model a] firth: expected yes or no"},
        {"[panel]\ntreaty = icmw\nfrobnicate = 1\n", "m.model:3: unknown key 'frobnicate'"},
    };
    char dir[256], model[300], cmd[1024];
    snprintf(dir, sizeof dir, "%s", t_tmp("run-bad"));
    mkdir(dir, 0777);
    snprintf(model, sizeof model, "%s/m.model", dir);
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        write_file(model, cases[k].text);
        char *out, *err;
        snprintf(cmd, sizeof cmd, "run --quiet %s --out %s/out", model, dir);
        int rc = t_run(cmd, &out, &err);
        T_EQ_INT(rc, 1, cases[k].expect);
        T_CHECK(err && t_count_lines(err) == 1 && strstr(err, cases[k].expect),
                "case %zu stderr: %s", k, err ? err : "");
        free(out);
        free(err);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    system(cmd);
}

/* Paths in a model file are relative to the model file's folder: the
 * bundled icmw.model (labels = labels.csv) run from another directory,
 * and a model file whose 'data = p.csv' sits next to it. */
static void test_elsewhere(void)
{
    T_SECTION("paths relative to the model file");
    char cwd[1024], dir[256], cmd[4096];
    T_CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
    snprintf(dir, sizeof dir, "%s", t_tmp("run-elsewhere"));
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s/m", dir, dir);
    system(cmd);
    const char *b = getenv("BUILD");
    char rhaz[1200];
    snprintf(rhaz, sizeof rhaz, "%s/%s/rhaz", b && *b == '/' ? "" : cwd,
             b && *b ? b : "build");
    snprintf(cmd, sizeof cmd,
             "cd %s && %s run --quiet %s/models/icmw.model --out o --data-dir %s/data "
             "--render none 2>%s/err",
             dir, rhaz, cwd, cwd, dir);
    T_EQ_INT(system(cmd), 0, "rhaz run models/icmw.model from another directory");
    char p[600];
    snprintf(p, sizeof p, "%s/o/tables/icmw.txt", dir);
    char *tab = t_slurp(p);
    T_CHECK(tab && strstr(tab, "Democracy (Polity2)"),
            "labels = labels.csv read next to the model file");
    free(tab);
    snprintf(p, sizeof p, "%s/o/index.html", dir);
    char *h = t_slurp(p);
    T_CHECK(h && strstr(h, "<h1>ICMW ratification, 1991-2015</h1>") &&
                strstr(h, "href=\"tables/icmw.tex\"") &&
                strstr(h, "models/cox.txt"),
            "icmw index.html: title, tables linked, fits");
    free(h);
    snprintf(p, sizeof p, "%s/m/x.model", dir);
    write_file(p, "[model a]\ntype = logit\ndata = p.csv\n"
                  "formula = event ~ democracy + oecd\n");
    snprintf(cmd, sizeof cmd,
             "cp %s/o/panel.csv %s/m/p.csv && cd / && %s run --quiet %s/m/x.model "
             "--out %s/o2 2>%s/err",
             dir, dir, rhaz, dir, dir, dir);
    T_EQ_INT(system(cmd), 0, "data = p.csv next to the model file, run from /");
    snprintf(p, sizeof p, "%s/o2/models/a.json", dir);
    T_CHECK(access(p, F_OK) == 0, "fit written");
    /* a missing relative file: the error names the path under the model
       file's folder */
    snprintf(p, sizeof p, "%s/m/y.model", dir);
    write_file(p, "[model a]\ntype = logit\ndata = nothere.csv\n"
                  "formula = event ~ democracy\n");
    snprintf(cmd, sizeof cmd, "cd / && %s run --quiet %s/m/y.model --out %s/o3 2>%s/err",
             rhaz, dir, dir, dir);
    T_CHECK(system(cmd) != 0, "missing data file refused");
    snprintf(p, sizeof p, "%s/err", dir);
    char *e = t_slurp(p);
    char want[400];
    snprintf(want, sizeof want, "%s/m/nothere.csv", dir);
    T_CHECK(e && strstr(e, want), "error names the resolved path: %s", e ? e : "");
    free(e);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    system(cmd);
}

/* n of a fit JSON (read back), or 0 */
static size_t fit_n(const char *path)
{
    rhaz_error e;
    rhaz_fit_summary *s = rhaz_fit_summary_read_json(path, &e);
    size_t n = s ? s->n : 0;
    rhaz_fit_summary_free(s);
    return n;
}

static const char *grid_model =
    "[panel]\ntreaty = icmw\nend = 2015\ndemocracy = polity2, bmr\n"
    "[panel lag2]\ntreaty = icmw\nend = 2015\nlag = 2\n"
    "[model dem]\ntype = logit\nformula = event ~ democracy + oecd + region_density\n"
    "democracy = polity2, vdem, fh\ncommon_sample = %s\ncluster = cown\nlabel = Logit\n"
    "[model lags]\ntype = logit | cloglog\npanel = lag2\n"
    "formula = event ~ democracy + oecd\noutput = lagfit\n"
    "[table t]\nmodels = dem lags\nlabels = %s/models/labels.csv\nformat = text csv\n"
    "[figure c]\nkind = coef\nmodels = dem\n"
    "[figure k]\nkind = km\npanel = lag2\nformula = Surv(start, stop, event) ~ regime\n"
    "[model one]\ntype = logit\nformula = event ~ democracy + oecd\n"
    "[figure p]\nkind = predict\nmodel = one\nvary = democracy\n";

/* Robustness grids: democracy sources on a common sample, a grid of
 * model types on a named panel, output names and column titles. */
static void test_grid(void)
{
    T_SECTION("grids, named panels, democracy sources");
    char cwd[1024], dir[300], model[400], out[400], cmd[4096], p[600];
    T_CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
    snprintf(dir, sizeof dir, "%s", t_tmp("run-grid"));
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", dir, dir);
    system(cmd);
    snprintf(model, sizeof model, "%s/g.model", dir);
    snprintf(out, sizeof out, "%s/o", dir);
    char text[4096];
    snprintf(text, sizeof text, grid_model, "yes", cwd);
    write_file(model, text);
    snprintf(cmd, sizeof cmd, "run --quiet %s --out %s --render none", model, out);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "grid run");
    const char *files[] = {"panel.csv", "panel-lag2.csv", "panel-lag2-report.txt",
                           "models/dem-polity2.json", "models/dem-vdem.json",
                           "models/dem-fh.json", "models/lagfit-logit.json",
                           "models/lagfit-cloglog.txt", "figures/c.gp"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        snprintf(p, sizeof p, "%s/%s", out, files[k]);
        T_CHECK(access(p, F_OK) == 0, "output %s", files[k]);
    }
    /* the table: one column per fit titled by its alternative, one row per
       democracy source with its label */
    snprintf(p, sizeof p, "%s/tables/t.csv", out);
    char *tab = t_slurp(p);
    T_CHECK(tab && strstr(tab, ",Logit: polity2,Logit: vdem,Logit: fh,lags: logit,"
                               "lags: cloglog\n"),
            "column titles name the alternatives");
    T_CHECK(tab && strstr(tab, "\nDemocracy (Polity2),") &&
                strstr(tab, "\nDemocracy (V-Dem polyarchy),") &&
                strstr(tab, "\nDemocracy (Freedom House),") &&
                !strstr(tab, "\ndemocracy,"),
            "each democracy source its own labelled row");
    free(tab);
    /* the report page lists both panels and every fit of the grid */
    snprintf(p, sizeof p, "%s/index.html", out);
    char *h = t_slurp(p);
    T_CHECK(h && strstr(h, "href=\"panel-lag2.csv\"") && strstr(h, "href=\"panel.csv\"") &&
                strstr(h, "<h3>Logit: vdem</h3>") && strstr(h, "models/dem-vdem.txt") &&
                strstr(h, "models/lagfit-cloglog.json"),
            "index.html: panels and grid fits");
    free(h);
    /* a figure on the named panel: its data are panel-lag2.csv's */
    snprintf(p, sizeof p, "%s/figures/k.gp", out);
    char *kgp = t_slurp(p);
    char *k2[2] = {NULL, NULL};
    static const char *const pf[2] = {"panel-lag2.csv", "panel.csv"};
    for (int q = 0; q < 2; q++) {
        snprintf(cmd, sizeof cmd, "plot km --data %s/%s --formula "
                                  "'Surv(start, stop, event) ~ regime' --render none --out %s/k%d",
                 out, pf[q], dir, q);
        T_EQ_INT(t_run(cmd, NULL, NULL), 0, "km on the panel directly");
        snprintf(p, sizeof p, "%s/k%d.gp", dir, q);
        k2[q] = t_slurp(p);
    }
    const char *d1 = kgp ? strstr(kgp, "$") : NULL, *d2 = k2[0] ? strstr(k2[0], "$") : NULL,
               *d3 = k2[1] ? strstr(k2[1], "$") : NULL;
    T_CHECK(d1 && d2 && strcmp(d1, d2) == 0, "[figure k] panel = lag2 draws panel-lag2.csv");
    T_CHECK(d1 && d3 && strcmp(d1, d3) != 0, "... which differs from the lag-1 panel's");
    free(kgp);
    free(k2[0]);
    free(k2[1]);
    snprintf(p, sizeof p, "%s/figures/p.gp", out);
    T_CHECK(access(p, F_OK) == 0, "predict figure: vary = democracy is the fit's "
                                  "democracy_polity2");
    snprintf(p, sizeof p, "%s/figures/c.gp", out);
    char *gp = t_slurp(p);
    T_CHECK(gp && strstr(gp, "Logit: vdem"), "figure series titled by alternative");
    free(gp);
    snprintf(p, sizeof p, "%s/panel.csv", out);
    char *pc = t_slurp(p);
    char *nl = pc ? strchr(pc, '\n') : NULL;
    if (nl)
        *nl = '\0';
    T_CHECK(pc && strstr(pc, ",democracy,democracy_polity2,democracy_vdem,democracy_fh,"
                             "democracy_bmr,"),
            "panel: the sources the panel and the models name (%s)", pc ? pc : "");
    free(pc);
    /* the common sample: the rows complete in every source's column */
    snprintf(p, sizeof p, "%s/panel.csv", out);
    rhaz_error e;
    rhaz_table *pt = rhaz_table_read(p, NULL, &e);
    T_CHECK(pt != NULL, "panel read: %s", pt ? "" : e.msg);
    size_t want = 0;
    if (pt) {
        static const char *const cols[] = {"event", "democracy_polity2", "democracy_vdem",
                                           "democracy_fh", "oecd", "region_density",
                                           "cown"};
        size_t n = rhaz_table_nrow(pt);
        unsigned char *keep = malloc(n);
        for (size_t i = 0; i < n; i++) {
            keep[i] = 1;
            for (int c = 0; c < 7; c++) {
                long j = rhaz_table_find(pt, cols[c]);
                if (j < 0 || rhaz_table_is_missing(pt, (size_t)j, i))
                    keep[i] = 0;
            }
            want += keep[i];
        }
        /* the vdem fit equals a direct fit on those rows */
        rhaz_table *sub = rhaz_table_subset(pt, keep, &e);
        char subp[600], direct[600];
        snprintf(subp, sizeof subp, "%s/common.csv", dir);
        snprintf(direct, sizeof direct, "%s/direct.json", dir);
        T_CHECK(sub && rhaz_table_write(sub, subp, &e) == RHAZ_OK, "common rows written");
        snprintf(cmd, sizeof cmd, "fit logit --data %s --formula 'event ~ democracy_vdem + "
                                  "oecd + region_density' --cluster cown --format json "
                                  "--out %s", subp, direct);
        T_EQ_INT(t_run(cmd, NULL, NULL), 0, "direct fit on the common rows");
        snprintf(p, sizeof p, "%s/models/dem-vdem.json", out);
        char *a = t_slurp(p), *b = t_slurp(direct);
        T_CHECK(a && b && strcmp(a, b) == 0, "grid fit == direct fit on the common sample");
        free(a);
        free(b);
        rhaz_table_free(sub);
        free(keep);
        rhaz_table_free(pt);
    }
    static const char *const src[] = {"polity2", "vdem", "fh"};
    for (int k = 0; k < 3; k++) {
        snprintf(p, sizeof p, "%s/models/dem-%s.json", out, src[k]);
        T_EQ_INT((long)fit_n(p), (long)want, "common sample n");
    }
    /* the named panel: lag 2 */
    char direct[600];
    snprintf(direct, sizeof direct, "%s/lag2.json", dir);
    snprintf(cmd, sizeof cmd, "fit logit --data %s/panel-lag2.csv --formula "
                              "'event ~ democracy_polity2 + oecd' --format json --out %s",
             out, direct);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "direct fit on panel-lag2.csv");
    snprintf(p, sizeof p, "%s/models/lagfit-logit.json", out);
    char *a = t_slurp(p), *b = t_slurp(direct);
    T_CHECK(a && b && strcmp(a, b) == 0, "[model lags] logit == direct fit on [panel lag2]");
    free(a);
    free(b);
    snprintf(p, sizeof p, "%s/panel-lag2.csv", out);
    char *l2 = t_slurp(p);
    snprintf(p, sizeof p, "%s/panel.csv", out);
    char *l1 = t_slurp(p);
    T_CHECK(l1 && l2 && strcmp(l1, l2) != 0, "the lag-2 panel differs from the lag-1 one");
    free(l1);
    free(l2);
    /* without a common sample each source keeps its own rows */
    snprintf(text, sizeof text, grid_model, "no", cwd);
    write_file(model, text);
    snprintf(cmd, sizeof cmd, "rm -rf %s", out);
    system(cmd);
    snprintf(cmd, sizeof cmd, "run --quiet %s --out %s --render none", model, out);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "grid run without common sample");
    size_t n[3];
    for (int k = 0; k < 3; k++) {
        snprintf(p, sizeof p, "%s/models/dem-%s.json", out, src[k]);
        n[k] = fit_n(p);
        T_CHECK(n[k] >= want, "own sample >= common sample (%zu, %zu)", n[k], want);
    }
    T_CHECK(n[0] != n[2] && n[2] > want, "samples differ without common_sample (%zu %zu)",
            n[0], n[2]);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    system(cmd);
}

/* imputations = GLOB in a [model]: the pooled fit of 'rhaz fit
 * --imputations', and a pooled column in the table */
static void test_mi(void)
{
    T_SECTION("multiple imputation in a model file");
    char cwd[1024], dir[300], model[400], cmd[4096], p[600], text[4096];
    T_CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
    snprintf(dir, sizeof dir, "%s", t_tmp("run-mi"));
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", dir, dir);
    system(cmd);
    snprintf(model, sizeof model, "%s/mi.model", dir);
    snprintf(text, sizeof text,
             "[model mi]\ntype = logit\nimputations = %s/tests/reference/mi/imp*.csv\n"
             "formula = y ~ x1 + x2 + g\nlabel = Pooled (m = 5)\n"
             "[model one]\ntype = logit\ndata = %s/tests/reference/mi/imp1.csv, "
             "%s/tests/reference/mi/imp2.csv\nformula = y ~ x1 + x2 + g\n"
             "[table t]\nmodels = mi one\nformat = text\n", cwd, cwd, cwd);
    write_file(model, text);
    snprintf(cmd, sizeof cmd, "run --quiet %s --out %s/o --render none", model, dir);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "run with imputations");
    snprintf(cmd, sizeof cmd, "fit logit --imputations 'tests/reference/mi/imp*.csv' "
                              "--formula 'y ~ x1 + x2 + g' --format json --out %s/d.json",
             dir);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "rhaz fit --imputations");
    snprintf(p, sizeof p, "%s/o/models/mi.json", dir);
    char *a = t_slurp(p);
    snprintf(p, sizeof p, "%s/d.json", dir);
    char *b = t_slurp(p);
    T_CHECK(a && b && strcmp(a, b) == 0, "model-file pooled fit == rhaz fit --imputations");
    free(a);
    free(b);
    snprintf(p, sizeof p, "%s/o/models/one.json", dir);
    rhaz_error e;
    rhaz_fit_summary *s = rhaz_fit_summary_read_json(p, &e);
    T_CHECK(s && s->imputations == 2, "data = F1, F2 pools 2 imputations");
    rhaz_fit_summary_free(s);
    snprintf(cmd, sizeof cmd, "ls %s/o/models | grep -c imp", dir);
    char *ls = NULL;
    snprintf(p, sizeof p, "%s/o/tables/t.txt", dir);
    char *tab = t_slurp(p);
    T_CHECK(tab && strstr(tab, "Pooled (m = 5)") && strstr(tab, "Imputations") &&
                strstr(tab, "Rubin's"),
            "table: pooled column titled by its label, with Rubin's note");
    free(tab);
    free(ls);
    snprintf(cmd, sizeof cmd, "test -z \"$(ls %s/o/models | grep imp)\"", dir);
    T_EQ_INT(system(cmd), 0, "no per-imputation files left");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    system(cmd);
}

int main(void)
{
    test_good();
    test_errors();
    test_elsewhere();
    test_grid();
    test_mi();
    return t_summary();
}
