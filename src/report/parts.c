/* parts.c -- shards of a bootstrap or multiple-imputation run as JSON
 * documents, their combination, and the replicates CSV (see
 * rhaz/parts.h). */
#include "core/util.h"
#include "rhaz.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PART_MAX_BYTES (1u << 30)

/* ---- the single-process result ------------------------------------------ */

/* s as its JSON document reads back */
static rhaz_fit_summary *reread(const rhaz_fit_summary *s, rhaz_error *err)
{
    json_object *doc = rhaz_fit_summary_to_json(s, NULL, err);
    if (!doc)
        return NULL;
    const char *txt = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
    rhaz_fit_summary *r = txt ? rhaz_fit_summary_parse_json(txt, "fit", err) : NULL;
    if (!txt)
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory reading the fit JSON");
    json_object_put(doc);
    return r;
}

rhaz_fit_summary *rhaz_boot_result(const rhaz_fit_summary *base, const rhaz_boot *b,
                                   rhaz_error *err)
{
    rhaz_fit_summary *b2 = reread(base, err);
    if (!b2)
        return NULL;
    rhaz_fit_summary *s = rhaz_boot_summary(b2, b, err);
    rhaz_fit_summary_free(b2);
    return s;
}

/* ---- writing ------------------------------------------------------------- */

static json_object *part_head(const char *kind, size_t shard, size_t shards, int *oom)
{
    json_object *root = json_object_new_object();
    if (!root)
        *oom = 1;
    core_json_str(root, "format", RHAZ_PART_FORMAT, oom);
    core_json_int(root, "format_version", RHAZ_PART_VERSION, oom);
    core_json_str(root, "kind", kind, oom);
    core_json_int(root, "shard", (long long)shard, oom);
    core_json_int(root, "shards", (long long)shards, oom);
    return root;
}

static rhaz_status part_finish(FILE *fp, json_object *root, int oom, rhaz_error *err)
{
    if (oom) {
        json_object_put(root);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory writing the fit part");
    }
    rhaz_status st = rhaz_json_write(fp, root, err);
    json_object_put(root);
    return st;
}

static void add_member(json_object *o, const char *key, json_object *v, int *oom)
{
    if (*oom || !v || json_object_object_add(o, key, v) != 0) {
        json_object_put(v);
        *oom = 1;
    }
}

rhaz_status rhaz_part_write_boot(FILE *fp, const rhaz_fit_summary *base,
                                 const rhaz_boot *b, size_t shard, size_t shards,
                                 rhaz_error *err)
{
    if (!base || !b || shard < 1 || shard > shards)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "bootstrap part: shard %zu of %zu",
                              shard, shards);
    int oom = 0;
    json_object *root = part_head("bootstrap", shard, shards, &oom);
    core_json_int(root, "replicates", (long long)b->reps, &oom);
    core_json_int(root, "seed", (long long)b->seed, &oom);
    core_json_int(root, "first", (long long)b->first + 1, &oom);
    core_json_int(root, "last", (long long)b->last, &oom);
    core_json_str(root, "resampled", b->clustered ? "clusters" : "rows", &oom);
    core_json_int(root, "units", (long long)b->n_units, &oom);
    if (b->cluster_name)
        core_json_str(root, "cluster", b->cluster_name, &oom);
    json_object *terms = core_json_child(root, "terms", 1, &oom);
    for (size_t j = 0; j < b->p && !oom; j++)
        core_json_str(terms, NULL, b->terms[j], &oom);
    if (!oom)
        add_member(root, "fit", rhaz_fit_summary_to_json(base, NULL, err), &oom);
    if (b->error)
        core_json_str(root, "error", b->error, &oom);
    json_object *est = core_json_child(root, "estimates", 1, &oom);
    for (size_t k = b->first; k < b->last && !oom; k++) {
        json_object *r = core_json_child(est, NULL, 0, &oom);
        core_json_int(r, "replicate", (long long)k + 1, &oom);
        core_json_str(r, "status", rhaz_rep_status_name(b->status[k - b->first]), &oom);
        json_object *v = core_json_child(r, "values", 1, &oom);
        for (size_t j = 0; j < b->p && !oom; j++)
            core_json_num(v, NULL, b->est[(k - b->first) * b->p + j], &oom);
    }
    return part_finish(fp, root, oom, err);
}

