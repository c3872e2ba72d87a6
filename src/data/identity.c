/* identity.c -- country identity for the researcher's own files: key
 * columns, names and codes resolved to COW states (by year), the match
 * log, and `rhaz match` (code columns added to a table).
 *
 * Resolution (rhaz_country_match):
 *   name   the crosswalk (country-names.csv, case and blanks folded);
 *          else the one countrycode regex that matches it (REGEX);
 *          crosswalk entries of kind "aggregate" are AGGREGATE;
 *   codes  iso3c, iso2c, m49 and gwcode through country-codes.csv to an
 *          ISO3 code (iso3c also through the COW states' codes: DDR,
 *          CSK, RVN ...); cown directly.
 * Then, with a year: the COW state of that ISO3 code in the system that
 * year (DEU 1980 -> 260, DEU 1995 -> 255), else the crosswalk's COW code.
 * The lookups never add notes to the data set's own report (that one
 * must stay empty for the bundled data); callers note into a
 * rhaz_match_log. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------- key columns ---------- */

static const struct {
    const char *col;
    rhaz_key key;
} key_cols[] = {
    {"iso3c", RHAZ_KEY_ISO3C},    {"iso3", RHAZ_KEY_ISO3C},
    {"cown", RHAZ_KEY_COWN},      {"ccode", RHAZ_KEY_COWN},
    {"cowcode", RHAZ_KEY_COWN},   {"gwcode", RHAZ_KEY_GWCODE},
    {"gwno", RHAZ_KEY_GWCODE},    {"iso2c", RHAZ_KEY_ISO2C},
    {"iso2", RHAZ_KEY_ISO2C},     {"m49", RHAZ_KEY_M49},
    {"country", RHAZ_KEY_NAME},   {"countryname", RHAZ_KEY_NAME},
    {"country_name", RHAZ_KEY_NAME}, {"name", RHAZ_KEY_NAME},
    {"state", RHAZ_KEY_NAME}};

static const char *const key_names[RHAZ_NKEY] = {"", "iso3c", "cown", "gwcode",
                                                 "iso2c", "m49", "name"};

rhaz_key rhaz_key_of_column(const char *colname)
{
    char b[64];
    size_t n = 0;
    for (const char *p = colname; *p && n + 1 < sizeof b; p++)
        b[n++] = (*p == ' ' || *p == '.') ? '_' : (char)tolower((unsigned char)*p);
    b[n] = '\0';
    if (colname[n] != '\0')
        return RHAZ_KEY_NONE;
    for (size_t k = 0; k < sizeof key_cols / sizeof key_cols[0]; k++)
        if (strcmp(b, key_cols[k].col) == 0)
            return key_cols[k].key;
    return RHAZ_KEY_NONE;
}

const char *rhaz_key_name(rhaz_key k)
{
    return k > RHAZ_KEY_NONE && k < RHAZ_NKEY ? key_names[k] : "";
}

int rhaz_key_parse(const char *s, rhaz_key *out)
{
    for (int k = 1; k < RHAZ_NKEY; k++)
        if (strcmp(s, key_names[k]) == 0) {
            *out = (rhaz_key)k;
            return 0;
        }
    return -1;
}

/* ---------- matching ---------- */

static const rd_cc *cc_by(const strmap *m, const rhaz_data *d, const char *k)
{
    size_t i;
    return strmap_get(m, k, &i) ? &d->cc[i] : NULL;
}

static int parse_code(const char *s, int *out)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    while (*e == ' ')
        e++;
    if (e == s || *e || errno || v != floor(v) || v < 0 || v > 1e6)
        return -1;
    *out = (int)v;
    return 0;
}

/* The COW state with ISO3 code iso in the system in year, or 0. */
static int state_in_year(const rhaz_data *d, const char *iso, int year)
{
    if (!*iso)
        return 0;
    for (size_t s = 0; s < d->nstates; s++)
        if (strcmp(d->states[s].iso3c, iso) == 0 && rd_ok(d->states[s].cown, year) &&
            d->in_sys[RD_CELL(d->states[s].cown, year)])
            return d->states[s].cown;
    return 0;
}

/* Any COW state with ISO3 code iso (the one in the system last), or 0. */
static int state_of_iso(const rhaz_data *d, const char *iso)
{
    int best = 0, last = 0;
    for (size_t s = 0; *iso && s < d->nstates; s++)
        if (strcmp(d->states[s].iso3c, iso) == 0 && d->states[s].last_year > last) {
            best = d->states[s].cown;
            last = d->states[s].last_year;
        }
    return best;
}

