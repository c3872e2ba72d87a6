/* cox_firth.c -- Heinze-Schemper penalized partial likelihood (placeholder). */
#include "cox_internal.h"

double rhaz_cox_firth_adjust_(struct rhaz_cox *f, double loglik);
double rhaz_cox_firth_adjust_(struct rhaz_cox *f, double loglik)
{
    (void)f;
    return loglik;
}
