/* parallel.c -- core_parallel: a fixed set of parts of a computation on
 * up to T threads.
 *
 * The caller cuts its work into parts that do not depend on the number of
 * threads (and reduces their results in a fixed order), so that a result
 * is the same bit for bit whatever T is: threads only decide which part
 * runs where.  Thread k runs parts k, k + T, k + 2T, ...; the calling
 * thread is thread 0.  A thread that cannot be started leaves its parts
 * to the caller.  While parts run on several threads, OpenBLAS (which the
 * parts may call) is held to one thread of its own, and set back after:
 * only inside these sections, so that BLAS elsewhere (and its rounding)
 * is as without threads. */
#include "core/util.h"

#include <cblas.h>
#include <pthread.h>

typedef struct {
    void (*fn)(void *ctx, size_t part);
    void *ctx;
    size_t nparts, first, step;
} par_job;

static void run_parts(const par_job *j)
{
    for (size_t k = j->first; k < j->nparts; k += j->step)
        j->fn(j->ctx, k);
}

static void *par_main(void *arg)
{
    run_parts(arg);
    return NULL;
}

void core_parallel(size_t nparts, int threads, void (*fn)(void *ctx, size_t part),
                   void *ctx)
{
    enum { MAXT = 64 };
    size_t T = threads > 1 ? (size_t)threads : 1;
    if (T > nparts)
        T = nparts;
    if (T > MAXT)
        T = MAXT;
    if (T <= 1) {
        for (size_t k = 0; k < nparts; k++)
            fn(ctx, k);
        return;
    }
    int blas = openblas_get_num_threads();
    if (blas > 1)
        openblas_set_num_threads(1);
    par_job job[MAXT];
    pthread_t tid[MAXT];
    int started[MAXT] = {0};
    for (size_t t = 0; t < T; t++)
        job[t] = (par_job){fn, ctx, nparts, t, T};
    for (size_t t = 1; t < T; t++)
        started[t] = pthread_create(&tid[t], NULL, par_main, &job[t]) == 0;
    run_parts(&job[0]);
    for (size_t t = 1; t < T; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            run_parts(&job[t]);
    }
    if (blas > 1)
        openblas_set_num_threads(blas);
}

/* OpenBLAS's own (undocumented) pool shutdown, exported by its builds
 * (its fork handler uses it); weak: absent, nothing is called */
extern int blas_thread_shutdown_(void) __attribute__((weak));

void rhaz_blas_threads(int n)
{
    openblas_set_num_threads(n >= 1 ? n : 1);
    /* with one thread, stop the workers OpenBLAS started when it was
     * loaded: they spin in sched_yield for ~0.1 s waiting for work (~5%
     * of the 2M-row Cox command's wall time on two cores); OpenBLAS
     * starts them again if asked for more threads */
    if (n <= 1 && blas_thread_shutdown_)
        blas_thread_shutdown_();
}
