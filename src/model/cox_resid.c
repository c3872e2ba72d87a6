/* cox_resid.c -- residuals of a Cox fit: martingale, score, dfbeta,
 * Schoenfeld (raw and scaled), in R survival's definitions.
 *
 * All use the slot sums left by the final evaluation (cox_internal.h),
 * with cumulative sums over slots, so each costs O(n p): no loop over
 * the risk set of each event.
 *
 * With rho_i = exp(eta_i), Efron's j-th tied death at slot k seeing
 * den_j and m_j (cox_fit.c), and c_ij = 1 - j/d if i dies at k, else 1:
 *   martingale  M_i = delta_i - rho_i sum_k sum_j wbar c_ij / den_j
 *   score       U_i = delta_i (z_i - mbar_k(i))
 *                     - rho_i sum_k sum_j wbar c_ij (z_i - m_j) / den_j
 * where mbar_k is the average of the d Efron means.  The sums over the
 * slots where i is at risk are differences of cumulative sums of
 * A_k = sum_j wbar/den_j and G_k = sum_j wbar m_j/den_j; the death
 * correction uses B_k and GB_k (the same with weight j/d).
 */
#include "cox_internal.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void rhaz_cox_slot_vectors_(const struct rhaz_cox *f, double *G, double *GB,
                            double *mbar)
{
    const size_t K = f->K, K1 = K + 1, p = f->p;
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k < K; k++) {
            double s1 = f->S1[j * K1 + k], d1 = f->D1[j * K1 + k];
            double dd = f->tie->fractions(f->slot_nd[k]); /* cox_ties.c */
            if (G)
                G[j * K + k] = s1 * f->C0[k] - d1 * f->C1[k];
            if (GB)
                GB[j * K + k] = s1 * f->C1[k] - d1 * f->C2[k];
            if (mbar)
                mbar[j * K + k] = (s1 * f->E0[k] - d1 * f->E1[k]) / dd;
        }
}

rhaz_status rhaz_cox_martingale(const rhaz_cox *f, double *out,
                                rhaz_error *err)
{
    if (!f || !out)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "cox: bad arguments");
    for (size_t i = 0; i < f->n; i++) {
        double rho = f->rr[i] / f->w[i];
        out[i] = f->dead[i] - rho * (f->cumA[f->k_hi[i]] - f->cumA[f->k_add[i]]);
    }
    for (size_t e = 0; e < f->n_deaths; e++) {
        size_t i = f->deaths[e];
        out[i] += f->rr[i] / f->w[i] * f->B[f->k_add[i]];
    }
    return RHAZ_OK;
}

/* Score residuals on the scaled covariates.  cluster == NULL: into out
 * (column-major n x p); else summed by cluster into out (G_ x p, zeroed
 * here).  One column a part on f->threads threads (each column's sums
 * in row order whoever runs it: the same result with any number). */
typedef struct {
    const rhaz_cox *f;
    int weighted;
    double *out;
    const int *cluster;
    size_t NG, nparts;
    const double *G, *GB, *mb;
    double *cumG; /* (K + 1) per column */
} score_job;

/* The columns of part g (a group of columns), a block of rows at a time:
 * what the rows share (their slots, rho, the cumulative A) read once per
 * block, then each column of the group over the block; each column's
 * sums in row order, as one column at a time would form them. */
#define SCORE_BLOCK 1024
static void score_columns(void *ctx, size_t g)
{
    const score_job *J = ctx;
    const rhaz_cox *f = J->f;
    const size_t n = f->n, K = f->K, NG = J->NG, p = f->p;
    const size_t j0 = p * g / J->nparts, j1 = p * (g + 1) / J->nparts;
    const int *cluster = J->cluster;
    const double *GB = J->GB, *mb = J->mb;
    for (size_t j = j0; j < j1; j++) {
        double *cumG = J->cumG + j * (K + 1);
        cumG[0] = 0;
        for (size_t k = 0; k < K; k++)
            cumG[k + 1] = cumG[k] + J->G[j * K + k];
        if (cluster)
            memset(J->out + j * NG, 0, NG * sizeof(double));
    }
    size_t ka[SCORE_BLOCK], kh[SCORE_BLOCK];
    double rho[SCORE_BLOCK], ca[SCORE_BLOCK];
    for (size_t b = 0; b < n; b += SCORE_BLOCK) {
        size_t m = n - b < SCORE_BLOCK ? n - b : SCORE_BLOCK;
        for (size_t q = 0; q < m; q++) {
            size_t i = b + q;
            ka[q] = f->k_add[i];
            kh[q] = f->k_hi[i];
            rho[q] = f->rr[i] / f->w[i];
            ca[q] = f->cumA[kh[q]] - f->cumA[ka[q]];
        }
        for (size_t j = j0; j < j1; j++) {
            const double *cumG = J->cumG + j * (K + 1), *z = f->z + j * n;
            double *o = J->out + j * (cluster ? NG : n);
            for (size_t q = 0; q < m; q++) {
                size_t i = b + q;
                double cg = cumG[kh[q]] - cumG[ka[q]];
                double v;
                if (f->dead[i])
                    v = (z[i] - mb[j * K + ka[q]]) -
                        rho[q] * (z[i] * (ca[q] - f->B[ka[q]]) - (cg - GB[j * K + ka[q]]));
                else
                    v = -rho[q] * (z[i] * ca[q] - cg);
                if (J->weighted)
                    v *= f->w[i];
                if (cluster)
                    o[cluster[i]] += v;
                else
                    o[i] = v;
            }
        }
    }
}

