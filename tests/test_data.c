/* test_data.c -- the data module on the real bundled data: dates, treaty
 * records, identity, risk-set invariants, density recomputed
 * independently, known ratifications, error messages. */
#include "harness.h"
#include "rhaz.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------- dates ---------- */

static void test_dates(void)
{
    T_SECTION("dates");
    static const struct {
        const char *s;
        int y, m, d;
        const char *sfx;
    } ok[] = {
        {"8 Mar 1999", 1999, 3, 8, ""},     {"8 Mar 1999 a", 1999, 3, 8, "a"},
        {"12 Aug 2011 AA", 2011, 8, 12, "AA"}, {"19 July 2006", 2006, 7, 19, ""},
        {"5 Sept 2000", 2000, 9, 5, ""},    {" 29 Feb 2000 d ", 2000, 2, 29, "d"},
        {"1999-03-08", 1999, 3, 8, ""},     {"1999", 1999, 0, 0, ""},
        {"31 dec 1965", 1965, 12, 31, ""},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        rhaz_date d;
        char sfx[4];
        rhaz_error err;
        rhaz_status st = rhaz_date_parse(ok[i].s, &d, sfx, &err);
        T_CHECK(st == RHAZ_OK, "'%s' should parse: %s", ok[i].s, err.msg);
        T_EQ_INT(d.year, ok[i].y, ok[i].s);
        T_EQ_INT(d.month, ok[i].m, ok[i].s);
        T_EQ_INT(d.day, ok[i].d, ok[i].s);
        T_EQ_STR(sfx, ok[i].sfx, ok[i].s);
    }
    static const char *const bad[] = {
        "", "Mar 1999", "32 Jan 1999", "29 Feb 1999", "8 Foo 1999", "8 Mar 99",
        "8 Mar 1999 abc", "8 Mar 1999 a b", "1999-13-01", "1999-02-30", "223",
        "47/232", "1481 (XV)", "N/A", "8 Mar 19999", "0999", "8 Mar 1999a",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rhaz_date d;
        char sfx[4];
        rhaz_error err;
        T_CHECK(rhaz_date_parse(bad[i], &d, sfx, &err) == RHAZ_EPARSE,
                "'%s' must not parse", bad[i]);
    }
    rhaz_date d;
    rhaz_error err;
    T_CHECK(rhaz_date_parse("8 Mar 1999 a", &d, NULL, &err) == RHAZ_EPARSE,
            "suffix without a suffix buffer is an error");
    T_CHECK(rhaz_date_parse_at("x", &d, NULL, "f.csv", 7, &err) == RHAZ_EPARSE &&
                strcmp(err.file, "f.csv") == 0 && err.line == 7,
            "error names file and line");
    rhaz_date a = {1999, 3, 8}, b = {1999, 0, 0}, c = {2000, 1, 1};
    T_CHECK(rhaz_date_cmp(a, b) < 0 && rhaz_date_cmp(b, c) < 0 && rhaz_date_cmp(a, a) == 0,
            "year-only dates sort at the end of their year");
    char buf[16];
    rhaz_date_format(a, buf, sizeof buf);
    T_EQ_STR(buf, "1999-03-08", "format");
}

/* ---------- records ---------- */

static const rhaz_participant *find(const rhaz_data *d, size_t t, const char *iso3)
{
    for (size_t j = 0; j < rhaz_data_nparticipants(d, t); j++) {
        const rhaz_participant *p = rhaz_data_participant(d, t, j);
        if (strcmp(p->iso3c, iso3) == 0)
            return p;
    }
    return NULL;
}

static size_t key(const rhaz_data *d, const char *k)
{
    size_t *idx, n, r = (size_t)-1;
    rhaz_error err;
    if (rhaz_data_select(d, k, &idx, &n, &err) == RHAZ_OK && n == 1)
        r = idx[0];
    free(idx);
    return r;
}

