/* strmap.c -- the string-keyed hash map of the library (FNV-1a, linear
 * probing, load at most 1/2). */
#include "core/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

size_t core_hash(const char *s)
{
    size_t h = (size_t)14695981039346656037ULL; /* FNV-1a 64-bit basis */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int strmap_init(strmap *m, size_t hint)
{
    size_t cap = 16;
    while (cap < 2 * hint)
        cap *= 2;
    m->keys = calloc(cap, sizeof *m->keys);
    m->vals = calloc(cap, sizeof *m->vals);
    m->cap = cap;
    m->n = 0;
    if (!m->keys || !m->vals) {
        strmap_free(m);
        return -1;
    }
    return 0;
}

void strmap_free(strmap *m)
{
    if (!m)
        return;
    if (m->keys)
        for (size_t i = 0; i < m->cap; i++)
            free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->n = 0;
}

static int grow(strmap *m)
{
    strmap b;
    if (strmap_init(&b, m->cap) != 0)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = core_hash(m->keys[i]) & (b.cap - 1);
        while (b.keys[j])
            j = (j + 1) & (b.cap - 1);
        b.keys[j] = m->keys[i];
        b.vals[j] = m->vals[i];
        b.n++;
    }
    free(m->keys);
    free(m->vals);
    *m = b;
    return 0;
}

int strmap_put(strmap *m, const char *key, size_t val)
{
    if (2 * (m->n + 1) > m->cap && grow(m) != 0)
        return -1;
    size_t j = core_hash(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            m->vals[j] = val;
            return 0;
        }
        j = (j + 1) & (m->cap - 1);
    }
    if (!(m->keys[j] = core_strdup(key)))
        return -1;
    m->vals[j] = val;
    m->n++;
    return 0;
}

int strmap_get(const strmap *m, const char *key, size_t *val)
{
    if (!m->cap)
        return 0;
    size_t j = core_hash(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            if (val)
                *val = m->vals[j];
            return 1;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

void strmap_fold(const char *s, char *buf, size_t size)
{
    size_t k = 0;
    int blank = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    for (; *s && k + 1 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\t') {
            blank = 1;
            continue;
        }
        if (blank && k + 2 < size)
            buf[k++] = ' ';
        blank = 0;
        buf[k++] = (char)tolower(c);
    }
    buf[k] = '\0';
}
