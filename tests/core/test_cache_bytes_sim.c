/* areas: base patterns sim */
/* test_cache_bytes_sim.c - the simulator's cache counted in bytes: with one object size it is
 * the entry cache it stands for, and with several it scores what a brute-force sized LRU written
 * here scores on the same keys; objects too big are refused and counted; sizes are fixed per key.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/rng.h"
#include "designkit/sim.h"

/* A scripted driver, as in test_cache_strategies.c: at each step's time it sends one call (op,
 * key) to the cache and waits for nothing, so the test alone decides when everything happens. */
typedef struct step {
    double at; /* seconds */
    dk_op op;
    uint64_t key;
} step;

typedef struct driver {
    const step *steps;
    size_t n;
    dk_actor_t *cache;
} driver;

static void driver_event(dk_actor_t *self, const dk_event *ev)
{
    driver *d = dk_actor_data(self);
    dk_sim_t *s = dk_actor_sim(self);
    if (ev->kind == DK_EV_START) {
        for (size_t i = 0; i < d->n; i++)
            dk_sim_timer(s, self, (dk_time_t)llround(d->steps[i].at * 1e9), (uint32_t)i, NULL);
    } else if (ev->kind == DK_EV_TIMER) {
        const step *st = &d->steps[ev->tag];
        dk_sim_call_async(s, self, NULL, d->cache, (uint8_t)st->op, st->key);
    }
}

static uint64_t driver_held(const dk_actor_t *self)
{
    (void)self;
    return 0;
}

static const dk_actor_ops driver_ops = {"driver", driver_event, driver_held, NULL};

typedef struct run {
    dk_sim_t *sim;
    dk_actor_t *cache, *db;
    driver drv;
} run;

/* driver -> cache -> db (1 ms a read). Steps are 10 ms apart, so every fill lands before the
 * next lookup and the cache sees the keys as a plain replay would. */
static void start(run *r, dk_cache_config cfg, const step *steps, size_t n)
{
    dk_error err;
    r->sim = dk_sim_new(7, NULL);
    dk_dist_t *ms = dk_dist_constant(1e6, NULL);
    dk_station_config dc = {.servers = 0, .service = ms};
    r->db = dk_sim_add_station(r->sim, "db", "database", &dc, &err);
    dk_dist_free(ms);
    r->cache = dk_sim_add_cache(r->sim, "cache", &cfg, &err);
    ck_assert_msg(r->cache != NULL, "%s", err.message);
    if (cfg.strategy != DK_CACHE_ASIDE)
        ck_assert_int_eq(dk_sim_cache_set_store(r->cache, r->db, &err), DK_OK);
    r->drv = (driver){steps, n, r->cache};
    ck_assert_ptr_nonnull(dk_sim_add_actor(r->sim, "driver", &driver_ops, &r->drv, &err));
    ck_assert_int_eq(dk_sim_run(r->sim, 1000 * DK_SEC, 0, NULL, NULL), DK_OK);
}

enum { N = 3000, KEYS = 60 };

/* Reads of random keys, skewed so that some keys are hot: the test's own stream. */
static void read_stream(step *steps, size_t n, unsigned seed)
{
    srand(seed);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = (uint64_t)(rand() % KEYS);
        if (rand() % 2)
            k %= 8; /* half the reads go to 8 hot keys */
        steps[i] = (step){0.01 * (double)(i + 1), DK_OP_READ, k + 1};
    }
}

/* An aside cache gets a GET and, a millisecond later, a SET of the same key: the fill of a
 * cache_aside flow, whatever the GET found. */
static void aside_stream(step *steps, size_t n, unsigned seed)
{
    read_stream(steps, n / 2, seed);
    for (size_t i = n / 2; i-- > 0;) {
        step r = steps[i];
        steps[2 * i] = (step){r.at, DK_OP_GET, r.key};
        steps[2 * i + 1] = (step){r.at + 0.001, DK_OP_SET, r.key};
    }
}

/* Each policy that takes sizes, with every object s bytes and bytes = C s, scores exactly as the
 * same policy counting C entries, read-through and aside alike. */
