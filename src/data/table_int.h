/* table_int.h -- the CSV reader's entry for rhaz_table_read (table.c),
 * private to the library. */
#ifndef RHAZ_DATA_TABLE_INT_H
#define RHAZ_DATA_TABLE_INT_H

#include "rhaz.h"

/* rhaz_table_read_mem on a buffer holding the whole file that is not
 * needed afterwards: the pages already parsed are given back as the
 * parse goes on (the buffer's contents are lost).  If the table needs a
 * second pass over the input (a column turned text after numbers), NULL
 * with *again set: read the file again and use rhaz_table_read_mem. */
rhaz_table *rhaz_table_read_csv_(char *buf, size_t len, const char *name,
                                 const rhaz_csv_options *opt, int *again,
                                 rhaz_error *err);

#endif
