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
