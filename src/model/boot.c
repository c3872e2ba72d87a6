/* boot.c -- bootstrap replicates (see rhaz/boot.h): the random stream of
 * each replicate, resampling rows or whole clusters into a private copy
 * of the design, the replicate loop on threads, shards and their merge.
 *
 * A run is a plan (what is resampled, made once) and workers (one per
 * thread, each with its own generator and buffers).  Workers take the
 * next replicate from an atomic counter and write its estimates and
 * status into its own slot, so the order replicates finish in does not
 * matter: every statistic is computed afterwards, in replicate order
 * (boot_stats.c). */
#include "model/boot_int.h"

#include "core/util.h"

#include <cblas.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random streams ---------------------------------------------------- */

static uint64_t splitmix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* MurmurHash3's finaliser: a bijection of 32-bit words */
static uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bU;
    h ^= h >> 13;
    h *= 0xc2b2ae35U;
    h ^= h >> 16;
    return h;
}

static void draw(gsl_rng *r, uint64_t seed, size_t k, size_t G, size_t *out)
{
    gsl_rng_set(r, fmix32((uint32_t)splitmix64(seed) + (uint32_t)k));
    for (size_t j = 0; j < G; j++)
        out[j] = gsl_rng_uniform_int(r, (unsigned long)G);
}

/* MT19937 gives 32-bit words: gsl_rng_uniform_int needs G <= 2^32 */
static int too_many_units(size_t G) { return (uint64_t)G > 0xffffffffULL; }

rhaz_status rhaz_boot_draws(uint64_t seed, size_t k, size_t n_units, size_t *out,
                            rhaz_error *err)
{
    if (k < 1 || n_units < 1 || too_many_units(n_units) || !out)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0,
                              "bootstrap draws: replicate %zu of %zu units", k, n_units);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory drawing bootstrap samples");
    draw(r, seed, k, n_units, out);
    gsl_rng_free(r);
    return RHAZ_OK;
}

void rhaz_boot_shard_range(size_t reps, size_t k, size_t n, size_t *first, size_t *last)
{
    if (n < 1 || k < 1 || k > n) {
        *first = *last = 0;
        return;
    }
    size_t q = reps / n, r = reps % n;
    *first = (k - 1) * q + (k - 1 < r ? k - 1 : r);
    *last = *first + q + (k - 1 < r ? 1 : 0);
}

/* ---- statuses ---------------------------------------------------------- */

static const char *const status_names[RHAZ_REP_NSTATUS] = {
    "ok", "error", "not converged", "separation", "term dropped"};

const char *rhaz_rep_status_name(rhaz_rep_status s)
{
    return (unsigned)s < RHAZ_REP_NSTATUS ? status_names[s] : "unknown";
}

rhaz_status rhaz_rep_status_parse(const char *name, rhaz_rep_status *out)
{
    for (int k = 0; name && k < RHAZ_REP_NSTATUS; k++)
        if (strcmp(name, status_names[k]) == 0) {
            *out = (rhaz_rep_status)k;
            return RHAZ_OK;
        }
    return RHAZ_ENOTFOUND;
}

/* ---- results ----------------------------------------------------------- */

void rhaz_boot_free(rhaz_boot *b)
{
    if (!b)
        return;
    if (b->terms)
        for (size_t j = 0; j < b->p; j++)
            free(b->terms[j]);
    free(b->terms);
    free(b->cluster_name);
    free(b->est);
    free(b->status);
    free(b->error);
    free(b);
}

