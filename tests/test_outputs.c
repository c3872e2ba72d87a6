/* test_outputs.c -- nothing partial on a full disk or an interrupt.
 *
 *   full disk   a 1 MiB tmpfs mounted by the test (root only; skipped with
 *               the reason otherwise): every command that writes exits 1
 *               with "No space left on device", leaves no output and no
 *               temporary, keeps an older file; stdout redirected there
 *               too; figures whose image gnuplot truncated are refused.
 *   signals     a child writing a big output file dies of SIGTERM/SIGHUP:
 *               its temporary is gone and the old file is intact; `plot`
 *               interrupted while gnuplot runs (a slow fake gnuplot)
 *               leaves neither the script nor the image temporaries.
 *   rhaz run    a failing run into an existing folder leaves it as it was;
 *               a good one replaces it as a whole.
 *   plot --out  a directory is refused.
 */
#include "harness.h"
#include "rhaz.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* entries of dir whose name contains sub */
static int count_entries(const char *dir, const char *sub)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
            (!sub || strstr(e->d_name, sub)))
            n++;
    closedir(d);
    return n;
}

static void write_text(const char *path, const char *s)
{
    FILE *fp = fopen(path, "w");
    if (fp) {
        fputs(s, fp);
        fclose(fp);
    }
}

static void test_full_disk(void)
{
    T_SECTION("full disk");
    if (geteuid() != 0) {
        printf("skip: full-disk cases need root to mount a tmpfs\n");
        return;
    }
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/rhaz-full.%d", (int)getpid());
    mkdir(dir, 0755);
    if (mount("tmpfs", dir, "tmpfs", 0, "size=1m") != 0) {
        printf("skip: full-disk cases: cannot mount a tmpfs on %s (%s)\n", dir,
               strerror(errno));
        rmdir(dir);
        return;
    }
    char old[128], fill[128], cmd[1024], *err = NULL;
    snprintf(old, sizeof old, "%s/old.csv", dir);
    write_text(old, "kept\n");
    /* 3 MB panel into 1 MiB */
    snprintf(cmd, sizeof cmd, "panel --treaty core --out %s/old.csv", dir);
    T_EQ_INT(t_run(cmd, NULL, &err), 1, "panel on a full disk: exit 1");
    T_CHECK(err && strstr(err, "No space left on device"), "panel: '%s'", err ? err : "");
    free(err);
    char *kept = t_slurp(old);
    T_CHECK(kept && strcmp(kept, "kept\n") == 0, "older file kept");
    free(kept);
    T_EQ_INT(count_entries(dir, ".tmp"), 0, "no temporary left");
    /* fill all but ~6 KB: a script fits, a PNG does not */
    snprintf(fill, sizeof fill, "%s/fill", dir);
    snprintf(cmd, sizeof cmd, "dd if=/dev/zero of=%s bs=1k count=1100 2>/dev/null; "
                              "rm -f %s; dd if=/dev/zero of=%s bs=1k count=1010 2>/dev/null",
             fill, fill, fill);
    T_CHECK(system(cmd) >= 0, "fill");
    snprintf(cmd, sizeof cmd, "plot km --input tests/data/plot/km.csv --out %s/fig", dir);
    int rc = t_run(cmd, NULL, &err);
    T_EQ_INT(rc, 1, "plot km on a full disk: exit 1");
    T_CHECK(err && strstr(err, "No space left on device"), "plot: '%s'", err ? err : "");
    free(err);
    T_EQ_INT(count_entries(dir, ".png"), 0, "no PNG (truncated or not) left");
    T_EQ_INT(count_entries(dir, ".tmp"), 0, "no temporary left after plot");
    /* now completely full */
    snprintf(cmd, sizeof cmd, "dd if=/dev/zero of=%s/fill2 bs=1k count=64 2>/dev/null", dir);
    T_CHECK(system(cmd) >= 0, "fill more");
    static const char *const writers[] = {
        "fit logit --data tests/fixtures/glm_panel.csv --formula 'y ~ oecd' --format json --out %s/f.json",
        "fit cox --data tests/fixtures/cox_test2.csv --formula 'Surv(start,stop,event) ~ x' --out %s/c.txt",
        "km --data tests/fixtures/cox_test2.csv --formula 'Surv(start,stop,event) ~ 1' --format csv --out %s/k.csv",
        "table tests/data/plot/fit_logit.json --out %s/t.txt",
        "describe --out %s/d.txt tests/fixtures/cox_test1.csv",
        "participation --asof 2001 --treaties core --out %s/p.txt",
    };
    for (size_t k = 0; k < sizeof writers / sizeof *writers; k++) {
        char c2[1024];
        snprintf(c2, sizeof c2, writers[k], dir);
        rc = t_run(c2, NULL, &err);
        T_EQ_INT(rc, 1, c2);
        T_CHECK(err && t_count_lines(err) == 1 && strstr(err, "No space left on device"),
                "%s: '%s'", c2, err ? err : "");
        free(err);
    }
    /* stdout redirected to the full disk */
    char errf[128];
    snprintf(errf, sizeof errf, "%s.err", dir);
    snprintf(cmd, sizeof cmd, "%s treaties > %s/t.txt 2> %s", t_rhaz(), dir, errf);
    rc = system(cmd);
    T_CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 1, "treaties > full disk: exit 1");
    err = t_slurp(errf);
    T_CHECK(err && strstr(err, "<stdout>: write error: No space left on device"),
            "stdout: '%s'", err ? err : "");
    free(err);
    remove(errf);
    T_EQ_INT(count_entries(dir, ".tmp"), 0, "no temporaries left");
    /* old.csv, fill, fill2, the complete fig.gp, the shell's t.txt */
    T_EQ_INT(count_entries(dir, NULL), 5, "no other file");
    T_EQ_INT(count_entries(dir, "fig.gp"), 1, "the (complete) script of plot km");
    umount(dir);
    rmdir(dir);
}

