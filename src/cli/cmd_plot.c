/* cmd_plot.c -- 'rhaz plot KIND [options] --out PREFIX': the options
 * (one table, shared with [figure] sections of model files), read the inputs (CSV
 * tables, fit JSON files, the panel), let the library build the figure's
 * series (rhaz_plot_add_*: every number is computed there), write
 * PREFIX.gp (a self-contained gnuplot script) and render it with gnuplot.
 * Rendering lives here, not in the library: the library only writes
 * scripts.  A gnuplot error, a non-zero exit or any output on gnuplot's
 * stderr (warnings) is an error, and a failed render leaves no partial
 * image. */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
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
    "                   [--predict lp|response|median|hazard|atrisk] [--time T]\n"
    "                   (default: probability; Cox, clogit: hazard ratio vs\n"
    "                   the mean; parametric: median time; cure: probability\n"
    "                   at risk; hazard: at --time T; see 'rhaz margins --help')\n"
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
    "  --data-dir DIR        data directory (default $RHAZ_DATA, else the\n"
    "                        bundled data: man rhaz, ENVIRONMENT)\n"
    "reading --data and --input (as every command that reads a table):\n"
    CLI_READ_HELP
    "  -h, --help            this help\n\n"
    "Environment: RHAZ_GNUPLOT names the gnuplot program (default gnuplot).\n"
    "Exit status: 0 ok, 1 data or rendering error, 2 usage error.\n";

#define MAXFITS 32

/* Everything the command line (or a [figure] section) says. */
typedef struct {
    rhaz_plot_kind kind;
    const char *out, *render, *size;
    double font_size; /* NaN: the size's default */
    rhaz_plot_format formats[RHAZ_PLOT_NFORMATS];
    int nformats;
    rhaz_plot_options po;
    const char *input, *data, *treaty, *labels;
    const char *treaties, *data_dir, *formula, *vary, *at, *terms, *predict;
    double time;
    cli_strv fitv;
    const char **fits;
    int nfits;
    int intercept, signatories, survival, end_year, csv;
    cli_read_args read;
    cli_read_opts *ro; /* from read, set by run() */
} plot_args;

#define O(f) CLI_OFF(plot_args, f)
static const cli_choice themes[] = {
    {"color", RHAZ_PLOT_COLOR, 0}, {"gray", RHAZ_PLOT_GRAY, 0},
    {"colour", RHAZ_PLOT_COLOR, 1}, {"grey", RHAZ_PLOT_GRAY, 1}, {NULL, 0, 0}};
static const cli_choice scales[] = {{"ratio", 1, 0}, {"raw", 0, 0}, {NULL, 0, 0}};
/* Every option is also a [figure] key (name with '_' for '-'), but for
 * --out and --render, which rhaz run sets. */
static const cli_option options[] = {
    {"out", CLI_STR, O(out), .key = NULL, .shortopt = 'o'},
    {"render", CLI_STR, O(render), .key = NULL},
    {"csv", CLI_FLAG, O(csv), .key = "csv"},
    {"size", CLI_STR, O(size), .key = "size"},
    {"theme", CLI_CHOICE, O(po.theme), .key = "theme", .choices = themes},
    {"title", CLI_STR, O(po.title), .key = "title"},
    {"xlabel", CLI_STR, O(po.xlabel), .key = "xlabel"},
    {"ylabel", CLI_STR, O(po.ylabel), .key = "ylabel"},
    {"labels", CLI_STR, O(labels), .key = "labels", .flags = CLI_FILE},
    {"font", CLI_STR, O(po.font), .key = "font"},
    {"font-size", CLI_DOUBLE, O(font_size), .key = "font_size"},
    {"dpi", CLI_INT, O(po.dpi), .key = "dpi", .min = 36, .max = 1200},
    {"ymin", CLI_DOUBLE, O(po.ymin), .key = "ymin"},
    {"ymax", CLI_DOUBLE, O(po.ymax), .key = "ymax"},
    {"scale", CLI_CHOICE, O(po.ratio), .key = "scale", .choices = scales},
    {"intercept", CLI_FLAG, O(intercept), .key = "intercept"},
    {"df", CLI_INT, O(po.smooth_df), .key = "df", .min = 2, .max = 20},
    {"input", CLI_STR, O(input), .key = "input", .flags = CLI_FILE},
    {"data", CLI_STR, O(data), .key = "data", .flags = CLI_FILE},
    {"treaty", CLI_LIST, O(treaty), .key = "treaty"},
    {"fit", CLI_MULTI, O(fitv), .key = "fit"},
    {"treaties", CLI_LIST, O(treaties), .key = "treaties"},
    {"data-dir", CLI_STR, O(data_dir), .key = "data_dir", .flags = CLI_FILE},
    {"signatories", CLI_FLAG, O(signatories), .key = "signatories"},
    {"end", CLI_INT, O(end_year), .key = "end", .min = 1900, .max = 2100},
    {"formula", CLI_STR, O(formula), .key = "formula"},
    {"vary", CLI_STR, O(vary), .key = "vary"},
    {"at", CLI_STR, O(at), .key = "at"},
    {"predict", CLI_STR, O(predict), .key = "predict"},
    {"time", CLI_DOUBLE, O(time), .key = "time", .min = 0, .max = 1e300,
     .flags = CLI_OPEN_MIN},
    {"survival", CLI_FLAG, O(survival), .key = "survival"},
    {"terms", CLI_STR, O(terms), .key = "terms"},
    CLI_READ_ROWS(plot_args, read),
    {.name = NULL}};
