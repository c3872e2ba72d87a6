/* glm_ws.c -- the GLM workspace (see the layout in glm_internal.h) and
 * the products every GLM method uses: linear predictor, deviance, X'WX
 * (dense by dsyrk, or blocked with the indicator blocks read from their
 * level codes), X'v, and the rank-revealing LDL' of X'WX through the
 * shared factorization of linalg.h.
 *
 * Inputs: a design (X n x p column-major, y n in {0, 1}, optional prior
 * weights >= 0, indicator blocks).  Everything is allocated once by
 * glm_ws_alloc; a failed allocation frees what was built.
 */
#include "model/glm_internal.h"
#include "model/linalg.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void glm_ws_free(glm_ws *ws)
{
    if (!ws)
        return;
    free(ws->eta);
    free(ws->mu);
    free(ws->mueta);
    free(ws->w);
    free(ws->w2);
    free(ws->Afac);
    free(ws->r);
    free(ws->A);
    free(ws->Ainv);
    free(ws->g);
    free(ws->beta);
    free(ws->beta_old);
    free(ws->delta);
    free(ws->aliased);
    free(ws->fixed);
    free(ws->buf);
    free(ws->hat);
    free(ws->dcols);
    free(ws->Ad);
    for (size_t r = 1; r < GLM_MAXPARTS; r++) {
        free(ws->Ap[r]);
        free(ws->Adp[r]);
        free(ws->gp[r]);
        free(ws->bufp[r]);
    }
    free(ws);
}

glm_ws *glm_ws_alloc(const rhaz_design *d, const glm_link_type *link,
                     double tol_rank)
{
    glm_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    size_t n = d->n, p = d->p;
    size_t nn = n ? n : 1, pp = p ? p : 1;
    ws->n = n;
    ws->p = p;
    ws->X = d->X;
    ws->y = d->y;
    ws->wp = d->weights;
    ws->link = link;
    ws->tol_rank = tol_rank;
    ws->blocks = d->blocks;
    ws->nblocks = d->n_blocks;
    ws->block = n < GLM_BLOCK ? nn : GLM_BLOCK;
    ws->eta = malloc(nn * sizeof(double));
    ws->mu = malloc(nn * sizeof(double));
    ws->mueta = malloc(nn * sizeof(double));
    ws->w = malloc(nn * sizeof(double));
    ws->w2 = malloc(nn * sizeof(double));
    ws->Afac = malloc(pp * pp * sizeof(double));
    ws->r = malloc(nn * sizeof(double));
    ws->hat = malloc(nn * sizeof(double));
    ws->A = malloc(pp * pp * sizeof(double));
    ws->Ainv = malloc(pp * pp * sizeof(double));
    ws->g = malloc(pp * sizeof(double));
    ws->beta = calloc(pp, sizeof(double));
    ws->beta_old = calloc(pp, sizeof(double));
    ws->delta = calloc(pp, sizeof(double));
    ws->aliased = calloc(pp, sizeof(int));
    ws->fixed = calloc(pp, sizeof(int));
    ws->buf = malloc(ws->block * pp * sizeof(double));
    ws->dcols = malloc(pp * sizeof *ws->dcols);
    ws->Ad = malloc(pp * pp * sizeof *ws->Ad);
    if (!ws->eta || !ws->mu || !ws->mueta || !ws->w || !ws->w2 || !ws->Afac || !ws->r ||
        !ws->hat || !ws->A || !ws->Ainv || !ws->g || !ws->beta || !ws->beta_old ||
        !ws->delta || !ws->aliased || !ws->fixed || !ws->buf || !ws->dcols || !ws->Ad) {
        glm_ws_free(ws);
        return NULL;
    }
    ws->threads = 1;
    ws->nparts = n >= 2 * GLM_BLOCK ? GLM_MAXPARTS : 1;
    for (size_t r = 1; r < ws->nparts; r++)
        if (!(ws->Ap[r] = malloc(pp * pp * sizeof(double))) ||
            !(ws->Adp[r] = malloc(pp * pp * sizeof(double))) ||
            !(ws->gp[r] = malloc(pp * sizeof(double))) ||
            !(ws->bufp[r] = malloc(ws->block * pp * sizeof(double)))) {
            glm_ws_free(ws);
            return NULL;
        }
    for (size_t j = 0; j < p; j++) {
        int inblock = 0;
        for (size_t k = 0; k < d->n_blocks; k++)
            if (j >= d->blocks[k].col && j < d->blocks[k].col + d->blocks[k].ncol)
                inblock = 1;
        if (!inblock)
            ws->dcols[ws->pd++] = j;
    }
    return ws;
}

void glm_linear_predictor(glm_ws *ws, const double *beta)
{
    size_t n = ws->n, p = ws->p;
    memset(ws->eta, 0, n * sizeof(double));
    for (size_t j = 0; j < p; j++)
        if (beta[j] != 0)
            cblas_daxpy((int)n, beta[j], ws->X + j * n, 1, ws->eta, 1);
    ws->link->linkinv(n, ws->eta, ws->mu, ws->mueta);
}

/* R's binomial dev.resids for y in {0,1}: 2 wt (y log(y/mu) + (1-y)
 * log((1-y)/(1-mu))). */
