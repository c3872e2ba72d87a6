/* treatyfiles.c -- --treaty-file FILE [--opened DATE] [--key NAME] of
 * panel and participation: treaties the bundle lacks, added to the data
 * set before the selection (rhaz_data_add_treaty). */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

int cli_tf_file(const char *s, void *f)
{
    cli_treaty_files *t = f;
    if (t->n == CLI_MAX_TREATY_FILES)
        return -1;
    t->v[t->n++] = (cli_treaty_file){.path = s};
    return 0;
}

int cli_tf_opened(const char *s, void *f)
{
    cli_treaty_files *t = f;
    if (!t->n)
        return -1;
    t->v[t->n - 1].opened = s;
    return 0;
}

int cli_tf_key(const char *s, void *f)
{
    cli_treaty_files *t = f;
    if (!t->n)
        return -1;
    t->v[t->n - 1].key = s;
    return 0;
}

int cli_treaty_files_validate(const cli_treaty_files *t, cli_err *err)
{
    for (size_t k = 0; k < t->n; k++)
        if (!t->v[k].opened)
            return cli_err_usage(err, "opened",
                                 "--treaty-file %s needs --opened DATE (when the "
                                 "treaty opened for signature)", t->v[k].path);
    return EXIT_OK;
}

int cli_treaty_files_add(rhaz_data *d, const cli_treaty_files *t, const char *given,
                         char **keys, cli_err *err)
{
    size_t len = given ? strlen(given) + 1 : 1;
    char names[CLI_MAX_TREATY_FILES][128];
    *keys = NULL;
    for (size_t k = 0; k < t->n; k++) {
        const cli_treaty_file *f = &t->v[k];
        rhaz_date opened = {0, 0, 0};
        if (f->key) {
            snprintf(names[k], sizeof names[k], "%s", f->key);
        } else { /* the file name without directory and extension */
            const char *b = strrchr(f->path, '/');
            snprintf(names[k], sizeof names[k], "%s", b ? b + 1 : f->path);
            char *dot = strrchr(names[k], '.');
            if (dot && dot != names[k])
                *dot = '\0';
        }
        if (rhaz_date_parse(f->opened, &opened, NULL, &err->e))
            return cli_err_usage(err, "opened", "--opened %s: %s", f->opened, err->e.msg);
        if (rhaz_data_add_treaty(d, f->path, names[k], opened, &err->e))
            return cli_err_lib(err, strcmp(err->e.option, "treaty_key") == 0 ? "key"
                                    : strcmp(err->e.option, "opened") == 0 ? "opened"
                                                                           : "treaty-file");
        len += strlen(names[k]) + 1;
    }
    /* the bundled records match every name: what does not is in these
     * files, and its acts count for no state */
    if (rhaz_data_unmatched(d))
        rhaz_message("warning: --treaty-file: %zu participant names match no state or "
                     "organisation; their acts are not counted (rhaz panel --report "
                     "lists them)", rhaz_data_unmatched(d));
    char *s = malloc(len);
    if (!s)
        return cli_err_data(err, NULL, "out of memory listing the treaty files (%zu bytes)", len);
    s[0] = '\0';
    if (given)
        strcat(s, given);
    for (size_t k = 0; k < t->n; k++) {
        if (*s)
            strcat(s, ",");
        strcat(s, names[k]);
    }
    *keys = s;
    return EXIT_OK;
}
