/* margins_eval.c -- the sums over rows behind every margin (margins_int.h
 * says how a setting's model matrix is formed and why the sums are the
 * same with any number of threads).
 *
 * Inputs: the frame F (n rows), the prediction model pm (coefficients,
 * map of columns to coefficients, centres), the base matrices X[e]
 * (n x p[e], column-major: the fit's coding of F), per frame column how
 * it enters each equation (lin), and a setting S.
 * Output: per group g, MSUM_W(P) sums (margins_int.h).
 * Cost: O(n p) per pass, plus O(n p) per coded block when S sets a column
 * that enters other than linearly (and 4 more codings of the rows for a
 * numerical derivative); memory O(MARGINS_BLOCK p) per thread.
 *
 * Derivatives (PASS_DERIV): with a_e = (dx_e/dv)'b_e the row's derivative
 * is sum_e q_e a_e, and its gradient sum_e sum_l q_el a_e du_l/dtheta +
 * sum_e q_e d a_e/dtheta; dx_e/dv is the 5-point central difference of
 * the coded rows, step h = 1e-4 |v| (1e-4 mean|v| where v = 0). */
#include "margins_int.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void msetting_set(msetting *S, const set_entry *e)
{
    for (size_t k = 0; k < S->n; k++)
        if (S->e[k].col == e->col && S->e[k].kind == SET_VAL && e->kind == SET_VAL) {
            S->e[k] = *e;
            return;
        }
    if (S->n < MARGINS_MAXSET)
        S->e[S->n++] = *e;
}

/* the step of a shift from v (the old hs[i]) */
static double shift_h(const set_entry *e, double v)
{
    return 1e-4 * (v != 0 ? fabs(v) : e->mabs);
}

double msetting_num(const mframe *F, const msetting *S, long c, size_t r)
{
    double v = F->num[c][r];
    for (size_t k = 0; k < S->n; k++)
        if (S->e[k].col == c)
            v = S->e[k].kind == SET_VAL ? S->e[k].x
                                        : v + S->e[k].step * shift_h(&S->e[k], v);
    return v;
}

static const char *msetting_str(const mframe *F, const msetting *S, long c,
                                size_t r)
{
    const char *s = F->str[c][r];
    for (size_t k = 0; k < S->n; k++)
        if (S->e[k].col == c && S->e[k].kind == SET_VAL)
            s = S->e[k].s;
    return s;
}

int msetting_slow(const mrun *R, const msetting *S)
{
    for (size_t k = 0; k < S->n; k++) {
        if (S->e[k].kind == SET_SHIFT)
            return 1;
        for (size_t e = 0; e < R->pm->neq; e++)
            if (R->lin[e][S->e[k].col].kind == LIN_OTHER)
                return 1;
    }
    return 0;
}

rhaz_status margins_code_rows(const mrun *R, const msetting *S, size_t b0,
                              size_t nb, const char *what, rhaz_design **d,
                              rhaz_error *err)
{
    const mframe *F = R->F;
    for (size_t e = 0; e < R->pm->neq; e++)
        d[e] = NULL;
    rhaz_table *t = rhaz_table_new("margins", err);
    double *num = malloc((nb ? nb : 1) * sizeof *num);
    const char **sv = malloc((nb ? nb : 1) * sizeof *sv);
    rhaz_status st = RHAZ_OK;
    if (!t || !num || !sv)
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", nb, F->ncol);
    for (size_t c = 0; c < F->ncol && !st; c++) {
        if (F->is_str[c]) {
            for (size_t i = 0; i < nb; i++)
                sv[i] = msetting_str(F, S, (long)c, b0 + i);
            st = rhaz_table_add_string(t, F->name[c], sv, nb, err);
        } else {
            for (size_t i = 0; i < nb; i++)
                num[i] = msetting_num(F, S, (long)c, b0 + i);
            st = rhaz_table_add_numeric(t, F->name[c], num, nb, err);
        }
    }
    for (size_t e = 0; e < R->pm->neq && !st; e++) {
        d[e] = rhaz_design_spec_build(R->sps[e], t, err);
        if (!d[e])
            st = err->status;
        else if (d[e]->n != nb)
            st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                "%s: the formula is undefined at %zu of rows %zu to "
                                "%zu used (e.g. log() of a value <= 0)",
                                what, nb - d[e]->n, b0 + 1, b0 + nb);
    }
    if (st)
        for (size_t e = 0; e < R->pm->neq; e++) {
            rhaz_design_free(d[e]);
            d[e] = NULL;
        }
    rhaz_table_free(t);
    free(num);
    free(sv);
    return st;
}

