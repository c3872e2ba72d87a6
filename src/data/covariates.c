/* covariates.c -- the researcher's own covariate files merged onto a
 * panel (rhaz_panel_add_covariates), and the bundled sets built through
 * the same path: ratification_rules (Simmons 2009, Appendix 3.2) and
 * leaders (leader_tenure, leader_last_year from Archigos 4.1).
 *
 * Inputs: a panel with numeric columns cown and year; a table (CSV, or
 * .dta/.sav/.sas7bdat through ReadStat) with a country key column and
 * optionally a year column.
 * Work:
 *   1. key: the named column, else the candidate of the most precise
 *      kind (iso3c > cown > gwcode > iso2c > m49 > name); two candidates
 *      of that kind are an error; every candidate column is an
 *      identifier and is not merged;
 *   2. each row resolved to a COW state (rhaz_country_match, with the
 *      row's year), or dropped with its reason in the log: no key value,
 *      no year, aggregate, unmatched name or code, not a COW state;
 *   3. an index (cown, year) -> row (time-varying) or state -> row
 *      (time-invariant, every COW state with the ISO3 code: DEU is both
 *      260 and 255); a second row for the same cell is an error naming
 *      both lines;
 *   4. each merged column: panel row (c, y) takes the file's value at
 *      (c, y - lag); nothing outside the covered years is filled.
 * Columns of text that hold some numbers and some text are refused
 * (a stray "n/a" in a column of numbers), naming the line. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NOROW (-1)

/* Is s a complete decimal number? */
static int is_number(const char *s)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    (void)v;
    while (*e == ' ')
        e++;
    return e != s && !*e && !errno;
}

static int key_rank(rhaz_key k)
{
    /* lower is more precise */
    switch (k) {
    case RHAZ_KEY_ISO3C: return 0;
    case RHAZ_KEY_COWN: return 1;
    case RHAZ_KEY_GWCODE: return 2;
    case RHAZ_KEY_ISO2C: return 3;
    case RHAZ_KEY_M49: return 4;
    case RHAZ_KEY_NAME: return 5;
    default: return 99;
    }
}

/* What a key column of an unknown name holds: text of three capital
 * letters in every cell is ISO3 ("iso" in the bundled World Bank file),
 * of two capital letters ISO2, anything else names.  Numbers need a
 * column name that says which code they are. */
static rhaz_key sniff_key(const rhaz_table *t, size_t j)
{
    if (rhaz_table_coltype(t, j) != RHAZ_COL_STRING)
        return RHAZ_KEY_NAME;
    size_t len = 0, n = 0;
    for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
        const char *v = rhaz_table_str(t, j, i);
        if (!v)
            continue;
        size_t k = 0;
        while (v[k] >= 'A' && v[k] <= 'Z')
            k++;
        if (v[k] || (k != 2 && k != 3) || (len && k != len))
            return RHAZ_KEY_NAME;
        len = k;
        n++;
    }
    return !n ? RHAZ_KEY_NAME : len == 3 ? RHAZ_KEY_ISO3C : RHAZ_KEY_ISO2C;
}

typedef struct {
    rhaz_data *d;
    const rhaz_table *t;
    const char *file;
    rhaz_match_log *log;
    rhaz_error *err;
    long jk, jy;      /* key and year columns */
    rhaz_key key;
    unsigned char *ident; /* per column: identifier, not merged */
    int *cell_row;    /* RD_NCOWN * RD_NY (time-varying) */
    int *state_row;   /* nstates (time-invariant) */
} merge_ctx;

