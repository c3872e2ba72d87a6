/* test_fitjson.c -- reading fitted-model JSON back into a summary. */
#include "harness.h"
#include "rhaz.h"

static void test_read(void)
{
    T_SECTION("read");
    const char *doc =
        "{\"model\": \"logit\", \"link\": \"logit\", \"n\": 120, \"events\": 14,\n"
        " \"converged\": true, \"iterations\": 6, \"loglik\": -40.25,\n"
        " \"loglik_null\": -45.5, \"aic\": 86.5, \"clusters\": 30,\n"
        " \"coefficients\": [\n"
        "  {\"term\": \"(Intercept)\", \"estimate\": -2.5, \"std_error\": 0.5,"
        "   \"statistic\": -5, \"p_value\": 5.7e-07, \"conf_low\": -3.48,"
        "   \"conf_high\": -1.52},\n"
        "  {\"term\": \"oecd\", \"estimate\": null, \"std_error\": null}],\n"
        " \"vcov\": [[0.25, null], [null, null]],\n"
        " \"warnings\": [\"oecd dropped: collinear\"]}\n";
    rhaz_error err = {0};
    rhaz_fit_summary *s = rhaz_fit_summary_parse_json(doc, "f.json", &err);
    T_CHECK(s != NULL, "parse: %s", err.msg);
    if (!s)
        return;
    T_EQ_STR(s->model, "logit", "model");
    T_EQ_INT(s->n, 120, "n");
    T_EQ_INT(s->events, 14, "events");
    T_EQ_INT(s->n_clusters, 30, "clusters");
    T_CHECK(s->converged, "converged");
    T_REL(s->loglik, -40.25, 0, "loglik");
    T_EQ_INT(s->p, 2, "p");
    T_EQ_STR(s->coef[0].term, "(Intercept)", "term 0");
    T_REL(s->coef[0].conf_high, -1.52, 0, "conf_high");
    T_CHECK(s->coef[1].aliased && isnan(s->coef[1].estimate), "null -> aliased");
    T_REL(s->vcov[0], 0.25, 0, "vcov[0,0]");
    T_CHECK(isnan(s->vcov[3]), "vcov null -> NaN");
    T_EQ_INT(s->n_warnings, 1, "warnings");
    T_CHECK(isnan(s->bic), "absent number is NaN");
    rhaz_fit_summary_free(s);
}

