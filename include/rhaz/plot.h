/* rhaz/plot.h -- publication figures as self-contained gnuplot scripts
 * (issue 6).
 *
 * A figure is an opaque rhaz_plot of one kind (participation, km, coef,
 * baseline, predict, density, zph) holding series of plain numbers: x/y
 * with an optional lower/upper band, a legend label and, for coef, term
 * names; for zph, one panel per term.  rhaz_plot_write() writes a gnuplot
 * script to a FILE*: terminal and size, line styles, labels, the data
 * inline as `$name << EOD` blocks, and the plot commands, so the script
 * alone reproduces the figure and can be edited and re-run with
 * `gnuplot FILE.gp`.  The library never runs gnuplot; the CLI does.
 *
 * Figure kinds are a table of function pointers (src/plot/kinds.c), so a
 * new kind is a new table entry, not a new `if`.
 */
#ifndef RHAZ_PLOT_H
#define RHAZ_PLOT_H

#include "core.h"
#include "data.h"
#include "fit.h"
#include "predict.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

typedef enum {
    RHAZ_PLOT_PARTICIPATION = 0, /* parties (signatories) per year, by treaty */
    RHAZ_PLOT_KM,                /* 1 - Kaplan-Meier by group, with bands */
    RHAZ_PLOT_COEF,              /* forest plot of coefficients / ratios */
    RHAZ_PLOT_BASELINE,          /* baseline cumulative hazard / survival */
    RHAZ_PLOT_PREDICT,           /* prediction across one covariate */
    RHAZ_PLOT_DENSITY,           /* regional ratification density by year */
    RHAZ_PLOT_ZPH,               /* scaled Schoenfeld residuals, smooth */
    RHAZ_PLOT_NKINDS
} rhaz_plot_kind;

typedef enum {
    RHAZ_PLOT_PNG = 0, /* pngcairo */
    RHAZ_PLOT_PDF,     /* pdfcairo */
    RHAZ_PLOT_SVG,     /* svg */
    RHAZ_PLOT_EPS,     /* epscairo */
    RHAZ_PLOT_NFORMATS
} rhaz_plot_format;

typedef enum { RHAZ_PLOT_COLOR = 0, RHAZ_PLOT_GRAY } rhaz_plot_theme;

/* Figure options.  rhaz_plot_options_init() sets the defaults; strings
 * are borrowed (not copied) and may be NULL. */
typedef struct {
    rhaz_plot_format format; /* terminal of the script (default PNG) */
    const char *output;      /* file named by `set output`; NULL: none */
    double width, height;    /* inches; default single column 3.5 x 2.6 */
    int height_auto;         /* 1: zph grows the height with its panels */
    rhaz_plot_theme theme;   /* colour (Okabe-Ito) or grayscale */
    const char *font;        /* font family (default "Sans") */
    double font_size;        /* points (default 9) */
    int dpi;                 /* PNG pixels per inch (default 200) */
    const char *title;       /* NULL or "": no title */
    const char *xlabel;      /* NULL: the kind's default */
    const char *ylabel;      /* NULL: the kind's default */
    /* Variable labels: a table whose first two string columns are the
     * name and its label (e.g. name,label).  Term names, group names,
     * panel names and axis labels found in it are replaced.  NULL: none. */
    const rhaz_table *labels;
    int ratio;       /* coef: plot exp(estimate) on a log axis, ref. 1 */
    int smooth_df;   /* zph: natural-spline degrees of freedom (default 4) */
    double ymin, ymax; /* y range; NaN = automatic (kinds may fix it) */
    /* Diagnostics of this call (e.g. a zph smooth that could not be
     * drawn): message(msg, message_ctx).  NULL: the calling thread's
     * handler (rhaz_set_message_handler). */
    rhaz_message_fn message;
    void *message_ctx;
} rhaz_plot_options;

void rhaz_plot_options_init(rhaz_plot_options *opt);

/* "single" (3.5 x 2.6 in), "double" (7 x 3.6 in) or "W,H" in inches
 * (suffix "cm" allowed: "8.5cm,6cm").  Sets opt->width, height and
 * height_auto (1 for the keywords). */
rhaz_status rhaz_plot_size_parse(const char *s, rhaz_plot_options *opt,
                                 rhaz_error *err);

/* Names: "participation", "km", ...; formats "png", "pdf", "svg", "eps". */
const char *rhaz_plot_kind_name(rhaz_plot_kind kind);
const char *rhaz_plot_kind_summary(rhaz_plot_kind kind);
rhaz_status rhaz_plot_kind_parse(const char *name, rhaz_plot_kind *kind,
                                 rhaz_error *err);
