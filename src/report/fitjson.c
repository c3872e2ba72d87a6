/* fitjson.c -- read a fitted-model JSON document (as written by
 * `rhaz fit --format json`) back into an rhaz_fit_summary.
 *
 * Uses json-c (Debian libjson-c-dev): a well-kept parser, so that the
 * project does not carry a hand-written one. */
#include "rhaz.h"
#include "core/util.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_BYTES (64u << 20)

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        return NULL;
    return v;
}

/* number or NaN (null, absent, or not a number) */
static double num(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    if (!v || (!json_object_is_type(v, json_type_double) &&
               !json_object_is_type(v, json_type_int)))
        return NAN;
    return json_object_get_double(v);
}

static size_t count(json_object *o, const char *key)
{
    double x = num(o, key);
    /* counts beyond 2^53 are not counts (and would not convert) */
    return isfinite(x) && x >= 0 && x <= 9007199254740992.0 ? (size_t)x : 0;
}

/* A count key, when present, must be a whole number >= 0: 0, or -1 with
 * err naming the file and the key. */
static int check_count(json_object *o, const char *key, const char *name,
                       rhaz_error *err)
{
    json_object *v = get(o, key);
    if (!v || json_object_is_type(v, json_type_null))
        return 0;
    double x = num(o, key);
    if (!(isfinite(x) && x >= 0 && x == floor(x) && x <= 9007199254740992.0)) {
        rhaz_error_set(err, RHAZ_EDATA, name, 0, "\"%s\": %.40s is not a count "
                       "(a whole number >= 0)", key, json_object_get_string(v));
        return -1;
    }
    return 0;
}

static int icount(json_object *o, const char *key)
{
    size_t c = count(o, key);
    return c > INT_MAX ? INT_MAX : (int)c;
}

static char *str(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    if (!v || !json_object_is_type(v, json_type_string))
        return core_strdup("");
    return core_strdup(json_object_get_string(v));
}

static int boolean(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return v && json_object_get_boolean(v);
}

/* "design" (see design_to_json in summary.c) -> a design spec; errors
 * name the file and the key. */
static rhaz_design_spec *design_of_json(json_object *dj, const char *name,
                                        rhaz_error *err)
{
    static const char *kinds[] = {"numeric", "factor", "cubic", "ns"};
    json_object *f = get(dj, "formula"), *vs = get(dj, "variables");
    if (!json_object_is_type(dj, json_type_object) || !f ||
        !json_object_is_type(f, json_type_string) || !vs ||
        !json_object_is_type(vs, json_type_array)) {
        rhaz_error_set(err, RHAZ_EPARSE, name, 0,
                       "\"design\" needs \"formula\" and \"variables\"");
        snprintf(err->what, sizeof err->what, "design");
        return NULL;
    }
    size_t nv = json_object_array_length(vs);
    rhaz_design_var *v = calloc(nv ? nv : 1, sizeof *v);
    const char **lev = NULL;
    double *kn = NULL;
    size_t nlev = 0, nkn = 0;
    for (size_t k = 0; k < nv && v; k++) {
        json_object *o = json_object_array_get_idx(vs, k);
        json_object *l = o ? get(o, "levels") : NULL, *q = o ? get(o, "knots") : NULL;
        nlev += l && json_object_is_type(l, json_type_array) ? json_object_array_length(l) : 0;
        nkn += q && json_object_is_type(q, json_type_array) ? json_object_array_length(q) : 0;
    }
    lev = calloc(nlev ? nlev : 1, sizeof *lev);
    kn = calloc(nkn ? nkn : 1, sizeof *kn);
    rhaz_design_spec *sp = NULL;
    if (!v || !lev || !kn) {
        rhaz_error_set(err, RHAZ_ENOMEM, name, 0, "out of memory reading the fit JSON");
        goto done;
    }
    size_t il = 0, ik = 0;
    for (size_t k = 0; k < nv; k++) {
        json_object *o = json_object_array_get_idx(vs, k);
        json_object *lab = o ? get(o, "variable") : NULL;
        json_object *kind = o ? get(o, "kind") : NULL;
        if (!lab || !json_object_is_type(lab, json_type_string) || !kind ||
            !json_object_is_type(kind, json_type_string)) {
            rhaz_error_set(err, RHAZ_EPARSE, name, 0,
                           "\"design\": variable %zu needs \"variable\" and "
                           "\"kind\"", k + 1);
            goto done;
        }
        v[k].label = json_object_get_string(lab);
        v[k].used = 1;
        int kk = -1;
        for (int q = 0; q < 4; q++)
            if (strcmp(json_object_get_string(kind), kinds[q]) == 0)
                kk = q;
        if (kk < 0) {
            rhaz_error_set(err, RHAZ_EPARSE, name, 0,
                           "\"design\": variable '%s': unknown kind '%s'",
                           v[k].label, json_object_get_string(kind));
            goto done;
        }
        v[k].kind = (rhaz_design_var_kind)kk;
        json_object *l = get(o, "levels"), *q = get(o, "knots");
        if (l && json_object_is_type(l, json_type_array)) {
            v[k].levels = lev + il;
            for (size_t m = 0; m < json_object_array_length(l); m++) {
                json_object *e = json_object_array_get_idx(l, m);
                if (!e || !json_object_is_type(e, json_type_string)) {
                    rhaz_error_set(err, RHAZ_EPARSE, name, 0,
                                   "\"design\": '%s': levels must be strings",
                                   v[k].label);
                    goto done;
                }
                lev[il++] = json_object_get_string(e);
                v[k].nlevels++;
            }
        }
        if (q && json_object_is_type(q, json_type_array)) {
            v[k].knots = kn + ik;
            for (size_t m = 0; m < json_object_array_length(q); m++) {
                json_object *e = json_object_array_get_idx(q, m);
                double x = e && (json_object_is_type(e, json_type_double) ||
                                 json_object_is_type(e, json_type_int))
                               ? json_object_get_double(e) : NAN;
                if (!isfinite(x)) {
                    rhaz_error_set(err, RHAZ_EPARSE, name, 0,
                                   "\"design\": '%s': knots must be numbers",
                                   v[k].label);
                    goto done;
                }
                kn[ik++] = x;
                v[k].nknots++;
            }
        }
    }
    json_object *di = get(dj, "drop_intercept");
    sp = rhaz_design_spec_make(json_object_get_string(f),
                               di && json_object_get_boolean(di), nv, v, err);
    if (!sp && err) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        rhaz_error_set(err, err->status, name, 0, "%s", msg);
    }
