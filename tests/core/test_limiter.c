/* areas: base patterns */
/* test_limiter.c - the rate limiters: hand-computed schedules of allowed and rejected requests
 * at exact times (window edges, the instant a token refills), a brute-force reference of each
 * algorithm written from its definition and agreeing on random schedules, per-key memory, and
 * bad configs. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/limiter.h"

#define MS(x) ((int64_t)(x)*1000000LL)
#define NALG 7

static dk_limiter_t *must_new(dk_limiter_algorithm alg, double rate, int64_t burst)
{
    dk_error err;
    dk_limiter_config c = {alg, rate, burst, 0, 0};
    dk_limiter_t *l = dk_limiter_new(&c, &err);
    ck_assert_msg(l != NULL, "limiter refused: %s", l ? "" : err.message);
    return l;
}

/* One request of a schedule: its time, whether it passes, and the wait the limiter gives
 * (after a reject: until the next would pass; after a leaky_queue allow: its delay). */
typedef struct step {
    int64_t at;
    int allowed;
    int64_t wait;
} step;

static void run_schedule(dk_limiter_algorithm alg, double rate, int64_t burst, const step *s,
                         size_t n)
{
    dk_limiter_t *l = must_new(alg, rate, burst);
    for (size_t i = 0; i < n; i++) {
        int64_t wait = -1;
        int got = dk_limiter_allow(l, 0, s[i].at, &wait);
        ck_assert_msg(got == s[i].allowed && wait == s[i].wait,
                      "%s request %zu at %lld ns: got %s wait %lld, want %s wait %lld",
                      dk_limiter_algorithm_name(alg), i, (long long)s[i].at,
                      got ? "allow" : "reject", (long long)wait, s[i].allowed ? "allow" : "reject",
                      (long long)s[i].wait);
    }
    dk_limiter_free(l);
}

/* Rate 2/s (T = 500 ms), burst 3. Token bucket, leaky bucket (meter) and GCRA are one
 * schedule: three at once from rest, the fourth waits a whole T; at 0.4 s 0.8 token has come
 * back (100 ms short); at 0.5 s exactly one token has refilled; after 1.5 s of rest (2.5 s)
 * the bucket is full again, and at 4.0 s it is exactly full after the next 1.5 s. */
static const step meter_schedule[] = {
    {MS(0), 1, 0},         {MS(0), 1, 0},    {MS(0), 1, 0},         {MS(0), 0, MS(500)},
    {MS(400), 0, MS(100)}, {MS(500), 1, 0},  {MS(900), 0, MS(100)}, {MS(1000), 1, 0},
    {MS(2500), 1, 0},      {MS(2500), 1, 0}, {MS(2500), 1, 0},      {MS(2500), 0, MS(500)},
    {MS(4000), 1, 0},      {MS(4000), 1, 0}, {MS(4000), 1, 0},      {MS(4000) + 1, 0, MS(500) - 1},
};

START_TEST(meters_follow_the_hand_schedule)
{
    size_t n = sizeof meter_schedule / sizeof meter_schedule[0];
    run_schedule(DK_LIMITER_TOKEN_BUCKET, 2, 3, meter_schedule, n);
    run_schedule(DK_LIMITER_LEAKY_BUCKET, 2, 3, meter_schedule, n);
    run_schedule(DK_LIMITER_GCRA, 2, 3, meter_schedule, n);
}
END_TEST

/* The leaky queue delays instead: the queue holds 3 (with the one leaving), one leaves per
 * 500 ms. At 0 three get delays 0, 500, 1000 ms; the fourth would wait 1500 > 1000 ms. At
 * 0.5 s the head has left: 1000 ms of delay, allowed. */
START_TEST(leaky_queue_delays_by_the_hand_schedule)
{
    static const step s[] = {
        {MS(0), 1, 0},          {MS(0), 1, MS(500)},     {MS(0), 1, MS(1000)},
        {MS(0), 0, MS(500)},    {MS(400), 0, MS(100)},   {MS(500), 1, MS(1000)},
        {MS(900), 0, MS(100)},  {MS(1000), 1, MS(1000)}, {MS(2500), 1, 0},
        {MS(2500), 1, MS(500)}, {MS(2500), 1, MS(1000)}, {MS(2500), 0, MS(500)},
    };
    run_schedule(DK_LIMITER_LEAKY_QUEUE, 2, 3, s, sizeof s / sizeof s[0]);
}
END_TEST

