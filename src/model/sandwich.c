/* sandwich.c -- robust and cluster-robust ("sandwich") variances, shared
 * by the glm and Cox models.
 *
 *   V = c * B M B,   M = S'S,  S = G x p matrix of per-cluster score sums
 *
 * Inputs: bread B (p x p, symmetric), scores U (n x p, column-major),
 * optional cluster ids (0..G-1).  The score sums are accumulated in one
 * pass over the rows (column by column, so memory is read sequentially),
 * M by one dsyrk, and B M B by two dsymm.
 */
#include "rhaz.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double rhaz_vcov_adjust(rhaz_vce_adj adj, size_t n_clusters, size_t n, size_t k)
{
    double G = (double)n_clusters;
    switch (adj) {
    case RHAZ_ADJ_NONE:
        return 1.0;
    case RHAZ_ADJ_G:
        return n_clusters < 2 ? NAN : G / (G - 1.0);
    case RHAZ_ADJ_STATA:
        if (n_clusters < 2 || n <= k)
            return NAN;
        return G / (G - 1.0) * ((double)n - 1.0) / ((double)n - (double)k);
    }
    return NAN;
}

rhaz_status rhaz_vcov_sandwich(const double *bread, size_t p,
                               const double *scores, size_t n,
                               const int *cluster, size_t n_clusters,
                               rhaz_vce_adj adj, size_t k, double *out,
                               rhaz_error *err)
{
    if (!cluster)
        n_clusters = n;
    double c = rhaz_vcov_adjust(adj, n_clusters, n, k);
    if (p == 0)
        return RHAZ_OK;
    if (isnan(c))
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                              "sandwich variance: needs at least 2 clusters "
                              "(and more observations than coefficients); got %zu",
                              n_clusters);
    double *meat = calloc(p * p, sizeof *meat);
    double *S = NULL;
    if (!meat)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
    if (cluster) {
        S = calloc(n_clusters * p, sizeof *S);
        if (!S) {
            free(meat);
            return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
        }
        for (size_t j = 0; j < p; j++) {
            const double *u = scores + j * n;
            double *s = S + j * n_clusters;
            for (size_t i = 0; i < n; i++)
                s[cluster[i]] += u[i];
        }
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)p, (int)n_clusters,
                    1.0, S, (int)n_clusters, 0.0, meat, (int)p);
    } else {
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)p, (int)n, 1.0,
                    scores, (int)n, 0.0, meat, (int)p);
    }
    /* symmetrise the meat */
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++)
            meat[j * p + i] = meat[i * p + j];
    rhaz_vcov_sandwich_meat(bread, p, meat, c, out);
    free(S);
    free(meat);
    return RHAZ_OK;
}

void rhaz_vcov_sandwich_meat(const double *bread, size_t p, const double *meat,
                             double c, double *out)
{
    /* out = c * B (M B): two dgemm through out and a p x p scratch held
     * on the stack for small p */
    double small[64 * 64], *tmp = p <= 64 ? small : malloc(p * p * sizeof *tmp);
    if (!tmp) {
        for (size_t k = 0; k < p * p; k++)
            out[k] = NAN;
        return;
    }
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)p, (int)p, (int)p,
                1.0, meat, (int)p, bread, (int)p, 0.0, tmp, (int)p);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)p, (int)p, (int)p,
                c, bread, (int)p, tmp, (int)p, 0.0, out, (int)p);
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++) {
            double a = 0.5 * (out[j * p + i] + out[i * p + j]);
            out[j * p + i] = out[i * p + j] = a;
        }
    if (tmp != small)
        free(tmp);
}