/* Fill the codes of out from its ISO3 code and COW code. */
static void complete(const rhaz_data *d, rhaz_country *out, int year)
{
    const rd_cc *c = *out->iso3c ? cc_by(&d->cc_iso3, d, out->iso3c) : NULL;
    if (year > 0 && *out->iso3c) {
        int in = out->cown && rd_ok(out->cown, year) && d->in_sys[RD_CELL(out->cown, year)];
        int s = in ? out->cown : state_in_year(d, out->iso3c, year);
        if (s)
            out->cown = s;
    }
    if (!out->cown && *out->iso3c)
        out->cown = state_of_iso(d, out->iso3c);
    if (!out->cown && c)
        out->cown = c->cown;
    if (c) {
        out->iso2c = c->iso2c;
        out->m49 = c->m49;
        out->gwcode = c->gwn;
        out->name = c->name;
    }
    if (!*out->iso3c && out->cown > 0 && out->cown < RD_NCOWN &&
        d->state_of[out->cown] >= 0)
        out->iso3c = d->states[d->state_of[out->cown]].iso3c;
    if (!*out->name && out->cown > 0 && out->cown < RD_NCOWN &&
        d->state_of[out->cown] >= 0)
        out->name = d->states[d->state_of[out->cown]].name;
    if (out->kind == RHAZ_ENTITY_OTHER && out->cown > 0 && out->cown < RD_NCOWN &&
        d->state_of[out->cown] >= 0)
        out->kind = RHAZ_ENTITY_STATE;
}

rhaz_match_how rhaz_country_match(rhaz_data *d, rhaz_key key, const char *value,
                                  int year, rhaz_country *out)
{
    memset(out, 0, sizeof *out);
    out->iso3c = out->iso2c = out->name = "";
    out->kind = RHAZ_ENTITY_OTHER;
    if (!value)
        return RHAZ_MATCH_NONE;
    while (*value == ' ')
        value++;
    if (!*value)
        return RHAZ_MATCH_NONE;
    char up[16];
    size_t n = 0;
    for (const char *p = value; *p && *p != ' ' && n + 1 < sizeof up; p++)
        up[n++] = (char)toupper((unsigned char)*p);
    up[n] = '\0';
    const rd_cc *c = NULL;
    int code = 0;
    switch (key) {
    case RHAZ_KEY_NAME: {
        long k;
        const rd_name *nm = rd_find_name(d, value, &k);
        if (nm && nm->aggregate) {
            out->how = RHAZ_MATCH_AGGREGATE;
            return out->how;
        }
        if (nm) {
            out->iso3c = nm->iso3c;
            out->cown = nm->cown;
            out->kind = nm->kind;
        } else if (k >= 0) {
            c = &d->cc[k];
            out->iso3c = c->iso3c;
            out->kind = c->cown ? RHAZ_ENTITY_STATE : RHAZ_ENTITY_TERRITORY;
        } else {
            return RHAZ_MATCH_NONE;
        }
        out->how = k >= 0 ? RHAZ_MATCH_REGEX : RHAZ_MATCH_EXACT;
        break;
    }
    case RHAZ_KEY_ISO3C:
        if ((c = cc_by(&d->cc_iso3, d, up))) {
            out->iso3c = c->iso3c;
        } else {
            int s = state_of_iso(d, up);
            if (!s)
                return RHAZ_MATCH_NONE;
            out->iso3c = d->states[d->state_of[s]].iso3c;
        }
        out->how = RHAZ_MATCH_EXACT;
        break;
    case RHAZ_KEY_ISO2C:
    case RHAZ_KEY_M49: {
        char k[16];
        if (key == RHAZ_KEY_M49) {
            if (parse_code(value, &code))
                return RHAZ_MATCH_NONE;
            snprintf(k, sizeof k, "%d", code);
        } else {
            snprintf(k, sizeof k, "%s", up);
        }
        if (!(c = cc_by(key == RHAZ_KEY_M49 ? &d->cc_m49 : &d->cc_iso2, d, k)))
            return RHAZ_MATCH_NONE;
        out->iso3c = c->iso3c;
        out->how = RHAZ_MATCH_EXACT;
        break;
    }
    case RHAZ_KEY_GWCODE:
        if (parse_code(value, &code) || code == 0)
            return RHAZ_MATCH_NONE;
        for (size_t i = 0; i < d->ncc && !c; i++)
            if (d->cc[i].gwn == code && *d->cc[i].iso3c)
                c = &d->cc[i];
        if (!c)
            return RHAZ_MATCH_NONE;
        out->iso3c = c->iso3c;
        out->how = RHAZ_MATCH_EXACT;
        break;
    case RHAZ_KEY_COWN:
        if (parse_code(value, &code) || code <= 0 || code >= RD_NCOWN ||
            d->state_of[code] < 0)
            return RHAZ_MATCH_NONE;
        out->cown = code;
        out->iso3c = d->states[d->state_of[code]].iso3c;
        out->kind = RHAZ_ENTITY_STATE;
        out->how = RHAZ_MATCH_EXACT;
        complete(d, out, 0); /* the code is the state: no year change */
        return out->how;
    default:
        return RHAZ_MATCH_NONE;
    }
    complete(d, out, year);
    if (out->kind == RHAZ_ENTITY_OTHER && !out->cown)
        out->kind = RHAZ_ENTITY_TERRITORY;
    return out->how;
}

