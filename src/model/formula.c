/* formula.c -- R model formulas: tokenizer, recursive-descent parser with
 * R's operator precedence, and the expansion into terms that R's
 * stats::terms.formula performs (a*b, (a+b):c, (a+b+c)^2, a/b, -a, -1).
 *
 * Precedence, highest first (R's ?Syntax): ^ (right), unary - +, :,
 * * /, binary + -, ~.
 */
#include "formula_int.h"
#include "core/util.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- small helpers ---------- */

static void fnode_free(fnode *n)
{
    if (!n)
        return;
    free(n->name);
    fnode_free(n->l);
    fnode_free(n->r);
    for (size_t i = 0; i < n->nargs; i++) {
        fnode_free(n->args[i]);
        if (n->argnames)
            free(n->argnames[i]);
    }
    free(n->args);
    free(n->argnames);
    free(n);
}

/* growable string */
typedef struct {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->oom)
        return;
    if (b->len + k + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        while (cap < b->len + k + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, k + 1);
    b->len += k;
}

/* R's deparse of a number: up to 15 significant digits, fixed or
 * scientific notation, whichever is shorter (fixed on ties). */
static void deparse_rec(const fnode *n, sbuf *b)
{
    char tmp[64];
    switch (n->kind) {
    case N_NUM:
        core_format_r(n->num, tmp, sizeof tmp);
        sb_add(b, tmp);
        break;
    case N_NAME: {
        /* backquote names that are not syntactic */
        int syn = isalpha((unsigned char)n->name[0]) || n->name[0] == '.';
        for (const char *c = n->name; *c && syn; c++)
            if (!isalnum((unsigned char)*c) && *c != '.' && *c != '_')
                syn = 0;
        if (!syn)
            sb_add(b, "`");
        sb_add(b, n->name);
        if (!syn)
            sb_add(b, "`");
        break;
    }
    case N_CALL:
        sb_add(b, n->name);
        sb_add(b, "(");
        for (size_t i = 0; i < n->nargs; i++) {
            if (i)
                sb_add(b, ", ");
            if (n->argnames && n->argnames[i]) {
                sb_add(b, n->argnames[i]);
                sb_add(b, " = ");
            }
            deparse_rec(n->args[i], b);
        }
        sb_add(b, ")");
        break;
    case N_BIN: {
        deparse_rec(n->l, b);
        char op[4] = {n->op, 0, 0, 0};
        if (n->op == '+' || n->op == '-' || n->op == '*') {
            op[0] = ' ';
            op[1] = n->op;
            op[2] = ' ';
        }
        sb_add(b, op);
        deparse_rec(n->r, b);
        break;
    }
    case N_NEG:
        sb_add(b, "-");
        deparse_rec(n->l, b);
        break;
    case N_PAREN:
        sb_add(b, "(");
        deparse_rec(n->l, b);
        sb_add(b, ")");
        break;
    }
}

char *rhaz_fnode_deparse(const fnode *n)
{
    sbuf b = {0};
    deparse_rec(n, &b);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s ? b.s : core_strdup("");
}

/* ---------- tokenizer and parser ---------- */

typedef enum { T_END, T_NUM, T_NAME, T_OP } tok_kind;

typedef struct {
    const char *src;
    size_t i;
    tok_kind kind;
    char op;        /* T_OP */
    double num;
    char name[256];
    int pos;        /* of the current token, 1-based */
    rhaz_error *err;
    int failed;
    int depth;      /* nesting, capped against stack exhaustion */
} parser;

