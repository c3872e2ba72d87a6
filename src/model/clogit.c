/* clogit.c -- conditional logit by the exact conditional likelihood.
 *
 * Inputs (rhaz_clogit_data): x n x p column-major, y n values in {0, 1},
 * strata n codes in [0, n_strata).  Rows need not be sorted.
 *
 * Method.  In stratum s (rows R_s, n_s of them, d_s events), with
 * r_i = exp(eta_i), eta_i = z_i'beta, the denominator of L_s is the
 * elementary symmetric function B(d_s, n_s) of the r_i, computed by the
 * recursion of Gail, Lubin & Rubinstein (1981) over the rows m = 1..n_s:
 *
 *   B(k, m)   = B(k, m-1) + r_m B(k-1, m-1),     B(0, m) = 1, B(k, 0) = 0
 *   G(k, m)   = G(k, m-1) + r_m [z_m B(k-1, m-1) + G(k-1, m-1)]
 *   H(k, m)   = H(k, m-1) + r_m [z_m z_m' B(k-1, m-1) + z_m G(k-1, m-1)'
 *                                + G(k-1, m-1) z_m' + H(k-1, m-1)]
 *
 * (G = dB/dbeta, H = d2B/dbeta dbeta'; k runs downwards so one array per
 * order suffices).  Then, with B = B(d, n_s) etc.,
 *   log L_s = sum_{i in D_s} eta_i - log B
 *   score_s = sum_{i in D_s} z_i  - G / B
 *   info_s  = H / B - (G / B)(G / B)'
 * the conditional mean and variance of the sum of z over a random
 * d-subset.  Cost O(n_s d_s p^2).  Two exact identities keep it small and
 * finite: (1) a stratum with d_s > n_s / 2 is fitted as the complementary
 * problem (events and non-events swapped, z negated), which has the same
 * likelihood, score and information, so the order is min(d_s, n_s - d_s);
 * (2) eta is shifted by its stratum maximum (r <= 1) and the arrays are
 * rescaled by a power of two recorded in log B when they grow large
 * (B(d, n) can exceed 1e308 for large strata).
 *
 * Covariates are centred within strata (the likelihood is unchanged) and
 * scaled by 1 / sd over all rows, as R's coxexact.fit scales them, so the
 * infinite-coefficient check below is R's.  Newton-Raphson with the rules
 * of R survival's coxexact: iteration 0 at init; a step that lowers the
 * log-likelihood (or makes it non-finite, or changes the rank of the
 * information) is halved towards the last good beta; converged when
 * |1 - loglik_old / loglik_new| <= eps, the estimate being the beta at
 * which that was observed, with its information.
 */
#include "rhaz.h"
#include "model/linalg.h" /* the rank-revealing LDL' (rhaz_ldl_*) */
#include "model/fit_internal.h"
#include "core/util.h"

#include <float.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct rhaz_clogit {
    rhaz_clogit_result res;
    size_t n, p, pp;          /* pp = p (p + 1) / 2, packed lower triangle */
    size_t S;                 /* informative strata */
    size_t *sbeg;             /* S + 1 offsets into the used rows */
    size_t *dev;              /* S: events of the (possibly swapped) stratum */
    size_t dmax;
    double *z;                /* n_used x p row-major: centred, scaled,
                                 negated in swapped strata */
    unsigned char *ev;        /* n_used: event flags after the swap */
    double *center;           /* S x p centres (original scale) */
    int *flip;                /* S: 1 if swapped */
    double *scale;            /* p: z = (x - centre) * scale */
    /* workspace */
    double *eta, *b, *g, *h, *tz, *u, *imat, *fac, *beta, *oldbeta, *step;
    /* results */
    double *coef, *vcov, *score;
    int *aliased, *infinite;
};

void rhaz_clogit_options_default(rhaz_clogit_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_iter = 20;
    o->eps = 1e-9;
    o->toler_chol = pow(DBL_EPSILON, 0.75);
    o->toler_inf = sqrt(1e-9);
}

