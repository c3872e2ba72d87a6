/* run.h -- what the parts of 'rhaz run' share (cmd_run.c: the run and
 * its steps; run_model.c: [panel] and [model] sections planned into
 * panels and fits -- named panels, robustness grids, democracy sources,
 * output names, multiple imputation; run_index.c: index.html;
 * run_progress.c: progress lines). */
#ifndef RHAZ_CLI_RUN_H
#define RHAZ_CLI_RUN_H

#include "cmd.h"

#include <time.h>

enum {
    RUN_MAX_PANELS = 16,
    RUN_MAX_FITS = 256,  /* fits in one run */
    RUN_GRID_MAX = 64    /* fits one [model] may expand into */
};
#define RUN_GRID_MAX_S "64"

/* A [panel] or [panel NAME] section and the file it becomes. */
typedef struct {
    const rhaz_mf_section *s;
    char path[4200];   /* OUT/panel.csv, OUT/panel-NAME.csv */
    char report[4200]; /* OUT/panel-report.txt, OUT/panel-NAME-report.txt */
    int dem;           /* its `democracy` source (rhaz_democracy_source) */
    unsigned dem_cols; /* sources the models use as democracy_SRC */
} run_panel;

/* One fit of a [model] section: the section with one value of each of
 * its alternatives (entries and values owned), where it reads its data,
 * and its output name and column title. */
typedef struct {
    const rhaz_mf_section *s; /* the [model] in the file */
    rhaz_mf_section sec;      /* s with this fit's values */
    char *stem;               /* models/STEM.json and .txt */
    char *title;              /* column title in tables and figures */
    int panel;                /* index into the run's panels, or -1 */
    char **imputations;       /* data sets pooled by Rubin's rules, or NULL */
    size_t nimp;
    char **sample, **sample_cols; /* common sample, or NULL */
} run_fit;

typedef struct {
    const rhaz_modelfile *mf;
    const char *out;
    const char *render;
    int quiet, tty;
    int pending; /* a progress line on the terminal without its newline */
    int step, nsteps;
    struct timespec t0;
    run_panel panels[RUN_MAX_PANELS];
    size_t npanels;
    run_fit *fits;
    size_t nfits;
} run_ctx;

/* run_progress.c: a progress line for a step; the newline a pending
 * progress line needs before a message; an error printed after it (the
 * exit code); seconds since r->t0. */
void run_progress(run_ctx *r, const char *what, const char *name);
void run_end_progress(run_ctx *r);
int run_error(run_ctx *r, const rhaz_error *err);
double run_elapsed(const run_ctx *r);

/* run_index.c: OUT/index.html for the model file at path, run into
 * final (the rerun command names them); -1 with err set on failure. */
int cli_run_index(const run_ctx *r, const char *path, const char *final,
                  const char *data_dir, const char *render, rhaz_error *err);

/* run_model.c */
/* The run's panels and fits from the model file (r->out set): every
 * [model]'s alternatives checked and expanded; prints the error. */
int run_plan(run_ctx *r);
void run_plan_free(run_ctx *r);
/* The panel a [figure] draws from (its 'panel = NAME', else the
 * default); -1 if none; prints an error and returns -2 if it names none. */
int run_figure_panel(run_ctx *r, const rhaz_mf_section *s);
/* formula with `democracy` named as panel pi's column democracy_SRC
 * (malloc'd; NULL: out of memory). */
char *run_democracy_formula(const run_ctx *r, int pi, const char *formula);
/* Fit f into OUT/models/STEM.json and .txt. */
int run_fit_one(run_ctx *r, const run_fit *f);
/* The own keys of [model] (not options of 'rhaz fit'). */
int run_model_own_key(const char *k);

#endif
