/* readfile.c -- one capped whole-file reader for every input the library
 * slurps (model files, fit JSON, small tables), and the mapping of large
 * CSV tables (core_map_file). */
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

rhaz_status core_read_file(const char *path, size_t max_bytes, const char *what,
                           char **buf_out, size_t *len_out, rhaz_error *err)
{
    *buf_out = NULL;
    *len_out = 0;
    if (!what)
        what = "file";
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return rhaz_error_set(err, RHAZ_EIO, path, 0, "cannot open: %s",
                              strerror(errno));
    /* A regular file is read in one piece into a buffer of its size (no
     * growing and copying); a pipe grows from 64 KiB.  Not mapped: only
     * large tables are (core_map_file, with its SIGBUS caveat). */
    size_t cap = (size_t)1 << 16, len = 0;
    struct stat st;
    int regular = 1;
    if (fstat(fileno(fp), &st) == 0 && !S_ISREG(st.st_mode)) {
        /* /dev/zero or a directory would be read to the cap (or fail
         * late with EISDIR): refused.  A pipe or socket is streamed under
         * a cap of at most 256 MiB. */
        if (S_ISDIR(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
            fclose(fp);
            return rhaz_error_set(err, RHAZ_EIO, path, 0,
                                  "not a regular file (%s)",
                                  S_ISDIR(st.st_mode) ? "a directory" : "a device");
        }
        regular = 0;
        if (max_bytes > (size_t)256 << 20)
            max_bytes = (size_t)256 << 20;
    }
    if (regular && fstat(fileno(fp), &st) == 0) {
        if ((size_t)st.st_size > max_bytes) {
            fclose(fp);
            return rhaz_error_set(err, RHAZ_ENOMEM, path, 0,
                                  "%s of %zu bytes exceeds the %zu-byte limit",
                                  what, (size_t)st.st_size, max_bytes);
        }
        cap = (size_t)st.st_size + 1; /* +1: EOF is seen without a regrow */
    }
    rhaz_status rc = RHAZ_OK;
    char *buf = malloc(cap + 1); /* + the terminating NUL */
    if (!buf) {
        rc = rhaz_error_set(err, RHAZ_ENOMEM, path, 0,
                            "out of memory reading the %s (%zu bytes)", what, cap + 1);
        goto done;
    }
    for (;;) {
        if (len == cap) {
            if (cap > max_bytes) {
                rc = rhaz_error_set(err, RHAZ_ENOMEM, path, 0,
                                    "%s exceeds the %zu-byte limit", regular ? what : "input from a pipe",
                                    max_bytes);
                goto done;
            }
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) {
                rc = rhaz_error_set(err, RHAZ_ENOMEM, path, 0,
                                    "out of memory reading the %s (%zu bytes)",
                                    what, 2 * cap + 1);
                goto done;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0) {
            if (ferror(fp)) {
                rc = rhaz_error_set(err, RHAZ_EIO, path, 0, "read error: %s",
                                    strerror(errno));
                goto done;
            }
            break;
        }
    }
    if (len > max_bytes) { /* grew while being read */
        rc = rhaz_error_set(err, RHAZ_ENOMEM, path, 0,
                            "%s exceeds the %zu-byte limit",
                            regular ? what : "input from a pipe", max_bytes);
        goto done;
    }
    buf[len] = '\0';
done:
    fclose(fp);
    if (rc) {
        free(buf);
        return rc;
    }
    *buf_out = buf;
    *len_out = len;
    return RHAZ_OK;
}

/* Large inputs (CSV tables) are mapped rather than read: reading a
 * 144 MB file into fresh memory took 84 ms of page zeroing and copying
 * before the parse could start, mapping it 13 ms (the page cache is read
 * in place, by the parse threads).  The price: a file truncated by
 * another process while it is being parsed ends the process with SIGBUS
 * (as in R's data.table::fread, which maps too); rhaz_cleanup_on_signals
 * then says so and removes the outputs' temporaries. */
#define MAP_MIN ((size_t)1 << 20)

rhaz_status core_map_file(const char *path, size_t max_bytes, const char *what,
                          const char **buf_out, size_t *len_out, int *mapped,
                          rhaz_error *err)
{
    *buf_out = NULL;
    *len_out = 0;
    *mapped = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        (size_t)st.st_size >= MAP_MIN && (size_t)st.st_size <= max_bytes) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            close(fd);
            *buf_out = m;
            *len_out = (size_t)st.st_size;
            *mapped = 1;
            return RHAZ_OK;
        }
    }
    if (fd >= 0)
        close(fd);
    char *b;
    rhaz_status rc = core_read_file(path, max_bytes, what, &b, len_out, err);
    *buf_out = b;
    return rc;
}

void core_file_release(const char *buf, size_t len, int mapped)
{
    if (mapped)
        munmap((void *)buf, len);
    else
        free((void *)buf);
}
