/* glm_sandwich.c -- robust and cluster-robust variance of a GLM fit,
 * as R's sandwich::vcovHC(type = "HC0") / vcovCL(type = "HC0"):
 *
 *   V = c * B M B,  B = (X'WX)^-1 of the last IRLS step,
 *   M = sum_g S_g S_g',  S_g = sum_{i in g} x_i (y_i - mu_i) / mu.eta_i * w_i
 *
 * (estfun.glm: working residual at the final mu times the working weight
 * of the last step), every row its own cluster for "robust"; c from
 * rhaz_vcov_adjust (1, G/(G-1) as vcovCL's default, or Stata's).
 * The meat is accumulated without an n x p score matrix: per row as
 * X' diag(u^2) X with the blocked product, by cluster as S'S (one dsyrk).
 */
#include "model/glm_internal.h"
#include "core/util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

rhaz_status glm_meat(glm_ws *ws, const int *cluster, size_t G, double *M,
                     rhaz_error *err)
{
    size_t n = ws->n, p = ws->p, B = ws->block;
    memset(M, 0, p * p * sizeof(double));
    if (!cluster) {
        double *Md = calloc(ws->pd ? ws->pd * ws->pd : 1, sizeof *Md);
        if (!Md)
            return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing the "
                                  "sandwich variance (%zu x %zu doubles)", ws->pd, ws->pd);
        double v[GLM_BLOCK];
        for (size_t i0 = 0; i0 < n; i0 += B) {
            size_t b = n - i0 < B ? n - i0 : B;
            for (size_t i = 0; i < b; i++)
                v[i] = ws->r[i0 + i] * ws->r[i0 + i];
            glm_accum_block(ws, i0, b, v, M, Md, ws->buf);
        }
        glm_accum_finish(ws, M, Md);
        free(Md);
        return RHAZ_OK;
    }
    double *S = calloc(G > 0 && p > 0 ? G * p : 1, sizeof *S);
    if (!S)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing the "
                              "cluster sandwich (%zu clusters x %zu coefficients)", G, p);
    for (size_t q = 0; q < ws->pd; q++) {
        size_t j = ws->dcols[q];
        const double *x = ws->X + j * n;
        double *s = S + j * G;
        for (size_t i = 0; i < n; i++)
            s[cluster[i]] += ws->r[i] * x[i];
    }
    for (size_t k = 0; k < ws->nblocks; k++) {
        const int *code = ws->blocks[k].code;
        int shift = ws->blocks[k].shift;
        size_t base = ws->blocks[k].col - (size_t)shift;
        for (size_t i = 0; i < n; i++)
            if (code[i] >= shift)
                S[(base + (size_t)code[i]) * G + (size_t)cluster[i]] += ws->r[i];
    }
    for (size_t j = 0; j < p; j++)
        if (ws->aliased[j])
            memset(S + j * G, 0, G * sizeof(double));
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)p, (int)G, 1.0, S, (int)G, 0.0,
                M, (int)p);
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++)
            M[j * p + i] = M[i * p + j];
    free(S);
    return RHAZ_OK;
}

/* Two-way clustering (Cameron, Gelbach & Miller 2011), as R's
 * sandwich::vcovCL(fit, cluster = ~ a + b):
 *   V = c_a B M_a B + c_b B M_b B - c_ab B M_ab B,
 * M_a, M_b, M_ab the meats by a, by b and by the intersections a x b
 * present, each with its own factor c (c_g = G_g/(G_g - 1) for
 * RHAZ_ADJ_G, vcovCL's default; x (N-1)/(N-K) too for RHAZ_ADJ_STATA,
 * vcovCL type = "HC1"; 1 for none).  Not made positive semi-definite
 * (vcovCL's fix = FALSE): a negative variance gives a NaN SE. */
static rhaz_status vcov_twoway(glm_ws *ws, const rhaz_design *d,
                               rhaz_vce_adj adj, size_t nobs, double *V,
                               rhaz_error *err)
{
    size_t p = ws->p, k = (size_t)ws->rank;
    const int *cl[3] = {d->cluster, d->cluster2, d->cluster12};
    size_t G[3] = {d->n_clusters, d->n_clusters2, d->n_clusters12};
    const double sign[3] = {1, 1, -1};
    double *meat = malloc((p > 0 ? p * p : 1) * sizeof *meat);
    double *Vk = malloc((p > 0 ? p * p : 1) * sizeof *Vk);
    rhaz_status st = RHAZ_OK;
    if (!meat || !Vk)
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing the "
                                                 "sandwich variance (2 x %zu x %zu doubles)", p, p);
    if (!st)
        memset(V, 0, p * p * sizeof *V);
    for (int c = 0; c < 3 && !st; c++) {
        double cadj = rhaz_vcov_adjust(adj, G[c], nobs, k);
        if (isnan(cadj)) {
            st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                "two-way sandwich variance: needs at least 2 "
                                "clusters in each dimension; got %zu", G[c]);
            core_error_option(err, "cluster");
            break;
        }
        if ((st = glm_meat(ws, cl[c], G[c], meat, err)))
            break;
        rhaz_vcov_sandwich_meat(ws->Ainv, p, meat, cadj, Vk);
        for (size_t q = 0; q < p * p; q++)
            V[q] += sign[c] * Vk[q];
    }
    free(meat);
    free(Vk);
    return st;
}

rhaz_status glm_vcov_sandwich(glm_ws *ws, const rhaz_design *d, int by_cluster,
                              rhaz_vce_adj adj, size_t nobs, double *V, rhaz_error *err)
{
    size_t n = ws->n, p = ws->p, k = (size_t)ws->rank;
    size_t G = by_cluster ? d->n_clusters : n;
    if (by_cluster && d->cluster2) {
        for (size_t i = 0; i < n; i++)
            ws->r[i] = (d->y[i] - ws->mu[i]) / ws->mueta[i] * ws->w[i];
        return vcov_twoway(ws, d, adj, nobs, V, err);
    }
    double cadj = rhaz_vcov_adjust(adj, G, nobs, k);
    if (isnan(cadj))
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                              "sandwich variance: needs at least 2 clusters (and more "
                              "observations than coefficients); got %zu", G),
               core_error_option(err, "cluster");
    double *meat = malloc((p > 0 ? p * p : 1) * sizeof *meat);
    if (!meat)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing the "
                                                 "sandwich variance (2 x %zu x %zu doubles)", p, p);
    /* estfun.glm: working residual (final mu) x working weight (last
     * IRLS step) x x_i */
    for (size_t i = 0; i < n; i++)
        ws->r[i] = (d->y[i] - ws->mu[i]) / ws->mueta[i] * ws->w[i];
    rhaz_status st = glm_meat(ws, by_cluster ? d->cluster : NULL, G, meat, err);
    if (!st)
        rhaz_vcov_sandwich_meat(ws->Ainv, p, meat, cadj, V);
    free(meat);
    return st;
}