#undef O

/* ---------- inputs ---------- */

/* The panel a figure is drawn from: --data FILE.csv, or built in memory
 * from the bundled records with --treaties KEYS (default panel options;
 * --end YEAR sets the last year). */
static rhaz_table *read_csv(const plot_args *a, const char *path,
                            const char *const *strings, rhaz_error *err);

static rhaz_table *get_panel(const plot_args *a, rhaz_error *err)
{
    if (a->data) {
        const char *strings[] = {"region", "treaty", "iso3c", "regime",
                                 NULL};
        return read_csv(a, a->data, strings, err);
    }
    if (!a->treaties) {
        rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                       "plot %s: give --data PANEL.csv or --treaties KEYS "
                       "(or --input FILE.csv)", rhaz_plot_kind_name(a->kind));
        return NULL;
    }
    rhaz_data *d = rhaz_data_open(cli_data_dir(a->data_dir), err);
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

/* A table with the reading options; the kind's text columns (strings)
 * with any --text columns read as text. */
static rhaz_table *read_csv(const plot_args *a, const char *path,
                            const char *const *strings, rhaz_error *err)
{
    cli_read_opts *ro = a->ro;
    const char *as_str[CLI_READ_MAX + 8];
    size_t ns = 0;
    for (size_t k = 0; strings[k] && ns < 8; k++)
        as_str[ns++] = strings[k];
    for (int k = 0; k < ro->ntext; k++)
        as_str[ns++] = ro->text[k];
    as_str[ns] = NULL;
    ro->csv.as_string = as_str;
    rhaz_table *t = cli_read_table(ro, path, err);
    ro->csv.as_string = NULL;
    return t;
}

/* --input FILE.csv of the kind's long format. */
static rhaz_status load_input(rhaz_plot *p, const plot_args *a, rhaz_error *err)
{
    const char *lstr[] = {"group", NULL}, *cstr[] = {"model", "term", NULL},
               *zstr[] = {"term", NULL};
    const char *const *strs = a->kind == RHAZ_PLOT_COEF  ? cstr
                              : a->kind == RHAZ_PLOT_ZPH ? zstr
                                                         : lstr;
    rhaz_table *t = read_csv(a, a->input, strs, err);
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
    /* a label may hold '=' itself: split where a file follows */
    for (const char *q = eq; q && access(spec, F_OK) != 0; q = strchr(q + 1, '='))
        if (access(q + 1, F_OK) == 0) {
            eq = q;
            break;
        }
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
        rhaz_data *d = rhaz_data_open(cli_data_dir(a->data_dir), err);
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
            {
                rhaz_predict_options po = {.scale = RHAZ_SCALE_DEFAULT, .time = a->time};
                if (a->predict && rhaz_predict_scale_parse(a->predict, &po.scale)) {
                    st = rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                                        "predict %s: not one of lp, response, median, "
                                        "hazard, atrisk", a->predict);
                    snprintf(err->option, sizeof err->option, "predict");
                    break;
                }
                st = rhaz_plot_add_predict_scale(p, fit, t, a->vary, a->at, &po, err);
            }
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

static void init(void *p)
{
    plot_args *a = p;
    rhaz_plot_options_init(&a->po);
    a->po.ratio = 1;
    a->formats[0] = RHAZ_PLOT_PNG;
    a->nformats = 1;
    a->font_size = NAN;
}

