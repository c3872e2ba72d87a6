/* cmd_fit.c -- 'rhaz fit' (not yet implemented). */
#include "cli.h"

int cmd_fit(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("'fit' is not implemented yet");
}
