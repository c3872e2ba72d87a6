/* cmd_fit.c -- 'rhaz fit MODEL ...': dispatch on the model type. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: rhaz fit logit|cloglog|cox --data FILE.csv --formula 'FORMULA' [options]\n\n"
    "  rhaz fit logit --help   discrete-time logit / cloglog / Firth models\n"
    "  rhaz fit cox --help     Cox proportional hazards models\n";

int cmd_fit(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage("fit", "expected a model type: logit, cloglog or cox");
    const char *m = argv[1];
    if (strcmp(m, "--help") == 0 || strcmp(m, "-h") == 0) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    if (strcmp(m, "logit") == 0 || strcmp(m, "cloglog") == 0)
        return cmd_fit_glm(argc - 1, argv + 1);
    if (strcmp(m, "cox") == 0)
        return cmd_fit_cox(argc - 1, argv + 1);
    return cli_usage("fit", "unknown model type '%s' (logit, cloglog, cox)", m);
}
