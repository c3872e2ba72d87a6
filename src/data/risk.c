/* risk.c -- whose act is it, and who may act (issue 14).
 *
 * The UN status files key an act by participant name, hence by ISO3 code.
 * Three things make a code a poor guide to the COW state that acted:
 *   - predecessor states (SFR Yugoslavia, Czechoslovakia, the GDR,
 *     Democratic Yemen, the Republic of China before 25 Oct 1971) appear
 *     only in footnotes under their successors: their acts come from the
 *     project's own data/predecessor-acts.csv, one cited row per act;
 *   - codes shared by divided or unified states (YEM, DEU, CHN) are split
 *     by the act's date (date_rules below);
 *   - unified states (Germany 1990, Yemen 1990) take their predecessors'
 *     status, as the UN's status tables do (inherit below).
 * And not every state in the COW system can deposit an instrument with the
 * Secretary-General (rd_eligible). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Acts under `iso3` dated in [from, to) are those of COW state `cown`.
 * Sources: UN Treaty Collection, "Historical information" notes (Germany,
 * Yemen, China); COW v2016 for the dates the states enter and leave. */
static const struct {
    const char *iso3;
    rhaz_date from, to;
    int cown;
} date_rules[] = {
    /* Yemen: before the union of 22 May 1990 the acts recorded under
     * "Yemen" are Democratic Yemen's (the UN footnotes "the formality was
     * effected by Democratic Yemen"); the Yemen Arab Republic (678) acted
     * on none of the core treaties in the record */
    {"YEM", {1000, 1, 1}, {1990, 5, 22}, 680},
    {"YEM", {1990, 5, 22}, {2999, 12, 31}, 679},
    /* Germany: the Reich to 8 May 1945, the Federal Republic until the
     * GDR's accession of 3 Oct 1990, then Germany */
    {"DEU", {1000, 1, 1}, {1945, 5, 9}, 255},
    {"DEU", {1945, 5, 9}, {1990, 10, 3}, 260},
    {"DEU", {1990, 10, 3}, {2999, 12, 31}, 255},
    /* China: the Republic of China acted as "China" until General Assembly
     * resolution 2758 of 25 Oct 1971; from 8 Dec 1949 (COW) it is Taiwan */
    {"CHN", {1000, 1, 1}, {1949, 12, 8}, 710},
    {"CHN", {1949, 12, 8}, {1971, 10, 25}, 713},
    {"CHN", {1971, 10, 25}, {2999, 12, 31}, 710},
};
#define NRULES (sizeof date_rules / sizeof date_rules[0])

/* A unified state takes the status of its predecessors (the UN lists
 * unified Germany with the Federal Republic's dates and Yemen with the
 * earlier of the two Yemens'). */
static const struct {
    int cown, from[2];
} inherit[] = {{255, {260, 0}}, {679, {680, 678}}};

/* Years (31 December) in which a state cannot deposit an instrument with
 * the Secretary-General. */
static const struct {
    int cown, first, last;
} not_eligible[] = {
    {710, 1949, 1970}, /* the People's Republic before 25 Oct 1971 */
    {713, 1971, 2999}, /* Taiwan after 25 Oct 1971 */
    {347, 1000, 2999}, /* Kosovo: not a UN member, deposits nothing */
};

int rd_eligible(const rd_treaty *tr, int cown, int year, rhaz_eligibility e)
{
    if (e == RHAZ_ELIGIBLE_ALL || !tr->un)
        return 1;
    for (size_t i = 0; i < sizeof not_eligible / sizeof not_eligible[0]; i++)
        if (not_eligible[i].cown == cown && year >= not_eligible[i].first &&
            year <= not_eligible[i].last)
            return 0;
    return 1;
}

static int in_span(rhaz_date x, rhaz_date from, rhaz_date to)
{
    return rhaz_date_cmp(x, from) >= 0 && rhaz_date_cmp(x, to) < 0;
}

static int code_ruled(const char *iso3)
{
    for (size_t i = 0; i < NRULES; i++)
        if (!strcmp(date_rules[i].iso3, iso3))
            return 1;
    return 0;
}

static void take(rhaz_date *slot, int *how, rhaz_date x, int h)
{
    if (x.year && (!slot->year || rhaz_date_cmp(x, *slot) < 0)) {
        *slot = x;
        *how = h;
    }
}