static int args(void *p, int n, char **v, cli_err *err)
{
    plot_args *a = p;
    if (n < 1)
        return cli_err_usage(err, NULL, "missing figure KIND");
    if (n > 1)
        return cli_err_usage(err, NULL, "unexpected argument '%s'", v[1]);
    if (rhaz_plot_kind_parse(v[0], &a->kind, &err->e))
        return cli_err_usage(err, NULL, "%s", err->e.msg);
    return EXIT_OK;
}

static int validate(void *p, cli_err *err)
{
    plot_args *a = p;
    if (!a->out || !*a->out)
        return cli_err_usage(err, "out", "--out PREFIX is required");
    /* a directory is not a prefix: DIR/ would write DIR/.gp */
    size_t ol = strlen(a->out);
    struct stat sb;
    if (a->out[ol - 1] == '/' || (stat(a->out, &sb) == 0 && S_ISDIR(sb.st_mode)))
        return cli_err_usage(err, "out", "--out '%s' is a directory: give a file "
                                         "prefix such as %s%sfigure", a->out, a->out,
                             a->out[ol - 1] == '/' ? "" : "/");
    if (a->render && parse_formats(a->render, a))
        return cli_err_usage(err, "render", "--render '%s': expected a comma list of "
                                            "png, pdf, svg, eps (no repeats), or none",
                             a->render);
    rhaz_error e;
    if (a->size && rhaz_plot_size_parse(a->size, &a->po, &e))
        return cli_err_usage(err, "size", "%s", e.msg);
    if (!isnan(a->font_size))
        a->po.font_size = a->font_size;
    a->fits = a->fitv.v;
    a->nfits = (int)a->fitv.n;
    if (a->nfits > MAXFITS)
        return cli_err_usage(err, "fit", "at most %d --fit files", MAXFITS);
    if (a->nfits && a->kind != RHAZ_PLOT_COEF && a->kind != RHAZ_PLOT_PREDICT)
        return cli_err_usage(err, "fit", "--fit is for the coef and predict figures");
    return EXIT_OK;
}

/* --csv: PREFIX.csv, the numbers drawn. */
static rhaz_status write_csv(const rhaz_plot *p, const plot_args *a,
                             rhaz_error *err)
{
    size_t n = strlen(a->out) + 8;
    char *path = malloc(n);
    if (!path)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory drawing the figure");
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

/* Which option an error is about, by the file it names. */
static const char *option_of(const plot_args *a, const rhaz_error *e)
{
    if (!e->file[0])
        return NULL;
    if (strncmp(e->msg, "--text", 6) == 0)
        return "text";
    if (a->data && strcmp(e->file, a->data) == 0)
        return "data";
    if (a->input && strcmp(e->file, a->input) == 0)
        return "input";
    if (a->labels && strcmp(e->file, a->labels) == 0)
        return "labels";
    return NULL;
}

static int run(void *pa, cli_err *ce)
{
    plot_args *ap = pa, a = *ap;
    int rc = EXIT_OK;
    rhaz_error err;
    rhaz_error_clear(&err);
    rhaz_table *labels = NULL;
    rhaz_plot *p = NULL;
    cli_read_opts ro = {0};
    a.ro = &ro;
    if ((rc = cli_read_args_apply(&ro, &a.read, ce)) != EXIT_OK)
        goto done;
    if (a.labels) {
        rhaz_csv_options lo = {0};
        labels = rhaz_table_read(a.labels, &lo, &err);
        if (!labels)
            goto fail;
        a.po.labels = labels;
    }
    p = rhaz_plot_alloc(a.kind, &err);
    if (!p || load_series(p, &a, &err) != RHAZ_OK)
        goto fail;
    /* PREFIX.gp: the script for the first format, set to write PREFIX.EXT */
    rhaz_plot_format f0 = a.nformats ? a.formats[0] : RHAZ_PLOT_PNG;
    size_t n = strlen(a.out) + 16;
    char *gp = malloc(n), *img = malloc(n);
    if (!gp || !img) {
        free(gp);
        free(img);
        rc = cli_err_data(ce, NULL, "out of memory drawing the figure");
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
    if (!st)
        goto done;
fail:
    ce->e = err;
    rc = cli_err_lib(ce, option_of(&a, &err));
done:
    cli_read_free(&ro);
    rhaz_plot_free(p);
    rhaz_table_free(labels);
    return rc;
}

const cli_cmd cli_cmd_plot = {
    .name = "plot", .help = help, .options = options, .size = sizeof(plot_args),
    .init = init, .args = args, .validate = validate, .run = run};

int cmd_plot(int argc, char **argv) { return cli_main(&cli_cmd_plot, argc, argv); }