rhaz_boot *rhaz_boot_new(size_t reps, size_t first, size_t last, size_t p,
                         const char *const *terms, uint64_t seed, int clustered,
                         size_t n_units, const char *cluster_name)
{
    if (last < first || last > reps)
        return NULL;
    size_t cnt = last - first;
    rhaz_boot *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->reps = reps;
    b->first = first;
    b->last = last;
    b->seed = seed;
    b->clustered = clustered;
    b->n_units = n_units;
    b->terms = calloc(p + 1, sizeof *b->terms);
    b->est = malloc((cnt * p + 1) * sizeof *b->est);
    b->status = malloc((cnt + 1) * sizeof *b->status);
    if (!b->terms || !b->est || !b->status ||
        (cluster_name && !(b->cluster_name = core_strdup(cluster_name)))) {
        rhaz_boot_free(b);
        return NULL;
    }
    b->p = p;
    for (size_t j = 0; j < p; j++)
        if (!(b->terms[j] = core_strdup(terms && terms[j] ? terms[j] : ""))) {
            rhaz_boot_free(b);
            return NULL;
        }
    for (size_t i = 0; i < cnt * p; i++)
        b->est[i] = NAN;
    for (size_t i = 0; i < cnt; i++)
        b->status[i] = RHAZ_REP_ERROR;
    return b;
}

static int same_run(const rhaz_boot *a, const rhaz_boot *b)
{
    if (a->reps != b->reps || a->p != b->p || a->seed != b->seed ||
        a->clustered != b->clustered || a->n_units != b->n_units ||
        strcmp(a->cluster_name ? a->cluster_name : "", b->cluster_name ? b->cluster_name : ""))
        return 0;
    for (size_t j = 0; j < a->p; j++)
        if (strcmp(a->terms[j], b->terms[j]) != 0)
            return 0;
    return 1;
}

rhaz_boot *rhaz_boot_merge(const rhaz_boot *const *parts, size_t n, rhaz_error *err)
{
    if (!parts || n < 1) {
        rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "bootstrap: no parts to merge");
        return NULL;
    }
    const rhaz_boot *a = parts[0];
    size_t *ord = malloc(n * sizeof *ord);
    if (!ord) {
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                       "out of memory merging bootstrap replicates (%zu parts)", n);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!same_run(a, parts[i])) {
            free(ord);
            rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                           "part %zu: another bootstrap run than part 1 (replicates, "
                           "seed, terms or resampled units differ)", i + 1);
            return NULL;
        }
        /* insertion sort by first replicate (few parts) */
        size_t k = i;
        while (k > 0 && parts[ord[k - 1]]->first > parts[i]->first) {
            ord[k] = ord[k - 1];
            k--;
        }
        ord[k] = i;
    }
    size_t next = 0;
    for (size_t i = 0; i < n; i++) {
        const rhaz_boot *b = parts[ord[i]];
        if (b->first != next) {
            rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                           b->first > next
                               ? "part %zu: replicates %zu to %zu are in no part (a shard "
                                 "is missing)"
                               : "part %zu: replicates %zu to %zu are in two parts (a "
                                 "shard given twice?)",
                           ord[i] + 1, (b->first > next ? next : b->first) + 1,
                           b->first > next ? b->first : next);
            free(ord);
            return NULL;
        }
        next = b->last;
    }
    if (next != a->reps) {
        rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                       "replicates %zu to %zu are in no part (a shard is missing)",
                       next + 1, a->reps);
        free(ord);
        return NULL;
    }
    rhaz_boot *m = rhaz_boot_new(a->reps, 0, a->reps, a->p, (const char *const *)a->terms,
                                 a->seed, a->clustered, a->n_units, a->cluster_name);
    if (!m) {
        free(ord);
        rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                       "out of memory merging bootstrap replicates (%zu parts)", n);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const rhaz_boot *b = parts[ord[i]];
        size_t cnt = b->last - b->first;
        memcpy(m->est + b->first * a->p, b->est, cnt * a->p * sizeof *m->est);
        memcpy(m->status + b->first, b->status, cnt * sizeof *m->status);
        if (!m->error && b->error && !(m->error = core_strdup(b->error))) {
            rhaz_boot_free(m);
            m = NULL;
            rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                           "out of memory merging bootstrap replicates (%zu parts)", n);
            break;
        }
    }
    free(ord);
    return m;
}

/* ---- the plan of a run ------------------------------------------------- */