rhaz_status rhaz_part_write_mi(FILE *fp, const char *const *fit_json,
                               const char *const *files, size_t first, size_t count,
                               size_t m, size_t shard, size_t shards, rhaz_error *err)
{
    if (shard < 1 || shard > shards || first + count > m)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "imputations part: shard %zu of %zu", shard, shards);
    int oom = 0;
    json_object *root = part_head("imputations", shard, shards, &oom);
    core_json_int(root, "imputations", (long long)m, &oom);
    core_json_int(root, "first", (long long)first + 1, &oom);
    core_json_int(root, "last", (long long)(first + count), &oom);
    json_object *fits = core_json_child(root, "fits", 1, &oom);
    for (size_t k = 0; k < count && !oom; k++) {
        json_object *f = core_json_child(fits, NULL, 0, &oom);
        core_json_int(f, "imputation", (long long)(first + k + 1), &oom);
        core_json_str(f, "data", files[k], &oom);
        json_object *doc = oom ? NULL : json_tokener_parse(fit_json[k]);
        if (!oom && !doc) {
            json_object_put(root);
            return rhaz_error_set(err, RHAZ_EDATA, files[k], 0,
                                  "imputation %zu: its fit is not a JSON document",
                                  first + k + 1);
        }
        add_member(f, "fit", doc, &oom);
    }
    return part_finish(fp, root, oom, err);
}

/* ---- reading ------------------------------------------------------------- */

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* a non-negative integer member, or -1 */
static long long integer(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    if (!v || !json_object_is_type(v, json_type_int))
        return -1;
    long long x = json_object_get_int64(v);
    return x >= 0 ? x : -1;
}

