/* test_predict_fam.c -- predictions and margins of the parametric
 * survival and cure models against R (tests/reference/predict_fam_ref.R:
 * predict.survreg(se.fit = TRUE) for the median time and the linear
 * predictor; the hazard, the cure model's probability at risk and
 * population hazard, AMEs and predictive margins by a delta-method
 * computation in R with a numerical Jacobian), through fits read back
 * from their JSON; the PH metric gives the AFT fit's medians; frailty
 * and clogit fits predict on the Cox linear-predictor scale; bad scales. */
#include "harness.h"
#include "rhaz.h"
#include "roundtrip.h"

/* achieved: predictions ~1e-10 (R's numerical Jacobian for the hazard),
 * margins 1.8e-8 (numerical derivatives on both sides); printed at the end */
#define TOL_PRED 1e-9
#define TOL_MARG 1e-7

static double mx_pred, mx_marg;
static rhaz_table *ref;

static double reldiff(double got, double want)
{
    double s = fabs(want) > 1e-300 ? fabs(want) : 1.0;
    return fabs(got - want) / s;
}

/* The summary written as JSON and read back. */
static rhaz_fit_summary *roundtrip(rhaz_fit_summary *s)
{
    rhaz_error err;
    rhaz_fit_summary *back = t_json_roundtrip(s, &err);
    T_CHECK(back && back->design, "JSON round trip: %s", back ? "" : err.msg);
    rhaz_fit_summary_free(s);
    return back;
}

static rhaz_fit_summary *fit_surv(const rhaz_table *t, const char *formula,
                                  rhaz_surv_dist dist, rhaz_surv_metric metric)
{
    rhaz_error err;
    rhaz_formula *f = rhaz_formula_parse(formula, &err);
    rhaz_design *d = f ? rhaz_design_build(f, t, NULL, &err) : NULL;
    rhaz_survreg_options o = {.dist = dist, .metric = metric, .epsilon = 1e-20};
    rhaz_fit_summary *s = d ? rhaz_survreg_fit(d, &o, &err) : NULL;
    T_CHECK(s != NULL, "fit %s: %s", formula, s ? "" : err.msg);
    if (s)
        s->design = rhaz_design_spec_copy(rhaz_design_spec_of(d));
    rhaz_design_free(d);
    rhaz_formula_free(f);
    return s ? roundtrip(s) : NULL;
}

/* reference row (case, what, term, at, i) */
static long find_ref(const char *cs, const char *what, const char *term,
                     const char *at, int i)
{
    long jc = rhaz_table_find(ref, "case"), jw = rhaz_table_find(ref, "what"),
         jt = rhaz_table_find(ref, "term"), ja = rhaz_table_find(ref, "at"),
         ji = rhaz_table_find(ref, "i");
    for (size_t r = 0; r < rhaz_table_nrow(ref); r++) {
        const char *t = rhaz_table_str(ref, (size_t)jt, r), *a = rhaz_table_str(ref, (size_t)ja, r);
        if (strcmp(rhaz_table_str(ref, (size_t)jc, r), cs) == 0 &&
            strcmp(rhaz_table_str(ref, (size_t)jw, r), what) == 0 &&
            strcmp(t ? t : "", term) == 0 && strcmp(a ? a : "", at) == 0 &&
            rhaz_table_num(ref, (size_t)ji)[r] == i)
            return (long)r;
    }
    return -1;
}

static void check_ref(const char *cs, const char *what, const char *term,
                      const char *at, int i, double est, double se, double tol,
                      double *mx)
{
    long r = find_ref(cs, what, term, at, i);
    T_CHECK(r >= 0, "%s %s %s [%s] %d in the reference", cs, what, term, at, i);
    if (r < 0)
        return;
    double we = rhaz_table_num(ref, (size_t)rhaz_table_find(ref, "estimate"))[r];
    double ws = rhaz_table_num(ref, (size_t)rhaz_table_find(ref, "std_error"))[r];
    char name[300];
    snprintf(name, sizeof name, "%s %s %s [%s] %d estimate", cs, what, term, at, i);
    T_REL(est, we, tol, name);
    snprintf(name, sizeof name, "%s %s %s [%s] %d se", cs, what, term, at, i);
    T_REL(se, ws, tol, name);
    *mx = fmax(*mx, fmax(reldiff(est, we), reldiff(se, ws)));
}

/* The first k rows of t complete in the columns need (NULL-ended; NULL:
 * all rows) as a new table of its numeric columns (R's na.omit rows). */
