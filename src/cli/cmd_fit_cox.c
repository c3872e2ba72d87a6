/* cmd_fit_cox.c -- 'rhaz fit cox': Cox proportional hazards models.
 * argv[0] is "cox" (dispatched by cmd_fit.c). */
#include "cmd.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "usage: rhaz fit cox --data FILE.csv --formula 'Surv(...) ~ TERMS' [options]\n\n"
    "Cox proportional hazards model by maximum partial likelihood (as R's\n"
    "survival::coxph).  Formulas: 'Surv(time, event) ~ x + factor(g)' for\n"
    "right-censored data, 'Surv(start, stop, event) ~ ...' for (start, stop]\n"
    "data (delayed entry, time-varying covariates); strata(s) in the formula\n"
    "fits a separate baseline hazard per stratum, cluster(id) asks for the\n"
    "cluster sandwich.  Rows with a missing value are dropped and counted.\n\n"
    "options:\n"
    "  --data FILE         input CSV, .dta, .sav or .sas7bdat (required)\n"
    CLI_READ_HELP
    "  --formula F         model formula (required)\n"
    "  --ties efron|breslow  handling of tied event times (default efron)\n"
    "  --weights COL       case weights (> 0); non-integer weights imply\n"
    "                      --vce robust unless --vce is given (R coxph default)\n"
    "  --vce V             model (default), robust or cluster: the sandwich\n"
    "                      V (sum_g U_g U_g') V of R's coxph(robust = TRUE) /\n"
    "                      cluster(), U_g the summed weighted score residuals\n"
    "                      of cluster g (robust: one cluster per row)\n"
    "  --cluster COL       cluster ids (any column); implies --vce cluster\n"
    "  --cluster A,B       two-way clustering (Cameron-Gelbach-Miller):\n"
    "                      V_A + V_B - V_AB from the score residuals, as R's\n"
    "                      sandwich::vcovCL(fit, cluster = ~ A + B) (factor per\n"
    "                      --adjust: none by default, as coxph's one-way)\n"
    "                      (a cluster(id) term in the formula does the same)\n"
    "  --robust            same as --vce robust\n"
    "  --adjust A          small-sample factor of the sandwich: none (default,\n"
    "                      as R coxph), g = G/(G-1), stata = G/(G-1) (N-1)/(N-K);\n"
    "                      vcovCL is another name for g, cr0 for none\n"
    "  --firth             Heinze-Schemper penalized partial likelihood\n"
    "                      (finite estimates under monotone likelihood)\n"
    "  --max-iter N        Newton-Raphson iteration limit (default 20; --maxit\n"
    "                      is the same)\n"
    "  --threads N         threads reading and the fit may use (default: the\n"
    "                      processors available); with --vce bootstrap the\n"
    "                      replicates run in parallel instead, each fit on one\n"
    "                      thread; the results are the same bit for bit with\n"
    "                      any N\n"
    "  --keep-unconverged  exit 0 even if the fit did not converge or shows a\n"
    "                      monotone likelihood (the output always says so)\n"
    CLI_BOOT_HELP
    "                      (clusters: --cluster or a cluster() term)\n"
    "  --level L           confidence level (default 0.95)\n"
    "  --exp               print hazard ratios exp(coef) with their intervals\n"
    "  --zph km|rank|identity  also test proportional hazards (cox.zph)\n"
    "  --survfit FILE      write the survival curve per stratum as CSV\n"
    "                      (covariates at R's fit$means, as survfit(fit))\n"
    "  --at COL=V,...      with --survfit: the curve for these values of the\n"
    "                      model's columns (names as in the output, e.g.\n"
    "                      'oecd=1,log(migrant_share)=2'); others at the means\n"
    "  --residuals FILE    write martingale and score residuals as CSV\n"
    "  --format text|csv|json|latex|markdown  output format (default text)\n"
    "  --out FILE          write to FILE (atomically) instead of stdout\n"
    "  -h, --help          this help\n\n"
    "Shared frailty: a term frailty(g) (gamma, as R's default) or\n"
    "frailty.gaussian(g) fits R's coxph(... + frailty(g)): the penalized\n"
    "partial likelihood, the frailty variance theta chosen as coxph does\n"
    "(gamma: the integrated likelihood, outer tolerance 1e-5; gaussian: REML,\n"
    "tolerance sqrt(1e-9)); frailty(g, theta = V) fixes it.  Reports theta,\n"
    "the penalized and integrated log-likelihoods and the degrees of freedom;\n"
    "not with --weights, cluster(), --firth, a robust variance, --zph,\n"
    "--survfit or --residuals.\n\n"
    "Convergence as R: relative change of the log partial likelihood below\n"
    "1e-9, at most 20 iterations, step-halving; collinear terms are set to NA;\n"
    "a coefficient running to infinity (monotone likelihood) is named.\n"
    "Exit status: 0 ok, 1 data or model error, non-convergence or monotone\n"
    "likelihood (the fit is still written), 2 usage error.\n";

