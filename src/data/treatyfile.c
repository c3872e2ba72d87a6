/* treatyfile.c -- treaty records the researcher brings (rhaz_data_add_treaty).
 *
 * Two layouts, told apart by the header:
 *   UN status  first column "Participant", then date columns whose
 *              headers say what they record ("Signature", "Ratification,
 *              Accession(a), Succession(d)", ...) and dates with act
 *              suffixes (a, d, A, AA): the parser of the bundled UN files
 *              (rd_parse_status), so the same rules and errors apply;
 *   tidy       columns country (or participant, name, state), date, kind:
 *              one row per act, kind one of signature, ratification,
 *              accession, succession, acceptance, approval, consent; the
 *              earliest signature and the earliest consent per country
 *              are kept, as for the UN files.
 * Names go through the crosswalk and regexes (rd_lookup), so unmatched
 * and regex-only names appear in rhaz_data_report under the file's name.
 * The opening date must be given: a file of acts does not say when the
 * treaty opened, and the earliest act is not its opening date. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

rhaz_status rd_parse_status(rhaz_data *d, rd_treaty *tr, const char *path,
                            rhaz_error *err);

static const struct {
    const char *word;
    rhaz_act act;
} kinds[] = {{"signature", RHAZ_ACT_SIGNATURE},       {"ratification", RHAZ_ACT_RATIFICATION},
             {"accession", RHAZ_ACT_ACCESSION},       {"succession", RHAZ_ACT_SUCCESSION},
             {"acceptance", RHAZ_ACT_ACCEPTANCE},     {"approval", RHAZ_ACT_APPROVAL},
             {"consent", RHAZ_ACT_CONSENT}};

static long find_ci(const rhaz_table *t, const char *const *names)
{
    for (; *names; names++)
        for (size_t j = 0; j < rhaz_table_ncol(t); j++)
            if (strcasecmp(rhaz_table_colname(t, j), *names) == 0)
                return (long)j;
    return -1;
}

static rhaz_status parse_tidy(rhaz_data *d, rd_treaty *tr, const rhaz_table *t,
                              rhaz_error *err)
{
    static const char *const ncol[] = {"country", "participant", "name", "state", NULL};
    static const char *const dcol[] = {"date", NULL};
    static const char *const kcol[] = {"kind", "act", NULL};
    const char *file = rhaz_table_name(t);
    long jn = find_ci(t, ncol), jd = find_ci(t, dcol), jk = find_ci(t, kcol);
    if (jn < 0 || jd < 0 || jk < 0)
        return rhaz_error_set(err, RHAZ_EDATA, file, 1,
                              "not a treaty file: expected a first column "
                              "'Participant' (UN status layout) or columns "
                              "country, date and kind");
    /* a column read as numbers: empty throughout, or numbers where a
     * name, a YYYY-MM-DD date or an act is needed; named at its first row */
    const long jj[] = {jn, jd, jk};
    static const char *const what[] = {"country", "date", "kind"};
    for (int c = 0; c < 3; c++) {
        if (rhaz_table_coltype(t, (size_t)jj[c]) == RHAZ_COL_STRING)
            continue;
        const double *x = rhaz_table_num(t, (size_t)jj[c]);
        size_t i = 0, nr = rhaz_table_nrow(t);
        while (i < nr && x && isnan(x[i]))
            i++;
        if (!x || i == nr)
            return rhaz_error_set(err, RHAZ_EDATA, file, nr ? rhaz_table_line(t, 0) : 1,
                                  "empty %s (the column is empty throughout)", what[c]);
        return rhaz_error_set(err, RHAZ_EDATA, file, rhaz_table_line(t, i),
                              "%s %g is a number: the %s column holds %s", what[c], x[i],
                              what[c],
                              c == 0   ? "country names"
                              : c == 1 ? "dates (YYYY-MM-DD, \"8 Mar 1999\")"
                                       : "acts (signature, ratification, accession, ...)");
    }
    strmap who = {0};
    rhaz_status st = RHAZ_OK;
    for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
        long line = rhaz_table_line(t, i);
        const char *name = rhaz_table_str(t, (size_t)jn, i),
                   *ds = rhaz_table_str(t, (size_t)jd, i),
                   *ks = rhaz_table_str(t, (size_t)jk, i);
        if (!name || !ds || !ks) {
            st = rhaz_error_set(err, RHAZ_EDATA, file, line,
                                "empty %s", !name ? "country" : !ds ? "date" : "kind");
            goto done;
        }
        rhaz_act a = RHAZ_ACT_NONE;
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            if (strcasecmp(ks, kinds[k].word) == 0)
                a = kinds[k].act;
        if (a == RHAZ_ACT_NONE) {
            st = rhaz_error_set(err, RHAZ_EDATA, file, line,
                                "unknown kind '%s' (signature, ratification, accession, "
                                "succession, acceptance, approval or consent)",
                                ks);
            goto done;
        }
        rhaz_date dt;
        if ((st = rhaz_date_parse_at(ds, &dt, NULL, file, line, err)))
            goto done;
        char key[256];
        size_t k;
        strmap_fold(name, key, sizeof key);
        rhaz_participant *p;
        if (strmap_get(&who, key, &k)) {
            p = &tr->p[k];
        } else {
            if (tr->np == tr->cap) {
                size_t nc = tr->cap ? 2 * tr->cap : 64;
                rhaz_participant *q = realloc(tr->p, nc * sizeof *q);
                if (!q) {
                    st = rhaz_error_set(err, RHAZ_ENOMEM, file, 0, "out of memory reading the treaty file");
                    goto done;
                }
                tr->p = q;
                tr->cap = nc;
            }
            p = &tr->p[tr->np];
            memset(p, 0, sizeof *p);
            p->name = rd_own(d, name);
            p->line = line;
            const rd_name *nm = rd_lookup(d, name, file);
            p->iso3c = nm ? nm->iso3c : "";
            p->kind = nm ? nm->kind : RHAZ_ENTITY_OTHER;
            if (!p->name || strmap_put(&who, key, tr->np)) {
                st = rhaz_error_set(err, RHAZ_ENOMEM, file, 0, "out of memory reading the treaty file");
                goto done;
            }
            if (nm && *nm->iso3c && p->kind != RHAZ_ENTITY_OTHER) {
                if (strmap_get(&tr->by_iso, nm->iso3c, NULL)) {
                    st = rhaz_error_set(err, RHAZ_EDATA, file, line,
                                        "participant '%s' is a second name for %s", name,
                                        nm->iso3c);
                    goto done;
                }
                strmap_put(&tr->by_iso, nm->iso3c, tr->np);
            }
            tr->np++;
        }
        if (a == RHAZ_ACT_SIGNATURE) {
            if (!p->signature.year || rhaz_date_cmp(dt, p->signature) < 0)
                p->signature = dt;
        } else if (!p->consent.year || rhaz_date_cmp(dt, p->consent) < 0) {
            p->consent = dt;
            p->consent_act = a;
        }
    }
