/* rhaz/glm.h -- discrete-time hazard models: logit, cloglog, Firth (issue 4). */
#ifndef RHAZ_GLM_H
#define RHAZ_GLM_H

#include "core.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
