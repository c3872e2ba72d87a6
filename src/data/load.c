/* load.c -- read every bundled source into a rhaz_data: crosswalks, COW
 * membership, the UN status files (2015, 2022), covariates. */
#include "internal.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------- small helpers ---------- */

static char *own(rhaz_data *d, const char *s) { return rd_own(d, s); }

static void path_of(const rhaz_data *d, const char *rel, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", d->dir, rel);
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static rhaz_status nomem(rhaz_error *err)
{
    return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory loading the data");
}

/* Read a CSV of the data directory. */
static rhaz_table *read_rel(const rhaz_data *d, const char *rel,
                            const rhaz_csv_options *opt, rhaz_error *err)
{
    char p[1024];
    path_of(d, rel, p, sizeof p);
    /* the loaders check the columns they use themselves */
    rhaz_csv_options o = opt ? *opt : (rhaz_csv_options){0};
    o.mixed_as_text = 1;
    return rhaz_table_read(p, &o, err);
}

/* Required column j of t, numeric or string as asked. */
static rhaz_status need_col(const rhaz_table *t, const char *name, int string,
                            long *j, rhaz_error *err)
{
    *j = rhaz_table_find(t, name);
    if (*j < 0) {
        rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t), 1,
                       "missing column '%s'", name);
        if (err)
            snprintf(err->what, sizeof err->what, "%s", name);
        return RHAZ_EDATA;
    }
    if (!string && rhaz_table_coltype(t, (size_t)*j) != RHAZ_COL_NUMERIC)
        return rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t), 1,
                              "column '%s' should be numeric", name);
    return RHAZ_OK;
}

static const char *cell(const rhaz_table *t, long j, size_t i)
{
    const char *s = rhaz_table_str(t, (size_t)j, i);
    return s ? s : "";
}

/* ---------- notes ---------- */


/* ---------- names ---------- */

static rhaz_entity kind_of(const char *k, int *aggregate)
{
    *aggregate = 0;
    if (strcmp(k, "state") == 0)
        return RHAZ_ENTITY_STATE;
    if (strcmp(k, "territory") == 0)
        return RHAZ_ENTITY_TERRITORY;
    if (strcmp(k, "organization") == 0)
        return RHAZ_ENTITY_ORGANIZATION;
    if (strcmp(k, "aggregate") == 0)
        *aggregate = 1;
    return RHAZ_ENTITY_OTHER;
}

static rhaz_status load_names(rhaz_data *d, rhaz_error *err)
{
    static const char *const str[] = {"name", "iso3c", "kind", "note", "sources", NULL};
    rhaz_csv_options o = {0};
    o.as_string = str;
    rhaz_table *t = read_rel(d, "country-names.csv", &o, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    long jn, ji, jc, jk;
    rhaz_status st;
    if ((st = need_col(t, "name", 1, &jn, err)) || (st = need_col(t, "iso3c", 1, &ji, err)) ||
        (st = need_col(t, "cown", 0, &jc, err)) || (st = need_col(t, "kind", 1, &jk, err)))
        goto done;
    size_t n = rhaz_table_nrow(t);
    d->names = calloc(n ? n : 1, sizeof *d->names);
    if (!d->names || strmap_init(&d->name_map, n)) {
        st = nomem(err);
        goto done;
    }
    const double *cown = rhaz_table_num(t, (size_t)jc);
    for (size_t i = 0; i < n; i++) {
        rd_name *e = &d->names[d->nnames];
        char key[256];
        e->name = own(d, cell(t, jn, i));
        e->iso3c = own(d, cell(t, ji, i));
        e->cown = isnan(cown[i]) ? 0 : (int)cown[i];
        e->kind = kind_of(cell(t, jk, i), &e->aggregate);
        strmap_fold(e->name, key, sizeof key);
        size_t prev;
        if (strmap_get(&d->name_map, key, &prev)) {
            /* case variants ("Chad", "CHAD") must agree */
            const rd_name *q = &d->names[prev];
            if (strcmp(q->iso3c, e->iso3c) || q->cown != e->cown || q->kind != e->kind) {
                st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t),
                                    rhaz_table_line(t, i),
                                    "name '%s' maps differently from '%s'", e->name,
                                    q->name);
                goto done;
            }
            continue;
        }
        if (strmap_put(&d->name_map, key, d->nnames)) {
            st = nomem(err);
            goto done;
        }
        d->nnames++;
    }
    st = RHAZ_OK;
done:
    rhaz_table_free(t);
    return st;
}