/* ---------- the log ---------- */

typedef struct {
    char *file, *reason, *name;
    long line;
    size_t count;
} ml_entry;

struct rhaz_match_log {
    ml_entry *e;
    size_t n, cap;
    strmap map;
};

rhaz_match_log *rhaz_match_log_alloc(void)
{
    return calloc(1, sizeof(rhaz_match_log));
}

void rhaz_match_log_free(rhaz_match_log *log)
{
    if (!log)
        return;
    for (size_t i = 0; i < log->n; i++) {
        free(log->e[i].file);
        free(log->e[i].reason);
        free(log->e[i].name);
    }
    free(log->e);
    strmap_free(&log->map);
    free(log);
}

void rhaz_match_log_note(rhaz_match_log *log, const char *file, const char *reason,
                         const char *name, long line, size_t count)
{
    if (!log)
        return;
    char key[1024];
    size_t k;
    snprintf(key, sizeof key, "%s\x01%s\x01%s", file ? file : "", reason,
             name ? name : "");
    if (strmap_get(&log->map, key, &k)) {
        log->e[k].count += count;
        return;
    }
    if (log->n == log->cap) {
        size_t nc = log->cap ? 2 * log->cap : 32;
        ml_entry *e = realloc(log->e, nc * sizeof *e);
        if (!e)
            return;
        log->e = e;
        log->cap = nc;
    }
    ml_entry *e = &log->e[log->n];
    e->file = core_strdup(file ? file : "");
    e->reason = core_strdup(reason);
    e->name = name ? core_strdup(name) : NULL;
    e->line = line;
    e->count = count;
    if (!e->file || !e->reason || (name && !e->name) || strmap_put(&log->map, key, log->n)) {
        free(e->file);
        free(e->reason);
        free(e->name);
        return;
    }
    log->n++;
}

size_t rhaz_match_log_count(const rhaz_match_log *log, const char *reason)
{
    size_t n = 0;
    for (size_t i = 0; log && i < log->n; i++)
        if (!reason || strcmp(log->e[i].reason, reason) == 0)
            n += log->e[i].count;
    return n;
}

void rhaz_match_log_write(const rhaz_match_log *log, FILE *fp)
{
    if (!log || !log->n) {
        fprintf(fp, "own files: nothing to report\n");
        return;
    }
    /* grouped by file, files and entries in the order first noted */
    for (size_t i = 0; i < log->n; i++) {
        int seen = 0;
        for (size_t p = 0; p < i && !seen; p++)
            seen = strcmp(log->e[p].file, log->e[i].file) == 0;
        if (seen)
            continue;
        fprintf(fp, "%s:\n", log->e[i].file);
        for (size_t j = i; j < log->n; j++) {
            const ml_entry *f = &log->e[j];
            if (strcmp(f->file, log->e[i].file) != 0)
                continue;
            fprintf(fp, "  %s", f->reason);
            if (f->name)
                fprintf(fp, ": %s", f->name);
            if (f->count != 1 || !f->name)
                fprintf(fp, " (%zu)", f->count);
            if (f->line > 0)
                fprintf(fp, " [line %ld]", f->line);
            fputc('\n', fp);
        }
    }
}

/* ---------- rhaz match ---------- */

/* Cell i of column j as text: strings as they are, integers as "%d";
 * NULL when missing or not a whole number. */
const char *rd_key_text(const rhaz_table *t, size_t j, size_t i, char *buf, size_t n)
{
    if (rhaz_table_coltype(t, j) == RHAZ_COL_STRING)
        return rhaz_table_str(t, j, i);
    double x = rhaz_table_num(t, j)[i];
    if (isnan(x) || x != floor(x) || fabs(x) > 1e9)
        return NULL;
    snprintf(buf, n, "%d", (int)x);
    return buf;
}

/* Where row i of t is, for messages: its line, or 0 with "observation N"
 * written into where (for tables read from .dta, .sav, .sas7bdat). */
long rd_row_where(const rhaz_table *t, size_t i, char *where, size_t n)
{
    long line = rhaz_table_line(t, i);
    if (line > 0)
        where[0] = '\0';
    else
        snprintf(where, n, "observation %zu: ", i + 1);
    return line;
}

/* Year of row i of column jy (0 if missing or not a year). */
int rd_year_of(const rhaz_table *t, long jy, size_t i)
{
    if (jy < 0)
        return 0;
    double y = rhaz_table_num(t, (size_t)jy)[i];
    return isnan(y) || y != floor(y) || y < 1000 || y > 2999 ? 0 : (int)y;
}

