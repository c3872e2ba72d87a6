/* test_plot.c -- the plot module: scripts checked as text (inline data
 * equal the numbers given or computed), the spline smooth against R
 * (tests/reference/plot_smooth_ref.R), the fit JSON reader, and the CLI
 * rendering every kind with gnuplot in PNG and PDF (outputs non-empty,
 * no gnuplot error or warning). */
#include "harness.h"
#include "core/util.h"
#include "rhaz.h"

#include <sys/stat.h>

/* ---------- helpers ---------- */

/* The script of p with options o, as a malloc'd string (NULL on error). */
static char *script_of(const rhaz_plot *p, const rhaz_plot_options *o,
                       rhaz_status *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    rhaz_error err;
    rhaz_error_clear(&err);
    *st = rhaz_plot_write(p, o, fp, &err);
    fclose(fp);
    if (*st) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Parse data block `$name << EOD` of script s: up to maxr rows of up to
 * maxc numbers (a trailing quoted string is skipped).  Returns the row
 * count, -1 if the block is missing; *ncol gets the columns of row 0. */
static int block(const char *s, const char *name, double *out, int maxr,
                 int maxc, int *ncol)
{
    char head[64];
    snprintf(head, sizeof head, "\n$%s << EOD\n", name);
    const char *b = s ? strstr(s, head) : NULL;
    if (!b)
        return -1;
    b += strlen(head);
    int r = 0;
    *ncol = 0;
    while (*b && strncmp(b, "EOD\n", 4) != 0 && r < maxr) {
        int c = 0;
        while (*b && *b != '\n') {
            while (*b == ' ')
                b++;
            if (*b == '"') { /* string column */
                b = strchr(b + 1, '"');
                b = b ? b + 1 : "";
                continue;
            }
            char *e;
            double v = strtod(b, &e);
            if (e == b)
                break;
            if (c < maxc)
                out[r * maxc + c] = v;
            c++;
            b = e;
        }
        if (r == 0)
            *ncol = c;
        while (*b && *b != '\n')
            b++;
        if (*b)
            b++;
        r++;
    }
    return r;
}

static int file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int)sb.st_size : -1;
}

static int starts_with_file(const char *path, const char *magic)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    char buf[16] = {0};
    size_t n = fread(buf, 1, strlen(magic), fp);
    fclose(fp);
    return n == strlen(magic) && memcmp(buf, magic, n) == 0;
}

static char tmpdir[64];

/* ---------- library: line kinds ---------- */

static void test_km_script(void)
{
    T_SECTION("km script");
    rhaz_error err;
    rhaz_plot *p = rhaz_plot_alloc(RHAZ_PLOT_KM, &err);
    double x[] = {0, 1, 2.5, 7};
    double y[] = {0, 1.0 / 3, 0.1 + 0.2, 0.6};
    double lo[] = {0, 0.25, 0.2, 0.45};
    double hi[] = {0, 0.4, 0.41, 0.7};
    rhaz_plot_series s = {.label = "It's OECD", .n = 4, .x = x, .y = y,
                          .lower = lo, .upper = hi};
    T_EQ_INT(rhaz_plot_add(p, &s, &err), RHAZ_OK, "add");
    double y2[] = {0, 0.5};
    rhaz_plot_series s2 = {.label = "Other", .n = 2, .x = x, .y = y2,
                           .lower = y2, .upper = y2};
    T_EQ_INT(rhaz_plot_add(p, &s2, &err), RHAZ_OK, "add 2");
    rhaz_plot_options o;
    rhaz_plot_options_init(&o);
    o.output = "out/km.png";
    rhaz_status st;
    char *sc = script_of(p, &o, &st);
    T_CHECK(sc != NULL, "script written");
    double v[64];
    int nc;
    int nr = block(sc, "s1", v, 16, 4, &nc);
    T_EQ_INT(nr, 4, "rows of $s1");
    T_EQ_INT(nc, 4, "columns x y lower upper");
    int exact = 1;
    for (int i = 0; i < 4 && nr == 4; i++)
        exact &= v[i * 4] == x[i] && v[i * 4 + 1] == y[i] &&
                 v[i * 4 + 2] == lo[i] && v[i * 4 + 3] == hi[i];
    T_CHECK(exact, "inline data of $s1 equal the numbers given (round trip)");
    /* stair band: 2n - 1 rows, row 2k-1 = (x_k, lo_{k-1}, hi_{k-1}) */
    nr = block(sc, "b1", v, 16, 3, &nc);
    T_EQ_INT(nr, 7, "rows of the stair band $b1");
    T_CHECK(nr == 7 && v[1 * 3] == 1 && v[1 * 3 + 1] == 0 &&
                v[2 * 3] == 1 && v[2 * 3 + 1] == 0.25 && v[5 * 3] == 7 &&
                v[5 * 3 + 2] == 0.41 && v[6 * 3 + 2] == 0.7,
            "stair band repeats each x with the previous bounds");
    T_CHECK(sc && strstr(sc, "set terminal pngcairo size 700,520 "),
            "PNG single column at 200 dpi");
    T_CHECK(sc && strstr(sc, "set output 'out/km.png'"), "set output");
    T_CHECK(sc && strstr(sc, "title 'It''s OECD'"),
            "quote doubled in a gnuplot string");
    T_CHECK(sc && strstr(sc, "with steps ls 1") &&
                strstr(sc, "with steps ls 2"), "steps, a style per group");
    T_CHECK(sc && strstr(sc, "with filledcurves ls 1"), "band drawn");
    T_CHECK(sc && strstr(sc, "set yrange [0:0.8]"),
            "y range from 0 to a round ceiling above the band (0.7)");
    T_CHECK(sc && strstr(sc, "dt 2 pt 5"), "dash and point types differ");
    free(sc);

    o.format = RHAZ_PLOT_PDF;
    o.theme = RHAZ_PLOT_GRAY;
    T_EQ_INT(rhaz_plot_size_parse("double", &o, &err), RHAZ_OK, "double");
    sc = script_of(p, &o, &st);
    T_CHECK(sc && strstr(sc, "set terminal pdfcairo size 7in,3.6in"),
            "PDF double column");
    T_CHECK(sc && strstr(sc, "lc rgb '#505050' dt 2"), "gray theme");
    free(sc);
    rhaz_plot_free(p);
}

