/* frailty.c -- shared frailty Cox models: R survival 3.5-3's coxpenal.fit
 * with a sparse frailty(g) / frailty.gaussian(g) term.
 *
 * Inputs: the Cox data (rhaz_cox_data: x n x p column-major, (start,)
 * stop, event, strata; no weights, no cluster), group codes n in
 * [0, G).  Requirements as rhaz_cox_fit.
 *
 * Reuse of the Cox code.  The partial likelihood PL(b, w) of the linear
 * predictor x'b + w_g is the Cox partial likelihood of the design
 * [x, indicators of g] (P = p + G columns).  Dense terms (G <= 5): the
 * fit builds one Cox object of that design (rhaz_cox_setup_: slots, risk
 * sets, centring, scaling) and evaluates rhaz_cox_eval_ on it, which
 * returns PL, its gradient and the full information (O(n P^2)).  Sparse
 * terms (G > 5, R's sparse computation): a Cox object of x alone with
 * the offset w_g (rhaz_cox_eval_ gives PL, the score and information of
 * b and, per event time k, the Efron sums A_k = sum_l 1/den_l,
 * B_k = sum_l f_l/den_l, C0..C2_k = sum_l f_l^(0..2)/den_l^2); then
 *   u_g    = sum_{i in g} (d_i - r_i H_i)    (martingale residuals),
 *            H_i = sum_{k at risk} A_k - d_i B_(k_i);
 *   I_gg   = sum_{i in g} r_i H_i - sum_k [r_g(k)^2 C0_k
 *            - 2 r_g(k) D_g(k) C1_k + D_g(k)^2 C2_k]  (r_g(k): the risk sum
 *            of g at k, piecewise constant: a sweep over each group's
 *            entries and exits, presorted once; D_g(k) its events' risk);
 *   I_jg   = sum_{i in g} r_i [z_ij H_i - sum_{k at risk} E_jk
 *            + d_i (C1 S1_j - C2 D1_j)_(k_i)],  E_jk = C0_k S1_jk - C1_k D1_jk
 *            (prefix sums over k);
 * only the diagonal of the frailty block is formed, as R's coxpenal with
 * sparse frailty terms: O(n p^2 + K p^2 + (n + G) p) per evaluation and
 * O(n + p G) memory, so tens of thousands of groups are fine.
 *
 * Inner loop (coxfit5_b / agfit5_b), for a fixed theta:
 *   iteration 0 at the start values, the PPL "before" taken as 0;
 *   evaluate PL, score u, information I at (b, w); the penalty callback
 *   recentres w (PL does not change: the indicators sum to one) and adds
 *   the penalty's value, gradient and second derivative (ipen);
 *   H = [[I_bb, I_bw], [I_wb, D]] with D = diag(I_ww) + ipen -- the
 *   off-diagonal I_ww dropped, as R's sparse computation -- factored by
 *   its Schur complement S = I_bb - I_bw D^-1 I_wb (rank-revealing LDL');
 *   converged when |1 - PPL_old / PPL_new| <= eps (not converged if that
 *   happens right after a halving); a PPL below the last one halves the
 *   step, b = (b_old + b) / 2; else the Newton step H^-1 u.
 *   theta = 0 (gamma, first outer step): the random effects are held at 0.
 * Outer loop (coxpenal.fit): theta from the controller of the
 * distribution (frailty.controlgam / frailty.controlgauss, see
 * rhaz/frailty.h), each inner loop started from the saved solution
 * whose theta is nearest the new one; at most outer_max fits.
 * Variances (coxpenal.df, sparse case): with V = H^-1, var = V_bb,
 * var2 = V_bb - V_bw P V_wb, fvar = diag V_ww, df of the frailty term
 * G - sum fvar_g ipen_g, df of a term of x tr(var_JJ^-1 var2_JJ).
 */
#include "cox_internal.h"
#include "model/fit_internal.h"
#include "core/util.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct rhaz_frailty {
    rhaz_frailty_result res;
    size_t n, p, G, P, n_terms;
    rhaz_frailty_dist dist;
    rhaz_cox *cf;            /* Cox object of [x, indicators] */
    double *xaug;            /* n x P */
    double *dg;              /* G: events per group */
    int *assign;             /* p */
    /* state */
    double *beta, *fb, *oldb, *oldf, *bz, *u, *I, *D, *ipen, *S, *Sinv,
           *step, *tmp;
    int zflag, rank;
    int dense;               /* G <= 5: R's sparse = FALSE, full H */
    /* sparse: I_bb (p x p row-major), I_bw (p x G), diag I_ww (G), the
     * offsets, prefix sums, the group sweep (entries, exits, events) */
    double *Ibb, *Ibw, *Iww, *off, *PE, *PC0;
    const int *grp;
    struct fr_ev { int g; uint32_t k; int type; uint32_t i; } *ev;
    size_t nev;
    double *H, *V;           /* P x P (dense only) */
    double logpen, penalty;  /* penalty added to PL; R's pfun penalty */
    /* saved solutions per outer iteration */
    double *thsave, *csave, *fsave;
    size_t nsave;
    /* results */
    double *coef, *vcov, *vcov2, *se2, *frail, *fvar, *df, *hist;
    int *aliased;
};

