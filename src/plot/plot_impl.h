/* plot_impl.h -- internals of the plot module (not public). */
#ifndef RHAZ_PLOT_IMPL_H
#define RHAZ_PLOT_IMPL_H

#include "rhaz.h"

#include <stdio.h>

/* A stored series: copies of the caller's arrays. */
typedef struct {
    char *label, *panel;
    size_t n;
    double *x, *y, *lo, *hi; /* lo, hi NULL if no band */
    char **names;            /* coef */
    double coef_var;         /* zph */
    int style, secondary;    /* resolved 1-based style; thin dashed */
} plot_series;

struct rhaz_plot {
    rhaz_plot_kind kind;
    plot_series *s;
    size_t ns, cap;
    int next_style;          /* last automatic style handed out */
    char *xlabel, *ylabel;   /* defaults set by the series builders, or
                                NULL: the kind's (options override both) */
};

/* The axis labels to draw: the options', else the builder's, else dflt. */
const char *plot_xlabel(const rhaz_plot *p, const rhaz_plot_options *o,
                        const char *dflt);
const char *plot_ylabel(const rhaz_plot *p, const rhaz_plot_options *o,
                        const char *dflt);

/* Per-kind behaviour flags for the shared line writer. */
enum {
    PK_STEPS = 1u << 0,   /* right-continuous steps */
    PK_BAND = 1u << 1,    /* draw lower/upper as a filled band */
    PK_Y01 = 1u << 2,     /* y range fixed to [0, 1] */
    PK_YZERO = 1u << 3,   /* y range starts at 0 */
    PK_MARKS = 1u << 4,   /* sparse point marks on the lines (grayscale) */
    PK_XINT = 1u << 5     /* x are integers (years): integer tics */
};

/* A figure kind: a row of the kind table. */
typedef struct plot_type {
    const char *name;
    const char *summary;
    const char *xlabel, *ylabel; /* defaults */
    unsigned flags;
    rhaz_status (*check)(const rhaz_plot *p, const rhaz_plot_series *s,
                         rhaz_error *err); /* extra validation on add */
    rhaz_status (*write)(const rhaz_plot *p, const rhaz_plot_options *o,
                         const struct plot_type *t, FILE *fp,
                         rhaz_error *err);
} plot_type;

const plot_type *plot_type_of(rhaz_plot_kind kind);

/* Writers (lines.c, coef.c, zph.c). */
rhaz_status plot_write_lines(const rhaz_plot *p, const rhaz_plot_options *o,
                             const plot_type *t, FILE *fp, rhaz_error *err);
rhaz_status plot_write_coef(const rhaz_plot *p, const rhaz_plot_options *o,
                            const plot_type *t, FILE *fp, rhaz_error *err);
rhaz_status plot_write_zph(const rhaz_plot *p, const rhaz_plot_options *o,
                           const plot_type *t, FILE *fp, rhaz_error *err);
rhaz_status plot_check_coef(const rhaz_plot *p, const rhaz_plot_series *s,
                            rhaz_error *err);
rhaz_status plot_check_zph(const rhaz_plot *p, const rhaz_plot_series *s,
                           rhaz_error *err);

/* Shared script pieces (script.c). */
#define PLOT_NSTYLES 8
/* Terminal, output, styles, border, key, title. height: inches. */
/* Returns the width (inches) left for the plot and its y axis: the
 * figure's, less a legend placed on the right. */
double plot_put_preamble(FILE *fp, const rhaz_plot *p,
                         const rhaz_plot_options *o, const plot_type *t,
                         double height);
/* Legend text shared by the secondary series (NULL if none), and the
 * number of legend entries. */
const char *plot_secondary_legend(const rhaz_plot *p);
size_t plot_legend_entries(const rhaz_plot *p);
/* A gnuplot single-quoted string literal ('' doubles a quote; newlines
 * become spaces). */
void plot_put_str(FILE *fp, const char *s);
/* the same, for tic labels (gnuplot formats them: % doubled) */
void plot_put_tic_str(FILE *fp, const char *s);
/* A number as data: shortest round-trip, NaN for missing. */
void plot_put_num(FILE *fp, double x);
/* The label of a name from opt->labels, or the name itself. */
const char *plot_label(const rhaz_plot_options *o, const char *name);
/* `set xlabel '...'` / ylabel with the label lookup applied. */
void plot_put_axis_labels(FILE *fp, const rhaz_plot *p, const rhaz_plot_options *o,
                          const plot_type *t);
/* A tic step from {1, 2, 2.5, 5} x 10^k such that the tics between lo
 * and hi, each label_in inches wide, fit in avail_in inches; NaN if the
 * range is empty. */
double plot_tic_step(double lo, double hi, double avail_in, double label_in);
/* Width in inches of a tic label for values lo..hi, with its gap. */
double plot_label_width(const rhaz_plot_options *o, double lo, double hi);
/* The style of a series: "ls N", plus dash/point overrides past the
 * eighth style and for secondary series.  PS_SOLID forces dt 1;
 * PS_POINTS: the plot style draws points (gnuplot refuses pt for steps,
 * lines and filledcurves). */
enum { PS_SOLID = 1, PS_POINTS = 2 };
void plot_put_style(FILE *fp, const plot_series *s, unsigned flags);

#endif
