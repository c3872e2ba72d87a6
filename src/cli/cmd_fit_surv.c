/* cmd_fit_surv.c -- 'rhaz fit weibull|exponential|loglogistic|lognormal'
 * (parametric survival models, as R's survreg / Stata's streg) and
 * 'rhaz fit cure' (split-population duration models, as R's spduration).
 * Argument handling only: the models are rhaz_survreg_fit and
 * rhaz_cure_fit. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COMMON_HELP                                                            \
    CLI_READ_HELP                                                              \
    "  --weights COL       case weights (as survreg(weights = ))\n"            \
    "  --vce V             model (default), robust or cluster\n"               \
    "  --cluster COL       cluster ids; implies --vce cluster (a cluster(id)\n" \
    "                      term in the formula does the same)\n"              \
    "  --adjust A          none (default: R survreg's robust/cluster variance\n" \
    "                      V (sum_g U_g U_g') V, no small-sample factor) or g\n" \
    "                      (x G/(G-1), Stata's vce(cluster) for ML models;\n"  \
    "                      stata means the same here)\n"                      \
    CLI_BOOT_HELP                                                              \
    "  --threads N         threads reading and the fit may use (default: the\n" \
    "                      processors online); with --vce bootstrap the\n"     \
    "                      replicates run in parallel instead, each fit on one\n" \
    "                      thread; the results are the same bit for bit with\n" \
    "                      any N\n"                                             \
    "  --level P           confidence level (default 0.95)\n"                 \
    "  --maxit N           Newton iteration limit (default 100)\n"            \
    "  --epsilon E         convergence: Newton decrement g'(-H)^-1 g below E\n" \
    "                      (default 1e-16)\n"                                 \
    "  --format F          text (default), csv, json, latex, markdown\n"      \
    "  --exp               exp of estimates and CIs (time ratios in the AFT\n" \
    "                      metric, hazard ratios in the PH metric)\n"         \
    "  --out FILE          write there (default stdout; atomic)\n"            \
    "  --keep-unconverged  exit 0 even if the fit did not converge (the\n"    \
    "                      output always says so)\n"

static const char help_surv[] =
    "usage: rhaz fit weibull|exponential|loglogistic|lognormal --data FILE\n"
    "                --formula 'Surv(time, event) ~ ...' [options]\n"
    "       (or 'Surv(start, stop, event) ~ ...': delayed entry)\n"
    "\n"
    "Parametric survival models: log T = x'b + sigma W, W extreme-value\n"
    "(Weibull; exponential: sigma = 1), logistic or normal.  Coefficients in\n"
    "the accelerated-failure-time metric with log(scale) = log sigma, as R's\n"
    "survreg.  With (start, stop] rows each row contributes S(stop)/S(start) x\n"
    "h(stop)^event (left truncation), so yearly splits of a spell give the\n"
    "unsplit likelihood; R's survreg has no delayed entry.  Newton-Raphson with\n"
    "the analytic Hessian and step-halving.\n"
    "\n"
    "options:\n"
    "  --data FILE         input CSV, .dta, .sav or .sas7bdat (required)\n"
    "  --formula F         'Surv(time, event) ~ terms' (required)\n"
    "  --metric M          aft (default) or ph: proportional-hazards coefficients\n"
    "                      -b/sigma and log(p) = -log sigma (Weibull and\n"
    "                      exponential only), as Stata's streg\n"
    COMMON_HELP
    "\n"
    "Exit status: 0 ok; 1 data/model error or non-convergence; 2 usage.\n";

static const char help_cure[] =
    "usage: rhaz fit cure --data FILE --formula 'Surv(t0, t, event) ~ DURATION-TERMS'\n"
    "                --atrisk '~ RISK-TERMS' [--dist weibull|loglogistic] [options]\n"
    "\n"
    "Split-population (cure) duration model of Beger et al. (2017), R package\n"
    "spduration: a spell is at risk with probability pi = logit^-1(z'g) (the\n"
    "--atrisk terms); at-risk spells have a Weibull or log-logistic duration\n"
    "(AFT, log(scale) as survreg's, spduration's \"log(alpha)\").  A row\n"
    "contributes log pi + log f(t) - log(1 - pi + pi S(t0)) if it ends its\n"
    "spell in an event, else log(1 - pi + pi S(t)) - log(1 - pi + pi S(t0)).\n"
    "Terms are named duration:NAME, risk:NAME and log(scale).  The risk\n"
    "intercept is started at 0, 2, -2 and 5 and the highest maximum kept\n"
    "(the output warns when starts reach different maxima, and when nearly\n"
    "every row is estimated at risk: a flat risk equation).\n"
    "\n"
    "options:\n"
    "  --data FILE         input CSV, .dta, .sav or .sas7bdat (required)\n"
    "  --formula F         'Surv(t0, t, event) ~ terms' (required): the spell\n"
    "                      clock (t0 = t - 1 in yearly spells) and the event\n"
    "  --atrisk F          '~ terms' of the at-risk equation (required; no\n"
    "                      outcome: who is at risk is not observed)\n"
    "  --dist D            weibull (default) or loglogistic\n"
    "  --spdur-start       only spduration's start (gamma = 0): reproduces\n"
    "                      spdur's estimate, which can be a lower local maximum\n"
    COMMON_HELP
    "\n"
    "Exit status: 0 ok; 1 data/model error or non-convergence; 2 usage.\n";

typedef struct {
    const char *cmd;
    int dist, cure;
    const char *data, *formula, *atrisk, *weights, *cluster, *out, *also_text;
    int metric, vce, adjust, maxit, exp, keep, spdur_start, format;
    double level, epsilon;
    cli_read_args read;
    cli_boot_args boot;
} surv_opts;

#define O(f) CLI_OFF(surv_opts, f)
static const cli_choice metrics[] = {
    {"aft", RHAZ_METRIC_AFT, 0}, {"ph", RHAZ_METRIC_PH, 0}, {NULL, 0, 0}};
static const cli_choice cure_dists[] = {{"weibull", RHAZ_SURV_WEIBULL, 0},
                                        {"loglogistic", RHAZ_SURV_LOGLOGISTIC, 0},
                                        {"loglog", RHAZ_SURV_LOGLOGISTIC, 1},
                                        {NULL, 0, 0}};

#define SURV_COMMON_ROWS                                                       \
    {"data", CLI_STR, O(data), .key = "data", .flags = CLI_FILE},                                 \
    {"formula", CLI_STR, O(formula), .key = "formula"},                        \
    {"weights", CLI_STR, O(weights), .key = "weights"},                        \
    {"vce", CLI_CHOICE, O(vce), .key = "vce", .choices = cli_vce_choices},     \
    {"cluster", CLI_STR, O(cluster), .key = "cluster"},                        \
    {"adjust", CLI_CHOICE, O(adjust), .key = "adjust",                         \
     .choices = cli_adjust_choices},                                           \
    {"level", CLI_DOUBLE, O(level), .key = "level", .min = 0, .max = 1,        \
     .flags = CLI_OPEN_MIN | CLI_OPEN_MAX},                                    \
    {"maxit", CLI_INT, O(maxit), .key = "maxit", .min = 1, .max = 100000},     \
    {"epsilon", CLI_DOUBLE, O(epsilon), .key = "epsilon", .min = 0, .max = 1,  \
     .flags = CLI_OPEN_MIN | CLI_OPEN_MAX},                                    \
    {"format", CLI_CHOICE, O(format), .choices = cli_format_choices},          \
    {"exp", CLI_FLAG, O(exp), .key = NULL},                                    \
    {"out", CLI_STR, O(out), .key = NULL},                                     \
    CLI_READ_ROWS(surv_opts, read),                                            \
    CLI_BOOT_ROWS(surv_opts, boot),                                            \
    CLI_THREADS_ROW(surv_opts, boot),                                          \
    {"keep-unconverged", CLI_FLAG, O(keep), .key = "keep_unconverged"},        \
    {"also-text", CLI_STR, O(also_text), .flags = CLI_INTERNAL}

static const cli_option surv_options[] = {
    SURV_COMMON_ROWS,
    {"metric", CLI_CHOICE, O(metric), .key = "metric", .choices = metrics},
    {.name = NULL}};

static const cli_option cure_options[] = {
    SURV_COMMON_ROWS,
    {"atrisk", CLI_STR, O(atrisk), .key = "atrisk"},
    {"dist", CLI_CHOICE, O(dist), .key = "dist", .choices = cure_dists},
    {"spdur-start", CLI_FLAG, O(spdur_start), .key = "spdur_start"},
    {.name = NULL}};
#undef O

static void init_common(surv_opts *o, const char *cmd, rhaz_surv_dist dist)
{
    o->cmd = cmd;
    o->dist = dist;
    o->out = "-";
    o->vce = -1;
    o->adjust = RHAZ_ADJ_NONE;
    o->format = FMT_TEXT;
}
static void init_weibull(void *p) { init_common(p, "fit weibull", RHAZ_SURV_WEIBULL); }
static void init_exponential(void *p)
{
    init_common(p, "fit exponential", RHAZ_SURV_EXPONENTIAL);
}
static void init_loglogistic(void *p)
{
    init_common(p, "fit loglogistic", RHAZ_SURV_LOGLOGISTIC);
}
static void init_lognormal(void *p)
{
    init_common(p, "fit lognormal", RHAZ_SURV_LOGNORMAL);
}
static void init_cure(void *p)
{
    init_common(p, "fit cure", RHAZ_SURV_WEIBULL);
    ((surv_opts *)p)->cure = 1;
}

static int validate(void *p, cli_err *err)
{
    surv_opts *o = p;
    if (!o->data || !o->formula)
        return cli_err_usage(err, NULL, "--data and --formula are required");
    if (o->cure && !o->atrisk)
        return cli_err_usage(err, "atrisk", "--atrisk '~ TERMS' is required");
    if (o->metric == RHAZ_METRIC_PH && o->dist != RHAZ_SURV_WEIBULL &&
        o->dist != RHAZ_SURV_EXPONENTIAL)
        return cli_err_usage(err, "metric",
                             "--metric ph exists only for weibull and exponential");
    cli_boot_args bc = o->boot;
    bc.threads = 0; /* --threads also sets the threads reading and the fit use */
    int boot = o->vce == RHAZ_VCE_BOOTSTRAP, rc = cli_boot_check(&bc, boot, err);
    if (rc != EXIT_OK || boot)
        return rc;
    if (o->cluster && o->vce >= 0 && o->vce != RHAZ_VCE_CLUSTER)
        return cli_err_usage(err, "cluster", "--cluster given with --vce %s",
                             o->vce == RHAZ_VCE_MODEL ? "model" : "robust");
    return EXIT_OK;
}