typedef struct {
    const rhaz_boot_model *m;
    const boot_family *fam;
    const rhaz_design *d, *risk;
    size_t n;            /* rows the units are made of */
    size_t *ia, *ib;     /* cure: rows of d and risk of common row i */
    size_t G;            /* units drawn per replicate */
    size_t *ustart;      /* clusters: G + 1 offsets into urow; NULL: rows */
    size_t *urow;
    int nested;          /* strata nested in clusters: one per copy */
    unsigned char *zero_col; /* p: unwritten indicator columns (blocks_only) */
    const rhaz_fit_summary *base;
    rhaz_boot *out;
    atomic_size_t next;
    atomic_int fatal;
    pthread_mutex_t lock;
    rhaz_error fatal_err;
    size_t err_k;        /* replicate whose message out->error holds */
} plan;

/* rows of d and risk behind common row i */
static size_t row_d(const plan *pl, size_t i) { return pl->ia ? pl->ia[i] : i; }
static size_t row_r(const plan *pl, size_t i) { return pl->ib ? pl->ib[i] : i; }

static void plan_free(plan *pl)
{
    free(pl->ia);
    free(pl->ib);
    free(pl->ustart);
    free(pl->urow);
    free(pl->zero_col);
}

static rhaz_status plan_make(plan *pl, rhaz_error *err)
{
    const rhaz_design *d = pl->d, *r = pl->risk;
    pl->n = d->n;
    if (r) { /* cure: the rows complete in both designs (both in table order) */
        pl->ia = malloc((d->n + 1) * sizeof *pl->ia);
        pl->ib = malloc((d->n + 1) * sizeof *pl->ib);
        if (!pl->ia || !pl->ib)
            return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                                  "out of memory preparing the bootstrap (%zu rows)", d->n);
        size_t n = 0;
        for (size_t a = 0, b = 0; a < d->n && b < r->n;) {
            if (d->rows[a] == r->rows[b]) {
                pl->ia[n] = a++;
                pl->ib[n++] = b++;
            } else if (d->rows[a] < r->rows[b])
                a++;
            else
                b++;
        }
        pl->n = n;
    }
    if (pl->n < 1)
        return rhaz_error_set(err, RHAZ_EDATA, NULL, 0, "bootstrap: no rows to resample");
    pl->zero_col = calloc(d->p + 1, 1);
    if (!pl->zero_col)
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                              "out of memory preparing the bootstrap (%zu rows)", d->n);
    for (size_t b = 0; d->blocks_only && b < d->n_blocks; b++)
        for (size_t c = 0; c < d->blocks[b].ncol; c++)
            pl->zero_col[d->blocks[b].col + c] = 1;
    if (!d->cluster) {
        pl->G = pl->n;
        return too_many_units(pl->G)
                   ? rhaz_error_set(err, RHAZ_EDATA, NULL, 0, "bootstrap: too many rows")
                   : RHAZ_OK;
    }
    /* clusters present among the rows, renumbered in order of their ids */
    size_t K = d->n_clusters;
    long *map = malloc((K + 1) * sizeof *map);
    size_t *cnt = calloc(K + 1, sizeof *cnt);
    if (!map || !cnt) {
        free(map);
        free(cnt);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                              "out of memory preparing the bootstrap (%zu clusters)", K);
    }
    for (size_t i = 0; i < pl->n; i++)
        cnt[d->cluster[row_d(pl, i)]]++;
    size_t G = 0;
    for (size_t g = 0; g < K; g++)
        map[g] = cnt[g] ? (long)G++ : -1;
    pl->G = G;
    pl->ustart = calloc(G + 1, sizeof *pl->ustart);
    pl->urow = malloc((pl->n + 1) * sizeof *pl->urow);
    if (!pl->ustart || !pl->urow) {
        free(map);
        free(cnt);
        return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                              "out of memory preparing the bootstrap (%zu rows)", pl->n);
    }
    for (size_t g = 0; g < K; g++)
        if (map[g] >= 0)
            pl->ustart[map[g] + 1] = cnt[g];
    for (size_t g = 0; g < G; g++)
        pl->ustart[g + 1] += pl->ustart[g];
    memset(cnt, 0, (K + 1) * sizeof *cnt);
    for (size_t i = 0; i < pl->n; i++) { /* rows of a cluster in data order */
        size_t g = (size_t)map[d->cluster[row_d(pl, i)]];
        pl->urow[pl->ustart[g] + cnt[g]++] = i;
    }
    free(map);
    free(cnt);
    /* strata nested in clusters: every stratum's rows in one cluster */
    if (d->strata) {
        int *cl_of = malloc((d->n_strata + 1) * sizeof *cl_of);
        if (!cl_of)
            return rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0,
                                  "out of memory preparing the bootstrap (%zu strata)",
                                  d->n_strata);
        for (size_t s = 0; s < d->n_strata; s++)
            cl_of[s] = -1;
        pl->nested = 1;
        for (size_t i = 0; i < pl->n && pl->nested; i++) {
            size_t row = row_d(pl, i);
            int s = d->strata[row], c = d->cluster[row];
            if (cl_of[s] < 0)
                cl_of[s] = c;
            else if (cl_of[s] != c)
                pl->nested = 0;
        }
        free(cl_of);
    }
    return too_many_units(G) ? rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                                              "bootstrap: too many clusters")
                             : RHAZ_OK;
}

