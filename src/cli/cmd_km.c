/* cmd_km.c -- 'rhaz km': Kaplan-Meier and Nelson-Aalen curves by group. */
#include "cmd.h"

#include <json-c/json.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz km --data FILE.csv --formula 'Surv(...) ~ GROUPS' [options]\n\n"
    "Kaplan-Meier survival curves (and Nelson-Aalen cumulative hazards) with\n"
    "delayed entry for 'Surv(start, stop, event)' data, one curve per\n"
    "combination of the grouping variables on the right ('~ 1' for one\n"
    "curve), as R's survfit(..., conf.type = \"log-log\").  Output columns:\n"
    "group, time, n_risk, n_event, n_censor, surv, std_err (of log S),\n"
    "lower, upper (log-log band), cumhaz, std_chaz, cuminc = 1 - surv (the\n"
    "cumulative incidence of ratification).  In CSV an infinite std_err\n"
    "(where surv = 0) is written empty.  Standard errors as R's survfit\n"
    "(survival >= 3): Greenwood's (and Nelson-Aalen's) unless some weight is\n"
    "not an integer or --cluster is given, then the infinitesimal jackknife\n"
    "(R's robust variance; each row its own cluster without --cluster);\n"
    "--vce chooses.  R stores the robust SE of S itself: rhaz's std_err is\n"
    "R's std.err / surv then.\n\n"
    "options:\n"
    "  --data FILE       input CSV, .dta, .sav or .sas7bdat (required)\n"
    "  --formula F       e.g. 'Surv(start, stop, ratified) ~ region' (required)\n"
    CLI_READ_HELP
    "  --weights COL     case weights (> 0)\n"
    "  --vce greenwood|robust  standard errors: Greenwood's, or the\n"
    "                    infinitesimal jackknife (default: R's rule above)\n"
    "  --cluster COL     the jackknife grouped by COL (R's cluster =)\n"
    "  --level L         confidence level (default 0.95)\n"
    "  --format text|csv|json  output format (default text)\n"
    "  --out FILE        write to FILE (atomically) instead of stdout\n"
    "  -h, --help        this help\n"
    "Exit status: 0 ok, 1 data error, 2 usage error.\n";

typedef struct {
    const char *data, *formula, *weights, *cluster, *out;
    double level;
    int fmt, vce;
    cli_read_args read;
} km_opts;

/* standard errors of the curves (rhaz_km_se); model and ij are aliases */
static const cli_choice km_vce_choices[] = {
    {"greenwood", RHAZ_KM_SE_GREENWOOD, 0}, {"robust", RHAZ_KM_SE_IJ, 0},
    {"model", RHAZ_KM_SE_GREENWOOD, 1},     {"ij", RHAZ_KM_SE_IJ, 1},
    {NULL, 0, 0}};

#define O(f) CLI_OFF(km_opts, f)
static const cli_option options[] = {
    {"data", CLI_STR, O(data), .key = "data", .flags = CLI_FILE},
    {"formula", CLI_STR, O(formula), .key = "formula"},
    {"weights", CLI_STR, O(weights), .key = "weights"},
    {"vce", CLI_CHOICE, O(vce), .key = "vce", .choices = km_vce_choices},
    {"cluster", CLI_STR, O(cluster), .key = "cluster"},
    {"level", CLI_DOUBLE, O(level), .key = "level", .min = 0, .max = 1,
     .flags = CLI_OPEN_MIN | CLI_OPEN_MAX},
    {"format", CLI_CHOICE, O(fmt), .choices = cli_format_tcj},
    {"out", CLI_STR, O(out), .key = NULL},
    CLI_READ_ROWS(km_opts, read),
    {.name = NULL}};
#undef O

static void init(void *p)
{
    km_opts *o = p;
    o->out = "-";
    o->level = 0.95;
    o->fmt = FMT_TEXT;
    o->vce = RHAZ_KM_SE_AUTO;
}

static int validate(void *p, cli_err *err)
{
    km_opts *o = p;
    if (!o->data || !o->formula)
        return cli_err_usage(err, NULL, "--data and --formula are required");
    if (o->cluster && o->vce == RHAZ_KM_SE_GREENWOOD)
        return cli_err_usage(err, "cluster", "--cluster %s needs the jackknife: it cannot "
                             "be used with --vce greenwood", o->cluster);
    return EXIT_OK;
}

