/* test_table.c -- CSV reading, type inference, missing values, writing. */
#include "harness.h"
#include "rhaz.h"

#include <unistd.h>

static rhaz_table *rd(const char *s, const rhaz_csv_options *opt,
                      rhaz_error *err)
{
    return rhaz_table_read_mem(s, strlen(s), "mem.csv", opt, err);
}

static void test_basic(void)
{
    T_SECTION("basic");
    rhaz_error err;
    rhaz_table *t = rd("a,b,c\n1,x,2.5\n2,y,NA\n3,,.\n", NULL, &err);
    T_CHECK(t != NULL, "parse failed: %s", err.msg);
    if (!t)
        return;
    T_EQ_INT(rhaz_table_nrow(t), 3, "nrow");
    T_EQ_INT(rhaz_table_ncol(t), 3, "ncol");
    T_EQ_INT(rhaz_table_coltype(t, 0), RHAZ_COL_NUMERIC, "a numeric");
    T_EQ_INT(rhaz_table_coltype(t, 1), RHAZ_COL_STRING, "b string");
    T_EQ_INT(rhaz_table_coltype(t, 2), RHAZ_COL_NUMERIC, "c numeric");
    T_EQ_INT(rhaz_table_find(t, "c"), 2, "find c");
    T_EQ_INT(rhaz_table_find(t, "zz"), -1, "find missing");
    const double *c = rhaz_table_num(t, 2);
    T_REL(c[0], 2.5, 0, "c[0]");
    T_CHECK(isnan(c[1]) && isnan(c[2]), "NA and . are missing");
    T_CHECK(rhaz_table_str(t, 1, 2) == NULL, "empty string cell missing");
    T_EQ_STR(rhaz_table_str(t, 1, 1), "y", "b[1]");
    T_EQ_INT(rhaz_table_line(t, 0), 2, "line of row 0");
    T_EQ_INT(rhaz_table_line(t, 2), 4, "line of row 2");
    rhaz_colsummary s;
    rhaz_table_summarise(t, 0, &s, &err);
    T_REL(s.mean, 2, 1e-15, "mean");
    T_REL(s.sd, 1, 1e-15, "sd");
    rhaz_table_summarise(t, 2, &s, &err);
    T_EQ_INT(s.missing, 2, "missing count");
    rhaz_table_summarise(t, 1, &s, &err);
    T_EQ_INT(s.distinct, 2, "distinct");
    rhaz_table_free(t);
}

static void test_quoting(void)
{
    T_SECTION("quoting");
    rhaz_error err;
    const char *in = "\xef\xbb\xbfname,note\r\n\"Korea, Republic of\",\"two\r\nlines\"\r\n"
                     "\"say \"\"hi\"\"\",3\r\n";
    rhaz_table *t = rd(in, NULL, &err);
    T_CHECK(t != NULL, "parse failed: %s", err.msg);
    if (!t)
        return;
    T_EQ_STR(rhaz_table_colname(t, 0), "name", "BOM stripped");
    T_EQ_INT(rhaz_table_nrow(t), 2, "nrow");
    T_EQ_STR(rhaz_table_str(t, 0, 0), "Korea, Republic of", "embedded comma");
    T_EQ_STR(rhaz_table_str(t, 1, 0), "two\r\nlines", "embedded newline");
    T_EQ_STR(rhaz_table_str(t, 0, 1), "say \"hi\"", "escaped quotes");
    T_EQ_INT(rhaz_table_coltype(t, 1), RHAZ_COL_STRING, "late flip -> string");
    T_EQ_STR(rhaz_table_str(t, 1, 1), "3", "text of numeric-looking cell kept");
    T_EQ_INT(rhaz_table_line(t, 1), 4, "line after multi-line field");
    rhaz_table_free(t);
}

/* Lines without quotes are cut at the delimiter by table.c, the others
 * parsed by libcsv: both must give the same fields (spaces and tabs
 * around a field trimmed, blank lines skipped, CRLF) and line numbers. */
