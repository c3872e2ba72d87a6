/* regtable.c -- several fitted models side by side (see regtable.h). */
#include "rhaz.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CELL 64

typedef struct {
    size_t nterms, k;
    char **terms;   /* nterms term names (borrowed from the fits) */
    char (*est)[CELL];
    char (*se)[CELL];
} grid;

static const char *label_of(const rhaz_regtable_options *opt, const char *term)
{
    if (!opt || !opt->labels)
        return term;
    long jt = rhaz_table_find(opt->labels, "term");
    long jl = rhaz_table_find(opt->labels, "label");
    if (jt < 0 || jl < 0)
        return term;
    for (size_t i = 0; i < rhaz_table_nrow(opt->labels); i++) {
        const char *t = rhaz_table_str(opt->labels, (size_t)jt, i);
        const char *l = rhaz_table_str(opt->labels, (size_t)jl, i);
        if (t && l && strcmp(t, term) == 0)
            return l;
    }
    return term;
}

static const char *stars(double p)
{
    if (!(p == p))
        return "";
    return p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : "";
}

/* Fixed decimals, as esttab; values too small to show a digit at that
 * precision switch to two significant digits (1.2e-05) rather than
 * printing a misleading 0.000. */
static void fmt_num(char *out, double x, int dig, const char *suffix,
                    const char *open, const char *close)
{
    if (x != 0 && fabs(x) < 0.5 * pow(10, -dig))
        snprintf(out, CELL, "%s%.1e%s%s", open, x, close, suffix);
    else
        snprintf(out, CELL, "%s%.*f%s%s", open, dig, x, close, suffix);
}

static void grid_free(grid *g)
{
    free(g->terms);
    free(g->est);
    free(g->se);
}

static rhaz_status grid_build(grid *g, const rhaz_fit_summary *const *fits,
                              size_t k, const rhaz_regtable_options *opt,
                              rhaz_error *err)
{
    memset(g, 0, sizeof *g);
    size_t cap = 0;
    for (size_t m = 0; m < k; m++)
        cap += fits[m]->p;
    g->k = k;
    g->terms = malloc((cap ? cap : 1) * sizeof *g->terms);
    if (!g->terms)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the regression table");
    for (size_t m = 0; m < k; m++)
        for (size_t j = 0; j < fits[m]->p; j++) {
            size_t t = 0;
            while (t < g->nterms && strcmp(g->terms[t], fits[m]->coef[j].term))
                t++;
            if (t == g->nterms)
                g->terms[g->nterms++] = fits[m]->coef[j].term;
        }
    g->est = calloc((g->nterms ? g->nterms : 1) * k, CELL);
    g->se = calloc((g->nterms ? g->nterms : 1) * k, CELL);
    if (!g->est || !g->se) {
        grid_free(g);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the regression table");
    }
    int dig = opt && opt->digits > 0 ? opt->digits : 3;
    int ex = opt && opt->exponentiate;
    for (size_t t = 0; t < g->nterms; t++)
        for (size_t m = 0; m < k; m++) {
            const rhaz_coef *c = NULL;
            for (size_t j = 0; j < fits[m]->p; j++)
                if (strcmp(fits[m]->coef[j].term, g->terms[t]) == 0)
                    c = &fits[m]->coef[j];
            char *e = g->est[t * k + m], *s = g->se[t * k + m];
            if (!c)
                continue;
            if (c->aliased || !isfinite(c->estimate)) {
                snprintf(e, CELL, "(dropped)");
                continue;
            }
            double b = c->estimate, se = c->std_error;
            if (ex) {
                se = exp(b) * se;
                b = exp(b);
            }
            const char *st = opt && opt->no_stars ? "" : stars(c->p_value);
            fmt_num(e, b, dig, st, "", "");
            if (isfinite(se))
                fmt_num(s, se, dig, "", "(", ")");
        }
    return RHAZ_OK;
}

/* 1 if a coefficient's p-value is not its Wald p (a Firth fit's profile
 * penalized likelihood-ratio tests). */
static int profile_p(const rhaz_fit_summary *f)
{
    for (size_t j = 0; j < f->p; j++) {
        const rhaz_coef *c = &f->coef[j];
        if (c->aliased || !isfinite(c->estimate) || !(c->std_error > 0) ||
            !isfinite(c->p_value))
            continue;
        double wald = 2 * gsl_cdf_ugaussian_Q(fabs(c->estimate / c->std_error));
        if (fabs(c->p_value - wald) > 1e-6 * fmax(wald, 1e-300) + 1e-12)
            return 1;
    }
    return 0;
}

