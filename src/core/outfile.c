/* outfile.c -- atomic output files: temporary file, then rename.  An
 * existing path that is not a regular file (/dev/null, /dev/stdout, a
 * FIFO) is written in place: renaming over it would replace the device
 * with a file (as root, /dev/null itself). */
#include "rhaz.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct rhaz_outfile {
    FILE *fp;
    char *path; /* final path, NULL for stdout */
    char *tmp;  /* temporary path; NULL when written in place */
    int slot;   /* in the signal-cleanup registry, or -1 */
};

/* ---------- temporaries removed on SIGINT, SIGTERM, SIGHUP ----------
 * A fixed table of paths (copied in when registered, so the handler
 * reads no heap); the handler only calls unlink, signal, sigprocmask,
 * execve and raise, all async-signal-safe.  A directory is removed by
 * exec'ing "sh -c 'rm -rf DIR; kill -s SIG $$'" in place of the process
 * (a recursive walk is not async-signal-safe, and fork in a handler
 * deadlocks under sanitizers). */
#define TMP_SLOTS 64
#define TMP_PATH 1024
static char tmp_path[TMP_SLOTS][TMP_PATH];
static volatile sig_atomic_t tmp_used[TMP_SLOTS]; /* 0 free, 1 file, 2 dir */

int rhaz_tmp_register(const char *path, int is_dir)
{
    if (!path || strlen(path) >= TMP_PATH)
        return -1;
    for (int k = 0; k < TMP_SLOTS; k++)
        if (!tmp_used[k]) {
            memcpy(tmp_path[k], path, strlen(path) + 1);
            tmp_used[k] = is_dir ? 2 : 1;
            return k;
        }
    return -1;
}

void rhaz_tmp_unregister(int slot)
{
    if (slot >= 0 && slot < TMP_SLOTS)
        tmp_used[slot] = 0;
}

static void on_signal(int sig)
{
    if (sig == SIGBUS) {
        /* the likely cause: a mapped input (core_map_file) truncated by
         * another process while it was read */
        static const char msg[] = "rhaz: bus error: an input file was truncated or "
                                  "changed while it was being read\n";
        ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)w;
    }
    int dir = -1;
    for (int k = 0; k < TMP_SLOTS; k++) {
        if (tmp_used[k] == 1)
            unlink(tmp_path[k]);
        else if (tmp_used[k] == 2 && dir < 0)
            dir = k;
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    if (dir >= 0) {
        /* no fork in a handler (sanitizers' fork takes locks): this
         * process becomes a shell that removes the tree and then dies of
         * the same signal, so the parent still sees the signal */
        const char *name = sig == SIGINT ? "INT" : sig == SIGHUP ? "HUP"
                           : sig == SIGBUS ? "BUS" : "TERM";
        char *const argv[] = {"sh", "-c", "rm -rf -- \"$1\"; kill -s \"$2\" $$",
                              "sh", tmp_path[dir], (char *)name, NULL};
        char *const envp[] = {"PATH=/usr/bin:/bin", NULL};
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve("/bin/sh", argv, envp);
    }
    raise(sig);
}

rhaz_status rhaz_cleanup_on_signals(rhaz_error *err)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGBUS};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        sigaddset(&sa.sa_mask, sigs[k]);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
        struct sigaction old;
        /* keep an ignored signal ignored (nohup) */
        if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        if (sigaction(sigs[k], &sa, NULL) != 0)
            return rhaz_error_set(err, RHAZ_EIO, NULL, 0, "sigaction: %s",
                                  strerror(errno));
    }
    return RHAZ_OK;
}

rhaz_outfile *rhaz_outfile_open(const char *path, rhaz_error *err)
{
    rhaz_outfile *f = calloc(1, sizeof *f);
    if (!f) {
        rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory opening the output");
        return NULL;
    }
    f->slot = -1;
    if (!path || strcmp(path, "-") == 0) {
        f->fp = stdout;
        return f;
    }
    size_t n = strlen(path);
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        rhaz_error_set(err, RHAZ_EIO, path, 0, "cannot write output: a directory");
        free(f);
        return NULL;
    }
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        /* a device or FIFO: written in place, never renamed over */
        if (!(f->path = malloc(n + 1))) {
            rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory opening the output");
            free(f);
            return NULL;
        }
        memcpy(f->path, path, n + 1);
        if (!(f->fp = fopen(path, "w"))) {
            rhaz_error_set(err, RHAZ_EIO, path, 0, "cannot open output file: %s",
                           strerror(errno));
            free(f->path);
            free(f);
            return NULL;
        }
        return f;
    }
    f->path = malloc(n + 1);
    f->tmp = malloc(n + 16);
    if (!f->path || !f->tmp) {
        rhaz_error_set(err, RHAZ_ENOMEM, path, 0, "out of memory opening the output");
        goto fail;
    }
    memcpy(f->path, path, n + 1);
    snprintf(f->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(f->tmp);
    if (fd >= 0)
        f->slot = rhaz_tmp_register(f->tmp, 0);
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
    rhaz_tmp_unregister(f->slot);
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
    rhaz_tmp_unregister(f->slot);
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
            return rhaz_error_set(err, RHAZ_EIO, "<stdout>", 0, "write error: %s",
                              errno ? strerror(errno) : "I/O error");
        return RHAZ_OK;
    }
    int bad = ferror(f->fp);
    if (fflush(f->fp) != 0)
        bad = 1;
    if (fclose(f->fp) != 0)
        bad = 1;
    f->fp = NULL;
    if (bad && !f->tmp) {
        rhaz_error_set(err, RHAZ_EIO, f->path, 0, "write error: %s", strerror(errno));
        outfile_destroy(f);
        return RHAZ_EIO;
    }
    if (!f->tmp) { /* written in place */
        outfile_destroy(f);
        return RHAZ_OK;
    }
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
        if (f->tmp)
            unlink(f->tmp);
    }
    outfile_destroy(f);
}
