/* rhaz/modelfile.h -- declarative analysis files (models/NAME.model).
 *
 * An INI-like text file:
 *
 *     # comment (also ';')
 *     [panel]                 how to build the panel (keys as rhaz panel options)
 *     treaty = icmw
 *     [model NAME]            one section per model
 *     type = logit
 *     formula = event ~ democracy + oecd
 *     [table NAME]            side-by-side tables of models
 *     models = m1, m2
 *     [figure NAME]           figures (kinds as rhaz plot)
 *     kind = km
 *
 * Keys are `key = value`; a value runs to the end of the line (trailing
 * blanks dropped) and may continue on following lines that start with
 * whitespace (joined with one space).  Section headers are
 * `[kind]` or `[kind name]`; names are letters, digits, '_', '-', '.'.
 * The parser checks syntax, duplicate keys and section names, and the
 * section kinds and keys the caller's schema knows (the rhaz program
 * derives the keys from its commands' option tables); values are checked
 * by whoever uses them, with rhaz_modelfile_error() to name the file,
 * line and key.
 */
#ifndef RHAZ_MODELFILE_H
#define RHAZ_MODELFILE_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

typedef struct {
    char *key;
    char *value;
    long line;
} rhaz_mf_entry;

typedef struct {
    char *kind;  /* "panel", "model", "table", "figure", "run" */
    char *name;  /* "" for unnamed sections such as [panel] */
    long line;   /* line of the header */
    size_t n;
    rhaz_mf_entry *entries;
} rhaz_mf_section;

typedef struct rhaz_modelfile rhaz_modelfile;

/* What a caller accepts: section kinds, whether they are named, and their
 * keys.  A NULL schema accepts every kind (named or not) and every key. */
typedef struct {
    const char *kind;
    int named; /* 1: needs a name ([kind NAME]); 0: takes none; -1: either */
    int (*has_key)(const char *key); /* 1 if key is known; NULL: any key */
} rhaz_mf_kind;

typedef struct {
    const rhaz_mf_kind *kinds;
    size_t n;
} rhaz_mf_schema;

rhaz_modelfile *rhaz_modelfile_read(const char *path,
                                    const rhaz_mf_schema *schema,
                                    rhaz_error *err);
/* Parse from memory; name is used in messages. */
rhaz_modelfile *rhaz_modelfile_parse(const char *text, size_t len,
                                     const char *name,
                                     const rhaz_mf_schema *schema,
                                     rhaz_error *err);
void rhaz_modelfile_free(rhaz_modelfile *mf); /* accepts NULL */

const char *rhaz_modelfile_name(const rhaz_modelfile *mf);
size_t rhaz_modelfile_nsections(const rhaz_modelfile *mf);
const rhaz_mf_section *rhaz_modelfile_section(const rhaz_modelfile *mf,
                                              size_t k);
/* First section of this kind (and name, if name is not NULL), or NULL. */
const rhaz_mf_section *rhaz_modelfile_find(const rhaz_modelfile *mf,
                                           const char *kind, const char *name);
/* Value of key in section s, or NULL (entry gets its line if not NULL). */
const char *rhaz_mf_get(const rhaz_mf_section *s, const char *key,
                        const rhaz_mf_entry **entry);

/* Fill err with "FILE:LINE: [kind name] key: message" for the entry
 * `key` of section s (or the section header when the key is absent). */
rhaz_status rhaz_modelfile_error(const rhaz_modelfile *mf,
                                 const rhaz_mf_section *s, const char *key,
                                 rhaz_status status, rhaz_error *err,
                                 const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Split a comma- or blank-separated list value into a NULL-terminated
 * array of malloc'd strings (free with rhaz_mf_list_free). */
char **rhaz_mf_split(const char *value, size_t *n);
void rhaz_mf_list_free(char **list);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
