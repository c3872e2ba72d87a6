/* options.c -- the typed command layer (see cmd.h): option tables read
 * from argv and from model-file sections, errors that name the option. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const cli_choice cli_vce_choices[] = {
    {"model", RHAZ_VCE_MODEL, 0},
    {"robust", RHAZ_VCE_ROBUST, 0},
    {"cluster", RHAZ_VCE_CLUSTER, 0},
    {"bootstrap", RHAZ_VCE_BOOTSTRAP, 0},
    {NULL, 0, 0}};
/* small-sample factor of the sandwich; vcovCL and cr0 are the names of
 * R's and the CR0 convention */
const cli_choice cli_adjust_choices[] = {
    {"g", RHAZ_ADJ_G, 0},       {"none", RHAZ_ADJ_NONE, 0},
    {"stata", RHAZ_ADJ_STATA, 0}, {"vcovCL", RHAZ_ADJ_G, 1},
    {"cr0", RHAZ_ADJ_NONE, 1},  {NULL, 0, 0}};
const cli_choice cli_format_choices[] = {
    {"text", FMT_TEXT, 0},   {"csv", FMT_CSV, 0},
    {"json", FMT_JSON, 0},   {"latex", FMT_LATEX, 0},
    {"markdown", FMT_MARKDOWN, 0}, {NULL, 0, 0}};
const cli_choice cli_format_tcj[] = {
    {"text", FMT_TEXT, 0}, {"csv", FMT_CSV, 0}, {"json", FMT_JSON, 0},
    {NULL, 0, 0}};

/* ---------- errors ---------- */

static int exit_of(rhaz_status st)
{
    return st == RHAZ_EUSAGE ? EXIT_USAGE : EXIT_DATA;
}

