/* script.c -- pieces shared by every figure script: terminal and size,
 * line styles that survive grayscale, quoting, numbers, labels. */
#include "plot/plot_impl.h"

#include <math.h>
#include <string.h>

/* Okabe-Ito colour-blind safe palette (yellow left out: too light on
 * white), and a grayscale set.  Colour is never the only cue: every style
 * also has its own dash type and point type. */
static const char *const color_lc[PLOT_NSTYLES] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7",
    "#E69F00", "#56B4E9", "#000000", "#7F7F7F"};
static const char *const gray_lc[PLOT_NSTYLES] = {
    "#000000", "#505050", "#000000", "#808080",
    "#505050", "#000000", "#808080", "#505050"};
static const char *const dash[PLOT_NSTYLES] = {
    "1", "2", "3", "4", "5", "(12,4)", "(2,4)", "(12,4,2,4,2,4)"};
/* filled circle, square, triangle, diamond; open ones */
static const int point[PLOT_NSTYLES] = {7, 5, 9, 13, 6, 4, 8, 12};

void plot_put_style(FILE *fp, const plot_series *s, unsigned flags)
{
    int k = s->style > 0 ? s->style - 1 : 0;
    int base = k % PLOT_NSTYLES, cycle = k / PLOT_NSTYLES;
    fprintf(fp, "ls %d", base + 1);
    /* each option at most once: gnuplot rejects duplicates */
    const char *dt = (flags & PS_SOLID) ? "1"
                     : s->secondary ? "(5,4)"
                     : cycle > 0 ? dash[(base + 3 * cycle) % PLOT_NSTYLES]
                                 : NULL;
    if (dt)
        fprintf(fp, " dt %s", dt);
    if (cycle > 0 && (flags & PS_POINTS)) /* colours repeat: new points */
        fprintf(fp, " pt %d", point[(base + 5 * cycle) % PLOT_NSTYLES]);
    if (s->secondary)
        fputs(" lw 1", fp);
}


/* A gnuplot single-quoted string ('' for a quote, blanks for line
 * breaks); in tic labels gnuplot applies formats, so '%' is doubled. */
static void put_quoted(FILE *fp, const char *s, int tic)
{
    fputc('\'', fp);
    for (; s && *s; s++) {
        if (*s == '\'')
            fputs("''", fp);
        else if (tic && *s == '%')
            fputs("%%", fp);
        else if (*s == '\n' || *s == '\r' || *s == '\t')
            fputc(' ', fp);
        else
            fputc(*s, fp);
    }
    fputc('\'', fp);
}

void plot_put_str(FILE *fp, const char *s) { put_quoted(fp, s, 0); }
void plot_put_tic_str(FILE *fp, const char *s) { put_quoted(fp, s, 1); }

void plot_put_num(FILE *fp, double x)
{
    if (isnan(x)) {
        fputs("NaN", fp);
        return;
    }
    if (isinf(x)) {
        fputs(x > 0 ? "Inf" : "-Inf", fp);
        return;
    }
    char buf[64];
    rhaz_format_double(x, buf, sizeof buf);
    fputs(buf, fp);
}

const char *plot_label(const rhaz_plot_options *o, const char *name)
{
    if (!name || !o->labels)
        return name;
    const rhaz_table *t = o->labels;
    long kn = -1, kl = -1;
    for (size_t j = 0; j < rhaz_table_ncol(t); j++) {
        if (rhaz_table_coltype(t, j) != RHAZ_COL_STRING)
            continue;
        if (kn < 0)
            kn = (long)j;
        else if (kl < 0)
            kl = (long)j;
    }
    if (kl < 0)
        return name;
    for (size_t i = 0; i < rhaz_table_nrow(t); i++) {
        const char *n = rhaz_table_str(t, (size_t)kn, i);
        const char *l = rhaz_table_str(t, (size_t)kl, i);
        if (n && l && strcmp(n, name) == 0)
            return l;
    }
    return name;
}

