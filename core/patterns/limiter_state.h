/* limiter_state.h - one key's limiter state and the decision on it (internal to core/patterns). */
#ifndef DK_PATTERNS_LIMITER_STATE_H
#define DK_PATTERNS_LIMITER_STATE_H

#include <stdint.h>
#include "designkit/limiter.h"

/* What every decision reads: the algorithm, T = 1/rate in ns, burst and W = burst x T. */
typedef struct dk__limiter_params {
    dk_limiter_algorithm algorithm;
    int64_t t, burst, w;
} dk__limiter_params;

/* One key's state. `last` is the latest time seen; a, b, c mean what the algorithm says
 * (credit, TAT, window index, counts, ring indices): see limiter.c. */
typedef struct dk__limiter_state {
    int64_t last, a, b, c;
} dk__limiter_state;

void dk__limiter_fresh(const dk__limiter_params *p, dk__limiter_state *s, int64_t now);
int dk__limiter_decide(const dk__limiter_params *p, dk__limiter_state *s, int64_t *log, int64_t now,
                       int64_t *wait);

#endif