static rhaz_status load_cc(rhaz_data *d, rhaz_error *err)
{
    static const char *const str[] = {"country.name.en", "iso3c", "iso2c",
        "un.region.name", "un.regionsub.name", "region", "country.name.en.regex", NULL};
    static const char *const na[] = {NULL};
    rhaz_csv_options o = {0};
    o.as_string = str;
    o.na_strings = na;
    rhaz_table *t = read_rel(d, "country-codes.csv", &o, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    long jn, ji, j2, jc, jm, jr, js, jw, jx;
    rhaz_status st;
    if ((st = need_col(t, "country.name.en", 1, &jn, err)) ||
        (st = need_col(t, "iso3c", 1, &ji, err)) || (st = need_col(t, "iso2c", 1, &j2, err)) ||
        (st = need_col(t, "cown", 0, &jc, err)) || (st = need_col(t, "un", 0, &jm, err)) ||
        (st = need_col(t, "un.region.name", 1, &jr, err)) ||
        (st = need_col(t, "un.regionsub.name", 1, &js, err)) ||
        (st = need_col(t, "region", 1, &jw, err)) ||
        (st = need_col(t, "country.name.en.regex", 1, &jx, err)))
        goto done;
    size_t n = rhaz_table_nrow(t);
    d->cc = calloc(n ? n : 1, sizeof *d->cc);
    if (!d->cc || strmap_init(&d->cc_iso3, n) || strmap_init(&d->cc_iso2, n) ||
        strmap_init(&d->cc_m49, n)) {
        st = nomem(err);
        goto done;
    }
    const double *cown = rhaz_table_num(t, (size_t)jc), *m49 = rhaz_table_num(t, (size_t)jm);
    long jg = rhaz_table_find(t, "gwn");
    const double *gwn = jg >= 0 ? rhaz_table_num(t, (size_t)jg) : NULL;
    for (size_t i = 0; i < n; i++) {
        rd_cc *c = &d->cc[i];
        c->gwn = gwn && !isnan(gwn[i]) ? (int)gwn[i] : 0;
        c->name = own(d, cell(t, jn, i));
        c->iso3c = own(d, cell(t, ji, i));
        c->iso2c = own(d, cell(t, j2, i));
        c->region = own(d, cell(t, jr, i));
        c->subregion = own(d, cell(t, js, i));
        c->wb = own(d, cell(t, jw, i));
        c->regex = own(d, cell(t, jx, i));
        c->cown = isnan(cown[i]) ? 0 : (int)cown[i];
        c->m49 = isnan(m49[i]) ? 0 : (int)m49[i];
        char k[16];
        if (*c->iso3c)
            strmap_put(&d->cc_iso3, c->iso3c, i);
        if (*c->iso2c)
            strmap_put(&d->cc_iso2, c->iso2c, i);
        if (c->m49) {
            snprintf(k, sizeof k, "%d", c->m49);
            strmap_put(&d->cc_m49, k, i);
        }
    }
    d->ncc = n;
    st = RHAZ_OK;
done:
    rhaz_table_free(t);
    return st;
}

/* Compile the countrycode regexes with POSIX ERE (REG_ICASE).  Perl
 * look-arounds ("(?!", "(?=") do not compile; those countries are
 * covered by the crosswalk, and the count goes into the report. */
void rd_compile_regexes(rhaz_data *d)
{
    if (d->regex || !d->ncc)
        return;
    regex_t *r = calloc(d->ncc, sizeof *r);
    d->regex_ok = calloc(d->ncc, sizeof *d->regex_ok);
    if (!r || !d->regex_ok) {
        free(r);
        free(d->regex_ok);
        d->regex_ok = NULL;
        return;
    }
    for (size_t i = 0; i < d->ncc; i++) {
        d->regex_ok[i] = *d->cc[i].regex &&
            regcomp(&r[i], d->cc[i].regex, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0;
        if (!d->regex_ok[i])
            d->regex_bad++;
    }
    d->regex = r;
}

const rd_name *rd_find_name(rhaz_data *d, const char *name, long *cc)
{
    char key[256];
    size_t k;
    *cc = -1;
    strmap_fold(name, key, sizeof key);
    if (strmap_get(&d->name_map, key, &k))
        return &d->names[k];
    /* fall back on the regexes: accept a unique match with an ISO code */
    rd_compile_regexes(d);
    if (d->regex) {
        regex_t *r = d->regex;
        size_t hit = 0, nhit = 0;
        for (size_t i = 0; i < d->ncc; i++)
            if (d->regex_ok[i] && regexec(&r[i], name, 0, NULL, 0) == 0 &&
                *d->cc[i].iso3c) {
                hit = i;
                nhit++;
            }
        if (nhit == 1 && strmap_get(&d->name_map, d->cc[hit].iso3c, NULL) == 0) {
            *cc = (long)hit;
            /* find a crosswalk entry with that ISO code to reuse */
            for (size_t i = 0; i < d->nnames; i++)
                if (strcmp(d->names[i].iso3c, d->cc[hit].iso3c) == 0 &&
                    !d->names[i].aggregate)
                    return &d->names[i];
        }
    }
    return NULL;
}

const rd_name *rd_lookup(rhaz_data *d, const char *name, const char *file)
{
    long cc;
    const rd_name *nm = rd_find_name(d, name, &cc);
    if (nm && cc >= 0) {
        char key[256];
        strmap_fold(name, key, sizeof key);
        rd_note_add(d, file, "matched by regex only (add to country-names.csv)", name);
        strmap_put(&d->name_map, key, (size_t)(nm - d->names));
    }
    if (nm)
        return nm;
    rd_note_add(d, file, "unmatched name", name);
    d->unmatched++;
    return NULL;
}

/* ---------- COW state system ---------- */

static rhaz_status load_cow(rhaz_data *d, rhaz_error *err)
{
    static const char *const str[] = {"stateabb", "statenme", NULL};
    rhaz_csv_options o = {0};
    o.as_string = str;
    rhaz_table *t = read_rel(d, "cow-system-membership-2016.csv", &o, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    const char *cols[] = {"ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"};
    const double *v[7];
    long ja, jn, j;
    rhaz_status st;
    if ((st = need_col(t, "stateabb", 1, &ja, err)) || (st = need_col(t, "statenme", 1, &jn, err)))
        goto done;
    for (int c = 0; c < 7; c++) {
        if ((st = need_col(t, cols[c], 0, &j, err)))
            goto done;
        v[c] = rhaz_table_num(t, (size_t)j);
    }
    size_t n = rhaz_table_nrow(t);
    d->states = calloc(n ? n : 1, sizeof *d->states);
    d->in_sys = calloc((size_t)RD_NCOWN * RD_NY, 1);
    if (!d->states || !d->in_sys) {
        st = nomem(err);
        goto done;
    }
    for (int c = 0; c < RD_NCOWN; c++)
        d->state_of[c] = -1;
    for (size_t i = 0; i < n; i++) {
        int cown = isnan(v[0][i]) ? -1 : (int)v[0][i];
        int sy = (int)v[1][i], ey = (int)v[4][i], em = (int)v[5][i], ed = (int)v[6][i];
        if (cown <= 0 || cown >= RD_NCOWN || !rd_ok(cown, sy) || !rd_ok(cown, ey) || ey < sy) {
            st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t), rhaz_table_line(t, i),
                                "bad COW code or years");
            goto done;
        }
        int s = d->state_of[cown];
        if (s < 0) {
            s = (int)d->nstates++;
            d->state_of[cown] = s;
            rd_state *x = &d->states[s];
            x->cown = cown;
            x->name = own(d, cell(t, jn, i));
            x->abb = own(d, cell(t, ja, i));
            x->first_year = 9999;
            x->last_year = 0;
            const rd_name *nm = rd_lookup(d, x->name, rhaz_table_name(t));
            x->iso3c = nm ? nm->iso3c : "";
            if (nm && nm->cown != cown)
                rd_note_add(d, rhaz_table_name(t), "crosswalk COW code differs (COW code kept)", x->name);
        }
        /* the 31 December rule: in the system in year y if a member on
         * 31 Dec of y */
        int last = (em == 12 && ed == 31) ? ey : ey - 1;
        rd_state *x = &d->states[s];
        for (int y = sy; y <= last; y++) {
            d->in_sys[RD_CELL(cown, y)] = 1;
            if (y < x->first_year)
                x->first_year = y;
            if (y > x->last_year)
                x->last_year = y;
        }
    }
    /* COW v2016 ends on 31 Dec 2016: states then in the system are
     * assumed to stay in it up to 2022 (the last year of the 2022
     * status files). */
    for (size_t s = 0; s < d->nstates; s++) {
        rd_state *x = &d->states[s];
        if (x->last_year == 2016) {
            for (int y = 2017; y <= 2022; y++)
                d->in_sys[RD_CELL(x->cown, y)] = 1;
            x->last_year = 2022;
        }
    }
    st = RHAZ_OK;
done:
    rhaz_table_free(t);
    return st;
}

static rhaz_status load_regions(rhaz_data *d, rhaz_error *err)
{
    static const char *const str[] = {"name", "region", "subregion", "note", NULL};
    rhaz_csv_options o = {0};
    o.as_string = str;
    rhaz_table *t = read_rel(d, "state-regions.csv", &o, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    long jc, jr, js;
    rhaz_status st;
    if ((st = need_col(t, "cown", 0, &jc, err)) || (st = need_col(t, "region", 1, &jr, err)) ||
        (st = need_col(t, "subregion", 1, &js, err)))
        goto done;
    /* regions from country-codes, by ISO3 else by COW code */
    for (size_t s = 0; s < d->nstates; s++) {
        rd_state *x = &d->states[s];
        size_t k;
        const rd_cc *c = NULL;
        if (*x->iso3c && strmap_get(&d->cc_iso3, x->iso3c, &k))
            c = &d->cc[k];
        for (size_t i = 0; !c && i < d->ncc; i++)
            if (d->cc[i].cown == x->cown)
                c = &d->cc[i];
        if (c) {
            x->region[0] = *c->region ? c->region : NULL;
            x->region[1] = *c->subregion ? c->subregion : NULL;
            x->region[2] = *c->wb ? c->wb : NULL;
        }
    }
    const double *cown = rhaz_table_num(t, (size_t)jc);
    for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
        int c = isnan(cown[i]) ? -1 : (int)cown[i];
        if (c <= 0 || c >= RD_NCOWN || d->state_of[c] < 0) {
            st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t), rhaz_table_line(t, i),
                                "not a COW state code");
            goto done;
        }
        rd_state *x = &d->states[d->state_of[c]];
        x->region[0] = own(d, cell(t, jr, i));
        x->region[1] = own(d, cell(t, js, i));
    }
    st = RHAZ_OK;
