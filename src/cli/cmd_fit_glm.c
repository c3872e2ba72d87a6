/* cmd_fit_glm.c -- 'rhaz fit logit|cloglog': discrete-time hazard models. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz fit logit|cloglog --data FILE.csv --formula 'FORMULA' [options]\n"
    "\n"
    "Binary-response (discrete-time hazard) models fitted as R's glm(family =\n"
    "binomial): IRLS, rank-revealing Cholesky (collinear terms set to NA),\n"
    "R's convergence rule |dev - dev_old|/(|dev| + 0.1) < 1e-8.\n"
    "\n"
    "formula (R syntax): y ~ a + factor(g) + log(x) + I(x^2) + a:b + a*b\n"
    "        + cubic(t) + ns(t, 3) - 1; string columns are factors.\n"
    "\n"
    "options:\n"
    "  --data FILE         input CSV, .dta, .sav or .sas7bdat (required)\n"
    "  --formula F         model formula (required)\n"
    "  --link L            logit (default for 'fit logit') or cloglog\n"
    "  --firth             Firth penalized likelihood (logit): finite estimates\n"
    "                      under separation; profile penalized-likelihood CIs and\n"
    "                      penalized LR tests (as R logistf)\n"
    "  --no-profile        with --firth: Wald CIs and p-values (faster)\n"
    "  --weights COL       prior weights (as glm(weights = ))\n"
    "  --vce V             model (default), robust or cluster\n"
    "  --cluster COL       cluster ids (any column); implies --vce cluster\n"
    "  --adjust A          small-sample factor c of the sandwich c (B M B):\n"
    "                        g      c = G/(G-1)            R sandwich::vcovCL default\n"
    "                                                     (default for cluster)\n"
    "                        none   c = 1: CR0, or HC0 = sandwich::vcovHC(type =\n"
    "                               \"HC0\") (default for robust)\n"
    "                        stata  c = G/(G-1) (N-1)/(N-K)  Stata vce(cluster)\n"
    "                      B = inverse information, M = sum over clusters of the\n"
    "                      outer products of summed scores (x_i w_i (y_i - mu_i) /\n"
    "                      mu'(eta_i)); robust = one cluster per row\n"
    "  --level P           confidence level (default 0.95)\n"
    "  --maxit N           iteration limit (default 25; Firth 100)\n"
    "  --epsilon E         convergence tolerance (default 1e-8)\n"
    "  --format F          text (default), csv, json, latex, markdown\n"
    "  --exp               odds ratios (exp of estimates and CIs; delta-method SE)\n"
    "  --out FILE          write there (default stdout; atomic)\n"
    "  --keep-unconverged  exit 0 even if the fit did not converge or shows\n"
    "                      separation (the output always says so)\n"
    "\n"
    "Rows with a missing value in any used column (including weights and\n"
    "cluster) are dropped and counted.  Exit status: 0 ok; 1 data/model error,\n"
    "non-convergence or separation; 2 usage.\n";

int cmd_fit_glm(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data", required_argument, 0, 'd'},
        {"formula", required_argument, 0, 'F'},
        {"link", required_argument, 0, 'l'},
        {"firth", no_argument, 0, 'r'},
        {"no-profile", no_argument, 0, 'P'},
        {"weights", required_argument, 0, 'w'},
        {"vce", required_argument, 0, 'v'},
        {"cluster", required_argument, 0, 'c'},
        {"adjust", required_argument, 0, 'a'},
        {"level", required_argument, 0, 'L'},
        {"maxit", required_argument, 0, 'm'},
        {"epsilon", required_argument, 0, 'e'},
        {"format", required_argument, 0, 'f'},
        {"exp", no_argument, 0, 'x'},
        {"out", required_argument, 0, 'o'},
        {"keep-unconverged", no_argument, 0, 'k'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *cmd = strcmp(argv[0], "cloglog") == 0 ? "fit cloglog" : "fit logit";
    const char *data = NULL, *formula = NULL, *out = "-", *weights = NULL,
               *cluster = NULL;
    rhaz_glm_options go = {0};
    go.link = strcmp(argv[0], "cloglog") == 0 ? RHAZ_LINK_CLOGLOG : RHAZ_LINK_LOGIT;
    int vce_set = 0, adj_set = 0, keep = 0;
    rhaz_summary_options so = {0};
    cli_format fmt = FMT_TEXT;
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'F': formula = optarg; break;
        case 'l':
            if (strcmp(optarg, "logit") == 0)
                go.link = RHAZ_LINK_LOGIT;
            else if (strcmp(optarg, "cloglog") == 0)
                go.link = RHAZ_LINK_CLOGLOG;
            else
                return cli_usage(cmd, "--link must be logit or cloglog");
            break;
        case 'r': go.firth = 1; break;
        case 'P': go.no_profile = 1; break;
        case 'w': weights = optarg; break;
        case 'v':
            vce_set = 1;
            if (strcmp(optarg, "model") == 0)
                go.vce = RHAZ_VCE_MODEL;
            else if (strcmp(optarg, "robust") == 0)
                go.vce = RHAZ_VCE_ROBUST;
            else if (strcmp(optarg, "cluster") == 0)
                go.vce = RHAZ_VCE_CLUSTER;
            else
                return cli_usage(cmd, "--vce must be model, robust or cluster");
            break;
        case 'c': cluster = optarg; break;
        case 'a':
            adj_set = 1;
            if (strcmp(optarg, "g") == 0 || strcmp(optarg, "vcovCL") == 0)
                go.vce_adj = RHAZ_ADJ_G;
            else if (strcmp(optarg, "none") == 0 || strcmp(optarg, "cr0") == 0)
                go.vce_adj = RHAZ_ADJ_NONE;
            else if (strcmp(optarg, "stata") == 0)
                go.vce_adj = RHAZ_ADJ_STATA;
            else
                return cli_usage(cmd, "--adjust must be g, none or stata");
            break;
        case 'L':
            go.conf_level = strtod(optarg, &end);
            if (*end || !(go.conf_level > 0 && go.conf_level < 1))
                return cli_usage(cmd, "--level must be between 0 and 1");
            break;
        case 'm':
            go.maxit = (int)strtol(optarg, &end, 10);
            if (*end || go.maxit < 1 || go.maxit > 100000)
                return cli_usage(cmd, "--maxit must be a positive integer");
            break;
        case 'e':
            go.epsilon = strtod(optarg, &end);
            if (*end || !(go.epsilon > 0 && go.epsilon < 1))
                return cli_usage(cmd, "--epsilon must be in (0, 1)");
            break;
        case 'f':
            if (cli_parse_format(cmd, optarg, 0x1f, &fmt))
                return EXIT_USAGE;
            break;
        case 'x': so.exp = 1; break;
        case 'o': out = optarg; break;
        case 'k': keep = 1; break;
        case 'h': fputs(help, stdout); return EXIT_OK;
        default: return cli_bad_option(cmd, argv);
        }
    }
    if (optind < argc)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    if (!data || !formula)
        return cli_usage(cmd, "--data and --formula are required");
    if (cluster && !vce_set)
        go.vce = RHAZ_VCE_CLUSTER;
    if (go.vce == RHAZ_VCE_CLUSTER && !cluster)
        return cli_usage(cmd, "--vce cluster needs --cluster COL");
    if (cluster && go.vce != RHAZ_VCE_CLUSTER)
        return cli_usage(cmd, "--cluster given with --vce %s",
                         go.vce == RHAZ_VCE_MODEL ? "model" : "robust");
    if (!adj_set)
        go.vce_adj = go.vce == RHAZ_VCE_CLUSTER ? RHAZ_ADJ_G : RHAZ_ADJ_NONE;
    go.cluster_name = cluster;

    cli_install_message_handler();
    rhaz_error err;
    int rc = EXIT_OK;
    rhaz_table *t = NULL;
    rhaz_formula *f = NULL;
    rhaz_design *d = NULL;
    rhaz_fit_summary *s = NULL;
    rhaz_outfile *of = NULL;
    if (!(t = rhaz_table_read(data, NULL, &err)) ||
        !(f = rhaz_formula_parse(formula, &err))) {
        rc = cli_error(&err);
        goto done;
    }
    if (rhaz_formula_lhs(f) != RHAZ_LHS_VAR) {
        rc = cli_usage(cmd, "the formula needs a response on the left: 'y ~ ...'");
        goto done;
    }
    rhaz_design_options dopt = {.weights = weights, .cluster = cluster,
                                 .sparse_indicators = !go.firth};
    if (!(d = rhaz_design_build(f, t, &dopt, &err)) || !(s = rhaz_glm_fit(d, &go, &err))) {
        rc = cli_error(&err);
        goto done;
    }
    free(s->formula);
    s->formula = strdup(formula);
    if (!(of = rhaz_outfile_open(out, &err))) {
        rc = cli_error(&err);
        goto done;
    }
    if (rhaz_fit_summary_write(rhaz_outfile_fp(of), s, (rhaz_summary_format)fmt, &so, &err) ||
        rhaz_outfile_commit(of, &err)) {
        rhaz_outfile_abort(of);
        rc = cli_error(&err);
        goto done;
    }
    if (!s->converged || s->stop == RHAZ_STOP_SEPARATION) {
        fprintf(stderr, "rhaz: %s: %s%s\n", cmd,
                !s->converged ? "the fit did not converge" : "separation detected",
                s->stop == RHAZ_STOP_SEPARATION ? " (see the warnings; try --firth)" : "");
        if (!keep)
            rc = EXIT_DATA;
    }
done:
    rhaz_fit_summary_free(s);
    rhaz_design_free(d);
    rhaz_formula_free(f);
    rhaz_table_free(t);
    return rc;
}