static rhaz_status find_key(merge_ctx *m, const rhaz_covariate_spec *s)
{
    size_t nc = rhaz_table_ncol(m->t);
    for (size_t j = 0; j < nc; j++)
        if (rhaz_key_of_column(rhaz_table_colname(m->t, j)) != RHAZ_KEY_NONE)
            m->ident[j] = 1;
    if (s->key) {
        m->jk = rhaz_table_find(m->t, s->key);
        if (m->jk < 0)
            return rhaz_error_set(m->err, RHAZ_ENOTFOUND, m->file, 1,
                                  "no key column '%s'", s->key);
        m->key = rhaz_key_of_column(s->key);
        if (m->key == RHAZ_KEY_NONE)
            m->key = sniff_key(m->t, (size_t)m->jk);
        m->ident[m->jk] = 1;
        return RHAZ_OK;
    }
    long best = -1, tie = -1;
    for (size_t j = 0; j < nc; j++) {
        rhaz_key k = rhaz_key_of_column(rhaz_table_colname(m->t, j));
        if (k == RHAZ_KEY_NONE)
            continue;
        if (best < 0 ||
            key_rank(k) < key_rank(rhaz_key_of_column(rhaz_table_colname(m->t, (size_t)best)))) {
            best = (long)j;
            tie = -1;
        } else if (key_rank(k) ==
                   key_rank(rhaz_key_of_column(rhaz_table_colname(m->t, (size_t)best)))) {
            tie = (long)j;
        }
    }
    if (best < 0) {
        rhaz_error_set(m->err, RHAZ_EDATA, m->file, 1,
                       "no country key column (iso3c, iso3, cown, ccode, cowcode, "
                       "gwcode, gwno, iso2c, m49, country, countryname, "
                       "country_name, name or state): name the key column");
        return core_error_option(m->err, "covariates_key");
    }
    if (tie >= 0) {
        rhaz_error_set(m->err, RHAZ_EDATA, m->file, 1,
                       "two candidate key columns '%s' and '%s': name the key column",
                       rhaz_table_colname(m->t, (size_t)best),
                       rhaz_table_colname(m->t, (size_t)tie));
        return core_error_option(m->err, "covariates_key");
    }
    m->jk = best;
    m->key = rhaz_key_of_column(rhaz_table_colname(m->t, (size_t)best));
    return RHAZ_OK;
}

static rhaz_status find_year(merge_ctx *m, const rhaz_covariate_spec *s)
{
    m->jy = -1;
    if (s->year) {
        m->jy = rhaz_table_find(m->t, s->year);
        if (m->jy < 0)
            return rhaz_error_set(m->err, RHAZ_ENOTFOUND, m->file, 1,
                                  "no year column '%s'", s->year);
    } else {
        for (size_t j = 0; j < rhaz_table_ncol(m->t); j++)
            if (strcasecmp(rhaz_table_colname(m->t, j), "year") == 0)
                m->jy = (long)j;
    }
    if (m->jy < 0)
        return RHAZ_OK;
    m->ident[m->jy] = 1;
    if (rhaz_table_coltype(m->t, (size_t)m->jy) != RHAZ_COL_NUMERIC) {
        for (size_t i = 0; i < rhaz_table_nrow(m->t); i++) {
            const char *v = rhaz_table_str(m->t, (size_t)m->jy, i);
            char where[48];
            long line = rd_row_where(m->t, i, where, sizeof where);
            if (v && !is_number(v))
                return rhaz_error_set(m->err, RHAZ_EDATA, m->file, line,
                                      "%syear column '%s' holds '%s', not a year",
                                      where, rhaz_table_colname(m->t, (size_t)m->jy), v);
        }
    }
    return RHAZ_OK;
}

/* Refuse a text column that mixes numbers and text. */
static rhaz_status check_column(merge_ctx *m, size_t j)
{
    if (rhaz_table_coltype(m->t, j) == RHAZ_COL_NUMERIC)
        return RHAZ_OK;
    long num_row = -1, txt_row = -1;
    for (size_t i = 0; i < rhaz_table_nrow(m->t) && (num_row < 0 || txt_row < 0); i++) {
        const char *v = rhaz_table_str(m->t, j, i);
        if (!v)
            continue;
        if (is_number(v)) {
            if (num_row < 0)
                num_row = (long)i;
        } else if (txt_row < 0) {
            txt_row = (long)i;
        }
    }
    if (num_row < 0 || txt_row < 0)
        return RHAZ_OK;
    char where[48];
    long line = rd_row_where(m->t, (size_t)txt_row, where, sizeof where);
    rhaz_error_set(m->err, RHAZ_EDATA, m->file, line,
                   "%scolumn '%s' holds numbers and the text '%s' (a "
                   "missing-value code? write it as an empty cell or NA, or "
                   "declare it missing)",
                   where, rhaz_table_colname(m->t, j),
                   rhaz_table_str(m->t, j, (size_t)txt_row));
    return core_error_option(m->err, "na_strings");
}

