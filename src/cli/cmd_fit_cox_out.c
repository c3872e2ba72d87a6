/* cmd_fit_cox_out.c -- the extra outputs of 'rhaz fit cox': --at values,
 * the --survfit curve and the --residuals CSV (declared in cmd.h), written
 * to files the caller opened with its others and commits with them. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

/* x0 from --at COL=V,... (others at R's means); 0 ok, else usage error */
int cli_cox_parse_at(const char *at, const rhaz_design *d,
                    const rhaz_cox_result *r, double *x0, cli_err *err)
{
    for (size_t j = 0; j < d->p; j++)
        x0[j] = r->means[j];
    char *copy = strdup(at), *save = NULL;
    if (!copy)
        return cli_err_data(err, NULL, "out of memory writing the Cox outputs");
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && !rc;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strrchr(tok, '=');
        if (!eq) {
            rc = cli_err_usage(err, "at", "--at: expected COL=VALUE, not '%s'", tok);
            break;
        }
        *eq = '\0';
        char *end;
        double v = strtod(eq + 1, &end);
        if (end == eq + 1 || *end) {
            rc = cli_err_usage(err, "at", "--at: '%s' is not a number", eq + 1);
            break;
        }
        size_t j = 0;
        while (j < d->p && strcmp(d->colnames[j], tok))
            j++;
        if (j == d->p) {
            rc = cli_err_usage(err, "at", "--at: '%s' is not a column of the model",
                               tok);
            break;
        }
        x0[j] = v;
    }
    free(copy);
    return rc;
}

int cli_cox_write_survfit(const rhaz_cox *fit, const rhaz_design *d, FILE *fp,
                          const double *x0, cli_err *e)
{
    rhaz_cox_curve *c = rhaz_cox_survfit(fit, x0, &e->e);
    if (!c)
        return cli_err_lib(e, NULL);
    fprintf(fp, "strata,time,n_risk,n_event,cumhaz,surv,std_err,cuminc\n");
    for (size_t k = 0; k < c->n_points; k++) {
        const char *lab = d->strata ? d->strata_labels[c->stratum[k]] : "";
        cli_csv_field(fp, lab);
        double v[] = {c->time[k],   c->n_risk[k], c->n_event[k], c->cumhaz[k],
                      c->surv[k],   c->std_err[k], 1 - c->surv[k]};
        for (int j = 0; j < 7; j++) {
            char b[64];
            rhaz_format_double(v[j], b, sizeof b);
            fprintf(fp, ",%s", b);
        }
        fputc('\n', fp);
    }
    rhaz_cox_curve_free(c);
    return EXIT_OK;
}

/* --residuals: martingale and score residuals per used row */
int cli_cox_write_resid(const rhaz_cox *fit, const rhaz_design *d, FILE *fp,
                        cli_err *e)
{
    rhaz_error *err = &e->e;
    size_t n = d->n, p = d->p;
    double *m = malloc(n * sizeof *m), *sc = malloc((n * p + 1) * sizeof *sc);
    if (!m || !sc) {
        free(m);
        free(sc);
        return cli_err_data(e, NULL, "out of memory writing the Cox outputs");
    }
    if (rhaz_cox_martingale(fit, m, err) != RHAZ_OK ||
        rhaz_cox_score_resid(fit, 0, sc, err) != RHAZ_OK) {
        free(m);
        free(sc);
        return cli_err_lib(e, NULL);
    }
    fprintf(fp, "row,martingale");
    for (size_t j = 0; j < p; j++) {
        char nm[512];
        snprintf(nm, sizeof nm, "score:%s", d->colnames[j]);
        fputc(',', fp);
        cli_csv_field(fp, nm);
    }
    fputc('\n', fp);
    for (size_t i = 0; i < n; i++) {
        char b[64];
        rhaz_format_double(m[i], b, sizeof b);
        fprintf(fp, "%zu,%s", d->rows[i] + 1, b);
        for (size_t j = 0; j < p; j++) {
            rhaz_format_double(sc[j * n + i], b, sizeof b);
            fprintf(fp, ",%s", b);
        }
        fputc('\n', fp);
    }
    free(m);
    free(sc);
    return EXIT_OK;
}
