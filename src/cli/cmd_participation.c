/* cmd_participation.c -- 'rhaz participation --asof DATE --treaties KEYS'. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz participation --asof DATE --treaties KEYS [options]\n\n"
    "Participation in treaties as of a date, one row per treaty:\n"
    "  participants       states that had signed or consented to be bound\n"
    "  parties            states that had consented to be bound\n"
    "  oecd_participants  participants that were OECD members in DATE's year\n"
    "  oecd_parties       parties that were OECD members in DATE's year\n"
    "States include non-COW states that join UN treaties (Holy See, State of\n"
    "Palestine, Cook Islands, Niue); organisations (EU) are not counted.\n"
    "Dates known only by year (2022 status files) count from the end of\n"
    "their year.\n\n"
    "options:\n"
    "  --asof DATE             YYYY-MM-DD, '8 Mar 1999' or YYYY (end of year)\n"
    "  --treaties KEYS         comma list of keys, UN numbers, 'core' or 'all'\n"
    "  --format text|csv|json  output format (default text)\n"
    "  --out FILE              write to FILE (atomically) instead of stdout\n"
    "  --data-dir DIR          data directory (default $RHAZ_DATA or data/)\n"
    "  -h, --help              this help\n";

int cmd_participation(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"asof", required_argument, 0, 'a'},
        {"treaties", required_argument, 0, 't'},
        {"treaty", required_argument, 0, 't'},
        {"format", required_argument, 0, 'f'},
        {"out", required_argument, 0, 'o'},
        {"data-dir", required_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *asof_s = NULL, *keys = NULL, *dir = NULL, *out = "-";
    cli_format fmt = FMT_TEXT;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'a': asof_s = optarg; break;
        case 't': keys = optarg; break;
        case 'o': out = optarg; break;
        case 'D': dir = optarg; break;
        case 'f':
            if (cli_parse_format("participation", optarg,
                                 1u << FMT_TEXT | 1u << FMT_CSV | 1u << FMT_JSON, &fmt))
                return EXIT_USAGE;
            break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        default: return cli_bad_option("participation", argv);
        }
    }
    if (optind < argc)
        return cli_usage("participation", "unexpected argument '%s'", argv[optind]);
    if (!asof_s || !keys)
        return cli_usage("participation", "--asof and --treaties are required");
    rhaz_error err;
    rhaz_date asof;
    if (rhaz_date_parse(asof_s, &asof, NULL, &err)) {
        snprintf(err.what, sizeof err.what, "--asof");
        return cli_usage("participation", "--asof: %s", err.msg);
    }
    rhaz_data *d = rhaz_data_open(dir, &err);
    if (!d)
        return cli_error(&err);
    size_t *idx = NULL, n = 0;
    rhaz_table *t = NULL;
    rhaz_outfile *of = NULL;
    int rc = EXIT_OK;
    if (rhaz_data_select(d, keys, &idx, &n, &err) ||
        !(t = rhaz_data_participation(d, idx, n, asof, &err)) ||
        !(of = rhaz_outfile_open(out, &err))) {
        rc = cli_error(&err);
        goto done;
    }
    FILE *fp = rhaz_outfile_fp(of);
    size_t nr = rhaz_table_nrow(t);
    const double *v[4];
    for (int j = 0; j < 4; j++)
        v[j] = rhaz_table_num(t, (size_t)j + 1);
    if (fmt == FMT_CSV) {
        if (rhaz_table_write_fp(t, fp, &err)) {
            rc = cli_error(&err);
            goto done;
        }
    } else if (fmt == FMT_JSON) {
        fprintf(fp, "{\"asof\": \"%s\", \"treaties\": [", asof_s);
        for (size_t i = 0; i < nr; i++) {
            fprintf(fp, "%s\n  {\"treaty\": ", i ? "," : "");
            rhaz_json_string(fp, rhaz_table_str(t, 0, i));
            fprintf(fp, ", \"participants\": %.0f, \"parties\": %.0f, "
                        "\"oecd_participants\": %.0f, \"oecd_parties\": %.0f}",
                    v[0][i], v[1][i], v[2][i], v[3][i]);
        }
        fprintf(fp, "\n]}\n");
    } else {
        fprintf(fp, "participation as of %s\n", asof_s);
        fprintf(fp, "%-12s %12s %8s %17s %12s\n", "treaty", "participants", "parties",
                "oecd_participants", "oecd_parties");
        for (size_t i = 0; i < nr; i++)
            fprintf(fp, "%-12s %12.0f %8.0f %17.0f %12.0f\n", rhaz_table_str(t, 0, i),
                    v[0][i], v[1][i], v[2][i], v[3][i]);
    }
    if (rhaz_outfile_commit(of, &err))
        rc = cli_error(&err);
    of = NULL;
done:
    rhaz_outfile_abort(of);
    rhaz_table_free(t);
    free(idx);
    rhaz_data_free(d);
    return rc;
}
