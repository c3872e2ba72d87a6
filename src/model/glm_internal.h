/* glm_internal.h -- the binary-response GLM shared by its files, split
 * by role as the Cox code is:
 *
 *   glm_ws.c          workspace (alloc/free), linear predictor, deviance,
 *                     X'WX and X'v products, the LDL' of X'WX
 *   glm_link.c        the links as a variant table (logit, cloglog)
 *   glm_irls.c        IRLS as R's glm.fit, one blocked pass per iteration
 *   firth.c           Firth's penalized likelihood and its profiles
 *   glm_sandwich.c    robust / cluster-robust variance (estfun.glm meat)
 *   glm_separation.c  separation and boundary diagnostics
 *   glm_fit.c         rhaz_glm_fit: checks, the fit, the summary
 *   glm_model.c       the fitted model object: fitted values, residuals,
 *                     predictions on new rows
 *
 * Dependencies run one way: glm_fit.c -> {glm_irls.c, firth.c,
 * glm_sandwich.c, glm_separation.c} -> glm_ws.c, glm_link.c ->
 * linalg.h (ldl.c).  Not part of the public API.
 *
 * Layout of the workspace ("glm_ws"):
 *   X      n x p column-major (the design's; X[j * n + i]).  Columns of
 *          indicator blocks (blocks[0..nblocks-1], see rhaz_design) may
 *          be unwritten (sparse_indicators): the IRLS pass, the sandwich
 *          meat and the separation counts read them from the level codes
 *          and never touch X there.  dcols lists the pd other ("dense")
 *          columns; their products go through BLAS (dsyrk into Ad).
 *          Firth uses the dense products (glm_xtwx, glm_xtv) on the full
 *          X, so it needs a design built without sparse_indicators.
 *   A      p x p: X'WX in full (both triangles), then in place its LDL'
 *          factor (rhaz_ldl_factor_ with RHAZ_LDL_PIVOT_OWN_DIAG and
 *          tol_rank: unit L in the strict lower triangle of the row-major
 *          layout, D on the diagonal, redundant columns zeroed and
 *          flagged in aliased[]).
 *   Afac   p x p: the factor of the last IRLS step (R's summary.glm and
 *          sandwich use the weights and the X'WX of the last step, not
 *          of the final beta).
 *   Ainv   p x p: generalized inverse of X'WX (aliased rows/columns 0).
 *   w, w2  n: working weights wp mu.eta^2 / V(mu) of the current step
 *          and of the next (the IRLS pass computes the next step's
 *          normal equations speculatively; the two are swapped).
 *   r      n: scratch (working residuals times weights; score
 *          contributions for the sandwich; Firth's modified residuals).
 *   buf    block x p: rows of sqrt(w) X for dsyrk; block = min(n, 4096)
 *          rows are processed at a time, so each block of X is read
 *          once while it is in cache.
 *   g      p: right-hand side of the normal equations / gradient.
 *   beta, beta_old, delta: p.  fixed: p flags of coordinates held fixed
 *          (Firth profiles and penalized null model).
 * Nothing is allocated inside the iterations.
 */
#ifndef RHAZ_GLM_INTERNAL_H
#define RHAZ_GLM_INTERNAL_H

#include "rhaz.h"

#define GLM_BLOCK 4096

/* A link as a variant (glm_link.c): a new link is a new table entry. */
typedef struct glm_link_type {
    rhaz_link id;
    const char *name;
    /* eta = g(mu) */
    double (*linkfun)(double mu);
    /* mu = g^-1(eta) and mu.eta = d mu / d eta for n values, clamped as
     * R's family objects do */
    void (*linkinv)(size_t n, const double *eta, double *mu, double *mueta);
} glm_link_type;

/* The table entry of link, or NULL if unknown. */
const glm_link_type *glm_link_get(rhaz_link link);

/* Workspace of one fit (see the layout above). */
typedef struct {
    size_t n, p;
    const double *X;     /* n x p column-major (the design's) */
    const double *y;     /* n */
    const double *wp;    /* n prior weights, or NULL (all 1) */
    const glm_link_type *link;
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
    /* IRLS passes over rows cut into nparts parts fixed by n (never by
     * the number of threads), part r > 0 with its own A, Ad, g and buf,
     * added in order: the same result on any number of threads */
#define GLM_MAXPARTS 2
    size_t nparts;
    int threads;         /* threads a pass may use (glm_fit.c sets it) */
    double *Ap[GLM_MAXPARTS], *Adp[GLM_MAXPARTS], *gp[GLM_MAXPARTS], *bufp[GLM_MAXPARTS];
} glm_ws;

/* ---- glm_ws.c ---- */
/* Workspace for n rows, p columns of design d (X, y, weights, blocks,
 * dense columns), link and rank tolerance; NULL when out of memory. */
glm_ws *glm_ws_alloc(const rhaz_design *d, const glm_link_type *link,
                     double tol_rank);
