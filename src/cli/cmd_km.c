/* cmd_km.c -- 'rhaz km': Kaplan-Meier and Nelson-Aalen curves by group. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz km --data FILE.csv --formula 'Surv(...) ~ GROUPS' [options]\n\n"
    "Kaplan-Meier survival curves (and Nelson-Aalen cumulative hazards) with\n"
    "delayed entry for 'Surv(start, stop, event)' data, one curve per\n"
    "combination of the grouping variables on the right ('~ 1' for one\n"
    "curve), as R's survfit(..., conf.type = \"log-log\").  Output columns:\n"
    "group, time, n_risk, n_event, n_censor, surv, std_err (Greenwood, of\n"
    "log S, R's convention), lower, upper (log-log band), cumhaz, std_chaz,\n"
    "cuminc = 1 - surv (the cumulative incidence of ratification).\n\n"
    "options:\n"
    "  --data FILE       input CSV, .dta, .sav or .sas7bdat (required)\n"
    "  --formula F       e.g. 'Surv(start, stop, ratified) ~ region' (required)\n"
    CLI_READ_HELP
    "  --weights COL     case weights (> 0)\n"
    "  --level L         confidence level (default 0.95)\n"
    "  --format text|csv|json  output format (default text)\n"
    "  --out FILE        write to FILE (atomically) instead of stdout\n"
    "  -h, --help        this help\n"
    "Exit status: 0 ok, 1 data error, 2 usage error.\n";

int cmd_km(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data", required_argument, 0, 'd'},
        {"formula", required_argument, 0, 'F'},
        {"weights", required_argument, 0, 'w'},
        {"level", required_argument, 0, 'L'},
        {"format", required_argument, 0, 'f'},
        {"out", required_argument, 0, 'o'},
        CLI_READ_LONGOPTS,
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    cli_read_opts ro = {0};
    const char *data = NULL, *formula = NULL, *weights = NULL, *out = "-";
    double level = 0.95;
    cli_format fmt = FMT_TEXT;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int rr = cli_read_option(&ro, "km", c, optarg);
        if (rr < 0)
            return EXIT_USAGE;
        if (rr)
            continue;
        switch (c) {
        case 'd': data = optarg; break;
        case 'F': formula = optarg; break;
        case 'w': weights = optarg; break;
        case 'L': {
            char *end;
            level = strtod(optarg, &end);
            if (*end || !(level > 0 && level < 1))
                return cli_usage("km", "--level must be in (0, 1), not '%s'",
                                 optarg);
            break;
        }
        case 'f':
            if (cli_parse_format("km", optarg,
                                 1u << FMT_TEXT | 1u << FMT_CSV | 1u << FMT_JSON,
                                 &fmt))
                return EXIT_USAGE;
            break;
        case 'o': out = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        default: return cli_bad_option("km", argv);
        }
    }
    if (optind != argc)
        return cli_usage("km", "unexpected argument '%s'", argv[optind]);
    if (!data || !formula)
        return cli_usage("km", "--data and --formula are required");

    rhaz_error err;
    rhaz_error_clear(&err);
    int rc = EXIT_DATA;
    rhaz_formula *f0 = NULL, *f = NULL;
    rhaz_table *t = NULL;
    rhaz_design *d = NULL;
    rhaz_km *km = NULL;
    rhaz_outfile *of = NULL;
    char *text = NULL;

    if (!(f0 = rhaz_formula_parse(formula, &err))) {
        rc = cli_error(&err);
        goto done;
    }
    rhaz_lhs_kind lhs = rhaz_formula_lhs(f0);
    if (lhs != RHAZ_LHS_SURV2 && lhs != RHAZ_LHS_SURV3) {
        rc = cli_usage("km", "the formula needs Surv(time, event) or "
                             "Surv(start, stop, event) on the left");
        goto done;
    }
    /* the grouping terms become strata(...) of the design */
    const char *tilde = strchr(formula, '~');
    size_t nt = rhaz_formula_nterms(f0), len = (size_t)(tilde - formula) + 32;
    for (size_t k = 0; k < nt; k++)
        len += strlen(rhaz_formula_term(f0, k)) + 2;
    if (!(text = malloc(len))) {
        rc = cli_fail("out of memory");
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
        rc = cli_error(&err);
        goto done;
    }
    if (!(t = cli_read_table(&ro, data, &err))) {
        rc = cli_error(&err);
        goto done;
    }
    rhaz_design_options dopt = {0};
    dopt.weights = weights;
    dopt.drop_intercept = 1;
    if (!(d = rhaz_design_build(f, t, &dopt, &err))) {
        rc = cli_error(&err);
        goto done;
    }
    if (d->n == 0) {
        rc = cli_fail("%s: no complete rows for this formula", data);
        goto done;
    }
    rhaz_cox_data sv; /* the survival columns of the design */
    rhaz_cox_data_from_design(&sv, d);
    if (!(km = rhaz_km_fit(d->n, sv.start, sv.stop, sv.event, d->weights, d->strata,
                           d->strata ? d->n_strata : 1, level, &err))) {
        cli_locate_row(&err, d, t, data);
        rc = cli_error(&err);
        goto done;
    }
    if (!(of = rhaz_outfile_open(out, &err))) {
        rc = cli_error(&err);
        goto done;
    }
    FILE *fp = rhaz_outfile_fp(of);
    static const char *const cols[] = {"time",   "n_risk",  "n_event",
                                       "n_censor", "surv",  "std_err",
                                       "lower",  "upper",   "cumhaz",
                                       "std_chaz", "cuminc"};
    if (fmt == FMT_TEXT) {
        fprintf(fp, "Kaplan-Meier estimates, %s, %zu rows used",
                d->ny == 3 ? "(start, stop] data" : "right-censored data", d->n);
        if (d->n_dropped)
            fprintf(fp, " (%zu dropped: missing values)", d->n_dropped);
        fprintf(fp, "\nconfidence band: %g%%, log-log; std_err: Greenwood, of "
                    "log S\n", 100 * level);
    } else if (fmt == FMT_CSV) {
        fprintf(fp, "group");
        for (int k = 0; k < 11; k++)
            fprintf(fp, ",%s", cols[k]);
        fputc('\n', fp);
    } else {
        fprintf(fp, "{\"conf_level\": ");
        rhaz_json_number(fp, level);
        fprintf(fp, ", \"n\": %zu, \"n_dropped\": %zu, \"curves\": [", d->n,
                d->n_dropped);
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
                fprintf(fp, ",%s", isnan(v[k]) ? "" : b);
            }
            fputc('\n', fp);
        } else {
            if (g != prev) {
                if (prev >= 0)
                    fprintf(fp, "]}");
                fprintf(fp, "%s\n {\"group\": ", prev >= 0 ? "," : "");
                rhaz_json_string(fp, lab);
                fprintf(fp, ", \"points\": [");
            } else {
                fputc(',', fp);
            }
            fprintf(fp, "\n  {");
            for (int k = 0; k < 11; k++) {
                fprintf(fp, "%s\"%s\": ", k ? ", " : "", cols[k]);
                rhaz_json_number(fp, v[k]);
            }
            fputc('}', fp);
        }
        prev = g;
    }
    if (fmt == FMT_JSON)
        fprintf(fp, "%s]}\n", prev >= 0 ? "]}" : "");
    rhaz_outfile *o2 = of;
    of = NULL;
    if (rhaz_outfile_commit(o2, &err) != RHAZ_OK) {
        rc = cli_error(&err);
        goto done;
    }
    rc = EXIT_OK;
done:
    rhaz_outfile_abort(of);
    rhaz_km_free(km);
    rhaz_design_free(d);
    rhaz_table_free(t);
    rhaz_formula_free(f);
    rhaz_formula_free(f0);
    free(text);
    return rc;
}