done:
    rhaz_table_free(t);
    return st;
}

/* ---------- UN status files ---------- */

typedef enum { COL_SKIP = 0, COL_SIGN, COL_CONSENT, COL_OTHER } coltype;

static int has(const char *low, const char *w) { return strstr(low, w) != NULL; }

static rhaz_act act_from_words(const char *w)
{
    while (*w == ' ')
        w++;
    if (!strncmp(w, "ratification", 12)) return RHAZ_ACT_RATIFICATION;
    if (!strncmp(w, "definitive signature", 20)) return RHAZ_ACT_DEFINITIVE_SIGNATURE;
    if (!strncmp(w, "confirmation of signature", 25)) return RHAZ_ACT_DEFINITIVE_SIGNATURE;
    if (!strncmp(w, "definitive acceptance", 21)) return RHAZ_ACT_ACCEPTANCE;
    if (!strncmp(w, "acceptance", 10)) return RHAZ_ACT_ACCEPTANCE;
    if (!strncmp(w, "approval", 8)) return RHAZ_ACT_APPROVAL;
    if (!strncmp(w, "accession", 9)) return RHAZ_ACT_ACCESSION;
    if (!strncmp(w, "succession", 10)) return RHAZ_ACT_SUCCESSION;
    if (!strncmp(w, "formal confirmation", 19)) return RHAZ_ACT_FORMAL_CONFIRMATION;
    return RHAZ_ACT_CONSENT; /* participation, consent to be bound, application, ... */
}

/* Classify a column header; *deflt = act of dates without a suffix. */
static coltype classify(const char *hdr, rhaz_act *deflt)
{
    char low[512];
    strmap_fold(hdr, low, sizeof low);
    *deflt = RHAZ_ACT_OTHER;
    if (!strcmp(low, "resolution") || !strcmp(low, "registration number") ||
        has(low, "unts volume") || has(low, "unts page"))
        return COL_SKIP;
    if (has(low, "provisional") || has(low, "notification under") ||
        has(low, "notification of non") || !strcmp(low, "extension") ||
        !strcmp(low, "registration date") || has(low, "undertaking") ||
        !strcmp(low, "confirmation of signature ad referendum(c)"))
        return COL_OTHER;
    if (!strncmp(low, "signature", 9)) {
        *deflt = RHAZ_ACT_SIGNATURE;
        return COL_SIGN;
    }
    if (!strcmp(low, "date of adoption")) { /* UN membership: admission */
        *deflt = RHAZ_ACT_ACCEPTANCE;
        return COL_CONSENT;
    }
    if (!strcmp(low, "application")) { /* ECE regulations applied */
        *deflt = RHAZ_ACT_CONSENT;
        return COL_CONSENT;
    }
    /* consent column: the first item without a "(x)" marker gives the act
     * of unmarked dates; if all are marked, the first item */
    const char *p = low, *first = low;
    int found = 0;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && p[len - 1] == ' ')
            len--;
        int marked = len >= 3 && p[len - 1] == ')' && memchr(p, '(', len) &&
                     isalpha((unsigned char)p[len - 2]);
        if (!marked) {
            *deflt = act_from_words(p);
            found = 1;
            break;
        }
        if (!e)
            break;
        p = e + 1;
    }
    if (!found)
        *deflt = act_from_words(first);
    return COL_CONSENT;
}

static int suffix_act(coltype ct, const char *sfx, rhaz_act deflt, rhaz_act *out)
{
    if (!*sfx) {
        *out = deflt;
        return 0;
    }
    if (ct == COL_OTHER) {
        *out = RHAZ_ACT_OTHER;
        return 0;
    }
    if (ct == COL_SIGN) {
        if (!strcmp(sfx, "d") || !strcmp(sfx, "s")) { /* succession to / ad referendum */
            *out = RHAZ_ACT_SIGNATURE;
            return 0;
        }
        return -1;
    }
    static const struct { const char *s; rhaz_act a; } map[] = {
        {"a", RHAZ_ACT_ACCESSION},  {"d", RHAZ_ACT_SUCCESSION},
        {"A", RHAZ_ACT_ACCEPTANCE}, {"AA", RHAZ_ACT_APPROVAL},
        {"s", RHAZ_ACT_DEFINITIVE_SIGNATURE}, {"c", RHAZ_ACT_FORMAL_CONFIRMATION},
        {"C", RHAZ_ACT_DEFINITIVE_SIGNATURE}, {"P", RHAZ_ACT_CONSENT},
        {"p", RHAZ_ACT_CONSENT},    {"n", RHAZ_ACT_OTHER}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(sfx, map[i].s)) {
            *out = map[i].a;
            return 0;
        }
    return -1;
}

static rhaz_participant *add_participant(rd_treaty *t)
{
    if (t->np == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        rhaz_participant *n = realloc(t->p, cap * sizeof *n);
        if (!n)
            return NULL;
        t->p = n;
        t->cap = cap;
    }
    rhaz_participant *p = &t->p[t->np++];
    memset(p, 0, sizeof *p);
    return p;
}

/* Strip footnote digits (and blanks) after a name. */
static void clean_name(const char *s, char *buf, size_t n)
{
    snprintf(buf, n, "%s", s);
    size_t k = strlen(buf);
    while (k && (isdigit((unsigned char)buf[k - 1]) || buf[k - 1] == ' ' ||
                 buf[k - 1] == ','))
        buf[--k] = '\0';
    size_t b = 0;
    while (buf[b] == ' ')
        b++;
    if (b)
        memmove(buf, buf + b, strlen(buf + b) + 1);
}