done:
    if (!sp && err)
        snprintf(err->what, sizeof err->what, "design");
    free(v);
    free(lev);
    free(kn);
    return sp;
}

rhaz_fit_summary *rhaz_fit_summary_parse_json(const char *text, const char *name,
                                              rhaz_error *err)
{
    rhaz_error_clear(err);
    if (!name)
        name = "<memory>";
    json_tokener *tok = json_tokener_new();
    if (!tok) {
        rhaz_error_set(err, RHAZ_ENOMEM, name, 0, "out of memory reading the fit JSON");
        return NULL;
    }
    json_object *root = json_tokener_parse_ex(tok, text, (int)strlen(text));
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    if (!root || jerr != json_tokener_success) {
        /* locate the line of the error */
        size_t off = json_tokener_get_parse_end(tok);
        long line = 1;
        for (size_t i = 0; i < off && text[i]; i++)
            line += text[i] == '\n';
        rhaz_error_set(err, RHAZ_EPARSE, name, line, "invalid JSON: %s",
                       jerr == json_tokener_continue
                           ? "unexpected end of file"
                           : json_tokener_error_desc(jerr));
        json_tokener_free(tok);
        json_object_put(root);
        return NULL;
    }
    json_tokener_free(tok);
    rhaz_fit_summary *s = NULL;
    if (!json_object_is_type(root, json_type_object)) {
        rhaz_error_set(err, RHAZ_EDATA, name, 0, "not a fitted-model JSON object");
        goto done;
    }
    json_object *fmt = get(root, "format"), *ver = get(root, "format_version");
    if (fmt && (!json_object_is_type(fmt, json_type_string) ||
                strcmp(json_object_get_string(fmt), RHAZ_FIT_JSON_FORMAT) != 0)) {
        rhaz_error_set(err, RHAZ_EDATA, name, 0,
                       "\"format\": '%.60s' is not a rhaz fit ('%s')",
                       json_object_get_string(fmt), RHAZ_FIT_JSON_FORMAT);
        goto done;
    }
    if (fmt || ver) {
        if (!ver || !json_object_is_type(ver, json_type_int) ||
            json_object_get_int64(ver) != RHAZ_FIT_JSON_VERSION) {
            rhaz_error_set(err, RHAZ_EDATA, name, 0,
                           "\"format_version\": %.40s: this rhaz reads version %d "
                           "(write the fit again with this rhaz)",
                           ver ? json_object_get_string(ver) : "missing",
                           RHAZ_FIT_JSON_VERSION);
            goto done;
        }
    } else {
        /* no version: only the keys the writer has always used */
        static const char *const legacy[] = {
            "model", "link", "ties", "formula", "firth", "n", "events",
            "n_dropped", "clusters", "n_clusters", "strata", "n_strata",
            "converged", "stop", "iterations", "step_halvings", "rank",
            "loglik", "loglik_null", "aic", "bic", "lr_stat", "lr_df", "lr_p",
            "vce", "vce_type", "vce_adj", "conf_level", "exponentiated",
            "coefficients", "vcov", "warnings", NULL};
        json_object_object_foreach(root, key, val) {
            (void)val;
            size_t k = 0;
            while (legacy[k] && strcmp(legacy[k], key) != 0)
                k++;
            if (!legacy[k]) {
                rhaz_error_set(err, RHAZ_EDATA, name, 0,
                               "unknown key \"%.60s\" in a fit without "
                               "\"format_version\": not written by rhaz fit",
                               key);
                goto done;
            }
        }
    }
    json_object *model = get(root, "model"), *coefs = get(root, "coefficients");
    if (!model || !json_object_is_type(model, json_type_string)) {
        rhaz_error_set(err, RHAZ_EDATA, name, 0, "key \"model\" missing: not "
                                                 "a fitted-model JSON document");
        goto done;
    }
    if (!coefs || !json_object_is_type(coefs, json_type_array)) {
        rhaz_error_set(err, RHAZ_EDATA, name, 0, "key \"coefficients\" missing "
                                                 "or not an array");
        goto done;
    }
    static const char *const counts[] = {"n", "events", "n_dropped", "clusters",
                                         "n_clusters", "strata", "n_strata",
                                         "iterations", "step_halvings", "rank",
                                         "imputations", NULL};
    for (size_t k = 0; counts[k]; k++)
        if (check_count(root, counts[k], name, err))
            goto done;
    if (get(root, "n") && get(root, "events") && num(root, "events") > num(root, "n")) {
        rhaz_error_set(err, RHAZ_EDATA, name, 0, "\"events\" (%.0f) exceeds \"n\" (%.0f)",
                       num(root, "events"), num(root, "n"));
        goto done;
    }
    if (get(root, "conf_level") && !(num(root, "conf_level") > 0 && num(root, "conf_level") < 1)) {
        rhaz_error_set(err, RHAZ_EDATA, name, 0, "\"conf_level\": %.40s is not in (0, 1)",
                       json_object_get_string(get(root, "conf_level")));
        goto done;
    }
    s = calloc(1, sizeof *s);
    if (!s)
        goto oom;
    s->model = str(root, "model");
    s->link = str(root, "link");
    s->ties = str(root, "ties");
    s->formula = str(root, "formula");
    s->vce_label = str(root, "vce");
    if (!s->model || !s->link || !s->ties || !s->formula || !s->vce_label)
        goto oom;
    s->firth = boolean(root, "firth");
    s->n = count(root, "n");
    s->events = count(root, "events");
    s->n_dropped = count(root, "n_dropped");
    s->n_clusters = count(root, "clusters");
    if (!s->n_clusters)
        s->n_clusters = count(root, "n_clusters");
    s->n_strata = count(root, "strata");
    if (!s->n_strata)
        s->n_strata = count(root, "n_strata");
    s->converged = boolean(root, "converged");
    s->stop = s->converged ? RHAZ_STOP_CONVERGED : RHAZ_STOP_MAXITER;
    json_object *jstop = get(root, "stop");
    if (jstop && json_object_is_type(jstop, json_type_string))
        for (int r = RHAZ_STOP_CONVERGED; r <= RHAZ_STOP_STALLED; r++)
            if (!strcmp(json_object_get_string(jstop),
                        rhaz_stop_reason_name((rhaz_stop_reason)r)))
                s->stop = (rhaz_stop_reason)r;
    s->iterations = icount(root, "iterations");
    s->step_halvings = icount(root, "step_halvings");
    s->rank = icount(root, "rank");
    s->loglik = num(root, "loglik");
    s->loglik_null = num(root, "loglik_null");
    s->aic = num(root, "aic");
    s->bic = num(root, "bic");
    s->conf_level = num(root, "conf_level");
    s->imputations = count(root, "imputations");
    s->lr_stat = num(root, "lr_stat");
    s->lr_df = icount(root, "lr_df");
    s->lr_p = num(root, "lr_p");
    {
        static const char *const vces[] = {"model", "robust", "cluster", "bootstrap"};
        static const char *const adjs[] = {"none", "G/(G-1)", "stata"};
        json_object *v = get(root, "vce_type"), *a = get(root, "vce_adj");
        for (int k = 0; v && k < 4; k++)
            if (json_object_is_type(v, json_type_string) &&
                strcmp(json_object_get_string(v), vces[k]) == 0)
                s->vce = (rhaz_vce)k;
        for (int k = 0; a && k < 3; k++)
            if (json_object_is_type(a, json_type_string) &&
                strcmp(json_object_get_string(a), adjs[k]) == 0)
                s->vce_adj = (rhaz_vce_adj)k;
    }
    json_object *boot = get(root, "bootstrap");
    if (boot && json_object_is_type(boot, json_type_object)) {
        json_object *seed = get(boot, "seed"), *res = get(boot, "resampled");
        s->boot_reps = count(boot, "replicates");
        s->boot_used = count(boot, "used");
        s->boot_units = count(boot, "units");
        s->boot_clustered = res && json_object_is_type(res, json_type_string) &&
                            strcmp(json_object_get_string(res), "clusters") == 0;
        s->boot_seed = seed && json_object_is_type(seed, json_type_int)
                           ? (uint64_t)json_object_get_int64(seed) : 0;
        if (s->boot_used > s->boot_reps) {
            rhaz_error_set(err, RHAZ_EDATA, name, 0, "\"bootstrap\": %zu replicates "
                           "used of %zu", s->boot_used, s->boot_reps);
            goto fail;
        }
    }
    if (isnan(s->conf_level))
        s->conf_level = 0.95;
    size_t p = json_object_array_length(coefs);
    s->p = p;
    s->coef = calloc(p ? p : 1, sizeof *s->coef);
    if (!s->coef)
        goto oom;
    for (size_t j = 0; j < p; j++) {
        json_object *c = json_object_array_get_idx(coefs, j);
        json_object *term = c ? get(c, "term") : NULL;
        if (!c || !json_object_is_type(c, json_type_object) || !term ||
            !json_object_is_type(term, json_type_string)) {
            rhaz_error_set(err, RHAZ_EDATA, name, 0,
                           "coefficients[%zu]: no \"term\"", j);
            goto fail;
        }
        static const char *const ckeys[] = {"term", "estimate", "std_error",
                                            "statistic", "p_value", "conf_low",
                                            "conf_high", "aliased", "df", "riv",
                                            "fmi", "bias", "pct_low", "pct_high",
                                            NULL};
        json_object_object_foreach(c, ck, cv) {
            size_t q = 0;
            while (ckeys[q] && strcmp(ckeys[q], ck) != 0)
                q++;
            int isnum = cv == NULL || json_object_is_type(cv, json_type_double) ||
                        json_object_is_type(cv, json_type_int);
            if (!ckeys[q] || (((q >= 1 && q <= 6) || q >= 8) && !isnum)) {
                rhaz_error_set(err, RHAZ_EDATA, name, 0,
                               "coefficients[%zu] (%.60s): %s key \"%.40s\"", j,
                               json_object_get_string(term),
                               ckeys[q] ? "non-numeric" : "unknown", ck);
                goto fail;
            }
        }
        if (!json_object_object_get_ex(c, "estimate", NULL) ||
            !json_object_object_get_ex(c, "std_error", NULL)) {
            rhaz_error_set(err, RHAZ_EDATA, name, 0,
                           "coefficients[%zu] (%.60s): no \"%s\"", j,
                           json_object_get_string(term),
                           json_object_object_get_ex(c, "estimate", NULL)
                               ? "std_error" : "estimate");
            goto fail;
        }
        rhaz_coef *k = &s->coef[j];
        if (!(k->term = core_strdup(json_object_get_string(term))))
            goto oom;
        k->estimate = num(c, "estimate");
        k->std_error = num(c, "std_error");
        k->statistic = num(c, "statistic");
        k->p_value = num(c, "p_value");
        k->conf_low = num(c, "conf_low");
        k->conf_high = num(c, "conf_high");
        k->aliased = boolean(c, "aliased") || isnan(k->estimate);
        if (k->std_error < 0 || (k->conf_low > k->conf_high)) {
            rhaz_error_set(err, RHAZ_EDATA, name, 0, "coefficients[%zu] (%.60s): %s", j,
                           k->term, k->std_error < 0 ? "negative \"std_error\""
                                                     : "\"conf_low\" above \"conf_high\"");
            goto fail;
        }
        for (size_t q = 0; q < j; q++)
            if (strcmp(s->coef[q].term, k->term) == 0) {
                rhaz_error_set(err, RHAZ_EDATA, name, 0,
                               "coefficients[%zu]: term '%.60s' repeats coefficients[%zu]",
                               j, k->term, q);
                goto fail;
            }
        k->df = num(c, "df");
        k->riv = num(c, "riv");
        k->fmi = num(c, "fmi");
        k->bias = num(c, "bias");
        k->pct_low = num(c, "pct_low");
        k->pct_high = num(c, "pct_high");
    }
    json_object *vc = get(root, "vcov");
    int vc_ok = vc && json_object_is_type(vc, json_type_array) &&
                json_object_array_length(vc) == p && p;
    /* allocate p x p only if the file holds p x p entries (a cap driven
     * by the input size: p empty rows must not cost p^2 doubles) */
    for (size_t i = 0; vc_ok && i < p; i++) {
        json_object *row = json_object_array_get_idx(vc, i);
        vc_ok = row && json_object_is_type(row, json_type_array) &&
                json_object_array_length(row) == p;
    }
    if (vc && !json_object_is_type(vc, json_type_null) && !vc_ok &&
        !(p == 0 && json_object_is_type(vc, json_type_array) &&
          json_object_array_length(vc) == 0)) {
        rhaz_error_set(err, RHAZ_EDATA, name, 0, "\"vcov\" is not a %zu x %zu matrix "
                       "(one row and column per coefficient)", p, p);
        goto fail;
    }
    if (vc_ok) {
        s->vcov = malloc(p * p * sizeof *s->vcov);
        if (!s->vcov)
            goto oom;
        for (size_t i = 0; i < p; i++) {
            json_object *row = json_object_array_get_idx(vc, i);
            int ok = row && json_object_is_type(row, json_type_array) &&
                     json_object_array_length(row) == p;
            for (size_t j = 0; j < p; j++) {
                json_object *v = ok ? json_object_array_get_idx(row, j) : NULL;
                s->vcov[i * p + j] =
                    v && (json_object_is_type(v, json_type_double) ||
                          json_object_is_type(v, json_type_int))
                        ? json_object_get_double(v)
                        : NAN;
            }
        }
    }
    json_object *w = get(root, "warnings");
    if (w && json_object_is_type(w, json_type_array)) {
        size_t nw = json_object_array_length(w);
        s->warnings = calloc(nw ? nw : 1, sizeof *s->warnings);
        if (!s->warnings)
            goto oom;
        for (size_t k = 0; k < nw; k++) {
            const char *m = json_object_get_string(json_object_array_get_idx(w, k));
            if (!(s->warnings[s->n_warnings] = core_strdup(m ? m : "")))
                goto oom;
            s->n_warnings++;
        }
    }
    json_object *dj = get(root, "design");
    if (dj && !(s->design = design_of_json(dj, name, err)))
        goto fail;
    json_object *wj = get(root, "weights");
    if (wj && json_object_is_type(wj, json_type_string) &&
        !(s->weights = core_strdup(json_object_get_string(wj))))
        goto oom;
    json_object *fr = get(root, "frailty"); /* written by fit cox */
    if (fr && json_object_is_type(fr, json_type_object)) {
        json_object *th = get(fr, "theta");
        s->frailty = 1;
        s->frailty_theta = th && (json_object_is_type(th, json_type_double) ||
                                  json_object_is_type(th, json_type_int))
                               ? json_object_get_double(th) : NAN;
    }
    json_object *dr = get(root, "design_risk");
    if (dr && !(s->design_risk = design_of_json(dr, name, err)))
        goto fail;
    goto done;
oom:
    rhaz_error_set(err, RHAZ_ENOMEM, name, 0, "out of memory reading the fit JSON");
fail:
    rhaz_fit_summary_free(s);
    s = NULL;
done:
    json_object_put(root);
    return s;
}

rhaz_fit_summary *rhaz_fit_summary_read_json(const char *path, rhaz_error *err)
{
    char *buf;
    size_t n;
    if (core_read_file(path, JSON_MAX_BYTES, "JSON file", &buf, &n, err))
        return NULL;
    rhaz_fit_summary *s = NULL;
    if (memchr(buf, '\0', n))
        rhaz_error_set(err, RHAZ_EPARSE, path, 0, "NUL byte: not a JSON file");
    else
        s = rhaz_fit_summary_parse_json(buf, path, err);
    free(buf);
    return s;
}
