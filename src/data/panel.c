/* panel.c -- state-treaty-year risk-set panels.
 *
 * Inputs: a loaded rhaz_data (every source already in memory, covariates
 * on dense (cown, year) grids), the selected treaties, options.
 * Work: one pass to count rows, one to fill the row keys (state, treaty,
 * year, event), then one pass per output column.  Regional density uses
 * per-treaty counts of system members and parties by (region, year), so
 * the cost is linear in rows plus O(treaties x states x years) for the
 * counts: no scan over states per row. */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void rhaz_panel_options_init(rhaz_panel_options *o)
{
    memset(o, 0, sizeof *o);
    o->event = RHAZ_EVENT_RATIFICATION;
    o->start_year = 0;
    o->end_year = 2015;
    o->democracy = RHAZ_DEM_POLITY2;
    o->region = RHAZ_REGION_UN;
    o->lag = 1;
    o->receiving_threshold = 10.0;
    o->regime_cut = 6.0;
    o->transition_window = 5;
}

static const char *const dem_names[] = {"polity2", "vdem", "fh", "bmr", "lied"};
#define NDEM 5

int rhaz_democracy_parse(const char *s, rhaz_democracy_source *out)
{
    for (int i = 0; i < NDEM; i++)
        if (!strcmp(s, dem_names[i])) {
            *out = (rhaz_democracy_source)i;
            return 0;
        }
    return -1;
}

const char *rhaz_democracy_name(rhaz_democracy_source src)
{
    return (unsigned)src < NDEM ? dem_names[src] : NULL;
}

int rhaz_democracy_parse_list(const char *s, rhaz_democracy_source *first,
                              unsigned *mask)
{
    size_t n = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        size_t len = strcspn(s, ", \t");
        char item[16];
        if (len == 0 || len >= sizeof item)
            return -1;
        memcpy(item, s, len);
        item[len] = '\0';
        rhaz_democracy_source d;
        if (rhaz_democracy_parse(item, &d))
            return -1;
        if (n++ == 0 && first)
            *first = d;
        if (mask)
            *mask |= 1u << d;
        s += len;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            return 0;
        if (*s++ != ',')
            s--; /* blank-separated */
    }
}

int rhaz_region_parse(const char *s, rhaz_region_scheme *out)
{
    static const char *const n[] = {"region", "subregion", "wb"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, n[i])) {
            *out = (rhaz_region_scheme)i;
            return 0;
        }
    return -1;
}

int rhaz_event_parse(const char *s, rhaz_event_kind *out)
{
    if (!strcmp(s, "ratification"))
        *out = RHAZ_EVENT_RATIFICATION;
    else if (!strcmp(s, "signature"))
        *out = RHAZ_EVENT_SIGNATURE;
    else
        return -1;
    return 0;
}

int rhaz_eligibility_parse(const char *s, rhaz_eligibility *out)
{
    if (!strcmp(s, "deposit"))
        *out = RHAZ_ELIGIBLE_DEPOSIT;
    else if (!strcmp(s, "all"))
        *out = RHAZ_ELIGIBLE_ALL;
    else
        return -1;
    return 0;
}

int rhaz_succession_parse(const char *s, rhaz_succession_coding *out)
{
    if (!strcmp(s, "event"))
        *out = RHAZ_SUCCESSION_EVENT;
    else if (!strcmp(s, "independence"))
        *out = RHAZ_SUCCESSION_INDEPENDENCE;
    else
        return -1;
    return 0;
}

/* The seven core human rights treaties counted by prior_ratifications. */
static const char *const core7[] = {"cerd", "icescr", "iccpr", "cedaw", "cat", "crc", "icmw"};
#define NCORE7 7

enum { M_ISO3 = 0, M_DEM, M_REGIME, M_TRANS, M_GWF, M_MIG, M_REC, M_NMIG,
       M_REGION, M_DENS, M_TATTR, M_NOVELTY };
static const char *const miss_names[RHAZ_PANEL_NMISS] = {
    "iso3c", "democracy", "regime", "transition", "gwf_regime", "migrant_share",
    "migrant_receiving", "net_migration", "region", "region_density",
    "articles", "novelty"};

