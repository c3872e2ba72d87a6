/* test_country.c -- country identity of own files: rhaz match, covariate
 * files merged onto panels (CSV and .dta give the same panel), the
 * bundled ratification_rules and leaders sets (leaders against R:
 * tests/reference/leaders_ref.R), and the accounting. */
#include "harness.h"
#include "rhaz.h"

#include <readstat.h>

static rhaz_data *D;

/* ---------- matching ---------- */

static void test_hard_names(void)
{
    T_SECTION("hard names");
    static const struct {
        const char *name;
        int year;
        const char *iso3c;
        int cown;
    } cases[] = {
        {"Korea, Rep.", 2000, "KOR", 732},
        {"Korea, Dem. People's Rep.", 2000, "PRK", 731},
        {"Republic of Korea", 2000, "KOR", 732},
        {"Democratic People's Republic of Korea", 2000, "PRK", 731},
        {"Congo, Dem. Rep.", 2000, "COD", 490},
        {"Congo, Rep.", 2000, "COG", 484},
        {"Democratic Republic of the Congo", 2000, "COD", 490},
        {"Congo", 2000, "COG", 484},
        {"Niger", 2000, "NER", 436},
        {"Nigeria", 2000, "NGA", 475},
        {"Dominica", 2000, "DMA", 54},
        {"Dominican Republic", 2000, "DOM", 42},
        {"Guinea", 2000, "GIN", 438},
        {"Guinea-Bissau", 2000, "GNB", 404},
        {"Equatorial Guinea", 2000, "GNQ", 411},
        {"Papua New Guinea", 2000, "PNG", 910},
        {"Sudan", 2015, "SDN", 625},
        {"South Sudan", 2015, "SSD", 626},
        {"Czechia", 2015, "CZE", 316},
        {"Czech Republic", 2015, "CZE", 316},
        {"North Macedonia", 2019, "MKD", 343},
        {"Eswatini", 2019, "SWZ", 572},
        {"Swaziland", 2010, "SWZ", 572},
        {"Türkiye", 2022, "TUR", 640},
        {"Turkiye", 2022, "TUR", 640},
        {"Cote d'Ivoire", 2000, "CIV", 437},
        {"Lao PDR", 2000, "LAO", 812},
        {"Yemen, Rep.", 2000, "YEM", 679},
        {"Yemen", 1985, "YEM", 678}, /* Yemen Arab Republic until 1990 */
        {"Germany", 1980, "DEU", 260}, /* German Federal Republic */
        {"Germany", 1995, "DEU", 255},
        {"Serbia", 2010, "SRB", 345},
        {"Egypt, Arab Rep.", 2000, "EGY", 651},
        {"Iran, Islamic Rep.", 2000, "IRN", 630},
        {"Venezuela, RB", 2000, "VEN", 101},
        {"Gambia, The", 2000, "GMB", 420},
        {"Kyrgyz Republic", 2000, "KGZ", 703},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        rhaz_country c;
        rhaz_match_how how = rhaz_country_match(D, RHAZ_KEY_NAME, cases[k].name,
                                                cases[k].year, &c);
        T_CHECK(how == RHAZ_MATCH_EXACT || how == RHAZ_MATCH_REGEX, "%s matched",
                cases[k].name);
        T_EQ_STR(c.iso3c, cases[k].iso3c, cases[k].name);
        T_EQ_INT(c.cown, cases[k].cown, cases[k].name);
    }
    rhaz_country c;
    T_EQ_INT(rhaz_country_match(D, RHAZ_KEY_NAME, "Sub-Saharan Africa", 2000, &c),
             RHAZ_MATCH_AGGREGATE, "Sub-Saharan Africa is an aggregate, not South Africa");
    T_EQ_INT(rhaz_country_match(D, RHAZ_KEY_NAME, "World", 0, &c), RHAZ_MATCH_AGGREGATE,
             "World");
    T_EQ_INT(rhaz_country_match(D, RHAZ_KEY_NAME, "High income", 0, &c),
             RHAZ_MATCH_AGGREGATE, "High income");
    T_EQ_INT(rhaz_country_match(D, RHAZ_KEY_NAME, "Freedonia", 0, &c), RHAZ_MATCH_NONE,
             "Freedonia");
    T_EQ_INT(rhaz_country_match(D, RHAZ_KEY_NAME, "Egypt, Arab Rep.", 0, &c),
             RHAZ_MATCH_REGEX, "a WDI name matches by regex only");
    /* codes */
    T_EQ_INT(rhaz_country_match(D, RHAZ_KEY_ISO3C, "deu", 1985, &c), RHAZ_MATCH_EXACT, "deu");
    T_EQ_INT(c.cown, 260, "DEU 1985 is COW 260");
    rhaz_country_match(D, RHAZ_KEY_GWCODE, "260", 1995, &c);
    T_EQ_INT(c.cown, 255, "GW 260 in 1995 is COW 255");
    rhaz_country_match(D, RHAZ_KEY_ISO2C, "kr", 0, &c);
    T_EQ_INT(c.cown, 732, "ISO2 KR");
    rhaz_country_match(D, RHAZ_KEY_M49, "410", 0, &c);
    T_EQ_STR(c.iso3c, "KOR", "M49 410");
    rhaz_country_match(D, RHAZ_KEY_COWN, "265", 1980, &c);
    T_EQ_STR(c.iso3c, "DDR", "COW 265");
    T_EQ_INT(rhaz_country_match(D, RHAZ_KEY_COWN, "999", 0, &c), RHAZ_MATCH_NONE,
             "COW 999");
    T_EQ_INT(rhaz_key_of_column("Country Name"), RHAZ_KEY_NAME, "Country Name");
    T_EQ_INT(rhaz_key_of_column("ccode"), RHAZ_KEY_COWN, "ccode");
    T_EQ_INT(rhaz_key_of_column("GWNO"), RHAZ_KEY_GWCODE, "GWNO");
    T_EQ_INT(rhaz_key_of_column("gdp"), RHAZ_KEY_NONE, "gdp");
}

