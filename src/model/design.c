/* design.c -- from a parsed formula and a table to a design: the model
 * frame (variables evaluated on every row, rows with a missing value
 * dropped), then the model matrix (R's model.matrix coding and names).
 *
 * Cost: one pass per variable over the rows, then one pass per column of
 * X over the used rows; factor levels by sorting unique values (numeric)
 * or hashing (strings).  Nothing is allocated per row.
 */
#include "formula_int.h"
#include "model/ns.h"
#include "core/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum { V_NUM, V_FACTOR, V_MATRIX } vkind;

/* A variable evaluated on the table. */
typedef struct {
    vkind kind;
    const char *label;
    /* V_NUM: val (n_total, then compacted to n); V_MATRIX: ncol columns */
    double *val;
    /* the values read: val, or a numeric column of the table itself when
     * the variable is one (no copy; val NULL until rows must be dropped) */
    const double *ro;
    size_t ncol;
    /* V_FACTOR: per-row source, then codes */
    long strcol;      /* string column index, or -1 (then val holds numbers) */
    int *code;        /* n_total then n: 0..nlev-1 */
    char **levels;
    size_t nlev;
    /* ns(): knots (boundary low, interior, boundary high) */
    double *knots;
    size_t nknots;
} dvar;

typedef struct {
    const rhaz_table *t;
    size_t n;          /* n_total rows */
    rhaz_error *err;
    const char *ftext;
    /* new data (rhaz_design_spec_build): factor levels and ns() knots of
     * variable vi come from spec instead of the rows */
    const rhaz_design_spec *spec;
    long vi;           /* formula variable being evaluated, or -1 */
    /* rhaz_design_build_take: the table (modifiable), and per column the
     * variables still reading it in place; a column goes when none does */
    rhaz_table *take;
    unsigned *refs;
} ctx;

/* largest |value| of a model-matrix column the fits can square and sum
 * (and its inverse, the smallest largest |value|) */
#define RHAZ_DESIGN_MAX_ABS 1e150

/* the table's file, for an error about its header (NULL: none known) */
static const char *table_file(const rhaz_table *t)
{
    const char *name = rhaz_table_name(t);
    return name && name[0] ? name : NULL;
}

