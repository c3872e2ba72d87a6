/* table_read.c -- rhaz_table_read: a file by its extension, Stata, SPSS
 * and SAS files through ReadStat (readstat.c), everything else as CSV
 * (table.c).  It stands above both readers, so neither calls the other. */
#include "rhaz.h"
#include "core/util.h"
#include "data/table_int.h"

#include <stdlib.h>

rhaz_table *rhaz_table_read(const char *path, const rhaz_csv_options *opt,
                            rhaz_error *err)
{
    if (rhaz_table_format_of(path) != RHAZ_FORMAT_CSV)
        return rhaz_table_read_stat(path, opt, err);
    rhaz_error_clear(err);
    size_t maxb = opt && opt->max_bytes ? opt->max_bytes : (size_t)2 << 30;
    const char *buf;
    size_t len;
    int mapped;
    if (core_map_file(path, maxb, "file", &buf, &len, &mapped, err))
        return NULL;
    int again = 0;
    rhaz_table *t = rhaz_table_read_csv_(buf, len, path, opt, mapped, &again, err);
    if (again && mapped) { /* pages given back are read again from the file */
        t = rhaz_table_read_mem(buf, len, path, opt, err);
        again = 0;
    }
    core_file_release(buf, len, mapped);
    if (again) { /* a second pass: the first gave the input back */
        char *b;
        if (core_read_file(path, maxb, "file", &b, &len, err))
            return NULL;
        t = rhaz_table_read_mem(b, len, path, opt, err);
        free(b);
    }
    return t;
}