static void write_file(const char *path, const char *s)
{
    FILE *fp = fopen(path, "wb");
    fputs(s, fp);
    fclose(fp);
}

static void test_match_cli(void)
{
    T_SECTION("rhaz match");
    const char *in = t_tmp("names.csv"), *out = t_tmp("names-out.csv");
    write_file(in, "nation,yr\n\"Korea, Rep.\",2000\nNiger,2000\nNigeria,2000\n"
                   "Dominica,2000\nGermany,1980\nGermany,1995\nWorld,2000\n"
                   "Freedonia,2000\n");
    char cmd[1024], *o = NULL, *e = NULL;
    remove(out);
    snprintf(cmd, sizeof cmd, "match %s --column nation --year yr --to iso3c,cown,gwcode "
                              "--out %s", in, out);
    T_EQ_INT(t_run(cmd, &o, &e), 0, "match exit");
    char *r = t_slurp(out);
    T_CHECK(r && strstr(r, "nation,yr,iso3c,cown,gwcode\n") &&
                strstr(r, "\"Korea, Rep.\",2000,KOR,732,732\n") &&
                strstr(r, "Niger,2000,NER,436,436\n") &&
                strstr(r, "Nigeria,2000,NGA,475,475\n") &&
                strstr(r, "Germany,1980,DEU,260,260\n") &&
                strstr(r, "Germany,1995,DEU,255,260\n") && strstr(r, "World,2000,,,\n") &&
                strstr(r, "Freedonia,2000,,,\n"),
            "codes added: %s", r ? r : "");
    T_CHECK(e && strstr(e, "unmatched name: Freedonia") &&
                strstr(e, "aggregate (region or income group): World"),
            "stderr lists unmatched and aggregates: %s", e ? e : "");
    free(r);
    free(o);
    free(e);
    remove(out);
    snprintf(cmd, sizeof cmd, "match %s --column nation --strict --out %s", in, out);
    T_EQ_INT(t_run(cmd, &o, &e), 1, "--strict exit 1");
    T_CHECK(e && t_count_lines(e) == 1 && strstr(e, ":9: unmatched name 'Freedonia'"),
            "--strict names file and line: %s", e ? e : "");
    T_CHECK(access(out, F_OK) != 0, "no output file");
    free(o);
    free(e);
    snprintf(cmd, sizeof cmd, "match %s --column nation --to iso3c,nation", in);
    T_EQ_INT(t_run(cmd, &o, &e), 2, "bad --to exit 2");
    free(o);
    free(e);
    remove(in);

    /* the reading options: a ';' file with a declared missing code */
    write_file(in, "nation;yr;gdp\nNiger;2000;1,5\nNigeria;2000;..\n");
    snprintf(cmd, sizeof cmd, "match %s --column nation --to iso3c", in);
    T_EQ_INT(t_run(cmd, &o, &e), 1, "';' file read with ','");
    T_CHECK(e && strstr(e, ":2: ragged row") && strstr(e, "delimiter ';'") && strstr(e, "--delim"),
            "the delimiter is named: %s", e ? e : "");
    free(o);
    free(e);
    snprintf(cmd, sizeof cmd, "match %s --column nation --to iso3c --decimal , --na ..", in);
    T_EQ_INT(t_run(cmd, &o, &e), 0, "--decimal , --na ..");
    T_CHECK(o && strstr(o, "nation,yr,gdp,iso3c\nNiger,2000,1.5,NER\nNigeria,2000,,NGA\n"),
            "read as numbers with the token missing: %s", o ? o : "");
    free(o);
    free(e);
    snprintf(cmd, sizeof cmd, "match %s --column nation --decimal , --text gdp,nosuch", in);
    T_EQ_INT(t_run(cmd, &o, &e), 1, "--text column not in the file");
    T_CHECK(e && strstr(e, ":1: --text: no column 'nosuch'"), "named: %s", e ? e : "");
    free(o);
    free(e);
    remove(in);
}

