/* run_model.c -- 'rhaz run': [panel] and [model] sections planned into
 * the panels to build and the fits to make, before any work is done.
 *
 *   [panel NAME]        several panels, each written as OUT/panel-NAME.csv;
 *                       a [model] picks one with 'panel = NAME' (default:
 *                       the unnamed [panel], or the only one).
 *   democracy           in a formula, the panel's democracy column named by
 *                       its source: democracy_polity2, democracy_vdem, ...;
 *                       'democracy = vdem' in a [model] picks the source.
 *   alternatives        'democracy = polity2, vdem' and 'panel = a, b' list
 *                       alternatives; any other key lists them separated by
 *                       '|' (formula = A | B); one fit per combination,
 *                       named STEM-ALT-..., titled "TITLE: ALT, ...".
 *   common_sample = yes every alternative on the rows complete for all.
 *   output, label       file stem and column title.
 *   imputations = GLOB  (or data = F1, F2, ...) fits pooled by Rubin's rules.
 */
#include "run.h"

#include <ctype.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const own_keys[] = {"type", "panel", "democracy", "common_sample",
                                       "output", "label", "imputations", NULL};

int run_model_own_key(const char *k)
{
    for (const char *const *o = own_keys; *o; o++)
        if (strcmp(*o, k) == 0)
            return 1;
    return 0;
}

static int plan_error(run_ctx *r, const rhaz_mf_section *s, const char *key,
                      const char *fmt, const char *a, const char *b)
{
    rhaz_error err;
    rhaz_modelfile_error(r->mf, s, key, RHAZ_EPARSE, &err, fmt, a, b);
    return run_error(r, &err);
}

/* ---------- panels ---------- */

static int find_panel(const run_ctx *r, const char *name)
{
    for (size_t k = 0; k < r->npanels; k++)
        if (strcmp(r->panels[k].s->name, name) == 0)
            return (int)k;
    return -1;
}

/* The panel a section without 'panel =' uses: the unnamed one, else the
 * only one; -1 if there is none, -2 if several are named and none is. */
static int default_panel(const run_ctx *r)
{
    int k = find_panel(r, "");
    if (k >= 0)
        return k;
    return r->npanels == 1 ? 0 : r->npanels ? -2 : -1;
}

static int plan_panels(run_ctx *r)
{
    size_t ns = rhaz_modelfile_nsections(r->mf);
    for (size_t k = 0; k < ns; k++) {
        const rhaz_mf_section *s = rhaz_modelfile_section(r->mf, k);
        if (strcmp(s->kind, "panel"))
            continue;
        if (r->npanels == RUN_MAX_PANELS)
            return plan_error(r, s, NULL, "more than %s panels", "16", "");
        run_panel *p = &r->panels[r->npanels++];
        memset(p, 0, sizeof *p);
        p->s = s;
        const char *sep = s->name[0] ? "-" : "";
        snprintf(p->path, sizeof p->path, "%.4000s/panel%s%.100s.csv", r->out, sep, s->name);
        snprintf(p->report, sizeof p->report, "%.4000s/panel%s%.100s-report.txt", r->out,
                 sep, s->name);
        /* the source of `democracy` (a bad value is the panel step's error) */
        rhaz_democracy_source d = RHAZ_DEM_POLITY2;
        unsigned mask = 0;
        const char *v = rhaz_mf_get(s, "democracy", NULL);
        if (v && rhaz_democracy_parse_list(v, &d, &mask))
            mask = 0;
        p->dem = (int)d;
        p->dem_cols = mask; /* the sources the section lists itself */
    }
    return 0;
}

int run_figure_panel(run_ctx *r, const rhaz_mf_section *s)
{
    const char *v = rhaz_mf_get(s, "panel", NULL);
    if (!v)
        return default_panel(r) < 0 ? -1 : default_panel(r);
    int k = find_panel(r, v);
    if (k < 0) {
        plan_error(r, s, "panel", "no [panel %s] in this file", v, "");
        return -2;
    }
    return k;
}

/* ---------- alternatives ---------- */

typedef struct {
    const char *key;
    long line;
    char **alt; /* NULL-terminated, owned */
    size_t n;
} dim;

