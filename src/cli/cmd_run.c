#define _XOPEN_SOURCE 700 /* nftw */
/* cmd_run.c -- 'rhaz run models/NAME.model': panel, models, tables and
 * figures from one declarative file.
 *
 * A model file is a script of rhaz commands written as sections: every
 * step runs the same code as the command a user would type (panel, fit,
 * table, plot, participation), in process, so a model file and the
 * command line can never disagree.  Values are passed to the commands
 * as options; when a command rejects one, the error is reported against
 * the model file's line and key.  Steps run in file order, grouped:
 * panel, participation, models, tables, figures.
 */
#include "run.h"

#include <errno.h>
#include <ftw.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char help[] =
    "usage: rhaz run [options] FILE.model\n\n"
    "Run a declarative analysis: build the panel, fit every model, write\n"
    "tables and figures into the output directory, with a progress line per\n"
    "step on stderr.  Sections (docs/guide.md describes every key):\n"
    "  [run]                title, description, out\n"
    "  [panel], [panel NAME] treaty, event, start, end, eligible, successions,\n"
    "                       democracy, region, lag, receiving_threshold,\n"
    "                       regime_cut, data_dir, ...\n"
    "  [participation]      treaties, asof, format (text csv), data_dir\n"
    "  [model NAME]         type (logit|cloglog|cox|clogit|weibull|...), formula,\n"
    "                       vce, cluster, adjust, ties, firth, weights, level,\n"
    "                       maxit, data, keep_unconverged; panel = NAME,\n"
    "                       democracy = SRC (`democracy` in the formula is the\n"
    "                       panel's democracy_SRC), output = STEM, label = TEXT,\n"
    "                       imputations = GLOB (Rubin's rules), common_sample\n"
    "                       Alternatives make a grid, one fit per combination:\n"
    "                       democracy = polity2, vdem; panel = a, b; any other\n"
    "                       key with '|' (formula = y ~ a | y ~ a + b)\n"
    "  [table NAME]         models, format, labels, exp, title, digits, stars\n"
    "  [figure NAME]        kind and the options of 'rhaz plot KIND'; models\n"
    "                       names fitted models for coef; panel = NAME\n\n"
    "Outputs in DIR: panel.csv, panel-report.txt (panel-NAME.csv, ...),\n"
    "participation.txt/.csv, models/STEM.json and .txt (STEM-ALT for a grid),\n"
    "tables/NAME.txt/.tex/.md/.csv,\n"
    "figures/NAME.gp and .png, index.html (the report page: accounting,\n"
    "tables, figures, fit notes and the command that reruns it).\n\n"
    "options:\n"
    "  --out DIR        output directory (default: [run] out, else out/NAME\n"
    "                   for NAME.model)\n"
    "  --data-dir DIR   data directory for the panel (overrides data_dir)\n"
    "  --render LIST    figure formats (default png; none to skip gnuplot)\n"
    "  --quiet          no progress lines\n"
    "  -h, --help       this help\n";

static int in_list(const char *key, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(*list, key) == 0)
            return 1;
    return 0;
}

/* Library messages (warnings) during a run: after the progress line. */
static void run_message(const char *msg, void *ctx)
{
    run_end_progress(ctx);
    fprintf(stderr, "rhaz: %s\n", msg);
}

/* ---------- steps ---------- */

/* Run command c for section s: its keys through the command's table
 * (keys in `own` are the section's own, read here), then what the run
 * sets itself (name, value pairs; a NULL value is skipped), then
 * validate and run.  An error names the model file's line and key. */
static int run_cmd(run_ctx *r, const rhaz_mf_section *s, const cli_cmd *c,
                   const char *const *own, const char *const *set, FILE *report,
                   int nargs, char **args)
{
    cli_call *call = cli_call_new(c);
    if (!call)
        return cli_fail("out of memory preparing a run step");
    cli_err e = {0};
    int rc = cli_call_section(call, r->mf, s, own, &e);
    if (!rc && nargs)
        rc = cli_call_args(call, nargs, args, &e);
    for (const char *const *kv = set; !rc && kv && kv[0]; kv += 2)
        if (kv[1])
            rc = cli_set(call, kv[0], kv[1], &e);
    if (!rc && report)
        rc = cli_set_ptr(call, "report-fp", report, &e);
    if (!rc)
        rc = cli_call_exec(call, &e);
    if (rc) {
        run_end_progress(r);
        rc = cli_section_error(call, r->mf, s, &e);
    }
    cli_call_free(call);
    return rc;
}