typedef struct {
    const char *data, *formula, *weights, *cluster, *out, *also_text;
    const char *survfit, *resid, *at;
    int ties, robust, firth, exp, max_iter, keep, threads;
    int vce;    /* -1: not given */
    int zph_tr; /* -1: no --zph */
    int adj;
    double level;
    int fmt;
    cli_read_args read;
    cli_boot_args boot;
} cox_args;

#define O(f) CLI_OFF(cox_args, f)
static const cli_choice ties_choices[] = {
    {"efron", RHAZ_TIES_EFRON, 0}, {"breslow", RHAZ_TIES_BRESLOW, 0}, {NULL, 0, 0}};
static const cli_choice zph_choices[] = {
    {"km", RHAZ_ZPH_KM, 0}, {"rank", RHAZ_ZPH_RANK, 0},
    {"identity", RHAZ_ZPH_IDENTITY, 0}, {NULL, 0, 0}};

static const cli_option options[] = {
    {"data", CLI_STR, O(data), .key = "data", .flags = CLI_FILE},
    {"formula", CLI_STR, O(formula), .key = "formula"},
    {"ties", CLI_CHOICE, O(ties), .key = "ties", .choices = ties_choices},
    {"weights", CLI_STR, O(weights), .key = "weights"},
    {"cluster", CLI_STR, O(cluster), .key = "cluster"},
    {"robust", CLI_FLAG, O(robust), .key = NULL},
    {"vce", CLI_CHOICE, O(vce), .key = "vce", .choices = cli_vce_choices},
    {"adjust", CLI_CHOICE, O(adj), .key = "adjust", .choices = cli_adjust_choices},
    {"firth", CLI_FLAG, O(firth), .key = "firth"},
    {"max-iter", CLI_INT, O(max_iter), .min = 1, .max = 10000},
    {"maxit", CLI_INT, O(max_iter), .key = "maxit", .min = 1, .max = 10000},
    {"keep-unconverged", CLI_FLAG, O(keep), .key = "keep_unconverged"},
    {"threads", CLI_INT, O(threads), .key = NULL, .min = 1, .max = 64},
    {"level", CLI_DOUBLE, O(level), .key = "level", .min = 0, .max = 1,
     .flags = CLI_OPEN_MIN | CLI_OPEN_MAX},
    {"exp", CLI_FLAG, O(exp), .key = NULL},
    {"zph", CLI_CHOICE, O(zph_tr), .choices = zph_choices},
    {"survfit", CLI_STR, O(survfit), .key = NULL},
    {"at", CLI_STR, O(at), .key = NULL},
    {"residuals", CLI_STR, O(resid), .key = NULL},
    {"format", CLI_CHOICE, O(fmt), .choices = cli_format_choices},
    {"out", CLI_STR, O(out), .key = NULL},
    CLI_READ_ROWS(cox_args, read),
    CLI_BOOT_ROWS(cox_args, boot),
    /* rhaz run: also write the text summary of the same fit there */
    {"also-text", CLI_STR, O(also_text), .flags = CLI_INTERNAL},
    {.name = NULL}};
#undef O

static void init(void *p)
{
    cox_args *a = p;
    a->out = "-";
    a->max_iter = 20;
    a->level = 0.95;
    a->vce = -1;
    a->zph_tr = -1;
    a->adj = RHAZ_ADJ_NONE;
    a->ties = RHAZ_TIES_EFRON;
    a->fmt = FMT_TEXT;
}

