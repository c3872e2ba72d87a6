/* html.c -- the HTML page of a run (see html.h). */
#include "rhaz.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#define HTML_MAX_BYTES (64u << 20)

static void esc(FILE *fp, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&#39;", fp); break;
        default: fputc(*s, fp);
        }
}

void rhaz_html_begin(FILE *fp, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>", fp);
    esc(fp, title);
    fputs("</title>\n<style>\n"
          "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}\n"
          "pre{background:#f6f6f6;padding:.5em;overflow-x:auto;font-size:90%}\n"
          "img{max-width:100%}\n"
          "</style>\n</head>\n<body>\n<h1>", fp);
    esc(fp, title);
    fputs("</h1>\n", fp);
}

void rhaz_html_heading(FILE *fp, int level, const char *text)
{
    if (level < 2 || level > 4)
        level = 2;
    fprintf(fp, "<h%d>", level);
    esc(fp, text);
    fprintf(fp, "</h%d>\n", level);
}

void rhaz_html_para(FILE *fp, const char *text)
{
    fputs("<p>", fp);
    esc(fp, text);
    fputs("</p>\n", fp);
}

void rhaz_html_pre(FILE *fp, const char *text)
{
    fputs("<pre>", fp);
    esc(fp, text);
    fputs("</pre>\n", fp);
}

rhaz_status rhaz_html_pre_file(FILE *fp, const char *path, rhaz_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    rhaz_status st = core_read_file(path, HTML_MAX_BYTES, "file", &buf, &len, err);
    if (st != RHAZ_OK)
        return st;
    rhaz_html_pre(fp, buf);
    free(buf);
    return RHAZ_OK;
}

void rhaz_html_link(FILE *fp, const char *href, const char *text)
{
    fputs("<a href=\"", fp);
    esc(fp, href);
    fputs("\">", fp);
    esc(fp, text);
    fputs("</a>", fp);
}

void rhaz_html_img(FILE *fp, const char *src, const char *alt)
{
    fputs("<p><img src=\"", fp);
    esc(fp, src);
    fputs("\" alt=\"", fp);
    esc(fp, alt);
    fputs("\"></p>\n", fp);
}

void rhaz_html_tag(FILE *fp, const char *tag) { fputs(tag, fp); }

rhaz_status rhaz_html_end(FILE *fp, const char *what, rhaz_error *err)
{
    fputs("</body>\n</html>\n", fp);
    if (fflush(fp) != 0 || ferror(fp))
        return rhaz_error_set(err, RHAZ_EIO, what, 0, "write error");
    return RHAZ_OK;
}
