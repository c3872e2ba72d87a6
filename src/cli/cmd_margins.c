/* cmd_margins.c -- 'rhaz margins --fit FIT.json --data PANEL.csv':
 * average marginal effects, predictive margins and first differences of
 * a fitted model (rhaz_margins_compute does every number). */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "usage: rhaz margins --fit FIT.json --data PANEL.csv [--dydx VARS|all]\n"
    "                    [--at VAR=V1,V2,...]... [--atmeans] [--by VAR]\n"
    "                    [--scale lp|response|median|hazard|atrisk] [--time T]\n"
    "                    [--format text|csv|json|latex] [--out FILE]\n"
    "\n"
    "Marginal effects of a model fitted by 'rhaz fit ... --format json',\n"
    "averaged over the rows of PANEL.csv the fit used (the panel it was\n"
    "fitted on: the number of complete rows must match).  The scale (the\n"
    "quantity averaged; printed with the table), default first:\n"
    "  logit, cloglog, Firth   response (probability), lp\n"
    "  Cox, frailty Cox,       lp: x'b - c'b, c R's fit$means: 0 for -1/0/1\n"
    "  clogit                  columns, else the mean (dydx: log hazard ratio\n"
    "                          per unit), response: exp(lp) (relative hazard)\n"
    "  weibull, exponential,   median (median time), hazard (at --time T),\n"
    "  loglogistic, lognormal  lp (AFT: log time, dydx a log time ratio; PH\n"
    "                          metric: log relative hazard)\n"
    "  cure                    atrisk (probability of being at risk), hazard\n"
    "                          (population hazard at --time T), median (of\n"
    "                          the spells at risk), lp (duration equation)\n"
    "\n"
    "  --dydx VARS    average marginal effects (AME, Stata margins, dydx(*)) of\n"
    "                 these columns (comma list) or of all: for a number the\n"
    "                 mean derivative of the prediction through everything the\n"
    "                 formula does to it (log(), powers, ns(), interactions);\n"
    "                 for a factor each level's mean discrete change from the\n"
    "                 base level, named VAR:LEVEL\n"
    "  --at VAR=V,... set VAR to each value for every row and average the\n"
    "                 prediction (predictive margins), with first differences\n"
    "                 from the first value; repeat --at for several variables\n"
    "                 (every combination); with --dydx: effects at each setting\n"
    "  --atmeans      at one row: numbers at their mean, factors at their most\n"
    "                 frequent level (R marginaleffects newdata = \"mean\")\n"
    "  --by VAR       average within the groups of column VAR\n"
    "  --scale S      the quantity (see above)\n"
    "  --time T       the time of --scale hazard (on the fit's time scale)\n"
    "  --unweighted   plain means even when the fit has case weights (by\n"
    "                 default the averages are weighted by the fit's\n"
    "                 --weights column, as Stata's margins after a weighted\n"
    "                 fit and R marginaleffects' wts)\n"
    "  --level P      confidence level (default 0.95)\n"
    "  --format F     text (default), csv, json, latex\n"
    "  --out FILE     write there (default stdout; atomic)\n"
    "  --threads N    threads reading and the sums over rows may use (default:\n"
    "                 the processors available); the results are the same\n"
    "                 bit for bit with any N\n"
    CLI_READ_HELP
    "\n"
    "Standard errors by the delta method from the fit's own variance (model,\n"
    "robust or cluster, as fitted; its label is printed).  Exit status: 0 ok,\n"
    "1 data error, 2 usage (an unknown --dydx variable, an --at level the fit\n"
    "does not know, a fit without its design).\n";

static const cli_choice formats[] = {
    {"text", FMT_TEXT, 0}, {"csv", FMT_CSV, 0}, {"json", FMT_JSON, 0},
    {"latex", FMT_LATEX, 0}, {NULL, 0, 0}};

typedef struct {
    const char *fit, *data, *dydx, *by, *out, *scale;
    cli_strv at;
    int atmeans, format, unweighted, threads;
    double level, time;
    cli_read_args read;
} margins_opts;

#define O(f) CLI_OFF(margins_opts, f)
static const cli_option options[] = {
    {"fit", CLI_STR, O(fit), .key = "fit", .flags = CLI_FILE},
    {"data", CLI_STR, O(data), .key = "data", .flags = CLI_FILE},
    {"dydx", CLI_LIST, O(dydx), .key = "dydx"},
    {"at", CLI_MULTI, O(at), .key = "at"},
    {"atmeans", CLI_FLAG, O(atmeans), .key = "atmeans"},
    {"unweighted", CLI_FLAG, O(unweighted), .key = "unweighted"},
    {"by", CLI_STR, O(by), .key = "by"},
    {"scale", CLI_STR, O(scale), .key = "scale"},
    {"time", CLI_DOUBLE, O(time), .key = "time", .min = 0, .max = 1e300,
     .flags = CLI_OPEN_MIN},
    {"level", CLI_DOUBLE, O(level), .key = "level", .min = 0, .max = 1,
     .flags = CLI_OPEN_MIN | CLI_OPEN_MAX},
    {"format", CLI_CHOICE, O(format), .choices = formats},
    {"out", CLI_STR, O(out), .key = NULL},
    {"threads", CLI_INT, O(threads), .key = NULL, .min = 1, .max = 64},
    CLI_READ_ROWS(margins_opts, read),
    {.name = NULL}};