static rhaz_status derr(ctx *c, rhaz_status st, int pos, const char *what,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static rhaz_status derr(ctx *c, rhaz_status st, int pos, const char *what,
                        const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (pos > 0 && what)
        rhaz_error_set(c->err, st, NULL, 0, "formula, position %d ('%s'): %s",
                       pos, what, msg);
    else
        rhaz_error_set(c->err, st, NULL, 0, "%s", msg);
    if (c->err) {
        c->err->column = pos;
        snprintf(c->err->what, sizeof c->err->what, "%s", what ? what : "");
    }
    return st;
}

/* ---------- numeric expressions ---------- */

static const struct {
    const char *name;
    double (*fn)(double);
} unary_fns[] = {
    {"log", log},   {"exp", exp},     {"sqrt", sqrt},   {"abs", fabs},
    {"log1p", log1p}, {"log2", log2}, {"log10", log10},
};

/* After fn applied to in (rows where in was finite): a non-finite
 * result (log of a negative number or of 0, sqrt of a negative, 1/0,
 * exp overflow) is an error naming the function, the first row's line,
 * the argument and the count; R would give NaN/Inf and then drop or fail
 * on the rows, rhaz says why. */
static rhaz_status check_finite(ctx *c, const char *what, const double *in,
                                const double *in2, const double *out)
{
    size_t N = c->n, bad = 0, first = 0;
    for (size_t i = 0; i < N; i++)
        if (isfinite(in[i]) && (!in2 || isfinite(in2[i])) && !isfinite(out[i]) &&
            !bad++)
            first = i;
    if (!bad)
        return RHAZ_OK;
    const char *tn = rhaz_table_name(c->t);
    char arg[96];
    if (in2)
        snprintf(arg, sizeof arg, "%g and %g", in[first], in2[first]);
    else
        snprintf(arg, sizeof arg, "%g", in[first]);
    rhaz_error_set(c->err, RHAZ_EDATA, tn && *tn ? tn : NULL,
                   tn && *tn ? rhaz_table_line(c->t, first) : 0,
                   "%s of %s is %s (%zu row%s like it): not dropped as "
                   "missing; transform or drop those rows",
                   what, arg, isnan(out[first]) ? "undefined (NaN)" : "infinite",
                   bad, bad == 1 ? "" : "s");
    if (c->err)
        snprintf(c->err->what, sizeof c->err->what, "%s", what);
    return RHAZ_EDATA;
}

/* Evaluate n as numbers on every row into out (c->n values). */
static rhaz_status eval_num(ctx *c, const fnode *n, double *out)
{
    size_t N = c->n;
    switch (n->kind) {
    case N_NUM:
        for (size_t i = 0; i < N; i++)
            out[i] = n->num;
        return RHAZ_OK;
    case N_NAME: {
        long j = rhaz_table_find(c->t, n->name);
        if (j < 0 && strcmp(n->name, ".") == 0)
            return derr(c, RHAZ_EUSAGE, n->pos, n->name,
                        "'.' (R's \"every other column\") is not supported: "
                        "name the variables");
        if (j < 0)
            return derr(c, RHAZ_ENOTFOUND, n->pos, n->name,
                        "no column '%s' in %s", n->name,
                        rhaz_table_name(c->t)[0] ? rhaz_table_name(c->t) : "the data");
        const double *x = rhaz_table_num(c->t, (size_t)j);
        if (!x) {
            /* name the first text cell: file, line and value */
            size_t i0 = 0;
            while (i0 < N && !rhaz_table_str(c->t, (size_t)j, i0))
                i0++;
            const char *v0 = i0 < N ? rhaz_table_str(c->t, (size_t)j, i0) : "";
            rhaz_status st = derr(c, RHAZ_EDATA, n->pos, n->name,
                                  "column '%s' holds text ('%.40s'), not numbers; a "
                                  "text column enters a formula as a factor (alone or "
                                  "in factor()), not in arithmetic, a response or "
                                  "Surv()", n->name, v0);
            const char *file = rhaz_table_name(c->t);
            if (c->err && file && file[0] && i0 < N) {
                snprintf(c->err->file, sizeof c->err->file, "%s", file);
                c->err->line = rhaz_table_line(c->t, i0);
            }
            return st;
        }
        memcpy(out, x, N * sizeof *out);
        return RHAZ_OK;
    }
    case N_PAREN:
        return eval_num(c, n->l, out);
    case N_NEG: {
        rhaz_status st = eval_num(c, n->l, out);
        if (st)
            return st;
        for (size_t i = 0; i < N; i++)
            out[i] = -out[i];
        return RHAZ_OK;
    }
    case N_CALL: {
        if (strcmp(n->name, "I") == 0 && n->nargs == 1)
            return eval_num(c, n->args[0], out);
        for (size_t k = 0; k < sizeof unary_fns / sizeof unary_fns[0]; k++)
            if (strcmp(n->name, unary_fns[k].name) == 0) {
                if (n->nargs != 1)
                    return derr(c, RHAZ_EPARSE, n->pos, n->name,
                                "%s() takes one argument", n->name);
                rhaz_status st = eval_num(c, n->args[0], out);
                if (st)
                    return st;
                double (*fn)(double) = unary_fns[k].fn;
                double *in = malloc((N ? N : 1) * sizeof *in);
                if (!in)
                    return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
                memcpy(in, out, N * sizeof *in);
                for (size_t i = 0; i < N; i++)
                    out[i] = fn(out[i]);
                char what[64];
                snprintf(what, sizeof what, "%s()", n->name);
                st = check_finite(c, what, in, NULL, out);
                free(in);
                return st;
            }
        return derr(c, RHAZ_EPARSE, n->pos, n->name,
                    "unknown function %s() (known: I, log, exp, sqrt, abs, "
                    "log1p, log2, log10, factor, cubic, ns, strata, cluster)",
                    n->name);
    }
    case N_BIN: {
        if (n->op == ':' || n->op == '~')
            return derr(c, RHAZ_EPARSE, n->pos, ":",
                        "':' is not arithmetic; inside I() use * for products");
        rhaz_status st = eval_num(c, n->l, out);
        if (st)
            return st;
        double *r = malloc(N * sizeof *r);
        if (!r)
            return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
        st = eval_num(c, n->r, r);
        double *l0 = NULL;
        if (!st && (n->op == '/' || n->op == '^')) {
            if (!(l0 = malloc((N ? N : 1) * sizeof *l0))) {
                free(r);
                return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
            }
            memcpy(l0, out, N * sizeof *l0);
        }
        if (!st) {
            switch (n->op) {
            case '+': for (size_t i = 0; i < N; i++) out[i] += r[i]; break;
            case '-': for (size_t i = 0; i < N; i++) out[i] -= r[i]; break;
            case '*': for (size_t i = 0; i < N; i++) out[i] *= r[i]; break;
            case '/': for (size_t i = 0; i < N; i++) out[i] /= r[i]; break;
            case '^':
                for (size_t i = 0; i < N; i++)
                    out[i] = r[i] == 2.0 ? out[i] * out[i] : pow(out[i], r[i]);
                break;
            }
        }
        if (!st && l0)
            st = check_finite(c, n->op == '/' ? "division '/'" : "power '^'", l0, r, out);
        free(l0);
        free(r);
        return st;
    }
    }
    return derr(c, RHAZ_EPARSE, n->pos, NULL, "unsupported expression");
}

/* A numeric table column named by n (alone, in parentheses or in I()),
 * or NULL. */
static const double *column_of(ctx *c, const fnode *n)
{
    while (n->kind == N_PAREN || (n->kind == N_CALL && strcmp(n->name, "I") == 0 &&
                                  n->nargs == 1))
        n = n->kind == N_PAREN ? n->l : n->args[0];
    if (n->kind != N_NAME)
        return NULL;
    long j = rhaz_table_find(c->t, n->name);
    return j < 0 ? NULL : rhaz_table_num(c->t, (size_t)j);
}

/* The values of n on every row into v: the table's column itself when n
 * names a numeric column, else evaluated into v->val. */
static rhaz_status eval_values(ctx *c, const fnode *n, dvar *v)
{
    if ((v->ro = column_of(c, n)))
        return RHAZ_OK;
    if (!(v->val = malloc((c->n ? c->n : 1) * sizeof *v->val)))
        return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
    v->ro = v->val;
    return eval_num(c, n, v->val);
}

/* The table column a borrowed v->ro is, or -1. */
static long column_index(const ctx *c, const double *ro)
{
    for (size_t j = 0; ro && j < rhaz_table_ncol(c->t); j++)
        if (rhaz_table_num(c->t, j) == ro)
            return (long)j;
    return -1;
}

/* Variable v no longer reads the table in place (it has what it needs):
 * with rhaz_design_build_take the column is released once no variable
 * reads it. */
static void let_go(ctx *c, dvar *v)
{
    if (v->val || !v->ro)
        return;
    long j = c->refs ? column_index(c, v->ro) : -1;
    if (j >= 0 && c->refs[j] && --c->refs[j] == 0)
        rhaz_table_release_num(c->take, (size_t)j);
    v->ro = NULL;
}

/* ---------- factor levels ---------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static uint64_t hash_double(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    b ^= b >> 33;
    b *= UINT64_C(0xff51afd7ed558ccd);
    return b ^ (b >> 33);
}

/* qsort of level ids by their values (code_factor; one design at a time
 * per thread) */
static _Thread_local const double *sort_u;
static int cmp_by_value(const void *a, const void *b)
{
    double x = sort_u[*(const size_t *)a], y = sort_u[*(const size_t *)b];
    return (x > y) - (x < y);
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Code a factor on the used rows (used[i] != 0): codes (n_total, -1 on
 * unused rows), levels sorted.  Source: string column strcol, or the
 * numbers val. */
static rhaz_status code_factor(ctx *c, const char *label, long strcol,
                               const double *val, const unsigned char *used,
                               int *code, char ***levels_out, size_t *nlev_out)
{
    size_t N = c->n;
    char **levels = NULL;
    size_t nlev = 0;
    rhaz_status st = RHAZ_OK;
    size_t nu = 0;
    if (strcol < 0) {
        /* distinct values by hashing (ids by first appearance, kept in
         * code), then only the levels sorted and the ids mapped to ranks */
        size_t hcap = 1024;
        double *u = NULL;
        size_t *ord = NULL;
        int *h = NULL, *rank = NULL;
        if (!(h = malloc(hcap * sizeof *h)) || !(u = malloc(hcap / 2 * sizeof *u)))
            st = derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
        for (size_t q = 0; !st && q < hcap; q++)
            h[q] = -1;
        for (size_t i = 0; i < N && !st; i++) {
            code[i] = -1;
            if (!used[i])
                continue;
            double x = val[i] == 0 ? 0.0 : val[i]; /* -0 and 0: one level */
            size_t q = hash_double(x) & (hcap - 1);
            while (h[q] >= 0 && memcmp(&u[h[q]], &x, sizeof x) != 0)
                q = (q + 1) & (hcap - 1);
            if (h[q] < 0) {
                if (2 * (nu + 1) > hcap) { /* grow to keep the load <= 1/2 */
                    size_t nc = 2 * hcap;
                    int *nh = malloc(nc * sizeof *nh);
                    double *nw = nh ? realloc(u, nc / 2 * sizeof *nw) : NULL;
                    if (!nw) {
                        free(nh);
                        st = derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
                        break;
                    }
                    u = nw;
                    for (size_t r = 0; r < nc; r++)
                        nh[r] = -1;
                    for (size_t id = 0; id < nu; id++) {
                        size_t r = hash_double(u[id]) & (nc - 1);
                        while (nh[r] >= 0)
                            r = (r + 1) & (nc - 1);
                        nh[r] = (int)id;
                    }
                    free(h);
                    h = nh;
                    hcap = nc;
                    q = hash_double(x) & (hcap - 1);
                    while (h[q] >= 0)
                        q = (q + 1) & (hcap - 1);
                }
                u[nu] = x;
                h[q] = (int)nu++;
            }
            code[i] = h[q];
        }
        free(h);
        nlev = nu;
        if (!st && (!(ord = malloc((nu ? nu : 1) * sizeof *ord)) ||
                    !(rank = malloc((nu ? nu : 1) * sizeof *rank)) ||
                    !(levels = calloc(nu ? nu : 1, sizeof *levels))))
            st = derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
        if (!st) {
            sort_u = u;
            for (size_t l = 0; l < nu; l++)
                ord[l] = l;
            qsort(ord, nu, sizeof *ord, cmp_by_value);
            /* a level is a label, as R's factor() matches as.character():
             * values that print alike (0.3 and 0.1 + 0.2, to 15 digits)
             * are one level; in sorted order they are neighbours */
            nlev = 0;
            for (size_t l = 0; l < nu && !st; l++) {
                char buf[64];
                core_format_r(u[ord[l]], buf, sizeof buf);
                if (nlev && strcmp(buf, levels[nlev - 1]) == 0) {
                    rank[ord[l]] = (int)nlev - 1;
                    continue;
                }
                rank[ord[l]] = (int)nlev;
                if (!(levels[nlev++] = core_strdup(buf)))
                    st = derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
            }
            for (size_t i = 0; i < N && !st; i++)
                if (code[i] >= 0)
                    code[i] = rank[code[i]];
        }
        free(u);
        free(ord);
        free(rank);
    } else {
        /* first-seen ids through the string map, then ranks in sorted order */
        strmap tab = {0};
        const char **uniq = NULL;
        size_t ucap = 0;
        int *rank = NULL;
        for (size_t i = 0; i < N && !st; i++) {
            code[i] = -1;
            if (!used[i])
                continue;
            const char *s = rhaz_table_str(c->t, (size_t)strcol, i);
            size_t id;
            if (!strmap_get(&tab, s, &id)) {
                if (nu == ucap) {
                    ucap = ucap ? 2 * ucap : 64;
                    const char **nw = realloc(uniq, ucap * sizeof *nw);
                    if (!nw) {
                        st = derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
                        break;
                    }
                    uniq = nw;
                }
                id = nu;
                if (strmap_put(&tab, s, id)) {
                    st = derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
                    break;
                }
                uniq[nu++] = s;
            }
            code[i] = (int)id;
        }
        if (!st) {
            const char **sorted = malloc((nu ? nu : 1) * sizeof *sorted);
            rank = malloc((nu ? nu : 1) * sizeof *rank);
            levels = calloc(nu ? nu : 1, sizeof *levels);
            if (!sorted || !rank || !levels)
                st = derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
            if (!st) {
                memcpy(sorted, uniq, nu * sizeof *sorted);
                qsort(sorted, nu, sizeof *sorted, cmp_strp);
                for (size_t l = 0; l < nu && !st; l++) {
                    size_t id = 0;
                    if (!(levels[l] = core_strdup(sorted[l])))
                        st = derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
                    strmap_get(&tab, sorted[l], &id);
                    rank[id] = (int)l;
                }
                nlev = nu;
                for (size_t i = 0; i < N; i++)
                    if (code[i] >= 0)
                        code[i] = rank[code[i]];
            }
            free(sorted);
        }
        strmap_free(&tab);
        free(uniq);
        free(rank);
    }
    if (st) {
        if (levels)
            for (size_t l = 0; l < nu; l++)
                free(levels[l]);
        free(levels);
        return st;
    }
    (void)label;
    *levels_out = levels;
    *nlev_out = nlev;
    return RHAZ_OK;
}

/* ---------- natural splines (splines::ns) ---------- */

/* Natural cubic spline basis with df columns of the values x (NaN rows
 * stay NaN): out is df columns of N values, column-major.  The basis is
 * model/ns.c's (shared with the plot smooth); knots from the data, or
 * those of the fitted model when coding new data. */
static rhaz_status ns_basis(ctx *c, const fnode *call, const double *x,
                            size_t df, dvar *var, double *out)
{
    size_t N = c->n, m = 0;
    size_t nik = df - 1, nbreak = nik + 2;
    const double *frozen = NULL;
    if (c->spec && c->vi >= 0) {
        const dspec_var *sv = &c->spec->vars[c->vi];
        if (sv->nknots != nbreak)
            return derr(c, RHAZ_EINVAL, call->pos, "ns",
                        "ns(): the fitted model stores %zu knots, df = %zu "
                        "needs %zu", sv->nknots, df, nbreak);
        frozen = sv->knots;
    }
    var->knots = malloc(nbreak * sizeof *var->knots);
    if (!var->knots)
        return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
    var->nknots = nbreak;
    int distinct = 1;
    if (frozen) {
        for (size_t k = 0; k < nbreak; k++)
            var->knots[k] = frozen[k];
        for (size_t k = 1; k < nbreak; k++)
            distinct &= var->knots[k] > var->knots[k - 1];
    } else {
        double *s = malloc((N ? N : 1) * sizeof *s);
        if (!s)
            return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
        for (size_t i = 0; i < N; i++)
            if (!isnan(x[i]))
                s[m++] = x[i];
        if (m < 2) {
            free(s);
            return derr(c, RHAZ_EDATA, call->pos, "ns", "ns() needs at least two values");
        }
        qsort(s, m, sizeof *s, cmp_double);
        distinct = rhaz_ns_knots_(s, m, nik, var->knots) == 0;
        free(s);
    }
    if (!distinct)
        return derr(c, RHAZ_EDATA, call->pos, "ns",
                    "ns(): knots at quantiles are not distinct (too few "
                    "distinct values for df = %zu)", df);
    rhaz_ns *ns = rhaz_ns_alloc_(var->knots, nbreak, 0);
    double *row = malloc(df * sizeof *row);
    if (!ns || !row) {
        rhaz_ns_free_(ns);
        free(row);
        return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
    }
    for (size_t i = 0; i < N; i++) {
        if (isnan(x[i])) {
            for (size_t k = 0; k < df; k++)
                out[k * N + i] = NAN;
            continue;
        }
        rhaz_ns_eval_(ns, x[i], row);
        for (size_t k = 0; k < df; k++)
            out[k * N + i] = row[k];
    }
    rhaz_ns_free_(ns);
    free(row);
    return RHAZ_OK;
}

/* ---------- variables ---------- */

static void dvar_clear(dvar *v)
{
    free(v->knots);
    free(v->val);
    free(v->code);
    if (v->levels)
        for (size_t l = 0; l < v->nlev; l++)
            free(v->levels[l]);
    free(v->levels);
    memset(v, 0, sizeof *v);
}

static int is_call(const fnode *n, const char *name)
{
    return n->kind == N_CALL && strcmp(n->name, name) == 0;
}

/* Evaluate variable node on every row.  Factors keep their source. */
static rhaz_status eval_var(ctx *c, const fnode *n, const char *label, dvar *v)
{
    size_t N = c->n;
    v->label = label;
    v->strcol = -1;
    const fnode *src = NULL;
    if ((is_call(n, "factor") || is_call(n, "as.factor"))) {
        if (n->nargs != 1)
            return derr(c, RHAZ_EPARSE, n->pos, label, "factor() takes one column");
        src = n->args[0];
    } else if (n->kind == N_NAME) {
        long j = rhaz_table_find(c->t, n->name);
        if (j >= 0 && rhaz_table_coltype(c->t, (size_t)j) == RHAZ_COL_STRING)
            src = n;
    }
    if (src) {
        v->kind = V_FACTOR;
        if (src->kind == N_NAME) {
            long j = rhaz_table_find(c->t, src->name);
            if (j < 0)
                return derr(c, RHAZ_ENOTFOUND, src->pos, label, "no column '%s' in %s",
                            src->name, rhaz_table_name(c->t)[0] ? rhaz_table_name(c->t) : "the data");
            if (rhaz_table_coltype(c->t, (size_t)j) == RHAZ_COL_STRING)
                v->strcol = j;
        }
        if (v->strcol < 0) {
            rhaz_status st = eval_values(c, src, v);
            if (st)
                return st;
        }
        if (!(v->code = malloc((N ? N : 1) * sizeof *v->code)))
            return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
        return RHAZ_OK;
    }
    if (is_call(n, "cubic") || is_call(n, "ns")) {
        int ns = is_call(n, "ns");
        size_t df = 3;
        if (!ns && n->nargs != 1)
            return derr(c, RHAZ_EPARSE, n->pos, label, "cubic() takes one argument");
        if (ns) {
            const fnode *dfn = NULL;
            if (n->nargs == 2)
                dfn = n->args[1];
            if (n->nargs < 1 || n->nargs > 2 ||
                (n->argnames[0] && strcmp(n->argnames[0], "x") != 0) ||
                (n->nargs == 2 && n->argnames[1] && strcmp(n->argnames[1], "df") != 0))
                return derr(c, RHAZ_EPARSE, n->pos, label, "use ns(x, df) (df: 1 to 20)");
            if (dfn) {
                if (dfn->kind != N_NUM || dfn->num < 1 || dfn->num > 20 ||
                    dfn->num != floor(dfn->num))
                    return derr(c, RHAZ_EPARSE, dfn->pos, label, "ns(): df must be an integer from 1 to 20");
                df = (size_t)dfn->num;
            } else
                df = 1;
        }
        v->kind = V_MATRIX;
        v->ncol = df;
        double *x = malloc((N ? N : 1) * sizeof *x);
        v->val = malloc((N ? N : 1) * df * sizeof *v->val);
        v->ro = v->val;
        if (!x || !v->val) {
            free(x);
            return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
        }
        rhaz_status st = eval_num(c, n->args[0], x);
        if (!st && ns)
            st = ns_basis(c, n, x, df, v, v->val);
        if (!st && !ns)
            for (size_t i = 0; i < N; i++) {
                v->val[i] = x[i];
                v->val[N + i] = x[i] * x[i];
                v->val[2 * N + i] = x[i] * x[i] * x[i];
            }
        free(x);
        return st;
    }
    v->kind = V_NUM;
    v->ncol = 1;
    return eval_values(c, n, v);
}

/* Mark rows where the variable is missing; remember (in *allmiss) the
 * first variable missing in every row, to name it if no row is left. */
static void mark_missing(ctx *c, const dvar *v, unsigned char *used,
                         const char **allmiss)
{
    size_t N = c->n, present = 0;
    if (v->kind == V_FACTOR && v->strcol >= 0) {
        for (size_t i = 0; i < N; i++) {
            int miss = rhaz_table_is_missing(c->t, (size_t)v->strcol, i);
            present += !miss;
            if (used[i] && miss)
                used[i] = 0;
        }
    } else if (v->kind != V_MATRIX) { /* one column: a loop without branches */
        const double *x = v->ro;
        for (size_t i = 0; i < N; i++) {
            unsigned char ok = x[i] == x[i]; /* not NaN */
            present += ok;
            used[i] &= ok;
        }
    } else {
        size_t k = v->ncol;
        for (size_t i = 0; i < N; i++) {
            int miss = 0;
            for (size_t q = 0; q < k; q++)
                miss |= isnan(v->ro[q * N + i]) != 0;
            present += !miss;
            if (miss)
                used[i] = 0;
        }
    }
    if (N > 0 && present == 0 && !*allmiss)
        *allmiss = v->label;
}

/* New data: code factor v with the levels of the fitted design (sv);
 * a value that is not one of them is an error naming it and its line. */
static rhaz_status code_factor_frozen(ctx *c, dvar *v, const dspec_var *sv,
                                      const unsigned char *used)
{
    size_t N = c->n;
    if (sv->kind != RHAZ_DVAR_FACTOR)
        return derr(c, RHAZ_EINVAL, 0, v->label,
                    "%s is a factor here but not in the fitted model", v->label);
    v->levels = calloc(sv->nlev ? sv->nlev : 1, sizeof *v->levels);
    if (!v->levels)
        return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
    for (size_t l = 0; l < sv->nlev; l++)
        if (!(v->levels[l] = core_strdup(sv->levels[l]))) {
            v->nlev = l;
            return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
        }
    v->nlev = sv->nlev;
    /* the levels by their labels (the first of equal labels, as a search
     * in order would find) */
    strmap lev = {0};
    if (strmap_init(&lev, sv->nlev) != 0)
        return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
    for (size_t l = sv->nlev; l-- > 0;)
        if (strmap_put(&lev, sv->levels[l], l) != 0) {
            strmap_free(&lev);
            return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
        }
    for (size_t i = 0; i < N; i++) {
        v->code[i] = -1;
        if (!used[i])
            continue;
        char buf[64];
        const char *s;
        if (v->strcol >= 0) {
            s = rhaz_table_str(c->t, (size_t)v->strcol, i);
        } else {
            core_format_r(v->ro[i], buf, sizeof buf);
            s = buf;
        }
        size_t l;
        int found = strmap_get(&lev, s ? s : "", &l) ? (int)l : -1;
        if (found < 0) {
            strmap_free(&lev);
            const char *tn = rhaz_table_name(c->t);
            rhaz_error_set(c->err, RHAZ_EDATA, tn && *tn ? tn : NULL,
                           rhaz_table_line(c->t, i),
                           "%s: '%s' is not a level of the fitted model "
                           "(levels: %s%s%s%s)", v->label, s ? s : "",
                           sv->nlev > 0 ? sv->levels[0] : "",
                           sv->nlev > 1 ? ", " : "",
                           sv->nlev > 1 ? sv->levels[1] : "",
                           sv->nlev > 2 ? ", ..." : "");
            if (c->err)
                snprintf(c->err->what, sizeof c->err->what, "%s", v->label);
            return RHAZ_EDATA;
        }
        v->code[i] = found;
    }
    strmap_free(&lev);
    return RHAZ_OK;
}

/* 1 if row i of variable v is missing (as mark_missing decides). */
static int dvar_missing(const ctx *c, const dvar *v, size_t i)
{
    if (v->kind == V_FACTOR && v->strcol >= 0)
        return rhaz_table_is_missing(c->t, (size_t)v->strcol, i);
    size_t k = v->kind == V_MATRIX ? v->ncol : 1;
    for (size_t q = 0; q < k; q++)
        if (isnan(v->ro[q * c->n + i]))
            return 1;
    return 0;
}

/* After the used rows are known: code factors and compact to the n used
 * rows (rows[]). */
static rhaz_status finish_var(ctx *c, dvar *v, const unsigned char *used,
                              const size_t *rows, size_t n)
{
    size_t N = c->n;
    if (v->kind == V_FACTOR && c->spec && c->vi >= 0) {
        rhaz_status st = code_factor_frozen(c, v, &c->spec->vars[c->vi], used);
        if (st)
            return st;
        for (size_t i = 0; i < n; i++)
            v->code[i] = v->code[rows[i]];
        return RHAZ_OK;
    }
    if (v->kind == V_FACTOR) {
        rhaz_status st = code_factor(c, v->label, v->strcol, v->ro, used, v->code,
                                     &v->levels, &v->nlev);
        if (st)
            return st;
        let_go(c, v);
        for (size_t i = 0; i < n; i++)
            v->code[i] = v->code[rows[i]];
        return RHAZ_OK;
    }
    if (!v->val) { /* the table's column: copied only when rows are dropped */
        if (n == N)
            return RHAZ_OK;
        double *x = malloc((n ? n : 1) * sizeof *x);
        if (!x)
            return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
        for (size_t i = 0; i < n; i++)
            x[i] = v->ro[rows[i]];
        let_go(c, v);
        v->val = x;
        v->ro = x;
        return RHAZ_OK;
    }
    size_t k = v->kind == V_MATRIX ? v->ncol : 1;
    for (size_t q = 0; q < k; q++)
        for (size_t i = 0; i < n; i++)
            v->val[q * n + i] = v->val[q * N + rows[i]];
    (void)used;
    return RHAZ_OK;
}

/* ---------- the design ---------- */

/* The model matrix: calloc, fresh zero pages never touched if never
 * written.  No MADV_HUGEPAGE: on the benchmark machine (a virtual
 * machine) huge pages come from free memory the host has not backed
 * yet, and the first touch of a 128 MB matrix took 0.18-0.25 s
 * (folio_zero_user, no compaction stall in /proc/vmstat) against
 * ~0.05 s of 4 KiB faults, which the kernel serves from recently freed,
 * already backed pages (docs/performance.md). */
static double *alloc_matrix(size_t count)
{
    return calloc(count ? count : 1, sizeof(double));
}

void rhaz_design_free(rhaz_design *d)
{
    if (!d)
        return;
    free(d->X);
    if (d->colnames)
        for (size_t j = 0; j < d->p; j++)
            free(d->colnames[j]);
    free(d->colnames);
    free(d->assign);
    if (d->term_labels)
        for (size_t k = 0; k < d->n_terms; k++)
            free(d->term_labels[k]);
    free(d->term_labels);
    free(d->y);
    free(d->y_name);
    free(d->weights);
    free(d->cluster);
    free(d->cluster2);
    free(d->cluster12);
    free(d->frailty);
    free(d->frailty_term);
    free(d->cluster_name);
    free(d->strata);
    free(d->strata_name);
    if (d->strata_labels)
        for (size_t s = 0; s < d->n_strata; s++)
            free(d->strata_labels[s]);
    free(d->strata_labels);
    free(d->rows);
    if (d->blocks)
        for (size_t b = 0; b < d->n_blocks; b++)
            free(d->blocks[b].code);
    free(d->blocks);
    rhaz_design_spec_free(d->spec);
    free(d);
}

/* coding of factor variable v in term k: 1 contrasts, 2 indicators
 * (R's TermCode) */
static int term_code(const rhaz_formula *f, size_t k, size_t v)
{
    fset rest = f->terms[k].vars;
    rest.bits[v / 64] &= ~((uint64_t)1 << (v % 64));
    int empty = 1;
    for (size_t w = 0; w < FORMULA_MAXVARS / 64; w++)
        if (rest.bits[w])
            empty = 0;
    if (empty)
        return 1;
    for (size_t q = 0; q < k; q++) {
        int sub = 1;
        for (size_t w = 0; w < FORMULA_MAXVARS / 64; w++)
            if (rest.bits[w] & ~f->terms[q].vars.bits[w])
                sub = 0;
        if (sub)
            return 1;
    }
    return 2;
}

/* one component of a term column */
typedef struct {
    const dvar *v;
    size_t sub;      /* column of a matrix, or level of a factor */
} comp;

static char *colname_of(const comp *cs, size_t nc)
{
    size_t len = 1;
    char num[32];
    for (size_t q = 0; q < nc; q++) {
        len += strlen(cs[q].v->label) + 2;
        if (cs[q].v->kind == V_FACTOR)
            len += strlen(cs[q].v->levels[cs[q].sub]);
        else
            len += 24;
    }
    char *s = malloc(len), *e = s;
    if (!s)
        return NULL;
    for (size_t q = 0; q < nc; q++) {
        if (q)
            *e++ = ':';
        strcpy(e, cs[q].v->label);
        e += strlen(e);
        if (cs[q].v->kind == V_FACTOR) {
            strcpy(e, cs[q].v->levels[cs[q].sub]);
            e += strlen(e);
        } else if (cs[q].v->kind == V_MATRIX) {
            snprintf(num, sizeof num, "%zu", cs[q].sub + 1);
            strcpy(e, num);
            e += strlen(e);
        }
    }
    *e = 0;
    return s;
}

static rhaz_status strata_labels(ctx *c, rhaz_design *d, const rhaz_formula *f,
                                 dvar *sv, size_t ns)
{
    size_t n = d->n;
    /* combined code: mixed radix, first variable slowest */
    int *comb = malloc((n ? n : 1) * sizeof *comb);
    size_t total = 1;
    for (size_t s = 0; s < ns; s++) {
        if (sv[s].nlev && total > ((size_t)1 << 30) / sv[s].nlev) {
            free(comb);
            return derr(c, RHAZ_EDATA, f->strata[s]->pos, "strata", "too many strata");
        }
        total *= sv[s].nlev ? sv[s].nlev : 1;
    }
    int *map = malloc(total * sizeof *map);
    if (!comb || !map) {
        free(comb);
        free(map);
        return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
    }
    for (size_t t = 0; t < total; t++)
        map[t] = -1;
    for (size_t i = 0; i < n; i++) {
        size_t code = 0;
        for (size_t s = 0; s < ns; s++)
            code = code * sv[s].nlev + (size_t)sv[s].code[i];
        comb[i] = (int)code;
        map[code] = 0;
    }
    size_t ng = 0;
    for (size_t t = 0; t < total; t++)
        if (map[t] == 0)
            map[t] = (int)ng++;
    d->strata = comb;
    d->n_strata = ng;
    d->strata_labels = calloc(ng ? ng : 1, sizeof *d->strata_labels);
    if (!d->strata_labels) {
        free(map);
        return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
    }
    for (size_t i = 0; i < n; i++)
        comb[i] = map[comb[i]];
    /* the digits of a combined code, one per strata() variable (any
     * number of variables: constant ones add a digit of radix 1) */
    size_t *idx = malloc(ns * sizeof *idx);
    char **args = calloc(ns, sizeof *args);
    if (!idx || !args) {
        free(idx);
        free(args);
        free(map);
        return derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
    }
    rhaz_status st = RHAZ_OK;
    size_t nlen = 0;
    for (size_t s = 0; s < ns && !st; s++) {
        if (!(args[s] = rhaz_fnode_deparse(f->strata[s])))
            st = derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
        else
            nlen += strlen(args[s]) + 2;
    }
    if (!st && !(d->strata_name = malloc(nlen + 1)))
        st = derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
    if (!st) {
        char *e = d->strata_name;
        for (size_t s = 0; s < ns; s++)
            e += sprintf(e, "%s%s", s ? ", " : "", args[s]);
    }
    for (size_t t = 0; t < total && !st; t++) {
        if (map[t] < 0)
            continue;
        char buf[1024] = "";
        size_t rem = t, len = 0;
        for (size_t s = ns; s-- > 0;) {
            idx[s] = rem % sv[s].nlev;
            rem /= sv[s].nlev;
        }
        for (size_t s = 0; s < ns; s++) {
            len += (size_t)snprintf(buf + len, len < sizeof buf ? sizeof buf - len : 0,
                                    "%s%s=%s", s ? ", " : "", args[s],
                                    sv[s].levels[idx[s]]);
            if (len >= sizeof buf)
                len = sizeof buf - 1;
        }
        if (!(d->strata_labels[map[t]] = core_strdup(buf)))
            st = derr(c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", c->n);
    }
    for (size_t s = 0; s < ns; s++)
        free(args[s]);
    free(args);
    free(idx);
    free(map);
    return st;
}

static rhaz_design_spec *spec_of_vars(const rhaz_formula *f, int drop_intercept,
                                      const dvar *vars);

/* The response columns into d->y, one a part (core_parallel: the
 * fresh pages of y are touched on both threads). */
typedef struct {
    double *dst;
    const double *src[3];
    size_t n;
} copy_job;

static void copy_part(void *ctx, size_t k)
{
    copy_job *J = ctx;
    memcpy(J->dst + k * J->n, J->src[k], J->n * sizeof(double));
}

/* One column of X over FILL_PARTS parts of the rows (core_parallel):
 * the product of its components (a number, a column of a matrix, a
 * factor level's indicator), the first row that is not finite (n if
 * none) and the largest magnitude with its first row.  A column that is
 * one numeric variable is copied in one pass. */
#define FILL_PARTS 2
typedef struct {
    double *x;
    size_t n;
    const comp *cs;
    size_t nc;
    size_t bad[FILL_PARTS], imax[FILL_PARTS];
    double amax[FILL_PARTS];
} fill_job;

static void fill_part(void *ctx, size_t r)
{
    fill_job *F = ctx;
    const size_t n = F->n, lo = n * r / FILL_PARTS, hi = n * (r + 1) / FILL_PARTS;
    double *x = F->x;
    const dvar *v0 = F->cs[0].v;
    if (F->nc == 1 && v0->kind == V_NUM) {
        const double *src = v0->ro;
        for (size_t i = lo; i < hi; i++)
            x[i] = src[i];
    } else {
        for (size_t i = lo; i < hi; i++)
            x[i] = 1.0;
        for (size_t q = 0; q < F->nc; q++) {
            const dvar *v = F->cs[q].v;
            if (v->kind == V_FACTOR) {
                int lev = (int)F->cs[q].sub;
                for (size_t i = lo; i < hi; i++)
                    if (v->code[i] != lev)
                        x[i] = 0.0;
            } else {
                const double *src = v->ro + (v->kind == V_MATRIX ? F->cs[q].sub * n : 0);
                for (size_t i = lo; i < hi; i++)
                    x[i] *= src[i];
            }
        }
    }
    size_t bad = n, imax = 0;
    double amax = 0;
    for (size_t i = lo; i < hi; i++) {
        double a = fabs(x[i]);
        if (!isfinite(a) && bad == n)
            bad = i;
        if (a > amax)
            amax = a, imax = i;
    }
    F->bad[r] = bad;
    F->amax[r] = amax;
    F->imax[r] = imax;
}

/* The design of f on t; with spec (new data), the right-hand side only,
 * coded with the spec's levels and knots. */
static rhaz_design *design_build(const rhaz_formula *f, const rhaz_table *t,
                                 const rhaz_design_options *opt,
                                 const rhaz_design_spec *spec, rhaz_table *take,
                                 rhaz_error *err)
{
    rhaz_error_clear(err);
    rhaz_design_options o0 = {0};
    if (!opt)
        opt = &o0;
    size_t N = rhaz_table_nrow(t);
    ctx c = {.t = t, .n = N, .err = err, .ftext = f->text, .spec = spec,
             .vi = -1, .take = take};
    rhaz_status st = RHAZ_OK;
    rhaz_design *d = calloc(1, sizeof *d);
    size_t nv = f->nvars, ny = 0, ns = spec ? 0 : f->nstrata;
    dvar *vars = calloc(nv ? nv : 1, sizeof *vars);
    dvar yv[3], wv, cv, cv2, frv, *sv = calloc(ns ? ns : 1, sizeof *sv);
    char cl1[256] = "", cl2[256] = "";
    memset(yv, 0, sizeof yv);
    memset(&wv, 0, sizeof wv);
    memset(&cv, 0, sizeof cv);
    memset(&cv2, 0, sizeof cv2);
    memset(&frv, 0, sizeof frv);
    int have_fr = 0;
    unsigned char *used = malloc(N ? N : 1);
    fnode wnode = {0}, cnode = {0};
    const fnode *cl_node = NULL;
    const char *allmiss = NULL;
    int have_w = 0, have_c = 0, have_c2 = 0;
    fnode cnode2 = {0};
    if (!d || !vars || !sv || !used) {
        st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
        goto fail;
    }
    d->n_total = N;
    d->lhs = f->lhs;
    memset(used, 1, N);
    if (N == 0) {
        const char *tn = rhaz_table_name(t);
        st = rhaz_error_set(err, RHAZ_EDATA, tn && *tn ? tn : NULL,
                            tn && *tn ? 2 : 0, "no data rows (header only)");
        goto fail;
    }

    /* the model frame: every variable on every row */
    /* which variables appear in a term */
    for (size_t v = 0; v < nv && !st; v++) {
        int in_term = 0;
        for (size_t k = 0; k < f->nterms; k++)
            if (fset_has(&f->terms[k].vars, v))
                in_term = 1;
        if (!in_term)
            continue;
        c.vi = (long)v;
        st = eval_var(&c, f->vars[v].node, f->vars[v].label, &vars[v]);
        c.vi = -1;
        if (!st && spec && (vars[v].kind == V_FACTOR) !=
                               (spec->vars[v].kind == RHAZ_DVAR_FACTOR))
            st = derr(&c, RHAZ_EDATA, f->vars[v].pos, vars[v].label,
                      "%s is %s here but %s in the fitted model",
                      vars[v].label,
                      vars[v].kind == V_FACTOR ? "a factor (text)" : "numeric",
                      vars[v].kind == V_FACTOR ? "numeric" : "a factor");
        if (!st)
            mark_missing(&c, &vars[v], used, &allmiss);
    }
    if (!st && f->lhs != RHAZ_LHS_NONE && !spec) {
        const fnode *ln = f->lhs_node;
        ny = f->lhs == RHAZ_LHS_VAR ? 1 : ln->nargs;
        for (size_t k = 0; k < ny && !st; k++) {
            const fnode *a = f->lhs == RHAZ_LHS_VAR ? ln : ln->args[k];
            yv[k].kind = V_NUM;
            yv[k].ncol = 1;
            yv[k].label = f->lhs_label;
            st = eval_values(&c, a, &yv[k]);
            if (!st)
                mark_missing(&c, &yv[k], used, &allmiss);
        }
    }
    if (!st && opt->weights && !spec) {
        wnode.kind = N_NAME;
        wnode.name = (char *)opt->weights;
        have_w = 1;
        wv.kind = V_NUM;
        wv.label = opt->weights;
        long j = rhaz_table_find(t, opt->weights);
        if (j < 0)
            st = rhaz_error_set(err, RHAZ_ENOTFOUND, table_file(t), table_file(t) ? 1 : 0,
                                "weights: no column '%s'", opt->weights);
        if (j < 0 && err) /* what: the column, so a caller can tell which option */
            snprintf(err->what, sizeof err->what, "%s", opt->weights);
        else
            st = eval_values(&c, &wnode, &wv);
        if (!st)
            mark_missing(&c, &wv, used, &allmiss);
    }
    if (!st && (opt->cluster || f->cluster) && !spec) {
        if (opt->cluster) {
            /* "a" or "a,b" (two-way) */
            const char *comma = strchr(opt->cluster, ',');
            snprintf(cl1, sizeof cl1, "%.*s",
                     (int)(comma ? (size_t)(comma - opt->cluster) : strlen(opt->cluster)),
                     opt->cluster);
            if (comma)
                snprintf(cl2, sizeof cl2, "%s", comma + 1);
            if (comma && !opt->allow_two_way)
                st = rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                                    "cluster '%s': two-way clustering is "
                                    "available for logit, cloglog and Cox "
                                    "models only; give one cluster column",
                                    opt->cluster);
            else if (comma && strchr(cl2, ','))
                st = rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                                    "cluster: at most two cluster variables "
                                    "(a,b), not '%s'", opt->cluster);
            else if (comma && (!cl1[0] || !cl2[0] || strcmp(cl1, cl2) == 0))
                st = rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                                    "cluster: two different columns a,b, not "
                                    "'%s'", opt->cluster);
            cnode.kind = N_NAME;
            cnode.name = cl1;
            cl_node = &cnode;
            for (int k = 0; k < (comma ? 2 : 1) && !st; k++) {
                const char *nm = k ? cl2 : cl1;
                if (rhaz_table_find(t, nm) < 0) {
                    st = rhaz_error_set(err, RHAZ_ENOTFOUND, table_file(t),
                                        table_file(t) ? 1 : 0, "cluster: no column '%s'", nm);
                    if (err)
                        snprintf(err->what, sizeof err->what, "%.*s", (int)sizeof err->what - 1, nm);
                }
            }
            if (!st && comma) {
                if (f->cluster)
                    st = derr(&c, RHAZ_EUSAGE, f->cluster->pos, "cluster",
                              "cluster(): give both cluster variables with "
                              "the cluster option (a,b), not one in the "
                              "formula");
                cnode2.kind = N_NAME;
                cnode2.name = cl2;
                const fnode *c2n = &cnode2;
                fnode fac2 = {.kind = N_CALL, .name = "factor", .nargs = 1,
                              .args = (fnode **)&c2n, .pos = 0};
                if (!st)
                    st = eval_var(&c, &fac2, "cluster", &cv2);
                have_c2 = 1;
            }
        } else
            cl_node = f->cluster;
        have_c = 1;
        if (!st) {
            fnode fac = {.kind = N_CALL, .name = "factor", .nargs = 1,
                         .args = (fnode **)&cl_node, .pos = cl_node->pos};
            st = eval_var(&c, &fac, "cluster", &cv);
        }
        /* a missing cluster id is not a reason to drop a row silently:
         * refused below, as R's sandwich::vcovCL refuses NA clusters */
    }
    if (!st && f->frailty && !spec) { /* new data: not needed */
        if (!opt->allow_frailty)
            st = derr(&c, RHAZ_EINVAL, f->frailty_pos, f->frailty_label,
                      "a frailty term is only available in Cox models");
        else {
            fnode *fn = f->frailty;
            fnode fac = {.kind = N_CALL, .name = "factor", .nargs = 1,
                         .args = &fn, .pos = fn->pos};
            st = eval_var(&c, &fac, "frailty", &frv);
            have_fr = 1;
        }
        if (!st)
            mark_missing(&c, &frv, used, &allmiss);
    }
    for (size_t s = 0; s < ns && !st; s++) {
        fnode fac = {.kind = N_CALL, .name = "factor", .nargs = 1,
                     .args = &f->strata[s], .pos = f->strata[s]->pos};
        st = eval_var(&c, &fac, "strata", &sv[s]);
        if (!st)
            mark_missing(&c, &sv[s], used, &allmiss);
    }
    for (int k = 0; k < 1 + have_c2 && !st && have_c; k++) {
        dvar *cvk = k ? &cv2 : &cv;
        size_t nmiss = 0, nused = 0, first = 0;
        for (size_t i = 0; i < N; i++) {
            if (!used[i])
                continue;
            nused++;
            if (dvar_missing(&c, cvk, i) && !nmiss++)
                first = i;
        }
        if (nmiss) {
            const char *tn = rhaz_table_name(t);
            const char *cn = opt->cluster ? (k ? cl2 : cl1) : "cluster()";
            st = rhaz_error_set(err, RHAZ_EDATA, tn && *tn ? tn : NULL,
                                tn && *tn ? rhaz_table_line(t, first) : 0,
                                "cluster: '%s' is missing in %zu of the %zu rows "
                                "used (R's vcovCL refuses NA clusters): fill "
                                "the ids or drop those rows", cn, nmiss, nused);
            if (err)
                snprintf(err->what, sizeof err->what, "%.*s", (int)sizeof err->what - 1, cn);
        }
    }
    if (!st && c.take) {
        /* count who reads each column in place (see let_go) */
        if (!(c.refs = calloc(rhaz_table_ncol(t) + 1, sizeof *c.refs)))
            st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
        dvar *all[8 + 3];
        size_t na = 0;
        for (size_t k = 0; k < 3; k++)
            all[na++] = &yv[k];
        all[na++] = &wv;
        all[na++] = &cv;
        all[na++] = &cv2;
        all[na++] = &frv;
        for (size_t v = 0; v < nv + ns && !st; v++) {
            const dvar *x = v < nv ? &vars[v] : &sv[v - nv];
            long j = x->val ? -1 : column_index(&c, x->ro);
            if (j >= 0)
                c.refs[j]++;
        }
        for (size_t q = 0; q < na && !st; q++) {
            long j = all[q]->val ? -1 : column_index(&c, all[q]->ro);
            if (j >= 0)
                c.refs[j]++;
        }
    }
    if (st)
        goto fail;

    /* used rows */
    size_t n = 0;
    for (size_t i = 0; i < N; i++)
        n += used[i];
    d->n = n;
    d->n_dropped = N - n;
    d->rows = malloc((n ? n : 1) * sizeof *d->rows);
    if (!d->rows) {
        st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
        goto fail;
    }
    for (size_t i = 0, k = 0; i < N; i++)
        if (used[i])
            d->rows[k++] = i;
    if (n == 0) {
        if (allmiss) {
            const char *tn = rhaz_table_name(t);
            st = rhaz_error_set(err, RHAZ_EDATA, tn && *tn ? tn : NULL, 0,
                                "'%s' is missing in every row (%zu rows)",
                                allmiss, N);
            if (err)
                snprintf(err->what, sizeof err->what, "%s", allmiss);
        } else
            st = rhaz_error_set(err, RHAZ_EDATA, table_file(t), 0,
                                "no rows left: every row has a missing value in a "
                                "variable of the formula (%zu rows dropped)", N);
        goto fail;
    }
    for (size_t v = 0; v < nv && !st; v++)
        if (vars[v].label) {
            c.vi = (long)v;
            st = finish_var(&c, &vars[v], used, d->rows, n);
            c.vi = -1;
        }
    for (size_t k = 0; k < ny && !st; k++)
        st = finish_var(&c, &yv[k], used, d->rows, n);
    if (!st && have_w)
        st = finish_var(&c, &wv, used, d->rows, n);
    if (!st && have_c)
        st = finish_var(&c, &cv, used, d->rows, n);
    if (!st && have_c2)
        st = finish_var(&c, &cv2, used, d->rows, n);
    if (!st && have_fr)
        st = finish_var(&c, &frv, used, d->rows, n);
    for (size_t s = 0; s < ns && !st; s++)
        st = finish_var(&c, &sv[s], used, d->rows, n);
    if (st)
        goto fail;

    /* responses, weights, clusters, strata */
    d->ny = ny;
    if (ny) {
        if (!(d->y = malloc(ny * n * sizeof *d->y)) ||
            !(d->y_name = core_strdup(f->lhs_label))) {
            st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
            goto fail;
        }
        copy_job cj = {.dst = d->y, .n = n};
        for (size_t k = 0; k < ny; k++)
            cj.src[k] = yv[k].ro;
        core_parallel(ny, opt->threads, copy_part, &cj); /* a column a part */
        for (size_t k = 0; k < ny; k++)
            let_go(&c, &yv[k]);
    }
    if (have_w) {
        if (wv.val) {
            d->weights = wv.val;
            wv.val = NULL;
        } else if ((d->weights = malloc((n ? n : 1) * sizeof *d->weights))) {
            memcpy(d->weights, wv.ro, n * sizeof *d->weights);
            let_go(&c, &wv);
        } else {
            st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
            goto fail;
        }
        for (size_t i = 0; i < n; i++)
            if (!(d->weights[i] >= 0) || isinf(d->weights[i])) {
                st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t),
                                    rhaz_table_line(t, d->rows[i]),
                                    "weights: '%s' must be finite and non-negative "
                                    "(got %g)", opt->weights, d->weights[i]);
                if (err)
                    snprintf(err->what, sizeof err->what, "%s", opt->weights);
                goto fail;
            }
    }
    if (have_c2) {
        /* the intersections a x b present, numbered by first appearance */
        size_t G1 = cv.nlev, G2 = cv2.nlev;
        int *map = G1 && G2 <= ((size_t)1 << 26) / G1 ? malloc(G1 * G2 * sizeof *map) : NULL;
        int *c12 = malloc((n ? n : 1) * sizeof *c12);
        if (!map || !c12) {
            free(map);
            free(c12);
            st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (two-way clusters, %zu rows)", N);
            goto fail;
        }
        for (size_t q = 0; q < G1 * G2; q++)
            map[q] = -1;
        size_t g12 = 0;
        for (size_t i = 0; i < n; i++) {
            size_t q = (size_t)cv.code[i] * G2 + (size_t)cv2.code[i];
            if (map[q] < 0)
                map[q] = (int)g12++;
            c12[i] = map[q];
        }
        free(map);
        d->cluster2 = cv2.code;
        cv2.code = NULL;
        d->n_clusters2 = G2;
        d->cluster12 = c12;
        d->n_clusters12 = g12;
    }
    if (have_c) {
        d->cluster = cv.code;
        cv.code = NULL;
        d->n_clusters = cv.nlev;
        if (!(d->cluster_name = opt->cluster ? core_strdup(opt->cluster)
                                             : rhaz_fnode_deparse(f->cluster))) {
            st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
            goto fail;
        }
    }
    if (have_fr) {
        d->frailty = frv.code;
        frv.code = NULL;
        d->n_frailty = frv.nlev;
        d->frailty_dist = f->frailty_dist;
        d->frailty_theta = f->frailty_theta;
        if (!(d->frailty_term = core_strdup(f->frailty_label))) {
            st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
            goto fail;
        }
    }
    if (ns && (st = strata_labels(&c, d, f, sv, ns)))
        goto fail;

    /* factor coding and the columns of X */
    int intercept = f->intercept || opt->drop_intercept;
    int *codes = calloc(f->nterms * (nv ? nv : 1) + 1, sizeof *codes);
    if (!codes) {
        st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
        goto fail;
    }
    for (size_t k = 0; k < f->nterms; k++)
        for (size_t v = 0; v < nv; v++)
            if (fset_has(&f->terms[k].vars, v) && vars[v].kind == V_FACTOR)
                codes[k * nv + v] = term_code(f, k, v);
    if (!intercept) {
        int done = 0;
        for (size_t k = 0; k < f->nterms && !done; k++)
            for (size_t v = 0; v < nv && !done; v++)
                if (codes[k * nv + v]) {
                    codes[k * nv + v] = 2;
                    done = 1;
                }
    }
    /* count columns */
    size_t p = f->intercept || opt->drop_intercept ? 1 : 0;
    /* p x p information matrices are dense: 10000 columns = 800 MB each */
    size_t maxc = opt->max_cols ? opt->max_cols : 10000;
    for (size_t k = 0; k < f->nterms && !st; k++) {
        size_t m = 1;
        for (size_t v = 0; v < nv; v++) {
            if (!fset_has(&f->terms[k].vars, v))
                continue;
            size_t nc = vars[v].kind == V_NUM ? 1 : vars[v].kind == V_MATRIX ? vars[v].ncol
                        : codes[k * nv + v] == 1 ? vars[v].nlev - 1 : vars[v].nlev;
            if (vars[v].kind == V_FACTOR && vars[v].nlev < 2)
                st = derr(&c, RHAZ_EDATA, f->vars[v].pos, vars[v].label,
                          "factor has a single level ('%s') in the %zu rows used",
                          vars[v].nlev ? vars[v].levels[0] : "", n);
            m = nc && m > (maxc + 1) / nc ? maxc + 1 : m * nc; /* no overflow */
        }
        p = p + m > maxc ? maxc + 1 : p + m;
        if (p > maxc && !st)
            st = derr(&c, RHAZ_EINVAL, f->terms[k].pos, f->terms[k].label,
                      "the model matrix would have more than %zu columns", maxc);
    }
    if (st) {
        free(codes);
        goto fail;
    }
    if (n > 0 && p > SIZE_MAX / sizeof(double) / n) {
        free(codes);
        st = derr(&c, RHAZ_ENOMEM, 0, NULL, "model matrix too large");
        goto fail;
    }
    {
        /* refuse a matrix larger than the machine's memory up front
         * (calloc may succeed lazily, and the first touch kill us) */
        long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
        double need = (double)n * (double)p * sizeof(double);
        if (pages > 0 && psz > 0 && need > (double)pages * (double)psz) {
            free(codes);
            st = derr(&c, RHAZ_ENOMEM, 0, NULL,
                      "the model matrix (%zu rows x %zu columns, %.1f GB) is "
                      "larger than this machine's memory", n, p, need / 1e9);
            goto fail;
        }
    }
    /* with drop_intercept the coding has an intercept that X never
     * holds: column j of the coding is column j - x0 of X */
    size_t x0 = opt->drop_intercept ? 1 : 0;
    d->X = alloc_matrix(n * (p - x0));
    d->colnames = calloc(p ? p : 1, sizeof *d->colnames);
    d->assign = calloc(p ? p : 1, sizeof *d->assign);
    d->term_labels = calloc(f->nterms ? f->nterms : 1, sizeof *d->term_labels);
    if (!d->X || !d->colnames || !d->assign || !d->term_labels) {
        free(codes);
        st = derr(&c, RHAZ_ENOMEM, 0, NULL,
                  "out of memory building the model matrix (%zu rows x %zu "
                  "columns, %.1f MB)", n, p, (double)n * (double)p * 8 / 1e6);
        goto fail;
    }
    d->p = p;
    d->n_terms = f->nterms;
    for (size_t k = 0; k < f->nterms; k++)
        if (!(d->term_labels[k] = core_strdup(f->terms[k].label))) {
            free(codes);
            st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
            goto fail;
        }
    size_t j = 0;
    if (f->intercept || opt->drop_intercept) {
        for (size_t i = 0; i < n && !x0; i++)
            d->X[i] = 1.0;
        d->colnames[0] = core_strdup("(Intercept)");
        d->assign[0] = 0;
        d->intercept = 1;
        j = 1;
    }
    for (size_t k = 0; k < f->nterms && !st; k++) {
        comp cs[FORMULA_MAXVARS];
        size_t nc = 0, ncols[FORMULA_MAXVARS], first[FORMULA_MAXVARS];
        for (size_t v = 0; v < nv; v++)
            if (fset_has(&f->terms[k].vars, v)) {
                cs[nc].v = &vars[v];
                first[nc] = vars[v].kind == V_FACTOR && codes[k * nv + v] == 1 ? 1 : 0;
                ncols[nc] = vars[v].kind == V_NUM ? 1 : vars[v].kind == V_MATRIX
                            ? vars[v].ncol : vars[v].nlev - first[nc];
                cs[nc].sub = first[nc];
                nc++;
            }
        size_t m = 1;
        for (size_t q = 0; q < nc; q++)
            m *= ncols[q];
        /* single factor: zero the block and scatter the ones */
        if (nc == 1 && cs[0].v->kind == V_FACTOR) {
            struct rhaz_design_block *nb =
                realloc(d->blocks, (d->n_blocks + 1) * sizeof *nb);
            int *code = malloc((n ? n : 1) * sizeof *code);
            if (nb)
                d->blocks = nb;
            if (!nb || !code) {
                free(code);
                st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
                break;
            }
            memcpy(code, cs[0].v->code, n * sizeof *code);
            nb[d->n_blocks].col = j;
            nb[d->n_blocks].ncol = m;
            nb[d->n_blocks].shift = (int)first[0];
            nb[d->n_blocks].code = code;
            d->n_blocks++;
            if (opt->sparse_indicators && !opt->drop_intercept) {
                d->blocks_only = 1;
                for (size_t col = 0; col < m; col++, j++) {
                    size_t r = col;
                    cs[0].sub = first[0] + r;
                    d->assign[j] = (int)k + 1;
                    if (!(d->colnames[j] = colname_of(cs, 1))) {
                        st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
                        break;
                    }
                }
                continue;
            }
            for (size_t i = 0; i < n; i++) {
                long lv = (long)cs[0].v->code[i] - (long)first[0];
                if (lv >= 0)
                    d->X[(j - x0 + (size_t)lv) * n + i] = 1.0;
            }
        }
        for (size_t col = 0; col < m; col++, j++) {
            /* components of this column: first variable fastest */
            size_t r = col;
            for (size_t q = 0; q < nc; q++) {
                cs[q].sub = first[q] + r % ncols[q];
                r /= ncols[q];
            }
            d->assign[j] = (int)k + 1;
            if (!(d->colnames[j] = colname_of(cs, nc))) {
                st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
                break;
            }
            if (nc == 1 && cs[0].v->kind == V_FACTOR)
                continue;
            fill_job F = {.x = d->X + (j - x0) * n, .n = n, .cs = cs, .nc = nc};
            core_parallel(FILL_PARTS, opt->threads, fill_part, &F);
            double *x = F.x;
            size_t bad = n, imax = 0;
            double amax = 0;
            for (size_t r = 0; r < FILL_PARTS; r++) { /* as one pass in row order */
                if (F.bad[r] < bad)
                    bad = F.bad[r];
                if (F.amax[r] > amax)
                    amax = F.amax[r], imax = F.imax[r];
            }
            if (bad < n && !st) {
                st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t),
                                    rhaz_table_line(t, d->rows[bad]),
                                    "formula, position %d ('%s'): value %g is not finite",
                                    f->terms[k].pos, f->terms[k].label, x[bad]);
                if (err) {
                    err->column = f->terms[k].pos;
                    snprintf(err->what, sizeof err->what, "%s", f->terms[k].label);
                }
            }
            /* magnitudes whose squares (the cross-products every model
             * forms) overflow or underflow a double: refused here, not
             * dropped later as "collinear" or taken for separation */
            if (!st && (amax > RHAZ_DESIGN_MAX_ABS || (amax > 0 && amax < 1 / RHAZ_DESIGN_MAX_ABS))) {
                st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t),
                                    rhaz_table_line(t, d->rows[imax]),
                                    "formula, position %d ('%s'): values of magnitude %.3g "
                                    "(largest |value|) are beyond what double-precision "
                                    "cross-products hold (1e-150 .. 1e150); rescale it",
                                    f->terms[k].pos, f->terms[k].label, amax);
                if (err) {
                    err->column = f->terms[k].pos;
                    snprintf(err->what, sizeof err->what, "%s", f->terms[k].label);
                }
            }
        }
        /* a variable in no later term is done with the table */
        for (size_t v = 0; v < nv && c.take; v++) {
            int later = 0;
            for (size_t k2 = k + 1; k2 < f->nterms; k2++)
                later |= fset_has(&f->terms[k2].vars, v);
            if (fset_has(&f->terms[k].vars, v) && !later)
                let_go(&c, &vars[v]);
        }
    }
    free(codes);
    if (!st && opt->drop_intercept && !f->intercept) {
        /* nothing: formula had no intercept but coding used one */
    }
    if (!st && opt->drop_intercept && d->intercept) {
        free(d->colnames[0]);
        memmove(d->colnames, d->colnames + 1, (p - 1) * sizeof *d->colnames);
        memmove(d->assign, d->assign + 1, (p - 1) * sizeof *d->assign);
        for (size_t b = 0; b < d->n_blocks; b++)
            d->blocks[b].col--;
        d->p = p - 1;
        d->intercept = 0;
    }
    if (st)
        goto fail;
    if (!st && !d->colnames[0] && p > 0 && d->intercept) {
        st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
        goto fail;
    }
    for (size_t k = 0; k < ny; k++)
        for (size_t i = 0; i < n; i++)
            if (!isfinite(d->y[k * n + i])) {
                st = rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t),
                                    rhaz_table_line(t, d->rows[i]),
                                    "response %s: value %g is not finite",
                                    f->lhs_label, d->y[k * n + i]);
                goto fail;
            }
    d->spec = spec ? rhaz_design_spec_copy(spec)
                   : spec_of_vars(f, opt->drop_intercept, vars);
    if (!d->spec) {
        st = derr(&c, RHAZ_ENOMEM, 0, NULL, "out of memory building the design (%zu rows)", N);
        goto fail;
    }
    goto done;
