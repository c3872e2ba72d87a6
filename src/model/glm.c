/* glm.c -- binary-response GLMs (logit, cloglog link) by IRLS, following
 * R's glm.fit step for step so that estimates, standard errors and
 * deviances agree with R; the linear algebra is BLAS level 3 (X'WX by
 * blocked dsyrk) and a rank-revealing LDL' factorisation.
 *
 * Inputs (from rhaz_design): X n x p column-major, y n in {0,1}, optional
 * prior weights (n, >= 0) and cluster ids.  Work arrays: glm_ws, sized
 * (n, p) once.
 */
#include "glm_int.h"
#include "core/util.h"

#include <cblas.h>
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GLM_BLOCK 4096

const char *rhaz_link_name(rhaz_link link)
{
    return link == RHAZ_LINK_CLOGLOG ? "cloglog" : "logit";
}

/* ---------- workspace ---------- */

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
    free(ws);
}

glm_ws *glm_ws_alloc(size_t n, size_t p)
{
    glm_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    size_t nn = n ? n : 1, pp = p ? p : 1;
    ws->n = n;
    ws->p = p;
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
    if (!ws->eta || !ws->mu || !ws->mueta || !ws->w || !ws->w2 || !ws->Afac || !ws->r || !ws->hat ||
        !ws->A || !ws->Ainv || !ws->g || !ws->beta || !ws->beta_old ||
        !ws->delta || !ws->aliased || !ws->fixed || !ws->buf) {
        glm_ws_free(ws);
        return NULL;
    }
    return ws;
}

/* ---------- links (R's C code for binomial logit; make.link cloglog) ---------- */

void glm_link_eval(rhaz_link link, size_t n, const double *eta, double *mu,
                   double *mueta)
{
    if (link == RHAZ_LINK_LOGIT) {
        for (size_t i = 0; i < n; i++) {
            double e = eta[i];
            double t = e < -30 ? DBL_EPSILON : (e > 30 ? 1 / DBL_EPSILON : exp(e));
            mu[i] = t / (1 + t);
            double op = 1 + exp(e);
            mueta[i] = (e > 30 || e < -30) ? DBL_EPSILON : exp(e) / (op * op);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            double e = eta[i];
            double m = -expm1(-exp(e));
            if (m > 1 - DBL_EPSILON)
                m = 1 - DBL_EPSILON;
            if (m < DBL_EPSILON)
                m = DBL_EPSILON;
            mu[i] = m;
            double ec = e < 700 ? e : 700;
            double d = exp(ec) * exp(-exp(ec));
            mueta[i] = d > DBL_EPSILON ? d : DBL_EPSILON;
        }
    }
}

static double linkfun(rhaz_link link, double mu)
{
    return link == RHAZ_LINK_LOGIT ? log(mu / (1 - mu)) : log(-log(1 - mu));
}