/* the zph table (one row per term, then GLOBAL; as cox.zph's default
 * terms = TRUE): text lines, or a JSON member */
static const char *zph_label(const rhaz_design *d, size_t t)
{
    return t < d->n_terms ? d->term_labels[t] : "GLOBAL";
}

static void print_zph_text(FILE *fp, const rhaz_design *d, const cox_args *a,
                           const double *zph)
{
    static const char *const trn[] = {"km", "rank", "identity", "log"};
    int w = 12;
    for (size_t t = 0; t < d->n_terms; t++)
        if ((int)strlen(d->term_labels[t]) > w)
            w = (int)strlen(d->term_labels[t]);
    fprintf(fp, "\nProportional hazards test (cox.zph, transform %s):\n",
            trn[a->zph_tr]);
    fprintf(fp, "%-*s %10s %4s %10s\n", w, "", "chisq", "df", "p");
    for (size_t t = 0; t <= d->n_terms; t++) {
        if (isnan(zph[3 * t]))
            continue; /* every column of the term aliased */
        fprintf(fp, "%-*s %10.4g %4.0f %10.4g\n", w, zph_label(d, t),
                zph[3 * t], zph[3 * t + 1], zph[3 * t + 2]);
    }
}

/* the zph table as a JSON member of the fit document */
static json_object *zph_json(const rhaz_design *d, const cox_args *a, const double *zph)
{
    static const char *const trn[] = {"km", "rank", "identity", "log"};
    json_object *o = json_object_new_object(), *tests = json_object_new_array();
    if (!o || !tests) {
        json_object_put(o);
        json_object_put(tests);
        return NULL;
    }
    json_object_object_add(o, "transform", json_object_new_string(trn[a->zph_tr]));
    for (size_t t = 0; t <= d->n_terms; t++) {
        if (isnan(zph[3 * t]))
            continue;
        json_object *e = json_object_new_object();
        json_object_object_add(e, "term", json_object_new_string(zph_label(d, t)));
        json_object_object_add(e, "chisq", rhaz_json_double(zph[3 * t]));
        json_object_object_add(e, "df", rhaz_json_double(zph[3 * t + 1]));
        json_object_object_add(e, "p", rhaz_json_double(zph[3 * t + 2]));
        json_object_array_add(tests, e);
    }
    json_object_object_add(o, "tests", tests);
    return o;
}


static int validate(void *p, cli_err *err)
{
    cox_args *a = p;
    if (!a->data || !a->formula)
        return cli_err_usage(err, NULL, "--data and --formula are required");
    if (a->at && !a->survfit)
        return cli_err_usage(err, "at", "--at needs --survfit FILE");
    int boot = a->vce == RHAZ_VCE_BOOTSTRAP, rc = cli_boot_check(&a->boot, boot, err);
    if (rc != EXIT_OK)
        return rc;
    if (boot) {
        const char *no = a->robust ? "robust" : a->zph_tr >= 0 ? "zph"
                         : a->survfit ? "survfit" : a->resid ? "residuals" : NULL;
        return no ? cli_err_usage(err, no, "--%s: not with --vce bootstrap", no) : EXIT_OK;
    }
    if (a->robust) {
        if (a->vce >= 0 && a->vce != RHAZ_VCE_ROBUST)
            return cli_err_usage(err, "vce", "--robust contradicts --vce");
        a->vce = RHAZ_VCE_ROBUST;
    }
    if (a->cluster && a->vce >= 0 && a->vce != RHAZ_VCE_CLUSTER)
        return cli_err_usage(err, "cluster", "--cluster given with --vce %s",
                             a->vce == RHAZ_VCE_MODEL ? "model" : "robust");
    if (a->vce == RHAZ_VCE_CLUSTER && !a->cluster && !strstr(a->formula, "cluster("))
        return cli_err_usage(err, "vce", "--vce cluster needs --cluster COL or a "
                                         "cluster() term");
    a->robust = a->vce == RHAZ_VCE_ROBUST;
    return EXIT_OK;
}

