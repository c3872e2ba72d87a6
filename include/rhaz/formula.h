/* rhaz/formula.h -- R-style model formulas and design matrices (issue 4). */
#ifndef RHAZ_FORMULA_H
#define RHAZ_FORMULA_H

#include "core.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
