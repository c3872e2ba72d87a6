/* cmd.h -- the typed command layer of the rhaz program.
 *
 * A command is a cli_cmd: an options struct, ONE table of cli_option rows
 * describing every option, and two functions, validate(opts, err) (checks
 * that involve several options, before any work) and run(opts, err) (the
 * work).  The table is the only list of a command's options:
 *   - the command line: cli_main() builds getopt_long's array from it;
 *   - model files: rhaz run fills the same struct from a section's keys
 *     through it (cli_call_section), and the keys the model-file parser
 *     accepts for a section are the .key fields of the rows of the
 *     commands that section runs (cli_cmd_has_key);
 * so the command line and a model file cannot disagree, and an error names
 * the option (err->option), which rhaz run turns into the model file's key
 * and line.  validate and run never print: they fill a cli_err and return
 * an exit code (EXIT_OK, EXIT_DATA, EXIT_USAGE); warnings go through
 * rhaz_message.
 *
 * How a command gains an option (e.g. --max-iter N, key maxit in [model]):
 *   1. add a field to the command's options struct (int max_iter;) and give
 *      its default in the command's init();
 *   2. add one row to the command's table:
 *        {"max-iter", CLI_INT, CLI_OFF(cox_opts, max_iter), .key = "maxit",
 *         .min = 0, .max = 10000},
 *      .key = NULL keeps it off model files; CLI_CHOICE rows name a
 *      cli_choice table (shared ones: cli_vce_choices, cli_adjust_choices,
 *      cli_format_choices);
 *   3. use the field in run() (cross-option checks in validate());
 *   4. document it in the command's help text and docs/rhaz.1 (and
 *      docs/guide.md when it is a model-file key).
 * Values are parsed and range-checked by the row (messages: "--level 2:
 * must be in (0, 1)" on the command line, "[model m] level: must be in
 * (0, 1), not '2'" in a model file).  An enum field whose default must
 * tell "not given" apart holds -1 from init() (see cox_opts.vce).
 */
#ifndef RHAZ_CLI_CMD_H
#define RHAZ_CLI_CMD_H

#include "cli.h"

#include <stddef.h>

typedef enum {
    CLI_STR,    /* const char *: the value as given */
    CLI_LIST,   /* const char *: a comma list; a model-file value written
                   "a b, c" arrives as "a,b,c" */
    CLI_FLAG,   /* int: 1 when given (no argument); in a model file
                   yes|true|1|on or no|false|0|off (CLI_INVERT: the
                   opposite, for "stars = no" -> no_stars = 1) */
    CLI_INT,    /* int, in [min, max] when min < max */
    CLI_DOUBLE, /* finite double, in [min, max] when min < max
                   (CLI_OPEN_MIN / CLI_OPEN_MAX: exclusive bounds) */
    CLI_CHOICE, /* int: the value of the matching row of .choices */
    CLI_MULTI,  /* cli_strv: repeatable, every use appends (a model-file
                   list value appends each item) */
    CLI_PARSE,  /* any field: .parse(value, field) returns 0 or -1;
                   .expect says what it accepts ("polity2, vdem or fh") */
    CLI_PTR     /* void *: set only by the program (cli_set_ptr) */
} cli_type;

enum {
    CLI_INVERT = 1,    /* CLI_FLAG from a model file: yes -> 0, no -> 1 */
    CLI_OPEN_MIN = 2,  /* CLI_DOUBLE: value > min */
    CLI_OPEN_MAX = 4,  /* CLI_DOUBLE: value < max */
    CLI_INTERNAL = 8,  /* no command-line option: set by rhaz run only */
    CLI_FILE = 16      /* a path: from a model file, a relative one is
                          relative to the model file's folder */
};

/* One accepted word of a CLI_CHOICE option; alias rows are accepted but
 * not listed in messages.  Tables end with {NULL}. */
typedef struct {
    const char *name;
    int value;
    int alias;
} cli_choice;

/* A repeatable option's values (NULL-terminated). */
typedef struct {
    const char **v;
    size_t n;
} cli_strv;

typedef struct {
    const char *name;   /* long option without "--" */
    cli_type type;
    size_t offset;      /* of the field in the options struct */
    const char *key;    /* model-file key, or NULL: command line only */
    int flags;          /* CLI_INVERT | CLI_OPEN_MIN | ... */
    double min, max;    /* CLI_INT, CLI_DOUBLE bounds (used when min < max) */
    const cli_choice *choices; /* CLI_CHOICE */
    char shortopt;      /* a one-letter form (-o), or 0 */
    int (*parse)(const char *value, void *field); /* CLI_PARSE */
    const char *expect; /* CLI_PARSE */
} cli_option;

