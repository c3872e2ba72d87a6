/* test_core.c -- the core layer: error records, the string map, the
 * capped file reader, number formatting, string copies, atomic output. */
#include "core/util.h"
#include "harness.h"
#include "rhaz.h"

#include <float.h>
#include <pthread.h>
#include <sys/stat.h>

static void test_strings(void)
{
    T_SECTION("strings");
    char *a = core_strdup("abc");
    T_EQ_STR(a, "abc", "strdup");
    T_CHECK(core_strdup(NULL) == NULL, "strdup(NULL) is NULL");
    char *b = core_strndup("abcdef", 3);
    T_EQ_STR(b, "abc", "strndup cuts and terminates");
    char *c = core_strndup("", 0);
    T_EQ_STR(c, "", "strndup of nothing");
    free(a);
    free(b);
    free(c);
}

static void test_strmap(void)
{
    T_SECTION("string map");
    strmap m = {0};
    size_t v = 99;
    T_EQ_INT(strmap_get(&m, "x", &v), 0, "empty zeroed map: not found");
    T_EQ_INT(v, 99, "value untouched when not found");
    /* many keys: forces several rehashes from a small hint */
    T_EQ_INT(strmap_init(&m, 1), 0, "init");
    char key[32];
    int ok = 1;
    for (size_t i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "key-%zu", i);
        ok &= strmap_put(&m, key, i * 7) == 0;
    }
    T_CHECK(ok, "5000 puts");
    T_EQ_INT(m.n, 5000, "count");
    T_CHECK(m.cap >= 2 * m.n, "load factor at most 1/2 (cap %zu)", m.cap);
    int all = 1;
    for (size_t i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "key-%zu", i);
        all &= strmap_get(&m, key, &v) == 1 && v == i * 7;
    }
    T_CHECK(all, "every key found with its value after rehashing");
    T_EQ_INT(strmap_get(&m, "key-5000", NULL), 0, "absent key");
    T_EQ_INT(strmap_get(&m, "", NULL), 0, "empty key absent");
    T_EQ_INT(strmap_put(&m, "key-17", 1), 0, "overwrite");
    T_EQ_INT(strmap_get(&m, "key-17", &v) && v == 1, 1, "overwritten value");
    T_EQ_INT(m.n, 5000, "overwrite does not add");
    T_EQ_INT(strmap_put(&m, "", 3), 0, "empty key");
    T_EQ_INT(strmap_get(&m, "", &v) && v == 3, 1, "empty key found");
    /* the key is copied */
    char tmp[8] = "copy";
    strmap_put(&m, tmp, 42);
    tmp[0] = 'X';
    T_EQ_INT(strmap_get(&m, "copy", &v) && v == 42, 1, "key copied on put");
    strmap_free(&m);
    T_EQ_INT(m.n + m.cap, 0, "free empties");
    T_EQ_INT(strmap_get(&m, "copy", NULL), 0, "freed map is empty");
    strmap_free(&m); /* twice is harmless */
    strmap_free(NULL);
    /* FNV-1a 64-bit reference values (FNV test suite) */
    if (sizeof(size_t) == 8) {
        T_CHECK(core_hash("") == (size_t)0xcbf29ce484222325ULL, "fnv1a('')");
        T_CHECK(core_hash("a") == (size_t)0xaf63dc4c8601ec8cULL, "fnv1a('a')");
        T_CHECK(core_hash("foobar") == (size_t)0x85944171f73967e8ULL, "fnv1a('foobar')");
    }
    char f[64];
    strmap_fold("  Côte  d'Ivoire\t ", f, sizeof f);
    T_EQ_STR(f, "côte d'ivoire", "fold: lower, blanks collapsed, ends trimmed");
    strmap_fold("ABCDEFGH", f, 4);
    T_EQ_STR(f, "abc", "fold truncates to the buffer");
}

static void write_file(const char *path, const char *s, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (fp) {
        fwrite(s, 1, n, fp);
        fclose(fp);
    }
}

