/* fuzz_csv.c -- libFuzzer target for the CSV table reader.  When the
 * whole file reads, reading it with a column list (rhaz_csv_options.
 * columns) must read too and give the same kept columns (a trap
 * otherwise). */
#include "rhaz.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static int same_cell(const rhaz_table *a, size_t ja, const rhaz_table *b, size_t jb,
                     size_t i)
{
    if (rhaz_table_coltype(a, ja) == RHAZ_COL_NUMERIC) {
        double x = rhaz_table_num(a, ja)[i], y = rhaz_table_num(b, jb)[i];
        return !memcmp(&x, &y, sizeof x);
    }
    const char *x = rhaz_table_str(a, ja, i), *y = rhaz_table_str(b, jb, i);
    return (!x && !y) || (x && y && !strcmp(x, y));
}

static void check_columns(const uint8_t *data, size_t size, const rhaz_csv_options *opt,
                          const rhaz_table *full)
{
    static const char *const keep[] = {"a", "b", "x", "V2", "c", NULL};
    rhaz_csv_options o = *opt;
    o.columns = keep;
    rhaz_error err;
    rhaz_table *t = rhaz_table_read_mem((const char *)data, size, "fuzz", &o, &err);
    if (!t || rhaz_table_nrow(t) != rhaz_table_nrow(full))
        __builtin_trap();
    size_t nk = 0;
    for (size_t j = 0; j < rhaz_table_ncol(full); j++) {
        const char *nm = rhaz_table_colname(full, j);
        int listed = 0;
        for (size_t k = 0; keep[k]; k++)
            listed |= !strcmp(keep[k], nm);
        long q = rhaz_table_find(t, nm);
        if (listed != (q >= 0))
            __builtin_trap();
        if (q < 0)
            continue;
        nk++;
        if (rhaz_table_coltype(full, j) != rhaz_table_coltype(t, (size_t)q) ||
            rhaz_table_field(t, (size_t)q) != (long)j + 1)
            __builtin_trap();
        for (size_t i = 0; i < rhaz_table_nrow(full); i++)
            if (!same_cell(full, j, t, (size_t)q, i) ||
                rhaz_table_line(full, i) != rhaz_table_line(t, i))
                __builtin_trap();
    }
    if (nk != rhaz_table_ncol(t))
        __builtin_trap();
    rhaz_table_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rhaz_error err;
    rhaz_csv_options opt = {.max_bytes = 1 << 20, .max_field = 1 << 16};
    if (size && (data[0] & 1))
        opt.encoding = RHAZ_ENC_LATIN1;
    rhaz_table *t = rhaz_table_read_mem((const char *)data, size, "fuzz", &opt, &err);
    if (t) {
        for (size_t j = 0; j < rhaz_table_ncol(t); j++) {
            rhaz_colsummary s;
            rhaz_table_summarise(t, j, &s, &err);
        }
        FILE *fp = fopen("/dev/null", "w");
        if (fp) {
            rhaz_table_write_fp(t, fp, &err);
            fclose(fp);
        }
        check_columns(data, size, &opt, t);
    }
    rhaz_table_free(t);
    return 0;
}