/* The summary in format fmt, with what only Cox adds (the Wald and score
 * tests in text, the zph table). */
static int write_fit(FILE *fp, int fmt, const rhaz_fit_summary *s, const cox_args *a,
                     const rhaz_design *d, const rhaz_cox_result *r,
                     const double *zph, cli_err *err)
{
    static const rhaz_summary_format sf[] = {
        RHAZ_SUMMARY_TEXT, RHAZ_SUMMARY_CSV, RHAZ_SUMMARY_JSON,
        RHAZ_SUMMARY_LATEX, RHAZ_SUMMARY_MARKDOWN};
    rhaz_summary_options so = {0};
    so.exp = a->exp;
    if (fmt == FMT_JSON && zph) {
        /* the fit document with a "zph" member */
        json_object *doc = rhaz_fit_summary_to_json(s, &so, &err->e), *z;
        if (!doc)
            return cli_err_lib(err, NULL);
        if (!(z = zph_json(d, a, zph))) {
            json_object_put(doc);
            return cli_err_data(err, NULL, "out of memory preparing the Cox fit");
        }
        json_object_object_add(doc, "zph", z);
        rhaz_status st = rhaz_json_write(fp, doc, &err->e);
        json_object_put(doc);
        return st == RHAZ_OK ? EXIT_OK : cli_err_lib(err, NULL);
    }
    if (rhaz_fit_summary_write(fp, s, sf[fmt], &so, &err->e) != RHAZ_OK)
        return cli_err_lib(err, NULL);
    if (fmt == FMT_TEXT) {
        fprintf(fp, "Wald test = %.4g, score (log-rank) test = %.4g on %d "
                    "df\n", r->wald_test, r->score_test, s->rank);
        if (zph)
            print_zph_text(fp, d, a, zph);
    }
    return EXIT_OK;
}

/* ---- shared frailty (rhaz/frailty.h) ---- */

static const char *const frailty_dist_name[] = {"gamma", "gaussian"};

static void frailty_text(FILE *fp, const rhaz_design *d, const rhaz_frailty_result *r)
{
    fprintf(fp, "\nShared frailty: %s, %s, %zu groups\n", frailty_dist_name[r->dist],
            d->frailty_term, r->n_groups);
    fprintf(fp, "  Variance of the random effect: theta = %.6g%s\n", r->theta,
            r->theta_boundary ? "  (AT ITS BOUNDARY 0)" : "");
    fprintf(fp, "  Search: %d outer iteration%s (%s), %d Newton-Raphson\n",
            r->outer_iterations, r->outer_iterations == 1 ? "" : "s",
            r->outer_converged ? "converged" : "NOT CONVERGED", r->inner_iterations);
    fprintf(fp, "  Log-likelihoods: partial %.10g, penalized %.10g", r->loglik,
            r->loglik_penalized);
    if (!isnan(r->loglik_integrated))
        fprintf(fp, ", integrated (I-likelihood) %.10g", r->loglik_integrated);
    fprintf(fp, "\n  Degrees of freedom:");
    for (size_t t = 0; t + 1 < r->n_df; t++)
        fprintf(fp, " %s %.4g,", d->term_labels[t], r->df[t]);
    fprintf(fp, " %s %.4g (total %.4g)\n", d->frailty_term, r->df[r->n_df - 1],
            r->df_total);
    fprintf(fp, "  se2 (R's sandwich-type H^-1 (H - P) H^-1):");
    for (size_t j = 0; j < r->p; j++)
        fprintf(fp, " %s %.4g%s", d->colnames[j], r->se2[j],
                j + 1 < r->p ? "," : "\n");
}