static void perr(parser *p, int pos, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void perr(parser *p, int pos, const char *what, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rhaz_error_set(p->err, RHAZ_EPARSE, NULL, 0,
                   "formula, position %d%s%s%s: %s", pos, what ? " ('" : "",
                   what ? what : "", what ? "')" : "", msg);
    if (p->err) {
        p->err->column = pos;
        snprintf(p->err->what, sizeof p->err->what, "%s", what ? what : "");
    }
}

static void next(parser *p)
{
    const char *s = p->src;
    while (s[p->i] && isspace((unsigned char)s[p->i]))
        p->i++;
    p->pos = (int)p->i + 1;
    char c = s[p->i];
    if (!c) {
        p->kind = T_END;
        return;
    }
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)s[p->i + 1]))) {
        char *end;
        p->num = strtod(s + p->i, &end);
        p->i = (size_t)(end - s);
        if (s[p->i] == 'L') /* R integer literal */
            p->i++;
        p->kind = T_NUM;
        return;
    }
    if (isalpha((unsigned char)c) || c == '.' || c == '_' || c == '`') {
        size_t k = 0;
        if (c == '`') {
            p->i++;
            while (s[p->i] && s[p->i] != '`') {
                if (k + 1 < sizeof p->name)
                    p->name[k++] = s[p->i];
                p->i++;
            }
            if (s[p->i] != '`') {
                perr(p, p->pos, NULL, "unterminated backquoted name");
                p->kind = T_END;
                return;
            }
            p->i++;
        } else {
            while (isalnum((unsigned char)s[p->i]) || s[p->i] == '.' || s[p->i] == '_') {
                if (k + 1 < sizeof p->name)
                    p->name[k++] = s[p->i];
                p->i++;
            }
        }
        p->name[k] = 0;
        p->kind = T_NAME;
        return;
    }
    if (strchr("~+-*/^:(),=", c)) {
        p->op = c;
        p->kind = T_OP;
        p->i++;
        return;
    }
    perr(p, p->pos, NULL, "unexpected character '%c'", c);
    p->kind = T_END;
}

static fnode *mk(fnode_kind k, int pos)
{
    fnode *n = calloc(1, sizeof *n);
    if (n) {
        n->kind = k;
        n->pos = pos;
    }
    return n;
}

static fnode *parse_sum(parser *p);

static fnode *parse_primary(parser *p)
{
    if (p->failed)
        return NULL;
    int pos = p->pos;
    if (p->kind == T_NUM) {
        fnode *n = mk(N_NUM, pos);
        if (n)
            n->num = p->num;
        next(p);
        return n;
    }
    if (p->kind == T_NAME) {
        char name[256];
        snprintf(name, sizeof name, "%s", p->name);
        next(p);
        if (p->kind == T_OP && p->op == '(') {
            fnode *n = mk(N_CALL, pos);
            if (!n || !(n->name = core_strdup(name))) {
                fnode_free(n);
                perr(p, pos, NULL, "out of memory parsing the formula");
                return NULL;
            }
            next(p);
            if (p->kind == T_OP && p->op == ')') {
                next(p);
                return n;
            }
            for (;;) {
                char *argname = NULL;
                /* named argument: NAME '=' expr */
                if (p->kind == T_NAME) {
                    size_t save_i = p->i;
                    int save_pos = p->pos;
                    char nm[256];
                    snprintf(nm, sizeof nm, "%s", p->name);
                    next(p);
                    if (p->kind == T_OP && p->op == '=') {
                        argname = core_strdup(nm);
                        next(p);
                    } else {
                        /* not named: re-tokenize from the saved start */
                        (void)save_i;
                        p->i = (size_t)save_pos - 1;
                        next(p);
                    }
                }
                fnode *a = parse_sum(p);
                fnode **na = realloc(n->args, (n->nargs + 1) * sizeof *na);
                char **nn = realloc(n->argnames, (n->nargs + 1) * sizeof *nn);
                if (na)
                    n->args = na;
                if (nn)
                    n->argnames = nn;
                if (!a || !na || !nn) {
                    fnode_free(a);
                    free(argname);
                    fnode_free(n);
                    perr(p, pos, name, "bad argument");
                    return NULL;
                }
                n->args[n->nargs] = a;
                n->argnames[n->nargs] = argname;
                n->nargs++;
                if (p->kind == T_OP && p->op == ',') {
                    next(p);
                    continue;
                }
                if (p->kind == T_OP && p->op == ')') {
                    next(p);
                    return n;
                }
                perr(p, p->pos, name, "expected ',' or ')' in the arguments of %s()", name);
                fnode_free(n);
                return NULL;
            }
        }
        fnode *n = mk(N_NAME, pos);
        if (!n || !(n->name = core_strdup(name))) {
            fnode_free(n);
            perr(p, pos, NULL, "out of memory parsing the formula");
            return NULL;
        }
        return n;
    }
    if (p->kind == T_OP && p->op == '(') {
        next(p);
        fnode *in = parse_sum(p);
        if (!in)
            return NULL;
        if (!(p->kind == T_OP && p->op == ')')) {
            perr(p, pos, NULL, "unbalanced parenthesis");
            fnode_free(in);
            return NULL;
        }
        next(p);
        fnode *n = mk(N_PAREN, pos);
        if (!n) {
            fnode_free(in);
            return NULL;
        }
        n->l = in;
        return n;
    }
    if (p->kind == T_END)
        perr(p, pos, NULL, "unexpected end of formula");
    else
        perr(p, pos, NULL, "unexpected '%c'", p->op);
    return NULL;
}