/* ---- workers ----------------------------------------------------------- */

typedef struct {
    plan *pl;
    gsl_rng *rng;
    size_t cap;          /* rows the buffers hold */
    size_t *draws;       /* G */
    size_t *src;         /* common row of each resampled row */
    size_t *copy;        /* draw index of each resampled row */
    double *X, *y, *w, *Z;
    int *strata, *codes;
    size_t *rows;
    struct rhaz_design_block *blocks;
    int *s_copy, *s_id;  /* nested strata: last copy seen, its new id */
} worker;

static void worker_free_rows(worker *w)
{
    free(w->src);
    free(w->copy);
    free(w->X);
    free(w->y);
    free(w->w);
    free(w->Z);
    free(w->strata);
    free(w->codes);
    free(w->rows);
    w->src = w->copy = w->rows = NULL;
    w->X = w->y = w->w = w->Z = NULL;
    w->strata = w->codes = NULL;
    w->cap = 0;
}

static void worker_free(worker *w)
{
    worker_free_rows(w);
    free(w->draws);
    free(w->blocks);
    free(w->s_copy);
    free(w->s_id);
    if (w->rng)
        gsl_rng_free(w->rng);
}

static int worker_init(worker *w, plan *pl)
{
    memset(w, 0, sizeof *w);
    w->pl = pl;
    const rhaz_design *d = pl->d;
    w->rng = gsl_rng_alloc(gsl_rng_mt19937);
    w->draws = malloc((pl->G + 1) * sizeof *w->draws);
    w->blocks = calloc(d->n_blocks + 1, sizeof *w->blocks);
    if (d->strata) {
        w->s_copy = malloc((d->n_strata + 1) * sizeof *w->s_copy);
        w->s_id = malloc((d->n_strata + 1) * sizeof *w->s_id);
    }
    return w->rng && w->draws && w->blocks && (!d->strata || (w->s_copy && w->s_id)) ? 0
                                                                                    : -1;
}

/* buffers for m rows (grown, never shrunk) */
static int worker_reserve(worker *w, size_t m)
{
    if (m <= w->cap)
        return 0;
    const plan *pl = w->pl;
    const rhaz_design *d = pl->d;
    size_t cap = m > 2 * w->cap ? m : 2 * w->cap;
    worker_free_rows(w);
    w->src = malloc(cap * sizeof *w->src);
    w->copy = malloc(cap * sizeof *w->copy);
    w->X = malloc((cap * d->p + 1) * sizeof *w->X);
    w->y = malloc((cap * d->ny + 1) * sizeof *w->y);
    w->rows = malloc(cap * sizeof *w->rows);
    int ok = w->src && w->copy && w->X && w->y && w->rows;
    if (ok && d->weights)
        ok = (w->w = malloc(cap * sizeof *w->w)) != NULL;
    if (ok && d->strata)
        ok = (w->strata = malloc(cap * sizeof *w->strata)) != NULL;
    if (ok && d->n_blocks)
        ok = (w->codes = malloc(cap * d->n_blocks * sizeof *w->codes)) != NULL;
    if (ok && pl->risk)
        ok = (w->Z = malloc((cap * pl->risk->p + 1) * sizeof *w->Z)) != NULL;
    if (!ok) {
        worker_free_rows(w);
        return -1;
    }
    w->cap = cap;
    return 0;
}

