/* rhaz/report.h -- publication tables and model files (issue 7). */
#ifndef RHAZ_REPORT_H
#define RHAZ_REPORT_H

#include "core.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
