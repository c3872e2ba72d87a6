/* json.c -- minimal JSON value writers. */
#include "rhaz.h"

#include <math.h>

void rhaz_json_string(FILE *fp, const char *s)
{
    if (!s) {
        fputs("null", fp);
        return;
    }
    fputc('"', fp);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        switch (*c) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        case '\t': fputs("\\t", fp); break;
        default:
            if (*c < 0x20)
                fprintf(fp, "\\u%04x", *c);
            else
                fputc(*c, fp);
        }
    }
    fputc('"', fp);
}

void rhaz_json_number(FILE *fp, double x)
{
    if (!isfinite(x)) {
        fputs("null", fp);
        return;
    }
    char buf[64];
    rhaz_format_double(x, buf, sizeof buf);
    fputs(buf, fp);
}