/* A block's matrices under a setting: column pointers into the base
 * matrices, constants for the set linear columns, or the block coded
 * again. */
/* a term held as codes in a view: the block's codes, or (code NULL) the
 * term's column k on every row (k < 0: none, the base level) */
typedef struct {
    const int *code;
    int shift, k;
} vfac;

typedef struct {
    size_t nb;
    const double **col[PRED_NEQ]; /* NULL: a column of a term held as codes */
    vfac *vf[PRED_NEQ];           /* R->nfac[e] */
    double *fs;                   /* scratch of the coded terms' sums */
    double *cbuf;
    rhaz_design *d[PRED_NEQ];
} mview;

static void view_free(mview *V)
{
    for (size_t e = 0; e < PRED_NEQ; e++) {
        free(V->col[e]);
        free(V->vf[e]);
        rhaz_design_free(V->d[e]);
    }
    free(V->fs);
    free(V->cbuf);
    memset(V, 0, sizeof *V);
}

static rhaz_status view_make(const mrun *R, const msetting *S, size_t b0,
                             size_t nb, const char *what, mview *V,
                             rhaz_error *err)
{
    const pred_model *m = R->pm;
    size_t n = R->F->n;
    memset(V, 0, sizeof *V);
    V->nb = nb;
    for (size_t e = 0; e < m->neq; e++)
        if (!(V->col[e] = malloc((m->p[e] ? m->p[e] : 1) * sizeof *V->col[e])))
            return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
    if (msetting_slow(R, S)) {
        rhaz_status st = margins_code_rows(R, S, b0, nb, what, V->d, err);
        for (size_t e = 0; e < m->neq && !st; e++)
            for (size_t j = 0; j < m->p[e]; j++)
                V->col[e][j] = V->d[e]->X + j * nb;
        return st;
    }
    size_t fsn = 0;
    for (size_t e = 0; e < m->neq; e++) {
        for (size_t j = 0; j < m->p[e]; j++)
            V->col[e][j] = R->jfac[e] && R->jfac[e][j] >= 0 ? NULL : R->X[e] + j * n + b0;
        if (!R->nfac[e])
            continue;
        if (!(V->vf[e] = malloc(R->nfac[e] * sizeof *V->vf[e])))
            return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
        for (size_t t = 0; t < R->nfac[e]; t++) {
            V->vf[e][t] = (vfac){R->fac[e][t].code + b0, R->fac[e][t].shift, -1};
            fsn = R->fac[e][t].nj > fsn ? R->fac[e][t].nj : fsn;
        }
    }
    if (fsn && !(V->fs = malloc((fsn + R->F->ngroups) * sizeof *V->fs)))
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
    if (!S->n)
        return RHAZ_OK;
    /* constants: 0, 1, then one per numeric value set */
    if (!(V->cbuf = malloc((2 + S->n) * (nb ? nb : 1) * sizeof *V->cbuf)))
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
    for (size_t i = 0; i < nb; i++) {
        V->cbuf[i] = 0;
        V->cbuf[nb + i] = 1;
    }
    for (size_t k = 0; k < S->n; k++) {
        const set_entry *se = &S->e[k];
        double *cst = V->cbuf + (2 + k) * nb;
        for (size_t i = 0; i < nb; i++)
            cst[i] = se->x;
        for (size_t e = 0; e < m->neq; e++) {
            const lin_info *li = &R->lin[e][se->col];
            if (li->kind == LIN_NUM)
                V->col[e][li->j] = cst;
            else if (li->kind == LIN_FAC) {
                size_t len = strlen(li->label);
                long t = R->jfac[e] ? R->jfac[e][li->j] : -1;
                if (t >= 0)
                    V->vf[e][t] = (vfac){NULL, 0, -1};
                for (size_t j = li->j; j < li->j + li->nj; j++) {
                    const char *cn = R->colnames[e][j];
                    int on = strncmp(cn, li->label, len) == 0 &&
                             strcmp(cn + len, se->s) == 0;
                    if (t < 0)
                        V->col[e][j] = V->cbuf + (on ? nb : 0);
                    else if (on)
                        V->vf[e][t].k = (int)(j - R->fac[e][t].j0);
                }
            }
        }
    }
    return RHAZ_OK;
}

