/* glm_separation.c -- separation and boundary diagnostics of a binary
 * GLM fit, reported as warnings of the summary (never silently):
 *   (a) the response is constant: no finite maximum-likelihood estimate;
 *   (b) a 0/1 column with no events, or only events, where it is 1
 *       (complete separation by that column; counts of indicator blocks
 *       come from their level codes, one pass per block);
 *   (c) without Firth: fitted probabilities numerically 0 or 1 (R's
 *       glm.fit threshold, mu < 10 eps or > 1 - 10 eps) with the
 *       coefficients beyond |10| named as diverging.
 * Inputs: the design and the workspace at the estimate (beta, mu,
 * aliased).  Not a proof of separation (R's detectseparation solves a
 * linear program); (c) is the warning R's glm.fit gives.
 */
#include "model/fit_internal.h"
#include "model/glm_internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

/* Separation diagnostics: (a) 0/1 columns with no events (or only events)
 * where the column is 1; (b) fitted probabilities numerically 0 or 1
 * together with diverging coefficients. Returns 1 if separation found. */
int glm_detect_separation(const rhaz_design *d, const glm_ws *ws,
                             rhaz_fit_summary *s, int firth)
{
    size_t n = ws->n, p = ws->p;
    int found = 0;
    int *flag = calloc(p ? p : 1, sizeof *flag);
    if (!flag)
        return 0;
    char names[1500];
    /* (a) indicator columns; for the design's indicator blocks the counts
     * come from the level codes (one pass per block) */
    size_t *bcnt = calloc(2 * (p ? p : 1), sizeof *bcnt);
    int *inblk = calloc(p ? p : 1, sizeof *inblk);
    size_t nused = 0;
    if (!bcnt || !inblk) {
        free(bcnt);
        free(inblk);
        free(flag);
        return 0;
    }
    size_t nev = 0, nzero = 0;
    for (size_t i = 0; i < n; i++) {
        int u = !(ws->wp && ws->wp[i] == 0);
        nused += u;
        nev += u && ws->y[i] == 1;
        nzero += u && ws->y[i] == 0;
    }
    if (nused > 0 && (nzero == nused || nev == nused)) {
        /* the outcome does not vary: no finite maximum-likelihood estimate */
        rhaz_fit_summary_warn_(s, "%s: the response is %d in every row; the intercept "
                    "runs to %s infinity",
                    nev == 0 ? "no events" : "all events", nev == 0 ? 0 : 1,
                    nev == 0 ? "minus" : "plus");
        found = 1;
    }
    for (size_t k = 0; k < d->n_blocks; k++) {
        const struct rhaz_design_block *bk = &d->blocks[k];
        for (size_t q = 0; q < bk->ncol; q++)
            inblk[bk->col + q] = 1;
        for (size_t i = 0; i < n; i++) {
            if ((ws->wp && ws->wp[i] == 0) || bk->code[i] < bk->shift)
                continue;
            size_t c = bk->col + (size_t)(bk->code[i] - bk->shift);
            bcnt[2 * c]++;
            bcnt[2 * c + 1] += ws->y[i] > 0.5;
        }
    }
    for (size_t j = 0; j < p; j++) {
        if (ws->aliased[j] || (d->intercept && j == 0))
            continue;
        const double *x = ws->X + j * n;
        size_t ones = 0, ev1 = 0, zeros = 0, other = 0;
        if (inblk[j]) {
            ones = bcnt[2 * j];
            ev1 = bcnt[2 * j + 1];
            zeros = nused - ones;
        }
        for (size_t i = 0; i < n && !other && !inblk[j]; i++) {
            if (ws->wp && ws->wp[i] == 0)
                continue;
            if (x[i] == 1) {
                ones++;
                ev1 += ws->y[i] > 0.5;
            } else if (x[i] == 0) {
                zeros++;
            } else
                other = 1;
        }
        if (other || ones == 0 || zeros == 0)
            continue;
        if (ev1 == 0 || ev1 == ones) {
            flag[j] = 1;
            found = 1;
            rhaz_fit_summary_warn_(s, "separation: %s = 1 in %zu rows, %s of them events; "
                        "its estimate runs to %s infinity%s",
                        d->colnames[j], ones, ev1 == 0 ? "none" : "all",
                        ev1 == 0 ? "minus" : "plus",
                        firth ? " without Firth's penalty"
                              : " (Firth's penalty, option firth, keeps it finite)");
        }
    }
    /* (b) fitted values at the boundary (R: mu < 10 eps or > 1 - 10 eps) */
    if (!firth) {
        double eps = 10 * DBL_EPSILON;
        size_t nb = 0;
        for (size_t i = 0; i < n; i++)
            if ((!ws->wp || ws->wp[i] > 0) && (ws->mu[i] < eps || ws->mu[i] > 1 - eps))
                nb++;
        if (nb) {
            int any = 0;
            for (size_t j = 0; j < p; j++)
                if (!ws->aliased[j] && !(d->intercept && j == 0) &&
                    fabs(ws->beta[j]) > 10 && !flag[j]) {
                    flag[j] = 2;
                    any = 1;
                }
            for (size_t j = 0; j < p; j++)
                flag[j] = flag[j] == 2;
            rhaz_name_list_(names, sizeof names, (const char *const *)d->colnames, flag, p);
            rhaz_fit_summary_warn_(s, "(quasi-)separation: fitted probabilities numerically 0 "
                        "or 1 for %zu rows%s%s; Firth's penalty (option firth) "
                        "gives finite estimates", nb,
                        any ? "; diverging coefficients: " : "", any ? names : "");
            found = 1;
        }
    }
    free(flag);
    free(bcnt);
    free(inblk);
    return found;
}
