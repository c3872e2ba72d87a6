/* series_data.c -- figure series from tables and records: long CSV
 * inputs, coefficient tables and fits, zph residual tables, parties per
 * year, regional density.  (Model-based kinds: series_model.c.) */
#include "plot_impl.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *tname(const rhaz_table *t)
{
    const char *n = rhaz_table_name(t);
    return n && *n ? n : NULL;
}

static long need_col(const rhaz_table *t, const char *name, int numeric,
                     rhaz_error *err)
{
    long j = rhaz_table_find(t, name);
    if (j < 0) {
        rhaz_error_set(err, RHAZ_ENOTFOUND, tname(t), 1, "no column '%s'", name);
        snprintf(err->what, sizeof err->what, "%s", name);
        return -1;
    }
    if (numeric && rhaz_table_coltype(t, (size_t)j) != RHAZ_COL_NUMERIC) {
        rhaz_error_set(err, RHAZ_EDATA, tname(t), 1,
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

rhaz_status rhaz_plot_add_long(rhaz_plot *p, const rhaz_table *t,
                               const char *gcol, const char *xcol,
                               const char *ycol, rhaz_error *err)
{
    const char *path = tname(t);
    rhaz_status st = RHAZ_OK;
    const char **grp = NULL;
    double *buf = NULL;
    long jg = gcol ? rhaz_table_find(t, gcol) : -1;
    long jx = need_col(t, xcol, 1, err), jy;
    if (jx < 0 || (jy = need_col(t, ycol, 1, err)) < 0)
        return err->status;
    long jl = rhaz_table_find(t, "lower"), ju = rhaz_table_find(t, "upper");
    if ((jl >= 0) != (ju >= 0))
        return rhaz_error_set(err, RHAZ_EDATA, path, 1,
                              "columns lower and upper come together");
    if (jl >= 0 && ((jl = need_col(t, "lower", 1, err)) < 0 ||
                    (ju = need_col(t, "upper", 1, err)) < 0))
        return err->status;
    size_t n = rhaz_table_nrow(t), ng = 0;
    if (n == 0)
        return rhaz_error_set(err, RHAZ_EDATA, path, 0, "no data rows");
    grp = groups_of(t, jg, &ng);
    buf = malloc(4 * n * sizeof *buf);
    if (!grp || !buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory building the figure's series");
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
                                    rhaz_table_line(t, i), "missing %s", xcol);
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
            if (!err->file[0] && path)
                snprintf(err->file, sizeof err->file, "%s", path);
            goto cleanup;
        }
    }
cleanup:
    free(grp);
    free(buf);
    return st;
}

rhaz_status rhaz_plot_add_coef_table(rhaz_plot *p, const rhaz_table *t,
                                     int intercept, rhaz_error *err)
{
    const char *path = tname(t);
    rhaz_status st = RHAZ_OK;
    const char **grp = NULL, **names = NULL;
    double *buf = NULL;
    long jm = rhaz_table_find(t, "model"), jt, je = -1, jl = -1, ju = -1;
    if ((jt = need_col(t, "term", 0, err)) < 0 ||
        (je = need_col(t, "estimate", 1, err)) < 0 ||
        (jl = need_col(t, "conf_low", 1, err)) < 0 ||
        (ju = need_col(t, "conf_high", 1, err)) < 0)
        return err->status;
    size_t n = rhaz_table_nrow(t), ng = 0;
    grp = groups_of(t, jm, &ng);
    names = malloc((n + 1) * sizeof *names);
    buf = malloc(3 * (n + 1) * sizeof *buf);
    if (!grp || !names || !buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory building the figure's series");
        goto done;
    }
    for (size_t g = 0; g < ng; g++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            const char *s = jm >= 0 ? rhaz_table_str(t, (size_t)jm, i) : "";
            if (strcmp(s ? s : "", grp[g]) != 0)
                continue;
            const char *term = rhaz_table_str(t, (size_t)jt, i);
            if (!term) {
                st = rhaz_error_set(err, RHAZ_EDATA, path,
                                    rhaz_table_line(t, i), "missing term name");
                goto done;
            }
            if (!intercept && strcmp(term, "(Intercept)") == 0)
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
                              .lower = buf + n + 1, .upper = buf + 2 * (n + 1),
                              .names = names, .coef_var = NAN};
        if ((st = rhaz_plot_add(p, &s, err)) != RHAZ_OK)
            goto done;
    }
    if (rhaz_plot_nseries(p) == 0)
        st = rhaz_error_set(err, RHAZ_EDATA, path, 0, "no coefficients to plot");
done:
    free(grp);
    free(names);
    free(buf);
    return st;
}