done:
    strmap_free(&who);
    return st;
}

rhaz_status rhaz_data_add_treaty(rhaz_data *d, const char *path, const char *key,
                                 rhaz_date opened, rhaz_error *err)
{
    rhaz_error_clear(err);
    if (!key || !*key)
        return rhaz_error_set(err, RHAZ_EINVAL, path, 0, "no key for the treaty");
    if (!strcmp(key, "all") || !strcmp(key, "core") || strchr(key, ','))
        return rhaz_error_set(err, RHAZ_EINVAL, path, 0,
                              "'%s' cannot be a treaty key", key);
    if (strmap_get(&d->tr_key, key, NULL)) {
        rhaz_error_set(err, RHAZ_EINVAL, path, 0,
                       "treaty key '%s' is taken (a bundled treaty or another file): "
                       "give another key", key);
        core_error_option(err, "treaty_key");
        return RHAZ_EINVAL;
    }
    if (!rhaz_date_isset(opened)) {
        rhaz_error_set(err, RHAZ_EINVAL, path, 0,
                       "no opening date for the treaty: a file of acts does not "
                       "say when it opened");
        core_error_option(err, "opened");
        return RHAZ_EINVAL;
    }
    if (d->ntr == d->trcap) {
        size_t nc = d->trcap ? d->trcap + 8 : 8;
        rd_treaty *t = realloc(d->tr, nc * sizeof *t);
        if (!t)
            return rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory reading the treaty file");
        /* rhaz_data_free frees every slot up to trcap: new ones zeroed */
        memset(t + d->trcap, 0, (nc - d->trcap) * sizeof *t);
        d->tr = t;
        d->trcap = nc;
    }
    rd_treaty *tr = &d->tr[d->ntr];
    memset(tr, 0, sizeof *tr);
    tr->attr_row = -1;
    tr->info.key = tr->info.un_number = rd_own(d, key);
    tr->info.title = rd_own(d, key);
    tr->info.file = rd_own(d, path);
    tr->info.opened = opened;
    /* the researcher's records are taken as complete to the panel's end
     * year (no 2015 scrape date applies) */
    tr->info.has_2022 = 1;
    if (!tr->info.key || !tr->info.file)
        return rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory reading the treaty file");
    rhaz_status st;
    rhaz_csv_options o = {.mixed_as_text = 1};
    rhaz_table *t = rhaz_table_read(path, &o, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    if (rhaz_table_ncol(t) && strcmp(rhaz_table_colname(t, 0), "Participant") == 0) {
        rhaz_table_free(t);
        st = rd_parse_status(d, tr, path, err);
    } else {
        st = strmap_init(&tr->by_iso, 256) ? rhaz_error_set(err, RHAZ_ENOMEM, path, 0,
                                                            "out of memory reading the treaty file")
                                           : parse_tidy(d, tr, t, err);
        rhaz_table_free(t);
    }
    /* an act before the opening date given is a wrong date or a wrong
     * opening date: refused at its line */
    for (size_t j = 0; !st && j < tr->np; j++) {
        rhaz_date a = tr->p[j].signature;
        if (tr->p[j].consent.year && (!a.year || rhaz_date_cmp(tr->p[j].consent, a) < 0))
            a = tr->p[j].consent;
        if (a.year && rhaz_date_cmp(a, opened) < 0) {
            char ad[32], od[32];
            rhaz_date_format(a, ad, sizeof ad);
            rhaz_date_format(opened, od, sizeof od);
            st = rhaz_error_set(err, RHAZ_EDATA, path, tr->p[j].line,
                                "%s: act dated %s, before the opening date given (%s)",
                                tr->p[j].name, ad, od);
        }
    }
    if (st) {
        free(tr->p);
        strmap_free(&tr->by_iso);
        memset(tr, 0, sizeof *tr);
        return st;
    }
    if (strmap_put(&d->tr_key, tr->info.key, d->ntr))
        return rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory reading the treaty file");
    d->ntr++;
    return RHAZ_OK;
}
