/* cmd_fit_clogit.c -- 'rhaz fit clogit': conditional (fixed-effects)
 * logit by the exact conditional likelihood (rhaz/clogit.h). */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz fit clogit --data FILE.csv --formula 'y ~ TERMS + strata(g)' [options]\n"
    "\n"
    "Conditional logit: the exact conditional likelihood of a 0/1 response\n"
    "given the number of ones in each stratum, as R's survival::clogit (its\n"
    "default method \"exact\").  The strata (e.g. states) are absorbed: no\n"
    "intercept, no incidental-parameter bias; strata whose response does not\n"
    "vary carry no information and are dropped and counted.  A covariate\n"
    "constant within every stratum is not identified (NA).\n"
    "\n"
    "options:\n"
    "  --data FILE         input CSV, .dta, .sav or .sas7bdat (required)\n"
    CLI_READ_HELP
    "  --formula F         'y ~ x + ... + strata(g)' (required; strata() required)\n"
    "  --vce V             model (default) or bootstrap\n"
    "  --cluster COL       with --vce bootstrap: resample whole clusters (strata\n"
    "                      nested in them become one stratum per copy)\n"
    CLI_BOOT_HELP
    CLI_THREADS_HELP
    "  --level P           confidence level (default 0.95)\n"
    "  --maxit N           Newton-Raphson iteration limit (default 20)\n"
    "  --format F          text (default), csv, json, latex, markdown\n"
    "  --exp               odds ratios (exp of estimates and CIs)\n"
    "  --out FILE          write there (default stdout; atomic)\n"
    "  --keep-unconverged  exit 0 even if the fit did not converge or a\n"
    "                      coefficient may be infinite (the output says so)\n"
    "\n"
    "Variance: the inverse information (as R; R has no robust or cluster\n"
    "variance for the exact method, and a cluster() term is refused); case\n"
    "weights are not defined for the exact likelihood.  Convergence as R:\n"
    "relative change of the log-likelihood below 1e-9, step-halving.\n"
    "Exit status: 0 ok; 1 data/model error, non-convergence or an infinite\n"
    "coefficient; 2 usage.\n";

typedef struct {
    const char *data, *formula, *out, *also_text, *cluster;
    int maxit, exp, keep, format, vce;
    double level;
    cli_read_args read;
    cli_boot_args boot;
} clogit_opts;

#define O(f) CLI_OFF(clogit_opts, f)
static const cli_choice vces[] = {
    {"model", RHAZ_VCE_MODEL, 0}, {"bootstrap", RHAZ_VCE_BOOTSTRAP, 0}, {NULL, 0, 0}};
static const cli_option options[] = {
    {"vce", CLI_CHOICE, O(vce), .key = "vce", .choices = vces},
    {"cluster", CLI_STR, O(cluster), .key = "cluster"},
    {"data", CLI_STR, O(data), .key = "data", .flags = CLI_FILE},
    {"formula", CLI_STR, O(formula), .key = "formula"},
    {"level", CLI_DOUBLE, O(level), .key = "level", .min = 0, .max = 1,
     .flags = CLI_OPEN_MIN | CLI_OPEN_MAX},
    {"maxit", CLI_INT, O(maxit), .key = "maxit", .min = 1, .max = 10000},
    {"max-iter", CLI_INT, O(maxit), .min = 1, .max = 10000},
    {"format", CLI_CHOICE, O(format), .choices = cli_format_choices},
    {"exp", CLI_FLAG, O(exp), .key = NULL},
    {"out", CLI_STR, O(out), .key = NULL},
    CLI_READ_ROWS(clogit_opts, read),
    CLI_BOOT_ROWS(clogit_opts, boot),
    CLI_THREADS_ROW(clogit_opts, boot),
    {"keep-unconverged", CLI_FLAG, O(keep), .key = "keep_unconverged"},
    {"also-text", CLI_STR, O(also_text), .flags = CLI_INTERNAL},
    {.name = NULL}};
#undef O

static void init(void *p)
{
    clogit_opts *o = p;
    o->out = "-";
    o->maxit = 20;
    o->level = 0.95;
    o->format = FMT_TEXT;
}

static int validate(void *p, cli_err *err)
{
    clogit_opts *o = p;
    if (!o->data || !o->formula)
        return cli_err_usage(err, NULL, "--data and --formula are required");
    int boot = o->vce == RHAZ_VCE_BOOTSTRAP, rc = cli_boot_check(&o->boot, boot, err);
    if (rc == EXIT_OK && o->cluster && !boot)
        rc = cli_err_usage(err, "cluster", "--cluster: only with --vce bootstrap (the "
                                           "exact conditional likelihood has no cluster "
                                           "variance)");
    return rc;
}

