/* cmd_plot.c -- 'rhaz plot KIND [options] --out PREFIX': build a figure
 * from its inputs, write PREFIX.gp (a self-contained gnuplot script) and
 * render it with gnuplot.  Rendering lives here, not in the library: the
 * library only writes scripts.  A gnuplot error, a non-zero exit or any
 * output on gnuplot's stderr (warnings) is an error, and a failed render
 * leaves no partial image. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char help[] =
    "usage: rhaz plot KIND [options] --out PREFIX\n\n"
    "Write PREFIX.gp, a self-contained gnuplot script (data inline), and\n"
    "render it to PREFIX.png (or .pdf, .svg, .eps).  Re-run by hand with\n"
    "'gnuplot PREFIX.gp' after editing labels or styles.  A gnuplot error or\n"
    "warning is an error and leaves no image.\n\n"
    "kinds and their inputs (PANEL: --data PANEL.csv, or --treaties KEYS to\n"
    "build the panel from the bundled records):\n"
    "  participation  parties per year, one line per treaty\n"
    "                   --treaties KEYS [--signatories] [--end YEAR]\n"
    "  km             1 - Kaplan-Meier by group, log-log 95% bands\n"
    "                   --formula 'Surv(start, stop, event) ~ GROUP' PANEL\n"
    "  coef           forest plot of one or several fitted models\n"
    "                   --fit [LABEL=]FIT.json (repeatable; from 'rhaz fit\n"
    "                   ... --format json') [--terms A,B] [--scale raw]\n"
    "  baseline       baseline cumulative hazard (--survival: survival) per\n"
    "                 stratum of a Cox fit, covariates at their means\n"
    "                   --formula 'Surv(...) ~ TERMS + strata(s)' PANEL\n"
    "  predict        prediction across one covariate with a 95% band\n"
    "                   --fit FIT.json --vary VAR [--at VAR=VALUE,...] PANEL\n"
    "  density        regional ratification density by year\n"
    "                   PANEL (one treaty, or --treaty KEY)\n"
    "  zph            scaled Schoenfeld residuals with a spline smooth\n"
    "                   --formula 'Surv(...) ~ TERMS' PANEL [--df N]\n"
    "Every kind also reads plain numbers with --input FILE.csv:\n"
    "  group,x,y[,lower,upper] (participation, km, baseline, predict,\n"
    "  density); [model,]term,estimate,conf_low,conf_high (coef);\n"
    "  term,time,residual[,var] (zph; var: the coefficient's variance).\n\n"
    "options:\n"
    "  --out PREFIX          output prefix (required): PREFIX.gp, PREFIX.png\n"
    "  --render LIST         png, pdf, svg, eps (comma list) or none\n"
    "                        (default png); PREFIX.gp uses the first\n"
    "  --size S              single (3.5x2.6 in), double (7x3.6 in) or W,H\n"
    "                        in inches (or 8.5cm,6cm)\n"
    "  --theme color|gray    Okabe-Ito colours or grayscale (default color);\n"
    "                        dash and point types differ in both\n"
    "  --title TEXT          figure title (default none)\n"
    "  --xlabel TEXT, --ylabel TEXT   axis labels (default per kind)\n"
    "  --labels FILE.csv     variable labels: columns name,label; applied\n"
    "                        to terms, groups, panels and axis labels\n"
    "  --font NAME           font family (default Sans)\n"
    "  --font-size PT        font size in points (default 9; double: 10)\n"
    "  --dpi N               PNG resolution (default 200)\n"
    "  --ymin Y, --ymax Y    fix the y range\n"
    "  --scale ratio|raw     coef: exp(estimate) on a log axis with a line\n"
    "                        at 1 (default), or raw coefficients, line at 0\n"
    "  --terms A,B,...       coef: only these terms, in this order\n"
    "  --intercept           coef: keep (Intercept) (dropped by default)\n"
    "  --df N                zph: spline degrees of freedom (default 4)\n"
    "  --data-dir DIR        bundled data directory (default $RHAZ_DATA or\n"
    "                        data)\n"
    "  -h, --help            this help\n\n"
    "Environment: RHAZ_GNUPLOT names the gnuplot program (default gnuplot).\n"
    "Exit status: 0 ok, 1 data or rendering error, 2 usage error.\n";

#define MAXFITS 32

typedef struct {
    rhaz_plot_kind kind;
    const char *out;
    rhaz_plot_format formats[RHAZ_PLOT_NFORMATS];
    int nformats;
    rhaz_plot_options po;
    const char *input, *data, *treaty, *labels;
    const char *treaties, *data_dir, *formula, *vary, *at, *terms;
    const char *fits[MAXFITS];
    int nfits;
    int intercept, signatories, survival, end_year;
} plot_args;

/* The panel a figure is drawn from: --data FILE.csv, or built in memory
 * from the bundled records with --treaties KEYS (default panel options;
 * --end YEAR sets the last year). */
static rhaz_table *get_panel(const plot_args *a, rhaz_error *err)
{
    if (a->data) {
        const char *strings[] = {"region", "treaty", "iso3c", "regime",
                                 NULL};
        rhaz_csv_options o = {0};
        o.as_string = strings;
        return rhaz_table_read(a->data, &o, err);
    }
    if (!a->treaties) {
        rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                       "plot %s: give --data PANEL.csv or --treaties KEYS "
                       "(or --input FILE.csv)", rhaz_plot_kind_name(a->kind));
        return NULL;
    }
    rhaz_data *d = rhaz_data_open(a->data_dir, err);
    if (!d)
        return NULL;
    size_t *idx = NULL, n = 0;
    rhaz_table *t = NULL;
    if (rhaz_data_select(d, a->treaties, &idx, &n, err) == RHAZ_OK) {
        rhaz_panel_options o;
        rhaz_panel_options_init(&o);
        if (a->end_year)
            o.end_year = a->end_year;
        t = rhaz_panel_build(d, idx, n, &o, NULL, err);
    }
    free(idx);
    rhaz_data_free(d);
    return t;
}

