/* util.c -- error printing and option helpers for the CLI. */
#include "cli.h"
#include "core/util.h"
#include "cmd.h"

#include <stddef.h>

#include <getopt.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Library option (rhaz_error.option) -> the flag that sets it here. */
static const char *const option_flags[][2] = {
    {"firth", "--firth"},       {"end_year", "--end"},
    {"encoding", "--latin1"},   {"data_dir", "--data-dir"},
    {"cluster", "--cluster"},   {"size", "--size"},
    {"na_strings", "--na"},     {"decimal", "--decimal"},
    {"delim", "--delim"},       {"charset", "--encoding"},
    {"treaty", "--treaty"},     {"vary", "--vary"},
    {"at", "--at"},             {"as_string", "--text"},
    {"dydx", "--dydx"},         {"by", "--by"},
    {"covariates_key", "--covariates-key"},
};

int cli_error(const rhaz_error *err)
{
    char buf[2048];
    rhaz_error_format(err, buf, sizeof buf);
    const char *flag = NULL;
    for (size_t k = 0; err->option[0] && k < sizeof option_flags / sizeof *option_flags; k++)
        if (strcmp(err->option, option_flags[k][0]) == 0)
            flag = option_flags[k][1];
    if (flag)
        fprintf(stderr, "rhaz: %s (%s)\n", buf, flag);
    else
        fprintf(stderr, "rhaz: %s\n", buf);
    return err->status == RHAZ_EUSAGE ? EXIT_USAGE : EXIT_DATA;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "rhaz %s: %s (see 'rhaz %s --help')\n", cmd, buf, cmd);
    else
        fprintf(stderr, "rhaz: %s (see 'rhaz --help')\n", buf);
    return EXIT_USAGE;
}

int cli_bad_option(const char *cmd, char **argv)
{
    const char *opt = optind > 0 ? argv[optind - 1] : "?";
    if (optopt && optopt != '?' && !(opt && opt[0] == '-' && opt[1] == '-'))
        return cli_usage(cmd, "unknown option or missing argument: -%c", optopt);
    return cli_usage(cmd, "unknown option or missing argument: '%s'", opt);
}

int cli_fail(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "rhaz: %s\n", buf);
    return EXIT_DATA;
}

static void to_stderr(const char *msg, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "rhaz: %s\n", msg);
}

void cli_install_message_handler(void)
{
    rhaz_set_message_handler(to_stderr, NULL);
}

int cli_parse_format(const char *cmd, const char *s, unsigned allowed,
                     cli_format *out)
{
    static const char *const names[] = {"text", "csv", "json", "latex",
                                        "markdown"};
    for (int i = 0; i < 5; i++) {
        if ((allowed & (1u << i)) && strcmp(s, names[i]) == 0) {
            *out = (cli_format)i;
            return 0;
        }
    }
    cli_usage(cmd, "unknown --format '%s'", s);
    return -1;
}

void cli_locate_row(rhaz_error *err, const rhaz_design *d,
                    const rhaz_table *t, const char *path)
{
    /* err->row: the 1-based row of the design's used rows */
    if (!err || err->line != 0 || err->row < 1 || !d || !d->rows || !t ||
        (size_t)err->row > d->n)
        return;
    err->line = rhaz_table_line(t, d->rows[err->row - 1]);
    snprintf(err->file, sizeof err->file, "%s", path);
}

void cli_csv_field(FILE *fp, const char *s) { rhaz_csv_field(fp, s); }

/* Store reading option c (OPT_READ_*) with value arg (modified: lists
 * are split in place).  0, or -1 with a message in msg. */