static fnode *parse_unary(parser *p);

static fnode *parse_power(parser *p)
{
    fnode *l = parse_primary(p);
    if (l && p->kind == T_OP && p->op == '^') {
        int pos = p->pos;
        next(p);
        fnode *r = parse_unary(p); /* right associative */
        fnode *n = r ? mk(N_BIN, pos) : NULL;
        if (!n) {
            fnode_free(l);
            fnode_free(r);
            return NULL;
        }
        n->op = '^';
        n->l = l;
        n->r = r;
        return n;
    }
    return l;
}

static fnode *parse_unary(parser *p)
{
    if (p->depth > 200) {
        perr(p, p->pos, NULL, "formula nested too deeply");
        return NULL;
    }
    if (p->kind == T_OP && (p->op == '-' || p->op == '+')) {
        p->depth++;
        char op = p->op;
        int pos = p->pos;
        next(p);
        fnode *in = parse_unary(p);
        p->depth--;
        if (!in)
            return NULL;
        if (op == '+')
            return in;
        fnode *n = mk(N_NEG, pos);
        if (!n) {
            fnode_free(in);
            return NULL;
        }
        n->l = in;
        return n;
    }
    return parse_power(p);
}

static fnode *parse_binlevel(parser *p, int level);

static fnode *parse_binlevel(parser *p, int level)
{
    static const char *ops[] = {"+-", "*/", ":"};
    fnode *l = level == 2 ? parse_unary(p) : parse_binlevel(p, level + 1);
    while (l && p->kind == T_OP && strchr(ops[level], p->op)) {
        char op = p->op;
        int pos = p->pos;
        next(p);
        fnode *r = level == 2 ? parse_unary(p) : parse_binlevel(p, level + 1);
        fnode *n = r ? mk(N_BIN, pos) : NULL;
        if (!n) {
            fnode_free(l);
            fnode_free(r);
            return NULL;
        }
        n->op = op;
        n->l = l;
        n->r = r;
        l = n;
    }
    return l;
}

static fnode *parse_sum(parser *p)
{
    if (++p->depth > 200) {
        perr(p, p->pos, NULL, "formula nested too deeply");
        return NULL;
    }
    fnode *n = parse_binlevel(p, 0);
    p->depth--;
    return n;
}

/* ---------- term expansion (stats::terms) ---------- */

typedef struct {
    fset *sets;
    int *pos;
    size_t n, cap;
} tlist;

static void tl_free(tlist *t)
{
    free(t->sets);
    free(t->pos);
    t->sets = NULL;
    t->pos = NULL;
    t->n = t->cap = 0;
}

static int fset_eq(const fset *a, const fset *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static int fset_empty(const fset *a)
{
    for (size_t i = 0; i < FORMULA_MAXVARS / 64; i++)
        if (a->bits[i])
            return 0;
    return 1;
}

/* Expanded terms are capped: a*b*c*... doubles them with every factor
 * (2^k terms), and the duplicate check is linear. */
#define FORMULA_MAXTERMS 4096

/* 0, -1 out of memory, -2 more than FORMULA_MAXTERMS terms */
static int tl_add(tlist *t, const fset *s, int pos)
{
    if (fset_empty(s))
        return 0;
    for (size_t i = 0; i < t->n; i++)
        if (fset_eq(&t->sets[i], s))
            return 0;
    if (t->n >= FORMULA_MAXTERMS)
        return -2;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 8;
        fset *ns = realloc(t->sets, cap * sizeof *ns);
        if (!ns)
            return -1;
        t->sets = ns;
        int *np = realloc(t->pos, cap * sizeof *np);
        if (!np)
            return -1;
        t->pos = np;
        t->cap = cap;
    }
    t->sets[t->n] = *s;
    t->pos[t->n] = pos;
    t->n++;
    return 0;
}

typedef struct {
    parser *p;
    rhaz_formula *f;
    int intercept;
} expander;

static int is_special(const fnode *n, const char *name)
{
    return n->kind == N_CALL && strcmp(n->name, name) == 0;
}

