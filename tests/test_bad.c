/* test_bad.c -- every command on the bad-input corpus (tests/bad/).
 *
 * tests/bad/MANIFEST.csv lists cases: the rhaz arguments (OUT stands for
 * an output path that must not exist afterwards, HUGE a generated file
 * with a 2 MiB field), the expected exit code
 * and a substring the one-line stderr message must contain. */
#include "harness.h"
#include "rhaz.h"

#include <unistd.h>

static char huge[64];

static void make_huge(void)
{
    snprintf(huge, sizeof huge, "/tmp/rhaz-bad-huge.%d.csv", (int)getpid());
    FILE *fp = fopen(huge, "w");
    fputs("a,b\n1,", fp);
    for (int i = 0; i < 2 * 1024 * 1024; i++)
        fputc('x', fp);
    fputs("\n", fp);
    fclose(fp);
}

int main(void)
{
    make_huge();
    rhaz_error err;
    const char *as_str[] = {"case", "args", "stderr", NULL};
    rhaz_csv_options opt = {.as_string = as_str};
    rhaz_table *m = rhaz_table_read("tests/bad/MANIFEST.csv", &opt, &err);
    T_CHECK(m != NULL, "manifest: %s", err.msg);
    if (!m)
        return t_summary();
    long jc = rhaz_table_find(m, "case"), ja = rhaz_table_find(m, "args"),
         je = rhaz_table_find(m, "exit"), js = rhaz_table_find(m, "stderr");
    T_CHECK(jc >= 0 && ja >= 0 && je >= 0 && js >= 0, "manifest columns");
    char out[64];
    snprintf(out, sizeof out, "/tmp/rhaz-bad-out.%d", (int)getpid());
    for (size_t i = 0; i < rhaz_table_nrow(m); i++) {
        const char *name = rhaz_table_str(m, (size_t)jc, i);
        const char *args = rhaz_table_str(m, (size_t)ja, i);
        int want = (int)rhaz_table_num(m, (size_t)je)[i];
        const char *msg = rhaz_table_str(m, (size_t)js, i);
        T_SECTION(name);
        /* substitute OUT */
        char cmd[4096];
        size_t k = 0;
        for (const char *p = args; *p && k < sizeof cmd - 80;) {
            if (strncmp(p, "OUT", 3) == 0) {
                k += (size_t)snprintf(cmd + k, sizeof cmd - k, "%s", out);
                p += 3;
            } else if (strncmp(p, "HUGE", 4) == 0) {
                k += (size_t)snprintf(cmd + k, sizeof cmd - k, "%s", huge);
                p += 4;
            } else
                cmd[k++] = *p++;
        }
        cmd[k] = '\0';
        remove(out);
        char *so, *se;
        int rc = t_run(cmd, &so, &se);
        T_EQ_INT(rc, want, "exit code");
        T_CHECK(se && t_count_lines(se) == 1 && strncmp(se, "rhaz", 4) == 0,
                "exactly one stderr line: '%s'", se ? se : "");
        T_CHECK(se && msg && strstr(se, msg), "stderr '%s' contains '%s'",
                se ? se : "", msg ? msg : "");
        T_CHECK(access(out, F_OK) != 0, "no output file left behind");
        free(so);
        free(se);
    }
    rhaz_table_free(m);
    remove(huge);
    return t_summary();
}