rhaz_status rhaz_plot_add_zph_table(rhaz_plot *p, const rhaz_table *t,
                                    rhaz_error *err)
{
    const char *path = tname(t);
    rhaz_status st = RHAZ_OK;
    const char **grp = NULL;
    double *buf = NULL;
    long jt = need_col(t, "term", 0, err), jx = -1, jy = -1;
    if (jt < 0 || (jx = need_col(t, "time", 1, err)) < 0 ||
        (jy = need_col(t, "residual", 1, err)) < 0)
        return err->status;
    long jv = rhaz_table_find(t, "var");
    if (jv >= 0 && (jv = need_col(t, "var", 1, err)) < 0)
        return err->status;
    size_t n = rhaz_table_nrow(t), ng = 0;
    grp = groups_of(t, jt, &ng);
    buf = malloc(2 * (n + 1) * sizeof *buf);
    if (!grp || !buf) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory building the figure's series");
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
                st = rhaz_error_set(err, RHAZ_EDATA, path, rhaz_table_line(t, i),
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
    return st;
}

rhaz_status rhaz_plot_add_fits(rhaz_plot *p, rhaz_fit_summary *const *fits,
                               const char *const *labels,
                               const char *const *stems, size_t nfits,
                               const char *terms, int intercept, int ratio,
                               rhaz_error *err)
{
    rhaz_status st = RHAZ_OK;
    int ncox = 0, nlogit = 0, ncloglog = 0, naft = 0, nother = 0;
    for (size_t f = 0; f < nfits; f++) {
        const char *m = fits[f]->model ? fits[f]->model : "";
        const char *l = fits[f]->link ? fits[f]->link : "";
        if (strcmp(m, "cox") == 0 || strcmp(l, "ph") == 0) /* survreg PH metric */
            ncox++;
        else if (strcmp(l, "aft") == 0) /* survreg AFT metric: time ratios */
            naft++;
        else if (strcmp(m, "cure") == 0) /* time ratios and odds ratios */
            nother++;
        else if (strcmp(l, "cloglog") == 0 || strcmp(m, "cloglog") == 0)
            ncloglog++;
        else
            nlogit++;
    }
    /* distinct model names make better legend entries than file names */
    int distinct = 1;
    for (size_t f = 0; f < nfits && distinct; f++)
        for (size_t g = 0; g < f; g++)
            if (!fits[f]->model || !fits[g]->model ||
                strcmp(fits[f]->model, fits[g]->model) == 0)
                distinct = 0;
    for (size_t f = 0; f < nfits; f++) {
        const char *lab = labels && labels[f] ? labels[f]
                          : distinct && fits[f]->model ? fits[f]->model
                          : stems ? stems[f] : "";
        if (terms) {
            /* terms a,b,c: only these, in this order */
            rhaz_fit_summary view = *fits[f];
            rhaz_coef *keep = calloc(fits[f]->p + 1, sizeof *keep);
            if (!keep)
                return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure's series");
            size_t nk = 0;
            char buf[1024];
            snprintf(buf, sizeof buf, "%s", terms);
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
                return st;
            continue;
        }
        if ((st = rhaz_plot_add_fit(p, fits[f], lab, !intercept, err)))
            return st;
    }
    if (rhaz_plot_nseries(p) == 0)
        return rhaz_error_set(err, RHAZ_ENOTFOUND, NULL, 0,
                              "plot coef: no model has any of the terms '%s'",
                              terms ? terms : "");
    if (ratio) {
        /* exp(beta): odds ratios for logit, hazard ratios for cloglog
         * (grouped-duration PH) and Cox */
        const char *xl = naft > 0 && (size_t)naft == nfits ? "Time ratio (log scale)"
                         : naft + nother > 0 ? "Ratio (log scale)"
                         : nlogit == 0 ? "Hazard ratio (log scale)"
                         : ncox + ncloglog == 0 ? "Odds ratio (log scale)"
                                                : "Ratio (log scale)";
        st = rhaz_plot_set_default_labels(p, xl, NULL, err);
    }
    return st;
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

rhaz_status rhaz_plot_add_participation(rhaz_plot *p, const rhaz_data *d,
                                        const size_t *idx, size_t n,
                                        int end_year, int signatories,
                                        rhaz_error *err)
{
    double *x = NULL, *y = NULL;
    rhaz_status st = RHAZ_OK;
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
        if (end_year && end_year < last)
            last = end_year;
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
            st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory building the figure's series");
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
        if (signatories) {
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
    return st;
}

/* density from a panel: mean region_density per (region, year) over the
 * rows at risk (all rows of a region-year share one value: parties among
 * the other states of the region at the end of the previous year). */
rhaz_status rhaz_plot_add_density(rhaz_plot *p, const rhaz_table *t,
                                  const char *treaty, rhaz_error *err)
{
    const char *src = tname(t) ? tname(t) : "panel";
    rhaz_status st = RHAZ_OK;
    const char **reg = NULL;
    double *sum = NULL, *cnt = NULL, *x = NULL, *y = NULL;
    long jr = need_col(t, "region", 0, err), jy = -1, jd = -1;
    if (jr < 0 || (jy = need_col(t, "year", 1, err)) < 0 ||
        (jd = need_col(t, "region_density", 1, err)) < 0)
        return err->status;
    long jt = rhaz_table_find(t, "treaty");
    if (treaty && jt < 0) {
        rhaz_error_set(err, RHAZ_ENOTFOUND, src, 1,
                       "a treaty was chosen but the panel has no 'treaty' column");
        core_error_option(err, "treaty");
        return RHAZ_ENOTFOUND;
    }
    size_t n = rhaz_table_nrow(t), ng = 0;
    const double *Y = rhaz_table_num(t, (size_t)jy),
                 *D = rhaz_table_num(t, (size_t)jd);
    /* several treaties stacked and none chosen: refuse to mix them */
    if (!treaty && jt >= 0) {
        const char *first = NULL;
        for (size_t i = 0; i < n; i++) {
            const char *s = rhaz_table_str(t, (size_t)jt, i);
            if (!s)
                continue;
            if (!first)
                first = s;
            else if (strcmp(first, s) != 0) {
                rhaz_error_set(err, RHAZ_EUSAGE, src, rhaz_table_line(t, i),
                               "the panel stacks several treaties ('%s', '%s', "
                               "...): choose one", first, s);
                core_error_option(err, "treaty");
                return RHAZ_EUSAGE;
            }
        }
    }
    double ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!isnan(Y[i]))
            ymin = fmin(ymin, Y[i]), ymax = fmax(ymax, Y[i]);
    if (!(ymax >= ymin) || ymax - ymin > 1000)
        return rhaz_error_set(err, RHAZ_EDATA, src, 0, "no usable 'year' values");
    size_t ny = (size_t)(ymax - ymin) + 1;
    reg = groups_of(t, jr, &ng);
    sum = calloc(ng * ny, sizeof *sum);
    cnt = calloc(ng * ny, sizeof *cnt);
    x = malloc(ny * sizeof *x);
    y = malloc(ny * sizeof *y);
    if (!reg || !sum || !cnt || !x || !y) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, src, 0, "out of memory building the figure's series");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        const char *r = rhaz_table_str(t, (size_t)jr, i);
        if (!r || isnan(Y[i]) || isnan(D[i]))
            continue;
        if (treaty) {
            const char *tr = rhaz_table_str(t, (size_t)jt, i);
            if (!tr || strcmp(tr, treaty) != 0)
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
            y[m] = cnt[g * ny + k] > 0 ? sum[g * ny + k] / cnt[g * ny + k] : NAN;
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
                            treaty ? " for treaty " : "", treaty ? treaty : "");
cleanup:
    free(reg);
    free(sum);
    free(cnt);
    free(x);
    free(y);
    return st;
}