static rhaz_table *head(const rhaz_table *t, size_t k, const char *const *need)
{
    rhaz_error err;
    rhaz_table *h = rhaz_table_new("head", &err);
    size_t rows[64], m = 0;
    for (size_t i = 0; i < rhaz_table_nrow(t) && m < k && k <= 64; i++) {
        int ok = 1;
        for (size_t q = 0; need && need[q]; q++)
            ok &= !isnan(rhaz_table_num(t, (size_t)rhaz_table_find(t, need[q]))[i]);
        if (ok)
            rows[m++] = i;
    }
    double v[64];
    for (size_t j = 0; h && j < rhaz_table_ncol(t); j++) {
        for (size_t i = 0; i < m; i++)
            v[i] = rhaz_table_num(t, j)[rows[i]];
        rhaz_table_add_numeric(h, rhaz_table_colname(t, j), v, m, &err);
    }
    return h;
}

static const rhaz_margin *find_margin(const rhaz_margins *m, const char *term,
                                      const char *at)
{
    for (size_t k = 0; m && k < m->n; k++)
        if (strcmp(m->m[k].term, term) == 0 && strcmp(m->m[k].at, at) == 0)
            return &m->m[k];
    return NULL;
}

static void check_margin(const rhaz_margins *m, const char *cs, const char *what,
                         const char *term, const char *at)
{
    const rhaz_margin *r = find_margin(m, term, at);
    T_CHECK(r != NULL, "%s %s: margin %s [%s] computed", cs, what, term, at);
    if (r)
        check_ref(cs, what, term, at, 0, r->estimate, r->std_error, TOL_MARG, &mx_marg);
}

