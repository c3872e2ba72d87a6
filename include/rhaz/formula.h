/* rhaz/formula.h -- R-style model formulas and design matrices (issue 4).
 *
 * Two steps, shared by every model (logit, cloglog, Firth, Cox):
 *
 *   rhaz_formula *f = rhaz_formula_parse("y ~ factor(g) + log(x) + ns(t, 3)", &err);
 *   rhaz_design_options o = {0};          // defaults; o.weights = "w", ...
 *   rhaz_design *d = rhaz_design_build(f, table, &o, &err);
 *   ... d->X is n x p, column-major: element (i, j) is d->X[j * d->n + i] ...
 *   rhaz_design_free(d); rhaz_formula_free(f);
 *
 * The language (as R's model.frame / model.matrix, stats::terms):
 *   LHS     y  |  Surv(time, event)  |  Surv(start, stop, event)   (optional)
 *   RHS     a + b, a - b (remove a term), a:b, a*b (= a + b + a:b),
 *           (a + b):c, (a + b)*c, 1 / 0 / -1 / +0 (intercept on/off),
 *           factor(g)   treatment coding, reference = first level in sorted
 *                       order (numeric order for numeric columns, byte
 *                       order -- the C locale -- for strings); string
 *                       columns are factors without factor(), as in R;
 *           log(x), exp, sqrt, abs, log1p, log2, log10 of an expression;
 *           I(expr)     arithmetic: + - * / ^, unary -, numbers, columns;
 *           cubic(t)    three columns t, t^2, t^3 (Carter & Signorino),
 *                       named cubic(t)1, cubic(t)2, cubic(t)3 -- as R with
 *                       cubic <- function(x) {m <- cbind(x, x^2, x^3);
 *                       colnames(m) <- 1:3; m};
 *           ns(t, df)   natural cubic spline basis of splines::ns(t, df)
 *                       (interior knots at quantiles of the non-missing t,
 *                       boundary knots at its range), columns ns(t, 3)1 ...;
 *           strata(s, ...)  (Cox) stratum ids, not columns of X;
 *           cluster(id)     (Cox, as R coxph) cluster ids, not columns of X;
 *           frailty(g), frailty.gamma(g), frailty.gaussian(g), optionally
 *                       with theta = V (a fixed variance): (Cox) a shared
 *                       frailty per level of g, as R coxph; not columns of
 *                       X; refused unless the caller allows it
 *                       (rhaz_design_options.allow_frailty);
 *           `name with spaces`  backquoted column names.
 *   Terms are ordered as R orders them: intercept, then by interaction
 *   order, and within an order by first appearance.  Factor coding within
 *   interactions follows R's rule (contrasts if the term without that
 *   factor is the intercept or is contained in an earlier term, else
 *   indicators; without an intercept the first factor gets indicators).
 *   Column names follow model.matrix: "(Intercept)", "factor(region)Europe",
 *   "log(mig)", "x:factor(g)B", with the first variable varying fastest.
 *   Expressions are deparsed like R: "I(x^2)", "I(a * b)", "log(x + 1)".
 *
 * Rows: a row is used when every value the formula needs (response, every
 * variable, weights, cluster and strata columns) is non-missing (NaN in a
 * numeric result, e.g. log(-1), counts as missing, as R's na.omit); the
 * rest are dropped and counted.  Factor levels are those present in the
 * used rows (R's drop.unused.levels).  As in R, ns() knots are computed
 * from all non-missing values of its argument before rows are dropped.
 * Errors name the term and its 1-based character position in err->column
 * and err->what.
 */
#ifndef RHAZ_FORMULA_H
#define RHAZ_FORMULA_H

#include "core.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* Kind of left-hand side. */
typedef enum {
    RHAZ_LHS_NONE = 0, /* "~ x" */
    RHAZ_LHS_VAR,      /* "y ~ ..." : one response column (or expression) */
    RHAZ_LHS_SURV2,    /* "Surv(time, event) ~ ..." */
    RHAZ_LHS_SURV3     /* "Surv(start, stop, event) ~ ..." */
} rhaz_lhs_kind;

/* A parsed formula (opaque; immutable after parsing). */
typedef struct rhaz_formula rhaz_formula;

rhaz_formula *rhaz_formula_parse(const char *text, rhaz_error *err);
void rhaz_formula_free(rhaz_formula *f); /* accepts NULL */

const char *rhaz_formula_text(const rhaz_formula *f);
rhaz_lhs_kind rhaz_formula_lhs(const rhaz_formula *f);
/* 1 if the formula asks for an intercept (default), 0 after -1 / +0. */
int rhaz_formula_intercept(const rhaz_formula *f);
/* Term labels in R's order, without the intercept and without
 * strata()/cluster() terms (as attr(terms(f), "term.labels")). */