void rhaz_clogit_free(rhaz_clogit *f)
{
    if (!f)
        return;
    void *ptrs[] = {f->sbeg, f->dev,  f->z,    f->ev,    f->center, f->flip,
                    f->scale, f->eta, f->b,    f->g,     f->h,      f->tz,
                    f->u,    f->imat, f->fac,  f->beta,  f->oldbeta, f->step,
                    f->coef, f->vcov, f->score, f->aliased, f->infinite};
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
        free(ptrs[i]);
    free(f);
}

const rhaz_clogit_result *rhaz_clogit_result_get(const rhaz_clogit *f)
{
    return f ? &f->res : NULL;
}

rhaz_status rhaz_clogit_data_from_design(rhaz_clogit_data *cd,
                                         const rhaz_design *d, rhaz_error *err)
{
    memset(cd, 0, sizeof *cd);
    if (d->lhs != RHAZ_LHS_VAR || d->ny != 1) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "clogit: the formula needs one binary response on the "
                       "left of '~' (y ~ x + strata(g)), not Surv()");
        if (err)
            snprintf(err->what, sizeof err->what, "%s",
                     d->y_name ? d->y_name : "");
        return RHAZ_EINVAL;
    }
    if (!d->strata) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "clogit: the formula needs a strata() term naming the "
                       "groups to condition on (y ~ x + strata(g))");
        if (err)
            snprintf(err->what, sizeof err->what, "strata");
        return RHAZ_EINVAL;
    }
    if (d->cluster) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "clogit: cluster(): no robust or cluster variance for "
                       "the exact conditional likelihood (R's clogit has "
                       "none either); the variance is the inverse information");
        if (err)
            snprintf(err->what, sizeof err->what, "cluster");
        return RHAZ_EINVAL;
    }
    if (d->weights) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                       "clogit: case weights are not defined for the exact "
                       "conditional likelihood");
        if (err)
            snprintf(err->what, sizeof err->what, "weights");
        return RHAZ_EINVAL;
    }
    cd->n = d->n;
    cd->p = d->p;
    cd->x = d->p ? d->X : NULL;
    cd->y = d->y;
    cd->strata = d->strata;
    cd->n_strata = d->n_strata;
    return RHAZ_OK;
}

/* ---- setup ------------------------------------------------------------ */

#define XALLOC(ptr, count)                                                    \
    do {                                                                      \
        size_t xn_ = (count);                                                 \
        (ptr) = calloc(xn_ ? xn_ : 1, sizeof *(ptr));                         \
        if (!(ptr))                                                           \
            goto nomem;                                                       \
    } while (0)

static rhaz_status check_data(const rhaz_clogit_data *d,
                              const rhaz_clogit_options *o, rhaz_error *err)
{
    if (!d || !o || !d->y || !d->strata || (d->p > 0 && !d->x))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "clogit: missing data arrays (y, strata, x)");
    if (d->n == 0 || d->n_strata == 0)
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0, "clogit: no rows");
    if (o->max_iter < 0 || !(o->eps > 0) || !(o->toler_chol > 0) ||
        !(o->toler_inf > 0))
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "clogit: invalid control options");
    for (size_t i = 0; i < d->n; i++) {
        if (!(d->y[i] == 0 || d->y[i] == 1))
            return core_error_row(err, RHAZ_EDATA, i + 1,
                                  "clogit: row %zu: the response must be 0 "
                                  "or 1 (got %g)", i + 1, d->y[i]);
        if (d->strata[i] < 0 || (size_t)d->strata[i] >= d->n_strata)
            return core_error_row(err, RHAZ_EINVAL, i + 1,
                                  "clogit: row %zu: stratum code out of range",
                                  i + 1);
    }
    for (size_t j = 0; j < d->p; j++)
        for (size_t i = 0; i < d->n; i++)
            if (!isfinite(d->x[j * d->n + i]))
                return core_error_row(err, RHAZ_EDATA, i + 1,
                                      "clogit: row %zu, covariate %zu is not "
                                      "finite", i + 1, j + 1);
    return RHAZ_OK;
}