static void parametric(const rhaz_table *lung)
{
    static const struct {
        const char *name;
        rhaz_surv_dist d;
    } dists[] = {{"weibull", RHAZ_SURV_WEIBULL}, {"exponential", RHAZ_SURV_EXPONENTIAL},
                 {"lognormal", RHAZ_SURV_LOGNORMAL}, {"loglogistic", RHAZ_SURV_LOGLOGISTIC}};
    const char *fm = "Surv(time, status) ~ log(age) + sex + factor(ph.ecog)";
    rhaz_table *nd = head(lung, 8, NULL);
    rhaz_error err;
    for (size_t k = 0; k < 4; k++) {
        T_SECTION(dists[k].name);
        rhaz_fit_summary *s = fit_surv(lung, fm, dists[k].d, RHAZ_METRIC_AFT);
        if (!s || !nd)
            continue;
        double pr[8], se[8];
        static const struct {
            const char *what;
            rhaz_predict_scale sc;
        } qs[] = {{"median", RHAZ_SCALE_MEDIAN}, {"lp", RHAZ_SCALE_LINK},
                  {"hazard", RHAZ_SCALE_HAZARD}};
        for (size_t q = 0; q < 3; q++) {
            rhaz_predict_options po = {.scale = qs[q].sc, .time = 300};
            rhaz_status st = rhaz_fit_predict_data(s, nd, &po, pr, se, &err);
            T_CHECK(st == RHAZ_OK, "predict %s: %s", qs[q].what, st ? err.msg : "");
            for (int i = 0; !st && i < 8; i++)
                check_ref(dists[k].name, qs[q].what, "", "", i + 1, pr[i], se[i],
                          TOL_PRED, &mx_pred);
        }
        /* the default scale of a parametric model is the median */
        double pd[8];
        rhaz_predict_options p0 = {.scale = RHAZ_SCALE_DEFAULT};
        T_CHECK(rhaz_fit_predict_data(s, nd, &p0, pd, NULL, &err) == RHAZ_OK &&
                    find_ref(dists[k].name, "median", "", "", 1) >= 0,
                "default scale");
        rhaz_margins_options o = {.dydx = "age,ph.ecog", .scale = RHAZ_SCALE_MEDIAN,
                                  .scale_set = 1};
        rhaz_margins *m = rhaz_margins_compute(s, lung, &o, &err);
        T_CHECK(m != NULL, "margins median: %s", m ? "" : err.msg);
        if (m) {
            T_CHECK(strcmp(m->scale, "median time") == 0, "scale named: %s", m->scale);
            check_margin(m, dists[k].name, "dydx_median", "age", "");
            check_margin(m, dists[k].name, "dydx_median", "ph.ecog:1", "");
            check_margin(m, dists[k].name, "dydx_median", "ph.ecog:2", "");
            check_margin(m, dists[k].name, "dydx_median", "ph.ecog:3", "");
        }
        rhaz_margins_free(m);
        rhaz_margins_options ol = {.dydx = "age"}; /* scale_set = 0: default */
        ol.scale = RHAZ_SCALE_LINK;
        ol.scale_set = 1;
        m = rhaz_margins_compute(s, lung, &ol, &err);
        if (m)
            check_margin(m, dists[k].name, "dydx_lp", "age", "");
        T_CHECK(m != NULL, "margins lp: %s", m ? "" : err.msg);
        rhaz_margins_free(m);
        const char *at[] = {"sex=1,2"};
        rhaz_margins_options oh = {.at = at, .n_at = 1, .scale = RHAZ_SCALE_HAZARD,
                                   .scale_set = 1, .time = 300};
        m = rhaz_margins_compute(s, lung, &oh, &err);
        T_CHECK(m != NULL, "margins hazard: %s", m ? "" : err.msg);
        if (m) {
            check_margin(m, dists[k].name, "margin_hazard", "margin", "sex=1");
            check_margin(m, dists[k].name, "margin_hazard", "margin", "sex=2");
            check_margin(m, dists[k].name, "margin_hazard", "sex=2 - sex=1", "");
            T_CHECK(strstr(m->scale, "hazard at t = 300") != NULL, "scale: %s", m->scale);
        }
        rhaz_margins_free(m);
        /* a cure-only scale and a hazard without a time are refused */
        rhaz_margins_options bad = {.scale = RHAZ_SCALE_ATRISK, .scale_set = 1};
        m = rhaz_margins_compute(s, lung, &bad, &err);
        T_CHECK(!m && err.status == RHAZ_EUSAGE && strstr(err.msg, "atrisk"),
                "atrisk refused for %s: %s", dists[k].name, err.msg);
        rhaz_margins_free(m);
        rhaz_predict_options ph0 = {.scale = RHAZ_SCALE_HAZARD};
        T_CHECK(rhaz_fit_predict_data(s, nd, &ph0, pr, se, &err) == RHAZ_EUSAGE,
                "hazard needs a time");

        /* PH metric (Weibull, exponential): the same model, the same
         * medians and hazards with the same SEs (delta method invariance) */
        if (k < 2) {
            rhaz_fit_summary *sp = fit_surv(lung, fm, dists[k].d, RHAZ_METRIC_PH);
            double pa[8], sa[8], pb[8], sb[8];
            for (int q = 0; sp && q < 2; q++) {
                rhaz_predict_options po = {
                    .scale = q ? RHAZ_SCALE_HAZARD : RHAZ_SCALE_MEDIAN, .time = 300};
                rhaz_fit_predict_data(s, nd, &po, pa, sa, &err);
                T_CHECK(rhaz_fit_predict_data(sp, nd, &po, pb, sb, &err) == RHAZ_OK,
                        "PH predict: %s", err.msg);
                for (int i = 0; i < 8; i++) {
                    T_REL(pb[i], pa[i], 1e-9, "PH metric = AFT prediction");
                    T_REL(sb[i], sa[i], 1e-6, "PH metric = AFT se");
                }
            }
            rhaz_fit_summary_free(sp);
        }
        rhaz_fit_summary_free(s);
    }
    rhaz_table_free(nd);
}

