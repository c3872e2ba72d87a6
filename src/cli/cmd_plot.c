/* cmd_plot.c -- 'rhaz plot KIND [options] --out PREFIX': parse argv
 * (plot_parse_args, the only option parser here), read the inputs (CSV
 * tables, fit JSON files, the panel), let the library build the figure's
 * series (rhaz_plot_add_*: every number is computed there), write
 * PREFIX.gp (a self-contained gnuplot script) and render it with gnuplot.
 * Rendering lives here, not in the library: the library only writes
 * scripts.  A gnuplot error, a non-zero exit or any output on gnuplot's
 * stderr (warnings) is an error, and a failed render leaves no partial
 * image. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char help[] =
    "usage: rhaz plot KIND [options] --out PREFIX\n\n"
    "Write PREFIX.gp, a self-contained gnuplot script (data inline), and\n"
    "render it to PREFIX.png (or .pdf, .svg, .eps).  Re-run by hand with\n"
    "'gnuplot PREFIX.gp' after editing labels or styles.  A gnuplot error or\n"
    "warning is an error and leaves no image.\n\n"
    "kinds and their inputs (PANEL: --data PANEL.csv, or --treaties KEYS to\n"
    "build the panel from the bundled records):\n"
    "  participation  parties per year, one line per treaty\n"
    "                   --treaties KEYS [--signatories] [--end YEAR]\n"
    "  km             1 - Kaplan-Meier by group, log-log 95% bands\n"
    "                   --formula 'Surv(start, stop, event) ~ GROUP' PANEL\n"
    "  coef           forest plot of one or several fitted models\n"
    "                   --fit [LABEL=]FIT.json (repeatable; from 'rhaz fit\n"
    "                   ... --format json') [--terms A,B] [--scale raw]\n"
    "  baseline       baseline cumulative hazard (--survival: survival) per\n"
    "                 stratum of a Cox fit, covariates at their means\n"
    "                   --formula 'Surv(...) ~ TERMS + strata(s)' PANEL\n"
    "  predict        prediction across one covariate with a 95% band\n"
    "                   --fit FIT.json --vary VAR [--at VAR=VALUE,...] PANEL\n"
    "  density        regional ratification density by year\n"
    "                   PANEL (one treaty, or --treaty KEY)\n"
    "  zph            scaled Schoenfeld residuals with a spline smooth\n"
    "                   --formula 'Surv(...) ~ TERMS' PANEL [--df N]\n"
    "Every kind also reads plain numbers with --input FILE.csv:\n"
    "  group,x,y[,lower,upper] (participation, km, baseline, predict,\n"
    "  density); [model,]term,estimate,conf_low,conf_high (coef);\n"
    "  term,time,residual[,var] (zph; var: the coefficient's variance).\n\n"
    "options:\n"
    "  --out PREFIX          output prefix (required): PREFIX.gp, PREFIX.png\n"
    "  --csv                 also write PREFIX.csv, the numbers drawn\n"
    "                        (group,x,y,lower,upper; coef: group,term,\n"
    "                        estimate,conf_low,conf_high; zph: term,time,\n"
    "                        residual)\n"
    "  --render LIST         png, pdf, svg, eps (comma list) or none\n"
    "                        (default png); PREFIX.gp uses the first\n"
    "  --size S              single (3.5x2.6 in), double (7x3.6 in) or W,H\n"
    "                        in inches (or 8.5cm,6cm)\n"
    "  --theme color|gray    Okabe-Ito colours or grayscale (default color);\n"
    "                        dash and point types differ in both\n"
    "  --title TEXT          figure title (default none)\n"
    "  --xlabel TEXT, --ylabel TEXT   axis labels (default per kind)\n"
    "  --labels FILE.csv     variable labels: columns name,label; applied\n"
    "                        to terms, groups, panels and axis labels\n"
    "  --font NAME           font family (default Sans)\n"
    "  --font-size PT        font size in points (default 9; double: 10)\n"
    "  --dpi N               PNG resolution (default 200)\n"
    "  --ymin Y, --ymax Y    fix the y range\n"
    "  --scale ratio|raw     coef: exp(estimate) on a log axis with a line\n"
    "                        at 1 (default), or raw coefficients, line at 0\n"
    "  --terms A,B,...       coef: only these terms, in this order\n"
    "  --intercept           coef: keep (Intercept) (dropped by default)\n"
    "  --df N                zph: spline degrees of freedom (default 4)\n"
    "  --data-dir DIR        bundled data directory (default $RHAZ_DATA or\n"
    "                        data)\n"
    "  -h, --help            this help\n\n"
    "Environment: RHAZ_GNUPLOT names the gnuplot program (default gnuplot).\n"
    "Exit status: 0 ok, 1 data or rendering error, 2 usage error.\n";

#define MAXFITS 32

/* Everything the command line says (filled by plot_parse_args only). */
typedef struct {
    rhaz_plot_kind kind;
    const char *out;
    rhaz_plot_format formats[RHAZ_PLOT_NFORMATS];
    int nformats;
    rhaz_plot_options po;
    const char *input, *data, *treaty, *labels;
    const char *treaties, *data_dir, *formula, *vary, *at, *terms;
    const char *fits[MAXFITS];
    int nfits;
    int intercept, signatories, survival, end_year, csv;
} plot_args;