static json_object *frailty_json(const rhaz_design *d, const rhaz_frailty_result *r)
{
    json_object *o = json_object_new_object(), *df = json_object_new_array(),
                *se2 = json_object_new_array();
    if (!o || !df || !se2) {
        json_object_put(o);
        json_object_put(df);
        json_object_put(se2);
        return NULL;
    }
    json_object_object_add(o, "distribution", json_object_new_string(frailty_dist_name[r->dist]));
    json_object_object_add(o, "term", json_object_new_string(d->frailty_term));
    json_object_object_add(o, "groups", json_object_new_int64((int64_t)r->n_groups));
    json_object_object_add(o, "theta", rhaz_json_double(r->theta));
    json_object_object_add(o, "theta_at_boundary", json_object_new_boolean(r->theta_boundary));
    json_object_object_add(o, "outer_iterations", json_object_new_int(r->outer_iterations));
    json_object_object_add(o, "outer_converged", json_object_new_boolean(r->outer_converged));
    json_object_object_add(o, "newton_iterations", json_object_new_int(r->inner_iterations));
    json_object_object_add(o, "loglik_partial", rhaz_json_double(r->loglik));
    json_object_object_add(o, "loglik_penalized", rhaz_json_double(r->loglik_penalized));
    json_object_object_add(o, "loglik_integrated", rhaz_json_double(r->loglik_integrated));
    json_object_object_add(o, "penalty", rhaz_json_double(r->penalty));
    for (size_t t = 0; t < r->n_df; t++) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "term", json_object_new_string(
                                              t + 1 < r->n_df ? d->term_labels[t] : d->frailty_term));
        json_object_object_add(e, "df", rhaz_json_double(r->df[t]));
        json_object_array_add(df, e);
    }
    json_object_object_add(o, "df", df);
    json_object_object_add(o, "df_total", rhaz_json_double(r->df_total));
    for (size_t j = 0; j < r->p; j++)
        json_object_array_add(se2, rhaz_json_double(r->se2[j]));
    json_object_object_add(o, "se2", se2);
    return o;
}

static int write_frailty(FILE *fp, int fmt, const rhaz_fit_summary *s, const cox_args *a,
                         const rhaz_design *d, const rhaz_frailty_result *r, cli_err *err)
{
    static const rhaz_summary_format sf[] = {
        RHAZ_SUMMARY_TEXT, RHAZ_SUMMARY_CSV, RHAZ_SUMMARY_JSON,
        RHAZ_SUMMARY_LATEX, RHAZ_SUMMARY_MARKDOWN};
    rhaz_summary_options so = {0};
    so.exp = a->exp;
    if (fmt == FMT_JSON) {
        json_object *doc = rhaz_fit_summary_to_json(s, &so, &err->e), *fr;
        if (!doc || !(fr = frailty_json(d, r))) {
            json_object_put(doc);
            return cli_err_data(err, NULL, "out of memory preparing the Cox fit");
        }
        json_object_object_add(doc, "frailty", fr);
        rhaz_status st = rhaz_json_write(fp, doc, &err->e);
        json_object_put(doc);
        return st == RHAZ_OK ? EXIT_OK : cli_err_lib(err, NULL);
    }
    if (rhaz_fit_summary_write(fp, s, sf[fmt], &so, &err->e) != RHAZ_OK)
        return cli_err_lib(err, NULL);
    if (fmt == FMT_TEXT)
        frailty_text(fp, d, r);
    return EXIT_OK;
}

