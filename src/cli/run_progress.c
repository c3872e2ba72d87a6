/* run_progress.c -- 'rhaz run' progress lines on stderr (a bar on a
 * terminal, one line per step otherwise) and errors printed after them;
 * used by every part of the run (cmd_run.c, run_model.c). */
#include "run.h"

#include <stdio.h>
#include <time.h>

double run_elapsed(const run_ctx *r)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - r->t0.tv_sec) + 1e-9 * (double)(t.tv_nsec - r->t0.tv_nsec);
}

void run_progress(run_ctx *r, const char *what, const char *name)
{
    if (r->quiet)
        return;
    if (r->tty) {
        int w = 20, done = r->nsteps ? (r->step * w) / r->nsteps : w;
        fprintf(stderr, "\r\033[Krhaz run: [");
        for (int i = 0; i < w; i++)
            fputc(i < done ? '=' : ' ', stderr);
        fprintf(stderr, "] %d/%d %s %s (%.1f s)", r->step, r->nsteps, what, name,
                run_elapsed(r));
        r->pending = 1;
    } else {
        fprintf(stderr, "rhaz run: [%d/%d] %.1f s  %s %s\n", r->step, r->nsteps,
                run_elapsed(r), what, name);
    }
    fflush(stderr);
}

/* End a pending progress line before a message. */
void run_end_progress(run_ctx *r)
{
    if (r->pending)
        fputc('\n', stderr);
    r->pending = 0;
}

int run_error(run_ctx *r, const rhaz_error *err)
{
    run_end_progress(r);
    return cli_error(err);
}
