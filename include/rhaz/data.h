/* rhaz/data.h -- panels from UN treaty records and covariate sources (issue 3).
 *
 * The data module reads the bundled sources (docs/data.md lists them)
 * from a data directory, resolves every country name to one ISO3 / COW
 * identity, and builds risk-set panels for event history analysis.
 *
 * Typical use:
 *
 *     rhaz_error err;
 *     rhaz_data *d = rhaz_data_open(NULL, &err);          // $RHAZ_DATA or data/
 *     size_t *tr, nt;
 *     rhaz_data_select(d, "icmw", &tr, &nt, &err);
 *     rhaz_panel_options o;
 *     rhaz_panel_options_init(&o);
 *     rhaz_table *panel = rhaz_panel_build(d, tr, nt, &o, NULL, &err);
 *     ...
 *     rhaz_table_free(panel); free(tr); rhaz_data_free(d);
 *
 * Nothing here prints; warnings go through rhaz_message(). */
#ifndef RHAZ_DATA_H
#define RHAZ_DATA_H

#include "core.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* ------------------------------------------------------------------ */
/* Dates                                                               */

/* A calendar date.  month and day are 0 when only the year is known
 * (the 2022 status files give years only). */
typedef struct {
    int year, month, day;
} rhaz_date;

/* Parse one date.  Accepted forms:
 *   "8 Mar 1999", "08 Mar 1999 a", "19 July 2006", "5 Sept 2000"
 *       (UN Treaty Collection style; month names in English, 3 letters
 *       or full, "Sept" too; an optional act suffix of 1-2 letters)
 *   "1999-03-08"  (ISO 8601)
 *   "1999"        (year only; month = day = 0)
 * Surrounding blanks are ignored.  Years must lie in 1000..2999 and the
 * day must exist in its month (leap years checked).
 * suffix: if not NULL, receives the act suffix ("" if none, else e.g.
 * "a", "AA", "d"; at most 2 letters + NUL); if NULL a suffix is an
 * error.  Returns RHAZ_OK, or RHAZ_EPARSE with err->msg saying what is
 * wrong (err->file/line are left empty for the caller to fill: use
 * rhaz_date_parse_at for that). */
rhaz_status rhaz_date_parse(const char *s, rhaz_date *out, char *suffix,
                            rhaz_error *err);
/* As rhaz_date_parse, but errors name FILE:LINE (file may be NULL). */
rhaz_status rhaz_date_parse_at(const char *s, rhaz_date *out, char *suffix,
                               const char *file, long line, rhaz_error *err);
/* Order: a year-only date sorts after every full date of its year (it
 * is read as "by the end of that year").  Returns <0, 0, >0. */
int rhaz_date_cmp(rhaz_date a, rhaz_date b);
/* "1999-03-08", or "1999" for a year-only date; "" if year == 0. */
void rhaz_date_format(rhaz_date d, char *buf, size_t size);
/* 1 if d is set (year != 0). */
static inline int rhaz_date_isset(rhaz_date d) { return d.year != 0; }

/* ------------------------------------------------------------------ */
/* Acts recorded in the UN status files                                */

typedef enum {
    RHAZ_ACT_NONE = 0,
    RHAZ_ACT_SIGNATURE,            /* incl. succession to signature */
    RHAZ_ACT_RATIFICATION,
    RHAZ_ACT_ACCESSION,            /* suffix a */
    RHAZ_ACT_SUCCESSION,           /* suffix d */
    RHAZ_ACT_ACCEPTANCE,           /* suffix A */
    RHAZ_ACT_APPROVAL,             /* suffix AA */
    RHAZ_ACT_DEFINITIVE_SIGNATURE, /* suffix s */
    RHAZ_ACT_FORMAL_CONFIRMATION,  /* suffix c */
    RHAZ_ACT_CONSENT,              /* "consent to be bound", participation (P, p) */
    RHAZ_ACT_OTHER,  /* provisional application, notification, extension:
                        recorded, never consent to be bound */
    RHAZ_NACT
} rhaz_act;
const char *rhaz_act_name(rhaz_act a); /* "ratification", ... */
/* 1 for the acts that express consent to be bound (everything except
 * NONE, SIGNATURE and OTHER). */
int rhaz_act_is_consent(rhaz_act a);

/* ------------------------------------------------------------------ */
/* The data set                                                        */

typedef struct rhaz_data rhaz_data;

