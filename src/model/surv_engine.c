/* surv_engine.c -- the likelihood of the parametric survival and cure
 * models, with analytic gradient and Hessian, and its Newton maximiser.
 *
 * Inputs (surv_model, see surv_int.h): n rows with covariate rows x_i
 * (px) and, for a cure model, z_i (pz); times t_i > 0, entry times
 * t0_i >= 0 (0 or NULL: no delayed entry), events d_i in {0, 1},
 * optional case weights w_i.  Parameters theta = (beta, gamma, tau).
 *
 * Per row, with eta = x'beta, u = z'gamma, sigma = exp(tau) and
 * z = (log t - eta) / sigma, z0 = (log t0 - eta) / sigma:
 *   plain model:  l = d [a(z) - tau - log t] + (1 - d) b(z) - b(z0)
 *   cure model:   l = d [log pi + a(z) - tau - log t]
 *                     + (1 - d) G(u, b(z)) - G(u, b(z0))
 * where pi = 1 / (1 + e^-u) and G(u, b) = log(1 - pi + pi e^b), the
 * log of the mixture survival (b(z0) = 0 when t0 = 0).  G is computed
 * as log pi + log(e^b + e^-u) (log-sum-exp: no underflow as pi -> 1 or
 * S -> 0), with
 *   G_b = r = 1 / (1 + e^-(b + u)),  G_bb = G_ub = r (1 - r),
 *   G_u = -(1 - e^b) (1 - pi) / (e^b + e^-u),
 *   G_uu = G_u (1 - 2 pi - G_u).
 * A function c(z) has, with dz/deta = -1/sigma and dz/dtau = -z,
 *   c_eta = -c'/sigma, c_tau = -c' z, c_eta,eta = c''/sigma^2,
 *   c_eta,tau = (c'' z + c')/sigma, c_tau,tau = c'' z^2 + c' z,
 * and a composite G(u, b(z)) follows by the chain rule.  Each row thus
 * gives a 3-vector and a 3 x 3 matrix of derivatives in (eta, u, tau);
 * the full gradient and Hessian are sums of these times the row's
 * entries of A = (x, z, 1): O(n P^2) per evaluation, no per-row
 * allocation.
 */
#include "model/surv_int.h"
#include "model/cox_internal.h"
#include "model/fit_internal.h"

#include <cblas.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

surv_model *surv_model_alloc(size_t n, size_t px, size_t pz,
                             const surv_dist *dist, int cure)
{
    surv_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n = n;
    m->px = px;
    m->pz = cure ? pz : 0;
    m->cure = cure;
    m->dist = dist;
    m->P = px + m->pz + (dist->fixed_scale ? 0 : 1);
    size_t P = m->P ? m->P : 1;
    m->A = malloc((n ? n : 1) * P * sizeof *m->A);
    m->type = calloc(P, sizeof *m->type);
    m->fixed = calloc(P, sizeof *m->fixed);
    m->logt = malloc((n ? n : 1) * sizeof *m->logt);
    m->logt0 = malloc((n ? n : 1) * sizeof *m->logt0);
    m->lh = malloc(SURV_PARTS * SURV_CHUNK * 9 * sizeof *m->lh);
    m->S = malloc(SURV_PARTS * SURV_CHUNK * P * sizeof *m->S);
    m->gp = malloc(SURV_PARTS * P * sizeof *m->gp);
    m->Hp = malloc(SURV_PARTS * P * P * sizeof *m->Hp);
    m->threads = 1;
    if (!m->A || !m->type || !m->fixed || !m->logt || !m->logt0 || !m->lh || !m->S ||
        !m->gp || !m->Hp) {
        surv_model_free(m);
        return NULL;
    }
    for (size_t j = 0; j < m->P; j++)
        m->type[j] = j < px ? 0 : j < px + m->pz ? 1 : 2;
    return m;
}

void surv_model_free(surv_model *m)
{
    if (!m)
        return;
    free(m->A);
    free(m->type);
    free(m->fixed);
    free(m->logt);
    free(m->logt0);
    free(m->lh);
    free(m->S);
    free(m->gp);
    free(m->Hp);
    free(m);
}