/* the resampled designs of the m rows in w->src */
static void make_view(worker *w, size_t m, rhaz_design *vd, rhaz_design *vr)
{
    const plan *pl = w->pl;
    const rhaz_design *d = pl->d;
    size_t n = d->n;
    *vd = *d;
    vd->n = vd->n_total = m;
    vd->X = w->X;
    for (size_t j = 0; j < d->p; j++) {
        double *to = w->X + j * m;
        const double *from = d->X + j * n;
        if (pl->zero_col[j])
            memset(to, 0, m * sizeof *to);
        else
            for (size_t i = 0; i < m; i++)
                to[i] = from[row_d(pl, w->src[i])];
    }
    vd->y = w->y;
    for (size_t k = 0; k < d->ny; k++)
        for (size_t i = 0; i < m; i++)
            w->y[k * m + i] = d->y[k * n + row_d(pl, w->src[i])];
    vd->weights = d->weights ? w->w : NULL;
    for (size_t i = 0; d->weights && i < m; i++)
        w->w[i] = d->weights[row_d(pl, w->src[i])];
    vd->cluster = vd->cluster2 = vd->cluster12 = NULL;
    vd->n_clusters = vd->n_clusters2 = vd->n_clusters12 = 0;
    vd->frailty = NULL;
    vd->n_frailty = 0;
    if (d->strata) {
        vd->strata = w->strata;
        if (pl->nested) { /* each copy of a cluster: its strata anew */
            int next = 0;
            for (size_t s = 0; s < d->n_strata; s++)
                w->s_copy[s] = -1;
            for (size_t i = 0; i < m; i++) {
                int s = d->strata[row_d(pl, w->src[i])];
                if (w->s_copy[s] != (int)w->copy[i]) {
                    w->s_copy[s] = (int)w->copy[i];
                    w->s_id[s] = next++;
                }
                w->strata[i] = w->s_id[s];
            }
            vd->n_strata = (size_t)next;
            vd->strata_labels = NULL; /* the copies have none */
        } else
            for (size_t i = 0; i < m; i++)
                w->strata[i] = d->strata[row_d(pl, w->src[i])];
    }
    vd->rows = w->rows;
    for (size_t i = 0; i < m; i++) /* cure matches rows: keep them increasing */
        w->rows[i] = pl->risk ? i : d->rows[row_d(pl, w->src[i])];
    vd->blocks = d->n_blocks ? w->blocks : NULL;
    for (size_t b = 0; b < d->n_blocks; b++) {
        w->blocks[b] = d->blocks[b];
        w->blocks[b].code = w->codes + b * m;
        for (size_t i = 0; i < m; i++)
            w->blocks[b].code[i] = d->blocks[b].code[row_d(pl, w->src[i])];
    }
    if (!pl->risk)
        return;
    const rhaz_design *r = pl->risk;
    *vr = *r;
    vr->n = vr->n_total = m;
    vr->X = w->Z;
    for (size_t j = 0; j < r->p; j++)
        for (size_t i = 0; i < m; i++)
            w->Z[j * m + i] = r->X[j * r->n + row_r(pl, w->src[i])];
    vr->y = NULL;
    vr->ny = 0;
    vr->weights = NULL;
    vr->cluster = vr->cluster2 = vr->cluster12 = NULL;
    vr->strata = NULL;
    vr->frailty = NULL;
    vr->rows = w->rows;
    vr->blocks = NULL;
    vr->n_blocks = 0;
}