static const char *string(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

typedef struct {
    const char *path;
    json_object *root;
    const char *kind;
    long long shard, shards, first, last;
} part;

static rhaz_status part_read(part *pt, const char *path, rhaz_error *err)
{
    char *buf;
    size_t n;
    memset(pt, 0, sizeof *pt);
    pt->path = path;
    if (core_read_file(path, PART_MAX_BYTES, "part file", &buf, &n, err))
        return err ? err->status : RHAZ_EIO;
    enum json_tokener_error je = json_tokener_success;
    pt->root = memchr(buf, '\0', n) ? NULL : json_tokener_parse_verbose(buf, &je);
    free(buf);
    if (!pt->root || !json_object_is_type(pt->root, json_type_object))
        return rhaz_error_set(err, RHAZ_EPARSE, path, 0, "not a JSON object%s%s",
                              pt->root ? "" : ": ",
                              pt->root ? "" : json_tokener_error_desc(je));
    const char *fmt = string(pt->root, "format");
    if (!fmt || strcmp(fmt, RHAZ_PART_FORMAT) != 0)
        return rhaz_error_set(err, RHAZ_EDATA, path, 0,
                              "not a part of a sharded run (\"format\": \"%s\" expected; "
                              "write it with rhaz fit ... --shard K/N)", RHAZ_PART_FORMAT);
    if (integer(pt->root, "format_version") != RHAZ_PART_VERSION)
        return rhaz_error_set(err, RHAZ_EDATA, path, 0,
                              "\"format_version\": this rhaz reads version %d",
                              RHAZ_PART_VERSION);
    pt->kind = string(pt->root, "kind");
    pt->shard = integer(pt->root, "shard");
    pt->shards = integer(pt->root, "shards");
    pt->first = integer(pt->root, "first");
    pt->last = integer(pt->root, "last");
    if (!pt->kind || (strcmp(pt->kind, "bootstrap") && strcmp(pt->kind, "imputations")))
        return rhaz_error_set(err, RHAZ_EDATA, path, 0,
                              "\"kind\": bootstrap or imputations expected");
    if (pt->shards < 1 || pt->shard < 1 || pt->shard > pt->shards || pt->first < 1 ||
        pt->last < pt->first - 1)
        return rhaz_error_set(err, RHAZ_EDATA, path, 0,
                              "\"shard\", \"shards\", \"first\" or \"last\" missing or "
                              "out of range");
    return RHAZ_OK;
}

/* the "fit" member of o read as a fit summary */
static rhaz_fit_summary *member_fit(json_object *o, const char *path, rhaz_error *err)
{
    json_object *f = get(o, "fit");
    const char *txt = f ? json_object_to_json_string_ext(f, JSON_C_TO_STRING_PLAIN) : NULL;
    if (!txt) {
        rhaz_error_set(err, RHAZ_EDATA, path, 0, "no \"fit\" document");
        return NULL;
    }
    return rhaz_fit_summary_parse_json(txt, path, err);
}

/* the replicates a bootstrap part holds */
static rhaz_boot *boot_of_part(const part *pt, rhaz_error *err)
{
    json_object *r = pt->root, *terms = get(r, "terms"), *est = get(r, "estimates");
    long long R = integer(r, "replicates"), seed = integer(r, "seed");
    long long units = integer(r, "units");
    const char *res = string(r, "resampled"), *cl = string(r, "cluster");
    if (R < 2 || seed < 0 || units < 1 || !res || !terms || !est ||
        !json_object_is_type(terms, json_type_array) ||
        !json_object_is_type(est, json_type_array) || pt->last > R) {
        rhaz_error_set(err, RHAZ_EDATA, pt->path, 0,
                       "a bootstrap part needs \"replicates\", \"seed\", \"resampled\", "
                       "\"units\", \"terms\" and \"estimates\"");
        return NULL;
    }
    size_t p = json_object_array_length(terms), cnt = (size_t)(pt->last - pt->first + 1);
    const char **names = calloc(p + 1, sizeof *names);
    if (!names) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                       "out of memory merging bootstrap parts (%zu terms)", p);
        return NULL;
    }
    for (size_t j = 0; j < p; j++)
        names[j] = json_object_get_string(json_object_array_get_idx(terms, j));
    rhaz_boot *b = rhaz_boot_new((size_t)R, (size_t)pt->first - 1, (size_t)pt->last, p,
                                 names, (uint64_t)seed, strcmp(res, "clusters") == 0,
                                 (size_t)units, cl);
    free(names);
    const char *e = string(r, "error");
    if (!b || (e && !(b->error = core_strdup(e)))) {
        rhaz_boot_free(b);
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                       "out of memory merging bootstrap parts (%zu terms)", p);
        return NULL;
    }
    if (json_object_array_length(est) != cnt) {
        rhaz_error_set(err, RHAZ_EDATA, pt->path, 0,
                       "\"estimates\": %zu replicates for replicates %lld to %lld",
                       json_object_array_length(est), pt->first, pt->last);
        rhaz_boot_free(b);
        return NULL;
    }
    for (size_t i = 0; i < cnt; i++) {
        json_object *row = json_object_array_get_idx(est, i), *vals = get(row, "values");
        rhaz_rep_status st;
        if (integer(row, "replicate") != pt->first + (long long)i ||
            rhaz_rep_status_parse(string(row, "status"), &st) != RHAZ_OK || !vals ||
            !json_object_is_type(vals, json_type_array) ||
            json_object_array_length(vals) != p) {
            rhaz_error_set(err, RHAZ_EDATA, pt->path, 0,
                           "\"estimates\"[%zu]: replicate %lld with its status and %zu "
                           "values expected", i, pt->first + (long long)i, p);
            rhaz_boot_free(b);
            return NULL;
        }
        b->status[i] = st;
        for (size_t j = 0; j < p; j++) {
            json_object *v = json_object_array_get_idx(vals, j);
            b->est[i * p + j] = v && (json_object_is_type(v, json_type_double) ||
                                      json_object_is_type(v, json_type_int))
                                    ? json_object_get_double(v) : NAN;
        }
    }
    return b;
}