static void test_errors(void)
{
    T_SECTION("validation");
    rhaz_error err;
    rhaz_plot *p = rhaz_plot_alloc(RHAZ_PLOT_PARTICIPATION, &err);
    double x[] = {1990, 1989}, y[] = {1, 2};
    rhaz_plot_series s = {.label = "crc", .n = 2, .x = x, .y = y};
    T_EQ_INT(rhaz_plot_add(p, &s, &err), RHAZ_EDATA, "unsorted steps");
    T_CHECK(strstr(err.msg, "not sorted") != NULL, "message: %s", err.msg);
    s.n = 0;
    T_EQ_INT(rhaz_plot_add(p, &s, &err), RHAZ_EDATA, "empty series");
    s.n = 1;
    s.lower = y;
    T_EQ_INT(rhaz_plot_add(p, &s, &err), RHAZ_EINVAL, "lower w/o upper");
    rhaz_status st;
    T_CHECK(script_of(p, NULL, &st) == NULL && st == RHAZ_EDATA,
            "no series: error");
    rhaz_plot_free(p);
    p = rhaz_plot_alloc(RHAZ_PLOT_COEF, &err);
    s.lower = NULL;
    T_EQ_INT(rhaz_plot_add(p, &s, &err), RHAZ_EINVAL, "coef needs names");
    rhaz_plot_free(p);
    p = rhaz_plot_alloc(RHAZ_PLOT_ZPH, &err);
    T_EQ_INT(rhaz_plot_add(p, &s, &err), RHAZ_EINVAL, "zph needs a panel");
    rhaz_plot_free(p);
    T_CHECK(rhaz_plot_alloc((rhaz_plot_kind)99, &err) == NULL, "bad kind");

    rhaz_plot_options o;
    rhaz_plot_options_init(&o);
    T_EQ_INT(rhaz_plot_size_parse("8.5cm,6cm", &o, &err), RHAZ_OK, "cm");
    T_REL(o.width, 8.5 / 2.54, 1e-12, "8.5 cm in inches");
    T_EQ_INT(o.height_auto, 0, "explicit size is not grown");
    T_EQ_INT(rhaz_plot_size_parse("0,3", &o, &err), RHAZ_EUSAGE, "tiny");
    T_EQ_INT(rhaz_plot_size_parse("wide", &o, &err), RHAZ_EUSAGE, "word");
    rhaz_plot_kind k;
    T_EQ_INT(rhaz_plot_kind_parse("zph", &k, &err), RHAZ_OK, "kind zph");
    T_EQ_INT(k, RHAZ_PLOT_ZPH, "zph enum");
    T_EQ_INT(rhaz_plot_kind_parse("pie", &k, &err), RHAZ_EUSAGE, "pie");
    for (int i = 0; i < RHAZ_PLOT_NKINDS; i++) {
        rhaz_plot_kind back;
        T_CHECK(rhaz_plot_kind_parse(rhaz_plot_kind_name((rhaz_plot_kind)i),
                                     &back, &err) == RHAZ_OK &&
                    back == (rhaz_plot_kind)i,
                "kind %d name round trip", i);
    }
}

/* ---------- coef ---------- */

static void test_coef_script(void)
{
    T_SECTION("coef script");
    rhaz_error err;
    rhaz_plot *p = rhaz_plot_alloc(RHAZ_PLOT_COEF, &err);
    const char *n1[] = {"democracy", "oecd"};
    const char *n2[] = {"oecd", "region_density"};
    double e1[] = {0.05, -1.3}, l1[] = {0.01, -2.6}, h1[] = {0.09, 0};
    double e2[] = {-1.1, 2}, l2[] = {-2.3, 0.7}, h2[] = {0.1, 3.3};
    rhaz_plot_series a = {.label = "logit", .n = 2, .y = e1, .lower = l1,
                          .upper = h1, .names = n1};
    rhaz_plot_series b = {.label = "cox", .n = 2, .y = e2, .lower = l2,
                          .upper = h2, .names = n2};
    T_EQ_INT(rhaz_plot_add(p, &a, &err), RHAZ_OK, "model 1");
    T_EQ_INT(rhaz_plot_add(p, &b, &err), RHAZ_OK, "model 2");
    rhaz_csv_options co = {0};
    rhaz_table *lab = rhaz_table_read("tests/data/plot/labels.csv", &co,
                                      &err);
    T_CHECK(lab != NULL, "labels read");
    rhaz_plot_options o;
    rhaz_plot_options_init(&o);
    o.ratio = 1;
    o.labels = lab;
    rhaz_status st;
    char *sc = script_of(p, &o, &st);
    double v[64];
    int nc;
    int nr = block(sc, "m1", v, 8, 4, &nc);
    T_EQ_INT(nr, 2, "rows of $m1");
    T_EQ_INT(nc, 4, "position estimate lower upper");
    /* three terms: democracy at 3, oecd 2, region_density 1; model 1
     * above model 2 within a row */
    T_CHECK(nr == 2 && v[0] > 3 && v[4] > 2 && v[4] < 2.5,
            "term rows, first model above the centre");
    T_CHECK(nr == 2 && v[1] == exp(0.05) && v[2] == exp(0.01) &&
                v[3] == exp(0.09) && v[5] == exp(-1.3) && v[7] == exp(0.0),
            "ratios are exp of the estimates, exactly");
    nr = block(sc, "m2", v, 8, 4, &nc);
    T_CHECK(nr == 2 && v[0] < 2 && v[0] > 1.5 && v[4] < 1,
            "second model's terms below the centre of their rows");
    T_CHECK(nr == 2 && v[1] == exp(-1.1) && v[5] == exp(2.0),
            "model 2 ratios");
    T_CHECK(sc && strstr(sc, "set logscale x"), "log scale for ratios");
    T_CHECK(sc && strstr(sc, "set arrow 1 from first 1, graph 0"),
            "reference line at 1");
    T_CHECK(sc && strstr(sc, "set ytics scale 0 ('Democracy (Polity2)' 3, "
                             "'OECD member' 2, 'Regional density' 1)"),
            "term labels from the label file, first term on top");
    free(sc);
    o.ratio = 0;
    sc = script_of(p, &o, &st);
    nr = block(sc, "m1", v, 8, 4, &nc);
    T_CHECK(nr == 2 && v[1] == 0.05 && v[5] == -1.3, "raw coefficients");
    T_CHECK(sc && !strstr(sc, "logscale") &&
                strstr(sc, "set arrow 1 from first 0, graph 0"),
            "raw: linear axis, reference at 0");
    free(sc);
    rhaz_plot_free(p);
    rhaz_table_free(lab);
}