static void test_plain_lines(void)
{
    T_SECTION("plain and quoted lines alike");
    rhaz_error err;
    const char *in = "a, b ,c\r\n 1 ,\tx y\t,\r\n\r\n  \t\n\"2\",\" x y\",\"\"\n"
                     "3,\"two\nlines\",4\n5 , z,6";
    rhaz_table *t = rd(in, NULL, &err);
    T_CHECK(t != NULL, "parse failed: %s", err.msg);
    if (!t)
        return;
    T_EQ_STR(rhaz_table_colname(t, 1), "b", "header field trimmed");
    T_EQ_INT(rhaz_table_nrow(t), 4, "blank lines skipped");
    T_REL(rhaz_table_num(t, 0)[0], 1, 0, "plain ' 1 ' is 1");
    T_REL(rhaz_table_num(t, 0)[1], 2, 0, "quoted \"2\" is 2");
    T_EQ_STR(rhaz_table_str(t, 1, 0), "x y", "plain field trimmed, inner space kept");
    T_EQ_STR(rhaz_table_str(t, 1, 1), " x y", "quoted field keeps its spaces");
    T_CHECK(isnan(rhaz_table_num(t, 2)[0]) && isnan(rhaz_table_num(t, 2)[1]),
            "empty last fields missing (plain and quoted)");
    T_EQ_STR(rhaz_table_str(t, 1, 3), "z", "last line without newline");
    T_REL(rhaz_table_num(t, 2)[3], 6, 0, "last field of the file");
    T_EQ_INT(rhaz_table_line(t, 0), 2, "line of row 0");
    T_EQ_INT(rhaz_table_line(t, 1), 5, "line after blank lines");
    T_EQ_INT(rhaz_table_line(t, 2), 7, "a record ends on its last line");
    T_EQ_INT(rhaz_table_line(t, 3), 8, "line after a multi-line record");
    T_EQ_INT(rhaz_table_line(t, 4), 0, "no line past the rows");
    rhaz_table_free(t);
    rhaz_csv_options o = {.delim = '\t'};
    t = rd("a\tb\n \t1\n", &o, &err);
    T_CHECK(t != NULL, "tab-delimited: %s", err.msg);
    if (t) {
        T_CHECK(isnan(rhaz_table_num(t, 0)[0]), "a tab delimiter is not trimmed");
        T_REL(rhaz_table_num(t, 1)[0], 1, 0, "second field");
        rhaz_table_free(t);
    }
    t = rd("a,b\n1,2\n3\n", NULL, &err);
    T_CHECK(t == NULL && err.line == 3 && strstr(err.msg, "ragged row"),
            "ragged plain line named: %s", err.msg);
    rhaz_table_free(t);
}

/* rhaz_table_read gives the parsed part of a large file back as it goes
 * (every 8 MiB): the rows after that are read right, and a column that
 * turns text after 8 MiB of numbers (a second pass) reads the file again. */
static void test_large_file(void)
{
    T_SECTION("large file");
    const char *path = t_tmp("large.csv");
    FILE *fp = fopen(path, "w");
    T_CHECK(fp != NULL, "create %s", path);
    if (!fp)
        return;
    const size_t rows = 1200000; /* ~13 MB */
    fputs("a,b\n", fp);
    for (size_t i = 0; i < rows; i++)
        fprintf(fp, "%zu,%zu.5\n", i, i % 97);
    fclose(fp);
    rhaz_error err;
    rhaz_table *t = rhaz_table_read(path, NULL, &err);
    T_CHECK(t != NULL, "read: %s", err.msg);
    if (t) {
        const double *a = rhaz_table_num(t, 0), *b = rhaz_table_num(t, 1);
        int ok = rhaz_table_nrow(t) == rows;
        for (size_t i = 0; ok && i < rows; i++)
            ok = a[i] == (double)i && b[i] == (double)(i % 97) + 0.5;
        T_CHECK(ok, "every row read (%zu)", rhaz_table_nrow(t));
        T_EQ_INT(rhaz_table_line(t, rows - 1), (long)rows + 1, "line of the last row");
        rhaz_table_free(t);
    }
    fp = fopen(path, "a");
    if (fp) {
        fputs("7,n/a\n", fp);
        fclose(fp);
    }
    rhaz_csv_options o = {.mixed_as_text = 1};
    t = rhaz_table_read(path, &o, &err);
    T_CHECK(t != NULL, "read again: %s", err.msg);
    if (t) {
        T_EQ_INT(rhaz_table_coltype(t, 1), RHAZ_COL_STRING, "b turned text at the end");
        T_EQ_STR(rhaz_table_str(t, 1, 0), "0.5", "first cell's text (second pass)");
        char want[32];
        snprintf(want, sizeof want, "%zu.5", (rows - 1) % 97);
        T_EQ_STR(rhaz_table_str(t, 1, rows - 1), want, "a late cell's text");
        T_EQ_STR(rhaz_table_str(t, 1, rows), "n/a", "the text cell");
        T_REL(rhaz_table_num(t, 0)[rows - 1], (double)(rows - 1), 0, "a after the flip");
        rhaz_table_free(t);
    }
    remove(path);
}

/* With threads, a large file of numeric columns is read in parts at once
 * (after its first MiB): the same table as without, and the same error
 * for a bad line late in the file (the parts stop, the rest is read line
 * by line). */