/* Legend names of the core treaties (others: their UN number). */
static const char *treaty_display(const rhaz_treaty_info *ti)
{
    static const char *const names[][2] = {
        {"cerd", "CERD"},   {"icescr", "ICESCR"}, {"iccpr", "ICCPR"},
        {"cedaw", "CEDAW"}, {"cat", "CAT"},       {"crc", "CRC"},
        {"icmw", "ICMW"},   {"refugee1951", "Refugee Convention 1951"},
        {"refugee1967", "Refugee Protocol 1967"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (ti->key && strcmp(ti->key, names[i][0]) == 0)
            return names[i][1];
    return ti->key && *ti->key ? ti->key : ti->un_number;
}

/* ---------- inputs ---------- */

static rhaz_table *read_csv(const char *path, const char *const *strings,
                            rhaz_error *err)
{
    rhaz_csv_options o = {0};
    o.as_string = strings;
    return rhaz_table_read(path, &o, err);
}

static long need_col(const rhaz_table *t, const char *name, int numeric,
                     rhaz_error *err)
{
    long j = rhaz_table_find(t, name);
    if (j < 0) {
        rhaz_error_set(err, RHAZ_ENOTFOUND, rhaz_table_name(t), 1,
                       "no column '%s'", name);
        snprintf(err->what, sizeof err->what, "%s", name);
        return -1;
    }
    if (numeric && rhaz_table_coltype(t, (size_t)j) != RHAZ_COL_NUMERIC) {
        rhaz_error_set(err, RHAZ_EDATA, rhaz_table_name(t), 1,
                       "column '%s' is not numeric", name);
        snprintf(err->what, sizeof err->what, "%s", name);
        return -1;
    }
    return j;
}

/* Distinct values of string column g (NULL cells: "") in order of first
 * appearance; *ng set.  Returns borrowed pointers (into the table). */
static const char **groups_of(const rhaz_table *t, long g, size_t *ng)
{
    size_t n = rhaz_table_nrow(t);
    const char **v = malloc((n + 1) * sizeof *v);
    if (!v)
        return NULL;
    *ng = 0;
    if (g < 0) {
        v[(*ng)++] = "";
        return v;
    }
    for (size_t i = 0; i < n; i++) {
        const char *s = rhaz_table_str(t, (size_t)g, i);
        s = s ? s : "";
        size_t k = 0;
        while (k < *ng && strcmp(v[k], s) != 0)
            k++;
        if (k == *ng)
            v[(*ng)++] = s;
    }
    return v;
}

/* Long CSV: [group,]x,y[,lower,upper] -> one series per group (rows in
 * file order; step kinds need x ascending within a group). */
static rhaz_status load_long(rhaz_plot *p, const char *path,
                             const char *gcol, const char *xcol,
                             const char *ycol, rhaz_error *err)
{
    const char *strings[] = {gcol, NULL};
    rhaz_table *t = read_csv(path, strings, err);
    if (!t)
        return err->status;
    rhaz_status st = RHAZ_OK;
    const char **grp = NULL;
    double *buf = NULL;
    long jg = rhaz_table_find(t, gcol);
    long jx = need_col(t, xcol, 1, err), jy;
    if (jx < 0 || (jy = need_col(t, ycol, 1, err)) < 0) {
        st = err->status;
        goto cleanup;
    }
    long jl = rhaz_table_find(t, "lower"), ju = rhaz_table_find(t, "upper");
    if ((jl >= 0) != (ju >= 0)) {
        st = rhaz_error_set(err, RHAZ_EDATA, path, 1,
                            "columns lower and upper come together");
        goto cleanup;
    }
    if (jl >= 0 && ((jl = need_col(t, "lower", 1, err)) < 0 ||
                    (ju = need_col(t, "upper", 1, err)) < 0)) {
        st = err->status;
        goto cleanup;
    }
    size_t n = rhaz_table_nrow(t), ng = 0;
    if (n == 0) {
        st = rhaz_error_set(err, RHAZ_EDATA, path, 0, "no data rows");
        goto cleanup;
    }
    grp = groups_of(t, jg, &ng);
    buf = malloc(4 * n * sizeof *buf);
    if (!grp || !buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory");
        goto cleanup;
    }
    const double *X = rhaz_table_num(t, (size_t)jx),
                 *Y = rhaz_table_num(t, (size_t)jy),
                 *L = jl >= 0 ? rhaz_table_num(t, (size_t)jl) : NULL,
                 *U = ju >= 0 ? rhaz_table_num(t, (size_t)ju) : NULL;
    for (size_t g = 0; g < ng; g++) {
        size_t m = 0;
        double *x = buf, *y = buf + n, *lo = buf + 2 * n, *hi = buf + 3 * n;
        for (size_t i = 0; i < n; i++) {
            const char *s = jg >= 0 ? rhaz_table_str(t, (size_t)jg, i) : "";
            if (strcmp(s ? s : "", grp[g]) != 0)
                continue;
            if (isnan(X[i])) {
                st = rhaz_error_set(err, RHAZ_EDATA, path,
                                    rhaz_table_line(t, i),
                                    "missing %s", xcol);
                goto cleanup;
            }
            x[m] = X[i], y[m] = Y[i];
            if (L)
                lo[m] = L[i], hi[m] = U[i];
            m++;
        }
        rhaz_plot_series s = {.label = grp[g], .n = m, .x = x, .y = y,
                              .lower = L ? lo : NULL, .upper = L ? hi : NULL,
                              .coef_var = NAN};
        if ((st = rhaz_plot_add(p, &s, err)) != RHAZ_OK) {
            if (!err->file[0])
                snprintf(err->file, sizeof err->file, "%s", path);
            goto cleanup;
        }
    }
cleanup:
    free(grp);
    free(buf);
    rhaz_table_free(t);
    return st;
}

static rhaz_status load_lines(rhaz_plot *p, plot_args *a, rhaz_error *err)
{
    if (!a->input)
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot %s: --input FILE.csv is required",
                              rhaz_plot_kind_name(a->kind));
    return load_long(p, a->input, "group", "x", "y", err);
}

/* density from a panel: mean region_density per (region, year) over the
 * rows at risk (all rows of a region-year share one value: parties among
 * the other states of the region at the end of the previous year). */
static rhaz_status load_participation(rhaz_plot *p, plot_args *a,
                                      rhaz_error *err)
{
    if (a->input)
        return load_lines(p, a, err);
    if (!a->treaties)
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot participation: give --treaties KEYS (or "
                              "--input FILE.csv)");
    rhaz_data *d = rhaz_data_open(a->data_dir, err);
    if (!d)
        return err->status;
    size_t *idx = NULL, n = 0;
    double *x = NULL, *y = NULL;
    rhaz_status st = rhaz_data_select(d, a->treaties, &idx, &n, err);
    for (size_t k = 0; st == RHAZ_OK && k < n; k++) {
        const rhaz_treaty_info *ti = rhaz_data_treaty(d, idx[k]);
        size_t np = rhaz_data_nparticipants(d, idx[k]);
        /* from the opening year (or the first act, if earlier) to the
         * last year the records cover: 2022 where the 2022 files extend
         * the treaty, else 2015 */
        int first = ti->opened.year, last = ti->has_2022 ? 2022 : 2015;
        for (size_t j = 0; j < np; j++) {
            const rhaz_participant *q = rhaz_data_participant(d, idx[k], j);
            if (q->kind == RHAZ_ENTITY_ORGANIZATION)
                continue;
            int ys = rhaz_date_isset(q->signature) ? q->signature.year : 0;
            int yc = rhaz_date_isset(q->consent) ? q->consent.year : 0;
            int y0 = ys && (!yc || ys < yc) ? ys : yc;
            if (y0 && (!first || y0 < first))
                first = y0;
        }
        if (a->end_year && a->end_year < last)
            last = a->end_year;
        if (!first || last < first) {
            st = rhaz_error_set(err, RHAZ_EDATA, ti->file, 0,
                                "treaty %s: no years to plot (opened %d, "
                                "last year %d)", ti->un_number, first, last);
            break;
        }
        /* the data module's counting rules (as rhaz participation) */
        rhaz_table *py = rhaz_data_parties_by_year(d, &idx[k], 1, first,
                                                   last, err);
        long jy = py ? rhaz_table_find(py, "year") : -1,
             jp = py ? rhaz_table_find(py, "parties") : -1,
             js = py ? rhaz_table_find(py, "participants") : -1;
        if (!py || jy < 0 || jp < 0 || js < 0) {
            if (py)
                st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                    "parties by year: missing columns");
            else
                st = err->status;
            rhaz_table_free(py);
            break;
        }
        size_t ny = rhaz_table_nrow(py);
        free(x);
        free(y);
        x = malloc((ny + 1) * sizeof *x);
        y = malloc(2 * (ny + 1) * sizeof *y);
        if (!x || !y) {
            rhaz_table_free(py);
            st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
            break;
        }
        memcpy(x, rhaz_table_num(py, (size_t)jy), ny * sizeof *x);
        memcpy(y, rhaz_table_num(py, (size_t)jp), ny * sizeof *y);
        memcpy(y + ny, rhaz_table_num(py, (size_t)js), ny * sizeof *y);
        rhaz_table_free(py);
        const char *name = treaty_display(ti);
        rhaz_plot_series s = {.label = name, .n = ny, .x = x, .y = y,
                              .coef_var = NAN, .style = (int)k + 1};
        if ((st = rhaz_plot_add(p, &s, err)) != RHAZ_OK)
            break;
        if (a->signatories) {
            /* same colour, thin dashed */
            char lab[256];
            snprintf(lab, sizeof lab, "%s: signed or party", name);
            rhaz_plot_series s2 = {.label = lab, .n = ny, .x = x,
                                   .y = y + ny, .coef_var = NAN,
                                   .style = (int)k + 1, .secondary = 1};
            st = rhaz_plot_add(p, &s2, err);
        }
    }
    free(x);
    free(y);
    free(idx);
    rhaz_data_free(d);
    return st;
}

