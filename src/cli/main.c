/* main.c -- the rhaz program: a command table dispatching to commands. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const cli_command commands[] = {
    {"describe", cmd_describe, "summarise the columns of a CSV, .dta, .sav or .sas7bdat file"},
    {"treaties", cmd_treaties, "list treaty keys, UN numbers, titles, dates"},
    {"panel", cmd_panel, "build a state-(treaty-)year risk-set panel"},
    {"participation", cmd_participation, "participation in treaties as of a date"},
    {"match", cmd_match, "match country names or codes in a file to ISO3/COW codes"},
    {"spells", cmd_spells, "spell columns of a unit-period panel (for cure models)"},
    {"fit", cmd_fit, "fit hazard models: logit, cloglog, Cox, clogit, parametric, cure"},
    {"km", cmd_km, "Kaplan-Meier and Nelson-Aalen curves"},
    {"plot", cmd_plot, "publication figures as gnuplot scripts"},
    {"margins", cmd_margins, "marginal effects and predictive margins of a fit"},
    {"table", cmd_table, "side-by-side tables of fitted models"},
    {"combine", cmd_combine, "merge the parts of a sharded bootstrap or imputation run"},
    {"run", cmd_run, "run a declarative model file end to end"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
    fprintf(fp, "usage: rhaz <command> [options]\n"
                "       rhaz --help | --version\n\n"
                "Ratification hazard analysis: panels, hazard models and "
                "figures.\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\n'rhaz <command> --help' describes each command.\n"
                "Exit codes: 0 success, 1 error in the data or the model, "
                "2 usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr), EXIT_USAGE;
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("rhaz %s\n", RHAZ_VERSION);
        return EXIT_OK;
    }
    cli_install_message_handler();
    /* rhaz threads its own loops (--threads); OpenBLAS's spinning
     * workers would take the second core from them */
    rhaz_blas_threads(1);
    rhaz_cleanup_on_signals(NULL); /* no FILE.tmp.XXXXXX left by ^C */
    opterr = 0; /* commands report bad options themselves, on one line */
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            int rc = commands[i].run(argc - 1, argv + 1);
            /* output on stdout (a redirect to a full disk) must not be
             * truncated silently */
            errno = 0;
            if (fflush(stdout) != 0 || ferror(stdout)) {
                if (rc == EXIT_OK)
                    fprintf(stderr, "rhaz: <stdout>: write error: %s\n",
                            errno ? strerror(errno) : "I/O error");
                if (rc == EXIT_OK)
                    rc = EXIT_DATA;
            }
            return rc;
        }
    return cli_usage(NULL, "unknown command '%s'", argv[1]);
}