void surv_model_prepare(surv_model *m)
{
    size_t n = m->n, P = m->P;
    for (size_t i = 0; i < n; i++) {
        double *a = m->A + i * P;
        for (size_t j = 0; j < m->px; j++)
            a[j] = m->X[j * n + i];
        for (size_t j = 0; j < m->pz; j++)
            a[m->px + j] = m->Z[j * n + i];
        if (!m->dist->fixed_scale)
            a[P - 1] = 1;
        m->logt[i] = log(m->t[i]);
        m->logt0[i] = m->t0 && m->t0[i] > 0 ? log(m->t0[i]) : -INFINITY;
    }
}

static double softplus(double x)
{
    return (x > 0 ? x : 0) + log1p(exp(-fabs(x)));
}

/* local derivatives: L value, g[3] in (eta, u, tau), h[3][3] */
typedef struct {
    double L, g[3], h[3][3];
} local;

/* c(z) derivatives in (eta, tau): out[0..4] = c_eta, c_tau, c_ee, c_et, c_tt */
static void chain_z(const double c[3], double z, double sigma, double out[5])
{
    out[0] = -c[1] / sigma;
    out[1] = -c[1] * z;
    out[2] = c[2] / (sigma * sigma);
    out[3] = (c[2] * z + c[1]) / sigma;
    out[4] = c[2] * z * z + c[1] * z;
}

/* add sgn * c, for a plain term c(z) with chain derivatives cd */
static void add_plain(local *L, double sgn, double c, const double cd[5])
{
    L->L += sgn * c;
    L->g[0] += sgn * cd[0];
    L->g[2] += sgn * cd[1];
    L->h[0][0] += sgn * cd[2];
    L->h[0][2] += sgn * cd[3];
    L->h[2][2] += sgn * cd[4];
}

/* add sgn * G(u, b) with b's chain derivatives bd */
static void add_mix(local *L, double sgn, double u, double b, const double bd[5])
{
    double lse = (b > -u ? b : -u) + log1p(exp(-fabs(b + u)));
    if (isinf(b) && b < 0)
        lse = -u;
    double G = -softplus(-u) + lse;
    double r = 1 / (1 + exp(-(b + u)));
    double rr = r * (1 - r);
    double pi = 1 / (1 + exp(-u));
    double Gu = expm1(b) * exp(-softplus(u) - lse);
    double Guu = Gu * (1 - 2 * pi - Gu);
    L->L += sgn * G;
    L->g[0] += sgn * r * bd[0];
    L->g[2] += sgn * r * bd[1];
    L->g[1] += sgn * Gu;
    L->h[0][0] += sgn * (rr * bd[0] * bd[0] + r * bd[2]);
    L->h[0][2] += sgn * (rr * bd[0] * bd[1] + r * bd[3]);
    L->h[2][2] += sgn * (rr * bd[1] * bd[1] + r * bd[4]);
    L->h[0][1] += sgn * rr * bd[0];
    L->h[1][2] += sgn * rr * bd[1];
    L->h[1][1] += sgn * Guu;
}

/* H += sum over rows r0..r1-1 of lh(r)[type j][type k] a_rj a_rk: for
 * each type t present, S = A scaled column-wise by lh(r)[t][type k],
 * then the rows of H of type t += A(:, cols of t)' S (one dgemm). */
static void hess_block(const surv_model *m, size_t r0, size_t r1, const double *lhs,
                       double *S, double *H)
{
    size_t P = m->P, rows = r1 - r0;
    const double *A = m->A + r0 * P;
    size_t beg[3], end[3];
    beg[0] = 0, end[0] = m->px;
    beg[1] = m->px, end[1] = m->px + m->pz;
    beg[2] = m->px + m->pz, end[2] = P;
    for (int t = 0; t < 3; t++) {
        if (end[t] == beg[t])
            continue;
        for (size_t r = 0; r < rows; r++) {
            const double *lh = lhs + r * 9 + t * 3;
            const double *a = A + r * P;
            double *sr = S + r * P;
            for (size_t k = 0; k < P; k++)
                sr[k] = a[k] * lh[m->type[k]];
        }
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)(end[t] - beg[t]),
                    (int)P, (int)rows, 1.0, A + beg[t], (int)P, S, (int)P, 1.0,
                    H + beg[t] * P, (int)P);
    }
}

