/* harness.h -- a tiny test harness: checks count, a summary line
 * "N passed, N failed" ends every test program.  Tests run from the
 * repository root; BUILD (env) names the build directory. */
#ifndef RHAZ_TEST_HARNESS_H
#define RHAZ_TEST_HARNESS_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define T_UNUSED __attribute__((unused))

static int t_passed, t_failed;
static const char *t_section = "";

#define T_SECTION(name) (t_section = (name))

static void t_report(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void t_report(int ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) {
        t_passed++;
        return;
    }
    t_failed++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL %s:%d [%s] ", file, line, t_section);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

#define T_CHECK(cond, ...) t_report(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* |got - want| <= tol * max(|want|, tiny); NaN never passes unless both. */
T_UNUSED static int t_rel_ok(double got, double want, double tol)
{
    if (isnan(want))
        return isnan(got);
    if (isinf(want))
        return got == want;
    double scale = fabs(want) > 1e-300 ? fabs(want) : 1.0;
    return fabs(got - want) <= tol * scale;
}
#define T_REL(got, want, tol, name)                                            \
    do {                                                                       \
        double t_g_ = (got), t_w_ = (want);                                    \
        t_report(t_rel_ok(t_g_, t_w_, (tol)), __FILE__, __LINE__,              \
                 "%s: got %.12g, want %.12g (rel tol %g)", (name), t_g_, t_w_, \
                 (double)(tol));                                               \
    } while (0)
/* absolute tolerance, for values near zero */
#define T_ABS(got, want, tol, name)                                            \
    do {                                                                       \
        double t_g_ = (got), t_w_ = (want);                                    \
        t_report(fabs(t_g_ - t_w_) <= (tol), __FILE__, __LINE__,               \
                 "%s: got %.12g, want %.12g (abs tol %g)", (name), t_g_, t_w_, \
                 (double)(tol));                                               \
    } while (0)
#define T_EQ_INT(got, want, name)                                              \
    do {                                                                       \
        long long t_g_ = (long long)(got), t_w_ = (long long)(want);           \
        t_report(t_g_ == t_w_, __FILE__, __LINE__, "%s: got %lld, want %lld",  \
                 (name), t_g_, t_w_);                                          \
    } while (0)
#define T_EQ_STR(got, want, name)                                              \
    do {                                                                       \
        const char *t_g_ = (got), *t_w_ = (want);                              \
        t_report(t_g_ && t_w_ && strcmp(t_g_, t_w_) == 0, __FILE__, __LINE__,  \
                 "%s: got '%s', want '%s'", (name), t_g_ ? t_g_ : "(null)",    \
                 t_w_ ? t_w_ : "(null)");                                      \
    } while (0)

static int t_summary(void)
{
    printf("%d passed, %d failed\n", t_passed, t_failed);
    return t_failed ? 1 : 0;
}

/* Path of the rhaz binary under test. */
T_UNUSED static const char *t_rhaz(void)
{
    static char path[512];
    const char *b = getenv("BUILD");
    snprintf(path, sizeof path, "%s/rhaz", b && *b ? b : "build");
    return path;
}

/* Read a whole file into a malloc'd NUL-terminated string (NULL if it
 * cannot be read). */
T_UNUSED static char *t_slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    size_t got;
    while (b && (got = fread(b + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    fclose(fp);
    if (b)
        b[n] = '\0';
    return b;
}

/* Run `rhaz ARGS` through sh; stdout and stderr are captured into
 * malloc'd strings (caller frees).  Returns the exit status, or -1 if
 * the program died from a signal. */
T_UNUSED static int t_run(const char *args, char **out, char **err)
{
    char cmd[8192], o[64], e[64];
    snprintf(o, sizeof o, "/tmp/rhaz-test-out.%d", (int)getpid());
    snprintf(e, sizeof e, "/tmp/rhaz-test-err.%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "%s %s >%s 2>%s", t_rhaz(), args, o, e);
    int st = system(cmd);
    if (out)
        *out = t_slurp(o);
    if (err)
        *err = t_slurp(e);
    remove(o);
    remove(e);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    int code = WEXITSTATUS(st);
    return code >= 128 ? -1 : code; /* sh reports signals as 128+n */
}

/* A per-process temporary path "/tmp/rhaz-PID-name", so that test runs
 * in parallel (several checkouts, or check and check-asan) never share
 * files.  Returns one of 16 rotating static buffers. */
T_UNUSED static const char *t_tmp(const char *name)
{
    static char buf[16][256];
    static int k;
    char *b = buf[k++ % 16];
    snprintf(b, 256, "/tmp/rhaz-%d-%s", (int)getpid(), name);
    return b;
}

/* dir/name (a test that keeps its files in one mkdtemp directory), in
 * one of 8 rotating static buffers. */
T_UNUSED static const char *t_join(const char *dir, const char *name)
{
    static char buf[8][256];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", dir, name);
    return b;
}

/* Count lines in s. */
T_UNUSED static int t_count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

#endif
