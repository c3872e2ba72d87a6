/* cmd_match.c -- 'rhaz match FILE --column COL --to CODES': country names
 * or codes in the researcher's own file matched to ISO3, COW and other
 * codes, with the crosswalk and regexes the bundled sources go through. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz match FILE --column COL [--to CODES] [options]\n\n"
    "Match the country names (or codes) in column COL of FILE (CSV, .dta,\n"
    ".sav, .sas7bdat) to the COW state system and add code columns, with the\n"
    "crosswalk and countrycode regexes rhaz uses for the UN records.  Names\n"
    "matched by regex only, aggregates (\"World\", \"Sub-Saharan Africa\") and\n"
    "unmatched names are listed on stderr; their code cells stay empty.\n"
    "With --year the COW code is the state's in that year (Germany: 260 up\n"
    "to 1989, 255 from 1990; Yemen: 678, then 679).\n\n"
    "options:\n"
    "  --column COL      the column holding names or codes (required)\n"
    "  --key KIND        what COL holds: name, iso3c, cown, gwcode, iso2c, m49\n"
    "                    (default: from the column's name, else name)\n"
    "  --to CODES        comma list of columns to add: iso3c, cown, gwcode,\n"
    "                    iso2c, m49, name (default iso3c,cown)\n"
    "  --year COL        year column (codes that changed are matched by year)\n"
    "  --strict          an unmatched name is an error (exit 1, no output)\n"
    "  --out FILE        output CSV (atomic; default stdout)\n"
    CLI_READ_HELP
    "  --data-dir DIR    data directory (default $RHAZ_DATA, else the\n"
    "                    bundled data: man rhaz, ENVIRONMENT)\n"
    "  -h, --help        this help\n";

typedef struct {
    const char *path, *column, *to, *year, *out, *data_dir;
    int strict;
    cli_read_args read;
    rhaz_match_options mo;
    rhaz_key keys[RHAZ_NKEY + 1];
} match_opts;

static int parse_key(const char *v, void *field)
{
    return rhaz_key_parse(v, field) ? -1 : 0;
}

#define O(f) CLI_OFF(match_opts, f)
static const cli_option options[] = {
    {"column", CLI_STR, O(column), .key = NULL},
    {"key", CLI_PARSE, O(mo.key), .key = NULL, .parse = parse_key,
     .expect = "name, iso3c, cown, gwcode, iso2c or m49"},
    {"to", CLI_STR, O(to), .key = NULL},
    {"year", CLI_STR, O(year), .key = NULL},
    {"strict", CLI_FLAG, O(strict), .key = NULL},
    {"out", CLI_STR, O(out), .key = NULL},
    {"data-dir", CLI_STR, O(data_dir), .key = NULL},
    CLI_READ_ROWS(match_opts, read),
    {.name = NULL}};
#undef O

static void init(void *p)
{
    match_opts *o = p;
    o->to = "iso3c,cown";
    o->out = "-";
}

static int args(void *p, int n, char **v, cli_err *err)
{
    if (n != 1)
        return cli_err_usage(err, NULL, "expected exactly one FILE");
    ((match_opts *)p)->path = v[0];
    return EXIT_OK;
}

static int validate(void *p, cli_err *err)
{
    match_opts *o = p;
    if (!o->column)
        return cli_err_usage(err, "column", "--column is required");
    o->mo.column = o->column;
    o->mo.year = o->year;
    o->mo.strict = o->strict;
    size_t nk = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", o->to);
    for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        while (*w == ' ')
            w++;
        if (nk == RHAZ_NKEY || rhaz_key_parse(w, &o->keys[nk]))
            return cli_err_usage(err, "to", "--to takes iso3c, cown, gwcode, iso2c, m49, "
                                            "name (each once), not '%s'", w);
        nk++;
    }
    if (!nk)
        return cli_err_usage(err, "to", "--to is empty");
    o->keys[nk] = RHAZ_KEY_NONE;
    o->mo.to = o->keys;
    return EXIT_OK;
}

static int run(void *p, cli_err *ce)
{
    match_opts *o = p;
    rhaz_error err;
    rhaz_error_clear(&err);
    rhaz_table *t = NULL;
    rhaz_data *d = NULL;
    rhaz_match_log *log = NULL;
    cli_read_opts ro = {0};
    int rc = cli_read_args_apply(&ro, &o->read, ce);
    if (rc)
        goto done;
    /* names stay text (with any --text columns); a code column of digits
     * is read as numbers */
    const char *as_str[CLI_READ_MAX + 2];
    size_t ns = 0;
    rhaz_key k = o->mo.key ? o->mo.key : rhaz_key_of_column(o->column);
    if (k == RHAZ_KEY_NONE || k == RHAZ_KEY_NAME || k == RHAZ_KEY_ISO3C ||
        k == RHAZ_KEY_ISO2C)
        as_str[ns++] = o->column;
    for (int j = 0; j < ro.ntext; j++)
        as_str[ns++] = ro.text[j];
    as_str[ns] = NULL;
    ro.csv.as_string = as_str;
    if (!(log = rhaz_match_log_alloc())) {
        rc = cli_err_data(ce, NULL, "match: out of memory preparing the match log");
        goto done;
    }
    if (!(t = cli_read_table(&ro, o->path, &err))) {
        ce->e = err;
        rc = cli_err_lib(ce, cli_read_error_option(&ro, &err));
        goto done;
    }
    if (!(d = rhaz_data_open(cli_data_dir(o->data_dir), &err)) ||
        rhaz_match_table(d, t, &o->mo, log, &err)) {
        ce->e = err;
        rc = cli_err_lib(ce, NULL);
        goto done;
    }
    rhaz_outfile *of = rhaz_outfile_open(o->out, &err);
    if (!of || rhaz_table_write_fp(t, rhaz_outfile_fp(of), &err)) {
        rhaz_outfile_abort(of);
        ce->e = err;
        rc = cli_err_lib(ce, "out");
        goto done;
    }
    if (rhaz_outfile_commit(of, &err)) { /* frees of, also on failure */
        ce->e = err;
        rc = cli_err_lib(ce, "out");
        goto done;
    }
    size_t un = rhaz_match_log_count(log, RHAZ_NOTE_UNMATCHED) +
                rhaz_match_log_count(log, "unmatched code");
    if (rhaz_match_log_count(log, NULL))
        rhaz_match_log_write(log, stderr);
    fprintf(stderr, "rhaz: match: %zu rows, %zu unmatched, %zu matched by regex only, "
                    "%zu aggregates\n",
            rhaz_table_nrow(t), un, rhaz_match_log_count(log, RHAZ_NOTE_REGEX),
            rhaz_match_log_count(log, "aggregate (region or income group)"));
done:
    cli_read_free(&ro);
    rhaz_match_log_free(log);
    rhaz_table_free(t);
    rhaz_data_free(d);
    return rc;
}

static const cli_cmd cli_cmd_match = {
    .name = "match", .help = help, .options = options, .size = sizeof(match_opts),
    .init = init, .args = args, .validate = validate, .run = run};

int cmd_match(int argc, char **argv) { return cli_main(&cli_cmd_match, argc, argv); }