static int run(void *p, cli_err *err)
{
    surv_opts *o = p;
    rhaz_survreg_options so = {0};
    so.dist = (rhaz_surv_dist)o->dist;
    so.metric = (rhaz_surv_metric)o->metric;
    so.maxit = o->maxit;
    so.epsilon = o->epsilon;
    so.conf_level = o->level;
    so.vce_adj = (rhaz_vce_adj)o->adjust;
    so.spdur_start = o->spdur_start;
    rhaz_summary_options sumo = {0};
    sumo.exp = o->exp;

    int rc = EXIT_OK;
    rhaz_table *t = NULL;
    rhaz_formula *f = NULL, *fr = NULL;
    rhaz_design *d = NULL, *dr = NULL;
    rhaz_fit_summary *s = NULL;
    cli_read_opts ro = {0};
    int threads = o->boot.threads ? o->boot.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    ro.csv.threads = threads;
    if ((rc = cli_read_args_apply(&ro, &o->read, err)) != EXIT_OK)
        goto done;
    if (!(f = rhaz_formula_parse(o->formula, &err->e))) {
        rc = cli_err_lib(err, "formula");
        goto done;
    }
    rhaz_lhs_kind lhs = rhaz_formula_lhs(f);
    if (lhs != RHAZ_LHS_SURV2 && lhs != RHAZ_LHS_SURV3) {
        rc = cli_err_usage(err, "formula",
                           o->cure ? "the formula needs 'Surv(t0, t, event) ~ ...'"
                                   : "the formula needs 'Surv(time, event) ~ ...' or "
                                     "'Surv(start, stop, event) ~ ...'");
        goto done;
    }
    if (o->cure) {
        if (!(fr = rhaz_formula_parse(o->atrisk, &err->e))) {
            rc = cli_err_lib(err, "atrisk");
            goto done;
        }
        if (rhaz_formula_lhs(fr) != RHAZ_LHS_NONE) {
            rc = cli_err_usage(err, "atrisk",
                               "--atrisk '%s' has an outcome; write '~ TERMS' (who is "
                               "at risk is not observed)", o->atrisk);
            goto done;
        }
    }
    const rhaz_formula *const fs[] = {f, fr};
    const char *const used[] = {o->weights, o->cluster}; /* and the formulas' */
    if (cli_read_keep(&ro, fs, 2, used, 2, &err->e) != 0) {
        rc = cli_err_lib(err, NULL);
        goto done;
    }
    if (!(t = cli_read_table(&ro, o->data, &err->e))) {
        rc = cli_err_lib(err, strstr(err->e.option, "as_string") ? "text" : "data");
        goto done;
    }
    rhaz_design_options dopt = {.weights = o->weights, .cluster = o->cluster};
    if (!(d = rhaz_design_build(f, t, &dopt, &err->e))) {
        rc = cli_err_lib(err, cli_design_option(&err->e, o->weights, o->cluster));
        goto done;
    }
    if (o->cure && !(dr = rhaz_design_build(fr, t, NULL, &err->e))) {
        rc = cli_err_lib(err, "atrisk");
        goto done;
    }
    if (o->vce == RHAZ_VCE_BOOTSTRAP) {
        char *form = NULL;
        if (o->cure) {
            size_t k = strlen(o->formula) + strlen(o->atrisk) + 16;
            if ((form = malloc(k)))
                snprintf(form, k, "%s; at risk %s", o->formula, o->atrisk);
        }
        rhaz_boot_model bm = {.family = o->cure ? RHAZ_BOOT_CURE : RHAZ_BOOT_SURVREG,
                              .design = d, .risk = dr, .surv = &so, .conf_level = o->level};
        cli_boot_out bo = {.cmd = o->cmd, .formula = form ? form : o->formula,
                           .out = o->out, .also_text = o->also_text, .format = o->format,
                           .exp = o->exp};
        rc = cli_boot_run(&o->boot, &bm, &bo, err);
        free(form);
        goto done;
    }
    so.vce = o->vce >= 0 ? (rhaz_vce)o->vce : d->cluster ? RHAZ_VCE_CLUSTER : RHAZ_VCE_MODEL;
    if (so.vce == RHAZ_VCE_CLUSTER && !d->cluster) {
        rc = cli_err_usage(err, "vce", "--vce cluster needs --cluster COL or a "
                                       "cluster() term");
        goto done;
    }
    if (so.vce == RHAZ_VCE_MODEL && so.vce_adj != RHAZ_ADJ_NONE) {
        rc = cli_err_usage(err, "adjust", "--adjust applies to the robust and cluster "
                                          "variances, not to the model-based one");
        goto done;
    }
    so.cluster_name = o->cluster ? o->cluster : d->cluster_name;
    so.threads = threads;
    s = o->cure ? rhaz_cure_fit(d, dr, &so, &err->e) : rhaz_survreg_fit(d, &so, &err->e);
    if (!s) {
        cli_locate_row(&err->e, d, t, o->data);
        rc = cli_err_lib(err, NULL);
        goto done;
    }
    /* how the rows were coded, for predictions and margins */
    s->design = rhaz_design_spec_copy(rhaz_design_spec_of(d));
    if (o->weights)
        s->weights = strdup(o->weights); /* margins average with them */
    if (o->cure)
        s->design_risk = rhaz_design_spec_copy(rhaz_design_spec_of(dr));
    free(s->formula);
    if (o->cure) {
        size_t k = strlen(o->formula) + strlen(o->atrisk) + 16;
        if ((s->formula = malloc(k)))
            snprintf(s->formula, k, "%s; at risk %s", o->formula, o->atrisk);
    } else
        s->formula = strdup(o->formula);
    if ((rc = cli_fit_write_summary(s, o->out, o->format, &sumo, err)) != EXIT_OK ||
        (o->also_text && (rc = cli_fit_write_summary(s, o->also_text, FMT_TEXT, &sumo, err))))
        goto done;
    if (!s->converged) {
        if (o->keep)
            rhaz_message("%s: the fit did not converge (%s)", o->cmd,
                         rhaz_stop_reason_name(s->stop));
        else
            rc = cli_err_data(err, NULL, "%s: the fit did not converge (%s; see the "
                                         "warnings)", o->cmd,
                              rhaz_stop_reason_name(s->stop));
    }
done:
    cli_read_free(&ro);
    rhaz_fit_summary_free(s);
    rhaz_design_free(d);
    rhaz_design_free(dr);
    rhaz_formula_free(f);
    rhaz_formula_free(fr);
    rhaz_table_free(t);
    return rc;
}

#define SURV_CMD(var, nm, initf)                                              \
    const cli_cmd var = {.name = nm, .help = help_surv, .options = surv_options, \
                         .size = sizeof(surv_opts), .init = initf,             \
                         .validate = validate, .run = run}
SURV_CMD(cli_cmd_fit_weibull, "fit weibull", init_weibull);
SURV_CMD(cli_cmd_fit_exponential, "fit exponential", init_exponential);
SURV_CMD(cli_cmd_fit_loglogistic, "fit loglogistic", init_loglogistic);
SURV_CMD(cli_cmd_fit_lognormal, "fit lognormal", init_lognormal);
const cli_cmd cli_cmd_fit_cure = {.name = "fit cure", .help = help_cure,
                                  .options = cure_options, .size = sizeof(surv_opts),
                                  .init = init_cure, .validate = validate, .run = run};
