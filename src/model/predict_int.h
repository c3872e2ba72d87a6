/* predict_int.h -- a fitted linear predictor in the column order of a
 * design, shared by predict.c and margins.c. */
#ifndef RHAZ_PREDICT_INT_H
#define RHAZ_PREDICT_INT_H

#include "rhaz.h"

/* Inverse links h(eta) of the predictions (a variant table in predict.c). */
typedef enum { PRED_LOGIT = 0, PRED_CLOGLOG, PRED_EXP, PRED_IDENTITY } pred_link;

typedef struct {
    pred_link link;
    double (*h)(double eta);   /* inverse link */
    double (*dh)(double eta);  /* h' */
    double (*d2h)(double eta); /* h'' */
} pred_link_type;

const pred_link_type *pred_link_of(pred_link link);

/* Coefficients and variance of a fit, in the order of p design columns
 * (matched by name).  b[j] = 0 and V row/column j = 0 for aliased
 * coefficients (aliased[j] = 1). */
typedef struct {
    size_t p;
    double *b;       /* p */
    double *V;       /* p x p, row-major (symmetric) */
    int *aliased;    /* p */
    const pred_link_type *lt;
} pred_model;

/* The link of a fit summary: exp for Cox, its link otherwise. */
pred_link pred_link_of_fit(const rhaz_fit_summary *fit);
rhaz_status pred_model_init(pred_model *m, const rhaz_fit_summary *fit,
                            char *const *colnames, size_t p, rhaz_error *err);
void pred_model_clear(pred_model *m);

/* eta and var(eta) of row i of X (n x p column-major), centred at c
 * (p values or NULL). */
void pred_row(const pred_model *m, const double *X, size_t n, size_t i,
              const double *c, double *eta, double *var);

#endif