static void test_records(const rhaz_data *d)
{
    T_SECTION("records");
    T_EQ_INT(rhaz_data_ntreaties(d), 324, "all 324 status files parsed");
    T_EQ_INT(rhaz_data_unmatched(d), 0, "no unmatched name in any source");
    size_t icmw = key(d, "icmw"), crc = key(d, "crc");
    T_CHECK(icmw != (size_t)-1 && crc != (size_t)-1, "core keys resolve");
    T_EQ_INT(key(d, "4-13"), icmw, "UN number resolves to the same treaty");
    const rhaz_participant *p = find(d, icmw, "MEX");
    T_CHECK(p && p->consent.year == 1999 && p->consent.month == 3 && p->consent.day == 8 &&
                p->consent_act == RHAZ_ACT_RATIFICATION,
            "Mexico ratified the ICMW on 8 Mar 1999");
    p = find(d, icmw, "PHL");
    T_CHECK(p && p->consent.year == 1995 && p->consent.month == 7 && p->consent.day == 5,
            "Philippines ratified the ICMW on 5 Jul 1995");
    p = find(d, icmw, "DZA");
    T_CHECK(p && p->consent_act == RHAZ_ACT_ACCESSION && p->consent.year == 2005,
            "Algeria acceded to the ICMW (21 Apr 2005 a)");
    p = find(d, crc, "USA");
    T_CHECK(p && p->signature.year == 1995 && p->consent.year == 0,
            "United States signed the CRC (1995) and never joined it");
    /* every participant of the core treaties that is a state has an ISO3 */
    size_t *core, nc;
    rhaz_error err;
    T_CHECK(rhaz_data_select(d, "core", &core, &nc, &err) == RHAZ_OK && nc == 9, "core = 9");
    size_t noiso = 0, sig_after = 0;
    for (size_t k = 0; k < nc; k++)
        for (size_t j = 0; j < rhaz_data_nparticipants(d, core[k]); j++) {
            const rhaz_participant *q = rhaz_data_participant(d, core[k], j);
            noiso += q->kind == RHAZ_ENTITY_STATE && !*q->iso3c;
            sig_after += q->consent.year && q->signature.year &&
                         rhaz_date_cmp(q->signature, q->consent) > 0;
        }
    free(core);
    T_EQ_INT(noiso, 0, "states without ISO3 in core treaties");
    /* 2022 extension: a party after March 2015, and the 2015 record
     * winning over a 2022 year it covers */
    p = find(d, icmw, "MDG");
    T_CHECK(p && p->from_2022 && p->consent.year == 2015 && p->consent.month == 0,
            "Madagascar joined the ICMW in 2015 (2022 file, year only)");
    /* Solomon Islands: in the ICESCR record (succession, 17 Mar 1982) but
     * absent from the 2015 ICCPR record (the 2022 file's "signature tied
     * to the UK's" is not a dated act and is left out).  The ICESCR
     * lookup makes sure the country is found at all, so the ICCPR check
     * cannot pass because the lookup is broken. */
    p = find(d, key(d, "icescr"), "SLB");
    T_CHECK(p && p->consent.year == 1982 && p->consent.month == 3,
            "Solomon Islands: ICESCR succession in March 1982");
    p = find(d, key(d, "iccpr"), "SLB");
    T_CHECK(p == NULL, "Solomon Islands: no ICCPR record (got a %d consent)",
            p ? p->consent.year : 0);
    /* every state of the system since 1945 has an identity and a region */
    size_t noid = 0;
    for (int c = 1; c < 1000; c++) {
        int f, l;
        if (rhaz_data_cown_years(d, c, &f, &l) || l < 1945)
            continue;
        noid += !*rhaz_data_cown_iso3(d, c) || !rhaz_data_cown_region(d, c, RHAZ_REGION_UN) ||
                !rhaz_data_cown_region(d, c, RHAZ_REGION_SUBREGION) ||
                !rhaz_data_cown_region(d, c, RHAZ_REGION_WB);
    }
    T_EQ_INT(noid, 0, "COW states since 1945 without ISO3 or region");
    /* treaty list */
    const rhaz_treaty_info *ti = rhaz_data_treaty(d, icmw);
    T_CHECK(ti && ti->opened.year == 1990 && ti->opened.month == 12 && ti->opened.day == 18 &&
                ti->has_2022,
            "ICMW opened 18 Dec 1990, extended by the 2022 file");
    size_t *all, na;
    T_CHECK(rhaz_data_select(d, "all", &all, &na, &err) == RHAZ_OK && na == 324, "all = 324");
    size_t noopen = 0;
    for (size_t k = 0; k < na; k++)
        noopen += rhaz_data_treaty(d, all[k])->opened.year < 1900;
    free(all);
    T_EQ_INT(noopen, 0, "every treaty has an opening date");
    T_CHECK(rhaz_data_select(d, "icmw,nosuch", &all, &na, &err) == RHAZ_ENOTFOUND &&
                strcmp(err.what, "nosuch") == 0,
            "unknown key names the key");
    /* OECD */
    T_CHECK(rhaz_data_oecd_member(d, "MEX", 1994) && !rhaz_data_oecd_member(d, "MEX", 1993),
            "Mexico joined the OECD in 1994");
    T_CHECK(!rhaz_data_oecd_member(d, "BRA", 2015), "Brazil is not an OECD member");
}

/* ---------- participation ---------- */

static void test_participation(const rhaz_data *d)
{
    T_SECTION("participation");
    size_t *idx, n;
    rhaz_error err;
    rhaz_date asof = {2015, 3, 14};
    T_CHECK(rhaz_data_select(d, "icmw,crc", &idx, &n, &err) == RHAZ_OK, "select");
    rhaz_table *t = rhaz_data_participation(d, idx, n, asof, &err);
    T_CHECK(t != NULL, "participation table");
    if (t) {
        const double *parties = rhaz_table_num(t, 2), *oecd = rhaz_table_num(t, 4);
        /* count independently from the participant records */
        for (size_t k = 0; k < n; k++) {
            size_t cnt = 0, ocnt = 0;
            for (size_t j = 0; j < rhaz_data_nparticipants(d, idx[k]); j++) {
                const rhaz_participant *p = rhaz_data_participant(d, idx[k], j);
                if (p->kind > RHAZ_ENTITY_TERRITORY || !p->consent.year ||
                    rhaz_date_cmp(p->consent, asof) > 0)
                    continue;
                cnt++;
                ocnt += rhaz_data_oecd_member(d, p->iso3c, 2015);
            }
            T_EQ_INT(parties[k], cnt, "parties recounted");
            T_EQ_INT(oecd[k], ocnt, "OECD parties recounted");
        }
        T_EQ_INT(parties[0], 47, "ICMW: 47 parties on 14 Mar 2015 (UN record)");
        /* by year: the end-of-2014 count can't exceed the March 2015 one,
         * and counts never decrease */
        rhaz_table *by = rhaz_data_parties_by_year(d, idx, n, 1989, 2015, &err);
        T_CHECK(by && rhaz_table_nrow(by) == 2 * 27, "parties by year: 27 years x 2");
        if (by) {
            const double *yr = rhaz_table_num(by, 1), *py = rhaz_table_num(by, 3);
            size_t decreasing = 0;
            for (size_t i = 1; i < rhaz_table_nrow(by); i++)
                decreasing += yr[i] > yr[i - 1] && py[i] < py[i - 1];
            T_EQ_INT(decreasing, 0, "cumulative parties never decrease");
            T_CHECK(py[0] == 0 && py[2014 - 1989] <= parties[0] && py[2014 - 1989] >= 45,
                    "ICMW: 0 parties in 1989, %g at the end of 2014", py[2014 - 1989]);
        }
        rhaz_table_free(by);
        T_CHECK(oecd[0] <= 4 && oecd[1] >= 33, "ICMW has a handful of OECD parties, CRC all but the US");
    }
    rhaz_table_free(t);
    free(idx);
}

/* ---------- panels ---------- */

static long col(const rhaz_table *t, const char *name)
{
    long j = rhaz_table_find(t, name);
    T_CHECK(j >= 0, "panel has column %s", name);
    return j;
}

/* ---------- an independent oracle of the risk-set rules ----------
 * Written from docs/data.md ("Whose act is it"), not from src/data/risk.c:
 * acts under YEM, DEU and CHN go to the COW state the act's date names;
 * predecessor-acts.csv adds cited acts (a row dated like a shared-code
 * act of another state claims it); Germany (255) inherits the Federal
 * Republic's (260) status, Yemen (679) that of both Yemens; Taiwan (713)
 * is at risk only to 1970, the People's Republic (710) not in 1949-1970,
 * Kosovo (347) never. */