void rhaz_frailty_options_default(rhaz_frailty_options *o)
{
    memset(o, 0, sizeof *o);
    o->dist = RHAZ_FRAILTY_GAMMA;
    o->ties = RHAZ_TIES_EFRON;
    o->max_iter = 20;
    o->outer_max = 10;
    o->eps = 1e-9;
    o->outer_eps = NAN;
    o->toler_chol = pow(DBL_EPSILON, 0.75);
    o->theta = NAN;
}

void rhaz_frailty_free(rhaz_frailty *f)
{
    if (!f)
        return;
    rhaz_cox_free(f->cf);
    void *ptrs[] = {f->xaug, f->dg,   f->assign, f->beta,  f->fb,   f->oldb,
                    f->oldf, f->bz,   f->u,      f->I,     f->D,    f->ipen,
                    f->S,    f->Sinv, f->step,   f->tmp,   f->thsave,
                    f->csave, f->fsave, f->coef, f->vcov,  f->vcov2, f->se2,
                    f->frail, f->fvar, f->df,    f->hist,  f->aliased,
                    f->H,    f->V,    f->Ibb, f->Ibw, f->Iww, f->off,
                    f->PE,   f->PC0,  f->ev};
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
        free(ptrs[i]);
    free(f);
}

const rhaz_frailty_result *rhaz_frailty_result_get(const rhaz_frailty *f)
{
    return f ? &f->res : NULL;
}

/* ---- evaluation and the penalty ------------------------------------- */

/* Sparse: PL at (beta, fb); u (P), Ibb, Ibw, Iww on the original scale
 * (see the head of this file). */
static double eval_sparse(rhaz_frailty *f)
{
    const size_t p = f->p, G = f->G, n = f->n;
    rhaz_cox *c = f->cf;
    const size_t K = c->K, K1 = K + 1;
    const double *sc = c->scale;
    for (size_t j = 0; j < p; j++)
        f->bz[j] = f->beta[j] / sc[j];
    for (size_t i = 0; i < n; i++)
        f->off[i] = f->fb[f->grp[i]];
    double pl = rhaz_cox_eval_(c, f->bz, 1);
    for (size_t j = 0; j < p; j++) {
        f->u[j] = c->u[j] / sc[j];
        for (size_t l = 0; l < p; l++)
            f->Ibb[j * p + l] = c->imat[j * p + l] / (sc[j] * sc[l]);
    }
    /* prefix sums over the event times of E_jk and C0_k */
    double *PE = f->PE;
    f->PC0[0] = 0;
    for (size_t j = 0; j < p; j++)
        PE[j] = 0;
    for (size_t k = 0; k < K; k++) {
        f->PC0[k + 1] = f->PC0[k] + c->C0[k];
        for (size_t j = 0; j < p; j++)
            PE[(k + 1) * p + j] = PE[k * p + j] + c->C0[k] * c->S1[j * K1 + k] -
                                  c->C1[k] * c->D1[j * K1 + k];
    }
    double *uw = f->u + p;
    memset(uw, 0, G * sizeof *uw);
    memset(f->Iww, 0, G * sizeof *f->Iww);
    memset(f->Ibw, 0, p * G * sizeof *f->Ibw);
    for (size_t i = 0; i < n; i++) {
        size_t ka = c->k_add[i], kh = c->k_hi[i];
        if (ka >= K)
            continue;
        size_t g = (size_t)f->grp[i];
        int dead = c->dead[i];
        double r = c->rr[i];
        double H = c->cumA[kh] - c->cumA[ka] - (dead ? c->B[ka] : 0);
        uw[g] += dead - r * H;
        f->Iww[g] += r * H;
        for (size_t j = 0; j < p; j++) {
            double v = c->z[j * n + i] * H - (PE[kh * p + j] - PE[ka * p + j]);
            if (dead)
                v += c->C1[ka] * c->S1[j * K1 + ka] - c->C2[ka] * c->D1[j * K1 + ka];
            f->Ibw[j * G + g] += r * v;
        }
    }
    for (size_t j = 0; j < p; j++)
        for (size_t g = 0; g < G; g++)
            f->Ibw[j * G + g] /= sc[j];
    /* sum_k of the squared group risk sums: a sweep per group */
    for (size_t e = 0; e < f->nev;) {
        size_t g = (size_t)f->ev[e].g;
        double cur = 0, sq = 0;
        size_t prev = 0;
        for (; e < f->nev && (size_t)f->ev[e].g == g;) {
            size_t k = f->ev[e].k;
            if (cur != 0)
                sq += cur * cur * (f->PC0[k] - f->PC0[prev]);
            prev = k;
            if (f->ev[e].type == 0) {
                cur += c->rr[f->ev[e].i];
                e++;
            } else if (f->ev[e].type == 1) {
                cur -= c->rr[f->ev[e].i];
                e++;
            } else { /* the group's events at k */
                double dg = 0;
                for (; e < f->nev && (size_t)f->ev[e].g == g && f->ev[e].k == k &&
                       f->ev[e].type == 2; e++)
                    dg += c->rr[f->ev[e].i];
                sq += -2 * cur * dg * c->C1[k] + dg * dg * c->C2[k];
            }
        }
        f->Iww[g] -= sq;
    }
    return pl;
}