rhaz_status rd_parse_status(rhaz_data *d, rd_treaty *tr, const char *path,
                            rhaz_error *err)
{
    rhaz_csv_options o = {.mixed_as_text = 1}; /* columns checked below */
    rhaz_table *t = rhaz_table_read(path, &o, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    rhaz_status st = rd_parse_status_table(d, tr, t, err);
    rhaz_table_free(t);
    return st;
}

rhaz_status rd_parse_status_table(rhaz_data *d, rd_treaty *tr,
                                  const rhaz_table *t, rhaz_error *err)
{
    rhaz_status st = RHAZ_OK;
    size_t nc = rhaz_table_ncol(t), nr = rhaz_table_nrow(t);
    const char *file = rhaz_table_name(t);
    coltype ct[64];
    rhaz_act deflt[64];
    strmap seen = {0};
    if (nc < 1 || nc > 64 || strcmp(rhaz_table_colname(t, 0), "Participant") != 0) {
        st = rhaz_error_set(err, RHAZ_EDATA, file, 1,
                            "expected a first column 'Participant'");
        goto done;
    }
    if (strmap_init(&tr->by_iso, nr) || strmap_init(&seen, nr)) {
        st = nomem(err);
        goto done;
    }
    for (size_t j = 1; j < nc; j++) {
        ct[j] = classify(rhaz_table_colname(t, j), &deflt[j]);
        if (ct[j] != COL_SKIP && rhaz_table_coltype(t, j) == RHAZ_COL_NUMERIC) {
            /* numeric: fine only if every cell is empty */
            const double *x = rhaz_table_num(t, j);
            for (size_t i = 0; i < nr; i++)
                if (!isnan(x[i])) {
                    st = rhaz_error_set(err, RHAZ_EPARSE, file, rhaz_table_line(t, i),
                                        "bad date '%g' in column '%s'", x[i],
                                        rhaz_table_colname(t, j));
                    goto done;
                }
            ct[j] = COL_SKIP;
        }
    }
    for (size_t i = 0; i < nr; i++) {
        long line = rhaz_table_line(t, i);
        char name[256], key[256];
        const char *raw = rhaz_table_str(t, 0, i);
        if (!raw) {
            st = rhaz_error_set(err, RHAZ_EDATA, file, line, "empty participant name");
            goto done;
        }
        clean_name(raw, name, sizeof name);
        strmap_fold(name, key, sizeof key);
        if (strmap_get(&seen, key, NULL)) {
            st = rhaz_error_set(err, RHAZ_EDATA, file, line,
                                "duplicated participant '%s'", name);
            if (err)
                snprintf(err->what, sizeof err->what, "%.127s", name);
            goto done;
        }
        strmap_put(&seen, key, i);
        rhaz_participant *p = add_participant(tr);
        if (!p) {
            st = nomem(err);
            goto done;
        }
        p->name = own(d, name);
        p->line = line;
        const rd_name *nm = rd_lookup(d, name, file);
        p->iso3c = nm ? nm->iso3c : "";
        p->kind = nm ? nm->kind : RHAZ_ENTITY_OTHER;
        for (size_t j = 1; j < nc; j++) {
            if (ct[j] == COL_SKIP)
                continue;
            const char *s = rhaz_table_str(t, j, i);
            if (!s)
                continue;
            rhaz_date dt;
            char sfx[4];
            rhaz_act a;
            if ((st = rhaz_date_parse_at(s, &dt, sfx, file, line, err)))
                goto done;
            if (dt.month == 0) {
                st = rhaz_error_set(err, RHAZ_EPARSE, file, line,
                                    "bad date '%s': day and month missing", s);
                goto done;
            }
            if (suffix_act(ct[j], sfx, deflt[j], &a)) {
                st = rhaz_error_set(err, RHAZ_EPARSE, file, line,
                                    "unknown act suffix '%s' in '%s' (column '%s')",
                                    sfx, s, rhaz_table_colname(t, j));
                goto done;
            }
            if (a == RHAZ_ACT_SIGNATURE) {
                if (!p->signature.year || rhaz_date_cmp(dt, p->signature) < 0)
                    p->signature = dt;
            } else if (rhaz_act_is_consent(a)) {
                if (!p->consent.year || rhaz_date_cmp(dt, p->consent) < 0) {
                    p->consent = dt;
                    p->consent_act = a;
                }
            }
        }
        if (p->signature.year && p->consent.year &&
            rhaz_date_cmp(p->signature, p->consent) > 0)
            rd_note_add(d, file, "signature dated after consent (kept as recorded)", name);
        if (nm && *nm->iso3c && p->kind != RHAZ_ENTITY_OTHER) {
            if (strmap_get(&tr->by_iso, nm->iso3c, NULL)) {
                st = rhaz_error_set(err, RHAZ_EDATA, file, line,
                                    "participant '%s' is a second entry for %s",
                                    name, nm->iso3c);
                goto done;
            }
            strmap_put(&tr->by_iso, nm->iso3c, tr->np - 1);
        }
        if (p->kind == RHAZ_ENTITY_ORGANIZATION)
            rd_note_add(d, file, "organization (not in risk sets)", name);
        else if (p->kind == RHAZ_ENTITY_TERRITORY)
            rd_note_add(d, file, "not a COW state (not in risk sets)", name);
    }
done:
    strmap_free(&seen);
    return st;
}

/* Date at the end of a title: "... New York, 18 December 1990". */
static int title_date(const char *title, rhaz_date *out)
{
    const char *best = NULL;
    for (const char *p = title; *p; p++) {
        if (isdigit((unsigned char)*p) && (p == title || !isdigit((unsigned char)p[-1]))) {
            rhaz_date dt;
            char buf[40];
            size_t k = 0;
            const char *q = p;
            while (*q && k < sizeof buf - 1 && (isalnum((unsigned char)*q) || *q == ' '))
                buf[k++] = *q++;
            buf[k] = '\0';
            /* take "D Month YYYY" prefix */
            int dd, yy;
            char mon[16];
            if (sscanf(buf, "%d %15[A-Za-z] %d", &dd, mon, &yy) == 3) {
                char s[48];
                snprintf(s, sizeof s, "%d %s %d", dd, mon, yy);
                if (rhaz_date_parse(s, &dt, NULL, NULL) == RHAZ_OK) {
                    *out = dt;
                    best = p;
                }
            }
        }
    }
    return best ? 0 : -1;
}

static const struct { const char *key, *un; } core_keys[] = {
    {"cerd", "4-2"}, {"icescr", "4-3"}, {"iccpr", "4-4"}, {"cedaw", "4-8"},
    {"cat", "4-9"},  {"crc", "4-11"},   {"icmw", "4-13"}, {"refugee1951", "5-2"},
    {"refugee1967", "5-5"}};
#define NCORE (sizeof core_keys / sizeof core_keys[0])

static rhaz_status load_treaties(rhaz_data *d, rhaz_error *err)
{
    static const char *const str[] = {"chapter_no", "treaty_no", "treaty_name", NULL};
    rhaz_csv_options o = {0};
    o.as_string = str;
    rhaz_table *t = read_rel(d, "un-2015/index.csv", &o, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    long jc, jt, jn;
    rhaz_status st;
    rhaz_table *op = NULL;       /* treaty-opening.csv, if present */
    unsigned char *op_used = NULL;
    if ((st = need_col(t, "chapter_no", 1, &jc, err)) ||
        (st = need_col(t, "treaty_no", 1, &jt, err)) ||
        (st = need_col(t, "treaty_name", 1, &jn, err)))
        goto done;
    size_t n = rhaz_table_nrow(t);
    d->tr = calloc(n ? n : 1, sizeof *d->tr);
    d->trcap = d->tr ? n : 0;
    if (!d->tr || strmap_init(&d->tr_key, 2 * n)) {
        st = nomem(err);
        goto done;
    }
    /* attributes of the core treaties */
    static const char *const astr[] = {"treaty", "un_file", "name", "opened",
        "entry_into_force", "novelty", "group_definition", "rights_differentiated",
        "source", NULL};
    rhaz_csv_options ao = {0};
    ao.as_string = astr;
    d->attr = read_rel(d, "treaty-attributes.csv", &ao, err);
    if (!d->attr) {
        st = err ? err->status : RHAZ_EIO;
        goto done;
    }
    long ja_un, ja_open;
    if ((st = need_col(d->attr, "un_file", 1, &ja_un, err)) ||
        (st = need_col(d->attr, "opened", 1, &ja_open, err)))
        goto done;
    /* opening for signature (or accession), with its source, where it is
     * not the adoption date of the title: the start of risk */
    char opath[1024];
    long jo_un = -1, jo_open = -1, jo_kind = -1, jo_src = -1;
    path_of(d, "treaty-opening.csv", opath, sizeof opath);
    if (file_exists(opath)) {
        static const char *const ostr[] = {"un_file", "treaty", "opened", "kind", "source", NULL};
        rhaz_csv_options oo = {0};
        oo.as_string = ostr;
        if (!(op = read_rel(d, "treaty-opening.csv", &oo, err))) {
            st = err ? err->status : RHAZ_EIO;
            goto done;
        }
        if ((st = need_col(op, "un_file", 1, &jo_un, err)) ||
            (st = need_col(op, "opened", 1, &jo_open, err)) ||
            (st = need_col(op, "kind", 1, &jo_kind, err)) ||
            (st = need_col(op, "source", 1, &jo_src, err)))
            goto done;
        for (size_t r = 0; r < rhaz_table_nrow(op); r++) {
            const char *k = cell(op, jo_kind, r);
            if (strcmp(k, "signature") && strcmp(k, "accession")) {
                st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(op),
                                    rhaz_table_line(op, r),
                                    "kind '%s' is not signature or accession", k);
                goto done;
            }
            if (!*cell(op, jo_src, r)) {
                st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(op),
                                    rhaz_table_line(op, r), "opening date without a source");
                goto done;
            }
        }
    } else {
        rd_note_add(d, opath, "absent: risk starts at the adoption date", NULL);
    }
    op_used = calloc(op ? rhaz_table_nrow(op) + 1 : 1, 1);
    if (!op_used) {
        st = nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        char un[64], rel[128], path[1024];
        snprintf(un, sizeof un, "%s-%s", cell(t, jc, i), cell(t, jt, i));
        for (char *p = un; *p; p++)
            if (*p == '.')
                *p = '-';
        snprintf(rel, sizeof rel, "un-2015/%s.csv", un);
        path_of(d, rel, path, sizeof path);
        if (!file_exists(path)) {
            size_t k = strlen(un); /* "3-2-2a" -> "3-2-2-a" */
            if (k > 1 && isalpha((unsigned char)un[k - 1]) && isdigit((unsigned char)un[k - 2])) {
                char alt[64];
                snprintf(alt, sizeof alt, "%.*s-%c", (int)(k - 1), un, un[k - 1]);
                snprintf(rel, sizeof rel, "un-2015/%s.csv", alt);
                path_of(d, rel, path, sizeof path);
                if (file_exists(path))
                    snprintf(un, sizeof un, "%s", alt);
            }
        }
        if (!file_exists(path))
            continue; /* listed in the index, not in the 2015 collection */
        rd_treaty *tr = &d->tr[d->ntr];
        tr->attr_row = -1;
        tr->un = 1;
        tr->info.un_number = own(d, un);
        tr->info.key = tr->info.un_number;
        tr->info.title = own(d, cell(t, jn, i));
        tr->info.file = own(d, path);
        for (size_t c = 0; c < NCORE; c++)
            if (!strcmp(un, core_keys[c].un)) {
                tr->info.key = core_keys[c].key;
                tr->info.core = 1;
            }
        for (size_t r = 0; r < rhaz_table_nrow(d->attr); r++)
            if (!strcmp(cell(d->attr, ja_un, r), un)) {
                tr->attr_row = (int)r;
                if ((st = rhaz_date_parse_at(cell(d->attr, ja_open, r), &tr->info.opened,
                                             NULL, rhaz_table_name(d->attr),
                                             rhaz_table_line(d->attr, r), err)))
                    goto done;
            }
        if ((st = rd_parse_status(d, tr, path, err)))
            goto done;
        if (!tr->info.opened.year && title_date(tr->info.title, &tr->info.opened)) {
            /* no date in the title: the earliest act recorded */
            for (size_t j = 0; j < tr->np; j++) {
                rhaz_date a = tr->p[j].signature.year ? tr->p[j].signature : tr->p[j].consent;
                if (a.year && (!tr->info.opened.year || rhaz_date_cmp(a, tr->info.opened) < 0))
                    tr->info.opened = a;
            }
            rd_note_add(d, path, "opening date taken from the earliest act", NULL);
        }
        int coded = tr->attr_row >= 0;
        for (size_t r = 0; op && r < rhaz_table_nrow(op); r++)
            if (!strcmp(cell(op, jo_un, r), un)) {
                rhaz_date od;
                if ((st = rhaz_date_parse_at(cell(op, jo_open, r), &od, NULL,
                                             rhaz_table_name(op), rhaz_table_line(op, r), err)))
                    goto done;
                if (tr->info.opened.year && rhaz_date_cmp(od, tr->info.opened) < 0) {
                    st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(op),
                                        rhaz_table_line(op, r),
                                        "%s opened before its adoption date", un);
                    goto done;
                }
                tr->info.opened = od;
                op_used[r] = 1;
                coded = 1;
            }
        if (!tr->info.opened.year) {
            st = rhaz_error_set(err, RHAZ_EDATA, path, 0, "no opening date");
            goto done;
        }
        /* a title date later than acts recorded (amended or revised texts
         * dated by their amendment): open at the earliest act.  An opening
         * date coded in treaty-attributes (with its source) is not moved:
         * an act before it is a wrong date in the status file ("5 Jun 1907"
         * for the 1990 ICMW would triple the panel), refused at its line. */
        for (size_t j = 0; j < tr->np; j++) {
            rhaz_date a = tr->p[j].signature;
            if (tr->p[j].consent.year && (!a.year || rhaz_date_cmp(tr->p[j].consent, a) < 0))
                a = tr->p[j].consent;
            if (a.year && rhaz_date_cmp(a, tr->info.opened) < 0 && coded) {
                char ad[32], od[32];
                rhaz_date_format(a, ad, sizeof ad);
                rhaz_date_format(tr->info.opened, od, sizeof od);
                st = rhaz_error_set(err, RHAZ_EDATA, path, tr->p[j].line,
                                    "%s: act dated %s, before the treaty was "
                                    "opened (%s, %s)", tr->p[j].name, ad, od,
                                    tr->attr_row >= 0 ? rhaz_table_name(d->attr)
                                                      : rhaz_table_name(op));
                goto done;
            }
            if (a.year && rhaz_date_cmp(a, tr->info.opened) < 0) {
                char msg[64];
                rhaz_date_format(a, msg, sizeof msg);
                tr->info.opened = a;
                rd_note_add(d, path, "opening date moved to an earlier act than the title date",
                            msg);
            }
        }
        strmap_put(&d->tr_key, tr->info.key, d->ntr);
        strmap_put(&d->tr_key, tr->info.un_number, d->ntr);
        d->ntr++;
    }
    for (size_t r = 0; op && r < rhaz_table_nrow(op); r++)
        if (!op_used[r]) {
            st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(op), rhaz_table_line(op, r),
                                "treaty '%s' is not in the UN collection", cell(op, jo_un, r));
            goto done;
        }
    st = RHAZ_OK;
