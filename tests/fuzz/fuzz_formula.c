/* fuzz_formula.c -- libFuzzer target for the formula parser and the
 * design builder (on a small fixed table). */
#include "rhaz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static rhaz_table *tab;

static void init(void)
{
    const char *csv = "y,x,z,g,start,stop,w\n"
                      "1,0.5,2,a,0,1,1\n0,1.5,3,b,0,2,2\n1,-1,4,a,1,3,1\n"
                      "0,2,,c,2,4,1\n1,3,5,b,0,5,0.5\n0,0,6,c,1,2,1\n";
    rhaz_error err;
    tab = rhaz_table_read_mem(csv, strlen(csv), "fuzz.csv", NULL, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!tab)
        init();
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    rhaz_error err;
    rhaz_formula *f = rhaz_formula_parse(s, &err);
    if (f) {
        rhaz_design_options o = {.max_cols = 2000};
        rhaz_design_free(rhaz_design_build(f, tab, &o, &err));
    }
    rhaz_formula_free(f);
    free(s);
    return 0;
}
