/* bench_limiter.c - rate-limiter decisions per second for each algorithm, global and per key
 * (1000 keys), against a bare counter increment run by the same loop in the same run (the
 * cost of a decision beyond the loop itself). Reports ratios; never asserts a timing.
 * Usage: bench_limiter [DECISIONS] [ROUNDS] (best of ROUNDS). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "designkit/limiter.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The loop every measurement shares: time moves on 0.3 T per request (so about a third pass
 * once the burst is spent), keys cycle through 1000 by a stride. The baseline counts what a
 * limiter would be asked instead of asking it. */
static double run(dk_limiter_t *l, long n, int64_t step, uint64_t *sink)
{
    volatile uint64_t passed = 0;
    uint64_t key = 0;
    int64_t t = 0;
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        t += step;
        key = (key + 617) % 1000;
        if (l != NULL)
            passed += (uint64_t)dk_limiter_allow(l, key, t, NULL);
        else
            passed += (uint64_t)((t ^ (int64_t)key) & 1);
    }
    double secs = now_s() - t0;
    *sink += passed;
    return secs;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    uint64_t sink = 0;
    if (n <= 0 || rounds <= 0) {
        fprintf(stderr, "usage: bench_limiter [DECISIONS > 0] [ROUNDS > 0]\n");
        return 2;
    }
    double base = 1e300;
    for (int r = 0; r < rounds; r++) {
        double s = run(NULL, n, 3000000, &sink);
        base = s < base ? s : base;
    }
    printf("%-16s %14s %8s %14s %8s\n", "algorithm", "global/s", "x base", "per key/s", "x base");
    printf("%-16s %14.0f %8s\n", "bare counter", (double)n / base, "1.0");
    for (int a = 0; dk_limiter_algorithm_names[a] != NULL; a++) {
        double best[2] = {1e300, 1e300};
        for (int per_key = 0; per_key < 2; per_key++) {
            dk_limiter_config c = {(dk_limiter_algorithm)a, 100, 20, per_key ? 10000 : 0, 0};
            for (int r = 0; r < rounds; r++) {
                dk_limiter_t *l = dk_limiter_new(&c, NULL);
                if (l == NULL)
                    return 3;
                /* per key, each key sees 1/1000 of the requests: time steps keep its rate */
                double s = run(l, n, per_key ? 3000 : 3000000, &sink);
                best[per_key] = s < best[per_key] ? s : best[per_key];
                dk_limiter_free(l);
            }
        }
        printf("%-16s %14.0f %8.1f %14.0f %8.1f\n", dk_limiter_algorithm_names[a],
               (double)n / best[0], best[0] / base, (double)n / best[1], best[1] / base);
    }
    printf("(x base: time per decision over the bare loop's time per step; passed %llu)\n",
           (unsigned long long)(sink % 1000));
    return 0;
}
