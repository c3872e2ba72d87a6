/* cmd_km.c -- 'rhaz km' (not yet implemented). */
#include "cli.h"

int cmd_km(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("'km' is not implemented yet");
}