typedef struct {
    int32_t *state;  /* index into d->states */
    int32_t *treaty; /* index into the selection */
    int16_t *year;
    int16_t *dur;    /* years at risk so far, this one included */
    unsigned char *event;
    size_t n;
} rows;

/* First year at or after the treaty's opening in which state x is at risk
 * (in the system and eligible), 0 if none up to `last`. */
static int first_at_risk(const rhaz_data *d, const rd_treaty *tr, const rd_state *x,
                         rhaz_eligibility el, int last)
{
    for (int y = tr->info.opened.year; y <= last; y++)
        if (d->in_sys[RD_CELL(x->cown, y)] && rd_eligible(tr, x->cown, y, el))
            return y;
    return 0;
}

/* Event year of state x for treaty tr (0: none); *consent_year is the
 * consent year as the panel counts it (density, prior_ratifications).
 * With --successions independence a succession makes the state a party
 * from the year before its first year at risk: no rows, and a party from
 * its first year (*indep = 1 when that applied). */
static int event_year(const rhaz_data *d, const rd_treaty *tr, const rd_state *x,
                      const rhaz_panel_options *o, int *consent_year, rd_status *stp,
                      int *indep)
{
    rd_status st;
    rd_status_of(d, tr, x->cown, &st);
    if (stp)
        *stp = st;
    if (indep)
        *indep = 0;
    int c = st.consent.year;
    int e = c;
    if (o->event == RHAZ_EVENT_SIGNATURE) {
        e = st.signature.year;
        if (c && (!e || c < e))
            e = c;
    }
    if (c && o->successions == RHAZ_SUCCESSION_INDEPENDENCE && st.act == RHAZ_ACT_SUCCESSION) {
        int fy = first_at_risk(d, tr, x, o->eligible, RD_Y0 + RD_NY - 1);
        if (fy && e >= fy) {
            e = c = fy - 1;
            if (indep)
                *indep = 1;
        }
    }
    *consent_year = c;
    return e;
}

static int regime_cat(double p2, double cut)
{
    if (isnan(p2))
        return -1;
    return p2 >= cut ? 2 : (p2 <= -cut ? 0 : 1);
}

static double grid_at(const rhaz_data *d, int g, int cown, int year)
{
    return rd_ok(cown, year) ? d->grid[g][RD_CELL(cown, year)] : NAN;
}

static double attr_num(const rhaz_data *d, const rd_treaty *tr, const char *col)
{
    long j = rhaz_table_find(d->attr, col);
    if (tr->attr_row < 0 || j < 0)
        return NAN;
    if (rhaz_table_coltype(d->attr, (size_t)j) == RHAZ_COL_NUMERIC)
        return rhaz_table_num(d->attr, (size_t)j)[tr->attr_row];
    const char *s = rhaz_table_str(d->attr, (size_t)j, (size_t)tr->attr_row);
    if (!s)
        return NAN;
    if (!strcmp(s, "yes"))
        return 1;
    if (!strcmp(s, "no"))
        return 0;
    return NAN;
}

static const char *attr_str(const rhaz_data *d, const rd_treaty *tr, const char *col)
{
    long j = rhaz_table_find(d->attr, col);
    if (tr->attr_row < 0 || j < 0 || rhaz_table_coltype(d->attr, (size_t)j) != RHAZ_COL_STRING)
        return NULL;
    return rhaz_table_str(d->attr, (size_t)j, (size_t)tr->attr_row);
}


