/* rhaz.h -- public API of librhaz, ratification hazard analysis.
 *
 * This is the only header a program needs.  The library never prints to
 * stdout and never calls exit(); every function that can fail returns an
 * rhaz_status (or NULL) and fills an rhaz_error record.
 */
#ifndef RHAZ_H
#define RHAZ_H

#define RHAZ_VERSION "0.1.0"

#include "rhaz/core.h"
#include "rhaz/table.h"
#include "rhaz/data.h"
#include "rhaz/spells.h"
#include "rhaz/country.h"
#include "rhaz/formula.h"
#include "rhaz/fit.h"
#include "rhaz/pool.h"
#include "rhaz/glm.h"
#include "rhaz/cox.h"
#include "rhaz/clogit.h"
#include "rhaz/survreg.h"
#include "rhaz/frailty.h"
#include "rhaz/boot.h"
#include "rhaz/parts.h"
#include "rhaz/predict.h"
#include "rhaz/plot.h"
#include "rhaz/report.h"
#include "rhaz/modelfile.h"
#include "rhaz/regtable.h"
#include "rhaz/json.h"
#include "rhaz/html.h"

#endif
