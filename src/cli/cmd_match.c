/* cmd_match.c -- 'rhaz match FILE --column COL --to CODES': country names
 * or codes in the researcher's own file matched to ISO3, COW and other
 * codes, with the crosswalk and regexes the bundled sources go through. */
#include "cli.h"

#include <getopt.h>
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
    "  --latin1          input CSV is Latin-1\n"
    "  --data-dir DIR    data directory (default $RHAZ_DATA or data/)\n"
    "  -h, --help        this help\n";

int cmd_match(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"column", required_argument, 0, 'c'}, {"key", required_argument, 0, 'k'},
        {"to", required_argument, 0, 't'},     {"year", required_argument, 0, 'y'},
        {"strict", no_argument, 0, 's'},       {"out", required_argument, 0, 'o'},
        {"latin1", no_argument, 0, 'l'},       {"data-dir", required_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    rhaz_match_options mo = {0};
    const char *to = "iso3c,cown", *out = "-", *dir = NULL;
    rhaz_csv_options co = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': mo.column = optarg; break;
        case 'k':
            if (rhaz_key_parse(optarg, &mo.key))
                return cli_usage("match", "--key must be name, iso3c, cown, gwcode, "
                                          "iso2c or m49, not '%s'", optarg);
            break;
        case 't': to = optarg; break;
        case 'y': mo.year = optarg; break;
        case 's': mo.strict = 1; break;
        case 'o': out = optarg; break;
        case 'l': co.encoding = RHAZ_ENC_LATIN1; break;
        case 'D': dir = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        default: return cli_bad_option("match", argv);
        }
    }
    if (optind != argc - 1)
        return cli_usage("match", "expected exactly one FILE");
    if (!mo.column)
        return cli_usage("match", "--column is required");
    rhaz_key keys[RHAZ_NKEY + 1];
    size_t nk = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", to);
    for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        while (*w == ' ')
            w++;
        if (nk == RHAZ_NKEY || rhaz_key_parse(w, &keys[nk]))
            return cli_usage("match", "--to takes iso3c, cown, gwcode, iso2c, m49, "
                                      "name (each once), not '%s'", w);
        nk++;
    }
    if (!nk)
        return cli_usage("match", "--to is empty");
    keys[nk] = RHAZ_KEY_NONE;
    mo.to = keys;
    /* names stay text; a code column of digits is read as numbers */
    const char *as_str[] = {mo.column, NULL};
    rhaz_key k = mo.key ? mo.key : rhaz_key_of_column(mo.column);
    if (k == RHAZ_KEY_NONE || k == RHAZ_KEY_NAME || k == RHAZ_KEY_ISO3C ||
        k == RHAZ_KEY_ISO2C)
        co.as_string = as_str;
    const char *path = argv[optind];
    rhaz_error err;
    rhaz_table *t = NULL;
    rhaz_data *d = NULL;
    rhaz_match_log *log = rhaz_match_log_alloc();
    int rc = EXIT_OK;
    if (!log)
        return cli_fail("out of memory");
    if (!(t = rhaz_table_read(path, &co, &err)) || !(d = rhaz_data_open(dir, &err)) ||
        rhaz_match_table(d, t, &mo, log, &err)) {
        rc = cli_error(&err);
        goto done;
    }
    rhaz_outfile *of = rhaz_outfile_open(out, &err);
    if (!of || rhaz_table_write_fp(t, rhaz_outfile_fp(of), &err)) {
        rhaz_outfile_abort(of);
        rc = cli_error(&err);
        goto done;
    }
    if (rhaz_outfile_commit(of, &err)) { /* frees of, also on failure */
        rc = cli_error(&err);
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
    rhaz_match_log_free(log);
    rhaz_table_free(t);
    rhaz_data_free(d);
    return rc;
}
