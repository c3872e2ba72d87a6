/* render.c -- running gnuplot on a figure script: the script and the
 * image go to temporaries, renamed into place only when gnuplot exits 0
 * and writes nothing on stderr (a warning is an error), so a failed
 * render leaves no partial image.  RHAZ_GNUPLOT names the program. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------- rendering ---------- */

/* Run gnuplot on script; stderr captured into errbuf.  0 when gnuplot
 * exited 0 and wrote nothing to stderr. */
static int run_gnuplot(const char *script, char *errbuf, size_t size)
{
    errbuf[0] = '\0';
    char errpath[] = "/tmp/rhaz-gnuplot-err.XXXXXX";
    int efd = mkstemp(errpath);
    if (efd < 0) {
        snprintf(errbuf, size, "cannot create a temporary file: %s",
                 strerror(errno));
        return -1;
    }
    const char *prog = getenv("RHAZ_GNUPLOT");
    if (!prog || !*prog)
        prog = "gnuplot";
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(errbuf, size, "fork failed: %s", strerror(errno));
        close(efd);
        unlink(errpath);
        return -1;
    }
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
        }
        dup2(efd, 2);
        execlp(prog, prog, script, (char *)NULL);
        dprintf(2, "cannot run %s: %s", prog, strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* gnuplot echoes the offending command, a caret line, then
     * '"FILE" line N: message': keep that last non-blank line */
    char tail[4096];
    off_t end = lseek(efd, 0, SEEK_END);
    off_t from = end > (off_t)sizeof tail - 1 ? end - (off_t)sizeof tail + 1
                                               : 0;
    ssize_t got = end > 0 ? pread(efd, tail, sizeof tail - 1, from) : 0;
    close(efd);
    unlink(errpath);
    if (got > 0) {
        tail[got] = '\0';
        char *e = tail + got;
        while (e > tail && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\r'))
            *--e = '\0';
        char *b = strrchr(tail, '\n');
        const char *last = b ? b + 1 : tail;
        size_t len = strlen(last);
        if (len > size - 1)
            len = size - 1;
        memcpy(errbuf, last, len);
        errbuf[len] = '\0';
        if (!errbuf[0])
            snprintf(errbuf, size, "gnuplot wrote blank lines on stderr");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (!errbuf[0])
            snprintf(errbuf, size, "gnuplot failed (status %d)", status);
        return -1;
    }
    return got > 0 ? -1 : 0;
}

/* gnuplot does not report a full disk: an image is accepted only when
 * it ends as its format ends (PNG: the IEND chunk; PDF and EPS: %%EOF;
 * SVG: </svg>).  NULL if complete, else what is wrong. */
static const char *image_incomplete(const char *path, rhaz_plot_format fmt)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return "gnuplot wrote no image";
    char tail[1025];
    off_t end = lseek(fd, 0, SEEK_END);
    off_t from = end > 1024 ? end - 1024 : 0;
    ssize_t got = end > 0 ? pread(fd, tail, 1024, from) : 0;
    close(fd);
    if (got <= 0)
        return "gnuplot wrote an empty image";
    tail[got] = '\0';
    const char *mark = NULL;
    size_t mlen = 0;
    switch (fmt) {
    case RHAZ_PLOT_PNG: mark = "IEND\xae\x42\x60\x82"; mlen = 8; break;
    case RHAZ_PLOT_PDF:
    case RHAZ_PLOT_EPS: mark = "%%EOF"; mlen = 5; break;
    case RHAZ_PLOT_SVG: mark = "</svg>"; mlen = 6; break;
    default: return NULL;
    }
    for (ssize_t i = got - (ssize_t)mlen; i >= 0; i--)
        if (memcmp(tail + i, mark, mlen) == 0)
            return NULL;
    return "the image is truncated";
}

/* Write the script for format fmt with `set output` = image into path. */
rhaz_status cli_plot_write_script(const rhaz_plot *p,
                                  const rhaz_plot_options *po,
                                  rhaz_plot_format fmt, const char *image,
                                  const char *path, rhaz_error *err)
{
    rhaz_plot_options o = *po;
    o.format = fmt;
    o.output = image;
    rhaz_outfile *f = rhaz_outfile_open(path, err);
    if (!f)
        return err->status;
    rhaz_status st = rhaz_plot_write(p, &o, rhaz_outfile_fp(f), err);
    if (st) {
        rhaz_outfile_abort(f);
        return st;
    }
    return rhaz_outfile_commit(f, err);
}

/* Render p into PREFIX.EXT: script to a temporary, image to a temporary,
 * renamed into place only when gnuplot succeeded silently. */
rhaz_status cli_plot_render(const rhaz_plot *p, const rhaz_plot_options *po,
                            const char *out, rhaz_plot_format fmt,
                            rhaz_error *err)
{
    const char *ext = rhaz_plot_format_name(fmt);
    size_t n = strlen(out) + 64;
    char *final = malloc(n), *tmpimg = malloc(n), *tmpgp = malloc(n);
    rhaz_status st = RHAZ_OK;
    if (!final || !tmpimg || !tmpgp) {
        st = rhaz_error_set(err, RHAZ_ENOMEM, NULL, 0, "out of memory rendering the figure");
        goto done;
    }
    snprintf(final, n, "%s.%s", out, ext);
    snprintf(tmpimg, n, "%s.%s.tmp%ld.%s", out, ext, (long)getpid(), ext);
    snprintf(tmpgp, n, "%s.%s.tmp%ld.gp", out, ext, (long)getpid());
    int s1 = rhaz_tmp_register(tmpimg, 0), s2 = rhaz_tmp_register(tmpgp, 0);
    if ((st = cli_plot_write_script(p, po, fmt, tmpimg, tmpgp, err))) {
        rhaz_tmp_unregister(s1);
        rhaz_tmp_unregister(s2);
        goto done;
    }
    char msg[700];
    int rc = run_gnuplot(tmpgp, msg, sizeof msg);
    const char *inc = rc == 0 ? image_incomplete(tmpimg, fmt) : NULL;
    if (inc) {
        /* the usual cause: the disk filled while gnuplot wrote */
        struct statvfs vs;
        char dir[1024];
        snprintf(dir, sizeof dir, "%s", tmpimg);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        int full = statvfs(slash ? (dir[0] ? dir : "/") : ".", &vs) == 0 &&
                   vs.f_bavail == 0;
        snprintf(msg, sizeof msg, "%s%s", inc, full ? ": No space left on device" : "");
        rc = -1;
    }
    if (rc != 0) {
        st = rhaz_error_set(err, RHAZ_EIO, final, 0, "rendering failed: %s",
                            msg);
    } else if (rename(tmpimg, final) != 0) {
        st = rhaz_error_set(err, RHAZ_EIO, final, 0, "cannot rename: %s",
                            strerror(errno));
    }
    unlink(tmpgp);
    if (st)
        unlink(tmpimg);
    rhaz_tmp_unregister(s1);
    rhaz_tmp_unregister(s2);
done:
    free(final);
    free(tmpimg);
    free(tmpgp);
    return st;
}

