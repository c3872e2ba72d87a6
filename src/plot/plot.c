/* plot.c -- the figure object: allocation, series storage, options,
 * and rhaz_plot_write dispatching to the kind's writer. */
#include "plot/plot_impl.h"
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Cap on points per series: an input-driven size limit. */
#define PLOT_MAX_POINTS ((size_t)50000000)

static const char *const format_names[RHAZ_PLOT_NFORMATS] = {
    [RHAZ_PLOT_PNG] = "png",
    [RHAZ_PLOT_PDF] = "pdf",
    [RHAZ_PLOT_SVG] = "svg",
    [RHAZ_PLOT_EPS] = "eps",
};

void rhaz_plot_options_init(rhaz_plot_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = RHAZ_PLOT_PNG;
    opt->width = 3.5;
    opt->height = 2.6;
    opt->height_auto = 1;
    opt->theme = RHAZ_PLOT_COLOR;
    opt->font = "Sans";
    opt->font_size = 9;
    opt->dpi = 200;
    opt->smooth_df = 4;
    opt->ymin = NAN;
    opt->ymax = NAN;
}

/* One length in inches: "3.5", "3.5in", "8.5cm". */
static int parse_len(const char *s, const char *end, double *out)
{
    char buf[64];
    size_t n = (size_t)(end - s);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *e;
    double v = strtod(buf, &e);
    double scale = 1;
    if (strcmp(e, "cm") == 0)
        scale = 1 / 2.54;
    else if (*e && strcmp(e, "in") != 0)
        return -1;
    v *= scale;
    if (!(v >= 1 && v <= 40)) /* 1 to 40 inches: anything else is a typo */
        return -1;
    *out = v;
    return 0;
}

rhaz_status rhaz_plot_size_parse(const char *s, rhaz_plot_options *opt,
                                 rhaz_error *err)
{
    if (strcmp(s, "single") == 0) {
        opt->width = 3.5, opt->height = 2.6, opt->height_auto = 1;
        return RHAZ_OK;
    }
    if (strcmp(s, "double") == 0) {
        opt->width = 7.0, opt->height = 3.6, opt->height_auto = 1;
        if (opt->font_size < 10)
            opt->font_size = 10;
        return RHAZ_OK;
    }
    const char *comma = strchr(s, ',');
    double w, h;
    if (!comma || parse_len(s, comma, &w) || parse_len(comma + 1,
                                                       s + strlen(s), &h)) {
        rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                       "size '%s': expected single, double or W,H in "
                       "inches (1 to 40; or with a cm suffix)", s);
        if (err)
            snprintf(err->what, sizeof err->what, "size");
        core_error_option(err, "size");
        return RHAZ_EUSAGE;
    }
    opt->width = w, opt->height = h, opt->height_auto = 0;
    return RHAZ_OK;
}

const char *rhaz_plot_kind_name(rhaz_plot_kind kind)
{
    const plot_type *t = plot_type_of(kind);
    return t ? t->name : "?";
}

const char *rhaz_plot_kind_summary(rhaz_plot_kind kind)
{
    const plot_type *t = plot_type_of(kind);
    return t ? t->summary : "?";
}

rhaz_status rhaz_plot_kind_parse(const char *name, rhaz_plot_kind *kind,
                                 rhaz_error *err)
{
    for (int k = 0; k < RHAZ_PLOT_NKINDS; k++)
        if (strcmp(name, plot_type_of((rhaz_plot_kind)k)->name) == 0) {
            *kind = (rhaz_plot_kind)k;
            return RHAZ_OK;
        }
    rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                   "unknown figure kind '%s' (participation, km, coef, "
                   "baseline, predict, density, zph)", name);
    if (err)
        snprintf(err->what, sizeof err->what, "%s", name);
    return RHAZ_EUSAGE;
}

const char *rhaz_plot_format_name(rhaz_plot_format fmt)
{
    if ((int)fmt < 0 || fmt >= RHAZ_PLOT_NFORMATS)
        return "?";
    return format_names[fmt];
}

rhaz_status rhaz_plot_format_parse(const char *name, rhaz_plot_format *fmt,
                                   rhaz_error *err)
{
    for (int k = 0; k < RHAZ_PLOT_NFORMATS; k++)
        if (strcasecmp(name, format_names[k]) == 0) {
            *fmt = (rhaz_plot_format)k;
            return RHAZ_OK;
        }
    rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                   "unknown figure format '%s' (png, pdf, svg, eps)", name);
    return RHAZ_EUSAGE;
}