#define CLI_OFF(type, field) offsetof(type, field)

/* Error of a command: a library error record plus the option it is about
 * (the row's long name, or NULL) and whether it is a usage error of the
 * command itself (printed with its name and a --help hint). */
typedef struct {
    rhaz_error e;
    const char *option;
    int usage;
    int located; /* e already names the model file and line (a bad key) */
} cli_err;

typedef struct cli_cmd {
    const char *name;      /* as in messages: "fit cox" */
    const char *help;      /* --help text */
    const cli_option *options; /* table, ends with {NULL} */
    size_t size;           /* sizeof the options struct */
    void (*init)(void *opts);  /* defaults (the struct arrives zeroed) */
    /* positional arguments (NULL: none accepted) */
    int (*args)(void *opts, int n, char **v, cli_err *err);
    int (*validate)(void *opts, cli_err *err); /* may be NULL */
    int (*run)(void *opts, cli_err *err);
} cli_cmd;

/* Shared variant tables. */
extern const cli_choice cli_vce_choices[];    /* model robust cluster bootstrap */
extern const cli_choice cli_adjust_choices[]; /* g none stata (vcovCL, cr0) */
extern const cli_choice cli_format_choices[]; /* text csv json latex markdown */
extern const cli_choice cli_format_tcj[];     /* text csv json */