static int step_panel(run_ctx *r, const run_panel *p, const char *data_dir)
{
    const rhaz_mf_section *s = p->s;
    run_progress(r, "building panel", s->name);
    if (!rhaz_mf_get(s, "treaty", NULL) && !rhaz_mf_get(s, "treaties", NULL)) {
        rhaz_error err;
        rhaz_modelfile_error(r->mf, s, NULL, RHAZ_EPARSE, &err,
                             "needs 'treaty = KEYS'");
        return run_error(r, &err);
    }
    rhaz_error err;
    rhaz_outfile *of = rhaz_outfile_open(p->report, &err);
    if (!of)
        return run_error(r, &err);
    /* democracy: its source first, then the sources the models name */
    char dem[64];
    snprintf(dem, sizeof dem, "%s", rhaz_democracy_name((rhaz_democracy_source)p->dem));
    for (int k = 0; k < 8; k++)
        if (k != p->dem && (p->dem_cols & (1u << k)))
            snprintf(dem + strlen(dem), sizeof dem - strlen(dem), ",%s",
                     rhaz_democracy_name((rhaz_democracy_source)k));
    /* the source and panel accounting go into panel-report.txt */
    const char *set[] = {"out", p->path, "report", "", "data-dir", data_dir,
                         "democracy", strchr(dem, ',') ? dem : NULL, NULL};
    int rc = run_cmd(r, s, &cli_cmd_panel, NULL, set, rhaz_outfile_fp(of), 0, NULL);
    if (rc == 0) {
        if (rhaz_outfile_commit(of, &err) != RHAZ_OK)
            rc = run_error(r, &err);
    } else
        rhaz_outfile_abort(of);
    return rc;
}

/* File extension of a text|csv|json|latex|markdown format name. */
static const char *format_ext(const char *f, const char *const *allowed)
{
    static const char *const ext[][2] = {{"text", "txt"}, {"csv", "csv"},
                                         {"json", "json"}, {"latex", "tex"},
                                         {"markdown", "md"}};
    if (!in_list(f, allowed))
        return NULL;
    for (int k = 0; k < 5; k++)
        if (!strcmp(f, ext[k][0]))
            return ext[k][1];
    return NULL;
}

/* One command run per format of the section's 'format' list (default
 * dflt); out_fmt gives the output path from the extension. */
static int per_format(run_ctx *r, const rhaz_mf_section *s, const cli_cmd *c,
                      const char *dflt, const char *const *allowed,
                      const char *out_fmt, const char *const *extra,
                      const char *const *own, int nargs, char **args)
{
    const char *fv = rhaz_mf_get(s, "format", NULL);
    char **fmts = rhaz_mf_split(fv ? fv : dflt, NULL);
    if (!fmts)
        return cli_fail("out of memory reading the output formats");
    int rc = 0;
    for (char **f = fmts; !rc && *f; f++) {
        const char *e = format_ext(*f, allowed);
        if (!e) {
            char list[128] = "";
            for (const char *const *a = allowed; *a; a++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         a == allowed ? "" : ", ", *a);
            rhaz_error err;
            rhaz_modelfile_error(r->mf, s, "format", RHAZ_EPARSE, &err,
                                 "unknown format '%s' (%s)", *f, list);
            rc = run_error(r, &err);
            break;
        }
        char out[4200];
        snprintf(out, sizeof out, out_fmt, r->out, s->name[0] ? "-" : "", s->name, e);
        size_t ne = 0; /* name, value pairs (a NULL value is skipped) */
        while (extra && extra[ne])
            ne += 2;
        const char **set = malloc((ne + 6) * sizeof *set);
        if (!set) {
            rc = cli_fail("out of memory preparing a run step");
            break;
        }
        set[0] = "format";
        set[1] = *f;
        set[2] = "out";
        set[3] = out;
        if (ne)
            memcpy(set + 4, extra, ne * sizeof *set);
        set[4 + ne] = NULL;
        set[5 + ne] = NULL;
        rc = run_cmd(r, s, c, own, set, NULL, nargs, args);
        free(set);
    }
    rhaz_mf_list_free(fmts);
    return rc;
}

static int step_participation(run_ctx *r, const rhaz_mf_section *s,
                              const char *data_dir)
{
    run_progress(r, "participation table", s->name);
    static const char *const allowed[] = {"text", "csv", "json", NULL};
    static const char *const own[] = {"format", NULL};
    const char *extra[] = {"data-dir", data_dir, NULL};
    return per_format(r, s, &cli_cmd_participation, "text csv", allowed,
                      "%s/participation%s%s.%s", extra, own, 0, NULL);
}

/* The fits of the [model] sections named in value (a list) of key:
 * every fit of each, in order, into *idx (malloc'd); 0 or an error. */
