/* lines.c -- the shared writer of line figures (participation, km,
 * baseline, predict, density): one inline data block per series
 * (x y [lower upper]), bands as filled curves under the lines, steps for
 * right-continuous functions, sparse point marks where the kind asks. */
#include "plot/plot_impl.h"

#include <math.h>

/* One data block: "$NAME << EOD", columns x y [lower upper], "EOD". */
static void put_block(FILE *fp, const char *prefix, size_t i,
                      const plot_series *s, const rhaz_plot_options *o)
{
    fprintf(fp, "# %s: ", s->lo ? "x y lower upper" : "x y");
    plot_put_str(fp, plot_label(o, s->label));
    fprintf(fp, "\n$%s%zu << EOD\n", prefix, i + 1);
    for (size_t k = 0; k < s->n; k++) {
        plot_put_num(fp, s->x[k]);
        fputc(' ', fp);
        plot_put_num(fp, s->y[k]);
        if (s->lo) {
            fputc(' ', fp);
            plot_put_num(fp, s->lo[k]);
            fputc(' ', fp);
            plot_put_num(fp, s->hi[k]);
        }
        fputc('\n', fp);
    }
    fputs("EOD\n", fp);
}

/* The band of a step function drawn as stairs: each x repeated with the
 * previous and the current bounds (derived from the block above). */
static void put_step_band(FILE *fp, size_t i, const plot_series *s)
{
    fprintf(fp, "# band of $s%zu as stairs: x lower upper\n$b%zu << EOD\n",
            i + 1, i + 1);
    for (size_t k = 0; k < s->n; k++) {
        if (k > 0) {
            plot_put_num(fp, s->x[k]);
            fputc(' ', fp);
            plot_put_num(fp, s->lo[k - 1]);
            fputc(' ', fp);
            plot_put_num(fp, s->hi[k - 1]);
            fputc('\n', fp);
        }
        plot_put_num(fp, s->x[k]);
        fputc(' ', fp);
        plot_put_num(fp, s->lo[k]);
        fputc(' ', fp);
        plot_put_num(fp, s->hi[k]);
        fputc('\n', fp);
    }
    fputs("EOD\n", fp);
}

/* Round an upper limit up to a readable value (1, 2, 2.5, 5 x 10^k). */
static double nice_ceil(double v)
{
    if (!(v > 0))
        return 1;
    double e = pow(10, floor(log10(v)));
    static const double m[] = {1, 1.2, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 10};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (m[i] * e >= v * (1 - 1e-12))
            return m[i] * e;
    return 10 * e;
}

