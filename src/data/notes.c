/* notes.c -- what a rhaz_data owns besides its tables: strings kept for
 * its lifetime (rd_own) and the notes on names and rows the loaders and
 * the risk-set rules pass over (rd_note_add, counted by file, reason and
 * name).  Shared by load.c, risk.c and treatyfile.c. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *rd_own(rhaz_data *d, const char *s)
{
    if (!s)
        s = "";
    if (d->nstrings == d->capstrings) {
        size_t cap = d->capstrings ? 2 * d->capstrings : 256;
        char **n = realloc(d->strings, cap * sizeof *n);
        if (!n)
            return NULL;
        d->strings = n;
        d->capstrings = cap;
    }
    char *c = core_strdup(s);
    if (!c)
        return NULL;
    d->strings[d->nstrings++] = c;
    return c;
}

void rd_note_add(rhaz_data *d, const char *file, const char *reason,
                 const char *name)
{
    char key[1024];
    size_t k;
    snprintf(key, sizeof key, "%s\x01%s\x01%s", file, reason, name ? name : "");
    if (strmap_get(&d->note_map, key, &k)) {
        d->notes[k].count++;
        return;
    }
    if (d->nnotes == d->capnotes) {
        size_t cap = d->capnotes ? 2 * d->capnotes : 64;
        rd_note *n = realloc(d->notes, cap * sizeof *n);
        if (!n)
            return;
        d->notes = n;
        d->capnotes = cap;
    }
    rd_note *n = &d->notes[d->nnotes];
    n->file = rd_own(d, file);
    n->reason = rd_own(d, reason);
    n->name = rd_own(d, name ? name : "");
    n->count = 1;
    if (!n->file || !n->reason || !n->name)
        return;
    if (strmap_put(&d->note_map, key, d->nnotes) == 0)
        d->nnotes++;
}
