/* margins.c -- average marginal effects, predictive margins and first
 * differences with delta-method standard errors (include/rhaz/predict.h
 * gives the formulas and conventions).
 *
 * Inputs: a fit summary with its design spec (levels, knots), the data it
 * was fitted on.  Work: the rows the fit used are copied once into a
 * "frame" (only the columns the formula reads) and coded once by the
 * fit's design (the base matrices); every counterfactual (an at-setting,
 * a factor level, a shifted variable for a derivative) is the base with
 * constant columns where the variable enters linearly, else the frame's
 * rows coded again a block at a time (margins_int.h, margins_eval.c).
 * The derivative of a column equal to the variable (a numeric main
 * effect) is 1, exactly; other columns are differentiated numerically.
 * Cost per quantity O(n p + p^2) plus O(n p) per recoding; the sums over
 * rows run on opt->threads threads with the same result for any number.
 */
#include "margins_int.h"
#include "cox_internal.h"
#include "core/util.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXCOLS MARGINS_MAXCOLS

typedef mframe frame;


static void frame_free(frame *F)
{
    for (size_t c = 0; c < F->ncol; c++) {
        if (!F->borrowed[c])
            free(F->num[c]);
        free(F->str[c]);
    }
    free(F->group);
    free(F->w);
    free(F->fw);
    if (F->glabel)
        for (size_t g = 0; g < F->ngroups; g++)
            free(F->glabel[g]);
    free(F->glabel);
    memset(F, 0, sizeof *F);
}

static long frame_col(const frame *F, const char *name)
{
    for (size_t c = 0; c < F->ncol; c++)
        if (strcmp(F->name[c], name) == 0)
            return (long)c;
    return -1;
}

/* Collect the column names under node n (variable v of spec sp). */
static void collect(frame *F, const fnode *n, int in_factor, long v,
                    const rhaz_design_spec *sp)
{
    if (!n)
        return;
    switch (n->kind) {
    case N_NAME: {
        long c = frame_col(F, n->name);
        if (c < 0 && F->ncol < MAXCOLS) {
            c = (long)F->ncol++;
            F->name[c] = n->name;
            F->fvar[c] = -1;
            F->factor[c] = 1;
        }
        if (c < 0)
            return;
        if (in_factor) {
            F->fvar[c] = v;
            F->fsp[c] = sp;
        }
        else
            F->numeric_use[c] = 1;
        return;
    }
    case N_CALL:
        for (size_t k = 0; k < n->nargs; k++)
            if (!(strcmp(n->name, "ns") == 0 && k == 1))
                collect(F, n->args[k], in_factor, v, sp);
        return;
    case N_BIN:
        collect(F, n->l, in_factor, v, sp);
        collect(F, n->r, in_factor, v, sp);
        return;
    case N_NEG:
    case N_PAREN:
        collect(F, n->l, in_factor, v, sp);
        return;
    case N_NUM:
        return;
    }
}

/* ---------- results ---------- */

typedef struct {
    rhaz_margins *M;
    size_t cap;
    const pred_model *pm;
    double z;
    rhaz_error *err;
} out_ctx;

static rhaz_status emit(out_ctx *o, const char *term, const char *type,
                        const char *at, double est, const double *J)
{
    double v = pred_var(o->pm, J);
    if (o->M->n == o->cap) {
        size_t nc = o->cap ? 2 * o->cap : 16;
        rhaz_margin *nm = realloc(o->M->m, nc * sizeof *nm);
        if (!nm)
            return rhaz_error_set(o->err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
        o->M->m = nm;
        o->cap = nc;
    }
    rhaz_margin *r = &o->M->m[o->M->n];
    memset(r, 0, sizeof *r);
    r->term = core_strdup(term);
    r->type = core_strdup(type);
    r->at = core_strdup(at ? at : "");
    o->M->n++;
    if (!r->term || !r->type || !r->at)
        return rhaz_error_set(o->err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
    double se = sqrt(fmax(v, 0));
    r->estimate = est;
    r->std_error = se;
    r->statistic = se > 0 ? est / se : NAN;
    r->p_value = se > 0 ? 2 * gsl_cdf_ugaussian_Q(fabs(est / se)) : NAN;
    r->conf_low = est - o->z * se;
    r->conf_high = est + o->z * se;
    return RHAZ_OK;
}

/* ---------- the at-settings ---------- */

#define MAXAT 8
#define MAXVALS 64

typedef struct {
    size_t nvar;
    long col[MAXAT];
    size_t nval[MAXAT];
    char *val[MAXAT][MAXVALS];
} at_spec;

static void at_free(at_spec *a)
{
    for (size_t k = 0; k < a->nvar; k++)
        for (size_t v = 0; v < a->nval[k]; v++)
            free(a->val[k][v]);
    a->nvar = 0;
}

static int is_level(const frame *F, long c, const char *v)
{
    long fv = F->fvar[c];
    if (fv < 0)
        return 1;
    const dspec_var *s = &F->fsp[c]->vars[fv];
    for (size_t l = 0; l < s->nlev; l++)
        if (strcmp(s->levels[l], v) == 0)
            return 1;
    return 0;
}

static rhaz_status parse_at(const rhaz_margins_options *o, const frame *F,
                            at_spec *a, rhaz_error *err)
{
    memset(a, 0, sizeof *a);
    for (size_t k = 0; k < o->n_at; k++) {
        const char *s = o->at[k], *eq = strchr(s, '=');
        if (!eq || eq == s || !eq[1])
            return core_error_opt(err, RHAZ_EUSAGE, "at",
                                  "at '%s': expected VAR=V1,V2,...", s);
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(eq - s), s);
        long c = frame_col(F, name);
        if (c < 0)
            return core_error_opt(err, RHAZ_EUSAGE, "at",
                                  "at %s: not a variable of the model's "
                                  "formula", name);
        for (size_t q = 0; q < a->nvar; q++)
            if (a->col[q] == c)
                return core_error_opt(err, RHAZ_EUSAGE, "at",
                                      "at %s given twice", name);
        if (a->nvar == MAXAT)
            return core_error_opt(err, RHAZ_EUSAGE, "at",
                                  "at most %d at variables", MAXAT);
        size_t q = a->nvar++;
        a->col[q] = c;
        const char *v = eq + 1;
        while (v) {
            const char *e = strchr(v, ',');
            size_t len = e ? (size_t)(e - v) : strlen(v);
            if (a->nval[q] == MAXVALS)
                return core_error_opt(err, RHAZ_EUSAGE, "at",
                                      "at %s: at most %d values", name, MAXVALS);
            char *val = core_strndup(v, len);
            if (!val)
                return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
            a->val[q][a->nval[q]++] = val;
            if (!*val)
                return core_error_opt(err, RHAZ_EUSAGE, "at",
                                      "at %s: an empty value", name);
            if (F->factor[c] && F->fvar[c] >= 0) {
                if (!is_level(F, c, val))
                    return core_error_opt(
                        err, RHAZ_EUSAGE, "at",
                        "at %s=%s: '%s' is not a level of %s in the fit",
                        name, val, val, F->fsp[c]->f->vars[F->fvar[c]].label);
            } else {
                char *end;
                double x = strtod(val, &end);
                if (end == val || *end || !isfinite(x))
                    return core_error_opt(err, RHAZ_EUSAGE, "at",
                                          "at %s=%s: not a number", name, val);
            }
            v = e ? e + 1 : NULL;
        }
    }
    return RHAZ_OK;
}


static void at_label(const frame *F, const at_spec *a, const size_t *choice,
                     const char *glab, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < a->nvar && len < size; k++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s=%s", k ? ", " : "",
                                F->name[a->col[k]], a->val[k][choice[k]]);
    if (glab && len < size)
        snprintf(buf + len, size - len, "%s%s", len ? ", " : "", glab);
}