/* note a fatal error (the first one wins) */
static void set_fatal(plan *pl, const rhaz_error *e)
{
    pthread_mutex_lock(&pl->lock);
    if (!atomic_load(&pl->fatal)) {
        pl->fatal_err = *e;
        atomic_store(&pl->fatal, 1);
    }
    pthread_mutex_unlock(&pl->lock);
}

static void run_one(worker *w, size_t k)
{
    plan *pl = w->pl;
    rhaz_boot *out = pl->out;
    size_t p = out->p, slot = k - out->first;
    draw(w->rng, out->seed, k + 1, pl->G, w->draws);
    size_t m = 0;
    for (size_t j = 0; j < pl->G; j++)
        m += pl->ustart ? pl->ustart[w->draws[j] + 1] - pl->ustart[w->draws[j]] : 1;
    rhaz_error e = {0};
    if (worker_reserve(w, m)) {
        rhaz_error_set(&e, RHAZ_ENOMEM, NULL, 0,
                       "out of memory in a bootstrap replicate (%zu rows)", m);
        set_fatal(pl, &e);
        return;
    }
    size_t i = 0;
    for (size_t j = 0; j < pl->G; j++) {
        size_t u = w->draws[j];
        if (!pl->ustart) {
            w->copy[i] = j;
            w->src[i++] = u;
            continue;
        }
        for (size_t q = pl->ustart[u]; q < pl->ustart[u + 1]; q++) {
            w->copy[i] = j;
            w->src[i++] = pl->urow[q];
        }
    }
    rhaz_design vd, vr;
    make_view(w, m, &vd, &vr);
    rhaz_fit_summary *s = pl->fam->fit(pl->m, &vd, pl->risk ? &vr : NULL,
                                       pl->fam->family == RHAZ_BOOT_COX ? vd.X : NULL, &e);
    int st = RHAZ_REP_OK;
    if (!s && e.status == RHAZ_ENOMEM) {
        set_fatal(pl, &e);
        return;
    }
    if (!s || s->p != p) {
        st = RHAZ_REP_ERROR;
        if (!s) {
            if (!e.msg[0]) /* (never e.msg into itself: overlapping snprintf) */
                snprintf(e.msg, sizeof e.msg, "the fit failed");
        } else
            snprintf(e.msg, sizeof e.msg, "the fit has %zu coefficients, not %zu", s->p, p);
        pthread_mutex_lock(&pl->lock);
        if (!out->error || k < pl->err_k) {
            char *msg = core_strdup(e.msg);
            if (msg) {
                free(out->error);
                out->error = msg;
                pl->err_k = k;
            }
        }
        pthread_mutex_unlock(&pl->lock);
    } else if (!s->converged)
        st = RHAZ_REP_NOT_CONVERGED;
    else if (s->stop == RHAZ_STOP_SEPARATION)
        st = RHAZ_REP_SEPARATION;
    for (size_t j = 0; s && s->p == p && j < p; j++) {
        const rhaz_coef *c = &s->coef[j];
        out->est[slot * p + j] = c->aliased ? NAN : c->estimate;
        if (st == RHAZ_REP_OK && !pl->base->coef[j].aliased &&
            (c->aliased || !isfinite(c->estimate)))
            st = RHAZ_REP_ALIASED;
    }
    out->status[slot] = st;
    rhaz_fit_summary_free(s);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    plan *pl = w->pl;
    for (;;) {
        if (atomic_load(&pl->fatal))
            break;
        size_t k = atomic_fetch_add(&pl->next, 1);
        if (k >= pl->out->last)
            break;
        run_one(w, k);
    }
    return NULL;
}