/* ---------- fit JSON ---------- */

static void test_fit_json(void)
{
    T_SECTION("fit json");
    rhaz_error err;
    rhaz_fit_summary *f =
        rhaz_fit_summary_read_json("tests/data/plot/fit_logit.json", &err);
    T_CHECK(f != NULL, "read logit json: %s", f ? "" : err.msg);
    if (f) {
        T_EQ_STR(f->model, "logit", "model");
        T_EQ_INT(f->p, 3, "coefficients");
        T_EQ_INT(f->n, 2310, "n");
        T_EQ_INT(f->converged, 1, "converged");
        T_EQ_STR(f->coef[2].term, "oecd", "term 3");
        T_REL(f->coef[2].conf_low, -2.676, 1e-15, "conf_low");
        T_REL(f->vcov[2 * 3 + 2], 0.36, 1e-15, "vcov[2,2]");
    }
    rhaz_fit_summary *c =
        rhaz_fit_summary_read_json("tests/data/plot/fit_cox.json", &err);
    T_CHECK(c != NULL, "read cox json");
    if (c) {
        T_EQ_INT(c->coef[1].aliased, 1, "null estimate: aliased");
        T_CHECK(isnan(c->vcov[1 * 3 + 1]), "null vcov entry: NaN");
        rhaz_plot *p = rhaz_plot_alloc(RHAZ_PLOT_COEF, &err);
        T_EQ_INT(rhaz_plot_add_fit(p, c, NULL, 1, &err), RHAZ_OK, "add");
        T_EQ_INT(rhaz_plot_add_fit(p, f, "Logit", 1, &err), RHAZ_OK,
                 "add logit without intercept");
        rhaz_plot_options o;
        rhaz_plot_options_init(&o);
        o.ratio = 0;
        rhaz_status st;
        char *sc = script_of(p, &o, &st);
        double v[64];
        int nc;
        int nr = block(sc, "m1", v, 8, 4, &nc);
        T_EQ_INT(nr, 3, "cox rows");
        /* no interval in the file: Wald 95% from the SE */
        T_REL(v[2], 0.05 - 1.959963984540054 * 0.025, 1e-15, "Wald low");
        T_CHECK(nr == 3 && isnan(v[5]), "aliased term drawn as a gap");
        nr = block(sc, "m2", v, 8, 4, &nc);
        T_EQ_INT(nr, 2, "logit rows without (Intercept)");
        T_CHECK(sc && strstr(sc, "title 'cox'") && strstr(sc, "'Logit'"),
                "legend: model name or the label given");
        free(sc);
        rhaz_plot_free(p);
    }
    rhaz_fit_summary_free(f);
    rhaz_fit_summary_free(c);
    char bad[128];
    snprintf(bad, sizeof bad, "%s/bad.json", tmpdir);
    FILE *fp = fopen(bad, "w");
    fputs("{\"model\": \"logit\",\n \"coefficients\": [\n  {\"term\": }\n]}",
          fp);
    fclose(fp);
    T_CHECK(rhaz_fit_summary_read_json(bad, &err) == NULL &&
                err.status == RHAZ_EPARSE && err.line == 3,
            "invalid JSON: parse error at line 3 (got %ld: %s)", err.line,
            err.msg);
    T_CHECK(rhaz_fit_summary_read_json("tests/data/plot/km.csv", &err) ==
                    NULL && err.status == RHAZ_EPARSE,
            "not JSON");
    T_CHECK(rhaz_fit_summary_read_json("tests/data/plot/none.json", &err) ==
                    NULL && err.status == RHAZ_EIO,
            "missing file");
}

/* ---------- smooth against R ---------- */