static void test_threads(void)
{
    T_SECTION("reading on threads");
    const char *path = t_tmp("threads.csv");
    const size_t rows = 650000; /* ~11 MB: 1 MiB line by line, the rest in parts */
    for (int bad = 0; bad < 3; bad++) {
        FILE *fp = fopen(path, "w");
        T_CHECK(fp != NULL, "create %s", path);
        if (!fp)
            return;
        fputs("a, b,c\r\n", fp);
        long nblank = 0, blank_before_bad = 0;
        for (size_t i = 0; i < rows; i++) {
            if (i % 100003 == 7) {
                fputs(i % 2 ? "  \n" : "\r\n", fp); /* blank lines */
                nblank++;
            }
            if (i == rows - 1000)
                blank_before_bad = nblank;
            if (bad == 1 && i == rows - 1000)
                fputs("1,2\n", fp); /* ragged */
            if (bad == 2 && i == rows - 1000)
                fputs("1,x,3\n", fp); /* text in a numeric column */
            fprintf(fp, "%zu, %zu.25 ,%s%s", i, i % 89, i % 7 ? "3" : "NA", i % 3 ? "\n" : "\r\n");
        }
        fclose(fp);
        for (int th = 1; th <= 2; th++) {
            rhaz_error e1, e2;
            /* the reference: every line through the line reader */
            rhaz_csv_options o1 = {.mixed_as_text = bad == 2, .line_by_line = 1}, o2 = o1;
            o2.line_by_line = 0;
            o2.threads = th;
            rhaz_table *t1 = rhaz_table_read(path, &o1, &e1), *t2 = rhaz_table_read(path, &o2, &e2);
            if (bad == 1) {
                T_CHECK(!t1 && !t2 && !strcmp(e1.msg, e2.msg) && e1.line == e2.line &&
                            e2.line == (long)rows - 1000 + 2 + blank_before_bad,
                        "a late ragged line: the same error (line %ld: %s)", e2.line, e2.msg);
            } else {
                int same = t1 && t2 && rhaz_table_nrow(t1) == rhaz_table_nrow(t2) &&
                           rhaz_table_ncol(t1) == rhaz_table_ncol(t2);
                for (size_t j = 0; same && j < rhaz_table_ncol(t1); j++) {
                    same = rhaz_table_coltype(t1, j) == rhaz_table_coltype(t2, j);
                    for (size_t i = 0; same && i < rhaz_table_nrow(t1); i++) {
                        if (rhaz_table_coltype(t1, j) == RHAZ_COL_NUMERIC) {
                            double x = rhaz_table_num(t1, j)[i], y = rhaz_table_num(t2, j)[i];
                            same = (isnan(x) && isnan(y)) || !memcmp(&x, &y, sizeof x);
                        } else {
                            const char *x = rhaz_table_str(t1, j, i), *y = rhaz_table_str(t2, j, i);
                            same = (!x && !y) || (x && y && !strcmp(x, y));
                        }
                        same = same && rhaz_table_line(t1, i) == rhaz_table_line(t2, i);
                    }
                }
                T_CHECK(same, "%s: the same table in parts on %d thread(s) (%zu rows)",
                        bad ? "a late text cell" : "numbers, blank lines, CRLF", th,
                        t2 ? rhaz_table_nrow(t2) : 0);
                if (t2 && !bad)
                    T_EQ_INT(rhaz_table_line(t2, rows - 1), (long)rows + 1 + nblank, "line of the last row");
            }
            rhaz_table_free(t1);
            rhaz_table_free(t2);
        }
    }
    remove(path);
}

/* The parts read a line of plain numbers in one pass (fast_line in
 * table.c) and hand anything else to the per-field reader: the same
 * values, bit for bit, as the line-by-line reader of one thread, for
 * numbers of every shape (signs, many digits, mantissas past 2^53 --
 * some whose double rounding would differ --, 22+ decimals, exponents,
 * "-0", ".", empty cells, NA, CRLF) and with NA strings of the user's
 * that look like numbers. */
static void test_threads_numbers(void)
{
    T_SECTION("reading on threads: numbers of every shape");
    const char *path = t_tmp("threads_num.csv");
    FILE *fp = fopen(path, "w");
    T_CHECK(fp != NULL, "create %s", path);
    if (!fp)
        return;
    const char *odd[] = {"", ".", "-0", "+0.5", "12345678901234567890", "0.12345678901234567891",
                         "9007199254740993", "9007199254740992", "1.5e-3", "2E10",
                         "0.0000000000000000000001", "-99", "NA", "123456789.123456789",
                         "-.5", "5.", "+.25", "1234567890123456789",
                         "940931569921199.7", "-124272287569114.35", "96291614286858.97"};
    const size_t nodd = sizeof odd / sizeof *odd;
    unsigned long long st = 12345;
    fputs("i,a,b,c\n", fp);
    for (size_t i = 0; i < 700000; i++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        long long m = (long long)(st >> 20) % 2000000001LL - 1000000000LL;
        int dec = (int)((st >> 8) % 9);
        char a[64];
        if (dec)
            snprintf(a, sizeof a, "%s%lld.%0*lld", m < 0 ? "-" : (st >> 5) % 7 == 0 ? "+" : "",
                     llabs(m) / 1000, dec, llabs(m) % 1000);
        else
            snprintf(a, sizeof a, "%lld", m);
        const char *b = (st >> 40) % 13 == 0 ? odd[(st >> 44) % nodd] : "7";
        const char *c = (st >> 50) % 11 == 0 ? odd[(st >> 54) % nodd] : "0.1";
        fprintf(fp, "%zu,%s,%s,%s%s", i, a, b, c, (st >> 60) % 5 == 0 ? "\r\n" : "\n");
    }
    fclose(fp);
    for (int na = 0; na < 2; na++) {
        const char *nas[] = {"-99", NULL};
        for (int th = 1; th <= 2; th++) {
            rhaz_error e1, e2;
            rhaz_csv_options o1 = {.na_strings = na ? nas : NULL, .line_by_line = 1}, o2 = o1;
            o2.line_by_line = 0;
            o2.threads = th;
            rhaz_table *t1 = rhaz_table_read(path, &o1, &e1), *t2 = rhaz_table_read(path, &o2, &e2);
            int same = t1 && t2 && rhaz_table_nrow(t1) == rhaz_table_nrow(t2) &&
                       rhaz_table_ncol(t1) == rhaz_table_ncol(t2);
            size_t nmiss = 0;
            for (size_t j = 0; same && j < rhaz_table_ncol(t1); j++) {
                same = rhaz_table_coltype(t1, j) == RHAZ_COL_NUMERIC &&
                       rhaz_table_coltype(t2, j) == RHAZ_COL_NUMERIC;
                for (size_t i = 0; same && i < rhaz_table_nrow(t1); i++) {
                    double x = rhaz_table_num(t1, j)[i], y = rhaz_table_num(t2, j)[i];
                    same = (isnan(x) && isnan(y)) || !memcmp(&x, &y, sizeof x);
                    nmiss += isnan(x);
                    same = same && rhaz_table_line(t1, i) == rhaz_table_line(t2, i);
                }
            }
            T_CHECK(same, "%s: the same numbers in parts on %d thread(s) (%zu rows, %zu missing)",
                    na ? "NA string -99" : "default NA", th, t1 ? rhaz_table_nrow(t1) : 0, nmiss);
            rhaz_table_free(t1);
            rhaz_table_free(t2);
        }
    }
    remove(path);
}

