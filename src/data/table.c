/* table.c -- typed column tables: CSV in (through libcsv) and out.
 *
 * Reading happens in memory: the file is read whole (capped), a UTF-8
 * byte-order mark is dropped, Latin-1 input is converted to UTF-8 (or
 * UTF-8 input validated), then libcsv parses it one physical line at a
 * time so that every record knows the line it ends on.
 *
 * Type inference is speculative: each column starts numeric and turns
 * string at its first non-numeric, non-missing cell.  If that happens
 * after numeric cells were already seen, their exact text is gone, so the
 * parse is repeated once with the final types fixed.
 *
 * Pass 1 also counts, per column not typed by an option, the cells that
 * are numbers, non-finite numbers ("inf", "NaN", "1e400"), numbers with a
 * comma ("1,5", "1,234") and other text, keeping the first of each kind.
 * A column that is mostly numbers with some other cells is refused,
 * naming the first such cell: read as text it would turn into a factor
 * with a level per value (a silent wrong answer).
 *
 * With rhaz_csv_options.columns, every header field still becomes a
 * column while reading (so that duplicate names, field counts and line
 * numbers are checked as without the list), but the cells of columns not
 * listed are passed over before any conversion or storage, and those
 * columns are dropped from the table at the end (keep_columns).
 *
 * Input in another character set (charset, e.g. CP1252 or UTF-16) is
 * converted by iconv; UTF-16 read without saying so is detected (BOM or
 * the NUL pattern) and refused with the option that reads it.
 */
#include "rhaz.h"
#include "core/util.h"
#include "data/table_int.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOSTR SIZE_MAX

/* pass 1 cell kinds (see the file comment) */
enum { CELL_NUM = 0, CELL_NONFINITE, CELL_COMMA, CELL_TEXT, CELL_NKIND };
typedef struct {
    size_t cnt[CELL_NKIND];
    long line[CELL_NKIND]; /* line of the first cell of each kind */
    char first[CELL_NKIND][44];
} cellstat;

typedef struct {
    char *name;
    rhaz_coltype type;
    int forced;      /* type fixed by option or by pass 1 */
    int opt_forced;  /* type fixed by as_string / as_numeric */
    int generated;   /* name V<j> given to an empty header cell */
    int seen_number; /* pass 1: a numeric value was stored */
    int skip;        /* not in rhaz_csv_options.columns: cells ignored,
                        column dropped at the end of the read */
    long field;      /* 1-based field in the header (0: built in memory) */
    size_t nnum;     /* pass 1: numeric cells */
    cellstat *st;    /* pass 1: allocated at the first non-numeric cell */
    double *num;     /* numeric: nrow values */
    size_t *off;     /* string: offsets into arena, NOSTR = missing */
    char *arena;
    size_t arena_len, arena_cap;
} column;

struct rhaz_table {
    char *name;
    size_t row_hint;  /* expected rows while parsing (0: unknown) */
    size_t src_len;   /* bytes being parsed (bounds the hint) */
    size_t nrow, ncol, rowcap, colcap;
    column *cols;
    /* input lines, kept sparse: row i is on line i + delta of the last
     * break at or before it (one break per blank line or multi-line
     * record, not one number per row) */
    size_t *brk_row;
    long *brk_delta;
    size_t nbrk, brkcap;
    strmap names; /* column name -> index */
};

/* ---------- small helpers ---------- */

static void column_free(column *c)
{
    free(c->st);
    free(c->name);
    free(c->num);
    free(c->off);
    free(c->arena);
}

void rhaz_table_free(rhaz_table *t)
{
    if (!t)
        return;
    for (size_t j = 0; j < t->ncol; j++)
        column_free(&t->cols[j]);
    free(t->cols);
    free(t->brk_row);
    free(t->brk_delta);
    strmap_free(&t->names);
    free(t->name);
    free(t);
}

static rhaz_table *table_alloc(const char *name)
{
    rhaz_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->name = core_strdup(name ? name : "");
    if (!t->name) {
        free(t);
        return NULL;
    }
    return t;
}

static int add_column(rhaz_table *t, const char *name)
{
    if (t->ncol == t->colcap) {
        size_t nc = t->colcap ? 2 * t->colcap : 16;
        column *c = realloc(t->cols, nc * sizeof *c);
        if (!c)
            return -1;
        t->cols = c;
        t->colcap = nc;
    }
    if (!t->names.cap && strmap_init(&t->names, 16) != 0)
        return -1;
    column *c = &t->cols[t->ncol];
    memset(c, 0, sizeof *c);
    c->name = core_strdup(name);
    if (!c->name)
        return -1;
    if (strmap_put(&t->names, name, t->ncol) != 0) {
        free(c->name);
        return -1;
    }
    t->ncol++;
    return 0;
}

/* Grow every column's storage to hold `need` rows. */
/* Rows expected (an upper bound from the number of line ends), so that
 * columns are allocated once instead of grown and copied. */
static size_t row_hint_of(const char *buf, size_t len)
{
    size_t n = 0;
    for (const char *p = buf, *e = buf + len; (p = memchr(p, '\n', (size_t)(e - p)));
         p++)
        n++;
    return n + 1;
}

static int ensure_rows(rhaz_table *t, size_t need)
{
    if (need <= t->rowcap)
        return 0;
    size_t hint = t->row_hint;
    if (t->ncol && hint > t->src_len / t->ncol + 1) /* a row takes >= ncol bytes */
        hint = t->src_len / t->ncol + 1;
    size_t nc = t->rowcap ? t->rowcap : (hint > 1024 ? hint : 1024);
    while (nc < need)
        nc *= 2;
    for (size_t j = 0; j < t->ncol; j++) {
        column *c = &t->cols[j];
        if (c->skip)
            continue;
        if (rd_column_resize(&c->num, &c->off, c->type != RHAZ_COL_NUMERIC, nc))
            return -1;
    }
    t->rowcap = nc;
    return 0;
}

int rd_column_resize(double **num, size_t **off, int is_string, size_t nc)
{
    if (is_string) {
        size_t *o = realloc(*off, nc * sizeof *o);
        if (!o)
            return -1;
        *off = o;
    } else {
        double *x = realloc(*num, nc * sizeof *x);
        if (!x)
            return -1;
        *num = x;
    }
    return 0;
}

static int arena_push(column *c, const char *s, size_t len, size_t *off)
{
    return core_arena_push(&c->arena, &c->arena_len, &c->arena_cap, s, len, off);
}

/* ---------- numbers ---------- */

static const double pow10tab[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Parse a complete decimal number (optional sign, digits, optional
 * fraction, optional exponent; no inf/nan/hex): the len bytes at s.
 * Returns 1 and sets *out on success, 2 if the number overflows a double,
 * 0 if s is not a number. */
static int parse_number(const char *s, size_t len, double *out)
{
    /* the common case first: [sign] digits [. digits], at most 19 digits
     * in all and a mantissa below 2^53 (exact), at most 22 decimals (an
     * exact power of ten): one correctly rounded division, the value the
     * general path below gives too */
    {
        const char *q = s, *e = s + len;
        int sg = q < e && (*q == '-' || *q == '+');
        q += sg;
        const char *d0 = q;
        uint64_t m = 0;
        while (q < e && (unsigned)(*q - '0') < 10 && q - d0 < 19)
            m = m * 10 + (uint64_t)(*q++ - '0');
        size_t nint = (size_t)(q - d0), nf = 0;
        if (q < e && *q == '.') {
            const char *f0 = ++q;
            while (q < e && (unsigned)(*q - '0') < 10 && nint + (size_t)(q - f0) < 19)
                m = m * 10 + (uint64_t)(*q++ - '0');
            nf = (size_t)(q - f0);
        }
        if (q == e && nint + nf > 0 && nf <= 22 && m <= ((uint64_t)1 << 53)) {
            double v = (double)m / pow10tab[nf];
            *out = sg && *s == '-' ? -v : v;
            return 1;
        }
    }
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    uint64_t mant = 0;
    int ndig = 0, nfrac = 0, sigdig = 0, anydig = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        anydig = 1;
        if (sigdig || s[i] != '0')
            sigdig++;
        if (ndig < 19)
            mant = mant * 10 + (uint64_t)(s[i] - '0');
        if (sigdig)
            ndig++;
    }
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            anydig = 1;
            if (sigdig || s[i] != '0')
                sigdig++;
            if (ndig < 19)
                mant = mant * 10 + (uint64_t)(s[i] - '0');
            if (sigdig)
                ndig++;
            nfrac++;
        }
    }
    if (!anydig)
        return 0;
    int has_exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t k = i + 1;
        if (k < len && (s[k] == '+' || s[k] == '-'))
            k++;
        if (k >= len || s[k] < '0' || s[k] > '9')
            return 0;
        while (k < len && s[k] >= '0' && s[k] <= '9')
            k++;
        i = k;
        has_exp = 1;
    }
    if (i != len)
        return 0;
    /* Clinger's fast path: an exact mantissa below 2^53 and an exact power
     * of ten give a correctly rounded quotient. */
    if (!has_exp && ndig <= 15 && nfrac <= 22) {
        double v = (double)mant / pow10tab[nfrac];
        *out = neg ? -v : v;
        return 1;
    }
    /* strtod needs the number NUL-terminated (a field may be a piece of
     * the input); a valid number this long is rare */
    char sb[128], *tmp = len < sizeof sb ? sb : malloc(len + 1);
    if (!tmp)
        return 0;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    errno = 0;
    char *end;
    double v = strtod(tmp, &end);
    int whole = end == tmp + len;
    if (tmp != sb)
        free(tmp);
    if (!whole)
        return 0;
    if (!isfinite(v))
        return 2;
    *out = v;
    return 1;
}