static const rhaz_participant *by_code(const rd_treaty *tr, const char *iso3)
{
    size_t k;
    if (!iso3 || !*iso3 || !strmap_get(&tr->by_iso, iso3, &k))
        return NULL;
    return &tr->p[k];
}

/* 1 if several COW states carry ISO3 code iso3 (YEM: 678 and 679). */
static int code_shared(const rhaz_data *d, const char *iso3)
{
    int n = 0;
    for (size_t s = 0; s < d->nstates && n < 2; s++)
        n += d->states[s].iso3c && !strcmp(d->states[s].iso3c, iso3);
    return n > 1;
}

/* 1 if a predecessor-acts.csv row gives another state an act of this date:
 * the file attributes the record's act under a shared code ("unless the
 * record says otherwise": the Yemen Arab Republic's 1980 accessions to the
 * Refugee Convention and Protocol, recorded under "Yemen"). */
static int claimed_by_other(const rd_treaty *tr, rhaz_date x, int cown)
{
    for (size_t j = 0; j < tr->npact; j++)
        if (tr->pact[j].cown != cown && rhaz_date_cmp(tr->pact[j].date, x) == 0)
            return 1;
    return 0;
}

/* The state's own acts: the record under its code (or, for a shared code,
 * by date), and predecessor-acts.csv. */
static void own_status(const rhaz_data *d, const rd_treaty *tr, int cown, rd_status *o)
{
    memset(o, 0, sizeof *o);
    if (cown <= 0 || cown >= RD_NCOWN || d->state_of[cown] < 0)
        return;
    const char *iso3 = d->states[d->state_of[cown]].iso3c;
    const rhaz_participant *p;
    if (iso3 && *iso3 && !code_ruled(iso3) && (p = by_code(tr, iso3))) {
        take(&o->signature, &o->how_sig, p->signature, RD_HOW_CODE);
        take(&o->consent, &o->how, p->consent, RD_HOW_CODE);
        if (o->how)
            o->act = p->consent_act;
    }
    for (size_t i = 0; i < NRULES; i++) {
        if (date_rules[i].cown != cown || !(p = by_code(tr, date_rules[i].iso3)))
            continue;
        if (p->signature.year && in_span(p->signature, date_rules[i].from, date_rules[i].to) &&
            !claimed_by_other(tr, p->signature, cown))
            take(&o->signature, &o->how_sig, p->signature, RD_HOW_DATE);
        if (p->consent.year && in_span(p->consent, date_rules[i].from, date_rules[i].to) &&
            !claimed_by_other(tr, p->consent, cown)) {
            o->code = date_rules[i].iso3;
            int before = o->how;
            take(&o->consent, &o->how, p->consent, RD_HOW_DATE);
            if (o->how == RD_HOW_DATE && before != RD_HOW_DATE)
                o->act = p->consent_act;
            /* the state's own code, shared with no other COW state (China
             * after 1971): that is assignment by code, as before */
            if (o->how == RD_HOW_DATE && iso3 && !strcmp(iso3, date_rules[i].iso3) &&
                !code_shared(d, iso3))
                o->how = RD_HOW_CODE;
        }
    }
    /* a cited row wins a tie: it is the record of the predecessor's act */
    for (size_t j = 0; j < tr->npact; j++) {
        const rd_pact *a = &tr->pact[j];
        if (a->cown != cown)
            continue;
        if (a->act == RHAZ_ACT_SIGNATURE) {
            if (!o->signature.year || rhaz_date_cmp(a->date, o->signature) <= 0) {
                o->signature = a->date;
                o->how_sig = RD_HOW_FILE;
            }
        } else if (!o->consent.year || rhaz_date_cmp(a->date, o->consent) <= 0) {
            o->consent = a->date;
            o->act = a->act;
            o->how = RD_HOW_FILE;
        }
    }
}

