/* rhaz/core.h -- status codes, error records, atomic output files. */
#ifndef RHAZ_CORE_H
#define RHAZ_CORE_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* Status codes.  RHAZ_OK is zero; everything else is an error.  The
 * message table is rhaz_strerror(). */
typedef enum {
    RHAZ_OK = 0,
    RHAZ_ENOMEM,    /* out of memory, or an input-driven size cap hit */
    RHAZ_EIO,       /* file cannot be opened, read or written */
    RHAZ_EPARSE,    /* malformed input text (CSV, formula, date, model file) */
    RHAZ_EINVAL,    /* invalid argument or option */
    RHAZ_EDATA,     /* well-formed input with unusable content */
    RHAZ_ENOTFOUND, /* unknown column, treaty key, term ... */
    RHAZ_ENOCONV,   /* iterative method did not converge */
    RHAZ_ESING,     /* singular or non-finite numerical problem */
    RHAZ_EUSAGE,    /* usage error (CLI maps this to exit code 2) */
    RHAZ_NSTATUS
} rhaz_status;

/* Error record: the reason travels with its context.  Fields that do not
 * apply are empty strings / zero. */
typedef struct {
    rhaz_status status;
    char file[512]; /* input file, or "" */
    long line;      /* 1-based line in file, or 0 */
    long column;    /* 1-based column (field) number, or 0 */
    long row;       /* 1-based data row of the table (or of the rows a
                       design was built from) concerned, or 0; set by the
                       library so a caller can map it to a source line
                       (rhaz_table_line) without reading the message */
    char what[128]; /* variable, term, key or option concerned, or "" */
    char option[32]; /* the library option that would change the outcome
                        (its field name in the options struct: "firth",
                        "end_year", "encoding", ...), or ""; messages
                        never name command-line flags, a program maps
                        this to its own */
    char msg[768];  /* one-line human-readable message */
} rhaz_error;

const char *rhaz_strerror(rhaz_status status);

/* The version of the library running ("0.1.0"): compare with the
 * RHAZ_VERSION of the header a program was compiled against.  Loading
 * librhaz switches GSL's aborting error handler off
 * (gsl_set_error_handler_off), once: the library checks GSL's status
 * codes itself. */
const char *rhaz_version(void);

/* The threads OpenBLAS may use (n >= 1).  The library's own matrix
 * products are small (p x p, or blocks of rows inside its own parts,
 * which run with OpenBLAS held to one thread), so a program that threads
 * through the `threads` options -- the rhaz command does -- sets 1: an
 * idle OpenBLAS worker spins (sched_yield) on a core rhaz's threads
 * want.  With 1 the workers OpenBLAS started when it was loaded are also
 * stopped (its blas_thread_shutdown_, where exported); OpenBLAS starts
 * them again when asked for more.  Process-wide, as
 * openblas_set_num_threads. */
void rhaz_blas_threads(int n);

/* Reset an error record to RHAZ_OK.  Accepts NULL. */
void rhaz_error_clear(rhaz_error *err);

/* Fill err (if not NULL) and return status.  file may be NULL, line 0. */
rhaz_status rhaz_error_set(rhaz_error *err, rhaz_status status,
                           const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Format as "FILE:LINE: message", "FILE: message" or "message". */
void rhaz_error_format(const rhaz_error *err, char *buf, size_t size);

/* Atomic output file: write to a temporary file in the target directory,
 * then rename on commit.  abort (or free without commit) removes the
 * temporary, so a failed run never leaves a partial output.  path "-"
 * means stdout (commit flushes, abort does nothing). */
typedef struct rhaz_outfile rhaz_outfile;
rhaz_outfile *rhaz_outfile_open(const char *path, rhaz_error *err);
FILE *rhaz_outfile_fp(rhaz_outfile *f);
/* Frees f whether it succeeds or not (do not abort after a commit). */
rhaz_status rhaz_outfile_commit(rhaz_outfile *f, rhaz_error *err);
void rhaz_outfile_abort(rhaz_outfile *f); /* accepts NULL */

/* On SIGINT, SIGTERM and SIGHUP remove the temporaries of the output
 * files still open (and the paths registered below), then die of the
 * signal as if not caught; an existing output keeps its old content.
 * The same on SIGBUS, after one line on standard error: a large CSV
 * input is mapped into memory, and one truncated by another process
 * while it is read raises SIGBUS.
 * The handler is async-signal-safe.  For programs (the rhaz CLI calls it
 * once at start); an ignored signal stays ignored. */
rhaz_status rhaz_cleanup_on_signals(rhaz_error *err);
/* Register a temporary file (is_dir 0) or directory tree (is_dir 1) to
 * remove on those signals; returns a slot for rhaz_tmp_unregister, or -1
 * when the table (64 entries) is full. */
int rhaz_tmp_register(const char *path, int is_dir);
void rhaz_tmp_unregister(int slot); /* accepts -1 */

/* Library diagnostics (warnings, notes) go to a handler; the default
 * discards them.  The library never prints.  A function that can emit
 * diagnostics takes a handler in its options (e.g. rhaz_plot_options
 * .message); when that is NULL it uses the calling thread's handler set
 * here.  The handler is per thread (thread-local storage): setting it in
 * one thread does not affect another, and a thread that never sets one
 * gets no messages.  rhaz_message sends to the calling thread's handler. */
typedef void (*rhaz_message_fn)(const char *msg, void *ctx);
void rhaz_set_message_handler(rhaz_message_fn fn, void *ctx);
void rhaz_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Shortest decimal representation of x that reads back exactly ("%.15g"
 * to "%.17g", integers below 1e15 without an exponent); NaN is "". */
void rhaz_format_double(double x, char *buf, size_t size);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
