/* roundtrip.h -- a fit summary written as `rhaz fit --format json` writes
 * it and read back, for tests that use what the fit JSON carries (the
 * design, weights, formula).  NULL with err filled when either step fails;
 * s is not freed. */
#ifndef RHAZ_TESTS_ROUNDTRIP_H
#define RHAZ_TESTS_ROUNDTRIP_H
#include "rhaz.h"
#include <stdio.h>
#include <stdlib.h>

static rhaz_fit_summary *t_json_roundtrip(const rhaz_fit_summary *s, rhaz_error *err)
{
    rhaz_fit_summary *back = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (fp && rhaz_fit_summary_write(fp, s, RHAZ_SUMMARY_JSON, NULL, err) == 0) {
        fclose(fp);
        back = rhaz_fit_summary_parse_json(buf, "fit.json", err);
    } else if (fp)
        fclose(fp);
    free(buf);
    return back;
}
#endif
