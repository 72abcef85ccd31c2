/* areas: base patterns model sim */
/* test_cache_strategies.c - a cache's read-through, write-through, write-behind and write-around
 * strategies, checked against counts worked out by hand or by a brute-force reference here. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/sim.h"

/* A scripted driver: at each step's time it sends one call (op, key) to the cache, and waits
 * for nothing (an async call), so the test alone decides when everything happens. */
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

static dk_sim_t *sim;
static dk_actor_t *cache, *db;
static driver drv;

/* driver -> cache (strategy) -> db; the db takes 1 ms a call, the cache no time. */
static void build(dk_cache_config cfg, const step *steps, size_t n)
{
    dk_error err;
    sim = dk_sim_new(7, NULL);
    dk_dist_t *ms = dk_dist_constant(1e6, NULL);
    dk_station_config dc = {.servers = 0, .service = ms};
    db = dk_sim_add_station(sim, "db", "database", &dc, &err);
    dk_dist_free(ms);
    if (cfg.capacity == 0)
        cfg.capacity = 1000;
    cache = dk_sim_add_cache(sim, "cache", &cfg, &err);
    ck_assert_msg(cache != NULL, "%s", err.message);
    ck_assert_int_eq(dk_sim_cache_set_store(cache, db, &err), DK_OK);
    drv = (driver){steps, n, cache};
    ck_assert_ptr_nonnull(dk_sim_add_actor(sim, "driver", &driver_ops, &drv, &err));
    ck_assert_int_eq(dk_sim_run(sim, 100 * DK_SEC, 0, NULL, NULL), DK_OK);
}

static const dk_cache_stats *cst(void)
{
    const dk_cache_stats *s = dk_cache_stats_of(cache);
    ck_assert_ptr_nonnull(s);
    return s;
}

#define R DK_OP_READ
#define W DK_OP_WRITE

START_TEST(write_through_writes_the_store_once_per_write)
{
    static const step steps[] = {{0.1, W, 1}, {0.2, W, 2}, {0.3, W, 1}, {0.4, W, 3},
                                 {0.5, W, 2}, {1.0, R, 1}, {1.1, R, 2}, {1.2, R, 3}};
    build((dk_cache_config){.strategy = DK_CACHE_WRITE_THROUGH, .policy = "lru"}, steps, 8);
    ck_assert_uint_eq(cst()->writes, 5);
    ck_assert_uint_eq(cst()->store_writes, 5); /* store writes == writes */
    ck_assert_uint_eq(dk_actor_get_stats(db)->arrivals, 5);
    ck_assert_uint_eq(dk_actor_get_stats(cache)->hits, 3); /* each written key is cached */
    ck_assert_uint_eq(cst()->store_reads, 0);
    ck_assert_uint_eq(cst()->stale_reads, 0);
    dk_sim_free(sim);
}
END_TEST

/* read 5, write 5, read 5: the write invalidates, so the second read misses and reads the new
 * value from the store; left in place (keep), it hits the old value: one stale read. */
START_TEST(write_around_invalidates_or_goes_stale)
{
    static const step steps[] = {{0.1, R, 5}, {0.2, W, 5}, {0.3, R, 5}};
    build((dk_cache_config){.strategy = DK_CACHE_WRITE_AROUND, .policy = "lru"}, steps, 3);
    ck_assert_uint_eq(dk_actor_get_stats(cache)->misses, 2);
    ck_assert_uint_eq(dk_actor_get_stats(cache)->hits, 0);
    ck_assert_uint_eq(cst()->stale_reads, 0);
    ck_assert_uint_eq(cst()->store_writes, 1);
    dk_sim_free(sim);

    build((dk_cache_config){.strategy = DK_CACHE_WRITE_AROUND, .keep_on_write = 1, .policy = "lru"},
          steps, 3);
    ck_assert_uint_eq(dk_actor_get_stats(cache)->misses, 1);
    ck_assert_uint_eq(dk_actor_get_stats(cache)->hits, 1);
    ck_assert_uint_eq(cst()->stale_reads, 1);
    dk_sim_free(sim);
}
END_TEST

/* Random reads over 12 keys through an LRU cache of 4: the misses and the store's reads equal
 * those of a brute-force LRU (a recency list, scanned) replaying the same keys. */
