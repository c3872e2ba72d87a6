/* cmd_treaties.c -- 'rhaz treaties': keys, UN numbers, titles, dates opened. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz treaties [options]\n\n"
    "List the treaties of the bundled UN Treaty Collection records (2015):\n"
    "key, UN number, date opened for signature, participants in the status\n"
    "file, and title.  Keys: cerd icescr iccpr cedaw cat crc icmw\n"
    "refugee1951 refugee1967; every other treaty is keyed by its UN number\n"
    "(e.g. 26-8).  'rhaz panel --treaty' accepts either, 'core' or 'all'.\n\n"
    "options:\n"
    "  --core                  only the 9 keyed (core) treaties\n"
    "  --format text|csv|json  output format (default text)\n"
    "  --data-dir DIR          data directory (default $RHAZ_DATA or data/)\n"
    "  -h, --help              this help\n";

int cmd_treaties(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"core", no_argument, 0, 'c'},
        {"format", required_argument, 0, 'f'},
        {"data-dir", required_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int core = 0, c;
    cli_format fmt = FMT_TEXT;
    const char *dir = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': core = 1; break;
        case 'f':
            if (cli_parse_format("treaties", optarg,
                                 1u << FMT_TEXT | 1u << FMT_CSV | 1u << FMT_JSON, &fmt))
                return EXIT_USAGE;
            break;
        case 'D': dir = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        default: return cli_bad_option("treaties", argv);
        }
    }
    if (optind < argc)
        return cli_usage("treaties", "unexpected argument '%s'", argv[optind]);
    rhaz_error err;
    rhaz_data *d = rhaz_data_open(dir, &err);
    if (!d)
        return cli_error(&err);
    size_t n = rhaz_data_ntreaties(d);
    int first = 1;
    if (fmt == FMT_CSV)
        printf("key,un_number,opened,participants,title\n");
    else if (fmt == FMT_JSON)
        printf("[");
    for (size_t i = 0; i < n; i++) {
        const rhaz_treaty_info *t = rhaz_data_treaty(d, i);
        if (core && !t->core)
            continue;
        char date[16];
        rhaz_date_format(t->opened, date, sizeof date);
        size_t np = rhaz_data_nparticipants(d, i);
        if (fmt == FMT_TEXT) {
            printf("%-12s %-9s %s %4zu  %.100s%s\n", t->key, t->un_number, date, np,
                   t->title, strlen(t->title) > 100 ? "..." : "");
        } else if (fmt == FMT_CSV) {
            printf("%s,%s,%s,%zu,\"", t->key, t->un_number, date, np);
            for (const char *p = t->title; *p; p++) {
                if (*p == '"')
                    putchar('"');
                putchar(*p);
            }
            printf("\"\n");
        } else {
            printf("%s\n  {\"key\": ", first ? "" : ",");
            rhaz_json_string(stdout, t->key);
            printf(", \"un_number\": ");
            rhaz_json_string(stdout, t->un_number);
            printf(", \"opened\": ");
            rhaz_json_string(stdout, date);
            printf(", \"participants\": %zu, \"title\": ", np);
            rhaz_json_string(stdout, t->title);
            printf("}");
        }
        first = 0;
    }
    if (fmt == FMT_JSON)
        printf("\n]\n");
    rhaz_data_free(d);
    return EXIT_OK;
}