rhaz_status rhaz_match_table(rhaz_data *d, rhaz_table *t, const rhaz_match_options *o,
                             rhaz_match_log *log, rhaz_error *err)
{
    rhaz_error_clear(err);
    const char *file = rhaz_table_name(t);
    long jk = rhaz_table_find(t, o->column), jy = -1;
    if (jk < 0)
        return rhaz_error_set(err, RHAZ_ENOTFOUND, file, 1, "no column '%s'", o->column);
    if (o->year) {
        jy = rhaz_table_find(t, o->year);
        if (jy < 0)
            return rhaz_error_set(err, RHAZ_ENOTFOUND, file, 1, "no year column '%s'",
                                  o->year);
        if (rhaz_table_coltype(t, (size_t)jy) != RHAZ_COL_NUMERIC)
            return rhaz_error_set(err, RHAZ_EDATA, file, 1,
                                  "year column '%s' holds text", o->year);
    }
    rhaz_key key = o->key;
    if (key == RHAZ_KEY_NONE)
        key = rhaz_key_of_column(o->column);
    if (key == RHAZ_KEY_NONE)
        key = RHAZ_KEY_NAME;
    size_t nto = 0;
    while (o->to && o->to[nto] != RHAZ_KEY_NONE)
        nto++;
    if (!nto)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "no code columns asked for");
    for (size_t k = 0; k < nto; k++) {
        const char *nm = rhaz_key_name(o->to[k]);
        if (rhaz_table_find(t, nm) >= 0)
            return rhaz_error_set(err, RHAZ_EDATA, file, 1,
                                  "column '%s' to add clashes with the file's column "
                                  "'%s'", nm, nm);
        for (size_t m = 0; m < k; m++)
            if (o->to[m] == o->to[k])
                return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                                      "code column '%s' asked for twice", nm);
    }
    size_t n = rhaz_table_nrow(t);
    rhaz_country *id = calloc(n ? n : 1, sizeof *id);
    double *num = malloc((n ? n : 1) * sizeof *num);
    const char **str = calloc(n ? n : 1, sizeof *str);
    rhaz_status st = RHAZ_OK;
    if (!id || !num || !str) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, file, 0,
                            "out of memory checking unit identifiers (%zu rows)", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        char buf[32], where[48];
        const char *v = rd_key_text(t, (size_t)jk, i, buf, sizeof buf);
        int year = rd_year_of(t, jy, i);
        long line = rd_row_where(t, i, where, sizeof where);
        rhaz_match_how how = rhaz_country_match(d, key, v, year, &id[i]);
        if (!v) {
            rhaz_match_log_note(log, file, "no key value", NULL, line, 1);
            continue;
        }
        if (how == RHAZ_MATCH_REGEX)
            rhaz_match_log_note(log, file, RHAZ_NOTE_REGEX, v, line, 1);
        else if (how == RHAZ_MATCH_AGGREGATE)
            rhaz_match_log_note(log, file, "aggregate (region or income group)", v, line, 1);
        else if (how == RHAZ_MATCH_NONE) {
            if (o->strict) {
                st = rhaz_error_set(err, RHAZ_EDATA, file, line, "%sunmatched %s '%s'",
                                    where, key == RHAZ_KEY_NAME ? "name" : "code", v);
                goto done;
            }
            rhaz_match_log_note(log, file, key == RHAZ_KEY_NAME ? RHAZ_NOTE_UNMATCHED
                                                                : "unmatched code",
                                v, line, 1);
        }
    }
    for (size_t k = 0; k < nto && !st; k++) {
        rhaz_key to = o->to[k];
        int text = to == RHAZ_KEY_ISO3C || to == RHAZ_KEY_ISO2C || to == RHAZ_KEY_NAME;
        for (size_t i = 0; i < n; i++) {
            const rhaz_country *c = &id[i];
            int ok = c->how == RHAZ_MATCH_EXACT || c->how == RHAZ_MATCH_REGEX;
            const char *s = !ok ? NULL
                            : to == RHAZ_KEY_ISO3C ? c->iso3c
                            : to == RHAZ_KEY_ISO2C ? c->iso2c : c->name;
            str[i] = s && *s ? s : NULL;
            int v = !ok ? 0
                    : to == RHAZ_KEY_COWN ? c->cown
                    : to == RHAZ_KEY_GWCODE ? c->gwcode : c->m49;
            num[i] = v ? v : NAN;
        }
        const char *nm = rhaz_key_name(to);
        st = text ? rhaz_table_add_string(t, nm, str, n, err)
                  : rhaz_table_add_numeric(t, nm, num, n, err);
    }
done:
    free(id);
    free(num);
    free(str);
    return st;
}