static void test_smooth(void)
{
    T_SECTION("smooth vs R");
    rhaz_error err;
    rhaz_csv_options co = {0};
    rhaz_table *in = rhaz_table_read("tests/reference/plot_smooth_input.csv",
                                     &co, &err);
    const char *str[] = {"case", NULL};
    co.as_string = str;
    rhaz_table *ref = rhaz_table_read("tests/reference/plot_smooth_ref.csv",
                                      &co, &err);
    T_CHECK(in && ref, "reference files read");
    if (!in || !ref) {
        rhaz_table_free(in);
        rhaz_table_free(ref);
        return;
    }
    const double *x = rhaz_table_num(in, 0), *y = rhaz_table_num(in, 1);
    size_t n = rhaz_table_nrow(in);
    static const struct {
        const char *name;
        int df;
        double var;
    } cases[] = {{"df4_var", 4, 0.04}, {"df4_resid", 4, NAN},
                 {"df6_var", 6, 0.25}};
    for (size_t c = 0; c < 3; c++) {
        double g[40], f[40], lo[40], hi[40];
        rhaz_status st = rhaz_plot_smooth_ns(x, y, n, cases[c].df,
                                             cases[c].var, 40, g, f, lo, hi,
                                             &err);
        T_EQ_INT(st, RHAZ_OK, cases[c].name);
        size_t k = 0;
        double worst = 0;
        for (size_t i = 0; i < rhaz_table_nrow(ref) && !st; i++) {
            if (strcmp(rhaz_table_str(ref, 0, i), cases[c].name) != 0)
                continue;
            double want[4] = {rhaz_table_num(ref, 1)[i],
                              rhaz_table_num(ref, 2)[i],
                              rhaz_table_num(ref, 3)[i],
                              rhaz_table_num(ref, 4)[i]};
            double got[4] = {g[k], f[k], lo[k], hi[k]};
            for (int j = 0; j < 4; j++) {
                double r = fabs(got[j] - want[j]) / fmax(fabs(want[j]), 1e-3);
                if (r > worst)
                    worst = r;
            }
            k++;
        }
        T_EQ_INT(k, 40, "grid points compared");
        T_CHECK(worst <= 1e-10, "%s: max relative difference %.3g (tol 1e-10)",
                cases[c].name, worst);
    }
    /* too few distinct times for the knots */
    double tx[] = {1, 1, 1, 1, 2, 2}, ty[] = {1, 2, 3, 4, 5, 6};
    double g[40], f[40], lo[40], hi[40];
    T_CHECK(rhaz_plot_smooth_ns(tx, ty, 6, 4, NAN, 40, g, f, lo, hi,
                                &err) != RHAZ_OK,
            "tied times: error, not a crash");
    T_EQ_INT(rhaz_plot_smooth_ns(x, y, n, 1, NAN, 40, g, f, lo, hi, &err),
             RHAZ_EINVAL, "df 1 rejected");

    /* the zph script carries the smooth as computed */
    rhaz_plot *p = rhaz_plot_alloc(RHAZ_PLOT_ZPH, &err);
    rhaz_plot_series s = {.label = "oecd", .panel = "oecd", .n = n, .x = x,
                          .y = y, .coef_var = 0.04};
    T_EQ_INT(rhaz_plot_add(p, &s, &err), RHAZ_OK, "zph add");
    rhaz_plot_options o;
    rhaz_plot_options_init(&o);
    rhaz_status st;
    char *sc = script_of(p, &o, &st);
    double v[4 * 64];
    int nc;
    rhaz_plot_smooth_ns(x, y, n, 4, 0.04, 40, g, f, lo, hi, &err);
    int nr = block(sc, "f1", v, 64, 4, &nc);
    T_EQ_INT(nr, 40, "smooth rows");
    int same = nr == 40;
    for (int i = 0; same && i < 40; i++)
        same = v[i * 4] == g[i] && v[i * 4 + 1] == f[i] &&
               v[i * 4 + 2] == lo[i] && v[i * 4 + 3] == hi[i];
    T_CHECK(same, "inline smooth equals rhaz_plot_smooth_ns");
    nr = block(sc, "r1", v, 64, 4, &nc);
    T_EQ_INT(nr, (long long)n, "residual rows");
    T_CHECK(nr > 0 && v[0] == x[0] && v[1] == y[0], "residuals inline");
    T_CHECK(sc && strstr(sc, "set multiplot layout 1,1"), "one panel");
    free(sc);
    rhaz_plot_free(p);
    rhaz_table_free(in);
    rhaz_table_free(ref);
}

/* ---------- CLI + gnuplot ---------- */