static rhaz_fit_summary *combine_boot(part *pts, size_t n, rhaz_boot **boot_out,
                                      rhaz_error *err)
{
    rhaz_boot **bs = calloc(n, sizeof *bs);
    rhaz_fit_summary *base = NULL, *s = NULL;
    rhaz_boot *all = NULL;
    if (!bs) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                       "out of memory merging bootstrap parts (%zu parts)", n);
        return NULL;
    }
    const char *fit0 = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!(bs[i] = boot_of_part(&pts[i], err)))
            goto done;
        size_t f, l;
        rhaz_boot_shard_range(bs[i]->reps, (size_t)pts[i].shard, (size_t)pts[i].shards, &f,
                              &l);
        if (f != bs[i]->first || l != bs[i]->last) {
            rhaz_error_set(err, RHAZ_EDATA, pts[i].path, 0,
                           "shard %lld of %lld holds replicates %zu to %zu, not %zu to %zu",
                           pts[i].shard, pts[i].shards, bs[i]->first + 1, bs[i]->last,
                           f + 1, l);
            goto done;
        }
        json_object *fj = get(pts[i].root, "fit");
        const char *txt = fj ? json_object_to_json_string_ext(fj, JSON_C_TO_STRING_PLAIN)
                             : NULL;
        if (!txt) {
            rhaz_error_set(err, RHAZ_EDATA, pts[i].path, 0, "no \"fit\" document");
            goto done;
        }
        if (i == 0)
            fit0 = txt;
        else if (strcmp(txt, fit0) != 0) {
            rhaz_error_set(err, RHAZ_EDATA, pts[i].path, 0,
                           "its full-data fit differs from that of %s: the shards of "
                           "another model or data", pts[0].path);
            goto done;
        }
    }
    if (!(all = rhaz_boot_merge((const rhaz_boot *const *)bs, n, err))) {
        /* "part K: ..." -> that part's file */
        if (strncmp(err->msg, "part ", 5) == 0) {
            size_t k = strtoul(err->msg + 5, NULL, 10);
            if (k >= 1 && k <= n)
                snprintf(err->file, sizeof err->file, "%s", pts[k - 1].path);
        }
        goto done;
    }
    if (!(base = member_fit(pts[0].root, pts[0].path, err)))
        goto done;
    s = rhaz_boot_summary(base, all, err);
done:
    for (size_t i = 0; i < n; i++)
        rhaz_boot_free(bs[i]);
    free(bs);
    rhaz_fit_summary_free(base);
    if (s && boot_out)
        *boot_out = all;
    else
        rhaz_boot_free(all);
    return s;
}

static rhaz_fit_summary *combine_mi(part *pts, size_t n, rhaz_error *err)
{
    long long m = integer(pts[0].root, "imputations");
    if (m < 2) {
        rhaz_error_set(err, RHAZ_EDATA, pts[0].path, 0, "\"imputations\": at least 2");
        return NULL;
    }
    rhaz_fit_summary **fits = calloc((size_t)m, sizeof *fits), *s = NULL;
    if (!fits) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                       "out of memory pooling imputation parts (%lld imputations)", m);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        json_object *arr = get(pts[i].root, "fits");
        if (integer(pts[i].root, "imputations") != m || pts[i].last > m || !arr ||
            !json_object_is_type(arr, json_type_array) ||
            (long long)json_object_array_length(arr) != pts[i].last - pts[i].first + 1) {
            rhaz_error_set(err, RHAZ_EDATA, pts[i].path, 0,
                           "not a shard of the same %lld imputations as %s, or its "
                           "\"fits\" do not match \"first\" and \"last\"", m, pts[0].path);
            goto done;
        }
        size_t f, l;
        rhaz_boot_shard_range((size_t)m, (size_t)pts[i].shard, (size_t)pts[i].shards, &f, &l);
        if ((long long)f != pts[i].first - 1 || (long long)l != pts[i].last) {
            rhaz_error_set(err, RHAZ_EDATA, pts[i].path, 0,
                           "shard %lld of %lld holds imputations %lld to %lld, not %zu to "
                           "%zu", pts[i].shard, pts[i].shards, pts[i].first, pts[i].last,
                           f + 1, l);
            goto done;
        }
        for (long long k = pts[i].first; k <= pts[i].last; k++) {
            json_object *e = json_object_array_get_idx(arr, (size_t)(k - pts[i].first));
            if (integer(e, "imputation") != k) {
                rhaz_error_set(err, RHAZ_EDATA, pts[i].path, 0,
                               "\"fits\": imputation %lld expected", k);
                goto done;
            }
            if (fits[k - 1]) {
                rhaz_error_set(err, RHAZ_EDATA, pts[i].path, 0,
                               "imputation %lld is in two parts (a shard given twice?)", k);
                goto done;
            }
            if (!(fits[k - 1] = member_fit(e, pts[i].path, err)))
                goto done;
        }
    }
    for (long long k = 0; k < m; k++)
        if (!fits[k]) {
            rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                           "imputation %lld of %lld is in no part (a shard is missing)",
                           k + 1, m);
            goto done;
        }
    s = rhaz_fit_pool((const rhaz_fit_summary *const *)fits, (size_t)m, NAN, err);