START_TEST(read_through_misses_as_brute_force_lru)
{
    enum { N = 400, KEYS = 12, CAP = 4 };
    static step steps[N];
    uint64_t lru[CAP];
    size_t held = 0, misses = 0;
    srand(11);
    for (size_t i = 0; i < N; i++) {
        uint64_t k = (uint64_t)(rand() % KEYS);
        steps[i] = (step){0.01 * (double)(i + 1), R, k};
        size_t j = 0;
        while (j < held && lru[j] != k)
            j++;
        if (j == held) {
            misses++;
            if (held < CAP)
                held++;
            j = held - 1; /* the least recent falls off the end */
        }
        memmove(&lru[1], &lru[0], j * sizeof lru[0]);
        lru[0] = k;
    }
    build((dk_cache_config){.strategy = DK_CACHE_READ_THROUGH, .policy = "lru", .capacity = CAP},
          steps, N);
    ck_assert_uint_eq(dk_actor_get_stats(cache)->misses, misses);
    ck_assert_uint_eq(dk_actor_get_stats(cache)->hits, N - misses);
    ck_assert_uint_eq(cst()->store_reads, misses);
    ck_assert_uint_eq(dk_actor_get_stats(db)->arrivals, misses);
    ck_assert_uint_eq(cst()->stale_reads, 0);
    dk_sim_free(sim);
}
END_TEST

/* Random writes over 5 s: each 1 s window's writes go out in ceil(n / batch) store calls. */
START_TEST(write_behind_batches_per_window)
{
    enum { N = 200, BATCH = 7 };
    static step steps[N];
    size_t per_window[5] = {0}, want = 0;
    srand(5);
    for (size_t i = 0; i < N; i++) {
        double at = (double)(rand() % 4999 + 1) / 1000.0; /* never on a flush instant */
        steps[i] = (step){at, W, (uint64_t)(rand() % 50)};
        per_window[(int)at]++;
    }
    for (size_t w = 0; w < 5; w++)
        want += (per_window[w] + BATCH - 1) / BATCH;
    build(
        (dk_cache_config){
            .strategy = DK_CACHE_WRITE_BEHIND, .policy = "lru", .flush = DK_SEC, .batch = BATCH},
        steps, N);
    ck_assert_uint_eq(cst()->writes, N);
    ck_assert_uint_eq(cst()->store_writes, want);
    ck_assert_uint_eq(dk_actor_get_stats(db)->arrivals, want);
    ck_assert_uint_eq(cst()->lost_writes, 0);
    dk_sim_free(sim);
}
END_TEST

/* Flushes at 1 s and 2 s, a crash at 1.5 s: the three writes of the second window are lost, the
 * others stored; key 1, written at 0.2 s (flushed) and 1.1 s (lost), reads back the old value:
 * a stale read. Key 5, written after the crash, is in the cache again. */
START_TEST(write_behind_crash_loses_the_unflushed)
{
    static const step steps[] = {{0.2, W, 1}, {0.4, W, 2}, {1.1, W, 1}, {1.2, W, 3},
                                 {1.3, W, 4}, {1.7, W, 5}, {2.5, R, 1}, {2.6, R, 5}};
    build((dk_cache_config){.strategy = DK_CACHE_WRITE_BEHIND,
                            .policy = "lru",
                            .flush = DK_SEC,
                            .batch = 10,
                            .crash_at = 1500 * DK_MS},
          steps, 8);
    ck_assert_uint_eq(cst()->lost_writes, 3);
    ck_assert_uint_eq(cst()->store_writes, 2);
    ck_assert_uint_eq(cst()->stale_reads, 1);
    ck_assert_uint_eq(dk_actor_get_stats(cache)->misses, 1);
    ck_assert_uint_eq(dk_actor_get_stats(cache)->hits, 1);
    dk_sim_free(sim);
}
END_TEST