/* Index of the variable with this deparsed label, adding it if new. */
static int var_index(expander *e, fnode *n)
{
    char *lab = rhaz_fnode_deparse(n);
    if (!lab) {
        perr(e->p, n->pos, NULL, "out of memory parsing the formula");
        return -1;
    }
    for (size_t i = 0; i < e->f->nvars; i++)
        if (strcmp(e->f->vars[i].label, lab) == 0) {
            free(lab);
            return (int)i;
        }
    if (e->f->nvars >= FORMULA_MAXVARS) {
        perr(e->p, n->pos, lab, "too many variables (at most %d)", FORMULA_MAXVARS);
        free(lab);
        return -1;
    }
    fvar *nv = realloc(e->f->vars, (e->f->nvars + 1) * sizeof *nv);
    if (!nv) {
        free(lab);
        perr(e->p, n->pos, NULL, "out of memory parsing the formula");
        return -1;
    }
    e->f->vars = nv;
    nv[e->f->nvars].label = lab;
    nv[e->f->nvars].node = n;
    nv[e->f->nvars].pos = n->pos;
    return (int)e->f->nvars++;
}

static int expand(expander *e, fnode *n, tlist *out);

static int add_special(expander *e, fnode *n)
{
    if (is_special(n, "strata")) {
        if (n->nargs == 0) {
            perr(e->p, n->pos, "strata", "strata() needs at least one column");
            return -1;
        }
        for (size_t i = 0; i < n->nargs; i++) {
            fnode **ns = realloc(e->f->strata, (e->f->nstrata + 1) * sizeof *ns);
            if (!ns)
                return -1;
            e->f->strata = ns;
            ns[e->f->nstrata++] = n->args[i];
        }
        return 0;
    }
    if (is_special(n, "frailty") || is_special(n, "frailty.gamma") ||
        is_special(n, "frailty.gaussian")) {
        /* one column, optionally theta = NUMBER (a fixed variance) */
        int ok = n->nargs == 1 || n->nargs == 2;
        if (ok && n->nargs == 2)
            ok = n->argnames && n->argnames[1] && !strcmp(n->argnames[1], "theta") &&
                 n->args[1]->kind == N_NUM && n->args[1]->num >= 0;
        if (!ok || (n->argnames && n->argnames[0])) {
            perr(e->p, n->pos, n->name, "%s() takes one column (and optionally "
                 "theta = a non-negative number)", n->name);
            return -1;
        }
        if (e->f->frailty) {
            perr(e->p, n->pos, n->name, "only one frailty term is allowed");
            return -1;
        }
        e->f->frailty = n->args[0];
        e->f->frailty_dist = is_special(n, "frailty.gaussian");
        e->f->frailty_theta = n->nargs == 2 ? n->args[1]->num : NAN;
        e->f->frailty_pos = n->pos;
        e->f->frailty_label = rhaz_fnode_deparse(n);
        if (!e->f->frailty_label) {
            perr(e->p, n->pos, NULL, "out of memory parsing the formula");
            return -1;
        }
        return 0;
    }
    /* cluster */
    if (n->nargs != 1) {
        perr(e->p, n->pos, "cluster", "cluster() takes one column");
        return -1;
    }
    if (e->f->cluster) {
        perr(e->p, n->pos, "cluster", "only one cluster() term is allowed");
        return -1;
    }
    e->f->cluster = n->args[0];
    return 0;
}

static int expand_cross(tlist *a, tlist *b, tlist *out)
{
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++) {
            fset s;
            for (size_t w = 0; w < FORMULA_MAXVARS / 64; w++)
                s.bits[w] = a->sets[i].bits[w] | b->sets[j].bits[w];
            int rc = tl_add(out, &s, a->pos[i]);
            if (rc < 0)
                return rc;
        }
    return 0;
}

