/* read_opts.c -- the table-reading options (--na, --text, --delim,
 * --decimal, --encoding, --latin1) as the option tables deliver them
 * (cli_read_args, cmd.h), turned into the library's CSV options.  It sits
 * above both options.c (usage errors) and util.c. */
#include "cli.h"
#include "cmd.h"

#include <stddef.h>
#include <stdint.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    r->sample = a->sample.n ? a->sample.v : NULL;
    r->sample_cols = a->sample_cols.n ? a->sample_cols.v : NULL;
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
    for (size_t k = 0; k < r->nkeep; k++)
        free(r->keep[k]);
    free(r->keep);
    r->keep = NULL;
    r->nkeep = r->capkeep = 0;
    r->csv.columns = NULL;
}

/* Add the n bytes of name to r->keep (once).  0, or -1 out of memory. */
static int keep_add(cli_read_opts *r, const char *name, size_t n)
{
    for (size_t k = 0; k < r->nkeep; k++)
        if (strlen(r->keep[k]) == n && strncmp(r->keep[k], name, n) == 0)
            return 0;
    if (r->nkeep + 1 >= r->capkeep) {
        size_t cap = r->capkeep ? 2 * r->capkeep : 32;
        char **v = realloc(r->keep, cap * sizeof *v);
        if (!v)
            return -1;
        r->keep = v;
        r->capkeep = cap;
    }
    if (!(r->keep[r->nkeep] = strndup(name, n)))
        return -1;
    r->keep[++r->nkeep] = NULL;
    return 0;
}

/* The columns of formula f into r->keep; 1 if f asks for every column. */
static int keep_formula(cli_read_opts *r, const rhaz_formula *f, rhaz_error *err)
{
    const char **names;
    int all;
    if (rhaz_formula_columns(f, &names, &all, err) != RHAZ_OK)
        return -1;
    int rc = all;
    for (size_t k = 0; names[k] && rc == 0; k++)
        rc = keep_add(r, names[k], strlen(names[k]));
    free(names);
    return rc;
}

int cli_read_keep(cli_read_opts *r, const rhaz_formula *const *f, size_t nf,
                  const char *const *cols, size_t ncols, rhaz_error *err)
{
    int rc = 0;
    for (size_t k = 0; k < nf && rc == 0; k++)
        if (f[k])
            rc = keep_formula(r, f[k], err);
    for (size_t k = 0; r->sample && r->sample[k] && rc == 0; k++) {
        rhaz_error e2;
        rhaz_formula *g = rhaz_formula_parse(r->sample[k], &e2);
        rc = g ? keep_formula(r, g, err) : 1;
        rhaz_formula_free(g);
    }
    for (int pass = 0; pass < 3; pass++) {
        const char *const *v = pass == 0 ? cols : pass == 1 ? r->sample_cols : r->text;
        size_t nv = pass == 0 ? ncols : pass == 1 ? SIZE_MAX : (size_t)r->ntext;
        for (size_t k = 0; v && k < nv && (pass == 0 || v[k]) && rc == 0; k++) {
            const char *s = v[k];
            if (!s)
                continue;
            rc = keep_add(r, s, strlen(s)); /* the value, and its comma parts */
            for (size_t a = 0; rc == 0 && strchr(s, ',') && s[a];) {
                size_t n = strcspn(s + a, ",");
                rc = keep_add(r, s + a, n);
                a += n + (s[a + n] == ',');
            }
        }
    }
    if (rc == 0 && r->nkeep == 0) /* keep none ("" names no column) */
        rc = keep_add(r, "", 0);
    if (rc < 0) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                       "out of memory listing the columns to read");
        return -1;
    }
    r->csv.columns = rc == 0 ? (const char *const *)r->keep : NULL;
    return 0;
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
    if (r->sample) { /* the rows complete for every alternative */
        size_t n = rhaz_table_nrow(t), nf = 0;
        while (r->sample[nf])
            nf++;
        unsigned char *keep = malloc(n ? n : 1);
        rhaz_table *u = NULL;
        if (!keep)
            rhaz_error_set(err, RHAZ_ENOMEM, path, 0,
                           "out of memory selecting the sample (%zu rows)", n);
        else if (rhaz_common_rows(t, nf, r->sample, r->sample_cols, keep, NULL, err) ==
                 RHAZ_OK)
            u = rhaz_table_subset(t, keep, err);
        else if (err) {
            char m[sizeof err->msg];
            snprintf(m, sizeof m, "common sample: %.700s", err->msg);
            memcpy(err->msg, m, sizeof m);
        }
        free(keep);
        rhaz_table_free(t);
        return u;
    }
    return t;
}
