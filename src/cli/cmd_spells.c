/* cmd_spells.c -- 'rhaz spells': the spell columns of a unit-period panel
 * as R spduration's add_duration makes them (rhaz_spells_build), for
 * 'rhaz fit cure'.  Argument handling and file I/O only. */
#include "cmd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz spells --data FILE --unit COL --time COL --event COL [--out FILE]\n"
    "\n"
    "Add the spell columns of spduration's add_duration() to a unit-period\n"
    "panel (e.g. country-years with a 0/1 event such as a coup): failure,\n"
    "ongoing, end.spell, atrisk, censor, duration, t.0 and spell.  Within a\n"
    "unit, rows in time order: the first 1 of a run of 1s is a failure, later\n"
    "1s are ongoing (their spell columns are empty, so fits drop them); a\n"
    "spell is a run of rows ending in a failure or in the unit's last row;\n"
    "atrisk = 1 in every row of a spell that ends in failure; duration counts\n"
    "the rows of the spell and t.0 = duration - 1.  Then\n"
    "  rhaz fit cure --formula 'Surv(t.0, duration, failure) ~ ...' --atrisk '~ ...'\n"
    "\n"
    "options:\n"
    "  --data FILE    input CSV, .dta, .sav or .sas7bdat (required)\n"
    "  --unit COL     unit ids (numbers or text; required)\n"
    "  --time COL     the period (a number, e.g. the year; required)\n"
    "  --event COL    0/1 event indicator (required; no missing values)\n"
    CLI_READ_HELP
    "  --out FILE     output CSV (atomic; default stdout)\n";

typedef struct {
    const char *data, *unit, *time, *event, *out;
    cli_read_args read;
} spells_opts;

#define O(f) CLI_OFF(spells_opts, f)
static const cli_option options[] = {
    {"data", CLI_STR, O(data), .key = "data", .flags = CLI_FILE},
    {"unit", CLI_STR, O(unit), .key = "unit"},
    {"time", CLI_STR, O(time), .key = "time"},
    {"event", CLI_STR, O(event), .key = "event"},
    {"out", CLI_STR, O(out), .key = NULL},
    CLI_READ_ROWS(spells_opts, read),
    {.name = NULL}};
#undef O

static void init(void *p) { ((spells_opts *)p)->out = "-"; }

static int validate(void *p, cli_err *err)
{
    spells_opts *o = p;
    if (!o->data || !o->unit || !o->time || !o->event)
        return cli_err_usage(err, NULL, "--data, --unit, --time and --event are required");
    return EXIT_OK;
}

static int find(const rhaz_table *t, const char *name, const char *opt,
                cli_err *err, size_t *j)
{
    long k = rhaz_table_find(t, name);
    if (k < 0)
        return cli_err_data(err, opt, "%s: no column '%s'", rhaz_table_name(t), name);
    *j = (size_t)k;
    return EXIT_OK;
}

/* unit codes: the rank of the unit's value among the distinct values */
typedef struct {
    const char *s;
    double v;
    size_t i;
} ukey;

