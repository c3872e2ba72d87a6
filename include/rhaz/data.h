/* rhaz/data.h -- panels from UN treaty records and covariate sources (issue 3). */
#ifndef RHAZ_DATA_H
#define RHAZ_DATA_H

#include "core.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