int cli_err_usage(cli_err *err, const char *option, const char *fmt, ...)
{
    char buf[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rhaz_error_set(&err->e, RHAZ_EUSAGE, NULL, 0, "%s", buf);
    err->option = option;
    err->usage = 1;
    return EXIT_USAGE;
}

int cli_err_data(cli_err *err, const char *option, const char *fmt, ...)
{
    char buf[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rhaz_error_set(&err->e, RHAZ_EDATA, NULL, 0, "%s", buf);
    err->option = option;
    err->usage = 0;
    return EXIT_DATA;
}

int cli_err_lib(cli_err *err, const char *option)
{
    err->option = option;
    err->usage = 0;
    return exit_of(err->e.status);
}

const char *cli_lib_option(const rhaz_error *e)
{
    return e->option[0] ? e->option : NULL;
}

int cli_err_print(const cli_cmd *c, const cli_err *err)
{
    if (err->usage)
        return cli_usage(c->name, "%s", err->e.msg);
    return cli_error(&err->e);
}

/* ---------- invocations ---------- */

struct cli_call {
    const cli_cmd *cmd;
    void *opts;
    void **mem; /* strings and arrays the options point to */
    size_t nmem, capmem;
};

static void *own(cli_call *call, void *p)
{
    if (!p)
        return NULL;
    if (call->nmem == call->capmem) {
        size_t nc = call->capmem ? 2 * call->capmem : 16;
        void **nm = realloc(call->mem, nc * sizeof *nm);
        if (!nm) {
            free(p);
            return NULL;
        }
        call->mem = nm;
        call->capmem = nc;
    }
    call->mem[call->nmem++] = p;
    return p;
}

cli_call *cli_call_new(const cli_cmd *c)
{
    cli_call *call = calloc(1, sizeof *call);
    if (!call)
        return NULL;
    call->cmd = c;
    if (!(call->opts = calloc(1, c->size ? c->size : 1))) {
        free(call);
        return NULL;
    }
    if (c->init)
        c->init(call->opts);
    return call;
}

void cli_call_free(cli_call *call)
{
    if (!call)
        return;
    for (size_t k = 0; k < call->nmem; k++)
        free(call->mem[k]);
    free(call->mem);
    free(call->opts);
    free(call);
}

void *cli_call_opts(cli_call *call) { return call->opts; }
const cli_cmd *cli_call_cmd(const cli_call *call) { return call->cmd; }

static const cli_option *row_named(const cli_cmd *c, const char *name)
{
    for (const cli_option *o = c->options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

/* "a, b or c" from a choice table */
static void choice_list(const cli_choice *ch, char *buf, size_t size)
{
    size_t n = 0, k = 0;
    for (const cli_choice *c = ch; c->name; c++)
        n += !c->alias;
    buf[0] = '\0';
    for (const cli_choice *c = ch; c->name; c++) {
        if (c->alias)
            continue;
        k++;
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
                 k == 1 ? "" : k == n ? " or " : ", ", c->name);
    }
}

static void bounds(const cli_option *o, char *buf, size_t size)
{
    if (o->type == CLI_INT)
        snprintf(buf, size, "%.0f to %.0f", o->min, o->max);
    else
        snprintf(buf, size, "in %c%g, %g%c", o->flags & CLI_OPEN_MIN ? '(' : '[',
                 o->min, o->max, o->flags & CLI_OPEN_MAX ? ')' : ']');
}

/* Parse value v for row o into the options.  mf: the value comes from a
 * model file (messages then name no option: the caller prefixes the key).
 * On error *msg gets the reason. */
static int set_value(cli_call *call, const cli_option *o, const char *v,
                     int mf, char *msg, size_t size)
{
    char *field = (char *)call->opts + o->offset;
    char b[256];
    switch (o->type) {
    case CLI_STR:
        *(const char **)field = v;
        return 0;
    case CLI_LIST: {
        if (!mf) {
            *(const char **)field = v;
            return 0;
        }
        char **items = rhaz_mf_split(v, NULL);
        size_t len = 1;
        for (char **p = items; p && *p; p++)
            len += strlen(*p) + 1;
        char *j = own(call, items ? calloc(len, 1) : NULL);
        if (!j) {
            rhaz_mf_list_free(items);
            snprintf(msg, size, "out of memory reading the options");
            return -1;
        }
        for (char **p = items; *p; p++) {
            if (p != items)
                strcat(j, ",");
            strcat(j, *p);
        }
        rhaz_mf_list_free(items);
        *(const char **)field = j;
        return 0;
    }
    case CLI_FLAG: {
        int on = 1;
        if (mf) {
            static const char *const yes[] = {"yes", "true", "1", "on"};
            static const char *const no[] = {"no", "false", "0", "off"};
            on = -1;
            for (int i = 0; i < 4; i++) {
                if (strcmp(v, yes[i]) == 0)
                    on = 1;
                if (strcmp(v, no[i]) == 0)
                    on = 0;
            }
            if (on < 0) {
                snprintf(msg, size, "expected yes or no, not '%s'", v);
                return -1;
            }
            if (o->flags & CLI_INVERT)
                on = !on;
        }
        *(int *)field = on;
        return 0;
    }
    case CLI_INT:
    case CLI_DOUBLE: {
        char *end;
        errno = 0;
        double x;
        if (o->type == CLI_INT) {
            long l = strtol(v, &end, 10);
            x = (double)l;
        } else {
            x = strtod(v, &end);
        }
        if (end == v || *end || errno || !isfinite(x)) {
            const char *what = o->type == CLI_INT ? "an integer" : "a number";
            if (mf)
                snprintf(msg, size, "must be %s, not '%s'", what, v);
            else
                snprintf(msg, size, "--%s '%s' is not %s", o->name, v, what);
            return -1;
        }
        if (o->min < o->max &&
            (x < o->min || x > o->max || ((o->flags & CLI_OPEN_MIN) && x == o->min) ||
             ((o->flags & CLI_OPEN_MAX) && x == o->max))) {
            bounds(o, b, sizeof b);
            if (mf)
                snprintf(msg, size, "must be %s, not '%s'", b, v);
            else
                snprintf(msg, size, "--%s %s: must be %s", o->name, v, b);
            return -1;
        }
        if (o->type == CLI_INT)
            *(int *)field = (int)x;
        else
            *(double *)field = x;
        return 0;
    }
    case CLI_CHOICE:
        for (const cli_choice *c = o->choices; c->name; c++)
            if (strcmp(c->name, v) == 0) {
                *(int *)field = c->value;
                return 0;
            }
        choice_list(o->choices, b, sizeof b);
        if (mf)
            snprintf(msg, size, "must be %s, not '%s'", b, v);
        else
            snprintf(msg, size, "--%s '%s': must be %s", o->name, v, b);
        return -1;
    case CLI_MULTI: {
        cli_strv *sv = (cli_strv *)field;
        char **items = mf ? rhaz_mf_split(v, NULL) : NULL;
        size_t add = 1;
        if (mf) {
            add = 0;
            for (char **p = items; p && *p; p++)
                add++;
        }
        const char **nv = own(call, (mf && !items) ? NULL
                                                   : malloc((sv->n + add + 1) * sizeof *nv));
        if (!nv) {
            rhaz_mf_list_free(items);
            snprintf(msg, size, "out of memory reading the options");
            return -1;
        }
        if (sv->n)
            memcpy(nv, sv->v, sv->n * sizeof *nv);
        if (!mf)
            nv[sv->n++] = v;
        for (char **p = items; p && *p; p++) {
            char *d = own(call, strdup(*p));
            if (!d) {
                rhaz_mf_list_free(items);
                snprintf(msg, size, "out of memory reading the options");
                return -1;
            }
            nv[sv->n++] = d;
        }
        nv[sv->n] = NULL;
        sv->v = nv;
        rhaz_mf_list_free(items);
        return 0;
    }
    case CLI_PARSE:
        if (o->parse(v, field) == 0)
            return 0;
        if (mf)
            snprintf(msg, size, "must be %s, not '%s'", o->expect, v);
        else
            snprintf(msg, size, "--%s '%s': must be %s", o->name, v, o->expect);
        return -1;
    case CLI_PTR:
        break;
    }
    snprintf(msg, size, "--%s cannot be set from text", o->name);
    return -1;
}

int cli_set(cli_call *call, const char *name, const char *value, cli_err *err)
{
    const cli_option *o = row_named(call->cmd, name);
    char msg[512];
    if (!o)
        return cli_err_usage(err, NULL, "no option --%s", name);
    if (set_value(call, o, value, 0, msg, sizeof msg))
        return cli_err_usage(err, o->name, "%s", msg);
    return EXIT_OK;
}

int cli_set_ptr(cli_call *call, const char *name, void *p, cli_err *err)
{
    const cli_option *o = row_named(call->cmd, name);
    if (!o || o->type != CLI_PTR)
        return cli_err_usage(err, NULL, "no option %s", name);
    *(void **)((char *)call->opts + o->offset) = p;
    return EXIT_OK;
}

int cli_cmd_has_key(const cli_cmd *c, const char *key)
{
    for (const cli_option *o = c->options; o->name; o++)
        if (o->key && strcmp(o->key, key) == 0)
            return 1;
    return 0;
}

char *cli_mf_path(const rhaz_modelfile *mf, const char *v)
{
    const char *name = rhaz_modelfile_name(mf);
    const char *slash = name && v[0] != '/' ? strrchr(name, '/') : NULL;
    size_t dl = slash ? (size_t)(slash - name) + 1 : 0;
    char *j = malloc(dl + strlen(v) + 1);
    if (j) {
        memcpy(j, name, dl);
        strcpy(j + dl, v);
    }
    return j;
}

int cli_call_section(cli_call *call, const rhaz_modelfile *mf,
                     const rhaz_mf_section *s, const char *const *skip,
                     cli_err *err)
{
    for (size_t i = 0; i < s->n; i++) {
        const char *key = s->entries[i].key;
        int skipped = 0;
        for (const char *const *k = skip; k && *k && !skipped; k++)
            skipped = strcmp(*k, key) == 0;
        if (skipped)
            continue;
        const cli_option *o = call->cmd->options;
        while (o->name && !(o->key && strcmp(o->key, key) == 0))
            o++;
        err->option = NULL;
        err->usage = 0;
        if (!o->name) {
            rhaz_modelfile_error(mf, s, key, RHAZ_EPARSE, &err->e,
                                 "not an option of 'rhaz %s'", call->cmd->name);
            err->located = 1;
            return EXIT_DATA;
        }
        const char *v = s->entries[i].value;
        if ((o->flags & CLI_FILE) && (o->type == CLI_STR || o->type == CLI_PARSE) &&
            v[0] && v[0] != '/') {
            /* relative to the model file's folder, not the working one */
            char *j = own(call, cli_mf_path(mf, v));
            if (!j) {
                rhaz_modelfile_error(mf, s, key, RHAZ_ENOMEM, &err->e, "out of memory reading the options");
                err->located = 1;
                return EXIT_DATA;
            }
            v = j;
        }
        char msg[512];
        if (set_value(call, o, v, 1, msg, sizeof msg)) {
            rhaz_modelfile_error(mf, s, key, RHAZ_EPARSE, &err->e, "%s", msg);
            err->located = 1;
            return EXIT_DATA;
        }
    }
    return EXIT_OK;
}

int cli_call_args(cli_call *call, int n, char **v, cli_err *err)
{
    if (call->cmd->args)
        return call->cmd->args(call->opts, n, v, err);
    if (n > 0)
        return cli_err_usage(err, NULL, "unexpected argument '%s'", v[0]);
    return EXIT_OK;
}

int cli_call_exec(cli_call *call, cli_err *err)
{
    rhaz_error_clear(&err->e);
    err->option = NULL;
    err->usage = 0;
    err->located = 0;
    int rc = call->cmd->validate ? call->cmd->validate(call->opts, err) : 0;
    if (rc)
        return rc;
    return call->cmd->run(call->opts, err);
}

int cli_section_error(const cli_call *call, const rhaz_modelfile *mf,
                      const rhaz_mf_section *s, const cli_err *err)
{
    if (err->located) { /* already a model-file error (cli_call_section) */
        rhaz_error e = err->e;
        e.status = RHAZ_EDATA;
        return cli_error(&e);
    }
    /* the key that set the option (a row sharing its field: aliases) */
    const char *key = NULL;
    const cli_option *o = err->option ? row_named(call->cmd, err->option) : NULL;
    for (const cli_option *r = call->cmd->options; o && r->name && !key; r++)
        if (r->offset == o->offset && r->key && rhaz_mf_get(s, r->key, NULL))
            key = r->key;
    char buf[1400];
    rhaz_error_format(&err->e, buf, sizeof buf);
    rhaz_error e;
    rhaz_modelfile_error(mf, s, key, RHAZ_EDATA, &e, "%s", buf);
    /* a usage error of a command run from a model file is an error in
     * the model file (exit 1), not in how rhaz run was called */
    e.status = RHAZ_EDATA;
    return cli_error(&e);
}

/* ---------- the command line ---------- */

int cli_main(const cli_cmd *c, int argc, char **argv)
{
    size_t nrows = 0;
    for (const cli_option *o = c->options; o->name; o++)
        nrows++;
    struct option *lo = calloc(nrows + 2, sizeof *lo);
    char shorts[64] = "h";
    cli_call *call = lo ? cli_call_new(c) : NULL;
    if (!call) {
        free(lo);
        return cli_fail("out of memory reading the options");
    }
    size_t k = 0;
    for (size_t i = 0; i < nrows; i++) {
        const cli_option *o = &c->options[i];
        if (o->type == CLI_PTR || (o->flags & CLI_INTERNAL))
            continue;
        lo[k].name = o->name;
        lo[k].has_arg = o->type == CLI_FLAG ? no_argument : required_argument;
        lo[k].val = 256 + (int)i;
        k++;
        if (o->shortopt && strlen(shorts) + 3 < sizeof shorts) {
            size_t n = strlen(shorts);
            shorts[n] = o->shortopt;
            shorts[n + 1] = o->type == CLI_FLAG ? '\0' : ':';
            shorts[n + 2] = '\0';
        }
    }
    lo[k].name = "help";
    lo[k].has_arg = no_argument;
    lo[k].val = 'h';
    int rc = EXIT_OK, ch;
    cli_err err = {0};
    while (rc == EXIT_OK && (ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        const cli_option *o = NULL;
        if (ch >= 256)
            o = &c->options[ch - 256];
        else
            for (size_t i = 0; i < nrows && !o; i++)
                if (c->options[i].shortopt && c->options[i].shortopt == ch)
                    o = &c->options[i];
        if (ch == 'h' && !o) {
            fputs(c->help, stdout);
            goto done;
        }
        if (!o) {
            rc = cli_bad_option(c->name, argv);
            goto done;
        }
        char msg[512];
        const char *prev = o->type == CLI_STR && strcmp(o->name, "data") == 0
                               ? *(const char **)((char *)call->opts + o->offset) : NULL;
        if (prev) { /* one data set: never silently the last one */
            rc = cli_usage(c->name, "--data given twice ('%s' and '%s'); several "
                                    "imputed data sets are pooled by 'rhaz fit' only",
                           prev, optarg ? optarg : "");
            goto done;
        }
        if (set_value(call, o, optarg ? optarg : "", 0, msg, sizeof msg))
            rc = cli_usage(c->name, "%s", msg);
    }
    if (rc)
        goto done;
    rc = cli_call_args(call, argc - optind, argv + optind, &err);
    if (!rc)
        rc = cli_call_exec(call, &err);
    if (rc && err.e.status != RHAZ_OK)
        cli_err_print(c, &err);
done:
    cli_call_free(call);
    free(lo);
    return rc;
}