/* The sums are formed a column at a time over a block's rows (the
 * matrices are column-major): u, then each row's q and its derivatives
 * in u times the row's weight, then sum_i v_i (x_ij - c_j) per column
 * (added to the row's group). */

/* acc[grp[i] W] += sum_i v_i (x_i - c) over the block's rows */
static void dot_add(const double *v, const double *x, double c, const int *grp,
                    size_t nb, size_t G, size_t W, double *acc)
{
    if (G == 1) {
        double s = 0;
        for (size_t i = 0; i < nb; i++)
            s += v[i] * (x[i] - c);
        *acc += s;
        return;
    }
    for (size_t i = 0; i < nb; i++)
        acc[(size_t)grp[i] * W] += v[i] * (x[i] - c);
}

/* the column of coded term f on row i (< 0: none) */
static int vf_col(const vfac *f, size_t i)
{
    return f->code ? f->code[i] - f->shift : f->k;
}

/* u_e of the block's rows (u: neq x nb), in pred_u's order; a term held
 * as codes adds its level's coefficient less sum_j c_j b_j */
static void block_u(const mrun *R, const mview *V, double *u)
{
    const pred_model *m = R->pm;
    size_t nb = V->nb;
    for (size_t e = 0; e < m->neq; e++) {
        double *ue = u + e * nb;
        const double *ctr = m->center[e], *th = m->theta;
        memset(ue, 0, nb * sizeof *ue);
        for (size_t j = 0; j < m->p[e]; j++) {
            if (!V->col[e][j]) { /* a coded term, at its first column */
                const mfac *f = &R->fac[e][R->jfac[e][j]];
                if (j != f->j0)
                    continue;
                const vfac *vf = &V->vf[e][R->jfac[e][j]];
                double cs = 0;
                for (size_t q = 0; ctr && q < f->nj; q++)
                    if (m->map[e][j + q] != PRED_NONE)
                        cs += ctr[j + q] * th[m->map[e][j + q]];
                for (size_t i = 0; i < nb; i++) {
                    int k = vf_col(vf, i);
                    size_t t = k >= 0 ? m->map[e][j + (size_t)k] : PRED_NONE;
                    ue[i] += (t != PRED_NONE ? th[t] : 0) - cs;
                }
                continue;
            }
            if (m->map[e][j] == PRED_NONE)
                continue;
            const double *x = V->col[e][j];
            double c = ctr ? ctr[j] : 0, t = th[m->map[e][j]];
            for (size_t i = 0; i < nb; i++)
                ue[i] += (x[i] - c) * t;
        }
    }
}

/* sum_i v_i (x_ij - c_j) for the columns of coded term f into acc (per
 * group W apart): per level, the sum of v over its rows, less c_j times
 * the sum over all rows; fs: nj + G scratch */