fail:
    rhaz_design_free(d);
    d = NULL;
done:
    for (size_t v = 0; v < nv; v++)
        if (vars && vars[v].label)
            dvar_clear(&vars[v]);
    for (size_t k = 0; k < 3; k++)
        dvar_clear(&yv[k]);
    dvar_clear(&wv);
    dvar_clear(&cv);
    dvar_clear(&cv2);
    dvar_clear(&frv);
    for (size_t s = 0; s < ns && sv; s++)
        dvar_clear(&sv[s]);
    free(vars);
    free(sv);
    free(used);
    free(c.refs);
    return d;
}

rhaz_design *rhaz_design_build(const rhaz_formula *f, const rhaz_table *t,
                               const rhaz_design_options *opt,
                               rhaz_error *err)
{
    return design_build(f, t, opt, NULL, NULL, err);
}

rhaz_design *rhaz_design_build_take(const rhaz_formula *f, rhaz_table *t,
                                    const rhaz_design_options *opt,
                                    rhaz_error *err)
{
    return design_build(f, t, opt, NULL, t, err);
}

/* ---------- the spec: what new rows need ---------- */

static void spec_var_clear(dspec_var *v)
{
    if (v->levels)
        for (size_t l = 0; l < v->nlev; l++)
            free(v->levels[l]);
    free(v->levels);
    free(v->knots);
    memset(v, 0, sizeof *v);
}