static int ev_cmp(const void *a, const void *b)
{
    const struct fr_ev *x = a, *y = b;
    if (x->g != y->g)
        return x->g < y->g ? -1 : 1;
    if (x->k != y->k)
        return x->k < y->k ? -1 : 1;
    /* entries and exits (0, 1) before the events (2) at the same time */
    int tx = x->type == 2, ty = y->type == 2;
    if (tx != ty)
        return tx - ty;
    return (x->i > y->i) - (x->i < y->i);
}

/* PL at (beta, fb); u (P) and I (P x P row-major) on the original scale */
static double eval_pl(rhaz_frailty *f)
{
    if (!f->dense)
        return eval_sparse(f);
    const size_t p = f->p, P = f->P;
    const double *sc = f->cf->scale;
    for (size_t j = 0; j < p; j++)
        f->bz[j] = f->beta[j] / sc[j];
    for (size_t g = 0; g < f->G; g++)
        f->bz[p + g] = f->fb[g] / sc[p + g];
    double pl = rhaz_cox_eval_(f->cf, f->bz, 1);
    for (size_t j = 0; j < P; j++) {
        f->u[j] = f->cf->u[j] / sc[j];
        for (size_t l = 0; l < P; l++)
            f->I[j * P + l] = f->cf->imat[j * P + l] / (sc[j] * sc[l]);
    }
    return pl;
}

/* The sparse penalty callback: recentre fb, set ipen, logpen (added to
 * PL) and penalty (R's pfun value); zflag when theta == 0. */
static void penalty_cb(rhaz_frailty *f, double theta)
{
    size_t G = f->G;
    f->zflag = theta == 0;
    if (f->zflag) {
        f->logpen = 0;
        f->penalty = 0;
        for (size_t g = 0; g < G; g++)
            f->ipen[g] = 0;
        return;
    }
    double rc = 0;
    if (f->dist == RHAZ_FRAILTY_GAMMA) {
        for (size_t g = 0; g < G; g++)
            rc += exp(f->fb[g]);
        rc = log(rc / (double)G);
    } else {
        for (size_t g = 0; g < G; g++)
            rc += f->fb[g];
        rc /= (double)G;
    }
    double pen = 0;
    for (size_t g = 0; g < G; g++) {
        double c = f->fb[g] -= rc;
        if (f->dist == RHAZ_FRAILTY_GAMMA) {
            double nu = 1 / theta, e = exp(c);
            f->u[f->p + g] += -(e - 1) * nu;
            f->ipen[g] = e * nu;
            pen += -c * nu;
        } else {
            f->u[f->p + g] += -c / theta;
            f->ipen[g] = 1 / theta;
            pen += 0.5 * (c * c / theta + log(2 * M_PI * theta));
        }
    }
    f->penalty = pen;
    f->logpen = -pen;
}

/* Factor H: D, the Schur complement S (LDL' in place), rank. */
static int factor_h(rhaz_frailty *f, double toler)
{
    const size_t p = f->p, P = f->P, G = f->G;
    if (f->dense) {
        /* the full penalized information; theta = 0: the frailty rows
         * and columns are the identity (R's zflag) */
        for (size_t j = 0; j < P; j++)
            for (size_t l = 0; l < P; l++) {
                double v = f->I[j * P + l];
                if (f->zflag && (j >= p || l >= p))
                    v = j == l;
                else if (j == l && j >= p)
                    v += f->ipen[j - p];
                f->H[j * P + l] = v;
            }
        return rhaz_ldl_factor_(f->H, P, RHAZ_LDL_PIVOT_MAX_DIAG, toler, NULL, NULL, NULL);
    }
    for (size_t g = 0; g < G; g++)
        f->D[g] = f->zflag ? 1.0 : f->Iww[g] + f->ipen[g];
    for (size_t j = 0; j < p; j++)
        for (size_t l = 0; l <= j; l++) {
            double v = f->Ibb[j * p + l];
            if (!f->zflag)
                for (size_t g = 0; g < G; g++)
                    v -= f->Ibw[j * G + g] * f->Ibw[l * G + g] / f->D[g];
            f->S[j * p + l] = f->S[l * p + j] = v;
        }
    for (size_t g = 0; g < G; g++)
        if (!(f->D[g] > 0) || !isfinite(f->D[g]))
            return -1;
    return p ? rhaz_ldl_factor_(f->S, p, RHAZ_LDL_PIVOT_MAX_DIAG, toler, NULL, NULL, NULL) : 0;
}

/* step = H^-1 u (u with the penalty; zflag: frailties unchanged) */
static void solve_h(rhaz_frailty *f)
{
    const size_t p = f->p, P = f->P, G = f->G;
    double *sb = f->step, *sf = f->step + p;
    if (f->dense) {
        memcpy(f->step, f->u, P * sizeof(double)); /* u_w = 0 if zflag */
        rhaz_ldl_solve_(f->H, P, f->step);
        return;
    }
    for (size_t j = 0; j < p; j++) {
        double v = f->u[j];
        if (!f->zflag)
            for (size_t g = 0; g < G; g++)
                v -= f->Ibw[j * G + g] * f->u[p + g] / f->D[g];
        sb[j] = v;
    }
    if (p)
        rhaz_ldl_solve_(f->S, p, sb);
    for (size_t g = 0; g < G; g++) {
        if (f->zflag) {
            sf[g] = 0;
            continue;
        }
        double v = f->u[p + g];
        for (size_t j = 0; j < p; j++)
            v -= f->Ibw[j * G + g] * sb[j];
        sf[g] = v / f->D[g];
    }
}