static void coded_jac(const pred_model *m, size_t e, const mfac *f, const vfac *vf,
                      const double *v, const int *grp, size_t nb, size_t G,
                      size_t W, double *acc, double *fs)
{
    const double *ctr = m->center[e];
    const size_t *map = m->map[e] + f->j0;
    if (G == 1) {
        double S = 0, *L = fs;
        memset(L, 0, f->nj * sizeof *L);
        for (size_t i = 0; i < nb; i++) {
            int k = vf_col(vf, i);
            if (k >= 0)
                L[k] += v[i];
            S += v[i];
        }
        for (size_t q = 0; q < f->nj; q++)
            if (map[q] != PRED_NONE)
                acc[map[q]] += L[q] - (ctr ? ctr[f->j0 + q] * S : 0);
        return;
    }
    double *Sg = fs;
    memset(Sg, 0, G * sizeof *Sg);
    for (size_t i = 0; i < nb; i++) {
        int k = vf_col(vf, i);
        if (k >= 0 && map[k] != PRED_NONE)
            acc[(size_t)grp[i] * W + map[k]] += v[i];
        Sg[grp[i]] += v[i];
    }
    for (size_t g = 0; ctr && g < G; g++)
        for (size_t q = 0; q < f->nj; q++)
            if (map[q] != PRED_NONE)
                acc[g * W + map[q]] -= ctr[f->j0 + q] * Sg[g];
}

/* J (at acc, per group W apart) += sum_i v_e,i du_e/dtheta of each row:
 * v (3 x nb) the weights of u_0, u_1 (rows' columns) and u_2 (tau) */
static void block_jac(const mrun *R, const mview *V, const double *v,
                      const int *grp, size_t W, double *acc)
{
    const pred_model *m = R->pm;
    size_t nb = V->nb, G = R->F->ngroups;
    for (size_t e = 0; e < m->neq; e++)
        for (size_t j = 0; j < m->p[e]; j++) {
            if (!V->col[e][j]) {
                long t = R->jfac[e][j];
                if (j == R->fac[e][t].j0)
                    coded_jac(m, e, &R->fac[e][t], &V->vf[e][t], v + e * nb, grp, nb,
                              G, W, acc, V->fs);
            } else if (m->map[e][j] != PRED_NONE)
                dot_add(v + e * nb, V->col[e][j], m->center[e] ? m->center[e][j] : 0,
                        grp, nb, G, W, acc + m->map[e][j]);
        }
    if (m->tau >= 0)
        for (size_t i = 0; i < nb; i++)
            acc[(G == 1 ? 0 : (size_t)grp[i] * W) + (size_t)m->tau] += v[2 * nb + i];
}

/* scratch of a block: u (2), weights (3), K weights (6), a (2), q_e w (2) */
#define SCRATCH 15

/* predictions (and for PASS_PRED_K the sums of the derivatives) */
static void sum_pred(const mrun *R, const mview *V, size_t b0, int need_k,
                     size_t W, double *acc, double *sc)
{
    const pred_model *m = R->pm;
    const mframe *F = R->F;
    size_t P = m->P, nb = V->nb;
    const int *grp = F->group + b0;
    double *u = sc, *v = sc + 2 * nb, *vk = sc + 5 * nb;
    block_u(R, V, u);
    for (size_t i = 0; i < nb; i++) {
        size_t r = b0 + i;
        double *a = acc + (size_t)grp[i] * W;
        double uu[3] = {u[i], m->neq > 1 ? u[nb + i] : 0,
                        m->tau >= 0 ? m->theta[m->tau] : 0};
        double q, gr[3], H[9], wi = F->w ? F->w[r] : 1;
        pred_q(m, uu, &q, gr, need_k ? H : NULL);
        a[0] += wi;
        a[1] += wi * q;
        for (int l = 0; l < 3; l++)
            v[l * nb + i] = wi * gr[l];
        if (!need_k)
            continue;
        for (size_t e = 0; e < m->neq; e++) {
            a[2 + e] += wi * gr[e];
            for (int l = 0; l < 3; l++)
                vk[(e * 3 + l) * nb + i] = wi * H[3 * e + l];
        }
    }
    if (!need_k) {
        block_jac(R, V, v, grp, W, acc + 4);
        return;
    }
    for (size_t e = 0; e < m->neq; e++)
        block_jac(R, V, vk + e * 3 * nb, grp, W, acc + 4 + P * (1 + e));
}

