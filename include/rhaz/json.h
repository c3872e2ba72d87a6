/* rhaz/json.h -- JSON output through json-c (Debian libjson-c-dev).
 *
 * Every JSON document rhaz writes is a json-c value printed by
 * rhaz_json_write.  Numbers are made by rhaz_json_double, so they print
 * as the shortest decimal that reads back exactly (rhaz_format_double:
 * 0.1, not json-c's default 0.10000000000000001); NaN and infinities are
 * JSON null.  Callers that add members of their own use json-c directly
 * (json_object_object_add ...) on the values returned here and release
 * them with json_object_put. */
#ifndef RHAZ_JSON_H
#define RHAZ_JSON_H

#include "core.h"
#include "fit.h"
#include "report.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

struct json_object;

/* A json-c number printing as rhaz_format_double(x); NULL (which json-c
 * writes as null) when x is NaN or infinite, or when memory runs out. */
struct json_object *rhaz_json_double(double x);

/* Print v (NULL prints null) to fp: two-space indentation, "key": value,
 * '/' not escaped, a final newline. */
rhaz_status rhaz_json_write(FILE *fp, struct json_object *v, rhaz_error *err);

/* A table as an array of row objects {column: value, ...} in column
 * order: numeric cells as numbers (missing: null), string cells as
 * strings (missing: null).  NULL and err on no memory. */
struct json_object *rhaz_table_to_json(const rhaz_table *t, rhaz_error *err);
/* ... printed with rhaz_json_write. */
rhaz_status rhaz_table_write_json(const rhaz_table *t, FILE *fp, rhaz_error *err);

/* The fitted-model document that rhaz_fit_summary_write(...,
 * RHAZ_SUMMARY_JSON, ...) prints and rhaz_fit_summary_parse_json reads:
 * format ("rhaz-fit"), format_version (1), model, link, [ties], formula, firth, n, events, n_dropped, clusters,
 * [strata], converged, stop, iterations, step_halvings, rank, loglik,
 * loglik_null, aic, bic, lr_stat, lr_df, lr_p, vce, vce_type, vce_adj,
 * conf_level, exponentiated, coefficients[{term, estimate, std_error,
 * statistic, p_value, conf_low, conf_high, aliased}], vcov[][],
 * warnings[].  A caller may add members before printing it. */
struct json_object *rhaz_fit_summary_to_json(const rhaz_fit_summary *s,
                                             const rhaz_summary_options *opt,
                                             rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