static void put_terminal(FILE *fp, const rhaz_plot_options *o, double h)
{
    const char *font = o->font && *o->font ? o->font : "Sans";
    double w = o->width;
    switch (o->format) {
    case RHAZ_PLOT_PNG: {
        /* pixels = inches x dpi; the cairo PNG terminal draws a point as
         * 96/72 pixels (measured: a 72 pt capital H is 70 px high, DejaVu
         * cap height 0.73 em), so fonts and lines scale by dpi/96 to keep
         * the printed size of the PDF */
        double sc = o->dpi / 96.0;
        fprintf(fp,
                "set terminal pngcairo size %d,%d noenhanced font '%s,%g' "
                "fontscale %.4g linewidth %.4g\n",
                (int)lround(w * o->dpi), (int)lround(h * o->dpi), font,
                o->font_size, sc, sc);
        break;
    }
    case RHAZ_PLOT_PDF:
        fprintf(fp,
                "set terminal pdfcairo size %.4gin,%.4gin noenhanced "
                "font '%s,%g' linewidth 1\n",
                w, h, font, o->font_size);
        break;
    case RHAZ_PLOT_EPS:
        fprintf(fp,
                "set terminal epscairo size %.4gin,%.4gin noenhanced "
                "font '%s,%g' linewidth 1\n",
                w, h, font, o->font_size);
        break;
    case RHAZ_PLOT_SVG:
    default:
        fprintf(fp,
                "set terminal svg size %d,%d noenhanced font '%s,%g' "
                "linewidth 1 background '#ffffff'\n",
                (int)lround(w * 72), (int)lround(h * 72), font,
                o->font_size);
        break;
    }
}

const char *plot_secondary_legend(const rhaz_plot *p)
{
    for (size_t i = 0; i < p->ns; i++)
        if (p->s[i].secondary) {
            const char *l = p->s[i].label, *c = NULL;
            for (const char *q = strstr(l, ": "); q; q = strstr(q + 1, ": "))
                c = q;
            return c ? c + 2 : l;
        }
    return NULL;
}

size_t plot_legend_entries(const rhaz_plot *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->ns; i++)
        n += !p->s[i].secondary;
    return n + (plot_secondary_legend(p) != NULL);
}

double plot_put_preamble(FILE *fp, const rhaz_plot *p,
                         const rhaz_plot_options *o, const plot_type *t,
                         double height)
{
    /* legend layout first: it may make a figure of automatic height
     * taller.  Centred above the plot, never over the data: as many
     * columns as fit the width, a top margin for its rows; a column on
     * the right when that would take too much of a fixed height. */
    size_t maxlen = 1;
    int any = 0;
    size_t nent = plot_legend_entries(p);
    for (size_t i = 0; i < p->ns; i++) {
        const char *l = p->s[i].secondary ? plot_secondary_legend(p)
                                          : plot_label(o, p->s[i].label);
        size_t n = l ? strlen(l) : 0;
        any |= n > 0;
        if (n > maxlen)
            maxlen = n;
    }
    int has_title = o->title && *o->title;
    int nokey = !any || p->kind == RHAZ_PLOT_ZPH ||
                (p->kind == RHAZ_PLOT_COEF && p->ns == 1);
    double em = o->font_size / 72.0; /* inches */
    /* gnuplot's own estimate, which decides the columns: label, sample
     * (2.5) and gaps at ~0.62 em per character, within the plot area (the
     * figure less ~0.9 in of y axis) */
    double colw = ((double)maxlen + 7.5) * 0.62 * em;
    size_t cols = 1, rows = 0;
    int right = 0;
    double plot_w = o->width;
    if (!nokey) {
        cols = (size_t)floor((o->width - 0.9) / colw);
        if (cols < 1)
            cols = 1;
        if (cols > nent)
            cols = nent;
        rows = (nent + cols - 1) / cols;
        double keyh = (double)rows * 1.15 * em;
        if (keyh > 0.25 * height) {
            /* automatic height: grow so the plot keeps about 2 in under
             * the legend; a fixed size: legend on the right */
            double need = keyh + 2.0 + (has_title ? 0.25 : 0);
            if (o->height_auto && keyh <= 1.5)
                height = height > need ? height : need;
            else
                right = 1;
        }
        if (right) {
            size_t maxrows = (size_t)floor((height - 0.5) / (1.2 * em));
            if (maxrows < 2)
                maxrows = 2;
            size_t rcols = (nent + maxrows - 1) / maxrows;
            plot_w = o->width - (double)rcols * colw;
            rows = 0;
        }
    }

    fprintf(fp, "# rhaz %s figure: %s\n", t->name, t->summary);
    fprintf(fp, "# Written by rhaz %s.  Self-contained: the data are inline "
                "below.\n# Edit labels or styles and re-run: gnuplot "
                "THIS_FILE.gp\n\n", RHAZ_VERSION);
    put_terminal(fp, o, height);
    if (o->output) {
        fputs("set output ", fp);
        plot_put_str(fp, o->output);
        fputc('\n', fp);
    }
    fputs("set encoding utf8\nset datafile missing NaN\n\n", fp);
    fprintf(fp, "# line styles: colour, dash type and point type differ, "
                "so series stay\n# distinct in grayscale print (theme: "
                "%s)\n", o->theme == RHAZ_PLOT_GRAY ? "gray" : "color");
    const char *const *lc = o->theme == RHAZ_PLOT_GRAY ? gray_lc : color_lc;
    for (int i = 0; i < PLOT_NSTYLES; i++)
        fprintf(fp, "set style line %d lc rgb '%s' dt %s pt %d lw 1.5 "
                    "ps 0.7\n", i + 1, lc[i], dash[i], point[i]);
    fputs("# reference lines; residual points\n"
          "set style line 100 lc rgb '#808080' dt 2 lw 1\n"
          "set style line 101 lc rgb '#606060' pt 6 ps 0.45 lw 0.8\n"
          "set style fill transparent solid 0.18 noborder\n\n", fp);
    fputs("set border 3 back lw 1\n"
          "set tics nomirror out scale 0.6\n", fp);
    if (t->flags & PK_XINT)
        fputs("set xtics format '%.0f'\n", fp);
    if (nokey) {
        fputs("unset key\n", fp);
    } else if (right) {
        size_t maxrows = (size_t)floor((height - 0.5) / (1.2 * em));
        fprintf(fp, "set key outside right top vertical reverse Left "
                    "noautotitle samplen 2.5 spacing 1.1 width 0 "
                    "maxrows %zu\n", maxrows > 2 ? maxrows : 2);
    } else {
        /* below the title line when there is one */
        double top = has_title ? 1 - 1.9 * em / height : 0.99;
        fprintf(fp, "set key at screen 0.5, screen %.4f center top "
                    "horizontal reverse Left noautotitle maxcols %zu "
                    "samplen 2.5 spacing 1.1 width 1\n", top, cols);
        fprintf(fp, "set tmargin %.3g\n",
                (double)rows * 1.1 + 0.8 + (has_title ? 1.6 : 0));
    }
    if (has_title && p->kind != RHAZ_PLOT_ZPH) {
        /* the title, centred on the figure (not on the plot area, which
         * long axis labels push aside), above the legend */
        if (rows == 0)
            fputs("set tmargin 2.6\n", fp);
        fputs("# title\nset label 1000 ", fp);
        plot_put_str(fp, o->title);
        fprintf(fp, " at screen 0.5, screen %.4f center front\n",
                1 - 0.95 * em / height);
    }
    return plot_w;
}

