/* test_bad.c -- every command on the bad-input corpus (tests/bad/).
 *
 * tests/bad/MANIFEST.csv lists cases: the rhaz arguments (OUT stands for
 * an output path that must not exist afterwards, HUGE a generated file
 * with a 2 MiB field, WIDE one with 100001 columns, BADDATE a copy of data/ (symbolic links) whose
 * ICMW status file has a garbage date, EARLYDATE one where an ICMW act
 * is dated 1907 (before the 1990 opening), DUPDATA one whose polity5.csv
 * repeats a state-year, PACTDATA one whose predecessor-acts.csv has a row
 * without its source), the expected exit code
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

static char wide[64];

/* a header of 100001 columns (one more than the cap) */
static void make_wide(void)
{
    snprintf(wide, sizeof wide, "/tmp/rhaz-bad-wide.%d.csv", (int)getpid());
    FILE *fp = fopen(wide, "w");
    for (int i = 0; i <= 100000; i++)
        fprintf(fp, "%sc%d", i ? "," : "", i);
    fputs("\n", fp);
    for (int i = 0; i <= 100000; i++)
        fputs(i ? ",1" : "1", fp);
    fputs("\n", fp);
    fclose(fp);
}

static char baddate[64], dupdata[64], earlydate[64], pactdata[64];

/* data/ as a tree of symbolic links, with one file replaced by `cmd`
 * (a shell command writing $D/$F from the original data/$F) */
static void make_data(char *dir, size_t size, const char *tag,
                      const char *file, const char *cmd)
{
    char sh[2048];
    snprintf(dir, size, "/tmp/rhaz-bad-%s.%d", tag, (int)getpid());
    snprintf(sh, sizeof sh,
             "D=%s F=%s; rm -rf $D && cp -rs \"$PWD/data\" $D && rm $D/$F && %s",
             dir, file, cmd);
    T_CHECK(system(sh) == 0, "make %s", dir);
}

static void remove_tree(const char *dir)
{
    char sh[256];
    snprintf(sh, sizeof sh, "rm -rf '%s'", dir);
    if (system(sh) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

int main(void)
{
    make_huge();
    make_wide();
    make_data(baddate, sizeof baddate, "date", "un-2015/4-13.csv",
              "sed 's/^Algeria,,21 Apr 2005 a/Algeria,,31 Foo 2005 a/' "
              "data/$F > $D/$F");
    make_data(earlydate, sizeof earlydate, "early", "un-2015/4-13.csv",
              "sed 's/^Algeria,,21 Apr 2005 a/Algeria,,5 Jun 1907 a/' "
              "data/$F > $D/$F");
    make_data(dupdata, sizeof dupdata, "dup", "polity5.csv",
              "{ cat data/$F; grep '\"AFG\",1995' data/$F; } > $D/$F");
    make_data(pactdata, sizeof pactdata, "pact", "predecessor-acts.csv",
              "{ cat data/$F; echo '345,cerd,1967-10-02,ratification,'; } > $D/$F");
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
            } else if (strncmp(p, "BADDATE", 7) == 0) {
                k += (size_t)snprintf(cmd + k, sizeof cmd - k, "%s", baddate);
                p += 7;
            } else if (strncmp(p, "EARLYDATE", 9) == 0) {
                k += (size_t)snprintf(cmd + k, sizeof cmd - k, "%s", earlydate);
                p += 9;
            } else if (strncmp(p, "PACTDATA", 8) == 0) {
                k += (size_t)snprintf(cmd + k, sizeof cmd - k, "%s", pactdata);
                p += 8;
            } else if (strncmp(p, "DUPDATA", 7) == 0) {
                k += (size_t)snprintf(cmd + k, sizeof cmd - k, "%s", dupdata);
                p += 7;
            } else if (strncmp(p, "WIDE", 4) == 0) {
                k += (size_t)snprintf(cmd + k, sizeof cmd - k, "%s", wide);
                p += 4;
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
        T_CHECK(!so || !*so, "nothing on stdout: '%.60s'", so ? so : "");
        char outd[80];
        snprintf(outd, sizeof outd, "%s.d", out);
        remove_tree(outd);
        free(so);
        free(se);
    }
    rhaz_table_free(m);
    remove(huge);
    remove(wide);
    remove_tree(baddate);
    remove_tree(dupdata);
    remove_tree(pactdata);
    remove_tree(earlydate);
    return t_summary();
}