static rhaz_table *pacts; /* data/predecessor-acts.csv */

static int owner_of(const char *code, rhaz_date x)
{
    int ymd = x.year * 10000 + x.month * 100 + x.day;
    if (!strcmp(code, "YEM"))
        return ymd < 19900522 ? 680 : 679;
    if (!strcmp(code, "DEU"))
        return ymd < 19450509 ? 255 : ymd < 19901003 ? 260 : 255;
    if (!strcmp(code, "CHN"))
        return ymd < 19491208 ? 710 : ymd < 19711025 ? 713 : 710;
    return 0;
}

static int date_eq(rhaz_date a, rhaz_date b)
{
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

static int pact_claims(const char *tk, rhaz_date x, int c)
{
    for (size_t r = 0; pacts && r < rhaz_table_nrow(pacts); r++) {
        rhaz_date dd;
        if (strcmp(rhaz_table_str(pacts, 1, r), tk) || (int)rhaz_table_num(pacts, 0)[r] == c ||
            rhaz_date_parse(rhaz_table_str(pacts, 2, r), &dd, NULL, NULL))
            continue;
        if (date_eq(dd, x))
            return 1;
    }
    return 0;
}

static void keep_min(int *y, int v)
{
    if (v && (!*y || v < *y))
        *y = v;
}

/* Consent year and first-act year (signature or consent) of state c. */
static void own_years(const rhaz_data *d, size_t ti, int c, int *cons, int *first)
{
    static const char *const shared[] = {"YEM", "DEU", "CHN"};
    const char *tk = rhaz_data_treaty(d, ti)->key;
    const char *iso = rhaz_data_cown_iso3(d, c);
    *cons = *first = 0;
    int ruled = 0;
    for (int k = 0; k < 3; k++) {
        ruled |= !strcmp(iso, shared[k]);
        const rhaz_participant *p = find(d, ti, shared[k]);
        if (!p)
            continue;
        if (p->consent.year && owner_of(shared[k], p->consent) == c &&
            !pact_claims(tk, p->consent, c)) {
            keep_min(cons, p->consent.year);
            keep_min(first, p->consent.year);
        }
        if (p->signature.year && owner_of(shared[k], p->signature) == c &&
            !pact_claims(tk, p->signature, c))
            keep_min(first, p->signature.year);
    }
    const rhaz_participant *p = ruled ? NULL : find(d, ti, iso);
    if (p) {
        keep_min(cons, p->consent.year);
        keep_min(first, p->consent.year);
        keep_min(first, p->signature.year);
    }
    for (size_t r = 0; pacts && r < rhaz_table_nrow(pacts); r++) {
        if ((int)rhaz_table_num(pacts, 0)[r] != c || strcmp(rhaz_table_str(pacts, 1, r), tk))
            continue;
        int y = atoi(rhaz_table_str(pacts, 2, r));
        if (strcmp(rhaz_table_str(pacts, 3, r), "signature"))
            keep_min(cons, y);
        keep_min(first, y);
    }
}

static int at_risk(const rhaz_data *d, int c, int y)
{
    if (!rhaz_data_in_system(d, c, y) || c == 347 || (c == 713 && y >= 1971) ||
        (c == 710 && y >= 1949 && y <= 1970))
        return 0;
    return 1;
}

static int check_panel_succ; /* the panel was built with --successions independence */

static int oracle_year(const rhaz_data *d, size_t ti, int c, rhaz_event_kind ev)
{
    int cons, first;
    own_years(d, ti, c, &cons, &first);
    int from[2] = {c == 255 ? 260 : c == 679 ? 680 : 0, c == 679 ? 678 : 0};
    for (int k = 0; k < 2; k++)
        if (from[k]) {
            int pc, pf;
            own_years(d, ti, from[k], &pc, &pf);
            keep_min(&cons, pc);
            keep_min(&first, pf);
        }
    if (check_panel_succ && cons) {
        /* a succession makes the state a party from its first year at risk */
        const rhaz_participant *p = find(d, ti, rhaz_data_cown_iso3(d, c));
        if (p && p->consent.year == cons && p->consent_act == RHAZ_ACT_SUCCESSION) {
            int fy = rhaz_data_treaty(d, ti)->opened.year;
            while (fy < 2030 && !at_risk(d, c, fy))
                fy++;
            if (fy < 2030 && cons >= fy)
                return fy - 1;
        }
    }
    return ev == RHAZ_EVENT_SIGNATURE ? first : cons;
}


/* Invariants of a panel; returns the number of rows checked. */
static void check_panel(const rhaz_data *d, const rhaz_table *t, int start_year,
                        int end_year, rhaz_event_kind ev)
{
    static const char *const required[] = {
        "iso3c", "cown", "country", "treaty", "year", "start", "stop", "event",
        "democracy", "regime", "transition", "gwf_regime", "migrant_share",
        "migrant_receiving", "net_migration", "oecd", "region", "region_density",
        "prior_ratifications", "articles", "parts", "novelty", "group_definition",
        "rights_differentiated", "campaign", "duration", "exposure"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (col(t, required[i]) < 0)
            return;
    size_t n = rhaz_table_nrow(t);
    const double *cown = rhaz_table_num(t, (size_t)col(t, "cown")),
                 *year = rhaz_table_num(t, (size_t)col(t, "year")),
                 *start = rhaz_table_num(t, (size_t)col(t, "start")),
                 *stop = rhaz_table_num(t, (size_t)col(t, "stop")),
                 *event = rhaz_table_num(t, (size_t)col(t, "event")),
                 *dens = rhaz_table_num(t, (size_t)col(t, "region_density")),
                 *dur = rhaz_table_num(t, (size_t)col(t, "duration"));
    long jt = col(t, "treaty");
    static int cache[1000];
    const char *last_tk = NULL;
    size_t last_ti = (size_t)-1;
    size_t cache_t = (size_t)-1, stride = n / 3000 > 97 ? n / 3000 : 97;
    size_t bad_order = 0, after_event = 0, bad_event_year = 0, bad_sys = 0, bad_enter = 0,
           bad_leave = 0, bad_dens = 0, bad_recomp = 0, bad_ss = 0, checked = 0, bad_dur = 0;
    for (size_t i = 0; i < n; i++) {
        const char *tk = rhaz_table_str(t, (size_t)jt, i);
        if (!last_tk || strcmp(tk, last_tk)) {
            last_tk = tk;
            last_ti = key(d, tk);
        }
        size_t ti = last_ti;
        const rhaz_treaty_info *info = rhaz_data_treaty(d, ti);
        int c = (int)cown[i], y = (int)year[i];
        int same_prev = i > 0 && cown[i - 1] == cown[i] &&
                        strcmp(rhaz_table_str(t, (size_t)jt, i - 1), tk) == 0;
        int same_next = i + 1 < n && cown[i + 1] == cown[i] &&
                        strcmp(rhaz_table_str(t, (size_t)jt, i + 1), tk) == 0;
        /* strictly increasing years within a state-treaty: no duplicates */
        if (same_prev && !(year[i - 1] < year[i]))
            bad_order++;
        /* nothing after the event */
        if (event[i] == 1 && same_next)
            after_event++;
        /* (start, stop] in years since opening */
        if (start[i] != y - info->opened.year || stop[i] != start[i] + 1)
            bad_ss++;
        if (!at_risk(d, c, y))
            bad_sys++;
        /* event rows: year of the consent (or first signature); the
         * oracle once per state-treaty and per treaty for the density */
        if (ti != cache_t) {
            cache_t = ti;
            for (int k = 0; k < 1000; k++)
                cache[k] = -1;
        }
        if (cache[c] < 0)
            cache[c] = oracle_year(d, ti, c, ev);
        int ey = cache[c];
        if ((event[i] == 1) != (ey == y))
            bad_event_year++;
        /* entry: first row is the first system year at risk */
        if (!same_prev) {
            int y0 = info->opened.year > start_year ? info->opened.year : start_year;
            while (y0 < y && !at_risk(d, c, y0))
                y0++;
            if (y0 != y)
                bad_enter++;
            int before = 0; /* system years at risk before a --start window */
            for (int z = info->opened.year; z < y; z++)
                before += at_risk(d, c, z);
            if (dur[i] != 1 + before)
                bad_dur++;
        } else if (dur[i] != dur[i - 1] + 1) {
            bad_dur++;
        }
        /* exit: event, end of the window, or out of the system next year */
        if (!same_next && event[i] != 1 && y != end_year && at_risk(d, c, y + 1))
            bad_leave++;
        if (!isnan(dens[i]) && (dens[i] < 0 || dens[i] > 1))
            bad_dens++;
        /* density recomputed by brute force on a sample of rows */
        if (i % stride == 0) {
            checked++;
            const char *reg = rhaz_data_cown_region(d, c, RHAZ_REGION_UN);
            int den = 0, num = 0;
            for (int o = 1; reg && o < 1000; o++) {
                if (o == c || !at_risk(d, o, y - 1))
                    continue;
                const char *r2 = rhaz_data_cown_region(d, o, RHAZ_REGION_UN);
                if (!r2 || strcmp(r2, reg))
                    continue;
                den++;
                if (cache[o] < 0)
                    cache[o] = oracle_year(d, ti, o, ev);
                int qy = cache[o];
                num += qy && qy <= y - 1;
            }
            double want = den ? (double)num / den : NAN;
            if (!(isnan(want) ? isnan(dens[i]) : fabs(dens[i] - want) < 1e-12))
                bad_recomp++;
        }
    }
    T_EQ_INT(bad_order, 0, "state-treaty-years unique and ordered");
    T_EQ_INT(after_event, 0, "no row after a state's event");
    T_EQ_INT(bad_event_year, 0, "event rows are the consent year, and only those");
    T_EQ_INT(bad_ss, 0, "start = year - opening year, stop = start + 1");
    T_EQ_INT(bad_sys, 0, "every row is a state-year of the system");
    T_EQ_INT(bad_enter, 0, "states enter in the later of opening and system entry");
    T_EQ_INT(bad_leave, 0, "states leave on event, exit or --end");
    T_EQ_INT(bad_dur, 0, "duration counts years at risk");
    T_EQ_INT(bad_dens, 0, "density in [0, 1]");
    T_EQ_INT(bad_recomp, 0, "density recomputed by brute force");
    T_CHECK(checked > 10, "density sample not empty (%zu)", checked);
}

static void test_panels(const rhaz_data *d)
{
    T_SECTION("panel icmw");
    size_t *idx, n;
    rhaz_error err;
    rhaz_panel_options o;
    rhaz_panel_options_init(&o);
    rhaz_panel_stats st;
    T_CHECK(rhaz_data_select(d, "icmw", &idx, &n, &err) == RHAZ_OK, "select icmw");
    rhaz_table *t = rhaz_panel_build(d, idx, n, &o, &st, &err);
    T_CHECK(t != NULL, "icmw panel: %s", t ? "" : err.msg);
    if (t) {
        check_panel(d, t, o.start_year, o.end_year, o.event);
        /* Mexico: at risk 1990..1999, event in 1999 */
        const double *cown = rhaz_table_num(t, (size_t)rhaz_table_find(t, "cown")),
                     *year = rhaz_table_num(t, (size_t)rhaz_table_find(t, "year")),
                     *event = rhaz_table_num(t, (size_t)rhaz_table_find(t, "event")),
                     *camp = rhaz_table_num(t, (size_t)rhaz_table_find(t, "campaign"));
        int mex_rows = 0, mex_event = 0, usa_last = 0, camp_bad = 0;
        for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
            if (cown[i] == 70) {
                mex_rows++;
                if (event[i] == 1)
                    mex_event = (int)year[i];
            }
            if (cown[i] == 2)
                usa_last = (int)year[i];
            camp_bad += camp[i] != (year[i] >= 1998);
        }
        T_EQ_INT(mex_rows, 10, "Mexico at risk 1990-1999");
        T_EQ_INT(mex_event, 1999, "Mexico's event year");
        T_EQ_INT(usa_last, 2015, "USA censored at --end");
        /* the ICMW's last year, 2015, is a whole year: the 2022 file gives
         * the year of every consent after the 14 Mar 2015 scrape */
        const double *ex = rhaz_table_num(t, (size_t)rhaz_table_find(t, "exposure"));
        int ex_bad = 0, n2015 = 0;
        for (size_t i = 0; ex && i < rhaz_table_nrow(t); i++) {
            ex_bad += ex[i] != 1.0;
            n2015 += year[i] == 2015;
        }
        T_CHECK(ex != NULL && n2015 > 100 && ex_bad == 0,
                "ICMW exposure 1 in every year to 2015 (%d not; %d rows of 2015)", ex_bad, n2015);
        T_EQ_INT(camp_bad, 0, "campaign = 1 from 1998");
        /* 47 parties on 14 Mar 2015 (UN record) + Madagascar, 13 May 2015 (2022 file) */
        T_EQ_INT(st.events, 48, "ICMW events 1990-2015");
    }
    rhaz_table_free(t);
    free(idx);

    T_SECTION("panel core stacked");
    T_CHECK(rhaz_data_select(d, "iccpr,cedaw,cat,crc", &idx, &n, &err) == RHAZ_OK, "select");
    t = rhaz_panel_build(d, idx, n, &o, &st, &err);
    T_CHECK(t != NULL, "stacked panel");
    if (t) {
        check_panel(d, t, o.start_year, o.end_year, o.event);
        /* the USA never joined the CRC: at risk every year to the end */
        const double *cown = rhaz_table_num(t, (size_t)rhaz_table_find(t, "cown")),
                     *event = rhaz_table_num(t, (size_t)rhaz_table_find(t, "event"));
        long jt = rhaz_table_find(t, "treaty");
        int usa_crc = 0, usa_crc_ev = 0;
        for (size_t i = 0; i < rhaz_table_nrow(t); i++)
            if (cown[i] == 2 && !strcmp(rhaz_table_str(t, (size_t)jt, i), "crc")) {
                usa_crc++;
                usa_crc_ev += event[i] == 1;
            }
        T_EQ_INT(usa_crc, 2015 - 1990 + 1, "USA at risk of the CRC 1990-2015 (opened 26 Jan 1990)");
        T_EQ_INT(usa_crc_ev, 0, "USA never joined the CRC");
    }
    rhaz_table_free(t);

    /* the start of risk is the opening for signature (data/treaty-opening.csv),
     * not the adoption: CERD adopted 21 Dec 1965, opened 7 Mar 1966; CRPD
     * adopted 13 Dec 2006, opened 30 Mar 2007 */
    static const struct { const char *key; int first; } opening[] = {
        {"cerd", 1966}, {"4-15", 2007}, {"crc", 1990}, {"cat", 1985}, {"4-16", 2007},
        {"refugee1967", 1967}, {"cedaw", 1980}, {"icmw", 1990}};
    for (size_t k = 0; k < sizeof opening / sizeof opening[0]; k++) {
        size_t *ix, nx;
        T_CHECK(rhaz_data_select(d, opening[k].key, &ix, &nx, &err) == RHAZ_OK, "select %s",
                opening[k].key);
        rhaz_panel_options oo;
        rhaz_panel_options_init(&oo);
        if (!strcmp(opening[k].key, "4-15") || !strcmp(opening[k].key, "4-16"))
            oo.end_year = 2022;
        rhaz_table *tp = rhaz_panel_build(d, ix, nx, &oo, &st, &err);
        T_CHECK(tp != NULL, "%s panel: %s", opening[k].key, tp ? "" : err.msg);
        if (tp) {
            const double *yr = rhaz_table_num(tp, (size_t)rhaz_table_find(tp, "year")),
                         *sa = rhaz_table_num(tp, (size_t)rhaz_table_find(tp, "start"));
            int first = 9999, bad_start = 0;
            for (size_t i = 0; i < rhaz_table_nrow(tp); i++) {
                if (yr[i] < first)
                    first = (int)yr[i];
                bad_start += sa[i] != yr[i] - opening[k].first;
            }
            T_EQ_INT(first, opening[k].first, opening[k].key);
            T_EQ_INT(bad_start, 0, "start counts years since the opening year");
            if (rhaz_table_nrow(tp) > 97 * 11) /* enough rows for the density sample */
                check_panel(d, tp, oo.start_year, oo.end_year, oo.event);
        }
        rhaz_table_free(tp);
        free(ix);
    }

    /* a treaty only in the 2015 records: 2015 is observed to 14 March */
    {
        size_t *ix, nx;
        rhaz_panel_options oo;
        rhaz_panel_options_init(&oo);
        T_CHECK(rhaz_data_select(d, "refugee1951", &ix, &nx, &err) == RHAZ_OK, "select");
        rhaz_table *tp = rhaz_panel_build(d, ix, nx, &oo, &st, &err);
        T_CHECK(tp != NULL, "refugee1951 panel");
        if (tp) {
            const double *yr = rhaz_table_num(tp, (size_t)rhaz_table_find(tp, "year")),
                         *ex = rhaz_table_num(tp, (size_t)rhaz_table_find(tp, "exposure"));
            int bad = 0, n15 = 0;
            for (size_t i = 0; i < rhaz_table_nrow(tp); i++) {
                double want = yr[i] < 2015 ? 1.0 : 73.0 / 365.0;
                bad += fabs(ex[i] - want) > 1e-15;
                n15 += yr[i] == 2015;
            }
            T_CHECK(bad == 0 && n15 > 10, "refugee1951 exposure 73/365 in 2015 only (%d bad, %d rows)",
                    bad, n15);
        }
        rhaz_table_free(tp);
        free(ix);
    }

    T_SECTION("panel signature, 2022");
    o.event = RHAZ_EVENT_SIGNATURE;
    o.end_year = 2022;
    o.start_year = 1995;
    t = rhaz_panel_build(d, idx, n, &o, &st, &err);
    T_CHECK(t != NULL, "signature panel to 2022");
    if (t) {
        check_panel(d, t, o.start_year, o.end_year, o.event);
        const double *yr = rhaz_table_num(t, (size_t)rhaz_table_find(t, "year")),
                     *ex = rhaz_table_num(t, (size_t)rhaz_table_find(t, "exposure"));
        int bad = 0, n22 = 0;
        for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
            n22 += yr[i] == 2022;
            bad += yr[i] == 2022 ? !isnan(ex[i]) : ex[i] != 1.0;
        }
        T_CHECK(bad == 0 && n22 > 0, "exposure 1 to 2021, NA in 2022 (day unknown): %d bad", bad);
    }
    rhaz_table_free(t);
    free(idx);
    o.event = RHAZ_EVENT_RATIFICATION;
    T_CHECK(rhaz_data_select(d, "26-8", &idx, &n, &err) == RHAZ_OK, "select 26-8");
    t = rhaz_panel_build(d, idx, n, &o, &st, &err);
    T_CHECK(t == NULL && err.status == RHAZ_EINVAL, "treaty without 2022 data cannot go past 2015");
    free(idx);
}

