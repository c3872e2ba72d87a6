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
#include "model/fit_internal.h"
#include "core/util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The small-sample factors of the sandwich as a variant table: a new
 * convention is a new entry.  factor() returns NaN when it is undefined
 * (fewer than 2 clusters, or N <= K). */
static double adj_none(double G, double n, double k)
{
    (void)G, (void)n, (void)k;
    return 1.0;
}

static double adj_g(double G, double n, double k)
{
    (void)n, (void)k;
    return G < 2 ? NAN : G / (G - 1.0);
}

static double adj_stata(double G, double n, double k)
{
    if (G < 2 || n <= k)
        return NAN;
    return G / (G - 1.0) * (n - 1.0) / (n - k);
}

const rhaz_vce_adj_type rhaz_vce_adj_types_[] = {
    {RHAZ_ADJ_NONE, "none", "no adjustment (CR0/HC0)", adj_none},
    {RHAZ_ADJ_G, "g", "x G/(G-1), R sandwich::vcovCL default", adj_g},
    {RHAZ_ADJ_STATA, "stata", "x G/(G-1) x (N-1)/(N-K), Stata vce(cluster)", adj_stata},
    {0, NULL, NULL, NULL}};

const rhaz_vce_adj_type *rhaz_vce_adj_type_(rhaz_vce_adj adj)
{
    for (const rhaz_vce_adj_type *t = rhaz_vce_adj_types_; t->name; t++)
        if (t->id == adj)
            return t;
    return NULL;
}

double rhaz_vcov_adjust(rhaz_vce_adj adj, size_t n_clusters, size_t n, size_t k)
{
    const rhaz_vce_adj_type *t = rhaz_vce_adj_type_(adj);
    return t ? t->factor((double)n_clusters, (double)n, (double)k) : NAN;
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
                              n_clusters),
               core_error_option(err, "cluster");
    double *meat = calloc(p * p, sizeof *meat);
    double *S = NULL;
    if (!meat)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing the sandwich variance");
    if (cluster) {
        S = calloc(n_clusters * p, sizeof *S);
        if (!S) {
            free(meat);
            return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing the sandwich variance");
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
