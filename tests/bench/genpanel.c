/* genpanel.c -- synthetic (start, stop] ratification panels for benchmarks.
 *
 * usage: genpanel ROWS SEED OUT.csv
 *
 * States ("clusters") enter in a calendar year between 1946 and 1990 and
 * are at risk each year (integer start/stop, so ties are heavy) until they
 * ratify or the spell ends (40-100 years; ~70 rows a state).  Eight
 * covariates: x1 normal, x2 binary (fixed per state), x3 uniform,
 * x4 time-varying normal, x5 count 0..8, x6 normal with scale 100,
 * x7 binary time-varying, x8 state-level normal; the yearly hazard is
 * logistic in them.  The same seed gives the same file (GSL mt19937).
 */
#include "rhaz.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: genpanel ROWS SEED OUT.csv\n");
        return 2;
    }
    size_t rows = strtoul(argv[1], NULL, 10);
    unsigned long seed = strtoul(argv[2], NULL, 10);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    enum { NX = 8 };
    double *x[NX], *start = malloc(rows * sizeof(double)),
                   *stop = malloc(rows * sizeof(double)),
                   *event = malloc(rows * sizeof(double)),
                   *year = malloc(rows * sizeof(double)),
                   *state = malloc(rows * sizeof(double));
    for (int k = 0; k < NX; k++)
        x[k] = malloc(rows * sizeof(double));
    size_t i = 0;
    long id = 0;
    while (i < rows) {
        id++;
        int entry = 1946 + (int)gsl_rng_uniform_int(r, 45);
        int len = 40 + (int)gsl_rng_uniform_int(r, 61);
        double x2 = gsl_rng_uniform(r) < 0.4, x8 = gsl_ran_gaussian(r, 1);
        double x1 = gsl_ran_gaussian(r, 1);
        for (int t = 1; t <= len && i < rows; t++, i++) {
            int yr = entry + t - 1;
            if (yr > 2015) { /* calendar years stay within 1946..2015 */
                break;
            }
            double v[NX] = {x1,
                            x2,
                            gsl_rng_uniform(r),
                            gsl_ran_gaussian(r, 1),
                            (double)gsl_rng_uniform_int(r, 9),
                            100 * gsl_ran_gaussian(r, 1),
                            gsl_rng_uniform(r) < 0.3,
                            x8};
            double eta = -4.2 + 0.5 * v[0] - 0.4 * v[1] + 0.6 * v[2] +
                         0.2 * v[3] + 0.05 * v[4] + 0.002 * v[5] +
                         0.3 * v[6] - 0.25 * v[7] + 0.01 * t;
            int ev = gsl_rng_uniform(r) < 1 / (1 + exp(-eta));
            for (int k = 0; k < NX; k++) /* six decimals, as real data */
                x[k][i] = round(v[k] * 1e6) / 1e6;
            start[i] = t - 1;
            stop[i] = t;
            event[i] = ev;
            year[i] = yr;
            state[i] = (double)id;
            if (ev) {
                i++;
                break;
            }
        }
    }
    rows = i;
    rhaz_error err;
    rhaz_table *tab = rhaz_table_new(argv[3], &err);
    rhaz_table_add_numeric(tab, "state", state, rows, &err);
    rhaz_table_add_numeric(tab, "year", year, rows, &err);
    rhaz_table_add_numeric(tab, "start", start, rows, &err);
    rhaz_table_add_numeric(tab, "stop", stop, rows, &err);
    rhaz_table_add_numeric(tab, "event", event, rows, &err);
    for (int k = 0; k < NX; k++) {
        char nm[8];
        snprintf(nm, sizeof nm, "x%d", k + 1);
        rhaz_table_add_numeric(tab, nm, x[k], rows, &err);
    }
    int rc = 0;
    if (rhaz_table_write(tab, argv[3], &err) != RHAZ_OK) {
        char buf[1024];
        rhaz_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "genpanel: %s\n", buf);
        rc = 1;
    }
    rhaz_table_free(tab);
    for (int k = 0; k < NX; k++)
        free(x[k]);
    free(start);
    free(stop);
    free(event);
    free(year);
    free(state);
    gsl_rng_free(r);
    return rc;
}
