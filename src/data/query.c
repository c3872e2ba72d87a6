/* query.c -- read access to a loaded rhaz_data: treaties, participants,
 * OECD membership, participation counts, the source report. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *rhaz_data_dir(const rhaz_data *d) { return d->dir; }
size_t rhaz_data_ntreaties(const rhaz_data *d) { return d->ntr; }

const rhaz_treaty_info *rhaz_data_treaty(const rhaz_data *d, size_t i)
{
    return i < d->ntr ? &d->tr[i].info : NULL;
}

size_t rhaz_data_nparticipants(const rhaz_data *d, size_t treaty)
{
    return treaty < d->ntr ? d->tr[treaty].np : 0;
}

const rhaz_participant *rhaz_data_participant(const rhaz_data *d, size_t treaty,
                                              size_t j)
{
    if (treaty >= d->ntr || j >= d->tr[treaty].np)
        return NULL;
    return &d->tr[treaty].p[j];
}

rhaz_status rhaz_data_select(const rhaz_data *d, const char *keys, size_t **idx,
                             size_t *n, rhaz_error *err)
{
    *idx = NULL;
    *n = 0;
    if (!keys || !*keys)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "no treaty keys given");
    size_t *out = malloc((d->ntr ? d->ntr : 1) * sizeof *out);
    unsigned char *used = calloc(d->ntr ? d->ntr : 1, 1);
    if (!out || !used) {
        free(out);
        free(used);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory querying the treaty records");
    }
    size_t m = 0;
    const char *p = keys;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char key[64];
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (len == 0 || len >= sizeof key) {
            free(out);
            free(used);
            rhaz_error_set(err, RHAZ_ENOTFOUND, NULL, 0, "bad treaty key '%.*s'",
                           (int)(len < 60 ? len : 60), p);
            return RHAZ_ENOTFOUND;
        }
        memcpy(key, p, len);
        key[len] = '\0';
        size_t t;
        if (!strcmp(key, "all")) {
            for (t = 0; t < d->ntr; t++)
                if (!used[t]) {
                    used[t] = 1;
                    out[m++] = t;
                }
        } else if (!strcmp(key, "core")) {
            for (t = 0; t < d->ntr; t++)
                if (d->tr[t].info.core && !used[t]) {
                    used[t] = 1;
                    out[m++] = t;
                }
        } else if (strmap_get(&d->tr_key, key, &t)) {
            if (!used[t]) {
                used[t] = 1;
                out[m++] = t;
            }
        } else {
            free(out);
            free(used);
            rhaz_error_set(err, RHAZ_ENOTFOUND, NULL, 0,
                           "unknown treaty '%s' (not a key or UN number of "
                           "the bundled treaty records)", key);
            if (err)
                snprintf(err->what, sizeof err->what, "%s", key);
            return RHAZ_ENOTFOUND;
        }
        p += (e ? (size_t)(e - p) + 1 : strlen(p));
    }
    free(used);
    *idx = out;
    *n = m;
    return RHAZ_OK;
}

int rhaz_data_oecd_year(const rhaz_data *d, const char *iso3c)
{
    size_t y;
    return iso3c && strmap_get(&d->oecd, iso3c, &y) ? (int)y : 0;
}

int rhaz_data_oecd_member(const rhaz_data *d, const char *iso3c, int year)
{
    int y = rhaz_data_oecd_year(d, iso3c);
    return y && y <= year;
}

int rhaz_data_in_system(const rhaz_data *d, int cown, int year)
{
    return rd_ok(cown, year) && d->in_sys[RD_CELL(cown, year)];
}

const char *rhaz_data_cown_iso3(const rhaz_data *d, int cown)
{
    if (cown <= 0 || cown >= RD_NCOWN || d->state_of[cown] < 0)
        return "";
    return d->states[d->state_of[cown]].iso3c;
}

const char *rhaz_data_cown_name(const rhaz_data *d, int cown)
{
    if (cown <= 0 || cown >= RD_NCOWN || d->state_of[cown] < 0)
        return NULL;
    return d->states[d->state_of[cown]].name;
}

int rhaz_data_cown_years(const rhaz_data *d, int cown, int *first, int *last)
{
    *first = *last = 0;
    if (cown <= 0 || cown >= RD_NCOWN || d->state_of[cown] < 0)
        return -1;
    *first = d->states[d->state_of[cown]].first_year;
    *last = d->states[d->state_of[cown]].last_year;
    return 0;
}

const char *rhaz_data_cown_region(const rhaz_data *d, int cown, rhaz_region_scheme scheme)
{
    if (cown <= 0 || cown >= RD_NCOWN || d->state_of[cown] < 0 || (unsigned)scheme > 2)
        return NULL;
    return d->states[d->state_of[cown]].region[scheme];
}

static const char *const kind_names[] = {"state", "territory", "organization", "other"};

rhaz_table *rhaz_data_participants_table(const rhaz_data *d, const size_t *treaties,
                                         size_t n, rhaz_error *err)
{
    size_t rows = 0;
    for (size_t k = 0; k < n; k++)
        rows += d->tr[treaties[k]].np;
    const char **s[8];
    double *cy = malloc((rows ? rows : 1) * sizeof *cy);
    char *dates = malloc((rows ? rows : 1) * 2 * 12);
    for (int c = 0; c < 8; c++)
        s[c] = malloc((rows ? rows : 1) * sizeof *s[c]);
    rhaz_table *t = NULL;
    int ok = cy && dates;
    for (int c = 0; c < 8; c++)
        ok = ok && s[c];
    if (!ok) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory querying the treaty records");
        goto done;
    }
    size_t r = 0;
    for (size_t k = 0; k < n; k++) {
        const rd_treaty *tr = &d->tr[treaties[k]];
        for (size_t j = 0; j < tr->np; j++, r++) {
            const rhaz_participant *p = &tr->p[j];
            char *sd = dates + r * 24, *cd = sd + 12;
            rhaz_date_format(p->signature, sd, 12);
            rhaz_date_format(p->consent, cd, 12);
            s[0][r] = tr->info.key;
            s[1][r] = p->name;
            s[2][r] = *p->iso3c ? p->iso3c : NULL;
            s[3][r] = kind_names[p->kind];
            s[4][r] = *sd ? sd : NULL;
            s[5][r] = *cd ? cd : NULL;
            s[6][r] = p->consent.year ? rhaz_act_name(p->consent_act) : NULL;
            s[7][r] = p->from_2022 ? "2022" : "2015";
            cy[r] = p->consent.year ? p->consent.year : NAN;
        }
    }
    t = rhaz_table_new("participants", err);
    if (!t ||
        rhaz_table_add_string(t, "treaty", s[0], rows, err) ||
        rhaz_table_add_string(t, "participant", s[1], rows, err) ||
        rhaz_table_add_string(t, "iso3c", s[2], rows, err) ||
        rhaz_table_add_string(t, "kind", s[3], rows, err) ||
        rhaz_table_add_string(t, "signature", s[4], rows, err) ||
        rhaz_table_add_string(t, "consent", s[5], rows, err) ||
        rhaz_table_add_numeric(t, "consent_year", cy, rows, err) ||
        rhaz_table_add_string(t, "act", s[6], rows, err) ||
        rhaz_table_add_string(t, "source", s[7], rows, err)) {
        rhaz_table_free(t);
        t = NULL;
    }
done:
    free(cy);
    free(dates);
    for (int c = 0; c < 8; c++)
        free(s[c]);
    return t;
}

rhaz_table *rhaz_data_participation(const rhaz_data *d, const size_t *treaties,
                                    size_t n, rhaz_date asof, rhaz_error *err)
{
    const char **key = malloc((n ? n : 1) * sizeof *key);
    double *v = malloc((n ? n : 1) * 4 * sizeof *v);
    rhaz_table *t = NULL;
    if (!key || !v) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory querying the treaty records");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        const rd_treaty *tr = &d->tr[treaties[k]];
        double part = 0, party = 0, opart = 0, oparty = 0;
        for (size_t j = 0; j < tr->np; j++) {
            const rhaz_participant *p = &tr->p[j];
            if (p->kind != RHAZ_ENTITY_STATE && p->kind != RHAZ_ENTITY_TERRITORY)
                continue;
            int consented = p->consent.year && rhaz_date_cmp(p->consent, asof) <= 0;
            int signed_ = p->signature.year && rhaz_date_cmp(p->signature, asof) <= 0;
            int oecd = rhaz_data_oecd_member(d, p->iso3c, asof.year);
            if (consented || signed_) {
                part++;
                opart += oecd;
            }
            if (consented) {
                party++;
                oparty += oecd;
            }
        }
        key[k] = tr->info.key;
        v[k] = part;
        v[n + k] = party;
        v[2 * n + k] = opart;
        v[3 * n + k] = oparty;
    }
    t = rhaz_table_new("participation", err);
    if (!t || rhaz_table_add_string(t, "treaty", key, n, err) ||
        rhaz_table_add_numeric(t, "participants", v, n, err) ||
        rhaz_table_add_numeric(t, "parties", v + n, n, err) ||
        rhaz_table_add_numeric(t, "oecd_participants", v + 2 * n, n, err) ||
        rhaz_table_add_numeric(t, "oecd_parties", v + 3 * n, n, err)) {
        rhaz_table_free(t);
        t = NULL;
    }
done:
    free(key);
    free(v);
    return t;
}

rhaz_table *rhaz_data_parties_by_year(const rhaz_data *d, const size_t *treaties,
                                      size_t n, int first_year, int last_year,
                                      rhaz_error *err)
{
    if (last_year < first_year || first_year < 1000 || last_year > 2999) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "bad year range %d..%d", first_year,
                       last_year);
        return NULL;
    }
    size_t ny = (size_t)(last_year - first_year + 1), rows = n * ny;
    const char **key = malloc((rows ? rows : 1) * sizeof *key);
    double *v = calloc((rows ? rows : 1) * 4, sizeof *v);
    rhaz_table *t = NULL;
    if (!key || !v) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory querying the treaty records");
        goto done;
    }
    double *yr = v, *part = v + rows, *party = v + 2 * rows, *oparty = v + 3 * rows;
    for (size_t k = 0; k < n; k++) {
        const rd_treaty *tr = &d->tr[treaties[k]];
        for (size_t y = 0; y < ny; y++) {
            key[k * ny + y] = tr->info.key;
            yr[k * ny + y] = first_year + (int)y;
        }
        for (size_t j = 0; j < tr->np; j++) {
            const rhaz_participant *p = &tr->p[j];
            if (p->kind != RHAZ_ENTITY_STATE && p->kind != RHAZ_ENTITY_TERRITORY)
                continue;
            int c = p->consent.year, s = p->signature.year;
            int a = c && (!s || c < s) ? c : s; /* first act of any kind */
            int oy = rhaz_data_oecd_year(d, p->iso3c);
            for (size_t y = 0; y < ny; y++) {
                int Y = first_year + (int)y;
                part[k * ny + y] += a && a <= Y;
                party[k * ny + y] += c && c <= Y;
                oparty[k * ny + y] += c && c <= Y && oy && oy <= Y;
            }
        }
    }
    t = rhaz_table_new("parties_by_year", err);
    if (!t || rhaz_table_add_string(t, "treaty", key, rows, err) ||
        rhaz_table_add_numeric(t, "year", yr, rows, err) ||
        rhaz_table_add_numeric(t, "participants", part, rows, err) ||
        rhaz_table_add_numeric(t, "parties", party, rows, err) ||
        rhaz_table_add_numeric(t, "oecd_parties", oparty, rows, err)) {
        rhaz_table_free(t);
        t = NULL;
    }