size_t rhaz_formula_nterms(const rhaz_formula *f);
const char *rhaz_formula_term(const rhaz_formula *f, size_t k);
/* The column names f refers to: every name in it (response, Surv(),
 * terms, interactions, arguments of factor(), log(), I(), ns(), cubic(),
 * strata(), cluster(), frailty() ...), each once, in order of first
 * appearance, into *names: a NULL-terminated array to free() whose
 * strings belong to f (valid while f is).  *all (may be NULL) is set to
 * 1 when f names '.' (R's "every other column"; rhaz's design refuses it
 * unless a column is named '.'): a reader should then keep every column,
 * else 0.  Reading only these columns (rhaz_csv_options.columns) gives a
 * table on which f's design is the same as on the whole file. */
rhaz_status rhaz_formula_columns(const rhaz_formula *f, const char ***names,
                                 int *all, rhaz_error *err);

/* Options of the design builder.  Zero-initialise for defaults. */
typedef struct {
    const char *weights;   /* column of prior/case weights, or NULL */
    const char *cluster;   /* column of cluster ids (numeric or string), or
                              NULL; a cluster() term in the formula is used
                              when this is NULL.  "a,b": two-way clustering
                              (cluster2, cluster12 below) */
    int drop_intercept;    /* 1: code factors as if there were an intercept,
                              then drop the "(Intercept)" column (Cox) */
    size_t max_cols;       /* cap on p, 0 = 10000 */
    int sparse_indicators; /* 1: leave the columns of indicator blocks (see
                              rhaz_design.blocks) unwritten in X -- they
                              read as zeros and their memory is never
                              touched -- for models that use the blocks
                              (rhaz_glm_fit without Firth).  Ignored with
                              drop_intercept. */
    int allow_two_way;     /* 1: accept cluster "a,b" (two-way clustering:
                              logit and cloglog); 0: refuse it, naming the
                              models that have it */
    int allow_frailty;     /* 1: accept a frailty() term (Cox); 0: refuse it
                              with an error naming the term */
    int threads;           /* threads the build may use (0 or 1: the calling
                              thread only); the design is the same with any
                              number */
} rhaz_design_options;

/* A design: model matrix, responses and row bookkeeping.  All arrays are
 * owned by the design; read the fields, do not modify them. */
typedef struct {
    size_t n;          /* rows used */
    size_t n_total;    /* rows in the table */
    size_t n_dropped;  /* n_total - n: rows with a missing value */
    size_t p;          /* columns of X */
    double *X;         /* n x p, column-major: X[j * n + i] */
    char **colnames;   /* p column names as model.matrix */
    int intercept;     /* 1 if column 0 is "(Intercept)" */
    int *assign;       /* p: term index of each column, 0 for the intercept,
                          k + 1 for term k (as attr(X, "assign")) */
    size_t n_terms;    /* number of terms (labels as rhaz_formula_term) */
    char **term_labels;
    rhaz_lhs_kind lhs;
    size_t ny;         /* number of response columns: 0, 1, 2 or 3 */
    double *y;         /* ny x n column-major: y[k * n + i]; for Surv the
                          columns are (time, event) or (start, stop, event) */
    char *y_name;      /* response label, e.g. "ratified" or "Surv(t, d)" */
    double *weights;   /* n weights, or NULL */
    int *cluster;      /* n cluster ids in 0..n_clusters-1 (levels sorted
                          as factor levels), or NULL */
    size_t n_clusters;
    int *cluster2;     /* two-way clustering (cluster "a,b"): the ids of b,
                          and of the intersections a x b present, or NULL */
    size_t n_clusters2;
    int *cluster12;
    size_t n_clusters12;
    char *cluster_name; /* the cluster column (options) or the argument of
                          the formula's cluster() term, or NULL */
    int *strata;       /* n stratum ids in 0..n_strata-1, or NULL */
    size_t n_strata;
    char **strata_labels; /* n_strata labels "s=A" (", "-joined for several) */
    int *frailty;      /* n group codes of the frailty() term in
                          0..n_frailty-1 (levels sorted as factor levels),
                          or NULL */
    size_t n_frailty;
    int frailty_dist;  /* 0: gamma (frailty, frailty.gamma), 1: gaussian */
    double frailty_theta; /* NaN, or the fixed theta = V of the term */
    char *frailty_term;   /* the term as R deparses it, "frailty(g)" */
    char *strata_name; /* the strata() arguments, ", "-joined, or NULL */
    size_t *rows;      /* n: 0-based table row of each used row */
    /* Columns of single-factor terms are indicators: for block b,
     * X(i, col + k) = (code[i] == k + shift), k < ncol.  Models may use
     * this to skip the zeros (the columns are in X all the same). */
    size_t n_blocks;
    struct rhaz_design_block {
        size_t col, ncol;
        int shift;     /* 1: treatment contrasts (level 0 is the reference) */
        int *code;     /* n level codes */
    } *blocks;
    int blocks_only;   /* 1: the block columns of X were not written
                          (sparse_indicators) */
    struct rhaz_design_spec *spec; /* how to code new rows (see below) */
} rhaz_design;