static int expand(expander *e, fnode *n, tlist *out)
{
    if (e->p->failed)
        return -1;
    switch (n->kind) {
    case N_NUM:
        if (n->num == 1)
            e->intercept = 1;
        else if (n->num == 0)
            e->intercept = 0;
        else {
            perr(e->p, n->pos, NULL, "a number in a formula must be 0 or 1");
            return -1;
        }
        return 0;
    case N_PAREN:
        return expand(e, n->l, out);
    case N_NAME:
    case N_CALL: {
        if (n->kind == N_CALL && (is_special(n, "strata") || is_special(n, "cluster") ||
                                  is_special(n, "frailty") || is_special(n, "frailty.gamma") ||
                                  is_special(n, "frailty.gaussian")))
            return add_special(e, n);
        if (n->kind == N_CALL && is_special(n, "Surv")) {
            perr(e->p, n->pos, "Surv", "Surv() belongs on the left of '~'");
            return -1;
        }
        int v = var_index(e, n);
        if (v < 0)
            return -1;
        fset s = {{0}};
        s.bits[v / 64] |= (uint64_t)1 << (v % 64);
        return tl_add(out, &s, n->pos);
    }
    case N_NEG: {
        /* -1, -0, -term */
        if (n->l->kind == N_NUM) {
            if (n->l->num == 1)
                e->intercept = 0;
            else if (n->l->num == 0)
                e->intercept = 1;
            else {
                perr(e->p, n->pos, NULL, "a number in a formula must be 0 or 1");
                return -1;
            }
            return 0;
        }
        tlist rm = {0};
        int save = e->intercept;
        int rc = expand(e, n->l, &rm);
        e->intercept = save;
        tl_free(&rm); /* nothing to remove from */
        return rc;
    }
    case N_BIN: {
        tlist a = {0}, b = {0};
        int rc = 0;
        switch (n->op) {
        case '+':
            rc = expand(e, n->l, out);
            if (!rc)
                rc = expand(e, n->r, out);
            return rc;
        case '-': {
            rc = expand(e, n->l, out);
            if (rc)
                return rc;
            if (n->r->kind == N_NUM) {
                if (n->r->num == 1)
                    e->intercept = 0;
                else if (n->r->num == 0)
                    e->intercept = 1;
                else {
                    perr(e->p, n->r->pos, NULL, "a number in a formula must be 0 or 1");
                    return -1;
                }
                return 0;
            }
            int save = e->intercept;
            rc = expand(e, n->r, &b);
            e->intercept = save;
            if (!rc) {
                size_t k = 0;
                for (size_t i = 0; i < out->n; i++) {
                    int drop = 0;
                    for (size_t j = 0; j < b.n; j++)
                        if (fset_eq(&out->sets[i], &b.sets[j]))
                            drop = 1;
                    if (!drop) {
                        out->sets[k] = out->sets[i];
                        out->pos[k] = out->pos[i];
                        k++;
                    }
                }
                out->n = k;
            }
            tl_free(&b);
            return rc;
        }
        case ':':
        case '*':
        case '/':
            rc = expand(e, n->l, &a);
            if (!rc)
                rc = expand(e, n->r, &b);
            if (!rc) {
                if (n->op == '*') {
                    for (size_t i = 0; i < a.n && !rc; i++)
                        rc = tl_add(out, &a.sets[i], a.pos[i]);
                    for (size_t i = 0; i < b.n && !rc; i++)
                        rc = tl_add(out, &b.sets[i], b.pos[i]);
                }
                if (n->op == '/') {
                    /* a/b = a + (all variables of a):b */
                    fset all = {{0}};
                    for (size_t i = 0; i < a.n && !rc; i++) {
                        rc = tl_add(out, &a.sets[i], a.pos[i]);
                        for (size_t w = 0; w < FORMULA_MAXVARS / 64; w++)
                            all.bits[w] |= a.sets[i].bits[w];
                    }
                    tlist u = {0};
                    if (!rc && a.n)
                        rc = tl_add(&u, &all, a.pos[0]);
                    if (!rc)
                        rc = expand_cross(&u, &b, out);
                    tl_free(&u);
                } else if (!rc)
                    rc = expand_cross(&a, &b, out);
            }
            tl_free(&a);
            tl_free(&b);
            if (rc < 0 && !e->p->failed)
                perr(e->p, n->pos, NULL, "%s", rc == -2 ? "too many terms (at most "
                                                        "4096)" : "out of memory parsing the formula");
            return rc;
        case '^': {
            if (n->r->kind != N_NUM || n->r->num < 1 || n->r->num != floor(n->r->num)) {
                perr(e->p, n->pos, NULL, "the power of a term must be a positive integer");
                return -1;
            }
            rc = expand(e, n->l, &a);
            tlist cur = {0};
            for (size_t i = 0; i < a.n && !rc; i++)
                rc = tl_add(&cur, &a.sets[i], a.pos[i]);
            /* after a.n crossings no new term can appear: (a+b)^9 = (a+b)^2
             * (and no conversion of a huge power to int) */
            size_t kmax = n->r->num > (double)a.n ? a.n : (size_t)n->r->num;
            for (size_t k = 1; k < kmax && !rc; k++) {
                tlist nx = {0};
                for (size_t i = 0; i < cur.n && !rc; i++)
                    rc = tl_add(&nx, &cur.sets[i], cur.pos[i]);
                if (!rc)
                    rc = expand_cross(&cur, &a, &nx);
                tl_free(&cur);
                cur = nx;
            }
            for (size_t i = 0; i < cur.n && !rc; i++)
                rc = tl_add(out, &cur.sets[i], cur.pos[i]);
            tl_free(&cur);
            tl_free(&a);
            if (rc < 0 && !e->p->failed)
                perr(e->p, n->pos, NULL, "%s", rc == -2 ? "too many terms (at most "
                                                        "4096)" : "out of memory parsing the formula");
            return rc;
        }
        }
        break;
    }
    }
    perr(e->p, n->pos, NULL, "unsupported formula syntax");
    return -1;
}