/* A number written with a decimal comma: s with ',' read as '.' (and no
 * '.' in it).  Same returns as parse_number. */
static int parse_comma_number(const char *s, size_t len, double *out)
{
    char b[64];
    if (len >= sizeof b || memchr(s, '.', len))
        return 0;
    int commas = 0;
    for (size_t i = 0; i < len; i++) {
        b[i] = s[i] == ',' ? '.' : s[i];
        commas += s[i] == ',';
    }
    b[len] = '\0';
    return commas == 1 ? parse_number(b, len, out) : 0;
}

/* Kind of a non-missing cell that parse_number refused (r: its return). */
static int cell_kind(const char *s, size_t len, int r)
{
    if (r == 2)
        return CELL_NONFINITE;
    size_t i = (len && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    const char *w = s + i;
    size_t n = len - i;
    if ((n == 3 && (strncasecmp(w, "inf", 3) == 0 || strncasecmp(w, "nan", 3) == 0)) ||
        (n == 8 && strncasecmp(w, "infinity", 8) == 0) )
        return CELL_NONFINITE;
    if (memchr(s, ',', len) && len < 64) {
        /* "1,5" (decimal comma) or "1,234" / "1.234,5" (thousands) */
        char b[64];
        size_t k = 0;
        double v;
        for (size_t j = 0; j < len; j++)
            if (s[j] != ',' && s[j] != '.')
                b[k++] = s[j];
        b[k] = '\0';
        if (k && parse_number(b, k, &v) == 1)
            return CELL_COMMA;
    }
    return CELL_TEXT;
}
/* ---------- encoding ---------- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return c ? 1 : 0;
    size_t len;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = 0x10000;
    } else
        return 0;
    if (n < len)
        return 0;
    unsigned cp = c & (0xff >> (len + 1));
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

static long line_at(const char *buf, size_t pos)
{
    long line = 1;
    for (size_t i = 0; i < pos; i++)
        if (buf[i] == '\n')
            line++;
    return line;
}

/* ---------- parsing ---------- */

typedef struct {
    rhaz_table *t;
    const rhaz_csv_options *opt;
    const char *name;
    int pass;
    long line;        /* physical line being fed */
    size_t record;    /* 0 = header */
    size_t field;     /* field index within the current record */
    int late_flip;    /* pass 1: a column turned string after numbers */
    const rhaz_table *types; /* pass 2: column types fixed by pass 1 */
    size_t max_field;
    size_t max_cols;
    char decimal;     /* '.' or ',' */
    char delim;
    rhaz_error *err;
    int failed;
    int drop_input;   /* give the parsed input's pages back (see drop_behind) */
    int dropped;      /* ... and some were: no second pass over this input */
    int again;        /* the input must be read again (par_read) */
    int threads;      /* rhaz_csv_options.threads */
    size_t newlines;  /* newlines of the input when known (counted with
                         the UTF-8 check), else SIZE_MAX */
    int quote_late;   /* when newlines is known: a '"' past the first
                         PAR_HEAD bytes (where the parts may start) */
    int mapped;       /* the input is a mapped file: pages read may be
                         given back at any time (drop_behind, count_lines) */
} parse_ctx;

/* A number in the decimal convention of the read. */
static int parse_cell(const parse_ctx *p, const char *s, size_t len, double *v)
{
    if (p->decimal == ',')
        return memchr(s, ',', len) ? parse_comma_number(s, len, v)
                                   : parse_number(s, len, v);
    return parse_number(s, len, v);
}

/* Pass 1: count a cell that is not a plain number (kind k). */
static void note_cell(parse_ctx *p, column *c, int k, const char *s, size_t len)
{
    if (!c->st && !(c->st = calloc(1, sizeof *c->st))) {
        if (!p->failed) {
            p->failed = 1;
            rhaz_error_set(p->err, RHAZ_ENOMEM, p->name, p->line,
                           "out of memory reading the table (%zu bytes)",
                           sizeof *c->st);
        }
        return;
    }
    if (!c->st->cnt[k]++) {
        c->st->line[k] = p->line;
        size_t n = len < sizeof c->st->first[k] - 4 ? len : sizeof c->st->first[k] - 4;
        /* cut at a character boundary */
        while (n < len && n && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
        memcpy(c->st->first[k], s, n);
        memcpy(c->st->first[k] + n, n < len ? "..." : "", n < len ? 4 : 1);
    }
}

static int is_missing(const parse_ctx *p, const char *s, size_t len)
{
    if (len == 0)
        return 1;
    if ((len == 2 && s[0] == 'N' && s[1] == 'A') || (len == 1 && s[0] == '.'))
        return 1;
    if (p->opt && p->opt->na_strings)
        for (const char *const *na = p->opt->na_strings; *na; na++)
            if (strlen(*na) == len && memcmp(*na, s, len) == 0)
                return 1;
    return 0;
}

static int name_in(const char *const *list, const char *name)
{
    if (!list)
        return 0;
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return 1;
    return 0;
}

static void fail(parse_ctx *p, rhaz_status st, long line, const char *fmt,
                 const char *a, const char *b)
{
    if (p->failed)
        return;
    p->failed = 1;
    rhaz_error_set(p->err, st, p->name, line, fmt, a, b);
}

/* out of memory while reading: the stage and the size reached */
static void fail_nomem(parse_ctx *p)
{
    if (p->failed)
        return;
    p->failed = 1;
    rhaz_error_set(p->err, RHAZ_ENOMEM, p->name, p->line,
                   "out of memory reading the table (%zu rows x %zu columns so far)",
                   p->t ? p->t->nrow : 0, p->t ? p->t->ncol : 0);
}

static void convert_to_string(parse_ctx *p, column *c, size_t row)
{
    /* all earlier cells were missing (else a second pass is scheduled) */
    size_t *o = malloc((p->t->rowcap ? p->t->rowcap : 1) * sizeof *o);
    if (!o) {
        fail_nomem(p);
        return;
    }
    for (size_t i = 0; i < row; i++)
        o[i] = NOSTR;
    free(c->num);
    c->num = NULL;
    c->off = o;
    c->type = RHAZ_COL_STRING;
}

static void field_too_long(parse_ctx *p)
{
    char lim[64];
    if (p->max_field % ((size_t)1 << 20) == 0)
        snprintf(lim, sizeof lim, "%zu MiB", p->max_field >> 20);
    else
        snprintf(lim, sizeof lim, "%zu-byte", p->max_field);
    fail(p, RHAZ_ENOMEM, p->line, "field longer than the %s limit%s", lim, "");
}

static void on_field(void *data, size_t len, void *vp)
{
    parse_ctx *p = vp;
    if (p->failed)
        return;
    const char *s = data ? data : "";
    if (!data)
        len = 0;
    if (len > p->max_field) {
        field_too_long(p);
        return;
    }
    rhaz_table *t = p->t;
    size_t j = p->field++;
    if (p->record == 0) {
        char nm[32];
        char *tmp = NULL;
        if (len == 0) {
            snprintf(nm, sizeof nm, "V%zu", j + 1);
            s = nm;
        } else {
            tmp = malloc(len + 1);
            if (!tmp) {
                fail_nomem(p);
                return;
            }
            memcpy(tmp, s, len);
            tmp[len] = '\0';
            s = tmp;
        }
        if (t->ncol >= p->max_cols) {
            char a[32];
            snprintf(a, sizeof a, "%zu", p->max_cols);
            fail(p, RHAZ_ENOMEM, p->line,
                 "more than %s columns (the limit on columns)%s", a, "");
            free(tmp);
            return;
        }
        long prev = rhaz_table_find(t, s);
        if (prev >= 0) {
            char a[160];
            if (len == 0 || t->cols[prev].generated)
                snprintf(a, sizeof a, " (columns %ld and %zu; an empty header "
                         "cell is named V<column>)", prev + 1, j + 1);
            else
                snprintf(a, sizeof a, " (columns %ld and %zu)", prev + 1, j + 1);
            fail(p, RHAZ_EDATA, p->line, "duplicate column name '%s'%s", s, a);
            if (p->err)
                p->err->column = (long)j + 1;
            free(tmp);
            return;
        }
        if (add_column(t, s) != 0) {
            fail_nomem(p);
            free(tmp);
            return;
        }
        column *c = &t->cols[t->ncol - 1];
        c->generated = len == 0;
        c->field = (long)j + 1;
        c->skip = p->opt && p->opt->columns && !name_in(p->opt->columns, s);
        if (c->skip) {
            free(tmp);
            return;
        }
        if (name_in(p->opt ? p->opt->as_string : NULL, s)) {
            c->type = RHAZ_COL_STRING;
            c->forced = c->opt_forced = 1;
        } else if (name_in(p->opt ? p->opt->as_numeric : NULL, s)) {
            c->forced = c->opt_forced = 1;
        }
        free(tmp);
        return;
    }
    if (j >= t->ncol || t->cols[j].skip)
        return; /* ragged: reported at end of record; or not kept */
    size_t row = t->nrow;
    if (ensure_rows(t, row + 1) != 0) {
        fail_nomem(p);
        return;
    }
    column *c = &t->cols[j];
    int miss = is_missing(p, s, len);
    int r = -1; /* parse_cell result, -1 not tried */
    double v;
    if (c->type == RHAZ_COL_NUMERIC) {
        if (miss) {
            c->num[row] = NAN;
            return;
        }
        if ((r = parse_cell(p, s, len, &v)) == 1) {
            c->num[row] = v;
            c->seen_number = 1;
            if (p->pass == 1)
                c->nnum++;
            return;
        }
        if (p->pass == 1 && !c->opt_forced)
            note_cell(p, c, cell_kind(s, len, r), s, len);
        if (c->forced) {
            p->failed = 1;
            rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                           r == 2 ? "column '%s': '%.*s' overflows a double"
                                  : "column '%s': '%.*s' is not a number",
                           c->name, (int)(len > 40 ? 40 : len), s);
            if (p->err) {
                p->err->column = (long)j + 1;
                snprintf(p->err->what, sizeof p->err->what, "%s", c->name);
            }
            return;
        }
        if (c->seen_number) {
            p->late_flip = 1;
            c->type = RHAZ_COL_STRING;
            c->forced = 1;
            free(c->num);
            c->num = NULL;
            c->off = calloc(t->rowcap, sizeof *c->off); /* placeholder */
            if (!c->off)
                fail_nomem(p);
            return; /* pass 2 will redo this column */
        }
        convert_to_string(p, c, row);
        if (p->failed)
            return;
    } else if (p->pass == 1 && !c->opt_forced && !miss) {
        if ((r = parse_cell(p, s, len, &v)) == 1)
            c->nnum++;
        else
            note_cell(p, c, cell_kind(s, len, r), s, len);
    }
    if (p->late_flip && c->forced && p->pass == 1 && c->num == NULL &&
        c->arena == NULL && c->seen_number)
        return; /* column scheduled for pass 2 */
    if (miss) {
        c->off[row] = NOSTR;
        return;
    }
    if (arena_push(c, s, len, &c->off[row]) != 0)
        fail_nomem(p);
}

/* Row `row` (the next one) is on input line `line`: a break is kept when
 * the line is not the previous row's + 1.  0, or -1 out of memory. */
static int note_line(rhaz_table *t, size_t row, long line)
{
    long delta = line - (long)row;
    if (t->nbrk && t->brk_delta[t->nbrk - 1] == delta)
        return 0;
    if (t->nbrk == t->brkcap) {
        size_t nc = t->brkcap ? 2 * t->brkcap : 16;
        size_t *r = realloc(t->brk_row, nc * sizeof *r);
        if (r)
            t->brk_row = r;
        long *d = r ? realloc(t->brk_delta, nc * sizeof *d) : NULL;
        if (!d)
            return -1;
        t->brk_delta = d;
        t->brkcap = nc;
    }
    t->brk_row[t->nbrk] = row;
    t->brk_delta[t->nbrk++] = delta;
    return 0;
}

static void on_record(int term, void *vp)
{
    (void)term;
    parse_ctx *p = vp;
    if (p->failed)
        return;
    rhaz_table *t = p->t;
    if (p->record == 0) {
        if (p->types && p->types->ncol == t->ncol) {
            for (size_t j = 0; j < t->ncol; j++) {
                t->cols[j].type = p->types->cols[j].type;
                t->cols[j].forced = 1;
            }
        }
        p->record = 1;
        p->field = 0;
        return;
    }
    if (p->field != t->ncol) {
        char a[32], b[32];
        snprintf(a, sizeof a, "%zu", p->field);
        snprintf(b, sizeof b, "%zu", t->ncol);
        fail(p, RHAZ_EPARSE, p->line,
             "ragged row: %s fields where the header has %s", a, b);
        return;
    }
    if (note_line(t, t->nrow, p->line)) {
        fail_nomem(p);
        return;
    }
    t->nrow++;
    p->record++;
    p->field = 0;
}

/* libcsv's state between records (its ROW_NOT_BEGUN; csv.h does not name
 * the states) */
#define LIBCSV_ROW_NOT_BEGUN 0

/* Lines that libcsv would read as plain fields: no quote character, no
 * carriage return but one just before the newline.  Such a line is cut
 * at the delimiter here, with libcsv's trimming of spaces and tabs (other
 * than the delimiter) around an unquoted field, and a blank line (spaces
 * and tabs only) is skipped as libcsv skips it; every other line, and
 * any line while libcsv is inside a record (a quoted field spanning
 * lines), goes to libcsv.  libcsv decides all quoting; this only spares
 * it copying plain fields byte by byte. */
#define TRIM_SPACE(ch, d) (((ch) == ' ' || (ch) == '\t') && (ch) != (d))

/* The line s (n bytes, without its newline) after its carriage return:
 * its length, or -1 if it is not plain. */
static long plain_len(const char *s, size_t n)
{
    if (n && s[n - 1] == '\r')
        n--;
    if (memchr(s, '"', n) || memchr(s, '\r', n))
        return -1;
    return (long)n;
}

static int blank(const char *s, size_t n, char d)
{
    size_t i = 0;
    while (i < n && TRIM_SPACE(s[i], d))
        i++;
    return i == n;
}

/* The fields of the line s (n bytes, without its newline), each handed to
 * fn (a non-zero return stops).  Returns the number of fields, 0 for a
 * blank line, -1 if the line is not plain or fn stopped. */
static long plain_fields(const char *s, size_t n, char d,
                         int (*fn)(void *ctx, const char *f, size_t len), void *ctx)
{
    long m = plain_len(s, n);
    if (m < 0)
        return -1;
    n = (size_t)m;
    if (blank(s, n, d))
        return 0;
    long k = 0;
    for (size_t a = 0;;) {
        const char *e = memchr(s + a, d, n - a);
        size_t b = e ? (size_t)(e - s) : n, q = b;
        while (a < q && TRIM_SPACE(s[a], d))
            a++;
        while (q > a && TRIM_SPACE(s[q - 1], d))
            q--;
        k++;
        if (fn(ctx, s + a, q - a))
            return -1;
        if (!e)
            break;
        a = b + 1;
    }
    return k;
}

static int field_cb(void *ctx, const char *f, size_t len)
{
    on_field((void *)f, len, ctx);
    return 0;
}

/* A plain line through the callbacks; 0 if the line is not plain or is
 * blank (nothing was called: libcsv reads it). */
static int plain_line(parse_ctx *p, const char *s, size_t n)
{
    if (plain_fields(s, n, p->delim, field_cb, p) <= 0)
        return 0;
    on_record('\n', p);
    return 1;
}

/* rhaz_table_read's buffer is the whole file and is not read again once
 * parsed: its pages up to pos (from the line after the header, which the
 * delimiter hint reads after a failure) go back to the system every
 * 32 MiB (a mapped file's pages are only unmapped: they stay in the page
 * cache), so that the file and the table it turns into are not both held
 * whole.  Only with p->drop_input. */
static int drop_behind(int on, const char *buf, size_t keep, size_t *from, size_t pos)
{
    const size_t step = (size_t)32 << 20;
    if (!on || pos < keep || pos - (*from > keep ? *from : keep) < step)
        return 0;
    long pg = sysconf(_SC_PAGESIZE);
    if (pg <= 0)
        return 0;
    uintptr_t a = (uintptr_t)(buf + (*from > keep ? *from : keep));
    uintptr_t e = (uintptr_t)(buf + pos);
    a = (a + (uintptr_t)pg - 1) / (uintptr_t)pg * (uintptr_t)pg;
    e = e / (uintptr_t)pg * (uintptr_t)pg;
    *from = pos;
    return e > a && madvise((void *)a, e - a, MADV_DONTNEED) == 0;
}

/* ---------- reading on several threads ----------
 *
 * Unless line_by_line, once the first PAR_HEAD bytes were read line by line
 * (they fix the column types), the rest of a large input whose columns
 * are all numeric and which holds no quote character is cut at newlines
 * into PAR_PARTS parts, read straight into the table's rows (the rows and
 * lines of each part counted first), at once when threads > 1.  A part
 * stops at anything but plain lines of numbers and missing values with
 * the header's number of fields (text, a ragged line, a carriage return
 * inside a line, an overlong field): then the rest is read line by line,
 * so that values, types, line numbers and errors are the same.  Columns
 * not kept (rhaz_csv_options.columns) need not be numeric: their fields
 * are only counted (and held to max_field). */
#define PAR_PARTS 2
#define PAR_HEAD ((size_t)1 << 20)
#define PAR_MIN ((size_t)8 << 20)

typedef struct {
    parse_ctx *p;
    const char *buf;
    size_t keep;                 /* drop_behind: never give back before */
    size_t beg[PAR_PARTS + 1];   /* byte range of each part (line starts) */
    size_t row0[PAR_PARTS];      /* first row of each part (counted) */
    long line0[PAR_PARTS];       /* its first line */
    size_t row_end[PAR_PARTS];   /* rows read */
    long line_end[PAR_PARTS];
    size_t *nnum[PAR_PARTS];     /* numbers read per column */
    size_t *brow[PAR_PARTS];     /* line breaks as rhaz_table's */
    long *bdelta[PAR_PARTS];
    size_t nbrk[PAR_PARTS], brkcap[PAR_PARTS];
    int bad[PAR_PARTS], dropped[PAR_PARTS];
    int fast;                    /* fast_line applies (no NA strings of the
                                    user's, decimal point) */
    unsigned char *skip;         /* per column: 1 if not kept */
    size_t *run;                 /* per column: skipped columns from it on */
} par_job;

typedef struct {
    par_job *J;
    size_t part, row, j;
} par_row;

static int par_cell(void *ctx, const char *s, size_t len)
{
    par_row *c = ctx;
    const parse_ctx *p = c->J->p;
    if (c->j >= p->t->ncol || len > p->max_field)
        return 1;
    column *col = &p->t->cols[c->j];
    double v;
    if (c->J->skip[c->j])
        ; /* not kept: only counted */
    else if (is_missing(p, s, len))
        col->num[c->row] = NAN;
    else if (parse_cell(p, s, len, &v) == 1) {
        col->num[c->row] = v;
        c->J->nnum[c->part][c->j]++;
    } else
        return 1;
    c->j++;
    return 0;
}

/* 0x80 in exactly the zero bytes of v */
static inline uint64_t zero_bytes(uint64_t v)
{
    const uint64_t m = UINT64_C(0x7f7f7f7f7f7f7f7f);
    return ~(((v & m) + m) | v | m);
}

/* Pass over k fields (of skipped columns) from q, the start of a field,
 * eight bytes at a time: the start of the field after them, with
 * *nf = k; or e when the line ends first, with *nf the fields passed
 * (the last one ending at e) and *ended = 1.  NULL at a space, tab or
 * carriage return that is not the delimiter, or (eight bytes at a time)
 * any control character: plain_fields decides. */
static const char *skip_fields(const char *q, const char *e, size_t k, char d,
                               size_t *nf, int *ended)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), hi = ones << 7;
    const uint64_t wd = ones * (unsigned char)d;
    size_t left = k; /* delimiters still to pass */
    *ended = 0;
    while (e - q >= 8) {
        uint64_t w;
        memcpy(&w, q, 8);
        uint64_t md = zero_bytes(w ^ wd);
        /* any byte below '!' (space, tab, CR, other controls: plain_fields
         * decides) unless the delimiter is one of them */
        uint64_t ctl = d > ' ' ? (w - ones * 0x21) & ~w & hi
                               : (zero_bytes(w ^ ones * ' ') | zero_bytes(w ^ ones * '\t') |
                                  zero_bytes(w ^ ones * '\r')) & ~md;
        if (ctl)
            return NULL;
        size_t cnt = (size_t)(((md >> 7) * ones) >> 56); /* delimiters in w */
        if (cnt >= left)
            break; /* the last of them is in this word */
        left -= cnt;
        q += 8;
    }
    for (; q < e; q++) {
        char ch = *q;
        if (ch == d) {
            if (--left == 0) {
                *nf = k;
                return q + 1;
            }
        } else if (ch == ' ' || ch == '\t' || ch == '\r')
            return NULL;
    }
    *nf = k - left + 1;
    *ended = 1;
    return e;
}