rhaz_design *rhaz_design_build(const rhaz_formula *f, const rhaz_table *t,
                               const rhaz_design_options *opt,
                               rhaz_error *err);
/* As rhaz_design_build, but each numeric column of t that a variable is
 * (a name, not an expression such as log(x)) is released
 * (rhaz_table_release_num) as soon as the design has what it needs of it,
 * so that the table and the design are not both held whole.  t keeps its
 * names, text columns and line numbers (rhaz_table_line still names the
 * input line of d->rows[i]) and is still the caller's to free; after a
 * failure some of its columns may be gone. */
rhaz_design *rhaz_design_build_take(const rhaz_formula *f, rhaz_table *t,
                                    const rhaz_design_options *opt,
                                    rhaz_error *err);
void rhaz_design_free(rhaz_design *d); /* accepts NULL */

/* A common sample: keep[i] = 1 (n = rows of t entries) for the rows
 * that a design of every formula uses (complete in all its variables,
 * strata and frailty terms included; a cluster() term with missing ids
 * is an error, as in rhaz_design_build) and that have no missing
 * value in any of `columns` (NULL-terminated, or NULL: e.g. weights and
 * cluster columns given as options); *nkeep (may be NULL) counts them.
 * An error names the formula's problem (as rhaz_design_build). */
rhaz_status rhaz_common_rows(const rhaz_table *t, size_t nformulas,
                             const char *const *formulas,
                             const char *const *columns, unsigned char *keep,
                             size_t *nkeep, rhaz_error *err);

/* ---- New data: coding other rows as the design coded its own ---------
 *
 * A design remembers what it learnt from its rows (R's "predvars" and
 * xlevels): the formula, each factor's levels and each ns() term's knots.
 * rhaz_design_build_newdata() builds the model matrix of other rows (a
 * grid, counterfactual copies of the data) with exactly those columns:
 * a factor value that was not a level is an error naming it; ns() uses
 * the stored knots and is linear beyond the boundary knots (as
 * predict(ns(...)) in R); log(), powers, I(), cubic() and interactions
 * are evaluated on the new values.  Only the right-hand side is used:
 * the response, weights, cluster and strata columns need not exist (the
 * result has ny = 0, no weights, clusters or strata).  Rows with a
 * missing value in a variable of the formula are dropped (d->rows says
 * which are kept). */
typedef struct rhaz_design_spec rhaz_design_spec;

typedef enum {
    RHAZ_DVAR_NUMERIC = 0, /* a number per row: x, log(x), I(x^2) ... */
    RHAZ_DVAR_FACTOR,      /* factor(g) or a text column */
    RHAZ_DVAR_CUBIC,       /* cubic(t): t, t^2, t^3 */
    RHAZ_DVAR_NS           /* ns(t, df) */
} rhaz_design_var_kind;

/* One variable of the formula as the design saw it (borrowed). */
typedef struct {
    const char *label;            /* deparsed: "factor(regime)", "ns(t, 3)" */
    rhaz_design_var_kind kind;
    int used;                     /* 1 if it appears in a term */
    size_t nlevels;               /* factor levels, sorted as coded */
    const char *const *levels;
    size_t nknots;                /* ns(): boundary low, interior knots, */
    const double *knots;          /*       boundary high (df + 1 values) */
} rhaz_design_var;

const rhaz_design_spec *rhaz_design_spec_of(const rhaz_design *d);
rhaz_design *rhaz_design_build_newdata(const rhaz_design *d,
                                       const rhaz_table *newdata,
                                       rhaz_error *err);
rhaz_design *rhaz_design_spec_build(const rhaz_design_spec *s,
                                    const rhaz_table *newdata,
                                    rhaz_error *err);
const char *rhaz_design_spec_formula(const rhaz_design_spec *s);
int rhaz_design_spec_drop_intercept(const rhaz_design_spec *s);
size_t rhaz_design_spec_nvars(const rhaz_design_spec *s);
rhaz_status rhaz_design_spec_var(const rhaz_design_spec *s, size_t k,
                                 rhaz_design_var *out);
/* Rebuild a spec (e.g. read back from a fit's JSON): the formula text,
 * then for each of its variables (in the order rhaz_design_spec_var
 * lists them, matched by label) levels or knots.  Errors name the
 * variable. */
rhaz_design_spec *rhaz_design_spec_make(const char *formula,
                                        int drop_intercept, size_t nvars,
                                        const rhaz_design_var *vars,
                                        rhaz_error *err);
rhaz_design_spec *rhaz_design_spec_copy(const rhaz_design_spec *s);
void rhaz_design_spec_free(rhaz_design_spec *s); /* accepts NULL */

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