/* rows by the value of column mode_c of mode_F (frame_means' modes; one
 * frame at a time per thread) */
static _Thread_local const frame *mode_F;
static _Thread_local size_t mode_c;
static int cmp_rows(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, q = *(const size_t *)b;
    if (mode_F->is_str[mode_c])
        return strcmp(mode_F->str[mode_c][i], mode_F->str[mode_c][q]);
    double x = mode_F->num[mode_c][i], y = mode_F->num[mode_c][q];
    return (x > y) - (x < y);
}

/* Column means / most frequent values per group: the atmeans frame. */
static rhaz_status frame_means(frame *F, rhaz_error *err)
{
    size_t G = F->ngroups, n = F->n;
    frame M = *F;
    for (size_t c = 0; c < F->ncol; c++) {
        M.num[c] = NULL;
        M.str[c] = NULL;
        M.borrowed[c] = 0;
    }
    M.n = G;
    M.group = malloc((G ? G : 1) * sizeof *M.group);
    rhaz_status st = RHAZ_OK;
    if (!M.group)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", F->n, F->ncol);
    for (size_t g = 0; g < G; g++)
        M.group[g] = (int)g;
    for (size_t c = 0; c < F->ncol && !st; c++) {
        if (F->is_str[c] || F->factor[c]) {
            /* most frequent value per group (ties: the smallest) */
            M.str[c] = F->is_str[c] ? malloc(G * sizeof *M.str[c]) : NULL;
            M.num[c] = F->is_str[c] ? NULL : malloc(G * sizeof *M.num[c]);
            if ((F->is_str[c] && !M.str[c]) || (!F->is_str[c] && !M.num[c])) {
                st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", F->n, F->ncol);
                break;
            }
            /* each group's rows sorted by value: a run's length is its
             * count, and the first longest run the smallest mode
             * (O(n log n); counting every row against every row was
             * O(n^2), hours on a million rows) */
            size_t *idx = malloc((n ? n : 1) * sizeof *idx);
            if (!idx) {
                st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", F->n, F->ncol);
                break;
            }
            mode_F = F;
            mode_c = c;
            for (size_t g = 0; g < G; g++) {
                size_t best = 0, besti = 0, m = 0;
                for (size_t i = 0; i < n; i++)
                    if (F->group[i] == (int)g)
                        idx[m++] = i;
                qsort(idx, m, sizeof *idx, cmp_rows);
                for (size_t r = 0, k = 1; r < m; k++)
                    if (k == m || cmp_rows(&idx[k], &idx[r]) != 0) {
                        if (k - r > best)
                            best = k - r, besti = idx[r];
                        r = k;
                    }
                if (F->is_str[c])
                    M.str[c][g] = F->str[c][besti];
                else
                    M.num[c][g] = F->num[c][besti];
            }
            free(idx);
        } else {
            if (!(M.num[c] = calloc(G ? G : 1, sizeof *M.num[c]))) {
                st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", F->n, F->ncol);
                break;
            }
            for (size_t g = 0; g < G; g++) {
                double s = 0;
                size_t k = 0;
                for (size_t i = 0; i < n; i++)
                    if (F->group[i] == (int)g)
                        s += F->num[c][i], k++;
                M.num[c][g] = k ? s / (double)k : NAN;
            }
        }
    }
    if (st) {
        for (size_t c = 0; c < F->ncol; c++) {
            free(M.num[c]);
            free(M.str[c]);
        }
        free(M.group);
        return st;
    }
    for (size_t c = 0; c < F->ncol; c++) {
        if (!F->borrowed[c])
            free(F->num[c]);
        free(F->str[c]);
    }
    free(F->group);
    free(F->w); /* one row per group: unweighted */
    free(F->fw);
    M.w = M.fw = NULL;
    *F = M;
    return RHAZ_OK;
}