static void test_cli_render(void)
{
    T_SECTION("cli render");
    static const struct {
        const char *kind, *args;
    } cases[] = {
        {"participation", "--input tests/data/plot/participation.csv"},
        {"km", "--input tests/data/plot/km.csv --title 'ICMW by OECD'"},
        {"coef", "--fit tests/data/plot/fit_logit.json --fit "
                 "tests/data/plot/fit_cox.json --labels "
                 "tests/data/plot/labels.csv"},
        {"baseline", "--input tests/data/plot/baseline.csv --theme gray"},
        {"predict", "--input tests/data/plot/predict.csv --xlabel "
                    "migrant_share --labels tests/data/plot/labels.csv"},
        {"density", "--data tests/data/plot/density_panel.csv --treaty icmw"},
        {"zph", "--input tests/data/plot/zph.csv --size double"},
    };
    char args[2048], path[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL, *err = NULL;
        snprintf(args, sizeof args, "plot %s %s --out %s/%s --render png,pdf",
                 cases[i].kind, cases[i].args, tmpdir, cases[i].kind);
        int rc = t_run(args, &out, &err);
        T_EQ_INT(rc, 0, cases[i].kind);
        T_CHECK(err && !*err, "%s: no message on stderr (got '%s')",
                cases[i].kind, err ? err : "");
        snprintf(path, sizeof path, "%s/%s.png", tmpdir, cases[i].kind);
        T_CHECK(file_size(path) > 2000 && starts_with_file(path, "\x89PNG"),
                "%s: PNG written", cases[i].kind);
        snprintf(path, sizeof path, "%s/%s.pdf", tmpdir, cases[i].kind);
        T_CHECK(file_size(path) > 1000 && starts_with_file(path, "%PDF"),
                "%s: PDF written", cases[i].kind);
        snprintf(path, sizeof path, "%s/%s.gp", tmpdir, cases[i].kind);
        char *gp = t_slurp(path);
        T_CHECK(gp && strstr(gp, "<< EOD\n") && strstr(gp, "set terminal "
                                                           "pngcairo"),
                "%s: script with inline data, first format's terminal",
                cases[i].kind);
        free(gp);
        free(out);
        free(err);
    }
    /* the written script alone reproduces the figure */
    snprintf(path, sizeof path, "%s/km.png", tmpdir);
    remove(path);
    FILE *pp;
    char line[512];
    char *gotline;
    /* the script names the image as given (PREFIX.png, relative to where
     * rhaz ran), so re-running from the same place recreates it */
    snprintf(args, sizeof args, "gnuplot %s/km.gp 2>&1", tmpdir);
    pp = popen(args, "r");
    line[0] = '\0';
    gotline = pp ? fgets(line, sizeof line, pp) : NULL;
    int prc = pp ? pclose(pp) : -1;
    T_CHECK(prc == 0 && !gotline && file_size(path) > 2000,
            "gnuplot PREFIX.gp re-renders silently (%s)", line);

    /* --render none: the script only (PNG terminal), no image */
    char *o2 = NULL, *e2 = NULL;
    snprintf(args, sizeof args,
             "plot km --input tests/data/plot/km.csv --out %s/kn --render "
             "none", tmpdir);
    T_EQ_INT(t_run(args, &o2, &e2), 0, "--render none");
    free(o2), free(e2);
    snprintf(path, sizeof path, "%s/kn.png", tmpdir);
    T_CHECK(file_size(path) < 0, "no image with --render none");
    snprintf(path, sizeof path, "%s/kn.gp", tmpdir);
    char *kn = t_slurp(path);
    T_CHECK(kn && strstr(kn, "set terminal pngcairo") &&
                strstr(kn, "/kn.png'"),
            "script set for PNG output");
    free(kn);

    /* svg and eps too */
    char *out = NULL, *err = NULL;
    snprintf(args, sizeof args,
             "plot km --input tests/data/plot/km.csv --out %s/km2 "
             "--render svg,eps", tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 0, "svg,eps");
    snprintf(path, sizeof path, "%s/km2.svg", tmpdir);
    T_CHECK(file_size(path) > 1000 && starts_with_file(path, "<?xml"),
            "SVG written");
    snprintf(path, sizeof path, "%s/km2.eps", tmpdir);
    T_CHECK(file_size(path) > 1000 && starts_with_file(path, "%!PS"),
            "EPS written");
    free(out);
    free(err);

    /* density from the panel: mean density per region-year, as text */
    snprintf(path, sizeof path, "%s/density.gp", tmpdir);
    char *gp = t_slurp(path);
    double v[64];
    int nc;
    /* regions in order of appearance: Americas, Africa, Europe */
    int nr = block(gp, "s1", v, 16, 2, &nc);
    T_CHECK(nr == 3 && v[0] == 1991 && v[1] == 0 && v[3] == 0 &&
                v[4] == 1993 && v[5] == 0.03,
            "Americas: 0, 0, 0.03 (rows %d)", nr);
    nr = block(gp, "s2", v, 16, 2, &nc);
    T_CHECK(nr == 3 && v[3] == 0.02 && v[5] == 0.04, "Africa density");
    nr = block(gp, "s3", v, 16, 2, &nc);
    T_EQ_INT(nr, 1, "Europe: trailing missing years dropped");
    free(gp);

    /* coef from JSON: ratios of the file's numbers, labels applied */
    snprintf(path, sizeof path, "%s/coef.gp", tmpdir);
    gp = t_slurp(path);
    nr = block(gp, "m1", v, 16, 4, &nc);
    T_CHECK(nr == 2 && v[1] == exp(0.0625) && v[7] == exp(-0.324),
            "coef: exp of the JSON estimates and intervals");
    T_CHECK(gp && strstr(gp, "'OECD member'") &&
                strstr(gp, "'Ratio (log scale)'"),
            "coef: labels and axis title");
    free(gp);
    snprintf(path, sizeof path, "%s/predict.gp", tmpdir);
    gp = t_slurp(path);
    T_CHECK(gp && strstr(gp, "set xlabel 'Migrant stock (% of population)'"),
            "predict: axis label from the variable name via the label file");
    free(gp);
}

/* ---------- survival kinds from data (KM, Cox) ---------- */

