/* predict_int.h -- a fitted model's predictions as a function of its
 * linear predictors, shared by predict.c and margins.c.
 *
 * A prediction of row i is q(u_i), u = (u0, u1, u2): u0 = x'b of the
 * first equation (the model's linear predictor; the duration equation
 * of a cure model), u1 = z'g of the at-risk equation (cure models only),
 * u2 = the fit's log(scale) or log(p) coefficient (parametric survival
 * and cure models; 0 when the scale is fixed).  The family and scale
 * give q with its gradient and Hessian in u (pred_q); the chain rule to
 * the coefficients is dq/db = q_u0 x, dq/dg = q_u1 z, dq/dtau = q_u2. */
#ifndef RHAZ_PREDICT_INT_H
#define RHAZ_PREDICT_INT_H

#include "rhaz.h"
#include "model/surv_int.h"

/* Inverse links h(eta) of the predictions (a variant table in predict.c). */
typedef enum { PRED_LOGIT = 0, PRED_CLOGLOG, PRED_EXP, PRED_IDENTITY } pred_link;

typedef struct {
    pred_link link;
    double (*h)(double eta);   /* inverse link */
    double (*dh)(double eta);  /* h' */
    double (*d2h)(double eta); /* h'' */
    void (*all)(double eta, double out[3]); /* h, h', h'' at once */
} pred_link_type;

const pred_link_type *pred_link_of(pred_link link);

/* What a fit predicts from. */
typedef enum {
    PF_GLM = 0,  /* logit, cloglog (Firth too): probability h(x'b) */
    PF_COX,      /* Cox, shared frailty Cox, conditional logit: x'b */
    PF_SURV,     /* parametric survival (AFT or PH metric) */
    PF_CURE      /* split-population: duration and at-risk equations */
} pred_family;

#define PRED_NEQ 2
#define PRED_NONE ((size_t)-1)

typedef struct {
    size_t P;                 /* coefficients of the fit */
    double *theta;            /* P (aliased: 0) */
    double *V;                /* P x P row-major (aliased rows/cols: 0) */
    size_t neq;               /* equations read from a design: 1 or 2 */
    size_t p[PRED_NEQ];       /* columns of each equation's design */
    size_t *map[PRED_NEQ];    /* column -> theta index, PRED_NONE: aliased */
    double *center[PRED_NEQ]; /* column centres or NULL (Cox lp: means) */
    long tau;                 /* theta index of log(scale)/log(p), or -1 */
    pred_family fam;
    rhaz_predict_scale scale;
    const pred_link_type *lt; /* PF_GLM */
    const surv_dist *dist;    /* PF_SURV, PF_CURE */
    int ph;                   /* PF_SURV: coefficients in the PH metric */
    double time;              /* RHAZ_SCALE_HAZARD: the time */
} pred_model;

/* The family of a fit summary; an error for a model rhaz cannot predict. */
rhaz_status pred_family_of(const rhaz_fit_summary *fit, pred_family *fam,
                           rhaz_error *err);
/* Set up m for fit on the given scale: coefficients and variance in the
 * fit's order, the family, the default scale when scale is
 * RHAZ_SCALE_DEFAULT; checks that the scale exists for the family.  The
 * equations are mapped by pred_model_map once designs exist. */
rhaz_status pred_model_init(pred_model *m, const rhaz_fit_summary *fit,
                            rhaz_predict_scale scale, double time,
                            rhaz_error *err);
/* Map the columns of equation e (names) to the fit's coefficients
 * (cure: "duration:NAME" for e = 0, "risk:NAME" for e = 1). */
rhaz_status pred_model_map(pred_model *m, const rhaz_fit_summary *fit,
                           size_t e, char *const *colnames, size_t p,
                           rhaz_error *err);
void pred_model_clear(pred_model *m);

/* u of row i of the equations' matrices: col[e][j] is column j of
 * equation e (indexed by row). */
void pred_u(const pred_model *m, const double *const *const *col, size_t i,
            double u[3]);
/* q(u) with gradient g[3] and (H != NULL) Hessian H[9] in u. */
void pred_q(const pred_model *m, const double u[3], double *q, double g[3],
            double *H);
/* Add w x dq/dtheta of row i (gradient g in u) to J (P). */
void pred_jacobian_add(const pred_model *m, const double *const *const *col,
                       size_t i, const double g[3], double w, double *J);
/* J' V J */
double pred_var(const pred_model *m, const double *J);
/* A description of the scale ("median time", "hazard at t = 5", ...). */
void pred_scale_label(const pred_model *m, char *buf, size_t size);

#endif