rhaz_table *rhaz_panel_build(const rhaz_data *d, const size_t *treaties,
                             size_t nt, const rhaz_panel_options *opt,
                             rhaz_panel_stats *stats, rhaz_error *err)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rhaz_panel_options o;
    if (opt)
        o = *opt;
    else
        rhaz_panel_options_init(&o);
    rhaz_panel_stats st;
    memset(&st, 0, sizeof st);
    for (int i = 0; i < RHAZ_PANEL_NMISS; i++)
        st.miss_name[i] = miss_names[i];
    st.treaties = nt;
    st.disagree_2022 = d->disagree_2022;

    /* validate options before any work */
    if (nt == 0) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "no treaties selected");
        return NULL;
    }
    if (o.end_year < 1816 || o.end_year > 2022 ||
        (o.start_year && (o.start_year < 1816 || o.start_year > o.end_year))) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "years must satisfy 1816 <= start <= end <= 2022 (got %d..%d)",
                       o.start_year, o.end_year);
        return NULL;
    }
    if (o.lag < 0 || o.lag > 20 || o.transition_window < 1 || o.transition_window > 50 ||
        !(o.regime_cut > 0) || !(o.receiving_threshold >= 0)) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "bad option: lag 0..20, transition window 1..50, regime cut > 0, "
                       "receiving threshold >= 0");
        return NULL;
    }
    for (size_t k = 0; k < nt; k++) {
        const rd_treaty *tr = &d->tr[treaties[k]];
        if (treaties[k] >= d->ntr) {
            rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "treaty index out of range");
            return NULL;
        }
        if (o.end_year > 2015 && !tr->info.has_2022) {
            rhaz_error_set(err, RHAZ_EINVAL, tr->info.file, 0,
                           "treaty '%s' has no records after 14 March 2015 (no 2022 "
                           "status file): use an end year of 2015 or earlier",
                           tr->info.key);
            if (err)
                snprintf(err->what, sizeof err->what, "%s", tr->info.key);
            core_error_option(err, "end_year");
            return NULL;
        }
    }

    rhaz_table *out = NULL;
    rows R = {0};
    int *ord = NULL, *ey = NULL, *oecd_year = NULL, *core_cy = NULL, *reg = NULL;
    int *sys_cnt = NULL, *party_cnt = NULL;
    double *num = NULL, *tattr = NULL;
    const char **str = NULL, **tnov = NULL;
    size_t ns = d->nstates, core_idx[NCORE7];
    const char *regnames[256];
    int nreg = 0;

    ord = malloc(ns * sizeof *ord);
    ey = malloc(ns * nt * sizeof *ey);
    oecd_year = malloc(ns * sizeof *oecd_year);
    core_cy = calloc(ns * NCORE7, sizeof *core_cy);
    reg = malloc(ns * sizeof *reg);
    if (!ord || !ey || !oecd_year || !core_cy || !reg)
        goto nomem;
    for (size_t s = 0; s < ns; s++)
        ord[s] = (int)s;
    for (size_t a = 1; a < ns; a++) /* insertion sort by COW code (~250 states) */
        for (size_t b = a; b > 0 && d->states[ord[b - 1]].cown > d->states[ord[b]].cown; b--) {
            int tmp = ord[b];
            ord[b] = ord[b - 1];
            ord[b - 1] = tmp;
        }

    /* regions of the chosen scheme */
    for (size_t s = 0; s < ns; s++) {
        const char *r = d->states[s].region[o.region];
        reg[s] = -1;
        if (!r)
            continue;
        for (int i = 0; i < nreg; i++)
            if (!strcmp(regnames[i], r))
                reg[s] = i;
        if (reg[s] < 0 && nreg < 256) {
            regnames[nreg] = r;
            reg[s] = nreg++;
        }
    }
    /* consent years for the core treaties (prior_ratifications) */
    for (int c = 0; c < NCORE7; c++) {
        size_t ti = (size_t)-1;
        strmap_get(&d->tr_key, core7[c], &ti);
        core_idx[c] = ti;
        if (ti == (size_t)-1)
            continue;
        for (size_t s = 0; s < ns; s++) {
            int cyr;
            event_year(d, &d->tr[ti], &d->states[s], &o, &cyr, NULL, NULL);
            core_cy[s * NCORE7 + c] = cyr;
        }
    }

    /* pass 1: event years and row count */
    size_t nrow = 0;
    for (size_t k = 0; k < nt; k++) {
        const rd_treaty *tr = &d->tr[treaties[k]];
        int y0 = tr->info.opened.year, y1 = o.end_year;
        if (o.start_year > y0)
            y0 = o.start_year;
        for (size_t s = 0; s < ns; s++) {
            const rd_state *x = &d->states[s];
            int consent_year, indep;
            rd_status rs;
            int e = event_year(d, tr, x, &o, &consent_year, &rs, &indep);
            ey[k * ns + s] = e;
            st.predecessor += rs.how == RD_HOW_FILE;
            st.by_date += rs.how == RD_HOW_DATE;
            st.inherited += rs.how == RD_HOW_INHERIT;
            st.succession_party += indep;
            int first = 0, got_event = 0, lasty = 0;
            for (int y = y0; y <= y1; y++) {
                if (!d->in_sys[RD_CELL(x->cown, y)])
                    continue;
                if (!rd_eligible(tr, x->cown, y, o.eligible)) {
                    st.not_eligible += !(e && e < y);
                    continue;
                }
                if (!first) {
                    first = y;
                    if (e && e < y) {
                        st.already_party++;
                        break;
                    }
                }
                if (e && y > e)
                    break;
                nrow++;
                lasty = y;
                if (e == y)
                    got_event = 1;
            }
            if (lasty && !got_event && lasty < y1 && !rs.consent.year && !rs.signature.year)
                st.exit_no_record++;
            if (e && !got_event && first && e >= first) {
                if (e > y1)
                    st.after_end++;
                else if (!rd_inherited_by(d, tr, x->cown))
                    st.after_exit++; /* else the unified state's event (the FRG's
                                        CAT ratification of 1 Oct 1990) */
            }
        }
        for (size_t j = 0; j < tr->np; j++)
            st.not_state += tr->p[j].kind != RHAZ_ENTITY_STATE;
    }
    if (nrow > (size_t)INT32_MAX) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "panel too large (%zu rows)", nrow);
        goto fail;
    }
    R.state = malloc((nrow ? nrow : 1) * sizeof *R.state);
    R.treaty = malloc((nrow ? nrow : 1) * sizeof *R.treaty);
    R.year = malloc((nrow ? nrow : 1) * sizeof *R.year);
    R.dur = malloc((nrow ? nrow : 1) * sizeof *R.dur);
    R.event = malloc(nrow ? nrow : 1);
    num = malloc((nrow ? nrow : 1) * sizeof *num);
    str = malloc((nrow ? nrow : 1) * sizeof *str);
    if (!R.state || !R.treaty || !R.year || !R.dur || !R.event || !num || !str)
        goto nomem;

    /* pass 2: row keys */
    for (size_t k = 0; k < nt; k++) {
        const rd_treaty *tr = &d->tr[treaties[k]];
        int y0 = tr->info.opened.year, y1 = o.end_year;
        if (o.start_year > y0)
            y0 = o.start_year;
        for (size_t si = 0; si < ns; si++) {
            int s = ord[si];
            const rd_state *x = &d->states[s];
            int e = ey[k * ns + (size_t)s], first = 0, dur = 0;
            /* years at risk before a --start window (duration is not
             * reset by the window) */
            for (int y = tr->info.opened.year; y < y0; y++)
                dur += d->in_sys[RD_CELL(x->cown, y)] && rd_eligible(tr, x->cown, y, o.eligible) &&
                       !(e && e < y);
            for (int y = y0; y <= y1; y++) {
                if (!d->in_sys[RD_CELL(x->cown, y)] || !rd_eligible(tr, x->cown, y, o.eligible))
                    continue;
                if (!first) {
                    first = y;
                    if (e && e < y)
                        break;
                }
                if (e && y > e)
                    break;
                R.state[R.n] = s;
                R.treaty[R.n] = (int32_t)k;
                R.year[R.n] = (int16_t)y;
                R.dur[R.n] = (int16_t)++dur;
                R.event[R.n] = (unsigned char)(e == y);
                st.events += e == y;
                R.n++;
            }
        }
    }
    st.rows = R.n;
    {
        unsigned char *seen = calloc(ns, 1);
        if (!seen)
            goto nomem;
        for (size_t i = 0; i < R.n; i++)
            if (!seen[R.state[i]]) {
                seen[R.state[i]] = 1;
                st.states++;
            }
        free(seen);
    }

    /* regional counts, per treaty: members in the system (and able to
     * deposit) at the end of year y, and those of them that had the event
     * by then */
    sys_cnt = calloc((size_t)(nreg ? nreg : 1) * RD_NY * nt, sizeof *sys_cnt);
    party_cnt = calloc((size_t)(nreg ? nreg : 1) * RD_NY * nt, sizeof *party_cnt);
    if (!sys_cnt || !party_cnt)
        goto nomem;
    for (size_t s = 0; s < ns; s++) {
        if (reg[s] < 0)
            continue;
        int cown = d->states[s].cown;
        for (int y = RD_Y0; y < RD_Y0 + RD_NY; y++)
            if (d->in_sys[RD_CELL(cown, y)])
                for (size_t k = 0; k < nt; k++) {
                    if (!rd_eligible(&d->tr[treaties[k]], cown, y, o.eligible))
                        continue;
                    size_t c = (k * (size_t)nreg + (size_t)reg[s]) * RD_NY + (size_t)(y - RD_Y0);
                    int e = ey[k * ns + s];
                    sys_cnt[c]++;
                    if (e && e <= y)
                        party_cnt[c]++;
                }
    }

    out = rhaz_table_new("panel", err);
    if (!out)
        goto fail;