#undef O

static void init(void *p)
{
    margins_opts *o = p;
    o->out = "-";
    o->format = FMT_TEXT;
    o->level = 0.95;
}

static int validate(void *p, cli_err *err)
{
    margins_opts *o = p;
    if (!o->fit || !o->data)
        return cli_err_usage(err, NULL, "--fit and --data are required");
    rhaz_predict_scale sc;
    if (o->scale && rhaz_predict_scale_parse(o->scale, &sc) != RHAZ_OK)
        return cli_err_usage(err, "scale", "--scale %s: not one of lp, response, "
                                           "median, hazard, atrisk", o->scale);
    return EXIT_OK;
}

static int run(void *p, cli_err *err)
{
    margins_opts *o = p;
    int rc = EXIT_OK;
    rhaz_fit_summary *fit = NULL;
    rhaz_table *t = NULL;
    rhaz_margins *m = NULL;
    cli_read_opts ro = {0};
    if (!(fit = rhaz_fit_summary_read_json(o->fit, &err->e))) {
        rc = cli_err_lib(err, "fit");
        goto done;
    }
    if (!fit->design) {
        rc = cli_err_data(err, "fit",
                          "%s: the fit has no \"design\" (formula, factor "
                          "levels, knots): refit it with 'rhaz fit ... "
                          "--format json'", o->fit);
        goto done;
    }
    int threads = o->threads ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if ((rc = cli_read_args_apply(&ro, &o->read, err)) != EXIT_OK)
        goto done;
    ro.csv.threads = threads;
    /* only the columns of the fit's formulas, its weights and --by */
    rhaz_formula *fs[2] = {NULL, NULL};
    const rhaz_design_spec *sp[2] = {fit->design, fit->design_risk};
    int parsed = 1;
    for (int k = 0; k < 2; k++)
        if (sp[k] && !(fs[k] = rhaz_formula_parse(rhaz_design_spec_formula(sp[k]), NULL)))
            parsed = 0; /* cannot happen (a spec's formula parsed): read all */
    const char *const used[] = {fit->weights, o->by};
    int krc = parsed ? cli_read_keep(&ro, (const rhaz_formula *const *)fs, 2, used, 2, &err->e)
                     : 0;
    rhaz_formula_free(fs[0]);
    rhaz_formula_free(fs[1]);
    if (krc != 0) {
        rc = cli_err_lib(err, NULL);
        goto done;
    }
    if (!(t = cli_read_table(&ro, o->data, &err->e))) {
        rc = cli_err_lib(err, "data");
        goto done;
    }
    rhaz_margins_options mo = {.dydx = o->dydx, .at = o->at.v, .n_at = o->at.n,
                               .atmeans = o->atmeans, .by = o->by,
                               .conf_level = o->level, .time = o->time,
                               .unweighted = o->unweighted, .threads = threads};
    if (o->scale) {
        rhaz_predict_scale_parse(o->scale, &mo.scale);
        mo.scale_set = 1;
    }
    if (!(m = rhaz_margins_compute(fit, t, &mo, &err->e))) {
        rc = cli_err_lib(err, cli_lib_option(&err->e) ? cli_lib_option(&err->e)
                                                      : "data");
        goto done;
    }
    rhaz_outfile *of = rhaz_outfile_open(o->out, &err->e);
    if (!of) {
        rc = cli_err_lib(err, "out");
        goto done;
    }
    static const rhaz_summary_format sf[] = {
        [FMT_TEXT] = RHAZ_SUMMARY_TEXT, [FMT_CSV] = RHAZ_SUMMARY_CSV,
        [FMT_JSON] = RHAZ_SUMMARY_JSON, [FMT_LATEX] = RHAZ_SUMMARY_LATEX};
    if (rhaz_margins_write(rhaz_outfile_fp(of), m, sf[o->format], &err->e) ||
        rhaz_outfile_commit(of, &err->e)) {
        rhaz_outfile_abort(of);
        rc = cli_err_lib(err, NULL);
    }
done:
    cli_read_free(&ro);
    rhaz_margins_free(m);
    rhaz_table_free(t);
    rhaz_fit_summary_free(fit);
    return rc;
}

const cli_cmd cli_cmd_margins = {
    .name = "margins", .help = help, .options = options,
    .size = sizeof(margins_opts), .init = init, .validate = validate, .run = run};

int cmd_margins(int argc, char **argv)
{
    return cli_main(&cli_cmd_margins, argc, argv);
}