static int fits_of(run_ctx *r, const rhaz_mf_section *s, const char *key,
                   const char *value, size_t **idx, size_t *n)
{
    char **names = rhaz_mf_split(value, NULL);
    *idx = calloc(r->nfits + 1, sizeof **idx);
    *n = 0;
    int rc = names && *idx ? 0 : cli_fail("out of memory reading the model list");
    for (char **m = names; !rc && *m; m++) {
        size_t before = *n;
        for (size_t k = 0; k < r->nfits; k++)
            if (!strcmp(r->fits[k].s->name, *m) && *n < r->nfits)
                (*idx)[(*n)++] = k;
        if (*n == before) {
            rhaz_error err;
            rhaz_modelfile_error(r->mf, s, key, RHAZ_EPARSE, &err,
                                 "no [model %s] in this file", *m);
            rc = run_error(r, &err);
        }
    }
    rhaz_mf_list_free(names);
    if (rc) {
        free(*idx);
        *idx = NULL;
    }
    return rc;
}

static int step_table(run_ctx *r, const rhaz_mf_section *s)
{
    run_progress(r, "writing table", s->name);
    const char *v = rhaz_mf_get(s, "models", NULL);
    size_t nm = 0, *idx = NULL;
    if (!v || !v[0]) {
        rhaz_error err;
        rhaz_modelfile_error(r->mf, s, NULL, RHAZ_EPARSE, &err,
                             "needs 'models = NAME, NAME, ...'");
        return run_error(r, &err);
    }
    int rc = fits_of(r, s, "models", v, &idx, &nm);
    /* the fits' JSON as arguments, titled as the file says */
    static const char *const allowed[] = {"text", "latex", "markdown", "csv", NULL};
    static const char *const own[] = {"models", "format", NULL};
    char **paths = rc ? NULL : calloc(nm + 1, sizeof *paths);
    const char **extra = rc ? NULL : calloc(2 * nm + 1, sizeof *extra);
    if (!rc && (!paths || !extra))
        rc = cli_fail("out of memory preparing the regression tables (%zu models)", nm);
    for (size_t k = 0; !rc && k < nm; k++) {
        char p[4200];
        const run_fit *f = &r->fits[idx[k]];
        snprintf(p, sizeof p, "%s/models/%s.json", r->out, f->stem);
        if (!(paths[k] = strdup(p)))
            rc = cli_fail("out of memory preparing the regression tables (%zu models)", nm);
        extra[2 * k] = "name";
        extra[2 * k + 1] = f->title;
    }
    if (!rc)
        rc = per_format(r, s, &cli_cmd_table, "text latex markdown csv", allowed,
                        "%s/tables/%.0s%s.%s", extra, own, (int)nm, paths);
    for (size_t k = 0; paths && k < nm; k++)
        free(paths[k]);
    free(paths);
    free(extra);
    free(idx);
    return rc;
}

static int step_figure(run_ctx *r, const rhaz_mf_section *s)
{
    run_progress(r, "drawing figure", s->name);
    rhaz_error err;
    const char *kind = rhaz_mf_get(s, "kind", NULL);
    if (!kind) {
        rhaz_modelfile_error(r->mf, s, NULL, RHAZ_EPARSE, &err, "needs 'kind = ...'");
        return run_error(r, &err);
    }
    enum { MAXSET = 2 * 40 };
    const char *set[MAXSET + 8];
    char out[4200], fits[32][4400];
    size_t k = 0, nf = 0;
    snprintf(out, sizeof out, "%s/figures/%s", r->out, s->name);
    set[k++] = "out";
    set[k++] = out;
    set[k++] = "render";
    set[k++] = r->render;
    /* models = NAME ...: the fits of this file, labelled by their titles */
    int rc = 0;
    for (size_t i = 0; !rc && i < s->n; i++) {
        const char *key = s->entries[i].key;
        if (strcmp(key, "models") && strcmp(key, "model"))
            continue;
        size_t n, *idx;
        if ((rc = fits_of(r, s, key, s->entries[i].value, &idx, &n)))
            return rc;
        for (size_t m = 0; !rc && m < n; m++) {
            const run_fit *f = &r->fits[idx[m]];
            if (nf == 32 || k + 2 > MAXSET) {
                rhaz_modelfile_error(r->mf, s, key, RHAZ_EPARSE, &err,
                                     "at most 32 models in a figure");
                rc = run_error(r, &err);
                break;
            }
            snprintf(fits[nf], sizeof fits[nf], "%.200s=%s/models/%s.json", f->title,
                     r->out, f->stem);
            set[k++] = "fit";
            set[k++] = fits[nf++];
        }
        free(idx);
    }
    if (rc)
        return rc;
    /* figures drawn from a panel get it by default (panel = NAME picks one) */
    int pi = run_figure_panel(r, s);
    if (pi == -2)
        return EXIT_DATA;
    /* `democracy` is the panel's column named by its source, in the keys
       that name variables */
    static const char *const vkeys[] = {"formula", "vary", "at"};
    char *renamed[3] = {NULL, NULL, NULL};
    if (!rhaz_mf_get(s, "data", NULL) && !rhaz_mf_get(s, "input", NULL) && pi >= 0 &&
        strcmp(kind, "coef") && strcmp(kind, "participation")) {
        set[k++] = "data";
        set[k++] = r->panels[pi].path;
        for (int q = 0; q < 3; q++) {
            const char *v = rhaz_mf_get(s, vkeys[q], NULL);
            if (v && !(renamed[q] = run_democracy_formula(r, pi, v)))
                rc = cli_fail("out of memory renaming the democracy measure");
            if (renamed[q]) {
                set[k++] = vkeys[q];
                set[k++] = renamed[q];
            }
        }
    }
    set[k] = NULL;
    static const char *const own[] = {"kind", "models", "model", "panel", NULL};
    char *args[] = {(char *)kind};
    if (!rc)
        rc = run_cmd(r, s, &cli_cmd_plot, own, set, NULL, 1, args);
    for (int q = 0; q < 3; q++)
        free(renamed[q]);
    return rc;
}

