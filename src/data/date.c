/* date.c -- dates of treaty acts: "8 Mar 1999 a", "1999-03-08", "1999". */
#include "rhaz/data.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const month_names[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Month from a word of n letters: 3-letter abbreviation, "Sept", or the
 * full name, case-insensitive.  0 if none. */
static int month_from(const char *w, size_t n)
{
    char low[16];
    if (n < 3 || n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)w[i]);
    low[n] = '\0';
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(month_names[m]);
        if (n == full && memcmp(low, month_names[m], n) == 0)
            return m + 1;
        if (n == 3 && memcmp(low, month_names[m], 3) == 0)
            return m + 1;
        if (m == 8 && n == 4 && memcmp(low, "sept", 4) == 0)
            return 9;
    }
    return 0;
}

/* Read 1..maxd digits; returns count read (0 if none). */
static int digits(const char *s, int maxd, int *val)
{
    int n = 0, v = 0;
    while (n < maxd && isdigit((unsigned char)s[n]))
        v = v * 10 + (s[n++] - '0');
    if (isdigit((unsigned char)s[n]))
        return 0; /* too many digits */
    *val = v;
    return n;
}

static rhaz_status bad(rhaz_error *err, const char *file, long line,
                       const char *s, const char *why)
{
    rhaz_status st = rhaz_error_set(err, RHAZ_EPARSE, file, line,
                                    "bad date '%.60s': %s", s, why);
    if (err)
        snprintf(err->what, sizeof err->what, "%.100s", s);
    return st;
}

rhaz_status rhaz_date_parse_at(const char *s, rhaz_date *out, char *suffix,
                               const char *file, long line, rhaz_error *err)
{
    const char *p = s;
    int y = 0, m = 0, d = 0, n;
    if (suffix)
        suffix[0] = '\0';
    if (!s)
        return bad(err, file, line, "", "missing");
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p)
        return bad(err, file, line, s, "empty");
    n = digits(p, 4, &y);
    if (n == 4 && (p[4] == '-')) { /* ISO 1999-03-08 */
        p += 5;
        if (digits(p, 2, &m) != 2 || p[2] != '-' || digits(p + 3, 2, &d) != 2)
            return bad(err, file, line, s, "expected YYYY-MM-DD");
        p += 5;
    } else if (n == 4) { /* year only */
        p += 4;
    } else if (n >= 1 && n <= 2 && p[n] == ' ') { /* 8 Mar 1999 */
        d = y;
        y = 0;
        p += n + 1;
        while (*p == ' ')
            p++;
        const char *w = p;
        while (isalpha((unsigned char)*p))
            p++;
        m = month_from(w, (size_t)(p - w));
        if (!m)
            return bad(err, file, line, s, "unknown month");
        if (*p != ' ')
            return bad(err, file, line, s, "expected a year after the month");
        while (*p == ' ')
            p++;
        if (digits(p, 4, &y) != 4)
            return bad(err, file, line, s, "expected a 4-digit year");
        p += 4;
    } else {
        return bad(err, file, line, s, "not a date");
    }
    if (y < 1000 || y > 2999)
        return bad(err, file, line, s, "year out of range");
    if (m != 0 && (m < 1 || m > 12))
        return bad(err, file, line, s, "month out of range");
    if (m != 0 && (d < 1 || d > days_in_month(y, m)))
        return bad(err, file, line, s, "no such day in that month");
    /* optional suffix: blanks then 1-2 letters */
    const char *q = p;
    while (*q == ' ' || *q == '\t')
        q++;
    if (*q) {
        size_t k = 0;
        if (q == p)
            return bad(err, file, line, s, "trailing characters");
        while (isalpha((unsigned char)q[k]))
            k++;
        const char *r = q + k;
        while (*r == ' ' || *r == '\t')
            r++;
        if (k == 0 || k > 2 || *r)
            return bad(err, file, line, s, "trailing characters");
        if (!suffix)
            return bad(err, file, line, s, "unexpected suffix");
        memcpy(suffix, q, k);
        suffix[k] = '\0';
    }
    out->year = y;
    out->month = m;
    out->day = d;
    return RHAZ_OK;
}

rhaz_status rhaz_date_parse(const char *s, rhaz_date *out, char *suffix,
                            rhaz_error *err)
{
    return rhaz_date_parse_at(s, out, suffix, NULL, 0, err);
}

static long date_key(rhaz_date a)
{
    if (a.month == 0)
        return a.year * 10000L + 1299; /* end of the year, after Dec 31 */
    return a.year * 10000L + a.month * 100L + a.day;
}

int rhaz_date_cmp(rhaz_date a, rhaz_date b)
{
    long ka = date_key(a), kb = date_key(b);
    return (ka > kb) - (ka < kb);
}

void rhaz_date_format(rhaz_date d, char *buf, size_t size)
{
    if (d.year == 0)
        snprintf(buf, size, "%s", "");
    else if (d.month == 0)
        snprintf(buf, size, "%04d", d.year);
    else
        snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
}

/* ---------- acts ---------- */

static const char *const act_names[RHAZ_NACT] = {
    "none",       "signature", "ratification",         "accession",
    "succession", "acceptance", "approval",            "definitive_signature",
    "formal_confirmation", "consent", "other"};

const char *rhaz_act_name(rhaz_act a)
{
    return (unsigned)a < RHAZ_NACT ? act_names[a] : "?";
}

int rhaz_act_is_consent(rhaz_act a)
{
    return a != RHAZ_ACT_NONE && a != RHAZ_ACT_SIGNATURE &&
           a != RHAZ_ACT_OTHER && a < RHAZ_NACT;
}
