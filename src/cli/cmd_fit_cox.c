/* cmd_fit_cox.c -- 'rhaz fit cox': Cox proportional hazards models.
 * argv[0] is "cox" (dispatched by cmd_fit.c). */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    "  --formula F         model formula (required)\n"
    "  --ties efron|breslow  handling of tied event times (default efron)\n"
    "  --weights COL       case weights (> 0)\n"
    "  --vce V             model (default), robust or cluster: the sandwich\n"
    "                      V (sum_g U_g U_g') V of R's coxph(robust = TRUE) /\n"
    "                      cluster(), U_g the summed weighted score residuals\n"
    "                      of cluster g (robust: one cluster per row)\n"
    "  --cluster COL       cluster ids (any column); implies --vce cluster\n"
    "                      (a cluster(id) term in the formula does the same)\n"
    "  --robust            same as --vce robust\n"
    "  --adjust A          small-sample factor of the sandwich: none (default,\n"
    "                      as R coxph), g = G/(G-1), stata = G/(G-1) (N-1)/(N-K)\n"
    "  --firth             Heinze-Schemper penalized partial likelihood\n"
    "                      (finite estimates under monotone likelihood)\n"
    "  --max-iter N        Newton-Raphson iteration limit (default 20; --maxit\n"
    "                      is the same)\n"
    "  --keep-unconverged  exit 0 even if the fit did not converge or shows a\n"
    "                      monotone likelihood (the output always says so)\n"
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
    "Convergence as R: relative change of the log partial likelihood below\n"
    "1e-9, at most 20 iterations, step-halving; collinear terms are set to NA;\n"
    "a coefficient running to infinity (monotone likelihood) is named.\n"
    "Exit status: 0 ok, 1 data or model error, non-convergence or monotone\n"
    "likelihood (the fit is still written), 2 usage error.\n";

typedef struct {
    const char *data, *formula, *weights, *cluster, *out, *survfit, *resid, *at;
    rhaz_cox_ties ties;
    int robust, firth, exp, max_iter, zph, vce_set, keep;
    rhaz_vce vce;
    rhaz_zph_transform zph_tr;
    rhaz_vce_adj adj;
    double level;
    cli_format fmt;
} cox_args;

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

static void print_zph_json(FILE *fp, const rhaz_design *d, const cox_args *a,
                           const double *zph)
{
    static const char *const trn[] = {"km", "rank", "identity", "log"};
    fprintf(fp, ",\n \"zph\": {\"transform\": \"%s\", \"tests\": [",
            trn[a->zph_tr]);
    int first = 1;
    for (size_t t = 0; t <= d->n_terms; t++) {
        if (isnan(zph[3 * t]))
            continue;
        fprintf(fp, "%s{\"term\": ", first ? "" : ", ");
        first = 0;
        rhaz_json_string(fp, zph_label(d, t));
        fprintf(fp, ", \"chisq\": ");
        rhaz_json_number(fp, zph[3 * t]);
        fprintf(fp, ", \"df\": ");
        rhaz_json_number(fp, zph[3 * t + 1]);
        fprintf(fp, ", \"p\": ");
        rhaz_json_number(fp, zph[3 * t + 2]);
        fputc('}', fp);
    }
    fprintf(fp, "]}");
}

/* x0 from --at COL=V,... (others at R's means); 0 ok, else usage error */
static int parse_at(const char *at, const rhaz_design *d,
                    const rhaz_cox_result *r, double *x0)
{
    for (size_t j = 0; j < d->p; j++)
        x0[j] = r->means[j];
    char *copy = strdup(at), *save = NULL;
    if (!copy)
        return cli_fail("out of memory");
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && !rc;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strrchr(tok, '=');
        if (!eq) {
            rc = cli_usage("fit cox", "--at: expected COL=VALUE, not '%s'", tok);
            break;
        }
        *eq = '\0';
        char *end;
        double v = strtod(eq + 1, &end);
        if (end == eq + 1 || *end) {
            rc = cli_usage("fit cox", "--at: '%s' is not a number", eq + 1);
            break;
        }
        size_t j = 0;
        while (j < d->p && strcmp(d->colnames[j], tok))
            j++;
        if (j == d->p) {
            rc = cli_usage("fit cox", "--at: '%s' is not a column of the "
                                      "model", tok);
            break;
        }
        x0[j] = v;
    }
    free(copy);
    return rc;
}

