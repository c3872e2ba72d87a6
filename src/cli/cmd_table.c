/* cmd_table.c -- 'rhaz table FIT.json ...': models side by side. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz table [options] FIT.json [FIT.json ...] [--margins M.json ...]\n\n"
    "Put fitted models (the JSON written by 'rhaz fit --format json') side\n"
    "by side, one column per model, as esttab or modelsummary do: estimates\n"
    "with significance stars and standard errors in parentheses, then N,\n"
    "events, clusters, log-likelihood and AIC, and notes stating each\n"
    "model's variance convention and any warning (non-convergence, dropped\n"
    "terms).  Stars: * p < 0.05, ** p < 0.01, *** p < 0.001 (two-sided z;\n"
    "for a fit pooled over imputations by 'rhaz fit --imputations', t on\n"
    "Barnard-Rubin df, with Rubin's standard errors and a row Imputations).\n\n"
    "options:\n"
    "  --format text|latex|markdown|csv   output format (default text;\n"
    "                          latex uses booktabs)\n"
    "  --names A,B,...         column titles (default (1), (2), ...)\n"
    "  --name TEXT             the next column's title (repeatable, once per\n"
    "                          column; may hold blanks and commas)\n"
    "  --labels FILE.csv       variable labels: columns term,label\n"
    "  --exp                   exponentiated coefficients (odds/hazard ratios)\n"
    "                          with delta-method SEs, exp(b)*se (Stata eform)\n"
    "  --digits N              decimals (default 3)\n"
    "  --no-stars              no significance stars\n"
    "  --title TEXT            caption\n"
    "  --margins M.json        a column of margins (the JSON of 'rhaz margins\n"
    "                          --format json'): AMEs, predictive margins, first\n"
    "                          differences with their delta-method SEs, beside\n"
    "                          the models (repeatable; alone: instead of them)\n"
    "  --out FILE              write to FILE (atomically) instead of stdout\n"
    "  -h, --help              this help\n";

typedef struct {
    const char *names, *labels, *out;
    int fmt;
    rhaz_regtable_options opt;
    char **files; /* FIT.json arguments */
    size_t nfiles;
    cli_strv margins; /* --margins M.json */
    cli_strv name;    /* --name TEXT: one column title each */
} table_opts;

static const cli_choice formats[] = {
    {"text", RHAZ_REGTABLE_TEXT, 0}, {"latex", RHAZ_REGTABLE_LATEX, 0},
    {"markdown", RHAZ_REGTABLE_MARKDOWN, 0}, {"csv", RHAZ_REGTABLE_CSV, 0},
    {NULL, 0, 0}};

#define O(f) CLI_OFF(table_opts, f)
static const cli_option options[] = {
    {"format", CLI_CHOICE, O(fmt), .choices = formats},
    {"names", CLI_STR, O(names), .key = NULL},
    {"name", CLI_MULTI, O(name), .key = NULL},
    {"labels", CLI_STR, O(labels), .key = "labels", .flags = CLI_FILE},
    {"exp", CLI_FLAG, O(opt.exponentiate), .key = "exp"},
    {"digits", CLI_INT, O(opt.digits), .key = "digits", .min = 0, .max = 10},
    {"no-stars", CLI_FLAG, O(opt.no_stars), .key = "stars", .flags = CLI_INVERT},
    {"title", CLI_STR, O(opt.title), .key = "title"},
    {"margins", CLI_MULTI, O(margins), .key = NULL},
    {"out", CLI_STR, O(out), .key = NULL},
    {.name = NULL}};
#undef O

static void init(void *p)
{
    table_opts *o = p;
    o->out = "-";
    o->fmt = RHAZ_REGTABLE_TEXT;
}

static int args(void *p, int n, char **v, cli_err *err)
{
    table_opts *o = p;
    (void)err;
    o->files = v;
    o->nfiles = (size_t)n;
    return EXIT_OK;
}

static int run(void *p, cli_err *ce)
{
    table_opts *o = p;
    rhaz_regtable_options opt = o->opt;
    rhaz_regtable_format fmt = (rhaz_regtable_format)o->fmt;
    const char *names = o->names, *labels = o->labels, *out = o->out;
    size_t k = o->nfiles + o->margins.n;
    rhaz_error err;
    int rc = EXIT_OK;
    if (k == 0)
        return cli_err_usage(ce, NULL, "expected one or more FIT.json files "
                                       "(or --margins M.json)");
    if (o->margins.n && opt.exponentiate)
        return cli_err_usage(ce, "exp", "--exp: margins are not "
                                        "coefficients to exponentiate");
    if (names && o->name.n)
        return cli_err_usage(ce, "name", "--name and --names: give one of them");
    if (o->name.n && o->name.n != k)
        return cli_err_usage(ce, "name", "--name gives %zu titles for %zu models",
                             o->name.n, k);
    if (o->name.n)
        opt.model_names = o->name.v;
    rhaz_fit_summary **fits = calloc(k, sizeof *fits);
    char **nl = NULL;
    rhaz_table *lab = NULL;
    rhaz_outfile *of = NULL;
    if (!fits)
        return cli_err_data(ce, NULL, "out of memory reading the fits (%zu)", k);
    if (names) {
        size_t nn;
        nl = rhaz_mf_split(names, &nn);
        if (!nl || nn != k) {
            rc = cli_err_usage(ce, "names", "--names gives %zu names for %zu models",
                               nl ? nn : 0, k);
            goto done;
        }
        opt.model_names = (const char *const *)nl;
    }
    if (labels) {
        const char *as_str[] = {"term", "label", NULL};
        rhaz_csv_options co = {.as_string = as_str};
        lab = rhaz_table_read(labels, &co, &err);
        if (!lab) {
            ce->e = err;
            rc = cli_err_lib(ce, "labels");
            goto done;
        }
        if (rhaz_table_find(lab, "term") < 0 || rhaz_table_find(lab, "label") < 0) {
            rhaz_error_set(&err, RHAZ_EDATA, labels, 1,
                           "label file needs columns 'term' and 'label'");
            ce->e = err;
            rc = cli_err_lib(ce, "labels");
            goto done;
        }
        opt.labels = lab;
    }
    for (size_t m = 0; m < k; m++) {
        fits[m] = m < o->nfiles
                      ? rhaz_fit_summary_read_json(o->files[m], &err)
                      : rhaz_margins_read_json(o->margins.v[m - o->nfiles], &err);
        if (!fits[m]) {
            ce->e = err;
            rc = cli_err_lib(ce, NULL);
            goto done;
        }
    }
    of = rhaz_outfile_open(out, &err);
    if (!of) {
        ce->e = err;
        rc = cli_err_lib(ce, "out");
        goto done;
    }
    if (rhaz_regtable_write(rhaz_outfile_fp(of), (const rhaz_fit_summary *const *)fits,
                            k, fmt, &opt, &err) != RHAZ_OK) {
        rhaz_outfile_abort(of);
        ce->e = err;
        rc = cli_err_lib(ce, NULL);
        goto done;
    }
    if (rhaz_outfile_commit(of, &err) != RHAZ_OK) {
        ce->e = err;
        rc = cli_err_lib(ce, "out");
    }
done:
    for (size_t m = 0; m < k; m++)
        rhaz_fit_summary_free(fits[m]);
    free(fits);
    rhaz_mf_list_free(nl);
    rhaz_table_free(lab);
    return rc;
}

const cli_cmd cli_cmd_table = {
    .name = "table", .help = help, .options = options, .size = sizeof(table_opts),
    .init = init, .args = args, .run = run};

int cmd_table(int argc, char **argv) { return cli_main(&cli_cmd_table, argc, argv); }
