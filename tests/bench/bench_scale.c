/* bench_scale.c - the simulator at scale: a client, one round-robin balancer and 10 to 10^5
 * stations behind it, built through the C API. Prints, per size, the build time, the bytes
 * allocated (counted through the allocation hooks), the bytes per idle station and the time per
 * request, then the 10^5 / 10 ratio of the last and the time to register 10^5 request classes.
 * Never asserts a time: a smoke run only checks that it keeps building and running. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "designkit/designkit.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- an allocator that counts: every block carries its size in front ---- */

static size_t live_bytes, peak_bytes;

static void *count_malloc(size_t size, void *ud)
{
    (void)ud;
    max_align_t *p = malloc(sizeof *p + size);
    if (p == NULL)
        return NULL;
    *(size_t *)(void *)p = size;
    live_bytes += size;
    if (live_bytes > peak_bytes)
        peak_bytes = live_bytes;
    return p + 1;
}

static void count_free(void *ptr, void *ud)
{
    (void)ud;
    max_align_t *p = (max_align_t *)ptr - 1;
    live_bytes -= *(size_t *)(void *)p;
    free(p);
}

static void *count_realloc(void *ptr, size_t size, void *ud)
{
    (void)ud;
    max_align_t *p = (max_align_t *)ptr - 1;
    size_t old = *(size_t *)(void *)p;
    max_align_t *q = realloc(p, sizeof *q + size);
    if (q == NULL)
        return NULL;
    *(size_t *)(void *)q = size;
    live_bytes = live_bytes - old + size;
    if (live_bytes > peak_bytes)
        peak_bytes = live_bytes;
    return q + 1;
}

static const dk_allocator counting = {count_malloc, count_realloc, count_free, NULL};

/* ---- one size ---- */

typedef struct result {
    size_t backends;
    double build_s;     /* dk_sim_new to the last link */
    size_t bytes;       /* live after the build */
    double per_station; /* bytes the stations (and their links) added, per station */
    double run_s;
    uint64_t requests;
} result;

static int fail(const char *what, const dk_error *err)
{
    fprintf(stderr, "bench_scale: %s: %s\n", what, err->message);
    return -1;
}

/* The offered load is the same at every size (10^6 requests/s, 2 us of service each: about
 * two calls in flight), so what changes is only the number of backends the balancer spreads
 * them over: per-request work that grows with it is a lookup that should not be there. */
static int run_size(size_t n, uint64_t requests, result *r)
{
    dk_error err;
    dk_error_clear(&err);
    memset(r, 0, sizeof *r);
    r->backends = n;
    size_t before = live_bytes;
    double t0 = seconds_now();
    dk_sim_t *sim = dk_sim_new(42, NULL);
    dk_dist_t *service = dk_dist_exponential(2000, &err);
    if (sim == NULL || service == NULL)
        return fail("setup", &err);
    dk_client_config cc = {.rate = 1e6, .poisson = 1};
    dk_actor_t *client = dk_sim_add_client(sim, "client", &cc, &err);
    dk_actor_t *lb = dk_sim_add_balancer(sim, "lb", DK_LB_ROUND_ROBIN, &err);
    if (client == NULL || lb == NULL || dk_sim_link(sim, client, lb, NULL, &err) != DK_OK)
        return fail("client and balancer", &err);
    size_t fixed = live_bytes;
    dk_station_config sc = {.servers = 1, .queue_limit = 0, .service = service};
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "s%zu", i);
        dk_actor_t *s = dk_sim_add_station(sim, name, "service", &sc, &err);
        if (s == NULL || dk_sim_link(sim, lb, s, NULL, &err) != DK_OK)
            return fail("station", &err);
    }
    r->build_s = seconds_now() - t0;
    r->bytes = live_bytes - before;
    r->per_station = (double)(live_bytes - fixed) / (double)n;
    t0 = seconds_now();
    dk_status st = dk_sim_run(sim, INT64_MAX, requests, NULL, NULL);
    r->run_s = seconds_now() - t0;
    if (st != DK_OK) {
        fprintf(stderr, "bench_scale: run: %s\n", dk_sim_error(sim));
        return -1;
    }
    r->requests = dk_sim_class_stats(sim, 0)->completed;
    dk_dist_free(service);
    dk_sim_free(sim);
    return r->requests == requests ? 0 : -1;
}

/* The time to register `n` request classes, as a mix naming them all would. */
static double add_classes(size_t n)
{
    dk_sim_t *sim = dk_sim_new(1, NULL);
    double t0 = seconds_now();
    for (size_t i = 0; i < n; i++) {
        char name[32];
        uint32_t idx;
        snprintf(name, sizeof name, "class-%zu", i);
        if (dk_sim_add_class(sim, name, &idx) != DK_OK || idx != i) {
            fprintf(stderr, "bench_scale: class %zu\n", i);
            dk_sim_free(sim);
            return -1;
        }
    }
    double t = seconds_now() - t0;
    dk_sim_free(sim);
    return t;
}

int main(int argc, char **argv)
{
    uint64_t requests = argc > 1 ? strtoull(argv[1], NULL, 10) : 2000000;
    size_t max_backends = argc > 2 ? strtoull(argv[2], NULL, 10) : 100000;
    static const size_t sizes[] = {10, 1000, 100000};
    result rs[3];
    size_t nr = 0;
    dk_set_allocator(&counting);
    printf("%-9s %10s %12s %14s %12s\n", "backends", "build ms", "bytes", "bytes/station",
           "ns/request");
    for (size_t i = 0; i < 3 && sizes[i] <= max_backends; i++) {
        /* Best of three runs: the build and run are deterministic, the machine is not. */
        result best = {0};
        for (int k = 0; k < 3; k++) {
            result r;
            if (run_size(sizes[i], requests, &r) != 0)
                return 3;
            if (k == 0 || r.run_s < best.run_s)
                best.run_s = r.run_s;
            if (k == 0 || r.build_s < best.build_s)
                best.build_s = r.build_s;
            best.backends = r.backends;
            best.bytes = r.bytes;
            best.per_station = r.per_station;
            best.requests = r.requests;
        }
        rs[nr++] = best;
        printf("%-9zu %10.2f %12zu %14.0f %12.1f\n", best.backends, best.build_s * 1e3, best.bytes,
               best.per_station, best.run_s / (double)best.requests * 1e9);
    }
    if (nr > 1) {
        const result *a = &rs[0], *b = &rs[nr - 1];
        printf("ns/request %zu / %zu backends: %.2f (goal: at most 2)\n", b->backends, a->backends,
               (b->run_s / (double)b->requests) / (a->run_s / (double)a->requests));
    }
    printf("bytes per idle station: %.0f (goal: under 4096)\n", rs[nr - 1].per_station);
    size_t ncls = max_backends < 100000 ? max_backends : 100000;
    double t = add_classes(ncls);
    if (t < 0)
        return 3;
    printf("%zu request classes added in %.1f ms (goal: well under 1 s)\n", ncls, t * 1e3);
    dk_set_allocator(NULL);
    return 0;
}
