/* html.h -- a self-contained HTML page (the report of a run): no
 * JavaScript, no network, every string HTML-escaped.  Each call writes
 * to fp; rhaz_html_end reports a write error of the whole page. */
#ifndef RHAZ_HTML_H
#define RHAZ_HTML_H

#include <stdio.h>

#include "core.h"

#pragma GCC visibility push(default) /* librhaz.so exports this API */

/* <!DOCTYPE html>, head with title and an inline style, <body>, <h1>. */
void rhaz_html_begin(FILE *fp, const char *title);
/* <hLEVEL>text</hLEVEL>, level 2..4. */
void rhaz_html_heading(FILE *fp, int level, const char *text);
/* <p>text</p> */
void rhaz_html_para(FILE *fp, const char *text);
/* <pre>text</pre> */
void rhaz_html_pre(FILE *fp, const char *text);
/* The file's text as <pre>; err names path when it cannot be read. */
rhaz_status rhaz_html_pre_file(FILE *fp, const char *path, rhaz_error *err);
/* <a href="href">text</a> (href relative; escaped as an attribute). */
void rhaz_html_link(FILE *fp, const char *href, const char *text);
/* <p><img src="src" alt="alt"></p> */
void rhaz_html_img(FILE *fp, const char *src, const char *alt);
/* Raw structural markup the caller balances ("<ul>", "<li>", ...). */
void rhaz_html_tag(FILE *fp, const char *tag);
/* </body></html>; RHAZ_EIO (naming what) when fp had a write error. */
rhaz_status rhaz_html_end(FILE *fp, const char *what, rhaz_error *err);

#pragma GCC visibility pop

#endif
