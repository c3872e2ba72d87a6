/* cmd_participation.c -- 'rhaz participation --asof DATE --treaties KEYS'. */
#include "cmd.h"

#include <json-c/json.h>

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

typedef struct {
    const char *asof_s, *keys, *dir, *out;
    int fmt;
    rhaz_date asof;
    cli_treaty_files tf;
} part_opts;

#define O(f) CLI_OFF(part_opts, f)
static const cli_option options[] = {
    {"asof", CLI_STR, O(asof_s), .key = "asof"},
    {"treaties", CLI_LIST, O(keys), .key = "treaties"},
    {"treaty", CLI_LIST, O(keys), .key = "treaty"},
    {"format", CLI_CHOICE, O(fmt), .choices = cli_format_tcj},
    {"out", CLI_STR, O(out), .key = NULL},
    {"data-dir", CLI_STR, O(dir), .key = "data_dir", .flags = CLI_FILE},
    {"treaty-file", CLI_PARSE, O(tf), .key = "treaty_file", .flags = CLI_FILE, .parse = cli_tf_file,
     .expect = "a file (at most 16 files)"},
    {"opened", CLI_PARSE, O(tf), .key = "opened", .parse = cli_tf_opened,
     .expect = "given after the --treaty-file it is about"},
    {"key", CLI_PARSE, O(tf), .key = "treaty_key", .parse = cli_tf_key,
     .expect = "given after the --treaty-file it is about"},
    {.name = NULL}};
#undef O

static void init(void *p)
{
    part_opts *o = p;
    o->out = "-";
    o->fmt = FMT_TEXT;
}

static int validate(void *p, cli_err *err)
{
    part_opts *o = p;
    if (!o->asof_s || (!o->keys && !o->tf.n))
        return cli_err_usage(err, NULL,
                             "--asof and --treaties (or --treaty-file) are required");
    if (cli_treaty_files_validate(&o->tf, err))
        return EXIT_USAGE;
    rhaz_error e;
    if (rhaz_date_parse(o->asof_s, &o->asof, NULL, &e))
        return cli_err_usage(err, "asof", "--asof: %s", e.msg);
    return EXIT_OK;
}

static int run(void *p, cli_err *ce)
{
    part_opts *o = p;
    const char *asof_s = o->asof_s, *keys = o->keys, *dir = o->dir, *out = o->out;
    cli_format fmt = (cli_format)o->fmt;
    rhaz_date asof = o->asof;
    rhaz_error err;
    rhaz_data *d = rhaz_data_open(cli_data_dir(dir), &err);
    if (!d) {
        ce->e = err;
        return cli_err_lib(ce, "data-dir");
    }
    size_t *idx = NULL, n = 0;
    rhaz_table *t = NULL;
    rhaz_outfile *of = NULL;
    char *allkeys = NULL;
    int rc = EXIT_OK;
    if (o->tf.n && (rc = cli_treaty_files_add(d, &o->tf, keys, &allkeys, ce)))
        goto done;
    if (allkeys)
        keys = allkeys;
    if (rhaz_data_select(d, keys, &idx, &n, &err)) {
        ce->e = err;
        rc = cli_err_lib(ce, "treaties");
        goto done;
    }
    if (!(t = rhaz_data_participation(d, idx, n, asof, &err)) ||
        !(of = rhaz_outfile_open(out, &err))) {
        ce->e = err;
        rc = cli_err_lib(ce, NULL);
        goto done;
    }
    FILE *fp = rhaz_outfile_fp(of);
    size_t nr = rhaz_table_nrow(t);
    const double *v[4];
    for (int j = 0; j < 4; j++)
        v[j] = rhaz_table_num(t, (size_t)j + 1);
    if (fmt == FMT_CSV) {
        if (rhaz_table_write_fp(t, fp, &err)) {
            ce->e = err;
            rc = cli_err_lib(ce, NULL);
            goto done;
        }
    } else if (fmt == FMT_JSON) {
        static const char *const names[] = {"participants", "parties",
                                            "oecd_participants", "oecd_parties"};
        json_object *doc = json_object_new_object(), *arr = json_object_new_array();
        json_object_object_add(doc, "asof", json_object_new_string(asof_s));
        json_object_object_add(doc, "treaties", arr);
        for (size_t i = 0; i < nr; i++) {
            json_object *e = json_object_new_object();
            json_object_object_add(e, "treaty", json_object_new_string(rhaz_table_str(t, 0, i)));
            for (int j = 0; j < 4; j++)
                json_object_object_add(e, names[j], json_object_new_int64((int64_t)v[j][i]));
            json_object_array_add(arr, e);
        }
        rhaz_status st = doc && arr
                             ? rhaz_json_write(fp, doc, &err)
                             : rhaz_error_set(&err, RHAZ_ENOMEM, NULL, 0,
                                              "out of memory writing the participation counts");
        json_object_put(doc);
        if (st) {
            ce->e = err;
            rc = cli_err_lib(ce, NULL);
            goto done;
        }
    } else {
        fprintf(fp, "participation as of %s\n", asof_s);
        fprintf(fp, "%-12s %12s %8s %17s %12s\n", "treaty", "participants", "parties",
                "oecd_participants", "oecd_parties");
        for (size_t i = 0; i < nr; i++)
            fprintf(fp, "%-12s %12.0f %8.0f %17.0f %12.0f\n", rhaz_table_str(t, 0, i),
                    v[0][i], v[1][i], v[2][i], v[3][i]);
    }
    if (rhaz_outfile_commit(of, &err)) {
        ce->e = err;
        rc = cli_err_lib(ce, "out");
    }
    of = NULL;
done:
    free(allkeys);
    rhaz_outfile_abort(of);
    rhaz_table_free(t);
    free(idx);
    rhaz_data_free(d);
    return rc;
}

const cli_cmd cli_cmd_participation = {
    .name = "participation", .help = help, .options = options,
    .size = sizeof(part_opts), .init = init, .validate = validate, .run = run};

int cmd_participation(int argc, char **argv)
{
    return cli_main(&cli_cmd_participation, argc, argv);
}