static rhaz_status score_scaled(const rhaz_cox *f, int weighted, double *out,
                                const int *cluster, size_t G_, rhaz_error *err)
{
    const size_t p = f->p, K = f->K, K1 = K + 1;
    double *G = malloc((K * p > 0 ? K * p : 1) * sizeof *G);
    double *GB = malloc((K * p > 0 ? K * p : 1) * sizeof *GB);
    double *mb = malloc((K * p > 0 ? K * p : 1) * sizeof *mb);
    double *cumG = malloc((K1 * p > 0 ? K1 * p : 1) * sizeof *cumG);
    if (!G || !GB || !mb || !cumG) {
        free(G);
        free(GB);
        free(mb);
        free(cumG);
        return rhaz_error_set(
            err, RHAZ_ENOMEM, NULL, 0,
            "cox: out of memory computing residuals (%zu rows x %zu coefficients)", f->n, f->p);
    }
    rhaz_cox_slot_vectors_(f, G, GB, mb);
    score_job J = {f, weighted, out, cluster, G_, p < 2 ? p : 2, G, GB, mb, cumG};
    core_parallel(J.nparts, f->threads, score_columns, &J); /* two groups of columns */
    free(G);
    free(GB);
    free(mb);
    free(cumG);
    return RHAZ_OK;
}

rhaz_status rhaz_cox_score_resid(const rhaz_cox *f, int weighted, double *out,
                                 rhaz_error *err)
{
    if (!f || !out)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "cox: bad arguments");
    rhaz_status st = score_scaled(f, weighted, out, NULL, 0, err);
    if (st != RHAZ_OK)
        return st;
    for (size_t j = 0; j < f->p; j++) {
        double s = f->scale[j];
        double *o = out + j * f->n;
        for (size_t i = 0; i < f->n; i++)
            o[i] /= s; /* z = (x - c) s: d/d beta_x = (d/d beta_z) / s */
    }
    return RHAZ_OK;
}

rhaz_status rhaz_cox_score_sums_(const struct rhaz_cox *f, double *out,
                                 rhaz_error *err)
{
    size_t G = f->cluster ? f->G : f->n;
    rhaz_status st = score_scaled(f, 1, out, f->cluster, f->cluster ? G : 0,
                                  err);
    if (st != RHAZ_OK)
        return st;
    for (size_t j = 0; j < f->p; j++)
        for (size_t g = 0; g < G; g++)
            out[j * G + g] /= f->scale[j];
    return RHAZ_OK;
}

rhaz_status rhaz_cox_dfbeta(const rhaz_cox *f, int weighted, double *out,
                            rhaz_error *err)
{
    if (!f || !out)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "cox: bad arguments");
    const size_t n = f->n, p = f->p;
    double *sr = malloc((n * p > 0 ? n * p : 1) * sizeof *sr);
    if (!sr)
        return rhaz_error_set(
            err, RHAZ_ENOMEM, NULL, 0,
            "cox: out of memory computing residuals (%zu rows x %zu coefficients)", n, p);
    rhaz_status st = rhaz_cox_score_resid(f, weighted, sr, err);
    if (st == RHAZ_OK) {
        const double *v = f->vcov_model;
        for (size_t j = 0; j < p; j++) {
            double *o = out + j * n;
            memset(o, 0, n * sizeof(double));
            for (size_t l = 0; l < p; l++) {
                double c = v[l * p + j];
                if (!isfinite(c))
                    continue;
                const double *s = sr + l * n;
                for (size_t i = 0; i < n; i++)
                    o[i] += s[i] * c;
            }
        }
    }
    free(sr);
    return st;
}
