/* glm_int.h -- internals shared by glm.c (IRLS, linear algebra, summary)
 * and firth.c (Firth's penalized likelihood). */
#ifndef RHAZ_GLM_INT_H
#define RHAZ_GLM_INT_H

#include "rhaz.h"

/* Workspace of one fit.  Sizes: n rows, p columns.  Allocated once by
 * glm_ws_alloc; nothing is allocated inside the iterations. */
typedef struct {
    size_t n, p;
    const double *X;     /* n x p column-major (the design's) */
    const double *y;     /* n */
    const double *wp;    /* n prior weights, or NULL (all 1) */
    rhaz_link link;
    double tol_rank;
    double *eta, *mu, *mueta; /* n */
    double *w;           /* n: working weights (wp mu.eta^2 / V(mu)) */
    double *w2;          /* n: the next step's working weights (IRLS) */
    double *Afac;        /* p x p: factor of the last IRLS step */
    double *r;           /* n: work vector */
    double *A;           /* p x p: X'WX, then its LDL' factor */
    double *Ainv;        /* p x p */
    double *g;           /* p: gradient / right-hand side */
    double *beta, *beta_old, *delta; /* p */
    int *aliased;        /* p: 1 if aliased (by the rank test) */
    int *fixed;          /* p: 1 if held fixed (Firth profiles) */
    double *buf;         /* block x p: rows of sqrt(w) X */
    double *hat;         /* n (Firth) */
    size_t block;
    int rank;
    /* indicator blocks of the design (IRLS skips their zeros) */
    const struct rhaz_design_block *blocks;
    size_t nblocks;
    size_t *dcols;       /* the pd other ("dense") columns */
    size_t pd;
    double *Ad;          /* pd x pd */
} glm_ws;

glm_ws *glm_ws_alloc(size_t n, size_t p);
void glm_ws_free(glm_ws *ws);

/* eta = X beta (aliased and NaN-free beta); mu, mu.eta from eta. */
void glm_linear_predictor(glm_ws *ws, const double *beta);
void glm_link_eval(rhaz_link link, size_t n, const double *eta, double *mu,
                   double *mueta);
/* Binomial deviance of mu (prior weights). */
double glm_deviance(const glm_ws *ws, const double *mu);
/* A = X' diag(w) X (both triangles), blocked dsyrk. */
void glm_xtwx(glm_ws *ws, const double *w);
/* g = X' v */
void glm_xtv(const glm_ws *ws, const double *v, double *g);
/* Rank-revealing LDL' of ws->A in place: columns with fixed[j] set or
 * whose pivot is below tol_rank times their diagonal are aliased (their
 * row and column of the factor zeroed).  Returns the rank; log_det gets
 * the sum of log pivots of the kept columns. */
int glm_chol(glm_ws *ws, const int *fixed, double *log_det);
/* Solve A x = b with the factor in ws->A (aliased components 0). */
void glm_chol_solve(const glm_ws *ws, double *b);
/* ws->Ainv = generalised inverse (zero rows/columns for aliased). */
void glm_chol_inverse(glm_ws *ws);

/* Firth: fit with the free coordinates (fixed[j] == 0) starting from
 * ws->beta; the penalty always uses the full X.  Returns the penalized
 * log-likelihood, sets *iter, *conv, *halvings.  ws->A/Ainv hold the
 * information at the solution. */
double glm_firth_fit(glm_ws *ws, int maxit, int *iter, int *conv, int *halvings,
                     double *max_score);
/* Penalized log-likelihood at ws->beta (updates eta, mu, w, A). */
double glm_firth_loglik(glm_ws *ws);
/* Profile penalized-likelihood CI and penalized LR test of coefficient j
 * (ws->beta at the maximum bhat, lmax its penalized log-likelihood). */
rhaz_status glm_firth_profile(glm_ws *ws, const double *bhat, double lmax,
                              size_t j, double conf_level, double *lo,
                              double *hi, double *chisq, rhaz_error *err);

#endif
