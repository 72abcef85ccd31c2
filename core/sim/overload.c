/* overload.c - a design whose waiting requests grow without bound stops with "overloaded",
 * naming the component, its offered load and its capacity, instead of taking all memory. */
#include <stdio.h>

#include "designkit/locale.h"
#include "sim/engine.h"

/*
 * dk_sim_set_overload - see sim.h. The simulator keeps 0 for "the default" (a calloc'd
 * simulator needs no setting) and UINT64_MAX for "never".
 */
dk_status dk_sim_set_overload(dk_sim_t *sim, uint64_t waiting)
{
    if (sim->ran)
        return DK_ESTATE;
    sim->overload_waiting = waiting == 0 ? UINT64_MAX : waiting;
    return DK_OK;
}

uint64_t dk_sim_overload(const dk_sim_t *sim)
{
    if (sim->overload_waiting == UINT64_MAX)
        return 0;
    return sim->overload_waiting != 0 ? sim->overload_waiting : DK_SIM_OVERLOAD_WAITING;
}

/* Requests per second that reached `a` since the statistics began; negative when no
 * simulated time has passed (they all came at once). */
static double offered_rate(const dk_sim_t *sim, const dk_actor_t *a)
{
    dk_time_t elapsed = sim->now - sim->stats_from;
    return elapsed > 0 ? (double)a->stats.arrivals * 1e9 / (double)elapsed : -1;
}

/* "2 replicas x 50/s" and, when the run measured a request holding its unit longer than its
 * service time, why the capacity is what it is. Numbers through dk_snprintf: a script's
 * os.setlocale must not turn them into "1,5". */
static void describe(const dk__capacity *cap, char *buf, size_t size)
{
    int n = dk_snprintf(buf, size, "%llu %s%s x %.4g/s", (unsigned long long)cap->units, cap->unit,
                        cap->units == 1 ? "" : "s", cap->each);
    if (cap->held > 0 && n > 0 && (size_t)n < size)
        dk_snprintf(buf + n, size - (size_t)n, ", each request holding a %s %.4gs", cap->unit,
                    cap->held);
}

static void stop(dk_sim_t *sim, const dk_actor_t *a, const dk__capacity *cap, double offered)
{
    char how[160], load[64], capacity[32];
    describe(cap, how, sizeof how);
    if (offered >= 0)
        dk_snprintf(load, sizeof load, "%.4g/s", offered);
    else
        dk_snprintf(load, sizeof load, "%llu requests at once",
                    (unsigned long long)a->stats.arrivals);
    dk_snprintf(capacity, sizeof capacity, "%.4g/s", cap->per_second);
    dk_sim_abort(sim, DK_EFULL,
                 "overloaded: %s \"%s\" has %lu requests waiting; offered %s against a capacity of "
                 "%s (%s). Add replicas or workers, bound its queue, or send less (the run's "
                 "option overload, --overload N|off, sets how many may wait)",
                 dk_actor_kind(a), a->name, (unsigned long)a->stats.queued, load, capacity, how);
}

/*
 * dk__sim_pool_grew - see engine.h. Requests in flight are calls, and calls come from the pool,
 * so a pile-up anywhere shows as the pool growing: checking here costs nothing per event, and
 * a scan of the actors per chunk of up to 65536 new calls. Of the actors with at least the
 * threshold waiting, the one with the most waiting whose offered load is at or above its
 * capacity stops the run; a long queue that is draining (load below capacity) is left alone.
 */
void dk__sim_pool_grew(dk_sim_t *sim, size_t n)
{
    uint64_t threshold = dk_sim_overload(sim);
    const dk_actor_t *worst = NULL;
    dk__capacity worst_cap = {0};
    double worst_offered = 0;

    sim->pool_calls += n;
    if (threshold == 0 || sim->pool_calls < threshold)
        return; /* fewer calls than the threshold: no queue can be that long */
    for (size_t i = 0; i < sim->nactors; i++) {
        const dk_actor_t *a = sim->actors[i];
        dk__capacity cap = {0};
        if (a->capacity == NULL || a->stats.queued < threshold || !a->capacity(a, &cap))
            continue;
        double offered = offered_rate(sim, a);
        if (offered >= 0 && offered < cap.per_second)
            continue;
        if (worst == NULL || a->stats.queued > worst->stats.queued) {
            worst = a;
            worst_cap = cap;
            worst_offered = offered;
        }
    }
    if (worst != NULL)
        stop(sim, worst, &worst_cap, worst_offered);
}
