/* cmd_table.c -- 'rhaz table FIT.json ...': models side by side. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz table [options] FIT.json [FIT.json ...]\n\n"
    "Put fitted models (the JSON written by 'rhaz fit --format json') side\n"
    "by side, one column per model, as esttab or modelsummary do: estimates\n"
    "with significance stars and standard errors in parentheses, then N,\n"
    "events, clusters, log-likelihood and AIC, and notes stating each\n"
    "model's variance convention and any warning (non-convergence, dropped\n"
    "terms).  Stars: * p < 0.05, ** p < 0.01, *** p < 0.001 (two-sided z).\n\n"
    "options:\n"
    "  --format text|latex|markdown|csv   output format (default text;\n"
    "                          latex uses booktabs)\n"
    "  --names A,B,...         column titles (default (1), (2), ...)\n"
    "  --labels FILE.csv       variable labels: columns term,label\n"
    "  --exp                   exponentiated coefficients (odds/hazard ratios)\n"
    "                          with delta-method SEs, exp(b)*se (Stata eform)\n"
    "  --digits N              decimals (default 3)\n"
    "  --no-stars              no significance stars\n"
    "  --title TEXT            caption\n"
    "  --out FILE              write to FILE (atomically) instead of stdout\n"
    "  -h, --help              this help\n";

int cmd_table(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, 0, 'f'},
        {"names", required_argument, 0, 'n'},
        {"labels", required_argument, 0, 'l'},
        {"exp", no_argument, 0, 'e'},
        {"digits", required_argument, 0, 'd'},
        {"no-stars", no_argument, 0, 's'},
        {"title", required_argument, 0, 't'},
        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    rhaz_regtable_options opt = {0};
    rhaz_regtable_format fmt = RHAZ_REGTABLE_TEXT;
    const char *names = NULL, *labels = NULL, *out = "-";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "text") == 0)
                fmt = RHAZ_REGTABLE_TEXT;
            else if (strcmp(optarg, "latex") == 0)
                fmt = RHAZ_REGTABLE_LATEX;
            else if (strcmp(optarg, "markdown") == 0)
                fmt = RHAZ_REGTABLE_MARKDOWN;
            else if (strcmp(optarg, "csv") == 0)
                fmt = RHAZ_REGTABLE_CSV;
            else
                return cli_usage("table", "unknown --format '%s'", optarg);
            break;
        case 'n': names = optarg; break;
        case 'l': labels = optarg; break;
        case 'e': opt.exponentiate = 1; break;
        case 'd': {
            char *end;
            long d = strtol(optarg, &end, 10);
            if (*end || d < 0 || d > 10)
                return cli_usage("table", "--digits takes 0..10");
            opt.digits = (int)d;
            break;
        }
        case 's': opt.no_stars = 1; break;
        case 't': opt.title = optarg; break;
        case 'o': out = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        default: return cli_bad_option("table", argv);
        }
    }
    size_t k = (size_t)(argc - optind);
    if (k == 0)
        return cli_usage("table", "expected one or more FIT.json files");
    rhaz_error err;
    int rc = EXIT_OK;
    rhaz_fit_summary **fits = calloc(k, sizeof *fits);
    char **nl = NULL;
    rhaz_table *lab = NULL;
    rhaz_outfile *of = NULL;
    if (!fits)
        return cli_fail("out of memory");
    if (names) {
        size_t nn;
        nl = rhaz_mf_split(names, &nn);
        if (!nl || nn != k) {
            rc = cli_usage("table", "--names gives %zu names for %zu models",
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
            rc = cli_error(&err);
            goto done;
        }
        if (rhaz_table_find(lab, "term") < 0 || rhaz_table_find(lab, "label") < 0) {
            rhaz_error_set(&err, RHAZ_EDATA, labels, 1,
                           "label file needs columns 'term' and 'label'");
            rc = cli_error(&err);
            goto done;
        }
        opt.labels = lab;
    }
    for (size_t m = 0; m < k; m++) {
        fits[m] = rhaz_fit_summary_read_json(argv[optind + (int)m], &err);
        if (!fits[m]) {
            rc = cli_error(&err);
            goto done;
        }
    }
    of = rhaz_outfile_open(out, &err);
    if (!of) {
        rc = cli_error(&err);
        goto done;
    }
    if (rhaz_regtable_write(rhaz_outfile_fp(of), (const rhaz_fit_summary *const *)fits,
                            k, fmt, &opt, &err) != RHAZ_OK) {
        rhaz_outfile_abort(of);
        rc = cli_error(&err);
        goto done;
    }
    if (rhaz_outfile_commit(of, &err) != RHAZ_OK)
        rc = cli_error(&err);
done:
    for (size_t m = 0; m < k; m++)
        rhaz_fit_summary_free(fits[m]);
    free(fits);
    rhaz_mf_list_free(nl);
    rhaz_table_free(lab);
    return rc;
}
