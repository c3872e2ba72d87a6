/* leaders.c -- the bundled leader covariates from Archigos 4.1
 * (data/archigos-4.1.dta, read through ReadStat):
 *
 *   leader_tenure     completed years in office, on 1 January of the
 *                     year, of the leader then in power (the current
 *                     spell only; prevtimesinoffice is not added):
 *                     (Y - entry year) - 1 if the entry anniversary falls
 *                     after 1 January, else Y - entry year;
 *   leader_last_year  1 if that leader leaves office during the year
 *                     (exit date in the year, exit not "Still in
 *                     Office"), else 0.  Known only after the fact: a
 *                     model using it conditions on the future.
 *
 * "In power on 1 January Y": entry date <= Y-01-01 < exit date (a leader
 * who leaves on 1 January is not; one who enters that day is).  No
 * leader in power (interregnum, occupation) leaves both missing; so do
 * years outside the spells Archigos covers for the state.  Two leaders
 * in power on the same 1 January would be ambiguous and are left
 * missing (Archigos 4.1 has none; tests/reference/leaders_ref.R checks
 * the whole table against R).  Rows: cown (Archigos ccode, COW codes),
 * year, leader_tenure, leader_last_year; one per state-year from the
 * first to the last year any of the state's spells covers.  Codes listed
 * in code-recodes.csv under source "archigos" are recoded first (340,
 * Gleditsch-Ward's Serbia, is COW 345), so the spells of both codes form
 * one state. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int cown;
    rhaz_date in, out;
    int still; /* exit "Still in Office" */
} spell;

static int cmp_spell(const void *a, const void *b)
{
    const spell *x = a, *y = b;
    if (x->cown != y->cown)
        return x->cown < y->cown ? -1 : 1;
    return rhaz_date_cmp(x->in, y->in);
}