done:
    free(op_used);
    rhaz_table_free(op);
    rhaz_table_free(t);
    return st;
}

/* ---------- 2022 status ---------- */

static const struct { const char *file, *un; } files2022[] = {
    {"hr_status_icerd.csv", "4-2"},    {"hr_status_icescr.csv", "4-3"},
    {"hr_status_iccpr.csv", "4-4"},    {"hr_status_cedaw.csv", "4-8"},
    {"hr_status_cat.csv", "4-9"},      {"hr_status_crc.csv", "4-11"},
    {"hr_status_icmw.csv", "4-13"},    {"hr_status_iccpr_op1.csv", "4-5"},
    {"hr_status_iccpr_op2.csv", "4-12"}, {"hr_status_icescr_op.csv", "4-3-a"},
    {"hr_status_op_cedaw.csv", "4-8-b"}, {"hr_status_opcat.csv", "4-9-b"},
    {"hr_status_op_crc_ac.csv", "4-11-b"}, {"hr_status_op_crc_sc.csv", "4-11-c"},
    {"hr_status_op_crc_ic.csv", "4-11-d"}, {"hr_status_crpd.csv", "4-15"},
    {"hr_status_op_crpd.csv", "4-15-a"}, {"hr_status_cped.csv", "4-16"}};

static rhaz_status load_2022(rhaz_data *d, rhaz_error *err)
{
    static const char *const str[] = {"iso2", "member", "status", "note", NULL};
    static const char *const na[] = {NULL};
    for (size_t f = 0; f < sizeof files2022 / sizeof files2022[0]; f++) {
        size_t ti;
        if (!strmap_get(&d->tr_key, files2022[f].un, &ti))
            continue;
        rd_treaty *tr = &d->tr[ti];
        char rel[128];
        rhaz_csv_options o = {0};
        o.as_string = str;
        o.na_strings = na;
        snprintf(rel, sizeof rel, "status-2022/%s", files2022[f].file);
        rhaz_table *t = read_rel(d, rel, &o, err);
        if (!t)
            return err ? err->status : RHAZ_EIO;
        const char *file = rhaz_table_name(t);
        long j2, jm, jp, jy;
        rhaz_status st;
        if ((st = need_col(t, "iso2", 1, &j2, err)) || (st = need_col(t, "member", 1, &jm, err)) ||
            (st = need_col(t, "state party", 0, &jp, err)) ||
            (st = need_col(t, "year ratification or accession", 0, &jy, err))) {
            rhaz_table_free(t);
            return st;
        }
        tr->info.has_2022 = 1;
        const double *party = rhaz_table_num(t, (size_t)jp), *year = rhaz_table_num(t, (size_t)jy);
        strmap seen;
        if (strmap_init(&seen, 256)) {
            rhaz_table_free(t);
            return nomem(err);
        }
        for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
            long line = rhaz_table_line(t, i);
            const char *iso2 = cell(t, j2, i), *member = cell(t, jm, i);
            const char *iso3 = NULL;
            size_t k;
            if (strmap_get(&d->cc_iso2, iso2, &k) && *d->cc[k].iso3c) {
                iso3 = d->cc[k].iso3c;
            } else {
                const rd_name *nm = rd_lookup(d, member, file);
                if (nm && *nm->iso3c) {
                    iso3 = nm->iso3c;
                    if (*iso2)
                        rd_note_add(d, file, "stale ISO2 code, matched by name", iso2);
                }
            }
            if (!*iso2 && iso3)
                rd_note_add(d, file, "ISO2 code read as missing ('NA' is Namibia), matched by name", member);
            if (!iso3) {
                rd_note_add(d, file, "unmatched code", iso2);
                d->unmatched++;
                continue;
            }
            if (strmap_get(&seen, iso3, NULL)) {
                strmap_free(&seen);
                rhaz_table_free(t);
                return rhaz_error_set(err, RHAZ_EDATA, file, line,
                                      "duplicated participant '%s' (%s)", member, iso3);
            }
            strmap_put(&seen, iso3, i);
            int is_party = !isnan(party[i]) && party[i] == 1;
            if (is_party && isnan(year[i])) {
                strmap_free(&seen);
                rhaz_table_free(t);
                return rhaz_error_set(err, RHAZ_EDATA, file, line,
                                      "state party without a year");
            }
            int y = is_party ? (int)year[i] : 0;
            rhaz_participant *p = NULL;
            if (strmap_get(&tr->by_iso, iso3, &k))
                p = &tr->p[k];
            if (p && p->consent.year) {
                if (!is_party || p->consent.year != y) {
                    char msg[160];
                    if (is_party)
                        snprintf(msg, sizeof msg, "%s: 2015 consent %d, 2022 year %d (2015 kept)",
                                 iso3, p->consent.year, y);
                    else
                        snprintf(msg, sizeof msg, "%s: 2015 consent %d, 2022 not a party (2015 kept)",
                                 iso3, p->consent.year);
                    rd_note_add(d, file, "2015 and 2022 disagree", msg);
                    d->disagree_2022++;
                }
                continue;
            }
            if (!is_party)
                continue;
            if (y <= 2014) {
                /* the 2015 record (14 March 2015) is exact and says "not
                 * a party": it wins for years it covers */
                char msg[160];
                snprintf(msg, sizeof msg, "%s: no 2015 consent, 2022 year %d (2015 kept)", iso3, y);
                rd_note_add(d, file, "2015 and 2022 disagree", msg);
                d->disagree_2022++;
                continue;
            }
            if (!p) {
                if (!(p = add_participant(tr))) {
                    strmap_free(&seen);
                    rhaz_table_free(t);
                    return nomem(err);
                }
                p->name = own(d, member);
                p->iso3c = iso3;
                const rd_name *nm = rd_lookup(d, member, file);
                p->kind = nm ? nm->kind : RHAZ_ENTITY_STATE;
                strmap_put(&tr->by_iso, iso3, tr->np - 1);
            }
            p->consent.year = y;
            p->consent.month = p->consent.day = 0;
            p->consent_act = RHAZ_ACT_CONSENT;
            p->from_2022 = 1;
        }
        strmap_free(&seen);
        rhaz_table_free(t);
    }
    return RHAZ_OK;
}

