/* run_index.c -- 'rhaz run' writes OUT/index.html: the report page of a
 * run (title, panel accounting, tables, figures, fit notes, the command
 * that reruns it), links relative to OUT. */
#include "run.h"

#include <string.h>
#include <unistd.h>

static int exists(const run_ctx *r, const char *rel)
{
    char p[4600];
    snprintf(p, sizeof p, "%s/%s", r->out, rel);
    return access(p, F_OK) == 0;
}

/* <pre> of OUT/rel when it exists; 0, or -1 on a read error. */
static int pre_if(const run_ctx *r, FILE *fp, const char *rel, rhaz_error *err)
{
    if (!exists(r, rel))
        return 0;
    char p[4600];
    snprintf(p, sizeof p, "%s/%s", r->out, rel);
    return rhaz_html_pre_file(fp, p, err) == RHAZ_OK ? 0 : -1;
}

/* OUT/index.html: title, panel accounting, tables, figures, fits, and the
 * command that reruns it; links relative to OUT. */
int cli_run_index(const run_ctx *r, const char *path, const char *final,
                  const char *data_dir, const char *render, rhaz_error *err)
{
    char p[4600];
    snprintf(p, sizeof p, "%s/index.html", r->out);
    rhaz_outfile *of = rhaz_outfile_open(p, err);
    if (!of)
        return -1;
    FILE *fp = rhaz_outfile_fp(of);
    const rhaz_mf_section *run = rhaz_modelfile_find(r->mf, "run", NULL);
    const char *title = run ? rhaz_mf_get(run, "title", NULL) : NULL;
    rhaz_html_begin(fp, title ? title : path);
    const char *desc = run ? rhaz_mf_get(run, "description", NULL) : NULL;
    if (desc)
        rhaz_html_para(fp, desc);
    int bad = 0;
    size_t ns = rhaz_modelfile_nsections(r->mf);
    for (size_t k = 0; k < r->npanels && !bad; k++) {
        const run_panel *pn = &r->panels[k];
        const char *csv = strrchr(pn->path, '/') + 1, *rep = strrchr(pn->report, '/') + 1;
        if (!exists(r, rep))
            continue;
        if (k == 0)
            rhaz_html_heading(fp, 2, r->npanels > 1 ? "Panels" : "Panel");
        if (pn->s->name[0])
            rhaz_html_heading(fp, 3, pn->s->name);
        char sum[300]; /* rep: a section name, letters digits _ - . only */
        snprintf(sum, sizeof sum, "<details><summary>Sources, rows, events, states, "
                                  "dropped rows by reason and unmatched names (%.100s)"
                                  "</summary>\n", rep);
        rhaz_html_tag(fp, sum);
        bad |= pre_if(r, fp, rep, err);
        rhaz_html_tag(fp, "</details>\n");
        rhaz_html_tag(fp, "<p>");
        rhaz_html_link(fp, csv, csv);
        rhaz_html_tag(fp, " &middot; ");
        rhaz_html_link(fp, rep, rep);
        rhaz_html_tag(fp, "</p>\n");
    }
    static const char *const exts[] = {"txt", "tex", "md", "csv", "json"};
    for (int pass = 0; pass < 4 && !bad; pass++) {
        static const char *const kind[] = {"participation", "table", "figure", "model"};
        static const char *const head[] = {"Participation", "Tables", "Figures",
                                           "Models and fit notes"};
        int first = 1;
        size_t nitems = pass == 3 ? r->nfits : ns;
        for (size_t k = 0; k < nitems && !bad; k++) {
            const rhaz_mf_section *s =
                pass == 3 ? r->fits[k].s : rhaz_modelfile_section(r->mf, k);
            if (strcmp(s->kind, kind[pass]))
                continue;
            if (first)
                rhaz_html_heading(fp, 2, head[pass]);
            first = 0;
            char base[600], rel[700];
            if (pass == 0)
                snprintf(base, sizeof base, "participation%s%s", s->name[0] ? "-" : "",
                         s->name);
            else
                snprintf(base, sizeof base, "%s/%s",
                         pass == 1 ? "tables" : pass == 2 ? "figures" : "models",
                         pass == 3 ? r->fits[k].stem : s->name);
            if (pass == 3)
                rhaz_html_heading(fp, 3, r->fits[k].title);
            else if (s->name[0])
                rhaz_html_heading(fp, 3, s->name);
            const char *t = rhaz_mf_get(s, "title", NULL);
            if (t)
                rhaz_html_para(fp, t);
            if (pass == 2) {
                static const char *const img[] = {"svg", "png"};
                for (int i = 0; i < 2; i++) {
                    snprintf(rel, sizeof rel, "%s.%s", base, img[i]);
                    if (exists(r, rel)) {
                        rhaz_html_img(fp, rel, t ? t : s->name);
                        break;
                    }
                }
            } else {
                snprintf(rel, sizeof rel, "%s.txt", base);
                bad |= pre_if(r, fp, rel, err);
            }
            rhaz_html_tag(fp, "<p>Files:");
            static const char *const fexts[] = {"gp", "png", "svg", "pdf"};
            const char *const *e = pass == 2 ? fexts : exts;
            int ne = pass == 2 ? 4 : 5;
            for (int i = 0; i < ne; i++) {
                snprintf(rel, sizeof rel, "%s.%s", base, e[i]);
                if (!exists(r, rel))
                    continue;
                rhaz_html_tag(fp, " ");
                rhaz_html_link(fp, rel, rel);
            }
            rhaz_html_tag(fp, "</p>\n");
        }
    }
    rhaz_html_heading(fp, 2, "Rerun");
    char cmdline[13000];
    int n = snprintf(cmdline, sizeof cmdline, "rhaz run %s --out %s", path, final);
    if (data_dir && n > 0 && (size_t)n < sizeof cmdline)
        n += snprintf(cmdline + n, sizeof cmdline - (size_t)n, " --data-dir %s", data_dir);
    if (render && n > 0 && (size_t)n < sizeof cmdline)
        snprintf(cmdline + n, sizeof cmdline - (size_t)n, " --render %s", render);
    rhaz_html_pre(fp, cmdline);
    rhaz_html_para(fp, "from the directory it was run in (paths in the model file "
                       "are relative to the model file's folder).");
    if (bad || rhaz_html_end(fp, p, err) != RHAZ_OK) {
        rhaz_outfile_abort(of);
        return -1;
    }
    return rhaz_outfile_commit(of, err) != RHAZ_OK ? -1 : 0;
}
