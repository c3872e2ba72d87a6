/* fitjson.c -- read the JSON object `rhaz fit --format json` writes back
 * into an rhaz_fit_summary (json-c does the parsing). */
#include "plot/plot_impl.h"

#include <json-c/json.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FITJSON_MAX_BYTES ((size_t)256 << 20) /* a fit is never this big */

static double num(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return NAN;
    json_type t = json_object_get_type(v);
    if (t == json_type_double || t == json_type_int)
        return json_object_get_double(v);
    return NAN;
}

static char *str(json_object *o, const char *key, int *fail)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !v ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    char *s = strdup(json_object_get_string(v));
    if (!s)
        *fail = 1;
    return s;
}

static size_t count(json_object *o, const char *key)
{
    double v = num(o, key);
    return isfinite(v) && v >= 0 ? (size_t)v : 0;
}

rhaz_fit_summary *rhaz_fit_summary_read_json(const char *path,
                                             rhaz_error *err)
{
    rhaz_fit_summary *s = NULL;
    json_object *root = NULL;
    char *buf = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        rhaz_error_set(err, RHAZ_EIO, path, 0, "cannot open: %s",
                       strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, got;
    buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (n + 1 == cap) {
            if (cap >= FITJSON_MAX_BYTES) {
                rhaz_error_set(err, RHAZ_ENOMEM, path, 0,
                               "larger than %zu bytes", FITJSON_MAX_BYTES);
                goto fail;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
    }
    if (!buf) {
        rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory");
        goto fail;
    }
    if (ferror(fp)) {
        rhaz_error_set(err, RHAZ_EIO, path, 0, "read error");
        goto fail;
    }
    buf[n] = '\0';

    json_tokener *tok = json_tokener_new();
    if (!tok) {
        rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory");
        goto fail;
    }
    root = json_tokener_parse_ex(tok, buf, (int)n);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t off = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!root || jerr != json_tokener_success) {
        long line = 1;
        for (size_t i = 0; i < off && i < n; i++)
            line += buf[i] == '\n';
        rhaz_error_set(err, RHAZ_EPARSE, path, line, "invalid JSON: %s",
                       json_tokener_error_desc(jerr));
        goto fail;
    }
    if (!json_object_is_type(root, json_type_object)) {
        rhaz_error_set(err, RHAZ_EPARSE, path, 1,
                       "expected a JSON object (from rhaz fit --format "
                       "json)");
        goto fail;
    }
    json_object *coefs;
    if (!json_object_object_get_ex(root, "coefficients", &coefs) ||
        !json_object_is_type(coefs, json_type_array)) {
        rhaz_error_set(err, RHAZ_EPARSE, path, 1,
                       "no \"coefficients\" array: not the JSON output of "
                       "rhaz fit");
        if (err)
            snprintf(err->what, sizeof err->what, "coefficients");
        goto fail;
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory");
        goto fail;
    }
    int fail = 0;
    s->model = str(root, "model", &fail);
    s->link = str(root, "link", &fail);
    s->ties = str(root, "ties", &fail);
    s->formula = str(root, "formula", &fail);
    s->n = count(root, "n");
    s->events = count(root, "events");
    json_object *cv;
    s->converged = json_object_object_get_ex(root, "converged", &cv) &&
                   json_object_get_boolean(cv);
    s->iterations = (int)count(root, "iterations");
    s->loglik = num(root, "loglik");
    s->loglik_null = num(root, "loglik_null");
    s->aic = num(root, "aic");
    s->bic = num(root, "bic");
    s->conf_level = 0.95;
    size_t p = json_object_array_length(coefs);
    s->p = p;
    s->coef = calloc(p ? p : 1, sizeof *s->coef);
    if (!s->coef || fail) {
        rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory");
        goto fail;
    }
    for (size_t j = 0; j < p; j++) {
        json_object *c = json_object_array_get_idx(coefs, j);
        if (!c || !json_object_is_type(c, json_type_object)) {
            rhaz_error_set(err, RHAZ_EPARSE, path, 0,
                           "coefficients[%zu] is not an object", j);
            goto fail;
        }
        rhaz_coef *d = &s->coef[j];
        d->term = str(c, "term", &fail);
        if (!d->term) {
            rhaz_error_set(err, fail ? RHAZ_ENOMEM : RHAZ_EPARSE, path, 0,
                           "coefficients[%zu] has no \"term\"", j);
            goto fail;
        }
        d->estimate = num(c, "estimate");
        d->std_error = num(c, "std_error");
        d->statistic = num(c, "statistic");
        d->p_value = num(c, "p_value");
        d->conf_low = num(c, "conf_low");
        d->conf_high = num(c, "conf_high");
        json_object *al;
        d->aliased = (json_object_object_get_ex(c, "aliased", &al) &&
                      json_object_get_boolean(al)) ||
                     isnan(d->estimate);
    }
    json_object *vc;
    if (p && json_object_object_get_ex(root, "vcov", &vc) &&
        json_object_is_type(vc, json_type_array) &&
        json_object_array_length(vc) == p) {
        s->vcov = malloc(p * p * sizeof *s->vcov);
        if (!s->vcov) {
            rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < p; i++) {
            json_object *r = json_object_array_get_idx(vc, i);
            int isrow = r && json_object_is_type(r, json_type_array) &&
                        json_object_array_length(r) == p;
            for (size_t j = 0; j < p; j++) {
                json_object *e = isrow ? json_object_array_get_idx(r, j)
                                       : NULL;
                json_type t = e ? json_object_get_type(e) : json_type_null;
                s->vcov[i * p + j] =
                    (t == json_type_double || t == json_type_int)
                        ? json_object_get_double(e) : NAN;
            }
        }
    }
    json_object_put(root);
    free(buf);
    fclose(fp);
    return s;

fail:
    rhaz_fit_summary_free(s);
    json_object_put(root);
    free(buf);
    fclose(fp);
    return NULL;
}
