/* firth.c -- Firth's penalized likelihood for the logit model (Firth
 * 1993; Heinze & Schemper 2002), as R's logistf:
 *
 *   l*(b) = sum_i w_i [y_i log mu_i + (1 - y_i) log(1 - mu_i)]
 *           + 1/2 log det X'WX,              W = diag(w_i mu_i (1 - mu_i))
 *   U*(b) = X' (w (y - mu) + h (1/2 - mu)),   h = diag of W^1/2 X (X'WX)^-1 X' W^1/2
 *
 * Iteration: b <- b + (X'WX)^-1 U*(b) on the free coordinates (steps
 * capped at 5 as logistf's maxstep), halved while l* decreases; stop
 * when max |U*| < 1e-9 and max |step| < 1e-10, or the steps fall below
 * 1e-14 (rounding limits the score for very large n).  The penalty always uses the full X, also
 * when some coordinates are held fixed (profiles, null model), as
 * logistf does.
 */
#include "model/glm_internal.h"
#include "model/linalg.h"

#include <cblas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double *Afull; /* p x p copy of X'WX */
    double *T;     /* block x p */
    double *u;     /* p: modified score */
    int *excl, *alias_full; /* p */
} firth_tmp;

/* Evaluate at ws->beta: penalized loglik, modified score (tmp->u), step
 * on the free coordinates (ws->delta); ws->A ends as the factor with the
 * fixed coordinates excluded, ws->Ainv the full generalised inverse. */
static double firth_eval(glm_ws *ws, firth_tmp *tmp)
{
    size_t n = ws->n, p = ws->p, B = ws->block;
    glm_linear_predictor(ws, ws->beta);
    double ll = 0;
    for (size_t i = 0; i < n; i++) {
        double wt = ws->wp ? ws->wp[i] : 1.0;
        double m = ws->mu[i];
        ws->w[i] = wt * m * (1 - m);
        if (wt > 0)
            ll += ws->y[i] > 0.5 ? wt * log(m) : wt * log1p(-m);
    }
    glm_xtwx(ws, ws->w);
    memcpy(tmp->Afull, ws->A, p * p * sizeof(double));
    double logdet = 0;
    glm_chol(ws, NULL, &logdet);
    glm_chol_inverse(ws);
    /* hat values, blocked: T = X_b Ainv, h_i = w_i sum_j T_ij X_ij */
    for (size_t i0 = 0; i0 < n; i0 += B) {
        size_t b = n - i0 < B ? n - i0 : B;
        for (size_t j = 0; j < p; j++)
            memcpy(ws->buf + j * b, ws->X + j * n + i0, b * sizeof(double));
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)b, (int)p, (int)p,
                    1.0, ws->buf, (int)b, ws->Ainv, (int)p, 0.0, tmp->T, (int)b);
        for (size_t i = 0; i < b; i++)
            ws->hat[i0 + i] = 0;
        for (size_t j = 0; j < p; j++) {
            const double *t = tmp->T + j * b, *x = ws->buf + j * b;
            for (size_t i = 0; i < b; i++)
                ws->hat[i0 + i] += t[i] * x[i];
        }
        for (size_t i = 0; i < b; i++)
            ws->hat[i0 + i] *= ws->w[i0 + i];
    }
    for (size_t i = 0; i < n; i++) {
        double wt = ws->wp ? ws->wp[i] : 1.0;
        ws->r[i] = wt * (ws->y[i] - ws->mu[i]) + ws->hat[i] * (0.5 - ws->mu[i]);
    }
    glm_xtv(ws, ws->r, tmp->u);
    /* step on the free coordinates */
    int *excl = tmp->excl, *alias_full = tmp->alias_full;
    for (size_t j = 0; j < p; j++)
        excl[j] = ws->fixed[j] || ws->aliased[j];
    memcpy(alias_full, ws->aliased, p * sizeof(int));
    memcpy(ws->A, tmp->Afull, p * p * sizeof(double));
    int rank_full = ws->rank;
    glm_chol(ws, excl, NULL);
    memcpy(ws->delta, tmp->u, p * sizeof(double));
    glm_chol_solve(ws, ws->delta);
    memcpy(ws->aliased, alias_full, p * sizeof(int));
    ws->rank = rank_full;
    return ll + 0.5 * logdet;
}

static double firth_run(glm_ws *ws, firth_tmp *tmp, int maxit, int *iter, int *conv,
                        int *halvings, double *max_score)
{
    size_t p = ws->p;
    double l = firth_eval(ws, tmp);
    *conv = 0;
    *halvings = 0;
    int it;
    for (it = 0; it < maxit; it++) {
        double mu = 0, md = 0;
        for (size_t j = 0; j < p; j++)
            if (!ws->fixed[j] && !ws->aliased[j]) {
                if (fabs(tmp->u[j]) > mu)
                    mu = fabs(tmp->u[j]);
                if (fabs(ws->delta[j]) > md)
                    md = fabs(ws->delta[j]);
            }
        *max_score = mu;
        /* the score to 1e-9 (or no progress left in the steps) */
        if ((mu <= 1e-9 && md <= 1e-10) || md <= 1e-14) {
            *conv = 1;
            break;
        }
        double cap = md > 5 ? 5 / md : 1;
        memcpy(ws->beta_old, ws->beta, p * sizeof(double));
        for (size_t j = 0; j < p; j++)
            if (!ws->fixed[j] && !ws->aliased[j])
                ws->beta[j] += cap * ws->delta[j];
        double lnew = firth_eval(ws, tmp);
        int nh = 0;
        while (!(lnew >= l - 1e-12 * fabs(l)) && nh < 30) {
            nh++;
            (*halvings)++;
            for (size_t j = 0; j < p; j++)
                ws->beta[j] = 0.5 * (ws->beta[j] + ws->beta_old[j]);
            lnew = firth_eval(ws, tmp);
        }
        l = lnew;
    }
    *iter = it;
    return l;
}

