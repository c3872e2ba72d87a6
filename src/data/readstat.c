/* readstat.c -- Stata (.dta), SPSS (.sav, .zsav) and SAS (.sas7bdat)
 * files as rhaz tables, through ReadStat.
 *
 * The file is read whole into memory (capped like a CSV file) and ReadStat
 * parses it through memory I/O handlers, so the fuzzer and the tests
 * parse buffers the same way the program parses files.  ReadStat calls
 * back once per variable (name, format, value-label set) and once per
 * cell; cells are stored per column and the rhaz table is built at the
 * end, when the value labels (stored after the data in a .dta) are known.
 *
 * Conversions (docs/guide.md, "Your own variables"):
 *   - missing values -- system missing (.), Stata's tagged .a-.z, SPSS
 *     user-defined missing values and ranges, and SAS special missing --
 *     become missing cells; so do empty strings (as in CSV input);
 *   - a numeric variable with a value-label set becomes a text (factor)
 *     column holding the labels; a value without a label keeps its number
 *     as text ("7"); --numeric COL (as_numeric) keeps the codes instead;
 *   - dates become ISO 8601 text, the form rhaz reads dates in:
 *       Stata %td (days since 1960-01-01)           -> "1999-03-08"
 *       Stata %tc, %tC (ms since 1960-01-01 00:00)  -> "1999-03-08T14:30:00"
 *             (%tC counts leap seconds, which are not removed: up to 27 s)
 *       SPSS DATE, ADATE, EDATE, SDATE, JDATE (seconds since 1582-10-14)
 *                                                   -> "1999-03-08"
 *       SPSS DATETIME, YMDHMS                       -> "1999-03-08T14:30:00"
 *       SAS DATE, MMDDYY, DDMMYY, YYMMDD, E8601DA, IS8601DA, WORDDATE,
 *             WEEKDATE (days since 1960-01-01)      -> "1999-03-08"
 *       SAS DATETIME, E8601DT, IS8601DT (seconds)   -> "1999-03-08T14:30:00"
 *     Other date-like formats (Stata %tm %tq %tw %th %ty, SPSS TIME,
 *     SAS TIME) stay numeric, as stored;
 *   - --string COL (as_string) turns a numeric variable into text.
 *
 * Allocation cap: ReadStat reports the row count from the header, which
 * a malformed file can set to anything; nothing is sized from it.
 * Columns grow with the cells actually delivered, and the number of
 * cells may not exceed RS_CELLS_PER_BYTE times the file size (compressed
 * SAS and SPSS rows expand, but not by more than that).
 */
#include "rhaz.h"
#include "core/util.h"
#include "data/table_int.h"

#include <errno.h>
#include <math.h>
#include <readstat.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RS_CELLS_PER_BYTE 256

/* ---------- memory I/O for ReadStat ---------- */

typedef struct {
    const unsigned char *buf;
    size_t len, pos;
} rs_io;

static int io_open(const char *path, void *ctx)
{
    (void)path;
    ((rs_io *)ctx)->pos = 0;
    return 0;
}

static int io_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static readstat_off_t io_seek(readstat_off_t off, readstat_io_flags_t whence,
                              void *ctx)
{
    rs_io *io = ctx;
    readstat_off_t base = whence == READSTAT_SEEK_SET   ? 0
                          : whence == READSTAT_SEEK_CUR ? (readstat_off_t)io->pos
                                                        : (readstat_off_t)io->len;
    if ((off < 0 && -off > base) || (off > 0 && off > (readstat_off_t)io->len - base))
        return -1;
    io->pos = (size_t)(base + off);
    return (readstat_off_t)io->pos;
}

static ssize_t io_read(void *buf, size_t n, void *ctx)
{
    rs_io *io = ctx;
    size_t left = io->len - io->pos;
    if (n > left)
        n = left;
    if (n == 0) /* ReadStat asks for 0 bytes into NULL at times */
        return 0;
    memcpy(buf, io->buf + io->pos, n);
    io->pos += n;
    return (ssize_t)n;
}

static readstat_error_t io_update(long size, readstat_progress_handler fn,
                                  void *user, void *ctx)
{
    (void)size;
    (void)fn;
    (void)user;
    (void)ctx;
    return READSTAT_OK;
}

/* ---------- formats ---------- */

