/* format.c -- numbers as text: the shortest decimal that reads back
 * exactly (CSV, JSON, gnuplot data) and R's deparse (labels). */
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rhaz_format_double(double x, char *buf, size_t size)
{
    if (isnan(x)) {
        if (size)
            buf[0] = '\0';
        return;
    }
    if (x == 0) { /* also -0 */
        snprintf(buf, size, "0");
        return;
    }
    /* integers (most panel cells: years, codes, 0/1) without printf */
    if (fabs(x) < 1e15 && x == (double)(long long)x && size >= 24) {
        long long v = (long long)x;
        char tmp[24];
        int k = 0, neg = v < 0;
        unsigned long long u = neg ? (unsigned long long)(-v) : (unsigned long long)v;
        while (u) {
            tmp[k++] = (char)('0' + u % 10);
            u /= 10;
        }
        char *o = buf;
        if (neg)
            *o++ = '-';
        while (k)
            *o++ = tmp[--k];
        *o = '\0';
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

void core_format_r(double x, char *buf, size_t size)
{
    char fix[64], sci[64];
    int d;
    for (d = 1; d <= 15; d++) {
        snprintf(sci, sizeof sci, "%.*e", d - 1, x);
        if (strtod(sci, NULL) == x)
            break;
    }
    if (d > 15) {
        d = 15;
        snprintf(sci, sizeof sci, "%.*e", d - 1, x);
    }
    /* drop a leading zero in the exponent beyond two digits as R: 1e+05 */
    snprintf(fix, sizeof fix, "%.15g", x);
    if (strchr(fix, 'e') == NULL && strlen(fix) <= strlen(sci)) {
        snprintf(buf, size, "%s", fix);
        return;
    }
    /* R prints sci exponents with at least two digits, as C does */
    snprintf(buf, size, "%s", sci);
}
