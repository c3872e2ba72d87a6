/* test_run.c -- rhaz run: a model file end to end on the bundled data,
 * reproducibility, and errors that name the model file's line and key. */
#include "harness.h"
#include "rhaz.h"

#include <unistd.h>

static void write_file(const char *path, const char *s)
{
    FILE *fp = fopen(path, "w");
    fputs(s, fp);
    fclose(fp);
}

static const char *good =
    "[run]\ntitle = test\n"
    "[panel]\ntreaty = icmw\nend = 2015\n"
    "[participation]\ntreaties = icmw crc\nasof = 2015-03-14\n"
    "[model a]\ntype = logit\nformula = event ~ democracy + oecd + region_density\n"
    "cluster = cown\n"
    "[model b]\ntype = cloglog\nformula = event ~ democracy + oecd\n"
    "[table t]\nmodels = a, b\nformat = text csv\n";

static void test_good(void)
{
    T_SECTION("good");
    write_file("/tmp/rhaz-run-test.model", good);
    system("rm -rf /tmp/rhaz-run-out1 /tmp/rhaz-run-out2");
    char *out, *err;
    int rc = t_run("run /tmp/rhaz-run-test.model --out /tmp/rhaz-run-out1", &out, &err);
    T_EQ_INT(rc, 0, "exit");
    T_CHECK(err && strstr(err, "[4/5]") && strstr(err, "fitting model b"),
            "progress lines: %s", err ? err : "");
    free(out);
    free(err);
    const char *files[] = {"panel.csv", "panel-report.txt", "participation.txt",
                           "participation.csv", "models/a.json", "models/a.txt",
                           "models/b.json", "tables/t.txt", "tables/t.csv"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        char p[256];
        snprintf(p, sizeof p, "/tmp/rhaz-run-out1/%s", files[k]);
        T_CHECK(access(p, F_OK) == 0, "output %s", files[k]);
    }
    T_CHECK(access("/tmp/rhaz-run-out1/tables/t.tex", F_OK) != 0,
            "only the formats asked for");
    /* the table holds both models; the JSON fit equals a direct rhaz fit */
    char *tab = t_slurp("/tmp/rhaz-run-out1/tables/t.txt");
    T_CHECK(tab && strstr(tab, "region_density") && strstr(tab, "cloglog"),
            "table content");
    free(tab);
    rc = t_run("fit logit --data /tmp/rhaz-run-out1/panel.csv --formula "
               "'event ~ democracy + oecd + region_density' --cluster cown "
               "--format json --out /tmp/rhaz-run-direct.json",
               NULL, NULL);
    T_EQ_INT(rc, 0, "direct fit");
    char *a = t_slurp("/tmp/rhaz-run-out1/models/a.json");
    char *b = t_slurp("/tmp/rhaz-run-direct.json");
    T_CHECK(a && b && strcmp(a, b) == 0, "model file fit == command-line fit");
    free(a);
    free(b);
    /* reproducible */
    rc = t_run("run --quiet /tmp/rhaz-run-test.model --out /tmp/rhaz-run-out2", NULL,
               NULL);
    T_EQ_INT(rc, 0, "second run");
    T_EQ_INT(system("diff -r /tmp/rhaz-run-out1 /tmp/rhaz-run-out2 >/dev/null"), 0,
             "two runs give identical outputs");
    system("rm -rf /tmp/rhaz-run-out1 /tmp/rhaz-run-out2 /tmp/rhaz-run-direct.json");
}

static void test_errors(void)
{
    T_SECTION("errors");
    struct {
        const char *text, *expect;
    } cases[] = {
        {"[panel]\ntreaty = icmw\ndemocracy = polity9\n",
         "m.model:3: [panel] democracy:"},
        {"[panel]\ntreaty = nosuchtreaty\n", "m.model:2: [panel] treaty:"},
        {"[panel]\ntreaty = icmw\n[model a]\ntype = probit\nformula = event ~ oecd\n",
         "m.model:4: [model a] type: unknown model type 'probit'"},
        {"[panel]\ntreaty = icmw\n[model a]\ntype = logit\nformula = event ~ nosuch\n",
         "m.model:5: [model a] formula:"},
        {"[panel]\ntreaty = icmw\n[model a]\ntype = logit\nformula = event ~ oecd\n"
         "[table t]\nmodels = a, z\n",
         "m.model:7: [table t] models: no [model z] in this file"},
        {"[model a]\ntype = logit\nformula = event ~ oecd\n",
         "m.model:1: [model a] no [panel] section and no 'data = FILE'"},
        {"[panel]\ntreaty = icmw\n[model a]\ntype = logit\nformula = event ~ oecd\n"
         "firth = maybe\n",
         "m.model:6: [model a] firth: expected yes or no"},
        {"[panel]\ntreaty = icmw\nfrobnicate = 1\n", "m.model:3: unknown key 'frobnicate'"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        write_file("/tmp/m.model", cases[k].text);
        char *out, *err;
        int rc = t_run("run --quiet /tmp/m.model --out /tmp/rhaz-run-bad", &out, &err);
        T_EQ_INT(rc, 1, cases[k].expect);
        T_CHECK(err && t_count_lines(err) == 1 && strstr(err, cases[k].expect),
                "case %zu stderr: %s", k, err ? err : "");
        free(out);
        free(err);
    }
    system("rm -rf /tmp/rhaz-run-bad /tmp/m.model /tmp/rhaz-run-test.model");
}

int main(void)
{
    test_good();
    test_errors();
    return t_summary();
}