/* A large file's UTF-8 check runs in two parts (table.c utf8_part): the
 * first bad byte of the file is the one named, whichever part holds it,
 * with 1 or 2 threads. */
static void test_utf8_parts(void)
{
    T_SECTION("UTF-8 check of a large file in parts");
    const char *path = t_tmp("utf8_parts.csv");
    const size_t rows = 900000; /* ~10 MB */
    const struct {
        long bad1, bad2; /* rows with a bad byte (-1: none) */
        const char *what;
    } cs[] = {{-1, 850000, "invalid UTF-8 byte 0xff"},
              {100, 850000, "invalid UTF-8 byte 0xff"},
              {449990, 450010, "invalid UTF-8 byte 0xff"},
              {-1, 899999, "NUL byte"},
              {-1, -1, NULL}};
    for (size_t k = 0; k < sizeof cs / sizeof *cs; k++) {
        FILE *fp = fopen(path, "wb");
        if (!fp)
            return;
        fputs("a,b\n", fp);
        for (size_t i = 0; i < rows; i++) {
            if ((long)i == cs[k].bad1 || (long)i == cs[k].bad2)
                fprintf(fp, "%zu,caf%c\n", i, cs[k].what && cs[k].what[0] == 'N' ? '\0' : '\xff');
            else
                fprintf(fp, "%zu,caf\xc3\xa9\n", i);
        }
        fclose(fp);
        long first = cs[k].bad1 >= 0 ? cs[k].bad1 : cs[k].bad2;
        for (int th = 1; th <= 2; th++) {
                rhaz_error e;
                rhaz_csv_options o = {.threads = th};
                rhaz_table *t = rhaz_table_read(path, &o, &e);
                if (!cs[k].what)
                    T_CHECK(t && rhaz_table_nrow(t) == rows, "valid UTF-8 read (%d threads)", th);
                else
                    T_CHECK(!t && e.line == first + 2 && strstr(e.msg, cs[k].what),
                            "%s at line %ld named (%d threads): line %ld, %s", cs[k].what,
                            first + 2, th, e.line, e.msg);
                rhaz_table_free(t);
        }
    }
    remove(path);
}

/* Whether the parts may read the rest is decided from the UTF-8 check's
 * look for quotes past the first MiB: a quoted header alone leaves the
 * parts on, a quoted cell late in the file sends the rest to the line
 * reader; the table is the line reader's either way. */
static void test_quotes_late(void)
{
    T_SECTION("reading in parts: quotes early and late");
    const char *path = t_tmp("quotes_late.csv");
    for (int late = 0; late < 2; late++) {
        FILE *fp = fopen(path, "w");
        if (!fp)
            return;
        fputs("\"i\",\"a\"\n", fp);
        for (size_t i = 0; i < 800000; i++)
            fprintf(fp, late && i == 700000 ? "%zu,\"%zu.5\"\n" : "%zu,%zu.5\n", i, i % 13);
        fclose(fp);
        rhaz_error e1, e2;
        rhaz_csv_options o1 = {.line_by_line = 1}, o2 = {.threads = 2};
        rhaz_table *t1 = rhaz_table_read(path, &o1, &e1), *t2 = rhaz_table_read(path, &o2, &e2);
        int same = t1 && t2 && rhaz_table_nrow(t1) == 800000 && rhaz_table_nrow(t2) == 800000;
        for (size_t j = 0; same && j < 2; j++)
            same = !memcmp(rhaz_table_num(t1, j), rhaz_table_num(t2, j), 800000 * sizeof(double));
        T_CHECK(same, "%s: the line reader's table", late ? "a quoted cell late" : "a quoted header");
        T_CHECK(t2 && rhaz_table_num(t2, 1)[700000] == 700000 % 13 + 0.5, "the quoted number read");
        rhaz_table_free(t1);
        rhaz_table_free(t2);
    }
    remove(path);
}