/* Resolve every row; fill the index. */
static rhaz_status index_rows(merge_ctx *m)
{
    const rhaz_data *d = m->d;
    size_t n = rhaz_table_nrow(m->t);
    for (size_t i = 0; i < n; i++) {
        char buf[32], where[48];
        long line = rd_row_where(m->t, i, where, sizeof where);
        const char *v = rd_key_text(m->t, (size_t)m->jk, i, buf, sizeof buf);
        int year = 0;
        if (m->jy >= 0) {
            if (rhaz_table_coltype(m->t, (size_t)m->jy) == RHAZ_COL_NUMERIC)
                year = rd_year_of(m->t, m->jy, i);
            else {
                const char *ys = rhaz_table_str(m->t, (size_t)m->jy, i);
                double y = ys ? strtod(ys, NULL) : NAN;
                year = (isnan(y) || y != floor(y) || y < 1000 || y > 2999) ? 0 : (int)y;
            }
        }
        if (!v) {
            rhaz_match_log_note(m->log, m->file, "dropped: no key value", NULL, line, 1);
            continue;
        }
        if (m->jy >= 0 && !year) {
            rhaz_match_log_note(m->log, m->file, "dropped: no year", NULL, line, 1);
            continue;
        }
        rhaz_country c;
        rhaz_match_how how = rhaz_country_match(m->d, m->key, v, year, &c);
        if (how == RHAZ_MATCH_AGGREGATE) {
            rhaz_match_log_note(m->log, m->file, RHAZ_NOTE_AGGREGATE, v, line, 1);
            continue;
        }
        if (how == RHAZ_MATCH_NONE) {
            rhaz_match_log_note(m->log, m->file,
                                m->key == RHAZ_KEY_NAME ? RHAZ_NOTE_UNMATCHED
                                                        : "unmatched code, dropped",
                                v, line, 1);
            continue;
        }
        if (how == RHAZ_MATCH_REGEX)
            rhaz_match_log_note(m->log, m->file, RHAZ_NOTE_REGEX, v, line, 1);
        if (c.cown <= 0 || c.cown >= RD_NCOWN || d->state_of[c.cown] < 0) {
            rhaz_match_log_note(m->log, m->file, "dropped: not a COW state", v, line, 1);
            continue;
        }
        if (m->jy >= 0) {
            if (!rd_ok(c.cown, year)) {
                rhaz_match_log_note(m->log, m->file, "dropped: year outside 1800-2030",
                                    NULL, line, 1);
                continue;
            }
            int *slot = &m->cell_row[RD_CELL(c.cown, year)];
            if (*slot != NOROW) {
                char w2[48];
                long l2 = rd_row_where(m->t, (size_t)*slot, w2, sizeof w2);
                return rhaz_error_set(m->err, RHAZ_EDATA, m->file, line,
                                      "%sduplicated country-year: '%s' %d is COW %d (%s), "
                                      "as %s %ld",
                                      where, v, year, c.cown,
                                      d->states[d->state_of[c.cown]].name,
                                      l2 > 0 ? "line" : "observation",
                                      l2 > 0 ? l2 : (long)*slot + 1);
            }
            *slot = (int)i;
        } else {
            /* every COW state with this identity */
            for (size_t s = 0; s < d->nstates; s++) {
                const rd_state *x = &d->states[s];
                int same = *c.iso3c ? strcmp(x->iso3c, c.iso3c) == 0 : x->cown == c.cown;
                if (!same)
                    continue;
                if (m->state_row[s] != NOROW) {
                    char w2[48];
                    long l2 = rd_row_where(m->t, (size_t)m->state_row[s], w2, sizeof w2);
                    return rhaz_error_set(m->err, RHAZ_EDATA, m->file, line,
                                          "%sduplicated country: '%s' is COW %d (%s), "
                                          "as %s %ld (a file without a year column has "
                                          "one row per country)",
                                          where, v, x->cown, x->name,
                                          l2 > 0 ? "line" : "observation",
                                          l2 > 0 ? l2 : (long)m->state_row[s] + 1);
                }
                m->state_row[s] = (int)i;
            }
        }
    }
    return RHAZ_OK;
}

