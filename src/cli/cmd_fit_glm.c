/* cmd_fit_glm.c -- 'rhaz fit logit|cloglog': discrete-time hazard models. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "usage: rhaz fit logit|cloglog --data FILE.csv --formula 'FORMULA' [options]\n"
    "\n"
    "Binary-response (discrete-time hazard) models fitted as R's glm(family =\n"
    "binomial): IRLS, rank-revealing Cholesky (collinear terms set to NA),\n"
    "R's convergence rule |dev - dev_old|/(|dev| + 0.1) < 1e-8.\n"
    "\n"
    "formula (R syntax): y ~ a + factor(g) + log(x) + I(x^2) + a:b + a*b\n"
    "        + cubic(t) + ns(t, 3) - 1; string columns are factors.\n"
    "\n"
    "options:\n"
    "  --data FILE         input CSV, .dta, .sav or .sas7bdat (required)\n"
    "  --formula F         model formula (required)\n"
    "  --link L            logit (default for 'fit logit') or cloglog\n"
    "  --firth             Firth penalized likelihood (logit): finite estimates\n"
    "                      under separation; profile penalized-likelihood CIs and\n"
    "                      penalized LR tests (as R logistf)\n"
    "  --no-profile        with --firth: Wald CIs and p-values (faster)\n"
    CLI_READ_HELP
    "  --weights COL       prior weights (as glm(weights = ))\n"
    "  --vce V             model (default), robust or cluster\n"
    "  --cluster COL       cluster ids (any column); implies --vce cluster; a\n"
    "                      cluster(COL) term in the formula does the same\n"
    "  --cluster A,B       two-way clustering (Cameron-Gelbach-Miller) as R\n"
    "                      sandwich::vcovCL(fit, cluster = ~ A + B):\n"
    "                      V_A + V_B - V_AxB, each with its own --adjust factor\n"
    "  --adjust A          small-sample factor c of the sandwich c (B M B):\n"
    "                        g      c = G/(G-1)            R sandwich::vcovCL default\n"
    "                                                     (default for cluster)\n"
    "                        none   c = 1: CR0, or HC0 = sandwich::vcovHC(type =\n"
    "                               \"HC0\") (default for robust)\n"
    "                        stata  c = G/(G-1) (N-1)/(N-K)  Stata vce(cluster)\n"
    "                      (vcovCL is another name for g, cr0 for none)\n"
    "                      B = inverse information, M = sum over clusters of the\n"
    "                      outer products of summed scores (x_i w_i (y_i - mu_i) /\n"
    "                      mu'(eta_i)); robust = one cluster per row\n"
    CLI_BOOT_HELP
    "  --level P           confidence level (default 0.95)\n"
    "  --maxit N           iteration limit (default 25; Firth 100)\n"
    "  --epsilon E         convergence tolerance (default 1e-8)\n"
    "  --threads N         threads reading and the fit may use (default: the\n"
    "                      processors available); with --vce bootstrap the\n"
    "                      replicates run in parallel instead, each fit on one\n"
    "                      thread; the results are the same bit for bit with\n"
    "                      any N\n"
    "  --format F          text (default), csv, json, latex, markdown\n"
    "  --exp               odds ratios (exp of estimates and CIs; delta-method SE)\n"
    "  --out FILE          write there (default stdout; atomic)\n"
    "  --keep-unconverged  exit 0 even if the fit did not converge or shows\n"
    "                      separation (the output always says so)\n"
    "\n"
    "Rows with a missing value in any used column (including weights and\n"
    "cluster) are dropped and counted.  Exit status: 0 ok; 1 data/model error,\n"
    "non-convergence or separation; 2 usage.\n";

typedef struct {
    const char *cmd; /* "fit logit" or "fit cloglog", for messages */
    const char *data, *formula, *weights, *cluster, *out, *also_text;
    int link, firth, no_profile, vce, adjust, maxit, exp, keep, threads;
    int vce_given, adjust_given; /* set by the user (validate fills defaults) */
    double level, epsilon;
    int format;
    cli_read_args read;
    cli_boot_args boot;
} glm_opts;

#define O(f) CLI_OFF(glm_opts, f)
static const cli_choice links[] = {
    {"logit", RHAZ_LINK_LOGIT, 0}, {"cloglog", RHAZ_LINK_CLOGLOG, 0}, {NULL, 0, 0}};