static rhaz_status load_density(rhaz_plot *p, plot_args *a, rhaz_error *err)
{
    if (a->input)
        return load_lines(p, a, err);
    rhaz_table *t = get_panel(a, err);
    if (!t)
        return err->status;
    const char *src = a->data ? a->data : "panel";
    rhaz_status st = RHAZ_OK;
    const char **reg = NULL;
    double *sum = NULL, *cnt = NULL, *x = NULL, *y = NULL;
    long jr = need_col(t, "region", 0, err), jy = -1, jd = -1;
    if (jr < 0 || (jy = need_col(t, "year", 1, err)) < 0 ||
        (jd = need_col(t, "region_density", 1, err)) < 0) {
        st = err->status;
        goto cleanup;
    }
    long jt = rhaz_table_find(t, "treaty");
    if (a->treaty && jt < 0) {
        st = rhaz_error_set(err, RHAZ_ENOTFOUND, src, 1,
                            "--treaty given but the panel has no 'treaty' "
                            "column");
        goto cleanup;
    }
    size_t n = rhaz_table_nrow(t), ng = 0;
    const double *Y = rhaz_table_num(t, (size_t)jy),
                 *D = rhaz_table_num(t, (size_t)jd);
    /* several treaties stacked and none chosen: refuse to mix them */
    if (!a->treaty && jt >= 0) {
        const char *first = NULL;
        for (size_t i = 0; i < n; i++) {
            const char *s = rhaz_table_str(t, (size_t)jt, i);
            if (!s)
                continue;
            if (!first)
                first = s;
            else if (strcmp(first, s) != 0) {
                st = rhaz_error_set(err, RHAZ_EUSAGE, src,
                                    rhaz_table_line(t, i),
                                    "the panel stacks several treaties "
                                    "('%s', '%s', ...): choose one with "
                                    "--treaty", first, s);
                goto cleanup;
            }
        }
    }
    double ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!isnan(Y[i]))
            ymin = fmin(ymin, Y[i]), ymax = fmax(ymax, Y[i]);
    if (!(ymax >= ymin) || ymax - ymin > 1000) {
        st = rhaz_error_set(err, RHAZ_EDATA, src, 0,
                            "no usable 'year' values");
        goto cleanup;
    }
    size_t ny = (size_t)(ymax - ymin) + 1;
    reg = groups_of(t, jr, &ng);
    sum = calloc(ng * ny, sizeof *sum);
    cnt = calloc(ng * ny, sizeof *cnt);
    x = malloc(ny * sizeof *x);
    y = malloc(ny * sizeof *y);
    if (!reg || !sum || !cnt || !x || !y) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, src, 0, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        const char *r = rhaz_table_str(t, (size_t)jr, i);
        if (!r || isnan(Y[i]) || isnan(D[i]))
            continue;
        if (a->treaty) {
            const char *tr = rhaz_table_str(t, (size_t)jt, i);
            if (!tr || strcmp(tr, a->treaty) != 0)
                continue;
        }
        size_t g = 0;
        while (g < ng && strcmp(reg[g], r) != 0)
            g++;
        size_t k = (size_t)(Y[i] - ymin);
        sum[g * ny + k] += D[i];
        cnt[g * ny + k] += 1;
    }
    for (size_t g = 0; g < ng; g++) {
        if (!*reg[g])
            continue; /* rows without a region */
        size_t m = 0;
        for (size_t k = 0; k < ny; k++) {
            if (cnt[g * ny + k] == 0 && m == 0)
                continue; /* before the region's first row */
            x[m] = ymin + (double)k;
            y[m] = cnt[g * ny + k] > 0 ? sum[g * ny + k] / cnt[g * ny + k]
                                       : NAN;
            m++;
        }
        while (m > 0 && isnan(y[m - 1]))
            m--;
        if (m == 0)
            continue;
        rhaz_plot_series s = {.label = reg[g], .n = m, .x = x, .y = y,
                              .coef_var = NAN};
        if ((st = rhaz_plot_add(p, &s, err)) != RHAZ_OK)
            goto cleanup;
    }
    if (rhaz_plot_nseries(p) == 0)
        st = rhaz_error_set(err, RHAZ_EDATA, src, 0,
                            "no rows with region and region_density%s%s",
                            a->treaty ? " for treaty " : "",
                            a->treaty ? a->treaty : "");
cleanup:
    free(reg);
    free(sum);
    free(cnt);
    free(x);
    free(y);
    rhaz_table_free(t);
    return st;
}

/* Basename of path without directory and extension, into buf. */
static const char *stem(const char *path, char *buf, size_t size)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(buf, size, "%s", b);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
    return buf;
}

static rhaz_status load_coef(rhaz_plot *p, plot_args *a, rhaz_error *err)
{
    if (a->nfits == 0 && !a->input)
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot coef: give --fit FILE.json (repeatable) "
                              "or --input FILE.csv");
    if (a->nfits > 0 && a->input)
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot coef: --fit and --input exclude each "
                              "other");
    rhaz_status st = RHAZ_OK;
    if (a->input) {
        /* CSV: [model,]term,estimate,conf_low,conf_high */
        const char *strings[] = {"model", "term", NULL};
        rhaz_table *t = read_csv(a->input, strings, err);
        if (!t)
            return err->status;
        const char **grp = NULL, **names = NULL;
        double *buf = NULL;
        long jm = rhaz_table_find(t, "model"), jt, je = -1, jl = -1, ju = -1;
        if ((jt = need_col(t, "term", 0, err)) < 0 ||
            (je = need_col(t, "estimate", 1, err)) < 0 ||
            (jl = need_col(t, "conf_low", 1, err)) < 0 ||
            (ju = need_col(t, "conf_high", 1, err)) < 0) {
            st = err->status;
            goto csv_done;
        }
        size_t n = rhaz_table_nrow(t), ng = 0;
        grp = groups_of(t, jm, &ng);
        names = malloc((n + 1) * sizeof *names);
        buf = malloc(3 * (n + 1) * sizeof *buf);
        if (!grp || !names || !buf) {
            st = rhaz_error_set(err, RHAZ_ENOMEM, a->input, 0,
                                "out of memory");
            goto csv_done;
        }
        for (size_t g = 0; g < ng; g++) {
            size_t m = 0;
            for (size_t i = 0; i < n; i++) {
                const char *s = jm >= 0 ? rhaz_table_str(t, (size_t)jm, i)
                                        : "";
                if (strcmp(s ? s : "", grp[g]) != 0)
                    continue;
                const char *term = rhaz_table_str(t, (size_t)jt, i);
                if (!term) {
                    st = rhaz_error_set(err, RHAZ_EDATA, a->input,
                                        rhaz_table_line(t, i),
                                        "missing term name");
                    goto csv_done;
                }
                if (!a->intercept && strcmp(term, "(Intercept)") == 0)
                    continue;
                names[m] = term;
                buf[m] = rhaz_table_num(t, (size_t)je)[i];
                buf[n + 1 + m] = rhaz_table_num(t, (size_t)jl)[i];
                buf[2 * (n + 1) + m] = rhaz_table_num(t, (size_t)ju)[i];
                m++;
            }
            if (m == 0)
                continue;
            rhaz_plot_series s = {.label = grp[g], .n = m, .y = buf,
                                  .lower = buf + n + 1,
                                  .upper = buf + 2 * (n + 1), .names = names,
                                  .coef_var = NAN};
            if ((st = rhaz_plot_add(p, &s, err)) != RHAZ_OK)
                goto csv_done;
        }
        if (rhaz_plot_nseries(p) == 0)
            st = rhaz_error_set(err, RHAZ_EDATA, a->input, 0,
                                "no coefficients to plot");
    csv_done:
        free(grp);
        free(names);
        free(buf);
        rhaz_table_free(t);
        return st;
    }

    rhaz_fit_summary *fits[MAXFITS] = {0};
    char labels[MAXFITS][256];
    int have_label[MAXFITS] = {0};
    int ncox = 0, nlogit = 0, ncloglog = 0;
    for (int f = 0; f < a->nfits; f++) {
        const char *spec = a->fits[f], *path = spec;
        const char *eq = strchr(spec, '=');
        if (eq && access(spec, F_OK) != 0) {
            snprintf(labels[f], sizeof labels[f], "%.*s", (int)(eq - spec),
                     spec);
            have_label[f] = 1;
            path = eq + 1;
        }
        fits[f] = rhaz_fit_summary_read_json(path, err);
        if (!fits[f]) {
            st = err->status;
            goto fit_done;
        }
        if (!have_label[f])
            stem(path, labels[f], sizeof labels[f]);
        const char *m = fits[f]->model ? fits[f]->model : "";
        const char *l = fits[f]->link ? fits[f]->link : "";
        if (strcmp(m, "cox") == 0)
            ncox++;
        else if (strcmp(l, "cloglog") == 0 || strcmp(m, "cloglog") == 0)
            ncloglog++;
        else
            nlogit++;
        if (!fits[f]->converged)
            rhaz_message("warning: %s: the model did not converge; its "
                         "estimates are plotted as they are", path);
    }
    /* distinct model names make better legend entries than file names */
    int distinct = 1;
    for (int f = 0; f < a->nfits && distinct; f++)
        for (int g = 0; g < f; g++)
            if (!fits[f]->model || !fits[g]->model ||
                strcmp(fits[f]->model, fits[g]->model) == 0)
                distinct = 0;
    for (int f = 0; f < a->nfits; f++) {
        const char *lab = labels[f];
        if (!have_label[f] && distinct && fits[f]->model)
            lab = fits[f]->model;
        if (a->terms) {
            /* --terms a,b,c: only these, in this order */
            rhaz_fit_summary view = *fits[f];
            rhaz_coef *keep = calloc(fits[f]->p + 1, sizeof *keep);
            if (!keep) {
                st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                                    "out of memory");
                goto fit_done;
            }
            size_t nk = 0;
            char buf[1024];
            snprintf(buf, sizeof buf, "%s", a->terms);
            char *save = NULL;
            for (char *tok = strtok_r(buf, ",", &save); tok;
                 tok = strtok_r(NULL, ",", &save)) {
                while (*tok == ' ')
                    tok++;
                for (size_t j = 0; j < fits[f]->p; j++)
                    if (strcmp(fits[f]->coef[j].term, tok) == 0)
                        keep[nk++] = fits[f]->coef[j];
            }
            view.coef = keep;
            view.p = nk;
            st = nk ? rhaz_plot_add_fit(p, &view, lab, 0, err)
                    : RHAZ_OK; /* a model without those terms: no row */
            free(keep);
            if (st)
                goto fit_done;
            continue;
        }
        if ((st = rhaz_plot_add_fit(p, fits[f], lab, !a->intercept, err)))
            goto fit_done;
    }
    if (rhaz_plot_nseries(p) == 0) {
        st = rhaz_error_set(err, RHAZ_ENOTFOUND, NULL, 0,
                            "plot coef: no model has any of the terms '%s'",
                            a->terms ? a->terms : "");
        goto fit_done;
    }
    if (!a->po.xlabel && a->po.ratio) {
        /* exp(beta): odds ratios for logit, hazard ratios for cloglog
         * (grouped-duration PH) and Cox */
        if (nlogit == 0)
            a->po.xlabel = "Hazard ratio (log scale)";
        else if (ncox + ncloglog == 0)
            a->po.xlabel = "Odds ratio (log scale)";
        else
            a->po.xlabel = "Ratio (log scale)";
    }