double glm_deviance(const glm_ws *ws, const double *mu)
{
    double dev = 0;
    for (size_t i = 0; i < ws->n; i++) {
        double wt = ws->wp ? ws->wp[i] : 1.0;
        if (wt == 0)
            continue;
        dev += ws->y[i] > 0.5 ? -2 * wt * log(mu[i]) : -2 * wt * log1p(-mu[i]);
    }
    return dev;
}

void glm_xtwx(glm_ws *ws, const double *w)
{
    size_t n = ws->n, p = ws->p, B = ws->block;
    memset(ws->A, 0, p * p * sizeof(double));
    double sw[GLM_BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += B) {
        size_t b = n - i0 < B ? n - i0 : B;
        for (size_t i = 0; i < b; i++)
            sw[i] = sqrt(w[i0 + i]);
        for (size_t j = 0; j < p; j++) {
            const double *x = ws->X + j * n + i0;
            double *o = ws->buf + j * b;
            for (size_t i = 0; i < b; i++)
                o[i] = x[i] * sw[i];
        }
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)p, (int)b, 1.0,
                    ws->buf, (int)b, 1.0, ws->A, (int)p);
    }
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++)
            ws->A[j * p + i] = ws->A[i * p + j];
}

void glm_xtv(const glm_ws *ws, const double *v, double *g)
{
    cblas_dgemv(CblasColMajor, CblasTrans, (int)ws->n, (int)ws->p, 1.0, ws->X,
                (int)ws->n, v, 1, 0.0, g, 1);
}

/* A(i, j) of the upper triangle (rows <= columns) */
#define AUP(A, p, i, j) ((A)[((i) > (j) ? (i) : (j)) * (p) + ((i) < (j) ? (i) : (j))])

void glm_accum_block(const glm_ws *ws, size_t i0, size_t b, const double *v, double *A,
                     double *Ad, double *buf)
{
    size_t n = ws->n, p = ws->p, pd = ws->pd, nb = ws->nblocks;
    double sv[GLM_BLOCK];
    for (size_t i = 0; i < b; i++)
        sv[i] = sqrt(v[i]);
    for (size_t q = 0; q < pd; q++) {
        const double *x = ws->X + ws->dcols[q] * n + i0;
        double *o = buf + q * b;
        for (size_t i = 0; i < b; i++)
            o[i] = x[i] * sv[i];
    }
    if (pd)
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)pd, (int)b, 1.0, buf,
                    (int)b, 1.0, Ad, (int)pd);
    for (size_t k = 0; k < nb; k++) {
        const int *code = ws->blocks[k].code + i0;
        int shift = ws->blocks[k].shift;
        size_t base = ws->blocks[k].col - (size_t)shift;
        for (size_t i = 0; i < b; i++)
            if (code[i] >= shift) {
                size_t c = base + (size_t)code[i];
                A[c * p + c] += v[i];
            }
        for (size_t q = 0; q < pd; q++) {
            size_t j = ws->dcols[q];
            const double *x = ws->X + j * n + i0;
            for (size_t i = 0; i < b; i++)
                if (code[i] >= shift) {
                    size_t c = base + (size_t)code[i];
                    AUP(A, p, c, j) += v[i] * x[i];
                }
        }
        for (size_t m2 = k + 1; m2 < nb; m2++) {
            const int *code2 = ws->blocks[m2].code + i0;
            int shift2 = ws->blocks[m2].shift;
            size_t base2 = ws->blocks[m2].col - (size_t)shift2;
            for (size_t i = 0; i < b; i++)
                if (code[i] >= shift && code2[i] >= shift2) {
                    size_t c = base + (size_t)code[i], c2 = base2 + (size_t)code2[i];
                    AUP(A, p, c, c2) += v[i];
                }
        }
    }
}

void glm_accum_finish(const glm_ws *ws, double *A, const double *Ad)
{
    size_t p = ws->p, pd = ws->pd;
    for (size_t q2 = 0; q2 < pd; q2++)
        for (size_t q1 = 0; q1 <= q2; q1++)
            AUP(A, p, ws->dcols[q1], ws->dcols[q2]) += Ad[q2 * pd + q1];
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++)
            A[j * p + i] = A[i * p + j];
}

void glm_accum_xtr(const glm_ws *ws, size_t i0, size_t b, const double *r, double *g)
{
    size_t n = ws->n;
    for (size_t q = 0; q < ws->pd; q++) {
        const double *x = ws->X + ws->dcols[q] * n + i0;
        double gs = 0;
        for (size_t i = 0; i < b; i++)
            gs += x[i] * r[i];
        g[ws->dcols[q]] += gs;
    }
    for (size_t k = 0; k < ws->nblocks; k++) {
        const int *code = ws->blocks[k].code + i0;
        int shift = ws->blocks[k].shift;
        size_t base = ws->blocks[k].col - (size_t)shift;
        for (size_t i = 0; i < b; i++)
            if (code[i] >= shift)
                g[base + (size_t)code[i]] += r[i];
    }
}

int glm_chol(glm_ws *ws, const int *fixed, double *log_det)
{
    ws->rank = rhaz_ldl_factor_(ws->A, ws->p, RHAZ_LDL_PIVOT_OWN_DIAG, ws->tol_rank,
                                fixed, ws->aliased, log_det);
    return ws->rank;
}

void glm_chol_solve(const glm_ws *ws, double *b)
{
    rhaz_ldl_solve_(ws->A, ws->p, b);
}

void glm_chol_inverse(glm_ws *ws)
{
    rhaz_ldl_inverse_(ws->A, ws->p, ws->Ainv);
}