static int popcount_set(const fset *s)
{
    int c = 0;
    for (size_t w = 0; w < FORMULA_MAXVARS / 64; w++)
        c += __builtin_popcountll(s->bits[w]);
    return c;
}

void rhaz_formula_free(rhaz_formula *f)
{
    if (!f)
        return;
    free(f->text);
    fnode_free(f->root);
    free(f->lhs_label);
    for (size_t i = 0; i < f->nvars; i++)
        free(f->vars[i].label);
    free(f->vars);
    for (size_t k = 0; k < f->nterms; k++)
        free(f->terms[k].label);
    free(f->terms);
    free(f->strata);
    free(f->frailty_label);
    free(f);
}

rhaz_formula *rhaz_formula_parse(const char *text, rhaz_error *err)
{
    rhaz_error_clear(err);
    if (!text) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "no formula given");
        return NULL;
    }
    if (strlen(text) > 16384) { /* trees are walked recursively */
        rhaz_error_set(err, RHAZ_EPARSE, NULL, 0, "formula longer than 16384 characters");
        return NULL;
    }
    rhaz_formula *f = calloc(1, sizeof *f);
    if (!f || !(f->text = core_strdup(text))) {
        free(f);
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory parsing the formula");
        return NULL;
    }
    parser p = {.src = f->text, .err = err};
    next(&p);
    fnode *lhs = NULL, *rhs = NULL;
    int tilde_pos = 0;
    if (!(p.kind == T_OP && p.op == '~'))
        lhs = parse_sum(&p);
    if (!p.failed) {
        if (p.kind == T_OP && p.op == '~') {
            tilde_pos = p.pos;
            next(&p);
        } else
            perr(&p, p.pos, NULL, "expected '~'");
    }
    if (!p.failed)
        rhs = parse_sum(&p);
    if (!p.failed && p.kind != T_END)
        perr(&p, p.pos, NULL, "unexpected text after the formula");
    /* keep the trees alive in a synthetic root '~' node */
    fnode *root = mk(N_BIN, tilde_pos);
    if (root) {
        root->op = '~';
        root->l = lhs;
        root->r = rhs;
        f->root = root;
    } else {
        fnode_free(lhs);
        fnode_free(rhs);
        if (!p.failed)
            perr(&p, 1, NULL, "out of memory parsing the formula");
    }
    if (p.failed) {
        rhaz_formula_free(f);
        return NULL;
    }
    /* left-hand side */
    f->lhs = RHAZ_LHS_NONE;
    if (lhs) {
        f->lhs_node = lhs;
        if (lhs->kind == N_CALL && strcmp(lhs->name, "Surv") == 0) {
            if (lhs->nargs == 2)
                f->lhs = RHAZ_LHS_SURV2;
            else if (lhs->nargs == 3)
                f->lhs = RHAZ_LHS_SURV3;
            else {
                perr(&p, lhs->pos, "Surv",
                     "Surv() takes (time, event) or (start, stop, event)");
                rhaz_formula_free(f);
                return NULL;
            }
        } else
            f->lhs = RHAZ_LHS_VAR;
        f->lhs_label = rhaz_fnode_deparse(lhs);
        if (!f->lhs_label) {
            rhaz_formula_free(f);
            rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory parsing the formula");
            return NULL;
        }
    }
    /* right-hand side */
    expander e = {.p = &p, .f = f, .intercept = 1};
    tlist tl = {0};
    int xrc = expand(&e, rhs, &tl);
    if (xrc < 0 || p.failed) {
        if (!p.failed)
            perr(&p, rhs->pos, NULL, "%s", xrc == -2 ? "too many terms (at most "
                                                       "4096)" : "out of memory parsing the formula");
        tl_free(&tl);
        rhaz_formula_free(f);
        return NULL;
    }
    f->intercept = e.intercept;
    /* R's order: by interaction order, stable within an order */
    f->terms = calloc(tl.n ? tl.n : 1, sizeof *f->terms);
    if (!f->terms) {
        tl_free(&tl);
        rhaz_formula_free(f);
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory parsing the formula");
        return NULL;
    }
    int maxo = 0;
    for (size_t i = 0; i < tl.n; i++)
        if (popcount_set(&tl.sets[i]) > maxo)
            maxo = popcount_set(&tl.sets[i]);
    for (int o = 1; o <= maxo; o++)
        for (size_t i = 0; i < tl.n; i++) {
            if (popcount_set(&tl.sets[i]) != o)
                continue;
            fterm *t = &f->terms[f->nterms++];
            t->vars = tl.sets[i];
            t->order = o;
            t->pos = tl.pos[i];
            sbuf b = {0};
            for (size_t v = 0; v < f->nvars; v++)
                if (fset_has(&t->vars, v)) {
                    if (b.len)
                        sb_add(&b, ":");
                    sb_add(&b, f->vars[v].label);
                }
            t->label = b.s;
            if (b.oom || !b.s) {
                free(b.s);
                t->label = NULL;
                tl_free(&tl);
                rhaz_formula_free(f);
                rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory parsing the formula");
                return NULL;
            }
        }
    tl_free(&tl);
    return f;
}

