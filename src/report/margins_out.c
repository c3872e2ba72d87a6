/* margins_out.c -- printing margins (rhaz_margins from
 * rhaz_margins_compute): a text table, CSV, JSON (json-c) or a LaTeX
 * booktabs tabular. */
#include "core/util.h"
#include "rhaz.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void num(FILE *fp, double x, int digits)
{
    if (isnan(x))
        fputs("NA", fp);
    else
        fprintf(fp, "%.*g", digits, x);
}

static void text_cell(FILE *fp, double x, int w)
{
    char b[64];
    if (isnan(x))
        snprintf(b, sizeof b, "NA");
    else
        snprintf(b, sizeof b, "%.4g", x);
    fprintf(fp, " %*s", w, b);
}

static void write_text(FILE *fp, const rhaz_margins *m)
{
    size_t wt = 4, wa = 2;
    for (size_t k = 0; k < m->n; k++) {
        size_t a = strlen(m->m[k].term), b = strlen(m->m[k].at);
        wt = a > wt ? a : wt;
        wa = b > wa ? b : wa;
    }
    /* columns as wide as the longest term and setting: nothing is cut */
    if (m->atmeans)
        fprintf(fp, "Margins of %s: %s at the means of %zu rows (numbers at their "
                "means, factors at their most frequent level)\n", m->model, m->scale,
                m->n_obs);
    else
        fprintf(fp, "Margins of %s: %s, averaged over %zu rows%s%s\n", m->model,
                m->scale, m->n_obs, m->weights ? " weighted by " : "",
                m->weights ? m->weights : "");
    fprintf(fp, "Variance: %s (delta method)\n\n", m->vce);
    fprintf(fp, "%-*s %-10s %-*s %10s %10s %8s %10s %10s %10s\n", (int)wt, "term",
            "type", (int)wa, "at", "estimate", "std.error", "z", "p", "conf.low",
            "conf.high");
    for (size_t k = 0; k < m->n; k++) {
        const rhaz_margin *r = &m->m[k];
        fprintf(fp, "%-*s %-10s %-*s", (int)wt, r->term, r->type, (int)wa, r->at);
        text_cell(fp, r->estimate, 10);
        text_cell(fp, r->std_error, 10);
        char z[32];
        snprintf(z, sizeof z, "%.2f", r->statistic);
        fprintf(fp, " %8s", isnan(r->statistic) ? "NA" : z);
        char p[32];
        if (isnan(r->p_value))
            snprintf(p, sizeof p, "NA");
        else if (r->p_value < 2.2e-16)
            snprintf(p, sizeof p, "<2e-16");
        else
            snprintf(p, sizeof p, "%.3g", r->p_value);
        fprintf(fp, " %10s", p);
        text_cell(fp, r->conf_low, 10);
        text_cell(fp, r->conf_high, 10);
        fputc('\n', fp);
    }
    int factor = 0;
    for (size_t k = 0; k < m->n; k++)
        factor |= strcmp(m->m[k].type, "dydx") == 0 && strchr(m->m[k].term, ':');
    fprintf(fp, "\n%g%% confidence limits%s\n", 100 * m->conf_level,
            factor ? "; dydx of a factor level (VAR:LEVEL): the discrete "
                     "change from its base level" : ".");
}

static void write_csv(FILE *fp, const rhaz_margins *m)
{
    fputs("term,type,at,estimate,std_error,statistic,p_value,conf_low,conf_high\n",
          fp);
    for (size_t k = 0; k < m->n; k++) {
        const rhaz_margin *r = &m->m[k];
        rhaz_csv_field(fp, r->term);
        fputc(',', fp);
        rhaz_csv_field(fp, r->type);
        fputc(',', fp);
        rhaz_csv_field(fp, r->at);
        const double v[] = {r->estimate, r->std_error, r->statistic,
                            r->p_value,  r->conf_low, r->conf_high};
        for (size_t q = 0; q < 6; q++) {
            fputc(',', fp);
            num(fp, v[q], 17);
        }
        fputc('\n', fp);
    }
}

