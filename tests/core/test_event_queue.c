/* areas: base sim patterns model */
/* test_event_queue.c - the (time, seq) order of the heap + ring event queue vs a brute force. */
#include <check.h>
#include <stdlib.h>
#include "designkit/rng.h"
#include "sim/event_queue.h"

/* The reference: every pending event in an array; the least (time, seq) found by a scan. */
typedef struct ref_ev {
    dk_time_t time;
    uint64_t seq;
    uint32_t tag;
} ref_ev;

static ref_ev ref[100000];
static size_t nref;

static int ref_pop(dk_time_t until, ref_ev *out)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < nref; i++)
        if (best == SIZE_MAX || ref[i].time < ref[best].time ||
            (ref[i].time == ref[best].time && ref[i].seq < ref[best].seq))
            best = i;
    if (best == SIZE_MAX || ref[best].time > until)
        return 0;
    *out = ref[best];
    ref[best] = ref[--nref];
    return 1;
}

static dk_event make(dk_time_t t, uint32_t tag)
{
    dk_event e = {0};
    e.time = t;
    e.tag = tag;
    e.kind = DK_EV_TIMER;
    return e;
}

/* Random pushes (a third at exactly now, the rest with small delays so that times tie often)
 * interleaved with pops: the queue must give exactly the reference's sequence. */
static void run_trace(uint64_t seed, int zero_share_pct, int max_delay, int steps)
{
    dk__evq q;
    dk_rng_t rng;
    dk_rng_seed(&rng, seed);
    ck_assert_int_eq(dk__evq_init(&q, 4), DK_OK);
    nref = 0;
    uint64_t seq = 0;
    uint32_t tag = 0;
    dk_time_t now = 0;
    int pops = 0;
    for (int i = 0; i < steps; i++) {
        int push = nref == 0 || dk_rng_below(&rng, 100) < 51;
        if (push && nref < 100000) {
            dk_time_t d = (int)dk_rng_below(&rng, 100) < zero_share_pct
                              ? 0
                              : (dk_time_t)dk_rng_below(&rng, (uint64_t)max_delay) + 1;
            dk_event e = make(now + d, tag);
            ck_assert_int_eq(dk__evq_push(&q, &e), DK_OK);
            ref[nref++] = (ref_ev){now + d, seq++, tag++};
        } else {
            ref_ev want;
            dk_event got;
            ck_assert_int_eq(ref_pop(INT64_MAX, &want), 1);
            ck_assert_int_eq(dk__evq_pop(&q, INT64_MAX, &got), 1);
            ck_assert_uint_eq(got.tag, want.tag);
            ck_assert_int_eq(got.time, want.time);
            ck_assert_uint_eq(got.seq, want.seq);
            ck_assert_int_ge(got.time, now);
            now = got.time;
            pops++;
        }
        ck_assert_uint_eq(dk__evq_size(&q), nref);
    }
    /* Drain. */
    ref_ev want;
    dk_event got;
    while (ref_pop(INT64_MAX, &want)) {
        ck_assert_int_eq(dk__evq_pop(&q, INT64_MAX, &got), 1);
        ck_assert_uint_eq(got.tag, want.tag);
    }
    ck_assert_int_eq(dk__evq_pop(&q, INT64_MAX, &got), 0);
    ck_assert_int_gt(pops, steps / 4);
    dk__evq_destroy(&q);
}

START_TEST(order_mixed)
{
    run_trace(1, 33, 5, 200000);
}
END_TEST

START_TEST(order_all_ties)
{
    /* Every event at now or now+1: ties everywhere and the ring/heap merge decides it all. */
    run_trace(2, 50, 1, 200000);
}
END_TEST

START_TEST(order_heap_only)
{
    run_trace(3, 0, 1000, 100000);
}
END_TEST

START_TEST(order_ring_only)
{
    /* Only zero delays: a pure FIFO, wrapping and growing the ring. */
    run_trace(4, 100, 1, 100000);
}
END_TEST

START_TEST(heap_event_due_now_beats_later_ring_event)
{
    /* An event scheduled earlier for t=10 must run before one scheduled at t=10 for t=10. */
    dk__evq q;
    dk_event e, got;
    ck_assert_int_eq(dk__evq_init(&q, 1), DK_OK);
    e = make(10, 1);
    dk__evq_push(&q, &e);
    e = make(10, 2);
    dk__evq_push(&q, &e);
    ck_assert_int_eq(dk__evq_pop(&q, 100, &got), 1);
    ck_assert_uint_eq(got.tag, 1);
    ck_assert_int_eq(q.now, 10);
    e = make(10, 3); /* now == 10: goes to the ring, behind tag 2 which sits in the heap */
    dk__evq_push(&q, &e);
    ck_assert_uint_eq(q.ring_len, 1);
    ck_assert_uint_eq(dk__evq_peek(&q)->tag, 2);
    ck_assert_int_eq(dk__evq_pop(&q, 100, &got), 1);
    ck_assert_uint_eq(got.tag, 2);
    ck_assert_int_eq(dk__evq_pop(&q, 100, &got), 1);
    ck_assert_uint_eq(got.tag, 3);
    ck_assert_ptr_null(dk__evq_peek(&q));
    dk__evq_destroy(&q);
}
END_TEST

START_TEST(until_is_inclusive)
{
    dk__evq q;
    dk_event e, got;
    dk__evq_init(&q, 1);
    e = make(5, 1);
    dk__evq_push(&q, &e);
    e = make(6, 2);
    dk__evq_push(&q, &e);
    ck_assert_int_eq(dk__evq_pop(&q, 4, &got), 0);
    ck_assert_int_eq(dk__evq_pop(&q, 5, &got), 1);
    ck_assert_uint_eq(got.tag, 1);
    ck_assert_int_eq(dk__evq_pop(&q, 5, &got), 0);
    ck_assert_uint_eq(dk__evq_size(&q), 1);
    dk__evq_destroy(&q);
}
END_TEST

START_TEST(past_is_rejected)
{
    dk__evq q;
    dk_event e, got;
    dk__evq_init(&q, 1);
    e = make(5, 1);
    dk__evq_push(&q, &e);
    dk__evq_pop(&q, 100, &got);
    e = make(4, 2);
    ck_assert_int_eq(dk__evq_push(&q, &e), DK_EINVAL);
    ck_assert_uint_eq(dk__evq_size(&q), 0);
    dk__evq_destroy(&q);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("event_queue");
    TCase *order = tcase_create("order");
    tcase_set_timeout(order, 60);
    tcase_add_test(order, order_mixed);
    tcase_add_test(order, order_all_ties);
    tcase_add_test(order, order_heap_only);
    tcase_add_test(order, order_ring_only);
    tcase_add_test(order, heap_event_due_now_beats_later_ring_event);
    suite_add_tcase(s, order);
    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, until_is_inclusive);
    tcase_add_test(limits, past_is_rejected);
    suite_add_tcase(s, limits);
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