void rhaz_design_spec_free(rhaz_design_spec *s)
{
    if (!s)
        return;
    if (s->vars && s->f)
        for (size_t v = 0; v < s->f->nvars; v++)
            spec_var_clear(&s->vars[v]);
    free(s->vars);
    rhaz_formula_free(s->f);
    free(s);
}

/* A spec with the variables of formula text (kinds from the tree), no
 * levels or knots yet. */
static rhaz_design_spec *spec_new(const char *text, int drop_intercept,
                                  rhaz_error *err)
{
    rhaz_design_spec *s = calloc(1, sizeof *s);
    if (!s) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory parsing the formula");
        return NULL;
    }
    s->drop_intercept = drop_intercept;
    if (!(s->f = rhaz_formula_parse(text, err))) {
        free(s);
        return NULL;
    }
    size_t nv = s->f->nvars;
    if (!(s->vars = calloc(nv ? nv : 1, sizeof *s->vars))) {
        rhaz_design_spec_free(s);
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory parsing the formula");
        return NULL;
    }
    for (size_t v = 0; v < nv; v++) {
        const fnode *n = s->f->vars[v].node;
        for (size_t k = 0; k < s->f->nterms; k++)
            if (fset_has(&s->f->terms[k].vars, v))
                s->vars[v].used = 1;
        s->vars[v].kind = is_call(n, "ns")      ? RHAZ_DVAR_NS
                          : is_call(n, "cubic") ? RHAZ_DVAR_CUBIC
                          : is_call(n, "factor") || is_call(n, "as.factor")
                              ? RHAZ_DVAR_FACTOR
                              : RHAZ_DVAR_NUMERIC;
    }
    return s;
}

