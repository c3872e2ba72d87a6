/* cmd_fit.c -- 'rhaz fit MODEL ...': dispatch on the model type.  The
 * types table is shared with model files ([model] type = TYPE); a new
 * model family adds its row here. */
#include "cmd.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "usage: rhaz fit TYPE --data FILE.csv --formula 'FORMULA' [options]\n\n"
    "  rhaz fit logit --help   discrete-time logit / cloglog / Firth models\n"
    "  rhaz fit cox --help     Cox proportional hazards models (and shared frailty)\n"
    "  rhaz fit clogit --help  conditional (fixed-effects) logit\n"
    "  rhaz fit weibull --help parametric survival models (weibull, exponential,\n"
    "                          loglogistic, lognormal), as R survreg\n"
    "  rhaz fit cure --help    split-population (cure) duration models, as R\n"
    "                          spduration\n"
    "\n"
    "Multiple imputation: give --data once per imputed data set (or\n"
    "--imputations 'GLOB', files sorted by name; both may be mixed): every\n"
    "imputation is fitted with the same options and the fits are pooled by\n"
    "Rubin's rules (as R mice::pool): estimate = mean, variance W + (1 + 1/m) B,\n"
    "t statistics on Barnard-Rubin degrees of freedom (complete-data df as\n"
    "mice: events - p for cox, n - rank otherwise); the output adds df, riv\n"
    "(relative increase in variance) and fmi (fraction of missing information)\n"
    "per term, and JSON 'imputations'.  --format, --out and --exp apply to the\n"
    "pooled result.  --shard K/N fits only the K-th of N slices of the\n"
    "imputations and writes a part file (JSON) to --out; 'rhaz combine' pools\n"
    "the N parts into exactly the result one run gives.\n"
    "\n"
    "Bootstrap: --vce bootstrap --reps R --seed S [--cluster COL] (every type\n"
    "but a Cox model with a frailty term); see 'rhaz fit TYPE --help' and\n"
    "'rhaz combine --help'.\n";

const cli_fit_type cli_fit_types[] = {
    {"logit", &cli_cmd_fit_logit},
    {"cloglog", &cli_cmd_fit_cloglog},
    {"cox", &cli_cmd_fit_cox},
    {"clogit", &cli_cmd_fit_clogit},
    {"weibull", &cli_cmd_fit_weibull},
    {"exponential", &cli_cmd_fit_exponential},
    {"loglogistic", &cli_cmd_fit_loglogistic},
    {"lognormal", &cli_cmd_fit_lognormal},
    {"cure", &cli_cmd_fit_cure},
    {NULL, NULL}};

const cli_cmd *cli_fit_command(const char *type)
{
    for (const cli_fit_type *t = cli_fit_types; type && t->type; t++)
        if (strcmp(t->type, type) == 0)
            return t->cmd;
    return NULL;
}

const char *cli_fit_type_list(void)
{
    static char buf[256];
    buf[0] = '\0';
    for (const cli_fit_type *t = cli_fit_types; t->type; t++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s",
                 t == cli_fit_types ? "" : ", ", t->type);
    return buf;
}

/* The value of option `name` at argv[*i] ("--name V" or "--name=V"), or
 * NULL; *i moves past it. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0)
        return NULL;
    if (a[2 + n] == '=')
        return a + 3 + n;
    if (a[2 + n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

rhaz_fit_summary *cli_fit_pool(rhaz_fit_summary *const *fits, char *const *files,
                               size_t m, rhaz_error *e)
{
    rhaz_fit_summary *s = rhaz_fit_pool((const rhaz_fit_summary *const *)fits, m, NAN, e);
    if (!s && !e->file[0] && strncmp(e->msg, "imputation ", 11) == 0) {
        size_t k = strtoul(e->msg + 11, NULL, 10);
        if (k >= 1 && k <= m)
            snprintf(e->file, sizeof e->file, "%s", files[k - 1]);
    }
    return s;
}

/* the whole of a (small) text file, NULL-terminated; NULL on failure */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *b = NULL;
    long n;
    if (fp && fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
        fseek(fp, 0, SEEK_SET) == 0 && (b = malloc((size_t)n + 1)) &&
        fread(b, 1, (size_t)n, fp) == (size_t)n)
        b[n] = '\0';
    else {
        free(b);
        b = NULL;
    }
    if (fp)
        fclose(fp);
    return b;
}

