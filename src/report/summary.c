/* summary.c -- one fitted model as text (like R's summary()), CSV, JSON,
 * LaTeX or Markdown.  Formats are a table of writers. */
#include "core/util.h"
#include "rhaz.h"

#include <errno.h>
#include <json-c/json.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

/* the displayed numbers of coefficient j (exp applied if asked) */
typedef struct {
    double est, se, stat, p, lo, hi;
} row;

static row row_of(const rhaz_fit_summary *s, size_t j, const rhaz_summary_options *o)
{
    const rhaz_coef *c = &s->coef[j];
    row r = {c->estimate, c->std_error, c->statistic, c->p_value, c->conf_low, c->conf_high};
    if (o->exp) {
        r.est = exp(c->estimate);
        r.se = exp(c->estimate) * c->std_error;
        r.lo = exp(c->conf_low);
        r.hi = exp(c->conf_high);
    }
    return r;
}

static void fmt_num(char *buf, size_t size, double x, int digits)
{
    if (isnan(x))
        snprintf(buf, size, "NA");
    else if (isinf(x))
        snprintf(buf, size, x > 0 ? "Inf" : "-Inf");
    else
        snprintf(buf, size, "%.*g", digits, x);
}

static void fmt_p(char *buf, size_t size, double p)
{
    if (isnan(p))
        snprintf(buf, size, "NA");
    else if (p < 2.2e-16)
        snprintf(buf, size, "<2e-16");
    else
        snprintf(buf, size, "%.3g", p);
}

/* Firth's p-values are penalized likelihood-ratio tests, except under
 * the bootstrap (z = estimate / bootstrap SE) */
static int chisq_stat(const rhaz_fit_summary *s) { return s->firth && !s->boot_reps; }

static const char *stat_name(const rhaz_fit_summary *s)
{
    return chisq_stat(s) ? "Chisq" : "z";
}

/* a bound of the percentile interval as displayed */
static double pct_shown(double x, const rhaz_summary_options *o)
{
    return o->exp ? exp(x) : x;
}

/* parametric survival and cure models: (model, link) -> title */
static const struct {
    const char *model, *link, *title;
} surv_titles[] = {
    {"weibull", "aft", "Weibull survival model (AFT metric, as R survreg)"},
    {"weibull", "ph", "Weibull survival model (PH metric, as Stata streg)"},
    {"exponential", "aft", "Exponential survival model (AFT metric, as R survreg)"},
    {"exponential", "ph", "Exponential survival model (PH metric, as Stata streg)"},
    {"loglogistic", "aft", "Log-logistic survival model (AFT metric, as R survreg)"},
    {"lognormal", "aft", "Log-normal survival model (AFT metric, as R survreg)"},
    {"cure", "weibull", "Split-population (cure) model, Weibull duration (as R spduration)"},
    {"cure", "loglogistic",
     "Split-population (cure) model, log-logistic duration (as R spduration)"},
};

static const char *model_title(const rhaz_fit_summary *s)
{
    for (size_t k = 0; s->model && s->link && k < sizeof surv_titles / sizeof surv_titles[0]; k++)
        if (!strcmp(s->model, surv_titles[k].model) && !strcmp(s->link, surv_titles[k].link))
            return surv_titles[k].title;
    if (s->model && strcmp(s->model, "cox") == 0)
        return "Cox proportional hazards model";
    if (s->model && strcmp(s->model, "clogit") == 0)
        return "Conditional logit model (exact conditional likelihood, as R clogit)";
    if (s->firth)
        return "Logit model, Firth penalized likelihood";
    if (s->link && strcmp(s->link, "cloglog") == 0)
        return "Complementary log-log model (binomial, cloglog link)";
    return "Logit model (binomial, logit link)";
}