static void latex_escape(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '_': case '%': case '&': case '#': case '$': case '{': case '}':
            fputc('\\', fp);
            fputc(*s, fp);
            break;
        case '^': fputs("\\^{}", fp); break;
        case '~': fputs("\\~{}", fp); break;
        case '\\': fputs("\\textbackslash{}", fp); break;
        default: fputc(*s, fp);
        }
    }
}

static void csv_cell(FILE *fp, const char *s) { rhaz_csv_field(fp, s); }

/* One table row in the chosen format; cells[0] is the row label. */
static void put_row(FILE *fp, rhaz_regtable_format fmt, const char *const *cells,
                    size_t n, int w0, int w)
{
    for (size_t i = 0; i < n; i++) {
        const char *c = cells[i] ? cells[i] : "";
        switch (fmt) {
        case RHAZ_REGTABLE_TEXT:
            if (i == 0)
                fprintf(fp, "%-*s", w0, c);
            else
                fprintf(fp, " %*s", w, c);
            break;
        case RHAZ_REGTABLE_LATEX:
            if (i)
                fputs(" & ", fp);
            latex_escape(fp, c);
            break;
        case RHAZ_REGTABLE_MARKDOWN:
            fprintf(fp, "| %s ", c);
            break;
        case RHAZ_REGTABLE_CSV:
            if (i)
                fputc(',', fp);
            csv_cell(fp, c);
            break;
        }
    }
    if (fmt == RHAZ_REGTABLE_LATEX)
        fputs(" \\\\", fp);
    else if (fmt == RHAZ_REGTABLE_MARKDOWN)
        fputc('|', fp);
    fputc('\n', fp);
}

static void rule(FILE *fp, rhaz_regtable_format fmt, const char *latex, size_t n,
                 int w0, int w)
{
    if (fmt == RHAZ_REGTABLE_LATEX)
        fprintf(fp, "%s\n", latex);
    else if (fmt == RHAZ_REGTABLE_TEXT) {
        int len = w0 + (int)(n - 1) * (w + 1);
        for (int i = 0; i < len; i++)
            fputc('-', fp);
        fputc('\n', fp);
    } /* markdown and CSV have no rules besides the header */
}