fit_done:
    for (int f = 0; f < a->nfits; f++)
        rhaz_fit_summary_free(fits[f]);
    return st;
}

/* zph from CSV: term,time,residual[,var] -> one panel per term. */
static rhaz_status load_zph_cox(rhaz_plot *p, plot_args *a, rhaz_error *err);
static rhaz_status load_zph(rhaz_plot *p, plot_args *a, rhaz_error *err)
{
    if (!a->input && a->formula)
        return load_zph_cox(p, a, err);
    if (!a->input)
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot zph: --input FILE.csv is required");
    const char *strings[] = {"term", NULL};
    rhaz_table *t = read_csv(a->input, strings, err);
    if (!t)
        return err->status;
    rhaz_status st = RHAZ_OK;
    const char **grp = NULL;
    double *buf = NULL;
    long jt = need_col(t, "term", 0, err), jx = -1, jy = -1;
    if (jt < 0 || (jx = need_col(t, "time", 1, err)) < 0 ||
        (jy = need_col(t, "residual", 1, err)) < 0) {
        st = err->status;
        goto cleanup;
    }
    long jv = rhaz_table_find(t, "var");
    if (jv >= 0 && (jv = need_col(t, "var", 1, err)) < 0) {
        st = err->status;
        goto cleanup;
    }
    size_t n = rhaz_table_nrow(t), ng = 0;
    grp = groups_of(t, jt, &ng);
    buf = malloc(2 * (n + 1) * sizeof *buf);
    if (!grp || !buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, a->input, 0, "out of memory");
        goto cleanup;
    }
    for (size_t g = 0; g < ng; g++) {
        size_t m = 0;
        double var = NAN;
        for (size_t i = 0; i < n; i++) {
            const char *s = rhaz_table_str(t, (size_t)jt, i);
            if (strcmp(s ? s : "", grp[g]) != 0)
                continue;
            double xv = rhaz_table_num(t, (size_t)jx)[i];
            double yv = rhaz_table_num(t, (size_t)jy)[i];
            if (isnan(xv) || isnan(yv)) {
                st = rhaz_error_set(err, RHAZ_EDATA, a->input,
                                    rhaz_table_line(t, i),
                                    "missing time or residual");
                goto cleanup;
            }
            if (jv >= 0 && !isnan(rhaz_table_num(t, (size_t)jv)[i]))
                var = rhaz_table_num(t, (size_t)jv)[i];
            buf[m] = xv;
            buf[n + 1 + m] = yv;
            m++;
        }
        rhaz_plot_series s = {.label = grp[g], .panel = grp[g], .n = m,
                              .x = buf, .y = buf + n + 1, .coef_var = var};
        if ((st = rhaz_plot_add(p, &s, err)) != RHAZ_OK)
            goto cleanup;
    }
cleanup:
    free(grp);
    free(buf);
    rhaz_table_free(t);
    return st;
}

/* ---------- Cox-based kinds: km, baseline, zph ---------- */

/* The stop-time variable of "Surv(start, stop, event)" or "Surv(time,
 * event)", into buf ("" if not found). */
static void surv_time_var(const char *formula, char *buf, size_t size)
{
    buf[0] = '\0';
    const char *a = strstr(formula, "Surv(");
    const char *b = a ? strchr(a, ')') : NULL;
    if (!a || !b)
        return;
    a += 5;
    /* fields split by commas: the time is the one before the last */
    const char *f[4];
    size_t nf = 0;
    f[nf++] = a;
    for (const char *c = a; c < b && nf < 4; c++)
        if (*c == ',')
            f[nf++] = c + 1;
    if (nf < 2)
        return;
    const char *s = f[nf - 2], *e = f[nf - 1] - 1;
    while (s < e && *s == ' ')
        s++;
    while (e > s && e[-1] == ' ')
        e--;
    snprintf(buf, size, "%.*s", (int)(e - s), s);
}

/* Default x label of a survival figure from its time variable. */
static const char *time_label(const char *formula, char *buf, size_t size)
{
    surv_time_var(formula, buf, size);
    if (strcmp(buf, "stop") == 0)
        return "Years since the treaty opened";
    if (strcmp(buf, "duration") == 0)
        return "Years at risk";
    return buf[0] ? buf : "Time";
}

/* Panel + formula -> design (Surv response), for km/baseline/zph. */
static rhaz_status surv_design(plot_args *a, const char *formula,
                               rhaz_table **tab, rhaz_design **des,
                               rhaz_error *err)
{
    *tab = NULL;
    *des = NULL;
    rhaz_formula *fm = rhaz_formula_parse(formula, err);
    if (!fm)
        return err->status;
    rhaz_lhs_kind lhs = rhaz_formula_lhs(fm);
    if (lhs != RHAZ_LHS_SURV2 && lhs != RHAZ_LHS_SURV3) {
        rhaz_formula_free(fm);
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot %s: the formula needs Surv(time, event) "
                              "or Surv(start, stop, event) on the left",
                              rhaz_plot_kind_name(a->kind));
    }
    rhaz_status st = RHAZ_OK;
    if (!(*tab = get_panel(a, err))) {
        st = err->status;
    } else {
        rhaz_design_options o = {0};
        o.drop_intercept = 1;
        if (!(*des = rhaz_design_build(fm, *tab, &o, err)))
            st = err->status;
        else if ((*des)->n == 0)
            st = rhaz_error_set(err, RHAZ_EDATA, a->data, 0,
                                "no complete rows for '%s'", formula);
    }
    rhaz_formula_free(fm);
    if (st) {
        rhaz_design_free(*des);
        rhaz_table_free(*tab);
        *des = NULL;
        *tab = NULL;
    }
    return st;
}

static rhaz_cox *cox_of(const rhaz_design *d, rhaz_error *err)
{
    rhaz_cox_data cd;
    rhaz_cox_data_from_design(&cd, d);
    cd.cluster = NULL; /* figures use the model-based fit */
    cd.n_clusters = 0;
    rhaz_cox_options o;
    rhaz_cox_options_default(&o);
    rhaz_cox *fit = rhaz_cox_fit(&cd, &o, err);
    if (fit && !rhaz_cox_result_get(fit)->converged)
        rhaz_message("warning: the Cox model did not converge; the figure "
                     "shows the last iterate");
    return fit;
}