static void write_text(FILE *fp, const rhaz_fit_summary *s, const rhaz_summary_options *o)
{
    int dg = o->digits > 0 ? o->digits : 4;
    size_t w = 12;
    for (size_t j = 0; j < s->p; j++)
        if (strlen(s->coef[j].term) > w)
            w = strlen(s->coef[j].term);
    fprintf(fp, "%s\n", model_title(s));
    if (s->formula && s->formula[0])
        fprintf(fp, "Formula:      %s\n", s->formula);
    fprintf(fp, "Observations: %zu", s->n);
    if (s->n_dropped)
        fprintf(fp, " (%zu rows dropped for missing values)", s->n_dropped);
    fprintf(fp, "\nEvents:       %zu\n", s->events);
    if (s->n_clusters)
        fprintf(fp, "Clusters:     %zu\n", s->n_clusters);
    if (s->n_strata)
        fprintf(fp, "Strata:       %zu\n", s->n_strata);
    fprintf(fp, "Variance:     %s\n\n", s->vce_label ? s->vce_label : "");
    char lo_name[32], hi_name[32];
    double a = (1 - (s->conf_level > 0 ? s->conf_level : 0.95)) / 2;
    snprintf(lo_name, sizeof lo_name, "%.3g %%", 100 * a);
    snprintf(hi_name, sizeof hi_name, "%.3g %%", 100 * (1 - a));
    fprintf(fp, "%-*s %11s %11s %9s %9s %11s %11s\n", (int)w, "",
            o->exp ? (s->link && (!strcmp(s->link, "logit") || !strcmp(s->link, "cloglog"))
                          ? "Odds ratio" : "exp(coef)")
                   : "Estimate",
            "Std. Error", chisq_stat(s) ? "Chisq" : s->imputations ? "t value" : "z value",
            chisq_stat(s) ? "Pr(>Chisq)" : s->imputations ? "Pr(>|t|)" : "Pr(>|z|)",
            lo_name, hi_name);
    for (size_t j = 0; j < s->p; j++) {
        row r = row_of(s, j, o);
        char e[32], se[32], z[32], p[32], lo[32], hi[32];
        if (s->coef[j].aliased) {
            fprintf(fp, "%-*s %11s   (dropped: collinear)\n", (int)w, s->coef[j].term, "NA");
            continue;
        }
        fmt_num(e, sizeof e, r.est, dg);
        fmt_num(se, sizeof se, r.se, dg);
        fmt_num(z, sizeof z, r.stat, 3);
        fmt_p(p, sizeof p, r.p);
        fmt_num(lo, sizeof lo, r.lo, dg);
        fmt_num(hi, sizeof hi, r.hi, dg);
        const char *st = r.p < 0.001 ? "***" : r.p < 0.01 ? "**" : r.p < 0.05 ? "*"
                       : r.p < 0.1 ? "." : "";
        fprintf(fp, "%-*s %11s %11s %9s %9s %11s %11s%s%s\n", (int)w, s->coef[j].term, e, se,
                z, p, lo, hi, st[0] ? " " : "", st);
    }
    fprintf(fp, "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n");
    if (s->boot_reps) {
        fprintf(fp, "Bootstrap: %zu replicates (seed %llu), each drawing %zu %s with\n"
                    "replacement; %zu used, %zu failed and left out.  SE: standard\n"
                    "deviation of the replicate estimates (divisor R - 1, as Stata); z, p\n"
                    "and the interval above: normal (estimate +/- z x SE).  Percentile\n"
                    "interval: quantiles of the replicate estimates (R's type 7)%s:\n"
                    "%-*s %11s %11s %11s\n",
                s->boot_reps, (unsigned long long)s->boot_seed, s->boot_units,
                s->boot_clustered ? "whole clusters" : "rows", s->boot_used,
                s->boot_reps - s->boot_used, o->exp ? ", exponentiated" : "", (int)w, "",
                "bias", lo_name, hi_name);
        for (size_t j = 0; j < s->p; j++) {
            char a[32], b[32], c[32];
            fmt_num(a, sizeof a, s->coef[j].bias, dg);
            fmt_num(b, sizeof b, pct_shown(s->coef[j].pct_low, o), dg);
            fmt_num(c, sizeof c, pct_shown(s->coef[j].pct_high, o), dg);
            fprintf(fp, "%-*s %11s %11s %11s\n", (int)w, s->coef[j].term, a, b, c);
        }
    } else if (s->imputations) {
        fprintf(fp, "Pooled over %zu imputations by Rubin's rules (T = W + (1 + 1/m) B);\n"
                    "t on Barnard-Rubin df:\n%-*s %11s %11s %11s\n",
                s->imputations, (int)w, "", "df", "riv", "fmi");
        for (size_t j = 0; j < s->p; j++) {
            char a[32], b[32], c[32];
            fmt_num(a, sizeof a, s->coef[j].df, dg);
            fmt_num(b, sizeof b, s->coef[j].riv, dg);
            fmt_num(c, sizeof c, s->coef[j].fmi, dg);
            fprintf(fp, "%-*s %11s %11s %11s\n", (int)w, s->coef[j].term, a, b, c);
        }
    } else if (chisq_stat(s))
        fprintf(fp, "Confidence intervals and p-values: profile penalized likelihood (as logistf)\n");
    else
        fprintf(fp, "Confidence intervals: Wald (estimate +/- z x SE)\n");
    char p[32];
    if (s->imputations) /* no pooled likelihood */
        ;
    else if (isnan(s->loglik_null) && s->lr_df == 0) /* no nested null model (cure) */
        fprintf(fp, "\n%sog-likelihood: %.*g\n", s->firth ? "Penalized l" : "L",
                dg + 4, s->loglik);
    else {
        fprintf(fp, "\n%sog-likelihood: %.*g   null: %.*g\n", s->firth ? "Penalized l" : "L",
                dg + 4, s->loglik, dg + 4, s->loglik_null);
        fmt_p(p, sizeof p, s->lr_p);
        fprintf(fp, "LR test:        chi2(%d) = %.*g, p = %s\n", s->lr_df, dg + 2, s->lr_stat, p);
    }
    if (!s->imputations)
        fprintf(fp, "AIC: %.*g   BIC: %.*g\n", dg + 4, s->aic, dg + 4, s->bic);
    if (s->imputations)
        fprintf(fp, "%s in every imputation\n", s->converged ? "Converged" : "NOT CONVERGED");
    else
        fprintf(fp, "%s after %d iteration%s (%d step-halving%s); rank %d of %zu\n",
                s->converged ? "Converged" : "NOT CONVERGED", s->iterations,
                s->iterations == 1 ? "" : "s", s->step_halvings,
                s->step_halvings == 1 ? "" : "s", s->rank, s->p);
    if (s->stop != RHAZ_STOP_CONVERGED)
        fprintf(fp, "Stop reason:  %s\n", rhaz_stop_reason_name(s->stop));
    if (s->n_warnings) {
        fprintf(fp, "\nWarnings:\n");
        for (size_t k = 0; k < s->n_warnings; k++)
            fprintf(fp, "  - %s\n", s->warnings[k]);
    }
}