/* ---------- how each column enters the model matrices ---------- */

/* 1 if expression n reads column name */
static int reads(const fnode *n, const char *name)
{
    if (!n)
        return 0;
    switch (n->kind) {
    case N_NAME:
        return strcmp(n->name, name) == 0;
    case N_CALL:
        for (size_t k = 0; k < n->nargs; k++)
            if (!(strcmp(n->name, "ns") == 0 && k == 1) && reads(n->args[k], name))
                return 1;
        return 0;
    case N_BIN:
        return reads(n->l, name) || reads(n->r, name);
    case N_NEG:
    case N_PAREN:
        return reads(n->l, name);
    case N_NUM:
        return 0;
    }
    return 0;
}

/* lin[c] of every frame column for the matrix d coded by spec sp: a
 * column read by one variable of the formula that is the column itself
 * (x, or factor(x) / a text column) in a term of its own only is linear
 * (margins_int.h); anything else is LIN_OTHER. */
static void lin_classify(const frame *F, const rhaz_design_spec *sp,
                         const rhaz_design *d, lin_info *lin)
{
    const rhaz_formula *f = sp->f;
    for (size_t c = 0; c < F->ncol; c++) {
        lin_info L = {.kind = LIN_NONE};
        for (size_t v = 0; v < f->nvars && L.kind != LIN_OTHER; v++) {
            if (!sp->vars[v].used || !reads(f->vars[v].node, F->name[c]))
                continue;
            const fnode *nd = f->vars[v].node;
            int fac = sp->vars[v].kind == RHAZ_DVAR_FACTOR;
            int ok = L.kind == LIN_NONE &&
                     (nd->kind == N_NAME ||
                      (fac && nd->kind == N_CALL && nd->nargs == 1 &&
                       nd->args[0]->kind == N_NAME &&
                       (strcmp(nd->name, "factor") == 0 ||
                        strcmp(nd->name, "as.factor") == 0)));
            long term = -1;
            for (size_t k = 0; k < f->nterms; k++)
                if (fset_has(&f->terms[k].vars, v)) {
                    if (f->terms[k].order != 1)
                        ok = 0;
                    term = (long)k;
                }
            size_t j0 = d->p, nj = 0;
            for (size_t j = 0; ok && term >= 0 && j < d->p; j++)
                if (d->assign[j] == term + 1) {
                    j0 = j0 == d->p ? j : j0;
                    nj++;
                }
            if (!ok || nj == 0 || (!fac && nj != 1)) {
                L.kind = LIN_OTHER;
                break;
            }
            L = (lin_info){.kind = fac ? LIN_FAC : LIN_NUM, .j = j0, .nj = nj,
                           .label = f->vars[v].label};
        }
        lin[c] = L;
    }
}

/* Clear aff[c] of every frame column read by a variable of spec sp other
 * than the column itself as a number. */
static void affine_clear(const frame *F, const rhaz_design_spec *sp,
                         unsigned char *aff)
{
    const rhaz_formula *f = sp->f;
    for (size_t c = 0; c < F->ncol; c++)
        for (size_t v = 0; v < f->nvars; v++)
            if (sp->vars[v].used && reads(f->vars[v].node, F->name[c]) &&
                (f->vars[v].node->kind != N_NAME || sp->vars[v].kind == RHAZ_DVAR_FACTOR))
                aff[c] = 0;
}

/* ---------- the base matrices: the frame coded by the fit ---------- */

typedef struct {
    const mrun *R;
    double *X[PRED_NEQ];
    rhaz_status *st;
    rhaz_error *errs;
} base_job;

static void base_block(void *ctx, size_t b)
{
    base_job *B = ctx;
    const mrun *R = B->R;
    size_t n = R->F->n, b0 = b * MARGINS_BLOCK;
    size_t nb = n - b0 < MARGINS_BLOCK ? n - b0 : MARGINS_BLOCK;
    rhaz_design *d[PRED_NEQ] = {0};
    msetting none = {0};
    B->st[b] = margins_code_rows(R, &none, b0, nb, "margins", d, &B->errs[b]);
    for (size_t e = 0; e < R->pm->neq && !B->st[b]; e++) {
        if (d[e]->p != R->pm->p[e]) {
            B->st[b] = rhaz_error_set(&B->errs[b], RHAZ_EDATA, NULL, 0,
                                      "margins: rows %zu to %zu code to %zu "
                                      "columns, not %zu", b0 + 1, b0 + nb,
                                      d[e]->p, R->pm->p[e]);
            break;
        }
        for (size_t j = 0; j < d[e]->p; j++)
            memcpy(B->X[e] + j * n + b0, d[e]->X + j * nb, nb * sizeof(double));
    }
    for (size_t e = 0; e < PRED_NEQ; e++)
        rhaz_design_free(d[e]);
}

/* 1 if d (the frame's rows coded by their own levels and knots) is coded
 * as spec codes (the fit's levels and knots): the same columns (d1, a row
 * coded by spec), levels and knots. */
