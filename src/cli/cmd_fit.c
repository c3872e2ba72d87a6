/* cmd_fit.c -- 'rhaz fit MODEL ...': dispatch on the model type.  The
 * types table is shared with model files ([model] type = TYPE); a new
 * model family adds its row here. */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: rhaz fit TYPE --data FILE.csv --formula 'FORMULA' [options]\n\n"
    "  rhaz fit logit --help   discrete-time logit / cloglog / Firth models\n"
    "  rhaz fit cox --help     Cox proportional hazards models (and shared frailty)\n"
    "  rhaz fit clogit --help  conditional (fixed-effects) logit\n"
    "  rhaz fit weibull --help parametric survival models (weibull, exponential,\n"
    "                          loglogistic, lognormal), as R survreg\n"
    "  rhaz fit cure --help    split-population (cure) duration models, as R\n"
    "                          spduration\n";

const cli_fit_type cli_fit_types[] = {
    {"logit", &cli_cmd_fit_logit},
    {"cloglog", &cli_cmd_fit_cloglog},
    {"cox", &cli_cmd_fit_cox},
    {"clogit", &cli_cmd_fit_clogit},
    {"weibull", &cli_cmd_fit_weibull},
    {"exponential", &cli_cmd_fit_exponential},
    {"loglogistic", &cli_cmd_fit_loglogistic},
    {"lognormal", &cli_cmd_fit_lognormal},
    {"cure", &cli_cmd_fit_cure},
    {NULL, NULL}};

const cli_cmd *cli_fit_command(const char *type)
{
    for (const cli_fit_type *t = cli_fit_types; type && t->type; t++)
        if (strcmp(t->type, type) == 0)
            return t->cmd;
    return NULL;
}

const char *cli_fit_type_list(void)
{
    static char buf[256];
    buf[0] = '\0';
    for (const cli_fit_type *t = cli_fit_types; t->type; t++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s",
                 t == cli_fit_types ? "" : ", ", t->type);
    return buf;
}

int cmd_fit(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage("fit", "expected a model type: %s", cli_fit_type_list());
    const char *m = argv[1];
    if (strcmp(m, "--help") == 0 || strcmp(m, "-h") == 0) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    const cli_cmd *c = cli_fit_command(m);
    if (!c)
        return cli_usage("fit", "unknown model type '%s' (%s)", m, cli_fit_type_list());
    return cli_main(c, argc - 1, argv + 1);
}