/* ---------- covariates ---------- */

/* A WB-style country-year file: names as the World Bank writes them
 * (most not in the crosswalk: regex matches), aggregates, one unknown
 * name; gdp = 1000 * k + (year - 1990), legal text.  Years 1990-1999. */
static const struct {
    const char *name, *iso3c; /* iso3c "" : must not match */
} wb[] = {
    {"Egypt, Arab Rep.", "EGY"},   {"Iran, Islamic Rep.", "IRN"},
    {"Venezuela, RB", "VEN"},      {"Gambia, The", "GMB"},
    {"Kyrgyz Republic", "KGZ"},    {"Slovak Republic", "SVK"},
    {"Lao PDR", "LAO"},            {"Korea, Rep.", "KOR"},
    {"Mexico", "MEX"},             {"Bahamas, The", "BHS"},
    {"Sub-Saharan Africa", ""},    {"World", ""},
    {"Freedonia", ""},
};
#define NWB (sizeof wb / sizeof wb[0])

static void write_wb_csv(const char *path)
{
    FILE *fp = fopen(path, "w");
    fputs("Country Name,year,gdp,legal\n", fp);
    for (size_t k = 0; k < NWB; k++)
        for (int y = 1990; y < 2000; y++)
            fprintf(fp, "\"%s\",%d,%zu,%s\n", wb[k].name, y, 1000 * k + (size_t)(y - 1990),
                    k % 2 ? "common" : "civil");
    fclose(fp);
}

typedef struct {
    unsigned char *b;
    size_t n, cap;
} membuf;

static ssize_t mem_write(const void *data, size_t len, void *ctx)
{
    membuf *m = ctx;
    if (m->n + len > m->cap) {
        size_t nc = m->cap ? 2 * m->cap : 4096;
        while (nc < m->n + len)
            nc *= 2;
        m->b = realloc(m->b, nc);
        m->cap = nc;
    }
    memcpy(m->b + m->n, data, len);
    m->n += len;
    return (ssize_t)len;
}

static void write_wb_dta(const char *path)
{
    membuf m = {0};
    readstat_writer_t *w = readstat_writer_init();
    readstat_set_data_writer(w, mem_write);
    readstat_label_set_t *ls = readstat_add_label_set(w, READSTAT_TYPE_INT32, "legal");
    readstat_label_int32_value(ls, 1, "civil");
    readstat_label_int32_value(ls, 2, "common");
    readstat_variable_t *vn = readstat_add_variable(w, "country_name", READSTAT_TYPE_STRING, 40);
    readstat_variable_t *vy = readstat_add_variable(w, "year", READSTAT_TYPE_INT32, 0);
    readstat_variable_t *vg = readstat_add_variable(w, "gdp", READSTAT_TYPE_DOUBLE, 0);
    readstat_variable_t *vl = readstat_add_variable(w, "legal", READSTAT_TYPE_INT32, 0);
    readstat_variable_set_label_set(vl, ls);
    readstat_writer_set_file_format_version(w, 118);
    readstat_begin_writing_dta(w, &m, (long)(NWB * 10));
    for (size_t k = 0; k < NWB; k++)
        for (int y = 1990; y < 2000; y++) {
            readstat_begin_row(w);
            readstat_insert_string_value(w, vn, wb[k].name);
            readstat_insert_int32_value(w, vy, y);
            readstat_insert_double_value(w, vg, (double)(1000 * k + (size_t)(y - 1990)));
            readstat_insert_int32_value(w, vl, k % 2 ? 2 : 1);
            readstat_end_row(w);
        }
    readstat_end_writing(w);
    readstat_writer_free(w);
    FILE *fp = fopen(path, "wb");
    fwrite(m.b, 1, m.n, fp);
    fclose(fp);
    free(m.b);
}