static rhaz_clogit *setup(const rhaz_clogit_data *d, rhaz_error *err)
{
    size_t n = d->n, p = d->p, NS = d->n_strata;
    size_t *cnt = NULL, *ones = NULL, *pos = NULL, *map = NULL;
    rhaz_clogit *f = calloc(1, sizeof *f);
    if (!f)
        goto nomem;
    f->n = n;
    f->p = p;
    f->pp = p * (p + 1) / 2;
    XALLOC(cnt, NS);
    XALLOC(ones, NS);
    XALLOC(map, NS);
    for (size_t i = 0; i < n; i++) {
        cnt[d->strata[i]]++;
        ones[d->strata[i]] += d->y[i] == 1;
    }
    /* informative strata, numbered in code order */
    size_t S = 0, nu = 0, nev = 0, ngiven = 0;
    for (size_t s = 0; s < NS; s++) {
        if (cnt[s] == 0) {
            map[s] = SIZE_MAX;
            continue;
        }
        ngiven++;
        if (ones[s] == 0 || ones[s] == cnt[s]) {
            map[s] = SIZE_MAX;
            f->res.n_strata_dropped++;
            f->res.n_rows_dropped += cnt[s];
        } else {
            map[s] = S++;
            nu += cnt[s];
            nev += ones[s];
        }
    }
    f->S = S;
    f->res.n = n;
    f->res.p = p;
    f->res.n_strata = ngiven;
    f->res.n_used = nu;
    f->res.n_events = nev;
    XALLOC(f->sbeg, S + 1);
    XALLOC(f->dev, S);
    XALLOC(f->flip, S);
    XALLOC(f->center, S * p);
    XALLOC(f->z, nu * p);
    XALLOC(f->ev, nu);
    XALLOC(pos, S);
    for (size_t s = 0, k = 0; s < NS; s++)
        if (map[s] != SIZE_MAX) {
            size_t t = map[s];
            f->sbeg[t] = k;
            pos[t] = k;
            k += cnt[s];
            f->flip[t] = 2 * ones[s] > cnt[s];
            f->dev[t] = f->flip[t] ? cnt[s] - ones[s] : ones[s];
            if (f->dev[t] > f->dmax)
                f->dmax = f->dev[t];
        }
    f->sbeg[S] = nu;

    /* scale: 1 / sd over all rows (R's scale()) */
    XALLOC(f->scale, p);
    for (size_t j = 0; j < p; j++) {
        const double *x = d->x + j * n;
        double m = 0, ss = 0;
        for (size_t i = 0; i < n; i++)
            m += x[i];
        m /= (double)n;
        for (size_t i = 0; i < n; i++)
            ss += (x[i] - m) * (x[i] - m);
        double sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
        f->scale[j] = sd > 0 ? 1 / sd : 1;
    }
    /* rows of informative strata, grouped; centres per stratum */
    for (size_t i = 0; i < n; i++) {
        size_t t = map[d->strata[i]];
        if (t == SIZE_MAX)
            continue;
        size_t r = pos[t]++;
        f->ev[r] = (unsigned char)((d->y[i] == 1) != f->flip[t]);
        for (size_t j = 0; j < p; j++) {
            double v = d->x[j * n + i];
            f->z[r * p + j] = v;
            f->center[t * p + j] += v;
        }
    }
    for (size_t t = 0; t < S; t++) {
        double ns = (double)(f->sbeg[t + 1] - f->sbeg[t]);
        double sg = f->flip[t] ? -1 : 1;
        for (size_t j = 0; j < p; j++)
            f->center[t * p + j] /= ns;
        for (size_t r = f->sbeg[t]; r < f->sbeg[t + 1]; r++)
            for (size_t j = 0; j < p; j++)
                f->z[r * p + j] = sg * (f->z[r * p + j] - f->center[t * p + j]) *
                                  f->scale[j];
    }

    size_t D1 = f->dmax + 1;
    XALLOC(f->eta, nu);
    XALLOC(f->b, D1);
    XALLOC(f->g, D1 * p);
    XALLOC(f->h, D1 * f->pp);
    XALLOC(f->tz, p);
    XALLOC(f->u, p);
    XALLOC(f->imat, p * p);
    XALLOC(f->fac, p * p);
    XALLOC(f->beta, p);
    XALLOC(f->oldbeta, p);
    XALLOC(f->step, p);
    XALLOC(f->coef, p);
    XALLOC(f->vcov, p * p);
    XALLOC(f->score, p);
    XALLOC(f->aliased, p);
    XALLOC(f->infinite, p);
    free(cnt);
    free(ones);
    free(pos);
    free(map);
    return f;
nomem:
    free(cnt);
    free(ones);
    free(pos);
    free(map);
    rhaz_clogit_free(f);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "clogit: out of memory setting up the fit");
    return NULL;
}

