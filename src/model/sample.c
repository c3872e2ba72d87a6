/* sample.c -- a common estimation sample: the rows every one of several
 * models would use (R: na.omit on the union of their variables), so that
 * alternative specifications are compared on the same observations. */
#include "rhaz.h"

#include <stdlib.h>
#include <string.h>

rhaz_status rhaz_common_rows(const rhaz_table *t, size_t nf,
                             const char *const *formulas,
                             const char *const *columns, unsigned char *keep,
                             size_t *nkeep, rhaz_error *err)
{
    size_t n = rhaz_table_nrow(t);
    unsigned char *seen = malloc(n ? n : 1);
    if (!seen)
        return rhaz_error_set(err, RHAZ_ENOMEM, rhaz_table_name(t), 0,
                              "out of memory finding the estimation sample (%zu rows)", n);
    memset(keep, 1, n);
    for (size_t k = 0; k < nf; k++) {
        rhaz_formula *f = rhaz_formula_parse(formulas[k], err);
        /* every variable of the formula: frailty(), strata() and cluster()
           terms and two-way clusters included */
        rhaz_design_options o = {.allow_two_way = 1, .allow_frailty = 1};
        rhaz_design *d = f ? rhaz_design_build(f, t, &o, err) : NULL;
        rhaz_formula_free(f);
        if (!d) {
            free(seen);
            return err ? err->status : RHAZ_EDATA;
        }
        memset(seen, 0, n);
        for (size_t i = 0; i < d->n; i++)
            seen[d->rows[i]] = 1;
        for (size_t i = 0; i < n; i++)
            keep[i] &= seen[i];
        rhaz_design_free(d);
    }
    free(seen);
    for (const char *const *c = columns; c && *c; c++) {
        long j = rhaz_table_find(t, *c);
        if (j < 0)
            return rhaz_error_set(err, RHAZ_ENOTFOUND, rhaz_table_name(t), 0,
                                  "no column '%s'", *c);
        for (size_t i = 0; i < n; i++)
            if (rhaz_table_is_missing(t, (size_t)j, i))
                keep[i] = 0;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += keep[i];
    if (nkeep)
        *nkeep = m;
    return RHAZ_OK;
}
