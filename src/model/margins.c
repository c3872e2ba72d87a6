/* margins.c -- average marginal effects, predictive margins and first
 * differences with delta-method standard errors (include/rhaz/predict.h
 * gives the formulas and conventions).
 *
 * Inputs: a fit summary with its design spec (levels, knots), the data it
 * was fitted on.  Work: the rows the fit used are copied once into a
 * "frame" (only the columns the formula reads); every counterfactual
 * (an at-setting, a factor level, a shifted variable for a derivative) is
 * a copy of the frame with one or more columns replaced, coded by the
 * fit's design (rhaz_design_spec_build), so whatever the formula does to a
 * variable (log, powers, ns(), interactions) is applied to the new value.
 * Cost per counterfactual O(n p); per quantity O(n p + p^2).
 */
#include "predict_int.h"
#include "formula_int.h"
#include "core/util.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXCOLS 256

/* The columns of the data the formula's right-hand side reads, on the
 * rows the fit used (or one row per group with atmeans). */
typedef struct {
    size_t n, ncol;
    const char *name[MAXCOLS];
    int is_str[MAXCOLS];
    int factor[MAXCOLS];     /* 1: read only through factors (discrete) */
    int numeric_use[MAXCOLS];/* 1: read by a numeric expression */
    long fvar[MAXCOLS];      /* a spec variable coding it as factor, or -1 */
    const rhaz_design_spec *fsp[MAXCOLS]; /* the spec fvar refers to */
    double *num[MAXCOLS];    /* n values (numeric columns) */
    const char **str[MAXCOLS]; /* n values (text), borrowed */
    int *group;              /* n group ids */
    double *w;               /* n case weights of the fit, or NULL (owned;
                                shared by the at-setting copies) */
    size_t ngroups;
    char **glabel;           /* "by=value" per group */
} frame;

