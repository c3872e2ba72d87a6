/* fuzz_readstat.c -- libFuzzer target for Stata, SPSS and SAS files
 * (ReadStat through memory I/O); every input is tried as all three.
 * Seeds: tests/fuzz/seeds/readstat (written by test_readstat). */
#include "rhaz.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const rhaz_table_format f[] = {RHAZ_FORMAT_DTA, RHAZ_FORMAT_SAV,
                                          RHAZ_FORMAT_SAS7BDAT};
    rhaz_csv_options opt = {.max_bytes = 1 << 20};
    for (int k = 0; k < 3; k++) {
        rhaz_error err;
        rhaz_table *t = rhaz_table_read_stat_mem(data, size, "fuzz", f[k], &opt, &err);
        for (size_t j = 0; t && j < rhaz_table_ncol(t); j++) {
            rhaz_colsummary s;
            rhaz_table_summarise(t, j, &s, &err);
        }
        rhaz_table_free(t);
    }
    return 0;
}