/* One line (n bytes, no newline) of plain numbers straight into row
 * c->row, in one pass: each field [sign] digits [. digits] (at most 19
 * digits, mantissa <= 2^53: parse_number's first case, the same
 * division, so the same value) is converted here, any other field
 * (empty, ".", an exponent, more digits) by par_cell; fields of columns
 * not kept are passed over by skip_fields (a space, tab or carriage
 * return among them: plain_fields).  Returns the number
 * of fields; 0 if the line needs plain_fields (a character other than
 * digits, sign, point and the delimiter: spaces to trim, a quote, a
 * carriage return inside the line, letters; a blank line; more fields
 * than columns) -- then nothing of it was counted; -1 if par_cell
 * refused a field. */
static long fast_line(par_row *c, const char *s, size_t n, char d)
{
    const parse_ctx *p = c->J->p;
    rhaz_table *t = p->t;
    size_t *nnum = c->J->nnum[c->part];
    const unsigned char *skip = c->J->skip;
    if (n && s[n - 1] == '\r')
        n--;
    if (n == 0 || n > p->max_field) /* a field may be too long: par_cell */
        return 0;
    const char *q = s, *e = s + n;
    c->j = 0;
    for (;;) {
        if (c->j >= t->ncol)
            goto plain;
        const char *f = q;
        if (skip[c->j]) { /* skipped columns: their fields only counted */
            size_t nf;
            int ended;
            if (!(q = skip_fields(q, e, c->J->run[c->j], d, &nf, &ended)))
                goto plain;
            c->j += nf;
            if (ended)
                return (long)c->j;
            continue;
        }
        int neg = q < e && *q == '-';
        q += q < e && (*q == '-' || *q == '+');
        const char *d0 = q;
        uint64_t m = 0;
        while (q < e && (unsigned)(*q - '0') < 10)
            m = m * 10 + (uint64_t)(*q++ - '0');
        size_t nd = (size_t)(q - d0), nf = 0;
        if (q < e && *q == '.') {
            const char *f0 = ++q;
            while (q < e && (unsigned)(*q - '0') < 10)
                m = m * 10 + (uint64_t)(*q++ - '0');
            nf = (size_t)(q - f0);
            nd += nf;
        }
        if (q < e && *q != d)
            goto plain;
        if (nd == 0 || nd > 19 || m > ((uint64_t)1 << 53) || (size_t)(q - f) > p->max_field) {
            if (par_cell(c, f, (size_t)(q - f)))
                return -1;
        } else {
            double v = (double)m / pow10tab[nf];
            t->cols[c->j].num[c->row] = neg ? -v : v;
            nnum[c->j++]++;
        }
        if (q == e)
            return (long)c->j;
        q++;
    }
plain: /* take back what this line counted */
    for (size_t j = 0; j < c->j; j++)
        nnum[j] -= !skip[j] && !isnan(t->cols[j].num[c->row]);
    return 0;
}

