/* boot.c -- the bootstrap options every 'rhaz fit' shares (see cmd.h):
 * parsing, checks, and writing the result, the part of a shard and the
 * replicates CSV.  The statistics are the library's (rhaz/boot.h). */
#include "cmd.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEED_MAX 9007199254740991ULL /* 2^53 - 1: exact in every JSON reader */

int cli_parse_seed(const char *s, void *field)
{
    cli_seed *f = field;
    char *end;
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > SEED_MAX)
        return -1;
    f->v = v;
    f->given = 1;
    return 0;
}

int cli_parse_shard(const char *s, void *field)
{
    cli_shard *f = field;
    char *end, *end2;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    long k = strtol(s, &end, 10);
    if (errno || *end != '/' || end[1] < '0' || end[1] > '9')
        return -1;
    long n = strtol(end + 1, &end2, 10);
    if (errno || *end2 || k < 1 || n < 1 || k > n || n > 1000000)
        return -1;
    f->k = (int)k;
    f->n = (int)n;
    return 0;
}

int cli_boot_check(const cli_boot_args *b, int boot, cli_err *err)
{
    if (!boot) {
        const char *opt = b->reps ? "reps" : b->seed.given ? "seed"
                          : b->replicates ? "replicates" : b->shard.n ? "shard"
                          : b->threads ? "threads" : NULL;
        if (opt)
            return cli_err_usage(err, opt, "--%s: only with --vce bootstrap", opt);
        return EXIT_OK;
    }
    if (b->shard.n && b->replicates)
        return cli_err_usage(err, "replicates", "--replicates with --shard: 'rhaz combine "
                                                "--replicates FILE' writes them for all "
                                                "shards");
    return EXIT_OK;
}

static int default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
}

static int write_out(const char *path, const char *option, cli_err *err,
                     rhaz_status (*fn)(FILE *, const void *, rhaz_error *), const void *arg)
{
    rhaz_outfile *of = rhaz_outfile_open(path, &err->e);
    if (!of)
        return cli_err_lib(err, option);
    if (fn(rhaz_outfile_fp(of), arg, &err->e) != RHAZ_OK) {
        rhaz_outfile_abort(of);
        return cli_err_lib(err, NULL);
    }
    if (rhaz_outfile_commit(of, &err->e) != RHAZ_OK)
        return cli_err_lib(err, option);
    return EXIT_OK;
}

typedef struct {
    const rhaz_fit_summary *s;
    int format;
    const rhaz_summary_options *so;
    const rhaz_boot *b;
    const rhaz_fit_summary *base;
    size_t k, n;
} wr_ctx;

static rhaz_status wr_summary(FILE *fp, const void *a, rhaz_error *e)
{
    const wr_ctx *c = a;
    return rhaz_fit_summary_write(fp, c->s, (rhaz_summary_format)c->format, c->so, e);
}
static rhaz_status wr_csv(FILE *fp, const void *a, rhaz_error *e)
{
    return rhaz_boot_write_csv(fp, ((const wr_ctx *)a)->b, e);
}
static rhaz_status wr_part(FILE *fp, const void *a, rhaz_error *e)
{
    const wr_ctx *c = a;
    return rhaz_part_write_boot(fp, c->base, c->b, c->k, c->n, e);
}

/* write the combined (or single-process) result: summary, text copy,
 * replicates -- every file opened before any is written and committed
 * only when all were written, so that a refused one leaves none */
int cli_boot_write(const rhaz_fit_summary *s, const rhaz_boot *b, const char *out,
                   const char *also_text, int format, int exp, const char *replicates,
                   cli_err *err)
{
    rhaz_summary_options so = {0};
    so.exp = exp;
    wr_ctx c = {.s = s, .format = format, .so = &so, .b = b}, t = c;
    t.format = FMT_TEXT;
    const char *path[3] = {out, also_text, replicates};
    const char *opt[3] = {"out", "out", "replicates"};
    rhaz_status (*fn[3])(FILE *, const void *, rhaz_error *) = {wr_summary, wr_summary,
                                                                 wr_csv};
    const wr_ctx *arg[3] = {&c, &t, &c};
    rhaz_outfile *of[3] = {NULL, NULL, NULL};
    int rc = EXIT_OK;
    for (int k = 0; k < 3 && rc == EXIT_OK; k++)
        if (path[k] && !(of[k] = rhaz_outfile_open(path[k], &err->e)))
            rc = cli_err_lib(err, opt[k]);
    for (int k = 0; k < 3 && rc == EXIT_OK; k++)
        if (of[k] && fn[k](rhaz_outfile_fp(of[k]), arg[k], &err->e) != RHAZ_OK)
            rc = cli_err_lib(err, NULL);
    for (int k = 0; k < 3; k++) {
        rhaz_outfile *o = of[k];
        of[k] = NULL;
        if (rc != EXIT_OK)
            rhaz_outfile_abort(o);
        else if (o && rhaz_outfile_commit(o, &err->e) != RHAZ_OK) /* frees o */
            rc = cli_err_lib(err, opt[k]);
    }
    for (size_t k = 0; rc == EXIT_OK && k < s->n_warnings; k++)
        if (strncmp(s->warnings[k], "bootstrap:", 10) == 0)
            rhaz_message("warning: %s", s->warnings[k]);
    return rc;
}

int cli_boot_run(const cli_boot_args *b, const rhaz_boot_model *m, const cli_boot_out *o,
                 cli_err *err)
{
    if (b->shard.n && o->format != FMT_JSON && o->format != FMT_TEXT)
        return cli_err_usage(err, "format", "--shard writes a part file (JSON) for 'rhaz "
                                            "combine'; --format applies there");
    rhaz_fit_summary *base = rhaz_boot_fit(m, &err->e), *s = NULL;
    rhaz_boot *bt = NULL;
    int rc = EXIT_OK;
    if (!base)
        return cli_err_lib(err, NULL);
    free(base->formula);
    if (!(base->formula = strdup(o->formula ? o->formula : ""))) {
        rhaz_fit_summary_free(base);
        return cli_err_data(err, NULL, "out of memory building the fit summary");
    }
    rhaz_boot_options bo = {0};
    bo.reps = b->reps ? (size_t)b->reps : 1000;
    bo.seed = b->seed.given ? b->seed.v : 1;
    bo.threads = b->threads ? b->threads : default_threads();
    if (b->shard.n)
        rhaz_boot_shard_range(bo.reps, (size_t)b->shard.k, (size_t)b->shard.n, &bo.first,
                              &bo.last);
    if (b->shard.n && bo.first == bo.last) {
        rc = cli_err_usage(err, "shard", "--shard %d/%d: %zu replicates in %d shards leave "
                                         "this one empty", b->shard.k, b->shard.n, bo.reps,
                           b->shard.n);
        goto done;
    }
    if (!(bt = rhaz_boot_run(m, &bo, &err->e))) {
        rc = cli_err_lib(err, NULL);
        goto done;
    }
    if (b->shard.n) {
        wr_ctx c = {.b = bt, .base = base, .k = (size_t)b->shard.k, .n = (size_t)b->shard.n};
        rc = write_out(o->out, "out", err, wr_part, &c);
        goto done;
    }
    if (!(s = rhaz_boot_result(base, bt, &err->e))) {
        rc = cli_err_lib(err, NULL);
        goto done;
    }
    rc = cli_boot_write(s, bt, o->out, o->also_text, o->format, o->exp, b->replicates, err);
done:
    rhaz_fit_summary_free(s);
    rhaz_fit_summary_free(base);
    rhaz_boot_free(bt);
    return rc;
}