/* km: 'Surv(...) ~ g' (or ~ 1) -> 1 - KM per level of g, log-log bands.
 * The groups are coded as strata of the same response. */
static rhaz_status load_km(rhaz_plot *p, plot_args *a, rhaz_error *err)
{
    if (a->input)
        return load_lines(p, a, err);
    if (!a->formula)
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot km: give --formula 'Surv(start, stop, "
                              "event) ~ GROUP' with --data or --treaties (or "
                              "--input FILE.csv)");
    const char *tilde = strchr(a->formula, '~');
    if (!tilde)
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot km: formula '%s' has no '~'", a->formula);
    /* LHS ~ strata(RHS) unless the RHS is 1 */
    const char *rhs = tilde + 1;
    while (*rhs == ' ')
        rhs++;
    size_t n = strlen(a->formula) + 32;
    char *f2 = malloc(n);
    if (!f2)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
    if (strcmp(rhs, "1") == 0 || !*rhs)
        snprintf(f2, n, "%.*s~ 1", (int)(tilde - a->formula), a->formula);
    else
        snprintf(f2, n, "%.*s~ strata(%s)", (int)(tilde - a->formula),
                 a->formula, rhs);
    for (char *c = strchr(f2, '~'); c && *c; c++)
        if (*c == '+')
            *c = ','; /* strata(a, b) for several grouping variables */
    rhaz_table *t = NULL;
    rhaz_design *d = NULL;
    rhaz_km *km = NULL;
    double *buf = NULL;
    rhaz_status st = surv_design(a, f2, &t, &d, err);
    if (st)
        goto done;
    rhaz_cox_data sv; /* the survival columns of the design */
    rhaz_cox_data_from_design(&sv, d);
    size_t ng = d->strata ? d->n_strata : 1;
    if (!(km = rhaz_km_fit(d->n, sv.start, sv.stop, sv.event, d->weights, d->strata,
                           ng, 0.95, err))) {
        st = err->status;
        goto done;
    }
    buf = malloc(4 * (km->n_points + 1) * sizeof *buf);
    if (!buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    size_t cap = km->n_points + 1;
    for (size_t g = 0; g < ng && !st; g++) {
        double *x = buf, *y = buf + cap, *lo = buf + 2 * cap,
               *hi = buf + 3 * cap;
        size_t m = 0;
        x[m] = 0, y[m] = 0, lo[m] = 0, hi[m] = 0; /* nobody at time 0 */
        m++;
        for (size_t k = 0; k < km->n_points; k++) {
            if (km->group[k] != (int)g)
                continue;
            if (km->time[k] < x[0])
                x[0] = km->time[k];
            x[m] = km->time[k];
            y[m] = 1 - km->surv[k];
            lo[m] = 1 - km->upper[k]; /* cumulative incidence = 1 - S */
            hi[m] = 1 - km->lower[k];
            m++;
        }
        const char *lab = d->strata ? d->strata_labels[g] : "All states";
        rhaz_plot_series s = {.label = lab, .n = m, .x = x, .y = y,
                              .lower = lo, .upper = hi, .coef_var = NAN};
        st = rhaz_plot_add(p, &s, err);
    }
    static char xl[256];
    if (!st && !a->po.xlabel)
        a->po.xlabel = time_label(a->formula, xl, sizeof xl);
done:
    free(buf);
    free(f2);
    rhaz_km_free(km);
    rhaz_design_free(d);
    rhaz_table_free(t);
    return st;
}

/* baseline: survfit of a Cox fit (covariates at their means, as R's
 * survfit(fit)), cumulative hazard (or survival) per stratum, with R's
 * default log-scale 95% band: H +- 1.96 se(H). */
static rhaz_status load_baseline(rhaz_plot *p, plot_args *a, rhaz_error *err)
{
    if (a->input)
        return load_lines(p, a, err);
    if (!a->formula)
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot baseline: give --formula 'Surv(...) ~ "
                              "TERMS [+ strata(s)]' with --data or "
                              "--treaties (or --input FILE.csv)");
    rhaz_table *t = NULL;
    rhaz_design *d = NULL;
    rhaz_cox *fit = NULL;
    rhaz_cox_curve *c = NULL;
    double *buf = NULL;
    rhaz_status st = surv_design(a, a->formula, &t, &d, err);
    if (st || !(fit = cox_of(d, err)) ||
        !(c = rhaz_cox_survfit(fit, NULL, err))) {
        st = err->status;
        goto done;
    }
    size_t cap = c->n_points + 1, ng = d->strata ? d->n_strata : 1;
    buf = malloc(4 * cap * sizeof *buf);
    if (!buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    const double z = 1.959963984540054;
    for (size_t g = 0; g < ng && !st; g++) {
        double *x = buf, *y = buf + cap, *lo = buf + 2 * cap,
               *hi = buf + 3 * cap;
        size_t m = 0;
        x[0] = 0, y[0] = a->survival ? 1 : 0, lo[0] = y[0], hi[0] = y[0];
        m++;
        for (size_t k = 0; k < c->n_points; k++) {
            if ((size_t)c->stratum[k] != g)
                continue;
            double H = c->cumhaz[k], se = c->std_err[k];
            double hl = fmax(H - z * se, 0), hh = H + z * se;
            if (c->time[k] < x[0])
                x[0] = c->time[k];
            x[m] = c->time[k];
            y[m] = a->survival ? c->surv[k] : H;
            lo[m] = a->survival ? exp(-hh) : hl;
            hi[m] = a->survival ? exp(-hl) : hh;
            m++;
        }
        const char *lab = d->strata ? d->strata_labels[g] : "Baseline";
        rhaz_plot_series s = {.label = lab, .n = m, .x = x, .y = y,
                              .lower = lo, .upper = hi, .coef_var = NAN};
        st = rhaz_plot_add(p, &s, err);
    }
    static char xl[256];
    if (!st && !a->po.xlabel)
        a->po.xlabel = time_label(a->formula, xl, sizeof xl);
    if (!st && !a->po.ylabel && a->survival)
        a->po.ylabel = "Baseline survival";
done:
    free(buf);
    rhaz_cox_curve_free(c);
    rhaz_cox_free(fit);
    rhaz_design_free(d);
    rhaz_table_free(t);
    return st;
}

/* zph from a Cox fit: scaled Schoenfeld residuals (n_events x p, R's
 * n_events V r + beta) against event time, one panel per coefficient;
 * the smooth's band uses the model-based variance (as cox.zph). */
static rhaz_status load_zph_cox(rhaz_plot *p, plot_args *a, rhaz_error *err)
{
    rhaz_table *t = NULL;
    rhaz_design *d = NULL;
    rhaz_cox *fit = NULL;
    double *res = NULL, *tim = NULL;
    rhaz_status st = surv_design(a, a->formula, &t, &d, err);
    if (st || !(fit = cox_of(d, err))) {
        st = err->status;
        goto done;
    }
    const rhaz_cox_result *r = rhaz_cox_result_get(fit);
    size_t ne = r->n_events, pp = r->p;
    if (pp == 0 || ne == 0) {
        st = rhaz_error_set(err, RHAZ_EDATA, a->data, 0,
                            "plot zph: the model has no %s",
                            pp ? "events" : "covariates");
        goto done;
    }
    res = malloc(ne * pp * sizeof *res);
    tim = malloc(ne * sizeof *tim);
    if (!res || !tim) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    if ((st = rhaz_cox_schoenfeld(fit, 1, res, tim, NULL, err)))
        goto done;
    for (size_t j = 0; j < pp && !st; j++) {
        if (r->aliased[j])
            continue;
        rhaz_plot_series s = {.label = d->colnames[j],
                              .panel = d->colnames[j], .n = ne, .x = tim,
                              .y = res + j * ne,
                              .coef_var = r->vcov_model[j * pp + j]};
        st = rhaz_plot_add(p, &s, err);
    }
    static char xl[256];
    if (!st && !a->po.xlabel)
        a->po.xlabel = time_label(a->formula, xl, sizeof xl);
done:
    free(res);
    free(tim);
    rhaz_cox_free(fit);
    rhaz_design_free(d);
    rhaz_table_free(t);
    return st;
}

/* ---------- predict: a fitted model across one covariate ---------- */