static void par_part(void *ctx, size_t k)
{
    par_job *J = ctx;
    const parse_ctx *p = J->p;
    size_t pos = J->beg[k], end = J->beg[k + 1], from = pos;
    size_t keep = J->keep > pos ? J->keep : pos;
    long line = J->line0[k];
    par_row c = {J, k, J->row0[k], 0};
    while (pos < end) {
        J->dropped[k] |= drop_behind(p->drop_input, J->buf, keep, &from, pos);
        const char *nl = memchr(J->buf + pos, '\n', end - pos);
        size_t n = nl ? (size_t)(nl - (J->buf + pos)) : end - pos;
        long nf = J->fast ? fast_line(&c, J->buf + pos, n, p->delim) : 0;
        if (nf == 0) {
            c.j = 0;
            nf = plain_fields(J->buf + pos, n, p->delim, par_cell, &c);
        }
        if (nf < 0 || (nf > 0 && c.j != p->t->ncol)) {
            J->bad[k] = 1;
            return;
        }
        if (nf > 0) {
            long delta = line - (long)c.row;
            size_t nb = J->nbrk[k];
            if (!nb || J->bdelta[k][nb - 1] != delta) {
                if (nb == J->brkcap[k]) {
                    size_t cap = nb ? 2 * nb : 16;
                    size_t *r = realloc(J->brow[k], cap * sizeof *r);
                    if (r)
                        J->brow[k] = r;
                    long *d = r ? realloc(J->bdelta[k], cap * sizeof *d) : NULL;
                    if (!d) {
                        J->bad[k] = 1;
                        return;
                    }
                    J->bdelta[k] = d;
                    J->brkcap[k] = cap;
                }
                J->brow[k][nb] = c.row;
                J->bdelta[k][nb] = delta;
                J->nbrk[k]++;
            }
            c.row++;
        }
        pos += n + (nl ? 1 : 0);
        if (nl)
            line++;
    }
    J->row_end[k] = c.row;
    J->line_end[k] = line;
}

/* Rows (non-blank lines) and newlines of len bytes at s.  A mapped
 * input's pages are given back behind the count (the parse maps them
 * again from the page cache). */
static void count_lines(const char *s, size_t len, char d, int mapped, size_t *rows,
                        long *lines)
{
    *rows = 0;
    *lines = 0;
    size_t from = 0;
    for (size_t pos = 0; pos < len;) {
        drop_behind(mapped, s, 0, &from, pos);
        const char *nl = memchr(s + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (s + pos)) : len - pos;
        size_t m = n && s[pos + n - 1] == '\r' ? n - 1 : n;
        *rows += !blank(s + pos, m, d);
        *lines += nl != NULL;
        pos += n + (nl ? 1 : 0);
    }
}

/* The input from start (a line start) on in parts: 1 if it was read
 * (table and p updated), 0 if not (read it line by line from start),
 * -1 if not and some of it was given back (read the input again). */
