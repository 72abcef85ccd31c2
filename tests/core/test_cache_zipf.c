/* areas: base patterns */
/* test_cache_zipf.c - hit ratios under independent Zipf requests against the analytic models,
 * written here: Che's approximation (LRU), the Fagin/Gelenbe approximation (FIFO and Random,
 * which Gelenbe showed have the same hit ratio under independent requests), the top-C sum as
 * in-cache LFU's ceiling and perfect LFU's figure (within 0.005), and Belady's MIN above every
 * online policy. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "designkit/cache.h"
#include "designkit/rng.h"

#define KEYS 10000
/* Under AddressSanitizer every policy runs 5x slower: a fifth of the requests keeps the test
 * short there. The tolerance still holds: the hit ratio's standard error over 600,000
 * requests is sqrt(h(1-h)/n) < 0.0007, and after 200,000 warm-up requests perfect LFU's
 * ranks are wrong only among keys ranked near C, whose popularities differ by ~1e-6. */
#if defined(__SANITIZE_ADDRESS__)
#define DK_ZIPF_SHORT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DK_ZIPF_SHORT 1
#endif
#endif
#ifdef DK_ZIPF_SHORT
#define WARMUP 200000
#define REQUESTS 600000
#else
#define WARMUP 500000
#define REQUESTS 3000000
#endif

static double pop[KEYS], cdf[KEYS];

static void zipf(double s)
{
    double sum = 0;
    for (int i = 0; i < KEYS; i++)
        sum += pop[i] = pow(i + 1, -s);
    double acc = 0;
    for (int i = 0; i < KEYS; i++) {
        pop[i] /= sum;
        cdf[i] = acc += pop[i];
    }
}