#define ADD_NUM(name)                                                          \
    do {                                                                       \
        if (rhaz_table_add_numeric(out, name, num, R.n, err))                  \
            goto fail;                                                         \
    } while (0)
#define ADD_STR(name)                                                          \
    do {                                                                       \
        if (rhaz_table_add_string(out, name, str, R.n, err))                   \
            goto fail;                                                         \
    } while (0)

    size_t i;
    for (i = 0; i < R.n; i++) {
        const char *s = d->states[R.state[i]].iso3c;
        str[i] = *s ? s : NULL;
        st.missing[M_ISO3] += !*s;
    }
    ADD_STR("iso3c");
    for (i = 0; i < R.n; i++)
        num[i] = d->states[R.state[i]].cown;
    ADD_NUM("cown");
    for (i = 0; i < R.n; i++)
        str[i] = d->states[R.state[i]].name;
    ADD_STR("country");
    for (i = 0; i < R.n; i++)
        str[i] = d->tr[treaties[R.treaty[i]]].info.key;
    ADD_STR("treaty");
    for (i = 0; i < R.n; i++)
        num[i] = R.year[i];
    ADD_NUM("year");
    for (i = 0; i < R.n; i++)
        num[i] = R.year[i] - d->tr[treaties[R.treaty[i]]].info.opened.year;
    ADD_NUM("start");
    for (i = 0; i < R.n; i++)
        num[i] = R.year[i] - d->tr[treaties[R.treaty[i]]].info.opened.year + 1;
    ADD_NUM("stop");
    for (i = 0; i < R.n; i++)
        num[i] = R.event[i];
    ADD_NUM("event");

    /* covariates, lagged */
    int L = o.lag;
    static const int demgrid[] = {G_POLITY2, G_VDEM, G_FH, G_BMR, G_LIED};
    for (i = 0; i < R.n; i++) {
        num[i] = grid_at(d, demgrid[o.democracy], d->states[R.state[i]].cown, R.year[i] - L);
        st.missing[M_DEM] += isnan(num[i]);
    }
    ADD_NUM("democracy");
    /* the sources named: democracy_SRC */
    for (int src = 0; src < NDEM; src++) {
        if (src != (int)o.democracy && !(o.democracy_columns & (1u << src)))
            continue;
        for (i = 0; i < R.n; i++)
            num[i] = grid_at(d, demgrid[src], d->states[R.state[i]].cown, R.year[i] - L);
        char cname[32];
        snprintf(cname, sizeof cname, "democracy_%s", dem_names[src]);
        ADD_NUM(cname);
    }
    static const char *const regime_names[] = {"autocracy", "anocracy", "democracy"};
    for (i = 0; i < R.n; i++) {
        int c = regime_cat(grid_at(d, G_POLITY2, d->states[R.state[i]].cown, R.year[i] - L),
                           o.regime_cut);
        str[i] = c < 0 ? NULL : regime_names[c];
        st.missing[M_REGIME] += c < 0;
    }
    ADD_STR("regime");
    for (i = 0; i < R.n; i++) {
        int cown = d->states[R.state[i]].cown, y = R.year[i] - L;
        int c = regime_cat(grid_at(d, G_POLITY2, cown, y), o.regime_cut);
        if (c < 0) {
            num[i] = NAN;
            st.missing[M_TRANS]++;
            continue;
        }
        num[i] = 0;
        for (int z = y; z > y - o.transition_window; z--) {
            int a = regime_cat(grid_at(d, G_POLITY2, cown, z), o.regime_cut);
            int b = regime_cat(grid_at(d, G_POLITY2, cown, z - 1), o.regime_cut);
            if (a >= 0 && b >= 0 && a != b) {
                num[i] = 1;
                break;
            }
        }
    }
    ADD_NUM("transition");
    for (i = 0; i < R.n; i++) {
        double g = grid_at(d, G_GWF, d->states[R.state[i]].cown, R.year[i] - L);
        str[i] = isnan(g) ? NULL : d->gwf_names[(size_t)g];
        st.missing[M_GWF] += isnan(g);
    }
    ADD_STR("gwf_regime");
    for (i = 0; i < R.n; i++) {
        num[i] = grid_at(d, G_MIG, d->states[R.state[i]].cown, R.year[i] - L);
        st.missing[M_MIG] += isnan(num[i]);
    }
    ADD_NUM("migrant_share");
    for (i = 0; i < R.n; i++) {
        double m = grid_at(d, G_MIG, d->states[R.state[i]].cown, R.year[i] - L);
        num[i] = isnan(m) ? NAN : (m >= o.receiving_threshold);
        st.missing[M_REC] += isnan(m);
    }
    ADD_NUM("migrant_receiving");
    for (i = 0; i < R.n; i++) {
        num[i] = grid_at(d, G_NMIG, d->states[R.state[i]].cown, R.year[i] - L);
        st.missing[M_NMIG] += isnan(num[i]);
    }
    ADD_NUM("net_migration");
    for (size_t s = 0; s < ns; s++)
        oecd_year[s] = rhaz_data_oecd_year(d, d->states[s].iso3c);
    for (i = 0; i < R.n; i++)
        num[i] = oecd_year[R.state[i]] && oecd_year[R.state[i]] <= R.year[i];
    ADD_NUM("oecd");
    for (i = 0; i < R.n; i++) {
        int r = reg[R.state[i]];
        str[i] = r < 0 ? NULL : regnames[r];
        st.missing[M_REGION] += r < 0;
    }
    ADD_STR("region");
    /* density: other states of the region in the system at the end of
     * the previous year, share with the event by then */
    for (i = 0; i < R.n; i++) {
        size_t s = (size_t)R.state[i], k = (size_t)R.treaty[i];
        int r = reg[s], y = R.year[i] - 1;
        num[i] = NAN;
        if (r >= 0 && y >= RD_Y0) {
            size_t c = (k * (size_t)nreg + (size_t)r) * RD_NY + (size_t)(y - RD_Y0);
            int cown = d->states[s].cown;
            int self_sys = d->in_sys[RD_CELL(cown, y)] &&
                           rd_eligible(&d->tr[treaties[k]], cown, y, o.eligible);
            int e = ey[k * ns + s];
            int self_party = self_sys && e && e <= y;
            int den = sys_cnt[c] - self_sys;
            int nom = party_cnt[c] - self_party;
            if (den > 0)
                num[i] = (double)nom / den;
        }
        st.missing[M_DENS] += isnan(num[i]);
    }
    ADD_NUM("region_density");
    for (i = 0; i < R.n; i++) {
        size_t s = (size_t)R.state[i];
        size_t ti = treaties[R.treaty[i]];
        int cnt = 0;
        for (int c = 0; c < NCORE7; c++) {
            int yy = core_cy[s * NCORE7 + c];
            if (core_idx[c] != ti && yy && yy <= R.year[i] - 1)
                cnt++;
        }
        num[i] = cnt;
    }
    ADD_NUM("prior_ratifications");
    /* treaty level: looked up once per treaty */
    tattr = malloc(nt * 5 * sizeof *tattr);
    tnov = malloc(nt * sizeof *tnov);
    if (!tattr || !tnov)
        goto nomem;
    static const char *const tcols[] = {"articles", "parts", "group_definition",
                                        "rights_differentiated", "campaign_start"};
    for (size_t k = 0; k < nt; k++) {
        for (int c = 0; c < 5; c++)
            tattr[k * 5 + (size_t)c] = attr_num(d, &d->tr[treaties[k]], tcols[c]);
        tnov[k] = attr_str(d, &d->tr[treaties[k]], "novelty");
    }
    for (int c = 0; c < 4; c++) {
        if (c == 2) {
            for (i = 0; i < R.n; i++) {
                str[i] = tnov[R.treaty[i]];
                st.missing[M_NOVELTY] += !str[i];
            }
            ADD_STR("novelty");
        }
        for (i = 0; i < R.n; i++) {
            num[i] = tattr[(size_t)R.treaty[i] * 5 + (size_t)c];
            if (c == 0)
                st.missing[M_TATTR] += isnan(num[i]);
        }
        ADD_NUM(tcols[c]);
    }
    for (i = 0; i < R.n; i++) {
        const rd_treaty *tr = &d->tr[treaties[R.treaty[i]]];
        double cs = tattr[(size_t)R.treaty[i] * 5 + 4];
        num[i] = tr->attr_row < 0 ? NAN : (!isnan(cs) && R.year[i] >= cs);
    }
    ADD_NUM("campaign");
    for (i = 0; i < R.n; i++)
        num[i] = R.dur[i];
    ADD_NUM("duration");
    /* exposure: share of the calendar year the records observe.  The 2015
     * records were scraped on 14 Mar 2015 (73 of 365 days); for the
     * treaties of the 2022 status files, which give the year of every
     * consent, 2015..2021 are whole years; the day of the August 2022
     * files is not known, so 2022 is NA (documented in docs/data.md). */
    for (i = 0; i < R.n; i++) {
        const rd_treaty *tr = &d->tr[treaties[R.treaty[i]]];
        int y = R.year[i];
        num[i] = y < 2015 ? 1.0 : y == 2022 ? NAN : tr->info.has_2022 ? 1.0 : 73.0 / 365.0;
    }
    ADD_NUM("exposure");