json_object *rhaz_margins_to_json(const rhaz_margins *m, rhaz_error *err)
{
    int oom = 0;
    json_object *root = json_object_new_object();
    if (!root)
        oom = 1;
    json_object *a = core_json_child(root, "margins", 1, &oom);
    for (size_t k = 0; k < m->n && !oom; k++) {
        const rhaz_margin *r = &m->m[k];
        json_object *o = core_json_child(a, NULL, 0, &oom);
        core_json_str(o, "term", r->term, &oom);
        core_json_str(o, "type", r->type, &oom);
        core_json_str(o, "at", r->at, &oom);
        core_json_num(o, "estimate", r->estimate, &oom);
        core_json_num(o, "std_error", r->std_error, &oom);
        core_json_num(o, "statistic", r->statistic, &oom);
        core_json_num(o, "p_value", r->p_value, &oom);
        core_json_num(o, "conf_low", r->conf_low, &oom);
        core_json_num(o, "conf_high", r->conf_high, &oom);
    }
    core_json_str(root, "vce", m->vce, &oom);
    core_json_str(root, "model", m->model, &oom);
    core_json_str(root, "scale", m->scale, &oom);
    core_json_int(root, "n", (long long)m->n_obs, &oom);
    if (m->weights)
        core_json_str(root, "weights", m->weights, &oom);
    core_json_num(root, "conf_level", m->conf_level, &oom);
    if (oom) {
        json_object_put(root);
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory writing margins");
        return NULL;
    }
    return root;
}

static void latex_str(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (strchr("&%$#_{}", *s))
            fprintf(fp, "\\%c", *s);
        else if (*s == '~')
            fputs("\\textasciitilde{}", fp);
        else if (*s == '^')
            fputs("\\textasciicircum{}", fp);
        else if (*s == '\\')
            fputs("\\textbackslash{}", fp);
        else
            fputc(*s, fp);
    }
}

static void write_latex(FILE *fp, const rhaz_margins *m)
{
    fputs("\\begin{tabular}{lllrrrr}\n\\toprule\n"
          "Term & Type & At & Estimate & Std.\\ error & $z$ & $p$ \\\\\n\\midrule\n",
          fp);
    for (size_t k = 0; k < m->n; k++) {
        const rhaz_margin *r = &m->m[k];
        latex_str(fp, r->term);
        fputs(" & ", fp);
        latex_str(fp, r->type);
        fputs(" & ", fp);
        latex_str(fp, r->at);
        fputs(" & ", fp);
        num(fp, r->estimate, 4);
        fputs(" & ", fp);
        num(fp, r->std_error, 4);
        fputs(" & ", fp);
        num(fp, r->statistic, 3);
        fputs(" & ", fp);
        num(fp, r->p_value, 3);
        fputs(" \\\\\n", fp);
    }
    fputs("\\bottomrule\n\\end{tabular}\n", fp);
    fputs("% ", fp);
    latex_str(fp, m->scale);
    fputs("; variance: ", fp);
    latex_str(fp, m->vce);
    fputs(" (delta method)\n", fp);
}

rhaz_status rhaz_margins_write(FILE *fp, const rhaz_margins *m,
                               rhaz_summary_format fmt, rhaz_error *err)
{
    switch (fmt) {
    case RHAZ_SUMMARY_TEXT: write_text(fp, m); break;
    case RHAZ_SUMMARY_CSV: write_csv(fp, m); break;
    case RHAZ_SUMMARY_JSON: {
        json_object *v = rhaz_margins_to_json(m, err);
        if (!v)
            return err ? err->status : RHAZ_ENOMEM;
        rhaz_status st = rhaz_json_write(fp, v, err);
        json_object_put(v);
        if (st)
            return st;
        break;
    }
    case RHAZ_SUMMARY_LATEX: write_latex(fp, m); break;
    default:
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "margins: text, csv, json or latex");
    }
    if (ferror(fp))
        return rhaz_error_set(err, RHAZ_EIO, NULL, 0, "write error");
    return RHAZ_OK;
}