static void test_late_flip(void)
{
    T_SECTION("late flip");
    rhaz_error err;
    rhaz_table *t = rd("code,v\n007,1\n1.50,2\nX1,3\nX2,4\n", NULL, &err);
    T_CHECK(t != NULL, "parse failed");
    if (!t)
        return;
    T_EQ_INT(rhaz_table_coltype(t, 0), RHAZ_COL_STRING, "type");
    T_EQ_STR(rhaz_table_str(t, 0, 0), "007", "exact text of early cell");
    T_EQ_STR(rhaz_table_str(t, 0, 1), "1.50", "exact text of early cell 2");
    T_EQ_INT(rhaz_table_coltype(t, 1), RHAZ_COL_NUMERIC, "v numeric");
    rhaz_table_free(t);
}

static void test_numbers(void)
{
    T_SECTION("numbers");
    rhaz_error err;
    rhaz_table *t = rd("x\n0.1\n-3\n1e3\n2.5E-2\n123456789012345678\n"
                       "0.30000000000000004\n+7\n",
                       NULL, &err);
    T_CHECK(t && rhaz_table_coltype(t, 0) == RHAZ_COL_NUMERIC, "numeric");
    if (!t)
        return;
    const double *x = rhaz_table_num(t, 0);
    T_CHECK(x[0] == 0.1, "0.1 correctly rounded");
    T_CHECK(x[1] == -3, "-3");
    T_CHECK(x[2] == 1000, "1e3");
    T_CHECK(x[3] == 0.025, "2.5E-2");
    T_CHECK(x[4] == 123456789012345678.0, "long integer");
    T_CHECK(x[5] == 0.30000000000000004, "17 digits");
    T_CHECK(x[6] == 7, "+7");
    rhaz_table_free(t);
    const char *bad[] = {"0x10", "1e", "--1", "1.2.3", "one"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char buf[64];
        snprintf(buf, sizeof buf, "x\n\"%s\"\n", bad[k]);
        t = rd(buf, NULL, &err);
        T_CHECK(t && rhaz_table_coltype(t, 0) == RHAZ_COL_STRING,
                "'%s' must not be numeric", bad[k]);
        rhaz_table_free(t);
    }
    /* numbers but for some cells: refused, the first such cell named */
    static const struct {
        const char *in, *msg;
    } mixed[] = {
        {"x\n1\n2\n-\n4\n", "<t>:4: column x: '-' is not a number (the other 3 values are)"},
        {"x\n1\nn/a\n..\n4\n5\n", "<t>:3: column x: 'n/a' is not a number (nor is 1 other cell; the other 3 values are)"},
        {"x\n1\ninf\n", "<t>:3: column x: 'inf' is not a finite number"},
        {"x\n\"nan\"\n", "<t>:2: column x: 'nan' is not a finite number"},
        {"x\n1\n-Inf\n", "'-Inf' is not a finite number"},
        {"x\n1\n1e400\n", "<t>:3: column x: '1e400' overflows a double"},
        {"x\n1\n-2e999\n", "'-2e999' overflows a double"},
        {"x\n\"1,5\"\n", "'1,5' is not a number"},
        {"x,y\n1,\"1,234\"\n2,3\n", "<t>:2: column y: '1,234' is not a number (the other 1 value is); a thousands separator"},
    };
    for (size_t k = 0; k < sizeof mixed / sizeof *mixed; k++) {
        t = rhaz_table_read_mem(mixed[k].in, strlen(mixed[k].in), "<t>", NULL, &err);
        T_CHECK(!t && strstr(err.msg, "") && err.status == RHAZ_EDATA,
                "mixed %zu refused", k);
        char m[1024];
        rhaz_error_format(&err, m, sizeof m);
        T_CHECK(strstr(m, mixed[k].msg) != NULL, "'%s' in '%s'", mixed[k].msg, m);
        rhaz_table_free(t);
    }
    /* declared missing, or text: read */
    {
        const char *na[] = {"-", "..", NULL}, *txt[] = {"x", NULL};
        const char *in = "x\n1\n-\n..\n4\n";
        rhaz_csv_options o = {.na_strings = na};
        t = rhaz_table_read_mem(in, strlen(in), "<t>", &o, &err);
        T_CHECK(t && rhaz_table_coltype(t, 0) == RHAZ_COL_NUMERIC &&
                    isnan(rhaz_table_num(t, 0)[1]) && isnan(rhaz_table_num(t, 0)[2]) && rhaz_table_num(t, 0)[3] == 4,
                "--na: numeric with missing cells");
        rhaz_table_free(t);
        rhaz_csv_options o2 = {.as_string = txt};
        t = rhaz_table_read_mem(in, strlen(in), "<t>", &o2, &err);
        T_CHECK(t && rhaz_table_coltype(t, 0) == RHAZ_COL_STRING, "--text: text");
        rhaz_table_free(t);
        /* a text column with a few numbers stays text */
        const char *in2 = "s\nFrance\n1\nPeru\n";
        t = rhaz_table_read_mem(in2, strlen(in2), "<t>", NULL, &err);
        T_CHECK(t && rhaz_table_coltype(t, 0) == RHAZ_COL_STRING, "text column");
        rhaz_table_free(t);
        /* decimal comma in a ';' file */
        const char *in3 = "a;b\n1;2,5\n2;-0,25\n";
        rhaz_csv_options o3 = {.delim = ';', .decimal = ','};
        t = rhaz_table_read_mem(in3, strlen(in3), "<t>", &o3, &err);
        T_CHECK(t && rhaz_table_num(t, 1) && rhaz_table_num(t, 1)[0] == 2.5 &&
                    rhaz_table_num(t, 1)[1] == -0.25,
                "decimal comma read");
        rhaz_table_free(t);
        rhaz_csv_options o4 = {.delim = ';'};
        t = rhaz_table_read_mem(in3, strlen(in3), "<t>", &o4, &err);
        T_CHECK(!t && strstr(err.msg, "decimal mark to ','") &&
                    !strcmp(err.option, "decimal"), "decimal comma named: %s", err.msg);
        t = rhaz_table_read_mem(in3, strlen(in3), "<t>", NULL, &err);
        T_CHECK(!t && strstr(err.msg, "delimiter ';'") && !strcmp(err.option, "delim"),
                "';' file read with ',': %s", err.msg);
        const char *in4 = "a;b\n1;2\n";
        t = rhaz_table_read_mem(in4, strlen(in4), "<t>", NULL, &err);
        T_CHECK(!t && strstr(err.msg, "delimiter ';'") && !strcmp(err.option, "delim"),
                "one ';' column: %s", err.msg);
    }
    char b[64];
    double vals[] = {0.1, 1.0 / 3, 1e-300, 12345678.9, -2.5, 1e22, 5e-324};
    for (size_t k = 0; k < sizeof vals / sizeof *vals; k++) {
        rhaz_format_double(vals[k], b, sizeof b);
        T_CHECK(strtod(b, NULL) == vals[k], "round trip %s", b);
    }
    rhaz_format_double(0.1, b, sizeof b);
    T_EQ_STR(b, "0.1", "shortest 0.1");
}