static rhaz_table *icmw_panel(void)
{
    rhaz_error err;
    size_t *tr = NULL, nt = 0;
    rhaz_panel_options o;
    rhaz_panel_options_init(&o);
    rhaz_table *p = NULL;
    if (rhaz_data_select(D, "icmw", &tr, &nt, &err) == RHAZ_OK)
        p = rhaz_panel_build(D, tr, nt, &o, NULL, &err);
    free(tr);
    T_CHECK(p != NULL, "ICMW panel: %s", err.msg);
    return p;
}

static char *table_text(const rhaz_table *t)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    rhaz_error err;
    rhaz_table_write_fp(t, fp, &err);
    fclose(fp);
    return buf;
}

static void test_merge(void)
{
    T_SECTION("WB-style names onto the ICMW panel");
    const char *csv = t_tmp("wb.csv"), *dta = t_tmp("wb.dta");
    write_wb_csv(csv);
    write_wb_dta(dta);
    rhaz_error err;
    rhaz_table *p = icmw_panel(), *q = icmw_panel();
    if (!p || !q)
        return;
    rhaz_match_log *log = rhaz_match_log_alloc(), *log2 = rhaz_match_log_alloc();
    rhaz_covariate_spec s = {.path = csv};
    T_CHECK(rhaz_panel_add_covariates(D, p, &s, 1, log, &err) == RHAZ_OK, "merge csv: %s",
            err.msg);
    rhaz_covariate_spec s2 = {.path = dta};
    T_CHECK(rhaz_panel_add_covariates(D, q, &s2, 1, log2, &err) == RHAZ_OK, "merge dta: %s",
            err.msg);
    long ji = rhaz_table_find(p, "iso3c"), jy = rhaz_table_find(p, "year"),
         jg = rhaz_table_find(p, "gdp"), jl = rhaz_table_find(p, "legal");
    T_CHECK(jg >= 0 && jl >= 0, "gdp and legal merged");
    T_CHECK(rhaz_table_find(p, "Country Name") < 0, "the key is not merged");
    if (jg < 0 || jl < 0)
        goto done;
    const double *g = rhaz_table_num(p, (size_t)jg), *yr = rhaz_table_num(p, (size_t)jy);
    size_t with = 0, bad = 0, expected = 0;
    for (size_t i = 0; i < rhaz_table_nrow(p); i++) {
        const char *iso = rhaz_table_str(p, (size_t)ji, i);
        int y = (int)yr[i] - 1; /* lag 1 */
        double want = NAN;
        for (size_t k = 0; k < NWB; k++)
            if (*wb[k].iso3c && iso && strcmp(iso, wb[k].iso3c) == 0 && y >= 1990 && y < 2000)
                want = (double)(1000 * k + (size_t)(y - 1990));
        expected += !isnan(want);
        with += !isnan(g[i]);
        if (!(isnan(want) ? isnan(g[i]) : g[i] == want)) {
            if (!bad++)
                T_CHECK(0, "row %zu (%s %d): gdp %g, want %g", i, iso ? iso : "", (int)yr[i],
                        g[i], want);
        }
    }
    T_CHECK(bad == 0, "%zu panel rows with a wrong or missing value", bad);
    T_CHECK(expected > 50 && with == expected, "every matchable state-year carries its "
                                               "value (%zu of %zu)", with, expected);
    T_EQ_INT(rhaz_match_log_count(log, RHAZ_NOTE_UNMATCHED), 10, "Freedonia x 10 unmatched");
    T_EQ_INT(rhaz_match_log_count(log, RHAZ_NOTE_AGGREGATE), 20, "two aggregates x 10 dropped");
    T_CHECK(rhaz_match_log_count(log, RHAZ_NOTE_REGEX) >= 50, "regex-only names reported");
    char *a = table_text(p), *b = table_text(q);
    T_CHECK(a && b && strcmp(a, b) == 0, "the .dta gives the identical panel");
    free(a);
    free(b);
    /* report text names the unmatched name, with its line */
    char *rep = NULL;
    size_t rn = 0;
    FILE *fp = open_memstream(&rep, &rn);
    rhaz_match_log_write(log, fp);
    fclose(fp);
    T_CHECK(rep && strstr(rep, "unmatched name: Freedonia (10) [line 122]") &&
                strstr(rep, "matched by regex only: Egypt, Arab Rep. (10) [line 2]") &&
                strstr(rep, "aggregate (region or income group), dropped: World (10)") &&
                strstr(rep, "missing in panel rows: gdp ("),
            "report: %s", rep ? rep : "");
    free(rep);
    /* a second merge of the same file clashes */
    T_CHECK(rhaz_panel_add_covariates(D, p, &s, 1, log, &err) == RHAZ_EDATA &&
                strstr(err.msg, "column 'gdp' clashes with the panel's column 'gdp'"),
            "clash: %s", err.msg);
done:
    rhaz_match_log_free(log);
    rhaz_match_log_free(log2);
    rhaz_table_free(p);
    rhaz_table_free(q);
    remove(csv);
    remove(dta);
}

