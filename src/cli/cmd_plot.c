/* cmd_plot.c -- 'rhaz plot' (not yet implemented). */
#include "cli.h"

int cmd_plot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("'plot' is not implemented yet");
}