static int write_survfit(const rhaz_cox *fit, const rhaz_design *d,
                         const char *path, const double *x0, rhaz_error *err)
{
    rhaz_cox_curve *c = rhaz_cox_survfit(fit, x0, err);
    if (!c)
        return cli_error(err);
    rhaz_outfile *of = rhaz_outfile_open(path, err);
    if (!of) {
        rhaz_cox_curve_free(c);
        return cli_error(err);
    }
    FILE *fp = rhaz_outfile_fp(of);
    fprintf(fp, "strata,time,n_risk,n_event,cumhaz,surv,std_err,cuminc\n");
    for (size_t k = 0; k < c->n_points; k++) {
        const char *lab = d->strata ? d->strata_labels[c->stratum[k]] : "";
        cli_csv_field(fp, lab);
        double v[] = {c->time[k],   c->n_risk[k], c->n_event[k], c->cumhaz[k],
                      c->surv[k],   c->std_err[k], 1 - c->surv[k]};
        for (int j = 0; j < 7; j++) {
            char b[64];
            rhaz_format_double(v[j], b, sizeof b);
            fprintf(fp, ",%s", b);
        }
        fputc('\n', fp);
    }
    rhaz_cox_curve_free(c);
    if (rhaz_outfile_commit(of, err) != RHAZ_OK)
        return cli_error(err);
    return EXIT_OK;
}

/* --residuals: martingale and score residuals per used row */
static int write_resid(const rhaz_cox *fit, const rhaz_design *d,
                       const char *path, rhaz_error *err)
{
    size_t n = d->n, p = d->p;
    double *m = malloc(n * sizeof *m), *sc = malloc((n * p + 1) * sizeof *sc);
    if (!m || !sc) {
        free(m);
        free(sc);
        return cli_fail("out of memory");
    }
    if (rhaz_cox_martingale(fit, m, err) != RHAZ_OK ||
        rhaz_cox_score_resid(fit, 0, sc, err) != RHAZ_OK) {
        free(m);
        free(sc);
        return cli_error(err);
    }
    rhaz_outfile *of = rhaz_outfile_open(path, err);
    if (!of) {
        free(m);
        free(sc);
        return cli_error(err);
    }
    FILE *fp = rhaz_outfile_fp(of);
    fprintf(fp, "row,martingale");
    for (size_t j = 0; j < p; j++) {
        char nm[512];
        snprintf(nm, sizeof nm, "score:%s", d->colnames[j]);
        fputc(',', fp);
        cli_csv_field(fp, nm);
    }
    fputc('\n', fp);
    for (size_t i = 0; i < n; i++) {
        char b[64];
        rhaz_format_double(m[i], b, sizeof b);
        fprintf(fp, "%zu,%s", d->rows[i] + 1, b);
        for (size_t j = 0; j < p; j++) {
            rhaz_format_double(sc[j * n + i], b, sizeof b);
            fprintf(fp, ",%s", b);
        }
        fputc('\n', fp);
    }
    free(m);
    free(sc);
    if (rhaz_outfile_commit(of, err) != RHAZ_OK)
        return cli_error(err);
    return EXIT_OK;
}