static size_t count_kind(const rhaz_modelfile *mf, const char *kind)
{
    size_t n = 0;
    for (size_t k = 0; k < rhaz_modelfile_nsections(mf); k++)
        n += !strcmp(rhaz_modelfile_section(mf, k)->kind, kind);
    return n;
}

/* ---------- the model-file schema: section kinds and their keys ---------- */

static int panel_key(const char *k) { return cli_cmd_has_key(&cli_cmd_panel, k); }

/* [model]: type, and the keys of every 'rhaz fit TYPE' */
static int model_key(const char *k)
{
    if (run_model_own_key(k))
        return 1;
    for (const cli_fit_type *t = cli_fit_types; t->type; t++)
        if (cli_cmd_has_key(t->cmd, k))
            return 1;
    return 0;
}

static int table_key(const char *k)
{
    static const char *const own[] = {"models", "format", NULL};
    return in_list(k, own) || cli_cmd_has_key(&cli_cmd_table, k);
}

static int participation_key(const char *k)
{
    static const char *const own[] = {"format", NULL};
    return in_list(k, own) || cli_cmd_has_key(&cli_cmd_participation, k);
}

static int figure_key(const char *k)
{
    static const char *const own[] = {"kind", "models", "model", "panel", NULL};
    return in_list(k, own) || cli_cmd_has_key(&cli_cmd_plot, k);
}

static int run_key(const char *k)
{
    static const char *const keys[] = {"title", "description", "out", NULL};
    return in_list(k, keys);
}

static const rhaz_mf_kind kinds[] = {
    {"panel", -1, panel_key},  {"model", 1, model_key},
    {"table", 1, table_key},   {"figure", 1, figure_key},
    {"participation", -1, participation_key},
    {"run", 0, run_key},
};
static const rhaz_mf_schema schema = {kinds, sizeof kinds / sizeof kinds[0]};

/* rhaz run's own options (the model file's sections go through the
 * commands' tables in run_cmd). */
typedef struct {
    const char *out, *data_dir, *render, *path;
    int quiet;
} run_opts;

#define O(f) CLI_OFF(run_opts, f)
static const cli_option run_options[] = {
    {"out", CLI_STR, O(out), .key = NULL},
    {"data-dir", CLI_STR, O(data_dir), .key = NULL},
    {"render", CLI_STR, O(render), .key = NULL},
    {"quiet", CLI_FLAG, O(quiet), .key = NULL},
    {.name = NULL}};
#undef O

static void run_init(void *p) { ((run_opts *)p)->render = "png"; }

static int run_args(void *p, int n, char **v, cli_err *err)
{
    if (n != 1)
        return cli_err_usage(err, NULL, "expected exactly one FILE.model");
    ((run_opts *)p)->path = v[0];
    return EXIT_OK;
}

/* The run prints its own progress and errors (after the progress line),
 * so it returns an exit code with err left empty. */
