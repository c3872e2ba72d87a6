/* glm_irls.c -- iteratively reweighted least squares for the binomial
 * GLM, following R's glm.fit step for step so that estimates, standard
 * errors and deviances agree with R:
 *
 *   start   mustart = (w y + 1/2) / (w + 1), eta = g(mustart)
 *   step    z = eta + (y - mu) / mu.eta,  W = w mu.eta^2 / (mu (1 - mu)),
 *           beta = (X'WX)^- X'Wz  (the rank-revealing LDL' of X'WX:
 *           aliased columns get beta 0, reported NA)
 *   halving while the deviance is not finite or some mu is outside
 *           (0, 1) (as R), or the deviance rose after the first step
 *   stop    |dev - dev_old| / (|dev| + 0.1) < epsilon, or maxit steps
 *
 * One pass over the rows per step, block by block (each block of X read
 * once while in cache): eta, mu, the deviance, and the normal equations
 * of the next step (computed speculatively; a halving recomputes them).
 * The indicator blocks of the design are read from their level codes.
 */
#include "model/glm_internal.h"
#include "core/util.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* One part of a pass (see irls_pass) over its rows, into its own A, Ad,
 * g and buffer. */
typedef struct {
    glm_ws *ws;
    const double *beta;
    int first;
    double dev[GLM_MAXPARTS];
    int ok[GLM_MAXPARTS];
} irls_job;

static void irls_part(void *ctx, size_t part)
{
    irls_job *J = ctx;
    glm_ws *ws = J->ws;
    const double *beta = J->beta;
    size_t n = ws->n, p = ws->p, B = ws->block, pd = ws->pd, nb = ws->nblocks;
    size_t lo = n * part / ws->nparts, hi = n * (part + 1) / ws->nparts;
    double *A = part ? ws->Ap[part] : ws->A, *Ad = part ? ws->Adp[part] : ws->Ad;
    double *g = part ? ws->gp[part] : ws->g, *buf = part ? ws->bufp[part] : ws->buf;
    double dev = 0;
    int ok = 1;
    memset(A, 0, p * p * sizeof(double));
    memset(Ad, 0, (pd ? pd * pd : 1) * sizeof(double));
    memset(g, 0, p * sizeof(double));
    for (size_t i0 = lo; i0 < hi; i0 += B) {
        size_t b = hi - i0 < B ? hi - i0 : B;
        double *eta = ws->eta + i0, *mu = ws->mu + i0, *me = ws->mueta + i0;
        double *w = ws->w2 + i0, *r = ws->r + i0;
        const double *y = ws->y + i0, *wp = ws->wp ? ws->wp + i0 : NULL;
        if (beta) {
            memset(eta, 0, b * sizeof(double));
            for (size_t q = 0; q < pd; q++) {
                size_t j = ws->dcols[q];
                if (beta[j] != 0)
                    cblas_daxpy((int)b, beta[j], ws->X + j * n + i0, 1, eta, 1);
            }
            for (size_t k = 0; k < nb; k++) {
                const int *code = ws->blocks[k].code + i0;
                const double *bk = beta + ws->blocks[k].col - ws->blocks[k].shift;
                int shift = ws->blocks[k].shift;
                for (size_t i = 0; i < b; i++)
                    if (code[i] >= shift)
                        eta[i] += bk[code[i]];
            }
            ws->link->linkinv(b, eta, mu, me);
        }
        for (size_t i = 0; i < b; i++) {
            double wt = wp ? wp[i] : 1.0, m = mu[i];
            if (!(m > 0 && m < 1))
                ok = 0;
            if (wt > 0)
                dev += y[i] > 0.5 ? -2 * wt * log(m) : -2 * wt * log1p(-m);
            w[i] = wt > 0 && me[i] != 0 ? wt * me[i] * me[i] / (m * (1 - m)) : 0;
            double zr = (y[i] - m) / me[i];
            r[i] = w[i] == 0 ? 0 : w[i] * (J->first ? eta[i] + zr : zr);
        }
        glm_accum_block(ws, i0, b, w, A, Ad, buf);
        glm_accum_xtr(ws, i0, b, r, g);
    }
    J->dev[part] = dev;
    J->ok[part] = ok;
}