const char *rhaz_plot_format_name(rhaz_plot_format fmt); /* = extension */
rhaz_status rhaz_plot_format_parse(const char *name, rhaz_plot_format *fmt,
                                   rhaz_error *err);

/* One series (copied by rhaz_plot_add).  Per kind:
 *  participation  x = year, y = number of parties (or signatories)
 *  km             x = years at risk, y = 1 - S(t), lower/upper its band
 *  baseline       x = time, y = cumulative hazard or survival, band opt.
 *  predict        x = covariate value, y = prediction, band optional
 *  density        x = year, y = regional density in [0, 1]
 *  coef           names[n] = terms, y = estimate, lower/upper = interval
 *                 (link scale; opt.ratio exponentiates), x unused
 *  zph            panel = term, x = (transformed) time, y = scaled
 *                 Schoenfeld residual; coef_var = var(beta) of the term
 *                 for the smooth's band (NaN: residual variance).
 * Step kinds (participation, km, baseline) draw right-continuous steps:
 * x sorted ascending. */
typedef struct {
    const char *label;       /* legend entry: treaty, group, model, stratum */
    const char *panel;       /* zph: the term; else NULL */
    size_t n;
    const double *x;         /* n values (NULL for coef) */
    const double *y;         /* n values */
    const double *lower;     /* n values or NULL */
    const double *upper;     /* n values or NULL (both or neither) */
    const char *const *names; /* coef: n term names */
    double coef_var;         /* zph only */
    int style;      /* 0: the next automatic style; k > 0: style k (so two
                       series can share a colour) */
    int secondary;  /* 1: thin dashed variant of its style (e.g. the
                       signatories beside the parties of a treaty); all
                       secondary series share one legend entry, the text
                       after the last ": " of the label ("CRC: signed or
                       party" -> "signed or party") */
} rhaz_plot_series;

typedef struct rhaz_plot rhaz_plot;

rhaz_plot *rhaz_plot_alloc(rhaz_plot_kind kind, rhaz_error *err);
void rhaz_plot_free(rhaz_plot *p); /* accepts NULL */
rhaz_plot_kind rhaz_plot_get_kind(const rhaz_plot *p);
size_t rhaz_plot_nseries(const rhaz_plot *p);

/* Validate and copy a series.  Errors: empty or non-finite x, unsorted x
 * in step kinds, missing names for coef, missing panel for zph. */
rhaz_status rhaz_plot_add(rhaz_plot *p, const rhaz_plot_series *s,
                          rhaz_error *err);

/* Add every (non-aliased or aliased: NaN estimates are drawn as gaps)
 * coefficient of a fit as one coef series labelled `label` (NULL: the
 * model name).  drop_intercept omits "(Intercept)". */
rhaz_status rhaz_plot_add_fit(rhaz_plot *p, const rhaz_fit_summary *fit,
                              const char *label, int drop_intercept,
                              rhaz_error *err);

/* Default axis labels for the figure (copied), used when the options
 * give none; NULL leaves one as it is.  The builders below set them. */
rhaz_status rhaz_plot_set_default_labels(rhaz_plot *p, const char *xlabel,
                                         const char *ylabel, rhaz_error *err);

/* ---- Series builders: what `rhaz plot KIND` draws from its inputs ----
 * Each adds the series of one figure kind to p (and default axis labels)
 * and returns an error naming the file (the table's name) and line. */

/* Long table [gcol,]xcol,ycol[,lower,upper] -> one series per gcol value
 * (first appearance order; gcol absent: one series). */
rhaz_status rhaz_plot_add_long(rhaz_plot *p, const rhaz_table *t,
                               const char *gcol, const char *xcol,
                               const char *ycol, rhaz_error *err);
/* [model,]term,estimate,conf_low,conf_high -> one coef series per model;
 * "(Intercept)" rows only when intercept is set. */
rhaz_status rhaz_plot_add_coef_table(rhaz_plot *p, const rhaz_table *t,
                                     int intercept, rhaz_error *err);
/* term,time,residual[,var] -> one zph panel per term. */
rhaz_status rhaz_plot_add_zph_table(rhaz_plot *p, const rhaz_table *t,
                                    rhaz_error *err);
/* Coefficients of several fits, one coef series each.  Legend: labels[f]
 * when not NULL, else the model names when they are all distinct, else
 * stems[f].  terms: "a,b,c" keeps these terms in this order (NULL: all,
 * "(Intercept)" only with intercept).  ratio: the x label names odds or
 * hazard ratios after the models' links. */