static int spec_set_var(dspec_var *sv, char *const *levels, size_t nlev,
                        const double *knots, size_t nknots)
{
    if (nlev) {
        if (!(sv->levels = calloc(nlev, sizeof *sv->levels)))
            return -1;
        for (size_t l = 0; l < nlev; l++) {
            if (!(sv->levels[l] = core_strdup(levels[l])))
                return -1;
            sv->nlev = l + 1;
        }
    }
    if (nknots) {
        if (!(sv->knots = malloc(nknots * sizeof *sv->knots)))
            return -1;
        memcpy(sv->knots, knots, nknots * sizeof *knots);
        sv->nknots = nknots;
    }
    return 0;
}

static rhaz_design_spec *spec_of_vars(const rhaz_formula *f, int drop_intercept,
                                      const dvar *vars)
{
    rhaz_design_spec *s = spec_new(f->text, drop_intercept, NULL);
    if (!s)
        return NULL;
    for (size_t v = 0; v < f->nvars; v++) {
        if (!vars[v].label)
            continue;
        dspec_var *sv = &s->vars[v];
        if (vars[v].kind == V_FACTOR)
            sv->kind = RHAZ_DVAR_FACTOR; /* also a text column without factor() */
        if (spec_set_var(sv, vars[v].kind == V_FACTOR ? vars[v].levels : NULL,
                         vars[v].kind == V_FACTOR ? vars[v].nlev : 0,
                         vars[v].knots, vars[v].knots ? vars[v].nknots : 0)) {
            rhaz_design_spec_free(s);
            return NULL;
        }
    }
    return s;
}