START_TEST(constant_size_is_an_entry_cache)
{
    static const char *const policies[] = {"lru",  "lfu", "perfect_lfu", "fifo",
                                           "lifo", "mru", "random"};
    static step steps[N];
    enum { C = 12, S = 4096 };
    dk_dist_t *size = dk_dist_constant(S, NULL);
    for (int aside = 0; aside <= 1; aside++) {
        if (aside)
            aside_stream(steps, N, 3);
        else
            read_stream(steps, N, 3);
        for (size_t p = 0; p < sizeof policies / sizeof *policies; p++) {
            dk_cache_strategy strategy = aside ? DK_CACHE_ASIDE : DK_CACHE_READ_THROUGH;
            run e, b;
            start(&e, (dk_cache_config){.strategy = strategy, .policy = policies[p], .capacity = C},
                  steps, N);
            start(&b,
                  (dk_cache_config){.strategy = strategy,
                                    .policy = policies[p],
                                    .bytes = (uint64_t)C * S,
                                    .object_size = size},
                  steps, N);
            const dk_actor_stats *se = dk_actor_get_stats(e.cache);
            const dk_actor_stats *sb = dk_actor_get_stats(b.cache);
            ck_assert_msg(se->hits > 100 && se->misses > 100, "%s: a stream that evicts",
                          policies[p]);
            ck_assert_msg(se->hits == sb->hits && se->misses == sb->misses,
                          "%s (%s): entries %llu/%llu hits/misses, bytes %llu/%llu", policies[p],
                          aside ? "aside" : "read_through", (unsigned long long)se->hits,
                          (unsigned long long)se->misses, (unsigned long long)sb->hits,
                          (unsigned long long)sb->misses);
            dk_cache_byte_stats bs;
            ck_assert(dk_cache_byte_stats_of(b.cache, &bs));
            ck_assert_uint_eq(bs.capacity, (uint64_t)C * S);
            ck_assert_uint_eq(bs.used, (uint64_t)C * S); /* full, C objects of S bytes */
            ck_assert_uint_eq(bs.too_big, 0);
            ck_assert(!dk_cache_byte_stats_of(e.cache, &bs)); /* an entry cache has none */
            dk_sim_free(e.sim);
            dk_sim_free(b.sim);
        }
    }
    dk_dist_free(size);
}
END_TEST

/* The size of a key as the documented rule gives it, worked out here from the rng itself. */
static uint64_t size_of(const dk_dist_t *d, uint64_t key)
{
    dk_rng_t rng;
    dk_rng_seed(&rng, key ^ DK_CACHE_SIZE_SEED);
    return (uint64_t)llround(dk_dist_sample(d, &rng));
}

/* A brute-force sized LRU: a recency array, scanned; a miss puts the key in front and drops
 * the least recent until the bytes fit; a key larger than the capacity is never held. */
typedef struct lru_ref {
    uint64_t key[KEYS], size[KEYS];
    size_t held;
    uint64_t used, cap, hits, misses, too_big, peak;
} lru_ref;

static void ref_read(lru_ref *r, uint64_t key, uint64_t size)
{
    size_t j = 0;
    while (j < r->held && r->key[j] != key)
        j++;
    if (j < r->held) {
        r->hits++;
        memmove(&r->key[1], &r->key[0], j * sizeof r->key[0]);
        memmove(&r->size[1], &r->size[0], j * sizeof r->size[0]);
        r->key[0] = key;
        r->size[0] = size;
        return;
    }
    r->misses++;
    if (size > r->cap) {
        r->too_big++;
        return;
    }
    while (r->used + size > r->cap)
        r->used -= r->size[--r->held];
    memmove(&r->key[1], &r->key[0], r->held * sizeof r->key[0]);
    memmove(&r->size[1], &r->size[0], r->held * sizeof r->size[0]);
    r->key[0] = key;
    r->size[0] = size;
    r->held++;
    r->used += size;
    if (r->used > r->peak)
        r->peak = r->used;
}

/* Objects of 100 or 700 bytes (and, in the second case, some of 5000, larger than the cache):
 * hits, misses, the bytes held and the objects refused agree with the reference, exactly. */
START_TEST(two_sizes_as_brute_force_sized_lru)
{
    static step steps[N];
    static const double sizes[2][3] = {{100, 700, 0}, {100, 700, 5000}};
    static const double weights[2][3] = {{3, 1, 0}, {3, 1, 0.3}};
    enum { CAP = 2000 };
    read_stream(steps, N, 9);
    for (int t = 0; t < 2; t++) {
        dk_dist_t *d = dk_dist_empirical(sizes[t], weights[t], 3, NULL);
        ck_assert_ptr_nonnull(d);
        lru_ref ref = {.cap = CAP};
        int small = 0, large = 0;
        for (uint64_t k = 1; k <= KEYS; k++) {
            uint64_t s = size_of(d, k);
            small += s == 100;
            large += s == 700;
        }
        ck_assert_msg(small > 10 && large > 5, "both sizes drawn (%d, %d)", small, large);
        for (size_t i = 0; i < N; i++)
            ref_read(&ref, steps[i].key, size_of(d, steps[i].key));
        run b;
        start(
            &b,
            (dk_cache_config){
                .strategy = DK_CACHE_READ_THROUGH, .policy = "lru", .bytes = CAP, .object_size = d},
            steps, N);
        const dk_actor_stats *s = dk_actor_get_stats(b.cache);
        dk_cache_byte_stats bs;
        ck_assert(dk_cache_byte_stats_of(b.cache, &bs));
        ck_assert_msg(s->hits == ref.hits && s->misses == ref.misses,
                      "sim %llu/%llu hits/misses, reference %llu/%llu", (unsigned long long)s->hits,
                      (unsigned long long)s->misses, (unsigned long long)ref.hits,
                      (unsigned long long)ref.misses);
        ck_assert_uint_eq(bs.used, ref.used);
        ck_assert_uint_eq(bs.peak, ref.peak);
        ck_assert_uint_eq(bs.too_big, ref.too_big);
        ck_assert(t == 0 ? ref.too_big == 0 : ref.too_big > 10);
        /* the figures reach the metrics, as every report reads them */
        dk_metrics mx;
        double v;
        dk_actor_metrics(b.cache, dk_sim_measured_time(b.sim), &mx);
        ck_assert(dk_metrics_get(&mx, DK_METRIC_BYTES_USED, &v) && v == (double)ref.used);
        ck_assert(dk_metrics_get(&mx, DK_METRIC_BYTES_CAPACITY, &v) && v == CAP);
        ck_assert(dk_metrics_get(&mx, DK_METRIC_TOO_BIG, &v) && v == (double)ref.too_big);
        dk_sim_free(b.sim);
        dk_dist_free(d);
    }
}
END_TEST