static void test_cli_surv(void)
{
    T_SECTION("cli km/baseline/zph");
    char args[1024], path[256];
    char *out = NULL, *err = NULL;
    double v[256];
    int nc, nr;
    /* KM worked by hand: group A times 1..5, events at 1, 3, 4:
     * S = 4/5, then 4/5 * 2/3, then 4/5 * 2/3 * 1/2 */
    snprintf(args, sizeof args,
             "plot km --data tests/data/plot/surv_small.csv --formula "
             "'Surv(time, status) ~ g' --out %s/kms --render png", tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 0, "km from data");
    T_CHECK(err && !*err, "km: silent (%s)", err ? err : "");
    free(out), free(err);
    snprintf(path, sizeof path, "%s/kms.gp", tmpdir);
    char *gp = t_slurp(path);
    nr = block(gp, "s1", v, 32, 4, &nc);
    T_EQ_INT(nr, 6, "group A: time 0 and 5 distinct times");
    if (nr == 6) {
        T_ABS(v[0 * 4 + 1], 0, 0, "starts at 0");
        T_REL(v[1 * 4 + 1], 1 - 0.8, 1e-14, "1 - S(1)");
        T_REL(v[2 * 4 + 1], 1 - 0.8, 1e-14, "censoring at 2: no step");
        T_REL(v[3 * 4 + 1], 1 - 0.8 * 2 / 3, 1e-14, "1 - S(3)");
        T_REL(v[4 * 4 + 1], 1 - 0.8 * 2 / 3 * 0.5, 1e-14, "1 - S(4)");
        T_CHECK(v[3 * 4 + 2] < v[3 * 4 + 1] && v[3 * 4 + 3] > v[3 * 4 + 1],
                "band around the estimate");
    }
    T_CHECK(gp && strstr(gp, "title 'g=A'") && strstr(gp, "title 'g=B'"),
            "groups named as R's strata");
    T_CHECK(gp && strstr(gp, "set xlabel 'time'"),
            "x label from the time variable");
    free(gp);

    /* baseline cumulative hazard per stratum against R survfit(coxph) */
    snprintf(args, sizeof args,
             "plot baseline --data tests/data/plot/surv_small.csv --formula "
             "'Surv(time, status) ~ x + strata(g)' --out %s/bs --render png",
             tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 0, "baseline from a Cox fit");
    free(out), free(err);
    snprintf(path, sizeof path, "%s/bs.gp", tmpdir);
    gp = t_slurp(path);
    rhaz_error e;
    const char *str[] = {"strata", NULL};
    rhaz_csv_options co = {0};
    co.as_string = str;
    rhaz_table *ref =
        rhaz_table_read("tests/reference/plot_baseline_ref.csv", &co, &e);
    T_CHECK(ref != NULL, "baseline reference read");
    double worst = 0;
    size_t compared = 0;
    for (int g = 0; ref && g < 2; g++) {
        nr = block(gp, g ? "s2" : "s1", v, 32, 4, &nc);
        size_t k = 1; /* row 0 is time 0 */
        for (size_t i = 0; i < rhaz_table_nrow(ref); i++) {
            const char *sname = rhaz_table_str(ref, 0, i);
            if (!sname || sname[strlen(sname) - 1] != (g ? 'B' : 'A'))
                continue;
            double H = rhaz_table_num(ref, 2)[i], se = rhaz_table_num(ref, 3)[i];
            double want[3] = {H, fmax(H - 1.959963984540054 * se, 0),
                              H + 1.959963984540054 * se};
            if ((int)k >= nr)
                break;
            T_CHECK(v[k * 4] == rhaz_table_num(ref, 1)[i], "time %g",
                    rhaz_table_num(ref, 1)[i]);
            for (int j = 0; j < 3; j++) {
                double r = fabs(v[k * 4 + 1 + j] - want[j]) /
                           fmax(fabs(want[j]), 1e-12);
                if (want[j] == 0)
                    r = fabs(v[k * 4 + 1 + j]);
                worst = fmax(worst, r);
            }
            compared++;
            k++;
        }
    }
    T_EQ_INT(compared, 7, "event times compared with R");
    T_CHECK(worst <= 1e-10, "baseline vs R survfit: max rel diff %.3g", worst);
    free(gp);

    /* zph: scaled Schoenfeld residuals against R's cox.zph */
    snprintf(args, sizeof args,
             "plot zph --data tests/data/plot/surv_small.csv --formula "
             "'Surv(time, status) ~ x + strata(g)' --df 3 --out %s/zs "
             "--render pdf", tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 0, "zph from a Cox fit");
    T_CHECK(err && !*err, "zph: silent (%s)", err ? err : "");
    free(out), free(err);
    snprintf(path, sizeof path, "%s/zs.gp", tmpdir);
    gp = t_slurp(path);
    rhaz_table *zr =
        rhaz_table_read("tests/reference/plot_zph_ref.csv", NULL, &e);
    nr = block(gp, "r1", v, 32, 2, &nc);
    T_EQ_INT(nr, 7, "one residual per event");
    worst = 0;
    for (int i = 0; zr && i < nr && i < (int)rhaz_table_nrow(zr); i++) {
        worst = fmax(worst, fabs(v[i * 2] - rhaz_table_num(zr, 0)[i]));
        worst = fmax(worst, fabs(v[i * 2 + 1] - rhaz_table_num(zr, 1)[i]) /
                                fabs(rhaz_table_num(zr, 1)[i]));
    }
    T_CHECK(zr && worst <= 1e-10, "zph residuals vs R: max diff %.3g", worst);
    /* the band uses the model variance: check one grid point */
    if (zr) {
        double g[40], f[40], lo[40], hi[40];
        double x[7], y[7];
        for (int i = 0; i < 7; i++)
            x[i] = rhaz_table_num(zr, 0)[i], y[i] = rhaz_table_num(zr, 1)[i];
        rhaz_plot_smooth_ns(x, y, 7, 3, rhaz_table_num(zr, 2)[0], 40, g, f,
                            lo, hi, &e);
        nr = block(gp, "f1", v, 64, 4, &nc);
        T_CHECK(nr == 40 && fabs(v[20 * 4 + 3] - hi[20]) <=
                                1e-10 * fabs(hi[20]),
                "smooth band from R's variance (%g vs %g)", v[20 * 4 + 3],
                hi[20]);
    }
    free(gp);
    rhaz_table_free(ref);
    rhaz_table_free(zr);
}

/* participation from the bundled records: the last point of each line
 * equals the parties count of rhaz_data_participation at that date */
static void test_cli_participation(void)
{
    T_SECTION("participation from data");
    char args[512], path[256];
    char *out = NULL, *err = NULL;
    snprintf(args, sizeof args,
             "plot participation --treaties crc,icmw --end 2010 "
             "--signatories --out %s/pd --render png", tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 0, "participation --treaties");
    T_CHECK(err && !*err, "silent (%s)", err ? err : "");
    free(out), free(err);
    snprintf(path, sizeof path, "%s/pd.gp", tmpdir);
    char *gp = t_slurp(path);
    rhaz_error e;
    rhaz_data *d = rhaz_data_open(NULL, &e);
    T_CHECK(d != NULL, "data open: %s", d ? "" : e.msg);
    size_t *idx = NULL, n = 0;
    rhaz_table *t = NULL;
    rhaz_date asof = {2010, 12, 31};
    if (d && rhaz_data_select(d, "crc,icmw", &idx, &n, &e) == RHAZ_OK)
        t = rhaz_data_participation(d, idx, n, asof, &e);
    T_CHECK(t != NULL, "participation table");
    /* $s1 CRC parties, $s2 CRC signed or party, $s3 ICMW, $s4 ICMW */
    static const char *const blocks[] = {"s1", "s2", "s3", "s4"};
    for (int k = 0; t && k < 4; k++) {
        double v[2 * 128];
        int nc;
        int nr = block(gp, blocks[k], v, 128, 2, &nc);
        T_CHECK(nr > 10 && v[(nr - 1) * 2] == 2010, "%s ends in 2010",
                blocks[k]);
        double want = rhaz_table_num(t, k % 2 ? 1 : 2)[k / 2];
        T_CHECK(nr > 0 && v[(nr - 1) * 2 + 1] == want,
                "%s: %g at the end of 2010, rhaz participation says %g",
                blocks[k], nr > 0 ? v[(nr - 1) * 2 + 1] : -1, want);
        int mono = 1;
        for (int i = 1; i < nr; i++)
            mono &= v[i * 2 + 1] >= v[(i - 1) * 2 + 1];
        T_CHECK(mono, "%s: cumulative counts never fall", blocks[k]);
    }
    /* a legend too tall for a fixed small size goes to the right, an
     * automatic size grows instead; gnuplot renders both silently */
    snprintf(args, sizeof args,
             "plot participation --treaties cerd,iccpr,crc,icmw,cat "
             "--signatories --size 3.5,2.6 --theme gray --out %s/pr1 "
             "--render png,pdf", tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 0, "fixed size, tall legend");
    T_CHECK(err && !*err, "silent (%s)", err ? err : "");
    free(out), free(err);
    snprintf(path, sizeof path, "%s/pr1.gp", tmpdir);
    char *g1 = t_slurp(path);
    T_CHECK(g1 && strstr(g1, "set key outside right"), "legend on the right");
    T_CHECK(g1 && strstr(g1, "size 700,520 "), "size kept");
    free(g1);
    snprintf(args, sizeof args,
             "plot participation --treaties cerd,iccpr,crc,icmw,cat "
             "--signatories --out %s/pr2 --render png", tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 0, "automatic size, tall legend");
    T_CHECK(err && !*err, "silent (%s)", err ? err : "");
    free(out), free(err);
    snprintf(path, sizeof path, "%s/pr2.gp", tmpdir);
    g1 = t_slurp(path);
    T_CHECK(g1 && strstr(g1, "set key at screen 0.5") &&
                !strstr(g1, "size 700,520 "),
            "legend on top, figure taller");
    free(g1);
    T_CHECK(gp && strstr(gp, "title 'signed or party'") &&
                strstr(gp, "ls 1 dt (5,4) lw 1 notitle"),
            "signatories: same colour, thin dashed, one legend entry");
    free(gp);
    free(idx);
    rhaz_table_free(t);
    rhaz_data_free(d);
}

