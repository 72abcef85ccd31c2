/* bare_mm1.h - the baseline: an M/M/1 queue as a bare heap-driven loop, nothing else. */
#ifndef BENCH_BARE_MM1_H
#define BENCH_BARE_MM1_H

#include <stdint.h>

/* Simulates `n` customers with arrival rate lambda and service rate mu (per second, times in
 * integer nanoseconds as the engine keeps them) and returns the mean response time in seconds.
 * *events receives the number of events popped. */
double bare_mm1(uint64_t n, double lambda, double mu, uint64_t seed, uint64_t *events);

#endif
