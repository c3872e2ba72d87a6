/* formula_int.h -- internal representation of parsed formulas, shared by
 * formula.c (parser, term expansion) and design.c (evaluation). */
#ifndef RHAZ_FORMULA_INT_H
#define RHAZ_FORMULA_INT_H

#include "core/util.h"
#include "rhaz.h"

#include <stdint.h>

/* Expression tree. */
typedef enum { N_NUM, N_NAME, N_CALL, N_BIN, N_NEG, N_PAREN } fnode_kind;

typedef struct fnode {
    fnode_kind kind;
    int pos;             /* 1-based character position in the formula */
    char op;             /* N_BIN: + - * / ^ : */
    double num;          /* N_NUM */
    char *name;          /* N_NAME: column; N_CALL: function */
    struct fnode *l, *r; /* N_BIN; N_NEG and N_PAREN use l */
    struct fnode **args; /* N_CALL */
    char **argnames;     /* N_CALL: NULL or "df" ... per argument */
    size_t nargs;
} fnode;

/* A variable of the formula (R's "variables" attribute): a deparsed
 * expression and its tree. */
typedef struct {
    char *label;   /* deparsed, e.g. "log(x)", "factor(g)" */
    fnode *node;
    int pos;
} fvar;

#define FORMULA_MAXVARS 256
typedef struct {
    uint64_t bits[FORMULA_MAXVARS / 64];
} fset;

typedef struct {
    fset vars;     /* variables in the term */
    int order;     /* number of variables */
    char *label;   /* "a:b" */
    int pos;       /* position of the first occurrence */
} fterm;

struct rhaz_formula {
    char *text;
    fnode *root;
    rhaz_lhs_kind lhs;
    fnode *lhs_node;        /* response expression or Surv() call */
    char *lhs_label;
    int intercept;
    fvar *vars;             /* all variables, response excluded */
    size_t nvars;
    fterm *terms;           /* in R's order */
    size_t nterms;
    fnode **strata;         /* arguments of strata() terms */
    size_t nstrata;
    fnode *cluster;         /* argument of a cluster() term, or NULL */
    fnode *frailty;         /* argument of a frailty() term, or NULL */
    int frailty_dist;       /* 0 frailty / frailty.gamma, 1 frailty.gaussian */
    double frailty_theta;   /* NaN, or theta = v (a fixed variance) */
    int frailty_pos;        /* position of the frailty() call */
    char *frailty_label;    /* "frailty(g)" deparsed */
};

/* What a design remembers of the rows it was built on, to code new rows
 * the same way (rhaz_design_spec_build): per formula variable, its kind,
 * factor levels and ns() knots. */
typedef struct {
    rhaz_design_var_kind kind;
    int used;           /* appears in a term */
    char **levels;      /* RHAZ_DVAR_FACTOR: nlev labels */
    size_t nlev;
    double *knots;      /* RHAZ_DVAR_NS: boundary low, interior, high */
    size_t nknots;
} dspec_var;

struct rhaz_design_spec {
    rhaz_formula *f;    /* parsed again from the formula text: owned */
    int drop_intercept;
    dspec_var *vars;    /* f->nvars */
};

static inline int fset_has(const fset *s, size_t i)
{
    return (int)((s->bits[i / 64] >> (i % 64)) & 1u);
}

/* Deparse a node as R's deparse() would (into a malloc'd string). */
char *rhaz_fnode_deparse(const fnode *n);

#endif
