/* fit.c -- the shared fitted-model summary. */
#include "rhaz.h"

#include <stdlib.h>

void rhaz_fit_summary_free(rhaz_fit_summary *s)
{
    if (!s)
        return;
    free(s->model);
    free(s->link);
    free(s->ties);
    free(s->formula);
    free(s->vce_label);
    if (s->coef)
        for (size_t j = 0; j < s->p; j++)
            free(s->coef[j].term);
    free(s->coef);
    free(s->vcov);
    for (size_t k = 0; k < s->n_warnings; k++)
        free(s->warnings[k]);
    free(s->warnings);
    free(s);
}
