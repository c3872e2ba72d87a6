/* internal.h -- data module internals shared by its files (not public). */
#ifndef RHAZ_DATA_INTERNAL_H
#define RHAZ_DATA_INTERNAL_H

#include "core/util.h"
#include "rhaz/data.h"
#include "rhaz/country.h"

#include <stddef.h>

/* ---- grids keyed by (cown, year) ---- */
#define RD_Y0 1800
#define RD_NY 231 /* 1800..2030 */
#define RD_NCOWN 1000
#define RD_CELL(cown, year) ((size_t)(cown) * RD_NY + (size_t)((year) - RD_Y0))
static inline int rd_ok(int cown, int year)
{
    return cown > 0 && cown < RD_NCOWN && year >= RD_Y0 && year < RD_Y0 + RD_NY;
}

enum {
    G_POLITY2 = 0, G_VDEM, G_FH, G_BMR, G_LIED, G_GWF, G_MIGOBS, G_MIG,
    G_NMIG, G_POP, G_NGRID
};

/* crosswalk entry (data/country-names.csv) */
typedef struct {
    char *name, *iso3c;
    int cown;
    rhaz_entity kind;
    int aggregate; /* region / income group: never a country */
} rd_name;

/* country-codes.csv row */
typedef struct {
    char *name, *iso3c, *iso2c, *region, *subregion, *wb, *regex;
    int cown, m49, gwn; /* 0 if none */
} rd_cc;

/* a COW state (merged spells) */
typedef struct {
    int cown;
    char *name, *abb;
    const char *iso3c;   /* into the crosswalk / country-codes strings */
    int first_year, last_year; /* first and last year in system (31 Dec rule) */
    const char *region[3];     /* UN region, subregion, WB region (NULL unknown) */
} rd_state;

/* one row of predecessor-acts.csv: an act of a state that the UN records
 * only in a footnote under its successor */
typedef struct {
    int cown;
    rhaz_date date;
    rhaz_act act;
    long line;
} rd_pact;

typedef struct {
    rhaz_treaty_info info;
    rhaz_participant *p;
    size_t np, cap;
    strmap by_iso; /* iso3c -> participant index (states and territories) */
    int attr_row;  /* row in treaty-attributes, -1 if none */
    int un;        /* 1: deposited with the UN Secretary-General (the bundled
                      collection); 0: a researcher's own file */
    rd_pact *pact; /* predecessor-acts.csv rows of this treaty */
    size_t npact;
} rd_treaty;

/* ---- risk.c: whose act is it, and who may act ---- */
enum { RD_HOW_NONE = 0, RD_HOW_CODE, RD_HOW_DATE, RD_HOW_FILE, RD_HOW_INHERIT };
/* The acts of one COW state for one treaty: first signature and earliest
 * consent, after predecessor-acts.csv, the date rules for codes shared by
 * divided or unified states, and inheritance by unified states. */
typedef struct {
    rhaz_date signature, consent;
    rhaz_act act;       /* of the consent */
    int how_sig, how;   /* RD_HOW_* of the signature and of the consent */
    int from_cown;      /* RD_HOW_INHERIT: the predecessor */
    const char *code;   /* RD_HOW_DATE: the shared code the act is under */
} rd_status;
void rd_status_of(const rhaz_data *d, const rd_treaty *tr, int cown, rd_status *out);
/* The unified state (255, 679) whose consent is cown's act, else 0. */
int rd_inherited_by(const rhaz_data *d, const rd_treaty *tr, int cown);
/* 1 if COW state cown may deposit an instrument for tr in year (on 31
 * December); always 1 with RHAZ_ELIGIBLE_ALL or for own treaty files. */
int rd_eligible(const rd_treaty *tr, int cown, int year, rhaz_eligibility e);
/* Read predecessor-acts.csv (optional) into the treaties' pact lists. */
rhaz_status rd_load_predecessor_acts(rhaz_data *d, rhaz_error *err);

typedef struct {
    char *file, *reason, *name;
    size_t count;
} rd_note;

/* Parse a UN status table (one row per participant) into tr; the
 * table is the caller's (rd_parse_status reads it from a file; the fuzz
 * target tests/fuzz/fuzz_status.c from memory). */
rhaz_status rd_parse_status_table(rhaz_data *d, rd_treaty *tr,
                                  const rhaz_table *t, rhaz_error *err);
rhaz_status rd_parse_status(rhaz_data *d, rd_treaty *tr, const char *path,
                            rhaz_error *err);

struct rhaz_data {
    char *dir;
    rd_name *names;
    size_t nnames;
    strmap name_map; /* folded name -> names[] index */
    rd_cc *cc;
    size_t ncc;
    strmap cc_iso3, cc_iso2, cc_m49;
    void *regex;     /* compiled regexes (regex_t[ncc]), lazily */
    int *regex_ok;
    size_t regex_bad;
    rd_state *states;
    size_t nstates;
    int state_of[RD_NCOWN]; /* cown -> states[] index, -1 */
    unsigned char *in_sys;   /* RD_NCOWN * RD_NY */
    double *grid[G_NGRID];
    char **gwf_names;
    size_t ngwf;
    rd_treaty *tr;
    size_t ntr, trcap;
    strmap tr_key;          /* key and un_number -> treaty index */
    strmap oecd;            /* iso3c -> accession year */
    /* treaty-attributes */
    rhaz_table *attr;
    rd_note *notes;
    size_t nnotes, capnotes;
    strmap note_map;
    size_t unmatched;
    size_t disagree_2022;
    const char *pact_file;  /* predecessor-acts.csv as read, NULL if absent */
    char **strings;         /* owned strings to free */
    size_t nstrings, capstrings;
};

/* Record a note for the report (aggregated by file, reason, name). */
void rd_note_add(rhaz_data *d, const char *file, const char *reason,
                 const char *name);
/* Compile the country-codes regexes (once). */
void rd_compile_regexes(rhaz_data *d);
/* Resolve a name through the crosswalk, then the regexes; NULL if none. */
const rd_name *rd_lookup(rhaz_data *d, const char *name, const char *file);
/* The same without notes or caching: the crosswalk entry (*cc = -1), or
 * the one country-codes row whose regex alone matches (*cc = row, NULL
 * returned unless a crosswalk entry has that ISO code), else NULL and
 * *cc = -1.  For names from the researcher's own files (identity.c). */
const rd_name *rd_find_name(rhaz_data *d, const char *name, long *cc);

/* identity.c helpers for own files: a key cell as text (integers as
 * "%d"; NULL if missing or fractional), the line of row i (0 for tables
 * without lines, with "observation N: " written to where, else ""), and
 * the year of row i of column jy (0 if missing, fractional or not in
 * 1000..2999). */
const char *rd_key_text(const rhaz_table *t, size_t j, size_t i, char *buf, size_t n);
long rd_row_where(const rhaz_table *t, size_t i, char *where, size_t n);
int rd_year_of(const rhaz_table *t, long jy, size_t i);

/* A copy of s owned by d (freed with it); NULL on no memory. */
char *rd_own(rhaz_data *d, const char *s);

/* leaders.c: cown, year, leader_tenure, leader_last_year from
 * archigos-4.1.dta in the data directory. */
rhaz_table *rd_leaders_table(const rhaz_data *d, rhaz_error *err);

#endif