/* A plain model's x block: H[0..px) x [0..px) += sum over rows r0..r1-1
 * of hee(r) x_r x_r' (hee in lhs[0..rows)): S = the rows' x scaled by
 * hee, then one dgemm. */
static void hess_block_x(const surv_model *m, size_t r0, size_t r1, const double *hee,
                         double *S, double *H)
{
    size_t P = m->P, px = m->px, rows = r1 - r0;
    const double *A = m->A + r0 * P;
    for (size_t r = 0; r < rows; r++) {
        const double *a = A + r * P;
        double *sr = S + r * px, h = hee[r];
        for (size_t k = 0; k < px; k++)
            sr[k] = a[k] * h;
    }
    if (px)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)px, (int)px, (int)rows,
                    1.0, A, (int)P, S, (int)px, 1.0, H, (int)P);
}

/* One row of a plain model (no risk equation): l and its derivatives
 * in (eta, tau) into e = (l_eta, l_tau, l_ee, l_et, l_tt); the same
 * operations as add_plain on a zeroed local, without the cure terms. */
static inline double plain_row(const surv_model *m, size_t i, double eta,
                               double tau, double sigma, double e[5])
{
    double c[3], l, z = (m->logt[i] - eta) / sigma;
    if (m->event[i] != 0) {
        m->dist->logf(z, c);
        l = c[0] - tau - m->logt[i];
        e[1] = -c[1] * z - 1;
    } else {
        m->dist->logS(z, c);
        l = c[0];
        e[1] = -c[1] * z;
    }
    e[0] = -c[1] / sigma;
    e[2] = c[2] / (sigma * sigma);
    e[3] = (c[2] * z + c[1]) / sigma;
    e[4] = c[2] * z * z + c[1] * z;
    if (m->logt0[i] > -INFINITY) {
        double z0 = (m->logt0[i] - eta) / sigma;
        m->dist->logS(z0, c);
        l -= c[0];
        e[0] -= -c[1] / sigma;
        e[1] -= -c[1] * z0;
        e[2] -= c[2] / (sigma * sigma);
        e[3] -= (c[2] * z0 + c[1]) / sigma;
        e[4] -= c[2] * z0 * z0 + c[1] * z0;
    }
    return l;
}

static size_t surv_part_begin(const surv_model *m, size_t part);

/* One part of an evaluation: rows [r0, r1) into the part's own sums. */
typedef struct {
    const surv_model *m;
    const double *theta;
    int want_g, want_H;
    double *scores;
    double ll[SURV_PARTS];
} eval_job;

