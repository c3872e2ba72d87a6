/* fuzz_modelfile.c -- libFuzzer target for the model-file parser (no
 * schema: every kind and key accepted, so the fuzzer reaches every path). */
#include "rhaz.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rhaz_error err;
    rhaz_modelfile *mf = rhaz_modelfile_parse((const char *)data, size, "fuzz", NULL, &err);
    for (size_t k = 0; mf && k < rhaz_modelfile_nsections(mf); k++) {
        const rhaz_mf_section *s = rhaz_modelfile_section(mf, k);
        for (size_t i = 0; i < s->n; i++) {
            size_t n;
            rhaz_mf_list_free(rhaz_mf_split(s->entries[i].value, &n));
            rhaz_modelfile_error(mf, s, s->entries[i].key, RHAZ_EINVAL, &err, "x");
        }
    }
    rhaz_modelfile_free(mf);
    return 0;
}