/* Fixed window, W = 3 x 500 ms = 1.5 s: windows [0, 1.5 s), [1.5 s, 3 s), ... One ns before
 * the edge is still the full window; at the edge three pass again (six in 1 ns: the known
 * weakness of fixed windows). */
START_TEST(fixed_window_resets_exactly_at_the_edge)
{
    static const step s[] = {
        {MS(0), 1, 0},           {MS(0), 1, 0},          {MS(0), 1, 0},
        {MS(0), 0, MS(1500)},    {MS(1400), 0, MS(100)}, {MS(1500) - 1, 0, 1},
        {MS(1500), 1, 0},        {MS(1500), 1, 0},       {MS(1500), 1, 0},
        {MS(1500), 0, MS(1500)}, {MS(2900), 0, MS(100)}, {MS(3000), 1, 0},
    };
    run_schedule(DK_LIMITER_FIXED_WINDOW, 2, 3, s, sizeof s / sizeof s[0]);
}
END_TEST

/* Sliding log, W = 1.5 s over (t - W, t]: a request exactly W after an allowed one finds it
 * gone. 0, 0.2, 0.4 pass; at 1.0 the oldest (0) leaves at 1.5; at 1.5 it has; at 1.6 the
 * oldest is 0.2, leaving at 1.7. */
START_TEST(sliding_log_drops_a_request_exactly_w_old)
{
    static const step s[] = {
        {MS(0), 1, 0},    {MS(200), 1, 0},        {MS(400), 1, 0},  {MS(1000), 0, MS(500)},
        {MS(1500), 1, 0}, {MS(1600), 0, MS(100)}, {MS(1700), 1, 0}, {MS(1700), 0, MS(200)},
    };
    run_schedule(DK_LIMITER_SLIDING_LOG, 2, 3, s, sizeof s / sizeof s[0]);
}
END_TEST

/* Sliding-window counter, W = 1.5 s: estimate = prev x (W - e) / W + cur, allowed below 3.
 * After 3 at 0, at 0.1 the next window's start still counts all 3 (3 x 1.5/1.5 = 3, not < 3):
 * the first pass is 1 ns into it. At 2.0 (e = 0.5 s): 3 x 1/1.5 = 2 -> pass; then 3 -> no,
 * until e > 0.5 s. At 2.75 (e = 1.25 s): 0.5 + 1 and 0.5 + 2 pass; 0.5 + 3 does not, and in
 * the window from 3.0 the 3 of this one count fully at its start: 1 ns after it. */
START_TEST(sliding_window_weighs_the_previous_window)
{
    static const step s[] = {
        {MS(0), 1, 0},    {MS(0), 1, 0},
        {MS(0), 1, 0},    {MS(100), 0, MS(1400) + 1},
        {MS(1500), 0, 1}, {MS(2000), 1, 0},
        {MS(2000), 0, 1}, {MS(2750), 1, 0},
        {MS(2750), 1, 0}, {MS(2750), 0, MS(250) + 1},
    };
    run_schedule(DK_LIMITER_SLIDING_WINDOW, 2, 3, s, sizeof s / sizeof s[0]);
}
END_TEST

/* ---- the brute-force reference: each algorithm from its definition, over the list of the
 * times of the requests it allowed so far (and, for the queue, their departures) ---- */