static void eval_part(void *ctx, size_t part)
{
    eval_job *job = ctx;
    const surv_model *m = job->m;
    const double *theta = job->theta;
    size_t n = m->n, P = m->P, px = m->px, pz = m->pz;
    size_t r0 = surv_part_begin(m, part), r1 = surv_part_begin(m, part + 1);
    double *g = job->want_g ? m->gp + part * P : NULL;
    double *H = job->want_H ? m->Hp + part * P * P : NULL;
    double *lhs = m->lh + part * SURV_CHUNK * 9, *S = m->S + part * SURV_CHUNK * P;
    double *scores = job->scores;
    double tau = m->dist->fixed_scale ? 0 : theta[P - 1];
    double sigma = exp(tau);
    double ll = 0, llc = 0; /* Neumaier's compensated sum: see below */
    if (g)
        memset(g, 0, P * sizeof *g);
    if (H)
        memset(H, 0, P * P * sizeof *H);
    for (size_t i = r0; i < r1; i++) {
        const double *a = m->A + i * P;
        double eta = 0, u = 0;
        for (size_t j = 0; j < px; j++)
            eta += a[j] * theta[j];
        for (size_t j = px; j < px + pz; j++)
            u += a[j] * theta[j];
        double w = m->w ? m->w[i] : 1.0;
        if (!m->cure) {
            double e[5], v = w * plain_row(m, i, eta, tau, sigma, e), sum = ll + v;
            llc += fabs(ll) >= fabs(v) ? (ll - sum) + v : (v - sum) + ll;
            ll = sum;
            double ge = w * e[0], gt = w * e[1];
            if (g) {
                for (size_t j = 0; j < px; j++)
                    g[j] += ge * a[j];
                if (P > px)
                    g[P - 1] += gt;
            }
            if (scores) {
                for (size_t j = 0; j < px; j++)
                    scores[j * n + i] = ge * a[j];
                if (P > px)
                    scores[(P - 1) * n + i] = gt;
            }
            if (H) {
                /* the tau row and column here, the x block by blocks */
                size_t c = (i - r0) % SURV_CHUNK;
                lhs[c] = w * e[2];
                if (P > px) {
                    double het = w * e[3];
                    for (size_t j = 0; j < px; j++)
                        H[j * P + P - 1] += het * a[j];
                    H[P * P - 1] += w * e[4];
                }
                if (c == SURV_CHUNK - 1 || i == r1 - 1)
                    hess_block_x(m, i - c, i + 1, lhs, S, H);
            }
            continue;
        }
        double z = (m->logt[i] - eta) / sigma, c[3], cd[5];
        local L;
        memset(&L, 0, sizeof L);
        if (m->event[i] != 0) {
            m->dist->logf(z, c);
            chain_z(c, z, sigma, cd);
            cd[1] -= 1; /* - tau */
            add_plain(&L, 1, c[0] - tau - m->logt[i], cd);
            if (m->cure) {
                double pi = 1 / (1 + exp(-u));
                L.L += -softplus(-u);
                L.g[1] += 1 - pi;
                L.h[1][1] += -pi * (1 - pi);
            }
        } else {
            m->dist->logS(z, c);
            chain_z(c, z, sigma, cd);
            if (m->cure)
                add_mix(&L, 1, u, c[0], cd);
            else
                add_plain(&L, 1, c[0], cd);
        }
        if (m->logt0[i] > -INFINITY) {
            double z0 = (m->logt0[i] - eta) / sigma;
            m->dist->logS(z0, c);
            chain_z(c, z0, sigma, cd);
            if (m->cure)
                add_mix(&L, -1, u, c[0], cd);
            else
                add_plain(&L, -1, c[0], cd);
        }
        L.h[1][0] = L.h[0][1];
        L.h[2][0] = L.h[0][2];
        L.h[2][1] = L.h[1][2];
        {
            double v = w * L.L, sum = ll + v;
            llc += fabs(ll) >= fabs(v) ? (ll - sum) + v : (v - sum) + ll;
            ll = sum;
        }
        if (g)
            for (size_t j = 0; j < P; j++)
                g[j] += w * L.g[m->type[j]] * a[j];
        if (scores)
            for (size_t j = 0; j < P; j++)
                scores[j * n + i] = w * L.g[m->type[j]] * a[j];
        if (H) {
            size_t c = (i - r0) % SURV_CHUNK;
            double *lh = lhs + c * 9;
            for (int t = 0; t < 3; t++)
                for (int u2 = 0; u2 < 3; u2++)
                    lh[t * 3 + u2] = w * L.h[t][u2];
            if (c == SURV_CHUNK - 1 || i == r1 - 1)
                hess_block(m, i - c, i + 1, lhs, S, H);
        }
    }
    if (H && !m->cure) /* the plain model's tau row mirrors its column */
        for (size_t j = 0; j + 1 < P && P > px; j++)
            H[(P - 1) * P + j] = H[j * P + P - 1];
    job->ll[part] = ll + llc;
}