static const cli_option options[] = {
    {"data", CLI_STR, O(data), .key = "data", .flags = CLI_FILE},
    {"formula", CLI_STR, O(formula), .key = "formula"},
    {"link", CLI_CHOICE, O(link), .choices = links},
    {"firth", CLI_FLAG, O(firth), .key = "firth"},
    {"no-profile", CLI_FLAG, O(no_profile), .key = NULL},
    {"weights", CLI_STR, O(weights), .key = "weights"},
    {"vce", CLI_CHOICE, O(vce), .key = "vce", .choices = cli_vce_choices},
    {"cluster", CLI_STR, O(cluster), .key = "cluster"},
    {"adjust", CLI_CHOICE, O(adjust), .key = "adjust", .choices = cli_adjust_choices},
    {"level", CLI_DOUBLE, O(level), .key = "level", .min = 0, .max = 1,
     .flags = CLI_OPEN_MIN | CLI_OPEN_MAX},
    {"maxit", CLI_INT, O(maxit), .key = "maxit", .min = 1, .max = 100000},
    {"threads", CLI_INT, O(threads), .key = NULL, .min = 1, .max = 64},
    {"epsilon", CLI_DOUBLE, O(epsilon), .min = 0, .max = 1,
     .flags = CLI_OPEN_MIN | CLI_OPEN_MAX},
    {"format", CLI_CHOICE, O(format), .choices = cli_format_choices},
    {"exp", CLI_FLAG, O(exp), .key = NULL},
    {"out", CLI_STR, O(out), .key = NULL},
    CLI_READ_ROWS(glm_opts, read),
    CLI_BOOT_ROWS(glm_opts, boot),
    {"keep-unconverged", CLI_FLAG, O(keep), .key = "keep_unconverged"},
    /* rhaz run: also write the text summary of the same fit there */
    {"also-text", CLI_STR, O(also_text), .flags = CLI_INTERNAL},
    {.name = NULL}};
#undef O

static void init_common(glm_opts *o)
{
    o->out = "-";
    o->vce = -1;
    o->adjust = -1;
    o->format = FMT_TEXT;
}
static void init_logit(void *p)
{
    init_common(p);
    ((glm_opts *)p)->link = RHAZ_LINK_LOGIT;
    ((glm_opts *)p)->cmd = "fit logit";
}
static void init_cloglog(void *p)
{
    init_common(p);
    ((glm_opts *)p)->link = RHAZ_LINK_CLOGLOG;
    ((glm_opts *)p)->cmd = "fit cloglog";
}

