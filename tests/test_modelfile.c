/* test_modelfile.c -- the declarative model-file parser. */
#include "harness.h"
#include "rhaz.h"

/* A schema as a program gives one: kinds, names, keys per kind. */
static int in(const char *key, const char *const *keys)
{
    for (; *keys; keys++)
        if (strcmp(key, *keys) == 0)
            return 1;
    return 0;
}
static int panel_key(const char *key)
{
    static const char *const k[] = {"treaty", "end", NULL};
    return in(key, k);
}
static int model_key(const char *key)
{
    static const char *const k[] = {"type", "formula", "vce", NULL};
    return in(key, k);
}
static const rhaz_mf_kind kinds[] = {
    {"panel", 0, panel_key}, {"model", 1, model_key}, {"table", 1, NULL}};
static const rhaz_mf_schema schema = {kinds, 3};

static rhaz_modelfile *parse(const char *s, rhaz_error *err)
{
    return rhaz_modelfile_parse(s, strlen(s), "m.model", &schema, err);
}

static void test_good(void)
{
    T_SECTION("good");
    rhaz_error err;
    const char *text = "# ICMW\n[panel]\ntreaty = icmw\nend = 2015   \n\n"
                       "[model base]\ntype = logit\n"
                       "formula = event ~ democracy +\n    oecd + region_density\n"
                       "; comment\n[table main]\nmodels = base, cox1\n";
    rhaz_modelfile *mf = parse(text, &err);
    T_CHECK(mf != NULL, "parse: %s", err.msg);
    if (!mf)
        return;
    T_EQ_INT(rhaz_modelfile_nsections(mf), 3, "sections");
    const rhaz_mf_section *p = rhaz_modelfile_find(mf, "panel", NULL);
    T_CHECK(p && p->line == 2, "panel section line");
    const rhaz_mf_entry *e;
    T_EQ_STR(rhaz_mf_get(p, "end", &e), "2015", "trailing blanks dropped");
    T_CHECK(e && e->line == 4, "entry line");
    const rhaz_mf_section *m = rhaz_modelfile_find(mf, "model", "base");
    T_EQ_STR(rhaz_mf_get(m, "formula", NULL),
             "event ~ democracy + oecd + region_density", "continuation");
    T_CHECK(rhaz_mf_get(m, "vce", NULL) == NULL, "absent key");
    size_t n;
    char **l = rhaz_mf_split(rhaz_mf_get(rhaz_modelfile_find(mf, "table", "main"),
                                         "models", NULL), &n);
    T_EQ_INT(n, 2, "split count");
    T_EQ_STR(l[0], "base", "split 0");
    T_EQ_STR(l[1], "cox1", "split 1");
    T_CHECK(l[2] == NULL, "split terminated");
    rhaz_mf_list_free(l);
    rhaz_modelfile_error(mf, m, "type", RHAZ_EINVAL, &err, "unknown type '%s'",
                         "probit");
    char buf[256];
    rhaz_error_format(&err, buf, sizeof buf);
    T_EQ_STR(buf, "m.model:7: [model base] type: unknown type 'probit'",
             "value error names file, line, section and key");
    rhaz_modelfile_free(mf);
}

static void test_bad(void)
{
    T_SECTION("bad");
    struct {
        const char *text;
        long line;
        const char *msg;
    } cases[] = {
        {"[panel]\ntreaty icmw\n", 2, "expected 'key = value'"},
        {"treaty = icmw\n", 1, "before any [section]"},
        {"[panel\n", 1, "must end with ']'"},
        {"[pannel]\n", 1, "unknown section [pannel] (panel, model, table)"},
        {"[model]\ntype = logit\n", 1, "needs a name"},
        {"[panel x]\n", 1, "takes no name"},
        {"[panel]\ntreaty = a\ntreaty = b\n", 3, "repeats the one on line 2"},
        {"[model a]\n[model a]\n", 2, "repeats the one on line 1"},
        {"[model a]\nformla = y ~ x\n", 2, "unknown key 'formla'"},
        {"[model a]\ntype = lo\x01git\n", 2, "control character"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        rhaz_error err;
        rhaz_modelfile *mf = parse(cases[k].text, &err);
        T_CHECK(mf == NULL && err.line == cases[k].line &&
                    strstr(err.msg, cases[k].msg) != NULL,
                "case %zu: got line %ld '%s'", k, err.line, err.msg);
        rhaz_modelfile_free(mf);
    }
    /* without a schema every kind and key is accepted, names optional */
    rhaz_error err;
    const char *free_text = "[anything x]\nwhatever = 1\n[panel]\n";
    rhaz_modelfile *mf = rhaz_modelfile_parse(free_text, strlen(free_text),
                                              "m.model", NULL, &err);
    T_CHECK(mf && rhaz_modelfile_nsections(mf) == 2, "no schema: %s",
            mf ? "" : err.msg);
    rhaz_modelfile_free(mf);
    T_CHECK(rhaz_modelfile_read("/nonexistent.model", &schema, &err) == NULL &&
                err.status == RHAZ_EIO,
            "missing file");
}

int main(void)
{
    test_good();
    test_bad();
    return t_summary();
}
