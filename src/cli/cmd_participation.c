/* cmd_participation.c -- 'rhaz participation' (not yet implemented). */
#include "cli.h"

int cmd_participation(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("'participation' is not implemented yet");
}