/* The parts of an evaluation: two halves of the rows from SURV_PART_MIN
 * rows on, one below; fixed by n, never by the thread count. */
static size_t surv_nparts(const surv_model *m)
{
    return m->n >= SURV_PART_MIN ? SURV_PARTS : 1;
}

static size_t surv_part_begin(const surv_model *m, size_t part)
{
    size_t np = surv_nparts(m);
    return part >= np ? m->n : m->n / np * part;
}

double surv_loglik(const surv_model *m, const double *theta, double *g,
                   double *H, double *scores)
{
    size_t P = m->P, np = surv_nparts(m);
    eval_job job = {.m = m, .theta = theta, .want_g = g != NULL, .want_H = H != NULL,
                    .scores = scores};
    core_parallel(np, m->threads, eval_part, &job);
    /* the parts' sums added in order */
    double ll = 0;
    for (size_t k = 0; k < np; k++)
        ll += job.ll[k];
    if (g)
        for (size_t j = 0; j < P; j++) {
            double v = 0;
            for (size_t k = 0; k < np; k++)
                v += m->gp[k * P + j];
            g[j] = v;
        }
    if (H) {
        for (size_t j = 0; j < P * P; j++) {
            double v = 0;
            for (size_t k = 0; k < np; k++)
                v += m->Hp[k * P * P + j];
            H[j] = v;
        }
        /* exact symmetry */
        for (size_t j = 0; j < P; j++)
            for (size_t k = 0; k < j; k++) {
                double v = 0.5 * (H[j * P + k] + H[k * P + j]);
                H[j * P + k] = H[k * P + j] = v;
            }
    }
    return isfinite(ll) ? ll : NAN;
}

int surv_alias(const double *M, size_t n, size_t p, double tol, int *fixed)
{
    if (p == 0)
        return 0;
    double *C = calloc(p * p, sizeof *C), *s = malloc(p * sizeof *s);
    if (!C || !s) {
        free(C);
        free(s);
        return -1;
    }
    /* C = M'M (column-major upper = row-major lower) */
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)p, (int)n, 1.0, M,
                (int)n, 0.0, C, (int)p);
    for (size_t j = 0; j < p; j++)
        s[j] = C[j * p + j] > 0 ? sqrt(C[j * p + j]) : 0;
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k <= j; k++) {
            double v = s[j] > 0 && s[k] > 0 ? C[j * p + k] / (s[j] * s[k]) : 0;
            C[j * p + k] = C[k * p + j] = v;
        }
    for (size_t j = 0; j < p; j++)
        if (s[j] == 0)
            C[j * p + j] = 0;
    rhaz_ldl_factor_(C, p, RHAZ_LDL_PIVOT_MAX_DIAG, tol * tol, NULL, NULL, NULL);
    int rank = 0;
    for (size_t j = 0; j < p; j++) {
        fixed[j] = C[j * p + j] == 0;
        rank += !fixed[j];
    }
    free(C);
    free(s);
    return rank;
}

static void swap_ptr(double **a, double **b)
{
    double *t = *a;
    *a = *b;
    *b = t;
}

/* -H over the free parameters into F (nf x nf row-major), plus ridge */
static void neg_sub(const double *H, size_t P, const size_t *idx, size_t nf,
                    double ridge, double *F)
{
    for (size_t a = 0; a < nf; a++)
        for (size_t b = 0; b < nf; b++)
            F[a * nf + b] = -H[idx[a] * P + idx[b]] + (a == b ? ridge : 0);
}