void glm_ws_free(glm_ws *ws);
/* eta = X beta (aliased and NaN-free beta); mu, mu.eta from eta. */
void glm_linear_predictor(glm_ws *ws, const double *beta);
/* Binomial deviance of mu (prior weights). */
double glm_deviance(const glm_ws *ws, const double *mu);
/* A = X' diag(w) X (both triangles), blocked dsyrk on the full X. */
void glm_xtwx(glm_ws *ws, const double *w);
/* g = X' v (full X) */
void glm_xtv(const glm_ws *ws, const double *v, double *g);
/* A += X_b' diag(v) X_b for rows i0 .. i0+b-1 (v: b values >= 0): the
 * dense columns by dsyrk into Ad (pd x pd, upper), the indicator blocks
 * from their level codes into the upper triangle of A.  glm_accum_finish
 * adds Ad into A and mirrors the upper triangle. */
void glm_accum_block(const glm_ws *ws, size_t i0, size_t b, const double *v, double *A,
                     double *Ad, double *buf);
void glm_accum_finish(const glm_ws *ws, double *A, const double *Ad);
/* g += X_b' r_b (dense columns and blocks) */
void glm_accum_xtr(const glm_ws *ws, size_t i0, size_t b, const double *r, double *g);
/* Rank-revealing LDL' of ws->A in place (RHAZ_LDL_PIVOT_OWN_DIAG with
 * ws->tol_rank): columns with fixed[j] set are excluded, columns whose
 * pivot is too small are flagged in ws->aliased.  Sets and returns
 * ws->rank; log_det gets the sum of log pivots of the kept columns. */
int glm_chol(glm_ws *ws, const int *fixed, double *log_det);
/* Solve A x = b with the factor in ws->A (aliased components 0). */
void glm_chol_solve(const glm_ws *ws, double *b);
/* ws->Ainv = generalised inverse (zero rows/columns for aliased). */
void glm_chol_inverse(glm_ws *ws);

/* ---- glm_irls.c ---- */
/* IRLS from R's starting values (mustart = (w y + 1/2)/(w + 1)) to
 * convergence on the relative change of the deviance (epsilon) or
 * maxit iterations, with R's step-halving.  On return ws->beta, eta,
 * mu, mueta are those of the estimate, ws->w and ws->A (and Ainv) the
 * weights and factor of the last step.  Returns the deviance; fills
 * *dev_init (deviance at the start), *iter, *conv, *halvings and
 * *nonfinite (1 if the deviance became non-finite). */
double glm_irls_fit(glm_ws *ws, int maxit, double epsilon, double *dev_init,
                    int *iter, int *conv, int *halvings, int *nonfinite);

/* ---- firth.c ---- */
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

/* ---- glm_sandwich.c ---- */
/* Sandwich meat M (p x p) from the score contributions u_i x_i with u
 * in ws->r, without forming the n x p score matrix: by cluster sums
 * (S'S, cluster ids 0..G-1), or per row (cluster NULL) as
 * X' diag(u^2) X. */
rhaz_status glm_meat(glm_ws *ws, const int *cluster, size_t G, double *M,
                     rhaz_error *err);
/* V (p x p) = the sandwich of the fit in ws (ws->Ainv the bread, ws->w
 * the last step's weights, ws->mu the final means), by the clusters of
 * d (by_cluster) or by row, with the small-sample factor adj (nobs
 * observations, ws->rank coefficients).  Overwrites ws->r. */
rhaz_status glm_vcov_sandwich(glm_ws *ws, const rhaz_design *d, int by_cluster,
                              rhaz_vce_adj adj, size_t nobs, double *V, rhaz_error *err);

/* ---- glm_model.c: the fitted model object (rhaz/glm.h) ---- */
struct rhaz_glm {
    rhaz_fit_summary *s;
    size_t n;
    const glm_link_type *link;
    double *eta, *mu, *mueta; /* n: at the estimate */
    double *y, *wp;           /* n: response, prior weights (NULL: all 1) */
};
/* The object for a fit of design d: s NULL, the arrays allocated and y,
 * wp copied (eta, mu, mueta left for glm_model_capture); NULL when out
 * of memory. */
rhaz_glm *glm_model_alloc(const rhaz_design *d, const glm_link_type *link);
/* Copy eta, mu, mu.eta of the estimate from ws into g. */
void glm_model_capture(rhaz_glm *g, const glm_ws *ws);

/* ---- glm_separation.c ---- */
/* Separation diagnostics (warnings into s): a response constant in
 * every row; 0/1 columns with no (or only) events where they are 1;
 * fitted probabilities numerically 0 or 1 with diverging coefficients
 * (not with Firth).  Returns 1 if separation was found. */
int glm_detect_separation(const rhaz_design *d, const glm_ws *ws,
                          rhaz_fit_summary *s, int firth);

#endif