static void test_bad(void)
{
    T_SECTION("bad");
    rhaz_error err = {0};
    T_CHECK(rhaz_fit_summary_parse_json("{\"model\": \"logit\",\n \"n\": }",
                                        "b.json", &err) == NULL &&
                err.status == RHAZ_EPARSE && err.line == 2,
            "syntax error on line 2 (got %ld: %s)", err.line, err.msg);
    T_CHECK(rhaz_fit_summary_parse_json("{\"coefficients\": []}", "b.json",
                                        &err) == NULL &&
                strstr(err.msg, "\"model\""),
            "missing model key named");
    T_CHECK(rhaz_fit_summary_parse_json("{\"model\": \"cox\", \"coefficients\":"
                                        " [{\"estimate\": 1}]}",
                                        "b.json", &err) == NULL &&
                strstr(err.msg, "coefficients[0]"),
            "coefficient without term named");
    T_CHECK(rhaz_fit_summary_parse_json("{\"model\": \"cox\", \"coef",
                                        "b.json", &err) == NULL &&
                strstr(err.msg, "unexpected end of file"),
            "truncated JSON said so: %s", err.msg);
    /* p coefficients and p empty vcov rows: no p x p allocation */
    char big[400000];
    size_t k = (size_t)snprintf(big, sizeof big,
                                "{\"model\": \"cox\", \"stop\": \"separation\", "
                                "\"coefficients\": [");
    for (int j = 0; j < 5000; j++)
        k += (size_t)snprintf(big + k, sizeof big - k, "%s{\"term\": \"x%d\", \"estimate\": null, \"std_error\": null}",
                              j ? "," : "", j);
    k += (size_t)snprintf(big + k, sizeof big - k, "], \"vcov\": [");
    for (int j = 0; j < 5000; j++)
        k += (size_t)snprintf(big + k, sizeof big - k, "%s[]", j ? "," : "");
    snprintf(big + k, sizeof big - k, "]}");
    rhaz_fit_summary *s = rhaz_fit_summary_parse_json(big, "big.json", &err);
    T_CHECK(!s && strstr(err.msg, "\"vcov\" is not a 5000 x 5000 matrix"),
            "empty vcov rows refused (before any p x p allocation): %s", err.msg);
    rhaz_fit_summary_free(s);
    s = rhaz_fit_summary_parse_json("{\"model\": \"cox\", \"stop\": \"separation\", "
                                    "\"coefficients\": [{\"term\": \"x\", \"estimate\": "
                                    "null, \"std_error\": null}]}", "sep.json", &err);
    T_CHECK(s && s->stop == RHAZ_STOP_SEPARATION, "stop reason read back");
    rhaz_fit_summary_free(s);
    /* fuzz_fitjson: a fit without "vcov" written back as JSON read NULL;
     * a count of 2.8e31 did not convert to size_t (UBSan) */
    s = rhaz_fit_summary_read_json("tests/fuzz/regress/fitjson-huge-count.json", &err);
    T_CHECK(!s && err.status == RHAZ_EDATA && strstr(err.msg, "unknown key"),
            "fuzzed key names refused: %s", err.msg);
    rhaz_fit_summary_free(s);
    s = rhaz_fit_summary_parse_json("{\"model\": \"logit\", \"n\": 2.8e31, "
                                    "\"coefficients\": []}", "huge.json", &err);
    T_CHECK(!s && strstr(err.msg, "\"n\": 2.8e31 is not a count"), "huge count refused: %s",
            err.msg);
    rhaz_fit_summary_free(s);
    /* versions and key names */
    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"{\"format\": \"rhaz-fit\", \"format_version\": 2, \"model\": \"logit\", "
         "\"coefficients\": []}", "\"format_version\": 2: this rhaz reads version 1"},
        {"{\"format\": \"rhaz-fit\", \"model\": \"logit\", \"coefficients\": []}",
         "\"format_version\": missing"},
        {"{\"format\": \"other\", \"format_version\": 1, \"model\": \"logit\", "
         "\"coefficients\": []}", "is not a rhaz fit"},
        {"{\"model\": \"logit\", \"coefs\": 1, \"coefficients\": []}",
         "unknown key \"coefs\""},
        {"{\"model\": \"logit\", \"coefficients\": [{\"term\": \"x\", \"coef\": 1, "
         "\"estimate\": 1, \"std_error\": 1}]}", "coefficients[0] (x): unknown key \"coef\""},
        {"{\"model\": \"logit\", \"coefficients\": [{\"term\": \"x\", \"estimate\": \"1\", "
         "\"std_error\": 1}]}", "non-numeric key \"estimate\""},
        {"{\"model\": \"logit\", \"coefficients\": [{\"term\": \"x\", \"std_error\": 1}]}",
         "coefficients[0] (x): no \"estimate\""},
    };
    for (size_t q = 0; q < sizeof bad / sizeof bad[0]; q++) {
        s = rhaz_fit_summary_parse_json(bad[q].in, "v.json", &err);
        T_CHECK(!s && strstr(err.msg, bad[q].msg), "refused %zu: '%s' in '%s'", q,
                bad[q].msg, err.msg);
        rhaz_fit_summary_free(s);
    }
    /* with a version, members a caller added are ignored */
    s = rhaz_fit_summary_parse_json("{\"format\": \"rhaz-fit\", \"format_version\": 1, "
                                    "\"model\": \"cox\", \"frailty\": {}, "
                                    "\"coefficients\": [{\"term\": \"x\", \"estimate\": 0.5, "
                                    "\"std_error\": 0.25}]}", "v.json", &err);
    T_CHECK(s && s->p == 1 && s->coef[0].estimate == 0.5, "version 1 read: %s", err.msg);
    rhaz_fit_summary_free(s);
    /* the fuzzed file's 3 x 3 vcov of one coefficient is refused; without
     * a vcov the fit reads and writes back */
    s = rhaz_fit_summary_read_json("tests/fuzz/regress/fitjson-no-vcov.json", &err);
    T_CHECK(!s && strstr(err.msg, "\"vcov\" is not a 1 x 1 matrix"),
            "a vcov of another shape refused: %s", err.msg);
    s = rhaz_fit_summary_parse_json(
        "{\"model\": \"cox\", \"link\": \"\", \"ties\": \"efron\", \"n\": 2310, "
        "\"events\": 47, \"converged\": true, \"iterations\": 5, \"loglik\": -180.0, "
        "\"coefficients\": [{\"term\": \"democracy\", \"estimate\": 1.75, "
        "\"std_error\": 0.5, \"statistic\": 3.5, \"p_value\": 0.0005, "
        "\"conf_low\": 0.77, \"conf_high\": 2.73}]}", "novcov.json", &err);
    T_CHECK(s && s->vcov == NULL, "fit without vcov reads: %s", err.msg);
    if (s) {
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        rhaz_summary_options so = {0};
        T_CHECK(mem && rhaz_fit_summary_write(mem, s, RHAZ_SUMMARY_JSON, &so, &err) ==
                           RHAZ_OK, "written as JSON");
        if (mem)
            fclose(mem);
        rhaz_fit_summary *s2 = buf ? rhaz_fit_summary_parse_json(buf, "again", &err) : NULL;
        T_CHECK(s2 && s2->p == s->p, "and read back: %s", err.msg);
        rhaz_fit_summary_free(s2);
        free(buf);
    }
    rhaz_fit_summary_free(s);
    T_CHECK(rhaz_fit_summary_read_json("/nonexistent.json", &err) == NULL &&
                err.status == RHAZ_EIO,
            "missing file");
}

int main(void)
{
    test_read();
    test_bad();
    return t_summary();
}
