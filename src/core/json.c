/* json.c -- JSON output through json-c: numbers as the shortest decimal
 * that reads back exactly, one pretty-printer for every JSON document. */
#include "core/util.h"
#include "rhaz/json.h"

#include <errno.h>
#include <string.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>

/* json-c prints a plain double as "%.17g" (0.1 -> 0.10000000000000001);
 * a double made with its text keeps that text. */
json_object *rhaz_json_double(double x)
{
    if (!isfinite(x))
        return NULL;
    char buf[64];
    rhaz_format_double(x, buf, sizeof buf);
    return json_object_new_double_s(x, buf);
}

rhaz_status rhaz_json_write(FILE *fp, json_object *v, rhaz_error *err)
{
    const char *s = json_object_to_json_string_ext(
        v, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
               JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!s)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory writing JSON");
    if (fputs(s, fp) == EOF || fputc('\n', fp) == EOF || ferror(fp))
        return rhaz_error_set(err, RHAZ_EIO, NULL, 0, "write error: %s",
                              errno ? strerror(errno) : "I/O error");
    return RHAZ_OK;
}

/* ---- building with a sticky out-of-memory flag ---- */

static void put(json_object *o, const char *key, json_object *v, int *oom)
{
    if (*oom || !o) {
        json_object_put(v);
        *oom = 1;
        return;
    }
    if (json_type_array == json_object_get_type(o)) {
        if (json_object_array_add(o, v) != 0) {
            json_object_put(v);
            *oom = 1;
        }
    } else if (json_object_object_add(o, key, v) != 0) {
        json_object_put(v);
        *oom = 1;
    }
}

void core_json_num(json_object *o, const char *key, double x, int *oom)
{
    json_object *v = rhaz_json_double(x);
    if (isfinite(x) && !v)
        *oom = 1;
    put(o, key, v, oom);
}

void core_json_int(json_object *o, const char *key, long long x, int *oom)
{
    json_object *v = json_object_new_int64(x);
    if (!v)
        *oom = 1;
    put(o, key, v, oom);
}

void core_json_bool(json_object *o, const char *key, int x, int *oom)
{
    json_object *v = json_object_new_boolean(x != 0);
    if (!v)
        *oom = 1;
    put(o, key, v, oom);
}

void core_json_str(json_object *o, const char *key, const char *s, int *oom)
{
    json_object *v = s ? json_object_new_string(s) : NULL;
    if (s && !v)
        *oom = 1;
    put(o, key, v, oom);
}

json_object *core_json_child(json_object *o, const char *key, int array, int *oom)
{
    json_object *v = array ? json_object_new_array() : json_object_new_object();
    if (!v) {
        *oom = 1;
        return NULL;
    }
    put(o, key, v, oom);
    return *oom ? NULL : v;
}
