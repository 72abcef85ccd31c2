/* areas: base patterns model sim */
/* test_actor_cache.c - the cache actor: ops answered from its dk_cache, counters, ttl, errors. */
#include <check.h>
#include <stdlib.h>
#include "designkit/sim.h"

/* A driver that sends a script of (time, op, key) to the cache and logs the answers. */
typedef struct cmd {
    dk_time_t at;
    dk_op op;
    uint64_t key;
} cmd;

static const cmd *script;
static size_t nscript;
static uint8_t answers[64];
static size_t nanswers;

static void driver_event(dk_actor_t *self, const dk_event *ev)
{
    dk_sim_t *sim = dk_actor_sim(self);
    if (ev->kind == DK_EV_START) {
        for (size_t i = 0; i < nscript; i++)
            dk_sim_timer(sim, self, script[i].at, (uint32_t)i, NULL);
    } else if (ev->kind == DK_EV_TIMER) {
        const cmd *c = &script[ev->tag];
        dk_sim_call(sim, self, NULL, dk_actor_out(self, 0), (uint8_t)c->op, c->key);
    } else if (ev->kind == DK_EV_REPLY) {
        answers[nanswers++] = ev->call->status;
        dk_sim_release(sim, ev->call);
    }
}
static const dk_actor_ops driver_ops = {"driver", driver_event, NULL, NULL};

static dk_sim_t *run_script(const cmd *s, size_t n, dk_time_t ttl, dk_actor_t **cache_out)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_actor_t *d = dk_sim_add_actor(sim, "driver", &driver_ops, NULL, &err);
    dk_cache_config cfg = {.station = {.servers = 0}, .capacity = 2, .policy = "lru", .ttl = ttl};
    dk_actor_t *c = dk_sim_add_cache(sim, "redis", &cfg, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    dk_sim_link(sim, d, c, NULL, &err);
    script = s;
    nscript = n;
    nanswers = 0;
    ck_assert_int_eq(dk_sim_run(sim, 100 * DK_SEC, 0, NULL, NULL), DK_OK);
    ck_assert_uint_eq(nanswers, n);
    *cache_out = c;
    return sim;
}

START_TEST(ops_answer_from_the_cache)
{
    static const cmd s[] = {
        {1, DK_OP_GET, 5},        {2, DK_OP_SET, 5},   {3, DK_OP_GET, 5},
        {4, DK_OP_READ, 5},       {5, DK_OP_WRITE, 6}, {6, DK_OP_REQUEST, 6},
        {7, DK_OP_INVALIDATE, 5}, {8, DK_OP_GET, 5},   {9, DK_OP_SET, 7},
        {10, DK_OP_GET, 6},       {11, DK_OP_SET, 8},  {12, DK_OP_GET, 7}, /* 7 was evicted */
    };
    static const uint8_t want[] = {DK_REPLY_MISS, DK_REPLY_OK,  DK_REPLY_HIT, DK_REPLY_HIT,
                                   DK_REPLY_OK,   DK_REPLY_HIT, DK_REPLY_OK,  DK_REPLY_MISS,
                                   DK_REPLY_OK,   DK_REPLY_HIT, DK_REPLY_OK,  DK_REPLY_MISS};
    dk_actor_t *c;
    dk_sim_t *sim = run_script(s, 12, 0, &c);
    /* Capacity 2: 5 was invalidated, so SET 7 fills the second slot; GET 6 makes 7 the least
     * recent, and SET 8 evicts it. */
    for (size_t i = 0; i < 12; i++)
        ck_assert_msg(answers[i] == want[i], "answer %zu: got %d, want %d", i, answers[i], want[i]);
    const dk_actor_stats *st = dk_actor_get_stats(c);
    ck_assert_uint_eq(st->hits, 4);
    ck_assert_uint_eq(st->misses, 3);
    ck_assert_uint_eq(st->completed, 12);
    ck_assert_str_eq(dk_actor_kind(c), "cache");
    dk_sim_free(sim);
}
END_TEST

START_TEST(ttl_in_simulated_time)
{
    static const cmd s[] = {
        {0, DK_OP_SET, 1},
        {DK_SEC - 1, DK_OP_GET, 1},
        {DK_SEC, DK_OP_GET, 1},
    };
    dk_actor_t *c;
    dk_sim_t *sim = run_script(s, 3, DK_SEC, &c);
    ck_assert_int_eq(answers[1], DK_REPLY_HIT);
    ck_assert_int_eq(answers[2], DK_REPLY_MISS);
    dk_sim_free(sim);
}
END_TEST

START_TEST(bad_configuration)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_cache_config cfg = {.capacity = 10, .policy = "lfu2"};
    ck_assert_ptr_null(dk_sim_add_cache(sim, "redis", &cfg, &err));
    ck_assert_int_eq(err.status, DK_ENOTFOUND);
    ck_assert_str_eq(err.message, "cache \"redis\": unknown cache policy \"lfu2\" (use lru, "
                                  "lfu, perfect_lfu, fifo, lifo, mru, random, arc, 2q, tinylfu)");
    cfg.policy = NULL;
    cfg.capacity = 0;
    ck_assert_ptr_null(dk_sim_add_cache(sim, "redis", &cfg, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    cfg.capacity = 1;
    cfg.ttl = -1;
    ck_assert_ptr_null(dk_sim_add_cache(sim, "redis", &cfg, &err));
    ck_assert_str_eq(err.message, "cache \"redis\": ttl must be >= 0 (got -1)");
    cfg.ttl = 0;
    ck_assert_ptr_nonnull(dk_sim_add_cache(sim, "redis", &cfg, &err));
    ck_assert_ptr_null(dk_sim_add_cache(sim, "redis", &cfg, &err)); /* name taken */
    ck_assert_int_eq(err.status, DK_EEXIST);
    dk_sim_free(sim);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("actor_cache");
    TCase *ops = tcase_create("operations");
    tcase_add_test(ops, ops_answer_from_the_cache);
    tcase_add_test(ops, ttl_in_simulated_time);
    suite_add_tcase(s, ops);
    TCase *bad = tcase_create("errors");
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