/* ---------- covariates ---------- */

static void grid_set(rhaz_data *d, int g, int cown, int year, double v)
{
    if (rd_ok(cown, year))
        d->grid[g][RD_CELL(cown, year)] = v;
}

/* Set a value for every COW state with this ISO3 code. */
static int grid_set_iso(rhaz_data *d, int g, const char *iso3, int year, double v)
{
    int n = 0;
    for (size_t s = 0; s < d->nstates; s++)
        if (!strcmp(d->states[s].iso3c, iso3)) {
            grid_set(d, g, d->states[s].cown, year, v);
            n++;
        }
    return n;
}

static int recode(const rhaz_table *rc, const char *source, int code)
{
    if (!rc)
        return code;
    long js = rhaz_table_find(rc, "source"), jc = rhaz_table_find(rc, "code"),
         jo = rhaz_table_find(rc, "cown");
    const double *c = rhaz_table_num(rc, (size_t)jc), *o = rhaz_table_num(rc, (size_t)jo);
    for (size_t i = 0; i < rhaz_table_nrow(rc); i++)
        if ((int)c[i] == code && !strcmp(cell(rc, js, i), source))
            return (int)o[i];
    return code;
}

typedef struct {
    const char *file, *source, *code_col, *name_col, *value_col;
    int grid;
    int string_value; /* gwf */
} cow_source;

static size_t gwf_code(rhaz_data *d, const char *s)
{
    for (size_t i = 0; i < d->ngwf; i++)
        if (!strcmp(d->gwf_names[i], s))
            return i;
    char **n = realloc(d->gwf_names, (d->ngwf + 1) * sizeof *n);
    if (!n)
        return 0;
    d->gwf_names = n;
    d->gwf_names[d->ngwf] = own(d, s);
    return d->ngwf++;
}

