/* bench_resilience.c - guarded calls per second: a breaker's allow + record (count and time
 * windows), a retry's backoff draw (each jitter) and a bulkhead's enter + leave, against a bare
 * loop doing the same bookkeeping by hand in the same run (the cost beyond the loop itself).
 * Reports ratios; never asserts a timing. Usage: bench_resilience [CALLS] [ROUNDS] (best of). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "designkit/breaker.h"
#include "designkit/bulkhead.h"
#include "designkit/retry.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum { BARE, BREAKER_COUNT, BREAKER_TIME, BULKHEAD, RETRY_FIRST };

/* One round of `n` calls, 1 ms apart, one in 16 failing (the breaker stays closed: rate 0.5). */
static double run(int what, dk_jitter jitter, long n, uint64_t *sink)
{
    dk_breaker_config c;
    dk_breaker_config_default(&c);
    c.window_type = what == BREAKER_TIME ? DK_BREAKER_TIME : DK_BREAKER_COUNT;
    c.window = what == BREAKER_TIME ? 10 : 100;
    dk_breaker_t *b = dk_breaker_new(&c, NULL);
    dk_bulkhead_t *h = dk_bulkhead_new(4, 16, 1000, NULL);
    dk_backoff bo = {100000000, INT64_C(10000000000), 2, jitter};
    dk_rng_t rng;
    dk_rng_seed(&rng, 1);
    volatile uint64_t acc = 0;
    uint64_t fails = 0;
    int64_t t = 0, prev = 0;
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        t += 1000000;
        int ok = (i & 15) != 0;
        switch (what) {
        case BARE:
            fails += !ok;
            acc += (uint64_t)t;
            break;
        case BREAKER_COUNT:
        case BREAKER_TIME:
            acc += (uint64_t)dk_breaker_allow(b, t);
            dk_breaker_record(b, t, ok, 1000);
            break;
        case BULKHEAD: {
            uint64_t g;
            acc += (uint64_t)dk_bulkhead_enter(h, t, (uint64_t)i);
            acc += (uint64_t)dk_bulkhead_leave(h, t, &g);
            break;
        }
        default:
            prev = dk_backoff_delay(&bo, (uint32_t)(i & 7), prev, &rng);
            acc += (uint64_t)prev;
        }
    }
    double secs = now_s() - t0;
    *sink += acc + fails;
    dk_breaker_free(b);
    dk_bulkhead_free(h);
    return secs;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    if (n <= 0 || rounds <= 0) {
        fprintf(stderr, "usage: bench_resilience [CALLS > 0] [ROUNDS > 0]\n");
        return 2;
    }
    static const char *const names[] = {"bare loop", "breaker (count)", "breaker (time)",
                                        "bulkhead"};
    uint64_t sink = 0;
    double base = 0;
    printf("%-30s %14s %8s\n", "guard", "calls/s", "x base");
    for (int what = BARE; what < RETRY_FIRST + 4; what++) {
        double best = 1e300;
        dk_jitter j = what >= RETRY_FIRST ? (dk_jitter)(what - RETRY_FIRST) : DK_JITTER_NONE;
        for (int r = 0; r < rounds; r++) {
            double s = run(what >= RETRY_FIRST ? RETRY_FIRST : what, j, n, &sink);
            best = s < best ? s : best;
        }
        if (what == BARE)
            base = best;
        char label[64];
        if (what >= RETRY_FIRST)
            snprintf(label, sizeof label, "backoff (%s jitter)", dk_jitter_name(j));
        printf("%-30s %14.0f %8.1f\n", what >= RETRY_FIRST ? label : names[what], (double)n / best,
               best / base);
    }
    fprintf(stderr, "(sink %llu)\n", (unsigned long long)sink);
    return 0;
}
