/* test_regtable.c -- publication tables of several models. */
#include "harness.h"
#include "rhaz.h"

#include <gsl/gsl_cdf.h>

static rhaz_fit_summary *mk(const char *model, int conv)
{
    rhaz_fit_summary *s = calloc(1, sizeof *s);
    s->model = strdup(model);
    s->link = strdup("");
    s->ties = strdup("");
    s->formula = strdup("");
    s->vce_label = strdup("model-based");
    s->converged = conv;
    s->n = 100;
    s->events = 7;
    s->loglik = -20.125;
    s->aic = 46.25;
    s->p = 2;
    s->coef = calloc(2, sizeof *s->coef);
    s->coef[0].term = strdup("x_1");
    s->coef[0].estimate = 0.5;
    s->coef[0].std_error = 0.2;
    s->coef[0].p_value = 0.0124;
    s->coef[1].term = strdup(conv ? "z" : "w");
    s->coef[1].estimate = -1.25;
    s->coef[1].std_error = 0.25;
    s->coef[1].p_value = 0.0009;
    return s;
}

static char *render(const rhaz_fit_summary *const *f, size_t k,
                    rhaz_regtable_format fmt, const rhaz_regtable_options *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    rhaz_error err;
    rhaz_status st = rhaz_regtable_write(fp, f, k, fmt, o, &err);
    fclose(fp);
    T_CHECK(st == RHAZ_OK, "write status");
    return buf;
}

int main(void)
{
    rhaz_fit_summary *a = mk("logit", 1), *b = mk("cox", 0);
    const rhaz_fit_summary *f[] = {a, b};
    T_SECTION("text");
    char *t = render(f, 2, RHAZ_REGTABLE_TEXT, NULL);
    T_CHECK(strstr(t, "0.500*") && !strstr(t, "0.500**"), "one star at p=0.012");
    T_CHECK(strstr(t, "-1.250***"), "three stars at p=0.0009");
    T_CHECK(strstr(t, "(0.200)"), "SE in parentheses");
    /* union of terms in first-appearance order: x_1, z, w */
    char *pz = strstr(t, "\nz "), *pw = strstr(t, "\nw ");
    T_CHECK(pz && pw && pz < pw, "term order");
    T_CHECK(strstr(t, "(2): WARNING: did not converge"), "non-convergence noted");
    T_CHECK(strstr(t, "-20.13") || strstr(t, "-20.12"), "loglik row");
    free(t);
    T_SECTION("latex");
    t = render(f, 2, RHAZ_REGTABLE_LATEX, NULL);
    T_CHECK(strstr(t, "\\toprule") && strstr(t, "\\bottomrule"), "booktabs");
    T_CHECK(strstr(t, "x\\_1 & 0.500* & 0.500* \\\\"), "escaped row: %s", t);
    free(t);
    T_SECTION("markdown");
    t = render(f, 2, RHAZ_REGTABLE_MARKDOWN, NULL);
    T_CHECK(strstr(t, "|:---|---:|---:|"), "alignment row");
    free(t);
    const rhaz_regtable_options mo = {.title = "Ratification *hazard* of x_1"};
    t = render(f, 2, RHAZ_REGTABLE_MARKDOWN, &mo);
    const char *cap = "**Ratification \\*hazard\\* of x\\_1**\n\n";
    T_CHECK(strncmp(t, cap, strlen(cap)) == 0,
            "caption bold, closed, emphasis escaped: %.60s", t);
    free(t);
    T_SECTION("csv");
    t = render(f, 2, RHAZ_REGTABLE_CSV, NULL);
    T_CHECK(strncmp(t, "term,(1),(2)\n", 13) == 0, "csv header: %.20s", t);
    free(t);
    T_SECTION("exp and names");
    const char *names[] = {"Logit", "Cox"};
    rhaz_regtable_options o = {.exponentiate = 1, .model_names = names, .digits = 4};
    t = render(f, 2, RHAZ_REGTABLE_TEXT, &o);
    char want[64];
    snprintf(want, sizeof want, "%.4f*", exp(0.5));
    T_CHECK(strstr(t, want), "exp(b) %s", want);
    snprintf(want, sizeof want, "(%.4f)", exp(0.5) * 0.2);
    T_CHECK(strstr(t, want), "delta-method SE %s", want);
    T_CHECK(strstr(t, "Logit") && strstr(t, "Cox"), "names");
    free(t);
    rhaz_error err;
    FILE *null = fopen("/dev/null", "w");
    T_CHECK(rhaz_regtable_write(null, f, 0, RHAZ_REGTABLE_TEXT, NULL, &err) ==
                RHAZ_EINVAL,
            "no models refused");
    fclose(null);
    rhaz_fit_summary_free(a);
    rhaz_fit_summary_free(b);

    T_SECTION("frailty theta row, Firth stars");
    {
        /* c: a shared frailty fit; d: a Firth fit whose p-values are
         * profile likelihood-ratio ones (not 2Q(|b/se|)); e: a Firth fit
         * with Wald p-values */
        rhaz_fit_summary *c = mk("cox", 1), *d = mk("firth-logit", 1),
                         *e = mk("firth-logit", 1), *g = mk("cox", 1);
        c->frailty = 1;
        c->frailty_theta = 1.6617;
        d->firth = e->firth = 1;
        for (int j = 0; j < 2; j++)
            e->coef[j].p_value = 2 * gsl_cdf_ugaussian_Q(fabs(e->coef[j].estimate /
                                                              e->coef[j].std_error));
        const rhaz_fit_summary *f3[] = {c, d, e};
        char *t = render(f3, 3, RHAZ_REGTABLE_TEXT, NULL);
        T_CHECK(t && strstr(t, "Frailty variance (theta)") &&
                    strstr(t, "1.662"), "theta row:\n%s", t ? t : "");
        T_CHECK(t && strstr(t, "(2): stars from penalized likelihood-ratio tests"),
                "Firth with profile p-values: footnote");
        T_CHECK(t && !strstr(t, "(3): stars from"), "Firth with Wald p-values: none");
        T_CHECK(t && strstr(t, "(1): shared frailty"), "frailty footnote");
        free(t);
        const rhaz_fit_summary *f1[] = {g};
        t = render(f1, 1, RHAZ_REGTABLE_TEXT, NULL);
        T_CHECK(t && !strstr(t, "Frailty variance"), "no theta row without frailty");
        free(t);
        rhaz_fit_summary_free(c);
        rhaz_fit_summary_free(d);
        rhaz_fit_summary_free(e);
        rhaz_fit_summary_free(g);
    }
    return t_summary();
}
