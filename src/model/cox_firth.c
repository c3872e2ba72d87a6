/* cox_firth.c -- Heinze & Schemper's (2001) penalized partial likelihood:
 *   l*(b) = l(b) + 0.5 log det I(b),
 *   U*_r  = U_r + 0.5 tr(I^{-1} dI/db_r),
 * which keeps estimates finite under monotone likelihood (a covariate
 * that no, or every, event has).
 *
 * The derivative of the information needs third moments.  For each of
 * Efron's terms (slot k, tied death j) the information is the weighted
 * covariance V_kj = sum_i pi_i (z_i - m)(z_i - m)', pi_i = c_ij r_i/den_j,
 * and with H = I^{-1}, q0_i = z_i'H z_i:
 *   tr(H dV_kj/db) = sum_i pi_i q_i (z_i - m),  q_i = (z_i - m)'H(z_i - m)
 *                  = P - m Q - 2 R2 H m + 2 m (m'Hm),
 * P = sum pi q0 z, Q = sum pi q0, R2 = sum pi z z'.  Summed over (k, j)
 * with weights wbar:
 *   sum P     = Z'(a o q0)                       (a: the info weights)
 *   sum m Q   = per slot, from SQ = sum_risk r q0 and DQ = sum_deaths r q0
 *   sum R2 H m = sum_i r_i z_i (z_i'H v_i),  v_i = sum over i's slots of
 *               G_k (minus GB_k at its own death): cumulative sums
 *   sum m m'Hm = per slot, a cubic in j/d of S1, D1.
 * All O(n p^2) per iteration (Z H in chunks through dgemm), never a loop
 * over risk sets.
 */
#include "model/cox_internal.h"
#include "model/linalg.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FCHUNK 1024

double rhaz_cox_firth_adjust_(struct rhaz_cox *f, double loglik);