/* ---------- issue 14: risk sets of predecessor, divided and ineligible states */

/* Rows, event year (0 none), first and last row year of state c in a panel. */
static int state_rows(const rhaz_table *t, const char *treaty, int c, int *ev, int *first,
                      int *last)
{
    const double *cown = rhaz_table_num(t, (size_t)rhaz_table_find(t, "cown")),
                 *year = rhaz_table_num(t, (size_t)rhaz_table_find(t, "year")),
                 *event = rhaz_table_num(t, (size_t)rhaz_table_find(t, "event"));
    long jt = rhaz_table_find(t, "treaty");
    int n = 0;
    *ev = *first = *last = 0;
    for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
        if ((int)cown[i] != c || strcmp(rhaz_table_str(t, (size_t)jt, i), treaty))
            continue;
        if (!n)
            *first = (int)year[i];
        *last = (int)year[i];
        if (event[i] == 1)
            *ev = (int)year[i];
        n++;
    }
    return n;
}

static rhaz_table *panel_of(const rhaz_data *d, const char *keys, const rhaz_panel_options *o,
                            rhaz_panel_stats *st)
{
    size_t *ix = NULL, nx = 0;
    rhaz_error err;
    rhaz_table *t = NULL;
    if (rhaz_data_select(d, keys, &ix, &nx, &err) == RHAZ_OK)
        t = rhaz_panel_build(d, ix, nx, o, st, &err);
    T_CHECK(t != NULL, "%s panel: %s", keys, t ? "" : err.msg);
    free(ix);
    return t;
}

