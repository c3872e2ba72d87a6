/* util.c -- error printing and option helpers for the CLI. */
#include "cli.h"
#include "core/util.h"

#include <stddef.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <unistd.h>

/* Library option (rhaz_error.option) -> the flag that sets it here. */
static const char *const option_flags[][2] = {
    {"firth", "--firth"},       {"end_year", "--end"},
    {"encoding", "--latin1"},   {"data_dir", "--data-dir"},
    {"cluster", "--cluster"},   {"size", "--size"},
    {"na_strings", "--na"},     {"decimal", "--decimal"},
    {"delim", "--delim"},       {"charset", "--encoding"},
    {"treaty", "--treaty"},     {"vary", "--vary"},
    {"at", "--at"},             {"as_string", "--text"},
    {"dydx", "--dydx"},         {"by", "--by"},
    {"covariates_key", "--covariates-key"},
};

int cli_error(const rhaz_error *err)
{
    char buf[2048];
    rhaz_error_format(err, buf, sizeof buf);
    /* err->option: a setting, or "a,b" (either would do) -> "--x or --y" */
    char flags[96] = "";
    const char *o = err->option;
    while (*o) {
        size_t len = strcspn(o, ",");
        for (size_t k = 0; k < sizeof option_flags / sizeof *option_flags; k++)
            if (strlen(option_flags[k][0]) == len && strncmp(o, option_flags[k][0], len) == 0) {
                size_t fl = strlen(flags);
                snprintf(flags + fl, sizeof flags - fl, "%s%s", fl ? " or " : "",
                         option_flags[k][1]);
            }
        o += len + (o[len] == ',');
    }
    if (flags[0])
        fprintf(stderr, "rhaz: %s (%s)\n", buf, flags);
    else
        fprintf(stderr, "rhaz: %s\n", buf);
    return err->status == RHAZ_EUSAGE ? EXIT_USAGE : EXIT_DATA;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "rhaz %s: %s (see 'rhaz %s --help')\n", cmd, buf, cmd);
    else
        fprintf(stderr, "rhaz: %s (see 'rhaz --help')\n", buf);
    return EXIT_USAGE;
}

int cli_bad_option(const char *cmd, char **argv)
{
    const char *opt = optind > 0 ? argv[optind - 1] : "?";
    if (optopt && optopt != '?' && !(opt && opt[0] == '-' && opt[1] == '-'))
        return cli_usage(cmd, "unknown option or missing argument: -%c", optopt);
    return cli_usage(cmd, "unknown option or missing argument: '%s'", opt);
}

int cli_fail(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "rhaz: %s\n", buf);
    return EXIT_DATA;
}

static void to_stderr(const char *msg, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "rhaz: %s\n", msg);
}

void cli_install_message_handler(void)
{
    rhaz_set_message_handler(to_stderr, NULL);
}

int cli_parse_format(const char *cmd, const char *s, unsigned allowed,
                     cli_format *out)
{
    static const char *const names[] = {"text", "csv", "json", "latex",
                                        "markdown"};
    for (int i = 0; i < 5; i++) {
        if ((allowed & (1u << i)) && strcmp(s, names[i]) == 0) {
            *out = (cli_format)i;
            return 0;
        }
    }
    cli_usage(cmd, "unknown --format '%s'", s);
    return -1;
}

void cli_locate_row(rhaz_error *err, const rhaz_design *d,
                    const rhaz_table *t, const char *path)
{
    /* err->row: the 1-based row of the design's used rows */
    if (!err || err->line != 0 || err->row < 1 || !d || !d->rows || !t ||
        (size_t)err->row > d->n)
        return;
    err->line = rhaz_table_line(t, d->rows[err->row - 1]);
    snprintf(err->file, sizeof err->file, "%s", path);
}

void cli_csv_field(FILE *fp, const char *s) { rhaz_csv_field(fp, s); }

/* A bundled data folder: DIR/country-names.csv exists. */
static int is_data_dir(const char *dir)
{
    char p[PATH_MAX + 32];
    return snprintf(p, sizeof p, "%s/country-names.csv", dir) < (int)sizeof p &&
           access(p, R_OK) == 0;
}

const char *cli_data_dir(const char *given)
{
    if (given && *given)
        return given;
    const char *e = getenv("RHAZ_DATA");
    if (e && *e)
        return e;
    static char found[PATH_MAX + 32];
    static int done;
    if (!done) {
        done = 1;
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        char *slash = n > 0 ? (exe[n] = 0, strrchr(exe, '/')) : NULL;
        static const char *const rel[] = {"../data", "../share/rhaz"};
        for (size_t i = 0; slash && i < sizeof rel / sizeof *rel && !found[0]; i++) {
            char cand[PATH_MAX + 32], real[PATH_MAX], here[PATH_MAX];
            snprintf(cand, sizeof cand, "%.*s/%s", (int)(slash - exe), exe, rel[i]);
            if (!is_data_dir(cand) || !realpath(cand, real))
                continue;
            /* ./data itself: keep the short name (reports print it) */
            if (realpath("data", here) && strcmp(here, real) == 0)
                snprintf(found, sizeof found, "data");
            else
                snprintf(found, sizeof found, "%s", real);
        }
    }
    return found[0] ? found : "data";
}