/* 'rhaz fit TYPE' over several imputed data sets: each is fitted by the
 * command itself (JSON into a private temporary directory), read back and
 * pooled by rhaz_fit_pool; with --shard K/N only the K-th slice is fitted
 * and written as a part (rhaz/parts.h). */
static int fit_imputations(const cli_cmd *c, int argc, char **argv, char **files,
                           size_t m)
{
    const char *out = "-", *format = "text";
    cli_shard shard = {0, 0};
    char **texts = NULL;
    int exp = 0, rc = EXIT_OK;
    char **av = calloc((size_t)argc + 8, sizeof *av);
    rhaz_fit_summary **fits = calloc(m, sizeof *fits);
    char dir[512] = "", json[600] = "";
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/rhaz-mi-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!av || !fits || !mkdtemp(dir)) {
        free(av);
        free(fits);
        return cli_fail("fit %s: cannot make a temporary directory", argv[0]);
    }
    snprintf(json, sizeof json, "%s/fit.json", dir);
    int n = 0;
    av[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *v;
        int j = i;
        if (opt_value(argc, argv, &j, "data") || opt_value(argc, argv, &j, "imputations")) {
            i = j;
        } else if ((v = opt_value(argc, argv, &j, "out"))) {
            out = v;
            i = j;
        } else if ((v = opt_value(argc, argv, &j, "format"))) {
            format = v;
            i = j;
        } else if ((v = opt_value(argc, argv, &j, "shard"))) {
            if (cli_parse_shard(v, &shard)) {
                rc = cli_usage(c->name, "--shard '%s': expected K/N with 1 <= K <= N", v);
                goto done;
            }
            i = j;
        } else if ((v = opt_value(argc, argv, &j, "vce")) && strcmp(v, "bootstrap") == 0) {
            rc = cli_usage(c->name, "--vce bootstrap over multiply-imputed data sets is "
                                    "not available (bootstrap one data set, or pool the "
                                    "imputations' own variances)");
            goto done;
        } else if (strcmp(argv[i], "--exp") == 0) {
            exp = 1;
        } else {
            av[n++] = argv[i];
        }
    }
    int fmt = -1;
    for (const cli_choice *ch = cli_format_choices; ch->name; ch++)
        if (strcmp(ch->name, format) == 0)
            fmt = ch->value;
    if (fmt < 0) {
        rc = cli_usage(c->name, "--format '%s': expected text, csv, json, latex or "
                                "markdown", format);
        goto done;
    }
    av[n + 0] = "--data";
    av[n + 2] = "--format";
    av[n + 3] = "json";
    av[n + 4] = "--out";
    av[n + 5] = json;
    av[n + 6] = NULL;
    size_t first = 0, last = m;
    if (shard.n) {
        rhaz_boot_shard_range(m, (size_t)shard.k, (size_t)shard.n, &first, &last);
        if (first == last) {
            rc = cli_usage(c->name, "--shard %d/%d: %zu imputations in %d shards leave "
                                    "this one empty", shard.k, shard.n, m, shard.n);
            goto done;
        }
        if (!(texts = calloc(m, sizeof *texts))) {
            rc = cli_fail("out of memory reading the imputations (%zu)", m);
            goto done;
        }
    }
    for (size_t k = first; k < last && rc == EXIT_OK; k++) {
        av[n + 1] = files[k];
        optind = 0; /* getopt_long starts afresh */
        if ((rc = cli_main(c, n + 6, av)) != EXIT_OK)
            goto done; /* the fit's own error, naming the file */
        rhaz_error e = {0};
        if (texts && !(texts[k] = slurp(json))) {
            rc = cli_fail("%s: cannot read the fit back", files[k]);
            goto done;
        }
        if (!texts && !(fits[k] = rhaz_fit_summary_read_json(json, &e))) {
            rc = cli_error(&e);
            goto done;
        }
    }
    rhaz_error e = {0};
    if (texts) { /* the shard's part */
        rhaz_outfile *of = rhaz_outfile_open(out, &e);
        if (!of || rhaz_part_write_mi(rhaz_outfile_fp(of), (const char *const *)texts + first,
                                      (const char *const *)files + first, first,
                                      last - first, m, (size_t)shard.k, (size_t)shard.n,
                                      &e)) {
            rhaz_outfile_abort(of);
            rc = cli_error(&e);
        } else if (rhaz_outfile_commit(of, &e))
            rc = cli_error(&e);
        goto done;
    }
    rhaz_fit_summary *s = cli_fit_pool(fits, files, m, &e);
    if (!s) {
        rc = cli_error(&e);
        goto done;
    }
    rhaz_summary_options so = {0};
    so.exp = exp;
    rhaz_outfile *of = rhaz_outfile_open(out, &e);
    if (!of || rhaz_fit_summary_write(rhaz_outfile_fp(of), s, (rhaz_summary_format)fmt,
                                      &so, &e)) {
        rhaz_outfile_abort(of);
        rc = cli_error(&e);
    } else if (rhaz_outfile_commit(of, &e)) {
        rc = cli_error(&e);
    }
    rhaz_fit_summary_free(s);
