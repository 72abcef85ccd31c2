/* designkit.h - everything public in one include. */
#ifndef DESIGNKIT_H
#define DESIGNKIT_H

#define DK_VERSION "0.1.0"

#include "designkit/status.h"
#include "designkit/alloc.h"
#include "designkit/rng.h"
#include "designkit/heap.h"
#include "designkit/map.h"
#include "designkit/hist.h"
#include "designkit/units.h"
#include "designkit/suggest.h"
#include "designkit/file.h"
#include "designkit/trace.h"
#include "designkit/balancer.h"
#include "designkit/cache.h"
#include "designkit/sim.h"
#include "designkit/stats.h"
#include "designkit/replicas.h"
#include "designkit/model.h"
#include "designkit/json.h"
#include "designkit/export.h"
#include "designkit/kinds.h"
#include "designkit/splitwise.h"
#include "designkit/snakes.h"
#include "designkit/elevator.h"
#include "designkit/atm.h"
#include "designkit/parking.h"
#include "designkit/statemachine.h"
#include "designkit/statemachine_export.h"
#include "designkit/draw_sm.h"
#include "designkit/classdiagram.h"
#include "designkit/draw_uml.h"
#include "designkit/bqueue.h"
#include "designkit/ring.h"

#endif
