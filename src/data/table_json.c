/* table_json.c -- a table as JSON (an array of row objects), through
 * json-c: the one table-to-JSON writer of the library. */
#include "core/util.h"
#include "rhaz.h"

#include <json-c/json.h>
#include <math.h>

json_object *rhaz_table_to_json(const rhaz_table *t, rhaz_error *err)
{
    int oom = 0;
    json_object *rows = json_object_new_array();
    size_t nr = rhaz_table_nrow(t), nc = rhaz_table_ncol(t);
    for (size_t i = 0; i < nr && rows && !oom; i++) {
        json_object *r = core_json_child(rows, NULL, 0, &oom);
        for (size_t j = 0; j < nc && !oom; j++) {
            const char *name = rhaz_table_colname(t, j);
            if (rhaz_table_coltype(t, j) == RHAZ_COL_NUMERIC)
                core_json_num(r, name, rhaz_table_num(t, j)[i], &oom);
            else
                core_json_str(r, name, rhaz_table_str(t, j, i), &oom);
        }
    }
    if (!rows || oom) {
        json_object_put(rows);
        rhaz_error_set(err, RHAZ_ENOMEM, rhaz_table_name(t), 0,
                       "out of memory writing the table as JSON");
        return NULL;
    }
    return rows;
}

rhaz_status rhaz_table_write_json(const rhaz_table *t, FILE *fp, rhaz_error *err)
{
    json_object *v = rhaz_table_to_json(t, err);
    if (!v)
        return err ? err->status : RHAZ_ENOMEM;
    rhaz_status st = rhaz_json_write(fp, v, err);
    json_object_put(v);
    return st;
}
