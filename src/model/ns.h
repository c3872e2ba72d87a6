/* ns.h -- the natural cubic spline basis of R's splines::ns(), shared by
 * the design (ns(x, df) terms, intercept = FALSE) and the plot smooth
 * (plot.cox.zph's ns(..., intercept = TRUE)).  Private to librhaz.
 *
 *   knots    boundary knots at the range of the data, n_interior knots
 *            at the quantiles k / (n_interior + 1) (R's quantile type 7)
 *   basis    GSL's cubic B-splines on the knots (the first dropped when
 *            intercept = 0), projected on the null space of "second
 *            derivative zero at both boundary knots": Q' B with Q from
 *            the QR of the constraint matrix, rows 3.. (as ns() does)
 *   outside  beyond a boundary knot the basis continues linearly,
 *            basis(b) + (x - b) basis'(b), as ns()'s predict method
 * df = n_knots - 1 (intercept = 0) or n_knots (intercept = 1).
 */
#ifndef RHAZ_MODEL_NS_H
#define RHAZ_MODEL_NS_H

#include <stddef.h>

/* R's quantile(x, p, type = 7) of sorted x[0..m-1] (m >= 1):
 * gsl_stats_quantile_from_sorted_data, except that between two equal
 * order statistics the value itself is returned, as R does (GSL's
 * (1 - h) a + h a can be off by one ulp). */
double rhaz_quantile7_(const double *sorted, size_t m, double p);

/* Knots of ns() from sorted finite values x[0..m-1] (m >= 2):
 * knots[0] = x[0], knots[n_interior + 1] = x[m - 1], the interior at
 * the type-7 quantiles.  Returns 0, or -1 if the knots are not strictly
 * increasing (too few distinct values). */
int rhaz_ns_knots_(const double *sorted, size_t m, size_t n_interior, double *knots);

typedef struct rhaz_ns rhaz_ns;

/* The basis on n_knots >= 2 strictly increasing knots; NULL when out of
 * memory. */
rhaz_ns *rhaz_ns_alloc_(const double *knots, size_t n_knots, int intercept);
void rhaz_ns_free_(rhaz_ns *ns); /* accepts NULL */
size_t rhaz_ns_df_(const rhaz_ns *ns);
/* The df basis values at x (finite) into out. */
void rhaz_ns_eval_(rhaz_ns *ns, double x, double *out);

#endif