static void test_read_file(void)
{
    T_SECTION("capped file reader");
    char dir[] = "/tmp/rhaz-test-core-XXXXXX";
    if (!mkdtemp(dir)) {
        T_CHECK(0, "mkdtemp");
        return;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/f.txt", dir);
    write_file(path, "hello\0world", 11);
    rhaz_error err;
    char *buf = (char *)1;
    size_t len = 1;
    T_EQ_INT(core_read_file(path, 11, "file", &buf, &len, &err), RHAZ_OK, "read");
    T_EQ_INT(len, 11, "length (embedded NUL kept)");
    T_CHECK(buf && memcmp(buf, "hello\0world", 11) == 0 && buf[11] == '\0',
            "content and terminating NUL");
    free(buf);
    T_EQ_INT(core_read_file(path, 10, "model file", &buf, &len, &err), RHAZ_ENOMEM,
             "one byte over the cap");
    T_CHECK(buf == NULL && len == 0, "no buffer on error");
    T_CHECK(strstr(err.msg, "model file") && strstr(err.msg, "10-byte limit"),
            "message names the kind and the limit: '%s'", err.msg);
    T_EQ_STR(err.file, path, "error names the file");
    /* empty file */
    write_file(path, "", 0);
    T_EQ_INT(core_read_file(path, 100, NULL, &buf, &len, &err), RHAZ_OK, "empty file");
    T_CHECK(buf && len == 0 && buf[0] == '\0', "empty buffer is a string");
    free(buf);
    /* a stream (not a regular file) grows past 64 KiB */
    char fifo[300];
    snprintf(fifo, sizeof fifo, "%s/big.txt", dir);
    size_t big = 200000;
    char *data = malloc(big);
    for (size_t i = 0; i < big; i++)
        data[i] = (char)('a' + i % 26);
    write_file(fifo, data, big);
    char cmd[700];
    /* through a named pipe: no size known in advance */
    snprintf(cmd, sizeof cmd, "%s/pipe", dir);
    if (mkfifo(cmd, 0600) == 0) {
        pid_t pid = fork();
        if (pid == 0) {
            FILE *w = fopen(cmd, "wb");
            if (w) {
                fwrite(data, 1, big, w);
                fclose(w);
            }
            free(data);
            _exit(0);
        }
        T_EQ_INT(core_read_file(cmd, big, "file", &buf, &len, &err), RHAZ_OK,
                 "pipe read (grows)");
        T_CHECK(len == big && buf && memcmp(buf, data, big) == 0, "pipe content");
        free(buf);
        waitpid(pid, NULL, 0);
        pid = fork();
        if (pid == 0) {
            FILE *w = fopen(cmd, "wb");
            if (w) {
                fwrite(data, 1, big, w);
                fclose(w);
            }
            free(data);
            _exit(0);
        }
        T_EQ_INT(core_read_file(cmd, big - 1, "file", &buf, &len, &err), RHAZ_ENOMEM,
                 "pipe over the cap");
        waitpid(pid, NULL, 0);
        unlink(cmd);
    } else
        T_CHECK(0, "mkfifo");
    free(data);
    snprintf(cmd, sizeof cmd, "%s/none", dir);
    T_EQ_INT(core_read_file(cmd, 10, "file", &buf, &len, &err), RHAZ_EIO, "missing file");
    T_CHECK(strstr(err.msg, "cannot open"), "missing: '%s'", err.msg);
    unlink(path);
    unlink(fifo);
    rmdir(dir);
}

static void test_format(void)
{
    T_SECTION("number formatting");
    char b[64];
    const struct {
        double x;
        const char *want;
    } fixed[] = {
        {0, "0"}, {-0.0, "0"}, {1, "1"}, {-42, "-42"}, {2015, "2015"},
        {999999999999999.0, "999999999999999"}, {1e15, "1e+15"}, {0.1, "0.1"},
        {1.0 / 3, "0.3333333333333333"}, {0.1 + 0.2, "0.30000000000000004"},
        {-2.5, "-2.5"}, {1e22, "1e+22"}, {5e-324, "4.94065645841247e-324"},
        {DBL_MAX, "1.7976931348623157e+308"},
    };
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++) {
        rhaz_format_double(fixed[k].x, b, sizeof b);
        T_EQ_STR(b, fixed[k].want, "format_double");
    }
    /* 1/3 at 15 digits does not read back: 16 or 17 are used */
    rhaz_format_double(1.0 / 3, b, sizeof b);
    T_CHECK(strtod(b, NULL) == 1.0 / 3, "1/3 round trip '%s'", b);
    rhaz_format_double(NAN, b, sizeof b);
    T_EQ_STR(b, "", "NaN is empty");
    /* round trip of many values, and shortest among %.15g..%.17g */
    unsigned long long s = 12345;
    int rt = 1, shortest = 1;
    for (int k = 0; k < 20000; k++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double x;
        unsigned long long bits = s;
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x))
            continue;
        rhaz_format_double(x, b, sizeof b);
        rt &= strtod(b, NULL) == x;
        char c15[64];
        snprintf(c15, sizeof c15, "%.15g", x);
        if (strtod(c15, NULL) == x && fabs(x) >= 1e15)
            shortest &= strcmp(c15, b) == 0;
    }
    T_CHECK(rt, "20000 random doubles read back exactly");
    T_CHECK(shortest, "%%.15g kept when it reads back");
    /* R's deparse */
    const struct {
        double x;
        const char *want;
    } r[] = {{1e5, "1e+05"}, {100000.5, "100000.5"}, {0.5, "0.5"}, {123, "123"},
             {1e-20, "1e-20"}, {0.0001, "1e-04"}, {0.1234, "0.1234"},
             {1.0 / 3, "0.333333333333333"}, {-7, "-7"}};
    for (size_t k = 0; k < sizeof r / sizeof *r; k++) {
        core_format_r(r[k].x, b, sizeof b);
        T_EQ_STR(b, r[k].want, "format_r");
    }
    /* integers take a path without printf: the same text as the search
     * for the shortest round-trip form (R's rule: fixed unless the
     * scientific form is shorter), here done the slow way */
    int same = 1;
    unsigned long long st = 99;
    for (int k = 0; k < 40000; k++) {
        double x;
        if (k < 2000) /* round numbers: 1..9 x 10^e and a few digits */
            x = (double)((k % 97) + 1) * pow(10, (k / 97) % 15) * (k % 2 ? -1 : 1);
        else {
            st = st * 6364136223846793005ULL + 1442695040888963407ULL;
            x = (double)(long long)((st >> 14) % 1000000000000000ULL) /
                pow(10, (double)((st >> 3) % 15)) * ((st >> 9) & 1 ? -1 : 1);
            x = round(x);
        }
        if (x == 0 || fabs(x) >= 1e15)
            continue;
        char sci[64], fix[64], want[64];
        int d;
        for (d = 1; d <= 15; d++) {
            snprintf(sci, sizeof sci, "%.*e", d - 1, x);
            if (strtod(sci, NULL) == x)
                break;
        }
        snprintf(fix, sizeof fix, "%.15g", x);
        snprintf(want, sizeof want, "%s",
                 !strchr(fix, 'e') && strlen(fix) <= strlen(sci) ? fix : sci);
        core_format_r(x, b, sizeof b);
        if (strcmp(b, want) != 0) {
            if (same)
                fprintf(stderr, "format_r(%.17g): %s, want %s\n", x, b, want);
            same = 0;
        }
    }
    T_CHECK(same, "format_r: 40000 integers as the shortest-form search");
    const struct {
        double x;
        const char *want;
    } ri[] = {{120000, "120000"}, {1200000, "1200000"}, {12000000, "1.2e+07"},
              {-100000, "-1e+05"}, {1e14, "1e+14"}, {999999999999999, "999999999999999"},
              {10000, "10000"}, {1946, "1946"}};
    for (size_t k = 0; k < sizeof ri / sizeof *ri; k++) {
        core_format_r(ri[k].x, b, sizeof b);
        T_EQ_STR(b, ri[k].want, "format_r integer");
    }
}