rhaz_plot *rhaz_plot_alloc(rhaz_plot_kind kind, rhaz_error *err)
{
    if (!plot_type_of(kind)) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "invalid figure kind %d",
                       (int)kind);
        return NULL;
    }
    rhaz_plot *p = calloc(1, sizeof *p);
    if (!p) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure");
        return NULL;
    }
    p->kind = kind;
    return p;
}

static void series_free(plot_series *s)
{
    free(s->label);
    free(s->panel);
    free(s->x);
    free(s->y);
    free(s->lo);
    free(s->hi);
    if (s->names)
        for (size_t i = 0; i < s->n; i++)
            free(s->names[i]);
    free(s->names);
}

void rhaz_plot_free(rhaz_plot *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->ns; i++)
        series_free(&p->s[i]);
    free(p->s);
    free(p->xlabel);
    free(p->ylabel);
    free(p);
}

rhaz_status rhaz_plot_set_default_labels(rhaz_plot *p, const char *xlabel,
                                         const char *ylabel, rhaz_error *err)
{
    char *x = xlabel ? core_strdup(xlabel) : NULL;
    char *y = ylabel ? core_strdup(ylabel) : NULL;
    if ((xlabel && !x) || (ylabel && !y)) {
        free(x);
        free(y);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure");
    }
    if (xlabel) {
        free(p->xlabel);
        p->xlabel = x;
    }
    if (ylabel) {
        free(p->ylabel);
        p->ylabel = y;
    }
    return RHAZ_OK;
}

const char *plot_xlabel(const rhaz_plot *p, const rhaz_plot_options *o,
                        const char *dflt)
{
    return o->xlabel ? o->xlabel : p->xlabel ? p->xlabel : dflt;
}

const char *plot_ylabel(const rhaz_plot *p, const rhaz_plot_options *o,
                        const char *dflt)
{
    return o->ylabel ? o->ylabel : p->ylabel ? p->ylabel : dflt;
}

rhaz_plot_kind rhaz_plot_get_kind(const rhaz_plot *p) { return p->kind; }
size_t rhaz_plot_nseries(const rhaz_plot *p) { return p->ns; }

static double *dup_doubles(const double *x, size_t n, int *fail)
{
    if (!x)
        return NULL;
    double *d = malloc(n * sizeof *d);
    if (!d) {
        *fail = 1;
        return NULL;
    }
    memcpy(d, x, n * sizeof *d);
    return d;
}

static char *dup_str(const char *s, int *fail)
{
    if (!s)
        return NULL;
    char *d = core_strdup(s);
    if (!d)
        *fail = 1;
    return d;
}

rhaz_status rhaz_plot_add(rhaz_plot *p, const rhaz_plot_series *s,
                          rhaz_error *err)
{
    const plot_type *t = plot_type_of(p->kind);
    const char *lab = s->label ? s->label : "";
    if (s->n == 0 || !s->y)
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                              "%s figure: series '%s' has no points",
                              t->name, lab);
    if (s->n > PLOT_MAX_POINTS)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                              "%s figure: series '%s' has %zu points "
                              "(limit %zu)", t->name, lab, s->n,
                              PLOT_MAX_POINTS);
    if (!s->lower != !s->upper)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "%s figure: series '%s' has only one of "
                              "lower/upper", t->name, lab);
    if (p->kind != RHAZ_PLOT_COEF) {
        if (!s->x)
            return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                                  "%s figure: series '%s' has no x values",
                                  t->name, lab);
        for (size_t i = 0; i < s->n; i++) {
            if (!isfinite(s->x[i]))
                return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                      "%s figure: series '%s': x[%zu] is "
                                      "not finite", t->name, lab, i);
            if ((t->flags & PK_STEPS) && i > 0 && s->x[i] < s->x[i - 1])
                return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                      "%s figure: series '%s': x not "
                                      "sorted at point %zu (%g < %g)",
                                      t->name, lab, i, s->x[i], s->x[i - 1]);
        }
    }
    if (t->check) {
        rhaz_status st = t->check(p, s, err);
        if (st)
            return st;
    }
    if (p->ns == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        plot_series *ns = realloc(p->s, cap * sizeof *ns);
        if (!ns)
            return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure");
        p->s = ns;
        p->cap = cap;
    }
    plot_series *d = &p->s[p->ns];
    memset(d, 0, sizeof *d);
    int fail = 0;
    d->n = s->n;
    d->label = dup_str(s->label ? s->label : "", &fail);
    d->panel = dup_str(s->panel, &fail);
    d->x = dup_doubles(s->x, s->n, &fail);
    d->y = dup_doubles(s->y, s->n, &fail);
    d->lo = dup_doubles(s->lower, s->n, &fail);
    d->hi = dup_doubles(s->upper, s->n, &fail);
    d->coef_var = s->coef_var;
    d->secondary = s->secondary;
    if (s->style > 0) {
        d->style = s->style;
    } else {
        d->style = ++p->next_style;
    }
    if (d->style > p->next_style)
        p->next_style = d->style;
    if (s->names) {
        d->names = calloc(s->n, sizeof *d->names);
        if (!d->names)
            fail = 1;
        for (size_t i = 0; d->names && i < s->n; i++)
            d->names[i] = dup_str(s->names[i], &fail);
    }
    if (fail) {
        series_free(d);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure");
    }
    p->ns++;
    return RHAZ_OK;
}