static void test_time_invariant(void)
{
    T_SECTION("time-invariant ISO3 file");
    const char *f = t_tmp("inv.csv");
    write_file(f, "iso3,origin_score\nDEU,3\nMEX,1.5\nEGY,2\n");
    rhaz_table *p = icmw_panel();
    if (!p)
        return;
    rhaz_error err;
    rhaz_covariate_spec s = {.path = f};
    T_CHECK(rhaz_panel_add_covariates(D, p, &s, 1, NULL, &err) == RHAZ_OK, "merge: %s",
            err.msg);
    long ji = rhaz_table_find(p, "iso3c"), jv = rhaz_table_find(p, "origin_score");
    size_t bad = 0, deu = 0, empty = 0;
    for (size_t i = 0; jv >= 0 && i < rhaz_table_nrow(p); i++) {
        const char *iso = rhaz_table_str(p, (size_t)ji, i);
        double v = rhaz_table_num(p, (size_t)jv)[i];
        double want = !iso ? NAN : !strcmp(iso, "DEU") ? 3 : !strcmp(iso, "MEX") ? 1.5
                                 : !strcmp(iso, "EGY") ? 2 : NAN;
        deu += iso && !strcmp(iso, "DEU");
        empty += isnan(v);
        bad += !(isnan(want) ? isnan(v) : v == want);
    }
    T_CHECK(jv >= 0 && bad == 0 && deu > 0, "constant per country, empty elsewhere (%zu bad)",
            bad);
    T_CHECK(empty > rhaz_table_nrow(p) / 2, "countries the file lacks are empty");
    rhaz_table_free(p);
    /* a named key column of an unknown name: ISO3 codes recognised */
    write_file(f, "code,x\nDEU,3\nMEX,1.5\n");
    p = icmw_panel();
    rhaz_covariate_spec s2 = {.path = f, .key = "code"};
    T_CHECK(p && rhaz_panel_add_covariates(D, p, &s2, 1, NULL, &err) == RHAZ_OK,
            "--covariates-key code: %s", err.msg);
    jv = p ? rhaz_table_find(p, "x") : -1;
    size_t got = 0;
    for (size_t i = 0; jv >= 0 && i < rhaz_table_nrow(p); i++)
        got += rhaz_table_num(p, (size_t)jv)[i] == 3;
    T_CHECK(got > 0, "ISO3 codes in a column named 'code' match (%zu rows)", got);
    rhaz_table_free(p);
    remove(f);
}