static void test_errors(void)
{
    T_SECTION("error records");
    rhaz_error err;
    memset(&err, 0x5a, sizeof err);
    rhaz_error_clear(&err);
    T_EQ_INT(err.status, RHAZ_OK, "clear: OK");
    T_EQ_INT(err.line + err.column + err.row, 0, "clear: zero positions");
    T_EQ_STR(err.msg, "", "clear: empty message");
    rhaz_error_clear(NULL);
    T_EQ_INT(rhaz_error_set(NULL, RHAZ_EDATA, "f", 1, "x"), RHAZ_EDATA,
             "set(NULL) returns the status");
    T_EQ_INT(rhaz_error_set(&err, RHAZ_EPARSE, "a.csv", 3, "bad\nthing %d", 7),
             RHAZ_EPARSE, "set returns the status");
    T_EQ_STR(err.msg, "bad thing 7", "message kept on one line");
    char buf[256];
    rhaz_error_format(&err, buf, sizeof buf);
    T_EQ_STR(buf, "a.csv:3: bad thing 7", "FILE:LINE: message");
    rhaz_error_set(&err, RHAZ_EIO, "a.csv", 0, "gone");
    rhaz_error_format(&err, buf, sizeof buf);
    T_EQ_STR(buf, "a.csv: gone", "FILE: message");
    rhaz_error_set(&err, RHAZ_EINVAL, NULL, 0, "%s", "");
    rhaz_error_format(&err, buf, sizeof buf);
    T_EQ_STR(buf, "invalid argument", "empty message: the status text");
    rhaz_error_format(&err, buf, 4);
    T_EQ_STR(buf, "inv", "format truncates");
    T_EQ_STR(rhaz_strerror(RHAZ_OK), "success", "strerror OK");
    T_EQ_STR(rhaz_strerror((rhaz_status)RHAZ_NSTATUS), "unknown status", "strerror range");
    T_EQ_STR(rhaz_strerror((rhaz_status)-1), "unknown status", "strerror negative");
    int named = 1;
    for (int s = 0; s < RHAZ_NSTATUS; s++)
        named &= rhaz_strerror((rhaz_status)s) != NULL &&
                 strcmp(rhaz_strerror((rhaz_status)s), "unknown status") != 0;
    T_CHECK(named, "every status has a message");
    /* a long message is cut, not overrun */
    char longs[2000];
    memset(longs, 'x', sizeof longs - 1);
    longs[sizeof longs - 1] = '\0';
    rhaz_error_set(&err, RHAZ_EDATA, longs, 5, "%s", longs);
    T_EQ_INT(strlen(err.msg), sizeof err.msg - 1, "message truncated to the record");
    T_EQ_INT(strlen(err.file), sizeof err.file - 1, "file truncated to the record");
}