typedef struct ref {
    int64_t t, burst, w;
    int64_t at[4096]; /* allowed so far */
    int64_t dep[4096];
    size_t n;
} ref;

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Would a request at `x` pass, given the allowed ones so far (all at or before x)? */
static int ref_passes(const ref *r, int alg, int64_t x)
{
    size_t in = 0, prev = 0;
    switch (alg) {
    case DK_LIMITER_TOKEN_BUCKET:
    case DK_LIMITER_LEAKY_BUCKET:
    case DK_LIMITER_GCRA:
        /* The arrival curve B + (x - s)/T: every stretch [at_i, x] may hold at most that many
         * allowed requests, the new one included. */
        for (size_t i = 0; i < r->n; i++) {
            int64_t cnt = (int64_t)(r->n - i) + 1;
            if (cnt * r->t > r->burst * r->t + (x - r->at[i]))
                return 0;
        }
        return 1;
    case DK_LIMITER_LEAKY_QUEUE: {
        /* It leaves T after the last departure (or now): allowed if that is within
         * (B - 1) x T of its arrival. */
        int64_t leave = x;
        for (size_t i = 0; i < r->n; i++)
            if (r->dep[i] + r->t > leave)
                leave = r->dep[i] + r->t;
        return leave - x <= (r->burst - 1) * r->t;
    }
    case DK_LIMITER_FIXED_WINDOW:
        for (size_t i = 0; i < r->n; i++)
            in += floordiv(r->at[i], r->w) == floordiv(x, r->w);
        return (int64_t)in < r->burst;
    case DK_LIMITER_SLIDING_LOG:
        for (size_t i = 0; i < r->n; i++)
            in += r->at[i] > x - r->w;
        return (int64_t)in < r->burst;
    case DK_LIMITER_SLIDING_WINDOW: {
        int64_t k = floordiv(x, r->w), e = x - k * r->w;
        for (size_t i = 0; i < r->n; i++) {
            in += floordiv(r->at[i], r->w) == k;
            prev += floordiv(r->at[i], r->w) == k - 1;
        }
        /* prev x (W - e) / W + cur < B, multiplied out by W */
        return (int64_t)prev * (r->w - e) + (int64_t)in * r->w < r->burst * r->w;
    }
    }
    return 0;
}

static int64_t ref_leave(const ref *r, int64_t x)
{
    int64_t leave = x;
    for (size_t i = 0; i < r->n; i++)
        if (r->dep[i] + r->t > leave)
            leave = r->dep[i] + r->t;
    return leave;
}

START_TEST(every_algorithm_agrees_with_its_brute_force_reference)
{
    static const double rates[] = {2, 3, 7, 10, 1000};
    static ref r;
    srand(12345 + (unsigned)_i);
    for (int round = 0; round < 40; round++) {
        int alg = _i;
        double rate = rates[round % 5];
        int64_t burst = 1 + rand() % 5;
        dk_limiter_t *l = must_new((dk_limiter_algorithm)alg, rate, burst);
        memset(&r, 0, sizeof r);
        r.t = dk_limiter_interval(l);
        r.burst = burst;
        r.w = burst * r.t;
        int64_t now = MS(rand() % 1000) - MS(500); /* negative times too */
        for (int i = 0; i < 300; i++) {
            switch (rand() % 5) { /* gaps that hit edges: none, whole T or W, 1 ns, random */
            case 0:
                break;
            case 1:
                now += r.t;
                break;
            case 2:
                now = (floordiv(now, r.w) + 1) * r.w;
                break;
            case 3:
                now += 1;
                break;
            default:
                now += rand() % (2 * r.t);
            }
            int64_t wait = -1;
            int want = ref_passes(&r, alg, now);
            int got = dk_limiter_allow(l, 0, now, &wait);
            ck_assert_msg(got == want, "%s rate %g burst %lld request %d at %lld: got %d want %d",
                          dk_limiter_algorithm_name(alg), rate, (long long)burst, i, (long long)now,
                          got, want);
            if (got) {
                if (alg == DK_LIMITER_LEAKY_QUEUE) {
                    ck_assert_int_eq(wait, ref_leave(&r, now) - now);
                    r.dep[r.n] = now + wait;
                } else {
                    ck_assert_int_eq(wait, 0);
                }
                r.at[r.n++] = now;
            } else {
                /* The wait is exact: at now + wait the reference passes, 1 ns before not. */
                ck_assert_msg(wait > 0 && ref_passes(&r, alg, now + wait) &&
                                  !ref_passes(&r, alg, now + wait - 1),
                              "%s: wait %lld at %lld is not the first instant that passes",
                              dk_limiter_algorithm_name(alg), (long long)wait, (long long)now);
            }
        }
        dk_limiter_free(l);
    }
}
END_TEST