/* ---- inner loop --------------------------------------------------------- */

/* Returns the PPL; *iters as R's coxfit$iter; *conv 1 if converged. */
static double inner(rhaz_frailty *f, double theta, const rhaz_frailty_options *o,
                    int *iters, int *conv)
{
    const size_t p = f->p, G = f->G;
    double loglik = 0, newlk = 0;
    int halving = 0, iter;
    memcpy(f->oldb, f->beta, p * sizeof(double));
    memcpy(f->oldf, f->fb, G * sizeof(double));
    *conv = 0;
    for (iter = 0; iter <= o->max_iter; iter++) {
        newlk = eval_pl(f);
        penalty_cb(f, theta); /* theta = 0: frailties held at zero */
        if (f->zflag)
            for (size_t g = 0; g < G; g++)
                f->u[p + g] = 0;
        newlk += f->logpen;
        f->rank = factor_h(f, o->toler_chol);
        if (fabs(1 - loglik / newlk) <= o->eps) {
            *conv = !halving;
            *iters = iter;
            return newlk;
        }
        if (iter == o->max_iter)
            break;
        if (iter > 0 && !(newlk >= loglik)) {
            halving = 1;
            for (size_t j = 0; j < p; j++)
                f->beta[j] = (f->oldb[j] + f->beta[j]) / 2;
            for (size_t g = 0; g < G; g++)
                f->fb[g] = (f->oldf[g] + f->fb[g]) / 2;
        } else {
            halving = 0;
            loglik = newlk;
            solve_h(f);
            for (size_t j = 0; j < p; j++) {
                f->oldb[j] = f->beta[j];
                f->beta[j] += f->step[j];
            }
            for (size_t g = 0; g < G; g++) {
                f->oldf[g] = f->fb[g];
                f->fb[g] += f->step[p + g];
            }
        }
    }
    *iters = o->max_iter;
    return newlk;
}

/* var, var2, fvar, df from the factor of the last evaluation */
static void variances(rhaz_frailty *f)
{
    const size_t p = f->p, P = f->P, G = f->G;
    double *W = f->tmp; /* W = V_wb (G x p) */
    if (f->dense) {
        rhaz_ldl_inverse_(f->H, P, f->V);
        for (size_t j = 0; j < p; j++)
            for (size_t l = 0; l < p; l++)
                f->Sinv[j * p + l] = f->V[j * P + l];
        for (size_t g = 0; g < G; g++) {
            for (size_t j = 0; j < p; j++)
                W[g * p + j] = f->V[(p + g) * P + j];
            f->fvar[g] = f->V[(p + g) * P + p + g];
        }
    } else {
        if (p)
            rhaz_ldl_inverse_(f->S, p, f->Sinv);
        /* -D^-1 I_wb Sinv; diag V_ww = D^-1 + D^-1 I_wb Sinv I_bw D^-1 */
        for (size_t g = 0; g < G; g++)
            for (size_t j = 0; j < p; j++) {
                double v = 0;
                if (!f->zflag)
                    for (size_t l = 0; l < p; l++)
                        v += f->Ibw[l * G + g] * f->Sinv[l * p + j];
                W[g * p + j] = -v / f->D[g];
            }
        for (size_t g = 0; g < G; g++) {
            double a = 1 / f->D[g];
            if (!f->zflag)
                for (size_t j = 0; j < p; j++)
                    a -= W[g * p + j] * f->Ibw[j * G + g] / f->D[g];
            f->fvar[g] = a;
        }
    }
    double trpen = 0;
    for (size_t g = 0; g < G; g++)
        trpen += f->fvar[g] * f->ipen[g];
    for (size_t j = 0; j < p; j++)
        for (size_t l = 0; l < p; l++) {
            double v = f->Sinv[j * p + l];
            for (size_t g = 0; g < G; g++)
                v -= W[g * p + j] * f->ipen[g] * W[g * p + l];
            f->vcov[j * p + l] = f->Sinv[j * p + l];
            f->vcov2[j * p + l] = v;
        }
    /* df per term of x: tr(var_JJ^-1 var2_JJ) */
    double tot = 0;
    for (size_t t = 0; t < f->n_terms; t++) {
        size_t J[64], m = 0;
        for (size_t j = 0; j < p && m < 64; j++)
            if ((size_t)f->assign[j] == t && !f->aliased[j])
                J[m++] = j;
        double a[64 * 64], b[64], dft = 0;
        for (size_t r = 0; r < m; r++)
            for (size_t c = 0; c < m; c++)
                a[r * m + c] = f->vcov[J[r] * p + J[c]];
        int rk = m ? rhaz_ldl_factor_(a, m, RHAZ_LDL_PIVOT_MAX_DIAG, 1e-12, NULL, NULL, NULL) : 0;
        (void)rk;
        for (size_t c = 0; c < m; c++) {
            for (size_t r = 0; r < m; r++)
                b[r] = f->vcov2[J[r] * p + J[c]];
            rhaz_ldl_solve_(a, m, b);
            dft += b[c];
        }
        f->df[t] = dft;
        tot += dft;
    }
    f->df[f->n_terms] = (double)G - trpen;
    f->res.df_total = tot + f->df[f->n_terms];
}

