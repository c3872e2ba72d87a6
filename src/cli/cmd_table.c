/* cmd_table.c -- 'rhaz table' (not yet implemented). */
#include "cli.h"

int cmd_table(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("'table' is not implemented yet");
}
