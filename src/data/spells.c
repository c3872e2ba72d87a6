/* spells.c -- spells of a unit-period panel as spduration's add_duration
 * builds them (R package spduration, Beger et al. 2017); the rule is in
 * include/rhaz/spells.h.  One stable sort of the rows by (unit, time),
 * then one pass per unit.  Ongoing rows (the second and later 1s of a
 * run) belong to no spell: spduration codes them NA and its fits drop
 * them.
 */
#include "rhaz/spells.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int unit;
    double time;
    size_t row;
} key;

static int key_cmp(const void *a, const void *b)
{
    const key *x = a, *y = b;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

void rhaz_spells_free(rhaz_spells *s)
{
    if (!s)
        return;
    free(s->failure);
    free(s->ongoing);
    free(s->end_spell);
    free(s->atrisk);
    free(s->censor);
    free(s->duration);
    free(s->t0);
    free(s->spell);
    free(s);
}

rhaz_spells *rhaz_spells_build(size_t n, const int *unit, const double *time,
                               const double *y, rhaz_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(time[i]) || isnan(y[i])) {
            core_error_row(err, RHAZ_EDATA, i + 1,
                           "spells: row %zu: missing time or event", i + 1);
            return NULL;
        }
        if (y[i] != 0 && y[i] != 1) {
            core_error_row(err, RHAZ_EDATA, i + 1,
                           "spells: row %zu: event %g must be 0 or 1", i + 1, y[i]);
            return NULL;
        }
    }
    rhaz_spells *s = calloc(1, sizeof *s);
    key *k = malloc((n + 1) * sizeof *k);
    if (!s || !k)
        goto nomem;
    s->n = n;
    double **cols[] = {&s->failure, &s->ongoing, &s->end_spell, &s->atrisk,
                       &s->censor, &s->duration, &s->t0, &s->spell};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        if (!(*cols[c] = malloc((n + 1) * sizeof(double))))
            goto nomem;
    for (size_t i = 0; i < n; i++)
        k[i] = (key){unit[i], time[i], i};
    qsort(k, n, sizeof *k, key_cmp);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && k[b].unit == k[a].unit)
            b++;
        double last = k[b - 1].time;
        /* failure, ongoing, end of spell */
        for (size_t r = a; r < b; r++) {
            size_t i = k[r].row;
            double f = r == a ? y[i] : fmax(0, y[i] - y[k[r - 1].row]);
            int ong = y[i] == 1 && f == 0;
            s->ongoing[i] = ong;
            if (ong) {
                s->n_ongoing++;
                s->failure[i] = s->end_spell[i] = s->atrisk[i] = NAN;
                s->censor[i] = s->duration[i] = s->t0[i] = s->spell[i] = NAN;
                continue;
            }
            s->failure[i] = f;
            s->end_spell[i] = f == 1 || k[r].time == last;
        }
        /* spells: runs of non-ongoing rows closed by an end_spell row */
        size_t r = a;
        while (r < b) {
            while (r < b && s->ongoing[k[r].row])
                r++;
            if (r >= b)
                break;
            size_t e = r;
            while (e < b && (s->ongoing[k[e].row] || !s->end_spell[k[e].row]))
                e++;
            if (e >= b) /* cannot happen: the unit's last row ends a spell */
                e = b - 1;
            double fail = s->failure[k[e].row];
            s->n_spells++;
            s->n_failures += fail == 1;
            double dur = 0;
            for (size_t q = r; q <= e; q++) {
                size_t i = k[q].row;
                if (s->ongoing[i])
                    continue;
                dur++;
                s->duration[i] = dur;
                s->t0[i] = dur - 1;
                s->atrisk[i] = fail == 1;
                s->censor[i] = q == e && fail != 1;
                s->spell[i] = (double)s->n_spells;
            }
            r = e + 1;
        }
        a = b;
    }
    free(k);
    return s;
nomem:
    free(k);
    rhaz_spells_free(s);
    rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "spells: out of memory building spells (%zu rows)",
                   n);
    return NULL;
}