/* ---- theta controllers ------------------------------------------------ */

/* frailty.gammacon: the integrated-likelihood correction of gamma */
static double gammacon(const double *d, size_t G, double nu)
{
    double maxd = 0, t1 = 0, t2 = 0;
    for (size_t g = 0; g < G; g++)
        if (d[g] > maxd)
            maxd = d[g];
    for (size_t g = 0; g < G; g++) {
        if (nu > 1e7 * maxd)
            t1 += d[g] * d[g] / nu;
        else
            t1 += d[g] + nu * log(nu / (nu + d[g]));
        for (double k = 1; k <= d[g]; k++)
            t2 += log(nu + k - 1);
        t2 -= d[g] * log(nu + d[g]);
    }
    return t1 + t2;
}

/* frailty.brent(x, y, lower = 0): the next abscissa (x as given, in
 * iteration order) */
static double brent(const double *x, const double *y, size_t n)
{
    if (n < 3) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += x[i];
        return s / (double)n;
    }
    size_t ord[64];
    for (size_t i = 0; i < n; i++)
        ord[i] = i;
    for (size_t i = 1; i < n; i++) /* insertion sort by x (stable) */
        for (size_t k = i; k > 0 && x[ord[k - 1]] > x[ord[k]]; k--) {
            size_t t = ord[k];
            ord[k] = ord[k - 1];
            ord[k - 1] = t;
        }
    double xx[64], yy[64], ymax = -INFINITY;
    size_t best = 0;
    for (size_t i = 0; i < n; i++) {
        xx[i] = x[ord[i]];
        yy[i] = y[ord[i]];
    }
    for (size_t i = 0; i < n; i++)
        if (yy[i] > ymax) {
            ymax = yy[i];
            best = i;
        }
    if (best == 0) {
        double nw = xx[0] - 3 * (xx[1] - xx[0]);
        if (nw < 0) {
            double mn = INFINITY;
            for (size_t i = 0; i < n; i++)
                if (xx[i] > 0 && xx[i] < mn)
                    mn = xx[i];
            nw = mn / 10;
        }
        return nw;
    }
    if (best == n - 1)
        return xx[n - 1] + 3 * (xx[n - 1] - xx[n - 2]);
    double x1 = xx[best - 1], x2 = xx[best], x3 = xx[best + 1];
    double y1 = yy[best - 1], y2 = yy[best], y3 = yy[best + 1];
    double t1 = (x2 - x1) * (x2 - x1) * (y2 - y3) - (x2 - x3) * (x2 - x3) * (y2 - y1);
    double t2 = (x2 - x1) * (y2 - y3) - (x2 - x3) * (y2 - y1);
    double nw = x2 - 0.5 * t1 / t2;
    if (nw < x1 || nw > x3 ||
        (n > 4 && nw - x[n - 1] > 0.5 * fabs(x[n - 2] - x[n - 3]))) {
        if (x2 - x1 > x3 - x2)
            return x2 - 0.38 * (x2 - x1);
        return x2 + 0.32 * (x3 - x2);
    }
    return nw;
}

/* ---- the fit -------------------------------------------------------------- */

#define XALLOC(ptr, count)                                                    \
    do {                                                                      \
        size_t xn_ = (count);                                                 \
        (ptr) = calloc(xn_ ? xn_ : 1, sizeof *(ptr));                         \
        if (!(ptr))                                                           \
            goto nomem;                                                       \
    } while (0)

