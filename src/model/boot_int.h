/* boot_int.h -- internals of the bootstrap (boot.c, boot_fit.c,
 * boot_stats.c).  Not part of the public API.
 *
 * A family (boot_fit.c) fits a design d -- and for the cure model the
 * at-risk design risk, with the same rows -- with the model-based
 * variance.  x_work, when not NULL, is d->X itself, which the fit may
 * overwrite (a replicate's private copy).  Returns a summary or NULL
 * with err set. */
#ifndef RHAZ_BOOT_INT_H
#define RHAZ_BOOT_INT_H

#include "rhaz.h"

typedef struct {
    rhaz_boot_family family;
    const char *name;
    int two_designs; /* 1: m->risk is required */
    rhaz_fit_summary *(*fit)(const rhaz_boot_model *m, const rhaz_design *d,
                             const rhaz_design *risk, double *x_work,
                             rhaz_error *err);
} boot_family;

/* The family of m after checking m (a design, the designs the family
 * needs, no frailty term, at most one cluster variable); NULL with err
 * set. */
const boot_family *boot_family_of_(const rhaz_boot_model *m, rhaz_error *err);

#endif