static int design_same(const rhaz_design *d, const rhaz_design *d1,
                       const rhaz_design_spec *spec)
{
    const rhaz_design_spec *s = rhaz_design_spec_of(d);
    if (!s || !d->X || d->p != d1->p ||
        s->drop_intercept != spec->drop_intercept || s->f->nvars != spec->f->nvars)
        return 0;
    for (size_t j = 0; j < d->p; j++)
        if (strcmp(d->colnames[j], d1->colnames[j]) != 0)
            return 0;
    for (size_t v = 0; v < s->f->nvars; v++) {
        const dspec_var *a = &s->vars[v], *b = &spec->vars[v];
        if (a->kind != b->kind || a->used != b->used || a->nlev != b->nlev ||
            a->nknots != b->nknots ||
            strcmp(s->f->vars[v].label, spec->f->vars[v].label) != 0)
            return 0;
        for (size_t l = 0; l < a->nlev; l++)
            if (strcmp(a->levels[l], b->levels[l]) != 0)
                return 0;
        for (size_t k = 0; k < a->nknots; k++)
            if (a->knots[k] != b->knots[k])
                return 0;
    }
    return 1;
}

/* X[e] (n x p[e], allocated here) of every row of R->F, by blocks on
 * R->threads threads; p[e] from the one-row coding d1. */
static rhaz_status base_build(const mrun *R, double **X, rhaz_error *err)
{
    size_t n = R->F->n, nblk = (n + MARGINS_BLOCK - 1) / MARGINS_BLOCK;
    base_job B = {.R = R};
    B.st = calloc(nblk ? nblk : 1, sizeof *B.st);
    B.errs = calloc(nblk ? nblk : 1, sizeof *B.errs);
    rhaz_status st = B.st && B.errs ? RHAZ_OK
                     : rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
    for (size_t e = 0; e < R->pm->neq && !st; e++) {
        size_t cnt = n * R->pm->p[e];
        if (!(X[e] = B.X[e] = malloc((cnt ? cnt : 1) * sizeof *X[e])))
            st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                                "out of memory computing margins (%zu rows x %zu "
                                "columns)", n, R->pm->p[e]);
    }
    if (!st)
        core_parallel(nblk, R->threads, base_block, &B);
    for (size_t b = 0; b < nblk && !st; b++)
        if ((st = B.st[b]) && err)
            *err = B.errs[b];
    free(B.st);
    free(B.errs);
    return st;
}

/* ---------- the quantities ---------- */

static void at_setting(const frame *F, const at_spec *a, const size_t *choice,
                       msetting *S)
{
    memset(S, 0, sizeof *S);
    for (size_t k = 0; k < a->nvar; k++) {
        const char *v = a->val[k][choice[k]];
        set_entry e = {.col = a->col[k], .kind = SET_VAL, .s = v,
                       .x = F->is_str[a->col[k]] ? 0 : strtod(v, NULL)};
        msetting_set(S, &e);
    }
}

/* the mean (sums s: [0] weight, [1] value, J at 4) and its gradient */
static double sums_mean(const double *s, size_t P, double *J)
{
    double cnt = s[0];
    for (size_t j = 0; j < P; j++)
        J[j] = cnt > 0 ? s[4 + j] / cnt : NAN;
    return cnt > 0 ? s[1] / cnt : NAN;
}

/* dydx of a column that enters every equation linearly (LIN_NUM or not
 * at all) from PASS_PRED_K sums s: the row's derivative is
 * sum_e q_e b_(j_e), so the mean is sum_e b_(j_e) A_e / n and its
 * gradient (sum_e b_(j_e) K_e + A_e unit(j_e)) / n. */
static double sums_linear(const mrun *R, long c, const double *s, double *J)
{
    const pred_model *m = R->pm;
    size_t P = m->P;
    double cnt = s[0], est = 0;
    for (size_t j = 0; j < P; j++)
        J[j] = 0;
    for (size_t e = 0; e < m->neq; e++) {
        const lin_info *li = &R->lin[e][c];
        size_t t = li->kind == LIN_NUM ? m->map[e][li->j] : PRED_NONE;
        if (t == PRED_NONE)
            continue;
        double a = m->theta[t];
        est += a * s[2 + e];
        for (size_t j = 0; j < P; j++)
            J[j] += a * s[4 + P * (1 + e) + j];
        J[t] += s[2 + e];
    }
    for (size_t j = 0; j < P; j++)
        J[j] = cnt > 0 ? J[j] / cnt : NAN;
    return cnt > 0 ? est / cnt : NAN;
}

/* 1: column c of a dydx is continuous and linear in every equation */
static int dydx_linear(const mrun *R, long c)
{
    if (R->F->factor[c] && R->F->fvar[c] >= 0)
        return 0;
    for (size_t e = 0; e < R->pm->neq; e++)
        if (R->lin[e][c].kind != LIN_NONE && R->lin[e][c].kind != LIN_NUM)
            return 0;
    return 1;
}