static int run_frailty(cox_args *a, const rhaz_design *d, cli_err *err)
{
    const char *bad = a->weights ? "weights" : a->cluster || d->cluster ? "cluster"
                      : a->firth ? "firth" : a->robust || a->vce > 0 ? "vce"
                      : a->zph_tr >= 0 ? "zph" : a->survfit ? "survfit"
                      : a->resid ? "residuals" : NULL;
    if (bad)
        return cli_err_usage(err, !strcmp(bad, "cluster") && !a->cluster ? "formula" : bad,
                             "%s: not available with a frailty term (%s)",
                             !strcmp(bad, "cluster") && !a->cluster ? "cluster()" : bad,
                             d->frailty_term);
    int rc = EXIT_DATA;
    rhaz_frailty *fit = NULL;
    rhaz_fit_summary *s = NULL;
    rhaz_outfile *of = NULL, *of2 = NULL;
    rhaz_cox_data cd;
    rhaz_cox_data_from_design(&cd, d);
    rhaz_frailty_options fo;
    rhaz_frailty_options_default(&fo);
    fo.dist = d->frailty_dist ? RHAZ_FRAILTY_GAUSSIAN : RHAZ_FRAILTY_GAMMA;
    fo.ties = (rhaz_cox_ties)a->ties;
    fo.max_iter = a->max_iter > 0 ? a->max_iter : 1;
    fo.theta = d->frailty_theta;
    int *asg = malloc((d->p + 1) * sizeof *asg);
    if (!asg)
        return cli_err_data(err, NULL, "out of memory preparing the Cox fit");
    for (size_t j = 0; j < d->p; j++)
        asg[j] = d->assign[j] - 1; /* no intercept column: terms 1.. */
    fit = rhaz_frailty_fit(&cd, d->frailty, d->n_frailty, asg, d->n_terms, &fo, &err->e);
    free(asg);
    if (!fit) {
        rc = cli_err_lib(err, NULL);
        goto out;
    }
    const rhaz_frailty_result *r = rhaz_frailty_result_get(fit);
    if (!(s = rhaz_frailty_summary(fit, (const char *const *)d->colnames, a->formula,
                                   a->level, &err->e))) {
        rc = cli_err_lib(err, NULL);
        goto out;
    }
    s->n_dropped = d->n_dropped;
    s->design = rhaz_design_spec_copy(rhaz_design_spec_of(d)); /* for margins */
    for (size_t k = 0; k < s->n_warnings; k++)
        rhaz_message("warning: %s", s->warnings[k]);
    if (!(of = rhaz_outfile_open(a->out, &err->e)) ||
        (a->also_text && !(of2 = rhaz_outfile_open(a->also_text, &err->e)))) {
        rc = cli_err_lib(err, "out");
        goto out;
    }
    if ((rc = write_frailty(rhaz_outfile_fp(of), a->fmt, s, a, d, r, err)) ||
        (of2 && (rc = write_frailty(rhaz_outfile_fp(of2), FMT_TEXT, s, a, d, r, err))))
        goto out;
    for (int k = 0; k < 2; k++) {
        rhaz_outfile **op = k ? &of2 : &of, *o2 = *op;
        *op = NULL;
        if (o2 && rhaz_outfile_commit(o2, &err->e) != RHAZ_OK) {
            rc = cli_err_lib(err, NULL);
            goto out;
        }
    }
    rc = EXIT_OK;
    if (!s->converged && !r->theta_boundary) {
        if (a->keep)
            rhaz_message("fit cox: the frailty fit did not converge");
        else
            rc = cli_err_data(err, NULL, "fit cox: the frailty fit did not converge");
    }
out:
    rhaz_outfile_abort(of);
    rhaz_outfile_abort(of2);
    rhaz_fit_summary_free(s);
    rhaz_frailty_free(fit);
    return rc;
}

