/* fuzz_csv.c -- libFuzzer target for the CSV table reader. */
#include "rhaz.h"

#include <stdint.h>

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
    }
    rhaz_table_free(t);
    return 0;
}
