/* bare_mm1.c - the bare M/M/1 loop the engine is measured against: one binary heap of
 * (time, seq, kind) events, a FIFO of arrival times, the same RNG and exponential sampler
 * (dk_dist_sample) as the engine, and no components, pools, histograms or flows. It is the floor:
 * "within 2x of the bare loop" means the engine's generality costs at most that much. */
#include "bare_mm1.h"

#include <stdlib.h>

#include "designkit/rng.h"

typedef struct event {
    int64_t time;
    uint64_t seq;
    int kind; /* 0 arrival, 1 departure */
} event;

static int before(const event *a, const event *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void push(event *heap, size_t *n, event e)
{
    size_t i = (*n)++;
    while (i > 0 && before(&e, &heap[(i - 1) / 2])) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = e;
}

static event pop(event *heap, size_t *n)
{
    event top = heap[0], last = heap[--(*n)];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && before(&heap[c + 1], &heap[c]))
            c++;
        if (!before(&heap[c], &last))
            break;
        heap[i] = heap[c];
        i = c;
    }
    heap[i] = last;
    return top;
}

/* The engine's draw: dk_dist_sample (the same sampler), rounded to whole ns as it rounds. */
static int64_t draw_exp(const dk_dist_t *d, dk_rng_t *rng)
{
    return (int64_t)(dk_dist_sample(d, rng) + 0.5);
}

double bare_mm1(uint64_t n, double lambda, double mu, uint64_t seed, uint64_t *events)
{
    dk_rng_t arrivals, service;
    dk_rng_seed_named(&arrivals, seed, "arrivals");
    dk_rng_seed_named(&service, seed, "service");
    dk_dist_t *ia = dk_dist_exponential(1e9 / lambda, NULL);
    dk_dist_t *st = dk_dist_exponential(1e9 / mu, NULL);

    event heap[4];
    size_t heap_n = 0;
    /* The FIFO of waiting customers' arrival times: a ring that doubles when full. */
    size_t cap = 1024, head = 0, len = 0;
    int64_t *fifo = malloc(cap * sizeof *fifo);
    uint64_t seq = 0, created = 0, done = 0, popped = 0;
    double total_response = 0;
    int busy = 0;

    push(heap, &heap_n, (event){draw_exp(ia, &arrivals), seq++, 0});
    created = 1;
    while (heap_n > 0) {
        event e = pop(heap, &heap_n);
        popped++;
        if (e.kind == 0) {
            if (len == cap) {
                int64_t *bigger = malloc(2 * cap * sizeof *bigger);
                for (size_t i = 0; i < len; i++)
                    bigger[i] = fifo[(head + i) % cap];
                free(fifo);
                fifo = bigger, head = 0, cap *= 2;
            }
            fifo[(head + len++) % cap] = e.time;
            if (!busy) {
                busy = 1;
                push(heap, &heap_n, (event){e.time + draw_exp(st, &service), seq++, 1});
            }
            if (created < n) {
                push(heap, &heap_n, (event){e.time + draw_exp(ia, &arrivals), seq++, 0});
                created++;
            }
        } else {
            total_response += (double)(e.time - fifo[head]);
            head = (head + 1) % cap, len--;
            done++;
            if (len > 0)
                push(heap, &heap_n, (event){e.time + draw_exp(st, &service), seq++, 1});
            else
                busy = 0;
        }
    }
    free(fifo);
    dk_dist_free(ia);
    dk_dist_free(st);
    *events = popped;
    return done ? total_response / (double)done / 1e9 : 0;
}