/* A margins JSON (rhaz_margins_write) as a summary for rhaz_regtable:
 * one "coefficient" per margin row, named "term [at]"; no vcov. */
rhaz_fit_summary *rhaz_margins_read_json(const char *path, rhaz_error *err)
{
    rhaz_error_clear(err);
    char *buf = NULL;
    size_t n = 0;
    if (core_read_file(path, 64u << 20, "margins JSON file", &buf, &n, err))
        return NULL;
    json_tokener *tok = json_tokener_new();
    json_object *root = tok ? json_tokener_parse_ex(tok, buf, (int)n) : NULL;
    if (tok)
        json_tokener_free(tok);
    free(buf);
    rhaz_fit_summary *s = NULL;
    json_object *arr = NULL, *v = NULL;
    if (!root || !json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "margins", &arr) ||
        !json_object_is_type(arr, json_type_array)) {
        rhaz_error_set(err, RHAZ_EPARSE, path, 0,
                       "not a margins JSON document (no \"margins\" array; "
                       "write one with 'rhaz margins --format json')");
        goto done;
    }
    size_t k = json_object_array_length(arr);
    if (!(s = calloc(1, sizeof *s)) || !(s->coef = calloc(k ? k : 1, sizeof *s->coef)))
        goto oom;
    const char *model = json_object_object_get_ex(root, "model", &v) ? json_object_get_string(v) : "";
    const char *vce = json_object_object_get_ex(root, "vce", &v) ? json_object_get_string(v) : "";
    const char *scale = json_object_object_get_ex(root, "scale", &v) ? json_object_get_string(v) : "";
    char lab[1024];
    snprintf(lab, sizeof lab, "margins (%s; delta method, variance: %s)", scale, vce);
    if (!(s->model = core_strdup(model)) || !(s->link = core_strdup("")) ||
        !(s->ties = core_strdup("")) || !(s->formula = core_strdup("")) ||
        !(s->vce_label = core_strdup(lab)))
        goto oom;
    s->n = json_object_object_get_ex(root, "n", &v) ? (size_t)json_object_get_int64(v) : 0;
    s->converged = 1;
    s->events = (size_t)-1; /* not a count of this column: left blank */
    s->conf_level = 0.95;
    s->loglik = s->loglik_null = s->loglik_init = s->aic = s->bic = NAN;
    s->lr_stat = s->lr_p = NAN;
    for (size_t j = 0; j < k; j++) {
        json_object *o = json_object_array_get_idx(arr, j), *t = NULL, *a = NULL;
        if (!o || !json_object_object_get_ex(o, "term", &t)) {
            rhaz_error_set(err, RHAZ_EPARSE, path, 0, "margin %zu has no \"term\"", j + 1);
            rhaz_fit_summary_free(s);
            s = NULL;
            goto done;
        }
        const char *at = json_object_object_get_ex(o, "at", &a) ? json_object_get_string(a) : "";
        char term[1024];
        snprintf(term, sizeof term, "%s%s%s%s", json_object_get_string(t),
                 at && *at ? " [" : "", at ? at : "", at && *at ? "]" : "");
        rhaz_coef *c = &s->coef[j];
        if (!(c->term = core_strdup(term)))
            goto oom;
        s->p = j + 1;
        static const char *const keys[] = {"estimate", "std_error", "statistic",
                                           "p_value", "conf_low", "conf_high"};
        double *dst[] = {&c->estimate, &c->std_error, &c->statistic, &c->p_value,
                         &c->conf_low, &c->conf_high};
        for (size_t q = 0; q < 6; q++) {
            json_object *x = NULL;
            *dst[q] = json_object_object_get_ex(o, keys[q], &x) &&
                              (json_object_is_type(x, json_type_double) ||
                               json_object_is_type(x, json_type_int))
                          ? json_object_get_double(x)
                          : NAN;
        }
    }
    goto done;
oom:
    rhaz_fit_summary_free(s);
    s = NULL;
    rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory writing margins");
done:
    if (root)
        json_object_put(root);
    return s;
}
