/* modelfile.c -- parser for declarative analysis files (see modelfile.h). */
#include "rhaz.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MF_MAX_BYTES (4u << 20) /* a model file is small; cap what we read */

struct rhaz_modelfile {
    char *name;
    size_t n, cap;
    rhaz_mf_section *sec;
};


void rhaz_modelfile_free(rhaz_modelfile *mf)
{
    if (!mf)
        return;
    for (size_t k = 0; k < mf->n; k++) {
        rhaz_mf_section *s = &mf->sec[k];
        for (size_t i = 0; i < s->n; i++) {
            free(s->entries[i].key);
            free(s->entries[i].value);
        }
        free(s->entries);
        free(s->kind);
        free(s->name);
    }
    free(mf->sec);
    free(mf->name);
    free(mf);
}

static int valid_name(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' &&
            s[i] != '.')
            return 0;
    return 1;
}

/* Index of kind in the schema, -1 if unknown; with no schema every kind
 * is known (index 0 stands for "any"). */
static int kind_index(const rhaz_mf_schema *sc, const char *kind)
{
    if (!sc)
        return 0;
    for (size_t k = 0; k < sc->n; k++)
        if (strcmp(sc->kinds[k].kind, kind) == 0)
            return (int)k;
    return -1;
}

static int kind_named(const rhaz_mf_schema *sc, int kind)
{
    return sc ? sc->kinds[kind].named : -1;
}

static int key_known(const rhaz_mf_schema *sc, int kind, const char *key)
{
    return !sc || !sc->kinds[kind].has_key || sc->kinds[kind].has_key(key);
}

/* Parse state shared by the line handlers. */
typedef struct {
    rhaz_modelfile *mf;
    const char *name;
    const rhaz_mf_schema *schema;
    rhaz_error *err;
    rhaz_mf_section *cur;
    int curkind;
    rhaz_mf_entry *last; /* for continuation lines */
    long line;
} mf_parser;

static rhaz_status oom(mf_parser *p)
{
    return rhaz_error_set(p->err, RHAZ_ENOMEM, p->name, 0, "out of memory reading the model file");
}

/* "[kind]" or "[kind name]" (s has no surrounding blanks, n >= 1). */
static rhaz_status parse_header(mf_parser *p, const char *s, size_t n)
{
    if (s[n - 1] != ']')
        return rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                              "section header must end with ']'");
    const char *q = s + 1, *e = s + n - 1;
    while (q < e && isspace((unsigned char)*q))
        q++;
    const char *k0 = q;
    while (q < e && !isspace((unsigned char)*q))
        q++;
    size_t kl = (size_t)(q - k0);
    while (q < e && isspace((unsigned char)*q))
        q++;
    while (e > q && isspace((unsigned char)e[-1]))
        e--;
    const char *n0 = q;
    size_t nlen = (size_t)(e - n0);
    char kind[64];
    snprintf(kind, sizeof kind, "%.*s", (int)(kl < 63 ? kl : 63), k0);
    int ki = kind_index(p->schema, kind);
    if (ki < 0 || kl > 63) {
        char known[256] = "";
        for (size_t k = 0; p->schema && k < p->schema->n; k++)
            snprintf(known + strlen(known), sizeof known - strlen(known),
                     "%s%s", k ? ", " : "", p->schema->kinds[k].kind);
        return rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                              "unknown section [%s] (%s)", kind, known);
    }
    if (nlen && !valid_name(n0, nlen))
        return rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                              "section name must be letters, digits, _ - .");
    if (kind_named(p->schema, ki) == 1 && nlen == 0)
        return rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                              "section [%s] needs a name: [%s NAME]", kind,
                              kind);
    if (kind_named(p->schema, ki) == 0 && nlen)
        return rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                              "section [%s] takes no name", kind);
    rhaz_modelfile *mf = p->mf;
    for (size_t k = 0; k < mf->n; k++)
        if (strcmp(mf->sec[k].kind, kind) == 0 &&
            strlen(mf->sec[k].name) == nlen &&
            memcmp(mf->sec[k].name, n0, nlen) == 0)
            return rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                                  "section [%s%s%.*s] repeats the one on "
                                  "line %ld",
                                  kind, nlen ? " " : "", (int)nlen, n0,
                                  mf->sec[k].line);
    if (mf->n == mf->cap) {
        size_t nc = mf->cap ? 2 * mf->cap : 8;
        rhaz_mf_section *ns = realloc(mf->sec, nc * sizeof *ns);
        if (!ns)
            return oom(p);
        mf->sec = ns;
        mf->cap = nc;
    }
    rhaz_mf_section *sec = &mf->sec[mf->n];
    memset(sec, 0, sizeof *sec);
    sec->kind = core_strndup(kind, strlen(kind));
    sec->name = core_strndup(n0, nlen);
    if (!sec->kind || !sec->name) {
        free(sec->kind);
        free(sec->name);
        return oom(p);
    }
    sec->line = p->line;
    mf->n++;
    p->cur = sec;
    p->curkind = ki;
    return RHAZ_OK;
}