done:
    for (long long k = 0; k < m; k++)
        rhaz_fit_summary_free(fits[k]);
    free(fits);
    return s;
}

rhaz_fit_summary *rhaz_parts_combine(const char *const *paths, size_t n, rhaz_boot **boot,
                                     rhaz_error *err)
{
    if (boot)
        *boot = NULL;
    if (!paths || n < 1) {
        rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0, "no part files to combine");
        return NULL;
    }
    part *pts = calloc(n, sizeof *pts);
    rhaz_fit_summary *s = NULL;
    if (!pts) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory merging fit parts (%zu parts)", n);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (part_read(&pts[i], paths[i], err))
            goto done;
        if (strcmp(pts[i].kind, pts[0].kind) != 0 || pts[i].shards != pts[0].shards) {
            rhaz_error_set(err, RHAZ_EDATA, paths[i], 0,
                           "a %s shard of %lld, but %s is a %s shard of %lld", pts[i].kind,
                           pts[i].shards, paths[0], pts[0].kind, pts[0].shards);
            goto done;
        }
        for (size_t k = 0; k < i; k++)
            if (pts[k].shard == pts[i].shard) {
                rhaz_error_set(err, RHAZ_EDATA, paths[i], 0,
                               "shard %lld of %lld again (also %s)", pts[i].shard,
                               pts[i].shards, paths[k]);
                goto done;
            }
    }
    if ((long long)n != pts[0].shards) {
        /* name the first missing shard */
        long long miss = 1;
        for (int again = 1; again;) {
            again = 0;
            for (size_t k = 0; k < n; k++)
                if (pts[k].shard == miss) {
                    miss++;
                    again = 1;
                }
        }
        rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                       "%zu part%s of %lld: shard %lld of %lld is missing", n,
                       n == 1 ? "" : "s", pts[0].shards, miss, pts[0].shards);
        goto done;
    }
    s = strcmp(pts[0].kind, "bootstrap") == 0 ? combine_boot(pts, n, boot, err)
                                               : combine_mi(pts, n, err);
done:
    for (size_t k = 0; k < n; k++)
        json_object_put(pts[k].root);
    free(pts);
    return s;
}

/* ---- the replicates as CSV ----------------------------------------------- */

rhaz_status rhaz_boot_write_csv(FILE *fp, const rhaz_boot *b, rhaz_error *err)
{
    if (!b)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "no replicates to write");
    fputs("replicate,status", fp);
    for (size_t j = 0; j < b->p; j++) {
        fputc(',', fp);
        rhaz_csv_field(fp, b->terms[j]);
    }
    fputc('\n', fp);
    char buf[64];
    for (size_t k = b->first; k < b->last; k++) {
        fprintf(fp, "%zu,%s", k + 1, rhaz_rep_status_name(b->status[k - b->first]));
        for (size_t j = 0; j < b->p; j++) {
            double x = b->est[(k - b->first) * b->p + j];
            buf[0] = 0;
            if (isfinite(x))
                rhaz_format_double(x, buf, sizeof buf);
            fprintf(fp, ",%s", buf);
        }
        fputc('\n', fp);
    }
    if (ferror(fp))
        return rhaz_error_set(err, RHAZ_EIO, NULL, 0, "write error: %s",
                              errno ? strerror(errno) : "I/O error");
    return RHAZ_OK;
}