static void csv_num(FILE *fp, double x)
{
    char buf[64];
    if (isnan(x))
        buf[0] = 0;
    else if (isinf(x))
        snprintf(buf, sizeof buf, x > 0 ? "Inf" : "-Inf");
    else
        rhaz_format_double(x, buf, sizeof buf);
    fputs(buf, fp);
}

static void csv_str(FILE *fp, const char *s) { rhaz_csv_field(fp, s); }

static void write_csv(FILE *fp, const rhaz_fit_summary *s, const rhaz_summary_options *o)
{
    fputs("term,estimate,std_error,statistic,p_value,conf_low,conf_high", fp);
    fputs(s->imputations ? ",df,riv,fmi\n" : s->boot_reps ? ",bias,pct_low,pct_high\n" : "\n",
          fp);
    for (size_t j = 0; j < s->p; j++) {
        row r = row_of(s, j, o);
        const rhaz_coef *c = &s->coef[j];
        csv_str(fp, c->term);
        double v[9] = {r.est, r.se, r.stat, r.p, r.lo, r.hi, c->df, c->riv, c->fmi};
        if (s->boot_reps) {
            v[6] = c->bias;
            v[7] = pct_shown(c->pct_low, o);
            v[8] = pct_shown(c->pct_high, o);
        }
        for (int k = 0; k < (s->imputations || s->boot_reps ? 9 : 6); k++) {
            fputc(',', fp);
            csv_num(fp, v[k]);
        }
        fputc('\n', fp);
    }
}

/* "design": what rhaz_design_build_newdata needs to code new rows as the
 * fit's rows were coded (read back by rhaz_fit_summary_parse_json):
 * {"formula", "drop_intercept", "variables": [{"variable", "kind",
 * "levels" | "knots"}]}. */
