/* str.c -- string copies (one strdup for the library). */
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

char *core_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *core_strdup(const char *s)
{
    return s ? core_strndup(s, strlen(s)) : NULL;
}

int core_arena_push(char **arena, size_t *len, size_t *cap, const char *s, size_t n,
                    size_t *off)
{
    if (*len + n + 1 > *cap) {
        size_t nc = *cap ? *cap : 4096;
        while (nc < *len + n + 1)
            nc *= 2;
        char *a = realloc(*arena, nc);
        if (!a)
            return -1;
        *arena = a;
        *cap = nc;
    }
    *off = *len;
    memcpy(*arena + *len, s, n);
    (*arena)[*len + n] = '\0';
    *len += n + 1;
    return 0;
}
