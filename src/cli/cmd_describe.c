/* cmd_describe.c -- 'rhaz describe FILE.csv': columns, types, missing,
 * numeric ranges. */
#include "cmd.h"

#include <json-c/json.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz describe [options] FILE\n\n"
    "Summarise every column of a data file: inferred type, non-missing and\n"
    "missing counts, and min/max/mean/sd of numeric columns (distinct values\n"
    "of string columns).  FILE is CSV (empty cells, NA and . are missing),\n"
    "or by its extension Stata .dta, SPSS .sav/.zsav or SAS .sas7bdat: their\n"
    "missing codes are missing, value labels become text (factor) cells and\n"
    "dates ISO 8601 text; --string, --numeric (codes instead of labels) and\n"
    "--na apply to them too.\n\n"
    "options:\n"
    "  --format text|csv|json  output format (default text)\n"
    "  --out FILE              write to FILE (atomically) instead of stdout\n"
    "  --numeric COL           read COL as numbers; a non-number is an error\n"
    "  --string COL            same as --text COL\n"
    CLI_READ_HELP
    "  -h, --help              this help\n"
    "\n"
    "A column of numbers but for some cells ('-', '..', 'n/a', 'inf', '1e400',\n"
    "'1,5') is refused, naming the first such cell: declare the tokens\n"
    "missing (--na) or the column text (--text).\n";

static void print_num(FILE *fp, double x)
{
    if (isnan(x))
        fprintf(fp, " %12s", "");
    else
        fprintf(fp, " %12.6g", x);
}

static int describe(const char *path, cli_read_opts *ro, const char **as_numeric,
                    size_t nn, cli_format fmt, const char *out, cli_err *ce)
{
    rhaz_error err;
    rhaz_table *t = cli_read_table(ro, path, &err);
    if (!t) {
        ce->e = err;
        return cli_err_lib(ce, cli_read_error_option(ro, &err));
    }
    for (size_t k = 0; k < nn; k++) {
        const char *nm = as_numeric[k];
        if (rhaz_table_find(t, nm) < 0) {
            rhaz_error_set(&err, RHAZ_ENOTFOUND, path, 1, "no column '%s'", nm);
            rhaz_table_free(t);
            ce->e = err;
            return cli_err_lib(ce, "numeric");
        }
    }
    json_object *doc = NULL, *cols = NULL;
    rhaz_outfile *of = rhaz_outfile_open(out, &err);
    if (!of) {
        rhaz_table_free(t);
        ce->e = err;
        return cli_err_lib(ce, "out");
    }
    FILE *fp = rhaz_outfile_fp(of);
    size_t nc = rhaz_table_ncol(t), nr = rhaz_table_nrow(t);
    if (fmt == FMT_TEXT) {
        fprintf(fp, "%s: %zu rows, %zu columns\n\n", path, nr, nc);
        fprintf(fp, "%-28s %-7s %9s %9s %12s %12s %12s %12s\n", "column",
                "type", "n", "missing", "min", "max", "mean", "sd");
    } else if (fmt == FMT_CSV) {
        fprintf(fp, "column,type,n,missing,distinct,min,max,mean,sd\n");
    } else {
        doc = json_object_new_object();
        cols = json_object_new_array();
        json_object_object_add(doc, "file", json_object_new_string(path));
        json_object_object_add(doc, "rows", json_object_new_int64((int64_t)nr));
        json_object_object_add(doc, "columns", cols);
    }
    for (size_t j = 0; j < nc; j++) {
        rhaz_colsummary s;
        if (rhaz_table_summarise(t, j, &s, &err) != RHAZ_OK) {
            rhaz_outfile_abort(of);
            rhaz_table_free(t);
            json_object_put(doc);
            ce->e = err;
            return cli_err_lib(ce, NULL);
        }
        const char *ty = s.type == RHAZ_COL_NUMERIC ? "numeric" : "string";
        if (fmt == FMT_TEXT) {
            fprintf(fp, "%-28s %-7s %9zu %9zu", s.name, ty, s.n, s.missing);
            if (s.type == RHAZ_COL_NUMERIC) {
                print_num(fp, s.min);
                print_num(fp, s.max);
                print_num(fp, s.mean);
                print_num(fp, s.sd);
            } else {
                fprintf(fp, " %zu distinct", s.distinct);
            }
            if (s.n == 0)
                fprintf(fp, "  (all missing)");
            fputc('\n', fp);
        } else if (fmt == FMT_CSV) {
            char b[4][64];
            double v[4] = {s.min, s.max, s.mean, s.sd};
            for (int k = 0; k < 4; k++)
                rhaz_format_double(v[k], b[k], sizeof b[k]);
            rhaz_csv_field(fp, s.name);
            fprintf(fp, ",%s,%zu,%zu,", ty, s.n, s.missing);
            if (s.type == RHAZ_COL_STRING)
                fprintf(fp, "%zu", s.distinct);
            fprintf(fp, ",%s,%s,%s,%s\n", b[0], b[1], b[2], b[3]);
        } else {
            json_object *e = json_object_new_object();
            json_object_object_add(e, "name", json_object_new_string(s.name));
            json_object_object_add(e, "type", json_object_new_string(ty));
            json_object_object_add(e, "n", json_object_new_int64((int64_t)s.n));
            json_object_object_add(e, "missing", json_object_new_int64((int64_t)s.missing));
            if (s.type == RHAZ_COL_STRING) {
                json_object_object_add(e, "distinct", json_object_new_int64((int64_t)s.distinct));
            } else {
                json_object_object_add(e, "min", rhaz_json_double(s.min));
                json_object_object_add(e, "max", rhaz_json_double(s.max));
                json_object_object_add(e, "mean", rhaz_json_double(s.mean));
                json_object_object_add(e, "sd", rhaz_json_double(s.sd));
            }
            json_object_array_add(cols, e);
        }
    }
    if (fmt == FMT_JSON) {
        rhaz_status st = doc && cols ? rhaz_json_write(fp, doc, &err)
                                     : rhaz_error_set(&err, RHAZ_ENOMEM, NULL, 0,
                                                      "out of memory describing the table");
        json_object_put(doc);
        if (st) {
            rhaz_outfile_abort(of);
            rhaz_table_free(t);
            ce->e = err;
            return cli_err_lib(ce, NULL);
        }
    }
    rhaz_table_free(t);
    if (rhaz_outfile_commit(of, &err) != RHAZ_OK) {
        ce->e = err;
        return cli_err_lib(ce, "out");
    }
    return EXIT_OK;
}