/* "key = value" (s has no surrounding blanks). */
static rhaz_status parse_entry(mf_parser *p, const char *s, size_t n)
{
    const char *eq = memchr(s, '=', n);
    if (!eq)
        return rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                              "expected 'key = value' or '[section]'");
    if (!p->cur)
        return rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                              "'key = value' before any [section]");
    const char *ke = eq;
    while (ke > s && isspace((unsigned char)ke[-1]))
        ke--;
    size_t kl = (size_t)(ke - s);
    if (!valid_name(s, kl))
        return rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                              "invalid key (letters, digits, _ - .)");
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(kl < 63 ? kl : 63), s);
    rhaz_mf_section *cur = p->cur;
    if (kl > 63 || !key_known(p->schema, p->curkind, key)) {
        rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                       "unknown key '%s' in [%s%s%s]", key, cur->kind,
                       cur->name[0] ? " " : "", cur->name);
        if (p->err)
            snprintf(p->err->what, sizeof p->err->what, "%s", key);
        return RHAZ_EPARSE;
    }
    for (size_t i = 0; i < cur->n; i++)
        if (strcmp(cur->entries[i].key, key) == 0)
            return rhaz_error_set(p->err, RHAZ_EPARSE, p->name, p->line,
                                  "key '%s' repeats the one on line %ld", key,
                                  cur->entries[i].line);
    const char *v0 = eq + 1;
    while (v0 < s + n && isspace((unsigned char)*v0))
        v0++;
    rhaz_mf_entry *ne = realloc(cur->entries, (cur->n + 1) * sizeof *ne);
    if (!ne)
        return oom(p);
    cur->entries = ne;
    rhaz_mf_entry *e = &cur->entries[cur->n];
    e->key = core_strndup(key, strlen(key));
    e->value = core_strndup(v0, (size_t)(s + n - v0));
    e->line = p->line;
    if (!e->key || !e->value) {
        free(e->key);
        free(e->value);
        return oom(p);
    }
    cur->n++;
    p->last = e;
    return RHAZ_OK;
}

static rhaz_status append_continuation(mf_parser *p, const char *s, size_t n)
{
    size_t ol = strlen(p->last->value);
    char *v = realloc(p->last->value, ol + n + 2);
    if (!v)
        return oom(p);
    v[ol] = ' ';
    memcpy(v + ol + 1, s, n);
    v[ol + n + 1] = '\0';
    p->last->value = v;
    return RHAZ_OK;
}

rhaz_modelfile *rhaz_modelfile_parse(const char *text, size_t len,
                                     const char *name,
                                     const rhaz_mf_schema *schema,
                                     rhaz_error *err)
{
    rhaz_error_clear(err);
    if (!name)
        name = "<memory>";
    mf_parser p = {.name = name, .schema = schema, .err = err, .curkind = -1};
    p.mf = calloc(1, sizeof *p.mf);
    if (!p.mf || !(p.mf->name = core_strndup(name, strlen(name)))) {
        free(p.mf);
        rhaz_error_set(err, RHAZ_ENOMEM, name, 0, "out of memory reading the model file");
        return NULL;
    }
    size_t pos = 0;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    rhaz_status st = RHAZ_OK;
    while (pos < len && st == RHAZ_OK) {
        p.line++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        const char *s = text + pos;
        pos += n + (nl ? 1 : 0);
        if (n && s[n - 1] == '\r')
            n--;
        for (size_t i = 0; i < n && st == RHAZ_OK; i++)
            if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
                st = rhaz_error_set(err, RHAZ_EPARSE, name, p.line,
                                    "control character in model file");
        if (st)
            break;
        int indented = n > 0 && (s[0] == ' ' || s[0] == '\t');
        while (n && isspace((unsigned char)*s)) {
            s++;
            n--;
        }
        while (n && isspace((unsigned char)s[n - 1]))
            n--;
        if (n == 0) {
            p.last = NULL;
            continue;
        }
        if (s[0] == '#' || s[0] == ';')
            continue;
        if (indented && p.last) {
            st = append_continuation(&p, s, n);
            continue;
        }
        p.last = NULL;
        st = s[0] == '[' ? parse_header(&p, s, n) : parse_entry(&p, s, n);
    }
    if (st) {
        rhaz_modelfile_free(p.mf);
        return NULL;
    }
    return p.mf;
}

