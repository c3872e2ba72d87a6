/* cmd_fit_cox.c -- 'rhaz fit ...' for this model family (not yet implemented). */
#include "cli.h"

int cmd_fit_cox(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("'fit %s' is not implemented yet", argv[0]);
}
