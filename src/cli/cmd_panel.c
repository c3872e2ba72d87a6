/* cmd_panel.c -- 'rhaz panel': state-treaty-year risk-set panels. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz panel --treaty KEYS|--treaty-file FILE --out FILE.csv [options]\n\n"
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
    "  --eligible RULE         who is at risk of a UN-deposited treaty: deposit\n"
    "                          (default: states that can deposit with the UN\n"
    "                          Secretary-General: not Taiwan from 1971, not the\n"
    "                          People's Republic of China 1949-1970, never\n"
    "                          Kosovo) or all (every COW state in the system)\n"
    "  --successions CODING    event (default: a succession is the event of its\n"
    "                          year) or independence (a successor is a party\n"
    "                          from its first year: no rows)\n"
    "  --democracy SRC[,SRC]   polity2 (default), vdem, fh, bmr, lied: the first\n"
    "                          is column democracy; each listed source also\n"
    "                          gets a column democracy_SRC (democracy_polity2,\n"
    "                          democracy_vdem, ...), lagged the same\n"
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
    "reading the --covariates CSV files (a --text column must be merged):\n"
    CLI_READ_HELP
    "  --treaty-file FILE      a treaty the bundle lacks (repeatable): the UN\n"
    "                          status layout (Participant, then Signature and\n"
    "                          Ratification... columns, dates with a/d/A/AA\n"
    "                          suffixes) or columns country, date, kind\n"
    "                          (signature, ratification, accession, ...)\n"
    "  --opened DATE           opening date of the last --treaty-file (required)\n"
    "  --key NAME              its key (default: the file name)\n"
    "  --data-dir DIR          data directory (default $RHAZ_DATA, else the\n"
    "                          bundled data: man rhaz, ENVIRONMENT)\n"
    "  -h, --help              this help\n";

enum { MAXCOV = 32 };
typedef struct {
    rhaz_covariate_spec v[MAXCOV];
    size_t n;
} cov_list;

typedef struct {
    const char *keys, *out, *dir;
    int report;
    FILE *report_fp; /* rhaz run: the report goes there (default stderr) */
    rhaz_panel_options o;
    cov_list cov;
    cli_treaty_files tf;
    cli_read_args read; /* reading the --covariates files */
} panel_opts;

/* --covariates FILE appends a file; --covariates-key/-year set the key
 * and year columns of the last one (in a model file: the one file of
 * covariates = FILE). */
static int p_cov(const char *s, void *f)
{
    cov_list *c = f;
    if (c->n == MAXCOV)
        return -1;
    c->v[c->n++] = (rhaz_covariate_spec){.path = s};
    return 0;
}
static int p_cov_key(const char *s, void *f)
{
    cov_list *c = f;
    if (!c->n)
        return -1;
    c->v[c->n - 1].key = s;
    return 0;
}
static int p_cov_year(const char *s, void *f)
{
    cov_list *c = f;
    if (!c->n)
        return -1;
    c->v[c->n - 1].year = s;
    return 0;
}

static int p_event(const char *s, void *f) { return rhaz_event_parse(s, f); }
/* --democracy SRC[,SRC...]: the first is `democracy`, each gets a column
 * democracy_SRC (f is the options' democracy field) */
static int p_democracy(const char *s, void *f)
{
    rhaz_panel_options *po =
        (rhaz_panel_options *)((char *)f - offsetof(rhaz_panel_options, democracy));
    po->democracy_columns = 0;
    return rhaz_democracy_parse_list(s, &po->democracy, &po->democracy_columns);
}
static int p_region(const char *s, void *f) { return rhaz_region_parse(s, f); }
static int p_eligible(const char *s, void *f) { return rhaz_eligibility_parse(s, f); }
static int p_successions(const char *s, void *f) { return rhaz_succession_parse(s, f); }

#define O(f) CLI_OFF(panel_opts, f)
static const cli_option options[] = {
    {"treaty", CLI_LIST, O(keys), .key = "treaty"},
    {"treaties", CLI_LIST, O(keys), .key = "treaties"},
    {"out", CLI_STR, O(out), .key = NULL},
    {"event", CLI_PARSE, O(o.event), .key = "event", .parse = p_event,
     .expect = "ratification or signature"},
    {"start", CLI_INT, O(o.start_year), .key = "start", .min = 1816, .max = 2022},
    {"end", CLI_INT, O(o.end_year), .key = "end", .min = 1816, .max = 2022},
    {"democracy", CLI_PARSE, O(o.democracy), .key = "democracy", .parse = p_democracy,
     .expect = "polity2, vdem, fh, bmr or lied (or a list of them)"},
    {"region", CLI_PARSE, O(o.region), .key = "region", .parse = p_region,
     .expect = "region, subregion or wb"},
    {"eligible", CLI_PARSE, O(o.eligible), .key = "eligible", .parse = p_eligible,
     .expect = "deposit or all"},
    {"successions", CLI_PARSE, O(o.successions), .key = "successions", .parse = p_successions,
     .expect = "event or independence"},
    {"lag", CLI_INT, O(o.lag), .key = "lag", .min = 0, .max = 20},
    {"receiving-threshold", CLI_DOUBLE, O(o.receiving_threshold),
     .key = "receiving_threshold", .min = 0, .max = 100},
    {"regime-cut", CLI_DOUBLE, O(o.regime_cut), .key = "regime_cut", .min = 0,
     .max = 10, .flags = CLI_OPEN_MIN},
    {"report", CLI_FLAG, O(report), .key = NULL},
    {"data-dir", CLI_STR, O(dir), .key = "data_dir", .flags = CLI_FILE},
    {"covariates", CLI_PARSE, O(cov), .key = "covariates", .flags = CLI_FILE, .parse = p_cov,
     .expect = "a file (at most 32 files)"},
    {"covariates-key", CLI_PARSE, O(cov), .key = "covariates_key", .parse = p_cov_key,
     .expect = "given after the --covariates file it is about"},
    {"covariates-year", CLI_PARSE, O(cov), .key = "covariates_year", .parse = p_cov_year,
     .expect = "given after the --covariates file it is about"},
    {"treaty-file", CLI_PARSE, O(tf), .key = "treaty_file", .flags = CLI_FILE, .parse = cli_tf_file,
     .expect = "a file (at most 16 files)"},
    {"opened", CLI_PARSE, O(tf), .key = "opened", .parse = cli_tf_opened,
     .expect = "given after the --treaty-file it is about"},
    {"key", CLI_PARSE, O(tf), .key = "treaty_key", .parse = cli_tf_key,
     .expect = "given after the --treaty-file it is about"},
    {"report-fp", CLI_PTR, O(report_fp), .key = NULL},
    CLI_READ_ROWS(panel_opts, read),
    {.name = NULL}};