rhaz_frailty *rhaz_frailty_fit(const rhaz_cox_data *d, const int *group,
                               size_t G, const int *assign, size_t n_terms,
                               const rhaz_frailty_options *opt,
                               rhaz_error *err)
{
    rhaz_frailty_options def;
    if (!opt) {
        rhaz_frailty_options_default(&def);
        opt = &def;
    }
    rhaz_error_clear(err);
    if (!d || !group || G == 0)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "frailty: missing group codes"), NULL;
    if (d->weights)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "frailty: case weights with a frailty term are "
                              "not implemented"), NULL;
    if (d->cluster)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "frailty: cluster() with a frailty term is not "
                              "implemented (the frailty fit reports model-based "
                              "variances only)"), NULL;
    if (G < 2)
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                              "frailty: the grouping has a single level"), NULL;
    if (opt->max_iter < 1 || opt->outer_max < 1 || !(opt->eps > 0) ||
        (!isnan(opt->theta) && !(opt->theta >= 0)) || opt->outer_max > 60)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "frailty: invalid control options"), NULL;
    for (size_t i = 0; i < d->n; i++)
        if (group[i] < 0 || (size_t)group[i] >= G)
            return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                                  "frailty: row %zu: group code out of range",
                                  i + 1), NULL;
    const size_t n = d->n, p = d->p, P = p + G;
    rhaz_frailty *f = calloc(1, sizeof *f);
    if (!f)
        goto nomem;
    f->n = n;
    f->p = p;
    f->G = G;
    f->P = P;
    f->dist = opt->dist;
    f->n_terms = assign ? n_terms : p;
    XALLOC(f->assign, p);
    for (size_t j = 0; j < p; j++)
        f->assign[j] = assign ? assign[j] : (int)j;
    f->dense = G <= 5; /* R: frailty(x, sparse = (nclass > 5)) */
    f->grp = group;
    if (f->dense) {
        XALLOC(f->xaug, n * P);
        if (p)
            memcpy(f->xaug, d->x, n * p * sizeof(double));
        for (size_t i = 0; i < n; i++)
            f->xaug[(p + (size_t)group[i]) * n + i] = 1;
    }
    XALLOC(f->dg, G);
    for (size_t i = 0; i < n; i++)
        f->dg[group[i]] += d->event[i] == 1;
    {
        rhaz_cox_data ad = *d;
        ad.p = f->dense ? P : p;
        ad.x = f->dense ? f->xaug : d->x;
        ad.x_work = NULL;
        rhaz_cox_options co;
        rhaz_cox_options_default(&co);
        co.ties = opt->ties;
        if (rhaz_cox_check_data_(&ad, &co, err) != RHAZ_OK)
            goto fail;
        if (!(f->cf = rhaz_cox_setup_(&ad, &co, err)))
            goto fail;
    }
    if (!f->dense) {
        size_t K = f->cf->K;
        XALLOC(f->off, n);
        f->cf->offset = f->off;
        XALLOC(f->Ibb, p * p);
        XALLOC(f->Ibw, p * G);
        XALLOC(f->Iww, G);
        XALLOC(f->PE, (K + 1) * p);
        XALLOC(f->PC0, K + 1);
        XALLOC(f->ev, 3 * n);
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t ka = f->cf->k_add[i], kh = f->cf->k_hi[i];
            if (ka >= K)
                continue;
            f->ev[m++] = (struct fr_ev){group[i], ka, 0, (uint32_t)i};
            f->ev[m++] = (struct fr_ev){group[i], kh, 1, (uint32_t)i};
            if (f->cf->dead[i])
                f->ev[m++] = (struct fr_ev){group[i], ka, 2, (uint32_t)i};
        }
        f->nev = m;
        qsort(f->ev, m, sizeof *f->ev, ev_cmp);
    }
    XALLOC(f->beta, p);
    XALLOC(f->fb, G);
    XALLOC(f->oldb, p);
    XALLOC(f->oldf, G);
    XALLOC(f->bz, P);
    XALLOC(f->u, P);
    if (f->dense)
        XALLOC(f->I, P * P);
    XALLOC(f->D, G);
    XALLOC(f->ipen, G);
    XALLOC(f->S, p * p);
    XALLOC(f->Sinv, p * p);
    XALLOC(f->step, P);
    XALLOC(f->tmp, G * p);
    XALLOC(f->thsave, opt->outer_max + 1);
    XALLOC(f->csave, (opt->outer_max + 1) * p);
    XALLOC(f->fsave, (opt->outer_max + 1) * G);
    XALLOC(f->coef, p);
    XALLOC(f->vcov, p * p);
    XALLOC(f->vcov2, p * p);
    XALLOC(f->se2, p);
    XALLOC(f->frail, G);
    XALLOC(f->fvar, G);
    XALLOC(f->df, f->n_terms + 1);
    XALLOC(f->hist, 2 * (opt->outer_max + 1));
    XALLOC(f->aliased, p);
    if (f->dense) {
        XALLOC(f->H, P * P);
        XALLOC(f->V, P * P);
    }

    rhaz_frailty_result *r = &f->res;
    int gamma = opt->dist == RHAZ_FRAILTY_GAMMA, fixed = !isnan(opt->theta);
    double oeps = !isnan(opt->outer_eps) ? opt->outer_eps
                  : gamma ? 1e-5 : sqrt(opt->eps);
    double theta = fixed ? opt->theta : gamma ? 0.0 : 1.0;
    /* loglik0: PL at b = 0 (coxfit5_a); a dense term adds its penalty at
     * w = 0 and the first theta (gaussian: -G/2 log(2 pi theta)) */
    r->loglik_init = eval_pl(f);
    if (f->dense) {
        penalty_cb(f, theta);
        r->loglik_init += f->logpen;
    }
    double *hx = f->hist; /* theta, and c.loglik (gamma) / resid (gauss) */
    double hy[64], hth[64];
    size_t nh = 0;
    int done = 0, outer, inner_total = 0, conv = 0;
    double ppl = NAN, clog = NAN;
    f->thsave[0] = theta;
    size_t nth = 1;
    for (outer = 1; outer <= opt->outer_max; outer++) {
        int it;
        ppl = inner(f, theta, opt, &it, &conv);
        inner_total += it;
        if (it >= opt->max_iter)
            r->inner_failed++;
        variances(f); /* fvar and df are needed by the gaussian rule */
        double newtheta = theta;
        if (fixed) {
            done = 1;
            clog = gamma ? ppl + (theta == 0 ? 0 : gammacon(f->dg, G, 1 / theta))
                         : NAN;
        } else if (gamma) {
            double correct = theta == 0 ? 0 : gammacon(f->dg, G, 1 / theta);
            clog = ppl + correct;
            hth[nh] = theta;
            hy[nh] = clog;
            nh++;
            if (outer == 1)
                newtheta = 1;
            else if (outer == 2)
                newtheta = hy[1] < hy[0] + 1 ? (hth[0] + hth[1]) / 2 : 2 * hth[1];
            else {
                done = fabs(1 - hy[nh - 1] / hy[nh - 2]) < oeps;
                double ymax = -INFINITY, xmax = -INFINITY, sx[64];
                for (size_t k = 0; k < nh; k++) {
                    if (hy[k] > ymax)
                        ymax = hy[k];
                    if (hth[k] > xmax)
                        xmax = hth[k];
                    sx[k] = sqrt(hth[k]);
                }
                if (hy[nh - 1] == ymax && hth[nh - 1] == xmax)
                    newtheta = 2 * xmax;
                else {
                    double s = brent(sx, hy, nh);
                    newtheta = s * s;
                }
            }
        } else {
            double fsum = 0, trH = 0;
            for (size_t g = 0; g < G; g++) {
                fsum += f->fb[g] * f->fb[g];
                trH += f->fvar[g];
            }
            double resid = fsum / ((double)G - trH / theta) - theta;
            hth[nh] = theta;
            hy[nh] = resid;
            nh++;
            if (outer == 1)
                newtheta = resid > 0 ? theta * 3 : theta / 3;
            else if (outer == 2) {
                if (hy[0] > 0 && hy[1] > 0)
                    newtheta = hth[1] * 2;
                else if (hy[0] < 0 && hy[1] < 0)
                    newtheta = hth[1] / 2;
                else
                    newtheta = (hth[0] + hth[1]) / 2;
            } else {
                done = fabs(hy[nh - 1]) < oeps;
                size_t ord[64];
                for (size_t k = 0; k < nh; k++)
                    ord[k] = k;
                for (size_t i = 1; i < nh; i++)
                    for (size_t k = i; k > 0 && hth[ord[k - 1]] > hth[ord[k]]; k--) {
                        size_t t = ord[k];
                        ord[k] = ord[k - 1];
                        ord[k - 1] = t;
                    }
                int allpos = 1, allneg = 1;
                double mx = -INFINITY, mn = INFINITY;
                for (size_t k = 0; k < nh; k++) {
                    allpos &= hy[k] > 0;
                    allneg &= hy[k] < 0;
                    if (hth[k] > mx)
                        mx = hth[k];
                    if (hth[k] < mn)
                        mn = hth[k];
                }
                if (allpos)
                    newtheta = 2 * mx;
                else if (allneg)
                    newtheta = 0.5 * mn;
                else {
                    size_t b1 = 0;
                    for (size_t k = 0; k < nh; k++)
                        if (ord[k] == nh - 1)
                            b1 = k;
                    if (b1 == 0)
                        b1 = 1;
                    else if (b1 == nh - 1)
                        b1 = nh - 2;
                    double ty[64], tx[64];
                    for (size_t k = 0; k < nh; k++) {
                        ty[k] = hy[ord[k]];
                        tx[k] = hth[ord[k]];
                    }
                    double R = ty[b1] / ty[b1 + 1], Sx = ty[b1] / ty[b1 - 1],
                           U = R / Sx;
                    double Pn = Sx * (U * (R - U) * (tx[b1 + 1] - tx[b1]) -
                                      (1 - R) * (tx[b1] - tx[b1 - 1]));
                    double Q = (U - 1) * (R - 1) * (Sx - 1);
                    newtheta = tx[b1] + Pn / Q;
                    if (newtheta > tx[b1 + 1])
                        newtheta = (tx[b1] + tx[b1 + 1]) / 2;
                    if (newtheta < tx[b1 - 1])
                        newtheta = (tx[b1] + tx[b1 - 1]) / 2;
                }
            }
        }
        if (done)
            break;
        if (outer == opt->outer_max)
            break;
        /* save this solution; warm start from the nearest saved theta */
        memcpy(f->csave + (size_t)(outer - 1) * p, f->beta, p * sizeof(double));
        memcpy(f->fsave + (size_t)(outer - 1) * G, f->fb, G * sizeof(double));
        size_t which = 0;
        double best = INFINITY;
        for (size_t k = 0; k < nth; k++) {
            double dd = (f->thsave[k] - newtheta) * (f->thsave[k] - newtheta);
            if (dd < best) {
                best = dd;
                which = k;
            }
        }
        if (outer == 1)
            which = 0;
        memcpy(f->beta, f->csave + which * p, p * sizeof(double));
        memcpy(f->fb, f->fsave + which * G, G * sizeof(double));
        f->thsave[nth++] = newtheta;
        theta = newtheta;
    }
    if (outer > opt->outer_max)
        outer = opt->outer_max;

    for (size_t k = 0; k < nh; k++) {
        hx[2 * k] = hth[k];
        hx[2 * k + 1] = hy[k];
    }
    r->n = n;
    r->p = p;
    r->n_groups = G;
    r->n_events = f->cf->n_deaths;
    r->n_strata = f->cf->S;
    r->dist = opt->dist;
    r->theta = theta;
    r->outer_iterations = outer;
    r->inner_iterations = inner_total;
    r->outer_converged = done;
    r->converged = conv;
    r->rank = f->rank < 0 ? -f->rank : f->rank;
    if (f->dense) { /* the rank of the coefficient block */
        r->rank = 0;
        for (size_t j = 0; j < p; j++)
            r->rank += f->Sinv[j * p + j] != 0;
    }
    for (size_t j = 0; j < p; j++) {
        f->aliased[j] = r->rank < (int)p && f->Sinv[j * p + j] == 0;
        f->coef[j] = f->aliased[j] ? NAN : f->beta[j];
    }
    variances(f);
    for (size_t j = 0; j < p; j++)
        if (f->aliased[j])
            for (size_t l = 0; l < p; l++)
                f->vcov[j * p + l] = f->vcov[l * p + j] = f->vcov2[j * p + l] =
                    f->vcov2[l * p + j] = NAN;
    for (size_t j = 0; j < p; j++)
        f->se2[j] = sqrt(f->vcov2[j * p + j]);
    memcpy(f->frail, f->fb, G * sizeof(double));
    r->loglik_penalized = ppl;
    r->penalty = f->penalty;
    r->loglik = ppl + f->penalty;
    r->loglik_integrated = gamma ? clog : NAN;
    /* boundary: theta at (or tending to) 0 */
    if (!fixed) {
        if (theta < 1e-5)
            r->theta_boundary = 1;
        else if (gamma) {
            /* no theta tried beats theta = 0 by more than the tolerance */
            double y0 = hy[0], ymax = -INFINITY;
            for (size_t k = 1; k < nh; k++)
                if (hy[k] > ymax)
                    ymax = hy[k];
            r->theta_boundary = hth[0] == 0 && !(ymax > y0 + oeps * fabs(y0));
        } else {
            int allneg = 1;
            for (size_t k = 0; k < nh; k++)
                allneg &= hy[k] < 0;
            r->theta_boundary = allneg && !done;
        }
    }
    r->n_history = nh;
    r->history = f->hist;
    r->coef = f->coef;
    r->aliased = f->aliased;
    r->vcov = f->vcov;
    r->vcov2 = f->vcov2;
    r->se2 = f->se2;
    r->frail = f->frail;
    r->frail_var = f->fvar;
    r->df = f->df;
    r->n_df = f->n_terms + 1;
    return f;