/* The data directory used when none is given: $RHAZ_DATA if set and
 * non-empty, else "data" (relative to the working directory). */
const char *rhaz_data_default_dir(void);

/* Read every source under dir (NULL: rhaz_data_default_dir()): the 324
 * UN status files, the 2022 status files, COW membership, crosswalks,
 * democracy, migration and OECD files.  Takes well under a second.
 * Errors name the file and line (garbage date, duplicated participant,
 * unreadable file, unknown column).  Free with rhaz_data_free. */
rhaz_data *rhaz_data_open(const char *dir, rhaz_error *err);
void rhaz_data_free(rhaz_data *d); /* accepts NULL */
const char *rhaz_data_dir(const rhaz_data *d);

/* Treaties: the 324 UN treaties in index order.  key is the short key
 * for the core treaties (cerd icescr iccpr cedaw cat crc icmw
 * refugee1951 refugee1967), else the UN number ("26-8"). */
typedef struct {
    const char *key;
    const char *un_number; /* "4-13" */
    const char *title;
    const char *file;      /* the status file read */
    rhaz_date opened;      /* start of risk: opened for signature or accession
                            * (treaty-opening.csv), else the adoption date */
    int core;              /* 1 for the 9 keyed treaties */
    int has_2022;          /* 1 if the 2022 status files extend it */
} rhaz_treaty_info;

size_t rhaz_data_ntreaties(const rhaz_data *d);
const rhaz_treaty_info *rhaz_data_treaty(const rhaz_data *d, size_t i);
/* Resolve a comma list of keys, UN numbers or "all" into treaty indices
 * (malloc'd, caller frees; duplicates removed, order kept).  Unknown
 * keys: RHAZ_ENOTFOUND with err->what = the key. */
rhaz_status rhaz_data_select(const rhaz_data *d, const char *keys,
                             size_t **idx, size_t *n, rhaz_error *err);

/* Add a treaty from the researcher's own file: the UN status layout
 * (first column "Participant", date columns with act suffixes, as the
 * bundled files) or a tidy one (columns country, date, kind = signature,
 * ratification, accession, succession, acceptance, approval, consent).
 * key names it in rhaz_data_select (it must be new: err->option
 * "treaty_key" otherwise); opened is its opening date, required
 * (err->option "opened").  Names are matched as in the bundled files and
 * reported by rhaz_data_report; an act before `opened` is an error at
 * its line.  The records are taken as complete up to any end year.
 * Treaty indices stay valid; pointers from rhaz_data_treaty do not (call
 * this before taking them). */
rhaz_status rhaz_data_add_treaty(rhaz_data *d, const char *path, const char *key,
                                 rhaz_date opened, rhaz_error *err);

/* Participants of treaty i (one per participant row of the status
 * file, plus 2022-only parties). */
typedef enum {
    RHAZ_ENTITY_STATE = 0,     /* a state of the COW system */
    RHAZ_ENTITY_TERRITORY,     /* not a COW state: Holy See, Palestine,
                                  Cook Islands, Niue, dependencies */
    RHAZ_ENTITY_ORGANIZATION,  /* EU and other organisations */
    RHAZ_ENTITY_OTHER
} rhaz_entity;

typedef struct {
    const char *name;    /* as in the source (footnote digits removed) */
    const char *iso3c;   /* "" if none */
    rhaz_entity kind;
    rhaz_date signature; /* first signature, year 0 if none */
    rhaz_date consent;   /* earliest consent-to-be-bound act, year 0 if none */
    rhaz_act consent_act;
    int from_2022;       /* consent known only from the 2022 file (year only) */
    long line;           /* line in the status file (0 for 2022-only) */
} rhaz_participant;

size_t rhaz_data_nparticipants(const rhaz_data *d, size_t treaty);
const rhaz_participant *rhaz_data_participant(const rhaz_data *d,
                                              size_t treaty, size_t j);
/* The same as a table: treaty, participant, iso3c, kind, signature,
 * consent (ISO dates or empty), consent_year, act, source.  For
 * cumulative-parties figures: count consent_year <= Y. */
rhaz_table *rhaz_data_participants_table(const rhaz_data *d,
                                         const size_t *treaties, size_t n,
                                         rhaz_error *err);

/* OECD membership: year iso3c joined (0 if never). */
int rhaz_data_oecd_year(const rhaz_data *d, const char *iso3c);
/* 1 if iso3c was an OECD member in year. */
int rhaz_data_oecd_member(const rhaz_data *d, const char *iso3c, int year);