/* the derivative: dX[e] (nb x p[e]) the rows' derivatives in v */
static void sum_deriv(const mrun *R, const mview *V, const double *const *dX,
                      size_t b0, size_t W, double *acc, double *sc)
{
    const pred_model *m = R->pm;
    const mframe *F = R->F;
    size_t nb = V->nb, G = F->ngroups;
    const int *grp = F->group + b0;
    double *u = sc, *v = sc + 2 * nb, *ad = sc + 11 * nb, *vq = sc + 13 * nb;
    block_u(R, V, u);
    for (size_t e = 0; e < m->neq; e++) { /* a_e = (dx_e/dv)'b_e */
        memset(ad + e * nb, 0, nb * sizeof *ad);
        for (size_t j = 0; j < m->p[e]; j++)
            if (m->map[e][j] != PRED_NONE) {
                double t = m->theta[m->map[e][j]];
                for (size_t i = 0; i < nb; i++)
                    ad[e * nb + i] += dX[e][j * nb + i] * t;
            }
    }
    for (size_t i = 0; i < nb; i++) {
        size_t r = b0 + i;
        double *s = acc + (size_t)grp[i] * W;
        double uu[3] = {u[i], m->neq > 1 ? u[nb + i] : 0,
                        m->tau >= 0 ? m->theta[m->tau] : 0};
        double a0 = ad[i], a1 = m->neq > 1 ? ad[nb + i] : 0;
        double q, gr[3], H[9], wi = F->w ? F->w[r] : 1;
        pred_q(m, uu, &q, gr, H);
        s[0] += wi;
        s[1] += wi * (gr[0] * a0 + gr[1] * a1);
        /* sum_l w_l du_l/dtheta, w_l = sum_e q_el a_e */
        for (int l = 0; l < 3; l++)
            v[l * nb + i] = wi * (H[0 * 3 + l] * a0 + H[1 * 3 + l] * a1);
        for (size_t e = 0; e < m->neq; e++)
            vq[e * nb + i] = wi * gr[e];
    }
    block_jac(R, V, v, grp, W, acc + 4);
    /* sum_e q_e dx_e (derivatives of constants are 0: no centre) */
    for (size_t e = 0; e < m->neq; e++)
        for (size_t j = 0; j < m->p[e]; j++)
            if (m->map[e][j] != PRED_NONE)
                dot_add(vq + e * nb, dX[e] + j * nb, 0, grp, nb, G, W,
                        acc + 4 + m->map[e][j]);
}

typedef struct {
    const mrun *R;
    const msetting *S;
    pass_mode mode;
    long c;
    double mabs;
    size_t W, G;
    double *sums;     /* nblk x G x W */
    rhaz_status *st;  /* nblk */
    rhaz_error *errs; /* nblk */
    const char *what;
} pass_job;

static rhaz_status block_deriv(const pass_job *J, const mview *V0, size_t b0,
                               size_t nb, double *acc, double *sc, rhaz_error *err)
{
    const mrun *R = J->R;
    const pred_model *m = R->pm;
    static const double steps[4] = {-2, -1, 1, 2};
    /* affine in v: the rows at v = 0 and v = 1, d = x(1) - x(0) exactly;
     * else the rows at four shifted values */
    int aff = R->affine && R->affine[J->c], nv = aff ? 2 : 4;
    mview Vs[4];
    double *dX[PRED_NEQ] = {0}, *hs = malloc((nb ? nb : 1) * sizeof *hs);
    rhaz_status st = hs ? RHAZ_OK
                        : rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
    memset(Vs, 0, sizeof Vs);
    for (int s = 0; s < nv && !st; s++) {
        msetting Ss = *J->S;
        set_entry sh = {.col = J->c, .kind = SET_SHIFT, .step = steps[s], .mabs = J->mabs};
        if (aff)
            sh = (set_entry){.col = J->c, .kind = SET_VAL, .s = s ? "1" : "0", .x = s};
        msetting_set(&Ss, &sh);
        st = view_make(R, &Ss, b0, nb, J->what, &Vs[s], err);
    }
    for (size_t e = 0; e < m->neq && !st; e++)
        if (!(dX[e] = malloc((nb && m->p[e] ? nb * m->p[e] : 1) * sizeof *dX[e])))
            st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
    if (!st) {
        set_entry h = {.mabs = J->mabs};
        for (size_t i = 0; i < nb; i++)
            hs[i] = shift_h(&h, msetting_num(R->F, J->S, J->c, b0 + i));
        for (size_t e = 0; e < m->neq; e++)
            for (size_t j = 0; j < m->p[e]; j++) {
                const double *x0 = Vs[0].col[e][j], *x1 = Vs[1].col[e][j];
                if (aff) {
                    for (size_t i = 0; i < nb; i++)
                        dX[e][j * nb + i] = x1[i] - x0[i];
                    continue;
                }
                const double *x2 = Vs[2].col[e][j], *x3 = Vs[3].col[e][j];
                for (size_t i = 0; i < nb; i++)
                    dX[e][j * nb + i] =
                        (8 * (x2[i] - x1[i]) - (x3[i] - x0[i])) / (12 * hs[i]);
            }
        sum_deriv(R, V0, (const double *const *)dX, b0, J->W, acc, sc);
    }
    for (int s = 0; s < nv; s++)
        view_free(&Vs[s]);
    for (size_t e = 0; e < PRED_NEQ; e++)
        free(dX[e]);
    free(hs);
    return st;
}