int cmd_fit_cox(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data", required_argument, 0, 'd'},
        {"formula", required_argument, 0, 'F'},
        {"ties", required_argument, 0, 't'},
        {"weights", required_argument, 0, 'w'},
        {"cluster", required_argument, 0, 'c'},
        {"robust", no_argument, 0, 'r'},
        {"vce", required_argument, 0, 'v'},
        {"adjust", required_argument, 0, 'a'},
        {"firth", no_argument, 0, 'P'},
        {"max-iter", required_argument, 0, 'm'},
        {"maxit", required_argument, 0, 'm'},
        {"keep-unconverged", no_argument, 0, 'k'},
        {"level", required_argument, 0, 'L'},
        {"exp", no_argument, 0, 'e'},
        {"zph", required_argument, 0, 'z'},
        {"survfit", required_argument, 0, 's'},
        {"at", required_argument, 0, 'A'},
        {"residuals", required_argument, 0, 'R'},
        {"format", required_argument, 0, 'f'},
        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    cox_args a = {0};
    a.out = "-";
    a.max_iter = 20;
    a.level = 0.95;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': a.data = optarg; break;
        case 'F': a.formula = optarg; break;
        case 't':
            if (strcmp(optarg, "efron") == 0)
                a.ties = RHAZ_TIES_EFRON;
            else if (strcmp(optarg, "breslow") == 0)
                a.ties = RHAZ_TIES_BRESLOW;
            else
                return cli_usage("fit cox", "--ties must be efron or breslow, "
                                            "not '%s'", optarg);
            break;
        case 'w': a.weights = optarg; break;
        case 'c': a.cluster = optarg; break;
        case 'r': a.robust = 1; break;
        case 'v':
            if (strcmp(optarg, "model") == 0)
                a.vce = RHAZ_VCE_MODEL;
            else if (strcmp(optarg, "robust") == 0)
                a.vce = RHAZ_VCE_ROBUST;
            else if (strcmp(optarg, "cluster") == 0)
                a.vce = RHAZ_VCE_CLUSTER;
            else
                return cli_usage("fit cox", "--vce must be model, robust or "
                                            "cluster, not '%s'", optarg);
            a.vce_set = 1;
            break;
        case 'a':
            if (strcmp(optarg, "none") == 0)
                a.adj = RHAZ_ADJ_NONE;
            else if (strcmp(optarg, "g") == 0)
                a.adj = RHAZ_ADJ_G;
            else if (strcmp(optarg, "stata") == 0)
                a.adj = RHAZ_ADJ_STATA;
            else
                return cli_usage("fit cox", "--adjust must be none, g or "
                                            "stata, not '%s'", optarg);
            break;
        case 'P': a.firth = 1; break;
        case 'k': a.keep = 1; break;
        case 'm': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 10000)
                return cli_usage("fit cox", "--max-iter must be a count, not "
                                            "'%s'", optarg);
            a.max_iter = (int)v;
            break;
        }
        case 'L': {
            char *end;
            a.level = strtod(optarg, &end);
            if (*end || !(a.level > 0 && a.level < 1))
                return cli_usage("fit cox", "--level must be in (0, 1), not "
                                            "'%s'", optarg);
            break;
        }
        case 'e': a.exp = 1; break;
        case 'z':
            a.zph = 1;
            if (strcmp(optarg, "km") == 0)
                a.zph_tr = RHAZ_ZPH_KM;
            else if (strcmp(optarg, "rank") == 0)
                a.zph_tr = RHAZ_ZPH_RANK;
            else if (strcmp(optarg, "identity") == 0)
                a.zph_tr = RHAZ_ZPH_IDENTITY;
            else
                return cli_usage("fit cox", "--zph must be km, rank or "
                                            "identity, not '%s'", optarg);
            break;
        case 's': a.survfit = optarg; break;
        case 'A': a.at = optarg; break;
        case 'R': a.resid = optarg; break;
        case 'f':
            if (cli_parse_format("fit cox", optarg,
                                 1u << FMT_TEXT | 1u << FMT_CSV | 1u << FMT_JSON |
                                     1u << FMT_LATEX | 1u << FMT_MARKDOWN,
                                 &a.fmt))
                return EXIT_USAGE;
            break;
        case 'o': a.out = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        default: return cli_bad_option("fit cox", argv);
        }
    }
    if (optind != argc)
        return cli_usage("fit cox", "unexpected argument '%s'", argv[optind]);
    if (!a.data || !a.formula)
        return cli_usage("fit cox", "--data and --formula are required");
    if (a.at && !a.survfit)
        return cli_usage("fit cox", "--at needs --survfit FILE");
    if (a.robust) {
        if (a.vce_set && a.vce != RHAZ_VCE_ROBUST)
            return cli_usage("fit cox", "--robust contradicts --vce");
        a.vce = RHAZ_VCE_ROBUST;
        a.vce_set = 1;
    }
    if (a.cluster && a.vce_set && a.vce != RHAZ_VCE_CLUSTER)
        return cli_usage("fit cox", "--cluster given with --vce %s",
                         a.vce == RHAZ_VCE_MODEL ? "model" : "robust");
    if (a.vce_set && a.vce == RHAZ_VCE_CLUSTER && !a.cluster &&
        !strstr(a.formula, "cluster("))
        return cli_usage("fit cox", "--vce cluster needs --cluster COL or a "
                                    "cluster() term");
    a.robust = a.vce == RHAZ_VCE_ROBUST;

    rhaz_error err;
    rhaz_error_clear(&err);
    int rc = EXIT_DATA;
    rhaz_table *t = NULL;
    rhaz_formula *fm = NULL;
    rhaz_design *d = NULL;
    rhaz_cox *fit = NULL;
    rhaz_fit_summary *s = NULL;
    rhaz_outfile *of = NULL;
    double *zph = NULL, *x0 = NULL;

    if (!(fm = rhaz_formula_parse(a.formula, &err))) {
        rc = cli_error(&err);
        goto out;
    }
    rhaz_lhs_kind lhs = rhaz_formula_lhs(fm);
    if (lhs != RHAZ_LHS_SURV2 && lhs != RHAZ_LHS_SURV3) {
        rc = cli_usage("fit cox", "the formula needs Surv(time, event) or "
                                  "Surv(start, stop, event) on the left");
        goto out;
    }
    if (!(t = rhaz_table_read(a.data, NULL, &err))) {
        rc = cli_error(&err);
        goto out;
    }
    rhaz_design_options dopt = {0};
    dopt.weights = a.weights;
    dopt.cluster = a.cluster;
    dopt.drop_intercept = 1;
    if (!(d = rhaz_design_build(fm, t, &dopt, &err))) {
        rc = cli_error(&err);
        goto out;
    }
    if (d->n == 0) {
        rc = cli_fail("%s: no complete rows for this formula", a.data);
        goto out;
    }
    rhaz_cox_data cd;
    rhaz_cox_data_from_design(&cd, d);
    cd.x_work = d->X; /* the design is not needed after the fit: no copy */
    /* row checks with the input line numbers, so that the table can go
     * before the fit (peak memory: design + fit, not the table too) */
    for (size_t i = 0; i < d->n; i++) {
        const char *bad = NULL;
        if (!isfinite(cd.stop[i]))
            bad = "the stop time is not finite";
        else if (!(cd.event[i] == 0 || cd.event[i] == 1))
            bad = "the event must be 0 or 1";
        else if (cd.start ? cd.start[i] < 0 : cd.stop[i] < 0)
            bad = "negative time: times are durations, >= 0";
        else if (cd.start && !(cd.start[i] < cd.stop[i]))
            bad = "start must be less than stop";
        else if (cd.weights && !(cd.weights[i] > 0 && isfinite(cd.weights[i])))
            bad = "weights must be > 0";
        for (size_t j = 0; !bad && j < d->p; j++)
            if (!isfinite(d->X[j * d->n + i]))
                bad = "a covariate is not finite";
        if (bad) {
            rhaz_error_set(&err, RHAZ_EDATA, a.data,
                           rhaz_table_line(t, d->rows[i]), "%s", bad);
            rc = cli_error(&err);
            goto out;
        }
    }
    rhaz_table_free(t);
    t = NULL;
    rhaz_cox_options o;
    rhaz_cox_options_default(&o);
    o.ties = a.ties;
    o.max_iter = a.max_iter;
    o.firth = a.firth;
    o.robust = a.robust;
    o.adj = a.adj;
    if (!(fit = rhaz_cox_fit(&cd, &o, &err))) {
        if (err.status == RHAZ_EDATA && err.line == 0 && d->rows && t) {
            /* "row k" in library messages is the k-th used row */
            const char *q = strstr(err.msg, "row ");
            if (q) {
                size_t k = strtoul(q + 4, NULL, 10);
                if (k >= 1 && k <= d->n) {
                    err.line = rhaz_table_line(t, d->rows[k - 1]);
                    snprintf(err.file, sizeof err.file, "%s", a.data);
                }
            }
        }
        rc = cli_error(&err);
        goto out;
    }
    const rhaz_cox_result *r = rhaz_cox_result_get(fit);
    if (!(s = rhaz_cox_summary(fit, (const char *const *)d->colnames,
                               a.formula, a.level, &err))) {
        rc = cli_error(&err);
        goto out;
    }
    s->n_dropped = d->n_dropped;
    s->n_clusters = d->cluster ? d->n_clusters : 0;
    if (a.zph) {
        zph = malloc(3 * (d->n_terms + 1) * sizeof *zph);
        int *asg = malloc((d->p + 1) * sizeof *asg);
        for (size_t j = 0; asg && j < d->p; j++)
            asg[j] = d->assign[j] - 1; /* no intercept column: terms 1.. */
        rhaz_status zst = zph && asg ? rhaz_cox_zph_terms(fit, a.zph_tr, asg,
                                                          d->n_terms, zph, &err)
                                     : RHAZ_ENOMEM;
        free(asg);
        if (zst != RHAZ_OK) {
            rc = zst == RHAZ_ENOMEM ? cli_fail("out of memory") : cli_error(&err);
            goto out;
        }
    }
    if (a.at) { /* validated before any output is written */
        if (!(x0 = malloc((d->p + 1) * sizeof *x0))) {
            rc = cli_fail("out of memory");
            goto out;
        }
        if ((rc = parse_at(a.at, d, r, x0)) != 0)
            goto out;
    }
    for (size_t k = 0; k < s->n_warnings; k++)
        rhaz_message("warning: %s", s->warnings[k]);
    if (!(of = rhaz_outfile_open(a.out, &err))) {
        rc = cli_error(&err);
        goto out;
    }
    FILE *fp = rhaz_outfile_fp(of);
    static const rhaz_summary_format sf[] = {
        RHAZ_SUMMARY_TEXT, RHAZ_SUMMARY_CSV, RHAZ_SUMMARY_JSON,
        RHAZ_SUMMARY_LATEX, RHAZ_SUMMARY_MARKDOWN};
    rhaz_summary_options so = {0};
    so.exp = a.exp;
    if (a.fmt == FMT_JSON && zph) {
        /* the shared JSON object, with a "zph" member added at its end */
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        if (!mem) {
            rc = cli_fail("out of memory");
            goto out;
        }
        rhaz_status st = rhaz_fit_summary_write(mem, s, sf[a.fmt], &so, &err);
        fclose(mem);
        if (st != RHAZ_OK) {
            free(buf);
            rc = cli_error(&err);
            goto out;
        }
        while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '}'))
            if (buf[--len] == '}')
                break;
        fwrite(buf, 1, len, fp);
        free(buf);
        print_zph_json(fp, d, &a, zph);
        fputs("}\n", fp);
    } else {
        if (rhaz_fit_summary_write(fp, s, sf[a.fmt], &so, &err) != RHAZ_OK) {
            rc = cli_error(&err);
            goto out;
        }
        if (a.fmt == FMT_TEXT) {
            fprintf(fp, "Wald test = %.4g, score (log-rank) test = %.4g on %d "
                        "df\n", r->wald_test, r->score_test, s->rank);
            if (zph)
                print_zph_text(fp, d, &a, zph);
        }
    }
    if (a.survfit &&
        (rc = write_survfit(fit, d, a.survfit, x0, &err)) != EXIT_OK)
        goto out;
    if (a.resid && (rc = write_resid(fit, d, a.resid, &err)) != EXIT_OK)
        goto out;
    rhaz_outfile *o2 = of;
    of = NULL;
    if (rhaz_outfile_commit(o2, &err) != RHAZ_OK) {
        rc = cli_error(&err);
        goto out;
    }
    rc = EXIT_OK;
    if (!s->converged || s->stop == RHAZ_STOP_SEPARATION) {
        fprintf(stderr, "rhaz: fit cox: %s\n",
                !s->converged ? "the fit did not converge"
                              : "monotone likelihood: a coefficient runs to "
                                "infinity (see the warnings; try --firth)");
        if (!a.keep)
            rc = EXIT_DATA;
    }
out:
    rhaz_outfile_abort(of);
    free(zph);
    free(x0);
    rhaz_fit_summary_free(s);
    rhaz_cox_free(fit);
    rhaz_design_free(d);
    rhaz_table_free(t);
    rhaz_formula_free(fm);
    return rc;
}