static char *trimmed(const char *p, size_t n)
{
    while (n && isspace((unsigned char)*p)) {
        p++;
        n--;
    }
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

/* Split v at '|' (and, with words, at commas and blanks too); an empty
 * item is returned as "" for the caller to refuse.  NULL: out of memory. */
static char **split_alts(const char *v, int words, size_t *n)
{
    size_t cap = 4, k = 0;
    char **a = malloc(cap * sizeof *a);
    const char *seps = words ? "|, \t" : "|";
    const char *p = v;
    if (!a)
        return NULL;
    for (;;) {
        if (words)
            while (*p == ' ' || *p == '\t')
                p++;
        size_t len = strcspn(p, seps);
        if (k + 2 > cap) {
            char **na = realloc(a, (cap *= 2) * sizeof *na);
            if (!na)
                goto oom;
            a = na;
        }
        if (!(a[k] = trimmed(p, len)))
            goto oom;
        a[++k] = NULL;
        p += len;
        if (words)
            while (*p == ' ' || *p == '\t')
                p++;
        if (!*p)
            break;
        if (words && *p != '|' && *p != ',')
            continue; /* blank-separated */
        p++;
    }
    *n = k;
    return a;
oom:
    a[k] = NULL;
    rhaz_mf_list_free(a);
    return NULL;
}

/* A short name of alternative k of d: the value itself when it is a
 * name (letters, digits, _ - .) of at most 24 characters, else KEYk. */
static void alt_tag(const dim *d, size_t k, char *buf, size_t size)
{
    const char *v = d->alt[k];
    size_t n = strlen(v), ok = n > 0 && n <= 24;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)v[i]) || v[i] == '_' || v[i] == '-' || v[i] == '.';
    if (ok)
        snprintf(buf, size, "%s", v);
    else
        snprintf(buf, size, "%s%zu", d->key, k + 1);
}

/* Replace the variable `democracy` (a whole name) in formula f by
 * democracy_SRC; malloc'd. */