/* A key keeps its size: across draws, across runs of any seed; sizes are whole bytes >= 1. */
START_TEST(a_key_keeps_its_size)
{
    dk_dist_t *u = dk_dist_uniform(1, 1e6, NULL);
    dk_dist_t *e = dk_dist_exponential(0.2, NULL); /* most draws below 1 byte */
    uint64_t distinct = 0, prev = 0;
    for (uint64_t k = 0; k < 1000; k++) {
        uint64_t s = dk_cache_object_size(u, k);
        ck_assert_uint_eq(s, dk_cache_object_size(u, k));
        ck_assert(s >= 1 && s <= 1000000);
        distinct += s != prev;
        prev = s;
        ck_assert_uint_ge(dk_cache_object_size(e, k), 1);
    }
    ck_assert_uint_gt(distinct, 990);
    ck_assert_uint_eq(dk_cache_object_size(NULL, 42), 1024);
    dk_dist_free(u);
    dk_dist_free(e);
}
END_TEST

/* After a crash the cache is empty and still counted in bytes: only what came after is held. */
START_TEST(a_crash_keeps_the_byte_capacity)
{
    static const step steps[] = {
        {0.1, DK_OP_READ, 1}, {0.2, DK_OP_READ, 2}, {1.0, DK_OP_READ, 3}, {1.1, DK_OP_READ, 1}};
    dk_dist_t *d = dk_dist_constant(300, NULL);
    run b;
    start(&b,
          (dk_cache_config){.strategy = DK_CACHE_READ_THROUGH,
                            .policy = "lru",
                            .bytes = 1000,
                            .object_size = d,
                            .crash_at = 500 * DK_MS},
          steps, 4);
    dk_cache_byte_stats bs;
    ck_assert(dk_cache_byte_stats_of(b.cache, &bs));
    ck_assert_uint_eq(bs.capacity, 1000);
    ck_assert_uint_eq(bs.used, 600); /* keys 3 and 1, read again after the crash */
    ck_assert_uint_eq(dk_actor_get_stats(b.cache)->misses, 4);
    dk_sim_free(b.sim);
    dk_dist_free(d);
}
END_TEST

/* A policy without sized entries is refused, naming the cache, the field and those that can. */
START_TEST(policies_without_sizes_are_refused)
{
    static const char *const refused[] = {"arc", "2q", "tinylfu"};
    for (size_t i = 0; i < 3; i++) {
        dk_error err;
        dk_sim_t *sim = dk_sim_new(1, NULL);
        dk_cache_config cfg = {.policy = refused[i], .bytes = 1 << 20};
        ck_assert_ptr_null(dk_sim_add_cache(sim, "redis", &cfg, &err));
        ck_assert_int_eq(err.status, DK_EUNSUPPORTED);
        ck_assert_msg(strstr(err.message, "cache \"redis\": bytes:") != NULL &&
                          strstr(err.message, refused[i]) != NULL &&
                          strstr(err.message, "lru, lfu") != NULL,
                      "%s", err.message);
        dk_sim_free(sim);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cache_bytes_sim");
    TCase *tc = tcase_create("against_references");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, constant_size_is_an_entry_cache);
    tcase_add_test(tc, two_sizes_as_brute_force_sized_lru);
    tcase_add_test(tc, a_key_keeps_its_size);
    tcase_add_test(tc, a_crash_keeps_the_byte_capacity);
    suite_add_tcase(s, tc);
    TCase *bad = tcase_create("bad_input");
    tcase_add_test(bad, policies_without_sizes_are_refused);
    suite_add_tcase(s, bad);
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