/* predict from a fit's JSON: logistic curve of the coefficients, other
 * covariates at their mean over the rows the model uses, Wald band on
 * the link scale from the vcov (diagonal in the fixture) */
static void test_cli_predict(void)
{
    T_SECTION("predict");
    char args[512], path[256];
    char *out = NULL, *err = NULL;
    snprintf(args, sizeof args,
             "plot predict --fit tests/data/plot/fit_logit.json --data "
             "tests/data/plot/pred_panel.csv --vary democracy --out %s/pr "
             "--render png --csv", tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 0, "predict");
    T_CHECK(err && !*err, "silent (%s)", err ? err : "");
    free(out), free(err);
    snprintf(path, sizeof path, "%s/pr.gp", tmpdir);
    char *gp = t_slurp(path);
    double v[4 * 16];
    int nc;
    int nr = block(gp, "s1", v, 16, 4, &nc);
    /* --csv: the same numbers as the script draws */
    snprintf(path, sizeof path, "%s/pr.csv", tmpdir);
    rhaz_error e2;
    rhaz_table *csv = rhaz_table_read(path, NULL, &e2);
    T_CHECK(csv && rhaz_table_nrow(csv) == (size_t)nr, "csv rows: %s",
            csv ? "" : e2.msg);
    if (csv && rhaz_table_nrow(csv) == (size_t)nr && nr > 0) {
        static const char *const cols[] = {"x", "y", "lower", "upper"};
        double worst_csv = 0;
        for (int c = 0; c < 4; c++) {
            long j = rhaz_table_find(csv, cols[c]);
            T_CHECK(j >= 0, "csv column %s", cols[c]);
            for (int i = 0; j >= 0 && i < nr; i++)
                worst_csv = fmax(worst_csv,
                                 fabs(rhaz_table_num(csv, (size_t)j)[i] -
                                      v[i * 4 + c]));
        }
        T_CHECK(worst_csv == 0, "csv equals the drawn data (%.3g)", worst_csv);
    }
    rhaz_table_free(csv);
    /* 8 distinct democracy values among complete rows (row III has no
     * democracy): points at each, sorted */
    T_EQ_INT(nr, 8, "one point per distinct value");
    double b0 = -4.25, b1 = 0.0625, b2 = -1.5, moecd = 3.0 / 8;
    double worst = 0;
    for (int i = 0; i < nr; i++) {
        double x = v[i * 4];
        double eta = b0 + b1 * x + b2 * moecd;
        double se = sqrt(0.0961 + x * x * 0.0004 + moecd * moecd * 0.36);
        double want[3] = {1 / (1 + exp(-eta)),
                          1 / (1 + exp(-(eta - 1.959963984540054 * se))),
                          1 / (1 + exp(-(eta + 1.959963984540054 * se)))};
        for (int j = 0; j < 3; j++)
            worst = fmax(worst, fabs(v[i * 4 + 1 + j] - want[j]) / want[j]);
    }
    T_CHECK(nr == 8 && v[0] == -10 && v[7 * 4] == 10, "grid sorted");
    T_CHECK(worst <= 1e-12, "probabilities and band by hand: %.3g", worst);
    T_CHECK(gp && strstr(gp, "with yerrorbars"),
            "few distinct values: points with error bars");
    free(gp);
    snprintf(args, sizeof args,
             "plot predict --fit tests/data/plot/fit_logit.json --data "
             "tests/data/plot/pred_panel.csv --vary nothing --out %s/pr2",
             tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 1, "unknown --vary column");
    T_CHECK(err && strstr(err, "vary nothing") && strstr(err, "(--vary)"), "named: %s",
            err ? err : "");
    free(out), free(err);
}

