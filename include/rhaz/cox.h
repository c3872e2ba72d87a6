/* rhaz/cox.h -- Cox proportional hazards, survival curves (issue 5). */
#ifndef RHAZ_COX_H
#define RHAZ_COX_H

#include "core.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