nomem:
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "frailty: out of memory fitting the frailty model");
fail:
    rhaz_frailty_free(f);
    return NULL;
}

/* ---- summary ---------------------------------------------------------- */

rhaz_fit_summary *rhaz_frailty_summary(const rhaz_frailty *f,
                                       const char *const *names,
                                       const char *formula, double conf_level,
                                       rhaz_error *err)
{
    if (!f)
        return NULL;
    const rhaz_frailty_result *r = &f->res;
    size_t p = r->p;
    if (!(conf_level > 0 && conf_level < 1))
        conf_level = 0.95;
    rhaz_fit_summary *s = rhaz_fit_summary_new_(
        "cox", "", rhaz_cox_ties_name(f->cf->ties));
    if (!s || !(s->formula = core_strdup(formula ? formula : "")) ||
        !(s->vce_label = core_strdup("model-based: the coefficient block of the "
                                     "inverse penalized information (R's se(coef) "
                                     "of coxph + frailty)")))
        goto nomem;
    s->n = r->n;
    s->events = r->n_events;
    s->n_strata = r->n_strata > 1 ? r->n_strata : 0;
    s->frailty = 1;
    s->frailty_theta = r->theta;
    s->converged = r->converged && r->outer_converged;
    s->stop = s->converged ? RHAZ_STOP_CONVERGED : RHAZ_STOP_MAXITER;
    s->iterations = r->inner_iterations;
    s->rank = r->rank;
    rhaz_fit_summary_lik_(s, r->loglik, r->loglik_init, r->df_total,
                          (double)r->n_events);
    s->vce = RHAZ_VCE_MODEL;
    if (rhaz_fit_summary_wald_(s, p, names, r->coef, r->vcov, r->aliased, conf_level,
                               err))
        goto nomem;
    for (size_t j = 0; j < p; j++)
        if (r->aliased[j] &&
            rhaz_fit_summary_warn_(s, "%s: collinear with other terms, coefficient "
                                   "set to NA", s->coef[j].term))
            goto nomem;
    if (r->theta_boundary
            ? rhaz_fit_summary_warn_(s, "frailty variance at its boundary: theta = "
                                     "%.3g (no detectable shared frailty; the fit "
                                     "is an ordinary Cox model)", r->theta)
        : !r->outer_converged
            ? rhaz_fit_summary_warn_(s, "the search for the frailty variance did "
                                     "not converge in %d outer iterations (theta "
                                     "= %.4g)", r->outer_iterations, r->theta)
            : 0)
        goto nomem;
    if (!r->converged &&
        rhaz_fit_summary_warn_(s, "%s", "the last inner Newton-Raphson loop did not converge"))
        goto nomem;
    if (r->inner_failed &&
        rhaz_fit_summary_warn_(s, "%d inner loop%s hit the iteration limit",
                               r->inner_failed, r->inner_failed == 1 ? "" : "s"))
        goto nomem;
    return s;
nomem:
    rhaz_fit_summary_free(s);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "frailty: out of memory building the fit summary");
    return NULL;
}