rhaz_status rhaz_regtable_write(FILE *fp, const rhaz_fit_summary *const *fits,
                                size_t k, rhaz_regtable_format fmt,
                                const rhaz_regtable_options *opt,
                                rhaz_error *err)
{
    if (k == 0)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "no models to tabulate");
    grid g;
    rhaz_status st = grid_build(&g, fits, k, opt, err);
    if (st)
        return st;
    size_t n = k + 1;
    const char **cells = calloc(n, sizeof *cells);
    char(*buf)[CELL] = calloc(n, CELL);
    char(*names)[CELL] = calloc(n, CELL);
    if (!cells || !buf || !names) {
        free(cells);
        free(buf);
        free(names);
        grid_free(&g);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the regression table");
    }
    /* column widths for text */
    int w0 = 12, w = 10;
    for (size_t t = 0; t < g.nterms; t++) {
        int l = (int)strlen(label_of(opt, g.terms[t]));
        if (l > w0)
            w0 = l;
        for (size_t m = 0; m < k; m++)
            if ((int)strlen(g.est[t * k + m]) > w)
                w = (int)strlen(g.est[t * k + m]);
    }
    for (size_t m = 0; m < k; m++) {
        if (opt && opt->model_names && opt->model_names[m])
            snprintf(names[m + 1], CELL, "%s", opt->model_names[m]);
        else
            snprintf(names[m + 1], CELL, "(%zu)", m + 1);
        if ((int)strlen(names[m + 1]) > w)
            w = (int)strlen(names[m + 1]);
        const char *mo = fits[m]->model ? fits[m]->model : "";
        int ml = (int)strlen(mo) + (fits[m]->firth && !strstr(mo, "firth") ? 8 : 0);
        if (ml > w)
            w = ml;
    }
    for (size_t m = 0; m < k; m++)
        if (fits[m]->frailty && w0 < 24)
            w0 = 24; /* "Frailty variance (theta)" */
    if (w0 > 40)
        w0 = 40;
    const char *title = opt && opt->title ? opt->title : NULL;
    if (fmt == RHAZ_REGTABLE_LATEX) {
        fputs("\\begin{table}[htbp]\n\\centering\n", fp);
        if (title) {
            fputs("\\caption{", fp);
            latex_escape(fp, title);
            fputs("}\n", fp);
        }
        fputs("\\begin{tabular}{l", fp);
        for (size_t m = 0; m < k; m++)
            fputc('c', fp);
        fputs("}\n\\toprule\n", fp);
    } else if (title && fmt == RHAZ_REGTABLE_MARKDOWN) {
        /* bold caption, closed; Markdown's emphasis and link characters in
           the title are backslash-escaped so they cannot reopen it */
        fputs("**", fp);
        for (const char *c = title; *c; c++) {
            if (strchr("\\`*_[]<>|#", *c))
                fputc('\\', fp);
            fputc(*c, fp);
        }
        fputs("**\n\n", fp);
    } else if (title && fmt != RHAZ_REGTABLE_CSV) {
        fprintf(fp, "%s\n\n", title);
    }
    if (fmt == RHAZ_REGTABLE_TEXT)
        rule(fp, fmt, "", n, w0, w);
    /* header: model names, then model types */
    cells[0] = fmt == RHAZ_REGTABLE_CSV ? "term" : "";
    for (size_t m = 0; m < k; m++)
        cells[m + 1] = names[m + 1];
    put_row(fp, fmt, cells, n, w0, w);
    if (fmt == RHAZ_REGTABLE_MARKDOWN) {
        fputs("|:---", fp);
        for (size_t m = 0; m < k; m++)
            fputs("|---:", fp);
        fputs("|\n", fp);
    }
    /* the model row, unless the titles already say it all */
    cells[0] = fmt == RHAZ_REGTABLE_CSV ? "model" : "";
    int same = 1;
    for (size_t m = 0; m < k; m++) {
        const rhaz_fit_summary *f = fits[m];
        snprintf(buf[m + 1], CELL, "%s", f->model ? f->model : "");
        if (f->firth && !strstr(buf[m + 1], "firth"))
            snprintf(buf[m + 1], CELL, "%s (Firth)", f->model ? f->model : "");
        cells[m + 1] = buf[m + 1];
        same &= strcmp(buf[m + 1], names[m + 1]) == 0;
    }
    if (!same)
        put_row(fp, fmt, cells, n, w0, w);
    rule(fp, fmt, "\\midrule", n, w0, w);
    for (size_t t = 0; t < g.nterms; t++) {
        cells[0] = label_of(opt, g.terms[t]);
        for (size_t m = 0; m < k; m++)
            cells[m + 1] = g.est[t * k + m];
        put_row(fp, fmt, cells, n, w0, w);
        cells[0] = "";
        int any = 0;
        for (size_t m = 0; m < k; m++) {
            cells[m + 1] = g.se[t * k + m];
            any |= cells[m + 1][0] != '\0';
        }
        if (any)
            put_row(fp, fmt, cells, n, w0, w);
    }
    rule(fp, fmt, "\\midrule", n, w0, w);
    /* model statistics */
    static const char *const statnames[] = {"N", "Events", "Clusters",
                                            "Log-likelihood", "AIC",
                                            "Frailty variance (theta)", "Imputations"};
    static const int order[] = {0, 1, 2, 5, 6, 3, 4};
    int any_clusters = 0, any_frailty = 0, any_pooled = 0;
    for (size_t m = 0; m < k; m++) {
        any_clusters |= fits[m]->n_clusters > 0;
        any_frailty |= fits[m]->frailty;
        any_pooled |= fits[m]->imputations > 0;
    }
    for (int oi = 0; oi < 7; oi++) {
        int r = order[oi];
        if ((r == 2 && !any_clusters) || (r == 5 && !any_frailty) || (r == 6 && !any_pooled))
            continue;
        cells[0] = statnames[r];
        for (size_t m = 0; m < k; m++) {
            const rhaz_fit_summary *f = fits[m];
            char *b = buf[m + 1];
            switch (r) {
            case 0: snprintf(b, CELL, "%zu", f->n); break;
            case 1: /* (size_t)-1: not an events count (a margins column) */
                if (f->events != (size_t)-1)
                    snprintf(b, CELL, "%zu", f->events);
                else
                    b[0] = '\0';
                break;
            case 2:
                if (f->n_clusters)
                    snprintf(b, CELL, "%zu", f->n_clusters);
                else
                    b[0] = '\0';
                break;
            case 3:
                if (isfinite(f->loglik))
                    snprintf(b, CELL, "%.2f", f->loglik);
                else
                    b[0] = '\0';
                break;
            case 4:
                if (isfinite(f->aic))
                    snprintf(b, CELL, "%.2f", f->aic);
                else
                    b[0] = '\0';
                break;
            case 5:
                if (f->frailty && isfinite(f->frailty_theta))
                    snprintf(b, CELL, "%.4g", f->frailty_theta);
                else
                    b[0] = '\0';
                break;
            case 6:
                if (f->imputations)
                    snprintf(b, CELL, "%zu", f->imputations);
                else
                    b[0] = '\0';
                break;
            }
            cells[m + 1] = b;
        }
        put_row(fp, fmt, cells, n, w0, w);
    }
    if (fmt == RHAZ_REGTABLE_LATEX)
        fputs("\\bottomrule\n\\end{tabular}\n", fp);
    else if (fmt == RHAZ_REGTABLE_TEXT)
        rule(fp, fmt, "", n, w0, w);
    /* notes: honesty about what each column is */
    const char *pre = fmt == RHAZ_REGTABLE_LATEX ? "\\par\\footnotesize "
                      : fmt == RHAZ_REGTABLE_CSV ? "# "
                                                 : "";
    const char *post = fmt == RHAZ_REGTABLE_MARKDOWN ? "  \n" : "\n";
    if (fmt == RHAZ_REGTABLE_MARKDOWN)
        fputc('\n', fp);
    fprintf(fp, "%s%s in parentheses.%s%s", pre,
            opt && opt->exponentiate ? "Exponentiated coefficients (odds or "
                                       "hazard ratios); delta-method standard "
                                       "errors"
                                     : "Standard errors",
            opt && opt->no_stars ? "" : " * p < 0.05, ** p < 0.01, *** p < 0.001.",
            post);
    for (size_t m = 0; m < k; m++) {
        const rhaz_fit_summary *f = fits[m];
        if (f->imputations)
            fprintf(fp, "%s%s: pooled over %zu imputations by Rubin's rules: "
                        "standard errors are Rubin's, sqrt(W + (1 + 1/m) B), with "
                        "W the mean within-imputation variance and B the "
                        "between-imputation variance; stars from t on "
                        "Barnard-Rubin degrees of freedom; no pooled "
                        "log-likelihood.%s",
                    pre, names[m + 1], f->imputations, post);
        if (f->vce_label && f->vce_label[0])
            fprintf(fp, "%s%s: %svariance %s.%s", pre, names[m + 1],
                    f->imputations ? "within-imputation " : "", f->vce_label, post);
        if (f->firth)
            fprintf(fp, "%s%s: log-likelihood and AIC are penalized (Firth).%s", pre,
                    names[m + 1], post);
        if (f->firth && !(opt && opt->no_stars) && profile_p(f))
            fprintf(fp, "%s%s: stars from penalized likelihood-ratio tests (profile "
                        "likelihood, as R logistf), not from the Wald standard errors "
                        "shown.%s", pre, names[m + 1], post);
        if (f->frailty)
            fprintf(fp, "%s%s: shared frailty; the log-likelihood is the partial "
                        "likelihood at the estimate and AIC uses the effective degrees of "
                        "freedom (as R's coxph); theta is the frailty variance.%s",
                    pre, names[m + 1], post);
        if (!f->converged)
            fprintf(fp, "%s%s: WARNING: did not converge; estimates are the "
                        "last iterate.%s",
                    pre, names[m + 1], post);
        for (size_t q = 0; q < f->n_warnings; q++)
            fprintf(fp, "%s%s: %s%s", pre, names[m + 1], f->warnings[q], post);
    }
    if (fmt == RHAZ_REGTABLE_LATEX)
        fputs("\\end{table}\n", fp);
    free(cells);
    free(buf);
    free(names);
    grid_free(&g);
    if (ferror(fp))
        return rhaz_error_set(err, RHAZ_EIO, NULL, 0, "write error: %s",
                              errno ? strerror(errno) : "I/O error");
    return RHAZ_OK;
}