static rhaz_status load_cow_source(rhaz_data *d, const cow_source *cs,
                                   const rhaz_table *rc, rhaz_error *err)
{
    const char *str[4] = {cs->name_col, NULL, NULL, NULL};
    if (cs->string_value) {
        str[1] = "gwf_regimetype";
        str[2] = "gwf_nonautocracy";
    }
    rhaz_csv_options o = {0};
    o.as_string = str;
    rhaz_table *t = read_rel(d, cs->file, &o, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    const char *file = rhaz_table_name(t);
    long jc, jn, jy, jv = -1, jv2 = -1;
    rhaz_status st;
    strmap names = {0};
    unsigned char *seen = NULL;
    short *setby = NULL;        /* source code that set a (cown, year) cell */
    int lastyr[RD_NCOWN] = {0}; /* last year of each source code */
    if ((st = need_col(t, cs->code_col, 0, &jc, err)) || (st = need_col(t, cs->name_col, 1, &jn, err)) ||
        (st = need_col(t, "year", 0, &jy, err)))
        goto done;
    if (cs->string_value) {
        if ((st = need_col(t, "gwf_regimetype", 1, &jv, err)) ||
            (st = need_col(t, "gwf_nonautocracy", 1, &jv2, err)))
            goto done;
    } else if (cs->value_col && (st = need_col(t, cs->value_col, 0, &jv, err))) {
        goto done;
    }
    if (strmap_init(&names, 512) ||
        !(seen = calloc((size_t)RD_NCOWN * RD_NY, 1)) ||
        !(setby = calloc((size_t)RD_NCOWN * RD_NY, sizeof *setby))) {
        st = nomem(err);
        goto done;
    }
    const double *code = rhaz_table_num(t, (size_t)jc), *year = rhaz_table_num(t, (size_t)jy);
    for (size_t i = 0; i < rhaz_table_nrow(t); i++)
        if (code[i] > 0 && code[i] < RD_NCOWN && !isnan(year[i]) && year[i] > lastyr[(int)code[i]])
            lastyr[(int)code[i]] = (int)year[i];
    const double *val = (!cs->string_value && jv >= 0) ? rhaz_table_num(t, (size_t)jv) : NULL;
    /* Freedom House: 14 - (pr + cl), rescaled to 0..1 */
    const double *pr = NULL, *cl = NULL;
    if (!strcmp(cs->source, "freedomhouse")) {
        long a, b;
        if ((st = need_col(t, "pr", 0, &a, err)) || (st = need_col(t, "cl", 0, &b, err)))
            goto done;
        pr = rhaz_table_num(t, (size_t)a);
        cl = rhaz_table_num(t, (size_t)b);
    }
    for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
        const char *nm = cell(t, jn, i);
        if (!strmap_get(&names, nm, NULL)) {
            strmap_put(&names, nm, i);
            rd_lookup(d, nm, file); /* every name must be known */
        }
        int y = isnan(year[i]) ? 0 : (int)year[i];
        if (isnan(code[i])) {
            rd_note_add(d, file, "dropped: no COW code (not a state)", nm);
            continue;
        }
        /* a (code, year) given twice is ambiguous: refuse it */
        if (code[i] > 0 && code[i] < RD_NCOWN && rd_ok((int)code[i], y)) {
            size_t cell = RD_CELL((int)code[i], y);
            if (seen[cell]) {
                st = rhaz_error_set(err, RHAZ_EDATA, file, rhaz_table_line(t, i),
                                    "duplicated state-year: code %d (%s), year %d",
                                    (int)code[i], nm, y);
                goto done;
            }
            seen[cell] = 1;
        }
        int c = recode(rc, cs->source, (int)code[i]);
        if (c != (int)code[i])
            rd_note_add(d, file, "code recoded (code-recodes.csv)", nm);
        if (c <= 0 || c >= RD_NCOWN || d->state_of[c] < 0) {
            rd_note_add(d, file, "dropped: code not a COW state", nm);
            continue;
        }
        if (!rd_ok(c, y)) {
            rd_note_add(d, file, "dropped: year outside 1800-2030", NULL);
            continue;
        }
        double v;
        if (cs->string_value) {
            const char *s = rhaz_table_str(t, (size_t)jv, i);
            if (!s)
                s = rhaz_table_str(t, (size_t)jv2, i);
            v = s ? (double)gwf_code(d, s) : NAN;
        } else if (pr) {
            v = (isnan(pr[i]) || isnan(cl[i])) ? NAN : (14.0 - pr[i] - cl[i]) / 12.0;
        } else {
            v = val[i];
        }
        if (isnan(v))
            continue;
        /* two source codes for one COW state-year (a transition year:
         * Polity's Serbia and Montenegro 347 and Serbia 342 in 2006, Sudan
         * 625 and Sudan-North 626 in 2011): the code that continues after
         * the year wins, i.e. the state as it was on 31 December, the COW
         * convention of the panel, whatever the order of the rows */
        size_t gc = RD_CELL(c, y);
        int sc = (int)code[i];
        if (setby[gc] && setby[gc] != sc) {
            rd_note_add(d, file, "two codes for one COW state-year: the code that continues "
                                 "after the year kept", nm);
            if (sc <= 0 || sc >= RD_NCOWN || setby[gc] <= 0 ||
                lastyr[sc] <= lastyr[setby[gc]])
                continue;
        }
        setby[gc] = (short)(sc > 0 && sc < RD_NCOWN ? sc : -1);
        grid_set(d, cs->grid, c, y, v);
    }
    st = RHAZ_OK;
done:
    free(setby);
    free(seen);
    strmap_free(&names);
    rhaz_table_free(t);
    return st;
}

