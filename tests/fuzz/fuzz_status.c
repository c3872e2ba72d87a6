/* fuzz_status.c -- libFuzzer target for the UN status-file loader: the
 * input is parsed as the ICMW status file (4-13.csv) against the bundled
 * crosswalks, swapped in for the real one, and the participation queries
 * run on it (participation as of a date, parties by year, the participant
 * table).  Needs the bundled data/ (run from the repository root, or set
 * RHAZ_DATA). */
#include "rhaz.h"
#include "data/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static rhaz_data *d;
static size_t icmw;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    rhaz_error err;
    const char *dir = getenv("RHAZ_DATA");
    d = rhaz_data_open(dir && *dir ? dir : "data", &err);
    if (!d) {
        fprintf(stderr, "fuzz_status: %s\n", err.msg);
        abort();
    }
    size_t *idx = NULL, n = 0;
    if (rhaz_data_select(d, "icmw", &idx, &n, &err) != RHAZ_OK || n != 1)
        abort();
    icmw = idx[0];
    free(idx);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rhaz_error err;
    rhaz_csv_options o = {.mixed_as_text = 1, .max_bytes = 1 << 20, .max_field = 1 << 16};
    rhaz_table *t = rhaz_table_read_mem((const char *)data, size, "un-2015/4-13.csv", &o, &err);
    if (!t)
        return 0;
    rd_treaty saved = d->tr[icmw], tr;
    memset(&tr, 0, sizeof tr);
    tr.info = saved.info;
    tr.attr_row = saved.attr_row;
    if (rd_parse_status_table(d, &tr, t, &err) == RHAZ_OK) {
        d->tr[icmw] = tr;
        rhaz_date asof = {2010, 6, 30};
        rhaz_table *q = rhaz_data_participation(d, &icmw, 1, asof, &err);
        rhaz_table_free(q);
        q = rhaz_data_parties_by_year(d, &icmw, 1, 1990, 2015, &err);
        rhaz_table_free(q);
        q = rhaz_data_participants_table(d, &icmw, 1, &err);
        rhaz_table_free(q);
        for (size_t j = 0; j < rhaz_data_nparticipants(d, icmw); j++)
            (void)rhaz_data_participant(d, icmw, j);
        d->tr[icmw] = saved;
    }
    free(tr.p);
    strmap_free(&tr.by_iso);
    rhaz_table_free(t);
    return 0;
}
