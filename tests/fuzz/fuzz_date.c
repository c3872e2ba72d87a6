/* fuzz_date.c -- libFuzzer target for the treaty date parser
 * (rhaz_date_parse): any input either parses to a valid date that
 * formats and compares consistently, or fails with RHAZ_EPARSE. */
#include "rhaz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    rhaz_date d;
    char sfx[4];
    rhaz_error err;
    rhaz_status st = rhaz_date_parse(s, &d, sfx, &err);
    if (st == RHAZ_OK) {
        char buf[16];
        if (d.year < 1000 || d.year > 2999 || d.month < 0 || d.month > 12 ||
            (d.month && (d.day < 1 || d.day > 31)) || strlen(sfx) > 2)
            abort();
        rhaz_date_format(d, buf, sizeof buf);
        rhaz_date e;
        if (rhaz_date_parse(buf, &e, NULL, &err) != RHAZ_OK || rhaz_date_cmp(d, e) != 0)
            abort(); /* the ISO form reads back to the same date */
    } else if (st != RHAZ_EPARSE) {
        abort();
    }
    free(s);
    return 0;
}