rhaz_status rhaz_plot_add_fits(rhaz_plot *p, rhaz_fit_summary *const *fits,
                               const char *const *labels,
                               const char *const *stems, size_t nfits,
                               const char *terms, int intercept, int ratio,
                               rhaz_error *err);
/* Parties (and, with signatories, signatories as thin dashed lines) per
 * year of the treaties idx[0..n-1], to end_year (0: the records' end). */
rhaz_status rhaz_plot_add_participation(rhaz_plot *p, const rhaz_data *d,
                                        const size_t *idx, size_t n,
                                        int end_year, int signatories,
                                        rhaz_error *err);
/* Mean region_density per region and year of a panel (one treaty, or
 * the rows of treaty when given). */
rhaz_status rhaz_plot_add_density(rhaz_plot *p, const rhaz_table *panel,
                                  const char *treaty, rhaz_error *err);
/* 1 - Kaplan-Meier with log-log 95% bands per group of
 * 'Surv(...) ~ g1 + g2' (or ~ 1). */
rhaz_status rhaz_plot_add_km(rhaz_plot *p, const rhaz_table *panel,
                             const char *formula, rhaz_error *err);
/* Baseline cumulative hazard (survival: survival) per stratum of a Cox
 * fit of formula on panel, covariates at their means, 95% band
 * H +- 1.96 se(H). */
rhaz_status rhaz_plot_add_baseline(rhaz_plot *p, const rhaz_table *panel,
                                   const char *formula, int survival,
                                   rhaz_error *err);
/* Scaled Schoenfeld residuals of a Cox fit of formula, one panel per
 * coefficient, the smooth band from the model-based variance. */
rhaz_status rhaz_plot_add_zph_fit(rhaz_plot *p, const rhaz_table *panel,
                                  const char *formula, rhaz_error *err);
/* A fitted model across variable vary: vary on a grid over its range in
 * the rows the model uses (its distinct values when 12 or fewer), the
 * other columns at the values of at ("a=1,b=x") or at their mean
 * (numbers) or most frequent value (text) over those rows; probability
 * (logit, cloglog) or hazard ratio against vary at its mean (Cox), with
 * a 95% delta-method band on the linear-predictor scale. */
rhaz_status rhaz_plot_add_predict(rhaz_plot *p, const rhaz_fit_summary *fit,
                                  const rhaz_table *panel, const char *vary,
                                  const char *at, rhaz_error *err);
/* The same on a chosen scale (po->scale, po->time; rhaz_fit_predict_data
 * in rhaz/predict.h gives the scales of each family).  Parametric
 * survival and cure models always go this way (default: median time;
 * cure: probability at risk), through the fit's stored design; the band
 * is the delta-method 95% interval on the log scale for positive
 * quantities (median, hazard, relative hazard), on the logit scale for
 * probabilities, on the identity for linear predictors.  po NULL: the
 * family's default scale. */
rhaz_status rhaz_plot_add_predict_scale(rhaz_plot *p, const rhaz_fit_summary *fit,
                                        const rhaz_table *panel, const char *vary,
                                        const char *at, const rhaz_predict_options *po,
                                        rhaz_error *err);
/* The series as CSV: group,x,y,lower,upper (coef: group,term,estimate,
 * conf_low,conf_high; zph: term,time,residual), the numbers drawn. */
rhaz_status rhaz_plot_write_csv(const rhaz_plot *p, FILE *fp, rhaz_error *err);

/* Write the gnuplot script.  Validates the options first. */
rhaz_status rhaz_plot_write(const rhaz_plot *p, const rhaz_plot_options *opt,
                            FILE *fp, rhaz_error *err);

/* Natural cubic regression spline smooth as R's plot.cox.zph draws it:
 * ns(df) basis with interior knots at quantiles (type 7) of c(grid, x),
 * least squares fit of y on the basis, evaluated on `ngrid` equally spaced
 * points from min(x) to max(x); band = fit +- 2 sqrt(var * p'(X'X)^-1 p)
 * where var = coef_var, or the residual variance when coef_var is NaN.
 * Needs at least df distinct x values.  Outputs have ngrid entries. */
rhaz_status rhaz_plot_smooth_ns(const double *x, const double *y, size_t n,
                                int df, double coef_var, size_t ngrid,
                                double *grid, double *fit, double *lower,
                                double *upper, rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
