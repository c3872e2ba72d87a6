/* test_json.c -- JSON written through json-c: numbers print exactly as
 * rhaz_format_double, tables as row objects, a fit summary reads back. */
#include "harness.h"
#include "rhaz.h"

#include <float.h>
#include <json-c/json.h>

static char *to_text(json_object *v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    rhaz_error err;
    rhaz_status st = rhaz_json_write(mem, v, &err);
    fclose(mem);
    T_EQ_INT(st, RHAZ_OK, "rhaz_json_write");
    return buf;
}

static void test_numbers(void)
{
    T_SECTION("numbers");
    const double x[] = {0.1, 1.0 / 3, -2.5e-300, 1e22, 2015, -0.0, 5e-324, DBL_MAX,
                        0.1 + 0.2, 123456789012345678.0};
    for (size_t k = 0; k < sizeof x / sizeof *x; k++) {
        json_object *v = rhaz_json_double(x[k]);
        char want[64];
        rhaz_format_double(x[k], want, sizeof want);
        const char *got = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
        T_EQ_STR(got, want, "json number text is rhaz_format_double");
        T_CHECK(strtod(got, NULL) == x[k], "reads back: %s", got);
        json_object_put(v);
    }
    T_CHECK(rhaz_json_double(NAN) == NULL, "NaN is null");
    T_CHECK(rhaz_json_double(INFINITY) == NULL, "Inf is null");
    char *t = to_text(NULL);
    T_EQ_STR(t, "null\n", "NULL writes null");
    free(t);
}

static void test_table_json(void)
{
    T_SECTION("table to JSON");
    rhaz_error err;
    rhaz_table *tb = rhaz_table_new("mem", &err);
    const double y[] = {1990, NAN, 0.1};
    const char *s[] = {"a/b \"q\"", NULL, "\xc3\xa9\n"};
    T_EQ_INT(rhaz_table_add_numeric(tb, "year", y, 3, &err), RHAZ_OK, "numeric col");
    T_EQ_INT(rhaz_table_add_string(tb, "name", s, 3, &err), RHAZ_OK, "string col");
    json_object *v = rhaz_table_to_json(tb, &err);
    T_CHECK(v && json_object_is_type(v, json_type_array) &&
                json_object_array_length(v) == 3, "array of 3 rows");
    char *txt = to_text(v);
    json_object_put(v);
    /* parse back what was printed */
    json_object *back = json_tokener_parse(txt);
    T_CHECK(back != NULL, "printed JSON parses: %s", txt ? txt : "");
    json_object *r0 = json_object_array_get_idx(back, 0), *r1 = json_object_array_get_idx(back, 1),
                *r2 = json_object_array_get_idx(back, 2), *f;
    T_CHECK(json_object_object_get_ex(r0, "year", &f) && json_object_is_type(f, json_type_int) &&
                json_object_get_int(f) == 1990, "integer year stays an integer");
    T_CHECK(json_object_object_get_ex(r0, "name", &f) &&
                strcmp(json_object_get_string(f), "a/b \"q\"") == 0, "string escaped and back");
    T_CHECK(json_object_object_get_ex(r1, "year", &f) && f == NULL, "missing number: null");
    T_CHECK(json_object_object_get_ex(r1, "name", &f) && f == NULL, "missing string: null");
    T_CHECK(json_object_object_get_ex(r2, "year", &f) && json_object_get_double(f) == 0.1,
            "0.1 exactly");
    T_CHECK(json_object_object_get_ex(r2, "name", &f) &&
                strcmp(json_object_get_string(f), "\xc3\xa9\n") == 0, "UTF-8 and newline");
    T_CHECK(txt && strstr(txt, "\"year\": 0.1") && strstr(txt, "a/b"),
            "shortest number and '/' unescaped in the text");
    /* column order is the table's */
    T_CHECK(txt && strstr(txt, "\"year\"") < strstr(txt, "\"name\""), "column order");
    json_object_put(back);
    free(txt);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    T_EQ_INT(rhaz_table_write_json(tb, mem, &err), RHAZ_OK, "write_json");
    fclose(mem);
    T_CHECK(buf && buf[0] == '[' && buf[len - 1] == '\n', "document is an array line-ended");
    free(buf);
    rhaz_table_free(tb);
    /* empty table */
    tb = rhaz_table_new("empty", &err);
    v = rhaz_table_to_json(tb, &err);
    T_CHECK(v && json_object_array_length(v) == 0, "empty table: []");
    json_object_put(v);
    rhaz_table_free(tb);
}