rhaz_table_format rhaz_table_format_of(const char *path)
{
    static const struct {
        const char *ext;
        rhaz_table_format fmt;
    } tab[] = {{".dta", RHAZ_FORMAT_DTA},
               {".sav", RHAZ_FORMAT_SAV},
               {".zsav", RHAZ_FORMAT_SAV},
               {".sas7bdat", RHAZ_FORMAT_SAS7BDAT}};
    size_t n = path ? strlen(path) : 0;
    for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++) {
        size_t m = strlen(tab[k].ext);
        if (n > m && strcasecmp(path + n - m, tab[k].ext) == 0)
            return tab[k].fmt;
    }
    return RHAZ_FORMAT_CSV;
}

const char *rhaz_table_format_name(rhaz_table_format f)
{
    switch (f) {
    case RHAZ_FORMAT_DTA: return "Stata";
    case RHAZ_FORMAT_SAV: return "SPSS";
    case RHAZ_FORMAT_SAS7BDAT: return "SAS";
    default: return "CSV";
    }
}

/* How a numeric variable's values are turned into cells. */
typedef enum {
    K_NUMBER = 0, K_DATE, K_DATETIME
} rs_kind;

typedef struct {
    rs_kind kind;
    double scale;  /* stored unit per second (dates: per day) */
    double offset; /* days from the format's epoch to 1970-01-01 */
} rs_conv;

/* days from 1960-01-01 (Stata, SAS) and 1582-10-14 (SPSS) to 1970-01-01 */
#define EPOCH_1960 (-3653.0)
#define EPOCH_1582 (-141428.0)