/* A mapped CSV input (core_map_file: 1 MiB or more) truncated while it is
 * read: the access past the new end raises SIGBUS, and the handler of
 * rhaz_cleanup_on_signals says so on one line, removes the temporaries
 * of the open outputs and dies of SIGBUS (no partial output file). */
static void test_sigbus(void)
{
    T_SECTION("SIGBUS: a mapped input truncated while read");
    const char *in = t_tmp("bus-in.csv"), *out = t_tmp("bus-out.csv"), *log = t_tmp("bus.log");
    FILE *fp = fopen(in, "w");
    if (!fp)
        return;
    for (int i = 0; i < 200000; i++) /* ~4 MB: mapped */
        fprintf(fp, "%d,%d.5\n", i, i % 97);
    fclose(fp);
    write_text(out, "old\n");
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit nocore = {0, 0};
        setrlimit(RLIMIT_CORE, &nocore);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        signal(SIGBUS, SIG_DFL);
        rhaz_cleanup_on_signals(NULL);
        rhaz_outfile *f = rhaz_outfile_open(out, NULL);
        fputs("partial,output\n", rhaz_outfile_fp(f));
        fflush(rhaz_outfile_fp(f));
        const char *buf;
        size_t len;
        int mapped = 0;
        if (core_map_file(in, (size_t)1 << 30, "file", &buf, &len, &mapped, NULL) || !mapped)
            _exit(3);
        if (truncate(in, 0) != 0)
            _exit(4);
        volatile char c = buf[len - 1]; /* past the new end: SIGBUS */
        (void)c;
        _exit(0); /* not reached */
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS, "died of SIGBUS (status %d)", st);
    char *s = t_slurp(out), *msg = t_slurp(log);
    T_CHECK(s && strcmp(s, "old\n") == 0, "the old output kept");
    T_CHECK(msg && strstr(msg, "truncated or changed while it was being read") &&
                strchr(msg, '\n') == msg + strlen(msg) - 1,
            "one line on stderr: %s", msg ? msg : "(none)");
    T_EQ_INT(count_entries("/tmp", strrchr(out, '/') + 1) - 1, 0, "temporary removed");
    free(s);
    free(msg);
    remove(in);
    remove(out);
    remove(log);
}

