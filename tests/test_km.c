/* test_km.c -- Kaplan-Meier / Nelson-Aalen against R survival 3.5-3
 * (tests/reference/km_ref.R -> km_ref_values.csv), 1e-6 relative, plus
 * a hand-worked case with delayed entry and the CLI. */
#include "harness.h"
#include "rhaz.h"

#define TOL 1e-12 /* achieved: 1.4e-14 (n_risk with weights), 5e-15 (std_err) */

static const double *num(rhaz_table *t, const char *name)
{
    long j = rhaz_table_find(t, name);
    return j < 0 ? NULL : rhaz_table_num(t, (size_t)j);
}

static double maxrel[11];

/* compare the km object with the rows of `cs` in the reference */
static void check_case(rhaz_table *ref, const char *cs, rhaz_km *km)
{
    static const char *const cols[] = {"time",   "n_risk", "n_event",
                                       "n_censor", "surv", "std_err",
                                       "lower",  "upper",  "cumhaz",
                                       "std_chaz"};
    long jc = rhaz_table_find(ref, "case");
    const double *grp = num(ref, "group");
    size_t k = 0;
    for (size_t r = 0; r < rhaz_table_nrow(ref); r++) {
        const char *c = rhaz_table_str(ref, (size_t)jc, r);
        if (!c || strcmp(c, cs))
            continue;
        if (k >= km->n_points) {
            T_CHECK(0, "%s: too few points (%zu)", cs, km->n_points);
            return;
        }
        T_EQ_INT(km->group[k] + 1, grp[r], "group");
        double got[] = {km->time[k],    km->n_risk[k], km->n_event[k],
                        km->n_censor[k], km->surv[k],  km->std_err[k],
                        km->lower[k],   km->upper[k],  km->cumhaz[k],
                        km->std_chaz[k]};
        for (int j = 0; j < 10; j++) {
            double w = num(ref, cols[j])[r];
            char name[96];
            snprintf(name, sizeof name, "%s %s[%zu]", cs, cols[j], k + 1);
            if (isnan(w)) { /* R's NA, or Inf for std_err once S = 0 */
                T_CHECK(isnan(got[j]) || (j == 5 && isinf(got[j])),
                        "%s: got %g", name, got[j]);
                continue;
            }
            double rel = fabs(got[j] - w) / (fabs(w) > 0 ? fabs(w) : 1);
            if (rel > maxrel[j])
                maxrel[j] = rel;
            T_REL(got[j], w, TOL, name);
        }
        k++;
    }
    T_EQ_INT(k, km->n_points, "number of points");
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* numeric groups or clusters: codes 0.. by sorted distinct value */
static int *codes(const double *v, size_t n, size_t *K)
{
    double *lv = malloc(n * sizeof *lv);
    int *c = malloc(n * sizeof *c);
    memcpy(lv, v, n * sizeof *lv);
    qsort(lv, n, sizeof *lv, dcmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || lv[i] != lv[k - 1])
            lv[k++] = lv[i];
    for (size_t i = 0; i < n; i++) {
        double *p = bsearch(&v[i], lv, k, sizeof *lv, dcmp);
        c[i] = (int)(p - lv);
    }
    free(lv);
    *K = k;
    return c;
}

static void against_r(void)
{
    rhaz_error err;
    static const char *const numeric[] = {"std_err", "lower", "upper", NULL};
    rhaz_csv_options opt = {0};
    opt.as_numeric = numeric;
    rhaz_table *ref = rhaz_table_read("tests/reference/km_ref_values.csv", &opt,
                                      &err);
    T_CHECK(ref != NULL, "read km reference: %s", err.msg);
    rhaz_table *lung = rhaz_table_read("tests/fixtures/cox_lung.csv", NULL, &err);
    rhaz_table *heart = rhaz_table_read("tests/fixtures/cox_heart.csv", NULL,
                                        &err);
    rhaz_table *vet = rhaz_table_read("tests/fixtures/cox_veteran.csv", NULL,
                                      &err);
    T_CHECK(ref && lung && heart && vet, "reference files");
    if (!(ref && lung && heart && vet))
        return;
    size_t n = rhaz_table_nrow(lung), K;
    int *g = codes(num(lung, "sex"), n, &K);

    T_SECTION("lung by sex");
    rhaz_km *km = rhaz_km_fit(n, NULL, num(lung, "time"), num(lung, "status"),
                              NULL, g, K, 0.95, &err);
    T_CHECK(km != NULL, "fit");
    if (km)
        check_case(ref, "lung_sex", km);
    rhaz_km_free(km);

    T_SECTION("lung weighted, Greenwood (robust = FALSE)");
    rhaz_km_options gw = {.conf_level = 0.95, .se = RHAZ_KM_SE_GREENWOOD};
    km = rhaz_km_fit_opts(n, NULL, num(lung, "time"), num(lung, "status"),
                          num(lung, "wt"), g, K, &gw, &err);
    T_CHECK(km && km->se == RHAZ_KM_SE_GREENWOOD, "fit, Greenwood");
    if (km)
        check_case(ref, "lung_weighted", km);
    rhaz_km_free(km);

    T_SECTION("lung weighted, R's default: the infinitesimal jackknife");
    km = rhaz_km_fit(n, NULL, num(lung, "time"), num(lung, "status"),
                     num(lung, "wt"), g, K, 0.95, &err);
    T_CHECK(km && km->se == RHAZ_KM_SE_IJ, "non-integer weights: IJ by default");
    if (km)
        check_case(ref, "lung_weighted_ij", km);
    rhaz_km_free(km);

    T_SECTION("lung by sex, clustered by institution (grouped IJ)");
    size_t Kc;
    int *cl = codes(num(lung, "inst"), n, &Kc);
    rhaz_km_options co = {.conf_level = 0.95, .cluster = cl, .n_clusters = Kc};
    km = rhaz_km_fit_opts(n, NULL, num(lung, "time"), num(lung, "status"), NULL,
                          g, K, &co, &err);
    T_CHECK(km && km->se == RHAZ_KM_SE_IJ, "a cluster: IJ by default");
    if (km)
        check_case(ref, "lung_cluster", km);
    rhaz_km_free(km);
    free(cl);
    free(g);

    T_SECTION("heart (start, stop] by transplant");
    n = rhaz_table_nrow(heart);
    g = codes(num(heart, "transplant"), n, &K);
    km = rhaz_km_fit(n, num(heart, "start"), num(heart, "stop"),
                     num(heart, "event"), NULL, g, K, 0.95, &err);
    T_CHECK(km != NULL && km->se == RHAZ_KM_SE_GREENWOOD, "fit");
    if (km)
        check_case(ref, "heart_transplant", km);
    rhaz_km_free(km);

    T_SECTION("heart (start, stop] weighted: IJ, each row its own cluster");
    km = rhaz_km_fit(n, num(heart, "start"), num(heart, "stop"),
                     num(heart, "event"), num(heart, "wt"), g, K, 0.95, &err);
    T_CHECK(km != NULL && km->se == RHAZ_KM_SE_IJ, "fit");
    if (km)
        check_case(ref, "heart_weighted_ij", km);
    rhaz_km_free(km);
    free(g);

    T_SECTION("heart (start, stop] weighted, clustered by id");
    cl = codes(num(heart, "id"), n, &Kc);
    co.cluster = cl;
    co.n_clusters = Kc;
    km = rhaz_km_fit_opts(n, num(heart, "start"), num(heart, "stop"),
                          num(heart, "event"), num(heart, "wt"), NULL, 0, &co, &err);
    T_CHECK(km != NULL, "fit");
    if (km)
        check_case(ref, "heart_cluster_weighted", km);
    rhaz_km_free(km);
    free(cl);

    T_SECTION("veteran, one group, S reaches 0");
    n = rhaz_table_nrow(vet);
    km = rhaz_km_fit(n, NULL, num(vet, "time"), num(vet, "status"), NULL, NULL,
                     0, 0.95, &err);
    T_CHECK(km != NULL, "fit");
    if (km)
        check_case(ref, "veteran_all", km);
    rhaz_km_free(km);

    T_SECTION("veteran, IJ asked for with integer weights, S reaches 0");
    rhaz_km_options ijo = {.se = RHAZ_KM_SE_IJ};
    km = rhaz_km_fit_opts(n, NULL, num(vet, "time"), num(vet, "status"), NULL,
                          NULL, 0, &ijo, &err);
    T_CHECK(km != NULL && km->se == RHAZ_KM_SE_IJ, "fit");
    if (km)
        check_case(ref, "veteran_ij", km);
    rhaz_km_free(km);

    printf("max rel diff vs R: time %.3g n_risk %.3g surv %.3g std_err %.3g "
           "lower %.3g upper %.3g cumhaz %.3g std_chaz %.3g\n",
           maxrel[0], maxrel[1], maxrel[4], maxrel[5], maxrel[6], maxrel[7],
           maxrel[8], maxrel[9]);
    rhaz_table_free(ref);
    rhaz_table_free(lung);
    rhaz_table_free(heart);
    rhaz_table_free(vet);
}

/* by hand: (0,2] d, (0,4] c, (2,5] d, (1,3] d, (3,6] c */
static void by_hand(void)
{
    T_SECTION("hand-worked delayed entry");
    double st[] = {0, 0, 2, 1, 3}, sp[] = {2, 4, 5, 3, 6}, ev[] = {1, 0, 1, 1, 0};
    rhaz_error err;
    rhaz_km *km = rhaz_km_fit(5, st, sp, ev, NULL, NULL, 0, 0.95, &err);
    T_CHECK(km && km->n_points == 5, "five distinct stop times");
    if (!km)
        return;
    /* at t=2: (0,2],(0,4],(1,3] at risk (2,5] has not entered: 3 */
    T_REL(km->n_risk[0], 3, 1e-15, "n_risk(2)");
    T_REL(km->surv[0], 2.0 / 3, 1e-15, "S(2)");
    T_REL(km->n_risk[1], 3, 1e-15, "n_risk(3)");
    T_REL(km->surv[1], 4.0 / 9, 1e-15, "S(3)");
    T_REL(km->n_risk[3], 2, 1e-15, "n_risk(5)");
    T_REL(km->surv[3], 2.0 / 9, 1e-15, "S(5)");
    T_REL(km->std_err[0], sqrt(1.0 / 6), 1e-15, "Greenwood(2)");
    T_REL(km->cumhaz[3], 1.0 / 3 + 1.0 / 3 + 1.0 / 2, 1e-15, "Nelson-Aalen(5)");
    T_CHECK(km->lower[0] < km->surv[0] && km->surv[0] < km->upper[0],
            "band contains S");
    rhaz_km_free(km);
    double bad[] = {0, 5, 2, 1, 3};
    km = rhaz_km_fit(5, bad, sp, ev, NULL, NULL, 0, 0.95, &err);
    T_CHECK(km == NULL && strstr(err.msg, "row 2"), "start >= stop: %s",
            err.msg);
}

static void cli(void)
{
    T_SECTION("cli");
    char *out = NULL, *er = NULL;
    int rc = t_run("km --data tests/fixtures/cox_heart.csv --formula "
                   "'Surv(start, stop, event) ~ transplant' --format csv",
                   &out, &er);
    T_EQ_INT(rc, 0, "exit status");
    T_CHECK(out && strncmp(out, "group,time,n_risk,n_event,n_censor,surv,"
                                "std_err,lower,upper,cumhaz,std_chaz,cuminc\n",
                           80) == 0, "csv header");
    /* first row of the R reference for heart_transplant */
    T_CHECK(out && strstr(out, "\ntransplant=0,1,103,1,2,0.9902912621359223"),
            "first point as R: %.200s", out ? out : "");
    T_CHECK(out && strstr(out, "\ntransplant=1,"), "second group present");
    free(out);
    free(er);
    rc = t_run("km --data tests/fixtures/cox_heart.csv --formula 'event ~ 1'",
               &out, &er);
    T_EQ_INT(rc, 2, "a formula without Surv() is a usage error");
    free(out);
    free(er);

    /* standard errors: R's rule, --vce, --cluster (first points of the R
     * reference cases lung_weighted_ij, lung_weighted, lung_cluster) */
    static const struct {
        const char *args, *line, *label;
    } se[] = {
        {"--weights wt", "\nsex=1,11,177,3,0,0.98305084745762",
         "0.0127298592582613"},
        {"--weights wt --vce robust", "\nsex=1,11,177,3,0,0.98305084745762",
         "0.0127298592582613"},
        {"--weights wt --vce greenwood", "\nsex=1,11,177,3,0,0.98305084745762",
         "0.00986959587102305"},
        {"--cluster inst", "\nsex=1,11,126,2,0,0.98412698412698",
         "0.0110754830498327"},
    };
    for (size_t k = 0; k < sizeof se / sizeof se[0]; k++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "km --data tests/fixtures/cox_lung.csv --formula "
                 "'Surv(time, status) ~ sex' --format csv %s", se[k].args);
        rc = t_run(cmd, &out, &er);
        T_CHECK(rc == 0, "%s: exit status %d", se[k].args, rc);
        const char *l = out ? strstr(out, se[k].line) : NULL;
        T_CHECK(l && strstr(l, se[k].label) && strstr(l, se[k].label) < strchr(l + 1, '\n'),
                "%s: std_err of the first point as R: %.120s", se[k].args, l ? l : "");
        free(out);
        free(er);
    }
    rc = t_run("km --data tests/fixtures/cox_lung.csv --formula 'Surv(time, status) ~ sex' "
               "--weights wt", &out, &er);
    T_CHECK(rc == 0 && out && strstr(out, "std_err: infinitesimal jackknife (R's robust), of log S"),
            "text output names the jackknife: %.200s", out ? out : "");
    free(out);
    free(er);
    rc = t_run("km --data tests/fixtures/cox_lung.csv --formula 'Surv(time, status) ~ sex'",
               &out, &er);
    T_CHECK(rc == 0 && out && strstr(out, "std_err: Greenwood, of log S"),
            "unweighted: Greenwood named");
    free(out);
    free(er);
}

int main(void)
{
    against_r();
    by_hand();
    cli();
    return t_summary();
}
