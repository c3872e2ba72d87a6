/* fit_internal.h -- building a rhaz_fit_summary (fit.c), shared by the
 * GLM and Cox fits so that the Wald table and the warning list are made
 * once.  Not part of the public API. */
#ifndef RHAZ_FIT_INTERNAL_H
#define RHAZ_FIT_INTERNAL_H

#include "rhaz.h"

/* A summary with model, link and ties names (copied; NULL reads "")
 * and nothing else filled; NULL when out of memory. */
rhaz_fit_summary *rhaz_fit_summary_new_(const char *model, const char *link,
                                        const char *ties);

/* The coefficient table of a Wald fit: p terms named names[j] (or "x1",
 * "x2", ... when names or names[j] is NULL), estimates beta, variance V
 * (p x p, column-major or row-major: symmetric), aliased flags (NULL:
 * none).  Fills s->p, s->coef (estimate, SE = sqrt(V_jj), z, two-sided
 * normal p, estimate -+ z_{(1+conf)/2} SE), s->vcov (NaN in the rows and
 * columns of aliased terms, whose entries are all NaN) and
 * s->conf_level.  Returns RHAZ_OK or RHAZ_ENOMEM (err set). */
rhaz_status rhaz_fit_summary_wald_(rhaz_fit_summary *s, size_t p,
                                   const char *const *names, const double *beta,
                                   const double *V, const int *aliased,
                                   double conf_level, rhaz_error *err);

/* The likelihood members of a summary from the fitted and the null
 * (initial) log-likelihood with df free parameters (rank, or the
 * effective df of a penalized fit) and n_bic observations in BIC's
 * log(n): loglik, loglik_null = loglik_init, AIC, BIC and the LR test
 * (2 (loglik - loglik_init) on df, p NA when df is 0). */
void rhaz_fit_summary_lik_(rhaz_fit_summary *s, double loglik,
                           double loglik_init, double df, double n_bic);

/* Append a formatted warning (at most 2 KiB).  0 or -1 (out of memory). */
int rhaz_fit_summary_warn_(rhaz_fit_summary *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "a, b, c": the names[j] with mask[j] set, into buf (truncated with
 * "..." when it does not fit). */
void rhaz_name_list_(char *buf, size_t size, const char *const *names,
                     const int *mask, size_t p);

/* The small-sample factors of the sandwich variance (sandwich.c), as a
 * variant table: id, short name, the label a summary prints (stating
 * the R or Stata convention) and the factor c(G, N, K). */
typedef struct {
    rhaz_vce_adj id;
    const char *name;
    const char *label;
    double (*factor)(double n_clusters, double n, double k);
} rhaz_vce_adj_type;
extern const rhaz_vce_adj_type rhaz_vce_adj_types_[]; /* ends with name NULL */
/* The entry of adj, or NULL. */
const rhaz_vce_adj_type *rhaz_vce_adj_type_(rhaz_vce_adj adj);

#endif
