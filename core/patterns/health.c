/* health.c - a health checker: consecutive-outcome thresholds and a restart timer. */
#include "designkit/alloc.h"
#include "designkit/health.h"

struct dk_health {
    dk_health_config c;
    int healthy;
    uint32_t streak; /* outcomes in a row that argue against the current verdict */
    int64_t next_probe;
    int64_t since;     /* when the current verdict began */
    int64_t heal_from; /* when the wait for a restart began (the verdict, or the last restart) */
    int64_t started;
    int64_t done_healthy; /* time in each verdict before `since` */
    int64_t done_unhealthy;
    dk_health_stats stats;
};

void dk_health_config_default(dk_health_config *c)
{
    c->interval_ns = INT64_C(10000000000);
    c->timeout_ns = INT64_C(5000000000);
    c->healthy_threshold = 3;
    c->unhealthy_threshold = 3;
    c->restart_after_ns = 0;
}

dk_health_t *dk_health_new(const dk_health_config *c, int64_t start, dk_error *err)
{
    if (c->interval_ns <= 0) {
        dk_error_set(err, DK_EINVAL, "health: interval must be a positive duration");
        return NULL;
    }
    if (c->timeout_ns <= 0 || c->timeout_ns > c->interval_ns) {
        dk_error_set(err, DK_EINVAL, "health: timeout must be positive and at most the interval");
        return NULL;
    }
    if (c->healthy_threshold < 1 || c->healthy_threshold > 1000) {
        dk_error_set(err, DK_EINVAL, "health: healthy_threshold must be from 1 to 1000 (got %u)",
                     c->healthy_threshold);
        return NULL;
    }
    if (c->unhealthy_threshold < 1 || c->unhealthy_threshold > 1000) {
        dk_error_set(err, DK_EINVAL, "health: unhealthy_threshold must be from 1 to 1000 (got %u)",
                     c->unhealthy_threshold);
        return NULL;
    }
    if (c->restart_after_ns < 0) {
        dk_error_set(err, DK_EINVAL, "health: restart_after must not be negative");
        return NULL;
    }
    dk_health_t *h = dk_calloc(1, sizeof *h);
    if (h == NULL) {
        dk_error_set(err, DK_ENOMEM, "health: out of memory");
        return NULL;
    }
    h->c = *c;
    h->healthy = 1;
    h->next_probe = h->since = h->started = start;
    return h;
}

void dk_health_free(dk_health_t *h)
{
    dk_free(h);
}

int64_t dk_health_next_probe(const dk_health_t *h)
{
    return h->next_probe;
}

int dk_health_healthy(const dk_health_t *h)
{
    return h->healthy;
}

int dk_health_probe(dk_health_t *h, int64_t now, int ok, int64_t latency_ns)
{
    int good = ok && latency_ns <= h->c.timeout_ns;
    h->stats.probes++;
    h->stats.failures += !good;
    h->next_probe = now + h->c.interval_ns;
    if (good == h->healthy) { /* agrees with the verdict: any streak against it is broken */
        h->streak = 0;
        return 0;
    }
    uint32_t need = h->healthy ? h->c.unhealthy_threshold : h->c.healthy_threshold;
    if (++h->streak < need)
        return 0;
    if (h->healthy)
        h->done_healthy += now - h->since;
    else
        h->done_unhealthy += now - h->since;
    h->healthy = !h->healthy;
    h->since = h->heal_from = now;
    h->streak = 0;
    h->stats.transitions++;
    return 1;
}

int dk_health_due_restart(const dk_health_t *h, int64_t now)
{
    return !h->healthy && h->c.restart_after_ns > 0 && now - h->heal_from >= h->c.restart_after_ns;
}

void dk_health_restarted(dk_health_t *h, int64_t now)
{
    h->stats.restarts++;
    h->heal_from = now;
    h->streak = 0;
}

void dk_health_stats_get(const dk_health_t *h, int64_t now, dk_health_stats *out)
{
    *out = h->stats;
    int64_t open = now > h->since ? now - h->since : 0;
    out->healthy_ns = h->done_healthy + (h->healthy ? open : 0);
    out->unhealthy_ns = h->done_unhealthy + (h->healthy ? 0 : open);
}