/* Value of VAR in "--at a=1,b=x": 1 and *num or *str set, else 0. */
static int at_value(const char *at, const char *var, double *num,
                    const char **str, char *buf, size_t size)
{
    if (!at)
        return 0;
    size_t vl = strlen(var);
    for (const char *c = at; c && *c;) {
        const char *end = strchr(c, ',');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        if (len > vl && strncmp(c, var, vl) == 0 && c[vl] == '=') {
            snprintf(buf, size, "%.*s", (int)(len - vl - 1), c + vl + 1);
            char *e;
            *num = strtod(buf, &e);
            *str = buf;
            if (e == buf || *e)
                *num = NAN;
            return 1;
        }
        c = end ? end + 1 : NULL;
    }
    return 0;
}

#define PREDICT_NGRID 60

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The panel plus grid rows: VAR on a grid over its observed range (or
 * its distinct values when there are few), the other columns at --at
 * values, else the mean (numbers) or the most frequent value (text) of
 * the rows the model uses; the last row has VAR at its mean (the
 * reference of Cox hazard ratios).  The design is built on panel and
 * grid together so factor levels and codings are those of the fit. */
static rhaz_table *predict_table(const rhaz_table *t, const size_t *used,
                                 size_t nused, const char *var,
                                 const char *at, size_t *ngrid,
                                 double *grid, rhaz_error *err)
{
    size_t n = rhaz_table_nrow(t), nc = rhaz_table_ncol(t);
    long jv = rhaz_table_find(t, var);
    if (jv < 0 || rhaz_table_coltype(t, (size_t)jv) != RHAZ_COL_NUMERIC) {
        rhaz_error_set(err, jv < 0 ? RHAZ_ENOTFOUND : RHAZ_EDATA, NULL, 0,
                       "--vary %s: %s", var,
                       jv < 0 ? "no such column in the panel"
                              : "not a numeric column");
        return NULL;
    }
    const double *V = rhaz_table_num(t, (size_t)jv);
    double *vals = malloc((nused + 1) * sizeof *vals);
    if (!vals) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    size_t nv = 0;
    double mean = 0;
    for (size_t i = 0; i < nused; i++)
        if (!isnan(V[used[i]]))
            vals[nv++] = V[used[i]], mean += V[used[i]];
    mean /= nv ? (double)nv : 1;
    qsort(vals, nv, sizeof *vals, cmp_double);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < nv; i++)
        lo = fmin(lo, vals[i]), hi = fmax(hi, vals[i]);
    size_t nd = 0;
    for (size_t i = 0; i < nv && nd <= 12; i++)
        if (i == 0 || vals[i] != vals[i - 1])
            nd++;
    size_t g = 0;
    if (nd <= 12) {
        for (size_t i = 0; i < nv; i++)
            if (i == 0 || vals[i] != vals[i - 1])
                grid[g++] = vals[i];
    } else {
        for (g = 0; g < PREDICT_NGRID; g++)
            grid[g] = lo + (hi - lo) * (double)g / (PREDICT_NGRID - 1);
    }
    free(vals);
    if (nv == 0 || !(hi >= lo)) {
        rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                       "--vary %s: no values in the rows the model uses", var);
        return NULL;
    }
    *ngrid = g;
    size_t m = n + g + 1;
    rhaz_table *out = rhaz_table_new("predict", err);
    double *num = malloc(m * sizeof *num);
    const char **str = malloc(m * sizeof *str);
    size_t *cnt = calloc(n + 1, sizeof *cnt);
    if (!out || !num || !str || !cnt) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    for (size_t j = 0; j < nc; j++) {
        const char *name = rhaz_table_colname(t, j);
        char abuf[256];
        double anum = NAN;
        const char *astr = NULL;
        int has_at = at_value(at, name, &anum, &astr, abuf, sizeof abuf);
        if (rhaz_table_coltype(t, j) == RHAZ_COL_NUMERIC) {
            const double *X = rhaz_table_num(t, j);
            memcpy(num, X, n * sizeof *num);
            double mu = 0;
            size_t k = 0;
            for (size_t i = 0; i < nused; i++)
                if (!isnan(X[used[i]]))
                    mu += X[used[i]], k++;
            mu = k ? mu / (double)k : 0;
            if (has_at && isnan(anum)) {
                rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                               "--at %s=%s: not a number", name, astr);
                goto fail;
            }
            for (size_t r = 0; r <= g; r++)
                num[n + r] = (long)j == jv ? (r < g ? grid[r] : mean)
                             : has_at      ? anum
                                           : mu;
            if (rhaz_table_add_numeric(out, name, num, m, err))
                goto fail;
        } else {
            const char *mode = has_at ? astr : NULL;
            if (!mode) { /* most frequent value among used rows */
                size_t best = 0;
                memset(cnt, 0, (n + 1) * sizeof *cnt);
                for (size_t i = 0; i < nused; i++) {
                    const char *v = rhaz_table_str(t, j, used[i]);
                    if (!v)
                        continue;
                    /* first row with this value holds its count */
                    size_t first = used[i];
                    for (size_t q = 0; q < i; q++) {
                        const char *w = rhaz_table_str(t, j, used[q]);
                        if (w && strcmp(w, v) == 0) {
                            first = used[q];
                            break;
                        }
                    }
                    if (++cnt[first] > best)
                        best = cnt[first], mode = v;
                    if (nused > 20000 && i > 2000)
                        break; /* enough for the mode of a text column */
                }
            }
            for (size_t i = 0; i < n; i++)
                str[i] = rhaz_table_str(t, j, i);
            for (size_t r = 0; r <= g; r++)
                str[n + r] = mode;
            if (rhaz_table_add_string(out, name, str, m, err))
                goto fail;
        }
    }
    free(num);
    free(str);
    free(cnt);
    return out;
fail:
    free(num);
    free(str);
    free(cnt);
    rhaz_table_free(out);
    return NULL;
}

static rhaz_status load_predict(rhaz_plot *p, plot_args *a, rhaz_error *err)
{
    if (a->input)
        return load_lines(p, a, err);
    if (a->nfits != 1 || !a->vary)
        return rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                              "plot predict: give one --fit FILE.json, "
                              "--vary VAR and --data PANEL.csv or "
                              "--treaties KEYS (or --input FILE.csv)");
    const char *path = a->fits[0];
    const char *eq = strchr(path, '=');
    if (eq && access(path, F_OK) != 0)
        path = eq + 1;
    rhaz_status st = RHAZ_OK;
    rhaz_fit_summary *fit = NULL;
    rhaz_formula *fm = NULL;
    rhaz_table *t = NULL, *aug = NULL;
    rhaz_design *d0 = NULL, *d = NULL;
    double *buf = NULL;
    size_t *map = NULL;
    if (!(fit = rhaz_fit_summary_read_json(path, err)) ||
        !(t = get_panel(a, err))) {
        st = err->status;
        goto done;
    }
    if (!fit->formula || !*fit->formula) {
        st = rhaz_error_set(err, RHAZ_EPARSE, path, 0,
                            "no \"formula\" in the fit");
        goto done;
    }
    int cox = fit->model && strcmp(fit->model, "cox") == 0;
    int cloglog = !cox && fit->link && strcmp(fit->link, "cloglog") == 0;
    rhaz_design_options dopt = {0};
    dopt.drop_intercept = cox;
    if (!(fm = rhaz_formula_parse(fit->formula, err)) ||
        !(d0 = rhaz_design_build(fm, t, &dopt, err))) {
        st = err->status;
        goto done;
    }
    size_t n = rhaz_table_nrow(t), g = 0;
    double grid[PREDICT_NGRID + 1];
    if (!(aug = predict_table(t, d0->rows, d0->n, a->vary, a->at, &g, grid,
                              err)) ||
        !(d = rhaz_design_build(fm, aug, &dopt, err))) {
        st = err->status;
        goto done;
    }
    /* grid rows in the design, and design columns -> fit coefficients */
    size_t gi[PREDICT_NGRID + 1], found = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->rows[i] >= n && d->rows[i] <= n + g)
            gi[d->rows[i] - n] = i, found++;
    map = malloc((d->p + 1) * sizeof *map);
    buf = malloc(4 * (g + 1) * sizeof *buf);
    if (!map || !buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    if (found != g + 1) {
        st = rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                            "plot predict: grid rows dropped (missing "
                            "values): give the others with --at");
        goto done;
    }
    for (size_t j = 0; j < d->p; j++) {
        map[j] = (size_t)-1;
        for (size_t k = 0; k < fit->p; k++)
            if (strcmp(fit->coef[k].term, d->colnames[j]) == 0)
                map[j] = k;
        if (map[j] == (size_t)-1) {
            st = rhaz_error_set(err, RHAZ_EDATA, path, 0,
                                "the fit has no coefficient '%s' (the "
                                "panel codes the formula differently)",
                                d->colnames[j]);
            goto done;
        }
    }
    if (!fit->vcov) {
        st = rhaz_error_set(err, RHAZ_EPARSE, path, 0,
                            "no \"vcov\" in the fit: no interval");
        goto done;
    }
    double *x = buf, *y = buf + (g + 1), *lo = buf + 2 * (g + 1),
           *hi = buf + 3 * (g + 1);
    const double z = 1.959963984540054;
    size_t nn = d->n, P = fit->p;
    for (size_t r = 0; r < g; r++) {
        double eta = 0, var = 0;
        size_t i = gi[r], i0 = gi[g];
        for (size_t j = 0; j < d->p; j++) {
            size_t k = map[j];
            double xj = d->X[j * nn + i] - (cox ? d->X[j * nn + i0] : 0);
            if (fit->coef[k].aliased)
                continue;
            eta += xj * fit->coef[k].estimate;
            for (size_t l = 0; l < d->p; l++) {
                size_t k2 = map[l];
                if (fit->coef[k2].aliased)
                    continue;
                double xl = d->X[l * nn + i] - (cox ? d->X[l * nn + i0] : 0);
                var += xj * xl * fit->vcov[k * P + k2];
            }
        }
        double se = sqrt(fmax(var, 0)), e0 = eta - z * se, e1 = eta + z * se;
        x[r] = grid[r];
        if (cox) {
            y[r] = exp(eta), lo[r] = exp(e0), hi[r] = exp(e1);
        } else if (cloglog) {
            y[r] = -expm1(-exp(eta));
            lo[r] = -expm1(-exp(e0));
            hi[r] = -expm1(-exp(e1));
        } else {
            y[r] = 1 / (1 + exp(-eta));
            lo[r] = 1 / (1 + exp(-e0));
            hi[r] = 1 / (1 + exp(-e1));
        }
    }
    rhaz_plot_series s = {.label = "", .n = g, .x = x, .y = y, .lower = lo,
                          .upper = hi, .coef_var = NAN};
    if ((st = rhaz_plot_add(p, &s, err)))
        goto done;
    if (!a->po.xlabel)
        a->po.xlabel = a->vary;
    static char yl[300];
    if (!a->po.ylabel) {
        if (cox)
            snprintf(yl, sizeof yl, "Hazard ratio (vs. the mean)");
        else
            snprintf(yl, sizeof yl, "Predicted probability per year");
        a->po.ylabel = yl;
    }