/* COW state system: 1 if state cown was a member on 31 December of year
 * (the panel's definition of "in the system in year"). */
int rhaz_data_in_system(const rhaz_data *d, int cown, int year);
/* ISO3 of COW state cown ("" if unknown); its name (NULL if not a COW
 * state); its first and last year in the system (0 if unknown). */
const char *rhaz_data_cown_iso3(const rhaz_data *d, int cown);
const char *rhaz_data_cown_name(const rhaz_data *d, int cown);
int rhaz_data_cown_years(const rhaz_data *d, int cown, int *first, int *last);

/* Participation as of a date: one row per treaty with columns treaty,
 * participants (signed or consented by asof), parties (consented by
 * asof), oecd_participants, oecd_parties (those that were OECD members
 * in asof's year).  Participants are states and territories (Holy See,
 * Palestine ...), not organisations.  Year-only (2022) dates count from
 * the end of their year. */
rhaz_table *rhaz_data_participation(const rhaz_data *d, const size_t *treaties,
                                    size_t n, rhaz_date asof, rhaz_error *err);

/* Cumulative participation by year, for participation figures: one row
 * per treaty and year in [first_year, last_year] with columns treaty,
 * year, participants (signed or consented by 31 Dec), parties (consented
 * by 31 Dec), oecd_parties (parties that were OECD members that year).
 * Same counting rules as rhaz_data_participation. */
rhaz_table *rhaz_data_parties_by_year(const rhaz_data *d, const size_t *treaties,
                                      size_t n, int first_year, int last_year,
                                      rhaz_error *err);

/* Source accounting for `rhaz panel --report`: unmatched names per file,
 * rows dropped by reason, identity resolution notes.  Written as text
 * to fp (the caller's stream; the library never chooses stdout). */
void rhaz_data_report(const rhaz_data *d, FILE *fp);
/* Number of names (in all sources) that matched nothing, and number of
 * sovereign (COW) states of the system since 1945 that some source
 * could not place; both must be 0 for the bundled data. */
size_t rhaz_data_unmatched(const rhaz_data *d);

/* ------------------------------------------------------------------ */
/* Panels                                                              */

typedef enum { RHAZ_EVENT_RATIFICATION = 0, RHAZ_EVENT_SIGNATURE } rhaz_event_kind;
typedef enum {
    RHAZ_DEM_POLITY2 = 0, RHAZ_DEM_VDEM, RHAZ_DEM_FH, RHAZ_DEM_BMR, RHAZ_DEM_LIED
} rhaz_democracy_source;
typedef enum { RHAZ_REGION_UN = 0, RHAZ_REGION_SUBREGION, RHAZ_REGION_WB } rhaz_region_scheme;
/* Who is at risk of a treaty deposited with the UN Secretary-General:
 * DEPOSIT (default) the states that can deposit an instrument with him in
 * the year (on 31 December): not Taiwan (COW 713) from 1971 (General
 * Assembly resolution 2758 of 25 Oct 1971 seated the People's Republic as
 * "China"), not the People's Republic (710) in 1949-1970 (the Republic of
 * China acted as "China"), never Kosovo (347); ALL: every state in the
 * COW system (rhaz before issue 14).  Own treaty files: always ALL. */
typedef enum { RHAZ_ELIGIBLE_DEPOSIT = 0, RHAZ_ELIGIBLE_ALL } rhaz_eligibility;
/* Successions (act d): EVENT (default) codes the event at the date of the
 * notification of succession, after years at risk; INDEPENDENCE counts the
 * successor a party from its first year at risk (it takes effect from
 * independence in law): no rows, and a party in region_density and
 * prior_ratifications from that year. */
typedef enum { RHAZ_SUCCESSION_EVENT = 0, RHAZ_SUCCESSION_INDEPENDENCE } rhaz_succession_coding;

typedef struct {
    rhaz_event_kind event;   /* ratification (consent) or signature */
    int start_year;          /* first calendar year (0: treaty opening) */
    int end_year;            /* last calendar year (default 2015) */
    rhaz_democracy_source democracy;
    rhaz_region_scheme region;
    int lag;                 /* covariate lag in years (default 1) */
    double receiving_threshold; /* migrant share %, default 10 */
    double regime_cut;       /* polity2 >= cut: democracy, <= -cut: autocracy (6) */
    int transition_window;   /* years for `transition` (default 5) */
    rhaz_eligibility eligible;          /* default RHAZ_ELIGIBLE_DEPOSIT */
    rhaz_succession_coding successions; /* default RHAZ_SUCCESSION_EVENT */
    unsigned democracy_columns; /* bits 1 << SRC: sources that also get a
                                   column democracy_SRC (lagged as
                                   democracy); `democracy`'s own source
                                   always gets one */
} rhaz_panel_options;

