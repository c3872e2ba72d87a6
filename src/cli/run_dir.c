#define _XOPEN_SOURCE 700 /* nftw */
/* run_dir.c -- the output folder of rhaz run: made with its parents,
 * written as a temporary sibling and swapped in only when the run
 * succeeded (the old folder kept otherwise), figure scripts pointed at
 * the final folder, a failed work folder removed. */
#include "cli.h"

#include <errno.h>
#include <ftw.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_mkdir_p(const char *path)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return -1;
    return 0;
}



static mode_t current_umask(void)
{
    mode_t m = umask(0);
    umask(m);
    return m;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p) != 0 && errno != ENOENT ? -1 : 0;
}

/* rm -rf path */
void cli_remove_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* gnuplot scripts name their image: point them at the final folder */
void cli_fix_scripts(const char *work, const char *final)
{
    char dir[4300];
    snprintf(dir, sizeof dir, "%.4000s/figures", final);
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t wl = strlen(work);
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 3 || strcmp(e->d_name + n - 3, ".gp") != 0)
            continue;
        char p[4600];
        snprintf(p, sizeof p, "%.4100s/%.255s", dir, e->d_name);
        FILE *fp = fopen(p, "r");
        if (!fp)
            continue;
        char *buf = NULL;
        size_t cap = 0;
        ssize_t got;
        rhaz_outfile *of = rhaz_outfile_open(p, NULL);
        if (!of) {
            fclose(fp);
            continue;
        }
        FILE *o = rhaz_outfile_fp(of);
        while ((got = getline(&buf, &cap, fp)) > 0) {
            char *hit = strncmp(buf, "set output ", 11) == 0 ? strstr(buf, work) : NULL;
            if (hit) {
                fwrite(buf, 1, (size_t)(hit - buf), o);
                fputs(final, o);
                fputs(hit + wl, o);
            } else
                fwrite(buf, 1, (size_t)got, o);
        }
        free(buf);
        fclose(fp);
        rhaz_outfile_commit(of, NULL);
    }
    closedir(d);
}

/* Put the finished run (work) at final: an existing final is renamed
 * aside, work renamed into place, the old folder removed. */
int cli_swap_in(const char *work, const char *final)
{
    char old[4300];
    struct stat sb;
    int had = stat(final, &sb) == 0;
    if (had && !S_ISDIR(sb.st_mode)) {
        cli_remove_tree(work);
        return cli_fail("%s: exists and is not a directory (the run is not kept)", final);
    }
    if (had) {
        snprintf(old, sizeof old, "%.4000s.old.XXXXXX", final);
        if (!mkdtemp(old) || rename(final, old) != 0) {
            int e = errno;
            cli_remove_tree(work);
            return cli_fail("%s: cannot move the old outputs aside: %s", final,
                            strerror(e));
        }
    }
    if (rename(work, final) != 0) {
        int e = errno;
        if (had)
            rename(old, final);
        cli_remove_tree(work);
        return cli_fail("%s: cannot put the outputs in place: %s", final, strerror(e));
    }
    if (had)
        cli_remove_tree(old);
    cli_fix_scripts(work, final);
    return 0;
}

int cli_make_workdir(const char *outdir, char *final, size_t fsz, char *work,
                     size_t wsz)
{
    snprintf(final, fsz, "%.4000s", outdir);
    size_t fl = strlen(final);
    while (fl > 1 && final[fl - 1] == '/')
        final[--fl] = '\0';
    char parent[4096];
    snprintf(parent, sizeof parent, "%.4000s", final);
    char *sl = strrchr(parent, '/');
    if (sl && sl != parent) {
        *sl = '\0';
        if (cli_mkdir_p(parent) != 0)
            return cli_fail("%s: cannot create directory: %s", parent, strerror(errno));
    }
    snprintf(work, wsz, "%.4000s.tmp.XXXXXX", final);
    if (!mkdtemp(work))
        return cli_fail("%s: cannot create directory: %s", work, strerror(errno));
    chmod(work, 0777 & ~current_umask());
    return 0;
}