static int par_read(parse_ctx *p, const char *buf, size_t len, size_t start,
                    size_t keep)
{
    rhaz_table *t = p->t;
    for (size_t j = 0; j < t->ncol; j++)
        if (!t->cols[j].skip && t->cols[j].type != RHAZ_COL_NUMERIC)
            return 0;
    /* a quote anywhere after start (known from the UTF-8 check: any past
     * PAR_HEAD <= start, which may say yes for one just before start:
     * then the line reader reads the rest, as it would) */
    int quote = p->newlines != SIZE_MAX ? p->quote_late
                                        : memchr(buf + start, '"', len - start) != NULL;
    if (quote || ensure_rows(t, t->row_hint) != 0)
        return 0;
    par_job J;
    memset(&J, 0, sizeof J);
    if (!(J.skip = calloc(t->ncol + 1, 1)))
        return 0;
    for (size_t j = 0; j < t->ncol; j++)
        J.skip[j] = (unsigned char)t->cols[j].skip;
    if (!(J.run = calloc(t->ncol + 1, sizeof *J.run))) {
        free(J.skip);
        return 0;
    }
    for (size_t j = t->ncol; j-- > 0;)
        J.run[j] = J.skip[j] ? J.run[j + 1] + 1 : 0;
    J.p = p;
    J.buf = buf;
    J.keep = keep;
    J.fast = p->decimal == '.' && !(p->opt && p->opt->na_strings && p->opt->na_strings[0]);
    J.beg[0] = start;
    for (size_t k = 1; k < PAR_PARTS; k++) {
        size_t x = start + (len - start) / PAR_PARTS * k;
        const char *nl = x < len ? memchr(buf + x, '\n', len - x) : NULL;
        J.beg[k] = nl ? (size_t)(nl - buf) + 1 : len;
        if (J.beg[k] < J.beg[k - 1])
            J.beg[k] = J.beg[k - 1];
    }
    J.beg[PAR_PARTS] = len;
    J.row0[0] = t->nrow;
    J.line0[0] = p->line;
    int rc = 1;
    for (size_t k = 0; k < PAR_PARTS; k++) {
        if (k) {
            size_t r;
            long l;
            count_lines(buf + J.beg[k - 1], J.beg[k] - J.beg[k - 1], p->delim, p->mapped, &r, &l);
            J.row0[k] = J.row0[k - 1] + r;
            J.line0[k] = J.line0[k - 1] + l;
        }
        if (!(J.nnum[k] = calloc(t->ncol + 1, sizeof *J.nnum[k])))
            rc = 0;
    }
    if (rc)
        core_parallel(PAR_PARTS, p->threads, par_part, &J);
    int dropped = 0;
    for (size_t k = 0; k < PAR_PARTS; k++) {
        dropped |= J.dropped[k];
        if (J.bad[k] || (k + 1 < PAR_PARTS && J.row_end[k] != J.row0[k + 1]))
            rc = 0;
    }
    if (rc) {
        for (size_t k = 0; k < PAR_PARTS && rc; k++)
            for (size_t b = 0; b < J.nbrk[k] && rc; b++)
                if (note_line(t, J.brow[k][b], (long)J.brow[k][b] + J.bdelta[k][b]) != 0) {
                    fail_nomem(p);
                    rc = 0;
                }
        for (size_t j = 0; j < t->ncol; j++)
            for (size_t k = 0; k < PAR_PARTS; k++) {
                if (p->pass == 1)
                    t->cols[j].nnum += J.nnum[k][j];
                t->cols[j].seen_number |= J.nnum[k][j] > 0;
            }
        size_t rows = J.row_end[PAR_PARTS - 1] - t->nrow;
        t->nrow += rows;
        p->record += rows;
        p->line = J.line_end[PAR_PARTS - 1];
        p->dropped |= dropped;
    }
    for (size_t k = 0; k < PAR_PARTS; k++) {
        free(J.nnum[k]);
        free(J.brow[k]);
        free(J.bdelta[k]);
    }
    free(J.skip);
    free(J.run);
    return rc ? 1 : dropped ? -1 : 0;
}

static rhaz_table *parse_pass(const char *buf, size_t len, parse_ctx *p,
                              const rhaz_table *types)
{
    rhaz_table *t = table_alloc(p->name);
    if (!t) {
        rhaz_error_set(p->err, RHAZ_ENOMEM, p->name, 0,
                       "out of memory reading the table (%zu bytes)", len);
        return NULL;
    }
    t->row_hint = p->newlines != SIZE_MAX ? p->newlines + 1 : row_hint_of(buf, len);
    t->src_len = len;
    p->t = t;
    p->types = types;
    p->line = 1;
    p->record = 0;
    p->field = 0;
    p->failed = 0;
    struct csv_parser cp;
    if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        rhaz_error_set(p->err, RHAZ_ENOMEM, p->name, 0,
                       "out of memory reading the table (%zu bytes)", len);
        rhaz_table_free(t);
        return NULL;
    }
    if (p->opt && p->opt->delim)
        csv_set_delim(&cp, (unsigned char)p->opt->delim);
    /* libcsv grows a field by blk_size bytes at a time (128 by default:
     * quadratic copying for a long field) */
    csv_set_blk_size(&cp, (size_t)64 << 10);
    size_t pos = 0, from = 0;
    const char *nl1 = memchr(buf, '\n', len);
    size_t keep = nl1 ? (size_t)(nl1 - buf) + 1 : len;
    int par_tried = 0;
    while (pos < len && !p->failed) {
        p->dropped |= drop_behind(p->drop_input, buf, keep, &from, pos);
        if (!par_tried && !(p->opt && p->opt->line_by_line) && pos >= PAR_HEAD &&
            len - pos >= PAR_MIN &&
            p->record > 0 && cp.pstate == LIBCSV_ROW_NOT_BEGUN) {
            par_tried = 1;
            int r = par_read(p, buf, len, pos, keep);
            if (r > 0)
                break;
            if (r < 0) { /* the rest is gone: the caller reads it again */
                p->again = 1;
                p->failed = 1;
                break;
            }
        }
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
        if (cp.pstate == LIBCSV_ROW_NOT_BEGUN &&
            plain_line(p, buf + pos, nl ? n - 1 : n)) {
            pos += n;
            if (nl)
                p->line++;
            continue;
        }
        /* a long line goes in 1 MiB pieces, so that an overlong field
         * fails as soon as it passes the cap, not when it ends */
        for (size_t off = 0; off < n && !p->failed;) {
            size_t k = n - off > ((size_t)1 << 20) ? (size_t)1 << 20 : n - off;
            if (csv_parse(&cp, buf + pos + off, k, on_field, on_record, p) != k) {
                if (!p->failed)
                    fail(p, RHAZ_EPARSE, p->line, "malformed CSV: %s%s",
                         csv_strerror(csv_error(&cp)), " (stray or unbalanced quote)");
                break;
            }
            off += k;
            if (cp.entry_pos > p->max_field && !p->failed)
                field_too_long(p);
        }
        pos += n;
        if (nl)
            p->line++;
    }
    if (!p->failed) {
        long endline = p->line;
        if (csv_fini(&cp, on_field, on_record, p) != 0 && !p->failed) {
            fail(p, RHAZ_EPARSE, endline,
                 "malformed CSV: unterminated quoted field%s%s", "", "");
        }
    }
    csv_free(&cp);
    if (p->failed) {
        rhaz_table_free(t);
        return NULL;
    }
    if (t->ncol == 0) {
        rhaz_error_set(p->err, RHAZ_EPARSE, p->name, 1,
                       "empty file: no header line");
        rhaz_table_free(t);
        return NULL;
    }
    return t;
}

/* After pass 1: refuse a column of numbers but for some cells (see the
 * file comment).  0 if all columns are fine. */
static int check_mixed(parse_ctx *p, const rhaz_table *t)
{
    long best_line = 0;
    size_t bj = 0;
    int bk = -1;
    for (size_t j = 0; j < t->ncol; j++) {
        const column *c = &t->cols[j];
        if (c->skip || c->opt_forced || !c->st || (p->opt && p->opt->mixed_as_text))
            continue;
        const size_t *n = c->st->cnt;
        size_t numlike = c->nnum + n[CELL_NONFINITE] + n[CELL_COMMA];
        int k = -1;
        if (n[CELL_NONFINITE] && numlike > n[CELL_TEXT])
            k = CELL_NONFINITE;
        else if (n[CELL_COMMA] && numlike > n[CELL_TEXT])
            k = CELL_COMMA;
        else if (c->nnum && n[CELL_TEXT] && c->nnum > n[CELL_TEXT])
            k = CELL_TEXT;
        if (k < 0)
            continue;
        /* report the first offending cell of the file */
        long line = LONG_MAX;
        int kk = -1;
        for (int q = CELL_NONFINITE; q <= CELL_TEXT; q++)
            if (n[q] && c->st->line[q] < line && (q != CELL_TEXT || k == CELL_TEXT)) {
                line = c->st->line[q];
                kk = q;
            }
        if (bk < 0 || line < best_line) {
            best_line = line;
            bj = j;
            bk = kk;
        }
    }
    if (bk < 0)
        return 0;
    const column *c = &t->cols[bj];
    const cellstat *st = c->st;
    size_t bad = st->cnt[CELL_NONFINITE] + st->cnt[CELL_COMMA] +
                 (c->nnum > st->cnt[CELL_TEXT] ? st->cnt[CELL_TEXT] : 0);
    char more[128];
    if (c->nnum == 0)
        snprintf(more, sizeof more, "(nor %s the %zu other cells)",
                 bad - 1 == 1 ? "is" : "are", bad - 1);
    else if (bad > 1)
        snprintf(more, sizeof more, "(nor %s %zu other cell%s; the other %zu "
                 "value%s %s)", bad - 1 == 1 ? "is" : "are", bad - 1,
                 bad - 1 == 1 ? "" : "s", c->nnum, c->nnum == 1 ? "" : "s",
                 c->nnum == 1 ? "is" : "are");
    else
        snprintf(more, sizeof more, "(the other %zu value%s %s)", c->nnum,
                 c->nnum == 1 ? "" : "s", c->nnum == 1 ? "is" : "are");
    if (c->nnum == 0 && bad == 1)
        more[0] = '\0';
    const char *v = st->first[bk];
    const char *what = "is not a number";
    if (bk == CELL_NONFINITE)
        what = (v[0] >= '0' && v[0] <= '9') || v[0] == '.' ||
                       ((v[0] == '-' || v[0] == '+') && v[1] >= '0' && v[1] <= '9')
                   ? "overflows a double"
                   : "is not a finite number";
    /* hints in the library's terms; err->option names the setting (a
     * program maps it to its own flag) */
    const char *hint, *option;
    char hb[256];
    if (bk == CELL_NONFINITE) {
        snprintf(hb, sizeof hb,
                 "; rhaz reads no Inf or NaN (R does): declare '%s' a missing "
                 "code or fix the value", v);
        hint = hb;
        option = "na_strings";
    } else if (bk == CELL_COMMA) {
        hint = p->delim == ';' ? "; a decimal comma? set the decimal mark to ','"
                               : "; a thousands separator or decimal comma? "
                                 "remove it, or read a ';' file with delimiter "
                                 "';' and decimal mark ','";
        option = p->delim == ';' ? "decimal" : "delim";
    } else {
        snprintf(hb, sizeof hb,
                 "; if it means missing, declare '%s' a missing code, or read "
                 "the column %s as text",
                 v, c->name);
        hint = hb;
        option = "na_strings,as_string"; /* either setting */
    }
    p->failed = 1;
    rhaz_error_set(p->err, RHAZ_EDATA, p->name, st->line[bk],
                   "column %s: '%s' %s%s%s%s", c->name, v, what,
                   more[0] ? " " : "", more, hint);
    if (p->err) {
        p->err->column = (long)bj + 1;
        snprintf(p->err->what, sizeof p->err->what, "%s", c->name);
    }
    core_error_option(p->err, option);
    return -1;
}

