/* cmd_treaties.c -- 'rhaz treaties': keys, UN numbers, titles, dates opened. */
#include "cmd.h"

#include <json-c/json.h>

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz treaties [options]\n\n"
    "List the treaties of the bundled UN Treaty Collection records (2015):\n"
    "key, UN number, date opened for signature, participants (every\n"
    "participant of the 2015 status file plus those first listed in the\n"
    "2022 status files; 'rhaz participation' counts as of a date), and\n"
    "title.  Keys: cerd icescr iccpr cedaw cat crc icmw\n"
    "refugee1951 refugee1967; every other treaty is keyed by its UN number\n"
    "(e.g. 26-8).  'rhaz panel --treaty' accepts either, 'core' or 'all'.\n\n"
    "options:\n"
    "  --core                  only the 9 keyed (core) treaties\n"
    "  --format text|csv|json  output format (default text)\n"
    "  --data-dir DIR          data directory (default $RHAZ_DATA, else the\n"
    "                          bundled data: man rhaz, ENVIRONMENT)\n"
    "  -h, --help              this help\n";

typedef struct {
    int core, fmt;
    const char *dir;
} treaties_opts;

#define O(f) CLI_OFF(treaties_opts, f)
static const cli_option options[] = {
    {"core", CLI_FLAG, O(core), .key = NULL},
    {"format", CLI_CHOICE, O(fmt), .choices = cli_format_tcj},
    {"data-dir", CLI_STR, O(dir), .key = NULL},
    {.name = NULL}};
#undef O

static int run(void *p, cli_err *ce)
{
    treaties_opts *o = p;
    int core = o->core;
    cli_format fmt = (cli_format)o->fmt;
    const char *dir = o->dir;
    rhaz_error err;
    rhaz_data *d = rhaz_data_open(cli_data_dir(dir), &err);
    if (!d) {
        ce->e = err;
        return cli_err_lib(ce, "data-dir");
    }
    size_t n = rhaz_data_ntreaties(d);
    if (fmt == FMT_CSV)
        printf("key,un_number,opened,participants,title\n");
    json_object *arr = fmt == FMT_JSON ? json_object_new_array() : NULL;
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
        } else if (arr) {
            json_object *e = json_object_new_object();
            json_object_object_add(e, "key", json_object_new_string(t->key));
            json_object_object_add(e, "un_number", json_object_new_string(t->un_number));
            json_object_object_add(e, "opened", json_object_new_string(date));
            json_object_object_add(e, "participants", json_object_new_int64((int64_t)np));
            json_object_object_add(e, "title", json_object_new_string(t->title));
            json_object_array_add(arr, e);
        }
    }
    int rc = EXIT_OK;
    if (fmt == FMT_JSON) {
        if (!arr || rhaz_json_write(stdout, arr, &err) != RHAZ_OK) {
            if (!arr)
                rhaz_error_set(&err, RHAZ_ENOMEM, NULL, 0, "out of memory listing the treaties");
            ce->e = err;
            rc = cli_err_lib(ce, NULL);
        }
        json_object_put(arr);
    }
    rhaz_data_free(d);
    return rc;
}

const cli_cmd cli_cmd_treaties = {
    .name = "treaties", .help = help, .options = options,
    .size = sizeof(treaties_opts), .run = run};

int cmd_treaties(int argc, char **argv) { return cli_main(&cli_cmd_treaties, argc, argv); }
