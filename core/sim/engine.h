/* engine.h - the simulator's internals shared by the files of core/sim (not installed). */
#ifndef DK_SIM_ENGINE_H
#define DK_SIM_ENGINE_H

#include <stdint.h>
#include "designkit/sim.h"
#include "sim/event_queue.h"

/* A link from one actor to another: its latency (NULL = zero) and its own random stream, so
 * that adding a link does not perturb any other draw. */
typedef struct dk__link {
    dk_actor_t *to;
    dk_dist_t *latency;
    dk_rng_t rng;
    uint64_t calls;
} dk__link;

struct dk_actor {
    dk_rng_t rng; /* first: the hot path reaches it without an offset */
    const dk_actor_ops *ops;
    void *data;
    dk_sim_t *sim;
    char *name;
    size_t index;
    dk_actor_stats stats;
    dk__link *out; /* links in dk_sim_link order */
    size_t nout, cap_out;
    /* Drops the actor's per-call state for a call still inside it when the simulator is freed
     * (a flow's abandon). Set by stations; NULL for the rest. */
    void (*abandon)(dk_actor_t *self, dk_call_t *call);
};

/* The engine's wrapper around a pooled call: what the public struct does not show. */
typedef struct dk__call_slot {
    dk_call_t call; /* first, so a dk_call_t * is a slot pointer */
    dk__link *link; /* the link the call travelled on (replies take it back); NULL if none */
    uint8_t live;   /* handed out and not yet released */
    uint8_t root;   /* made by dk_sim_new_call: counted in the class statistics */
} dk__call_slot;

typedef struct dk__call_chunk {
    struct dk__call_chunk *next;
    size_t n;
    dk__call_slot slots[];
} dk__call_chunk;

typedef struct dk__class {
    char *name;
    dk_class_stats stats;
} dk__class;

struct dk_sim {
    dk__evq q;
    dk_time_t now;
    uint64_t seed;
    uint64_t events;
    uint64_t next_call_id;
    uint64_t roots_created; /* over all classes, for max_roots */
    uint64_t roots_live;    /* root calls not yet released */
    uint64_t max_roots;
    dk_call_t *free_calls; /* pool free list, linked through ->next */
    dk__call_chunk *chunks;
    size_t chunk_size;
    dk_actor_t **actors;
    size_t nactors, cap_actors;
    dk__class *classes;
    size_t nclasses, cap_classes;
    dk_time_t end_time;
    int ran;
    int stop; /* set by dk_sim_abort: the loop ends after the current event */
    dk_status status;
    char error[DK_ERROR_MAX];
};

/* Aborts the run: an event at `t` could not be scheduled for want of memory. */
void dk__sim_schedule_failed(dk_sim_t *sim, dk_time_t t);

/* Schedules an event for `actor` at now + delay (delay >= 0); aborts the run on out-of-memory.
 * Inline: every event of the run passes through here. */
static inline void dk__sim_schedule(dk_sim_t *sim, dk_actor_t *actor, dk_time_t delay,
                                    uint32_t kind, dk_call_t *call, uint32_t tag, void *ptr)
{
    dk_time_t t = sim->now + delay;
    if (dk__evq_add(&sim->q, t, actor, call, ptr, kind, tag) != DK_OK)
        dk__sim_schedule_failed(sim, t);
}

/* Brings the busy/queue integrals of `a` up to `now` before either count changes. */
static inline void dk__actor_advance(dk_actor_t *a, dk_time_t now)
{
    dk_actor_stats *s = &a->stats;
    double dt = (double)(now - s->last_change);
    s->busy_area += (double)s->busy * dt;
    s->queue_area += (double)s->queued * dt;
    s->last_change = now;
}

/* A draw from `d` as a non-negative whole number of nanoseconds (NULL: 0). */
dk_time_t dk__sample_time(const dk_dist_t *d, dk_rng_t *rng);

#endif