rhaz_modelfile *rhaz_modelfile_read(const char *path,
                                    const rhaz_mf_schema *schema,
                                    rhaz_error *err)
{
    char *buf;
    size_t len;
    if (core_read_file(path, MF_MAX_BYTES, "model file", &buf, &len, err))
        return NULL;
    rhaz_modelfile *mf = rhaz_modelfile_parse(buf, len, path, schema, err);
    free(buf);
    return mf;
}

const char *rhaz_modelfile_name(const rhaz_modelfile *mf) { return mf->name; }
size_t rhaz_modelfile_nsections(const rhaz_modelfile *mf) { return mf->n; }

const rhaz_mf_section *rhaz_modelfile_section(const rhaz_modelfile *mf,
                                              size_t k)
{
    return k < mf->n ? &mf->sec[k] : NULL;
}

const rhaz_mf_section *rhaz_modelfile_find(const rhaz_modelfile *mf,
                                           const char *kind, const char *name)
{
    for (size_t k = 0; k < mf->n; k++)
        if (strcmp(mf->sec[k].kind, kind) == 0 &&
            (!name || strcmp(mf->sec[k].name, name) == 0))
            return &mf->sec[k];
    return NULL;
}

const char *rhaz_mf_get(const rhaz_mf_section *s, const char *key,
                        const rhaz_mf_entry **entry)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (strcmp(s->entries[i].key, key) == 0) {
            if (entry)
                *entry = &s->entries[i];
            return s->entries[i].value;
        }
    if (entry)
        *entry = NULL;
    return NULL;
}

rhaz_status rhaz_modelfile_error(const rhaz_modelfile *mf,
                                 const rhaz_mf_section *s, const char *key,
                                 rhaz_status status, rhaz_error *err,
                                 const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const rhaz_mf_entry *e = NULL;
    if (key)
        rhaz_mf_get(s, key, &e);
    long line = e ? e->line : s ? s->line : 0;
    if (s && key)
        rhaz_error_set(err, status, mf->name, line, "[%s%s%s] %s: %s", s->kind,
                       s->name[0] ? " " : "", s->name, key, msg);
    else if (s)
        rhaz_error_set(err, status, mf->name, line, "[%s%s%s] %s", s->kind,
                       s->name[0] ? " " : "", s->name, msg);
    else
        rhaz_error_set(err, status, mf->name, line, "%s", msg);
    if (err && key)
        snprintf(err->what, sizeof err->what, "%s", key);
    return status;
}

char **rhaz_mf_split(const char *value, size_t *n)
{
    size_t cap = 4, k = 0;
    char **list = malloc(cap * sizeof *list);
    if (!list)
        return NULL;
    list[0] = NULL;
    const char *p = value ? value : "";
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *q = p;
        while (*q && *q != ',' && !isspace((unsigned char)*q))
            q++;
        if (k + 2 > cap) {
            cap *= 2;
            char **nl = realloc(list, cap * sizeof *nl);
            if (!nl) {
                rhaz_mf_list_free(list);
                return NULL;
            }
            list = nl;
        }
        if (!(list[k] = core_strndup(p, (size_t)(q - p)))) {
            rhaz_mf_list_free(list);
            return NULL;
        }
        list[++k] = NULL;
        p = q;
    }
    if (n)
        *n = k;
    return list;
}

void rhaz_mf_list_free(char **list)
{
    if (!list)
        return;
    for (char **p = list; *p; p++)
        free(*p);
    free(list);
}
