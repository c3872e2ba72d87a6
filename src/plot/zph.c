/* zph.c -- the proportional hazards diagnostic: one panel per term,
 * scaled Schoenfeld residuals against (transformed) time, a natural
 * spline smooth with a +-2 SE band (smooth.c, as R's plot.cox.zph), and
 * a reference line at zero.  A flat smooth supports proportional hazards. */
#include "plot/plot_impl.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>

#define ZPH_NGRID 40 /* R's nsmo */

rhaz_status plot_check_zph(const rhaz_plot *p, const rhaz_plot_series *s,
                           rhaz_error *err)
{
    (void)p;
    if (!s->panel || !*s->panel)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "zph figure: series without a panel (term) "
                              "name");
    return RHAZ_OK;
}

rhaz_status plot_write_zph(const rhaz_plot *p, const rhaz_plot_options *o,
                           const plot_type *t, FILE *fp, rhaz_error *err)
{
    size_t k = p->ns;
    size_t cols = k == 1 ? 1 : o->width >= 5 ? 3 : 2;
    if (cols > k)
        cols = k;
    size_t rows = (k + cols - 1) / cols;
    double height = o->height;
    if (o->height_auto) {
        double ph = o->width / (double)cols * 0.75;
        if (ph < 1.7)
            ph = 1.7;
        if (height < ph * (double)rows)
            height = ph * (double)rows;
    }

    /* smooths first: they fix the y ranges */
    double *sm = malloc((size_t)4 * ZPH_NGRID * k * sizeof *sm);
    int *ok = calloc(k, sizeof *ok);
    if (!sm || !ok) {
        free(sm);
        free(ok);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                              "out of memory smoothing the figure's residuals");
    }
    for (size_t i = 0; i < k; i++) {
        const plot_series *s = &p->s[i];
        double *g = sm + (size_t)4 * ZPH_NGRID * i;
        rhaz_error e2;
        rhaz_error_clear(&e2);
        ok[i] = rhaz_plot_smooth_ns(s->x, s->y, s->n, o->smooth_df,
                                    s->coef_var, ZPH_NGRID, g, g + ZPH_NGRID,
                                    g + 2 * ZPH_NGRID, g + 3 * ZPH_NGRID,
                                    &e2) == RHAZ_OK;
        if (!ok[i])
            core_message(o->message, o->message_ctx,
                         "zph figure, term %s: no smooth drawn: %s", s->panel,
                         e2.msg);
    }

    plot_put_preamble(fp, p, o, t, height);
    fputs("unset title\nset mxtics 1\nset mytics 1\n", fp);
    const char *xl = plot_label(o, plot_xlabel(p, o, t->xlabel));
    const char *yl = plot_label(o, plot_ylabel(p, o, t->ylabel));
    double pw = o->width / (double)cols, ph = height / (double)rows;
    fprintf(fp, "# smooth: natural cubic spline, df = %d, least squares "
                "(as R's plot.cox.zph);\n# band: fit +- 2 SE using the "
                "coefficient's variance when known\n\n", o->smooth_df);
    for (size_t i = 0; i < k; i++) {
        const plot_series *s = &p->s[i];
        fputs("# scaled Schoenfeld residuals: time residual; term ", fp);
        plot_put_str(fp, s->panel);
        fprintf(fp, "\n$r%zu << EOD\n", i + 1);
        for (size_t q = 0; q < s->n; q++) {
            plot_put_num(fp, s->x[q]);
            fputc(' ', fp);
            plot_put_num(fp, s->y[q]);
            fputc('\n', fp);
        }
        fputs("EOD\n", fp);
        if (ok[i]) {
            const double *g = sm + (size_t)4 * ZPH_NGRID * i;
            fprintf(fp, "# smooth: time fit lower upper\n$f%zu << EOD\n",
                    i + 1);
            for (size_t q = 0; q < ZPH_NGRID; q++) {
                for (int c = 0; c < 4; c++) {
                    if (c)
                        fputc(' ', fp);
                    plot_put_num(fp, g[c * ZPH_NGRID + q]);
                }
                fputc('\n', fp);
            }
            fputs("EOD\n", fp);
        }
    }
    /* fixed margins (screen fractions from font and figure size), so the
     * panels align whatever the width of their tic labels */
    int has_title = o->title && *o->title;
    double emw = o->font_size / 72.0 / o->width;
    double emh = o->font_size / 72.0 / height;
    fprintf(fp, "\nset multiplot layout %zu,%zu margins %.4f,%.4f,%.4f,%.4f "
                "spacing %.4f,%.4f", rows, cols, 5.2 * emw, 1 - 2.6 * emw,
            4.4 * emh, 1 - (has_title ? 4.8 : 2.6) * emh, 4.6 * emw,
            6.2 * emh);
    if (has_title) {
        fputs(" title ", fp);
        plot_put_str(fp, o->title);
    }
    fputc('\n', fp);
    fputs("unset xlabel\n", fp);
    for (size_t i = 0; i < k; i++) {
        const plot_series *s = &p->s[i];
        /* y range covering residuals, band and zero, 4% padding */
        double lo = 0, hi = 0;
        for (size_t q = 0; q < s->n; q++)
            if (isfinite(s->y[q]))
                lo = fmin(lo, s->y[q]), hi = fmax(hi, s->y[q]);
        if (ok[i]) {
            const double *g = sm + (size_t)4 * ZPH_NGRID * i;
            for (size_t q = 0; q < ZPH_NGRID; q++) {
                if (isfinite(g[2 * ZPH_NGRID + q]))
                    lo = fmin(lo, g[2 * ZPH_NGRID + q]);
                if (isfinite(g[3 * ZPH_NGRID + q]))
                    hi = fmax(hi, g[3 * ZPH_NGRID + q]);
            }
        }
        double pad = 0.04 * (hi - lo > 0 ? hi - lo : 1);
        fputs("set title ", fp);
        plot_put_str(fp, plot_label(o, s->panel));
        /* axis labels on the outer panels only; tics that fit a panel */
        fprintf(fp, " font ',%g'", o->font_size * 0.9);
        fputs("\nset ylabel ", fp);
        plot_put_str(fp, i % cols == 0 ? yl : "");
        double xlo = INFINITY, xhi = -INFINITY;
        for (size_t q = 0; q < s->n; q++)
            xlo = fmin(xlo, s->x[q]), xhi = fmax(xhi, s->x[q]);
        double xs = plot_tic_step(xlo, xhi, pw - 0.7,
                                  plot_label_width(o, xlo, xhi));
        double ys = plot_tic_step(lo - pad, hi + pad, ph - 0.8,
                                  2.0 * o->font_size / 72.0);
        fputs("\nset xtics ", fp);
        if (isfinite(xs))
            plot_put_num(fp, xs);
        else
            fputs("autofreq", fp);
        fputs("\nset ytics ", fp);
        if (isfinite(ys))
            plot_put_num(fp, ys);
        else
            fputs("autofreq", fp);
        fputs("\nset yrange [", fp);
        plot_put_num(fp, lo - pad);
        fputc(':', fp);
        plot_put_num(fp, hi + pad);
        fputs("]\n", fp);
        if (i == k - 1) { /* one x label for all panels, drawn once */
            fputs("set label 1001 ", fp);
            plot_put_str(fp, xl);
            fprintf(fp, " at screen 0.5, screen %.4f center\n", 1.0 * emh);
        }
        fputs("set arrow 1 from graph 0, first 0 to graph 1, first 0 "
              "nohead ls 100 back\nplot ", fp);
        if (ok[i])
            fprintf(fp, "$f%zu using 1:3:4 with filledcurves ls 1, \\\n  ",
                    i + 1);
        fprintf(fp, "$r%zu using 1:2 with points ls 101", i + 1);
        if (ok[i])
            fprintf(fp, ", \\\n  $f%zu using 1:2 with lines ls 1", i + 1);
        fputc('\n', fp);
    }
    fputs("unset multiplot\n", fp);
    free(sm);
    free(ok);
    return RHAZ_OK;
}
