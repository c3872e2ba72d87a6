/* cox_ties.c -- the handling of tied event times as a variant table
 * (as the links of glm_link.c and the figure kinds of plot/kinds.c): a
 * method is its name and the number of fractions a tied set of d events
 * is split into.  With m fractions of weight w/m, fraction j = 0..m-1
 * removes the share j/m of the tied events' risk from the denominator:
 *   Breslow  m = 1: every tied event sees the whole risk set;
 *   Efron    m = d: the denominators s0 - (j/d) d0 (R's default).
 * The Cox evaluation (cox_fit.c), Firth's correction (cox_firth.c) and
 * the residuals (cox_resid.c) read m from here; m = 1 takes their
 * closed-form branch. */
#include "model/cox_internal.h"

#include <string.h>

static double one_fraction(double d)
{
    (void)d;
    return 1;
}

static double d_fractions(double d)
{
    return d;
}

static const cox_ties_type ties_types[] = {
    {RHAZ_TIES_EFRON, "efron", d_fractions},
    {RHAZ_TIES_BRESLOW, "breslow", one_fraction},
};
#define N_TIES (sizeof ties_types / sizeof ties_types[0])

const cox_ties_type *cox_ties_type_of(rhaz_cox_ties id)
{
    for (size_t k = 0; k < N_TIES; k++)
        if (ties_types[k].id == id)
            return &ties_types[k];
    return NULL;
}

const char *rhaz_cox_ties_name(rhaz_cox_ties ties)
{
    const cox_ties_type *t = cox_ties_type_of(ties);
    return t ? t->name : NULL;
}

int rhaz_cox_ties_of(const char *name)
{
    for (size_t k = 0; name && k < N_TIES; k++)
        if (strcmp(ties_types[k].name, name) == 0)
            return (int)ties_types[k].id;
    return -1;
}