static int run(void *p, cli_err *ce)
{
    km_opts *o = p;
    const char *data = o->data, *formula = o->formula, *weights = o->weights, *out = o->out;
    double level = o->level;
    cli_format fmt = (cli_format)o->fmt;
    cli_read_opts ro = {0};
    int rc = cli_read_args_apply(&ro, &o->read, ce);
    if (rc) {
        cli_read_free(&ro);
        return rc;
    }
    rhaz_error err;
    rhaz_error_clear(&err);
    rc = EXIT_DATA;
    rhaz_formula *f0 = NULL, *f = NULL;
    rhaz_table *t = NULL;
    rhaz_design *d = NULL;
    rhaz_km *km = NULL;
    rhaz_outfile *of = NULL;
    char *text = NULL;
    json_object *doc = NULL, *curves = NULL, *points = NULL;

    if (!(f0 = rhaz_formula_parse(formula, &err))) {
        ce->e = err;
        rc = cli_err_lib(ce, "formula");
        goto done;
    }
    rhaz_lhs_kind lhs = rhaz_formula_lhs(f0);
    if (lhs != RHAZ_LHS_SURV2 && lhs != RHAZ_LHS_SURV3) {
        rc = cli_err_usage(ce, "formula", "the formula needs Surv(time, event) or "
                                          "Surv(start, stop, event) on the left");
        goto done;
    }
    /* the grouping terms become strata(...) of the design */
    const char *tilde = strchr(formula, '~');
    size_t nt = rhaz_formula_nterms(f0), len = (size_t)(tilde - formula) + 32;
    for (size_t k = 0; k < nt; k++)
        len += strlen(rhaz_formula_term(f0, k)) + 2;
    if (!(text = malloc(len))) {
        rc = cli_err_data(ce, NULL, "out of memory writing the curves");
        goto done;
    }
    int w = snprintf(text, len, "%.*s~ ", (int)(tilde - formula), formula);
    if (nt == 0) {
        snprintf(text + w, len - (size_t)w, "1");
    } else {
        w += snprintf(text + w, len - (size_t)w, "strata(");
        for (size_t k = 0; k < nt; k++)
            w += snprintf(text + w, len - (size_t)w, "%s%s", k ? ", " : "",
                          rhaz_formula_term(f0, k));
        snprintf(text + w, len - (size_t)w, ")");
    }
    if (!(f = rhaz_formula_parse(text, &err))) {
        ce->e = err;
        rc = cli_err_lib(ce, "formula");
        goto done;
    }
    const char *const used[] = {weights, o->cluster}; /* and the formula's */
    if (cli_read_keep(&ro, (const rhaz_formula *const *)&f, 1, used, 2, &err) != 0) {
        ce->e = err;
        rc = cli_err_lib(ce, NULL);
        goto done;
    }
    if (!(t = cli_read_table(&ro, data, &err))) {
        ce->e = err;
        rc = cli_err_lib(ce, cli_read_error_option(&ro, &err));
        goto done;
    }
    rhaz_design_options dopt = {0};
    dopt.weights = weights;
    dopt.cluster = o->cluster;
    dopt.drop_intercept = 1;
    if (!(d = rhaz_design_build(f, t, &dopt, &err))) {
        ce->e = err;
        rc = cli_err_lib(ce, weights && !strcmp(err.what, weights)          ? "weights"
                             : o->cluster && !strcmp(err.what, o->cluster) ? "cluster"
                                                                           : "formula");
        goto done;
    }
    if (d->n == 0) {
        rc = cli_err_data(ce, "formula", "%s: no complete rows for this formula", data);
        goto done;
    }
    rhaz_cox_data sv; /* the survival columns of the design */
    rhaz_cox_data_from_design(&sv, d);
    rhaz_km_options kopt = {.conf_level = level, .se = (rhaz_km_se)o->vce,
                            .cluster = d->cluster, .n_clusters = d->n_clusters};
    if (!(km = rhaz_km_fit_opts(d->n, sv.start, sv.stop, sv.event, d->weights, d->strata,
                                d->strata ? d->n_strata : 1, &kopt, &err))) {
        cli_locate_row(&err, d, t, data);
        ce->e = err;
        rc = cli_err_lib(ce, NULL);
        goto done;
    }
    if (!(of = rhaz_outfile_open(out, &err))) {
        ce->e = err;
        rc = cli_err_lib(ce, "out");
        goto done;
    }
    FILE *fp = rhaz_outfile_fp(of);
    char se_label[160];
    if (km->se == RHAZ_KM_SE_GREENWOOD)
        snprintf(se_label, sizeof se_label, "Greenwood");
    else if (d->cluster)
        snprintf(se_label, sizeof se_label,
                 "infinitesimal jackknife clustered by %s (R's robust)", o->cluster);
    else
        snprintf(se_label, sizeof se_label, "infinitesimal jackknife (R's robust)");
    static const char *const cols[] = {"time",   "n_risk",  "n_event",
                                       "n_censor", "surv",  "std_err",
                                       "lower",  "upper",   "cumhaz",
                                       "std_chaz", "cuminc"};
    if (fmt == FMT_TEXT) {
        fprintf(fp, "Kaplan-Meier estimates, %s, %zu rows used",
                d->ny == 3 ? "(start, stop] data" : "right-censored data", d->n);
        if (d->n_dropped)
            fprintf(fp, " (%zu dropped: missing values)", d->n_dropped);
        fprintf(fp, "\nconfidence band: %g%%, log-log; std_err: %s, of log S\n",
                100 * level, se_label);
    } else if (fmt == FMT_CSV) {
        fprintf(fp, "group");
        for (int k = 0; k < 11; k++)
            fprintf(fp, ",%s", cols[k]);
        fputc('\n', fp);
    } else {
        doc = json_object_new_object();
        curves = json_object_new_array();
        if (!doc || !curves) {
            json_object_put(curves);
            rc = cli_err_data(ce, NULL, "out of memory writing the curves");
            goto done;
        }
        json_object_object_add(doc, "conf_level", rhaz_json_double(level));
        json_object_object_add(doc, "std_err", json_object_new_string(se_label));
        json_object_object_add(doc, "n", json_object_new_int64((int64_t)d->n));
        json_object_object_add(doc, "n_dropped", json_object_new_int64((int64_t)d->n_dropped));
        json_object_object_add(doc, "curves", curves);
    }
    int prev = -1;
    for (size_t i = 0; i < km->n_points; i++) {
        int g = km->group[i];
        const char *lab = d->strata ? d->strata_labels[g] : "all";
        double v[] = {km->time[i],   km->n_risk[i],  km->n_event[i],
                      km->n_censor[i], km->surv[i],  km->std_err[i],
                      km->lower[i],  km->upper[i],   km->cumhaz[i],
                      km->std_chaz[i], 1 - km->surv[i]};
        if (fmt == FMT_TEXT) {
            if (g != prev)
                fprintf(fp, "\n%s\n%10s %8s %8s %8s %9s %9s %9s %9s %9s\n", lab,
                        "time", "n.risk", "n.event", "n.censor", "surv",
                        "std.err", "lower", "upper", "cumhaz");
            fprintf(fp, "%10.6g %8.6g %8.6g %8.6g %9.4f %9.4f %9.4f %9.4f "
                        "%9.4f\n", v[0], v[1], v[2], v[3], v[4], v[5], v[6],
                    v[7], v[8]);
        } else if (fmt == FMT_CSV) {
            cli_csv_field(fp, lab);
            for (int k = 0; k < 11; k++) {
                char b[64];
                rhaz_format_double(v[k], b, sizeof b);
                /* std_err is infinite where S = 0: empty (missing), so
                 * that the file reads back as numbers (rhaz reads no inf) */
                fprintf(fp, ",%s", isfinite(v[k]) ? b : "");
            }
            fputc('\n', fp);
        } else {
            if (g != prev) {
                json_object *c = json_object_new_object();
                points = json_object_new_array();
                json_object_object_add(c, "group", json_object_new_string(lab));
                json_object_object_add(c, "points", points);
                json_object_array_add(curves, c);
            }
            json_object *pt = json_object_new_object();
            for (int k = 0; k < 11; k++)
                json_object_object_add(pt, cols[k], rhaz_json_double(v[k]));
            json_object_array_add(points, pt);
        }
        prev = g;
    }
    if (fmt == FMT_JSON && rhaz_json_write(fp, doc, &err) != RHAZ_OK) {
        ce->e = err;
        rc = cli_err_lib(ce, "out");
        goto done;
    }
    rhaz_outfile *o2 = of;
    of = NULL;
    if (rhaz_outfile_commit(o2, &err) != RHAZ_OK) {
        ce->e = err;
        rc = cli_err_lib(ce, "out");
        goto done;
    }
    rc = EXIT_OK;
done:
    json_object_put(doc);
    cli_read_free(&ro);
    rhaz_outfile_abort(of);
    rhaz_km_free(km);
    rhaz_design_free(d);
    rhaz_table_free(t);
    rhaz_formula_free(f);
    rhaz_formula_free(f0);
    free(text);
    return rc;
}

const cli_cmd cli_cmd_km = {
    .name = "km", .help = help, .options = options, .size = sizeof(km_opts),
    .init = init, .validate = validate, .run = run};

int cmd_km(int argc, char **argv) { return cli_main(&cli_cmd_km, argc, argv); }