static void test_options(void)
{
    T_SECTION("options");
    rhaz_error err;
    const char *as_str[] = {"id", NULL};
    const char *na[] = {"-99", NULL};
    rhaz_csv_options opt = {.as_string = as_str, .na_strings = na};
    rhaz_table *t = rd("id;v\n1;-99\n2;4\n", &(rhaz_csv_options){.delim = ';'},
                       &err);
    T_CHECK(t && rhaz_table_ncol(t) == 2, "delimiter ;");
    rhaz_table_free(t);
    t = rd("id,v\n1,-99\n2,4\n", &opt, &err);
    T_CHECK(t != NULL, "parse");
    if (t) {
        T_EQ_INT(rhaz_table_coltype(t, 0), RHAZ_COL_STRING, "override string");
        T_CHECK(isnan(rhaz_table_num(t, 1)[0]), "extra NA code");
        rhaz_table_free(t);
    }
    const char *as_num[] = {"v", NULL};
    t = rd("v\n1\nabc\n", &(rhaz_csv_options){.as_numeric = as_num}, &err);
    T_CHECK(t == NULL && err.status == RHAZ_EPARSE && err.line == 3,
            "forced numeric rejects text at line 3 (got line %ld)", err.line);
    /* Latin-1 */
    const char lat[] = "name\nC\xf4te d'Ivoire\n";
    t = rd(lat, NULL, &err);
    T_CHECK(t == NULL && err.line == 2 && strstr(err.msg, "Latin-1") &&
                strcmp(err.option, "encoding") == 0,
            "Latin-1 without option is refused at line 2: %s", err.msg);
    t = rd(lat, &(rhaz_csv_options){.encoding = RHAZ_ENC_LATIN1}, &err);
    T_CHECK(t != NULL, "Latin-1 with option");
    if (t) {
        T_EQ_STR(rhaz_table_str(t, 0, 0), "C\xc3\xb4te d'Ivoire", "to UTF-8");
        rhaz_table_free(t);
    }
    t = rd("x\n12345\n", &(rhaz_csv_options){.max_bytes = 4}, &err);
    T_CHECK(t == NULL && err.status == RHAZ_ENOMEM, "size cap");
}