static rhaz_status load_covariates(rhaz_data *d, rhaz_error *err)
{
    rhaz_status st;
    static const char *const rstr[] = {"source", "name", "note", NULL};
    rhaz_csv_options ro = {0};
    ro.as_string = rstr;
    rhaz_table *rc = read_rel(d, "code-recodes.csv", &ro, err);
    if (!rc)
        return err ? err->status : RHAZ_EIO;
    static const cow_source srcs[] = {
        {"polity5.csv", "polity5", "polity_annual_ccode", "polity_annual_country", "polity2", G_POLITY2, 0},
        {"vdem.csv", "vdem", "vdem_cowcode", "vdem_country_name", "v2x_polyarchy", G_VDEM, 0},
        {"freedomhouse.csv", "freedomhouse", "cown", "fh_country", NULL, G_FH, 0},
        {"bmr.csv", "bmr", "bmr_ccode", "bmr_country", "democracy", G_BMR, 0},
        {"lied.csv", "lied", "lied_cow", "lied_country", "lexical_index", G_LIED, 0},
        {"gwf_regimes.csv", "gwf", "gwf_cowcode", "gwf_country", NULL, G_GWF, 1}};
    for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++)
        if ((st = load_cow_source(d, &srcs[i], rc, err))) {
            rhaz_table_free(rc);
            return st;
        }
    rhaz_table_free(rc);

    /* migrant stock share, 2024 edition (ISO3) */
    static const char *const mstr[] = {"Entity", "Code", NULL};
    rhaz_csv_options mo = {0};
    mo.as_string = mstr;
    rhaz_table *t = read_rel(d, "un-migrant-stock-share-2024.csv", &mo, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    long je, jc, jy, jv;
    if ((st = need_col(t, "Entity", 1, &je, err)) || (st = need_col(t, "Code", 1, &jc, err)) ||
        (st = need_col(t, "Year", 0, &jy, err)) ||
        (st = need_col(t, "Share of the population that was born in another country", 0, &jv, err))) {
        rhaz_table_free(t);
        return st;
    }
    const double *yr = rhaz_table_num(t, (size_t)jy), *v = rhaz_table_num(t, (size_t)jv);
    strmap seen2024;
    strmap_init(&seen2024, 512);
    for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
        const char *code = cell(t, jc, i), *ent = cell(t, je, i);
        const rd_name *nm = rd_lookup(d, ent, rhaz_table_name(t));
        if (!*code || !strncmp(code, "OWID_", 5) || (nm && nm->aggregate)) {
            rd_note_add(d, rhaz_table_name(t), "dropped: aggregate (region or income group)", ent);
            continue;
        }
        if (!grid_set_iso(d, G_MIGOBS, code, (int)yr[i], v[i])) {
            rd_note_add(d, rhaz_table_name(t), "dropped: not a COW state", ent);
            continue;
        }
        strmap_put(&seen2024, code, 1);
    }
    rhaz_table_free(t);

    /* 2019 edition (M49, Latin-1): fills countries the 2024 edition lacks */
    static const char *const m2str[] = {"", "Area", "Code", NULL};
    rhaz_csv_options m2 = {0};
    m2.as_string = m2str;
    m2.encoding = RHAZ_ENC_LATIN1;
    t = read_rel(d, "un-migrant-stock-percent-2019.csv", &m2, err);
    if (!t) {
        strmap_free(&seen2024);
        return err ? err->status : RHAZ_EIO;
    }
    long ja;
    if ((st = need_col(t, "Area", 1, &ja, err)) || (st = need_col(t, "Code", 1, &jc, err)) ||
        (st = need_col(t, "Year", 0, &jy, err)) || (st = need_col(t, "Percent", 0, &jv, err))) {
        strmap_free(&seen2024);
        rhaz_table_free(t);
        return st;
    }
    yr = rhaz_table_num(t, (size_t)jy);
    v = rhaz_table_num(t, (size_t)jv);
    for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
        const char *area = cell(t, ja, i);
        size_t k;
        rd_lookup(d, area, rhaz_table_name(t));
        if (!strmap_get(&d->cc_m49, cell(t, jc, i), &k) || !*d->cc[k].iso3c) {
            rd_note_add(d, rhaz_table_name(t), "dropped: aggregate (region or income group)", area);
            continue;
        }
        if (strmap_get(&seen2024, d->cc[k].iso3c, NULL))
            continue; /* the 2024 edition has it */
        if (!grid_set_iso(d, G_MIGOBS, d->cc[k].iso3c, (int)yr[i], v[i]))
            rd_note_add(d, rhaz_table_name(t), "dropped: not a COW state", area);
        else
            rd_note_add(d, rhaz_table_name(t), "used: not in the 2024 edition", area);
    }
    strmap_free(&seen2024);
    rhaz_table_free(t);

    /* interpolate linearly between observations; never extrapolate */
    for (size_t s = 0; s < d->nstates; s++) {
        int c = d->states[s].cown, prev = 0;
        for (int y = RD_Y0; y < RD_Y0 + RD_NY; y++) {
            double o = d->grid[G_MIGOBS][RD_CELL(c, y)];
            if (isnan(o))
                continue;
            if (prev) {
                double a = d->grid[G_MIGOBS][RD_CELL(c, prev)];
                for (int z = prev; z <= y; z++)
                    d->grid[G_MIG][RD_CELL(c, z)] = a + (o - a) * (z - prev) / (double)(y - prev);
            } else {
                d->grid[G_MIG][RD_CELL(c, y)] = o;
            }
            prev = y;
        }
    }

    /* World Bank population and net migration (ISO3) */
    static const char *const wstr[] = {"iso", NULL};
    rhaz_csv_options wo = {0};
    wo.as_string = wstr;
    t = read_rel(d, "wb-population-netmigration.csv", &wo, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    long ji, jp, jn;
    if ((st = need_col(t, "iso", 1, &ji, err)) || (st = need_col(t, "year", 0, &jy, err)) ||
        (st = need_col(t, "pop", 0, &jp, err)) || (st = need_col(t, "nmig", 0, &jn, err))) {
        rhaz_table_free(t);
        return st;
    }
    yr = rhaz_table_num(t, (size_t)jy);
    const double *pop = rhaz_table_num(t, (size_t)jp), *nmig = rhaz_table_num(t, (size_t)jn);
    for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
        const char *iso = cell(t, ji, i);
        size_t k;
        double rate = (isnan(nmig[i]) || isnan(pop[i]) || pop[i] <= 0) ? NAN
                                                                     : 1000.0 * nmig[i] / pop[i];
        /* a code of a COW state is a country even where the countrycode
         * table has none (XKX, the World Bank's and rhaz's Kosovo) */
        if (!grid_set_iso(d, G_NMIG, iso, (int)yr[i], rate)) {
            rd_note_add(d, rhaz_table_name(t),
                        strmap_get(&d->cc_iso3, iso, &k) ? "dropped: not a COW state"
                                                         : "dropped: not a country code (aggregate)",
                        iso);
            continue;
        }
        grid_set_iso(d, G_POP, iso, (int)yr[i], pop[i]);
    }
    rhaz_table_free(t);

    /* OECD */
    static const char *const ostr[] = {"iso3c", "country", NULL};
    rhaz_csv_options oo = {0};
    oo.as_string = ostr;
    t = read_rel(d, "oecd-members.csv", &oo, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    long jo, jy2;
    if ((st = need_col(t, "iso3c", 1, &jo, err)) || (st = need_col(t, "country", 1, &jn, err)) ||
        (st = need_col(t, "accession_year", 0, &jy2, err)) || strmap_init(&d->oecd, 64)) {
        rhaz_table_free(t);
        return st ? st : nomem(err);
    }
    yr = rhaz_table_num(t, (size_t)jy2);
    for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
        const char *iso = cell(t, jo, i);
        rd_lookup(d, cell(t, jn, i), rhaz_table_name(t));
        if (isnan(yr[i]) || !strmap_get(&d->cc_iso3, iso, NULL)) {
            st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t), rhaz_table_line(t, i),
                                "bad ISO3 code or year");
            rhaz_table_free(t);
            return st;
        }
        strmap_put(&d->oecd, iso, (size_t)yr[i]);
    }
    rhaz_table_free(t);
    return RHAZ_OK;
}

/* ---------- public ---------- */

const char *rhaz_data_default_dir(void)
{
    const char *e = getenv("RHAZ_DATA");
    return e && *e ? e : "data";
}

rhaz_data *rhaz_data_open(const char *dir, rhaz_error *err)
{
    rhaz_error_clear(err);
    rhaz_data *d = calloc(1, sizeof *d);
    if (!d) {
        nomem(err);
        return NULL;
    }
    if (!dir)
        dir = rhaz_data_default_dir();
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        rhaz_error_set(err, RHAZ_EIO, dir, 0,
                       "data directory not found (give the data directory or "
                       "set RHAZ_DATA)");
        core_error_option(err, "data_dir");
        free(d);
        return NULL;
    }
    d->dir = own(d, dir);
    if (!d->dir || strmap_init(&d->note_map, 256))
        goto nomem;
    for (int g = 0; g < G_NGRID; g++) {
        d->grid[g] = malloc((size_t)RD_NCOWN * RD_NY * sizeof(double));
        if (!d->grid[g])
            goto nomem;
        for (size_t i = 0; i < (size_t)RD_NCOWN * RD_NY; i++)
            d->grid[g][i] = NAN;
    }
    if (load_names(d, err) || load_cc(d, err) || load_cow(d, err) ||
        load_regions(d, err) || load_treaties(d, err) || rd_load_predecessor_acts(d, err) || load_2022(d, err) ||
        load_covariates(d, err)) {
        rhaz_data_free(d);
        return NULL;
    }
    return d;
nomem:
    nomem(err);
    rhaz_data_free(d);
    return NULL;
}

void rhaz_data_free(rhaz_data *d)
{
    if (!d)
        return;
    free(d->names);
    strmap_free(&d->name_map);
    free(d->cc);
    strmap_free(&d->cc_iso3);
    strmap_free(&d->cc_iso2);
    strmap_free(&d->cc_m49);
    if (d->regex) {
        regex_t *r = d->regex;
        for (size_t i = 0; i < d->ncc; i++)
            if (d->regex_ok[i])
                regfree(&r[i]);
        free(r);
    }
    free(d->regex_ok);
    free(d->states);
    free(d->in_sys);
    for (int g = 0; g < G_NGRID; g++)
        free(d->grid[g]);
    free(d->gwf_names);
    for (size_t i = 0; i < d->trcap; i++) {
        free(d->tr[i].p);
        free(d->tr[i].pact);
        strmap_free(&d->tr[i].by_iso);
    }
    free(d->tr);
    strmap_free(&d->tr_key);
    strmap_free(&d->oecd);
    rhaz_table_free(d->attr);
    free(d->notes);
    strmap_free(&d->note_map);
    for (size_t i = 0; i < d->nstrings; i++)
        free(d->strings[i]);
    free(d->strings);
    free(d);
}
