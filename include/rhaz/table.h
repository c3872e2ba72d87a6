/* rhaz/table.h -- typed column tables read from and written to CSV. */
#ifndef RHAZ_TABLE_H
#define RHAZ_TABLE_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

typedef enum { RHAZ_COL_NUMERIC = 0, RHAZ_COL_STRING = 1 } rhaz_coltype;

typedef enum {
    RHAZ_ENC_UTF8 = 0,  /* default: input must be valid UTF-8 */
    RHAZ_ENC_LATIN1 = 1 /* ISO-8859-1, converted to UTF-8 on input */
} rhaz_encoding;

/* Type inference (see rhaz_table_read): a column is numeric when every
 * non-missing cell is a finite decimal number, text when most cells are
 * text.  A column of numbers but for some cells ("-", "..", "n/a", "inf",
 * "1e400", "1,5") is refused with the first such cell named (file, line,
 * column), unless those tokens are declared missing (na_strings) or the
 * column text (as_string).  Infinite and NaN values are never read as
 * numbers (R reads "Inf" and "NaN"; rhaz refuses them). */

/* Options for reading a CSV file.  Zero-initialise for defaults. */
typedef struct {
    rhaz_encoding encoding;
    char delim;                  /* 0 means ',' */
    const char *const *as_string;  /* NULL-terminated column names forced to string */
    const char *const *as_numeric; /* NULL-terminated column names forced numeric */
    const char *const *na_strings; /* NULL-terminated extra missing codes;
                                      "", "NA" and "." are always missing */
    size_t max_bytes;            /* cap on input size, 0 = 2 GiB */
    size_t max_field;            /* cap on one field, 0 = 1 MiB */
    char decimal;                /* decimal mark: 0 or '.' (default) or ',' */
    const char *charset;         /* input character set for iconv (e.g.
                                    "CP1252", "UTF-16"); NULL: `encoding` */
    size_t max_cols;             /* cap on the column count, 0 = 100000 */
    int mixed_as_text;           /* read mixed columns as text instead of
                                    refusing them (callers that check the
                                    columns they use themselves) */
    int threads;                 /* threads reading may use (0, 1: one); a
                                    large file of numeric columns without
                                    quotes is read in parts (at once on
                                    several threads), to the same table */
    const char *const *columns;  /* NULL-terminated names of the columns to
                                    keep, NULL = all.  The others are
                                    skipped: their cells are not converted,
                                    typed or stored, while the file is
                                    checked as without the list (UTF-8,
                                    quoting, field counts, header names,
                                    field lengths).  The table holds the
                                    kept columns in file order; a listed
                                    name the header lacks is no error.
                                    Stata, SPSS and SAS files: the values
                                    of other variables are not stored */
    int line_by_line;            /* 1: every line through the line reader,
                                    never in parts: the same table, slower
                                    (the reference the parts are tested
                                    against) */
} rhaz_csv_options;

/* Opaque table.  Numeric cells are doubles (NaN = missing); string
 * cells are UTF-8 (NULL = missing). */
typedef struct rhaz_table rhaz_table;

rhaz_table *rhaz_table_read(const char *path, const rhaz_csv_options *opt,
                            rhaz_error *err);
/* Parse from memory; name is used in error messages. */
rhaz_table *rhaz_table_read_mem(const char *buf, size_t len, const char *name,
                                const rhaz_csv_options *opt, rhaz_error *err);
void rhaz_table_free(rhaz_table *t); /* accepts NULL */

/* Stata, SPSS and SAS files (through ReadStat).  rhaz_table_read reads
 * a path ending in .dta, .sav, .zsav or .sas7bdat (any case) with
 * rhaz_table_read_stat; everything else is CSV.  Of the CSV options,
 * max_bytes, columns, as_string (numbers as text), as_numeric (value-labelled
 * variables keep their codes, text must be numbers) and na_strings (more
 * missing codes in text variables) apply.  Missing codes (., .a-.z, SPSS
 * user-missing values) are missing; value labels become text (factor)
 * cells; date formats become ISO 8601 text ("1999-03-08", or
 * "1999-03-08T14:30:00" for date-times).  Error messages name the file
 * and, for a bad cell, the observation (the table has no line numbers:
 * rhaz_table_line returns 0). */