static uint64_t draw(dk_rng_t *rng)
{
    double u = dk_rng_uniform(rng);
    int lo = 0, hi = KEYS - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cdf[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return (uint64_t)lo;
}

/* The characteristic time T solving sum_i occupancy(p_i, T) = C, by bisection. */
static double lru_occupancy(double p, double t)
{
    return 1 - exp(-p * t);
}

static double fifo_occupancy(double p, double t)
{
    return p * t / (1 + p * t);
}

static double model(double (*occupancy)(double, double), int c)
{
    double lo = 0, hi = 1;
    for (;;) {
        double fill = 0;
        for (int i = 0; i < KEYS; i++)
            fill += occupancy(pop[i], hi);
        if (fill >= c)
            break;
        hi *= 2;
    }
    for (int it = 0; it < 200; it++) {
        double mid = (lo + hi) / 2, fill = 0;
        for (int i = 0; i < KEYS; i++)
            fill += occupancy(pop[i], mid);
        if (fill < c)
            lo = mid;
        else
            hi = mid;
    }
    double h = 0;
    for (int i = 0; i < KEYS; i++)
        h += pop[i] * occupancy(pop[i], lo);
    return h;
}

static double top_c(int c)
{
    double h = 0;
    for (int i = 0; i < c; i++)
        h += pop[i];
    return h;
}

static uint64_t *trace;

/* Hit ratio after warm-up, requests read from `trace` (get, put on a miss). */
static double measure(const char *policy, int c)
{
    dk_cache_t *cache = dk_cache_new(policy, (uint64_t)c, NULL);
    uint64_t hits = 0;
    for (size_t i = 0; i < WARMUP + REQUESTS; i++) {
        int hit = dk_cache_get(cache, trace[i], 0);
        if (!hit)
            dk_cache_put(cache, trace[i], 0, 0);
        if (i >= WARMUP)
            hits += (uint64_t)hit;
    }
    dk_cache_free(cache);
    return (double)hits / REQUESTS;
}

static const double exponents[] = {0.8, 1.0};
static const int sizes[] = {100, 500, 1000}; /* 1%, 5%, 10% of the keys */

START_TEST(hit_ratios_match_the_models)
{
    double s = exponents[_i];
    zipf(s);
    dk_rng_t rng;
    dk_rng_seed(&rng, 2026 + (uint64_t)_i);
    trace = malloc((WARMUP + REQUESTS) * sizeof *trace);
    ck_assert_ptr_nonnull(trace);
    for (size_t i = 0; i < WARMUP + REQUESTS; i++)
        trace[i] = draw(&rng);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int c = sizes[k];
        double che = model(lru_occupancy, c), fg = model(fifo_occupancy, c), lfu = top_c(c);
        struct {
            const char *policy;
            double want;
        } checks[] = {{"lru", che}, {"fifo", fg}, {"random", fg}};
        double best_online = 0;
        for (size_t j = 0; j < sizeof checks / sizeof checks[0]; j++) {
            double got = measure(checks[j].policy, c);
            fprintf(stderr, "zipf %.1f c=%d %-6s %.4f model %.4f\n", s, c, checks[j].policy, got,
                    checks[j].want);
            ck_assert_msg(fabs(got - checks[j].want) < 0.005,
                          "zipf %.1f c=%d %s: hit ratio %.4f, model %.4f", s, c, checks[j].policy,
                          got, checks[j].want);
            if (got > best_online)
                best_online = got;
        }
        /* In-cache LFU forgets the count of what it evicts, so the entries that reached a
         * second use early stay: it lands below the top-C sum (perfect LFU's figure, which
         * needs a count for every key ever seen), yet above LRU under independent requests. */
        double got_lfu = measure("lfu", c);
        fprintf(stderr, "zipf %.1f c=%d lfu    %.4f top-C %.4f\n", s, c, got_lfu, lfu);
        ck_assert_msg(got_lfu <= lfu + 0.005 && got_lfu > che, "zipf %.1f c=%d lfu %.4f", s, c,
                      got_lfu);
        if (got_lfu > best_online)
            best_online = got_lfu;
        /* Perfect LFU keeps a count for every key seen, so after the warm-up its ranks are
         * the request counts of 500,000 requests and it holds the top keys; it always inserts,
         * so one place churns among the keys ranked below C: top-C minus about p(C), which is
         * under 0.001 here (p(100) = 0.0009 at s 0.8, 0.0010 at s 1.0). */
        double got_perfect = measure("perfect_lfu", c);
        fprintf(stderr, "zipf %.1f c=%d perfect_lfu %.4f top-C %.4f\n", s, c, got_perfect, lfu);
        ck_assert_msg(fabs(got_perfect - lfu) <= 0.005,
                      "zipf %.1f c=%d perfect_lfu %.4f, top-C %.4f", s, c, got_perfect, lfu);
        if (got_perfect > best_online)
            best_online = got_perfect;
        /* W-TinyLFU admits by a sketch of recent frequency, so under independent requests it
         * tends to the C most popular keys: never above the top-C sum, and far above LRU. Its
         * sketch ages every 10c requests and its counters stop at 15, so keys ranked near C
         * are told apart only roughly: it closes most, not all, of LRU's gap to top-C (about
         * three quarters here); asserted: more than half. */
        double got_tinylfu = measure("tinylfu", c);
        fprintf(stderr, "zipf %.1f c=%d tinylfu %.4f top-C %.4f lru %.4f\n", s, c, got_tinylfu, lfu,
                che);
        ck_assert_msg(got_tinylfu <= lfu + 0.005 && got_tinylfu > che + (lfu - che) / 2,
                      "zipf %.1f c=%d tinylfu %.4f, top-C %.4f, Che (LRU) %.4f", s, c, got_tinylfu,
                      lfu, che);
        if (got_tinylfu > best_online)
            best_online = got_tinylfu;
        static const char *const others[] = {"lifo", "mru", "arc", "2q"};
        for (size_t j = 0; j < sizeof others / sizeof others[0]; j++) {
            double got = measure(others[j], c);
            if (got > best_online)
                best_online = got;
        }
        uint64_t min_hits;
        ck_assert_int_eq(dk_cache_min(trace + WARMUP, REQUESTS, (uint64_t)c, &min_hits, NULL),
                         DK_OK);
        double min = (double)min_hits / REQUESTS;
        fprintf(stderr, "zipf %.1f c=%d MIN    %.4f best online %.4f\n", s, c, min, best_online);
        ck_assert_msg(min > best_online, "MIN %.4f not above the best online policy %.4f", min,
                      best_online);
    }
    free(trace);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cache_zipf");
    TCase *tc = tcase_create("models");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, hit_ratios_match_the_models, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