/* ---- errors (each returns the exit code to return from validate/run) */
/* A usage error of the command, about option `option` (or NULL). */
int cli_err_usage(cli_err *err, const char *option, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A data error (exit 1) with this message. */
int cli_err_data(cli_err *err, const char *option, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* err->e was filled by the library: note the option; exit 2 for
 * RHAZ_EUSAGE, else 1. */
int cli_err_lib(cli_err *err, const char *option);
/* The library option an error is about (e->option: "cluster",
 * "weights", ...; the commands name their rows alike), or NULL. */
const char *cli_lib_option(const rhaz_error *e);
/* Print err for command c the way the command line does; returns the
 * exit code. */
int cli_err_print(const cli_cmd *c, const cli_err *err);

/* ---- invocations: a command with its options struct and the strings
 * it owns */
typedef struct cli_call cli_call;
cli_call *cli_call_new(const cli_cmd *c); /* NULL: out of memory */
void cli_call_free(cli_call *call);       /* accepts NULL */
void *cli_call_opts(cli_call *call);
const cli_cmd *cli_call_cmd(const cli_call *call);

/* Set option `name` (a row's long name) from a string, as the command
 * line would; a usage error names it. */
int cli_set(cli_call *call, const char *name, const char *value, cli_err *err);
/* Set a CLI_PTR row. */
int cli_set_ptr(cli_call *call, const char *name, void *p, cli_err *err);
/* Fill the options from the keys of a model-file section; keys listed in
 * `own` (NULL-terminated; the section's own keys, read by the caller) are
 * skipped.  A key the command has no row for, or a bad value, is an error
 * naming the key and its line (err->e.file/line set, exit 1). */
int cli_call_section(cli_call *call, const rhaz_modelfile *mf,
                     const rhaz_mf_section *s, const char *const *own,
                     cli_err *err);
/* A path written in model file mf: relative ones are relative to the
 * model file's folder (malloc'd; NULL: out of memory). */
char *cli_mf_path(const rhaz_modelfile *mf, const char *v);
/* Positional arguments (as after the options on a command line). */
int cli_call_args(cli_call *call, int n, char **v, cli_err *err);
/* validate, then run. */
int cli_call_exec(cli_call *call, cli_err *err);
/* Turn an error of a command run from section s into the model file's
 * "FILE:LINE: [kind name] key: message" (the line of the key that set
 * err->option, else the section's); prints it and returns EXIT_DATA. */
int cli_section_error(const cli_call *call, const rhaz_modelfile *mf,
                      const rhaz_mf_section *s, const cli_err *err);

/* 1 if some row of c has model-file key `key`. */
int cli_cmd_has_key(const cli_cmd *c, const char *key);

/* The command line: parse argv (argv[0] is the command's last word),
 * validate, run, print any error; returns the exit code. */
int cli_main(const cli_cmd *c, int argc, char **argv);

/* fit cox's extra outputs (cmd_fit_cox_out.c): x0 from --at COL=V,...
 * (others at R's means); the --survfit curve; the --residuals CSV. */
int cli_cox_parse_at(const char *at, const rhaz_design *d, const rhaz_cox_result *r,
                     double *x0, cli_err *err);
int cli_cox_write_survfit(const rhaz_cox *fit, const rhaz_design *d, FILE *fp,
                          const double *x0, cli_err *e);
int cli_cox_write_resid(const rhaz_cox *fit, const rhaz_design *d, FILE *fp, cli_err *e);

/* The data, table and listing commands (rhaz run uses the first three). */
extern const cli_cmd cli_cmd_panel, cli_cmd_participation, cli_cmd_table;
extern const cli_cmd cli_cmd_km, cli_cmd_describe, cli_cmd_treaties, cli_cmd_plot;

/* ---- the table-reading options (see cli_read_opts in cli.h) as rows of
 * a command's table: put a cli_read_args field `f` in the options struct
 * and CLI_READ_ROWS(type, f) in the table; model-file keys na, text,
 * delim, decimal, encoding.  run() turns them into reader options. */
typedef struct {
    cli_strv na, text; /* repeatable; each value a comma list */
    const char *delim, *decimal, *encoding;
    int latin1;
    cli_strv sample, sample_cols; /* rhaz run only: a common sample */
} cli_read_args;
#define CLI_READ_ROWS(T, f)                                                 \
    {"na", CLI_MULTI, CLI_OFF(T, f.na), .key = "na"},                       \
    {"text", CLI_MULTI, CLI_OFF(T, f.text), .key = "text"},                 \
    {"delim", CLI_STR, CLI_OFF(T, f.delim), .key = "delim"},                \
    {"decimal", CLI_STR, CLI_OFF(T, f.decimal), .key = "decimal"},          \
    {"encoding", CLI_STR, CLI_OFF(T, f.encoding), .key = "encoding"},       \
    {"latin1", CLI_FLAG, CLI_OFF(T, f.latin1), .key = NULL},                \
    {"sample-formula", CLI_MULTI, CLI_OFF(T, f.sample), .key = NULL,        \
     .flags = CLI_INTERNAL},                                                \
    {"sample-column", CLI_MULTI, CLI_OFF(T, f.sample_cols), .key = NULL,    \
     .flags = CLI_INTERNAL}
/* Fill r from a (values copied; free with cli_read_free); a bad value is
 * a usage error naming the option. */
int cli_read_args_apply(cli_read_opts *r, const cli_read_args *a, cli_err *err);
/* The option a cli_read_table error is about: "text" for a --text column
 * the file lacks, else "data". */
const char *cli_read_error_option(const cli_read_opts *r, const rhaz_error *e);

/* ---- shared by the fit commands (cmd_fit.c) */
/* Write s to path in format fmt (a cli_format) atomically; an exit code. */
int cli_fit_write_summary(const rhaz_fit_summary *s, const char *path, int fmt,
                          const rhaz_summary_options *so, cli_err *err);
/* Which option a rhaz_design_build error is about: the weights or
 * cluster column it names (e->what), else the formula. */
const char *cli_design_option(const rhaz_error *e, const char *weights,
                              const char *cluster);
/* ---- the bootstrap options of every fit (boot.c): put a cli_boot_args
 * field `f` in the options struct and CLI_BOOT_ROWS(type, f) in the
 * table (model-file keys reps, seed, replicates), and CLI_THREADS_ROW
 * (key threads) unless the command has its own --threads; --vce
 * bootstrap (cli_vce_choices) asks for it.  Zero means "not given". */
typedef struct {
    unsigned long long v;
    int given;
} cli_seed;
typedef struct {
    int k, n; /* --shard K/N; n = 0: not given */
} cli_shard;
typedef struct {
    int reps, threads;
    cli_seed seed;
    const char *replicates;
    cli_shard shard;
} cli_boot_args;
int cli_parse_seed(const char *s, void *field);
int cli_parse_shard(const char *s, void *field);
#define CLI_BOOT_ROWS(T, f)                                                    \
    {"reps", CLI_INT, CLI_OFF(T, f.reps), .key = "reps", .min = 2,             \
     .max = 10000000},                                                         \
    {"seed", CLI_PARSE, CLI_OFF(T, f.seed), .key = "seed",                     \
     .parse = cli_parse_seed, .expect = "an integer from 0 to 2^53 - 1"},      \
    {"replicates", CLI_STR, CLI_OFF(T, f.replicates), .key = "replicates",     \
     .flags = CLI_FILE},                                                       \
    {"shard", CLI_PARSE, CLI_OFF(T, f.shard), .key = NULL,                     \
     .parse = cli_parse_shard, .expect = "K/N with 1 <= K <= N"}
/* --threads N, one meaning for every command: the threads the command
 * uses (default: the processors online).  With --vce bootstrap they run
 * replicates in parallel, each replicate's fit on one thread; without it
 * fit cox, logit and cloglog use them inside their one fit (their own
 * rows) and the other fits refuse the option (no threaded fit). */
#define CLI_THREADS_HELP                                                       \
    "  --threads N         with --vce bootstrap: replicates run in parallel on N\n" \
    "                      threads (default: the processors online), each fit\n" \
    "                      on one thread; results do not depend on N\n"
#define CLI_THREADS_ROW(T, f)                                                  \
    {"threads", CLI_INT, CLI_OFF(T, f.threads), .key = "threads", .min = 1,    \
     .max = 1024}
#define CLI_BOOT_HELP                                                          \
    "  --vce bootstrap     bootstrap SEs and intervals: the model refitted on R\n" \
    "                      resamples (rows, or whole clusters with --cluster)\n" \
    "  --reps R            bootstrap replicates (default 1000)\n"              \
    "  --seed S            random seed (default 1); replicate k draws from its\n" \
    "                      own stream of (S, k): results do not depend on\n"   \
    "                      --threads or --shard\n"                             \
    "  --replicates FILE   write the replicate estimates there (CSV)\n"       \
    "  --shard K/N         run the K-th of N slices of the replicates and write\n" \
    "                      a part file (JSON) to --out for 'rhaz combine'\n"
/* Options that only make sense with --vce bootstrap are refused without
 * it (boot: the command asks for the bootstrap). */
int cli_boot_check(const cli_boot_args *b, int boot, cli_err *err);
/* Where a bootstrap result goes. */
typedef struct {
    const char *cmd;       /* "fit cox", for messages */
    const char *formula;   /* the result's formula text */
    const char *out, *also_text;
    int format;            /* FMT_*; a shard writes its part (JSON) */
    int exp;
} cli_boot_out;
/* Fit m, run the replicates (or the shard's), write the result or the
 * part; failed replicates are reported as a warning.  Exit code. */
int cli_boot_run(const cli_boot_args *b, const rhaz_boot_model *m, const cli_boot_out *o,
                 cli_err *err);
/* Write a bootstrap result s in format to out (and as text to also_text,
 * and b's replicates as CSV to replicates, when not NULL); its failed
 * replicates reported as a warning.  Exit code. */
int cli_boot_write(const rhaz_fit_summary *s, const rhaz_boot *b, const char *out,
                   const char *also_text, int format, int exp, const char *replicates,
                   cli_err *err);

/* ---- commands with a table */
extern const cli_cmd cli_cmd_fit_logit, cli_cmd_fit_cloglog, cli_cmd_fit_cox;
extern const cli_cmd cli_cmd_fit_clogit;
/* parametric survival and cure models (cmd_fit_surv.c) */
extern const cli_cmd cli_cmd_fit_weibull, cli_cmd_fit_exponential,
    cli_cmd_fit_loglogistic, cli_cmd_fit_lognormal, cli_cmd_fit_cure;
extern const cli_cmd cli_cmd_margins;

/* Model types of 'rhaz fit TYPE' and [model] type = TYPE. */
typedef struct {
    const char *type;
    const cli_cmd *cmd;
} cli_fit_type;
extern const cli_fit_type cli_fit_types[]; /* ends with {NULL} */
const cli_cmd *cli_fit_command(const char *type); /* NULL if unknown */
/* "logit, cloglog, cox" for messages */
const char *cli_fit_type_list(void);
/* Rubin's rules over the fits of m imputed data sets (files[k] the data
 * of fits[k]): the pooled summary, or NULL with e set (naming the file of
 * an imputation whose fit does not pool). */
rhaz_fit_summary *cli_fit_pool(rhaz_fit_summary *const *fits, char *const *files,
                               size_t m, rhaz_error *e);

/* ---- own treaty files of panel and participation (treatyfiles.c):
 * rows {"treaty-file", CLI_PARSE, .parse = cli_tf_file}, {"opened", ...
 * cli_tf_opened}, {"key", ... cli_tf_key} on a cli_treaty_files field;
 * --opened and --key set the last file's. */
#define CLI_MAX_TREATY_FILES 16
typedef struct {
    const char *path, *key, *opened;
} cli_treaty_file;
typedef struct {
    cli_treaty_file v[CLI_MAX_TREATY_FILES];
    size_t n;
} cli_treaty_files;
int cli_tf_file(const char *s, void *field);
int cli_tf_opened(const char *s, void *field);
int cli_tf_key(const char *s, void *field);
/* Every file has its opening date (a usage error naming the file). */
int cli_treaty_files_validate(const cli_treaty_files *t, cli_err *err);
/* Add the files to d; *keys = given (may be NULL) and their keys, comma
 * separated (malloc'd).  Returns an exit code. */
int cli_treaty_files_add(rhaz_data *d, const cli_treaty_files *t, const char *given,
                         char **keys, cli_err *err);

#endif
