/* areas: base concurrency */
/* test_bqueue.c - the bounded blocking queue: capacity checks, FIFO across the wrap of its
 * array, full and empty with and without timeouts, a blocked pusher released by a pop, and a
 * close that wakes every waiter. */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "designkit/alloc.h"
#include "designkit/bqueue.h"

#define MS 1000000LL

static dk_bqueue_t *must_queue(size_t cap)
{
    dk_error err;
    dk_bqueue_t *q = dk_bqueue_new(cap, &err);
    ck_assert_msg(q != NULL, "queue refused: %s", q ? "" : err.message);
    return q;
}

static void *item(uintptr_t n)
{
    return (void *)n;
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&t, NULL);
}

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

START_TEST(capacity_is_checked)
{
    dk_error err;
    ck_assert_ptr_null(dk_bqueue_new(0, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "capacity"));
    ck_assert_ptr_null(dk_bqueue_new(DK_BQUEUE_MAX_CAPACITY + 1, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "capacity"));
    dk_bqueue_t *q = must_queue(3); /* taken as given: no rounding */
    ck_assert_uint_eq(dk_bqueue_capacity(q), 3);
    dk_bqueue_free(q);
    dk_bqueue_free(NULL);
}
END_TEST

START_TEST(out_of_memory_is_reported)
{
    dk_error err;
    dk_alloc_fail_after(1); /* the queue, not its slots */
    dk_bqueue_t *q = dk_bqueue_new(8, &err);
    dk_alloc_fail_after(-1);
    ck_assert_ptr_null(q);
    ck_assert_int_eq(err.status, DK_ENOMEM);
}
END_TEST

/* Three laps of a queue of 3, pushing two and popping two at a time, so head wraps at every
 * position: the order out is the order in. */
START_TEST(fifo_across_the_wrap)
{
    dk_bqueue_t *q = must_queue(3);
    uintptr_t next_in = 1, next_out = 1;
    for (int round = 0; round < 9; round++) {
        for (int k = 0; k < 2; k++)
            ck_assert_int_eq(dk_bqueue_push(q, item(next_in++), 0), DK_OK);
        ck_assert_uint_eq(dk_bqueue_len(q), 2);
        for (int k = 0; k < 2; k++) {
            void *got;
            ck_assert_int_eq(dk_bqueue_pop(q, &got, 0), DK_OK);
            ck_assert_uint_eq((uintptr_t)got, next_out++);
        }
    }
    ck_assert_uint_eq(dk_bqueue_len(q), 0);
    dk_bqueue_free(q);
}
END_TEST

START_TEST(full_and_empty_without_waiting)
{
    dk_bqueue_t *q = must_queue(2);
    void *got = NULL;
    ck_assert_int_eq(dk_bqueue_pop(q, &got, 0), DK_ELIMIT);
    ck_assert_int_eq(dk_bqueue_push(q, item(1), 0), DK_OK);
    ck_assert_int_eq(dk_bqueue_push(q, item(2), 0), DK_OK);
    ck_assert_int_eq(dk_bqueue_push(q, item(3), 0), DK_ELIMIT);
    ck_assert_uint_eq(dk_bqueue_len(q), 2);
    ck_assert_int_eq(dk_bqueue_pop(q, &got, 0), DK_OK);
    ck_assert_uint_eq((uintptr_t)got, 1);
    dk_bqueue_free(q);
}
END_TEST

/* A timed wait lasts its timeout (not less; and not a great deal more on an idle machine). */
START_TEST(timeouts_wait_their_time)
{
    dk_bqueue_t *q = must_queue(1);
    void *got;
    int64_t t0 = now_ns();
    ck_assert_int_eq(dk_bqueue_pop(q, &got, 30 * MS), DK_ELIMIT);
    int64_t waited = now_ns() - t0;
    ck_assert_msg(waited >= 30 * MS && waited < 2000 * MS, "pop waited %lld ns", (long long)waited);
    ck_assert_int_eq(dk_bqueue_push(q, item(7), 0), DK_OK);
    t0 = now_ns();
    ck_assert_int_eq(dk_bqueue_push(q, item(8), 30 * MS), DK_ELIMIT);
    waited = now_ns() - t0;
    ck_assert_msg(waited >= 30 * MS && waited < 2000 * MS, "push waited %lld ns",
                  (long long)waited);
    /* A huge timeout must not wrap into the past: it waits for the item that is there. */
    ck_assert_int_eq(dk_bqueue_pop(q, &got, INT64_MAX), DK_OK);
    ck_assert_uint_eq((uintptr_t)got, 7);
    dk_bqueue_free(q);
}
END_TEST