static void design_to_json(json_object *root, const char *key,
                           const rhaz_design_spec *sp, int *oom)
{
    static const char *kinds[] = {"numeric", "factor", "cubic", "ns"};
    json_object *d = core_json_child(root, key, 0, oom);
    core_json_str(d, "formula", rhaz_design_spec_formula(sp), oom);
    core_json_bool(d, "drop_intercept", rhaz_design_spec_drop_intercept(sp), oom);
    json_object *vs = core_json_child(d, "variables", 1, oom);
    for (size_t k = 0; k < rhaz_design_spec_nvars(sp) && !*oom; k++) {
        rhaz_design_var v;
        if (rhaz_design_spec_var(sp, k, &v) || !v.used)
            continue;
        json_object *o = core_json_child(vs, NULL, 0, oom);
        core_json_str(o, "variable", v.label, oom);
        core_json_str(o, "kind", kinds[v.kind % 4], oom);
        if (v.kind == RHAZ_DVAR_FACTOR) {
            json_object *l = core_json_child(o, "levels", 1, oom);
            for (size_t q = 0; q < v.nlevels && !*oom; q++)
                core_json_str(l, NULL, v.levels[q], oom);
        }
        if (v.kind == RHAZ_DVAR_NS) {
            json_object *l = core_json_child(o, "knots", 1, oom);
            for (size_t q = 0; q < v.nknots && !*oom; q++)
                core_json_num(l, NULL, v.knots[q], oom);
        }
    }
}

