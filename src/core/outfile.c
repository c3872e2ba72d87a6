/* outfile.c -- atomic output files: temporary file, then rename. */
#include "rhaz.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct rhaz_outfile {
    FILE *fp;
    char *path; /* final path, NULL for stdout */
    char *tmp;  /* temporary path */
};

rhaz_outfile *rhaz_outfile_open(const char *path, rhaz_error *err)
{
    rhaz_outfile *f = calloc(1, sizeof *f);
    if (!f) {
        rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory");
        return NULL;
    }
    if (!path || strcmp(path, "-") == 0) {
        f->fp = stdout;
        return f;
    }
    size_t n = strlen(path);
    f->path = malloc(n + 1);
    f->tmp = malloc(n + 16);
    if (!f->path || !f->tmp) {
        rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory");
        goto fail;
    }
    memcpy(f->path, path, n + 1);
    snprintf(f->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        rhaz_error_set(err, RHAZ_EIO, path, 0, "cannot create output file: %s",
                       strerror(errno));
        free(f->tmp);
        f->tmp = NULL;
        goto fail;
    }
    mode_t um = umask(0);
    umask(um);
    if (fchmod(fd, 0666 & ~um) != 0) { /* mkstemp makes 0600 files */
        rhaz_error_set(err, RHAZ_EIO, path, 0, "cannot set file mode: %s",
                       strerror(errno));
        close(fd);
        goto fail;
    }
    f->fp = fdopen(fd, "w");
    if (!f->fp) {
        rhaz_error_set(err, RHAZ_EIO, path, 0, "cannot open output file: %s",
                       strerror(errno));
        close(fd);
        goto fail;
    }
    return f;
fail:
    if (f->tmp)
        unlink(f->tmp);
    free(f->tmp);
    free(f->path);
    free(f);
    return NULL;
}

FILE *rhaz_outfile_fp(rhaz_outfile *f) { return f ? f->fp : NULL; }

static void outfile_destroy(rhaz_outfile *f)
{
    free(f->path);
    free(f->tmp);
    free(f);
}

rhaz_status rhaz_outfile_commit(rhaz_outfile *f, rhaz_error *err)
{
    if (!f)
        return rhaz_error_set(err, RHAZ_EINVAL, NULL, 0, "no output file");
    if (!f->path) { /* stdout */
        int bad = fflush(f->fp) != 0 || ferror(f->fp);
        outfile_destroy(f);
        if (bad)
            return rhaz_error_set(err, RHAZ_EIO, "<stdout>", 0, "write error");
        return RHAZ_OK;
    }
    int bad = ferror(f->fp);
    if (fflush(f->fp) != 0)
        bad = 1;
    if (fclose(f->fp) != 0)
        bad = 1;
    f->fp = NULL;
    if (bad) {
        unlink(f->tmp);
        rhaz_error_set(err, RHAZ_EIO, f->path, 0, "write error: %s",
                       strerror(errno));
        outfile_destroy(f);
        return RHAZ_EIO;
    }
    if (rename(f->tmp, f->path) != 0) {
        rhaz_error_set(err, RHAZ_EIO, f->path, 0, "cannot rename output: %s",
                       strerror(errno));
        unlink(f->tmp);
        outfile_destroy(f);
        return RHAZ_EIO;
    }
    outfile_destroy(f);
    return RHAZ_OK;
}

void rhaz_outfile_abort(rhaz_outfile *f)
{
    if (!f)
        return;
    if (f->path) {
        if (f->fp)
            fclose(f->fp);
        unlink(f->tmp);
    }
    outfile_destroy(f);
}