/* UTF-16 text read without saying so: a byte-order mark, or NULs in every
 * other byte of the first kilobyte.  Returns "UTF-16LE"/"UTF-16BE"/NULL. */
static const char *utf16_guess(const unsigned char *b, size_t len, int *bom)
{
    *bom = 0;
    if (len >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff))) {
        *bom = 1;
        return b[0] == 0xff ? "UTF-16LE" : "UTF-16BE";
    }
    size_t n = len < 1024 ? len : 1024, z[2] = {0, 0};
    for (size_t i = 0; i < n; i++)
        z[i & 1] += b[i] == 0;
    if (n >= 4) {
        if (z[1] * 10 >= (n / 2) * 9 && z[0] == 0)
            return "UTF-16LE";
        if (z[0] * 10 >= (n / 2) * 9 && z[1] == 0)
            return "UTF-16BE";
    }
    return NULL;
}

/* Convert len bytes from charset to UTF-8 with iconv.  NULL on error. */
static char *to_utf8(const char *buf, size_t len, const char *charset,
                     const char *name, size_t *outlen, rhaz_error *err)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1) {
        rhaz_error_set(err, RHAZ_EUSAGE, name, 0,
                       "unknown character set '%s' (iconv --list names them)",
                       charset);
        return NULL;
    }
    size_t cap = 2 * len + 16, k = 0;
    char *out = malloc(cap);
    char *ip = (char *)buf;
    size_t il = len;
    while (out) {
        char *op = out + k;
        size_t ol = cap - k - 1;
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        k = (size_t)(op - out);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            char *nb = cap < ((size_t)1 << 40) ? realloc(out, 2 * cap) : NULL;
            if (!nb) {
                free(out);
                out = NULL;
                break;
            }
            out = nb;
            cap *= 2;
            continue;
        }
        long line = 1;
        for (size_t i = 0; i < k; i++)
            line += out[i] == '\n';
        rhaz_error_set(err, RHAZ_EPARSE, name, line,
                       "%s sequence not valid in %s (byte 0x%02x)",
                       errno == EINVAL ? "incomplete" : "byte", charset,
                       (unsigned char)*ip);
        free(out);
        iconv_close(cd);
        return NULL;
    }
    iconv_close(cd);
    if (!out) {
        rhaz_error_set(err, RHAZ_ENOMEM, name, 0,
                       "out of memory converting from %s (%zu bytes)", charset, cap);
        return NULL;
    }
    out[k] = '\0';
    *outlen = k;
    return out;
}

/* The first byte of buf[beg[k], beg[k + 1]) that is not valid UTF-8
 * text (a NUL counts as bad), into bad[k]; beg[k + 1] if none. */
typedef struct {
    const char *buf;
    size_t beg[3], bad[2];
    size_t newlines[2]; /* newlines of each part (the table's row hint) */
    int quote[2];       /* a '"' in the part past the first PAR_HEAD bytes */
    int unmap; /* a mapped file: each part's pages unmapped once checked
                  (they stay in the page cache; the parse maps them
                  again), so that the whole file is never resident */
} utf8_job;

static void utf8_part(void *ctx, size_t k)
{
    utf8_job *U = ctx;
    const char *buf = U->buf;
    size_t len = U->beg[k + 1], nl = 0, from = U->beg[k];
    const uint64_t hi = UINT64_C(0x8080808080808080), lo = UINT64_C(0x0101010101010101);
    const size_t chunk = (size_t)1 << 20;
    U->bad[k] = len;
    U->quote[k] = 0;
    /* a MiB at a time: checked, its newlines counted and its quotes
     * looked for while in cache, and (mapped) given back behind */
    for (size_t c0 = U->beg[k], i = c0; c0 < len && U->bad[k] == len; c0 = i) {
        size_t c1 = len - c0 > chunk ? c0 + chunk : len;
        while (i < c1) {
            uint64_t w;
            if (len - i >= 8 && (memcpy(&w, buf + i, 8), !(w & hi)) &&
                !((w - lo) & ~w & hi)) {
                i += 8; /* eight ASCII bytes, none NUL */
                continue;
            }
            unsigned char c = (unsigned char)buf[i];
            if (c && c < 0x80) {
                i++;
                continue;
            }
            size_t n = utf8_seq((const unsigned char *)buf + i, len - i);
            if (!n) {
                U->bad[k] = i;
                return;
            }
            i += n;
        }
        for (const char *q = buf + c0, *e = buf + i; (q = memchr(q, '\n', (size_t)(e - q))); q++)
            nl++;
        size_t q0 = c0 > PAR_HEAD ? c0 : PAR_HEAD;
        U->quote[k] |= q0 < i && memchr(buf + q0, '"', i - q0) != NULL;
        drop_behind(U->unmap, buf, U->beg[k], &from, i);
    }
    U->newlines[k] = nl;
}

/* Drop the columns not kept (rhaz_csv_options.columns); the others keep
 * their order.  0, or -1 when out of memory. */
static int keep_columns(rhaz_table *t)
{
    size_t k = 0;
    for (size_t j = 0; j < t->ncol; j++) {
        if (t->cols[j].skip)
            column_free(&t->cols[j]);
        else
            t->cols[k++] = t->cols[j];
    }
    if (k == t->ncol)
        return 0;
    t->ncol = k;
    strmap_free(&t->names);
    if (strmap_init(&t->names, k) != 0)
        return -1;
    for (size_t j = 0; j < k; j++)
        if (strmap_put(&t->names, t->cols[j].name, j) != 0)
            return -1;
    return 0;
}

