/* rhaz/plot.h -- gnuplot figure scripts (issue 6). */
#ifndef RHAZ_PLOT_H
#define RHAZ_PLOT_H

#include "core.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