/* Merge table t (read from `file`) onto the panel. */
static rhaz_status merge_table(rhaz_data *d, rhaz_table *panel, const rhaz_table *t,
                               const rhaz_covariate_spec *spec, int lag,
                               rhaz_match_log *log, rhaz_error *err)
{
    merge_ctx m = {.d = d, .t = t, .file = rhaz_table_name(t), .log = log, .err = err};
    size_t nc = rhaz_table_ncol(t), np = rhaz_table_nrow(panel);
    long pc = rhaz_table_find(panel, "cown"), py = rhaz_table_find(panel, "year");
    rhaz_status st = RHAZ_OK;
    double *num = NULL;
    const char **str = NULL;
    if (pc < 0 || py < 0 || rhaz_table_coltype(panel, (size_t)pc) != RHAZ_COL_NUMERIC ||
        rhaz_table_coltype(panel, (size_t)py) != RHAZ_COL_NUMERIC)
        return rhaz_error_set(err, RHAZ_EINVAL, rhaz_table_name(panel), 0,
                              "the panel has no numeric cown and year columns");
    if (!(m.ident = calloc(nc ? nc : 1, 1)))
        return rhaz_error_set(err, RHAZ_ENOMEM, m.file, 0, "out of memory merging covariates");
    if ((st = find_key(&m, spec)) || (st = find_year(&m, spec)))
        goto done;
    /* columns to merge: checked before anything is added */
    size_t nmerge = 0;
    for (size_t j = 0; j < nc; j++) {
        if (m.ident[j])
            continue;
        const char *nm = rhaz_table_colname(t, j);
        if (rhaz_table_find(panel, nm) >= 0) {
            st = rhaz_error_set(err, RHAZ_EDATA, m.file, 1,
                                "column '%s' clashes with the panel's column '%s' "
                                "(rename it in the file)",
                                nm, nm);
            goto done;
        }
        if ((st = check_column(&m, j)))
            goto done;
        nmerge++;
    }
    if (!nmerge) {
        st = rhaz_error_set(err, RHAZ_EDATA, m.file, 1,
                            "no columns to merge besides the key ('%s')%s",
                            rhaz_table_colname(t, (size_t)m.jk),
                            m.jy >= 0 ? " and year" : "");
        goto done;
    }
    if (m.jy >= 0) {
        m.cell_row = malloc((size_t)RD_NCOWN * RD_NY * sizeof *m.cell_row);
        if (m.cell_row)
            for (size_t k = 0; k < (size_t)RD_NCOWN * RD_NY; k++)
                m.cell_row[k] = NOROW;
    } else {
        m.state_row = malloc((d->nstates ? d->nstates : 1) * sizeof *m.state_row);
        if (m.state_row)
            for (size_t s = 0; s < d->nstates; s++)
                m.state_row[s] = NOROW;
    }
    num = malloc((np ? np : 1) * sizeof *num);
    str = malloc((np ? np : 1) * sizeof *str);
    int *row = malloc((np ? np : 1) * sizeof *row);
    if ((!m.cell_row && !m.state_row) || !num || !str || !row) {
        free(row);
        st = rhaz_error_set(err, RHAZ_ENOMEM, m.file, 0, "out of memory merging covariates");
        goto done;
    }
    if ((st = index_rows(&m))) {
        free(row);
        goto done;
    }
    /* the file row of each panel row */
    const double *pcown = rhaz_table_num(panel, (size_t)pc),
                 *pyear = rhaz_table_num(panel, (size_t)py);
    size_t covered = 0;
    for (size_t i = 0; i < np; i++) {
        int c = isnan(pcown[i]) ? 0 : (int)pcown[i];
        int y = isnan(pyear[i]) ? 0 : (int)pyear[i] - lag;
        row[i] = NOROW;
        if (m.jy >= 0) {
            if (rd_ok(c, y))
                row[i] = m.cell_row[RD_CELL(c, y)];
        } else if (c > 0 && c < RD_NCOWN && d->state_of[c] >= 0) {
            row[i] = m.state_row[d->state_of[c]];
        }
        covered += row[i] != NOROW;
    }
    rhaz_match_log_note(log, m.file, "panel rows with a row of the file", NULL, 0, covered);
    if (np > covered)
        rhaz_match_log_note(log, m.file, "panel rows without a row of the file", NULL, 0,
                            np - covered);
    for (size_t j = 0; j < nc && !st; j++) {
        if (m.ident[j])
            continue;
        const char *nm = rhaz_table_colname(t, j);
        size_t miss = 0;
        if (rhaz_table_coltype(t, j) == RHAZ_COL_NUMERIC) {
            const double *x = rhaz_table_num(t, j);
            for (size_t i = 0; i < np; i++) {
                num[i] = row[i] == NOROW ? NAN : x[row[i]];
                miss += isnan(num[i]);
            }
            st = rhaz_table_add_numeric(panel, nm, num, np, err);
        } else {
            for (size_t i = 0; i < np; i++) {
                str[i] = row[i] == NOROW ? NULL : rhaz_table_str(t, j, (size_t)row[i]);
                miss += !str[i];
            }
            st = rhaz_table_add_string(panel, nm, str, np, err);
        }
        char what[160];
        snprintf(what, sizeof what, "missing in panel rows: %s", nm);
        rhaz_match_log_note(log, m.file, what, NULL, 0, miss);
    }
    free(row);
done:
    free(m.ident);
    free(m.cell_row);
    free(m.state_row);
    free(num);
    free(str);
    return st;
}

