/* coef.c -- forest plot: one row per term (the union of the models'
 * terms, in order of first appearance, first at the top), one point with
 * its interval per model, models side by side within a row; ratios on a
 * log axis with a reference line at 1 (at 0 for raw coefficients). */
#include "plot/plot_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

rhaz_status plot_check_coef(const rhaz_plot *p, const rhaz_plot_series *s,
                            rhaz_error *err)
{
    (void)p;
    if (!s->names)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "coef figure: series '%s' has no term names",
                              s->label ? s->label : "");
    for (size_t i = 0; i < s->n; i++)
        if (!s->names[i] || !*s->names[i])
            return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                                  "coef figure: series '%s': term %zu has "
                                  "no name", s->label ? s->label : "", i);
    return RHAZ_OK;
}

/* Index of name in terms[0..n), or -1. */
static long find_term(char *const *terms, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(terms[i], name) == 0)
            return (long)i;
    return -1;
}

static double tr(double v, int ratio) { return ratio ? exp(v) : v; }

rhaz_status plot_write_coef(const rhaz_plot *p, const rhaz_plot_options *o,
                            const plot_type *t, FILE *fp, rhaz_error *err)
{
    size_t cap = 0;
    for (size_t m = 0; m < p->ns; m++)
        cap += p->s[m].n;
    char **terms = malloc(cap * sizeof *terms);
    if (!terms)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                              "out of memory building the figure's series (%zu terms)", cap);
    size_t nt = 0;
    for (size_t m = 0; m < p->ns; m++)
        for (size_t k = 0; k < p->s[m].n; k++)
            if (find_term(terms, nt, p->s[m].names[k]) < 0)
                terms[nt++] = p->s[m].names[k];

    int ratio = o->ratio;
    double ref = ratio ? 1.0 : 0.0;
    double lo = ref, hi = ref;
    for (size_t m = 0; m < p->ns; m++)
        for (size_t k = 0; k < p->s[m].n; k++) {
            const plot_series *s = &p->s[m];
            double v[3] = {tr(s->y[k], ratio), s->lo ? tr(s->lo[k], ratio)
                                                     : NAN,
                           s->hi ? tr(s->hi[k], ratio) : NAN};
            for (int q = 0; q < 3; q++)
                if (isfinite(v[q]) && (!ratio || v[q] > 0)) {
                    if (v[q] < lo)
                        lo = v[q];
                    if (v[q] > hi)
                        hi = v[q];
                }
        }

    double height = o->height;
    size_t wl = 0;
    for (size_t j = 0; j < nt; j++) {
        const char *l = plot_label(o, terms[j]);
        if (strlen(l) > wl)
            wl = strlen(l);
    }
    double ylab_in = ((double)wl * 0.6 + 1) * o->font_size / 72.0;
    plot_put_preamble(fp, p, o, t, height);
    const char *xl = plot_xlabel(p, o, ratio ? "Ratio (log scale)" : t->xlabel);
    fputs("set xlabel ", fp);
    plot_put_str(fp, plot_label(o, xl));
    fputs("\nset ylabel ", fp);
    plot_put_str(fp, plot_label(o, plot_ylabel(p, o, t->ylabel)));
    fputc('\n', fp);
    if (ratio) {
        double pad = pow(hi / lo, 0.06);
        fputs("set logscale x\nset format x '%g'\nset xrange [", fp);
        plot_put_num(fp, lo / pad);
        fputc(':', fp);
        plot_put_num(fp, hi * pad);
        fputs("]\n", fp);
        /* labelled tics at 1, 2, 5 x 10^k, or 10^k, or 10^2k ... as many
         * as the plot width holds without labels touching (labels are
         * equally spaced on a log axis only per decade, so check the
         * narrowest gap: 2 -> 5 is 0.4 decade, 1 -> 2 is 0.3) */
        double a = lo / pad, b = hi * pad;
        double decades = log10(b / a);
        double avail = o->width - ylab_in - 0.4;
        double lw = plot_label_width(o, a, b);
        static const double m125[] = {1, 2, 5};
        int step = 1, nm = 3;
        if (avail / decades * 0.3 < lw)
            nm = 1;
        while (nm == 1 && avail / decades * step < lw && step < 100)
            step++;
        char buf[1024];
        size_t len = 0;
        int cnt = 0;
        int e0 = (int)floor(log10(a)), e1 = (int)ceil(log10(b));
        for (int e = e0; e <= e1 && len < 900; e++) {
            if (nm == 1 && (e % step) != 0)
                continue;
            for (int q = 0; q < nm; q++) {
                double v = m125[q] * pow(10, e);
                if (v < a || v > b)
                    continue;
                len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%g",
                                        cnt ? ", " : "", v);
                cnt++;
            }
        }
        if (cnt < 2) {
            /* too narrow for more: the first and last decade in range */
            double v0 = pow(10, ceil(log10(a))), v1 = pow(10, floor(log10(b)));
            if (v1 > v0)
                snprintf(buf, sizeof buf, "%g, %g", v0, v1);
            else
                snprintf(buf, sizeof buf, "%g", ref);
            cnt = 2;
        }
        fprintf(fp, "set xtics (%s)\n", buf);
    } else {
        double pad = 0.06 * (hi - lo > 0 ? hi - lo : 1);
        fputs("set xrange [", fp);
        plot_put_num(fp, lo - pad);
        fputc(':', fp);
        plot_put_num(fp, hi + pad);
        fputs("]\n", fp);
    }
    fprintf(fp, "set yrange [0.4:%g]\n", (double)nt + 0.6);
    fputs("set border 1 back lw 1\nset ytics scale 0 (", fp);
    for (size_t j = 0; j < nt; j++) {
        if (j)
            fputs(", ", fp);
        plot_put_tic_str(fp, plot_label(o, terms[j]));
        fprintf(fp, " %zu", nt - j);
    }
    fputs(")\n", fp);
    fputs("set errorbars small\n", fp);
    fprintf(fp, "# reference line at %s\n", ratio ? "1 (no effect)" : "0");
    fprintf(fp, "set arrow 1 from first %g, graph 0 to first %g, graph 1 "
                "nohead ls 100 back\n\n", ref, ref);

    /* one block per model: y-position estimate lower upper "term" */
    size_t nm = p->ns;
    double step = nm > 1 ? fmin(0.25, 0.7 / (double)nm) : 0;
    for (size_t m = 0; m < nm; m++) {
        const plot_series *s = &p->s[m];
        fputs("# model ", fp);
        plot_put_str(fp, plot_label(o, s->label));
        fprintf(fp, ": position %s lower upper term\n$m%zu << EOD\n",
                ratio ? "exp(estimate)" : "estimate", m + 1);
        for (size_t k = 0; k < s->n; k++) {
            long j = find_term(terms, nt, s->names[k]);
            double y = (double)(nt - (size_t)j) +
                       ((double)(nm - 1) / 2 - (double)m) * step;
            plot_put_num(fp, y);
            fputc(' ', fp);
            plot_put_num(fp, tr(s->y[k], ratio));
            fputc(' ', fp);
            plot_put_num(fp, s->lo ? tr(s->lo[k], ratio) : NAN);
            fputc(' ', fp);
            plot_put_num(fp, s->hi ? tr(s->hi[k], ratio) : NAN);
            fputs(" \"", fp);
            for (const char *c = s->names[k]; *c; c++)
                fputc(*c == '"' ? '\'' : *c == '\n' ? ' ' : *c, fp);
            fputs("\"\n", fp);
        }
        fputs("EOD\n", fp);
    }
    fputs("\nplot \\\n", fp);
    for (size_t m = 0; m < nm; m++) {
        fprintf(fp, "%s  $m%zu using 2:1:3:4 with xerrorbars ",
                m ? ", \\\n" : "", m + 1);
        plot_put_style(fp, &p->s[m], PS_SOLID | PS_POINTS);
        fputs(" title ", fp);
        plot_put_str(fp, plot_label(o, p->s[m].label));
    }
    fputc('\n', fp);
    free(terms);
    return RHAZ_OK;
}