static void test_errors(void)
{
    T_SECTION("errors");
    rhaz_error err;
    rhaz_table *t = rd("a,b\n1,2\n3\n", NULL, &err);
    T_CHECK(t == NULL && err.line == 3 && err.status == RHAZ_EPARSE,
            "ragged row at line 3 (got %ld: %s)", err.line, err.msg);
    t = rd("a,b\n1,2\n3,4,5\n", NULL, &err);
    T_CHECK(t == NULL && err.line == 3, "too many fields at line 3");
    t = rd("a,b\n1,\"2\n3,4\n", NULL, &err);
    T_CHECK(t == NULL && err.status == RHAZ_EPARSE, "unbalanced quote: %s",
            err.msg);
    t = rd("a,b\n1,x\"y\n", NULL, &err);
    T_CHECK(t == NULL && err.status == RHAZ_EPARSE && err.line == 2,
            "stray quote at line 2 (got %ld)", err.line);
    t = rd("", NULL, &err);
    T_CHECK(t == NULL && err.line == 1, "empty file");
    t = rd("a,a\n1,2\n", NULL, &err);
    T_CHECK(t == NULL && strstr(err.msg, "duplicate"), "duplicate names");
    t = rd("a,b\n", NULL, &err);
    T_CHECK(t && rhaz_table_nrow(t) == 0, "header only parses with 0 rows");
    rhaz_table_free(t);
    t = rhaz_table_read("/nonexistent/x.csv", NULL, &err);
    T_CHECK(t == NULL && err.status == RHAZ_EIO, "missing file");
    char buf[256];
    rhaz_error_format(&err, buf, sizeof buf);
    T_CHECK(strncmp(buf, "/nonexistent/x.csv: cannot open", 31) == 0,
            "format: %s", buf);
}

/* Quoted fields longer than the row buffer (64 KiB blocks) */
static void test_write_long_quoted(void)
{
    T_SECTION("write long quoted");
    size_t n = 200000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 7 == 0 ? '"' : i % 11 == 0 ? ',' : 'a';
    big[n] = '\0';
    rhaz_error err;
    rhaz_table *t = rhaz_table_new("long", &err);
    const char *col[] = {big, "x"};
    rhaz_table_add_string(t, "s", col, 2, &err);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    T_CHECK(rhaz_table_write_fp(t, fp, &err) == RHAZ_OK, "write");
    fclose(fp);
    rhaz_table *back = rhaz_table_read_mem(buf, len, "back",
                                           &(rhaz_csv_options){.max_field = n + 10}, &err);
    T_CHECK(back && strcmp(rhaz_table_str(back, 0, 0), big) == 0,
            "long quoted field round-trips");
    rhaz_table_free(back);
    rhaz_table_free(t);
    free(buf);
    free(big);
}

static void test_write(void)
{
    T_SECTION("write");
    rhaz_error err;
    rhaz_table *t = rhaz_table_new("built", &err);
    double x[] = {1.5, NAN, 0.1};
    const char *s[] = {"plain", "a,b", NULL};
    T_CHECK(rhaz_table_add_numeric(t, "x", x, 3, &err) == RHAZ_OK, "add x");
    T_CHECK(rhaz_table_add_string(t, "s", s, 3, &err) == RHAZ_OK, "add s");
    T_CHECK(rhaz_table_add_numeric(t, "y", x, 2, &err) != RHAZ_OK,
            "length mismatch refused");
    T_CHECK(rhaz_table_add_numeric(t, "x", x, 3, &err) != RHAZ_OK,
            "duplicate refused");
    const char *path = t_tmp("write.csv");
    T_CHECK(rhaz_table_write(t, path, &err) == RHAZ_OK, "write");
    char *back = t_slurp(path);
    T_EQ_STR(back, "x,s\n1.5,plain\n,\"a,b\"\n0.1,\n", "written text");
    free(back);
    rhaz_table *r = rhaz_table_read(path, NULL, &err);
    T_CHECK(r && rhaz_table_nrow(r) == 3, "read back");
    if (r) {
        T_EQ_STR(rhaz_table_str(r, 1, 1), "a,b", "round trip string");
        T_CHECK(rhaz_table_num(r, 0)[2] == 0.1, "round trip number");
        rhaz_table_free(r);
    }
    T_CHECK(rhaz_table_write(t, "/nonexistent-dir/out.csv", &err) == RHAZ_EIO,
            "write into missing directory fails");
    remove(path);
    rhaz_table_free(t);
    /* aborted output leaves nothing behind */
    const char *apath = t_tmp("abort.csv");
    rhaz_outfile *f = rhaz_outfile_open(apath, &err);
    fputs("partial", rhaz_outfile_fp(f));
    rhaz_outfile_abort(f);
    T_CHECK(access(apath, F_OK) != 0, "abort leaves no file");
}