/* If beta, eta = X beta and mu, mu.eta; the deviance (returned) and
 * whether every mu is in (0, 1); then the working weights ws->w2 and
 * the normal equations of the next step: ws->A = X'WX and
 * ws->g = X'W(z - X beta), or X'Wz when first != 0.  The parts of the
 * rows run on up to ws->threads threads and are added in order. */
static double irls_pass(glm_ws *ws, const double *beta, int first, int *ok_mu)
{
    size_t p = ws->p, pd = ws->pd;
    irls_job J = {.ws = ws, .beta = beta, .first = first};
    core_parallel(ws->nparts, ws->threads, irls_part, &J);
    double dev = J.dev[0];
    int ok = J.ok[0];
    for (size_t r = 1; r < ws->nparts; r++) {
        for (size_t q = 0; q < p * p; q++)
            ws->A[q] += ws->Ap[r][q];
        for (size_t q = 0; q < pd * pd; q++)
            ws->Ad[q] += ws->Adp[r][q];
        for (size_t j = 0; j < p; j++)
            ws->g[j] += ws->gp[r][j];
        dev += J.dev[r];
        ok &= J.ok[r];
    }
    glm_accum_finish(ws, ws->A, ws->Ad);
    *ok_mu = ok;
    return dev;
}

double glm_irls_fit(glm_ws *ws, int maxit, double epsilon, double *dev_init,
                    int *iter_out, int *conv_out, int *halvings_out, int *nonfinite)
{
    size_t n = ws->n, p = ws->p;
    int conv = 0, iter, halvings = 0;
    double dev = NAN;
    *nonfinite = 0;
    /* R's glm.fit: mustart = (w y + 1/2)/(w + 1), eta = linkfun(mustart) */
    for (size_t i = 0; i < n; i++) {
        double wt = ws->wp ? ws->wp[i] : 1.0;
        double m0 = (wt * ws->y[i] + 0.5) / (wt + 1);
        ws->eta[i] = ws->link->linkfun(m0);
    }
    ws->link->linkinv(n, ws->eta, ws->mu, ws->mueta);
    int ok_mu;
    /* deviance at the start, and the first normal equations (z = eta +
     * (y - mu)/mu.eta) */
    double devold = irls_pass(ws, NULL, 1, &ok_mu);
    *dev_init = devold;
    for (iter = 1; iter <= maxit; iter++) {
        double *rhs = ws->delta;
        memcpy(rhs, ws->g, p * sizeof(double));
        glm_chol(ws, NULL, NULL);
        glm_chol_solve(ws, rhs);
        /* keep the factor and the weights of this step: R's summary.glm
         * and sandwich use them */
        memcpy(ws->Afac, ws->A, p * p * sizeof(double));
        double *t = ws->w;
        ws->w = ws->w2;
        ws->w2 = t;
        memcpy(ws->beta_old, ws->beta, p * sizeof(double));
        if (iter > 1)
            for (size_t j = 0; j < p; j++)
                ws->beta[j] = ws->aliased[j] ? 0 : ws->beta_old[j] + rhs[j];
        else
            memcpy(ws->beta, rhs, p * sizeof(double));
        /* one pass: eta, mu, deviance and (speculatively) the next
         * normal equations */
        dev = irls_pass(ws, ws->beta, 0, &ok_mu);
        /* step-halving: non-finite deviance or invalid mu (as R), or an
         * increase of the deviance after the first step */
        int nh = 0;
        while (iter > 1 && (!isfinite(dev) || !ok_mu ||
                            dev > devold + 1e-7 * (fabs(devold) + 0.1))) {
            if (++nh > maxit)
                break;
            halvings++;
            for (size_t j = 0; j < p; j++)
                ws->beta[j] = 0.5 * (ws->beta[j] + ws->beta_old[j]);
            dev = irls_pass(ws, ws->beta, 0, &ok_mu);
        }
        if (!isfinite(dev)) {
            *nonfinite = 1;
            break;
        }
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < epsilon) {
            conv = 1;
            break;
        }
        devold = dev;
    }
    if (iter > maxit)
        iter = maxit;
    /* the factor of X'WX and the weights of the last step (as R) */
    memcpy(ws->A, ws->Afac, p * p * sizeof(double));
    glm_chol_inverse(ws);
    *iter_out = iter;
    *conv_out = conv;
    *halvings_out = halvings;
    return dev;
}