/* ---------- inputs ---------- */

/* The panel a figure is drawn from: --data FILE.csv, or built in memory
 * from the bundled records with --treaties KEYS (default panel options;
 * --end YEAR sets the last year). */
static rhaz_table *get_panel(const plot_args *a, rhaz_error *err)
{
    if (a->data) {
        const char *strings[] = {"region", "treaty", "iso3c", "regime",
                                 NULL};
        rhaz_csv_options o = {0};
        o.as_string = strings;
        return rhaz_table_read(a->data, &o, err);
    }
    if (!a->treaties) {
        rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                       "plot %s: give --data PANEL.csv or --treaties KEYS "
                       "(or --input FILE.csv)", rhaz_plot_kind_name(a->kind));
        return NULL;
    }
    rhaz_data *d = rhaz_data_open(a->data_dir, err);
    if (!d)
        return NULL;
    size_t *idx = NULL, n = 0;
    rhaz_table *t = NULL;
    if (rhaz_data_select(d, a->treaties, &idx, &n, err) == RHAZ_OK) {
        rhaz_panel_options o;
        rhaz_panel_options_init(&o);
        if (a->end_year)
            o.end_year = a->end_year;
        t = rhaz_panel_build(d, idx, n, &o, NULL, err);
    }
    free(idx);
    rhaz_data_free(d);
    return t;
}

static rhaz_table *read_csv(const char *path, const char *const *strings,
                            rhaz_error *err)
{
    rhaz_csv_options o = {0};
    o.as_string = strings;
    return rhaz_table_read(path, &o, err);
}

/* --input FILE.csv of the kind's long format. */
static rhaz_status load_input(rhaz_plot *p, const plot_args *a, rhaz_error *err)
{
    const char *lstr[] = {"group", NULL}, *cstr[] = {"model", "term", NULL},
               *zstr[] = {"term", NULL};
    const char *const *strs = a->kind == RHAZ_PLOT_COEF  ? cstr
                              : a->kind == RHAZ_PLOT_ZPH ? zstr
                                                         : lstr;
    rhaz_table *t = read_csv(a->input, strs, err);
    if (!t)
        return err->status;
    rhaz_status st =
        a->kind == RHAZ_PLOT_COEF  ? rhaz_plot_add_coef_table(p, t, a->intercept, err)
        : a->kind == RHAZ_PLOT_ZPH ? rhaz_plot_add_zph_table(p, t, err)
                                   : rhaz_plot_add_long(p, t, "group", "x", "y", err);
    rhaz_table_free(t);
    return st;
}

/* Basename of path without directory and extension, into buf. */
static const char *stem(const char *path, char *buf, size_t size)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(buf, size, "%s", b);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
    return buf;
}

