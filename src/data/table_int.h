/* table_int.h -- the CSV reader's entry for rhaz_table_read (table.c)
 * and the column storage shared with the ReadStat reader (readstat.c),
 * private to the library. */
#ifndef RHAZ_DATA_TABLE_INT_H
#define RHAZ_DATA_TABLE_INT_H

#include "rhaz.h"

/* rhaz_table_read_mem on a buffer holding the whole file that is not
 * needed afterwards: the pages already parsed are given back as the
 * parse goes on (the buffer's contents are lost, unless mapped: a
 * mapped file's pages are read again from the file if touched).  If the table needs a
 * second pass over the input (a column turned text after numbers), NULL
 * with *again set: read the file again and use rhaz_table_read_mem. */
rhaz_table *rhaz_table_read_csv_(const char *buf, size_t len, const char *name,
                                 const rhaz_csv_options *opt, int mapped, int *again,
                                 rhaz_error *err);

/* Resize a column's cells to nc rows: *off (text columns: offsets into
 * the column's string arena) when is_string, else *num.  0, or -1 when
 * out of memory (the old array kept). */
int rd_column_resize(double **num, size_t **off, int is_string, size_t nc);

#endif