/* Keys are independent; at the cap the key seen least recently is forgotten (and starts
 * afresh); a key idle for 2W is forgotten on its own. Rate 1/s, burst 1: W = 1 s. */
START_TEST(keys_are_bounded_by_recency_and_idleness)
{
    dk_error err;
    dk_limiter_config c = {DK_LIMITER_TOKEN_BUCKET, 1, 1, 2, 0};
    dk_limiter_t *l = dk_limiter_new(&c, &err);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(dk_limiter_get_config(l)->idle, MS(2000));
    ck_assert_int_eq(dk_limiter_allow(l, 1, 0, NULL), 1);
    ck_assert_int_eq(dk_limiter_allow(l, 1, 0, NULL), 0);
    ck_assert_int_eq(dk_limiter_allow(l, 2, 0, NULL), 1); /* its own bucket */
    ck_assert_int_eq(dk_limiter_allow(l, 3, 0, NULL), 1); /* key 1 made room */
    ck_assert_uint_eq(dk_limiter_keys(l), 2);
    ck_assert_int_eq(dk_limiter_allow(l, 1, 0, NULL), 1); /* forgotten: a full bucket again */
    dk_limiter_free(l);

    l = dk_limiter_new(&c, &err);
    ck_assert_int_eq(dk_limiter_allow(l, 1, 0, NULL), 1);
    ck_assert_int_eq(dk_limiter_allow(l, 2, MS(1500), NULL), 1);
    ck_assert_int_eq(dk_limiter_allow(l, 3, MS(2000), NULL), 1); /* key 1 idle 2 s: gone */
    ck_assert_uint_eq(dk_limiter_keys(l), 2);
    ck_assert_int_eq(dk_limiter_allow(l, 2, MS(2000), NULL), 0); /* key 2 kept its state */
    dk_limiter_free(l);

    c.max_keys = 1000;
    l = dk_limiter_new(&c, &err);
    for (uint64_t k = 0; k < 100000; k++) {
        ck_assert_int_eq(dk_limiter_allow(l, k * 7919, (int64_t)k, NULL), 1);
        ck_assert_uint_le(dk_limiter_keys(l), 1000);
    }
    dk_limiter_free(l);
}
END_TEST

/* Per key, one key's schedule is the global one, whatever other keys do in between. */
START_TEST(a_key_sees_its_own_schedule)
{
    dk_error err;
    dk_limiter_config c = {DK_LIMITER_GCRA, 2, 3, 1000, 0};
    dk_limiter_t *l = dk_limiter_new(&c, &err);
    size_t n = sizeof meter_schedule / sizeof meter_schedule[0];
    for (size_t i = 0; i < n; i++) {
        int64_t wait;
        ck_assert_int_eq(dk_limiter_allow(l, 1000 + i, meter_schedule[i].at, NULL), 1);
        ck_assert_int_eq(dk_limiter_allow(l, 42, meter_schedule[i].at, &wait),
                         meter_schedule[i].allowed);
        ck_assert_int_eq(wait, meter_schedule[i].wait);
    }
    dk_limiter_free(l);
}
END_TEST

static void expect_refused(dk_limiter_config c, dk_status status, const char *words)
{
    dk_error err;
    dk_limiter_t *l = dk_limiter_new(&c, &err);
    ck_assert_ptr_null(l);
    ck_assert_int_eq(err.status, status);
    ck_assert_msg(strstr(err.message, words) != NULL, "message \"%s\" lacks \"%s\"", err.message,
                  words);
}