static int tmp_alloc(glm_ws *ws, firth_tmp *tmp)
{
    size_t p = ws->p ? ws->p : 1;
    tmp->Afull = malloc(p * p * sizeof(double));
    tmp->T = malloc(ws->block * p * sizeof(double));
    tmp->u = malloc(p * sizeof(double));
    tmp->excl = malloc(p * sizeof(int));
    tmp->alias_full = malloc(p * sizeof(int));
    if (!tmp->Afull || !tmp->T || !tmp->u || !tmp->excl || !tmp->alias_full) {
        free(tmp->Afull);
        free(tmp->T);
        free(tmp->u);
        free(tmp->excl);
        free(tmp->alias_full);
        return -1;
    }
    return 0;
}

static void tmp_free(firth_tmp *tmp)
{
    free(tmp->Afull);
    free(tmp->T);
    free(tmp->u);
    free(tmp->excl);
    free(tmp->alias_full);
}

double glm_firth_fit(glm_ws *ws, int maxit, int *iter, int *conv, int *halvings,
                     double *max_score)
{
    firth_tmp tmp;
    *iter = 0;
    *conv = 0;
    *halvings = 0;
    *max_score = NAN;
    if (tmp_alloc(ws, &tmp) < 0)
        return NAN;
    double l = firth_run(ws, &tmp, maxit, iter, conv, halvings, max_score);
    /* leave the full factor in ws->A for the variance */
    memcpy(ws->A, tmp.Afull, ws->p * ws->p * sizeof(double));
    glm_chol(ws, NULL, NULL);
    tmp_free(&tmp);
    return l;
}

double glm_firth_loglik(glm_ws *ws)
{
    firth_tmp tmp;
    if (tmp_alloc(ws, &tmp) < 0)
        return NAN;
    double l = firth_eval(ws, &tmp);
    tmp_free(&tmp);
    return l;
}

/* ---------- profile penalized likelihood ---------- */

typedef struct {
    glm_ws *ws;
    firth_tmp *tmp;
    const double *bhat;
    size_t j;
    double lmax, q;
    int failed;
} prof_ctx;

static double prof_dev(double c, void *vp)
{
    prof_ctx *pc = vp;
    glm_ws *ws = pc->ws;
    memcpy(ws->beta, pc->bhat, ws->p * sizeof(double));
    ws->beta[pc->j] = c;
    int it, conv, h;
    double ms;
    double l = firth_run(ws, pc->tmp, 200, &it, &conv, &h, &ms);
    if (!conv)
        pc->failed = 1;
    return 2 * (pc->lmax - l) - pc->q;
}

static rhaz_status find_limit(prof_ctx *pc, double start, double step, double *out,
                              rhaz_error *err)
{
    double a = start, fa = -pc->q, b = start, fb = fa;
    int k;
    for (k = 0; k < 40; k++) {
        b = a + step;
        fb = prof_dev(b, pc);
        if (fb > 0)
            break;
        a = b;
        fa = fb;
        step *= 2;
    }
    if (!(fb > 0)) {
        *out = step > 0 ? INFINITY : -INFINITY;
        return RHAZ_OK;
    }
    (void)fa;
    gsl_function F = {prof_dev, pc};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory fitting with Firth's penalty");
    double lo = a < b ? a : b, hi = a < b ? b : a;
    int st = gsl_root_fsolver_set(s, &F, lo, hi);
    double r = 0.5 * (lo + hi);
    for (int it = 0; st == GSL_SUCCESS && it < 200; it++) {
        st = gsl_root_fsolver_iterate(s);
        r = gsl_root_fsolver_root(s);
        lo = gsl_root_fsolver_x_lower(s);
        hi = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(lo, hi, 1e-12, 1e-11) == GSL_SUCCESS)
            break;
    }
    gsl_root_fsolver_free(s);
    if (st != GSL_SUCCESS)
        return rhaz_error_set(err, RHAZ_ENOCONV, NULL, 0, "root search failed");
    *out = r;
    return RHAZ_OK;
}

rhaz_status glm_firth_profile(glm_ws *ws, const double *bhat, double lmax,
                              size_t j, double conf_level, double *lo,
                              double *hi, double *chisq, rhaz_error *err)
{
    firth_tmp tmp;
    if (tmp_alloc(ws, &tmp) < 0)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory fitting with Firth's penalty");
    double se = sqrt(ws->Ainv[j * ws->p + j]);
    if (!(se > 0) || !isfinite(se))
        se = 1;
    memset(ws->fixed, 0, ws->p * sizeof(int));
    ws->fixed[j] = 1;
    prof_ctx pc = {ws, &tmp, bhat, j, lmax, 0, 0};
    pc.q = 0;
    *chisq = prof_dev(0.0, &pc);
    pc.q = gsl_cdf_chisq_Qinv(1 - conf_level, 1);
    rhaz_status st = find_limit(&pc, bhat[j], -se, lo, err);
    if (!st)
        st = find_limit(&pc, bhat[j], se, hi, err);
    if (!st && pc.failed)
        st = rhaz_error_set(err, RHAZ_ENOCONV, NULL, 0,
                            "a constrained penalized fit did not converge");
    ws->fixed[j] = 0;
    tmp_free(&tmp);
    return st;
}