static void test_fit_json(void)
{
    T_SECTION("fit summary to JSON and back");
    rhaz_coef c[2] = {{"(Intercept)", -1.5, 0.25, -6, 1.9e-9, -1.99, -1.01, 0, 0, 0, 0, 0, 0, 0},
                      {"x/1", NAN, NAN, NAN, NAN, NAN, NAN, 1, 0, 0, 0, 0, 0, 0}};
    double vc[4] = {0.0625, NAN, NAN, NAN};
    char *warn[] = {"x/1: collinear \"with\" other terms"};
    rhaz_fit_summary s = {.model = "logit", .link = "logit", .ties = "", .formula = "y ~ x/1",
                          .n = 10, .events = 3, .converged = 1, .iterations = 4, .rank = 1,
                          .loglik = -6.1086943, .loglik_null = -6.1086943, .aic = 14.2, .bic = 1.0 / 3,
                          .lr_stat = 0, .lr_df = 0, .lr_p = 1, .vce_label = "model",
                          .conf_level = 0.95, .p = 2, .coef = c, .vcov = vc,
                          .warnings = warn, .n_warnings = 1};
    rhaz_error err;
    json_object *v = rhaz_fit_summary_to_json(&s, NULL, &err);
    T_CHECK(v != NULL, "to_json");
    json_object *f;
    T_CHECK(!json_object_object_get_ex(v, "ties", &f), "no ties for a GLM");
    T_CHECK(!json_object_object_get_ex(v, "strata", &f), "no strata when unstratified");
    char *txt = to_text(v);
    json_object_put(v);
    T_CHECK(txt && strstr(txt, "\"bic\": 0.3333333333333333,"), "bic shortest");
    T_CHECK(txt && strstr(txt, "\"estimate\": null"), "aliased estimate null");
    rhaz_fit_summary *r = rhaz_fit_summary_parse_json(txt, "mem", &err);
    T_CHECK(r != NULL, "reads back: %s", err.msg);
    if (r) {
        T_EQ_STR(r->model, "logit", "model");
        T_EQ_STR(r->formula, "y ~ x/1", "formula");
        T_EQ_INT(r->n, 10, "n");
        T_EQ_INT(r->p, 2, "p");
        T_CHECK(r->bic == 1.0 / 3 && r->loglik == s.loglik, "doubles exact");
        T_CHECK(r->coef[0].estimate == -1.5 && r->coef[0].p_value == 1.9e-9, "coef exact");
        T_CHECK(r->coef[1].aliased && isnan(r->coef[1].estimate), "aliased");
        T_CHECK(r->vcov && r->vcov[0] == 0.0625 && isnan(r->vcov[3]), "vcov");
        T_CHECK(r->n_warnings == 1 && strcmp(r->warnings[0], warn[0]) == 0, "warning");
    }
    rhaz_fit_summary_free(r);
    free(txt);
    /* exponentiated */
    rhaz_summary_options o = {.exp = 1};
    v = rhaz_fit_summary_to_json(&s, &o, &err);
    T_CHECK(json_object_object_get_ex(v, "exponentiated", &f) && json_object_get_boolean(f),
            "exponentiated flag");
    json_object *cs, *c0, *e;
    T_CHECK(json_object_object_get_ex(v, "coefficients", &cs) &&
                (c0 = json_object_array_get_idx(cs, 0)) &&
                json_object_object_get_ex(c0, "estimate", &e) &&
                json_object_get_double(e) == exp(-1.5), "exp(estimate)");
    json_object_put(v);
    T_CHECK(rhaz_fit_summary_to_json(NULL, NULL, &err) == NULL && err.status == RHAZ_EINVAL,
            "no fit");
}

int main(void)
{
    test_numbers();
    test_table_json();
    test_fit_json();
    return t_summary();
}