START_TEST(strategy_counts_are_metrics)
{
    static const step steps[] = {{0.1, R, 5}, {0.2, W, 5}, {0.3, R, 5}};
    dk_metrics mx;
    double v;
    build((dk_cache_config){.strategy = DK_CACHE_WRITE_AROUND, .keep_on_write = 1, .policy = "lru"},
          steps, 3);
    dk_actor_metrics(cache, dk_sim_measured_time(sim), &mx);
    ck_assert(dk_metrics_get(&mx, DK_METRIC_STALE_READS, &v) && v == 1);
    ck_assert(dk_metrics_get(&mx, DK_METRIC_STORE_WRITES, &v) && v == 1);
    ck_assert(dk_metrics_get(&mx, DK_METRIC_LOST_WRITES, &v) && v == 0);
    dk_actor_metrics(db, dk_sim_measured_time(sim), &mx);
    ck_assert(!dk_metrics_get(&mx, DK_METRIC_STALE_READS, NULL));
    ck_assert_ptr_null(dk_cache_stats_of(db));
    dk_sim_free(sim);
}
END_TEST

START_TEST(names_parse)
{
    dk_cache_strategy s;
    ck_assert(dk_cache_strategy_parse("write_behind", &s) && s == DK_CACHE_WRITE_BEHIND);
    ck_assert(dk_cache_strategy_parse("aside", &s) && s == DK_CACHE_ASIDE);
    ck_assert(!dk_cache_strategy_parse("write_behnd", &s));
    ck_assert(!dk_cache_strategy_parse(NULL, &s));
    ck_assert_ptr_null(dk_cache_strategy_names[DK_CACHE_STRATEGY__COUNT]);
}
END_TEST

START_TEST(bad_configuration)
{
    dk_error err;
    dk_sim_t *s = dk_sim_new(1, NULL);
    dk_cache_config wb = {.strategy = DK_CACHE_WRITE_BEHIND, .policy = "lru", .capacity = 10};
    ck_assert_ptr_null(dk_sim_add_cache(s, "c", &wb, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "cache \"c\": write_behind needs flush > 0 and batch > 0 (got 0 ns, 0)");
    dk_cache_config bad = {.strategy = (dk_cache_strategy)99, .policy = "lru", .capacity = 10};
    ck_assert_ptr_null(dk_sim_add_cache(s, "c", &bad, &err));
    ck_assert_str_eq(err.message, "cache \"c\": unknown strategy 99");
    dk_cache_config crash = {.policy = "lru", .capacity = 10, .crash_at = -1};
    ck_assert_ptr_null(dk_sim_add_cache(s, "c", &crash, &err));
    ck_assert_str_eq(err.message, "cache \"c\": crash_at must be >= 0 (got -1)");

    /* An aside cache has no store; a strategy's cache without one stops the run, named. */
    dk_cache_config aside = {.policy = "lru", .capacity = 10};
    dk_actor_t *a = dk_sim_add_cache(s, "aside", &aside, &err);
    ck_assert_int_eq(dk_sim_cache_set_store(a, a, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "cache \"aside\": a store needs a cache with a strategy");
    ck_assert_ptr_null(dk_cache_stats_of(a));
    dk_sim_free(s);

    static const step steps[] = {{0.1, R, 1}};
    s = dk_sim_new(1, NULL);
    dk_cache_config rt = {.strategy = DK_CACHE_READ_THROUGH, .policy = "lru", .capacity = 10};
    dk_actor_t *c = dk_sim_add_cache(s, "edge", &rt, &err);
    driver d = {steps, 1, c};
    dk_sim_add_actor(s, "driver", &driver_ops, &d, &err);
    ck_assert_int_eq(dk_sim_run(s, DK_SEC, 0, NULL, NULL), DK_ESTATE);
    ck_assert_str_eq(dk_sim_error(s), "cache \"edge\": no store to read (link it to one)");
    dk_sim_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cache_strategies");
    TCase *tc = tcase_create("strategies");
    tcase_add_test(tc, write_through_writes_the_store_once_per_write);
    tcase_add_test(tc, write_around_invalidates_or_goes_stale);
    tcase_add_test(tc, read_through_misses_as_brute_force_lru);
    tcase_add_test(tc, write_behind_batches_per_window);
    tcase_add_test(tc, write_behind_crash_loses_the_unflushed);
    tcase_add_test(tc, strategy_counts_are_metrics);
    suite_add_tcase(s, tc);
    TCase *bad = tcase_create("bad_input");
    tcase_add_test(bad, names_parse);
    tcase_add_test(bad, bad_configuration);
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