rhaz_status surv_newton(const surv_model *m, double *theta, int maxit,
                        double eps, double *vcov, surv_newton_result *res,
                        rhaz_error *err)
{
    size_t P = m->P, nf = 0;
    memset(res, 0, sizeof *res);
    /* OpenBLAS held to one thread: its products here are small (P x P by
     * 2048 rows) and its idle threads spin beside the evaluation's */
    int blas = openblas_get_num_threads();
    if (blas > 1)
        openblas_set_num_threads(1);
    double *g = malloc((P + 1) * sizeof *g), *H = malloc((P * P + 1) * sizeof *H);
    double *F = malloc((P * P + 1) * sizeof *F), *step = malloc((P + 1) * sizeof *step);
    double *tn = malloc((P + 1) * sizeof *tn), *gs = malloc((P + 1) * sizeof *gs);
    double *gn = malloc((P + 1) * sizeof *gn), *Hn = malloc((P * P + 1) * sizeof *Hn);
    size_t *idx = malloc((P + 1) * sizeof *idx);
    rhaz_status st = RHAZ_OK;
    if (!g || !H || !F || !step || !tn || !gs || !gn || !Hn || !idx) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory fitting the survival model");
        goto done;
    }
    for (size_t j = 0; j < P; j++) {
        if (m->fixed[j])
            theta[j] = 0;
        else
            idx[nf++] = j;
    }
    double ll = surv_loglik(m, theta, g, H, NULL);
    res->loglik_init = ll;
    res->stop = RHAZ_STOP_CONVERGED;
    if (!isfinite(ll)) {
        res->stop = RHAZ_STOP_NONFINITE;
        goto final;
    }
    for (;;) {
        /* Newton direction, with a ridge if -H is not positive definite */
        double maxd = 0, ridge = 0;
        for (size_t a = 0; a < nf; a++)
            if (fabs(H[idx[a] * P + idx[a]]) > maxd)
                maxd = fabs(H[idx[a] * P + idx[a]]);
        if (!(maxd > 0))
            maxd = 1;
        int tries = 0;
        for (;;) {
            neg_sub(H, P, idx, nf, ridge, F);
            int rank = rhaz_ldl_factor_(F, nf, RHAZ_LDL_PIVOT_MAX_DIAG, 1e-14, NULL, NULL, NULL);
            if (rank == (int)nf)
                break;
            ridge = ridge > 0 ? ridge * 10 : 1e-8 * maxd;
            if (++tries > 40) {
                res->stop = RHAZ_STOP_NONFINITE;
                goto final;
            }
        }
        for (size_t a = 0; a < nf; a++)
            gs[a] = g[idx[a]];
        memcpy(step, gs, nf * sizeof *step);
        rhaz_ldl_solve_(F, nf, step);
        double dec = 0;
        for (size_t a = 0; a < nf; a++)
            dec += gs[a] * step[a];
        res->decrement = dec;
        if (ridge == 0 && dec <= eps) {
            res->converged = 1;
            /* the last (tiny) step, unless it lowers the likelihood by
             * more than rounding (a quadratically small correction) */
            memcpy(tn, theta, P * sizeof *tn);
            for (size_t a = 0; a < nf; a++)
                tn[idx[a]] += step[a];
            double l2 = surv_loglik(m, tn, gn, Hn, NULL);
            if (isfinite(l2) && l2 >= ll - 1e-13 * (fabs(ll) + 1)) {
                memcpy(theta, tn, P * sizeof *tn);
                ll = l2;
                swap_ptr(&g, &gn);
                swap_ptr(&H, &Hn);
            }
            break;
        }
        if (res->iterations >= maxit) {
            res->stop = RHAZ_STOP_MAXITER;
            break;
        }
        res->iterations++;
        /* the full step is tried with its gradient and Hessian (they
         * are the next iteration's when it is taken, as it nearly
         * always is); a halved step with the likelihood alone */
        double h = 1, lln = NAN;
        int ok = 0, k;
        for (k = 0; k < 40; k++) {
            memcpy(tn, theta, P * sizeof *tn);
            for (size_t a = 0; a < nf; a++)
                tn[idx[a]] += h * step[a];
            lln = surv_loglik(m, tn, k == 0 ? gn : NULL, k == 0 ? Hn : NULL, NULL);
            if (isfinite(lln) && lln >= ll - 1e-13 * (fabs(ll) + 1)) {
                ok = 1;
                break;
            }
            h /= 2;
            res->step_halvings++;
        }
        if (!ok) {
            res->stop = RHAZ_STOP_STALLED;
            break;
        }
        memcpy(theta, tn, P * sizeof *tn);
        if (k == 0) {
            ll = lln;
            swap_ptr(&g, &gn);
            swap_ptr(&H, &Hn);
        } else
            ll = surv_loglik(m, theta, g, H, NULL);
    }
