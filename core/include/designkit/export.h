/* export.h - the model and a run's results, written out: Graphviz, JSON, and JSON read back. */
#ifndef DESIGNKIT_EXPORT_H
#define DESIGNKIT_EXPORT_H

#include <stddef.h>
#include "designkit/status.h"
#include "designkit/model.h"
#include "designkit/sim.h"
/* The exporters' headers, for those who want them all. The diagram and the model JSON know
 * nothing of the simulator; only the run report does. */
#include "designkit/report.h"
#include "designkit/draw.h"
#include "designkit/model_json.h"

#endif