static void test_risk_sets(const rhaz_data *d)
{
    T_SECTION("risk sets (issue 14)");
    rhaz_panel_options o;
    rhaz_panel_options_init(&o);
    rhaz_panel_stats st;
    int ev, first, last, n;
    rhaz_table *t = panel_of(d, "core", &o, &st);
    if (t) {
        /* the ICCPR acts of predecessor states, and nothing after them */
        static const struct { int cown, year; const char *who; } iccpr[] = {
            {345, 1971, "SFR Yugoslavia ratified 2 Jun 1971"},
            {315, 1975, "Czechoslovakia ratified 23 Dec 1975"},
            {265, 1973, "the GDR ratified 8 Nov 1973"},
            {680, 1987, "Democratic Yemen acceded 9 Feb 1987"}};
        for (size_t k = 0; k < 4; k++) {
            n = state_rows(t, "iccpr", iccpr[k].cown, &ev, &first, &last);
            T_CHECK(n > 0 && ev == iccpr[k].year && last == ev, "%s: event %d, last row %d",
                    iccpr[k].who, ev, last);
        }
        n = state_rows(t, "iccpr", 678, &ev, &first, &last);
        T_CHECK(n > 0 && ev == 0 && last == 1989, "no ICCPR event for the YAR (%d), at risk to 1989",
                ev);
        n = state_rows(t, "iccpr", 679, &ev, &first, &last);
        T_EQ_INT(n, 0, "unified Yemen a party from its start (Democratic Yemen's accession)");
        n = state_rows(t, "refugee1951", 678, &ev, &first, &last);
        T_CHECK(ev == 1980, "the YAR's 1980 Refugee Convention accession (%d)", ev);
        n = state_rows(t, "refugee1951", 680, &ev, &first, &last);
        T_CHECK(n > 0 && ev == 0, "not Democratic Yemen's (%d)", ev);
        /* Czechoslovakia and the GDR leave the risk set with the system */
        n = state_rows(t, "icmw", 315, &ev, &first, &last);
        T_CHECK(n == 3 && ev == 0 && first == 1990 && last == 1992,
                "Czechoslovakia at risk of the ICMW 1990-1992, none after (%d-%d)", first, last);
        n = state_rows(t, "cerd", 315, &ev, &first, &last);
        T_CHECK(n == 1 && ev == 1966, "Czechoslovakia's CERD ratification of 29 Dec 1966 (%d)", ev);
        n = state_rows(t, "cerd", 265, &ev, &first, &last);
        T_CHECK(n > 0 && ev == 0 && last == 1989, "the GDR at risk of the CERD to 1989 (%d)", last);
        /* SFRY CEDAW 1982 */
        n = state_rows(t, "cedaw", 345, &ev, &first, &last);
        T_CHECK(ev == 1982 && last == 1982, "SFR Yugoslavia CEDAW 1982 (%d)", ev);
        /* eligibility: Taiwan not at risk for CEDAW, only to 1970 for CERD;
         * Kosovo never; the People's Republic from 1971 */
        T_EQ_INT(state_rows(t, "cedaw", 713, &ev, &first, &last), 0, "Taiwan not at risk for CEDAW");
        n = state_rows(t, "cerd", 713, &ev, &first, &last);
        T_CHECK(n == 5 && first == 1966 && last == 1970 && ev == 1970,
                "Taiwan at risk of the CERD 1966-1970, the ROC's ratification of 1970 (%d rows, event %d)",
                n, ev);
        T_EQ_INT(state_rows(t, "cat", 347, &ev, &first, &last), 0, "Kosovo never at risk");
        n = state_rows(t, "cerd", 710, &ev, &first, &last);
        T_CHECK(first == 1971 && ev == 1981, "China at risk of the CERD from 1971, event 1981 (%d, %d)",
                first, ev);
        T_CHECK(st.not_eligible > 0 && st.predecessor >= 14 && st.inherited > 0 && st.by_date > 0,
                "accounting: %zu not eligible, %zu predecessor acts, %zu inherited, %zu by date",
                st.not_eligible, st.predecessor, st.inherited, st.by_date);
        /* events outside the system: none from acts of the successor under a shared code */
        T_EQ_INT(st.after_exit, 0, "no event while outside the system (shared codes split by date)");
    }
    rhaz_table_free(t);
    /* --eligible all: today's behaviour before issue 14 */
    o.eligible = RHAZ_ELIGIBLE_ALL;
    t = panel_of(d, "cedaw", &o, &st);
    if (t) {
        n = state_rows(t, "cedaw", 713, &ev, &first, &last);
        T_CHECK(n == 2015 - 1980 + 1 && ev == 0, "--eligible all: Taiwan at risk of CEDAW 1980-2015 (%d)",
                n);
        T_EQ_INT(st.not_eligible, 0, "--eligible all drops no state-year");
    }
    rhaz_table_free(t);
    /* --successions: Mali, Refugee Convention, succession of 1973 */
    rhaz_panel_options_init(&o);
    t = panel_of(d, "refugee1951", &o, &st);
    if (t) {
        n = state_rows(t, "refugee1951", 432, &ev, &first, &last);
        T_CHECK(n == 14 && first == 1960 && ev == 1973, "event coding: Mali at risk 1960-1973 (%d rows)",
                n);
    }
    size_t rows_event = t ? rhaz_table_nrow(t) : 0, ev_event = st.events;
    rhaz_table_free(t);
    o.successions = RHAZ_SUCCESSION_INDEPENDENCE;
    t = panel_of(d, "refugee1951", &o, &st);
    if (t) {
        T_EQ_INT(state_rows(t, "refugee1951", 432, &ev, &first, &last), 0,
                 "independence coding: Mali a party from 1960, no rows");
        T_CHECK(st.succession_party > 20 && st.events + st.succession_party >= ev_event &&
                    rhaz_table_nrow(t) < rows_event,
                "independence: %zu pairs party from the start, %zu rows (event coding %zu)",
                st.succession_party, rhaz_table_nrow(t), rows_event);
        check_panel_succ = 1;
        check_panel(d, t, o.start_year, o.end_year, o.event);
        check_panel_succ = 0;
    }
    rhaz_table_free(t);
    /* Polity's two codes for one COW state-year: the code that continues
     * (the state on 31 December) -- Serbia's 8, not Serbia and
     * Montenegro's 6, in 2006; Sudan-North's -4, not Sudan's -2, in 2011.
     * The World Bank's XKX is Kosovo's code, not an aggregate. */
    rhaz_panel_options_init(&o);
    o.eligible = RHAZ_ELIGIBLE_ALL;
    t = panel_of(d, "icmw", &o, &st);
    if (t) {
        const double *cw = rhaz_table_num(t, (size_t)rhaz_table_find(t, "cown")),
                     *yr = rhaz_table_num(t, (size_t)rhaz_table_find(t, "year")),
                     *dm = rhaz_table_num(t, (size_t)rhaz_table_find(t, "democracy")),
                     *nm = rhaz_table_num(t, (size_t)rhaz_table_find(t, "net_migration"));
        double srb = NAN, sdn = NAN;
        int kos = 0;
        for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
            if (cw[i] == 345 && yr[i] == 2007)
                srb = dm[i];
            if (cw[i] == 625 && yr[i] == 2012)
                sdn = dm[i];
            kos += cw[i] == 347 && !isnan(nm[i]);
        }
        T_CHECK(srb == 8, "Yugoslavia/Serbia: polity2 of 2006 (lag 1) is Serbia's 8 (got %g)", srb);
        T_CHECK(sdn == -4, "Sudan: polity2 of 2011 (lag 1) is Sudan-North's -4 (got %g)", sdn);
        T_CHECK(kos >= 5, "Kosovo's net migration from the World Bank's XKX (%d rows)", kos);
    }
    rhaz_table_free(t);
    /* every invariant on the all-treaty panel (1945-2015) */
    rhaz_panel_options_init(&o);
    o.start_year = 1945;
    t = panel_of(d, "all", &o, &st);
    if (t) {
        T_CHECK(rhaz_table_nrow(t) > 1000000, "all-treaty panel: %zu rows", rhaz_table_nrow(t));
        check_panel(d, t, o.start_year, o.end_year, o.event);
    }
    rhaz_table_free(t);
}

