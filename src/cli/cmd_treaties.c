/* cmd_treaties.c -- 'rhaz treaties' (not yet implemented). */
#include "cli.h"

int cmd_treaties(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("'treaties' is not implemented yet");
}