done:
    free(buf);
    free(map);
    rhaz_design_free(d);
    rhaz_design_free(d0);
    rhaz_table_free(aug);
    rhaz_table_free(t);
    rhaz_formula_free(fm);
    rhaz_fit_summary_free(fit);
    return st;
}

/* Inputs per kind: a table, like the kinds themselves. */
typedef rhaz_status (*loader_fn)(rhaz_plot *p, plot_args *a, rhaz_error *err);
static const loader_fn loaders[RHAZ_PLOT_NKINDS] = {
    [RHAZ_PLOT_PARTICIPATION] = load_participation,
    [RHAZ_PLOT_KM] = load_km,
    [RHAZ_PLOT_COEF] = load_coef,
    [RHAZ_PLOT_BASELINE] = load_baseline,
    [RHAZ_PLOT_PREDICT] = load_predict,
    [RHAZ_PLOT_DENSITY] = load_density,
    [RHAZ_PLOT_ZPH] = load_zph,
};

/* ---------- rendering ---------- */

/* Run gnuplot on script; stderr captured into errbuf.  0 when gnuplot
 * exited 0 and wrote nothing to stderr. */
static int run_gnuplot(const char *script, char *errbuf, size_t size)
{
    errbuf[0] = '\0';
    char errpath[] = "/tmp/rhaz-gnuplot-err.XXXXXX";
    int efd = mkstemp(errpath);
    if (efd < 0) {
        snprintf(errbuf, size, "cannot create a temporary file: %s",
                 strerror(errno));
        return -1;
    }
    const char *prog = getenv("RHAZ_GNUPLOT");
    if (!prog || !*prog)
        prog = "gnuplot";
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(errbuf, size, "fork failed: %s", strerror(errno));
        close(efd);
        unlink(errpath);
        return -1;
    }
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
        }
        dup2(efd, 2);
        execlp(prog, prog, script, (char *)NULL);
        dprintf(2, "cannot run %s: %s", prog, strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* gnuplot echoes the offending command, a caret line, then
     * '"FILE" line N: message': keep that last non-blank line */
    char tail[4096];
    off_t end = lseek(efd, 0, SEEK_END);
    off_t from = end > (off_t)sizeof tail - 1 ? end - (off_t)sizeof tail + 1
                                               : 0;
    ssize_t got = end > 0 ? pread(efd, tail, sizeof tail - 1, from) : 0;
    close(efd);
    unlink(errpath);
    if (got > 0) {
        tail[got] = '\0';
        char *e = tail + got;
        while (e > tail && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\r'))
            *--e = '\0';
        char *b = strrchr(tail, '\n');
        const char *last = b ? b + 1 : tail;
        size_t len = strlen(last);
        if (len > size - 1)
            len = size - 1;
        memcpy(errbuf, last, len);
        errbuf[len] = '\0';
        if (!errbuf[0])
            snprintf(errbuf, size, "gnuplot wrote blank lines on stderr");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (!errbuf[0])
            snprintf(errbuf, size, "gnuplot failed (status %d)", status);
        return -1;
    }
    return got > 0 ? -1 : 0;
}

/* Write the script for format fmt with `set output` = image into path. */
static rhaz_status write_script(const rhaz_plot *p, plot_args *a,
                                rhaz_plot_format fmt, const char *image,
                                const char *path, rhaz_error *err)
{
    rhaz_plot_options o = a->po;
    o.format = fmt;
    o.output = image;
    rhaz_outfile *f = rhaz_outfile_open(path, err);
    if (!f)
        return err->status;
    rhaz_status st = rhaz_plot_write(p, &o, rhaz_outfile_fp(f), err);
    if (st) {
        rhaz_outfile_abort(f);
        return st;
    }
    return rhaz_outfile_commit(f, err);
}

/* Render p into PREFIX.EXT: script to a temporary, image to a temporary,
 * renamed into place only when gnuplot succeeded silently. */
static rhaz_status render(const rhaz_plot *p, plot_args *a,
                          rhaz_plot_format fmt, rhaz_error *err)
{
    const char *ext = rhaz_plot_format_name(fmt);
    size_t n = strlen(a->out) + 64;
    char *final = malloc(n), *tmpimg = malloc(n), *tmpgp = malloc(n);
    rhaz_status st = RHAZ_OK;
    if (!final || !tmpimg || !tmpgp) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    snprintf(final, n, "%s.%s", a->out, ext);
    snprintf(tmpimg, n, "%s.%s.tmp%ld.%s", a->out, ext, (long)getpid(), ext);
    snprintf(tmpgp, n, "%s.%s.tmp%ld.gp", a->out, ext, (long)getpid());
    if ((st = write_script(p, a, fmt, tmpimg, tmpgp, err)))
        goto done;
    char msg[700];
    int rc = run_gnuplot(tmpgp, msg, sizeof msg);
    struct stat sb;
    if (rc == 0 && (stat(tmpimg, &sb) != 0 || sb.st_size == 0)) {
        snprintf(msg, sizeof msg, "gnuplot wrote no image");
        rc = -1;
    }
    if (rc != 0) {
        st = rhaz_error_set(err, RHAZ_EIO, final, 0, "rendering failed: %s",
                            msg);
    } else if (rename(tmpimg, final) != 0) {
        st = rhaz_error_set(err, RHAZ_EIO, final, 0, "cannot rename: %s",
                            strerror(errno));
    }
    unlink(tmpgp);
    if (st)
        unlink(tmpimg);
done:
    free(final);
    free(tmpimg);
    free(tmpgp);
    return st;
}

static int parse_formats(const char *s, plot_args *a)
{
    a->nformats = 0;
    if (strcmp(s, "none") == 0)
        return 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        rhaz_plot_format f;
        if (rhaz_plot_format_parse(tok, &f, NULL) != RHAZ_OK ||
            a->nformats >= RHAZ_PLOT_NFORMATS)
            return -1;
        for (int k = 0; k < a->nformats; k++)
            if (a->formats[k] == f)
                return -1;
        a->formats[a->nformats++] = f;
    }
    return a->nformats ? 0 : -1;
}

