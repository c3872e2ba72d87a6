/* cli.h -- shared helpers of the rhaz command-line program.  The CLI
 * uses only the public library API (rhaz.h). */
#ifndef RHAZ_CLI_H
#define RHAZ_CLI_H

#include "rhaz.h"

#include <stdio.h>

/* Exit codes (documented in docs/rhaz.1). */
enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2 };

/* Print "rhaz: FILE:LINE: message" for err and return the exit code
 * (2 for RHAZ_EUSAGE, else 1). */
int cli_error(const rhaz_error *err);
/* Print "rhaz: message" and return EXIT_USAGE, suggesting --help. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* After getopt_long returned '?': name the offending option (unknown, or
 * missing its argument) in a one-line usage error; returns EXIT_USAGE. */
int cli_bad_option(const char *cmd, char **argv);
/* Print "rhaz: message" and return EXIT_DATA. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A library error with err->row = K (the K-th row used by design d):
 * point err at the source line of that row in t (file `path`). */
void cli_locate_row(rhaz_error *err, const rhaz_design *d,
                    const rhaz_table *t, const char *path);
/* Library messages (warnings) go to stderr as "rhaz: warning: ...". */
void cli_install_message_handler(void);

/* Write s as one CSV field (quoted when it holds , " or a line break). */
void cli_csv_field(FILE *fp, const char *s);

/* Output format names shared by commands. */
typedef enum {
    FMT_TEXT = 0, FMT_CSV, FMT_JSON, FMT_LATEX, FMT_MARKDOWN
} cli_format;
/* Parse a --format value; allowed is a mask of (1 << FMT_*). */
int cli_parse_format(const char *cmd, const char *s, unsigned allowed,
                     cli_format *out);

/* Each command: argv[0] is the command name. */
typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

int cmd_describe(int argc, char **argv);
int cmd_treaties(int argc, char **argv);
int cmd_panel(int argc, char **argv);
int cmd_participation(int argc, char **argv);
int cmd_fit(int argc, char **argv); /* fit TYPE: see cmd.h */
int cmd_km(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_table(int argc, char **argv);
int cmd_run(int argc, char **argv);

#endif