static void frame_free(frame *F)
{
    for (size_t c = 0; c < F->ncol; c++) {
        free(F->num[c]);
        free(F->str[c]);
    }
    free(F->group);
    free(F->w);
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

/* A table of the frame's rows, column c replaced by numv (n values) or
 * by the text strv on every row (c < 0: none); c2/numv2 a second one. */
static rhaz_table *frame_table(const frame *F, long c, const double *numv,
                               const char *strv, long c2, const double *numv2,
                               const char *strv2, rhaz_error *err)
{
    rhaz_table *t = rhaz_table_new("margins", err);
    const char **sv = malloc((F->n ? F->n : 1) * sizeof *sv);
    if (!t || !sv) {
        free(sv);
        rhaz_table_free(t);
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", F->n, F->ncol);
        return NULL;
    }
    for (size_t k = 0; k < F->ncol; k++) {
        const double *nv = (long)k == c ? numv : (long)k == c2 ? numv2 : NULL;
        const char *s1 = (long)k == c ? strv : (long)k == c2 ? strv2 : NULL;
        rhaz_status st;
        if (F->is_str[k]) {
            for (size_t i = 0; i < F->n; i++)
                sv[i] = s1 ? s1 : F->str[k][i];
            st = rhaz_table_add_string(t, F->name[k], sv, F->n, err);
        } else if (s1) { /* a numeric factor set to a level */
            double *tmp = malloc((F->n ? F->n : 1) * sizeof *tmp);
            if (!tmp) {
                st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", F->n, F->ncol);
            } else {
                double x = strtod(s1, NULL);
                for (size_t i = 0; i < F->n; i++)
                    tmp[i] = x;
                st = rhaz_table_add_numeric(t, F->name[k], tmp, F->n, err);
            }
            free(tmp);
        } else {
            st = rhaz_table_add_numeric(t, F->name[k], nv ? nv : F->num[k], F->n,
                                        err);
        }
        if (st) {
            free(sv);
            rhaz_table_free(t);
            return NULL;
        }
    }
    free(sv);
    return t;
}

/* Model matrices of a counterfactual, one per equation of the fit (a
 * cure model has two); every row must stay. */
typedef struct {
    rhaz_design *d[PRED_NEQ];
    const double *X[PRED_NEQ];
} dset;

static void dset_free(dset *D)
{
    for (size_t e = 0; e < PRED_NEQ; e++)
        rhaz_design_free(D->d[e]);
    memset(D, 0, sizeof *D);
}

static rhaz_status frame_dset(const rhaz_design_spec *const *sps, size_t neq,
                              const frame *F, long c, const double *numv,
                              const char *strv, const char *what, dset *D,
                              rhaz_error *err)
{
    memset(D, 0, sizeof *D);
    rhaz_table *t = frame_table(F, c, numv, strv, -1, NULL, NULL, err);
    if (!t)
        return err->status;
    for (size_t e = 0; e < neq; e++) {
        rhaz_design *d = rhaz_design_spec_build(sps[e], t, err);
        if (d && d->n != F->n) {
            rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                           "%s: the formula is undefined at %zu of the %zu rows "
                           "(e.g. log() of a value <= 0)", what, F->n - d->n, F->n);
            rhaz_design_free(d);
            d = NULL;
        }
        if (!d) {
            rhaz_table_free(t);
            dset_free(D);
            return err->status;
        }
        D->d[e] = d;
        D->X[e] = d->X;
    }
    rhaz_table_free(t);
    return RHAZ_OK;
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

/* Mean prediction over group g of the designs D and its gradient J (P). */
static void mean_pred(const pred_model *m, const dset *D, const frame *F, int g,
                      double *est, double *J)
{
    size_t n = F->n;
    double s = 0, cnt = 0;
    memset(J, 0, m->P * sizeof *J);
    for (size_t i = 0; i < n; i++) {
        if (F->group[i] != g)
            continue;
        double u[3], q, gr[3], wi = F->w ? F->w[i] : 1;
        pred_u(m, D->X, n, i, u);
        pred_q(m, u, &q, gr, NULL);
        s += wi * q;
        pred_jacobian_add(m, D->X, n, i, gr, wi, J);
        cnt += wi;
    }
    *est = cnt > 0 ? s / cnt : NAN;
    for (size_t j = 0; j < m->P; j++)
        J[j] = cnt > 0 ? J[j] / cnt : NAN;
}

/* Average derivative over group g: dX[e] holds the n x p[e] derivative of
 * equation e's model-matrix rows with respect to the variable.  With
 * a_e = (dx_e/dv)'b_e, the row's derivative is sum_e q_e a_e and its
 * gradient sum_e sum_l q_el a_e du_l/dtheta + sum_e q_e d a_e/dtheta. */
static void mean_deriv(const pred_model *m, const dset *D,
                       const double *const *dX, const frame *F, int g,
                       double *est, double *J)
{
    size_t n = F->n;
    double s = 0, cnt = 0;
    memset(J, 0, m->P * sizeof *J);
    for (size_t i = 0; i < n; i++) {
        if (F->group[i] != g)
            continue;
        double u[3], q, gr[3], H[9], a[3] = {0, 0, 0}, wi = F->w ? F->w[i] : 1;
        pred_u(m, D->X, n, i, u);
        pred_q(m, u, &q, gr, H);
        for (size_t e = 0; e < m->neq; e++)
            for (size_t j = 0; j < m->p[e]; j++)
                if (m->map[e][j] != PRED_NONE)
                    a[e] += dX[e][j * n + i] * m->theta[m->map[e][j]];
        double w[3];
        for (int l = 0; l < 3; l++)
            w[l] = H[0 * 3 + l] * a[0] + H[1 * 3 + l] * a[1];
        s += wi * (gr[0] * a[0] + gr[1] * a[1]);
        /* sum_l w_l du_l/dtheta: the centred rows, as a prediction's */
        pred_jacobian_add(m, D->X, n, i, w, wi, J);
        /* sum_e q_e dx_e (derivatives of constants are 0: no centre) */
        for (size_t e = 0; e < m->neq; e++)
            for (size_t j = 0; j < m->p[e]; j++)
                if (m->map[e][j] != PRED_NONE)
                    J[m->map[e][j]] += wi * gr[e] * dX[e][j * n + i];
        cnt += wi;
    }
    *est = cnt > 0 ? s / cnt : NAN;
    for (size_t j = 0; j < m->P; j++)
        J[j] = cnt > 0 ? J[j] / cnt : NAN;
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

/* ---------- the computation ---------- */

typedef struct {
    const rhaz_design_spec *const *sps; /* pm->neq specs */
    const pred_model *pm;
    out_ctx *out;
    rhaz_error *err;
} mctx;

/* The frame of one at-setting: a copy of F with the at columns set. */
static rhaz_status frame_at(const frame *F, const at_spec *a,
                            const size_t *choice, frame *G, rhaz_error *err)
{
    *G = *F;
    for (size_t c = 0; c < F->ncol; c++) {
        G->num[c] = NULL;
        G->str[c] = NULL;
    }
    G->group = NULL;
    G->glabel = F->glabel; /* borrowed */
    G->ngroups = F->ngroups;
    size_t n = F->n;
    for (size_t c = 0; c < F->ncol; c++) {
        long q = -1;
        for (size_t k = 0; k < a->nvar; k++)
            if (a->col[k] == (long)c)
                q = (long)k;
        if (F->is_str[c]) {
            if (!(G->str[c] = malloc((n ? n : 1) * sizeof *G->str[c])))
                return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", F->n, F->ncol);
            for (size_t i = 0; i < n; i++)
                G->str[c][i] = q >= 0 ? a->val[q][choice[q]] : F->str[c][i];
        } else {
            if (!(G->num[c] = malloc((n ? n : 1) * sizeof *G->num[c])))
                return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", F->n, F->ncol);
            double x = q >= 0 ? strtod(a->val[q][choice[q]], NULL) : 0;
            for (size_t i = 0; i < n; i++)
                G->num[c][i] = q >= 0 ? x : F->num[c][i];
        }
    }
    if (!(G->group = malloc((n ? n : 1) * sizeof *G->group)))
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", F->n, F->ncol);
    memcpy(G->group, F->group, n * sizeof *G->group);
    return RHAZ_OK;
}

static void frame_at_free(frame *G)
{
    for (size_t c = 0; c < G->ncol; c++) {
        free(G->num[c]);
        free(G->str[c]);
    }
    free(G->group);
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

/* dydx of every variable in vars (frame columns) for frame G. */
static rhaz_status do_dydx(mctx *x, const frame *G, const long *vars,
                           size_t nv, const at_spec *a, const size_t *choice)
{
    rhaz_status st = RHAZ_OK;
    const pred_model *pm = x->pm;
    size_t n = G->n, P = pm->P, neq = pm->neq;
    double *J = malloc((P ? P : 1) * sizeof *J), *J0 = malloc((P ? P : 1) * sizeof *J0);
    double *xs = malloc((n ? n : 1) * sizeof *xs), *hs = malloc((n ? n : 1) * sizeof *hs);
    dset d0 = {0};
    int have_d0 = 0;
    if (!J || !J0 || !xs || !hs) {
        st = rhaz_error_set(x->err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", G->n, G->ncol);
        goto done;
    }
    for (size_t k = 0; k < nv && !st; k++) {
        long c = vars[k];
        const char *name = G->name[c];
        char what[300];
        snprintf(what, sizeof what, "dydx %s", name);
        if (G->factor[c] && G->fvar[c] >= 0) {
            /* discrete change from the base level, per level */
            const dspec_var *sv = &G->fsp[c]->vars[G->fvar[c]];
            dset db, dl;
            if ((st = frame_dset(x->sps, neq, G, c, NULL, sv->levels[0], what, &db,
                                 x->err)))
                break;
            for (size_t l = 1; l < sv->nlev && !st; l++) {
                if ((st = frame_dset(x->sps, neq, G, c, NULL, sv->levels[l], what,
                                     &dl, x->err)))
                    break;
                char term[600];
                snprintf(term, sizeof term, "%s:%s", name, sv->levels[l]);
                for (size_t g = 0; g < G->ngroups && !st; g++) {
                    double e1, e0;
                    mean_pred(pm, &dl, G, (int)g, &e1, J);
                    mean_pred(pm, &db, G, (int)g, &e0, J0);
                    for (size_t j = 0; j < P; j++)
                        J[j] -= J0[j];
                    char at[800];
                    at_label(G, a, choice, G->glabel ? G->glabel[g] : NULL, at,
                             sizeof at);
                    st = emit(x->out, term, "dydx", at, e1 - e0, J);
                }
                dset_free(&dl);
            }
            dset_free(&db);
            continue;
        }
        /* continuous: 5-point central difference of the model-matrix rows */
        double mabs = 0;
        for (size_t i = 0; i < n; i++)
            mabs += fabs(G->num[c][i]);
        mabs = mabs > 0 ? mabs / (double)n : 1;
        for (size_t i = 0; i < n; i++)
            hs[i] = 1e-4 * (G->num[c][i] != 0 ? fabs(G->num[c][i]) : mabs);
        static const double steps[4] = {-2, -1, 1, 2};
        dset ds[4];
        memset(ds, 0, sizeof ds);
        for (int s = 0; s < 4 && !st; s++) {
            for (size_t i = 0; i < n; i++)
                xs[i] = G->num[c][i] + steps[s] * hs[i];
            st = frame_dset(x->sps, neq, G, c, xs, NULL, what, &ds[s], x->err);
        }
        if (!have_d0 && !st) {
            st = frame_dset(x->sps, neq, G, -1, NULL, NULL, what, &d0, x->err);
            have_d0 = !st;
        }
        double *dX[PRED_NEQ] = {0};
        for (size_t e = 0; e < neq && !st; e++)
            if (!(dX[e] = malloc((n && pm->p[e] ? n * pm->p[e] : 1) * sizeof *dX[e])))
                st = rhaz_error_set(x->err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins (%zu rows x %zu columns)", G->n, G->ncol);
        if (!st) {
            for (size_t e = 0; e < neq; e++)
                for (size_t j = 0; j < pm->p[e]; j++)
                    for (size_t i = 0; i < n; i++) {
                        size_t q = j * n + i;
                        dX[e][q] = (8 * (ds[2].X[e][q] - ds[1].X[e][q]) -
                                    (ds[3].X[e][q] - ds[0].X[e][q])) / (12 * hs[i]);
                    }
            for (size_t g = 0; g < G->ngroups && !st; g++) {
                double e;
                mean_deriv(pm, &d0, (const double *const *)dX, G, (int)g, &e, J);
                char at[800];
                at_label(G, a, choice, G->glabel ? G->glabel[g] : NULL, at,
                         sizeof at);
                st = emit(x->out, name, "dydx", at, e, J);
            }
        }
        for (size_t e = 0; e < PRED_NEQ; e++)
            free(dX[e]);
        for (int s = 0; s < 4; s++)
            dset_free(&ds[s]);
    }
done:
    dset_free(&d0);
    free(J);
    free(J0);
    free(xs);
    free(hs);
    return st;
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
        free(F->num[c]);
        free(F->str[c]);
    }
    free(F->group);
    free(F->w); /* one row per group: unweighted */
    M.w = NULL;
    *F = M;
    return RHAZ_OK;
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

/* Build the frame: rows the fit used, columns the formula reads. */
static rhaz_status frame_build(const rhaz_fit_summary *fit, const rhaz_table *data,
                               const rhaz_design_spec *const *sps, size_t neq,
                               const char *by, const char *weights, frame *F,
                               rhaz_error *err)
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
                             .weights = weights};
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
        } else {
            if (!(F->num[c] = malloc((n ? n : 1) * sizeof *F->num[c])))
                goto oom;
            for (size_t i = 0; i < n; i++)
                F->num[c][i] = rhaz_table_num(data, j)[d->rows[i]];
        }
    }
    if (!(F->group = calloc(n ? n : 1, sizeof *F->group)))
        goto oom;
    if (weights) { /* the fit's case weights on its rows */
        if (!(F->w = malloc((n ? n : 1) * sizeof *F->w)))
            goto oom;
        for (size_t i = 0; i < n; i++)
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
    dset dfit = {0};
    pred_model pm = {0};
    at_spec at = {0};
    double *J = NULL, *J0 = NULL, *E0 = NULL;
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
    if ((st = frame_build(fit, data, sps, neq, opt->by, weights, &F, err)))
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
    /* the equations' columns on the fit's rows, matched to the coefficients */
    if ((st = frame_dset(sps, neq, &F, -1, NULL, NULL, "margins", &dfit, err)))
        goto done;
    for (size_t e = 0; e < neq && !st; e++)
        st = pred_model_map(&pm, fit, e, dfit.d[e]->colnames, dfit.d[e]->p, err);
    if (st)
        goto done;
    out.pm = &pm;
    if (pm.fam == PF_COX) { /* Cox: x'b - xbar'b, xbar the column means */
        size_t p0 = dfit.d[0]->p, n0 = dfit.d[0]->n;
        if (!(pm.center[0] = calloc(p0 ? p0 : 1, sizeof *pm.center[0]))) {
            st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
            goto done;
        }
        for (size_t j = 0; j < p0; j++) {
            double s = 0;
            for (size_t i = 0; i < n0; i++)
                s += dfit.d[0]->X[j * n0 + i];
            pm.center[0][j] = s / (double)n0;
        }
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
    if (opt->atmeans && (st = frame_means(&F, err)))
        goto done;
    size_t p = pm.P, G = F.ngroups;
    J = malloc((p ? p : 1) * sizeof *J);
    J0 = malloc((p ? p : 1) * G * sizeof *J0);
    E0 = malloc((G ? G : 1) * sizeof *E0);
    if (!J || !J0 || !E0) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory computing margins");
        goto done;
    }
    mctx x = {.sps = sps, .pm = &pm, .out = &out, .err = err};
    /* every combination of the at values (one setting when none) */
    size_t choice[MAXAT] = {0}, nset = 1;
    for (size_t k = 0; k < at.nvar; k++)
        nset *= at.nval[k];
    char first_lab[800] = "";
    for (size_t s = 0; s < nset && !st; s++) {
        size_t r = s;
        for (size_t k = at.nvar; k-- > 0;) {
            choice[k] = r % at.nval[k];
            r /= at.nval[k];
        }
        frame Gf;
        if ((st = frame_at(&F, &at, choice, &Gf, err))) {
            frame_at_free(&Gf);
            break;
        }
        if (opt->dydx) {
            st = do_dydx(&x, &Gf, vars, nvars, &at, choice);
        } else {
            char what[64];
            snprintf(what, sizeof what, "margins");
            dset ds = {0};
            st = frame_dset(sps, neq, &Gf, -1, NULL, NULL, what, &ds, err);
            char slab[800];
            at_label(&Gf, &at, choice, NULL, slab, sizeof slab);
            if (s == 0)
                snprintf(first_lab, sizeof first_lab, "%s", slab);
            for (size_t g = 0; g < G && !st; g++) {
                double e;
                mean_pred(&pm, &ds, &Gf, (int)g, &e, J);
                char lab[900];
                at_label(&Gf, &at, choice, F.glabel ? F.glabel[g] : NULL, lab,
                         sizeof lab);
                if ((st = emit(&out, "margin", "margin", lab, e, J)))
                    break;
                if (s == 0) {
                    E0[g] = e;
                    memcpy(J0 + g * p, J, p * sizeof *J);
                }
            }
            /* first differences against the first setting, stored after */
            dset_free(&ds);
        }
        frame_at_free(&Gf);
    }
    /* first differences: margin(s) - margin(first), in a second pass over
     * the margins just emitted */
    if (!st && !opt->dydx && nset > 1) {
        size_t nm = M->n;
        for (size_t k = G; k < nm && !st; k++) {
            size_t g = k % G;
            /* recompute J of row k: re-derive from the stored margin rows
             * is not possible (J not kept), so recompute the setting */
            size_t s = k / G, r = s;
            for (size_t q = at.nvar; q-- > 0;) {
                choice[q] = r % at.nval[q];
                r /= at.nval[q];
            }
            frame Gf;
            if ((st = frame_at(&F, &at, choice, &Gf, err))) {
                frame_at_free(&Gf);
                break;
            }
            dset ds;
            if ((st = frame_dset(sps, neq, &Gf, -1, NULL, NULL, "margins", &ds, err))) {
                frame_at_free(&Gf);
                break;
            }
            double e;
            mean_pred(&pm, &ds, &Gf, (int)g, &e, J);
            for (size_t j = 0; j < p; j++)
                J[j] -= J0[g * p + j];
            char slab[800], term[1700];
            at_label(&Gf, &at, choice, NULL, slab, sizeof slab);
            snprintf(term, sizeof term, "%s - %s", slab, first_lab);
            st = emit(&out, term, "difference",
                      F.glabel ? F.glabel[g] : "", e - E0[g], J);
            dset_free(&ds);
            frame_at_free(&Gf);
        }
    }
done:
    at_free(&at);
    free(J);
    free(J0);
    free(E0);
    pred_model_clear(&pm);
    dset_free(&dfit);
    frame_free(&F);
    if (st) {
        rhaz_margins_free(M);
        return NULL;
    }
    return M;
}
