/* core/util.h -- private utilities shared by every module of librhaz
 * (not installed, not part of the public API; hidden in librhaz.so).
 *
 *   strings      core_strdup, core_strndup, core_arena_push (string arenas)
 *   string map   strmap_* : string -> size_t, FNV-1a, linear probing
 *   files        core_read_file : whole file, buffer sized by the file
 *   JSON         core_json_* : json-c members with an out-of-memory flag
 *   numbers      core_format_r (R's deparse of a number); the public
 *                rhaz_format_double (shortest round-trip) lives beside it
 *                in src/core/format.c
 *
 * Every function here fails only for lack of memory (or I/O, for the
 * file reader) and says so by its return value; none prints.
 */
#ifndef RHAZ_CORE_UTIL_H
#define RHAZ_CORE_UTIL_H

#include "rhaz/core.h"

#include <stddef.h>

/* ---- errors ---- */

/* rhaz_error_set (no file, line 0) that also records the 1-based data
 * row in err->row: the row of the arrays or design the function was
 * given, which a caller maps to its source (design->rows, then
 * rhaz_table_line). */
rhaz_status core_error_row(rhaz_error *err, rhaz_status status, size_t row,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* rhaz_error_set (no file, line 0) naming the library option concerned
 * in err->option; returns status (also when err is NULL). */
rhaz_status core_error_opt(rhaz_error *err, rhaz_status status, const char *option,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Name the library option concerned in err->option (err may be NULL);
 * returns err's status. */
rhaz_status core_error_option(rhaz_error *err, const char *option);

/* Diagnostics of one call: fn(msg, ctx) when fn is set, else the calling
 * thread's handler (rhaz_set_message_handler), else discarded. */
void core_message(rhaz_message_fn fn, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- strings ---- */

/* Copy of s (NULL if s is NULL or memory runs out). */
char *core_strdup(const char *s);
/* Copy of the first n bytes of s, NUL-terminated (NULL on no memory). */
char *core_strndup(const char *s, size_t n);

/* Append the n bytes of s and a NUL to the string arena (*arena, *len
 * bytes used of *cap; doubled as needed, from 4 KiB); *off = where the
 * copy starts.  0, or -1 when out of memory (the arena unchanged). */
int core_arena_push(char **arena, size_t *len, size_t *cap, const char *s, size_t n,
                    size_t *off);

/* ---- string -> size_t hash map (open addressing, keys copied) ----
 * Zero-initialised or strmap_init'ed; strmap_free leaves it empty. */
typedef struct {
    char **keys;
    size_t *vals;
    size_t cap, n;
} strmap;
int strmap_init(strmap *m, size_t hint); /* 0 ok, -1 no memory */
void strmap_free(strmap *m);             /* accepts NULL */
/* Insert or overwrite; 0 ok, -1 no memory.  A zeroed map grows on first use. */
int strmap_put(strmap *m, const char *key, size_t val);
/* 1 and *val (if val not NULL) when found, else 0. */
int strmap_get(const strmap *m, const char *key, size_t *val);
/* Case-folded key (ASCII lower, runs of blanks collapsed, leading and
 * trailing blanks dropped) into buf. */
void strmap_fold(const char *s, char *buf, size_t size);
/* FNV-1a hash of a NUL-terminated string (the map's hash). */
size_t core_hash(const char *s);

/* ---- files ---- */

/* Read the whole file at path into *buf (malloc'ed, NUL-terminated, the
 * length without the NUL in *len).  A regular file is read into a buffer
 * of its own size; a pipe or other stream grows geometrically.  More than
 * max_bytes is an RHAZ_ENOMEM error "<what> exceeds the N-byte limit", sized
 * before anything is allocated for regular files.  what names the kind of
 * file in messages ("file", "model file", "JSON file").  On error *buf is
 * NULL and err names path. */
/* Run fn(ctx, k) for the parts k = 0 .. nparts-1 on up to `threads`
 * threads (the caller's included; parallel.c).  The parts must be fixed
 * by the work, not by `threads`, and write apart: then the result does
 * not depend on the number of threads. */
void core_parallel(size_t nparts, int threads, void (*fn)(void *ctx, size_t part),
                   void *ctx);

rhaz_status core_read_file(const char *path, size_t max_bytes, const char *what,
                           char **buf, size_t *len, rhaz_error *err);
/* The same, but a regular file of 1 MiB or more is mapped read-only
 * (*mapped = 1) instead of read; release with core_file_release. */
rhaz_status core_map_file(const char *path, size_t max_bytes, const char *what,
                          const char **buf, size_t *len, int *mapped, rhaz_error *err);
void core_file_release(const char *buf, size_t len, int mapped);

/* ---- JSON building (json-c) with a sticky out-of-memory flag ----
 * Each adds a member key to object o, or appends to array o (key
 * ignored); once *oom is set they only free what they were given.
 * core_json_num adds null for NaN/Inf; core_json_str adds null for NULL. */
struct json_object;
void core_json_num(struct json_object *o, const char *key, double x, int *oom);
void core_json_int(struct json_object *o, const char *key, long long x, int *oom);
void core_json_bool(struct json_object *o, const char *key, int x, int *oom);
void core_json_str(struct json_object *o, const char *key, const char *s, int *oom);
/* A new empty array (array != 0) or object added under key; NULL on oom. */
struct json_object *core_json_child(struct json_object *o, const char *key,
                                    int array, int *oom);

/* ---- numbers ---- */

/* A number as R deparses it: the shorter of %.15g and the shortest %e
 * that reads back (1e+05, 0.5, 123).  Used for factor levels and
 * formula labels, so that names match R's. */
void core_format_r(double x, char *buf, size_t size);

#endif