rhaz_status rhaz_plot_add_fit(rhaz_plot *p, const rhaz_fit_summary *fit,
                              const char *label, int drop_intercept,
                              rhaz_error *err)
{
    if (p->kind != RHAZ_PLOT_COEF)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "rhaz_plot_add_fit: figure kind is %s, not "
                              "coef", rhaz_plot_kind_name(p->kind));
    size_t n = 0;
    const char **names = malloc((fit->p + 1) * sizeof *names);
    double *buf = malloc(3 * (fit->p + 1) * sizeof *buf);
    rhaz_status st = RHAZ_OK;
    if (!names || !buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure");
        goto cleanup;
    }
    double *est = buf, *lo = buf + fit->p + 1, *hi = buf + 2 * (fit->p + 1);
    for (size_t j = 0; j < fit->p; j++) {
        const rhaz_coef *c = &fit->coef[j];
        if (drop_intercept && c->term && strcmp(c->term, "(Intercept)") == 0)
            continue;
        names[n] = c->term ? c->term : "?";
        est[n] = c->aliased ? NAN : c->estimate;
        lo[n] = c->conf_low;
        hi[n] = c->conf_high;
        if (!isfinite(lo[n]) || !isfinite(hi[n])) {
            /* no interval in the input: Wald 95% from the SE */
            lo[n] = est[n] - 1.959963984540054 * c->std_error;
            hi[n] = est[n] + 1.959963984540054 * c->std_error;
        }
        n++;
    }
    if (n == 0) {
        st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                            "model '%s' has no coefficients to plot",
                            label ? label : fit->model ? fit->model : "");
        goto cleanup;
    }
    rhaz_plot_series s = {
        .label = label ? label : fit->model ? fit->model : "model",
        .n = n, .y = est, .lower = lo, .upper = hi, .names = names,
        .coef_var = NAN,
    };
    st = rhaz_plot_add(p, &s, err);
cleanup:
    free(names);
    free(buf);
    return st;
}

static rhaz_status check_options(const rhaz_plot_options *o, rhaz_error *err)
{
    if ((int)o->format < 0 || o->format >= RHAZ_PLOT_NFORMATS)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "invalid figure format %d", (int)o->format);
    if (!(o->width >= 1 && o->width <= 40 && o->height >= 1 &&
          o->height <= 40))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "figure size %g x %g in: each side must be 1 "
                              "to 40 inches", o->width, o->height);
    if (!(o->font_size >= 4 && o->font_size <= 40))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "font size %g: must be 4 to 40 points",
                              o->font_size);
    if (o->format == RHAZ_PLOT_PNG && !(o->dpi >= 36 && o->dpi <= 1200))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "PNG resolution %d dpi: must be 36 to 1200",
                              o->dpi);
    if (o->smooth_df < 2 || o->smooth_df > 20)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "smooth degrees of freedom %d: must be 2 to 20",
                              o->smooth_df);
    if (!isnan(o->ymin) && !isnan(o->ymax) && !(o->ymin < o->ymax))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "y range [%g, %g] is empty", o->ymin, o->ymax);
    if (o->font && strpbrk(o->font, "'\n,"))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "font name '%s' contains a quote, comma or "
                              "newline", o->font);
    return RHAZ_OK;
}

rhaz_status rhaz_plot_write(const rhaz_plot *p, const rhaz_plot_options *opt,
                            FILE *fp, rhaz_error *err)
{
    rhaz_plot_options def;
    if (!opt) {
        rhaz_plot_options_init(&def);
        opt = &def;
    }
    rhaz_status st = check_options(opt, err);
    if (st)
        return st;
    const plot_type *t = plot_type_of(p->kind);
    if (p->ns == 0)
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                              "%s figure has no series to plot", t->name);
    st = t->write(p, opt, t, fp, err);
    if (st)
        return st;
    if (fflush(fp) != 0 || ferror(fp))
        return rhaz_error_set(err, RHAZ_EIO, opt->output, 0,
                              "error writing the gnuplot script: %s",
                              errno ? strerror(errno) : "I/O error");
    return RHAZ_OK;
}