/* Inputs that once crashed the fuzzer: they must parse or fail cleanly. */
static void test_regressions(void)
{
    T_SECTION("fuzz regressions");
    rhaz_error err;
    /* CR-only record ends put every record on one physical line; a late
     * type flip there must still re-parse with fixed types. */
    rhaz_table *t = rd("4,0\r2,0\r,b\r\n1,", NULL, &err);
    T_CHECK(t != NULL, "CR records parse: %s", err.msg);
    if (t) {
        T_EQ_INT(rhaz_table_coltype(t, 1), RHAZ_COL_STRING, "flipped column");
        T_EQ_STR(rhaz_table_str(t, 1, 0), "0", "text kept after re-parse");
        T_EQ_STR(rhaz_table_str(t, 1, 1), "b", "cell b");
        T_CHECK(rhaz_table_str(t, 1, 2) == NULL, "missing cell");
        rhaz_table_free(t);
    }
    /* the fuzz regressions: each parses, to the shape it has (a crash or
     * a refusal here is a regression) */
    static const struct {
        const char *file;
        size_t nrow, ncol;
    } regress[] = {{"tests/fuzz/regress/csv-cr-lateflip.csv", 3, 2},
                   {"tests/fuzz/regress/csv-quoted-growth.csv", 0, 2},
                   {"tests/fuzz/regress/csv-writer-quoted-growth.csv", 0, 2}};
    for (size_t r = 0; r < sizeof regress / sizeof regress[0]; r++) {
        const char *const *f = &regress[r].file;
        t = rhaz_table_read(*f, NULL, &err);
        T_CHECK(t && rhaz_table_nrow(t) == regress[r].nrow &&
                    rhaz_table_ncol(t) == regress[r].ncol,
                "%s: parses, %zu x %zu (%s)", *f, regress[r].nrow, regress[r].ncol,
                t ? "" : err.msg);
        for (size_t j = 0; t && j < rhaz_table_ncol(t); j++) {
            rhaz_colsummary s;
            T_CHECK(rhaz_table_summarise(t, j, &s, &err) == RHAZ_OK, "summary");
        }
        /* written (a long quoted name once overran the row buffer: a
         * heap-buffer-overflow found by fuzz_csv) and read back */
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = t ? open_memstream(&buf, &len) : NULL;
        if (mem) {
            T_CHECK(rhaz_table_write_fp(t, mem, &err) == RHAZ_OK, "%s: write", *f);
            fclose(mem);
            rhaz_table *u = rhaz_table_read_mem(buf, len, "rewritten", NULL, &err);
            T_CHECK(u != NULL, "%s: rewritten table reads: %s", *f, err.msg);
            if (u) {
                T_EQ_INT(rhaz_table_ncol(u), rhaz_table_ncol(t), "columns");
                T_EQ_INT(rhaz_table_nrow(u), rhaz_table_nrow(t), "rows");
                for (size_t j = 0; j < rhaz_table_ncol(t) && j < rhaz_table_ncol(u); j++)
                    T_EQ_STR(rhaz_table_colname(u, j), rhaz_table_colname(t, j), "name");
            }
            rhaz_table_free(u);
            free(buf);
        }
        rhaz_table_free(t);
    }
}

/* rhaz_table_subset: the kept rows in order, types kept, source lines
 * kept (a blank line and a quoted line break shift them) */
static void test_subset(void)
{
    T_SECTION("subset");
    rhaz_error err;
    rhaz_table *t = rd("id,x,s\n1,1.5,a\n\n2,,b\n3,3.5,\"c\nd\"\n4,4.5,\n", NULL, &err);
    T_CHECK(t && rhaz_table_nrow(t) == 4, "4 rows");
    if (!t)
        return;
    const unsigned char keep[] = {0, 1, 0, 1};
    rhaz_table *u = rhaz_table_subset(t, keep, &err);
    T_CHECK(u && rhaz_table_nrow(u) == 2 && rhaz_table_ncol(u) == 3, "2 rows, 3 columns");
    if (u) {
        T_CHECK(rhaz_table_coltype(u, 1) == RHAZ_COL_NUMERIC &&
                    rhaz_table_coltype(u, 2) == RHAZ_COL_STRING, "types kept");
        T_CHECK(rhaz_table_num(u, 0)[0] == 2 && rhaz_table_num(u, 0)[1] == 4, "rows 2 and 4");
        T_CHECK(rhaz_table_is_missing(u, 1, 0) && rhaz_table_num(u, 1)[1] == 4.5,
                "missing kept");
        T_CHECK(!strcmp(rhaz_table_str(u, 2, 0), "b") && rhaz_table_is_missing(u, 2, 1),
                "strings kept");
        T_EQ_INT(rhaz_table_line(u, 0), rhaz_table_line(t, 1), "line of row 2");
        T_EQ_INT(rhaz_table_line(u, 1), rhaz_table_line(t, 3), "line of row 4");
        T_EQ_INT(rhaz_table_line(u, 1), 7, "row 4 on line 7");
    }
    rhaz_table_free(u);
    rhaz_table_free(t);
}

int main(void)
{
    test_subset();
    test_regressions();
    test_basic();
    test_quoting();
    test_plain_lines();
    test_large_file();
    test_threads();
    test_threads_numbers();
    test_utf8_parts();
    test_quotes_late();
    test_late_flip();
    test_numbers();
    test_options();
    test_errors();
    test_write();
    test_write_long_quoted();
    return t_summary();
}