rhaz_design_spec *rhaz_design_spec_copy(const rhaz_design_spec *s)
{
    if (!s)
        return NULL;
    rhaz_design_spec *c = spec_new(s->f->text, s->drop_intercept, NULL);
    if (!c)
        return NULL;
    for (size_t v = 0; v < s->f->nvars; v++) {
        c->vars[v].kind = s->vars[v].kind;
        if (spec_set_var(&c->vars[v], s->vars[v].levels, s->vars[v].nlev,
                         s->vars[v].knots, s->vars[v].nknots)) {
            rhaz_design_spec_free(c);
            return NULL;
        }
    }
    return c;
}

const rhaz_design_spec *rhaz_design_spec_of(const rhaz_design *d)
{
    return d ? d->spec : NULL;
}

const char *rhaz_design_spec_formula(const rhaz_design_spec *s)
{
    return s ? s->f->text : NULL;
}

int rhaz_design_spec_drop_intercept(const rhaz_design_spec *s)
{
    return s ? s->drop_intercept : 0;
}

size_t rhaz_design_spec_nvars(const rhaz_design_spec *s)
{
    return s ? s->f->nvars : 0;
}

rhaz_status rhaz_design_spec_var(const rhaz_design_spec *s, size_t k,
                                 rhaz_design_var *out)
{
    memset(out, 0, sizeof *out);
    if (!s || k >= s->f->nvars)
        return RHAZ_EINVAL;
    const dspec_var *v = &s->vars[k];
    out->label = s->f->vars[k].label;
    out->kind = v->kind;
    out->used = v->used;
    out->nlevels = v->nlev;
    out->levels = (const char *const *)v->levels;
    out->nknots = v->nknots;
    out->knots = v->knots;
    return RHAZ_OK;
}