static void test_bundled(void)
{
    T_SECTION("ratification_rules and leaders");
    rhaz_error err;
    rhaz_table *p = icmw_panel();
    if (!p)
        return;
    rhaz_covariate_spec s = {.path = "ratification_rules"};
    T_CHECK(rhaz_panel_add_covariates(D, p, &s, 1, NULL, &err) == RHAZ_OK, "rules: %s",
            err.msg);
    long ji = rhaz_table_find(p, "iso3c"), jr = rhaz_table_find(p, "ratification_rules");
    size_t aus = 0, bad = 0;
    for (size_t i = 0; jr >= 0 && i < rhaz_table_nrow(p); i++) {
        const char *iso = rhaz_table_str(p, (size_t)ji, i);
        double v = rhaz_table_num(p, (size_t)jr)[i];
        if (iso && !strcmp(iso, "AUS")) { /* StatID AUS, Rat 1.5 */
            aus++;
            bad += v != 1.5;
        }
        if (iso && !strcmp(iso, "AUT"))
            bad += v != 3;
    }
    T_CHECK(aus > 0 && bad == 0, "AUS 1.5, AUT 3 in every row");
    rhaz_table_free(p);

    /* leaders: a "panel" of every reference state-year */
    const char *ref = "tests/reference/leaders_ref.csv";
    rhaz_table *r = rhaz_table_read(ref, NULL, &err);
    T_CHECK(r != NULL, "%s: %s", ref, err.msg);
    if (!r)
        return;
    size_t n = rhaz_table_nrow(r);
    rhaz_table *q = rhaz_table_new("ref", &err);
    rhaz_table_add_numeric(q, "cown", rhaz_table_num(r, 0), n, &err);
    rhaz_table_add_numeric(q, "year", rhaz_table_num(r, 1), n, &err);
    rhaz_covariate_spec l = {.path = "leaders"};
    rhaz_match_log *log = rhaz_match_log_alloc();
    T_CHECK(rhaz_panel_add_covariates(D, q, &l, 1, log, &err) == RHAZ_OK, "leaders: %s",
            err.msg);
    long jt = rhaz_table_find(q, "leader_tenure"), jl = rhaz_table_find(q, "leader_last_year");
    size_t cmp = 0, diff = 0, notcow = 0;
    for (size_t i = 0; jt >= 0 && jl >= 0 && i < n; i++) {
        int c = (int)rhaz_table_num(r, 0)[i];
        if (!rhaz_data_cown_name(D, c)) { /* codes COW does not have: dropped */
            notcow++;
            continue;
        }
        for (int k = 0; k < 2; k++) {
            double a = rhaz_table_num(q, (size_t)(k ? jl : jt))[i];
            double b = rhaz_table_num(r, (size_t)(2 + k))[i];
            cmp++;
            if (!(a == b || (isnan(a) && isnan(b))) && !diff++)
                T_CHECK(0, "COW %d %g: %s %g, R %g", c, rhaz_table_num(r, 1)[i],
                        k ? "leader_last_year" : "leader_tenure", a, b);
        }
    }
    T_CHECK(cmp > 25000 && diff == 0, "leaders agree with R in %zu of %zu cells", cmp - diff,
            cmp);
    T_CHECK(notcow < n / 20, "few Archigos codes outside COW (%zu rows)", notcow);
    rhaz_match_log_free(log);
    rhaz_table_free(q);
    rhaz_table_free(r);
}

/* ---------- own treaty records ---------- */