static void pass_block(void *ctx, size_t b)
{
    pass_job *J = ctx;
    size_t n = J->R->F->n, b0 = b * MARGINS_BLOCK;
    size_t nb = n - b0 < MARGINS_BLOCK ? n - b0 : MARGINS_BLOCK;
    double *acc = J->sums + b * J->G * J->W;
    rhaz_error *err = &J->errs[b];
    mview V;
    double *sc = malloc(SCRATCH * nb * sizeof *sc);
    rhaz_status st = sc ? view_make(J->R, J->S, b0, nb, J->what, &V, err)
                        : rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
    if (!st && J->mode == PASS_DERIV)
        st = block_deriv(J, &V, b0, nb, acc, sc, err);
    else if (!st)
        sum_pred(J->R, &V, b0, J->mode == PASS_PRED_K, J->W, acc, sc);
    if (sc)
        view_free(&V);
    free(sc);
    J->st[b] = st;
}

rhaz_status margins_pass(const mrun *R, const msetting *S, pass_mode mode,
                         long c, const char *what, double *sums, rhaz_error *err)
{
    const mframe *F = R->F;
    size_t n = F->n, G = F->ngroups, P = R->pm->P, W = MSUM_W(P, mode);
    size_t nblk = (n + MARGINS_BLOCK - 1) / MARGINS_BLOCK;
    memset(sums, 0, G * W * sizeof *sums);
    if (!nblk)
        return RHAZ_OK;
    pass_job J = {.R = R, .S = S, .mode = mode, .c = c, .W = W, .G = G,
                  .what = what};
    J.sums = calloc(nblk * G * W, sizeof *J.sums);
    J.st = calloc(nblk, sizeof *J.st);
    J.errs = calloc(nblk, sizeof *J.errs);
    if (!J.sums || !J.st || !J.errs) {
        free(J.sums);
        free(J.st);
        free(J.errs);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows)", n);
    }
    if (mode == PASS_DERIV) { /* mean |v| over the rows, for v = 0 */
        double mabs = 0;
        for (size_t i = 0; i < n; i++)
            mabs += fabs(msetting_num(F, S, c, i));
        J.mabs = mabs > 0 ? mabs / (double)n : 1;
    }
    core_parallel(nblk, R->threads, pass_block, &J);
    rhaz_status st = RHAZ_OK;
    for (size_t b = 0; b < nblk && !st; b++)
        if ((st = J.st[b]) && err)
            *err = J.errs[b];
    /* the blocks' sums in block order */
    for (size_t b = 0; b < nblk && !st; b++)
        for (size_t k = 0; k < G * W; k++)
            sums[k] += J.sums[b * G * W + k];
    free(J.sums);
    free(J.st);
    free(J.errs);
    return st;
}