/* ---------- bad input through the CLI ---------- */

static void make_copy(const char *dir, const char *bad_file, const char *content)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "rm -rf %s && cp -rs \"$PWD/data\" %s", dir, dir);
    T_CHECK(system(cmd) == 0, "fixture directory %s", dir);
    if (bad_file) {
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, bad_file);
        remove(p);
        if (content) {
            FILE *fp = fopen(p, "w");
            T_CHECK(fp != NULL, "write %s", p);
            if (fp) {
                fputs(content, fp);
                fclose(fp);
            }
        }
    }
}

static void expect_error(const char *args, const char *needle, const char *what)
{
    char *out = NULL, *err = NULL;
    int rc = t_run(args, &out, &err);
    T_EQ_INT(rc, 1, what);
    T_CHECK(err && strstr(err, needle) && t_count_lines(err) == 1,
            "%s: want one line with '%s', got '%s'", what, needle, err ? err : "");
    free(out);
    free(err);
}

static void test_cli_errors(void)
{
    T_SECTION("cli errors");
    char dir[128], args[512];
    snprintf(dir, sizeof dir, "/tmp/rhaz-test-data.%d", (int)getpid());
    expect_error("panel --treaty icmw,nosuch --out -", "unknown treaty 'nosuch'",
                 "unknown treaty key");
    make_copy(dir, "un-2015/4-13.csv",
              "Participant,Signature,\"Ratification, Accession(a)\"\n"
              "Albania,,5 Jun 2007 a\nMexico,22 May 1991,8 Mrz 1999\n");
    snprintf(args, sizeof args, "panel --treaty icmw --out %s/p.csv --data-dir %s", dir, dir);
    expect_error(args, "4-13.csv:3: bad date '8 Mrz 1999'", "garbage date names file:line");
    make_copy(dir, "un-2015/4-13.csv",
              "Participant,Signature,\"Ratification, Accession(a)\"\n"
              "Albania,,5 Jun 2007 a\nMexico,22 May 1991,8 Mar 1999\nAlbania,,6 Jun 2007 a\n");
    expect_error(args, "4-13.csv:4: duplicated participant 'Albania'", "duplicated participant");
    make_copy(dir, "un-2015/4-13.csv",
              "Participant,Signature,\"Ratification, Accession(a)\"\n"
              "Mexico,22 May 1991,8 Mar 1999 zz\n");
    expect_error(args, "4-13.csv:2: unknown act suffix 'zz'", "unknown act suffix");
    make_copy(dir, "treaty-opening.csv",
              "un_file,treaty,opened,kind,source\n4-2,cerd,1965-12-01,signature,x\n");
    expect_error(args, "treaty-opening.csv:2: 4-2 opened before its adoption date",
                 "opening before adoption");
    make_copy(dir, "treaty-opening.csv",
              "un_file,treaty,opened,kind,source\n4-2,cerd,1966-03-07,signature,\n");
    expect_error(args, "treaty-opening.csv:2: opening date without a source",
                 "opening date without a source");
    make_copy(dir, "treaty-opening.csv",
              "un_file,treaty,opened,kind,source\n4-2,cerd,1966-03-07,ratification,x\n");
    expect_error(args, "treaty-opening.csv:2: kind 'ratification'", "opening kind");
    make_copy(dir, "treaty-opening.csv",
              "un_file,treaty,opened,kind,source\n99-9,x,1966-03-07,signature,x\n");
    expect_error(args, "treaty-opening.csv:2: treaty '99-9' is not in the UN collection",
                 "opening of an unknown treaty");
    make_copy(dir, "treaty-opening.csv",
              "un_file,treaty,opened,kind,source\n4-13,icmw,1995-01-01,signature,x\n");
    expect_error(args, "before the treaty was opened", "act before a coded opening");
    make_copy(dir, "polity5.csv", NULL);
    expect_error(args, "polity5.csv", "unreadable file named");
    snprintf(args, sizeof args, "treaties --data-dir %s/nowhere", dir);
    expect_error(args, "nowhere", "missing data directory named");
    /* no partial output on failure: a panel that fails after its output
     * is opened and written (the rename onto --out fails: --out is a
     * directory) leaves neither a file nor its temporary behind */
    char outdir[256], cmd[1024];
    snprintf(outdir, sizeof outdir, "%s-out", dir);
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s/p.csv", outdir, outdir);
    T_CHECK(system(cmd) == 0, "output directory");
    snprintf(args, sizeof args, "panel --treaty icmw --out %s/p.csv", outdir);
    char *out = NULL, *err = NULL;
    T_EQ_INT(t_run(args, &out, &err), 1, "panel onto a directory exits 1");
    /* (refused when the output is opened: --out names a directory) */
    T_CHECK(err && strstr(err, "p.csv") && strstr(err, "cannot write output: a directory") &&
                t_count_lines(err) == 1,
            "one line naming the output: %s", err ? err : "");
    free(out);
    free(err);
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1 && test -d %s/p.csv",
             outdir, outdir);
    T_CHECK(system(cmd) == 0, "failed panel leaves no output file and no temporary");
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", dir, outdir);
    T_CHECK(system(cmd) == 0, "cleanup");
    out = err = NULL;
    T_EQ_INT(t_run("participation --asof 2015-03-14 --treaties icmw --format csv", &out, &err), 0,
             "participation csv");
    T_CHECK(out && strstr(out, "treaty,participants,parties,oecd_participants,oecd_parties\n"
                               "icmw,"), "participation columns: %s", out ? out : "");
    free(out);
    free(err);
    T_EQ_INT(t_run("panel --treaty icmw --out - --report", &out, &err), 0, "panel --report");
    T_CHECK(out && strncmp(out, "iso3c,cown,country,treaty,year,start,stop,event,", 48) == 0,
            "panel CSV on stdout");
    T_CHECK(err && strstr(err, "unmatched names: 0\n") && strstr(err, "missing covariates") &&
                strstr(err, "2015 and 2022 disagree") && strstr(err, "dropped: "),
            "report lists unmatched names, drops, disagreements, missing covariates");
    free(out);
    free(err);
    T_EQ_INT(t_run("treaties --format csv", &out, &err), 0, "treaties csv");
    T_EQ_INT(t_count_lines(out), 325, "324 treaties and a header");
    T_CHECK(out && strstr(out, "\nicmw,4-13,1990-12-18,"), "icmw line");
    free(out);
    free(err);
    T_EQ_INT(t_run("treaties --format json", &out, &err), 0, "treaties json");
    T_CHECK(out && strstr(out, "\"key\": \"icmw\",\n    \"un_number\": \"4-13\","),
            "icmw json");
    free(out);
    free(err);
    char envcmd[600];
    snprintf(envcmd, sizeof envcmd,
             "RHAZ_DATA=/nonexistent/rhaz-data %s treaties 2>&1 | grep -q '/nonexistent/rhaz-data'",
             t_rhaz());
    T_EQ_INT(system(envcmd), 0, "RHAZ_DATA is used and a missing directory is named");
    T_EQ_INT(t_run("participation --asof 'not a date' --treaties icmw", NULL, NULL), 2,
             "bad --asof is a usage error");
}

int main(void)
{
    test_dates();
    rhaz_error err;
    static const char *const pstr[] = {"treaty", "date", "act", "source", NULL};
    rhaz_csv_options po = {0};
    po.as_string = pstr;
    pacts = rhaz_table_read("data/predecessor-acts.csv", &po, &err);
    T_CHECK(pacts && rhaz_table_ncol(pacts) == 5 && !strcmp(rhaz_table_colname(pacts, 0), "cown"),
            "read data/predecessor-acts.csv");
    rhaz_data *d = rhaz_data_open("data", &err);
    T_CHECK(d != NULL, "open data/: %s", d ? "" : err.msg);
    if (d) {
        test_records(d);
        test_participation(d);
        test_panels(d);
        test_risk_sets(d);
        rhaz_data_free(d);
    }
    test_cli_errors();
    return t_summary();
}
