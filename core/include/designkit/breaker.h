/* breaker.h - a circuit breaker with resilience4j's semantics, on a time argument. */
#ifndef DESIGNKIT_BREAKER_H
#define DESIGNKIT_BREAKER_H

#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The states. CLOSED lets calls through and records their outcomes in a sliding window; once
 * the window holds at least `min_calls` outcomes and the failure rate or the slow-call rate
 * reaches its threshold, the breaker OPENs and rejects every call for `wait_ns`. The first
 * dk_breaker_allow (or dk_breaker_state) at or after that moves it to HALF_OPEN, which permits
 * `half_open_calls` trial calls and rejects the rest; when all of them are recorded their rates
 * decide: OPEN again or CLOSED. FORCED_OPEN rejects and DISABLED permits everything, recording
 * nothing, until the caller moves the breaker elsewhere. Every transition empties the window.
 *
 * Not thread-safe; one owner. Time is a caller's count of nanoseconds (the simulator's clock,
 * or a monotonic clock): the breaker reads no clock of its own.
 */
#define DK_BREAKER_STATES(X)                                                                       \
    X(CLOSED, "closed")                                                                            \
    X(OPEN, "open")                                                                                \
    X(HALF_OPEN, "half_open")                                                                      \
    X(FORCED_OPEN, "forced_open")                                                                  \
    X(DISABLED, "disabled")

typedef enum dk_breaker_state {
#define DK__BREAKER_ENUM(id, name) DK_BREAKER_##id,
    DK_BREAKER_STATES(DK__BREAKER_ENUM)
#undef DK__BREAKER_ENUM
} dk_breaker_state;

/* Every state's name in enum order, NULL-terminated. */
extern const char *const dk_breaker_state_names[];
const char *dk_breaker_state_name(dk_breaker_state s);
dk_status dk_breaker_state_parse(const char *name, dk_breaker_state *out); /* DK_ENOTFOUND */

/* COUNT: the window is the last `window` recorded calls. TIME: the calls recorded in the last
 * `window` whole seconds (one bucket per second, the current partial second included, as
 * resilience4j's time-based window). */
typedef enum dk_breaker_window { DK_BREAKER_COUNT, DK_BREAKER_TIME } dk_breaker_window;

typedef struct dk_breaker_config {
    dk_breaker_window window_type;
    uint32_t window;          /* calls (COUNT) or seconds (TIME), 1 .. 1e6 */
    uint32_t min_calls;       /* >= 1; a COUNT window uses min(min_calls, window) */
    double failure_rate;      /* (0, 1]: open at or above it */
    double slow_rate;         /* (0, 1]: open at or above it */
    int64_t slow_ns;          /* > 0: a call that took at least this long is slow */
    int64_t wait_ns;          /* > 0: how long OPEN lasts */
    uint32_t half_open_calls; /* >= 1: trial calls permitted in HALF_OPEN */
} dk_breaker_config;

/* resilience4j's defaults: COUNT window of 100, min_calls 100, failure_rate 0.5, slow_rate 1,
 * slow 60 s, wait 60 s, 10 half-open calls. */
void dk_breaker_config_default(dk_breaker_config *c);

/* Checks `c`: DK_EINVAL with `err` naming the field ("breaker: failure_rate must be in (0, 1]
 * (got 1.5)"). */
dk_status dk_breaker_config_check(const dk_breaker_config *c, dk_error *err);

typedef struct dk_breaker dk_breaker_t;

/* A CLOSED breaker. Caller frees with dk_breaker_free. NULL with `err` on a bad config or
 * DK_ENOMEM. The window is allocated here, once; nothing is allocated per call. */
dk_breaker_t *dk_breaker_new(const dk_breaker_config *c, dk_error *err);
void dk_breaker_free(dk_breaker_t *b); /* NULL is a no-op */

/* Called on every transition, after it (the new state is already current), with the time of
 * the call that caused it. A listener may read the breaker but must not call dk_breaker_force,
 * _allow or _record on it (the transition would nest). */
typedef void (*dk_breaker_listener)(void *ud, dk_breaker_state from, dk_breaker_state to,
                                    int64_t now);
/* Sets the one listener (NULL removes it). */
void dk_breaker_on_change(dk_breaker_t *b, dk_breaker_listener fn, void *ud);

/* Whether a call may go ahead at `now`: 1 yes, 0 rejected (counted). A permitted call in
 * HALF_OPEN takes one of the trial permits. Moves OPEN to HALF_OPEN when the wait is over. */
int dk_breaker_allow(dk_breaker_t *b, int64_t now);

/* Records the outcome of a permitted call that ended at `now` after `duration_ns`. Outcomes
 * arriving in OPEN, FORCED_OPEN or DISABLED (a call permitted before the breaker opened) are
 * ignored, as resilience4j does. May transition. */
void dk_breaker_record(dk_breaker_t *b, int64_t now, int ok, int64_t duration_ns);

/* The state at `now` (moves OPEN to HALF_OPEN when the wait is over). */
dk_breaker_state dk_breaker_state_at(dk_breaker_t *b, int64_t now);

/* Moves the breaker to `to` at once (CLOSED resets it; OPEN starts a new wait; FORCED_OPEN and
 * DISABLED hold until the next dk_breaker_force). Notifies the listener when the state changes. */
void dk_breaker_force(dk_breaker_t *b, dk_breaker_state to, int64_t now);

/* What the current window holds (a TIME window as of the last record: seconds are emptied as
 * records move time on), and what the breaker did since it was made. */
typedef struct dk_breaker_stats {
    uint32_t calls, failures, slow; /* in the window (in HALF_OPEN: the trial calls so far) */
    double failure_rate, slow_rate; /* over the window; -1 below the minimum number of calls */
    uint64_t permitted, rejected, transitions;
} dk_breaker_stats;
void dk_breaker_stats_get(const dk_breaker_t *b, dk_breaker_stats *out);

#ifdef __cplusplus
}
#endif
#endif