#undef ADD_NUM
#undef ADD_STR

    clock_gettime(CLOCK_MONOTONIC, &t1);
    st.seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (stats)
        *stats = st;
    goto cleanup;
nomem:
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the panel");
fail:
    rhaz_table_free(out);
    out = NULL;
cleanup:
    free(ord);
    free(ey);
    free(oecd_year);
    free(core_cy);
    free(reg);
    free(sys_cnt);
    free(party_cnt);
    free(num);
    free(str);
    free(tattr);
    free(tnov);
    free(R.state);
    free(R.treaty);
    free(R.year);
    free(R.dur);
    free(R.event);
    return out;
}

void rhaz_panel_stats_write(const rhaz_panel_stats *s, FILE *fp)
{
    /* no build time here: the report is part of reproducible outputs
     * (rhaz run writes it to panel-report.txt); s->seconds has it */
    fprintf(fp, "panel: %zu rows, %zu events, %zu states, %zu treaties\n",
            s->rows, s->events, s->states, s->treaties);
    fprintf(fp, "state-treaty pairs without rows (consent before entering the risk set): %zu\n",
            s->already_party);
    fprintf(fp, "events not in the panel: %zu after the end year (censored), %zu while outside the "
                "state system\n", s->after_end, s->after_exit);
    fprintf(fp, "participants that are not COW states (no rows): %zu\n", s->not_state);
    fprintf(fp, "state-treaty pairs censored on leaving the system without any act on the "
                "treaty: %zu\n",
            s->exit_no_record);
    fprintf(fp, "state-years in the system not at risk (the state could not deposit with the "
                "UN Secretary-General; --eligible all keeps them): %zu\n",
            s->not_eligible);
    fprintf(fp, "acts assigned other than by ISO3 code: %zu from predecessor-acts.csv, %zu by "
                "date under a shared code, %zu inherited by a unified state\n",
            s->predecessor, s->by_date, s->inherited);
    if (s->succession_party)
        fprintf(fp, "state-treaty pairs counted party from independence (--successions "
                    "independence): %zu\n",
                s->succession_party);
    fprintf(fp, "2015/2022 disagreements (all treaties, see the source report): %zu\n",
            s->disagree_2022);
    fprintf(fp, "missing covariates (rows kept, cells empty):\n");
    for (int i = 0; i < RHAZ_PANEL_NMISS; i++)
        fprintf(fp, "  %-22s %zu\n", s->miss_name[i], s->missing[i]);
}
