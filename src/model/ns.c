/* ns.c -- the natural cubic spline basis (see ns.h): one implementation
 * for the design's ns() terms and the plot's spline smooth.
 * Work: the B-spline workspace, the 2-column QR and two vectors, all
 * allocated by rhaz_ns_alloc_; rhaz_ns_eval_ allocates nothing. */
#include "model/ns.h"

#include <gsl/gsl_bspline.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>

struct rhaz_ns {
    size_t nbreak, nb, first, df; /* first: 1 drops the first B-spline */
    double lo, hi;
    gsl_bspline_workspace *w;
    gsl_vector *B, *v, *tau;
    gsl_matrix *dB, *QR;
};

double rhaz_quantile7_(const double *x, size_t m, double p)
{
    double index = (double)(m - 1) * p; /* 0-based, as GSL and R */
    size_t lo = (size_t)floor(index), hi = (size_t)ceil(index);
    if (hi >= m)
        hi = m - 1;
    if (x[lo] == x[hi])
        return x[lo];
    return gsl_stats_quantile_from_sorted_data(x, 1, m, p);
}

int rhaz_ns_knots_(const double *s, size_t m, size_t nik, double *knots)
{
    size_t nbreak = nik + 2;
    knots[0] = s[0];
    knots[nbreak - 1] = s[m - 1];
    for (size_t k = 1; k <= nik; k++)
        knots[k] = rhaz_quantile7_(s, m, (double)k * (1.0 / (double)(nik + 1)));
    for (size_t k = 1; k < nbreak; k++)
        if (!(knots[k] > knots[k - 1]))
            return -1;
    return 0;
}

void rhaz_ns_free_(rhaz_ns *ns)
{
    if (!ns)
        return;
    if (ns->w)
        gsl_bspline_free(ns->w);
    gsl_vector_free(ns->B);
    gsl_vector_free(ns->v);
    gsl_vector_free(ns->tau);
    gsl_matrix_free(ns->dB);
    gsl_matrix_free(ns->QR);
    free(ns);
}

rhaz_ns *rhaz_ns_alloc_(const double *knots, size_t nbreak, int intercept)
{
    rhaz_ns *ns = calloc(1, sizeof *ns);
    if (!ns || nbreak < 2) {
        free(ns);
        return NULL;
    }
    ns->nbreak = nbreak;
    ns->nb = nbreak + 2; /* cubic B-splines on nbreak breakpoints */
    ns->first = intercept ? 0 : 1;
    size_t nk = ns->nb - ns->first; /* B-splines kept */
    ns->df = nk - 2;
    ns->lo = knots[0];
    ns->hi = knots[nbreak - 1];
    gsl_vector *brk = gsl_vector_alloc(nbreak);
    ns->w = gsl_bspline_alloc(4, nbreak);
    ns->B = gsl_vector_alloc(ns->nb);
    ns->v = gsl_vector_alloc(nk);
    ns->tau = gsl_vector_alloc(2);
    ns->dB = gsl_matrix_alloc(ns->nb, 3);
    ns->QR = gsl_matrix_alloc(nk, 2);
    if (!brk || !ns->w || !ns->B || !ns->v || !ns->tau || !ns->dB || !ns->QR) {
        gsl_vector_free(brk);
        rhaz_ns_free_(ns);
        return NULL;
    }
    for (size_t k = 0; k < nbreak; k++)
        gsl_vector_set(brk, k, knots[k]);
    gsl_bspline_knots(brk, ns->w);
    gsl_vector_free(brk);
    /* constraint: second derivatives at both boundaries; QR of t(const) */
    for (int b = 0; b < 2; b++) {
        gsl_bspline_deriv_eval(b ? ns->hi : ns->lo, 2, ns->dB, ns->w);
        for (size_t k = ns->first; k < ns->nb; k++)
            gsl_matrix_set(ns->QR, k - ns->first, (size_t)b, gsl_matrix_get(ns->dB, k, 2));
    }
    gsl_linalg_QR_decomp(ns->QR, ns->tau);
    return ns;
}

size_t rhaz_ns_df_(const rhaz_ns *ns)
{
    return ns->df;
}

void rhaz_ns_eval_(rhaz_ns *ns, double x, double *out)
{
    size_t first = ns->first;
    if (x < ns->lo || x > ns->hi) {
        /* beyond the boundary knots: linear, as R's ns():
         * basis(b) + (x - b) basis'(b) at the nearer boundary */
        double b = x < ns->lo ? ns->lo : ns->hi;
        gsl_bspline_deriv_eval(b, 1, ns->dB, ns->w);
        for (size_t k = first; k < ns->nb; k++)
            gsl_vector_set(ns->v, k - first, gsl_matrix_get(ns->dB, k, 0) +
                                                 (x - b) * gsl_matrix_get(ns->dB, k, 1));
    } else {
        gsl_bspline_eval(x, ns->B, ns->w);
        for (size_t k = first; k < ns->nb; k++)
            gsl_vector_set(ns->v, k - first, gsl_vector_get(ns->B, k));
    }
    gsl_linalg_QR_QTvec(ns->QR, ns->tau, ns->v);
    for (size_t k = 0; k < ns->df; k++)
        out[k] = gsl_vector_get(ns->v, k + 2);
}