/* ---- one evaluation --------------------------------------------------- */

#define BIG 0x1p600
#define LOG_BIG (600 * M_LN2)

/* Log conditional likelihood at beta (scaled coordinates); with info,
 * the score in f->u and the information in f->imat (row-major, full). */
static double eval_z(rhaz_clogit *f, const double *beta, int info)
{
    const size_t p = f->p, pp = f->pp;
    double loglik = 0;
    for (size_t r = 0; r < f->sbeg[f->S]; r++) {
        double e = 0;
        for (size_t j = 0; j < p; j++)
            e += f->z[r * p + j] * beta[j];
        f->eta[r] = e;
    }
    if (info) {
        memset(f->u, 0, p * sizeof(double));
        memset(f->imat, 0, p * p * sizeof(double));
    }
    for (size_t t = 0; t < f->S; t++) {
        size_t r0 = f->sbeg[t], r1 = f->sbeg[t + 1], d = f->dev[t];
        double shift = -INFINITY;
        for (size_t r = r0; r < r1; r++)
            if (f->eta[r] > shift)
                shift = f->eta[r];
        if (!isfinite(shift))
            return NAN;
        double *b = f->b, *g = f->g, *h = f->h, logsc = 0;
        memset(b, 0, (d + 1) * sizeof(double));
        b[0] = 1;
        if (info) {
            memset(g, 0, (d + 1) * p * sizeof(double));
            memset(h, 0, (d + 1) * pp * sizeof(double));
        }
        for (size_t r = r0; r < r1; r++) {
            const double *z = f->z + r * p;
            double rr = exp(f->eta[r] - shift);
            size_t kmax = r - r0 + 1 < d ? r - r0 + 1 : d;
            if (f->ev[r]) {
                loglik += f->eta[r] - shift;
                if (info)
                    for (size_t j = 0; j < p; j++)
                        f->u[j] += z[j];
            }
            double bmax = 0;
            for (size_t k = kmax; k >= 1; k--) {
                double bk1 = b[k - 1];
                if (info) {
                    const double *g1 = g + (k - 1) * p;
                    double *gk = g + k * p;
                    double *hk = h + k * pp;
                    const double *h1 = h + (k - 1) * pp;
                    for (size_t j = 0, q = 0; j < p; j++)
                        for (size_t l = 0; l <= j; l++, q++)
                            hk[q] += rr * (z[j] * z[l] * bk1 + z[j] * g1[l] +
                                           g1[j] * z[l] + h1[q]);
                    for (size_t j = 0; j < p; j++)
                        gk[j] += rr * (z[j] * bk1 + g1[j]);
                }
                b[k] += rr * bk1;
                if (b[k] > bmax)
                    bmax = b[k];
            }
            if (bmax > BIG) { /* rescale every order by 2^-600 */
                for (size_t k = 0; k <= d; k++)
                    b[k] /= BIG;
                if (info) {
                    for (size_t k = 0; k < (d + 1) * p; k++)
                        g[k] /= BIG;
                    for (size_t k = 0; k < (d + 1) * pp; k++)
                        h[k] /= BIG;
                }
                logsc += LOG_BIG;
            }
        }
        double B = b[d];
        loglik -= log(B) + logsc;
        if (info) {
            const double *gd = g + d * p, *hd = h + d * pp;
            for (size_t j = 0; j < p; j++)
                f->tz[j] = gd[j] / B;
            for (size_t j = 0; j < p; j++)
                f->u[j] -= f->tz[j];
            for (size_t j = 0, q = 0; j < p; j++)
                for (size_t l = 0; l <= j; l++, q++) {
                    double v = hd[q] / B - f->tz[j] * f->tz[l];
                    f->imat[j * p + l] += v;
                    if (l != j)
                        f->imat[l * p + j] += v;
                }
        }
    }
    return loglik;
}