/* --fit [LABEL=]FILE.json: the path (and the label, when given). */
static const char *fit_path(const char *spec, char *label, size_t size)
{
    const char *eq = strchr(spec, '=');
    if (eq && access(spec, F_OK) != 0) {
        snprintf(label, size, "%.*s", (int)(eq - spec), spec);
        return eq + 1;
    }
    label[0] = '\0';
    return spec;
}

static rhaz_status load_fits(rhaz_plot *p, plot_args *a, rhaz_error *err)
{
    rhaz_fit_summary *fits[MAXFITS] = {0};
    char labels[MAXFITS][256], stems[MAXFITS][256];
    const char *lab[MAXFITS], *stm[MAXFITS];
    rhaz_status st = RHAZ_OK;
    for (int f = 0; f < a->nfits; f++) {
        const char *path = fit_path(a->fits[f], labels[f], sizeof labels[f]);
        if (!(fits[f] = rhaz_fit_summary_read_json(path, err))) {
            st = err->status;
            goto done;
        }
        lab[f] = labels[f][0] ? labels[f] : NULL;
        stm[f] = stem(path, stems[f], sizeof stems[f]);
        if (!fits[f]->converged)
            rhaz_message("warning: %s: the model did not converge; its "
                         "estimates are plotted as they are", path);
    }
    st = rhaz_plot_add_fits(p, fits, lab, stm, (size_t)a->nfits, a->terms,
                            a->intercept, a->po.ratio, err);
done:
    for (int f = 0; f < a->nfits; f++)
        rhaz_fit_summary_free(fits[f]);
    return st;
}

/* Read the inputs of kind a->kind and add its series to p. */
static rhaz_status load_series(rhaz_plot *p, plot_args *a, rhaz_error *err)
{
    const char *kind = rhaz_plot_kind_name(a->kind);
    if (a->kind == RHAZ_PLOT_COEF) {
        if (a->nfits == 0 && !a->input)
            return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                                  "plot coef: give --fit FILE.json "
                                  "(repeatable) or --input FILE.csv");
        if (a->nfits > 0 && a->input)
            return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                                  "plot coef: --fit and --input exclude "
                                  "each other");
        return a->input ? load_input(p, a, err) : load_fits(p, a, err);
    }
    if (a->input)
        return load_input(p, a, err);
    if (a->kind == RHAZ_PLOT_PARTICIPATION) {
        if (!a->treaties)
            return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                                  "plot participation: give --treaties KEYS "
                                  "(or --input FILE.csv)");
        rhaz_data *d = rhaz_data_open(a->data_dir, err);
        if (!d)
            return err->status;
        size_t *idx = NULL, n = 0;
        rhaz_status st = rhaz_data_select(d, a->treaties, &idx, &n, err);
        if (!st)
            st = rhaz_plot_add_participation(p, d, idx, n, a->end_year,
                                             a->signatories, err);
        free(idx);
        rhaz_data_free(d);
        return st;
    }
    rhaz_fit_summary *fit = NULL;
    const char *fitpath = NULL;
    if (a->kind == RHAZ_PLOT_PREDICT) {
        if (a->nfits != 1 || !a->vary)
            return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                                  "plot predict: give one --fit FILE.json, "
                                  "--vary VAR and --data PANEL.csv or "
                                  "--treaties KEYS (or --input FILE.csv)");
        char lab[256];
        fitpath = fit_path(a->fits[0], lab, sizeof lab);
        if (!(fit = rhaz_fit_summary_read_json(fitpath, err)))
            return err->status;
    } else if (a->kind == RHAZ_PLOT_ZPH && !a->formula) {
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot zph: --input FILE.csv is required");
    } else if (a->kind != RHAZ_PLOT_DENSITY && !a->formula) {
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              a->kind == RHAZ_PLOT_KM
                                  ? "plot km: give --formula 'Surv(start, "
                                    "stop, event) ~ GROUP' with --data or "
                                    "--treaties (or --input FILE.csv)"
                                  : "plot baseline: give --formula "
                                    "'Surv(...) ~ TERMS [+ strata(s)]' with "
                                    "--data or --treaties (or --input "
                                    "FILE.csv)");
    } else if (a->kind == RHAZ_PLOT_KM && !strchr(a->formula, '~')) {
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot km: formula '%s' has no '~'", a->formula);
    }
    rhaz_table *t = get_panel(a, err);
    rhaz_status st = t ? RHAZ_OK : err->status;
    if (!st) {
        switch (a->kind) {
        case RHAZ_PLOT_KM: st = rhaz_plot_add_km(p, t, a->formula, err); break;
        case RHAZ_PLOT_BASELINE:
            st = rhaz_plot_add_baseline(p, t, a->formula, a->survival, err);
            break;
        case RHAZ_PLOT_ZPH: st = rhaz_plot_add_zph_fit(p, t, a->formula, err); break;
        case RHAZ_PLOT_PREDICT:
            st = rhaz_plot_add_predict(p, fit, t, a->vary, a->at, err);
            if (st && !err->file[0] && err->status == RHAZ_EPARSE)
                snprintf(err->file, sizeof err->file, "%s", fitpath);
            break;
        case RHAZ_PLOT_DENSITY:
            st = rhaz_plot_add_density(p, t, a->treaty, err);
            break;
        default:
            st = rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                                "plot %s: --input FILE.csv is required", kind);
        }
    }
    rhaz_fit_summary_free(fit);
    rhaz_table_free(t);
    return st;
}