void glm_linear_predictor(glm_ws *ws, const double *beta)
{
    size_t n = ws->n, p = ws->p;
    memset(ws->eta, 0, n * sizeof(double));
    for (size_t j = 0; j < p; j++)
        if (beta[j] != 0)
            cblas_daxpy((int)n, beta[j], ws->X + j * n, 1, ws->eta, 1);
    glm_link_eval(ws->link, n, ws->eta, ws->mu, ws->mueta);
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

/* ---------- rank-revealing LDL' (in the spirit of survival's cholesky2:
 * pivot-free, a column whose pivot is too small is aliased and zeroed) ----
 * A is p x p column-major; on exit the strict lower triangle holds the unit
 * lower factor L (A(j,i) = L_ji for j > i) and the diagonal holds D. */
int glm_chol(glm_ws *ws, const int *fixed, double *log_det)
{
    size_t p = ws->p;
    double *A = ws->A;
    double ld = 0;
    int rank = 0;
    double *orig = ws->g; /* scratch: original diagonal */
    for (size_t i = 0; i < p; i++)
        orig[i] = A[i * p + i];
    for (size_t i = 0; i < p; i++) {
        double piv = A[i * p + i];
        if ((fixed && fixed[i]) || !isfinite(piv) || orig[i] <= 0 ||
            piv <= ws->tol_rank * orig[i]) {
            for (size_t j = i; j < p; j++)
                A[i * p + j] = 0; /* column i below the diagonal */
            ws->aliased[i] = !(fixed && fixed[i]);
            continue;
        }
        ws->aliased[i] = 0;
        rank++;
        ld += log(piv);
        for (size_t j = i + 1; j < p; j++) {
            double t = A[i * p + j] / piv;
            A[i * p + j] = t;
            A[j * p + j] -= t * t * piv;
            double *cj = A + j * p, *ci = A + i * p;
            for (size_t k = j + 1; k < p; k++)
                cj[k] -= t * ci[k];
        }
    }
    if (log_det)
        *log_det = ld;
    ws->rank = rank;
    return rank;
}

void glm_chol_solve(const glm_ws *ws, double *b)
{
    size_t p = ws->p;
    const double *A = ws->A;
    for (size_t i = 0; i < p; i++)
        for (size_t j = i + 1; j < p; j++)
            b[j] -= A[i * p + j] * b[i];
    for (size_t i = 0; i < p; i++)
        b[i] = A[i * p + i] == 0 ? 0 : b[i] / A[i * p + i];
    for (size_t i = p; i-- > 0;)
        for (size_t j = i + 1; j < p; j++)
            b[i] -= A[i * p + j] * b[j];
    for (size_t i = 0; i < p; i++)
        if (A[i * p + i] == 0)
            b[i] = 0;
}

void glm_chol_inverse(glm_ws *ws)
{
    size_t p = ws->p;
    for (size_t j = 0; j < p; j++) {
        double *col = ws->Ainv + j * p;
        memset(col, 0, p * sizeof(double));
        if (ws->A[j * p + j] == 0)
            continue;
        col[j] = 1;
        glm_chol_solve(ws, col);
    }
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++) {
            double a = 0.5 * (ws->Ainv[j * p + i] + ws->Ainv[i * p + j]);
            ws->Ainv[j * p + i] = ws->Ainv[i * p + j] = a;
        }
}

/* ---------- IRLS pass ---------- */

/* One pass over the rows, block by block so that each block of X is read
 * once while in cache: if beta, eta = X beta and mu, mu.eta; the deviance
 * (returned) and whether every mu is in (0, 1); then the working weights
 * ws->w2 and the normal equations of the next step: ws->A = X'WX and
 * ws->g = X'W(z - X beta), or X'Wz when first != 0. */
/* A(i, j) += v for the upper triangle (rows <= columns) */
#define AUP(A, p, i, j) ((A)[((i) > (j) ? (i) : (j)) * (p) + ((i) < (j) ? (i) : (j))])

/* A += X_b' diag(v) X_b for the rows i0 .. i0+b-1 (v: b values >= 0):
 * the non-indicator columns by dsyrk into Ad (pd x pd, upper), the
 * indicator blocks (diagonal, against the other columns, between blocks)
 * from their level codes into the upper triangle of A.  accum_finish
 * adds Ad into A and mirrors the upper triangle. */
static void accum_block(glm_ws *ws, size_t i0, size_t b, const double *v, double *A,
                        double *Ad)
{
    size_t n = ws->n, p = ws->p, pd = ws->pd, nb = ws->nblocks;
    double sv[GLM_BLOCK];
    for (size_t i = 0; i < b; i++)
        sv[i] = sqrt(v[i]);
    for (size_t q = 0; q < pd; q++) {
        const double *x = ws->X + ws->dcols[q] * n + i0;
        double *o = ws->buf + q * b;
        for (size_t i = 0; i < b; i++)
            o[i] = x[i] * sv[i];
    }
    if (pd)
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)pd, (int)b, 1.0, ws->buf,
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

