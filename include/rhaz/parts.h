/* rhaz/parts.h -- partial results of a sharded run (rhaz fit ... --shard
 * K/N) and their combination (rhaz combine) into exactly the result one
 * process gives.
 *
 * A part is a JSON document {"format": "rhaz-part", "format_version": 1,
 * "kind": "bootstrap" | "imputations", "shard": K, "shards": N, ...}:
 *   bootstrap    "replicates" R, "seed", "first"/"last" (1-based, the
 *                replicates it holds), "resampled" ("clusters"/"rows"),
 *                "units", "cluster" (or null), "terms" [...], "fit" (the
 *                full-data fit document, as rhaz fit --format json
 *                writes it), "error" (the first failed fit's message, or
 *                null), "estimates" [{"replicate": k, "status": "ok",
 *                "values": [...]}];
 *   imputations  "imputations" m, "first"/"last", "fits"
 *                [{"imputation": k, "data": FILE, "fit": {...}}].
 * Numbers are written as the shortest decimal that reads back exactly,
 * so nothing is lost between a shard and the combination. */
#ifndef RHAZ_PARTS_H
#define RHAZ_PARTS_H

#include "boot.h"
#include "core.h"
#include "fit.h"
#include "report.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

#define RHAZ_PART_FORMAT "rhaz-part"
#define RHAZ_PART_VERSION 1

/* The bootstrap result as one process and rhaz_parts_combine both give
 * it: rhaz_boot_summary of base as its JSON document reads back (so a
 * result combined from shards, which carry that document, is the same
 * to the last bit). */
rhaz_fit_summary *rhaz_boot_result(const rhaz_fit_summary *base, const rhaz_boot *b,
                                   rhaz_error *err);

/* Shard K of N (1 <= K <= N) of a bootstrap: base (the full-data fit)
 * and the replicates b holds. */
rhaz_status rhaz_part_write_boot(FILE *fp, const rhaz_fit_summary *base,
                                 const rhaz_boot *b, size_t shard, size_t shards,
                                 rhaz_error *err);

/* Shard K of N of a fit over m imputations: the fit documents (text, as
 * rhaz fit --format json writes them) of imputations first+1 ..
 * first+count, fitted on data files files[0..count-1]. */
rhaz_status rhaz_part_write_mi(FILE *fp, const char *const *fit_json,
                               const char *const *files, size_t first, size_t count,
                               size_t m, size_t shard, size_t shards, rhaz_error *err);

/* Read the n part files, check that they are the N shards of one run
 * (each once; same fit, replicates, seed), and return the result: the
 * bootstrap summary (rhaz_boot_result; *boot, if boot is not NULL, the
 * merged replicates, for the replicates CSV) or the fit pooled by
 * Rubin's rules (*boot = NULL).  Errors name the part file. */
rhaz_fit_summary *rhaz_parts_combine(const char *const *paths, size_t n,
                                     rhaz_boot **boot, rhaz_error *err);

/* The replicate estimates as CSV: replicate,status,TERM,... (1-based
 * replicate numbers, the status name, estimates as the shortest decimal
 * that reads back exactly; empty when there is none). */
rhaz_status rhaz_boot_write_csv(FILE *fp, const rhaz_boot *b, rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
