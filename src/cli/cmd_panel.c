/* cmd_panel.c -- 'rhaz panel' (not yet implemented). */
#include "cli.h"

int cmd_panel(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("'panel' is not implemented yet");
}
