/* cli.h -- shared helpers of the rhaz command-line program.  The CLI
 * uses only the public library API (rhaz.h). */
#ifndef RHAZ_CLI_H
#define RHAZ_CLI_H

#include "rhaz.h"

#include <getopt.h>
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

/* The data directory of treaties, panel, participation, match and plot:
 * `given` (--data-dir or a model file's data_dir) when set, else
 * $RHAZ_DATA when set and non-empty, else the bundled data found from the
 * program's own path (/proc/self/exe): EXEDIR/../data (the source tree,
 * build/rhaz), then EXEDIR/../share/rhaz (an installed PREFIX/bin/rhaz),
 * else "data" in the working directory.  A folder counts when it holds
 * country-names.csv; one that is ./data is returned as "data". */
const char *cli_data_dir(const char *given);

/* Write s as one CSV field (quoted when it holds , " or a line break). */
void cli_csv_field(FILE *fp, const char *s);

/* Table-reading options shared by every command that reads a CSV:
 *   --na TOKENS    more missing-value codes, comma-separated (repeatable)
 *   --text COLS    read these columns as text (comma-separated, repeatable)
 *   --delim C      field delimiter (default ,; "\t" or "tab" for a tab)
 *   --decimal C    decimal mark, . (default) or ,
 *   --encoding E   input character set: utf-8 (default), latin1, cp1252,
 *                  utf-16 ... (any name iconv knows)
 *   --latin1       same as --encoding latin1
 * Commands declare them with the reading rows of their option table
 * (cli_read_args in cmd.h) and apply them with cli_read_args_apply. */
#define CLI_READ_MAX 64
typedef struct {
    rhaz_csv_options csv;
    const char *na[CLI_READ_MAX + 1], *text[CLI_READ_MAX + 1];
    int nna, ntext;
    char *own[2 * CLI_READ_MAX + 8]; /* copies made by cli_read_args_apply */
    int nown;
    /* rhaz run's common sample (model-file key common_sample): keep only
     * the rows complete for every one of these formulas and columns
     * (borrowed; NULL-terminated; NULL: every row) */
    const char *const *sample, *const *sample_cols;
    /* cli_read_keep: the columns to read (copies; NULL-terminated) */
    char **keep;
    size_t nkeep, capkeep;
} cli_read_opts;
void cli_read_free(cli_read_opts *r); /* the copies; r stays usable */
enum { OPT_READ_NA = 1001, OPT_READ_TEXT, OPT_READ_DELIM, OPT_READ_DECIMAL,
       OPT_READ_ENCODING, OPT_READ_LATIN1 };
#define CLI_READ_HELP                                                         \
    "  --na TOKENS         more missing-value codes, comma-separated (\"\", NA\n" \
    "                      and . always are); e.g. --na '..,-,n/a'\n"          \
    "  --text COLS         read these columns as text (comma-separated)\n"                    \
    "  --delim C           field delimiter (default ,; tab for a tab)\n"       \
    "  --decimal C         decimal mark: . (default) or , (with --delim ';')\n" \
    "  --encoding E        input encoding: utf-8 (default), latin1, cp1252,\n" \
    "                      utf-16 or any name iconv knows\n"
/* The csv options with the lists in place (r must outlive the read). */
const rhaz_csv_options *cli_read_csv(cli_read_opts *r);
/* Read path with these options; a --text column not in the file is an
 * error; with r->sample, only the common sample's rows.  NULL with err
 * set on failure. */
rhaz_table *cli_read_table(cli_read_opts *r, const char *path, rhaz_error *err);
/* Read only the columns a command uses (rhaz_csv_options.columns): those
 * of the nf formulas (NULL entries ignored), the ncols option values in
 * cols (NULL: not given; a value "a,b" keeps a, b and "a,b"), the --text
 * columns and the common sample's formulas and columns.  A formula that
 * names '.' or a sample formula that does not parse keeps every column
 * (the error comes where it did).  0, or -1 out of memory (err set). */
int cli_read_keep(cli_read_opts *r, const rhaz_formula *const *f, size_t nf,
                  const char *const *cols, size_t ncols, rhaz_error *err);

/* Output format names shared by commands. */
typedef enum {
    FMT_TEXT = 0, FMT_CSV, FMT_JSON, FMT_LATEX, FMT_MARKDOWN
} cli_format;
/* Parse a --format value; allowed is a mask of (1 << FMT_*). */
int cli_parse_format(const char *cmd, const char *s, unsigned allowed,
                     cli_format *out);

/* Figures (render.c): write the gnuplot script of p for format fmt with
 * `set output` = image into path (atomically); render p into OUT.EXT. */
rhaz_status cli_plot_write_script(const rhaz_plot *p,
                                  const rhaz_plot_options *po,
                                  rhaz_plot_format fmt, const char *image,
                                  const char *path, rhaz_error *err);
rhaz_status cli_plot_render(const rhaz_plot *p, const rhaz_plot_options *po,
                            const char *out, rhaz_plot_format fmt,
                            rhaz_error *err);

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
int cmd_match(int argc, char **argv);
int cmd_spells(int argc, char **argv);
int cmd_km(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_margins(int argc, char **argv);
int cmd_table(int argc, char **argv);
int cmd_combine(int argc, char **argv);
int cmd_run(int argc, char **argv);


/* The output folder of rhaz run (run_dir.c). */
int cli_mkdir_p(const char *path);          /* 0, or -1 with errno */
void cli_remove_tree(const char *path);     /* best effort */
/* In the .gp scripts under work, output paths into work now point into
 * final (called before the swap). */
void cli_fix_scripts(const char *work, const char *final);
/* final = outdir without trailing slashes, its parent made; work = a new
 * temporary folder beside it (mode from the umask).  0, or the exit code
 * after the error was printed. */
int cli_make_workdir(const char *outdir, char *final, size_t fsz, char *work,
                     size_t wsz);
/* Put the finished folder work in place of final; 0, or -1 with errno. */
int cli_swap_in(const char *work, const char *final);
/* OUT/index.html of rhaz run: cli_run_index in run.h (run_index.c). */

#endif