static int run(void *p, cli_err *err)
{
    clogit_opts *o = p;
    int rc = EXIT_OK;
    rhaz_table *t = NULL;
    rhaz_formula *f = NULL;
    rhaz_design *d = NULL;
    rhaz_clogit *fit = NULL;
    rhaz_fit_summary *s = NULL;
    cli_read_opts ro = {0};
    rhaz_summary_options so = {0};
    so.exp = o->exp;
    if (!(f = rhaz_formula_parse(o->formula, &err->e))) {
        rc = cli_err_lib(err, "formula");
        goto done;
    }
    if (rhaz_formula_lhs(f) != RHAZ_LHS_VAR) {
        rc = cli_err_usage(err, "formula", "the formula needs a 0/1 response on the "
                                           "left: 'y ~ x + strata(g)'");
        goto done;
    }
    if ((rc = cli_read_args_apply(&ro, &o->read, err)) != EXIT_OK)
        goto done;
    if (cli_read_keep(&ro, (const rhaz_formula *const *)&f, 1, &o->cluster, 1, &err->e) != 0) {
        rc = cli_err_lib(err, NULL);
        goto done;
    }
    if (!(t = cli_read_table(&ro, o->data, &err->e))) {
        rc = cli_err_lib(err, cli_read_error_option(&ro, &err->e));
        goto done;
    }
    rhaz_design_options dopt = {0};
    dopt.drop_intercept = 1;
    dopt.cluster = o->cluster;
    if (!(d = rhaz_design_build_take(f, t, &dopt, &err->e))) {
        rc = cli_err_lib(err, o->cluster && !strcmp(err->e.what, o->cluster) ? "cluster"
                                                                             : "formula");
        goto done;
    }
    rhaz_design dv = *d; /* the bootstrap's clusters only name resampled units */
    if (o->vce == RHAZ_VCE_BOOTSTRAP)
        dv.cluster = NULL;
    rhaz_clogit_data cd;
    if (rhaz_clogit_data_from_design(&cd, &dv, &err->e) != RHAZ_OK) {
        rc = cli_err_usage(err, "formula", "%s", err->e.msg);
        goto done;
    }
    for (size_t i = 0; i < d->n; i++)
        if (!(cd.y[i] == 0 || cd.y[i] == 1)) {
            rhaz_error_set(&err->e, RHAZ_EDATA, o->data, rhaz_table_line(t, d->rows[i]),
                           "clogit: the response '%s' must be 0 or 1 (got %g)",
                           d->y_name, cd.y[i]);
            rc = cli_err_lib(err, NULL);
            goto done;
        }
    rhaz_clogit_options co;
    rhaz_clogit_options_default(&co);
    co.max_iter = o->maxit;
    if (o->vce == RHAZ_VCE_BOOTSTRAP) {
        rhaz_boot_model bm = {.family = RHAZ_BOOT_CLOGIT, .design = d, .clogit = &co,
                              .conf_level = o->level};
        cli_boot_out bo = {.cmd = "fit clogit", .formula = o->formula, .out = o->out,
                           .also_text = o->also_text, .format = o->format, .exp = o->exp};
        rc = cli_boot_run(&o->boot, &bm, &bo, err);
        goto done;
    }
    if (!(fit = rhaz_clogit_fit(&cd, &co, &err->e))) {
        rc = cli_err_lib(err, NULL);
        goto done;
    }
    if (!(s = rhaz_clogit_summary(fit, (const char *const *)d->colnames, o->formula,
                                  o->level, &err->e))) {
        rc = cli_err_lib(err, NULL);
        goto done;
    }
    s->n_dropped = d->n_dropped;
    s->design = rhaz_design_spec_copy(rhaz_design_spec_of(d)); /* for margins */
    for (size_t k = 0; k < s->n_warnings; k++)
        rhaz_message("warning: %s", s->warnings[k]);
    if ((rc = cli_fit_write_summary(s, o->out, o->format, &so, err)) != EXIT_OK ||
        (o->also_text && (rc = cli_fit_write_summary(s, o->also_text, FMT_TEXT, &so, err))))
        goto done;
    if (!s->converged || s->stop == RHAZ_STOP_SEPARATION) {
        const char *why = !s->converged ? "the fit did not converge"
                                        : "a coefficient may be infinite (separation "
                                          "within strata; see the warnings)";
        if (o->keep)
            rhaz_message("fit clogit: %s", why);
        else
            rc = cli_err_data(err, NULL, "fit clogit: %s", why);
    }
done:
    cli_read_free(&ro);
    rhaz_fit_summary_free(s);
    rhaz_clogit_free(fit);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
    return rc;
}

const cli_cmd cli_cmd_fit_clogit = {
    .name = "fit clogit", .help = help, .options = options, .size = sizeof(clogit_opts),
    .init = init, .validate = validate, .run = run};