const char *rhaz_formula_text(const rhaz_formula *f) { return f->text; }
rhaz_lhs_kind rhaz_formula_lhs(const rhaz_formula *f) { return f->lhs; }
int rhaz_formula_intercept(const rhaz_formula *f) { return f->intercept; }
size_t rhaz_formula_nterms(const rhaz_formula *f) { return f->nterms; }
const char *rhaz_formula_term(const rhaz_formula *f, size_t k)
{
    return k < f->nterms ? f->terms[k].label : NULL;
}

/* ---------- the columns a formula reads ---------- */

typedef struct {
    const char **v;
    size_t n, cap;
    int all, oom;
} namelist;

static void names_under(const fnode *n, namelist *L)
{
    if (!n || L->oom)
        return;
    switch (n->kind) {
    case N_NUM:
        return;
    case N_NAME:
        if (strcmp(n->name, ".") == 0)
            L->all = 1;
        for (size_t k = 0; k < L->n; k++)
            if (strcmp(L->v[k], n->name) == 0)
                return;
        if (L->n + 1 >= L->cap) {
            size_t cap = L->cap ? 2 * L->cap : 16;
            const char **v = realloc(L->v, cap * sizeof *v);
            if (!v) {
                L->oom = 1;
                return;
            }
            L->v = v;
            L->cap = cap;
        }
        L->v[L->n++] = n->name;
        return;
    case N_CALL: /* the function's name is not a column; its arguments are */
        for (size_t k = 0; k < n->nargs; k++)
            names_under(n->args[k], L);
        return;
    case N_BIN:
    case N_NEG:
    case N_PAREN:
        names_under(n->l, L);
        names_under(n->r, L);
        return;
    }
}

rhaz_status rhaz_formula_columns(const rhaz_formula *f, const char ***names,
                                 int *all, rhaz_error *err)
{
    namelist L = {0};
    *names = NULL;
    if (all)
        *all = 0;
    names_under(f->root, &L); /* '~' with the response and the right side */
    if (!L.oom && !L.v && !(L.v = malloc(sizeof *L.v)))
        L.oom = 1;
    if (L.oom) {
        free(L.v);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                              "out of memory listing the formula's columns");
    }
    L.v[L.n] = NULL;
    *names = L.v;
    if (all)
        *all = L.all;
    return RHAZ_OK;
}