typedef enum {
    RHAZ_FORMAT_CSV = 0, RHAZ_FORMAT_DTA, RHAZ_FORMAT_SAV, RHAZ_FORMAT_SAS7BDAT
} rhaz_table_format;
rhaz_table_format rhaz_table_format_of(const char *path); /* by extension */
const char *rhaz_table_format_name(rhaz_table_format f); /* "Stata", ... */
rhaz_table *rhaz_table_read_stat(const char *path, const rhaz_csv_options *opt,
                                 rhaz_error *err);
/* Parse a file image in memory (fmt must not be RHAZ_FORMAT_CSV). */
rhaz_table *rhaz_table_read_stat_mem(const void *buf, size_t len, const char *name,
                                     rhaz_table_format fmt,
                                     const rhaz_csv_options *opt, rhaz_error *err);

size_t rhaz_table_nrow(const rhaz_table *t);
size_t rhaz_table_ncol(const rhaz_table *t);
const char *rhaz_table_name(const rhaz_table *t); /* source file name or "" */
const char *rhaz_table_colname(const rhaz_table *t, size_t j);
/* Index of column `name`, or -1. */
long rhaz_table_find(const rhaz_table *t, const char *name);
rhaz_coltype rhaz_table_coltype(const rhaz_table *t, size_t j);
/* 1-based field number of column j in its source CSV's header (differs
 * from j + 1 when rhaz_csv_options.columns skipped columns); j + 1 for
 * other tables. */
long rhaz_table_field(const rhaz_table *t, size_t j);
/* Numeric column data (nrow doubles), or NULL if column j is a string. */
const double *rhaz_table_num(const rhaz_table *t, size_t j);
/* String cell, or NULL if missing or the column is numeric. */
const char *rhaz_table_str(const rhaz_table *t, size_t j, size_t i);
int rhaz_table_is_missing(const rhaz_table *t, size_t j, size_t i);
/* Source line (1-based, of the end of the record) of data row i; 0 if
 * the table was built in memory. */
long rhaz_table_line(const rhaz_table *t, size_t i);
/* Free the values of numeric column j (a reader done with it, e.g.
 * rhaz_design_build_take); the column keeps its name and type, its cells
 * read as missing and rhaz_table_num returns NULL.  Other columns and the
 * line numbers stay. */
void rhaz_table_release_num(rhaz_table *t, size_t j);

/* Building tables in memory.  Columns must all have nrow entries; the
 * first column added fixes nrow.  Data are copied. */
rhaz_table *rhaz_table_new(const char *name, rhaz_error *err);
rhaz_status rhaz_table_add_numeric(rhaz_table *t, const char *colname,
                                   const double *x, size_t n, rhaz_error *err);
rhaz_status rhaz_table_add_string(rhaz_table *t, const char *colname,
                                  const char *const *s, size_t n,
                                  rhaz_error *err);

/* A new table of the rows of t with keep[i] != 0 (nrow entries), in
 * order, with their source lines; columns keep their names and types. */
rhaz_table *rhaz_table_subset(const rhaz_table *t, const unsigned char *keep,
                              rhaz_error *err);

/* Write RFC 4180 CSV (CRLF-free: '\n' line ends, quoting where needed).
 * Numbers use the shortest "%.*g" that round-trips; missing is empty.
 * rhaz_table_write is atomic (temporary file, then rename). */
rhaz_status rhaz_table_write_fp(const rhaz_table *t, FILE *fp, rhaz_error *err);
rhaz_status rhaz_table_write(const rhaz_table *t, const char *path,
                             rhaz_error *err);

/* Write one CSV field to fp: as is, or quoted by libcsv (quotes doubled)
 * when it holds a comma, quote or line break (RFC 4180). */
void rhaz_csv_field(FILE *fp, const char *s);

/* Column summary as `rhaz describe` prints it. */
typedef struct {
    const char *name;
    rhaz_coltype type;
    size_t n, missing, distinct; /* distinct: string columns only */
    double min, max, mean, sd;   /* numeric columns only; NaN if no data */
} rhaz_colsummary;
rhaz_status rhaz_table_summarise(const rhaz_table *t, size_t j,
                                 rhaz_colsummary *out, rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
