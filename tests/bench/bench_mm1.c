/* bench_mm1.c - simulated M/M/1 requests per second: the engine (through the C API, as a design
 * builds it) side by side with the bare heap loop, interleaved, best of several rounds. Prints
 * one "name requests/s events/s mean-response" line each and the ratio; never asserts a time. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "designkit/designkit.h"
#include "bare_mm1.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct result {
    double seconds;
    uint64_t events;
    double mean_response;
} result;

static int engine_mm1(uint64_t n, double lambda, double mu, uint64_t seed, result *r)
{
    dk_error err;
    dk_error_clear(&err);
    dk_sim_t *sim = dk_sim_new(seed, NULL);
    dk_dist_t *service = dk_dist_exponential(1e9 / mu, &err);
    uint32_t cls;
    if (!sim || !service || dk_sim_add_class(sim, "request", &cls) != DK_OK)
        return -1;
    dk_client_config cc = {.rate = lambda, .poisson = 1};
    dk_station_config sc = {.servers = 1, .queue_limit = 0, .service = service};
    dk_actor_t *client = dk_sim_add_client(sim, "client", &cc, &err);
    dk_actor_t *station = dk_sim_add_station(sim, "server", "service", &sc, &err);
    if (!client || !station || dk_sim_link(sim, client, station, NULL, &err) != DK_OK) {
        fprintf(stderr, "bench: %s\n", err.message);
        return -1;
    }
    double t0 = seconds_now();
    dk_status st = dk_sim_run(sim, INT64_MAX, n, NULL, NULL);
    r->seconds = seconds_now() - t0;
    if (st != DK_OK) {
        fprintf(stderr, "bench: %s\n", dk_sim_error(sim));
        return -1;
    }
    r->events = dk_sim_events(sim);
    r->mean_response = dk_hist_mean(dk_sim_class_stats(sim, cls)->latency) / 1e9;
    dk_dist_free(service);
    dk_sim_free(sim);
    return 0;
}

static void bare(uint64_t n, double lambda, double mu, uint64_t seed, result *r)
{
    double t0 = seconds_now();
    r->mean_response = bare_mm1(n, lambda, mu, seed, &r->events);
    r->seconds = seconds_now() - t0;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 2000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    const double lambda = 0.8, mu = 1.0; /* rho = 0.8: mean response 5 s */
    result best_engine = {1e300, 0, 0}, best_bare = {1e300, 0, 0};
    for (int i = 0; i < rounds; i++) {
        result e, b;
        if (engine_mm1(n, lambda, mu, 1 + (uint64_t)i, &e) != 0)
            return 3;
        bare(n, lambda, mu, 1 + (uint64_t)i, &b);
        if (e.seconds < best_engine.seconds)
            best_engine = e;
        if (b.seconds < best_bare.seconds)
            best_bare = b;
    }
    printf("%-10s %12.0f requests/s %12.0f events/s  mean response %.3f s (theory 5.000)\n",
           "engine", (double)n / best_engine.seconds,
           (double)best_engine.events / best_engine.seconds, best_engine.mean_response);
    printf("%-10s %12.0f requests/s %12.0f events/s  mean response %.3f s (theory 5.000)\n",
           "bare-loop", (double)n / best_bare.seconds, (double)best_bare.events / best_bare.seconds,
           best_bare.mean_response);
    printf("engine time / bare-loop time: %.2f (goal: at most 1.5)\n",
           best_engine.seconds / best_bare.seconds);
    return 0;
}