rhaz_table *rd_leaders_table(const rhaz_data *d, rhaz_error *err)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/archigos-4.1.dta", d->dir);
    rhaz_table *in = rhaz_table_read(p, NULL, err), *t = NULL, *rc = NULL;
    if (!in)
        return NULL;
    spell *s = NULL;
    double *cown = NULL, *year = NULL, *ten = NULL, *last = NULL;
    long jc = rhaz_table_find(in, "ccode"), ji = rhaz_table_find(in, "eindate"),
         jo = rhaz_table_find(in, "eoutdate"), jx = rhaz_table_find(in, "exit");
    if (jc < 0 || ji < 0 || jo < 0 || jx < 0 ||
        rhaz_table_coltype(in, (size_t)jc) != RHAZ_COL_NUMERIC ||
        rhaz_table_coltype(in, (size_t)ji) != RHAZ_COL_STRING ||
        rhaz_table_coltype(in, (size_t)jo) != RHAZ_COL_STRING) {
        rhaz_error_set(err, RHAZ_EDATA, p, 0,
                       "expected ccode and the Stata dates eindate, eoutdate, and exit");
        goto done;
    }
    size_t n = rhaz_table_nrow(in), ns = 0;
    if (!(s = calloc(n ? n : 1, sizeof *s))) {
        rhaz_error_set(err, RHAZ_ENOMEM, p, 0, "out of memory reading the leaders data");
        goto done;
    }
    /* codes recoded to COW (code-recodes.csv, source "archigos") */
    snprintf(p, sizeof p, "%s/code-recodes.csv", d->dir);
    static const char *const rstr[] = {"source", "name", "note", NULL};
    rhaz_csv_options ro = {.as_string = rstr};
    rc = rhaz_table_read(p, &ro, err);
    snprintf(p, sizeof p, "%s/archigos-4.1.dta", d->dir);
    long rs = rc ? rhaz_table_find(rc, "source") : -1, rk = rc ? rhaz_table_find(rc, "code") : -1,
         ro2 = rc ? rhaz_table_find(rc, "cown") : -1;
    if (rs < 0 || rk < 0 || ro2 < 0 || rhaz_table_coltype(rc, (size_t)rk) != RHAZ_COL_NUMERIC ||
        rhaz_table_coltype(rc, (size_t)ro2) != RHAZ_COL_NUMERIC) {
        if (rc)
            rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(rc), 1,
                           "expected columns source, code, cown");
        goto done;
    }
    const double *cc = rhaz_table_num(in, (size_t)jc);
    for (size_t i = 0; i < n; i++) {
        const char *a = rhaz_table_str(in, (size_t)ji, i), *b = rhaz_table_str(in, (size_t)jo, i);
        const char *x = rhaz_table_str(in, (size_t)jx, i);
        spell *q = &s[ns];
        if (isnan(cc[i]) || !a || !b || rhaz_date_parse(a, &q->in, NULL, err) ||
            rhaz_date_parse(b, &q->out, NULL, err)) {
            rhaz_error_set(err, RHAZ_EDATA, p, 0,
                           "observation %zu: no country code or entry/exit date", i + 1);
            goto done;
        }
        q->cown = (int)cc[i];
        for (size_t k = 0; k < rhaz_table_nrow(rc); k++) {
            const char *src = rhaz_table_str(rc, (size_t)rs, k);
            if (src && strcmp(src, "archigos") == 0 &&
                rhaz_table_num(rc, (size_t)rk)[k] == cc[i])
                q->cown = (int)rhaz_table_num(rc, (size_t)ro2)[k];
        }
        q->still = x && strcmp(x, "Still in Office") == 0;
        ns++;
    }
    qsort(s, ns, sizeof *s, cmp_spell);
    /* rows: per state, first entry year .. last exit year */
    size_t nr = 0, cap = 0;
    for (size_t a = 0, b; a < ns; a = b) {
        int y0 = s[a].in.year, y1 = s[a].out.year;
        for (b = a; b < ns && s[b].cown == s[a].cown; b++)
            if (s[b].out.year > y1)
                y1 = s[b].out.year;
        cap += (size_t)(y1 - y0 + 1);
    }
    cown = malloc((cap ? cap : 1) * sizeof *cown);
    year = malloc((cap ? cap : 1) * sizeof *year);
    ten = malloc((cap ? cap : 1) * sizeof *ten);
    last = malloc((cap ? cap : 1) * sizeof *last);
    if (!cown || !year || !ten || !last) {
        rhaz_error_set(err, RHAZ_ENOMEM, p, 0, "out of memory reading the leaders data");
        goto done;
    }
    for (size_t a = 0, b; a < ns; a = b) {
        int y0 = s[a].in.year, y1 = s[a].out.year;
        for (b = a; b < ns && s[b].cown == s[a].cown; b++)
            if (s[b].out.year > y1)
                y1 = s[b].out.year;
        for (int y = y0; y <= y1; y++) {
            rhaz_date jan1 = {y, 1, 1};
            const spell *in_power = NULL;
            int k = 0;
            for (size_t j = a; j < b; j++)
                if (rhaz_date_cmp(s[j].in, jan1) <= 0 && rhaz_date_cmp(jan1, s[j].out) < 0) {
                    in_power = &s[j];
                    k++;
                }
            cown[nr] = s[a].cown;
            year[nr] = y;
            ten[nr] = last[nr] = NAN;
            if (k == 1) {
                int after = in_power->in.month > 1 || in_power->in.day > 1;
                ten[nr] = (y - in_power->in.year) - after;
                last[nr] = in_power->out.year == y && !in_power->still;
            }
            nr++;
        }
    }
    if (!(t = rhaz_table_new(p, err)) || rhaz_table_add_numeric(t, "cown", cown, nr, err) ||
        rhaz_table_add_numeric(t, "year", year, nr, err) ||
        rhaz_table_add_numeric(t, "leader_tenure", ten, nr, err) ||
        rhaz_table_add_numeric(t, "leader_last_year", last, nr, err)) {
        rhaz_table_free(t);
        t = NULL;
    }
done:
    free(s);
    free(cown);
    free(year);
    free(ten);
    free(last);
    rhaz_table_free(in);
    rhaz_table_free(rc);
    return t;
}