static void test_outfile(void)
{
    T_SECTION("atomic output");
    char dir[] = "/tmp/rhaz-test-core-XXXXXX";
    if (!mkdtemp(dir)) {
        T_CHECK(0, "mkdtemp");
        return;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    rhaz_error err;
    rhaz_outfile *f = rhaz_outfile_open(path, &err);
    T_CHECK(f != NULL, "open");
    fputs("partial", rhaz_outfile_fp(f));
    T_CHECK(access(path, F_OK) != 0, "nothing at the path before commit");
    rhaz_outfile_abort(f);
    T_CHECK(access(path, F_OK) != 0, "abort leaves nothing");
    f = rhaz_outfile_open(path, &err);
    fputs("done\n", rhaz_outfile_fp(f));
    T_EQ_INT(rhaz_outfile_commit(f, &err), RHAZ_OK, "commit");
    char *buf;
    size_t len;
    T_EQ_INT(core_read_file(path, 100, "file", &buf, &len, &err), RHAZ_OK, "read back");
    T_CHECK(buf && strcmp(buf, "done\n") == 0, "committed content");
    free(buf);
    snprintf(path, sizeof path, "%s/no/such/dir/x", dir);
    T_CHECK(rhaz_outfile_open(path, &err) == NULL && err.status == RHAZ_EIO,
            "unwritable directory is an I/O error");
    rhaz_outfile_abort(NULL);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    unlink(path);
    rmdir(dir);
}

static void count_msg(const char *msg, void *ctx)
{
    (void)msg;
    ++*(int *)ctx;
}

static void *thread_body(void *arg)
{
    int *n = arg;
    rhaz_message("not seen: this thread has no handler");
    rhaz_set_message_handler(count_msg, n);
    rhaz_message("seen by the thread's handler");
    rhaz_message("twice");
    return NULL;
}

static void test_messages(void)
{
    T_SECTION("message handler per thread");
    int main_n = 0, thr_n = 0, call_n = 0;
    rhaz_set_message_handler(count_msg, &main_n);
    rhaz_message("one");
    pthread_t th;
    T_EQ_INT(pthread_create(&th, NULL, thread_body, &thr_n), 0, "thread");
    pthread_join(th, NULL);
    rhaz_message("two");
    T_EQ_INT(main_n, 2, "main thread's handler got only its own messages");
    T_EQ_INT(thr_n, 2, "the thread's handler got its own");
    core_message(count_msg, &call_n, "per call");
    T_EQ_INT(call_n, 1, "a per-call sink is used when given");
    T_EQ_INT(main_n, 2, "... instead of the thread's handler");
    core_message(NULL, NULL, "falls back");
    T_EQ_INT(main_n, 3, "no sink: the thread's handler");
    rhaz_set_message_handler(NULL, NULL);
    rhaz_message("discarded");
    T_EQ_INT(main_n, 3, "no handler: discarded");
}

static void test_error_row(void)
{
    T_SECTION("row in the error record");
    rhaz_error err;
    T_EQ_INT(core_error_row(&err, RHAZ_EDATA, 7, "row %d bad", 7), RHAZ_EDATA, "status");
    T_EQ_INT(err.row, 7, "row recorded");
    T_EQ_STR(err.msg, "row 7 bad", "message");
    rhaz_error_set(&err, RHAZ_EDATA, NULL, 0, "again");
    T_EQ_INT(err.row, 0, "rhaz_error_set clears the row");
    /* the library sets it: Kaplan-Meier with a negative time in row 3 */
    double stop[] = {1, 2, -1, 4}, ev[] = {1, 0, 1, 1};
    rhaz_km *k = rhaz_km_fit(4, NULL, stop, ev, NULL, NULL, 1, 0.95, &err);
    T_CHECK(k == NULL && err.status == RHAZ_EDATA, "negative time refused");
    T_EQ_INT(err.row, 3, "err.row names the row");
    rhaz_km_free(k);
}

int main(void)
{
    test_messages();
    test_error_row();
    test_strings();
    test_strmap();
    test_read_file();
    test_format();
    test_errors();
    test_outfile();
    return t_summary();
}