static void accum_finish(const glm_ws *ws, double *A, const double *Ad)
{
    size_t p = ws->p, pd = ws->pd;
    for (size_t q2 = 0; q2 < pd; q2++)
        for (size_t q1 = 0; q1 <= q2; q1++)
            AUP(A, p, ws->dcols[q1], ws->dcols[q2]) += Ad[q2 * pd + q1];
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++)
            A[j * p + i] = A[i * p + j];
}

/* g += X_b' r_b */
static void accum_xtr(const glm_ws *ws, size_t i0, size_t b, const double *r, double *g)
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

static double irls_pass(glm_ws *ws, const double *beta, int first, int *ok_mu)
{
    size_t n = ws->n, p = ws->p, B = ws->block, pd = ws->pd, nb = ws->nblocks;
    double dev = 0;
    int ok = 1;
    memset(ws->A, 0, p * p * sizeof(double));
    memset(ws->Ad, 0, (pd ? pd * pd : 1) * sizeof(double));
    memset(ws->g, 0, p * sizeof(double));
    for (size_t i0 = 0; i0 < n; i0 += B) {
        size_t b = n - i0 < B ? n - i0 : B;
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
            glm_link_eval(ws->link, b, eta, mu, me);
        }
        for (size_t i = 0; i < b; i++) {
            double wt = wp ? wp[i] : 1.0, m = mu[i];
            if (!(m > 0 && m < 1))
                ok = 0;
            if (wt > 0)
                dev += y[i] > 0.5 ? -2 * wt * log(m) : -2 * wt * log1p(-m);
            w[i] = wt > 0 && me[i] != 0 ? wt * me[i] * me[i] / (m * (1 - m)) : 0;
            double zr = (y[i] - m) / me[i];
            r[i] = w[i] == 0 ? 0 : w[i] * (first ? eta[i] + zr : zr);
        }
        accum_block(ws, i0, b, w, ws->A, ws->Ad);
        accum_xtr(ws, i0, b, r, ws->g);
    }
    accum_finish(ws, ws->A, ws->Ad);
    *ok_mu = ok;
    return dev;
}

/* Sandwich meat from the score contributions u_i x_i (u in ws->r), without
 * forming the n x p score matrix: by cluster sums (S'S), or per row as
 * X' diag(u^2) X. */