static rhaz_table *read_mem(const char *in, size_t len, const char *name,
                            const rhaz_csv_options *opt, int drop, int *again,
                            rhaz_error *err)
{
    rhaz_error_clear(err);
    if (!name)
        name = "<memory>";
    size_t maxb = opt && opt->max_bytes ? opt->max_bytes : (size_t)2 << 30;
    if (len > maxb) {
        rhaz_error_set(err, RHAZ_ENOMEM, name, 0,
                       "input of %zu bytes exceeds the %zu-byte limit", len,
                       maxb);
        return NULL;
    }
    const char *buf = in;
    char *conv = NULL;
    size_t newlines = SIZE_MAX; /* from the UTF-8 check */
    int quote_late = 1;
    int mapped = 0; /* buf is the mapped file itself (not a conversion) */
    int bom;
    const char *u16 = utf16_guess((const unsigned char *)buf, len, &bom);
    if (opt && opt->charset) {
        size_t k;
        if (!(conv = to_utf8(buf, len, opt->charset, name, &k, err)))
            return NULL;
        buf = conv;
        len = k;
    } else if (u16) {
        rhaz_error_set(err, RHAZ_EPARSE, name, 1,
                       "%s text (%s): read it with the character set %s, or "
                       "convert it (iconv -f %s -t UTF-8)",
                       u16, bom ? "byte-order mark" : "NUL in every other byte",
                       bom ? "UTF-16" : u16, bom ? "UTF-16" : u16);
        core_error_option(err, "charset");
        return NULL;
    }
    if (len >= 3 && (unsigned char)buf[0] == 0xef &&
        (unsigned char)buf[1] == 0xbb && (unsigned char)buf[2] == 0xbf) {
        buf += 3;
        len -= 3;
        /* a second mark would become part of the first column's name */
        if (len >= 3 && (unsigned char)buf[0] == 0xef &&
            (unsigned char)buf[1] == 0xbb && (unsigned char)buf[2] == 0xbf) {
            rhaz_error_set(err, RHAZ_EPARSE, name, 1,
                           "a second UTF-8 byte-order mark (EF BB BF twice at the "
                           "start): it would become part of the first column's "
                           "name; remove it");
            free(conv);
            return NULL;
        }
    }
    if (opt && !opt->charset && opt->encoding == RHAZ_ENC_LATIN1) {
        size_t hi = 0;
        for (size_t i = 0; i < len; i++)
            hi += (unsigned char)buf[i] >= 0x80;
        conv = malloc(len + hi + 1);
        if (!conv) {
            rhaz_error_set(err, RHAZ_ENOMEM, name, 0,
                           "out of memory converting from Latin-1 (%zu bytes)", len + hi + 1);
            return NULL;
        }
        size_t k = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)buf[i];
            if (c == 0) {
                rhaz_error_set(err, RHAZ_EPARSE, name, line_at(buf, i),
                               "NUL byte: not a text file");
                free(conv);
                return NULL;
            }
            if (c >= 0x80 && c < 0xa0) {
                rhaz_error_set(err, RHAZ_EPARSE, name, line_at(buf, i),
                               "byte 0x%02x is a control character in "
                               "Latin-1: Windows-1252 text (curly quotes or "
                               "dashes)? read it with the character set cp1252",
                               c);
                core_error_option(err, "charset");
                free(conv);
                return NULL;
            }
            if (c < 0x80)
                conv[k++] = (char)c;
            else {
                conv[k++] = (char)(0xc0 | (c >> 6));
                conv[k++] = (char)(0x80 | (c & 0x3f));
            }
        }
        conv[k] = '\0';
        buf = conv;
        len = k;
    } else {
        /* in two parts cut after a newline (no UTF-8 sequence spans
         * it), on two threads when there are: the first bad byte */
        mapped = drop == 2 && !conv;
        utf8_job U = {.buf = buf, .beg = {0, len, len}, .unmap = mapped};
        const char *mid = len >= PAR_MIN ? memchr(buf + len / 2, '\n', len - len / 2) : NULL;
        if (mid)
            U.beg[1] = (size_t)(mid - buf) + 1;
        core_parallel(2, opt ? opt->threads : 0, utf8_part, &U);
        newlines = U.newlines[0] + U.newlines[1];
        quote_late = U.quote[0] || U.quote[1];
        size_t i = U.bad[0] < U.beg[1] ? U.bad[0] : U.bad[1];
        if (i < len) {
            unsigned char c = (unsigned char)buf[i];
            if (c == 0)
                rhaz_error_set(err, RHAZ_EPARSE, name, line_at(buf, i),
                               "NUL byte: not a text file");
            else {
                rhaz_error_set(err, RHAZ_EPARSE, name, line_at(buf, i),
                               "invalid UTF-8 byte 0x%02x (if the file "
                               "is Latin-1, read it with the Latin-1 "
                               "encoding)", c);
                core_error_option(err, "encoding");
            }
            return NULL;
        }
    }
    parse_ctx p = {.opt = opt, .name = name, .err = err, .pass = 1,
                   .drop_input = drop && !conv, .threads = opt ? opt->threads : 0,
                   .newlines = newlines, .quote_late = quote_late,
                   .mapped = mapped};
    p.max_field = opt && opt->max_field ? opt->max_field : (size_t)1 << 20;
    p.max_cols = opt && opt->max_cols ? opt->max_cols : 100000;
    p.decimal = opt && opt->decimal == ',' ? ',' : '.';
    p.delim = opt && opt->delim ? opt->delim : ',';
    if (p.decimal == ',' && p.delim == ',') {
        rhaz_error_set(err, RHAZ_EUSAGE, name, 0,
                       "a decimal comma needs another delimiter (e.g. ';')");
        core_error_option(err, "delim");
        free(conv);
        return NULL;
    }
    rhaz_table *t = parse_pass(buf, len, &p, NULL);
    if (!t && p.again) {
        free(conv);
        *again = 1;
        return NULL;
    }
    /* a ';' or tab file read with ',': ragged rows, or (quoted header
     * cells "a";"b") a quote error on the header line */
    if (!t && err && p.delim == ',' &&
        (strncmp(err->msg, "ragged row", 10) == 0 ||
         (err->line == 1 && strncmp(err->msg, "malformed CSV", 13) == 0))) {
        const char *nl = memchr(buf, '\n', len);
        size_t n1 = nl ? (size_t)(nl - buf) : len;
        const char *hint = memchr(buf, ';', n1)    ? "';'"
                           : memchr(buf, '\t', n1) ? "'\\t'"
                                                   : NULL;
        if (hint) {
            size_t ml = strlen(err->msg);
            snprintf(err->msg + ml, sizeof err->msg - ml,
                     " (the header holds %s: read the file with delimiter %s)",
                     hint, hint);
            core_error_option(err, "delim");
        }
    }
    if (t && p.delim == ',' && t->ncol == 1 &&
        (strchr(t->cols[0].name, ';') || strchr(t->cols[0].name, '\t'))) {
        int semi = strchr(t->cols[0].name, ';') != NULL;
        rhaz_error_set(err, RHAZ_EPARSE, name, 1,
                       "one column named '%.60s': a %s-separated file? read "
                       "it with delimiter %s",
                       t->cols[0].name, semi ? "semicolon" : "tab",
                       semi ? "';'" : "'\\t'");
        core_error_option(err, "delim");
        rhaz_table_free(t);
        t = NULL;
    }
    if (t && check_mixed(&p, t) != 0) {
        rhaz_table_free(t);
        t = NULL;
    }
    if (t && p.late_flip && p.dropped) {
        /* the input is gone: the caller reads it again */
        rhaz_table_free(t);
        free(conv);
        *again = 1;
        return NULL;
    }
    if (t && p.late_flip) {
        p.pass = 2;
        p.late_flip = 0;
        rhaz_table *t2 = parse_pass(buf, len, &p, t);
        rhaz_table_free(t);
        t = t2;
        if (t && p.late_flip) { /* cannot happen: types were fixed */
            rhaz_table_free(t);
            t = NULL;
            rhaz_error_set(err, RHAZ_EPARSE, name, 0, "inconsistent column types");
        }
    }
    if (t && keep_columns(t) != 0) {
        rhaz_error_set(err, RHAZ_ENOMEM, name, 0,
                       "out of memory reading the table (%zu rows x %zu columns)",
                       t->nrow, t->ncol);
        rhaz_table_free(t);
        t = NULL;
    }
    free(conv);
    return t;
}

rhaz_table *rhaz_table_read_mem(const char *in, size_t len, const char *name,
                                const rhaz_csv_options *opt, rhaz_error *err)
{
    int again = 0;
    return read_mem(in, len, name, opt, 0, &again, err);
}

rhaz_table *rhaz_table_read_csv_(const char *buf, size_t len, const char *name,
                                 const rhaz_csv_options *opt, int mapped, int *again,
                                 rhaz_error *err)
{
    *again = 0;
    return read_mem(buf, len, name, opt, mapped ? 2 : 1, again, err);
}

/* ---------- access ---------- */

size_t rhaz_table_nrow(const rhaz_table *t) { return t->nrow; }
size_t rhaz_table_ncol(const rhaz_table *t) { return t->ncol; }
const char *rhaz_table_name(const rhaz_table *t) { return t->name; }

const char *rhaz_table_colname(const rhaz_table *t, size_t j)
{
    return j < t->ncol ? t->cols[j].name : NULL;
}

long rhaz_table_find(const rhaz_table *t, const char *name)
{
    size_t j;
    if (t->names.cap)
        return strmap_get(&t->names, name, &j) ? (long)j : -1;
    for (j = 0; j < t->ncol; j++)
        if (strcmp(t->cols[j].name, name) == 0)
            return (long)j;
    return -1;
}

rhaz_coltype rhaz_table_coltype(const rhaz_table *t, size_t j)
{
    return t->cols[j].type;
}

long rhaz_table_field(const rhaz_table *t, size_t j)
{
    return j < t->ncol && t->cols[j].field ? t->cols[j].field : (long)j + 1;
}

const double *rhaz_table_num(const rhaz_table *t, size_t j)
{
    if (j >= t->ncol || t->cols[j].type != RHAZ_COL_NUMERIC)
        return NULL;
    return t->cols[j].num;
}

const char *rhaz_table_str(const rhaz_table *t, size_t j, size_t i)
{
    if (j >= t->ncol || i >= t->nrow || t->cols[j].type != RHAZ_COL_STRING)
        return NULL;
    size_t o = t->cols[j].off[i];
    return o == NOSTR ? NULL : t->cols[j].arena + o;
}

int rhaz_table_is_missing(const rhaz_table *t, size_t j, size_t i)
{
    const column *c = &t->cols[j];
    if (c->type == RHAZ_COL_NUMERIC)
        return !c->num || isnan(c->num[i]);
    return c->off[i] == NOSTR;
}

void rhaz_table_release_num(rhaz_table *t, size_t j)
{
    if (t && j < t->ncol && t->cols[j].type == RHAZ_COL_NUMERIC) {
        free(t->cols[j].num);
        t->cols[j].num = NULL;
    }
}

long rhaz_table_line(const rhaz_table *t, size_t i)
{
    if (!t->nbrk || i >= t->nrow)
        return 0;
    size_t lo = 0, hi = t->nbrk; /* the last break at or before row i */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->brk_row[mid] <= i)
            lo = mid;
        else
            hi = mid;
    }
    return (long)i + t->brk_delta[lo];
}

/* ---------- building ---------- */

rhaz_table *rhaz_table_new(const char *name, rhaz_error *err)
{
    rhaz_table *t = table_alloc(name);
    if (!t)
        rhaz_error_set(err, RHAZ_ENOMEM, name, 0, "out of memory building the table");
    return t;
}