void plot_put_axis_labels(FILE *fp, const rhaz_plot *p, const rhaz_plot_options *o,
                          const plot_type *t)
{
    const char *xl = plot_xlabel(p, o, t->xlabel);
    const char *yl = plot_ylabel(p, o, t->ylabel);
    fputs("set xlabel ", fp);
    plot_put_str(fp, plot_label(o, xl));
    fputs("\nset ylabel ", fp);
    plot_put_str(fp, plot_label(o, yl));
    fputc('\n', fp);
}

double plot_tic_step(double lo, double hi, double avail_in, double label_in)
{
    if (!(hi > lo) || !(avail_in > 0) || !(label_in > 0))
        return NAN;
    double maxn = floor(avail_in / label_in);
    if (maxn < 2)
        maxn = 2;
    double e = pow(10, floor(log10((hi - lo) / maxn)) - 1);
    static const double m[] = {1, 2, 2.5, 5};
    for (int k = 0; k < 40; k++, e *= 10)
        for (int q = 0; q < 4; q++) {
            double s = m[q] * e;
            double n = floor(hi / s + 1e-9) - ceil(lo / s - 1e-9) + 1;
            if (n <= maxn)
                return s;
        }
    return NAN;
}

double plot_label_width(const rhaz_plot_options *o, double lo, double hi)
{
    char a[64], b[64];
    snprintf(a, sizeof a, "%.3g", lo);
    snprintf(b, sizeof b, "%.3g", hi);
    size_t n = strlen(a) > strlen(b) ? strlen(a) : strlen(b);
    if (n < 2)
        n = 2;
    /* a digit is about 0.64 em in DejaVu/Helvetica; plus a gap of 1.6 em */
    return ((double)n * 0.64 + 1.6) * o->font_size / 72.0;
}