static int parse_formats(const char *s, plot_args *a)
{
    a->nformats = 0;
    if (strcmp(s, "none") == 0)
        return 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        rhaz_plot_format f;
        if (rhaz_plot_format_parse(tok, &f, NULL) != RHAZ_OK ||
            a->nformats >= RHAZ_PLOT_NFORMATS)
            return -1;
        for (int k = 0; k < a->nformats; k++)
            if (a->formats[k] == f)
                return -1;
        a->formats[a->nformats++] = f;
    }
    return a->nformats ? 0 : -1;
}

/* A flag may be followed by yes/no (as model files write "key = yes"):
 * consume that word and return its value; a bare flag is 1. */
static int flag_value(int argc, char **argv)
{
    static const char *const yes[] = {"yes", "true", "1", "on"};
    static const char *const no[] = {"no", "false", "0", "off"};
    if (optind < argc) {
        for (int i = 0; i < 4; i++) {
            if (strcmp(argv[optind], yes[i]) == 0) {
                optind++;
                return 1;
            }
            if (strcmp(argv[optind], no[i]) == 0) {
                optind++;
                return 0;
            }
        }
    }
    return 1;
}

static int parse_double(const char *s, double *out)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (e == s || *e || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* ---------- the command line ---------- */

/* Fill a from argv.  Returns EXIT_OK (and *done = 1 after --help) or a
 * usage exit code after printing the error.  The only option parser of
 * the command. */
static int plot_parse_args(int argc, char **argv, plot_args *a, int *done)
{
    static const struct option longopts[] = {
        {"out", required_argument, 0, 'o'},
        {"render", required_argument, 0, 'r'},
        {"size", required_argument, 0, 's'},
        {"theme", required_argument, 0, 'T'},
        {"title", required_argument, 0, 't'},
        {"xlabel", required_argument, 0, 'x'},
        {"ylabel", required_argument, 0, 'y'},
        {"labels", required_argument, 0, 'L'},
        {"font", required_argument, 0, 'F'},
        {"font-size", required_argument, 0, 'S'},
        {"dpi", required_argument, 0, 'D'},
        {"ymin", required_argument, 0, 'm'},
        {"ymax", required_argument, 0, 'M'},
        {"scale", required_argument, 0, 'c'},
        {"intercept", no_argument, 0, 'I'},
        {"df", required_argument, 0, 'd'},
        {"input", required_argument, 0, 'i'},
        {"data", required_argument, 0, 'a'},
        {"treaty", required_argument, 0, 'k'},
        {"fit", required_argument, 0, 'f'},
        {"treaties", required_argument, 0, 'K'},
        {"data-dir", required_argument, 0, 'R'},
        {"signatories", no_argument, 0, 'G'},
        {"end", required_argument, 0, 'E'},
        {"formula", required_argument, 0, 'Q'},
        {"vary", required_argument, 0, 'V'},
        {"at", required_argument, 0, 'A'},
        {"survival", no_argument, 0, 'U'},
        {"terms", required_argument, 0, 'W'},
        {"csv", no_argument, 0, 'C'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    plot_args *ap = a;
    memset(ap, 0, sizeof *ap);
    rhaz_plot_options_init(&a->po);
    a->po.ratio = 1;
    a->formats[0] = RHAZ_PLOT_PNG;
    a->nformats = 1;
    const char *size = NULL, *render_s = NULL;
    double fs = NAN;
    rhaz_error err;
    rhaz_error_clear(&err);
    (void)ap;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': a->out = optarg; break;
        case 'r': render_s = optarg; break;
        case 's': size = optarg; break;
        case 'T':
            if (strcmp(optarg, "color") == 0 || strcmp(optarg, "colour") == 0)
                a->po.theme = RHAZ_PLOT_COLOR;
            else if (strcmp(optarg, "gray") == 0 ||
                     strcmp(optarg, "grey") == 0)
                a->po.theme = RHAZ_PLOT_GRAY;
            else
                return cli_usage("plot", "--theme must be color or gray");
            break;
        case 't': a->po.title = optarg; break;
        case 'x': a->po.xlabel = optarg; break;
        case 'y': a->po.ylabel = optarg; break;
        case 'L': a->labels = optarg; break;
        case 'F': a->po.font = optarg; break;
        case 'S':
            if (parse_double(optarg, &fs))
                return cli_usage("plot", "--font-size '%s' is not a number",
                                 optarg);
            break;
        case 'D': {
            double d;
            if (parse_double(optarg, &d) || d != floor(d))
                return cli_usage("plot", "--dpi '%s' is not an integer",
                                 optarg);
            if (d < 36 || d > 1200)
                return cli_usage("plot", "--dpi %s: must be 36 to 1200", optarg);
            a->po.dpi = (int)fmin(fmax(d, -1), 1e5);
            break;
        }
        case 'm':
        case 'M':
            if (parse_double(optarg, c == 'm' ? &a->po.ymin : &a->po.ymax))
                return cli_usage("plot", "--%s '%s' is not a number",
                                 c == 'm' ? "ymin" : "ymax", optarg);
            break;
        case 'c':
            if (strcmp(optarg, "ratio") == 0)
                a->po.ratio = 1;
            else if (strcmp(optarg, "raw") == 0)
                a->po.ratio = 0;
            else
                return cli_usage("plot", "--scale must be ratio or raw");
            break;
        case 'I': a->intercept = flag_value(argc, argv); break;
        case 'd': {
            double d;
            if (parse_double(optarg, &d) || d != floor(d) || d < 2 || d > 20)
                return cli_usage("plot", "--df must be an integer 2 to 20");
            a->po.smooth_df = (int)d;
            break;
        }
        case 'i': a->input = optarg; break;
        case 'a': a->data = optarg; break;
        case 'k': a->treaty = optarg; break;
        case 'f':
            if (a->nfits >= MAXFITS)
                return cli_usage("plot", "at most %d --fit files", MAXFITS);
            a->fits[a->nfits++] = optarg;
            break;
        case 'K': a->treaties = optarg; break;
        case 'R': a->data_dir = optarg; break;
        case 'G': a->signatories = flag_value(argc, argv); break;
        case 'E': {
            double d;
            if (parse_double(optarg, &d) || d != floor(d) || d < 1900 ||
                d > 2100)
                return cli_usage("plot", "--end must be a year, not '%s'",
                                 optarg);
            a->end_year = (int)d;
            break;
        }
        case 'Q': a->formula = optarg; break;
        case 'V': a->vary = optarg; break;
        case 'A': a->at = optarg; break;
        case 'U': a->survival = flag_value(argc, argv); break;
        case 'W': a->terms = optarg; break;
        case 'C': a->csv = flag_value(argc, argv); break;
        case 'h': fputs(help, stdout); *done = 1; return EXIT_OK;
        default: return cli_bad_option("plot", argv);
        }
    }
    if (optind >= argc)
        return cli_usage("plot", "missing figure KIND");
    if (optind + 1 < argc)
        return cli_usage("plot", "unexpected argument '%s'", argv[optind + 1]);
    if (rhaz_plot_kind_parse(argv[optind], &a->kind, &err))
        return cli_usage("plot", "%s", err.msg);
    if (!a->out || !*a->out)
        return cli_usage("plot", "--out PREFIX is required");
    {
        /* a directory is not a prefix: DIR/ would write DIR/.gp */
        size_t ol = strlen(a->out);
        struct stat sb;
        if (a->out[ol - 1] == '/' || (stat(a->out, &sb) == 0 && S_ISDIR(sb.st_mode)))
            return cli_usage("plot", "--out '%s' is a directory: give a file "
                                     "prefix such as %s%sfigure", a->out, a->out,
                             a->out[ol - 1] == '/' ? "" : "/");
    }
    if (render_s && parse_formats(render_s, a))
        return cli_usage("plot", "--render '%s': expected a comma list of "
                                 "png, pdf, svg, eps (no repeats), or none",
                         render_s);
    if (size && rhaz_plot_size_parse(size, &a->po, &err))
        return cli_usage("plot", "%s", err.msg);
    if (!isnan(fs))
        a->po.font_size = fs;
    if (a->nfits && a->kind != RHAZ_PLOT_COEF && a->kind != RHAZ_PLOT_PREDICT)
        return cli_usage("plot", "--fit is for the coef and predict figures");

    return EXIT_OK;
}

/* --csv: PREFIX.csv, the numbers drawn. */
static rhaz_status write_csv(const rhaz_plot *p, const plot_args *a,
                             rhaz_error *err)
{
    size_t n = strlen(a->out) + 8;
    char *path = malloc(n);
    if (!path)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
    snprintf(path, n, "%s.csv", a->out);
    rhaz_outfile *f = rhaz_outfile_open(path, err);
    free(path);
    if (!f)
        return err->status;
    rhaz_status st = rhaz_plot_write_csv(p, rhaz_outfile_fp(f), err);
    if (st) {
        rhaz_outfile_abort(f);
        return st;
    }
    return rhaz_outfile_commit(f, err);
}

int cmd_plot(int argc, char **argv)
{
    plot_args a;
    int done = 0, rc = plot_parse_args(argc, argv, &a, &done);
    if (rc != EXIT_OK || done)
        return rc;
    rhaz_error err;
    rhaz_error_clear(&err);
    rhaz_table *labels = NULL;
    rhaz_plot *p = NULL;
    if (a.labels) {
        rhaz_csv_options lo = {0};
        labels = rhaz_table_read(a.labels, &lo, &err);
        if (!labels) {
            rc = cli_error(&err);
            goto done;
        }
        a.po.labels = labels;
    }
    p = rhaz_plot_alloc(a.kind, &err);
    if (!p || load_series(p, &a, &err) != RHAZ_OK) {
        rc = cli_error(&err);
        goto done;
    }
    /* PREFIX.gp: the script for the first format, set to write PREFIX.EXT */
    rhaz_plot_format f0 = a.nformats ? a.formats[0] : RHAZ_PLOT_PNG;
    size_t n = strlen(a.out) + 16;
    char *gp = malloc(n), *img = malloc(n);
    if (!gp || !img) {
        free(gp);
        free(img);
        rc = cli_fail("out of memory");
        goto done;
    }
    snprintf(gp, n, "%s.gp", a.out);
    snprintf(img, n, "%s.%s", a.out, rhaz_plot_format_name(f0));
    /* the script names the image as PREFIX.EXT: run it from the same
     * directory as rhaz was run */
    rhaz_status st = cli_plot_write_script(p, &a.po, f0, img, gp, &err);
    if (st == RHAZ_OK && a.csv)
        st = write_csv(p, &a, &err);
    for (int k = 0; st == RHAZ_OK && k < a.nformats; k++)
        st = cli_plot_render(p, &a.po, a.out, a.formats[k], &err);
    free(gp);
    free(img);
    if (st)
        rc = cli_error(&err);
done:
    rhaz_plot_free(p);
    rhaz_table_free(labels);
    return rc;
}