static int cmp_text(const void *a, const void *b)
{
    const ukey *x = a, *y = b;
    int c = strcmp(x->s, y->s);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int cmp_num(const void *a, const void *b)
{
    const ukey *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static int unit_codes(const rhaz_table *t, size_t j, int *code, cli_err *err)
{
    size_t n = rhaz_table_nrow(t);
    int text = rhaz_table_coltype(t, j) == RHAZ_COL_STRING;
    const double *x = text ? NULL : rhaz_table_num(t, j);
    for (size_t i = 0; i < n; i++)
        if (rhaz_table_is_missing(t, j, i)) {
            rhaz_error_set(&err->e, RHAZ_EDATA, rhaz_table_name(t), rhaz_table_line(t, i),
                           "spells: missing unit id in column '%s'",
                           rhaz_table_colname(t, j));
            return cli_err_lib(err, "unit");
        }
    ukey *k = malloc((n + 1) * sizeof *k);
    if (!k)
        return cli_err_data(err, NULL, "out of memory building spells");
    for (size_t i = 0; i < n; i++)
        k[i] = (ukey){text ? rhaz_table_str(t, j, i) : NULL, text ? 0 : x[i], i};
    qsort(k, n, sizeof *k, text ? cmp_text : cmp_num);
    int c = -1;
    for (size_t r = 0; r < n; r++) {
        if (r == 0 || (text ? strcmp(k[r].s, k[r - 1].s) != 0 : k[r].v != k[r - 1].v))
            c++;
        code[k[r].i] = c;
    }
    free(k);
    return EXIT_OK;
}

static int run(void *p, cli_err *err)
{
    spells_opts *o = p;
    int rc = EXIT_OK;
    cli_read_opts ro = {0};
    rhaz_table *t = NULL;
    rhaz_spells *sp = NULL;
    int *code = NULL;
    size_t ju = 0, jt = 0, je = 0;
    if ((rc = cli_read_args_apply(&ro, &o->read, err)) != EXIT_OK)
        goto done;
    if (!(t = cli_read_table(&ro, o->data, &err->e))) {
        rc = cli_err_lib(err, "data");
        goto done;
    }
    if ((rc = find(t, o->unit, "unit", err, &ju)) || (rc = find(t, o->time, "time", err, &jt)) ||
        (rc = find(t, o->event, "event", err, &je)))
        goto done;
    if (rhaz_table_coltype(t, jt) != RHAZ_COL_NUMERIC || rhaz_table_coltype(t, je) != RHAZ_COL_NUMERIC) {
        rc = cli_err_data(err, rhaz_table_coltype(t, jt) != RHAZ_COL_NUMERIC ? "time" : "event",
                          "%s: column '%s' holds text; it must be numeric", o->data,
                          rhaz_table_coltype(t, jt) != RHAZ_COL_NUMERIC ? o->time : o->event);
        goto done;
    }
    static const char *names[] = {"failure", "ongoing", "end.spell", "atrisk",
                                  "censor", "duration", "t.0", "spell"};
    for (size_t c = 0; c < sizeof names / sizeof names[0]; c++)
        if (rhaz_table_find(t, names[c]) >= 0) {
            rc = cli_err_data(err, "data", "%s: already has a column '%s' (the spell "
                                           "columns would clash)", o->data, names[c]);
            goto done;
        }
    size_t n = rhaz_table_nrow(t);
    if (!(code = malloc((n + 1) * sizeof *code))) {
        rc = cli_err_data(err, NULL, "out of memory building spells");
        goto done;
    }
    if ((rc = unit_codes(t, ju, code, err)))
        goto done;
    if (!(sp = rhaz_spells_build(n, code, rhaz_table_num(t, jt), rhaz_table_num(t, je),
                                 &err->e))) {
        if (err->e.row > 0 && !err->e.line) {
            char msg[sizeof err->e.msg];
            long row = err->e.row;
            snprintf(msg, sizeof msg, "%s", err->e.msg);
            rhaz_error_set(&err->e, err->e.status, o->data,
                           rhaz_table_line(t, (size_t)row - 1), "%s", msg);
            err->e.row = row;
        }
        rc = cli_err_lib(err, "event");
        goto done;
    }
    const double *cols[] = {sp->failure, sp->ongoing, sp->end_spell, sp->atrisk,
                            sp->censor, sp->duration, sp->t0, sp->spell};
    for (size_t c = 0; c < sizeof names / sizeof names[0]; c++)
        if (rhaz_table_add_numeric(t, names[c], cols[c], n, &err->e)) {
            rc = cli_err_lib(err, NULL);
            goto done;
        }
    if (rhaz_table_write(t, o->out, &err->e)) {
        rc = cli_err_lib(err, "out");
        goto done;
    }
    rhaz_message("spells: %zu rows, %zu spells, %zu failures, %zu ongoing rows",
                 n, sp->n_spells, sp->n_failures, sp->n_ongoing);
done:
    cli_read_free(&ro);
    rhaz_spells_free(sp);
    free(code);
    rhaz_table_free(t);
    return rc;
}

static const cli_cmd cli_cmd_spells = {.name = "spells", .help = help, .options = options,
                                       .size = sizeof(spells_opts), .init = init,
                                       .validate = validate, .run = run};

int cmd_spells(int argc, char **argv) { return cli_main(&cli_cmd_spells, argc, argv); }