rhaz_status plot_write_lines(const rhaz_plot *p, const rhaz_plot_options *o,
                             const plot_type *t, FILE *fp, rhaz_error *err)
{
    (void)err;
    int band = (t->flags & PK_BAND) != 0;
    /* predictions at a dozen values or fewer (a dummy, a scale): points
     * with error bars, not a line through values that do not exist */
    int discrete = p->kind == RHAZ_PLOT_PREDICT;
    for (size_t i = 0; discrete && i < p->ns; i++)
        discrete = p->s[i].n <= 12;
    double plot_w = plot_put_preamble(fp, p, o, t, o->height);
    plot_put_axis_labels(fp, p, o, t);

    /* y range: the kind's floor, a readable ceiling from the data */
    double ymax = -INFINITY, ymin = INFINITY;
    for (size_t i = 0; i < p->ns; i++)
        for (size_t k = 0; k < p->s[i].n; k++) {
            const plot_series *s = &p->s[i];
            double hi = band && s->hi && isfinite(s->hi[k]) ? s->hi[k]
                                                            : s->y[k];
            double lo = band && s->lo && isfinite(s->lo[k]) ? s->lo[k]
                                                            : s->y[k];
            if (isfinite(hi) && hi > ymax)
                ymax = hi;
            if (isfinite(lo) && lo < ymin)
                ymin = lo;
        }
    double y0 = NAN, y1 = NAN;
    if (t->flags & (PK_Y01 | PK_YZERO)) {
        y0 = 0;
        if (ymax > 0)
            y1 = nice_ceil(ymax * 1.04);
        if ((t->flags & PK_Y01) && !(y1 <= 1))
            y1 = 1;
        if (ymin < 0) /* data below the floor: let gnuplot decide */
            y0 = NAN;
    }
    if (!isnan(o->ymin))
        y0 = o->ymin;
    if (!isnan(o->ymax))
        y1 = o->ymax;
    fputs("set yrange [", fp);
    if (!isnan(y0))
        plot_put_num(fp, y0);
    else
        fputc('*', fp);
    fputc(':', fp);
    if (!isnan(y1))
        plot_put_num(fp, y1);
    else
        fputc('*', fp);
    fputs("]\n", fp);
    /* x tics: as many as fit the width without labels touching */
    double xlo = INFINITY, xhi = -INFINITY;
    for (size_t i = 0; i < p->ns; i++)
        for (size_t k = 0; k < p->s[i].n; k++)
            xlo = fmin(xlo, p->s[i].x[k]), xhi = fmax(xhi, p->s[i].x[k]);
    if (p->kind == RHAZ_PLOT_KM) {
        xlo = fmin(xlo, 0);
        fputs("set xrange [0:*]\nset autoscale xfixmax\n", fp);
    } else {
        /* the x axis spans the data exactly (no empty decade at the end) */
        fputs("set autoscale xfix\n", fp);
    }
    double step = plot_tic_step(xlo, xhi, plot_w - 0.8,
                                plot_label_width(o, xlo, xhi));
    if (t->flags & PK_XINT && step < 1)
        step = 1;
    if (isfinite(step)) {
        fputs("set xtics ", fp);
        plot_put_num(fp, step);
        fputc('\n', fp);
    }
    if (discrete) {
        fputs("set offsets graph 0.06, graph 0.06, 0, 0\n"
              "set errorbars small\nset xtics (", fp);
        for (size_t k = 0; k < p->s[0].n; k++) {
            if (k)
                fputs(", ", fp);
            plot_put_num(fp, p->s[0].x[k]);
        }
        fputs(")\n\n", fp);
    }
    else
        fputs("set offsets 0, 0, 0, 0\n\n", fp);

    for (size_t i = 0; i < p->ns; i++) {
        const plot_series *s = &p->s[i];
        put_block(fp, "s", i, s, o);
        if (band && s->lo && (t->flags & PK_STEPS))
            put_step_band(fp, i, s);
    }
    fputc('\n', fp);

    /* bands first, so every line is drawn over every band */
    fputs("plot \\\n", fp);
    int first = 1;
    if (discrete) {
        for (size_t i = 0; i < p->ns; i++) {
            const plot_series *s = &p->s[i];
            fprintf(fp, "%s  $s%zu using 1:2%s with %s ", i ? ", \\\n" : "",
                    i + 1, s->lo ? ":3:4" : "",
                    s->lo ? "yerrorbars" : "points");
            plot_put_style(fp, s, PS_SOLID | PS_POINTS);
            fputs(" title ", fp);
            plot_put_str(fp, plot_label(o, s->label));
        }
        fputc('\n', fp);
        return RHAZ_OK;
    }
    for (size_t i = 0; band && i < p->ns; i++) {
        const plot_series *s = &p->s[i];
        if (!s->lo)
            continue;
        fprintf(fp, "%s  $%c%zu using 1:%s with filledcurves ",
                first ? "" : ", \\\n", (t->flags & PK_STEPS) ? 'b' : 's',
                i + 1, (t->flags & PK_STEPS) ? "2:3" : "3:4");
        plot_put_style(fp, s, 0);
        fputs(" notitle", fp);
        first = 0;
    }
    for (size_t i = 0; i < p->ns; i++) {
        const plot_series *s = &p->s[i];
        const char *sep = first ? "" : ", \\\n";
        first = 0;
        /* sparse marks: about eight per series */
        size_t every = s->n / 8 > 1 ? s->n / 8 : 1;
        if (t->flags & PK_STEPS) {
            fprintf(fp, "%s  $s%zu using 1:2 with steps ", sep, i + 1);
            plot_put_style(fp, s, 0);
            fputs(" notitle", fp);
            if (s->secondary) {
                continue; /* one shared legend entry, below */
            } else if (t->flags & PK_MARKS) {
                fprintf(fp, ", \\\n  $s%zu every %zu using 1:2 with points ",
                        i + 1, every);
                plot_put_style(fp, s, PS_POINTS);
                fputs(" notitle, \\\n  keyentry with linespoints ", fp);
                plot_put_style(fp, s, PS_POINTS);
            } else {
                fputs(", \\\n  keyentry with lines ", fp);
                plot_put_style(fp, s, 0);
            }
        } else if (t->flags & PK_MARKS) {
            /* ls first: a line style carries a point interval too */
            fprintf(fp, "%s  $s%zu using 1:2 with linespoints ", sep, i + 1);
            plot_put_style(fp, s, PS_POINTS);
            fprintf(fp, " pi %zu", every);
        } else {
            fprintf(fp, "%s  $s%zu using 1:2 with lines ", sep, i + 1);
            plot_put_style(fp, s, 0);
        }
        if (s->secondary) {
            fputs(" notitle", fp);
            continue;
        }
        fputs(" title ", fp);
        plot_put_str(fp, plot_label(o, s->label));
    }
    const char *sec = plot_secondary_legend(p);
    if (sec) {
        fputs(", \\\n  keyentry with lines lc rgb '#000000' dt (5,4) lw 1 "
              "title ", fp);
        plot_put_str(fp, plot_label(o, sec));
    }
    fputc('\n', fp);
    return RHAZ_OK;
}