static int run_run(void *p, cli_err *ce)
{
    (void)ce;
    const run_opts *ro = p;
    const char *out = ro->out, *data_dir = ro->data_dir, *render = ro->render;
    int quiet = ro->quiet;
    const char *path = ro->path;
    rhaz_error err;
    rhaz_modelfile *mf = rhaz_modelfile_read(path, &schema, &err);
    if (!mf)
        return cli_error(&err);
    char outbuf[4096];
    if (!out) /* [run] out = DIR */
        out = rhaz_mf_get(rhaz_modelfile_find(mf, "run", NULL), "out", NULL);
    if (!out) {
        const char *b = strrchr(path, '/');
        b = b ? b + 1 : path;
        size_t n = strlen(b);
        if (n > 6 && strcmp(b + n - 6, ".model") == 0)
            n -= 6;
        snprintf(outbuf, sizeof outbuf, "out/%.*s", (int)n, b);
        out = outbuf;
    }
    /* copy 'out' now (it may point into argv, which figures still reuse) */
    char outdir[4600];
    snprintf(outdir, sizeof outdir, "%s", out);
    run_ctx r = {.mf = mf, .out = outdir, .render = render, .quiet = quiet,
                 .tty = isatty(2)};
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    rhaz_set_message_handler(run_message, &r);
    size_t ns = rhaz_modelfile_nsections(mf);
    for (size_t k = 0; k < ns; k++)
        if (strcmp(rhaz_modelfile_section(mf, k)->kind, "run"))
            r.nsteps++;
    if (r.nsteps == 0) {
        rhaz_modelfile_free(mf);
        return cli_fail("%s: nothing to run: no [panel], [participation], "
                        "[model], [table] or [figure] section", path);
    }
    /* The run is written into a temporary folder beside OUT and swapped
     * in only when every step succeeded: a failed (or interrupted) run
     * leaves an existing OUT as it was, never new files next to old ones. */
    char final[4400], work[4500], sub[4700];
    if (cli_make_workdir(outdir, final, sizeof final, work, sizeof work) != 0) {
        rhaz_modelfile_free(mf);
        return EXIT_DATA;
    }
    int wslot = rhaz_tmp_register(work, 1);
    snprintf(outdir, sizeof outdir, "%.4500s", work);
    static const char *const subdirs[] = {"/models", "/tables", "/figures"};
    for (int k = 0; k < 3; k++) {
        snprintf(sub, sizeof sub, "%.4500s%s", outdir, subdirs[k]);
        if (cli_mkdir_p(sub) != 0) {
            cli_remove_tree(work);
            rhaz_tmp_unregister(wslot);
            rhaz_modelfile_free(mf);
            return cli_fail("%s: cannot create directory: %s", sub, strerror(errno));
        }
    }
    /* the panels and fits (every [model]'s alternatives), then the work
       in order: panels, participation, models, tables, figures */
    int rc = run_plan(&r);
    if (!rc)
        r.nsteps += (int)r.nfits - (int)count_kind(mf, "model");
    for (size_t k = 0; k < r.npanels && !rc; k++) {
        r.step++;
        rc = step_panel(&r, &r.panels[k], data_dir);
    }
    for (size_t k = 0; k < ns && !rc; k++)
        if (!strcmp(rhaz_modelfile_section(mf, k)->kind, "participation")) {
            r.step++;
            rc = step_participation(&r, rhaz_modelfile_section(mf, k), data_dir);
        }
    for (size_t k = 0; k < r.nfits && !rc; k++) {
        r.step++;
        rc = run_fit_one(&r, &r.fits[k]);
    }
    static const char *const order[] = {"table", "figure"};
    for (int o = 0; o < 2 && !rc; o++)
        for (size_t k = 0; k < ns && !rc; k++) {
            const rhaz_mf_section *s = rhaz_modelfile_section(mf, k);
            if (strcmp(s->kind, order[o]))
                continue;
            r.step++;
            rc = o == 0 ? step_table(&r, s) : step_figure(&r, s);
        }
    if (!rc && cli_run_index(&r, path, final, data_dir, render, &err))
        rc = run_error(&r, &err);
    cli_install_message_handler();
    if (!rc && (rc = cli_swap_in(work, final)) != 0)
        ;
    else if (rc)
        cli_remove_tree(work);
    rhaz_tmp_unregister(wslot);
    run_plan_free(&r);
    if (!rc && !quiet) {
        run_end_progress(&r);
        fprintf(stderr, "rhaz run: %s done in %.1f s: outputs in %s/\n", path,
                run_elapsed(&r), final);
    }
    rhaz_modelfile_free(mf);
    return rc;
}

static const cli_cmd cli_cmd_run = {.name = "run", .help = help, .options = run_options,
                                    .size = sizeof(run_opts), .init = run_init,
                                    .args = run_args, .run = run_run};

int cmd_run(int argc, char **argv) { return cli_main(&cli_cmd_run, argc, argv); }
