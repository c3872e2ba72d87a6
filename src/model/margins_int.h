/* margins_int.h -- what margins.c (options, the frame, the quantities and
 * their order) shares with margins_eval.c (counterfactual model matrices
 * by blocks of rows, the sums over rows on several threads).
 *
 * The frame: the columns of the data the formula's right-hand side reads,
 * on the rows the fit used (or one row per group with atmeans).
 *
 * A setting: values given to some frame columns on every row (an at
 * value, a factor level, or a numerical-derivative shift of the row's
 * value).  The model matrix of a setting is never built whole.  Where
 * every set column enters each equation only as itself (a numeric main
 * effect x: one column equal to x) or as a factor main effect (its
 * indicator columns), the setting's matrix is the base matrix (the fit's
 * coding of the frame, built once) with those columns replaced by
 * constants: no rebuild ("linear" columns, lin_info).  Otherwise the rows
 * are coded again by the fit's design spec (rhaz_design_spec_build), a
 * block of rows at a time (MARGINS_BLOCK), so that whatever the formula
 * does to a variable (log, powers, ns(), interactions) is applied to the
 * new value and memory stays a block's.
 *
 * Sums over rows: the rows are cut into blocks fixed by n (not by the
 * number of threads); each block's sums go to its own slot, and the slots
 * are added in block order, so results are identical bit for bit with
 * any number of threads (core_parallel). */
#ifndef RHAZ_MARGINS_INT_H
#define RHAZ_MARGINS_INT_H

#include "predict_int.h"
#include "formula_int.h"

#define MARGINS_MAXCOLS 256
#define MARGINS_MAXSET 10 /* at variables (8) + the one a quantity sets */
#define MARGINS_BLOCK 16384

typedef struct {
    size_t n, ncol;
    const char *name[MARGINS_MAXCOLS];
    int is_str[MARGINS_MAXCOLS];
    int factor[MARGINS_MAXCOLS];     /* 1: read only through factors */
    int numeric_use[MARGINS_MAXCOLS];/* 1: read by a numeric expression */
    long fvar[MARGINS_MAXCOLS];      /* a spec variable coding it as factor, or -1 */
    const rhaz_design_spec *fsp[MARGINS_MAXCOLS]; /* the spec fvar refers to */
    double *num[MARGINS_MAXCOLS];    /* n values (numeric columns) */
    unsigned char borrowed[MARGINS_MAXCOLS]; /* 1: num[c] is the data's own
                                                column (every row used) */
    const char **str[MARGINS_MAXCOLS]; /* n values (text), borrowed */
    int *group;              /* n group ids */
    double *w;               /* n case weights of the fit, or NULL */
    double *fw;              /* n case weights of the fit even with
                                --unweighted (the Cox centre), or NULL */
    size_t ngroups;
    char **glabel;           /* "by=value" per group */
} mframe;

/* How frame column c enters equation e's model matrix. */
typedef enum {
    LIN_NONE = 0, /* not at all */
    LIN_NUM,      /* as one column equal to c (a numeric main effect) */
    LIN_FAC,      /* as the indicator columns of a factor main effect */
    LIN_OTHER     /* any other way: the rows are coded again */
} lin_kind;

typedef struct {
    lin_kind kind;
    size_t j;         /* LIN_NUM: the column; LIN_FAC: the first column */
    size_t nj;        /* LIN_FAC: columns of the term */
    const char *label;/* LIN_FAC: the factor's label (colname = label level) */
} lin_info;

typedef enum { SET_VAL, SET_SHIFT } set_kind;

typedef struct {
    long col;
    set_kind kind;
    const char *s;  /* SET_VAL: the value as text (levels, at values) */
    double x;       /* SET_VAL: the value as a number (numeric columns) */
    double step;    /* SET_SHIFT: v + step h, h = 1e-4 |v| (1e-4 mabs if v = 0) */
    double mabs;
} set_entry;

typedef struct {
    size_t n;
    set_entry e[MARGINS_MAXSET];
} msetting;

/* A factor's indicator columns held as level codes (the base matrix
 * leaves them unwritten, as the fits' sparse indicator blocks): row i has
 * 1 in column j0 + code[i] - shift when code[i] >= shift, 0 in the term's
 * other columns. */
typedef struct {
    size_t j0, nj;
    const int *code;  /* n */
    int shift;
} mfac;

/* Everything a pass over the rows reads. */
typedef struct {
    const mframe *F;
    const pred_model *pm;
    const rhaz_design_spec *const *sps; /* pm->neq specs */
    const double *X[PRED_NEQ];          /* base matrices, n x p[e] */
    char *const *colnames[PRED_NEQ];    /* their column names */
    const mfac *fac[PRED_NEQ];          /* nfac[e] terms held as codes */
    size_t nfac[PRED_NEQ];
    const long *jfac[PRED_NEQ];         /* p[e]: column j's term in fac, or
                                           -1 (NULL: none) */
    lin_info *lin[PRED_NEQ];            /* F->ncol each */
    const unsigned char *affine;        /* F->ncol: 1 if every variable
                                           of the formulas reading column c
                                           is c itself (a number): each
                                           column of the matrices is
                                           affine in c (c alone or times
                                           other variables) */
    int threads;
} mrun;

/* Sums of one quantity per group, W doubles each: [0] sum w, [1] sum w q
 * (or w times the row's derivative), J = [4 .. 4+P) its gradient in
 * theta; with PASS_PRED_K also [2..3] sum w dq/du_e and K_e =
 * [4+P(1+e) .. 4+P(2+e)) sum w sum_l d2q/du_e du_l du_l/dtheta (the
 * gradient of sum w dq/du_e). */
#define MSUM_W(P, mode) ((mode) == PASS_PRED_K ? 4 + 3 * (P) : 4 + (P))

typedef enum {
    PASS_PRED,   /* q: [0], [1], J */
    PASS_PRED_K, /* and [2..3], K_e (for derivatives of linear columns) */
    PASS_DERIV   /* the derivative in column c: x(1) - x(0) where the
                    rows are affine in c, else 5-point differences */
} pass_mode;

/* Add a setting's entry (a later one of the same column replaces it). */
void msetting_set(msetting *S, const set_entry *e);
/* Column c's numeric value on row r under S. */
double msetting_num(const mframe *F, const msetting *S, long c, size_t r);
/* 1 if S needs the rows coded again (a set column is LIN_OTHER). */
int msetting_slow(const mrun *R, const msetting *S);
/* Sums per group (G x MSUM_W(P, mode), zeroed here) of the quantity of
 * mode under setting S (PASS_DERIV: of column c, S's values shifted);
 * what names the quantity in an error. */
rhaz_status margins_pass(const mrun *R, const msetting *S, pass_mode mode,
                         long c, const char *what, double *sums,
                         rhaz_error *err);
/* The equations' matrices d[e] of frame rows [b0, b0 + nb) under S,
 * coded again (the caller frees them). */
rhaz_status margins_code_rows(const mrun *R, const msetting *S, size_t b0,
                              size_t nb, const char *what, rhaz_design **d,
                              rhaz_error *err);

#endif
