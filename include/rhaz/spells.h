/* rhaz/spells.h -- spells of a unit-period panel (for cure models),
 * as spduration's add_duration builds them (issue 16). */
#ifndef RHAZ_SPELLS_H
#define RHAZ_SPELLS_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* Input: n rows of a unit-period panel: unit ids (any int codes), an
 * ordering time (e.g. the year) and a 0/1 event indicator y (the
 * incidence of an event, e.g. a coup in that year).  Rows are taken in
 * order of (unit, time).  Within a unit:
 *   failure = y in the unit's first row, else max(0, y - y_previous):
 *             the first 1 of a run of 1s; later 1s of the run are
 *             "ongoing" and get failure = NaN (dropped from a fit);
 *   end_spell = 1 in a failure row and in the unit's last row (the
 *             row with the unit's largest time), else 0 (NaN if ongoing);
 *   a spell is a run of non-ongoing rows ending at an end_spell row;
 *   atrisk = 1 in every row of a spell that ends in failure, else 0
 *            (censored spells count as "cured");
 *   censor = 1 in the last row of a spell that does not end in failure;
 *   duration = 1, 2, ... counting the rows of the spell; t0 = duration - 1.
 * Ongoing rows get NaN in every column except ongoing = 1.  Outputs are
 * arrays of n in the caller's row order. */
typedef struct {
    size_t n;
    double *failure, *ongoing, *end_spell, *atrisk, *censor, *duration, *t0;
    double *spell;        /* spell number 1, 2, ... in (unit, time) order */
    size_t n_spells, n_failures, n_ongoing;
} rhaz_spells;

rhaz_spells *rhaz_spells_build(size_t n, const int *unit, const double *time,
                               const double *y, rhaz_error *err);
void rhaz_spells_free(rhaz_spells *s); /* accepts NULL */

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