final:
    /* ll, g and H are those of theta on every way here */
    res->loglik = ll;
    for (size_t k = 0; k < P * P; k++)
        vcov[k] = NAN;
    if (isfinite(ll) && nf > 0) {
        neg_sub(H, P, idx, nf, 0, F);
        int rank = rhaz_ldl_factor_(F, nf, RHAZ_LDL_PIVOT_MAX_DIAG, 1e-14, NULL, NULL, NULL);
        if (rank == (int)nf) {
            double *inv = malloc(nf * nf * sizeof *inv);
            if (!inv) {
                st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory fitting the survival model");
                goto done;
            }
            rhaz_ldl_inverse_(F, nf, inv);
            for (size_t a = 0; a < nf; a++)
                for (size_t b = 0; b < nf; b++)
                    vcov[idx[a] * P + idx[b]] = inv[a * nf + b];
            free(inv);
            res->pd = 1;
        }
    } else if (nf == 0)
        res->pd = 1;
done:
    free(g);
    free(H);
    free(F);
    free(step);
    free(tn);
    free(gs);
    free(gn);
    free(Hn);
    free(idx);
    if (blas > 1)
        openblas_set_num_threads(blas);
    return st;
}

rhaz_fit_summary *surv_summary_new(const char *model, const char *link,
                                   size_t P, char *const *terms,
                                   const double *theta, const double *V,
                                   const int *fixed, double conf_level,
                                   size_t n, const double *event,
                                   const surv_newton_result *res,
                                   rhaz_vce vce, rhaz_vce_adj adj,
                                   size_t n_clusters, rhaz_error *err)
{
    if (!(conf_level > 0 && conf_level < 1))
        conf_level = 0.95;
    rhaz_fit_summary *s = rhaz_fit_summary_new_(model, link, "");
    if (!s || rhaz_fit_summary_wald_(s, P, (const char *const *)terms, theta, V,
                                     fixed, conf_level, err))
        goto nomem;
    for (size_t j = 0; j < P; j++) {
        s->rank += !fixed[j];
        if (fixed[j] &&
            rhaz_fit_summary_warn_(s, "%s: collinear with other terms, coefficient "
                                      "set to NA", s->coef[j].term))
            goto nomem;
    }
    s->n = n;
    for (size_t i = 0; i < n; i++)
        s->events += event[i] != 0;
    s->converged = res->converged;
    s->stop = res->stop;
    s->iterations = res->iterations;
    s->step_halvings = res->step_halvings;
    s->loglik = res->loglik;
    s->loglik_init = res->loglik_init;
    s->aic = -2 * res->loglik + 2 * s->rank;
    s->bic = -2 * res->loglik + log((double)n) * s->rank;
    s->vce = vce;
    s->vce_adj = vce == RHAZ_VCE_MODEL || adj == RHAZ_ADJ_NONE ? RHAZ_ADJ_NONE
                                                               : RHAZ_ADJ_G;
    s->n_clusters = vce == RHAZ_VCE_CLUSTER ? n_clusters : 0;
    if (!res->converged &&
        rhaz_fit_summary_warn_(s, "the fit did not converge (%s after %d iterations; "
                                  "Newton decrement %.3g)",
                               rhaz_stop_reason_name(res->stop), res->iterations,
                               res->decrement))
        goto nomem;
    if (!res->pd &&
        rhaz_fit_summary_warn_(s, "the information matrix is not positive definite "
                                  "at the estimate (a flat likelihood): standard "
                                  "errors are NA"))
        goto nomem;
    return s;
nomem:
    rhaz_fit_summary_free(s);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "%s: out of memory building the fit summary", model);
    return NULL;
}