void rd_status_of(const rhaz_data *d, const rd_treaty *tr, int cown, rd_status *out)
{
    own_status(d, tr, cown, out);
    for (size_t i = 0; i < sizeof inherit / sizeof inherit[0]; i++) {
        if (inherit[i].cown != cown)
            continue;
        for (int k = 0; k < 2 && inherit[i].from[k]; k++) {
            rd_status p;
            own_status(d, tr, inherit[i].from[k], &p);
            if (p.consent.year &&
                (!out->consent.year || rhaz_date_cmp(p.consent, out->consent) < 0)) {
                out->consent = p.consent;
                out->act = p.act;
                out->how = RD_HOW_INHERIT;
                out->from_cown = inherit[i].from[k];
            }
            if (p.signature.year &&
                (!out->signature.year || rhaz_date_cmp(p.signature, out->signature) < 0)) {
                out->signature = p.signature;
                out->how_sig = RD_HOW_INHERIT;
            }
        }
    }
}

int rd_inherited_by(const rhaz_data *d, const rd_treaty *tr, int cown)
{
    for (size_t i = 0; i < sizeof inherit / sizeof inherit[0]; i++)
        for (int k = 0; k < 2; k++)
            if (inherit[i].from[k] == cown) {
                rd_status s;
                rd_status_of(d, tr, inherit[i].cown, &s);
                if (s.how == RD_HOW_INHERIT && s.from_cown == cown)
                    return inherit[i].cown;
            }
    return 0;
}

/* ---------- predecessor-acts.csv ---------- */

static rhaz_status bad(rhaz_error *err, const rhaz_table *t, size_t r, const char *msg,
                       const char *what)
{
    return rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t), rhaz_table_line(t, r), "%s%s%s%s",
                          msg, what ? " '" : "", what ? what : "", what ? "'" : "");
}

rhaz_status rd_load_predecessor_acts(rhaz_data *d, rhaz_error *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/predecessor-acts.csv", d->dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        rd_note_add(d, path, "absent: predecessor states' acts unknown", NULL);
        return RHAZ_OK;
    }
    fclose(f);
    static const char *const str[] = {"treaty", "date", "act", "source", NULL};
    rhaz_csv_options o = {0};
    o.as_string = str;
    rhaz_table *t = rhaz_table_read(path, &o, err);
    if (!t)
        return err ? err->status : RHAZ_EIO;
    rhaz_status st = RHAZ_OK;
    long jc = rhaz_table_find(t, "cown"), jt = rhaz_table_find(t, "treaty"),
         jd = rhaz_table_find(t, "date"), ja = rhaz_table_find(t, "act"),
         js = rhaz_table_find(t, "source");
    if (jc < 0 || jt < 0 || jd < 0 || ja < 0 || js < 0 ||
        rhaz_table_coltype(t, (size_t)jc) != RHAZ_COL_NUMERIC) {
        st = rhaz_error_set(err, RHAZ_EDATA, path, 1,
                            "needs columns cown (numeric), treaty, date, act, source");
        goto done;
    }
    d->pact_file = rd_own(d, path);
    for (size_t r = 0; r < rhaz_table_nrow(t); r++) {
        double c = rhaz_table_num(t, (size_t)jc)[r];
        const char *tk = rhaz_table_str(t, (size_t)jt, r), *ds = rhaz_table_str(t, (size_t)jd, r),
                   *as = rhaz_table_str(t, (size_t)ja, r), *src = rhaz_table_str(t, (size_t)js, r);
        if (!(c > 0 && c < RD_NCOWN && c == (int)c) || d->state_of[(int)c] < 0) {
            st = bad(err, t, r, "cown is not a COW state", NULL);
            goto done;
        }
        int cown = (int)c;
        size_t ti;
        if (!tk || !strmap_get(&d->tr_key, tk, &ti)) {
            st = bad(err, t, r, "unknown treaty", tk ? tk : "");
            goto done;
        }
        rd_pact a = {.cown = cown, .line = rhaz_table_line(t, r)};
        if (!ds) {
            st = bad(err, t, r, "no date (an act without a confirmed date is left out)", NULL);
            goto done;
        }
        if ((st = rhaz_date_parse_at(ds, &a.date, NULL, path, a.line, err)))
            goto done;
        /* a year alone is accepted where only the year is confirmed (the
         * panel counts years); it sorts after every full date of its year */
        a.act = RHAZ_ACT_NONE;
        for (int k = 1; as && k < RHAZ_NACT; k++)
            if (k != RHAZ_ACT_OTHER && !strcmp(as, rhaz_act_name((rhaz_act)k)))
                a.act = (rhaz_act)k;
        if (a.act == RHAZ_ACT_NONE) {
            st = bad(err, t, r, "act must be signature, ratification, accession, succession, "
                                "acceptance or approval, not", as ? as : "");
            goto done;
        }
        if (!src || strlen(src) < 8) {
            st = bad(err, t, r, "an act without its source", NULL);
            goto done;
        }
        rd_treaty *tr = &d->tr[ti];
        const rd_state *s = &d->states[d->state_of[cown]];
        char buf[32];
        rhaz_date_format(a.date, buf, sizeof buf);
        if (rhaz_date_cmp(a.date, tr->info.opened) < 0) {
            st = bad(err, t, r, "act dated before the treaty was opened:", buf);
            goto done;
        }
        if (a.date.year < s->first_year || (s->last_year && a.date.year > s->last_year + 1)) {
            st = rhaz_error_set(err, RHAZ_EDATA, path, a.line,
                                "act dated %s, when COW state %d (%s) was not in the system", buf,
                                cown, s->name);
            goto done;
        }
        for (size_t j = 0; j < tr->npact; j++)
            if (tr->pact[j].cown == cown &&
                (tr->pact[j].act == RHAZ_ACT_SIGNATURE) == (a.act == RHAZ_ACT_SIGNATURE)) {
                st = rhaz_error_set(err, RHAZ_EDATA, path, a.line,
                                    "a second %s of state %d for %s (first at line %ld)",
                                    a.act == RHAZ_ACT_SIGNATURE ? "signature" : "consent", cown,
                                    tk, tr->pact[j].line);
                goto done;
            }
        rd_pact *np = realloc(tr->pact, (tr->npact + 1) * sizeof *np);
        if (!np) {
            st = rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory reading the treaty file");
            goto done;
        }
        tr->pact = np;
        tr->pact[tr->npact++] = a;
    }