/* dydx of every variable in vars under the at setting S (label: choice) */
static rhaz_status do_dydx(const mrun *R, out_ctx *out, const long *vars,
                           size_t nv, const at_spec *a, const size_t *choice,
                           const msetting *S, rhaz_error *err)
{
    const frame *F = R->F;
    size_t P = R->pm->P, G = F->ngroups;
    double *J = malloc((P ? P : 1) * sizeof *J), *J0 = malloc((P ? P : 1) * sizeof *J0);
    double *sk = NULL, *s0 = malloc(G * MSUM_W(P, PASS_PRED) * sizeof *s0),
           *s1 = malloc(G * MSUM_W(P, PASS_PRED) * sizeof *s1);
    rhaz_status st = J && J0 && s0 && s1 ? RHAZ_OK
                     : rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
    size_t WP = MSUM_W(P, PASS_PRED), WK = MSUM_W(P, PASS_PRED_K);
    /* one pass for every linear variable */
    int any = 0;
    for (size_t k = 0; k < nv; k++)
        any |= dydx_linear(R, vars[k]);
    if (!st && any) {
        if (!(sk = malloc(G * WK * sizeof *sk)))
            st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
        else
            st = margins_pass(R, S, PASS_PRED_K, -1, "margins", sk, err);
    }
    for (size_t k = 0; k < nv && !st; k++) {
        long c = vars[k];
        const char *name = F->name[c];
        char what[300], at[800];
        snprintf(what, sizeof what, "dydx %s", name);
        if (F->factor[c] && F->fvar[c] >= 0) {
            /* discrete change from the base level, per level */
            const dspec_var *sv = &F->fsp[c]->vars[F->fvar[c]];
            msetting Sl = *S;
            set_entry le = {.col = c, .kind = SET_VAL, .s = sv->levels[0],
                            .x = F->is_str[c] ? 0 : strtod(sv->levels[0], NULL)};
            msetting_set(&Sl, &le);
            if ((st = margins_pass(R, &Sl, PASS_PRED, -1, what, s0, err)))
                break;
            for (size_t l = 1; l < sv->nlev && !st; l++) {
                le.s = sv->levels[l];
                le.x = F->is_str[c] ? 0 : strtod(sv->levels[l], NULL);
                Sl = *S;
                msetting_set(&Sl, &le);
                if ((st = margins_pass(R, &Sl, PASS_PRED, -1, what, s1, err)))
                    break;
                char term[600];
                snprintf(term, sizeof term, "%s:%s", name, sv->levels[l]);
                for (size_t g = 0; g < G && !st; g++) {
                    double e1 = sums_mean(s1 + g * WP, P, J);
                    double e0 = sums_mean(s0 + g * WP, P, J0);
                    for (size_t j = 0; j < P; j++)
                        J[j] -= J0[j];
                    at_label(F, a, choice, F->glabel ? F->glabel[g] : NULL, at,
                             sizeof at);
                    st = emit(out, term, "dydx", at, e1 - e0, J);
                }
            }
            continue;
        }
        int lin = dydx_linear(R, c);
        if (!lin && (st = margins_pass(R, S, PASS_DERIV, c, what, s0, err)))
            break;
        for (size_t g = 0; g < G && !st; g++) {
            double e = lin ? sums_linear(R, c, sk + g * WK, J)
                           : sums_mean(s0 + g * WP, P, J);
            at_label(F, a, choice, F->glabel ? F->glabel[g] : NULL, at, sizeof at);
            st = emit(out, name, "dydx", at, e, J);
        }
    }
    free(J);
    free(J0);
    free(sk);
    free(s0);
    free(s1);
    return st;
}

void rhaz_margins_free(rhaz_margins *m)
{
    if (!m)
        return;
    for (size_t k = 0; k < m->n; k++) {
        free(m->m[k].term);
        free(m->m[k].type);
        free(m->m[k].at);
    }
    free(m->m);
    free(m->model);
    free(m->vce);
    free(m->scale);
    free(m->weights);
    free(m);
}

/* Build the frame: rows the fit used, columns the formula reads; F->w
 * the case-weight column weights (the averages'), F->fw the column fw
 * (the fit's, for the Cox centre; NULL: none). */