done:
    free(key);
    free(v);
    return t;
}

size_t rhaz_data_unmatched(const rhaz_data *d) { return d->unmatched; }

static int cmp_note(const void *a, const void *b)
{
    const rd_note *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (!c)
        c = strcmp(x->reason, y->reason);
    if (!c)
        c = strcmp(x->name, y->name);
    return c;
}

void rhaz_data_report(const rhaz_data *d, FILE *fp)
{
    size_t nstate = 0;
    rd_compile_regexes((rhaz_data *)d); /* a cache: the data stay the same */
    for (size_t s = 0; s < d->nstates; s++)
        nstate += d->states[s].last_year >= 1945;
    fprintf(fp, "data directory: %s\n", d->dir);
    fprintf(fp, "treaties: %zu status files parsed (zero unparsed dates: a bad date is an error)\n",
            d->ntr);
    fprintf(fp, "states: %zu COW states, %zu in the system since 1945\n", d->nstates, nstate);
    fprintf(fp, "crosswalk: %zu names in country-names.csv; %zu of %zu country-codes regexes "
                "are Perl-only (look-arounds) and do not compile as POSIX ERE: the crosswalk "
                "covers them\n",
            d->nnames, d->regex_bad, d->ncc);
    fprintf(fp, "unmatched names: %zu\n", d->unmatched);
    /* every state of the system since 1945 must have an identity, a
     * region and democracy scores */
    size_t gaps = 0;
    for (size_t s = 0; s < d->nstates; s++) {
        const rd_state *x = &d->states[s];
        if (x->last_year < 1945)
            continue;
        int y = x->first_year > 1945 ? x->first_year : 1945, any = 0;
        for (; y <= x->last_year && y <= 2018; y++)
            any |= !isnan(d->grid[G_POLITY2][RD_CELL(x->cown, y)]) ||
                   !isnan(d->grid[G_VDEM][RD_CELL(x->cown, y)]);
        if (!*x->iso3c || !x->region[0] || !x->region[2] || !any) {
            fprintf(fp, "  state %d %s:%s%s%s%s\n", x->cown, x->name, *x->iso3c ? "" : " no ISO3",
                    x->region[0] ? "" : " no UN region", x->region[2] ? "" : " no WB region",
                    any ? "" : " no Polity or V-Dem score");
            gaps++;
        }
    }
    fprintf(fp, "COW states since 1945 lacking an ISO3 code, a region or any democracy score: %zu\n",
            gaps);
    fprintf(fp, "2015/2022 disagreements: %zu\n", d->disagree_2022);
    rd_note *n = malloc((d->nnotes ? d->nnotes : 1) * sizeof *n);
    if (!n)
        return;
    memcpy(n, d->notes, d->nnotes * sizeof *n);
    qsort(n, d->nnotes, sizeof *n, cmp_note);
    const char *file = "", *reason = "";
    for (size_t i = 0; i < d->nnotes; i++) {
        if (strcmp(n[i].file, file)) {
            file = n[i].file;
            reason = "";
            fprintf(fp, "\n%s\n", file);
        }
        if (strcmp(n[i].reason, reason)) {
            reason = n[i].reason;
            size_t tot = 0, k = 0;
            for (size_t j = i; j < d->nnotes && !strcmp(n[j].file, file) &&
                               !strcmp(n[j].reason, reason); j++, k++)
                tot += n[j].count;
            fprintf(fp, "  %s: %zu row%s\n", reason, tot, tot == 1 ? "" : "s");
        }
        if (*n[i].name)
            fprintf(fp, "    %s (%zu)\n", n[i].name, n[i].count);
    }
    free(n);
}
