/* cmd_panel.c -- 'rhaz panel': state-treaty-year risk-set panels. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz panel --treaty KEYS --out FILE.csv [options]\n\n"
    "Build a state-treaty-year risk-set panel from the bundled UN treaty\n"
    "records and covariate sources (docs/data.md is the codebook).  One row\n"
    "per state, treaty and year at risk: a state enters in the later of the\n"
    "year the treaty opened and its first year in the COW state system, and\n"
    "leaves after its event year (event = 1), on leaving the system, or at\n"
    "--end.  start = year - opening year, stop = start + 1, for (start, stop]\n"
    "Cox models with delayed entry.\n\n"
    "options:\n"
    "  --treaty KEYS           comma list: cerd icescr iccpr cedaw cat crc icmw\n"
    "                          refugee1951 refugee1967, UN numbers (4-13),\n"
    "                          'core' or 'all'\n"
    "  --out FILE              output CSV (atomic; '-' for stdout)\n"
    "  --event KIND            ratification (consent to be bound, default) or\n"
    "                          signature (first signature or consent)\n"
    "  --start YEAR            first calendar year (default: treaty opening)\n"
    "  --end YEAR              last calendar year (default 2015; up to 2022\n"
    "                          for treaties in the 2022 status files)\n"
    "  --democracy SRC         polity2 (default), vdem, fh, bmr, lied\n"
    "  --region SCHEME         region (UN, default), subregion (UN), wb\n"
    "  --lag YEARS             lag of time-varying covariates (default 1)\n"
    "  --receiving-threshold PCT  migrant share for migrant_receiving (10)\n"
    "  --regime-cut C          polity2 >= C democracy, <= -C autocracy (6)\n"
    "  --report                print source and panel accounting to stderr:\n"
    "                          unmatched names per file, dropped rows by\n"
    "                          reason, missing covariates by variable\n"
    "  --covariates FILE       merge the researcher's own covariates (repeatable):\n"
    "                          CSV, .dta, .sav or .sas7bdat keyed by a country\n"
    "                          column (iso3c iso3 cown ccode cowcode gwcode gwno\n"
    "                          iso2c m49, or a name: country countryname\n"
    "                          country_name name state) and, if it has one, a\n"
    "                          year column (then lagged by --lag; else constant\n"
    "                          per country).  Bundled sets: ratification_rules\n"
    "                          (Simmons 2009), leaders (leader_tenure,\n"
    "                          leader_last_year from Archigos 4.1)\n"
    "  --covariates-key COL    key column of the last --covariates file\n"
    "  --covariates-year COL   year column of the last --covariates file\n"
    "  --data-dir DIR          data directory (default $RHAZ_DATA or data/)\n"
    "  -h, --help              this help\n";

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *e;
    errno = 0;
    long v = strtol(s, &e, 10);
    if (errno || e == s || *e || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_dbl(const char *s, double *out)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (errno || e == s || *e)
        return -1;
    *out = v;
    return 0;
}

int cmd_panel(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"treaty", required_argument, 0, 't'},
        {"treaties", required_argument, 0, 't'},
        {"out", required_argument, 0, 'o'},
        {"event", required_argument, 0, 'e'},
        {"start", required_argument, 0, 's'},
        {"end", required_argument, 0, 'E'},
        {"democracy", required_argument, 0, 'd'},
        {"region", required_argument, 0, 'r'},
        {"lag", required_argument, 0, 'l'},
        {"receiving-threshold", required_argument, 0, 'R'},
        {"regime-cut", required_argument, 0, 'c'},
        {"report", no_argument, 0, 'p'},
        {"data-dir", required_argument, 0, 'D'},
        {"covariates", required_argument, 0, 'C'},
        {"covariates-key", required_argument, 0, 'K'},
        {"covariates-year", required_argument, 0, 'Y'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *keys = NULL, *out = NULL, *dir = NULL;
    int report = 0, c;
    enum { MAXCOV = 32 };
    rhaz_covariate_spec cov[MAXCOV];
    size_t ncov = 0;
    rhaz_panel_options o;
    rhaz_panel_options_init(&o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 't': keys = optarg; break;
        case 'o': out = optarg; break;
        case 'D': dir = optarg; break;
        case 'p': report = 1; break;
        case 'e':
            if (rhaz_event_parse(optarg, &o.event))
                return cli_usage("panel", "--event must be ratification or signature");
            break;
        case 's':
            if (parse_int(optarg, 1816, 2022, &o.start_year))
                return cli_usage("panel", "--start must be a year in 1816..2022");
            break;
        case 'E':
            if (parse_int(optarg, 1816, 2022, &o.end_year))
                return cli_usage("panel", "--end must be a year in 1816..2022");
            break;
        case 'd':
            if (rhaz_democracy_parse(optarg, &o.democracy))
                return cli_usage("panel", "--democracy must be polity2, vdem, fh, bmr or lied");
            break;
        case 'r':
            if (rhaz_region_parse(optarg, &o.region))
                return cli_usage("panel", "--region must be region, subregion or wb");
            break;
        case 'l':
            if (parse_int(optarg, 0, 20, &o.lag))
                return cli_usage("panel", "--lag must be 0..20 years");
            break;
        case 'R':
            if (parse_dbl(optarg, &o.receiving_threshold) || o.receiving_threshold < 0 ||
                o.receiving_threshold > 100)
                return cli_usage("panel", "--receiving-threshold must be a percentage");
            break;
        case 'c':
            if (parse_dbl(optarg, &o.regime_cut) || !(o.regime_cut > 0) || o.regime_cut > 10)
                return cli_usage("panel", "--regime-cut must be in (0, 10]");
            break;
        case 'C':
            if (ncov == MAXCOV)
                return cli_usage("panel", "at most %d --covariates files", MAXCOV);
            cov[ncov++] = (rhaz_covariate_spec){.path = optarg};
            break;
        case 'K':
        case 'Y':
            if (!ncov)
                return cli_usage("panel", "--%s comes after the --covariates file it "
                                 "is about", c == 'K' ? "covariates-key" : "covariates-year");
            if (c == 'K')
                cov[ncov - 1].key = optarg;
            else
                cov[ncov - 1].year = optarg;
            break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        default: return cli_bad_option("panel", argv);
        }
    }
    if (optind < argc)
        return cli_usage("panel", "unexpected argument '%s'", argv[optind]);
    if (!keys || !out)
        return cli_usage("panel", "--treaty and --out are required");
    if (o.start_year && o.start_year > o.end_year)
        return cli_usage("panel", "--start %d is after --end %d", o.start_year, o.end_year);

    rhaz_error err;
    rhaz_data *d = rhaz_data_open(dir, &err);
    if (!d)
        return cli_error(&err);
    size_t *idx = NULL, n = 0;
    rhaz_table *t = NULL;
    rhaz_panel_stats st;
    rhaz_match_log *log = rhaz_match_log_alloc();
    int rc = EXIT_OK;
    if (!log) {
        rc = cli_fail("out of memory");
        goto done;
    }
    if (rhaz_data_select(d, keys, &idx, &n, &err) ||
        !(t = rhaz_panel_build(d, idx, n, &o, &st, &err))) {
        rc = cli_error(&err);
        goto done;
    }
    for (size_t k = 0; k < ncov; k++)
        if (rhaz_panel_add_covariates(d, t, &cov[k], o.lag, log, &err)) {
            rc = cli_error(&err);
            goto done;
        }
    if (strcmp(out, "-") == 0) {
        rhaz_outfile *of = rhaz_outfile_open("-", &err);
        if (!of || rhaz_table_write_fp(t, rhaz_outfile_fp(of), &err)) {
            rhaz_outfile_abort(of);
            rc = cli_error(&err);
            goto done;
        }
        if (rhaz_outfile_commit(of, &err)) {
            rc = cli_error(&err);
            goto done;
        }
    } else if (rhaz_table_write(t, out, &err)) {
        rc = cli_error(&err);
        goto done;
    }
    if (report) {
        rhaz_data_report(d, stderr);
        fputc('\n', stderr);
        rhaz_panel_stats_write(&st, stderr);
        if (ncov) {
            fputc('\n', stderr);
            rhaz_match_log_write(log, stderr);
        }
    } else {
        fprintf(stderr, "rhaz: panel: %zu rows, %zu events, %zu states, %zu treaties "
                        "(%.2f s)\n", st.rows, st.events, st.states, st.treaties, st.seconds);
        if (ncov)
            fprintf(stderr, "rhaz: covariates: %zu unmatched names, %zu matched by regex "
                            "only, %zu aggregate rows dropped (--report lists them)\n",
                    rhaz_match_log_count(log, RHAZ_NOTE_UNMATCHED),
                    rhaz_match_log_count(log, RHAZ_NOTE_REGEX),
                    rhaz_match_log_count(log, RHAZ_NOTE_AGGREGATE));
    }
done:
    rhaz_match_log_free(log);
    rhaz_table_free(t);
    free(idx);
    rhaz_data_free(d);
    return rc;
}