static int read_set(cli_read_opts *r, int c, char *arg, char *msg, size_t msz)
{
    switch (c) {
    case OPT_READ_NA:
    case OPT_READ_TEXT: {
        const char **list = c == OPT_READ_NA ? r->na : r->text;
        int *n = c == OPT_READ_NA ? &r->nna : &r->ntext;
        for (char *save = NULL, *tok = strtok_r(arg, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            if (!*tok)
                continue;
            if (*n >= CLI_READ_MAX) {
                snprintf(msg, msz, "more than %d %s", CLI_READ_MAX,
                         c == OPT_READ_NA ? "--na tokens" : "--text columns");
                return -1;
            }
            list[(*n)++] = tok;
        }
        return 0;
    }
    case OPT_READ_DELIM:
        if (strcmp(arg, "\\t") == 0 || strcmp(arg, "tab") == 0)
            r->csv.delim = '\t';
        else if (strlen(arg) == 1 && arg[0] != '"' && arg[0] != '\n' && arg[0] != '\r')
            r->csv.delim = arg[0];
        else {
            snprintf(msg, msz, "--delim takes one character (or tab), not '%.40s'", arg);
            return -1;
        }
        return 0;
    case OPT_READ_DECIMAL:
        if (strcmp(arg, ".") != 0 && strcmp(arg, ",") != 0) {
            snprintf(msg, msz, "--decimal must be . or , (not '%.40s')", arg);
            return -1;
        }
        r->csv.decimal = arg[0];
        return 0;
    case OPT_READ_LATIN1:
        r->csv.encoding = RHAZ_ENC_LATIN1;
        r->csv.charset = NULL;
        return 0;
    case OPT_READ_ENCODING:
        if (strcasecmp(arg, "utf-8") == 0 || strcasecmp(arg, "utf8") == 0) {
            r->csv.encoding = RHAZ_ENC_UTF8;
            r->csv.charset = NULL;
        } else if (strcasecmp(arg, "latin1") == 0 || strcasecmp(arg, "latin-1") == 0 ||
                   strcasecmp(arg, "iso-8859-1") == 0) {
            r->csv.encoding = RHAZ_ENC_LATIN1;
            r->csv.charset = NULL;
        } else {
            iconv_t cd = iconv_open("UTF-8", arg);
            if (cd == (iconv_t)-1) {
                snprintf(msg, msz, "unknown --encoding '%.40s' (iconv --list names them)", arg);
                return -1;
            }
            iconv_close(cd);
            r->csv.charset = arg;
        }
        return 0;
    }
    return 0;
}

int cli_read_option(cli_read_opts *r, const char *cmd, int c, char *arg)
{
    if (c < OPT_READ_NA || c > OPT_READ_LATIN1)
        return 0;
    char msg[256];
    if (read_set(r, c, arg, msg, sizeof msg) != 0) {
        cli_usage(cmd, "%s", msg);
        return -1;
    }
    return 1;
}

/* Copy v (r owns the copy) and store it as reading option c. */
static int read_copy(cli_read_opts *r, int c, const char *name, const char *v,
                     cli_err *err)
{
    char *copy = strdup(v), msg[256];
    if (!copy || r->nown >= (int)(sizeof r->own / sizeof r->own[0])) {
        free(copy);
        return cli_err_usage(err, name, "too many --%s values", name);
    }
    r->own[r->nown++] = copy;
    if (read_set(r, c, copy, msg, sizeof msg) != 0)
        return cli_err_usage(err, name, "%s", msg);
    return EXIT_OK;
}

int cli_read_args_apply(cli_read_opts *r, const cli_read_args *a, cli_err *err)
{
    static const struct {
        int c;
        const char *name;
        size_t off;
    } rows[] = {
        {OPT_READ_DELIM, "delim", offsetof(cli_read_args, delim)},
        {OPT_READ_DECIMAL, "decimal", offsetof(cli_read_args, decimal)},
        {OPT_READ_ENCODING, "encoding", offsetof(cli_read_args, encoding)},
    };
    if (a->latin1)
        read_set(r, OPT_READ_LATIN1, NULL, NULL, 0);
    int rc = EXIT_OK;
    for (size_t k = 0; !rc && k < a->na.n; k++)
        rc = read_copy(r, OPT_READ_NA, "na", a->na.v[k], err);
    for (size_t k = 0; !rc && k < a->text.n; k++)
        rc = read_copy(r, OPT_READ_TEXT, "text", a->text.v[k], err);
    for (size_t k = 0; !rc && k < sizeof rows / sizeof rows[0]; k++) {
        const char *v = *(const char *const *)((const char *)a + rows[k].off);
        if (v)
            rc = read_copy(r, rows[k].c, rows[k].name, v, err);
    }
    return rc;
}

const char *cli_read_error_option(const cli_read_opts *r, const rhaz_error *e)
{
    for (int k = 0; k < r->ntext; k++)
        if (strcmp(e->what, r->text[k]) == 0)
            return "text";
    return "data";
}

void cli_read_free(cli_read_opts *r)
{
    for (int k = 0; k < r->nown; k++)
        free(r->own[k]);
    r->nown = 0;
}

const rhaz_csv_options *cli_read_csv(cli_read_opts *r)
{
    if (r->csv.decimal == ',' && !r->csv.delim)
        r->csv.delim = ';';
    r->na[r->nna] = NULL;
    r->text[r->ntext] = NULL;
    r->csv.na_strings = r->na;
    if (!r->csv.as_string)
        r->csv.as_string = r->text;
    return &r->csv;
}

rhaz_table *cli_read_table(cli_read_opts *r, const char *path, rhaz_error *err)
{
    rhaz_table *t = rhaz_table_read(path, cli_read_csv(r), err);
    if (!t)
        return NULL;
    for (int k = 0; k < r->ntext; k++)
        if (rhaz_table_find(t, r->text[k]) < 0) {
            rhaz_error_set(err, RHAZ_ENOTFOUND, path, 1, "--text: no column '%s'",
                           r->text[k]);
            if (err) /* the column: cli_read_error_option names --text */
                snprintf(err->what, sizeof err->what, "%s", r->text[k]);
            rhaz_table_free(t);
            return NULL;
        }
    return t;
}
