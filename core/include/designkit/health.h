/* health.h - active health checks with thresholds, and auto-healing by a restart after a delay. */
#ifndef DESIGNKIT_HEALTH_H
#define DESIGNKIT_HEALTH_H

#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A checker probes a target every `interval_ns`; a probe that fails or answers after
 * `timeout_ns` counts as a failure. `unhealthy_threshold` failures in a row mark a healthy
 * target unhealthy, `healthy_threshold` successes in a row mark an unhealthy one healthy again
 * (as a load balancer's target group or a Kubernetes probe do). With `restart_after_ns` > 0 the
 * checker heals: once the target has been unhealthy that long, dk_health_due_restart says so and
 * the caller restarts it (dk_health_restarted). A target starts healthy.
 * Not thread-safe; one owner. Times are the caller's nanoseconds.
 */
typedef struct dk_health_config {
    int64_t interval_ns;          /* > 0 */
    int64_t timeout_ns;           /* > 0, at most interval_ns */
    uint32_t healthy_threshold;   /* 1 .. 1000 */
    uint32_t unhealthy_threshold; /* 1 .. 1000 */
    int64_t restart_after_ns;     /* >= 0; 0: no auto-healing */
} dk_health_config;

/* interval 10 s, timeout 5 s, healthy 3, unhealthy 3, no auto-healing. */
void dk_health_config_default(dk_health_config *c);

typedef struct dk_health dk_health_t;

/* A checker whose first probe is due at `start`. Caller frees with dk_health_free. NULL with
 * `err` naming the field, or DK_ENOMEM. */
dk_health_t *dk_health_new(const dk_health_config *c, int64_t start, dk_error *err);
void dk_health_free(dk_health_t *h); /* NULL is a no-op */

/* When the next probe is due (the last probe's time + interval). */
int64_t dk_health_next_probe(const dk_health_t *h);

/* The outcome of the probe sent at `now` that answered `ok` after `latency_ns` (a latency over
 * the timeout is a failure whatever `ok` says). Returns 1 when the verdict changed. */
int dk_health_probe(dk_health_t *h, int64_t now, int ok, int64_t latency_ns);

int dk_health_healthy(const dk_health_t *h); /* 1 healthy, 0 unhealthy */

/* 1 when auto-healing is on and the target has been unhealthy for restart_after_ns at `now`. */
int dk_health_due_restart(const dk_health_t *h, int64_t now);

/* The caller restarted the target at `now`: counted, and the wait for the next restart starts
 * again (the target stays unhealthy until enough probes succeed). */
void dk_health_restarted(dk_health_t *h, int64_t now);

typedef struct dk_health_stats {
    uint64_t probes, failures, restarts, transitions;
    int64_t healthy_ns, unhealthy_ns; /* time spent in each verdict, up to `now` */
} dk_health_stats;
void dk_health_stats_get(const dk_health_t *h, int64_t now, dk_health_stats *out);

#ifdef __cplusplus
}
#endif
#endif