done:
    unlink(json);
    rmdir(dir);
    for (size_t k = 0; k < m; k++) {
        rhaz_fit_summary_free(fits[k]);
        if (texts)
            free(texts[k]);
    }
    free(texts);
    free(fits);
    free(av);
    return rc;
}

/* double the file list; on failure free it (*files = NULL) and return -1 */
static int grow(char ***files, size_t *cap)
{
    char **nf = realloc(*files, 2 * *cap * sizeof *nf);
    if (!nf) {
        free(*files);
        *files = NULL;
        return -1;
    }
    *files = nf;
    *cap *= 2;
    return 0;
}

int cmd_fit(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage("fit", "expected a model type: %s", cli_fit_type_list());
    const char *m = argv[1];
    if (strcmp(m, "--help") == 0 || strcmp(m, "-h") == 0) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    const cli_cmd *c = cli_fit_command(m);
    if (!c)
        return cli_usage("fit", "unknown model type '%s' (%s)", m, cli_fit_type_list());
    /* several --data, or --imputations: Rubin's rules */
    size_t nf = 0, cap = 8;
    int globbed = 0, rc = EXIT_OK;
    char **files = malloc(cap * sizeof *files);
    glob_t g = {0};
    for (int i = 2; files && i < argc; i++) {
        const char *v;
        if ((v = opt_value(argc, argv, &i, "data"))) {
            if (nf == cap && grow(&files, &cap))
                break;
            files[nf++] = (char *)v;
        } else if ((v = opt_value(argc, argv, &i, "imputations"))) {
            if (globbed++) {
                rc = cli_usage(c->name, "--imputations given twice");
                break;
            }
            if (glob(v, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
                rc = cli_usage(c->name, "--imputations '%s': no file matches", v);
                break;
            }
            for (size_t k = 0; files && k < g.gl_pathc; k++) {
                if (nf == cap && grow(&files, &cap))
                    break;
                files[nf++] = g.gl_pathv[k];
            }
        }
    }
    if (!files)
        rc = cli_fail("out of memory listing the fit parts");
    else if (rc == EXIT_OK && globbed && nf < 2)
        rc = cli_usage(c->name, "--imputations: %zu data set%s; Rubin's rules need at "
                                "least 2", nf, nf == 1 ? "" : "s");
    else if (rc == EXIT_OK && nf >= 2)
        rc = fit_imputations(c, argc - 1, argv + 1, files, nf);
    else if (rc == EXIT_OK)
        rc = cli_main(c, argc - 1, argv + 1);
    if (globbed)
        globfree(&g);
    free(files);
    return rc;
}

/* ---------- shared by the fit commands ---------- */

int cli_fit_write_summary(const rhaz_fit_summary *s, const char *path, int fmt,
                          const rhaz_summary_options *so, cli_err *err)
{
    rhaz_outfile *of = rhaz_outfile_open(path, &err->e);
    if (!of)
        return cli_err_lib(err, "out");
    if (rhaz_fit_summary_write(rhaz_outfile_fp(of), s, (rhaz_summary_format)fmt, so,
                               &err->e)) {
        rhaz_outfile_abort(of);
        return cli_err_lib(err, NULL);
    }
    if (rhaz_outfile_commit(of, &err->e)) /* frees of, also on failure */
        return cli_err_lib(err, NULL);
    return EXIT_OK;
}

const char *cli_design_option(const rhaz_error *e, const char *weights,
                              const char *cluster)
{
    if (weights && strcmp(e->what, weights) == 0)
        return "weights";
    if (cluster && strcmp(e->what, cluster) == 0)
        return "cluster";
    return "formula";
}