static char *rename_democracy(const char *f, const char *src)
{
    static const char w[] = "democracy";
    size_t wl = sizeof w - 1, sl = strlen(src), n = 0;
    for (const char *p = f; (p = strstr(p, w)); p += wl)
        n++;
    char *out = malloc(strlen(f) + n * (sl + 1) + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = f; *p;) {
        int before = p > f && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.');
        if (!before && strncmp(p, w, wl) == 0 &&
            !(isalnum((unsigned char)p[wl]) || p[wl] == '_' || p[wl] == '.')) {
            o += sprintf(o, "%s_%s", w, src);
            p += wl;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

char *run_democracy_formula(const run_ctx *r, int pi, const char *formula)
{
    return rename_democracy(formula,
                            rhaz_democracy_name((rhaz_democracy_source)r->panels[pi].dem));
}

static void fit_free(run_fit *f)
{
    for (size_t i = 0; i < f->sec.n; i++)
        free(f->sec.entries[i].value);
    free(f->sec.entries);
    free(f->stem);
    free(f->title);
    rhaz_mf_list_free(f->imputations);
    rhaz_mf_list_free(f->sample);
    rhaz_mf_list_free(f->sample_cols);
    memset(f, 0, sizeof *f);
}

void run_plan_free(run_ctx *r)
{
    for (size_t k = 0; k < r->nfits; k++)
        fit_free(&r->fits[k]);
    free(r->fits);
    r->fits = NULL;
    r->nfits = 0;
}

/* Append string s to a NULL-terminated list (owned); -1: out of memory. */
static int list_add(char ***list, const char *s)
{
    size_t n = 0;
    while (*list && (*list)[n])
        n++;
    char **nl = realloc(*list, (n + 2) * sizeof *nl);
    if (!nl)
        return -1;
    *list = nl;
    nl[n + 1] = NULL;
    return (nl[n] = strdup(s)) ? 0 : -1;
}

/* The data sets of 'imputations = GLOB' (sorted) or of a 'data' value
 * that lists several files; 0 with *files NULL for a single data set. */
static int plan_imputations(run_ctx *r, const rhaz_mf_section *s, const char *data,
                            run_fit *f)
{
    const char *glb = rhaz_mf_get(s, "imputations", NULL);
    if (glb && data)
        return plan_error(r, s, "imputations", "give 'imputations = GLOB' or "
                                               "'data = FILE', not both%s%s", "", "");
    if (glb) {
        char *pat = cli_mf_path(r->mf, glb);
        glob_t g = {0};
        int rc = pat ? glob(pat, 0, NULL, &g) : -1;
        free(pat);
        if (rc != 0 || g.gl_pathc < 2) {
            size_t n = rc == 0 ? g.gl_pathc : 0;
            globfree(&g);
            return plan_error(r, s, "imputations",
                              n ? "'%s' matches one file; Rubin's rules need at least 2%s"
                                : "'%s' matches no file%s", glb, "");
        }
        for (size_t k = 0; k < g.gl_pathc; k++)
            if (list_add(&f->imputations, g.gl_pathv[k])) {
                globfree(&g);
                return cli_fail("out of memory listing the imputations");
            }
        f->nimp = g.gl_pathc;
        globfree(&g);
        return 0;
    }
    size_t n = 0;
    char **items = data ? rhaz_mf_split(data, &n) : NULL;
    for (size_t k = 0; n > 1 && k < n; k++) {
        char *p = cli_mf_path(r->mf, items[k]);
        if (!p || list_add(&f->imputations, p)) {
            free(p);
            rhaz_mf_list_free(items);
            return cli_fail("out of memory listing the imputations");
        }
        free(p);
    }
    f->nimp = n > 1 ? n : 0;
    rhaz_mf_list_free(items);
    return 0;
}

/* ---------- one [model] section ---------- */

static int plan_model(run_ctx *r, const rhaz_mf_section *s, dim *dims, size_t nd)
{
    const char *cs = rhaz_mf_get(s, "common_sample", NULL);
    int common = 0;
    if (cs && !strcmp(cs, "yes"))
        common = 1;
    else if (cs && strcmp(cs, "no"))
        return plan_error(r, s, "common_sample", "expected yes or no, not '%s'%s", cs, "");
    /* the dimensions: democracy and panel (lists), any key with '|' */
    for (size_t i = 0; i < s->n; i++) {
        const rhaz_mf_entry *e = &s->entries[i];
        int words = !strcmp(e->key, "democracy") || !strcmp(e->key, "panel");
        if (!words && !strchr(e->value, '|'))
            continue;
        if (!words && run_model_own_key(e->key) && strcmp(e->key, "type"))
            return plan_error(r, s, e->key, "takes no alternatives ('|')%s%s", "", "");
        if (!e->value[strspn(e->value, " \t,|")])
            return plan_error(r, s, e->key, "an empty list of alternatives%s%s", "", "");
        dim *d = &dims[nd];
        d->key = e->key;
        d->line = e->line;
        if (!(d->alt = split_alts(e->value, words, &d->n)))
            return cli_fail("out of memory reading the model file");
        nd++;
        for (size_t k = 0; k < d->n; k++)
            if (!d->alt[k][0])
                return plan_error(r, s, e->key, "an empty alternative in '%s'%s",
                                  e->value, "");
        for (size_t k = 0; k < d->n; k++)
            for (size_t j = 0; j < k; j++)
                if (!strcmp(d->alt[k], d->alt[j]))
                    return plan_error(r, s, e->key, "alternative '%s' given twice%s",
                                      d->alt[k], "");
        for (size_t k = 0; words && k < d->n; k++) {
            rhaz_democracy_source src;
            if (!strcmp(e->key, "democracy") && rhaz_democracy_parse(d->alt[k], &src))
                return plan_error(r, s, e->key, "unknown democracy source '%s' (polity2, "
                                                "vdem, fh, bmr or lied)%s", d->alt[k], "");
            if (!strcmp(e->key, "panel") && find_panel(r, d->alt[k]) < 0)
                return plan_error(r, s, e->key, "no [panel %s] in this file%s",
                                  d->alt[k], "");
        }
    }
    size_t total = 1;
    char how[256] = "";
    for (size_t k = 0; k < nd; k++) {
        total = total > RUN_MAX_FITS ? total : total * dims[k].n;
        snprintf(how + strlen(how), sizeof how - strlen(how), "%s%s %zu", k ? " x " : "",
                 dims[k].key, dims[k].n);
    }
    if (total > RUN_GRID_MAX) {
        char b[320];
        snprintf(b, sizeof b, "%zu%s fits (%.250s)", total,
                 total > RUN_MAX_FITS ? " or more" : "", how);
        return plan_error(r, s, dims[nd - 1].key, "the alternatives make %s; one [model] "
                          "may expand into at most " RUN_GRID_MAX_S " fits%s", b, "");
    }
    if (r->nfits + total > RUN_MAX_FITS)
        return plan_error(r, s, NULL, "more than %s fits in one run%s", "256", "");
    if (common && total > 1 && rhaz_mf_get(s, "imputations", NULL))
        return plan_error(r, s, "common_sample", "not with imputations%s%s", "", "");
    const char *stem0 = rhaz_mf_get(s, "output", NULL);
    const char *title0 = rhaz_mf_get(s, "label", NULL);
    if (stem0) {
        size_t n = strlen(stem0), ok = n > 0 && n <= 100;
        for (size_t i = 0; ok && i < n; i++)
            ok = isalnum((unsigned char)stem0[i]) || strchr("_-.", stem0[i]);
        if (!ok || stem0[0] == '.')
            return plan_error(r, s, "output", "'%s' is not a file name (letters, digits, "
                                              "_ - .)%s", stem0, "");
    }
    size_t first = r->nfits, pick[64] = {0};
    for (size_t c = 0; c < total; c++) {
        run_fit *f = &r->fits[r->nfits++];
        memset(f, 0, sizeof *f);
        f->s = s;
        f->sec = *s;
        f->sec.entries = calloc(s->n ? s->n : 1, sizeof *f->sec.entries);
        if (!f->sec.entries)
            return cli_fail("out of memory planning the fits");
        f->sec.n = 0;
        char stem[1024], title[1024], tag[64];
        int tagged = 0;
        snprintf(stem, sizeof stem, "%s", stem0 ? stem0 : s->name);
        snprintf(title, sizeof title, "%s", title0 ? title0 : s->name);
        /* this combination: the last key varies fastest */
        for (size_t k = 0, rem = c; k < nd; k++) {
            size_t below = 1;
            for (size_t j = k + 1; j < nd; j++)
                below *= dims[j].n;
            pick[k] = rem / below;
            rem %= below;
            if (dims[k].n < 2) /* one value: no alternatives to tell apart */
                continue;
            alt_tag(&dims[k], pick[k], tag, sizeof tag);
            snprintf(stem + strlen(stem), sizeof stem - strlen(stem), "-%s", tag);
            snprintf(title + strlen(title), sizeof title - strlen(title), "%s%s",
                     tagged++ ? ", " : ": ", tag);
        }
        if (!(f->stem = strdup(stem)) || !(f->title = strdup(title)))
            return cli_fail("out of memory planning the fits");
        const char *panel = NULL, *dem = NULL, *data = NULL;
        for (size_t i = 0; i < s->n; i++) {
            rhaz_mf_entry e = s->entries[i];
            for (size_t k = 0; k < nd; k++)
                if (!strcmp(dims[k].key, e.key))
                    e.value = dims[k].alt[pick[k]];
            if (!strcmp(e.key, "panel"))
                panel = e.value;
            if (!strcmp(e.key, "democracy"))
                dem = e.value;
            if (!strcmp(e.key, "data"))
                data = e.value;
            if (!(e.value = strdup(e.value)))
                return cli_fail("out of memory planning the fits");
            f->sec.entries[f->sec.n++] = e;
        }
        if (panel && data)
            return plan_error(r, s, "panel", "give 'panel = NAME' or 'data = FILE', not "
                                             "both%s%s", "", "");
        const char *type = rhaz_mf_get(&f->sec, "type", NULL);
        if (!cli_fit_command(type)) {
            if (type)
                return plan_error(r, s, "type", "unknown model type '%s' (%s)", type,
                                  cli_fit_type_list());
            return plan_error(r, s, NULL, "needs 'type = %s'%s", cli_fit_type_list(), "");
        }
        if (!rhaz_mf_get(s, "formula", NULL))
            return plan_error(r, s, NULL, "needs 'formula = ...'%s%s", "", "");
        if (plan_imputations(r, s, data, f))
            return EXIT_DATA;
        f->panel = -1;
        if (panel)
            f->panel = find_panel(r, panel);
        else if (!data && !f->nimp) {
            f->panel = default_panel(r);
            if (f->panel == -1)
                return plan_error(r, s, NULL, "no [panel] section and no 'data = FILE'%s%s",
                                  "", "");
            if (f->panel == -2)
                return plan_error(r, s, NULL, "several [panel NAME] sections: say which "
                                              "with 'panel = NAME'%s%s", "", "");
        }
        /* `democracy` is the panel's column named by its source */
        rhaz_democracy_source src = RHAZ_DEM_POLITY2;
        if (dem)
            rhaz_democracy_parse(dem, &src);
        else if (f->panel >= 0)
            src = (rhaz_democracy_source)r->panels[f->panel].dem;
        if (dem || f->panel >= 0) {
            if (f->panel >= 0)
                r->panels[f->panel].dem_cols |= 1u << src;
            for (size_t i = 0; i < f->sec.n; i++) {
                rhaz_mf_entry *e = &f->sec.entries[i];
                if (strcmp(e->key, "formula") && strcmp(e->key, "atrisk"))
                    continue;
                char *v = rename_democracy(e->value, rhaz_democracy_name(src));
                if (!v)
                    return cli_fail("out of memory renaming the democracy measure");
                free(e->value);
                e->value = v;
            }
        }
    }
    /* common sample: the formulas and the cluster and weights columns of
       every alternative, on one data set */
    for (size_t c = first; common && total > 1 && c < r->nfits; c++) {
        run_fit *f = &r->fits[c], *f0 = &r->fits[first];
        const char *d = rhaz_mf_get(&f->sec, "data", NULL), *d0 = rhaz_mf_get(&f0->sec, "data", NULL);
        if (f->panel != f0->panel || (d && (!d0 || strcmp(d, d0))))
            return plan_error(r, s, "common_sample", "the alternatives read different data "
                                                     "(%s and %s); a common sample needs one",
                              f0->panel >= 0 ? r->panels[f0->panel].s->name : d0,
                              f->panel >= 0 ? r->panels[f->panel].s->name : d);
        for (size_t g = first; g < r->nfits; g++) {
            const run_fit *o = &r->fits[g];
            static const char *const fk[] = {"formula", "atrisk"};
            for (int q = 0; q < 2; q++) {
                const char *v = rhaz_mf_get(&o->sec, fk[q], NULL);
                if (v && list_add(&f->sample, v))
                    return cli_fail("out of memory planning the common sample");
            }
            static const char *const ck[] = {"cluster", "weights"};
            for (int q = 0; q < 2; q++) {
                size_t nc = 0;
                char **cols = rhaz_mf_split(rhaz_mf_get(&o->sec, ck[q], NULL), &nc);
                for (size_t j = 0; cols && j < nc; j++)
                    if (list_add(&f->sample_cols, cols[j])) {
                        rhaz_mf_list_free(cols);
                        return cli_fail("out of memory planning the common sample");
                    }
                rhaz_mf_list_free(cols);
            }
        }
    }
    return 0;
}

int run_plan(run_ctx *r)
{
    if (plan_panels(r))
        return EXIT_DATA;
    size_t ns = rhaz_modelfile_nsections(r->mf);
    if (!(r->fits = calloc(RUN_MAX_FITS, sizeof *r->fits)))
        return cli_fail("out of memory planning the fits (%d fits)", RUN_MAX_FITS);
    for (size_t k = 0; k < ns; k++) {
        const rhaz_mf_section *s = rhaz_modelfile_section(r->mf, k);
        if (strcmp(s->kind, "model"))
            continue;
        dim dims[64] = {{0}};
        int rc = s->n > 64 ? plan_error(r, s, NULL, "too many keys%s%s", "", "")
                           : plan_model(r, s, dims, 0);
        for (size_t d = 0; d < 64; d++)
            rhaz_mf_list_free(dims[d].alt);
        if (rc)
            return rc;
    }
    /* output names are files: one fit each */
    for (size_t a = 0; a < r->nfits; a++)
        for (size_t b = 0; b < a; b++)
            if (!strcmp(r->fits[a].stem, r->fits[b].stem)) {
                rhaz_error err;
                char other[200];
                snprintf(other, sizeof other, "%.180s", r->fits[b].s->name);
                const char *ok = rhaz_mf_get(r->fits[a].s, "output", NULL) ? "output" : NULL;
                rhaz_modelfile_error(r->mf, r->fits[a].s, ok, RHAZ_EPARSE, &err,
                                     "output name '%s' is also [model %s]'s",
                                     r->fits[a].stem, other);
                return run_error(r, &err);
            }
    return 0;
}

/* ---------- fitting ---------- */

/* One fit of f's section on data file `data` (NULL: the section's) into
 * json (and text when txt is not NULL). */
static int fit_call(run_ctx *r, const run_fit *f, const char *data, const char *json,
                    const char *txt)
{
    const cli_cmd *c = cli_fit_command(rhaz_mf_get(&f->sec, "type", NULL));
    cli_call *call = cli_call_new(c);
    if (!call)
        return cli_fail("out of memory preparing a fit");
    static const char *const skip_data[] = {"type", "panel", "democracy", "common_sample",
                                            "output", "label", "imputations", "data",
                                            NULL};
    cli_err e = {0};
    int rc = cli_call_section(call, r->mf, &f->sec, data ? skip_data : own_keys, &e);
    if (!rc && data)
        rc = cli_set(call, "data", data, &e);
    for (char **p = f->sample; !rc && p && *p; p++)
        rc = cli_set(call, "sample-formula", *p, &e);
    for (char **p = f->sample_cols; !rc && p && *p; p++)
        rc = cli_set(call, "sample-column", *p, &e);
    if (!rc)
        rc = cli_set(call, "format", "json", &e);
    if (!rc)
        rc = cli_set(call, "out", json, &e);
    if (!rc && txt)
        rc = cli_set(call, "also-text", txt, &e);
    if (!rc)
        rc = cli_call_exec(call, &e);
    if (rc) {
        run_end_progress(r);
        rc = cli_section_error(call, r->mf, &f->sec, &e);
    }
    cli_call_free(call);
    return rc;
}

/* Every imputation fitted (JSON in OUT/models/STEM.impK.json, removed
 * after), pooled by Rubin's rules into STEM.json and STEM.txt. */
static int fit_pooled(run_ctx *r, const run_fit *f, const char *json, const char *txt)
{
    rhaz_fit_summary **fits = calloc(f->nimp, sizeof *fits);
    char p[4400];
    int rc = fits ? 0 : cli_fail("out of memory pooling the imputations (%zu)", f->nimp);
    for (size_t k = 0; !rc && k < f->nimp; k++) {
        snprintf(p, sizeof p, "%s/models/%s.imp%zu.json", r->out, f->stem, k + 1);
        rc = fit_call(r, f, f->imputations[k], p, NULL);
        rhaz_error e = {0};
        if (!rc && !(fits[k] = rhaz_fit_summary_read_json(p, &e)))
            rc = run_error(r, &e);
        unlink(p);
    }
    rhaz_error e = {0};
    rhaz_fit_summary *s = rc ? NULL : cli_fit_pool(fits, f->imputations, f->nimp, &e);
    if (!rc && !s)
        rc = run_error(r, &e);
    const char *out[2] = {json, txt};
    const rhaz_summary_format fmt[2] = {RHAZ_SUMMARY_JSON, RHAZ_SUMMARY_TEXT};
    for (int k = 0; !rc && k < 2; k++) {
        rhaz_outfile *of = rhaz_outfile_open(out[k], &e);
        if (!of || rhaz_fit_summary_write(rhaz_outfile_fp(of), s, fmt[k], NULL, &e)) {
            rhaz_outfile_abort(of);
            rc = run_error(r, &e);
        } else if (rhaz_outfile_commit(of, &e))
            rc = run_error(r, &e);
    }
    rhaz_fit_summary_free(s);
    for (size_t k = 0; fits && k < f->nimp; k++)
        rhaz_fit_summary_free(fits[k]);
    free(fits);
    return rc;
}

int run_fit_one(run_ctx *r, const run_fit *f)
{
    run_progress(r, "fitting model", f->title);
    char json[4400], txt[4400];
    snprintf(json, sizeof json, "%s/models/%s.json", r->out, f->stem);
    snprintf(txt, sizeof txt, "%s/models/%s.txt", r->out, f->stem);
    if (f->nimp)
        return fit_pooled(r, f, json, txt);
    return fit_call(r, f, f->panel >= 0 ? r->panels[f->panel].path : NULL, json, txt);
}