#undef O

static void init(void *p)
{
    rhaz_panel_options_init(&((panel_opts *)p)->o);
}

static int validate(void *p, cli_err *err)
{
    panel_opts *a = p;
    if ((!a->keys && !a->tf.n) || !a->out)
        return cli_err_usage(err, NULL, "--treaty (or --treaty-file) and --out are required");
    if (cli_treaty_files_validate(&a->tf, err))
        return EXIT_USAGE;
    if (a->o.start_year && a->o.start_year > a->o.end_year)
        return cli_err_usage(err, "start", "--start %d is after --end %d",
                             a->o.start_year, a->o.end_year);
    return EXIT_OK;
}

static int run(void *p, cli_err *err)
{
    panel_opts *a = p;
    rhaz_data *d = rhaz_data_open(cli_data_dir(a->dir), &err->e);
    if (!d)
        return cli_err_lib(err, "data-dir");
    size_t *idx = NULL, n = 0;
    rhaz_table *t = NULL;
    rhaz_panel_stats st;
    rhaz_match_log *log = rhaz_match_log_alloc();
    char *keys = NULL;
    cli_read_opts ro = {0};
    int rc = cli_read_args_apply(&ro, &a->read, err);
    if (rc)
        goto done;
    if (!log) {
        rc = cli_err_data(err, NULL, "out of memory building the panel");
        goto done;
    }
    if (a->tf.n && (rc = cli_treaty_files_add(d, &a->tf, a->keys, &keys, err)))
        goto done;
    if (rhaz_data_select(d, keys ? keys : a->keys, &idx, &n, &err->e)) {
        rc = cli_err_lib(err, "treaty");
        goto done;
    }
    if (!(t = rhaz_panel_build(d, idx, n, &a->o, &st, &err->e))) {
        rc = cli_err_lib(err, NULL);
        goto done;
    }
    for (size_t k = 0; k < a->cov.n; k++) {
        a->cov.v[k].csv = cli_read_csv(&ro);
        if (rhaz_panel_add_covariates(d, t, &a->cov.v[k], a->o.lag, log, &err->e)) {
            rc = cli_err_lib(err, strcmp(err->e.option, "covariates_key") == 0
                                      ? "covariates-key" : "covariates");
            goto done;
        }
    }
    for (int j = 0; j < ro.ntext; j++) /* never a --text column ignored */
        if (rhaz_table_find(t, ro.text[j]) < 0) {
            rc = cli_err_usage(err, "text", "--text %s: no such column among the "
                               "covariates merged", ro.text[j]);
            goto done;
        }
    if (strcmp(a->out, "-") == 0) {
        rhaz_outfile *of = rhaz_outfile_open("-", &err->e);
        if (!of || rhaz_table_write_fp(t, rhaz_outfile_fp(of), &err->e)) {
            rhaz_outfile_abort(of);
            rc = cli_err_lib(err, "out");
            goto done;
        }
        if (rhaz_outfile_commit(of, &err->e)) {
            rc = cli_err_lib(err, "out");
            goto done;
        }
    } else if (rhaz_table_write(t, a->out, &err->e)) {
        rc = cli_err_lib(err, "out");
        goto done;
    }
    FILE *rep = a->report_fp ? a->report_fp : stderr;
    if (a->report) {
        rhaz_data_report(d, rep);
        fputc('\n', rep);
        rhaz_panel_stats_write(&st, rep);
        fputc('\n', rep);
        rhaz_panel_assignments_write(d, idx, n, rep);
        if (a->cov.n) {
            fputc('\n', rep);
            rhaz_match_log_write(log, rep);
        }
    } else {
        fprintf(rep, "rhaz: panel: %zu rows, %zu events, %zu states, %zu treaties "
                     "(%.2f s)\n", st.rows, st.events, st.states, st.treaties, st.seconds);
        if (a->cov.n)
            fprintf(rep, "rhaz: covariates: %zu unmatched names, %zu matched by regex "
                         "only, %zu aggregate rows dropped (--report lists them)\n",
                    rhaz_match_log_count(log, RHAZ_NOTE_UNMATCHED),
                    rhaz_match_log_count(log, RHAZ_NOTE_REGEX),
                    rhaz_match_log_count(log, RHAZ_NOTE_AGGREGATE));
    }
done:
    cli_read_free(&ro);
    free(keys);
    rhaz_match_log_free(log);
    rhaz_table_free(t);
    free(idx);
    rhaz_data_free(d);
    return rc;
}

const cli_cmd cli_cmd_panel = {
    .name = "panel", .help = help, .options = options, .size = sizeof(panel_opts),
    .init = init, .validate = validate, .run = run};

int cmd_panel(int argc, char **argv) { return cli_main(&cli_cmd_panel, argc, argv); }