rhaz_design_spec *rhaz_design_spec_make(const char *formula,
                                        int drop_intercept, size_t nvars,
                                        const rhaz_design_var *vars,
                                        rhaz_error *err)
{
    rhaz_error_clear(err);
    rhaz_design_spec *s = spec_new(formula, drop_intercept, err);
    if (!s)
        return NULL;
    for (size_t v = 0; v < s->f->nvars; v++) {
        const rhaz_design_var *in = NULL;
        for (size_t k = 0; k < nvars && !in; k++)
            if (vars[k].label && strcmp(vars[k].label, s->f->vars[v].label) == 0)
                in = &vars[k];
        dspec_var *sv = &s->vars[v];
        if (!in) {
            if (sv->used && sv->kind != RHAZ_DVAR_NUMERIC &&
                sv->kind != RHAZ_DVAR_CUBIC) {
                rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                               "design: no levels or knots for '%s'",
                               s->f->vars[v].label);
                goto fail;
            }
            continue; /* a numeric variable: nothing stored */
        }
        if (in->kind == RHAZ_DVAR_FACTOR)
            sv->kind = RHAZ_DVAR_FACTOR;
        if (sv->used && sv->kind == RHAZ_DVAR_FACTOR && in->nlevels < 2) {
            rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                           "design: factor '%s' needs its levels", in->label);
            goto fail;
        }
        if (sv->used && sv->kind == RHAZ_DVAR_NS && in->nknots < 2) {
            rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                           "design: ns() term '%s' needs its knots", in->label);
            goto fail;
        }
        if (spec_set_var(sv, (char *const *)in->levels,
                         sv->kind == RHAZ_DVAR_FACTOR ? in->nlevels : 0,
                         in->knots, sv->kind == RHAZ_DVAR_NS ? in->nknots : 0)) {
            rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                           "out of memory reading the design specification");
            goto fail;
        }
    }
    return s;
fail:
    rhaz_design_spec_free(s);
    return NULL;
}

rhaz_design *rhaz_design_spec_build(const rhaz_design_spec *s,
                                    const rhaz_table *newdata, rhaz_error *err)
{
    if (!s) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "no design to code new data by");
        return NULL;
    }
    rhaz_design_options o = {0};
    o.drop_intercept = s->drop_intercept;
    return design_build(s->f, newdata, &o, s, NULL, err);
}

rhaz_design *rhaz_design_build_newdata(const rhaz_design *d,
                                       const rhaz_table *newdata,
                                       rhaz_error *err)
{
    return rhaz_design_spec_build(d ? d->spec : NULL, newdata, err);
}