static void cure(const rhaz_table *coups)
{
    T_SECTION("cure");
    rhaz_error err;
    rhaz_formula *fd = rhaz_formula_parse("Surv(t.0, duration, failure) ~ polity2", &err);
    rhaz_formula *fr = rhaz_formula_parse("~ polity2", &err);
    rhaz_design *dd = fd ? rhaz_design_build(fd, coups, NULL, &err) : NULL;
    rhaz_design *dr = fr ? rhaz_design_build(fr, coups, NULL, &err) : NULL;
    rhaz_survreg_options o = {.dist = RHAZ_SURV_WEIBULL};
    rhaz_fit_summary *s = dd && dr ? rhaz_cure_fit(dd, dr, &o, &err) : NULL;
    T_CHECK(s != NULL, "cure fit: %s", s ? "" : err.msg);
    if (s) {
        s->design = rhaz_design_spec_copy(rhaz_design_spec_of(dd));
        s->design_risk = rhaz_design_spec_copy(rhaz_design_spec_of(dr));
        s = roundtrip(s);
    }
    T_CHECK(s && s->design_risk, "design_risk survives the JSON");
    if (s && s->design_risk) {
        /* the same maximum as R's (order: duration, risk, log(scale)) */
        for (int j = 0; j < 5; j++) {
            long r = find_ref("cure", "coef", "", "", j + 1);
            T_CHECK(r >= 0, "coef %d", j);
            if (r >= 0)
                T_REL(s->coef[j].estimate,
                      rhaz_table_num(ref, (size_t)rhaz_table_find(ref, "estimate"))[r],
                      1e-6, "cure coefficient as R");
        }
        static const char *const need[] = {"gwcode", "polity2", "failure", "end.spell",
                                           "atrisk", "duration", "t.0", NULL};
        rhaz_table *nd = head(coups, 8, need);
        double pr[8], se[8];
        const char *whats[] = {"atrisk", "hazard"};
        rhaz_predict_scale scs[] = {RHAZ_SCALE_ATRISK, RHAZ_SCALE_HAZARD};
        for (int q = 0; q < 2; q++) {
            rhaz_predict_options po = {.scale = scs[q], .time = 5};
            rhaz_status st = rhaz_fit_predict_data(s, nd, &po, pr, se, &err);
            T_CHECK(st == RHAZ_OK, "cure predict %s: %s", whats[q], st ? err.msg : "");
            for (int i = 0; !st && i < 8; i++)
                check_ref("cure", whats[q], "", "", i + 1, pr[i], se[i], TOL_MARG,
                          &mx_pred);
            const char *at[] = {"polity2=-5,5"};
            rhaz_margins_options mo = {.dydx = "polity2", .scale = scs[q],
                                       .scale_set = 1, .time = 5};
            rhaz_margins *m = rhaz_margins_compute(s, coups, &mo, &err);
            T_CHECK(m != NULL, "cure margins %s: %s", whats[q], m ? "" : err.msg);
            char w[40];
            snprintf(w, sizeof w, "dydx_%s", whats[q]);
            if (m)
                check_margin(m, "cure", w, "polity2", "");
            rhaz_margins_free(m);
            rhaz_margins_options ma = {.at = at, .n_at = 1, .scale = scs[q],
                                       .scale_set = 1, .time = 5};
            m = rhaz_margins_compute(s, coups, &ma, &err);
            snprintf(w, sizeof w, "margin_%s", whats[q]);
            if (m) {
                check_margin(m, "cure", w, "margin", "polity2=-5");
                check_margin(m, "cure", w, "margin", "polity2=5");
            }
            T_CHECK(m != NULL, "cure margins at: %s", m ? "" : err.msg);
            rhaz_margins_free(m);
        }
        /* the default scale of a cure model is the probability at risk */
        rhaz_margins *m = rhaz_margins_compute(s, coups, NULL, &err);
        T_CHECK(m && strcmp(m->scale, "probability at risk") == 0, "cure default scale: %s",
                m ? m->scale : err.msg);
        rhaz_margins_free(m);
        /* without its at-risk design a cure fit cannot be used */
        rhaz_design_spec_free(s->design_risk);
        s->design_risk = NULL;
        m = rhaz_margins_compute(s, coups, NULL, &err);
        T_CHECK(!m && strstr(err.msg, "design_risk"), "no design_risk: %s", err.msg);
        rhaz_margins_free(m);
        rhaz_table_free(nd);
    }
    rhaz_fit_summary_free(s);
    rhaz_design_free(dd);
    rhaz_design_free(dr);
    rhaz_formula_free(fd);
    rhaz_formula_free(fr);
}

/* Conditional logit and shared frailty fits predict on the Cox
 * linear-predictor scale: the AME of a term entering linearly is its
 * coefficient, with its SE (exact identities of the delta method; the
 * derivative of a column equal to the variable is exactly 1, so they
 * hold to rounding: 1e-14). */
