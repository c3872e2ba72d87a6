/* cmd_combine.c -- 'rhaz combine PART.json ...': the parts written by
 * 'rhaz fit ... --shard K/N' merged into the result one run gives. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: rhaz combine [options] PART.json [PART.json ...]\n\n"
    "Merge the parts that 'rhaz fit ... --shard K/N --out PART.json' wrote\n"
    "(K = 1..N, in any order) into exactly the result one 'rhaz fit' run\n"
    "without --shard gives, to the last bit: the bootstrap statistics over\n"
    "all replicates (--vce bootstrap), or Rubin's rules over all imputations\n"
    "(--imputations / several --data).  Every shard 1..N must be given once,\n"
    "all from the same model, data, replicates and seed (the parts carry the\n"
    "full-data fit, which must agree).\n\n"
    "options:\n"
    "  --format F          text (default), csv, json, latex, markdown\n"
    "  --exp               exponentiated estimates and intervals\n"
    "  --replicates FILE   bootstrap: all replicate estimates as CSV\n"
    "                      (replicate,status,TERM,...)\n"
    "  --out FILE          write there (default stdout; atomic)\n"
    "  -h, --help          this help\n\n"
    "Exit status: 0 ok; 1 a part missing, repeated, unreadable or of another\n"
    "run; 2 usage.\n";

typedef struct {
    const char *out, *replicates;
    int format, exp;
    char **files;
    size_t nfiles;
} combine_opts;

#define O(f) CLI_OFF(combine_opts, f)
static const cli_option options[] = {
    {"format", CLI_CHOICE, O(format), .choices = cli_format_choices},
    {"exp", CLI_FLAG, O(exp), .key = NULL},
    {"replicates", CLI_STR, O(replicates), .key = NULL},
    {"out", CLI_STR, O(out), .key = NULL},
    {.name = NULL}};
#undef O

static void init(void *p)
{
    combine_opts *o = p;
    o->out = "-";
    o->format = FMT_TEXT;
}

static int args(void *p, int n, char **v, cli_err *err)
{
    combine_opts *o = p;
    (void)err;
    o->files = v;
    o->nfiles = (size_t)n;
    return EXIT_OK;
}

static int run(void *p, cli_err *err)
{
    combine_opts *o = p;
    if (o->nfiles == 0)
        return cli_err_usage(err, NULL, "expected the part files (PART.json ...)");
    rhaz_boot *b = NULL;
    rhaz_fit_summary *s = rhaz_parts_combine((const char *const *)o->files, o->nfiles, &b,
                                             &err->e);
    if (!s)
        return cli_err_lib(err, NULL);
    int rc;
    if (o->replicates && !b)
        rc = cli_err_usage(err, "replicates", "--replicates: the parts hold imputations, "
                                              "not bootstrap replicates");
    else
        rc = cli_boot_write(s, b, o->out, NULL, o->format, o->exp, o->replicates, err);
    rhaz_fit_summary_free(s);
    rhaz_boot_free(b);
    return rc;
}

const cli_cmd cli_cmd_combine = {
    .name = "combine", .help = help, .options = options, .size = sizeof(combine_opts),
    .init = init, .args = args, .run = run};

int cmd_combine(int argc, char **argv) { return cli_main(&cli_cmd_combine, argc, argv); }
