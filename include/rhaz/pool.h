/* rhaz/pool.h -- combining fits of one model on m multiply-imputed data
 * sets by Rubin's rules (as R mice::pool, rule "rubin1987"). */
#ifndef RHAZ_POOL_H
#define RHAZ_POOL_H

#include "fit.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* Pool m >= 2 fits of the same model (same terms in the same order).
 * For each term, with Q_k the estimates and U_k the squared SEs:
 *   qbar = mean Q_k;  W = mean U_k;  B = sum (Q_k - qbar)^2 / (m - 1);
 *   T = W + (1 + 1/m) B;  SE = sqrt(T);
 *   riv = (1 + 1/m) B / W;  lambda = (1 + 1/m) B / T (at least 1e-4);
 *   df_old = (m - 1) / lambda^2;
 *   df_obs = (dfcom + 1) / (dfcom + 3) dfcom (1 - lambda);
 *   df = df_old df_obs / (df_old + df_obs)        (Barnard-Rubin 1999);
 *   fmi = (riv + 2 / (df + 3)) / (riv + 1);
 *   statistic t = qbar / SE, p = 2 P(T_df > |t|), interval qbar -+
 *   t_{df,(1+level)/2} SE (level: that of the first fit).
 * dfcom, the complete-data degrees of freedom: > 0 as given; <= 0 or NaN
 * the default of mice: events - p for a Cox model, n - rank otherwise
 * (at least 1); INFINITY: df = df_old.  The vcov is W + (1 + 1/m) B as
 * matrices (W, B from the fits' full covariance matrices).  A term aliased
 * in any fit is aliased (NA) in the result, with a warning; a fit that did
 * not converge makes the result not converged.  Fits whose terms differ
 * are refused (RHAZ_EDATA: "imputation K: ...", K counted from 1).
 * Returns a new summary (imputations = m), or NULL with err set. */
rhaz_fit_summary *rhaz_fit_pool(const rhaz_fit_summary *const *fits, size_t m,
                                double dfcom, rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