static void test_signals(void)
{
    T_SECTION("signals");
    const char *path = t_tmp("sig.csv");
    static const int sigs[] = {SIGTERM, SIGHUP, SIGINT};
    for (size_t k = 0; k < sizeof sigs / sizeof *sigs; k++) {
        write_text(path, "old\n");
        pid_t pid = fork();
        if (pid == 0) {
            signal(sigs[k], SIG_DFL);
            rhaz_cleanup_on_signals(NULL);
            rhaz_outfile *f = rhaz_outfile_open(path, NULL);
            FILE *fp = rhaz_outfile_fp(f);
            for (int i = 0; i < 200000; i++) /* a big write, 20 MB */
                fputs("1234567890,1234567890,1234567890,1234567890,1234567890,"
                      "1234567890,1234567890,1234567890,12345678\n", fp);
            fflush(fp);
            raise(sigs[k]);
            _exit(0); /* not reached */
        }
        int st = 0;
        waitpid(pid, &st, 0);
        T_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sigs[k], "died of signal %d", sigs[k]);
        char *s = t_slurp(path);
        T_CHECK(s && strcmp(s, "old\n") == 0, "old file kept (signal %d)", sigs[k]);
        free(s);
        T_EQ_INT(count_entries("/tmp", strrchr(path, '/') + 1) - 1, 0,
                 "temporary removed");
    }
    remove(path);
    /* plot interrupted while (a slow fake) gnuplot runs */
    const char *fake = t_tmp("slow-gnuplot.sh"), *pidf = t_tmp("slow-gnuplot.pid");
    char body[512];
    snprintf(body, sizeof body, "#!/bin/sh\necho $$ > %s\nexec sleep 30\n", pidf);
    write_text(fake, body);
    chmod(fake, 0755);
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/rhaz-sigplot.%d", (int)getpid());
    mkdir(dir, 0755);
    pid_t pid = fork();
    if (pid == 0) {
        char out[128];
        snprintf(out, sizeof out, "%s/fig", dir);
        setenv("RHAZ_GNUPLOT", fake, 1);
        int nul = open("/dev/null", O_WRONLY);
        dup2(nul, 2);
        execl(t_rhaz(), "rhaz", "plot", "km", "--input", "tests/data/plot/km.csv",
              "--out", out, (char *)NULL);
        _exit(127);
    }
    int seen = 0;
    for (int i = 0; i < 1000 && !seen; i++) { /* up to 10 s */
        usleep(10000);
        seen = access(pidf, F_OK) == 0;
    }
    T_CHECK(seen, "fake gnuplot started");
    int before = count_entries(dir, ".tmp");
    kill(pid, SIGTERM);
    int st = 0;
    waitpid(pid, &st, 0);
    T_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "plot died of SIGTERM");
    T_CHECK(before >= 1, "temporaries existed while rendering (%d)", before);
    T_EQ_INT(count_entries(dir, ".tmp"), 0, "no temporaries after the signal");
    T_EQ_INT(count_entries(dir, ".png"), 0, "no image");
    char *gp = t_slurp(pidf);
    if (gp) {
        kill((pid_t)atoi(gp), SIGKILL);
        free(gp);
    }
    remove(pidf);
    remove(fake);
    char sh[256];
    snprintf(sh, sizeof sh, "rm -rf %s", dir);
    T_CHECK(system(sh) == 0, "cleanup");
}

/* rhaz run interrupted while a figure renders (slow fake gnuplot): the
 * temporary run folder is removed, the old output folder is untouched */
static void test_run_signal(void)
{
    T_SECTION("run interrupted");
    char dir[64], model[96], marker[128], fake[96], pidf[96], body[256];
    snprintf(dir, sizeof dir, "/tmp/rhaz-runsig.%d", (int)getpid());
    snprintf(model, sizeof model, "%s.model", dir);
    snprintf(marker, sizeof marker, "%s/old.txt", dir);
    snprintf(fake, sizeof fake, "%s.gnuplot", dir);
    snprintf(pidf, sizeof pidf, "%s.pid", dir);
    mkdir(dir, 0755);
    write_text(marker, "old\n");
    /* a model file's relative paths are relative to its folder (/tmp) */
    char cwd[1024], mtext[1400];
    T_CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
    snprintf(mtext, sizeof mtext,
             "[model m]\ntype = logit\ndata = %s/tests/fixtures/glm_panel.csv\n"
             "formula = y ~ oecd\n\n[figure f]\nkind = coef\nmodels = m\n", cwd);
    write_text(model, mtext);
    snprintf(body, sizeof body, "#!/bin/sh\necho $$ > %s\nexec sleep 30\n", pidf);
    write_text(fake, body);
    chmod(fake, 0755);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("RHAZ_GNUPLOT", fake, 1);
        int nul = open("/dev/null", O_WRONLY);
        dup2(nul, 2);
        execl(t_rhaz(), "rhaz", "run", "--quiet", "--out", dir, model, (char *)NULL);
        _exit(127);
    }
    int seen = 0;
    for (int i = 0; i < 1000 && !seen; i++) {
        usleep(10000);
        seen = access(pidf, F_OK) == 0;
    }
    T_CHECK(seen, "run reached the figure");
    T_EQ_INT(count_entries("/tmp", ".tmp.") >= 1, 1, "a temporary run folder while running");
    kill(pid, SIGTERM);
    int st = 0;
    waitpid(pid, &st, 0);
    T_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "run died of SIGTERM");
    char *s = t_slurp(marker);
    T_CHECK(s && strcmp(s, "old\n") == 0, "old folder untouched");
    free(s);
    T_EQ_INT(count_entries(dir, NULL), 1, "nothing new in the old folder");
    char pre[64];
    snprintf(pre, sizeof pre, "rhaz-runsig.%d.tmp.", (int)getpid());
    T_EQ_INT(count_entries("/tmp", pre), 0, "temporary run folder removed");
    char *gp = t_slurp(pidf);
    if (gp) {
        kill((pid_t)atoi(gp), SIGKILL);
        free(gp);
    }
    char sh[400];
    snprintf(sh, sizeof sh, "rm -rf %s %s %s %s", dir, model, fake, pidf);
    T_CHECK(system(sh) == 0, "cleanup");
}