typedef struct {
    int fmt;
    const char *out, *path;
    cli_strv as_numeric;
    cli_read_args read;
} describe_opts;

#define O(f) CLI_OFF(describe_opts, f)
static const cli_option options[] = {
    {"format", CLI_CHOICE, O(fmt), .choices = cli_format_tcj},
    {"out", CLI_STR, O(out), .key = NULL},
    {"string", CLI_MULTI, O(read.text), .key = NULL},
    {"numeric", CLI_MULTI, O(as_numeric), .key = NULL},
    CLI_READ_ROWS(describe_opts, read),
    {.name = NULL}};
#undef O

static void init(void *p)
{
    describe_opts *o = p;
    o->out = "-";
    o->fmt = FMT_TEXT;
}

static int args(void *p, int n, char **v, cli_err *err)
{
    if (n != 1)
        return cli_err_usage(err, NULL, "expected exactly one FILE");
    ((describe_opts *)p)->path = v[0];
    return EXIT_OK;
}

static int run(void *p, cli_err *ce)
{
    describe_opts *o = p;
    cli_format fmt = (cli_format)o->fmt;
    const char *out = o->out;
    static const char *none[] = {NULL};
    const char **as_numeric = o->as_numeric.n ? o->as_numeric.v : none;
    size_t nn = o->as_numeric.n;
    cli_read_opts ro = {0};
    int rc = cli_read_args_apply(&ro, &o->read, ce);
    if (rc) {
        cli_read_free(&ro);
        return rc;
    }
    ro.csv.as_numeric = as_numeric;
    rc = describe(o->path, &ro, as_numeric, nn, fmt, out, ce);
    cli_read_free(&ro);
    return rc;
}

const cli_cmd cli_cmd_describe = {
    .name = "describe", .help = help, .options = options,
    .size = sizeof(describe_opts), .init = init, .args = args, .run = run};

int cmd_describe(int argc, char **argv) { return cli_main(&cli_cmd_describe, argc, argv); }