typedef struct waiter {
    dk_bqueue_t *q;
    int pop;          /* 1: pop, 0: push */
    int64_t timeout;  /* as the call takes it */
    dk_status result; /* what the call returned */
    void *got;
} waiter;

static void *wait_run(void *arg)
{
    waiter *w = arg;
    if (w->pop)
        w->result = dk_bqueue_pop(w->q, &w->got, w->timeout);
    else
        w->result = dk_bqueue_push(w->q, item(99), w->timeout);
    return NULL;
}

/* A pusher blocked on a full queue goes on when a pop makes room, and its item comes out. */
START_TEST(a_pop_releases_a_blocked_pusher)
{
    dk_bqueue_t *q = must_queue(1);
    ck_assert_int_eq(dk_bqueue_push(q, item(1), 0), DK_OK);
    waiter w = {q, 0, -1, DK_EINTERNAL, NULL};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, wait_run, &w), 0);
    sleep_ms(20);
    void *got;
    ck_assert_int_eq(dk_bqueue_pop(q, &got, -1), DK_OK);
    ck_assert_uint_eq((uintptr_t)got, 1);
    ck_assert_int_eq(dk_bqueue_pop(q, &got, 5000 * MS), DK_OK);
    ck_assert_uint_eq((uintptr_t)got, 99);
    pthread_join(th, NULL);
    ck_assert_int_eq(w.result, DK_OK);
    dk_bqueue_free(q);
}
END_TEST

/* Poppers waiting forever on an empty queue and pushers waiting forever on a full one all wake
 * at close with DK_ESTATE; the items still in the full queue can still be popped, then none. */
START_TEST(close_wakes_every_waiter)
{
    enum { N = 3 };
    dk_bqueue_t *empty = must_queue(4), *full = must_queue(2);
    ck_assert_int_eq(dk_bqueue_push(full, item(1), 0), DK_OK);
    ck_assert_int_eq(dk_bqueue_push(full, item(2), 0), DK_OK);
    waiter w[2 * N];
    pthread_t th[2 * N];
    for (int i = 0; i < 2 * N; i++) {
        w[i] = (waiter){i < N ? empty : full, i < N, i % 2 ? -1 : 60000 * MS, DK_OK, NULL};
        ck_assert_int_eq(pthread_create(&th[i], NULL, wait_run, &w[i]), 0);
    }
    sleep_ms(50); /* let them block (a close before they wait gives the same results) */
    dk_bqueue_close(empty);
    dk_bqueue_close(full);
    for (int i = 0; i < 2 * N; i++) {
        pthread_join(th[i], NULL);
        ck_assert_msg(w[i].result == DK_ESTATE, "waiter %d: %s", i, dk_strerror(w[i].result));
    }
    ck_assert(dk_bqueue_is_closed(full));
    ck_assert_int_eq(dk_bqueue_push(full, item(3), 0), DK_ESTATE);
    void *got;
    ck_assert_int_eq(dk_bqueue_pop(full, &got, -1), DK_OK);
    ck_assert_uint_eq((uintptr_t)got, 1);
    ck_assert_int_eq(dk_bqueue_pop(full, &got, -1), DK_OK);
    ck_assert_uint_eq((uintptr_t)got, 2);
    ck_assert_int_eq(dk_bqueue_pop(full, &got, -1), DK_ESTATE);
    dk_bqueue_close(full); /* idempotent */
    dk_bqueue_free(empty);
    dk_bqueue_free(full);
}
END_TEST

static Suite *bqueue_suite(void)
{
    Suite *s = suite_create("bqueue");
    TCase *tc = tcase_create("edges");
    tcase_add_test(tc, capacity_is_checked);
    tcase_add_test(tc, out_of_memory_is_reported);
    tcase_add_test(tc, fifo_across_the_wrap);
    tcase_add_test(tc, full_and_empty_without_waiting);
    suite_add_tcase(s, tc);
    tc = tcase_create("waiting");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, timeouts_wait_their_time);
    tcase_add_test(tc, a_pop_releases_a_blocked_pusher);
    tcase_add_test(tc, close_wakes_every_waiter);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bqueue_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