static void test_plot_out_dir(void)
{
    T_SECTION("plot --out DIR");
    char *err = NULL;
    T_EQ_INT(t_run("plot km --input tests/data/plot/km.csv --render none --out /tmp/", NULL, &err),
             2, "--out DIR/ refused");
    T_CHECK(err && strstr(err, "is a directory"), "named: %s", err ? err : "");
    free(err);
    T_EQ_INT(t_run("plot km --input tests/data/plot/km.csv --render none --out /tmp", NULL, NULL),
             2, "--out DIR refused");
    T_CHECK(access("/tmp/.gp", F_OK) != 0, "no /tmp/.gp");
}

static void test_run_atomic(void)
{
    T_SECTION("run into an existing folder");
    char dir[64], marker[96], cmd[1400], cwd2[1024];
    snprintf(dir, sizeof dir, "/tmp/rhaz-runout.%d", (int)getpid());
    mkdir(dir, 0755);
    snprintf(marker, sizeof marker, "%s/panel.csv", dir);
    write_text(marker, "old panel\n");
    snprintf(cmd, sizeof cmd, "run --quiet --out %s tests/bad/stray.model", dir);
    T_EQ_INT(t_run(cmd, NULL, NULL), 1, "failing run: exit 1");
    char *s = t_slurp(marker);
    T_CHECK(s && strcmp(s, "old panel\n") == 0, "old folder untouched");
    free(s);
    T_EQ_INT(count_entries(dir, NULL), 1, "nothing new in the old folder");
    T_EQ_INT(count_entries("/tmp", strrchr(dir, '/') + 1), 1, "no temporary folder left");
    /* a successful run replaces the folder as a whole */
    snprintf(cmd, sizeof cmd,
             "printf '[model m]\\ntype = logit\\ndata = %s/tests/fixtures/glm_panel.csv\\n"
             "formula = y ~ oecd\\n' > %s.model", getcwd(cwd2, sizeof cwd2), dir);
    T_CHECK(system(cmd) == 0, "model file");
    snprintf(cmd, sizeof cmd, "run --quiet --out %s %s.model", dir, dir);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "good run: exit 0");
    T_CHECK(access(marker, F_OK) != 0, "old panel.csv gone with the old folder");
    snprintf(marker, sizeof marker, "%s/models/m.json", dir);
    T_CHECK(access(marker, F_OK) == 0, "new outputs in place");
    T_EQ_INT(count_entries("/tmp", strrchr(dir, '/') + 1), 2, "no temporary or old folder left");
    snprintf(cmd, sizeof cmd, "rm -rf %s %s.model", dir, dir);
    T_CHECK(system(cmd) == 0, "cleanup");
}

/* --out naming a FIFO (as /dev/null or /dev/stdout): written in place,
 * never renamed over (as root, a rename replaced /dev/null with a
 * regular file); a directory is refused */
static void test_out_special(void)
{
    T_SECTION("--out a FIFO or a directory");
    char fifo[64], got[80], cmd[512];
    snprintf(fifo, sizeof fifo, "/tmp/rhaz-fifo.%d", (int)getpid());
    snprintf(got, sizeof got, "%s.got", fifo);
    unlink(fifo);
    T_CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
    snprintf(cmd, sizeof cmd, "cat %s > %s &", fifo, got);
    T_CHECK(system(cmd) == 0, "reader started");
    snprintf(cmd, sizeof cmd, "fit logit --data tests/fixtures/glm_panel.csv "
             "--formula 'y ~ oecd' --out %s", fifo);
    T_EQ_INT(t_run(cmd, NULL, NULL), 0, "written into the FIFO");
    struct stat sb;
    T_CHECK(stat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode), "still a FIFO");
    for (int k = 0; k < 50; k++) { /* the reader finishes */
        char *s = t_slurp(got);
        int done = s && strstr(s, "Log-likelihood") != NULL;
        free(s);
        if (done)
            break;
        usleep(100000);
    }
    char *s = t_slurp(got);
    T_CHECK(s && strstr(s, "Logit model") && strstr(s, "Log-likelihood"),
            "the reader got the output");
    free(s);
    T_EQ_INT(count_entries("/tmp", strrchr(fifo, '/') + 1), 2, "no temporary beside it");
    unlink(fifo);
    unlink(got);
    char *err = NULL;
    T_EQ_INT(t_run("fit logit --data tests/fixtures/glm_panel.csv --formula 'y ~ oecd' "
                   "--out /tmp", NULL, &err), 1, "--out DIR refused");
    T_CHECK(err && strstr(err, "/tmp: cannot write output: a directory"), "named: %s",
            err ? err : "");
    free(err);
}

int main(void)
{
    test_out_special();
    test_run_atomic();
    test_run_signal();
    test_plot_out_dir();
    test_signals();
    test_sigbus();
    test_full_disk();
    return t_summary();
}