static int run(void *p, cli_err *err)
{
    cox_args *a = p;
    int rc = EXIT_DATA;
    rhaz_table *t = NULL;
    rhaz_formula *fm = NULL;
    rhaz_design *d = NULL;
    rhaz_cox *fit = NULL;
    rhaz_fit_summary *s = NULL;
    rhaz_outfile *of = NULL, *of2 = NULL, *of3 = NULL, *of4 = NULL;
    double *zph = NULL, *x0 = NULL;
    cli_read_opts ro = {0};

    if (!(fm = rhaz_formula_parse(a->formula, &err->e))) {
        rc = cli_err_lib(err, "formula");
        goto out;
    }
    rhaz_lhs_kind lhs = rhaz_formula_lhs(fm);
    if (lhs != RHAZ_LHS_SURV2 && lhs != RHAZ_LHS_SURV3) {
        rc = cli_err_usage(err, "formula", "the formula needs Surv(time, event) or "
                                           "Surv(start, stop, event) on the left");
        goto out;
    }
    if ((rc = cli_read_args_apply(&ro, &a->read, err)) != EXIT_OK)
        goto out;
    int threads = a->threads ? a->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    ro.csv.threads = threads;
    rc = EXIT_DATA;
    const char *const used[] = {a->weights, a->cluster}; /* and the formula's */
    if (cli_read_keep(&ro, (const rhaz_formula *const *)&fm, 1, used, 2, &err->e) != 0) {
        rc = cli_err_lib(err, NULL);
        goto out;
    }
    if (!(t = cli_read_table(&ro, a->data, &err->e))) {
        rc = cli_err_lib(err, cli_read_error_option(&ro, &err->e));
        goto out;
    }
    rhaz_design_options dopt = {0};
    dopt.weights = a->weights;
    dopt.cluster = a->cluster;
    dopt.threads = threads;
    dopt.drop_intercept = 1;
    dopt.allow_frailty = 1;
    dopt.allow_two_way = 1; /* --cluster a,b: V_a + V_b - V_ab */
    if (!(d = rhaz_design_build_take(fm, t, &dopt, &err->e))) {
        rc = cli_err_lib(err, cli_design_option(&err->e, a->weights, a->cluster));
        goto out;
    }
    if (d->n == 0) {
        rc = cli_err_data(err, "formula", "%s: no complete rows for this formula", a->data);
        goto out;
    }
    if (d->frailty) {
        rc = run_frailty(a, d, err);
        goto out;
    }
    rhaz_cox_data cd;
    rhaz_cox_data_from_design(&cd, d);
    cd.x_work = d->X; /* the design is not needed after the fit: no copy */
    /* the library's row checks now, named by input line, so that the
     * table can go before the fit (peak memory: design + fit) */
    if (rhaz_surv_check(cd.n, cd.start, cd.stop, cd.event, cd.weights, d->X, d->p,
                        NULL, &err->e)) {
        cli_locate_row(&err->e, d, t, a->data);
        rc = cli_err_lib(err, NULL);
        goto out;
    }
    cd.rows_checked = 1;
    rhaz_table_free(t);
    t = NULL;
    rhaz_cox_options o;
    rhaz_cox_options_default(&o);
    o.ties = (rhaz_cox_ties)a->ties;
    o.max_iter = a->max_iter;
    o.threads = threads;
    o.firth = a->firth;
    o.robust = a->robust;
    o.adj = (rhaz_vce_adj)a->adj;
    if (a->vce == RHAZ_VCE_BOOTSTRAP) {
        a->boot.threads = a->threads; /* --threads: replicates in parallel */
        rhaz_boot_model bm = {.family = RHAZ_BOOT_COX, .design = d, .cox = &o,
                              .conf_level = a->level};
        cli_boot_out bo = {.cmd = "fit cox", .formula = a->formula, .out = a->out,
                           .also_text = a->also_text, .format = a->fmt, .exp = a->exp};
        rc = cli_boot_run(&a->boot, &bm, &bo, err);
        goto out;
    }
    if (a->vce < 0 && !a->firth && cd.weights && !cd.cluster) {
        /* R's coxph (survival >= 3): non-integer case weights imply the
         * robust variance unless robust = FALSE; --vce model asks for
         * the model-based one */
        for (size_t i = 0; i < cd.n && !o.robust; i++)
            if (cd.weights[i] != floor(cd.weights[i]))
                o.robust = 1;
        if (o.robust)
            rhaz_message("note: non-integer case weights: robust variance, as "
                         "R's coxph (--vce model for the model-based one)");
    }
    if (o.adj != RHAZ_ADJ_NONE && !o.robust && !cd.cluster) {
        rc = cli_err_usage(err, "adjust", "--adjust applies to the robust and cluster "
                                          "variances, not to the model-based one");
        goto out;
    }
    if (!(fit = rhaz_cox_fit(&cd, &o, &err->e))) {
        if (!err->e.file[0]) /* a whole-data condition: name the file */
            snprintf(err->e.file, sizeof err->e.file, "%s", a->data);
        rc = cli_err_lib(err, cli_lib_option(&err->e));
        goto out;
    }
    const rhaz_cox_result *r = rhaz_cox_result_get(fit);
    if (!(s = rhaz_cox_summary(fit, (const char *const *)d->colnames,
                               a->formula, a->level, &err->e))) {
        rc = cli_err_lib(err, NULL);
        goto out;
    }
    s->n_dropped = d->n_dropped;
    s->n_clusters = d->cluster ? d->n_clusters : 0;
    s->design = rhaz_design_spec_copy(rhaz_design_spec_of(d)); /* for margins */
    if (a->weights)
        s->weights = strdup(a->weights); /* margins average with them */
    if (a->zph_tr >= 0) {
        zph = malloc(3 * (d->n_terms + 1) * sizeof *zph);
        int *asg = malloc((d->p + 1) * sizeof *asg);
        for (size_t j = 0; asg && j < d->p; j++)
            asg[j] = d->assign[j] - 1; /* no intercept column: terms 1.. */
        rhaz_status zst = zph && asg ? rhaz_cox_zph_terms(fit, (rhaz_zph_transform)a->zph_tr,
                                                          asg, d->n_terms, zph, &err->e)
                                     : RHAZ_ENOMEM;
        free(asg);
        if (zst != RHAZ_OK) {
            rc = zst == RHAZ_ENOMEM ? cli_err_data(err, NULL, "out of memory preparing the Cox fit")
                                    : cli_err_lib(err, "zph");
            goto out;
        }
    }
    if (a->at) { /* validated before any output is written */
        if (!(x0 = malloc((d->p + 1) * sizeof *x0))) {
            rc = cli_err_data(err, NULL, "out of memory preparing the Cox fit");
            goto out;
        }
        if ((rc = cli_cox_parse_at(a->at, d, r, x0, err)) != 0)
            goto out;
    }
    for (size_t k = 0; k < s->n_warnings; k++)
        rhaz_message("warning: %s", s->warnings[k]);
    /* every output opened before any is written, committed together */
    if (!(of = rhaz_outfile_open(a->out, &err->e)) ||
        (a->also_text && !(of2 = rhaz_outfile_open(a->also_text, &err->e)))) {
        rc = cli_err_lib(err, "out");
        goto out;
    }
    if ((a->survfit && !(of3 = rhaz_outfile_open(a->survfit, &err->e))) ||
        (a->resid && !(of4 = rhaz_outfile_open(a->resid, &err->e)))) {
        rc = cli_err_lib(err, a->survfit && !of3 ? "survfit" : "residuals");
        goto out;
    }
    if ((rc = write_fit(rhaz_outfile_fp(of), a->fmt, s, a, d, r, zph, err)) ||
        (of2 && (rc = write_fit(rhaz_outfile_fp(of2), FMT_TEXT, s, a, d, r, zph, err))))
        goto out;
    if (of3 && (rc = cli_cox_write_survfit(fit, d, rhaz_outfile_fp(of3), x0, err)) != EXIT_OK)
        goto out;
    if (of4 && (rc = cli_cox_write_resid(fit, d, rhaz_outfile_fp(of4), err)) != EXIT_OK)
        goto out;
    rhaz_outfile **ofs[4] = {&of, &of2, &of3, &of4};
    for (int k = 0; k < 4; k++) {
        rhaz_outfile *o2 = *ofs[k];
        *ofs[k] = NULL;
        if (o2 && rhaz_outfile_commit(o2, &err->e) != RHAZ_OK) {
            rc = cli_err_lib(err, NULL);
            goto out;
        }
    }
    rc = EXIT_OK;
    if (!s->converged || s->stop == RHAZ_STOP_SEPARATION) {
        const char *why = !s->converged ? "the fit did not converge"
                                        : "monotone likelihood: a coefficient runs to "
                                          "infinity (see the warnings; try --firth)";
        if (a->keep)
            rhaz_message("fit cox: %s", why);
        else
            rc = cli_err_data(err, NULL, "fit cox: %s", why);
    }
out:
    cli_read_free(&ro);
    rhaz_outfile_abort(of);
    rhaz_outfile_abort(of2);
    rhaz_outfile_abort(of3);
    rhaz_outfile_abort(of4);
    free(zph);
    free(x0);
    rhaz_fit_summary_free(s);
    rhaz_cox_free(fit);
    rhaz_design_free(d);
    rhaz_table_free(t);
    rhaz_formula_free(fm);
    return rc;
}

const cli_cmd cli_cmd_fit_cox = {
    .name = "fit cox", .help = help, .options = options, .size = sizeof(cox_args),
    .init = init, .validate = validate, .run = run};