done:
    rhaz_table_free(t);
    return st;
}

/* ---------- the report ---------- */

static const char *state_name(const rhaz_data *d, int cown)
{
    return cown > 0 && cown < RD_NCOWN && d->state_of[cown] >= 0
               ? d->states[d->state_of[cown]].name
               : "?";
}

void rhaz_panel_assignments_write(const rhaz_data *d, const size_t *treaties, size_t nt,
                                  FILE *fp)
{
    size_t n = 0;
    fprintf(fp, "acts assigned other than by ISO3 code (predecessor-acts.csv, codes of "
                "divided and unified states by date, inherited status):\n");
    for (size_t k = 0; k < nt; k++) {
        if (treaties[k] >= d->ntr)
            continue;
        const rd_treaty *tr = &d->tr[treaties[k]];
        for (size_t s = 0; s < d->nstates; s++) {
            int cown = d->states[s].cown;
            rd_status st;
            rd_status_of(d, tr, cown, &st);
            char buf[32];
            if (st.how == RD_HOW_FILE || st.how == RD_HOW_DATE) {
                rhaz_date_format(st.consent, buf, sizeof buf);
                long line = 0;
                for (size_t j = 0; j < tr->npact; j++)
                    if (tr->pact[j].cown == cown && tr->pact[j].act != RHAZ_ACT_SIGNATURE)
                        line = tr->pact[j].line;
                if (st.how == RD_HOW_FILE)
                    fprintf(fp, "  %-12s %3d %-28s %s %-12s predecessor-acts.csv:%ld\n",
                            tr->info.key, cown, d->states[s].name, buf, rhaz_act_name(st.act),
                            line);
                else
                    fprintf(fp, "  %-12s %3d %-28s %s %-12s by date (code %s)\n",
                            tr->info.key, cown, d->states[s].name, buf, rhaz_act_name(st.act),
                            st.code ? st.code : "?");
                n++;
            } else if (st.how == RD_HOW_INHERIT) {
                rhaz_date_format(st.consent, buf, sizeof buf);
                fprintf(fp, "  %-12s %3d %-28s %s %-12s inherited from %d %s\n", tr->info.key,
                        cown, d->states[s].name, buf, rhaz_act_name(st.act), st.from_cown,
                        state_name(d, st.from_cown));
                n++;
            }
        }
    }
    if (!n)
        fprintf(fp, "  (none)\n");
}
