/* rhaz/regtable.h -- publication tables: several fitted models side by
 * side, as esttab or modelsummary print them. */
#ifndef RHAZ_REGTABLE_H
#define RHAZ_REGTABLE_H

#include "core.h"
#include "fit.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

typedef enum {
    RHAZ_REGTABLE_TEXT = 0,
    RHAZ_REGTABLE_LATEX, /* booktabs */
    RHAZ_REGTABLE_MARKDOWN,
    RHAZ_REGTABLE_CSV
} rhaz_regtable_format;

/* Zero-initialise for defaults. */
typedef struct {
    const char *const *model_names; /* k column titles; NULL: (1), (2), ... */
    const rhaz_table *labels;       /* optional: columns term,label */
    int exponentiate;   /* odds/hazard ratios: exp(b), SE exp(b)*se (delta
                           method, as Stata's eform) */
    int digits;         /* decimals, 0 = 3 */
    int no_stars;       /* 1: no significance stars */
    const char *title;  /* optional caption */
} rhaz_regtable_options;

/* Write k fitted models side by side: one column per model; each term a
 * row with the estimate (stars: * p < 0.05, ** p < 0.01, *** p < 0.001,
 * two-sided, from the model's own z statistics) and its standard error
 * in parentheses below; then N, events, clusters, log-likelihood, AIC,
 * and notes (variance convention, non-convergence, dropped terms).
 * Terms appear in order of first appearance across the models. */
rhaz_status rhaz_regtable_write(FILE *fp, const rhaz_fit_summary *const *fits,
                                size_t k, rhaz_regtable_format fmt,
                                const rhaz_regtable_options *opt,
                                rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