static rhaz_status glm_meat(glm_ws *ws, const int *cluster, size_t G, double *M,
                            rhaz_error *err)
{
    size_t n = ws->n, p = ws->p, B = ws->block;
    memset(M, 0, p * p * sizeof(double));
    if (!cluster) {
        double *Md = calloc(ws->pd ? ws->pd * ws->pd : 1, sizeof *Md);
        if (!Md)
            return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
        double v[GLM_BLOCK];
        for (size_t i0 = 0; i0 < n; i0 += B) {
            size_t b = n - i0 < B ? n - i0 : B;
            for (size_t i = 0; i < b; i++)
                v[i] = ws->r[i0 + i] * ws->r[i0 + i];
            accum_block(ws, i0, b, v, M, Md);
        }
        accum_finish(ws, M, Md);
        free(Md);
        return RHAZ_OK;
    }
    double *S = calloc(G > 0 && p > 0 ? G * p : 1, sizeof *S);
    if (!S)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
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

/* ---------- summary helpers ---------- */

static int add_warning(rhaz_fit_summary *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int add_warning(rhaz_fit_summary *s, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **nw = realloc(s->warnings, (s->n_warnings + 1) * sizeof *nw);
    if (!nw)
        return -1;
    s->warnings = nw;
    if (!(nw[s->n_warnings] = core_strdup(buf)))
        return -1;
    s->n_warnings++;
    return 0;
}

/* list of names into buf ("a, b, c"), truncated */
static void name_list(char *buf, size_t size, char **names, const int *mask, size_t p)
{
    size_t len = 0;
    buf[0] = 0;
    for (size_t j = 0; j < p; j++) {
        if (!mask[j])
            continue;
        int k = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", names[j]);
        if (k < 0 || (size_t)k >= size - len) {
            if (size > 4)
                strcpy(buf + size - 4, "...");
            return;
        }
        len += (size_t)k;
    }
}

/* Separation diagnostics: (a) 0/1 columns with no events (or only events)
 * where the column is 1; (b) fitted probabilities numerically 0 or 1
 * together with diverging coefficients. Returns 1 if separation found. */
static int detect_separation(const rhaz_design *d, const glm_ws *ws,
                             rhaz_fit_summary *s, int firth)
{
    size_t n = ws->n, p = ws->p;
    int found = 0;
    int *flag = calloc(p ? p : 1, sizeof *flag);
    if (!flag)
        return 0;
    char names[1500];
    /* (a) indicator columns; for the design's indicator blocks the counts
     * come from the level codes (one pass per block) */
    size_t *bcnt = calloc(2 * (p ? p : 1), sizeof *bcnt);
    int *inblk = calloc(p ? p : 1, sizeof *inblk);
    size_t nused = 0;
    if (!bcnt || !inblk) {
        free(bcnt);
        free(inblk);
        free(flag);
        return 0;
    }
    size_t nev = 0, nzero = 0;
    for (size_t i = 0; i < n; i++) {
        int u = !(ws->wp && ws->wp[i] == 0);
        nused += u;
        nev += u && ws->y[i] == 1;
        nzero += u && ws->y[i] == 0;
    }
    if (nused > 0 && (nzero == nused || nev == nused)) {
        /* the outcome does not vary: no finite maximum-likelihood estimate */
        add_warning(s, "%s: the response is %d in every row; the intercept "
                    "runs to %s infinity",
                    nev == 0 ? "no events" : "all events", nev == 0 ? 0 : 1,
                    nev == 0 ? "minus" : "plus");
        found = 1;
    }
    for (size_t k = 0; k < d->n_blocks; k++) {
        const struct rhaz_design_block *bk = &d->blocks[k];
        for (size_t q = 0; q < bk->ncol; q++)
            inblk[bk->col + q] = 1;
        for (size_t i = 0; i < n; i++) {
            if ((ws->wp && ws->wp[i] == 0) || bk->code[i] < bk->shift)
                continue;
            size_t c = bk->col + (size_t)(bk->code[i] - bk->shift);
            bcnt[2 * c]++;
            bcnt[2 * c + 1] += ws->y[i] > 0.5;
        }
    }
    for (size_t j = 0; j < p; j++) {
        if (ws->aliased[j] || (d->intercept && j == 0))
            continue;
        const double *x = ws->X + j * n;
        size_t ones = 0, ev1 = 0, zeros = 0, other = 0;
        if (inblk[j]) {
            ones = bcnt[2 * j];
            ev1 = bcnt[2 * j + 1];
            zeros = nused - ones;
        }
        for (size_t i = 0; i < n && !other && !inblk[j]; i++) {
            if (ws->wp && ws->wp[i] == 0)
                continue;
            if (x[i] == 1) {
                ones++;
                ev1 += ws->y[i] > 0.5;
            } else if (x[i] == 0) {
                zeros++;
            } else
                other = 1;
        }
        if (other || ones == 0 || zeros == 0)
            continue;
        if (ev1 == 0 || ev1 == ones) {
            flag[j] = 1;
            found = 1;
            add_warning(s, "separation: %s = 1 in %zu rows, %s of them events; "
                        "its estimate runs to %s infinity%s",
                        d->colnames[j], ones, ev1 == 0 ? "none" : "all",
                        ev1 == 0 ? "minus" : "plus",
                        firth ? " without Firth's penalty"
                              : " (Firth's penalty, option firth, keeps it finite)");
        }
    }
    /* (b) fitted values at the boundary (R: mu < 10 eps or > 1 - 10 eps) */
    if (!firth) {
        double eps = 10 * DBL_EPSILON;
        size_t nb = 0;
        for (size_t i = 0; i < n; i++)
            if ((!ws->wp || ws->wp[i] > 0) && (ws->mu[i] < eps || ws->mu[i] > 1 - eps))
                nb++;
        if (nb) {
            int any = 0;
            for (size_t j = 0; j < p; j++)
                if (!ws->aliased[j] && !(d->intercept && j == 0) &&
                    fabs(ws->beta[j]) > 10 && !flag[j]) {
                    flag[j] = 2;
                    any = 1;
                }
            for (size_t j = 0; j < p; j++)
                flag[j] = flag[j] == 2;
            name_list(names, sizeof names, d->colnames, flag, p);
            add_warning(s, "(quasi-)separation: fitted probabilities numerically 0 "
                        "or 1 for %zu rows%s%s; Firth's penalty (option firth) "
                        "gives finite estimates", nb,
                        any ? "; diverging coefficients: " : "", any ? names : "");
            found = 1;
        }
    }
    free(flag);
    free(bcnt);
    free(inblk);
    return found;
}

/* ---------- the fit ---------- */

rhaz_fit_summary *rhaz_glm_fit(const rhaz_design *d, const rhaz_glm_options *opt,
                               rhaz_error *err)
{
    rhaz_error_clear(err);
    rhaz_glm_options o0 = {0};
    if (!opt)
        opt = &o0;
    if (!d || d->ny != 1 || !d->y)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "a logit/cloglog model needs one response: 'y ~ ...'"),
               NULL;
    size_t n = d->n, p = d->p;
    for (size_t i = 0; i < n; i++)
        if (d->y[i] != 0 && d->y[i] != 1)
            return core_error_row(err, RHAZ_EDATA, i + 1,
                                  "response %s must be 0 or 1 (row %zu has %g)",
                                  d->y_name, d->rows[i] + 1, d->y[i]),
                   NULL;
    if (opt->firth && opt->link != RHAZ_LINK_LOGIT)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "Firth's penalty is implemented for the logit link only"),
               core_error_option(err, "firth"), NULL;
    if (opt->vce == RHAZ_VCE_CLUSTER && !d->cluster)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "cluster-robust variance needs a cluster column "
                              "(design option cluster)"),
               core_error_option(err, "cluster"), NULL;
    if (opt->firth && d->blocks_only)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "Firth's penalty needs the full model matrix (build "
                              "the design without sparse_indicators)"),
               core_error_option(err, "firth"), NULL;
    if (opt->firth && opt->vce != RHAZ_VCE_MODEL)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "robust/cluster variances are not available with "
                              "Firth's penalty"),
               core_error_option(err, "firth"), NULL;
    int maxit = opt->maxit > 0 ? opt->maxit : (opt->firth ? 100 : 25);
    double epsilon = opt->epsilon > 0 ? opt->epsilon : 1e-8;
    double conf = opt->conf_level > 0 && opt->conf_level < 1 ? opt->conf_level : 0.95;

    glm_ws *ws = glm_ws_alloc(n, p);
    rhaz_fit_summary *s = calloc(1, sizeof *s);
    double *scores = NULL;
    if (!ws || !s)
        goto oom;
    ws->X = d->X;
    ws->y = d->y;
    ws->wp = d->weights;
    ws->link = opt->link;
    ws->tol_rank = opt->tol_rank > 0 ? opt->tol_rank : 1e-11;
    ws->blocks = d->blocks;
    ws->nblocks = d->n_blocks;
    ws->dcols = malloc((p ? p : 1) * sizeof *ws->dcols);
    ws->Ad = malloc((p ? p * p : 1) * sizeof *ws->Ad);
    if (!ws->dcols || !ws->Ad)
        goto oom;
    for (size_t j = 0; j < p; j++) {
        int inblock = 0;
        for (size_t k = 0; k < d->n_blocks; k++)
            if (j >= d->blocks[k].col && j < d->blocks[k].col + d->blocks[k].ncol)
                inblock = 1;
        if (!inblock)
            ws->dcols[ws->pd++] = j;
    }

    s->model = core_strdup(opt->firth ? "firth-logit" : rhaz_link_name(opt->link));
    s->link = core_strdup(rhaz_link_name(opt->link));
    s->ties = core_strdup("");
    s->firth = opt->firth;
    s->n_dropped = d->n_dropped;
    s->conf_level = conf;
    s->vce = opt->vce;
    s->vce_adj = opt->vce_adj;
    s->p = p;
    s->coef = calloc(p ? p : 1, sizeof *s->coef);
    s->vcov = malloc((p ? p * p : 1) * sizeof *s->vcov);
    if (!s->model || !s->link || !s->ties || !s->coef || !s->vcov)
        goto oom;
    for (size_t j = 0; j < p; j++)
        if (!(s->coef[j].term = core_strdup(d->colnames[j])))
            goto oom;
    size_t nobs = 0, events = 0;
    double sumw = 0, sumwy = 0;
    for (size_t i = 0; i < n; i++) {
        double wt = d->weights ? d->weights[i] : 1.0;
        if (wt > 0) {
            nobs++;
            events += d->y[i] > 0.5;
        }
        sumw += wt;
        sumwy += wt * d->y[i];
    }
    s->n = nobs;
    s->events = events;
    s->n_clusters = d->cluster ? d->n_clusters : 0;

    /* null model: constant mu = weighted mean (intercept) or linkinv(0) */
    {
        double mu0;
        if (d->intercept)
            mu0 = sumwy / sumw;
        else {
            double e0 = 0, m, me;
            glm_link_eval(opt->link, 1, &e0, &m, &me);
            mu0 = m;
        }
        double dev0 = 0;
        for (size_t i = 0; i < n; i++) {
            double wt = d->weights ? d->weights[i] : 1.0;
            if (wt > 0)
                dev0 += d->y[i] > 0.5 ? -2 * wt * log(mu0) : -2 * wt * log1p(-mu0);
        }
        s->loglik_null = -dev0 / 2;
    }

    int conv = 0, iter = 0, halvings = 0;
    double dev = NAN;
    if (!opt->firth) {
        /* R's glm.fit: mustart = (w y + 1/2)/(w + 1), eta = linkfun(mustart) */
        for (size_t i = 0; i < n; i++) {
            double wt = d->weights ? d->weights[i] : 1.0;
            double m0 = (wt * d->y[i] + 0.5) / (wt + 1);
            ws->eta[i] = linkfun(opt->link, m0);
        }
        glm_link_eval(opt->link, n, ws->eta, ws->mu, ws->mueta);
        int ok_mu;
        /* deviance at the start, and the first normal equations (z = eta +
         * (y - mu)/mu.eta) */
        double devold = irls_pass(ws, NULL, 1, &ok_mu);
        s->loglik_init = -devold / 2;
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
                s->stop = RHAZ_STOP_NONFINITE;
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
        s->loglik = -dev / 2;
    } else {
        memset(ws->beta, 0, p * sizeof(double));
        double maxsc = 0;
        s->loglik = glm_firth_fit(ws, maxit, &iter, &conv, &halvings, &maxsc);
        glm_chol_inverse(ws);
        dev = -2 * s->loglik;
        /* penalized null: intercept only, penalty with the full X */
        if (d->intercept) {
            double *bsave = malloc(p * sizeof(double));
            double *Asave = malloc(2 * p * p * sizeof(double));
            int *asave = malloc(p * sizeof(int));
            if (!bsave || !Asave || !asave) {
                free(bsave);
                free(Asave);
                free(asave);
                goto oom;
            }
            memcpy(bsave, ws->beta, p * sizeof(double));
            memcpy(Asave, ws->A, p * p * sizeof(double));
            memcpy(Asave + p * p, ws->Ainv, p * p * sizeof(double));
            memcpy(asave, ws->aliased, p * sizeof(int));
            int rsave = ws->rank;
            memset(ws->beta, 0, p * sizeof(double));
            for (size_t j = 0; j < p; j++)
                ws->fixed[j] = j != 0 || asave[j];
            int it0, c0, h0;
            double ms0;
            s->loglik_null = glm_firth_fit(ws, maxit, &it0, &c0, &h0, &ms0);
            memset(ws->fixed, 0, p * sizeof(int));
            memcpy(ws->beta, bsave, p * sizeof(double));
            memcpy(ws->A, Asave, p * p * sizeof(double));
            memcpy(ws->Ainv, Asave + p * p, p * p * sizeof(double));
            memcpy(ws->aliased, asave, p * sizeof(int));
            ws->rank = rsave;
            glm_linear_predictor(ws, ws->beta);
            free(bsave);
            free(Asave);
            free(asave);
        }
        if (conv && maxsc > 1e-8)
            add_warning(s, "Firth: largest modified score %.3g at the solution", maxsc);
    }
    s->iterations = iter;
    s->step_halvings = halvings;
    s->converged = conv;
    if (!conv && s->stop != RHAZ_STOP_NONFINITE)
        s->stop = RHAZ_STOP_MAXITER;
    s->rank = ws->rank;
    size_t k = (size_t)ws->rank;

    /* aliased terms */
    {
        char names[1500];
        name_list(names, sizeof names, d->colnames, ws->aliased, p);
        if (names[0])
            add_warning(s, "collinear terms dropped (coefficient NA, as R): %s", names);
    }

    /* variance */
    double *V = ws->Ainv; /* model-based, column-major */
    double *Vr = NULL;
    const char *adjname = opt->vce_adj == RHAZ_ADJ_NONE ? "no adjustment (CR0/HC0)"
                          : opt->vce_adj == RHAZ_ADJ_G ? "x G/(G-1), R sandwich::vcovCL default"
                                                       : "x G/(G-1) x (N-1)/(N-K), Stata vce(cluster)";
    char label[256];
    if (opt->vce == RHAZ_VCE_MODEL)
        snprintf(label, sizeof label, "model (inverse information%s)",
                 opt->firth ? " at the penalized estimate" : "");
    else if (opt->vce == RHAZ_VCE_ROBUST)
        snprintf(label, sizeof label, "robust sandwich HC0%s",
                 opt->vce_adj == RHAZ_ADJ_NONE ? " (R sandwich::vcovHC type HC0)" : "");
    if (opt->vce != RHAZ_VCE_MODEL) {
        if (opt->vce == RHAZ_VCE_CLUSTER)
            snprintf(label, sizeof label, "cluster-robust by %s (%zu clusters), %s",
                     opt->cluster_name ? opt->cluster_name : "cluster",
                     d->n_clusters, adjname);
        else if (opt->vce_adj != RHAZ_ADJ_NONE)
            snprintf(label, sizeof label, "robust sandwich HC0, %s", adjname);
        scores = malloc((p > 0 ? p * p : 1) * sizeof *scores); /* the meat */
        Vr = malloc((p > 0 ? p * p : 1) * sizeof *Vr);
        if (!scores || !Vr) {
            free(Vr);
            goto oom;
        }
        /* estfun.glm: working residual (final mu) x working weight (last
         * IRLS step) x x_i */
        for (size_t i = 0; i < n; i++)
            ws->r[i] = (d->y[i] - ws->mu[i]) / ws->mueta[i] * ws->w[i];
        int byc = opt->vce == RHAZ_VCE_CLUSTER;
        size_t G = byc ? d->n_clusters : n;
        double cadj = rhaz_vcov_adjust(opt->vce_adj, G, nobs, k);
        rhaz_status st = isnan(cadj)
            ? rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                             "sandwich variance: needs at least 2 clusters (and more "
                             "observations than coefficients); got %zu", G)
            : glm_meat(ws, byc ? d->cluster : NULL, G, scores, err);
        if (st) {
            free(Vr);
            free(scores);
            glm_ws_free(ws);
            rhaz_fit_summary_free(s);
            return NULL;
        }
        rhaz_vcov_sandwich_meat(ws->Ainv, p, scores, cadj, Vr);
        V = Vr;
    }
    if (!(s->vce_label = core_strdup(label))) {
        free(Vr);
        goto oom;
    }
    double zq = gsl_cdf_ugaussian_Pinv(0.5 + conf / 2);
    for (size_t j = 0; j < p; j++) {
        rhaz_coef *c = &s->coef[j];
        for (size_t i = 0; i < p; i++)
            s->vcov[j * p + i] = ws->aliased[j] || ws->aliased[i] ? NAN : V[j * p + i];
        if (ws->aliased[j]) {
            c->aliased = 1;
            c->estimate = c->std_error = c->statistic = c->p_value = NAN;
            c->conf_low = c->conf_high = NAN;
            continue;
        }
        c->estimate = ws->beta[j];
        c->std_error = sqrt(V[j * p + j]);
        c->statistic = c->estimate / c->std_error;
        c->p_value = 2 * gsl_cdf_ugaussian_Q(fabs(c->statistic));
        c->conf_low = c->estimate - zq * c->std_error;
        c->conf_high = c->estimate + zq * c->std_error;
    }
    free(Vr);
    if (opt->firth && !opt->no_profile && conv) {
        double *bhat = malloc(p * sizeof(double));
        double *Asave = malloc(p * p * sizeof(double));
        int *asave = malloc(p * sizeof(int));
        if (!bhat || !Asave || !asave) {
            free(bhat);
            free(Asave);
            free(asave);
            goto oom;
        }
        memcpy(bhat, ws->beta, p * sizeof(double));
        memcpy(asave, ws->aliased, p * sizeof(int));
        for (size_t j = 0; j < p; j++) {
            if (asave[j])
                continue;
            double lo, hi, chisq;
            rhaz_error perr;
            memcpy(ws->aliased, asave, p * sizeof(int));
            rhaz_status st = glm_firth_profile(ws, bhat, s->loglik, j, conf, &lo, &hi,
                                               &chisq, &perr);
            if (st) {
                add_warning(s, "profile CI for %s: %s (Wald CI shown)", d->colnames[j],
                            perr.msg);
                continue;
            }
            s->coef[j].conf_low = lo;
            s->coef[j].conf_high = hi;
            s->coef[j].statistic = chisq;
            s->coef[j].p_value = gsl_cdf_chisq_Q(chisq > 0 ? chisq : 0, 1);
        }
        memcpy(ws->beta, bhat, p * sizeof(double));
        memcpy(ws->aliased, asave, p * sizeof(int));
        free(bhat);
        free(Asave);
        free(asave);
    }

    s->aic = -2 * s->loglik + 2 * (double)k;
    s->bic = -2 * s->loglik + log((double)nobs) * (double)k;
    s->lr_df = (int)k - (d->intercept && !ws->aliased[0] ? 1 : 0);
    s->lr_stat = 2 * (s->loglik - s->loglik_null);
    s->lr_p = s->lr_df > 0 ? gsl_cdf_chisq_Q(s->lr_stat > 0 ? s->lr_stat : 0, s->lr_df) : NAN;

    /* diagnostics */
    if (detect_separation(d, ws, s, opt->firth) && !opt->firth)
        s->stop = RHAZ_STOP_SEPARATION;
    if (!conv)
        add_warning(s, "did not converge in %d iterations (%s); estimates are "
                    "not maximum-likelihood", iter,
                    s->stop == RHAZ_STOP_NONFINITE ? "non-finite deviance"
                                                   : "iteration limit");
    free(scores);
    glm_ws_free(ws);
    return s;
oom:
    free(scores);
    glm_ws_free(ws);
    rhaz_fit_summary_free(s);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
    return NULL;
}