rhaz_boot *rhaz_boot_run(const rhaz_boot_model *m, const rhaz_boot_options *o,
                         rhaz_error *err)
{
    const boot_family *fam = boot_family_of_(m, err);
    if (!fam)
        return NULL;
    if (!o || o->reps < 2) {
        rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0, "bootstrap: at least 2 replicates, not %zu",
                       o ? o->reps : 0);
        return NULL;
    }
    size_t first = o->first, last = o->last;
    if (first == 0 && last == 0)
        last = o->reps;
    if (first > last || last > o->reps) {
        rhaz_error_set(err, RHAZ_EUSAGE, NULL, 0,
                       "bootstrap: replicates %zu to %zu are not within 1 to %zu",
                       first + 1, last, o->reps);
        return NULL;
    }
    /* a conditional logit's units are its matched sets: drawing rows
     * inside them duplicates or loses a set's event */
    if (fam->family == RHAZ_BOOT_CLOGIT && !m->design->cluster) {
        core_error_opt(err, RHAZ_EUSAGE, "cluster",
                       "bootstrap of a conditional logit resamples whole matched sets: "
                       "name the strata variable as the cluster");
        return NULL;
    }
    plan pl = {0};
    pl.m = m;
    pl.fam = fam;
    pl.d = m->design;
    pl.risk = m->risk;
    rhaz_fit_summary *base = NULL;
    rhaz_boot *out = NULL;
    worker *ws = NULL;
    pthread_t *tid = NULL;
    int *alive = NULL, lock_ok = 0;
    size_t ready = 0;
    if (plan_make(&pl, err))
        goto fail;
    /* the full-data fit: the terms, and which of them it estimated */
    if (!(base = fam->fit(m, m->design, m->risk, NULL, err)))
        goto fail;
    if (!base->converged || base->stop == RHAZ_STOP_SEPARATION) {
        rhaz_error_set(err, RHAZ_EDATA, NULL, 0,
                       "bootstrap: the fit to the full data %s; no replicates run",
                       base->converged ? "shows separation / a monotone likelihood"
                                       : "did not converge");
        goto fail;
    }
    const char **terms = malloc((base->p + 1) * sizeof *terms);
    if (!terms)
        goto nomem;
    for (size_t j = 0; j < base->p; j++)
        terms[j] = base->coef[j].term;
    out = rhaz_boot_new(o->reps, first, last, base->p, terms, o->seed,
                        m->design->cluster != NULL, pl.G,
                        m->design->cluster ? m->design->cluster_name : NULL);
    free(terms);
    if (!out)
        goto nomem;
    pl.base = base;
    pl.out = out;
    atomic_init(&pl.next, first);
    atomic_init(&pl.fatal, 0);
    if (pthread_mutex_init(&pl.lock, NULL) != 0)
        goto nomem;
    lock_ok = 1;
    size_t nt = o->threads > 1 ? (size_t)o->threads : 1;
    if (nt > last - first)
        nt = last - first > 0 ? last - first : 1;
    ws = calloc(nt, sizeof *ws);
    tid = calloc(nt, sizeof *tid);
    alive = calloc(nt, sizeof *alive);
    if (!ws || !tid || !alive)
        goto nomem;
    while (ready < nt && worker_init(&ws[ready], &pl) == 0)
        ready++;
    if (ready < nt)
        worker_free(&ws[ready]); /* the one that failed to initialise */
    if (ready == 0)
        goto nomem;
    /* each replicate's fit single-threaded: OpenBLAS's own threads would
     * compete with the replicate threads (and for these small products
     * cost more than they save); restored afterwards */
    int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    /* worker 0 is this thread; a thread that cannot start leaves its
     * replicates to the others */
    for (size_t t = 1; t < ready; t++)
        alive[t] = pthread_create(&tid[t], NULL, worker_main, &ws[t]) == 0;
    worker_main(&ws[0]);
    for (size_t t = 1; t < ready; t++)
        if (alive[t])
            pthread_join(tid[t], NULL);
    openblas_set_num_threads(blas_threads);
    if (atomic_load(&pl.fatal)) {
        if (err)
            *err = pl.fatal_err;
        goto fail;
    }
    goto done;
nomem:
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory running the bootstrap");
fail:
    rhaz_boot_free(out);
    out = NULL;
done:
    for (size_t t = 0; t < ready; t++)
        worker_free(&ws[t]);
    free(ws);
    free(tid);
    free(alive);
    if (lock_ok)
        pthread_mutex_destroy(&pl.lock);
    rhaz_fit_summary_free(base);
    plan_free(&pl);
    return out;
}