void rhaz_panel_options_init(rhaz_panel_options *o);
/* Parse option values by name ("polity2", "subregion", ...): 0 ok, -1 unknown. */
int rhaz_democracy_parse(const char *s, rhaz_democracy_source *out);
/* "polity2", "vdem", "fh", "bmr", "lied" (NULL if out of range). */
const char *rhaz_democracy_name(rhaz_democracy_source src);
/* A comma list "vdem,fh": the first is *first (when not NULL), every one
 * sets its bit in *mask; 0 ok, -1 for an unknown or empty item. */
int rhaz_democracy_parse_list(const char *s, rhaz_democracy_source *first,
                              unsigned *mask);
int rhaz_region_parse(const char *s, rhaz_region_scheme *out);
int rhaz_event_parse(const char *s, rhaz_event_kind *out);
int rhaz_eligibility_parse(const char *s, rhaz_eligibility *out);    /* deposit, all */
int rhaz_succession_parse(const char *s, rhaz_succession_coding *out); /* event, independence */

/* Region of COW state cown under a scheme (NULL if unknown). */
const char *rhaz_data_cown_region(const rhaz_data *d, int cown,
                                  rhaz_region_scheme scheme);

/* Accounting of one panel build. */
#define RHAZ_PANEL_NMISS 12
typedef struct {
    size_t rows, events, states, treaties;
    size_t already_party;   /* state-treaty pairs consenting before entry */
    size_t not_state;       /* participants that are not COW states */
    size_t after_exit;      /* consents after the state left the system */
    size_t after_end;       /* consents after end_year (censored) */
    size_t disagree_2022;   /* consent years where 2015 and 2022 differ */
    size_t exit_no_record;  /* state-treaty pairs censored on leaving the
                               system with no participant row at all
                               (states that never acted on the treaty) */
    size_t not_eligible;    /* state-years in the system not at risk because
                               the state could not deposit (eligibility) */
    size_t by_date;         /* acts under a code shared by several COW
                               states, assigned to one of them by date */
    size_t predecessor;     /* acts taken from predecessor-acts.csv */
    size_t inherited;       /* state-treaty pairs party through a predecessor */
    size_t succession_party;/* pairs counted party from independence
                               (--successions independence) */
    const char *miss_name[RHAZ_PANEL_NMISS];
    size_t missing[RHAZ_PANEL_NMISS]; /* rows with the covariate missing */
    double seconds;         /* build time */
} rhaz_panel_stats;

/* Build the state-treaty-year risk-set panel for the given treaties.
 * One row per state, treaty and year at risk; a state enters in the
 * later of the year the treaty opened (or start_year) and the first
 * year it is in the system, and leaves after its event year (row with
 * event = 1), after its last system year, or after end_year.
 * Columns (docs/data.md is the codebook): iso3c cown country treaty year
 * start stop event democracy democracy_SRC (one per source asked,
 * see democracy_columns) regime transition gwf_regime migrant_share
 * migrant_receiving net_migration oecd region region_density
 * prior_ratifications articles parts novelty group_definition
 * rights_differentiated campaign duration.  start = year - opening
 * year, stop = start + 1: (start, stop] in years since opening.
 * Rows are ordered by treaty, state (cown), year.
 * stats may be NULL.  Reads nothing: everything comes from d. */
rhaz_table *rhaz_panel_build(const rhaz_data *d, const size_t *treaties,
                             size_t ntreaties, const rhaz_panel_options *opt,
                             rhaz_panel_stats *stats, rhaz_error *err);
/* Text accounting of a build (rows, events, drops, missing by variable). */
void rhaz_panel_stats_write(const rhaz_panel_stats *s, FILE *fp);
/* One line per act of the selected treaties that the panel assigns other
 * than by the participant's ISO3 code: acts from predecessor-acts.csv (with
 * their line), acts under a code shared by divided or unified states
 * assigned by date, and a unified state's inherited status. */
void rhaz_panel_assignments_write(const rhaz_data *d, const size_t *treaties,
                                  size_t ntreaties, FILE *fp);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