static void test_treaty_file(void)
{
    T_SECTION("treaty files");
    rhaz_error err;
    rhaz_data *d = rhaz_data_open(NULL, &err);
    T_CHECK(d != NULL, "data: %s", err.msg);
    if (!d)
        return;
    /* the bundled ICMW status file, brought as the researcher's own */
    rhaz_date opened = {1990, 12, 18};
    T_CHECK(rhaz_data_add_treaty(d, "data/un-2015/4-13.csv", "icmw_own", opened, &err) ==
                RHAZ_OK, "UN layout: %s", err.msg);
    /* a tidy file: four real ICMW acts of that status file, and a name
     * that matches nothing */
    const char *tidy = t_tmp("tf-tidy.csv");
    write_file(tidy, "country,date,kind\nAlbania,2007-06-05,accession\n"
                     "Argentina,2004-08-10,signature\nArgentina,2007-02-23,ratification\n"
                     "Algeria,21 Apr 2005,accession\nFreedonia,2001-01-01,ratification\n");
    size_t un0 = rhaz_data_unmatched(d);
    T_CHECK(rhaz_data_add_treaty(d, tidy, "tidy", opened, &err) == RHAZ_OK, "tidy: %s",
            err.msg);
    T_EQ_INT(rhaz_data_unmatched(d) - un0, 1, "Freedonia counted as unmatched");
    T_CHECK(rhaz_data_add_treaty(d, tidy, "icmw", opened, &err) == RHAZ_EINVAL &&
                !strcmp(err.option, "treaty_key"), "a taken key is refused");
    rhaz_date none = {0, 0, 0};
    T_CHECK(rhaz_data_add_treaty(d, tidy, "tidy2", none, &err) == RHAZ_EINVAL &&
                !strcmp(err.option, "opened"), "no opening date is refused");
    size_t *ia = NULL, *ib = NULL, *ic = NULL, na = 0, nb = 0, nc = 0;
    rhaz_panel_options o;
    rhaz_panel_options_init(&o);
    /* a researcher's file has no depositary rule: every state is eligible;
     * compare with the bundled ICMW under the same rule */
    o.eligible = RHAZ_ELIGIBLE_ALL;
    rhaz_table *a = NULL, *b = NULL, *c = NULL;
    if (!rhaz_data_select(d, "icmw", &ia, &na, &err) &&
        !rhaz_data_select(d, "icmw_own", &ib, &nb, &err) &&
        !rhaz_data_select(d, "tidy", &ic, &nc, &err)) {
        a = rhaz_panel_build(d, ia, na, &o, NULL, &err);
        b = rhaz_panel_build(d, ib, nb, &o, NULL, &err);
        c = rhaz_panel_build(d, ic, nc, &o, NULL, &err);
    }
    T_CHECK(a && b && c, "panels: %s", err.msg);
    if (a && b && c) {
        T_EQ_INT(rhaz_table_nrow(a), rhaz_table_nrow(b), "same rows as the bundled ICMW");
        long ja = rhaz_table_find(a, "event"), ji = rhaz_table_find(a, "iso3c"),
             jy = rhaz_table_find(a, "year");
        size_t diff = 0;
        for (size_t i = 0; i < rhaz_table_nrow(a) && i < rhaz_table_nrow(b); i++) {
            double ea = rhaz_table_num(a, (size_t)ja)[i], eb = rhaz_table_num(b, (size_t)ja)[i];
            const char *iso = rhaz_table_str(a, (size_t)ji, i);
            int y = (int)rhaz_table_num(a, (size_t)jy)[i];
            /* Madagascar's 2015 consent is known only from the 2022 file */
            int mdg = iso && !strcmp(iso, "MDG") && y == 2015;
            if (ea != eb && !mdg)
                diff++;
            if (mdg)
                T_CHECK(ea == 1 && eb == 0, "MDG 2015 from the 2022 file only");
        }
        T_EQ_INT(diff, 0, "same events as the bundled ICMW");
        /* the tidy file's events: ALB 2007, ARG 2007, DZA 2005 */
        size_t ev = 0, ok = 0;
        long ce = rhaz_table_find(c, "event"), ci = rhaz_table_find(c, "iso3c"),
             cy = rhaz_table_find(c, "year");
        for (size_t i = 0; i < rhaz_table_nrow(c); i++)
            if (rhaz_table_num(c, (size_t)ce)[i] == 1) {
                const char *iso = rhaz_table_str(c, (size_t)ci, i);
                int y = (int)rhaz_table_num(c, (size_t)cy)[i];
                ev++;
                ok += (!strcmp(iso, "ALB") && y == 2007) || (!strcmp(iso, "ARG") && y == 2007) ||
                      (!strcmp(iso, "DZA") && y == 2005);
            }
        T_CHECK(ev == 3 && ok == 3, "tidy events ALB 2007, ARG 2007, DZA 2005 (%zu, %zu)",
                ev, ok);
    }
    rhaz_table_free(a);
    rhaz_table_free(b);
    rhaz_table_free(c);
    free(ia);
    free(ib);
    free(ic);
    /* participation counts them too */
    size_t *it = NULL, nt = 0;
    rhaz_date asof = {2010, 1, 1};
    rhaz_table *p = NULL;
    if (!rhaz_data_select(d, "tidy", &it, &nt, &err))
        p = rhaz_data_participation(d, it, nt, asof, &err);
    T_CHECK(p && rhaz_table_num(p, 2)[0] == 3, "3 parties of the tidy treaty in 2010: %s",
            err.msg);
    rhaz_table_free(p);
    free(it);
    rhaz_data_free(d);
    /* the command line: panel and participation */
    char cmd[1024], *so = NULL, *e = NULL;
    const char *out = t_tmp("tf-panel.csv");
    snprintf(cmd, sizeof cmd, "panel --treaty icmw --treaty-file %s --opened 1990-12-18 "
                              "--key mine --out %s", tidy, out);
    T_EQ_INT(t_run(cmd, &so, &e), 0, "panel --treaty-file exit");
    char *csv = t_slurp(out);
    T_CHECK(csv && strstr(csv, ",mine,2007,") && strstr(csv, ",icmw,"),
            "panel holds both treaties");
    free(csv);
    free(so);
    free(e);
    snprintf(cmd, sizeof cmd, "participation --asof 2010 --format csv --treaty-file %s "
                              "--opened 1990-12-18", tidy);
    T_EQ_INT(t_run(cmd, &so, &e), 0, "participation --treaty-file exit");
    T_CHECK(so && strstr(so, "tf-tidy,"), "key from the file name: %s", so ? so : "");
    free(so);
    free(e);
    remove(out);
    remove(tidy);
}