static rhaz_status frame_build(const rhaz_fit_summary *fit, const rhaz_table *data,
                               const rhaz_design_spec *const *sps, size_t neq,
                               const char *by, const char *weights,
                               const char *fw, frame *F,
                               rhaz_design **keep, rhaz_error *err)
{
    memset(F, 0, sizeof *F);
    for (size_t e = 0; e < neq; e++) {
        const rhaz_design_spec *sp = sps[e];
        for (size_t v = 0; v < sp->f->nvars; v++)
            if (sp->vars[v].used)
                collect(F, sp->f->vars[v].node,
                        sp->vars[v].kind == RHAZ_DVAR_FACTOR, (long)v, sp);
    }
    for (size_t c = 0; c < F->ncol; c++) {
        if (F->numeric_use[c])
            F->factor[c] = 0;
        long j = rhaz_table_find(data, F->name[c]);
        if (j < 0) {
            const char *tn = rhaz_table_name(data);
            rhaz_error_set(err, RHAZ_ENOTFOUND, tn && *tn ? tn : NULL, 1,
                           "no column '%s', a variable of the fit's formula",
                           F->name[c]);
            snprintf(err->what, sizeof err->what, "%s", F->name[c]);
            return err->status;
        }
        F->is_str[c] = rhaz_table_coltype(data, (size_t)j) == RHAZ_COL_STRING;
    }
    /* the fit's rows: complete in every variable of the formula (of both
     * equations of a cure model) */
    rhaz_design_options o = {.drop_intercept = sps[0]->drop_intercept,
                             .allow_frailty = 1, /* a frailty Cox fit */
                             .weights = weights ? weights : fw,
                             /* a factor's indicators as codes (the base) */
                             .sparse_indicators = 1};
    rhaz_design *d = rhaz_design_build(sps[0]->f, data, &o, err);
    if (!d)
        return err->status;
    if (neq > 1) {
        rhaz_design_options o1 = {.drop_intercept = sps[1]->drop_intercept};
        rhaz_design *d1 = rhaz_design_build(sps[1]->f, data, &o1, err);
        if (!d1) {
            rhaz_design_free(d);
            return err->status;
        }
        size_t k = 0, q = 0;
        for (size_t i = 0; i < d->n; i++) { /* both ascending */
            while (q < d1->n && d1->rows[q] < d->rows[i])
                q++;
            if (q < d1->n && d1->rows[q] == d->rows[i]) {
                if (d->weights)
                    d->weights[k] = d->weights[i];
                d->rows[k++] = d->rows[i];
            }
        }
        d->n = k;
        rhaz_design_free(d1);
    }
    if (fit->n && d->n != fit->n) {
        const char *tn = rhaz_table_name(data);
        rhaz_error_set(err, RHAZ_EDATA, tn && *tn ? tn : NULL, 0,
                       "%zu rows are complete for the fit's formula, the fit "
                       "used %zu: give the data the model was fitted on",
                       d->n, fit->n);
        rhaz_design_free(d);
        return RHAZ_EDATA;
    }
    size_t n = d->n;
    F->n = n;
    for (size_t c = 0; c < F->ncol; c++) {
        size_t j = (size_t)rhaz_table_find(data, F->name[c]);
        if (F->is_str[c]) {
            if (!(F->str[c] = malloc((n ? n : 1) * sizeof *F->str[c])))
                goto oom;
            for (size_t i = 0; i < n; i++)
                F->str[c][i] = rhaz_table_str(data, j, d->rows[i]);
        } else if (n == rhaz_table_nrow(data)) { /* every row: no copy */
            F->num[c] = (double *)rhaz_table_num(data, j);
            F->borrowed[c] = 1;
        } else {
            if (!(F->num[c] = malloc((n ? n : 1) * sizeof *F->num[c])))
                goto oom;
            for (size_t i = 0; i < n; i++)
                F->num[c][i] = rhaz_table_num(data, j)[d->rows[i]];
        }
    }
    if (!(F->group = calloc(n ? n : 1, sizeof *F->group)))
        goto oom;
    if (d->weights) { /* the fit's case weights on its rows */
        if ((fw && !(F->fw = malloc((n ? n : 1) * sizeof *F->fw))) ||
            (weights && !(F->w = malloc((n ? n : 1) * sizeof *F->w))))
            goto oom;
        for (size_t i = 0; fw && i < n; i++)
            F->fw[i] = d->weights[i];
        for (size_t i = 0; weights && i < n; i++)
            F->w[i] = d->weights[i];
    }
    F->ngroups = 1;
    if (by) {
        long j = rhaz_table_find(data, by);
        if (j < 0) {
            const char *tn = rhaz_table_name(data);
            rhaz_error_set(err, RHAZ_ENOTFOUND, tn && *tn ? tn : NULL, 1,
                           "by %s: no such column", by);
            core_error_option(err, "by");
            rhaz_design_free(d);
            return RHAZ_ENOTFOUND;
        }
        int str = rhaz_table_coltype(data, (size_t)j) == RHAZ_COL_STRING;
        char **lab = NULL;
        size_t ng = 0, cap = 0;
        for (size_t i = 0; i < n; i++) {
            char buf[64];
            const char *s;
            if (str) {
                s = rhaz_table_str(data, (size_t)j, d->rows[i]);
                s = s ? s : "";
            } else {
                core_format_r(rhaz_table_num(data, (size_t)j)[d->rows[i]], buf,
                              sizeof buf);
                s = buf;
            }
            size_t g = 0;
            while (g < ng && strcmp(lab[g] + strlen(by) + 1, s) != 0)
                g++;
            if (g == ng) {
                if (ng == cap) {
                    cap = cap ? 2 * cap : 16;
                    char **nl = realloc(lab, cap * sizeof *nl);
                    if (!nl)
                        goto oom_lab;
                    lab = nl;
                }
                size_t len = strlen(by) + strlen(s) + 2;
                if (!(lab[ng] = malloc(len)))
                    goto oom_lab;
                snprintf(lab[ng], len, "%s=%s", by, s);
                ng++;
            }
            F->group[i] = (int)g;
            continue;
        oom_lab:
            for (size_t q = 0; q < ng; q++)
                free(lab[q]);
            free(lab);
            goto oom;
        }
        F->glabel = lab;
        F->ngroups = ng;
    }
    if (keep && neq == 1)
        *keep = d;
    else
        rhaz_design_free(d);
    return RHAZ_OK;
oom:
    rhaz_design_free(d);
    return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
}
rhaz_margins *rhaz_margins_compute(const rhaz_fit_summary *fit,
                                   const rhaz_table *data,
                                   const rhaz_margins_options *opt,
                                   rhaz_error *err)
{
    rhaz_error_clear(err);
    rhaz_margins_options o0 = {0};
    if (!opt)
        opt = &o0;
    if (!fit || !data) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "margins: no fit or no data");
        return NULL;
    }
    if (!fit->design) {
        rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                       "the fit has no \"design\" (formula, factor levels, "
                       "knots): refit it with this version of rhaz");
        return NULL;
    }
    if (!fit->vcov) {
        rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                       "the fit has no \"vcov\": no standard errors");
        return NULL;
    }
    double level = opt->conf_level > 0 ? opt->conf_level : 0.95;
    const rhaz_design_spec *sps[PRED_NEQ] = {fit->design, fit->design_risk};
    frame F;
    pred_model pm = {0};
    at_spec at = {0};
    mrun R = {0};
    rhaz_design *d1[PRED_NEQ] = {0}, *dall = NULL;
    mfac *facs = NULL;
    unsigned char *aff = NULL;
    size_t nfacs = 0;
    long *jf = NULL;
    double *Xb[PRED_NEQ] = {0};
    double *J = NULL, *Jall = NULL, *Eall = NULL, *sums = NULL;
    long vars[MAXCOLS];
    size_t nvars = 0;
    rhaz_margins *M = calloc(1, sizeof *M);
    out_ctx out = {.M = M, .err = err, .z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2)};
    rhaz_status st = RHAZ_OK;
    memset(&F, 0, sizeof F);
    if (!M) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
        return NULL;
    }
    if ((st = pred_model_init(&pm, fit,
                              opt->scale_set ? opt->scale : RHAZ_SCALE_DEFAULT,
                              opt->time, err))) {
        if (st == RHAZ_EUSAGE)
            core_error_option(err, "scale");
        goto done;
    }
    size_t neq = pm.neq;
    if (neq > 1 && !sps[1]) {
        st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                            "the cure fit has no \"design_risk\" (the at-risk "
                            "equation's coding): refit it with this version "
                            "of rhaz");
        goto done;
    }
    const char *weights = fit->weights && !opt->unweighted ? fit->weights : NULL;
    /* a Cox centre is weighted by the fit's weights even --unweighted */
    const char *fw = pm.fam == PF_COX ? fit->weights : NULL;
    if ((st = frame_build(fit, data, sps, neq, opt->by, weights, fw, &F, &dall, err)))
        goto done;
    /* the variables of dydx */
    if (opt->dydx) {
        int all = strcmp(opt->dydx, "all") == 0 || strcmp(opt->dydx, "*") == 0;
        for (size_t c = 0; all && c < F.ncol; c++)
            vars[nvars++] = (long)c;
        for (const char *s = all ? NULL : opt->dydx; s && *s;) {
            const char *e = strchr(s, ',');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)len, s);
            long c = frame_col(&F, name);
            if (c < 0) {
                char list[512] = "";
                size_t l = 0;
                for (size_t q = 0; q < F.ncol && l < sizeof list; q++)
                    l += (size_t)snprintf(list + l, sizeof list - l, "%s%s",
                                          q ? ", " : "", F.name[q]);
                st = core_error_opt(err, RHAZ_EUSAGE, "dydx",
                                    "dydx %s: not a variable of the model "
                                    "(its variables: %s)", name, list);
                goto done;
            }
            vars[nvars++] = c;
            s = e ? e + 1 : NULL;
        }
        for (size_t k = 0; k < nvars; k++) {
            long c = vars[k];
            if (F.factor[c] && F.fvar[c] >= 0 &&
                F.fsp[c]->f->vars[F.fvar[c]].node->kind == N_CALL &&
                F.fsp[c]->f->vars[F.fvar[c]].node->args[0]->kind != N_NAME) {
                st = core_error_opt(err, RHAZ_EUSAGE, "dydx",
                                    "dydx %s: a factor of an expression "
                                    "(%s) has no level to set", F.name[c],
                                    F.fsp[c]->f->vars[F.fvar[c]].label);
                goto done;
            }
            if (!F.factor[c] && F.fvar[c] >= 0) {
                st = core_error_opt(err, RHAZ_EUSAGE, "dydx",
                                    "dydx %s: it enters the formula both as "
                                    "a factor and as a number", F.name[c]);
                goto done;
            }
            if (!F.factor[c] && F.is_str[c]) {
                st = core_error_opt(err, RHAZ_EUSAGE, "dydx",
                                    "dydx %s: a text column", F.name[c]);
                goto done;
            }
        }
    }
    if ((st = parse_at(opt, &F, &at, err)))
        goto done;
    /* the equations' columns (one row coded), matched to the coefficients */
    R.F = &F;
    R.pm = &pm;
    R.sps = sps;
    R.threads = opt->threads > 1 ? opt->threads : 1;
    {
        msetting none = {0};
        if ((st = margins_code_rows(&R, &none, 0, 1, "margins", d1, err)))
            goto done;
    }
    for (size_t e = 0; e < neq && !st; e++) {
        st = pred_model_map(&pm, fit, e, d1[e]->colnames, d1[e]->p, err);
        R.colnames[e] = d1[e]->colnames;
        if (!st && !(R.lin[e] = calloc(F.ncol ? F.ncol : 1, sizeof *R.lin[e])))
            st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
        if (!st)
            lin_classify(&F, sps[e], d1[e], R.lin[e]);
    }
    if (!st && !(aff = malloc(F.ncol ? F.ncol : 1)))
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
    if (!st) {
        memset(aff, 1, F.ncol);
        for (size_t e = 0; e < neq; e++)
            affine_clear(&F, sps[e], aff);
        R.affine = aff;
    }
    if (!st && dall && design_same(dall, d1[0], sps[0])) {
        Xb[0] = dall->X; /* the frame's rows coded as the fit codes them */
        dall->X = NULL;
        /* single-factor terms as their level codes (their columns of X
         * are unwritten with sparse_indicators) */
        size_t nbk = dall->n_blocks;
        if (nbk && (!(facs = calloc(nbk, sizeof *facs)) ||
                    !(jf = malloc(pm.p[0] * sizeof *jf)))) {
            st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
            goto done;
        }
        for (size_t j = 0; nbk && j < pm.p[0]; j++)
            jf[j] = -1;
        for (size_t b = 0; b < nbk; b++) {
            const struct rhaz_design_block *bk = &dall->blocks[b];
            facs[b] = (mfac){bk->col, bk->ncol, bk->code, bk->shift};
            dall->blocks[b].code = NULL; /* owned by facs now */
            nfacs++;
            for (size_t q = 0; q < bk->ncol; q++)
                jf[bk->col + q] = (long)b;
        }
        R.fac[0] = facs;
        R.nfac[0] = nfacs;
        R.jfac[0] = jf;
    }
    rhaz_design_free(dall);
    dall = NULL;
    if (st || (!Xb[0] && (st = base_build(&R, Xb, err))))
        goto done;
    for (size_t e = 0; e < neq; e++)
        R.X[e] = Xb[e];
    out.pm = &pm;
    if (pm.fam == PF_COX) { /* Cox: x'b - c'b, c R's fit$means */
        size_t p0 = pm.p[0], n0 = F.n;
        if (!(pm.center[0] = calloc(p0 ? p0 : 1, sizeof *pm.center[0]))) {
            st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
            goto done;
        }
        int counting = rhaz_formula_lhs(sps[0]->f) == RHAZ_LHS_SURV3;
        for (size_t j = 0; j < p0; j++) /* a coded column is 0/1: centre 0 */
            if (!jf || jf[j] < 0)
                pm.center[0][j] = rhaz_cox_centre_(Xb[0] + j * n0, n0, F.fw, counting);
    }
    char scale_lab[128];
    pred_scale_label(&pm, scale_lab, sizeof scale_lab);
    M->n_obs = F.n;
    M->conf_level = level;
    M->atmeans = opt->atmeans != 0;
    M->model = core_strdup(fit->model ? fit->model : "");
    M->vce = core_strdup(fit->vce_label ? fit->vce_label : "");
    M->scale = core_strdup(scale_lab);
    if (weights && !opt->atmeans && !(M->weights = core_strdup(weights))) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
        goto done;
    }
    if (!M->model || !M->vce || !M->scale) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
        goto done;
    }
    if (opt->atmeans) { /* the frame of the means, coded again */
        if ((st = frame_means(&F, err)))
            goto done;
        for (size_t e = 0; e < neq; e++) {
            free(Xb[e]);
            Xb[e] = NULL;
        }
        R.nfac[0] = 0; /* coded again: every column written */
        R.jfac[0] = NULL;
        if ((st = base_build(&R, Xb, err)))
            goto done;
        for (size_t e = 0; e < neq; e++)
            R.X[e] = Xb[e];
    }
    /* every combination of the at values (one setting when none) */
    size_t p = pm.P, G = F.ngroups, W = MSUM_W(p, PASS_PRED);
    size_t choice[MAXAT] = {0}, nset = 1;
    for (size_t k = 0; k < at.nvar; k++)
        nset *= at.nval[k];
    J = malloc((p ? p : 1) * sizeof *J);
    Jall = malloc((p ? p : 1) * G * nset * sizeof *Jall);
    Eall = malloc(G * nset * sizeof *Eall);
    sums = malloc(G * W * sizeof *sums);
    if (!J || !Jall || !Eall || !sums) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
        goto done;
    }
    char first_lab[800] = "";
    for (size_t s = 0; s < nset && !st; s++) {
        size_t r = s;
        for (size_t k = at.nvar; k-- > 0;) {
            choice[k] = r % at.nval[k];
            r /= at.nval[k];
        }
        msetting S;
        at_setting(&F, &at, choice, &S);
        if (opt->dydx) {
            st = do_dydx(&R, &out, vars, nvars, &at, choice, &S, err);
            continue;
        }
        if ((st = margins_pass(&R, &S, PASS_PRED, -1, "margins", sums, err)))
            break;
        char slab[800];
        at_label(&F, &at, choice, NULL, slab, sizeof slab);
        if (s == 0)
            snprintf(first_lab, sizeof first_lab, "%s", slab);
        for (size_t g = 0; g < G && !st; g++) {
            double *Jg = Jall + (s * G + g) * p;
            double e = Eall[s * G + g] = sums_mean(sums + g * W, p, Jg);
            char lab[900];
            at_label(&F, &at, choice, F.glabel ? F.glabel[g] : NULL, lab, sizeof lab);
            st = emit(&out, "margin", "margin", lab, e, Jg);
        }
    }
    /* first differences: margin(s) - margin(first setting), after */
    for (size_t s = 1; s < nset && !st && !opt->dydx; s++) {
        size_t r = s;
        for (size_t q = at.nvar; q-- > 0;) {
            choice[q] = r % at.nval[q];
            r /= at.nval[q];
        }
        char slab[800], term[1700];
        at_label(&F, &at, choice, NULL, slab, sizeof slab);
        snprintf(term, sizeof term, "%s - %s", slab, first_lab);
        for (size_t g = 0; g < G && !st; g++) {
            for (size_t j = 0; j < p; j++)
                J[j] = Jall[(s * G + g) * p + j] - Jall[g * p + j];
            st = emit(&out, term, "difference", F.glabel ? F.glabel[g] : "",
                      Eall[s * G + g] - Eall[g], J);
        }
    }
done:
    at_free(&at);
    free(J);
    free(Jall);
    free(Eall);
    free(sums);
    for (size_t e = 0; e < PRED_NEQ; e++) {
        free(Xb[e]);
        free(R.lin[e]);
        rhaz_design_free(d1[e]);
    }
    rhaz_design_free(dall);
    for (size_t b = 0; b < nfacs; b++)
        free((int *)facs[b].code);
    free(facs);
    free(jf);
    free(aff);
    pred_model_clear(&pm);
    frame_free(&F);
    if (st) {
        rhaz_margins_free(M);
        return NULL;
    }
    return M;
}