static void coxlike(void)
{
    rhaz_error err;
    T_SECTION("clogit and frailty: Cox lp scale");
    rhaz_table *tc = rhaz_table_read("tests/fixtures/clogit_c1.csv", NULL, &err);
    rhaz_formula *fc = tc ? rhaz_formula_parse("y ~ x1 + x2 + x3 + strata(g)", &err) : NULL;
    rhaz_design_options o = {.drop_intercept = 1};
    rhaz_design *dc = fc ? rhaz_design_build(fc, tc, &o, &err) : NULL;
    rhaz_clogit_data cd;
    rhaz_clogit_options co;
    rhaz_clogit_options_default(&co);
    rhaz_clogit *cf = dc && rhaz_clogit_data_from_design(&cd, dc, &err) == RHAZ_OK
                          ? rhaz_clogit_fit(&cd, &co, &err) : NULL;
    rhaz_fit_summary *sc = cf ? rhaz_clogit_summary(cf, (const char *const *)dc->colnames,
                                                    "y ~ x1 + x2 + x3 + strata(g)", 0.95, &err)
                              : NULL;
    T_CHECK(sc != NULL, "clogit fit: %s", err.msg);
    if (sc)
        sc->design = rhaz_design_spec_copy(rhaz_design_spec_of(dc));
    rhaz_table *tf = rhaz_table_read("tests/fixtures/frailty_rc.csv", NULL, &err);
    rhaz_formula *ff = tf ? rhaz_formula_parse("Surv(time, status) ~ x1 + x2 + frailty(g)", &err)
                          : NULL;
    rhaz_design_options of = {.drop_intercept = 1, .allow_frailty = 1};
    rhaz_design *df = ff ? rhaz_design_build(ff, tf, &of, &err) : NULL;
    rhaz_frailty *fr = NULL;
    rhaz_fit_summary *sf = NULL;
    if (df) {
        rhaz_cox_data xd;
        rhaz_cox_data_from_design(&xd, df);
        rhaz_frailty_options fo;
        rhaz_frailty_options_default(&fo);
        fr = rhaz_frailty_fit(&xd, df->frailty, df->n_frailty, NULL, 0, &fo, &err);
        sf = fr ? rhaz_frailty_summary(fr, (const char *const *)df->colnames,
                                       "Surv(time, status) ~ x1 + x2 + frailty(g)", 0.95, &err)
                : NULL;
    }
    T_CHECK(sf != NULL, "frailty fit: %s", err.msg);
    if (sf)
        sf->design = rhaz_design_spec_copy(rhaz_design_spec_of(df));
    const rhaz_fit_summary *fits[2] = {sc ? roundtrip(sc) : NULL, sf ? roundtrip(sf) : NULL};
    const rhaz_table *data[2] = {tc, tf};
    for (int k = 0; k < 2; k++) {
        if (!fits[k])
            continue;
        rhaz_margins_options mo = {.dydx = "x1,x2"};
        rhaz_margins *m = rhaz_margins_compute(fits[k], data[k], &mo, &err);
        T_CHECK(m && strstr(m->scale, "linear predictor"), "%s margins on lp: %s",
                k ? "frailty" : "clogit", m ? m->scale : err.msg);
        for (size_t r = 0; m && r < m->n; r++)
            for (size_t j = 0; j < fits[k]->p; j++)
                if (strcmp(fits[k]->coef[j].term, m->m[r].term) == 0) {
                    T_REL(m->m[r].estimate, fits[k]->coef[j].estimate, 1e-14,
                          "AME on lp = coefficient");
                    T_REL(m->m[r].std_error, fits[k]->coef[j].std_error, 1e-14,
                          "its SE = the coefficient's");
                }
        rhaz_margins_free(m);
        rhaz_fit_summary_free((rhaz_fit_summary *)fits[k]);
    }
    rhaz_frailty_free(fr);
    rhaz_clogit_free(cf);
    rhaz_design_free(dc);
    rhaz_design_free(df);
    rhaz_formula_free(fc);
    rhaz_formula_free(ff);
    rhaz_table_free(tc);
    rhaz_table_free(tf);
}

int main(void)
{
    rhaz_error err;
    const char *as_str[] = {"case", "what", "term", "at", NULL};
    rhaz_csv_options ro = {.as_string = as_str};
    ref = rhaz_table_read("tests/reference/predict_fam_ref_values.csv", &ro, &err);
    rhaz_table *lung = rhaz_table_read("tests/fixtures/survreg_lung.csv", NULL, &err);
    rhaz_table *coups = rhaz_table_read("tests/fixtures/cure_coups.csv", NULL, &err);
    T_CHECK(ref && lung && coups, "inputs: %s", err.msg);
    if (ref && lung && coups) {
        parametric(lung);
        cure(coups);
        coxlike();
    }
    printf("largest relative difference from R: predictions %.1e, margins %.1e\n",
           mx_pred, mx_marg);
    rhaz_table_free(ref);
    rhaz_table_free(lung);
    rhaz_table_free(coups);
    return t_summary();
}