/* panel --covariates with the reading options: a ';' file with decimal
 * commas and a '..' code merges as the ',' file with an empty cell */
/* a treaty file whose names match nothing: a warning, not a silent
 * panel without events */
static void test_treaty_unmatched(void)
{
    T_SECTION("treaty file: unmatched names are said");
    const char *tf = t_tmp("tf-unmatched.csv"), *out = t_tmp("tf-panel.csv");
    write_file(tf, "country,date,kind\nFreedonia,2005-04-21,ratification\n"
                   "Algeria,2005-04-21,ratification\n");
    char cmd[1024], *o = NULL, *e = NULL;
    snprintf(cmd, sizeof cmd, "panel --treaty-file %s --opened 1990-12-18 --out %s", tf, out);
    T_EQ_INT(t_run(cmd, &o, &e), 0, "exit 0");
    T_CHECK(e && strstr(e, "warning: --treaty-file: 1 participant names match no state"),
            "the unmatched name is counted: %s", e ? e : "");
    T_CHECK(e && strstr(e, " 1 events"), "Algeria's event kept: %s", e ? e : "");
    free(o), free(e);
    remove(tf), remove(out);
}

static void test_cov_read_opts(void)
{
    T_SECTION("panel --covariates with reading options");
    const char *a = t_tmp("cov-a.csv"), *b = t_tmp("cov-b.csv"), *pa = t_tmp("pan-a.csv"),
               *pb = t_tmp("pan-b.csv");
    write_file(a, "iso3c,year,gdp\nMEX,1990,1.5\nMEX,1991,\nMEX,1992,2.25\n");
    write_file(b, "iso3c;year;gdp\nMEX;1990;1,5\nMEX;1991;..\nMEX;1992;2,25\n");
    char cmd[1024], *o = NULL, *e = NULL;
    snprintf(cmd, sizeof cmd, "panel --treaty icmw --covariates %s --out %s", a, pa);
    T_EQ_INT(t_run(cmd, &o, &e), 0, "',' file");
    free(o), free(e);
    snprintf(cmd, sizeof cmd, "panel --treaty icmw --covariates %s --decimal , --na .. "
             "--out %s", b, pb);
    T_EQ_INT(t_run(cmd, &o, &e), 0, "';' file, --decimal , --na ..");
    free(o), free(e);
    char *ta = t_slurp(pa), *tb = t_slurp(pb);
    T_CHECK(ta && tb && strlen(ta) > 1000 && strcmp(ta, tb) == 0, "the same panel");
    T_CHECK(ta && strstr(ta, ",1.5\n") && strstr(ta, ",2.25\n"), "the values merged");
    free(ta), free(tb);
    snprintf(cmd, sizeof cmd, "panel --treaty icmw --covariates %s --out %s", b, pb);
    T_EQ_INT(t_run(cmd, &o, &e), 1, "';' file without --decimal");
    T_CHECK(e && strstr(e, ":2: ragged row") && strstr(e, "--delim"), "hint: %s", e ? e : "");
    free(o), free(e);
    snprintf(cmd, sizeof cmd, "panel --treaty icmw --covariates %s --decimal , --out %s", b, pb);
    T_EQ_INT(t_run(cmd, &o, &e), 1, "'..' not declared");
    T_CHECK(e && strstr(e, "cov-b.csv:3: column gdp: '..' is not a number") && strstr(e, "declare"), "the token named: %s",
            e ? e : "");
    free(o), free(e);
    snprintf(cmd, sizeof cmd, "panel --treaty icmw --covariates %s --text gpd --out %s", a, pb);
    T_EQ_INT(t_run(cmd, &o, &e), 2, "--text column not merged");
    T_CHECK(e && strstr(e, "--text gpd: no such column"), "named: %s", e ? e : "");
    free(o), free(e);
    remove(a), remove(b), remove(pa), remove(pb);
}

int main(void)
{
    rhaz_error err;
    D = rhaz_data_open(NULL, &err);
    T_CHECK(D != NULL, "data: %s", err.msg);
    if (!D)
        return t_summary();
    test_hard_names();
    test_match_cli();
    test_merge();
    test_time_invariant();
    test_bundled();
    test_treaty_file();
    test_cov_read_opts();
    test_treaty_unmatched();
    T_EQ_INT(rhaz_data_unmatched(D), 0, "own files leave the bundled report alone");
    rhaz_data_free(D);
    return t_summary();
}