static int prefix(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

/* Date conversion for a variable's display format. */
static rs_conv conv_of(rhaz_table_format fmt, const char *f)
{
    rs_conv c = {K_NUMBER, 1, 0};
    if (!f)
        return c;
    if (fmt == RHAZ_FORMAT_DTA) {
        if (f[0] == '%' && f[1] == '-') /* left-aligned: %-td */
            f++;
        if (prefix(f, "%td") || (prefix(f, "%d") && !prefix(f, "%dc")))
            c = (rs_conv){K_DATE, 1, EPOCH_1960};
        else if (prefix(f, "%tc") || prefix(f, "%tC"))
            c = (rs_conv){K_DATETIME, 1000, EPOCH_1960};
    } else if (fmt == RHAZ_FORMAT_SAV) {
        if (prefix(f, "DATETIME") || prefix(f, "YMDHMS"))
            c = (rs_conv){K_DATETIME, 1, EPOCH_1582};
        else if (prefix(f, "DATE") || prefix(f, "ADATE") || prefix(f, "EDATE") ||
                 prefix(f, "SDATE") || prefix(f, "JDATE"))
            c = (rs_conv){K_DATE, 86400, EPOCH_1582};
    } else if (fmt == RHAZ_FORMAT_SAS7BDAT) {
        if (prefix(f, "DATETIME") || prefix(f, "E8601DT") || prefix(f, "IS8601DT"))
            c = (rs_conv){K_DATETIME, 1, EPOCH_1960};
        else if (prefix(f, "DATE") || prefix(f, "MMDDYY") || prefix(f, "DDMMYY") ||
                 prefix(f, "YYMMDD") || prefix(f, "E8601DA") ||
                 prefix(f, "IS8601DA") || prefix(f, "WORDDATE") ||
                 prefix(f, "WEEKDATE"))
            c = (rs_conv){K_DATE, 1, EPOCH_1960};
    }
    return c;
}

/* Civil date of day z (days since 1970-01-01), proleptic Gregorian
 * (H. Hinnant's algorithm). */
static void civil(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* ISO text of a date value; 0 if out of the range rhaz can write. */
static int format_date(const rs_conv *c, double v, char *buf, size_t size)
{
    double days, secs = 0;
    if (c->kind == K_DATE) {
        days = floor(v / c->scale);
    } else {
        double s = floor(v / c->scale); /* whole seconds */
        days = floor(s / 86400);
        secs = s - days * 86400;
    }
    if (!(fabs(days) < 4e6)) /* about +-11000 years */
        return 0;
    int y, m, d;
    civil((long)(days + c->offset), &y, &m, &d);
    if (y < 0 || y > 9999)
        return 0;
    if (c->kind == K_DATE)
        snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
    else {
        int s = (int)secs;
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, s / 3600,
                 s / 60 % 60, s % 60);
    }
    return 1;
}

/* ---------- the parse ---------- */

typedef struct {
    char *name;
    char *labelset; /* value-label set name, or NULL */
    int is_string;
    rs_conv conv;
    double *num;   /* numeric: values (NaN missing) */
    size_t *off;   /* string: offsets into arena, SIZE_MAX missing */
    char *arena;
    size_t arena_len, arena_cap;
    size_t n, cap; /* cells stored / capacity */
    int skip;      /* not in rhaz_csv_options.columns: values not stored,
                      column not in the table */
} rs_col;

typedef struct {
    double key;
    char *set, *label;
} rs_label;

typedef struct {
    rhaz_table_format fmt;
    const char *name;
    const rhaz_csv_options *opt;
    rhaz_error *err;
    rs_col *cols;
    size_t ncol;
    size_t nrow;      /* 1 + largest observation index seen */
    size_t cells, max_cells;
    rs_label *labels;
    size_t nlab, labcap;
    char rs_msg[256]; /* ReadStat's own message, if it gave one */
    int failed;
} rs_ctx;

static int name_in(const char *const *list, const char *name)
{
    for (; list && *list; list++)
        if (strcmp(*list, name) == 0)
            return 1;
    return 0;
}

static int fail(rs_ctx *c, rhaz_status st, const char *fmt, const char *a)
{
    if (!c->failed)
        rhaz_error_set(c->err, st, c->name, 0, fmt, a);
    c->failed = 1;
    return READSTAT_HANDLER_ABORT;
}

/* out of memory while reading: the stage and the size reached */
static int fail_nomem(rs_ctx *c)
{
    if (!c->failed)
        rhaz_error_set(c->err, RHAZ_ENOMEM, c->name, 0,
                       "out of memory reading the file (%zu columns, %zu cells so far)",
                       c->ncol, c->cells);
    c->failed = 1;
    return READSTAT_HANDLER_ABORT;
}

static int on_metadata(readstat_metadata_t *md, void *vp)
{
    rs_ctx *c = vp;
    int nv = readstat_get_var_count(md);
    if (nv < 0 || (size_t)nv > c->max_cells)
        return fail(c, RHAZ_EPARSE, "corrupt file: %s variables", "impossible number of");
    c->cols = calloc(nv ? (size_t)nv : 1, sizeof *c->cols);
    if (!c->cols)
        return fail_nomem(c);
    c->ncol = (size_t)nv;
    return READSTAT_HANDLER_OK;
}

static int on_variable(int index, readstat_variable_t *v, const char *labels,
                       void *vp)
{
    rs_ctx *c = vp;
    if (index < 0 || (size_t)index >= c->ncol)
        return fail(c, RHAZ_EPARSE, "corrupt file: variable %s beyond the count",
                    "index");
    rs_col *col = &c->cols[index];
    if (col->name)
        return fail(c, RHAZ_EPARSE, "corrupt file: variable %s given twice", "index");
    const char *nm = readstat_variable_get_name(v);
    col->name = core_strdup(nm && *nm ? nm : "");
    if (!col->name)
        return fail_nomem(c);
    if (!*col->name)
        return fail(c, RHAZ_EPARSE, "corrupt file: a variable %s", "has no name");
    for (size_t j = 0; j < (size_t)index; j++)
        if (c->cols[j].name && strcmp(c->cols[j].name, col->name) == 0)
            return fail(c, RHAZ_EPARSE, "duplicate column name '%s'", col->name);
    col->is_string = readstat_variable_get_type_class(v) == READSTAT_TYPE_CLASS_STRING;
    col->skip = c->opt && c->opt->columns && !name_in(c->opt->columns, col->name);
    if (!col->is_string && !col->skip) {
        col->conv = conv_of(c->fmt, readstat_variable_get_format(v));
        if (labels && *labels && !(col->labelset = core_strdup(labels)))
            return fail_nomem(c);
    }
    return READSTAT_HANDLER_OK;
}

static int grow_col(rs_ctx *c, rs_col *col, size_t need)
{
    if (need <= col->cap)
        return 0;
    size_t nc = col->cap ? col->cap : 256;
    while (nc < need)
        nc *= 2;
    if (rd_column_resize(&col->num, &col->off, col->is_string, nc))
        return -1;
    (void)c;
    col->cap = nc;
    return 0;
}

static int push_str(rs_col *col, const char *s, size_t *off)
{
    return core_arena_push(&col->arena, &col->arena_len, &col->arena_cap, s, strlen(s),
                           off);
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t val, void *vp)
{
    rs_ctx *c = vp;
    int j = readstat_variable_get_index(v);
    if (obs < 0 || j < 0 || (size_t)j >= c->ncol || !c->cols[j].name)
        return fail(c, RHAZ_EPARSE, "corrupt file: a value %s", "outside the table");
    rs_col *col = &c->cols[j];
    size_t i = (size_t)obs;
    if (++c->cells > c->max_cells || i >= c->max_cells)
        return fail(c, RHAZ_ENOMEM,
                    "corrupt file: more cells than %s could hold",
                    "a file of this size");
    if (col->skip) { /* counted, not stored */
        if (i + 1 > c->nrow)
            c->nrow = i + 1;
        return READSTAT_HANDLER_OK;
    }
    /* cells are delivered row by row; fill any skipped ones as missing */
    if (grow_col(c, col, i + 1))
        return fail_nomem(c);
    while (col->n < i) {
        if (col->is_string)
            col->off[col->n++] = SIZE_MAX;
        else
            col->num[col->n++] = NAN;
    }
    if (col->n > i) /* a cell given twice: keep the last */
        col->n = i;
    int miss = readstat_value_is_missing(val, v);
    int is_str = readstat_value_type_class(val) == READSTAT_TYPE_CLASS_STRING;
    if (col->is_string) {
        const char *s = is_str ? readstat_string_value(val) : NULL;
        if (miss || !s || !*s || name_in(c->opt ? c->opt->na_strings : NULL, s))
            col->off[i] = SIZE_MAX;
        else if (push_str(col, s, &col->off[i]))
            return fail_nomem(c);
    } else {
        double x = NAN;
        if (!miss && !is_str)
            x = readstat_double_value(val);
        col->num[i] = isfinite(x) ? x : NAN;
    }
    col->n = i + 1;
    if (i + 1 > c->nrow)
        c->nrow = i + 1;
    return READSTAT_HANDLER_OK;
}

static int on_label(const char *set, readstat_value_t val, const char *label,
                    void *vp)
{
    rs_ctx *c = vp;
    if (readstat_value_type_class(val) == READSTAT_TYPE_CLASS_STRING ||
        readstat_value_is_tagged_missing(val) || readstat_value_is_system_missing(val))
        return READSTAT_HANDLER_OK; /* labels of missing codes: cells are missing */
    if (c->nlab == c->labcap) {
        size_t nc = c->labcap ? 2 * c->labcap : 64;
        if (nc > c->max_cells)
            return fail(c, RHAZ_ENOMEM, "corrupt file: %s", "too many value labels");
        rs_label *l = realloc(c->labels, nc * sizeof *l);
        if (!l)
            return fail_nomem(c);
        c->labels = l;
        c->labcap = nc;
    }
    rs_label *l = &c->labels[c->nlab];
    l->key = readstat_double_value(val);
    l->set = core_strdup(set ? set : "");
    l->label = core_strdup(label ? label : "");
    if (!l->set || !l->label) {
        free(l->set);
        free(l->label);
        return fail_nomem(c);
    }
    c->nlab++;
    return READSTAT_HANDLER_OK;
}

static void on_error(const char *msg, void *vp)
{
    rs_ctx *c = vp;
    if (!c->rs_msg[0] && msg) {
        snprintf(c->rs_msg, sizeof c->rs_msg, "%s", msg);
        size_t n = strlen(c->rs_msg);
        while (n && (c->rs_msg[n - 1] == '\n' || c->rs_msg[n - 1] == ' '))
            c->rs_msg[--n] = '\0';
        for (char *p = c->rs_msg; *p; p++) /* one line */
            if (*p == '\n' || *p == '\r')
                *p = ' ';
    }
}

/* Label of value x in set, or NULL. */
static const char *label_of(const rs_ctx *c, const char *set, double x)
{
    for (size_t k = 0; k < c->nlab; k++)
        if (c->labels[k].key == x && strcmp(c->labels[k].set, set) == 0)
            return c->labels[k].label;
    return NULL;
}

static int set_has_labels(const rs_ctx *c, const char *set)
{
    for (size_t k = 0; k < c->nlab; k++)
        if (strcmp(c->labels[k].set, set) == 0)
            return 1;
    return 0;
}

/* Column j of the result: numbers, or text (labels, dates, --string). */
static rhaz_status emit(rs_ctx *c, rhaz_table *t, rs_col *col)
{
    size_t n = c->nrow;
    rhaz_status st = RHAZ_OK;
    if (grow_col(c, col, n ? n : 1))
        return rhaz_error_set(c->err, RHAZ_ENOMEM, c->name, 0, "out of memory building the table (%zu rows x %zu columns)", c->nrow, c->ncol);
    for (; col->n < n; col->n++) {
        if (col->is_string)
            col->off[col->n] = SIZE_MAX;
        else
            col->num[col->n] = NAN;
    }
    const rhaz_csv_options *o = c->opt;
    int want_num = o && name_in(o->as_numeric, col->name);
    int want_str = o && name_in(o->as_string, col->name);
    if (col->is_string) {
        const char **s = malloc((n ? n : 1) * sizeof *s);
        if (!s)
            return rhaz_error_set(c->err, RHAZ_ENOMEM, c->name, 0, "out of memory building the table (%zu rows x %zu columns)", c->nrow, c->ncol);
        for (size_t i = 0; i < n; i++)
            s[i] = col->off[i] == SIZE_MAX ? NULL : col->arena + col->off[i];
        if (want_num) { /* text column read as numbers: every cell must be one */
            double *x = malloc((n ? n : 1) * sizeof *x);
            if (!x) {
                free(s);
                return rhaz_error_set(c->err, RHAZ_ENOMEM, c->name, 0, "out of memory building the table (%zu rows x %zu columns)", c->nrow, c->ncol);
            }
            for (size_t i = 0; i < n && !st; i++) {
                char *e;
                x[i] = NAN;
                if (!s[i])
                    continue;
                errno = 0;
                x[i] = strtod(s[i], &e);
                if (e == s[i] || *e || errno || !isfinite(x[i]))
                    st = rhaz_error_set(c->err, RHAZ_EPARSE, c->name, 0,
                                        "observation %zu: column '%s' is not "
                                        "numeric: '%s'", i + 1, col->name, s[i]);
            }
            if (!st)
                st = rhaz_table_add_numeric(t, col->name, x, n, c->err);
            free(x);
        } else {
            st = rhaz_table_add_string(t, col->name, s, n, c->err);
        }
        free(s);
        return st;
    }
    int labelled = col->labelset && !want_num && set_has_labels(c, col->labelset);
    int dated = col->conv.kind != K_NUMBER && !want_num;
    if (!labelled && !dated && !want_str)
        return rhaz_table_add_numeric(t, col->name, col->num, n, c->err);
    /* text cells: one arena for the column */
    char **s = calloc(n ? n : 1, sizeof *s);
    if (!s)
        return rhaz_error_set(c->err, RHAZ_ENOMEM, c->name, 0, "out of memory building the table (%zu rows x %zu columns)", c->nrow, c->ncol);
    for (size_t i = 0; i < n && !st; i++) {
        double x = col->num[i];
        char buf[64];
        const char *txt = NULL;
        if (isnan(x))
            continue;
        if (labelled)
            txt = label_of(c, col->labelset, x);
        if (!txt && dated) {
            if (!format_date(&col->conv, x, buf, sizeof buf)) {
                st = rhaz_error_set(c->err, RHAZ_EDATA, c->name, 0,
                                    "observation %zu: date in column '%s' out "
                                    "of range", i + 1, col->name);
                break;
            }
            txt = buf;
        }
        if (!txt) {
            rhaz_format_double(x, buf, sizeof buf);
            txt = buf;
        }
        if (!(s[i] = core_strdup(txt)))
            st = rhaz_error_set(c->err, RHAZ_ENOMEM, c->name, 0, "out of memory building the table (%zu rows x %zu columns)", c->nrow, c->ncol);
    }
    if (!st)
        st = rhaz_table_add_string(t, col->name, (const char *const *)s, n, c->err);
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
    return st;
}

/* 1 if the file has a variable of this name (kept or skipped) */
static int has_variable(const rs_ctx *c, const char *name)
{
    for (size_t j = 0; j < c->ncol; j++)
        if (c->cols[j].name && strcmp(c->cols[j].name, name) == 0)
            return 1;
    return 0;
}

static void ctx_free(rs_ctx *c)
{
    for (size_t j = 0; j < c->ncol; j++) {
        free(c->cols[j].name);
        free(c->cols[j].labelset);
        free(c->cols[j].num);
        free(c->cols[j].off);
        free(c->cols[j].arena);
    }
    free(c->cols);
    for (size_t k = 0; k < c->nlab; k++) {
        free(c->labels[k].set);
        free(c->labels[k].label);
    }
    free(c->labels);
}

rhaz_table *rhaz_table_read_stat_mem(const void *buf, size_t len, const char *name,
                                     rhaz_table_format fmt,
                                     const rhaz_csv_options *opt, rhaz_error *err)
{
    rhaz_error_clear(err);
    if (!name)
        name = "<memory>";
    size_t maxb = opt && opt->max_bytes ? opt->max_bytes : (size_t)2 << 30;
    if (len > maxb) {
        rhaz_error_set(err, RHAZ_ENOMEM, name, 0,
                       "input of %zu bytes exceeds the %zu-byte limit", len, maxb);
        return NULL;
    }
    if (fmt == RHAZ_FORMAT_CSV) {
        rhaz_error_set(err, RHAZ_EINVAL, name, 0, "not a Stata, SPSS or SAS file");
        return NULL;
    }
    rs_io io = {buf, len, 0};
    rs_ctx c = {.fmt = fmt, .name = name, .opt = opt, .err = err};
    c.max_cells = len > SIZE_MAX / RS_CELLS_PER_BYTE ? SIZE_MAX
                                                    : len * RS_CELLS_PER_BYTE + 4096;
    rhaz_table *t = NULL;
    readstat_parser_t *p = readstat_parser_init();
    if (!p) {
        rhaz_error_set(err, RHAZ_ENOMEM, name, 0, "out of memory reading the file (%zu bytes)",
                       len);
        return NULL;
    }
    readstat_set_open_handler(p, io_open);
    readstat_set_close_handler(p, io_close);
    readstat_set_seek_handler(p, io_seek);
    readstat_set_read_handler(p, io_read);
    readstat_set_update_handler(p, io_update);
    readstat_set_io_ctx(p, &io);
    readstat_set_metadata_handler(p, on_metadata);
    readstat_set_variable_handler(p, on_variable);
    readstat_set_value_handler(p, on_value);
    readstat_set_value_label_handler(p, on_label);
    readstat_set_error_handler(p, on_error);
    readstat_error_t rc;
    if (fmt == RHAZ_FORMAT_DTA)
        rc = readstat_parse_dta(p, name, &c);
    else if (fmt == RHAZ_FORMAT_SAV)
        rc = readstat_parse_sav(p, name, &c);
    else
        rc = readstat_parse_sas7bdat(p, name, &c);
    if (rc != READSTAT_OK || c.failed) {
        if (!c.failed) {
            const char *why = c.rs_msg[0] ? c.rs_msg : readstat_error_message(rc);
            rhaz_error_set(err, rc == READSTAT_ERROR_MALLOC ? RHAZ_ENOMEM : RHAZ_EPARSE,
                           name, 0, "not a readable %s file (%s)",
                           rhaz_table_format_name(fmt), why ? why : "unknown error");
        }
        goto done;
    }
    if (!c.cols || c.ncol == 0) {
        rhaz_error_set(err, RHAZ_EPARSE, name, 0, "%s file with no variables",
                       rhaz_table_format_name(fmt));
        goto done;
    }
    for (size_t j = 0; j < c.ncol; j++)
        if (!c.cols[j].name) {
            rhaz_error_set(err, RHAZ_EPARSE, name, 0,
                           "corrupt file: variable %zu has no description", j + 1);
            goto done;
        }
    if (!(t = rhaz_table_new(name, err)))
        goto done;
    for (size_t j = 0; j < c.ncol; j++)
        if (!c.cols[j].skip && emit(&c, t, &c.cols[j]) != RHAZ_OK) {
            rhaz_table_free(t);
            t = NULL;
            goto done;
        }
    if (opt)
        for (int k = 0; k < 2; k++)
            for (const char *const *l = k ? opt->as_numeric : opt->as_string; l && *l;
                 l++)
                if (!has_variable(&c, *l)) {
                    rhaz_error_set(err, RHAZ_ENOTFOUND, name, 0, "no column '%s'", *l);
                    rhaz_table_free(t);
                    t = NULL;
                    goto done;
                }
done:
    readstat_parser_free(p);
    ctx_free(&c);
    return t;
}

rhaz_table *rhaz_table_read_stat(const char *path, const rhaz_csv_options *opt,
                                 rhaz_error *err)
{
    rhaz_error_clear(err);
    size_t maxb = opt && opt->max_bytes ? opt->max_bytes : (size_t)2 << 30;
    char *buf = NULL;
    size_t len = 0;
    if (core_read_file(path, maxb, "file", &buf, &len, err) != RHAZ_OK)
        return NULL;
    rhaz_table *t =
        rhaz_table_read_stat_mem(buf, len, path, rhaz_table_format_of(path), opt, err);
    free(buf);
    return t;
}