START_TEST(bad_configs_are_refused_with_the_field_named)
{
    dk_limiter_config ok = {DK_LIMITER_GCRA, 100, 20, 0, 0}, c;
    c = ok, c.rate = 0;
    expect_refused(c, DK_EINVAL, "rate: must be a positive rate");
    c = ok, c.rate = -5;
    expect_refused(c, DK_EINVAL, "rate:");
    c = ok, c.rate = 0.0 / 0.0;
    expect_refused(c, DK_EINVAL, "rate:");
    c = ok, c.burst = 0;
    expect_refused(c, DK_EINVAL, "burst: must be an integer from 1");
    c = ok, c.idle = -1;
    expect_refused(c, DK_EINVAL, "idle:");
    c = ok, c.algorithm = (dk_limiter_algorithm)99;
    expect_refused(c, DK_EINVAL, "algorithm");
    c = ok, c.algorithm = DK_LIMITER_SLIDING_WINDOW, c.rate = 0.001, c.burst = 1000000;
    expect_refused(c, DK_ERANGE, "overflow");

    dk_error err;
    dk_limiter_algorithm a;
    ck_assert_int_eq(dk_limiter_algorithm_parse("gcra", &a, &err), DK_OK);
    ck_assert_int_eq(a, DK_LIMITER_GCRA);
    ck_assert_int_eq(dk_limiter_algorithm_parse("token-bucket", &a, &err), DK_ENOTFOUND);
    ck_assert_msg(strstr(err.message, "token_bucket, leaky_bucket, leaky_queue") != NULL, "%s",
                  err.message);
    for (int i = 0; dk_limiter_algorithm_names[i] != NULL; i++) {
        ck_assert_int_eq(dk_limiter_algorithm_parse(dk_limiter_algorithm_names[i], &a, NULL),
                         DK_OK);
        ck_assert_int_eq(a, i);
        ck_assert_msg(strstr(err.message, dk_limiter_algorithm_names[i]) != NULL,
                      "the message lacks %s", dk_limiter_algorithm_names[i]);
    }
}
END_TEST

/* Out of memory when a new key needs room: -1, and the limiter goes on afterwards. */
static int fail_allocs;
static void *failing_malloc(size_t n, void *ud)
{
    (void)ud;
    return fail_allocs ? NULL : malloc(n);
}
static void *failing_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    return fail_allocs ? NULL : realloc(p, n);
}
static void plain_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

START_TEST(out_of_memory_is_reported_not_fatal)
{
    dk_allocator hooks = {failing_malloc, failing_realloc, plain_free, NULL};
    dk_set_allocator(&hooks);
    dk_error err;
    dk_limiter_config c = {DK_LIMITER_SLIDING_LOG, 10, 4, 100, 0};
    dk_limiter_t *l = dk_limiter_new(&c, &err);
    ck_assert_ptr_nonnull(l);
    for (uint64_t k = 0; k < 4; k++)
        ck_assert_int_eq(dk_limiter_allow(l, k, 0, NULL), 1);
    fail_allocs = 1;
    ck_assert_int_eq(dk_limiter_allow(l, 77, 0, NULL), -1);
    ck_assert_int_eq(dk_limiter_allow(l, 0, 0, NULL), 1); /* a known key needs nothing */
    fail_allocs = 0;
    ck_assert_int_eq(dk_limiter_allow(l, 77, 0, NULL), 1);
    dk_limiter_free(l);
    dk_set_allocator(NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("limiter");
    TCase *tc = tcase_create("schedules");
    tcase_add_test(tc, meters_follow_the_hand_schedule);
    tcase_add_test(tc, leaky_queue_delays_by_the_hand_schedule);
    tcase_add_test(tc, fixed_window_resets_exactly_at_the_edge);
    tcase_add_test(tc, sliding_log_drops_a_request_exactly_w_old);
    tcase_add_test(tc, sliding_window_weighs_the_previous_window);
    suite_add_tcase(s, tc);
    tc = tcase_create("reference");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, every_algorithm_agrees_with_its_brute_force_reference, 0, NALG);
    suite_add_tcase(s, tc);
    tc = tcase_create("keys");
    tcase_set_timeout(tc, 60); /* 10^5 keys under the sanitizers on a loaded machine */
    tcase_add_test(tc, keys_are_bounded_by_recency_and_idleness);
    tcase_add_test(tc, a_key_sees_its_own_schedule);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad input");
    tcase_add_test(tc, bad_configs_are_refused_with_the_field_named);
    tcase_add_test(tc, out_of_memory_is_reported_not_fatal);
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