/* A flag may be followed by yes/no (as model files write "key = yes"):
 * consume that word and return its value; a bare flag is 1. */
static int flag_value(int argc, char **argv)
{
    static const char *const yes[] = {"yes", "true", "1", "on"};
    static const char *const no[] = {"no", "false", "0", "off"};
    if (optind < argc) {
        for (int i = 0; i < 4; i++) {
            if (strcmp(argv[optind], yes[i]) == 0) {
                optind++;
                return 1;
            }
            if (strcmp(argv[optind], no[i]) == 0) {
                optind++;
                return 0;
            }
        }
    }
    return 1;
}

static int parse_double(const char *s, double *out)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (e == s || *e || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, 0, 'o'},
        {"render", required_argument, 0, 'r'},
        {"size", required_argument, 0, 's'},
        {"theme", required_argument, 0, 'T'},
        {"title", required_argument, 0, 't'},
        {"xlabel", required_argument, 0, 'x'},
        {"ylabel", required_argument, 0, 'y'},
        {"labels", required_argument, 0, 'L'},
        {"font", required_argument, 0, 'F'},
        {"font-size", required_argument, 0, 'S'},
        {"dpi", required_argument, 0, 'D'},
        {"ymin", required_argument, 0, 'm'},
        {"ymax", required_argument, 0, 'M'},
        {"scale", required_argument, 0, 'c'},
        {"intercept", no_argument, 0, 'I'},
        {"df", required_argument, 0, 'd'},
        {"input", required_argument, 0, 'i'},
        {"data", required_argument, 0, 'a'},
        {"treaty", required_argument, 0, 'k'},
        {"fit", required_argument, 0, 'f'},
        {"treaties", required_argument, 0, 'K'},
        {"data-dir", required_argument, 0, 'R'},
        {"signatories", no_argument, 0, 'G'},
        {"end", required_argument, 0, 'E'},
        {"formula", required_argument, 0, 'Q'},
        {"vary", required_argument, 0, 'V'},
        {"at", required_argument, 0, 'A'},
        {"survival", no_argument, 0, 'U'},
        {"terms", required_argument, 0, 'W'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    plot_args a;
    memset(&a, 0, sizeof a);
    rhaz_plot_options_init(&a.po);
    a.po.ratio = 1;
    a.formats[0] = RHAZ_PLOT_PNG;
    a.nformats = 1;
    const char *size = NULL, *render_s = NULL;
    double fs = NAN;
    rhaz_error err;
    rhaz_error_clear(&err);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': a.out = optarg; break;
        case 'r': render_s = optarg; break;
        case 's': size = optarg; break;
        case 'T':
            if (strcmp(optarg, "color") == 0 || strcmp(optarg, "colour") == 0)
                a.po.theme = RHAZ_PLOT_COLOR;
            else if (strcmp(optarg, "gray") == 0 ||
                     strcmp(optarg, "grey") == 0)
                a.po.theme = RHAZ_PLOT_GRAY;
            else
                return cli_usage("plot", "--theme must be color or gray");
            break;
        case 't': a.po.title = optarg; break;
        case 'x': a.po.xlabel = optarg; break;
        case 'y': a.po.ylabel = optarg; break;
        case 'L': a.labels = optarg; break;
        case 'F': a.po.font = optarg; break;
        case 'S':
            if (parse_double(optarg, &fs))
                return cli_usage("plot", "--font-size '%s' is not a number",
                                 optarg);
            break;
        case 'D': {
            double d;
            if (parse_double(optarg, &d) || d != floor(d))
                return cli_usage("plot", "--dpi '%s' is not an integer",
                                 optarg);
            if (d < 36 || d > 1200)
                return cli_usage("plot", "--dpi %s: must be 36 to 1200", optarg);
            a.po.dpi = (int)fmin(fmax(d, -1), 1e5);
            break;
        }
        case 'm':
        case 'M':
            if (parse_double(optarg, c == 'm' ? &a.po.ymin : &a.po.ymax))
                return cli_usage("plot", "--%s '%s' is not a number",
                                 c == 'm' ? "ymin" : "ymax", optarg);
            break;
        case 'c':
            if (strcmp(optarg, "ratio") == 0)
                a.po.ratio = 1;
            else if (strcmp(optarg, "raw") == 0)
                a.po.ratio = 0;
            else
                return cli_usage("plot", "--scale must be ratio or raw");
            break;
        case 'I': a.intercept = flag_value(argc, argv); break;
        case 'd': {
            double d;
            if (parse_double(optarg, &d) || d != floor(d) || d < 2 || d > 20)
                return cli_usage("plot", "--df must be an integer 2 to 20");
            a.po.smooth_df = (int)d;
            break;
        }
        case 'i': a.input = optarg; break;
        case 'a': a.data = optarg; break;
        case 'k': a.treaty = optarg; break;
        case 'f':
            if (a.nfits >= MAXFITS)
                return cli_usage("plot", "at most %d --fit files", MAXFITS);
            a.fits[a.nfits++] = optarg;
            break;
        case 'K': a.treaties = optarg; break;
        case 'R': a.data_dir = optarg; break;
        case 'G': a.signatories = flag_value(argc, argv); break;
        case 'E': {
            double d;
            if (parse_double(optarg, &d) || d != floor(d) || d < 1900 ||
                d > 2100)
                return cli_usage("plot", "--end must be a year, not '%s'",
                                 optarg);
            a.end_year = (int)d;
            break;
        }
        case 'Q': a.formula = optarg; break;
        case 'V': a.vary = optarg; break;
        case 'A': a.at = optarg; break;
        case 'U': a.survival = flag_value(argc, argv); break;
        case 'W': a.terms = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        default: return cli_bad_option("plot", argv);
        }
    }
    if (optind >= argc)
        return cli_usage("plot", "missing figure KIND");
    if (optind + 1 < argc)
        return cli_usage("plot", "unexpected argument '%s'", argv[optind + 1]);
    if (rhaz_plot_kind_parse(argv[optind], &a.kind, &err))
        return cli_usage("plot", "%s", err.msg);
    if (!a.out || !*a.out)
        return cli_usage("plot", "--out PREFIX is required");
    if (render_s && parse_formats(render_s, &a))
        return cli_usage("plot", "--render '%s': expected a comma list of "
                                 "png, pdf, svg, eps (no repeats), or none",
                         render_s);
    if (size && rhaz_plot_size_parse(size, &a.po, &err))
        return cli_usage("plot", "%s", err.msg);
    if (!isnan(fs))
        a.po.font_size = fs;
    if (a.nfits && a.kind != RHAZ_PLOT_COEF && a.kind != RHAZ_PLOT_PREDICT)
        return cli_usage("plot", "--fit is for the coef and predict figures");

    rhaz_table *labels = NULL;
    rhaz_plot *p = NULL;
    int rc = EXIT_OK;
    if (a.labels) {
        rhaz_csv_options lo = {0};
        labels = rhaz_table_read(a.labels, &lo, &err);
        if (!labels) {
            rc = cli_error(&err);
            goto done;
        }
        a.po.labels = labels;
    }
    p = rhaz_plot_alloc(a.kind, &err);
    if (!p || loaders[a.kind](p, &a, &err) != RHAZ_OK) {
        rc = cli_error(&err);
        goto done;
    }
    /* PREFIX.gp: the script for the first format, set to write PREFIX.EXT */
    rhaz_plot_format f0 = a.nformats ? a.formats[0] : RHAZ_PLOT_PNG;
    size_t n = strlen(a.out) + 16;
    char *gp = malloc(n), *img = malloc(n);
    if (!gp || !img) {
        free(gp);
        free(img);
        rc = cli_fail("out of memory");
        goto done;
    }
    snprintf(gp, n, "%s.gp", a.out);
    snprintf(img, n, "%s.%s", a.out, rhaz_plot_format_name(f0));
    /* the script names the image as PREFIX.EXT: run it from the same
     * directory as rhaz was run */
    rhaz_status st = write_script(p, &a, f0, img, gp, &err);
    for (int k = 0; st == RHAZ_OK && k < a.nformats; k++)
        st = render(p, &a, a.formats[k], &err);
    free(gp);
    free(img);
    if (st)
        rc = cli_error(&err);
done:
    rhaz_plot_free(p);
    rhaz_table_free(labels);
    return rc;
}