json_object *rhaz_fit_summary_to_json(const rhaz_fit_summary *s,
                                     const rhaz_summary_options *o, rhaz_error *err)
{
    static const char *vce_names[] = {"model", "robust", "cluster", "bootstrap"};
    static const char *adj_names[] = {"none", "G/(G-1)", "stata"};
    rhaz_summary_options o0 = {0};
    if (!o)
        o = &o0;
    if (!s) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "no fit to print");
        return NULL;
    }
    int oom = 0;
    json_object *root = json_object_new_object();
    if (!root)
        oom = 1;
    core_json_str(root, "format", RHAZ_FIT_JSON_FORMAT, &oom);
    core_json_int(root, "format_version", RHAZ_FIT_JSON_VERSION, &oom);
    core_json_str(root, "model", s->model ? s->model : "", &oom);
    core_json_str(root, "link", s->link ? s->link : "", &oom);
    if (s->ties && s->ties[0])
        core_json_str(root, "ties", s->ties, &oom);
    core_json_str(root, "formula", s->formula ? s->formula : "", &oom);
    core_json_bool(root, "firth", s->firth, &oom);
    core_json_int(root, "n", (long long)s->n, &oom);
    core_json_int(root, "events", (long long)s->events, &oom);
    core_json_int(root, "n_dropped", (long long)s->n_dropped, &oom);
    core_json_int(root, "clusters", (long long)s->n_clusters, &oom);
    if (s->n_strata)
        core_json_int(root, "strata", (long long)s->n_strata, &oom);
    core_json_bool(root, "converged", s->converged, &oom);
    core_json_str(root, "stop", rhaz_stop_reason_name(s->stop), &oom);
    core_json_int(root, "iterations", s->iterations, &oom);
    core_json_int(root, "step_halvings", s->step_halvings, &oom);
    core_json_int(root, "rank", s->rank, &oom);
    core_json_num(root, "loglik", s->loglik, &oom);
    core_json_num(root, "loglik_null", s->loglik_null, &oom);
    core_json_num(root, "aic", s->aic, &oom);
    core_json_num(root, "bic", s->bic, &oom);
    core_json_num(root, "lr_stat", s->lr_stat, &oom);
    core_json_int(root, "lr_df", s->lr_df, &oom);
    core_json_num(root, "lr_p", s->lr_p, &oom);
    core_json_str(root, "vce", s->vce_label ? s->vce_label : "", &oom);
    core_json_str(root, "vce_type", vce_names[s->vce % 4], &oom);
    core_json_str(root, "vce_adj", adj_names[s->vce_adj % 3], &oom);
    core_json_num(root, "conf_level", s->conf_level, &oom);
    if (s->imputations)
        core_json_int(root, "imputations", (long long)s->imputations, &oom);
    if (s->boot_reps) {
        json_object *b = core_json_child(root, "bootstrap", 0, &oom);
        core_json_int(b, "replicates", (long long)s->boot_reps, &oom);
        core_json_int(b, "used", (long long)s->boot_used, &oom);
        core_json_int(b, "failed", (long long)(s->boot_reps - s->boot_used), &oom);
        core_json_int(b, "seed", (long long)s->boot_seed, &oom);
        core_json_str(b, "resampled", s->boot_clustered ? "clusters" : "rows", &oom);
        core_json_int(b, "units", (long long)s->boot_units, &oom);
    }
    core_json_bool(root, "exponentiated", o->exp, &oom);
    json_object *coefs = core_json_child(root, "coefficients", 1, &oom);
    for (size_t j = 0; j < s->p && !oom; j++) {
        row r = row_of(s, j, o);
        json_object *c = core_json_child(coefs, NULL, 0, &oom);
        core_json_str(c, "term", s->coef[j].term, &oom);
        core_json_num(c, "estimate", r.est, &oom);
        core_json_num(c, "std_error", r.se, &oom);
        core_json_num(c, "statistic", r.stat, &oom);
        core_json_num(c, "p_value", r.p, &oom);
        core_json_num(c, "conf_low", r.lo, &oom);
        core_json_num(c, "conf_high", r.hi, &oom);
        core_json_bool(c, "aliased", s->coef[j].aliased, &oom);
        if (s->imputations) {
            core_json_num(c, "df", s->coef[j].df, &oom);
            core_json_num(c, "riv", s->coef[j].riv, &oom);
            core_json_num(c, "fmi", s->coef[j].fmi, &oom);
        }
        if (s->boot_reps) {
            core_json_num(c, "bias", s->coef[j].bias, &oom);
            core_json_num(c, "pct_low", pct_shown(s->coef[j].pct_low, o), &oom);
            core_json_num(c, "pct_high", pct_shown(s->coef[j].pct_high, o), &oom);
        }
    }
    json_object *vc = core_json_child(root, "vcov", 1, &oom);
    for (size_t i = 0; i < s->p && !oom; i++) {
        json_object *r = core_json_child(vc, NULL, 1, &oom);
        /* a summary read from JSON may have no vcov: null */
        for (size_t j = 0; j < s->p && !oom; j++)
            core_json_num(r, NULL, s->vcov ? s->vcov[i * s->p + j] : NAN, &oom);
    }
    json_object *w = core_json_child(root, "warnings", 1, &oom);
    for (size_t k = 0; k < s->n_warnings && !oom; k++)
        core_json_str(w, NULL, s->warnings[k], &oom);
    if (s->weights && !oom)
        core_json_str(root, "weights", s->weights, &oom);
    if (s->design && !oom)
        design_to_json(root, "design", s->design, &oom);
    if (s->design_risk && !oom) /* cure: the at-risk equation */
        design_to_json(root, "design_risk", s->design_risk, &oom);
    if (oom) {
        json_object_put(root);
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the fit summary");
        return NULL;
    }
    return root;
}

static rhaz_status write_json(FILE *fp, const rhaz_fit_summary *s,
                              const rhaz_summary_options *o, rhaz_error *err)
{
    json_object *v = rhaz_fit_summary_to_json(s, o, err);
    if (!v)
        return err ? err->status : RHAZ_ENOMEM;
    rhaz_status st = rhaz_json_write(fp, v, err);
    json_object_put(v);
    return st;
}

static void latex_str(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (strchr("&%$#_{}", *s))
            fprintf(fp, "\\%c", *s);
        else if (*s == '^')
            fputs("\\^{}", fp);
        else if (*s == '~')
            fputs("\\~{}", fp);
        else if (*s == '\\')
            fputs("\\textbackslash{}", fp);
        else
            fputc(*s, fp);
    }
}

static void md_str(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (strchr("|*_\\`", *s))
            fputc('\\', fp);
        fputc(*s, fp);
    }
}