static void test_cli_errors(void)
{
    T_SECTION("cli errors");
    char args[1024], path[256];
    char *out = NULL, *err = NULL;
    T_EQ_INT(t_run("plot pie --out x", &out, &err), 2, "unknown kind");
    free(out), free(err);
    T_EQ_INT(t_run("plot km --input tests/data/plot/km.csv", &out, &err), 2,
             "--out missing");
    free(out), free(err);
    T_EQ_INT(t_run("plot km --input tests/data/plot/km.csv --out x "
                   "--render gif", &out, &err), 2, "bad --render");
    free(out), free(err);
    T_EQ_INT(t_run("plot km --help", &out, &err), 0, "--help");
    T_CHECK(out && strstr(out, "usage: rhaz plot KIND"), "help text");
    free(out), free(err);
    snprintf(args, sizeof args,
             "plot km --input tests/data/plot/coef.csv --out %s/e1", tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 1, "missing column");
    T_CHECK(err && strstr(err, "coef.csv") && strstr(err, "no column 'x'"),
            "message names the file and column: %s", err ? err : "");
    free(out), free(err);
    snprintf(args, sizeof args,
             "plot density --data tests/data/plot/density_panel.csv --out "
             "%s/e2", tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 2, "stacked panel without --treaty");
    free(out), free(err);

    /* gnuplot failing, or only warning, is an error; no image is left */
    snprintf(path, sizeof path, "%s/fakegp.sh", tmpdir);
    FILE *fp = fopen(path, "w");
    fputs("#!/bin/sh\necho 'warning: something odd' >&2\nexit 0\n", fp);
    fclose(fp);
    chmod(path, 0755);
    snprintf(args, sizeof args,
             "plot km --input tests/data/plot/km.csv --out %s/w "
             "--render png", tmpdir);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "RHAZ_GNUPLOT=%s %s %s >/dev/null 2>%s/w.err",
             path, t_rhaz(), args, tmpdir);
    int st = system(cmd);
    T_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1,
            "a gnuplot warning fails the command");
    snprintf(path, sizeof path, "%s/w.err", tmpdir);
    char *e = t_slurp(path);
    T_CHECK(e && strstr(e, "rendering failed: warning: something odd"),
            "the warning is reported: %s", e ? e : "");
    free(e);
    snprintf(path, sizeof path, "%s/w.png", tmpdir);
    T_CHECK(file_size(path) < 0, "no image left behind");
    snprintf(cmd, sizeof cmd, "RHAZ_GNUPLOT=false %s %s >/dev/null 2>&1",
             t_rhaz(), args);
    st = system(cmd);
    T_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "gnuplot exit 1 fails");
    T_CHECK(file_size(path) < 0, "still no image");
}

/* The table-reading options reach --data and --input: a ';' file with
 * decimal commas gives the same numbers drawn as the ',' original; a
 * declared missing token; a --text column the file lacks. */
static void test_cli_read_opts(void)
{
    T_SECTION("cli reading options");
    char args[1024], src[256], sc[256], a[256], b[256];
    char *out = NULL, *err = NULL;
    snprintf(src, sizeof src, "tests/fixtures/icmw_panel.csv");
    snprintf(sc, sizeof sc, "%s/icmw_sc.csv", tmpdir);
    char *text = t_slurp(src);
    T_CHECK(text != NULL, "read %s", src);
    if (!text)
        return;
    for (char *c = text; *c; c++) /* ',' -> ';' and '.' -> ',' */
        *c = *c == ',' ? ';' : *c == '.' ? ',' : *c;
    FILE *fp = fopen(sc, "w");
    T_CHECK(fp && fputs(text, fp) >= 0 && fclose(fp) == 0, "write %s", sc);
    free(text);
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args,
                 "plot km --data %s %s --formula 'Surv(duration, event) ~ oecd' "
                 "--render none --csv --out %s/rk%d", k ? sc : src,
                 k ? "--delim ';' --decimal ," : "", tmpdir, k);
        T_EQ_INT(t_run(args, &out, &err), 0, "plot km, reading options");
        free(out), free(err);
    }
    snprintf(a, sizeof a, "%s/rk0.csv", tmpdir);
    snprintf(b, sizeof b, "%s/rk1.csv", tmpdir);
    char *ta = t_slurp(a), *tb = t_slurp(b);
    T_CHECK(ta && tb && strlen(ta) > 100 && strcmp(ta, tb) == 0,
            "';' with decimal commas draws the same numbers");
    free(ta), free(tb);
    snprintf(args, sizeof args, "plot km --data %s --formula 'Surv(duration, event) ~ oecd' "
             "--render none --out %s/rk2", sc, tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 1, "';' file without --delim");
    T_CHECK(err && strstr(err, "icmw_sc.csv:1:") && strstr(err, "delimiter ';'"),
            "the message names the delimiter: %s", err ? err : "");
    free(out), free(err);
    snprintf(args, sizeof args, "plot km --data %s --delim ';' --decimal , --text nosuch "
             "--formula 'Surv(duration, event) ~ oecd' --render none --out %s/rk3", sc, tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 1, "--text column not in the file");
    T_CHECK(err && strstr(err, "--text: no column 'nosuch'"), "named: %s", err ? err : "");
    free(out), free(err);
    char in[256];
    snprintf(in, sizeof in, "%s/na.csv", tmpdir);
    fp = fopen(in, "w");
    T_CHECK(fp && fputs("group,x,y\na,1,0.1\na,2,-\na,3,0.3\na,4,0.4\n", fp) >= 0 &&
            fclose(fp) == 0, "write %s", in);
    snprintf(args, sizeof args, "plot km --input %s --render none --out %s/rk4", in, tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 1, "a stray '-' in --input");
    T_CHECK(err && strstr(err, "na.csv:3: column y: '-' is not a number"),
            "stray token named with its line: %s", err ? err : "");
    free(out), free(err);
    snprintf(args, sizeof args, "plot km --input %s --na - --render none --csv --out %s/rk4",
             in, tmpdir);
    T_EQ_INT(t_run(args, &out, &err), 0, "--na -: a missing y, drawn as a gap");
    free(out), free(err);
    snprintf(a, sizeof a, "%s/rk4.csv", tmpdir);
    ta = t_slurp(a);
    T_CHECK(ta && strstr(ta, "\na,2,NA,") && strstr(ta, "\na,3,0.29999"),
            "the declared token is missing, the rest drawn: %s", ta ? ta : "");
    free(ta);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/rhaz-test-plot.%d", (int)getpid());
    mkdir(tmpdir, 0700);
    test_km_script();
    test_errors();
    test_coef_script();
    test_fit_json();
    test_smooth();
    test_cli_render();
    test_cli_surv();
    test_cli_participation();
    test_cli_predict();
    test_cli_errors();
    test_cli_read_opts();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return t_summary();
}