static int validate(void *p, cli_err *err)
{
    glm_opts *o = p;
    if (!o->data || !o->formula)
        return cli_err_usage(err, NULL, "--data and --formula are required");
    o->vce_given = o->vce >= 0;
    o->adjust_given = o->adjust >= 0;
    int rc = cli_boot_check(&o->boot, o->vce == RHAZ_VCE_BOOTSTRAP, err);
    if (rc != EXIT_OK || o->vce == RHAZ_VCE_BOOTSTRAP)
        return rc != EXIT_OK || !o->adjust_given
                   ? rc
                   : cli_err_usage(err, "adjust", "--adjust: the bootstrap variance has "
                                                  "no small-sample factor");
    if (o->cluster && o->vce < 0)
        o->vce = RHAZ_VCE_CLUSTER;
    if (o->vce < 0)
        o->vce = RHAZ_VCE_MODEL;
    if (o->vce == RHAZ_VCE_CLUSTER && !o->cluster)
        return cli_err_usage(err, "vce", "--vce cluster needs --cluster COL");
    if (o->cluster && o->vce != RHAZ_VCE_CLUSTER)
        return cli_err_usage(err, "cluster", "--cluster given with --vce %s",
                             o->vce == RHAZ_VCE_MODEL ? "model" : "robust");
    if (o->adjust < 0)
        o->adjust = o->vce == RHAZ_VCE_CLUSTER ? RHAZ_ADJ_G : RHAZ_ADJ_NONE;
    return EXIT_OK;
}
static int run(void *p, cli_err *err)
{
    glm_opts *o = p;
    const char *cmd = o->cmd;
    rhaz_glm_options go = {0};
    go.link = (rhaz_link)o->link;
    go.firth = o->firth;
    go.no_profile = o->no_profile;
    go.vce = (rhaz_vce)o->vce;
    go.vce_adj = (rhaz_vce_adj)o->adjust;
    go.conf_level = o->level;
    go.maxit = o->maxit;
    go.threads = o->threads ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    go.epsilon = o->epsilon;
    go.cluster_name = o->cluster;
    rhaz_summary_options so = {0};
    so.exp = o->exp;

    int rc = EXIT_OK;
    rhaz_table *t = NULL;
    rhaz_formula *f = NULL;
    rhaz_design *d = NULL;
    rhaz_fit_summary *s = NULL;
    cli_read_opts ro = {0};
    ro.csv.threads = go.threads;
    if (!(f = rhaz_formula_parse(o->formula, &err->e))) {
        rc = cli_err_lib(err, "formula");
        goto done;
    }
    if (rhaz_formula_lhs(f) != RHAZ_LHS_VAR) {
        rc = cli_err_usage(err, "formula",
                           "the formula needs a response on the left: 'y ~ ...'");
        goto done;
    }
    if ((rc = cli_read_args_apply(&ro, &o->read, err)) != EXIT_OK)
        goto done;
    const char *const used[] = {o->weights, o->cluster}; /* and the formula's */
    if (cli_read_keep(&ro, (const rhaz_formula *const *)&f, 1, used, 2, &err->e) != 0) {
        rc = cli_err_lib(err, NULL);
        goto done;
    }
    if (!(t = cli_read_table(&ro, o->data, &err->e))) {
        rc = cli_err_lib(err, cli_read_error_option(&ro, &err->e));
        goto done;
    }
    rhaz_design_options dopt = {.weights = o->weights, .cluster = o->cluster,
                                 .threads = go.threads,
                                 .allow_two_way = 1,
                                 .sparse_indicators = !o->firth};
    if (!(d = rhaz_design_build_take(f, t, &dopt, &err->e))) {
        rc = cli_err_lib(err, cli_design_option(&err->e, o->weights, o->cluster));
        goto done;
    }
    if (o->vce == RHAZ_VCE_BOOTSTRAP) {
        o->boot.threads = o->threads; /* --threads: replicates in parallel */
        rhaz_boot_model bm = {.family = RHAZ_BOOT_GLM, .design = d, .glm = &go,
                              .conf_level = o->level};
        cli_boot_out bo = {.cmd = cmd, .formula = o->formula, .out = o->out,
                           .also_text = o->also_text, .format = o->format, .exp = o->exp};
        rc = cli_boot_run(&o->boot, &bm, &bo, err);
        goto done;
    }
    if (d->cluster && !o->cluster) {
        /* a cluster() term: the cluster-robust variance, as --cluster */
        if (o->vce_given && go.vce != RHAZ_VCE_CLUSTER) {
            rc = cli_err_usage(err, "formula",
                               "formula term cluster(%s) asks for the cluster-robust "
                               "variance; it cannot be used with --vce %s",
                               d->cluster_name, go.vce == RHAZ_VCE_MODEL ? "model" : "robust");
            goto done;
        }
        go.vce = RHAZ_VCE_CLUSTER;
        if (!o->adjust_given)
            go.vce_adj = RHAZ_ADJ_G;
        go.cluster_name = d->cluster_name;
    }
    if (go.vce == RHAZ_VCE_MODEL && go.vce_adj != RHAZ_ADJ_NONE) {
        rc = cli_err_usage(err, "adjust", "--adjust applies to the robust and cluster "
                                          "variances, not to the model-based one");
        goto done;
    }
    if (!(s = rhaz_glm_fit(d, &go, &err->e))) {
        cli_locate_row(&err->e, d, t, o->data); /* a row: its line */
        if (err->e.line && err->e.what[0]) { /* a variable: its column */
            long j = rhaz_table_find(t, err->e.what);
            if (j >= 0)
                err->e.column = rhaz_table_field(t, (size_t)j);
        }
        if (!err->e.file[0]) /* a whole-data condition: name the file */
            snprintf(err->e.file, sizeof err->e.file, "%s", o->data);
        rc = cli_err_lib(err, cli_lib_option(&err->e));
        goto done;
    }
    free(s->formula);
    s->formula = strdup(o->formula);
    s->design = rhaz_design_spec_copy(rhaz_design_spec_of(d)); /* for margins */
    if (o->weights)
        s->weights = strdup(o->weights); /* margins average with them */
    if ((rc = cli_fit_write_summary(s, o->out, o->format, &so, err)) != EXIT_OK ||
        (o->also_text && (rc = cli_fit_write_summary(s, o->also_text, FMT_TEXT, &so, err))))
        goto done;
    if (!s->converged || s->stop == RHAZ_STOP_SEPARATION) {
        const char *why = !s->converged ? "the fit did not converge" : "separation detected";
        const char *hint = s->stop == RHAZ_STOP_SEPARATION ? " (see the warnings; try --firth)" : "";
        if (o->keep)
            rhaz_message("%s: %s%s", cmd, why, hint);
        else
            rc = cli_err_data(err, NULL, "%s: %s%s", cmd, why, hint);
    }
done:
    cli_read_free(&ro);
    rhaz_fit_summary_free(s);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
    return rc;
}

const cli_cmd cli_cmd_fit_logit = {
    .name = "fit logit", .help = help, .options = options, .size = sizeof(glm_opts),
    .init = init_logit, .validate = validate, .run = run};
const cli_cmd cli_cmd_fit_cloglog = {
    .name = "fit cloglog", .help = help, .options = options, .size = sizeof(glm_opts),
    .init = init_cloglog, .validate = validate, .run = run};
