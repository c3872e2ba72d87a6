/* rhaz/country.h -- country identity for the researcher's own files:
 * names and codes matched to the COW state system, covariate files
 * merged onto panels, and the accounting of what matched how.
 *
 * Names go through the same crosswalk (data/country-names.csv) and
 * countrycode regexes (data/country-codes.csv) as the bundled sources;
 * codes through country-codes.csv.  A year matters for states whose COW
 * code changed: "Germany" is COW 260 (German Federal Republic) up to 1989
 * and 255 from 1990, "Yemen" 678 (Yemen Arab Republic) up to 1989 and 679
 * from 1990.  Nothing here prints: the accounting is a rhaz_match_log
 * the caller writes where it wants. */
#ifndef RHAZ_COUNTRY_H
#define RHAZ_COUNTRY_H

#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* What a key column holds. */
typedef enum {
    RHAZ_KEY_NONE = 0,
    RHAZ_KEY_ISO3C,  /* ISO 3166 alpha-3 */
    RHAZ_KEY_COWN,   /* Correlates of War state number */
    RHAZ_KEY_GWCODE, /* Gleditsch-Ward state number */
    RHAZ_KEY_ISO2C,  /* ISO 3166 alpha-2 */
    RHAZ_KEY_M49,    /* UN M49 numeric */
    RHAZ_KEY_NAME,   /* a country name in any spelling */
    RHAZ_NKEY
} rhaz_key;

/* The key a column name announces (case-insensitive; blanks and dots
 * read as '_'): iso3c iso3 -> ISO3C; cown ccode cowcode -> COWN; gwcode
 * gwno -> GWCODE; iso2c iso2 -> ISO2C; m49 -> M49; country countryname
 * country_name name state -> NAME; anything else NONE. */
rhaz_key rhaz_key_of_column(const char *colname);
/* "iso3c", "cown", "gwcode", "iso2c", "m49", "name" ("" for NONE). */
const char *rhaz_key_name(rhaz_key k);
/* Parse one of those names: 0 ok, -1 unknown. */
int rhaz_key_parse(const char *s, rhaz_key *out);

typedef enum {
    RHAZ_MATCH_NONE = 0,  /* nothing matched */
    RHAZ_MATCH_EXACT,     /* a code, or a name in the crosswalk */
    RHAZ_MATCH_REGEX,     /* a name matched by one countrycode regex only */
    RHAZ_MATCH_AGGREGATE  /* a region or income group ("World") */
} rhaz_match_how;

/* One resolved identity.  Strings point into the data set (valid while
 * it is open); "" and 0 mean unknown. */
typedef struct {
    rhaz_match_how how;
    rhaz_entity kind;  /* state, territory, organisation, other */
    const char *iso3c, *iso2c;
    const char *name;  /* the COW state name, else the English name */
    int cown;          /* the COW state (in the system in `year`, if given) */
    int gwcode, m49;
} rhaz_country;

/* Resolve value (a name or a code as text, "255") of key kind `key`.
 * year > 0: the COW state holding that identity in that year.  Returns
 * out->how. */
rhaz_match_how rhaz_country_match(rhaz_data *d, rhaz_key key, const char *value,
                                  int year, rhaz_country *out);

/* ------------------------------------------------------------------ */
/* Accounting of own files                                              */

typedef struct rhaz_match_log rhaz_match_log;
rhaz_match_log *rhaz_match_log_alloc(void);
void rhaz_match_log_free(rhaz_match_log *log); /* accepts NULL */
/* Note `count` events for (file, reason, name); counts add up, the first
 * line (0: none) is kept.  name may be NULL (a count only). */
void rhaz_match_log_note(rhaz_match_log *log, const char *file, const char *reason,
                         const char *name, long line, size_t count);
/* Count of notes with this reason (all files), NULL: all notes. */
size_t rhaz_match_log_count(const rhaz_match_log *log, const char *reason);
/* Text report, one line per (file, reason, name), grouped by file. */
void rhaz_match_log_write(const rhaz_match_log *log, FILE *fp);

/* Reasons used in the log (compare with strcmp; macros, so that the
 * shared library exports functions only). */
#define RHAZ_NOTE_REGEX "matched by regex only"
#define RHAZ_NOTE_UNMATCHED "unmatched name"
#define RHAZ_NOTE_AGGREGATE "aggregate (region or income group), dropped"

/* ------------------------------------------------------------------ */
/* `rhaz match`: code columns added to a table                          */

typedef struct {
    const char *column;     /* the key column (required) */
    rhaz_key key;           /* what it holds; NONE: from its name, else NAME */
    const char *year;       /* year column, or NULL */
    const rhaz_key *to;     /* columns to add, ended by RHAZ_KEY_NONE */
    int strict;             /* an unmatched name is an error */
} rhaz_match_options;

/* Add one column per `to` key (named "iso3c", "cown", ..., "name"; a
 * clash with a column of t is an error naming both) holding each row's
 * identity; unmatched rows get empty cells and a log note.  With strict,
 * the first unmatched name is an RHAZ_EDATA error naming file and line. */
rhaz_status rhaz_match_table(rhaz_data *d, rhaz_table *t, const rhaz_match_options *o,
                             rhaz_match_log *log, rhaz_error *err);

/* ------------------------------------------------------------------ */
/* Covariate files merged onto panels                                   */

typedef struct {
    const char *path;  /* CSV, .dta, .sav, .zsav, .sas7bdat; or a bundled
                          set: "ratification_rules", "leaders" */
    const char *key;   /* key column, NULL: detected from the names; a
                          named column whose name says nothing holds ISO3
                          codes if every cell is three capital letters,
                          ISO2 if two, else country names */
    const char *year;  /* year column, NULL: "year" if present */
    const rhaz_csv_options *csv; /* reading options of a CSV (NULL: the
                          defaults); the key column is read as text
                          besides csv->as_string's columns */
} rhaz_covariate_spec;

/* Merge the covariates of spec onto panel (which has columns cown and
 * year), adding every column of the file except its key, year and other
 * identifier columns, under its own name (a clash with a panel column is
 * an error naming both).  Time-varying values are taken from year - lag
 * (lag as the built-in covariates: rhaz_panel_options.lag); a year the
 * file does not cover is missing, never filled.  Without a year column
 * values are constant per country.  Duplicated country-years, a
 * non-number in a column of numbers, a key column that cannot be found
 * or two candidate key columns are errors naming the file (and line);
 * for the last two err->option is "covariates_key" (spec->key decides).
 * Names matched by regex only, unmatched names, aggregates, dropped rows
 * by reason and missing cells per merged variable go into log. */
rhaz_status rhaz_panel_add_covariates(rhaz_data *d, rhaz_table *panel,
                                      const rhaz_covariate_spec *spec, int lag,
                                      rhaz_match_log *log, rhaz_error *err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
