/* fuzz_fitjson.c -- libFuzzer target for the fitted-model JSON reader
 * (rhaz table, rhaz plot coef). */
#include "rhaz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1); /* the parser takes a C string */
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    rhaz_error err;
    rhaz_fit_summary *s = rhaz_fit_summary_parse_json(text, "fuzz", &err);
    if (s) {
        FILE *fp = fopen("/dev/null", "w");
        if (fp) {
            rhaz_summary_options so = {0};
            rhaz_fit_summary_write(fp, s, RHAZ_SUMMARY_TEXT, &so, &err);
            so.exp = 1;
            rhaz_fit_summary_write(fp, s, RHAZ_SUMMARY_JSON, &so, &err);
            fclose(fp);
        }
    }
    rhaz_fit_summary_free(s);
    free(text);
    return 0;
}