rhaz_status rhaz_clogit_eval(const rhaz_clogit *fc, const double *beta,
                             double *loglik, double *score, double *info,
                             rhaz_error *err)
{
    if (!fc || !beta)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "clogit: eval needs a fit and beta");
    rhaz_clogit *f = (rhaz_clogit *)fc; /* the workspace only */
    size_t p = f->p;
    double *bz = calloc(p ? p : 1, sizeof *bz);
    if (!bz)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                              "clogit: out of memory evaluating the likelihood");
    for (size_t j = 0; j < p; j++)
        bz[j] = beta[j] / f->scale[j];
    double lk = eval_z(f, bz, 1);
    free(bz);
    if (loglik)
        *loglik = lk;
    for (size_t j = 0; j < p; j++) {
        if (score)
            score[j] = f->u[j] / f->scale[j];
        if (info)
            for (size_t l = 0; l < p; l++)
                info[j * p + l] = f->imat[j * p + l] / (f->scale[j] * f->scale[l]);
    }
    return RHAZ_OK;
}

/* ---- Newton-Raphson ----------------------------------------------------- */

static int all_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

rhaz_clogit *rhaz_clogit_fit(const rhaz_clogit_data *d,
                             const rhaz_clogit_options *opt, rhaz_error *err)
{
    rhaz_clogit_options def;
    if (!opt) {
        rhaz_clogit_options_default(&def);
        opt = &def;
    }
    rhaz_error_clear(err);
    if (check_data(d, opt, err) != RHAZ_OK)
        return NULL;
    rhaz_clogit *f = setup(d, err);
    if (!f)
        return NULL;
    rhaz_clogit_result *r = &f->res;
    if (f->S == 0) {
        rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                       "clogit: no stratum has variation in the response "
                       "(%zu strata, all dropped): nothing to condition on",
                       r->n_strata);
        rhaz_clogit_free(f);
        return NULL;
    }
    const size_t p = f->p;
    double *beta = f->beta, *oldbeta = f->oldbeta, *step = f->step,
           *fac = f->fac;
    for (size_t j = 0; j < p; j++)
        beta[j] = opt->init ? opt->init[j] / f->scale[j] : 0.0;

    int maxiter = p > 0 ? opt->max_iter : 0, converged = 0, halving = 0,
        nhalf = 0, iter = 0;
    double newlk = eval_z(f, beta, 1), lk0 = newlk, best = newlk, sctest = 0;
    memcpy(fac, f->imat, p * p * sizeof(double));
    int rank = p ? rhaz_ldl_factor_(fac, p, RHAZ_LDL_PIVOT_MAX_DIAG, opt->toler_chol, NULL, NULL, NULL) : 0;
    memcpy(step, f->u, p * sizeof(double));
    if (p)
        rhaz_ldl_solve_(fac, p, step);
    for (size_t j = 0; j < p; j++)
        sctest += step[j] * f->u[j];
    if (maxiter == 0)
        converged = 1;

    for (iter = 1; iter <= maxiter; iter++) {
        if (iter == 1) {
            if (!isfinite(newlk))
                break;
            for (size_t j = 0; j < p; j++) {
                oldbeta[j] = beta[j];
                beta[j] += step[j];
            }
        } else {
            int fail = !isfinite(newlk) || !all_finite(f->imat, p * p);
            int rank2 = rank;
            if (!fail) {
                memcpy(fac, f->imat, p * p * sizeof(double));
                rank2 = rhaz_ldl_factor_(fac, p, RHAZ_LDL_PIVOT_MAX_DIAG, opt->toler_chol, NULL, NULL, NULL);
            }
            fail = fail || rank2 != rank;
            if (!fail && halving == 0 && newlk < best &&
                fabs(1 - best / newlk) <= opt->eps) {
                converged = 1; /* a fall at rounding level at the optimum */
                break;
            }
            if (fail || newlk < best) {
                halving++;
                nhalf++;
                for (size_t j = 0; j < p; j++)
                    beta[j] = (oldbeta[j] * halving + beta[j]) / (halving + 1.0);
            } else {
                halving = 0;
                if (fabs(1 - best / newlk) <= opt->eps || newlk == best) {
                    converged = 1;
                    break;
                }
                best = newlk;
                memcpy(step, f->u, p * sizeof(double));
                rhaz_ldl_solve_(fac, p, step);
                for (size_t j = 0; j < p; j++) {
                    oldbeta[j] = beta[j];
                    beta[j] += step[j];
                }
            }
        }
        newlk = eval_z(f, beta, 1);
    }
    if (!converged && maxiter > 0) {
        /* back to the last good beta if the last attempt was no better */
        int back = !(newlk >= best) || !all_finite(f->imat, p * p);
        if (!back) {
            memcpy(fac, f->imat, p * p * sizeof(double));
            back = rhaz_ldl_factor_(fac, p, RHAZ_LDL_PIVOT_MAX_DIAG, opt->toler_chol, NULL, NULL, NULL) != rank;
        }
        if (back) {
            memcpy(beta, oldbeta, p * sizeof(double));
            newlk = eval_z(f, beta, 1);
        }
    }
    memcpy(fac, f->imat, p * p * sizeof(double));
    rank = p ? rhaz_ldl_factor_(fac, p, RHAZ_LDL_PIVOT_MAX_DIAG, opt->toler_chol, NULL, NULL, NULL) : 0;
    if (p)
        rhaz_ldl_inverse_(fac, p, f->vcov); /* scaled for now */
    if (iter > maxiter + 1)
        iter = maxiter + 1;

    r->converged = converged;
    r->stop = converged ? RHAZ_STOP_CONVERGED
              : !isfinite(newlk) ? RHAZ_STOP_NONFINITE : RHAZ_STOP_MAXITER;
    r->iterations = maxiter > 0 ? iter - 1 : 0; /* evaluations after init, as R */
    r->step_halvings = nhalf;
    r->rank = rank < 0 ? -rank : rank;
    r->loglik_init = lk0;
    r->loglik = newlk;
    r->score_test = sctest;

    /* infinite coefficients, as coxexact.fit (scaled coordinates) */
    int any_alias = r->rank < (int)p;
    for (size_t j = 0; j < p; j++)
        f->aliased[j] = any_alias && f->vcov[j * p + j] == 0;
    if (maxiter > 1 && converged)
        for (size_t j = 0; j < p; j++) {
            if (f->aliased[j])
                continue;
            double inf = 0;
            for (size_t l = 0; l < p; l++)
                inf += f->u[l] * f->vcov[l * p + j];
            inf = fabs(inf);
            f->infinite[j] = !isfinite(inf) ||
                             (inf > opt->eps && inf > opt->toler_inf * fabs(beta[j]));
            if (f->infinite[j])
                r->stop = RHAZ_STOP_SEPARATION;
        }
    for (size_t j = 0; j < p; j++) {
        double sj = f->scale[j];
        f->coef[j] = f->aliased[j] ? NAN : beta[j] * sj;
        f->score[j] = f->u[j] / sj; /* beta = beta_z * scale */
        for (size_t l = 0; l < p; l++)
            f->vcov[j * p + l] = f->aliased[j] || f->aliased[l]
                                     ? NAN
                                     : f->vcov[j * p + l] * sj * f->scale[l];
    }
    /* Wald test b' V^- b */
    if (p > 0) {
        double w = 0;
        for (size_t j = 0; j < p; j++)
            for (size_t l = 0; l < p; l++)
                fac[j * p + l] = f->aliased[j] || f->aliased[l]
                                     ? 0.0 : f->vcov[j * p + l];
        rhaz_ldl_factor_(fac, p, RHAZ_LDL_PIVOT_MAX_DIAG, opt->toler_chol, NULL, NULL, NULL);
        for (size_t j = 0; j < p; j++)
            step[j] = oldbeta[j] = f->aliased[j] ? 0.0 : f->coef[j];
        rhaz_ldl_solve_(fac, p, step);
        for (size_t j = 0; j < p; j++)
            w += step[j] * oldbeta[j];
        r->wald_test = w;
    }
    r->coef = f->coef;
    r->aliased = f->aliased;
    r->infinite = f->infinite;
    r->vcov = f->vcov;
    r->score = f->score;
    return f;
}

