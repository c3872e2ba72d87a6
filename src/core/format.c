/* format.c -- numbers as text: the shortest decimal that reads back
 * exactly (CSV, JSON, gnuplot data) and R's deparse (labels). */
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The digits of a nonzero v (|v| < 1e15) into buf (24 bytes at least);
 * returns the number of trailing zeros of |v|. */
static int write_int(long long v, char *buf)
{
    char tmp[24];
    int k = 0, neg = v < 0, tz = 0, nz = 0;
    unsigned long long u = neg ? (unsigned long long)(-v) : (unsigned long long)v;
    while (u) {
        int dg = (int)(u % 10);
        nz |= dg != 0;
        tz += !nz;
        tmp[k++] = (char)('0' + dg);
        u /= 10;
    }
    char *o = buf;
    if (neg)
        *o++ = '-';
    while (k)
        *o++ = tmp[--k];
    *o = '\0';
    return tz;
}

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
        write_int((long long)x, buf);
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
    /* a nonzero integer below 1e15 (factor levels: years, codes) without
     * printf: its digits in full unless R's scientific form is shorter
     * (1e+05), the same text as the search below gives */
    if (x != 0 && fabs(x) < 1e15 && x == (double)(long long)x && size >= 24) {
        int tz = write_int((long long)x, fix);
        int len = (int)strlen(fix), neg = x < 0, nd = len - neg;
        int sig = nd - tz, ex = nd - 1;
        int slen = neg + 1 + (sig > 1 ? sig : 0) + 2 + (ex >= 100 ? 3 : 2);
        if (len <= slen) {
            snprintf(buf, size, "%s", fix);
            return;
        }
    }
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
