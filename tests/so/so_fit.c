/* so_fit.c -- a program linked against build/librhaz.so alone: fits the
 * logit and the Cox model of tests/reference/edge_{glm,cox}_base.csv and
 * compares with R (agreement better than 1e-13; asserted at 1e-11). */
#include <rhaz.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
static int ok(double got, double want, const char *what) {
    int good = fabs(got - want) <= 1e-11 * fabs(want);
    if (!good) printf("FAIL %s: %.12g, R %.12g\n", what, got, want);
    return good;
}
int main(void) {
    rhaz_error e;
    rhaz_table *t = rhaz_table_read("tests/fixtures/edge.csv", NULL, &e);
    rhaz_formula *fl = rhaz_formula_parse("y ~ x1 + x3", &e), *fc = rhaz_formula_parse("Surv(time, status) ~ x1 + x3", &e);
    rhaz_design_options dco = {.drop_intercept = 1};
    rhaz_design *dl = rhaz_design_build(fl, t, NULL, &e), *dc = rhaz_design_build(fc, t, &dco, &e);
    rhaz_glm_options go = {0};
    rhaz_fit_summary *s = rhaz_glm_fit(dl, &go, &e);
    rhaz_cox_data cd; rhaz_cox_options co; rhaz_cox_data_from_design(&cd, dc); rhaz_cox_options_default(&co);
    rhaz_cox *c = rhaz_cox_fit(&cd, &co, &e);
    int pass = strcmp(rhaz_version(), RHAZ_VERSION) == 0;
    pass += s && ok(s->coef[1].estimate, 0.72686694470644597, "logit x1") && ok(s->coef[1].std_error, 0.17463838881232055, "logit se(x1)");
    pass += c && ok(rhaz_cox_result_get(c)->coef[0], 0.82247987641888898, "cox x1") && ok(rhaz_cox_result_get(c)->loglik, -662.5523053024674, "cox loglik");
    printf("%d passed, %d failed\n", pass, 3 - pass);
    rhaz_cox_free(c); rhaz_fit_summary_free(s); rhaz_design_free(dl); rhaz_design_free(dc); rhaz_formula_free(fl); rhaz_formula_free(fc); rhaz_table_free(t);
    return pass == 3 ? 0 : 1;
}