static rhaz_status check_add(rhaz_table *t, const char *colname, size_t n,
                             rhaz_error *err)
{
    if (rhaz_table_find(t, colname) >= 0)
        return rhaz_error_set(err, RHAZ_EINVAL, t->name, 0,
                              "duplicate column name '%s'", colname);
    if (t->ncol > 0 && n != t->nrow)
        return rhaz_error_set(err, RHAZ_EINVAL, t->name, 0,
                              "column '%s' has %zu rows, table has %zu",
                              colname, n, t->nrow);
    if (add_column(t, colname) != 0)
        return rhaz_error_set(err, RHAZ_ENOMEM, t->name, 0,
                              "out of memory building the table (%zu rows x %zu columns)", n,
                              t->ncol + 1);
    if (t->ncol == 1) {
        t->nrow = n;
        t->rowcap = n;
    }
    return RHAZ_OK;
}

rhaz_status rhaz_table_add_numeric(rhaz_table *t, const char *colname,
                                   const double *x, size_t n, rhaz_error *err)
{
    rhaz_status st = check_add(t, colname, n, err);
    if (st)
        return st;
    column *c = &t->cols[t->ncol - 1];
    c->type = RHAZ_COL_NUMERIC;
    c->num = malloc((t->rowcap ? t->rowcap : 1) * sizeof(double));
    if (!c->num) {
        column_free(c);
        t->ncol--;
        return rhaz_error_set(err, RHAZ_ENOMEM, t->name, 0,
                              "out of memory building the table (%zu rows x %zu columns)",
                              t->rowcap, t->ncol + 1);
    }
    if (n)
        memcpy(c->num, x, n * sizeof(double));
    return RHAZ_OK;
}

rhaz_status rhaz_table_add_string(rhaz_table *t, const char *colname,
                                  const char *const *s, size_t n,
                                  rhaz_error *err)
{
    rhaz_status st = check_add(t, colname, n, err);
    if (st)
        return st;
    column *c = &t->cols[t->ncol - 1];
    c->type = RHAZ_COL_STRING;
    c->off = malloc((t->rowcap ? t->rowcap : 1) * sizeof(size_t));
    if (!c->off)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        if (!s[i])
            c->off[i] = NOSTR;
        else if (arena_push(c, s[i], strlen(s[i]), &c->off[i]) != 0)
            goto oom;
    }
    return RHAZ_OK;
oom:
    column_free(c);
    t->ncol--;
    return rhaz_error_set(err, RHAZ_ENOMEM, t->name, 0,
                          "out of memory building the table (%zu rows x %zu columns)", t->rowcap,
                          t->ncol + 1);
}

rhaz_table *rhaz_table_subset(const rhaz_table *t, const unsigned char *keep,
                              rhaz_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nrow; i++)
        n += keep[i] != 0;
    rhaz_table *u = rhaz_table_new(t->name, err);
    double *num = u ? malloc((n ? n : 1) * sizeof *num) : NULL;
    const char **str = num ? malloc((n ? n : 1) * sizeof *str) : NULL;
    rhaz_status st = RHAZ_OK;
    if (!str) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, t->name, 0,
                            "out of memory selecting rows (%zu rows x %zu columns)", n, t->ncol);
        goto done;
    }
    for (size_t j = 0; j < t->ncol && !st; j++) {
        const column *c = &t->cols[j];
        size_t k = 0;
        for (size_t i = 0; i < t->nrow; i++) {
            if (!keep[i])
                continue;
            if (c->type == RHAZ_COL_NUMERIC)
                num[k++] = c->num[i];
            else
                str[k++] = c->off[i] == NOSTR ? NULL : c->arena + c->off[i];
        }
        st = c->type == RHAZ_COL_NUMERIC ? rhaz_table_add_numeric(u, c->name, num, n, err)
                                         : rhaz_table_add_string(u, c->name, str, n, err);
    }
    if (!st && t->ncol == 0)
        u->nrow = 0;
    /* the rows keep their source lines */
    for (size_t i = 0, k = 0; !st && t->nbrk && i < t->nrow; i++)
        if (keep[i] && note_line(u, k++, rhaz_table_line(t, i)))
            st = rhaz_error_set(err, RHAZ_ENOMEM, t->name, 0,
                                "out of memory selecting rows (%zu rows x %zu columns)", n,
                                t->ncol);
done:
    free(num);
    free(str);
    if (st) {
        rhaz_table_free(u);
        return NULL;
    }
    return u;
}

/* ---------- writing ---------- */

void rhaz_csv_field(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\r\n"))
        csv_fwrite(fp, s, strlen(s));
    else
        fputs(s, fp);
}

/* A row is assembled in memory and written with one fwrite: stdio's
 * per-character locking dominated writing large panels. */
typedef struct {
    char *b;
    size_t n, cap;
    int oom;
} rowbuf;

/* room for n more bytes (and a NUL); 0 on success */
static int rb_reserve(rowbuf *r, size_t n)
{
    if (r->n + n + 1 > r->cap) {
        size_t nc = r->cap ? r->cap : 4096;
        while (nc < r->n + n + 1)
            nc *= 2;
        char *nb = realloc(r->b, nc);
        if (!nb) {
            r->oom = 1;
            return -1;
        }
        r->b = nb;
        r->cap = nc;
    }
    return 0;
}

static void rb_put(rowbuf *r, const char *s, size_t n)
{
    if (rb_reserve(r, n))
        return;
    memcpy(r->b + r->n, s, n);
    r->n += n;
}

static void rb_field(rowbuf *r, const char *s)
{
    size_t n = strlen(s);
    int quote = strpbrk(s, ",\"\r\n") || (n && (s[0] == ' ' || s[n - 1] == ' '));
    if (!quote) {
        rb_put(r, s, n);
        return;
    }
    /* libcsv quotes (RFC 4180: quotes doubled inside quotes) */
    size_t need = csv_write(NULL, 0, s, n);
    if (rb_reserve(r, need))
        return;
    r->n += csv_write(r->b + r->n, r->cap - r->n, s, n);
}

rhaz_status rhaz_table_write_fp(const rhaz_table *t, FILE *fp, rhaz_error *err)
{
    char num[64];
    rowbuf r = {0};
    for (size_t j = 0; j < t->ncol; j++) {
        if (j)
            rb_put(&r, ",", 1);
        rb_field(&r, t->cols[j].name);
    }
    rb_put(&r, "\n", 1);
    for (size_t i = 0; i <= t->nrow && !r.oom; i++) {
        if (r.n >= (1u << 16) || i == t->nrow) {
            if (fwrite(r.b, 1, r.n, fp) != r.n)
                break;
            r.n = 0;
        }
        if (i == t->nrow)
            break;
        for (size_t j = 0; j < t->ncol; j++) {
            const column *c = &t->cols[j];
            if (j)
                rb_put(&r, ",", 1);
            if (c->type == RHAZ_COL_NUMERIC) {
                rhaz_format_double(c->num ? c->num[i] : NAN, num, sizeof num);
                rb_put(&r, num, strlen(num));
            } else if (c->off[i] != NOSTR) {
                rb_field(&r, c->arena + c->off[i]);
            }
        }
        rb_put(&r, "\n", 1);
    }
    free(r.b);
    if (r.oom)
        return rhaz_error_set(err, RHAZ_ENOMEM, t->name, 0,
                              "out of memory writing the table (%zu rows x %zu columns)", t->nrow,
                              t->ncol);
    if (ferror(fp))
        return rhaz_error_set(err, RHAZ_EIO, t->name, 0, "write error: %s",
                              errno ? strerror(errno) : "I/O error");
    return RHAZ_OK;
}

rhaz_status rhaz_table_write(const rhaz_table *t, const char *path,
                             rhaz_error *err)
{
    rhaz_outfile *f = rhaz_outfile_open(path, err);
    if (!f)
        return err ? err->status : RHAZ_EIO;
    rhaz_status st = rhaz_table_write_fp(t, rhaz_outfile_fp(f), err);
    if (st) {
        rhaz_outfile_abort(f);
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        return st;
    }
    return rhaz_outfile_commit(f, err);
}

/* ---------- summaries ---------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

rhaz_status rhaz_table_summarise(const rhaz_table *t, size_t j,
                                 rhaz_colsummary *out, rhaz_error *err)
{
    if (j >= t->ncol)
        return rhaz_error_set(err, RHAZ_EINVAL, t->name, 0,
                              "no column %zu", j);
    const column *c = &t->cols[j];
    memset(out, 0, sizeof *out);
    out->name = c->name;
    out->type = c->type;
    out->min = out->max = out->mean = out->sd = NAN;
    if (c->type == RHAZ_COL_NUMERIC) {
        double mean = 0, m2 = 0;
        size_t n = 0;
        for (size_t i = 0; i < t->nrow; i++) {
            double x = c->num ? c->num[i] : NAN;
            if (isnan(x)) {
                out->missing++;
                continue;
            }
            n++;
            double d = x - mean; /* Welford */
            mean += d / (double)n;
            m2 += d * (x - mean);
            if (n == 1 || x < out->min)
                out->min = x;
            if (n == 1 || x > out->max)
                out->max = x;
        }
        out->n = n;
        if (n) {
            out->mean = mean;
            out->sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : NAN;
        }
        return RHAZ_OK;
    }
    const char **v = malloc((t->nrow ? t->nrow : 1) * sizeof *v);
    if (!v)
        return rhaz_error_set(err, RHAZ_ENOMEM, t->name, 0,
                              "out of memory summarising a column (%zu rows)", t->nrow);
    size_t n = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        if (c->off[i] == NOSTR)
            out->missing++;
        else
            v[n++] = c->arena + c->off[i];
    }
    qsort(v, n, sizeof *v, cmp_str);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
            out->distinct++;
    out->n = n;
    free(v);
    return RHAZ_OK;
}