/* ---- summary ---------------------------------------------------------- */

rhaz_fit_summary *rhaz_clogit_summary(const rhaz_clogit *f,
                                      const char *const *names,
                                      const char *formula, double conf_level,
                                      rhaz_error *err)
{
    if (!f)
        return NULL;
    const rhaz_clogit_result *r = &f->res;
    size_t p = r->p;
    if (!(conf_level > 0 && conf_level < 1))
        conf_level = 0.95;
    rhaz_fit_summary *s = rhaz_fit_summary_new_("clogit", "logit", "exact");
    if (!s || !(s->formula = core_strdup(formula ? formula : "")) ||
        !(s->vce_label = core_strdup("model-based (inverse information; R clogit, "
                                     "exact method)")))
        goto nomem;
    s->n = r->n;
    s->events = r->n_events;
    s->n_strata = r->n_strata;
    s->converged = r->converged;
    s->stop = r->stop;
    s->iterations = r->iterations;
    s->step_halvings = r->step_halvings;
    s->rank = r->rank;
    rhaz_fit_summary_lik_(s, r->loglik, r->loglik_init, r->rank, (double)r->n_events);
    s->vce = RHAZ_VCE_MODEL;
    if (r->n_strata_dropped &&
        rhaz_fit_summary_warn_(s, "%zu of %zu strata have no variation in the "
                               "response and were dropped (%zu rows; they carry "
                               "no information)",
                               r->n_strata_dropped, r->n_strata, r->n_rows_dropped))
        goto nomem;
    if (rhaz_fit_summary_wald_(s, p, names, r->coef, r->vcov, r->aliased, conf_level,
                               err))
        goto nomem;
    for (size_t j = 0; j < p; j++) {
        const char *term = s->coef[j].term;
        if (r->aliased[j] &&
            rhaz_fit_summary_warn_(s, "%s: no within-stratum variation or collinear "
                                   "with other terms, coefficient set to NA", term))
            goto nomem;
        if (r->infinite[j] &&
            rhaz_fit_summary_warn_(s, "%s: the log-likelihood converged before this "
                                   "coefficient; it may be infinite (separation "
                                   "within strata)", term))
            goto nomem;
    }
    if (!r->converged &&
        rhaz_fit_summary_warn_(s, "%s", r->stop == RHAZ_STOP_NONFINITE
                           ? "the log-likelihood is not finite"
                           : "ran out of iterations and did not converge"))
        goto nomem;
    return s;
nomem:
    rhaz_fit_summary_free(s);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "clogit: out of memory building the fit summary");
    return NULL;
}