/* ---------- bundled sets ---------- */

static rhaz_table *rules_table(const rhaz_data *d, rhaz_error *err)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/simmons-ratification-rules.csv", d->dir);
    static const char *const str[] = {"StatID", NULL};
    rhaz_csv_options o = {.as_string = str};
    rhaz_table *in = rhaz_table_read(p, &o, err), *t = NULL;
    if (!in)
        return NULL;
    long ji = rhaz_table_find(in, "StatID"), jr = rhaz_table_find(in, "Rat");
    if (ji < 0 || jr < 0 || rhaz_table_coltype(in, (size_t)jr) != RHAZ_COL_NUMERIC) {
        rhaz_error_set(err, RHAZ_EDATA, p, 1, "expected columns StatID and Rat (numeric)");
        goto done;
    }
    size_t n = rhaz_table_nrow(in);
    const char **iso = malloc((n ? n : 1) * sizeof *iso);
    if (!iso) {
        rhaz_error_set(err, RHAZ_ENOMEM, p, 0, "out of memory merging covariates");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        iso[i] = rhaz_table_str(in, (size_t)ji, i);
    if (!(t = rhaz_table_new(p, err)) || rhaz_table_add_string(t, "iso3c", iso, n, err) ||
        rhaz_table_add_numeric(t, "ratification_rules", rhaz_table_num(in, (size_t)jr), n,
                               err)) {
        rhaz_table_free(t);
        t = NULL;
    }
    free(iso);
done:
    rhaz_table_free(in);
    return t;
}

rhaz_status rhaz_panel_add_covariates(rhaz_data *d, rhaz_table *panel,
                                      const rhaz_covariate_spec *spec, int lag,
                                      rhaz_match_log *log, rhaz_error *err)
{
    rhaz_error_clear(err);
    if (!spec || !spec->path || !*spec->path)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "no covariate file given");
    if (lag < 0 || lag > 50)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "lag must be 0..50");
    rhaz_table *t = NULL;
    rhaz_covariate_spec s = *spec;
    int l = lag;
    if (strcmp(spec->path, "ratification_rules") == 0) {
        t = rules_table(d, err);
        s.key = "iso3c";
        s.year = NULL;
    } else if (strcmp(spec->path, "leaders") == 0) {
        t = rd_leaders_table(d, err);
        s.key = "cown";
        s.year = "year";
        l = 0; /* measured on 1 January of the panel year itself */
    } else {
        /* key columns of names and ISO codes stay text, with the
         * columns the reading options name */
        rhaz_csv_options o = {0};
        if (spec->csv)
            o = *spec->csv;
        size_t ns = 0;
        for (; o.as_string && o.as_string[ns]; ns++)
            ;
        const char **as_str = malloc((ns + 2) * sizeof *as_str);
        if (!as_str)
            return rhaz_error_set(err, RHAZ_ENOMEM, spec->path, 0,
                                  "out of memory reading covariates");
        for (size_t k = 0; k < ns; k++)
            as_str[k] = o.as_string[k];
        if (spec->key)
            as_str[ns++] = spec->key;
        as_str[ns] = NULL;
        o.as_string = ns ? as_str : NULL;
        t = rhaz_table_read(spec->path, &o, err);
        free(as_str);
    }
    if (!t)
        return err ? err->status : RHAZ_EIO;
    rhaz_status st = merge_table(d, panel, t, &s, l, log, err);
    rhaz_table_free(t);
    return st;
}