static void write_table(FILE *fp, const rhaz_fit_summary *s, const rhaz_summary_options *o,
                        int latex)
{
    int dg = o->digits > 0 ? o->digits : 4;
    const char *est = o->exp ? "exp(b)" : "Estimate";
    if (latex) {
        fputs("\\begin{table}[htbp]\n\\centering\n\\begin{tabular}{lrrrrrr}\n\\toprule\n", fp);
        fprintf(fp, "Term & %s & SE & %s & $p$ & \\multicolumn{2}{c}{%.0f\\%% CI} \\\\\n"
                "\\midrule\n", est, chisq_stat(s) ? "$\\chi^2$" : "$z$",
                100 * (s->conf_level > 0 ? s->conf_level : 0.95));
    } else {
        fprintf(fp, "| Term | %s | SE | %s | p | CI low | CI high |\n"
                "|:--|--:|--:|--:|--:|--:|--:|\n", est, stat_name(s));
    }
    for (size_t j = 0; j < s->p; j++) {
        row r = row_of(s, j, o);
        char v[6][32];
        fmt_num(v[0], 32, r.est, dg);
        fmt_num(v[1], 32, r.se, dg);
        fmt_num(v[2], 32, r.stat, 3);
        fmt_p(v[3], 32, r.p);
        fmt_num(v[4], 32, r.lo, dg);
        fmt_num(v[5], 32, r.hi, dg);
        if (latex) {
            latex_str(fp, s->coef[j].term);
            for (int k = 0; k < 6; k++)
                fprintf(fp, " & %s", s->coef[j].aliased ? "--" : v[k]);
            fputs(" \\\\\n", fp);
        } else {
            fputs("| ", fp);
            md_str(fp, s->coef[j].term);
            for (int k = 0; k < 6; k++)
                fprintf(fp, " | %s", s->coef[j].aliased ? "NA" : v[k]);
            fputs(" |\n", fp);
        }
    }
    char p[32];
    fmt_p(p, sizeof p, s->lr_p);
    if (latex) {
        fprintf(fp, "\\midrule\n\\multicolumn{7}{l}{$N = %zu$, events $= %zu$%s, "
                "log-likelihood $= %.*g$, AIC $= %.*g$} \\\\\n",
                s->n, s->events, s->n_clusters ? ", clustered" : "", dg + 3, s->loglik,
                dg + 3, s->aic);
        fputs("\\bottomrule\n\\end{tabular}\n\\caption{", fp);
        latex_str(fp, model_title(s));
        fputs(". Variance: ", fp);
        latex_str(fp, s->vce_label ? s->vce_label : "");
        fprintf(fp, "%s}\n\\end{table}\n", s->converged ? "" : ". NOT CONVERGED");
    } else {
        fprintf(fp, "\n%s. N = %zu, events = %zu%s; log-likelihood = %.*g; AIC = %.*g; "
                "LR chi2(%d) = %.*g, p = %s. Variance: %s.%s\n",
                model_title(s), s->n, s->events, s->n_clusters ? " (clustered)" : "",
                dg + 3, s->loglik, dg + 3, s->aic, s->lr_df, dg + 2, s->lr_stat, p,
                s->vce_label ? s->vce_label : "", s->converged ? "" : " **NOT CONVERGED**");
        for (size_t k = 0; k < s->n_warnings; k++) {
            fputs("\n> Warning: ", fp);
            md_str(fp, s->warnings[k]);
            fputc('\n', fp);
        }
    }
}

rhaz_status rhaz_fit_summary_write(FILE *fp, const rhaz_fit_summary *s,
                                   rhaz_summary_format fmt,
                                   const rhaz_summary_options *opt,
                                   rhaz_error *err)
{
    rhaz_summary_options o0 = {0};
    if (!opt)
        opt = &o0;
    if (!s || !fp)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "no fit to print");
    switch (fmt) {
    case RHAZ_SUMMARY_TEXT: write_text(fp, s, opt); break;
    case RHAZ_SUMMARY_CSV: write_csv(fp, s, opt); break;
    case RHAZ_SUMMARY_JSON:
        if (write_json(fp, s, opt, err))
            return err ? err->status : RHAZ_ENOMEM;
        break;
    case RHAZ_SUMMARY_LATEX: write_table(fp, s, opt, 1); break;
    case RHAZ_SUMMARY_MARKDOWN: write_table(fp, s, opt, 0); break;
    default:
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "unknown output format");
    }
    if (ferror(fp))
        return rhaz_error_set(err, RHAZ_EIO, NULL, 0, "write error: %s",
                              errno ? strerror(errno) : "I/O error");
    return RHAZ_OK;
}