double rhaz_cox_firth_adjust_(struct rhaz_cox *f, double loglik)
{
    const size_t n = f->n, p = f->p, K = f->K, K1 = K + 1;
    if (p == 0)
        return loglik;
    double *H = f->h, *T = f->firth_u, *q0 = f->q0;
    /* log det I and H = I^{-1} */
    memcpy(H, f->imat, p * p * sizeof(double));
    int rank = rhaz_ldl_factor_(H, p, RHAZ_LDL_PIVOT_MAX_DIAG, 1e-12, NULL, NULL, NULL);
    if (rank != (int)p)
        return -INFINITY;
    double logdet = 0;
    /* on the original scale: I_z = S I_x S with S = diag(scale) */
    for (size_t j = 0; j < p; j++)
        logdet += log(H[j * p + j]) - 2 * log(f->scale[j]);
    double *fac = malloc(p * p * sizeof *fac), *G = malloc(K1 * p * sizeof *G),
           *GB = malloc(K1 * p * sizeof *GB), *cumG = malloc(K1 * p * sizeof *cumG),
           *SQ = calloc(K1, sizeof *SQ), *DQ = calloc(K1, sizeof *DQ),
           *zh = malloc(FCHUNK * p * sizeof *zh), *vi = malloc(p * sizeof *vi),
           *hs1 = malloc(p * sizeof *hs1), *hd1 = malloc(p * sizeof *hd1);
    if (!fac || !G || !GB || !cumG || !SQ || !DQ || !zh || !vi || !hs1 || !hd1) {
        loglik = NAN;
        goto out;
    }
    memcpy(fac, H, p * p * sizeof(double));
    rhaz_ldl_inverse_(fac, p, H); /* H symmetric p x p */
    rhaz_cox_slot_vectors_(f, G, GB, NULL);
    for (size_t j = 0; j < p; j++) {
        cumG[j * K1] = 0;
        for (size_t k = 0; k < K; k++)
            cumG[j * K1 + k + 1] = cumG[j * K1 + k] + G[j * K + k];
    }
    memset(T, 0, p * sizeof(double));

    /* rows, in chunks: ZH, q0, terms (1) and (3) */
    for (size_t r0 = 0; r0 < n; r0 += FCHUNK) {
        size_t m = n - r0 < FCHUNK ? n - r0 : FCHUNK;
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)p,
                    (int)p, 1.0, f->z + r0, (int)n, H, (int)p, 0.0, zh, (int)m);
        for (size_t r = 0; r < m; r++) {
            size_t i = r0 + r;
            double q = 0;
            for (size_t j = 0; j < p; j++)
                q += zh[j * m + r] * f->z[j * n + i];
            q0[i] = q;
            if (f->rr[i] == 0)
                continue;
            size_t ka = f->k_add[i], kh = f->k_hi[i];
            double zhv = 0;
            for (size_t j = 0; j < p; j++) {
                double v = cumG[j * K1 + kh] - cumG[j * K1 + ka];
                if (f->dead[i])
                    v -= GB[j * K + ka];
                zhv += zh[j * m + r] * v;
            }
            double c1 = f->a[i] * q, c3 = 2 * f->rr[i] * zhv;
            for (size_t j = 0; j < p; j++)
                T[j] += (c1 - c3) * f->z[j * n + i];
        }
    }
    /* SQ, DQ per slot */
    for (size_t i = 0; i < n; i++) {
        double v = f->rr[i] * q0[i];
        SQ[f->k_add[i]] += v;
        SQ[f->k_rem[i]] -= v;
        if (f->dead[i])
            DQ[f->k_add[i]] += v;
    }
    for (size_t s = 0; s < f->S; s++) {
        double run = 0;
        for (size_t k = f->sbeg[s]; k < f->sbeg[s + 1]; k++) {
            run += SQ[k];
            SQ[k] = run;
        }
    }
    /* per slot: terms (2) and (4) */
    for (size_t k = 0; k < K; k++) {
        double d = f->slot_nd[k], wd = f->slot_wd[k], s0 = f->S0[k],
               d0 = f->D0[k];
        double F0 = 0, F1 = 0, F2 = 0, F3 = 0;
        double m = f->tie->fractions(d); /* cox_ties.c */
        if (m == 1) {
            F0 = wd / (s0 * s0 * s0);
        } else {
            double wbar = wd / m;
            int nd = (int)m;
            for (int jj = 0; jj < nd; jj++) {
                double fr = jj / m, den = s0 - fr * d0, c = wbar / (den * den * den);
                F0 += c;
                F1 += fr * c;
                F2 += fr * fr * c;
                F3 += fr * fr * fr * c;
            }
        }
        const double *s1 = f->S1 + k, *d1 = f->D1 + k; /* stride K1 */
        double h11 = 0, h12 = 0, h22 = 0;
        for (size_t j = 0; j < p; j++) {
            double a = 0, b = 0;
            for (size_t l = 0; l < p; l++) {
                a += H[j * p + l] * s1[l * K1];
                b += H[j * p + l] * d1[l * K1];
            }
            hs1[j] = a;
            hd1[j] = b;
        }
        for (size_t j = 0; j < p; j++) {
            h11 += s1[j * K1] * hs1[j];
            h12 += s1[j * K1] * hd1[j];
            h22 += d1[j * K1] * hd1[j];
        }
        double sq = SQ[k], dq = DQ[k];
        double cs2 = sq * f->C0[k] - dq * f->C1[k];   /* (2): coefficient of S1 */
        double cd2 = sq * f->C1[k] - dq * f->C2[k];   /*      and of D1 (minus) */
        double cs4 = h11 * F0 - 2 * h12 * F1 + h22 * F2; /* (4) */
        double cd4 = h11 * F1 - 2 * h12 * F2 + h22 * F3;
        for (size_t j = 0; j < p; j++)
            T[j] += -(cs2 * s1[j * K1] - cd2 * d1[j * K1]) +
                    2 * (cs4 * s1[j * K1] - cd4 * d1[j * K1]);
    }
    for (size_t j = 0; j < p; j++)
        f->u[j] += 0.5 * T[j];
    loglik += 0.5 * logdet;
out:
    free(fac);
    free(G);
    free(GB);
    free(cumG);
    free(SQ);
    free(DQ);
    free(zh);
    free(vi);
    free(hs1);
    free(hd1);
    return loglik;
}
