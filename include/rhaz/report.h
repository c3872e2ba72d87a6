/* rhaz/report.h -- publication tables and model files (issue 7). */
#ifndef RHAZ_REPORT_H
#define RHAZ_REPORT_H

#include "core.h"
#include "fit.h"
#include "predict.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* Printing one fitted model (rhaz fit ... --format). */
typedef enum {
    RHAZ_SUMMARY_TEXT = 0, /* like summary(): table, fit statistics, warnings */
    RHAZ_SUMMARY_CSV,      /* coefficient table: term,estimate,std_error,
                              statistic,p_value,conf_low,conf_high */
    RHAZ_SUMMARY_JSON,     /* one object: model, link, n, events, converged,
                              iterations, loglik, loglik_null, aic, bic, lr_*,
                              coefficients[], vcov[][], warnings[] ... */
    RHAZ_SUMMARY_LATEX,    /* booktabs tabular */
    RHAZ_SUMMARY_MARKDOWN  /* pipe table */
} rhaz_summary_format;

typedef struct {
    int exp;        /* exponentiate estimates and CIs (odds / hazard ratios);
                       SE by the delta method exp(b) se; z and p unchanged */
    int digits;     /* significant digits in text/LaTeX/Markdown; 0: 4 */
} rhaz_summary_options;

rhaz_status rhaz_fit_summary_write(FILE *fp, const rhaz_fit_summary *s,
                                   rhaz_summary_format fmt,
                                   const rhaz_summary_options *opt,
                                   rhaz_error *err);
/* Margins (rhaz_margins_compute) as text, CSV
 * (term,type,at,estimate,std_error,statistic,p_value,conf_low,conf_high),
 * JSON ({"margins": [{"term", "type", "at", "estimate", "std_error",
 * "statistic", "p_value", "conf_low", "conf_high"}], "vce", "model",
 * "scale", "n", "conf_level"}) or a LaTeX tabular. */
rhaz_status rhaz_margins_write(FILE *fp, const rhaz_margins *m,
                               rhaz_summary_format fmt, rhaz_error *err);
/* Read such a JSON back as a summary for rhaz_regtable_write (`rhaz
 * table --margins`): one row per margin, named "term [at]", with its
 * estimate, SE and p-value; the variance label says they are margins. */
rhaz_fit_summary *rhaz_margins_read_json(const char *path, rhaz_error *err);



#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
