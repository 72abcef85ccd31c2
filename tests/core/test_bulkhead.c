/* areas: base patterns */
/* test_bulkhead.c - the semaphore bulkhead against a hand-computed schedule, and bad input. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include "designkit/bulkhead.h"

#define S INT64_C(1000000000)
#define MS INT64_C(1000000)

START_TEST(schedule)
{
    /* 2 at once, 2 may wait up to 1 s: A B enter, C D wait, E is rejected */
    dk_bulkhead_t *b = dk_bulkhead_new(2, 2, 1 * S, NULL);
    ck_assert_int_eq(dk_bulkhead_enter(b, 0, 'A'), DK_BULKHEAD_ENTERED);
    ck_assert_int_eq(dk_bulkhead_enter(b, 0, 'B'), DK_BULKHEAD_ENTERED);
    ck_assert_int_eq(dk_bulkhead_enter(b, 0, 'C'), DK_BULKHEAD_WAITING);
    ck_assert_int_eq(dk_bulkhead_enter(b, 100 * MS, 'D'), DK_BULKHEAD_WAITING);
    ck_assert_int_eq(dk_bulkhead_enter(b, 100 * MS, 'E'), DK_BULKHEAD_REJECTED);
    uint64_t t = 0;
    ck_assert_int_eq(dk_bulkhead_expire(b, 1 * S, &t), 0);   /* C's deadline is 1 s: not past */
    ck_assert_int_eq(dk_bulkhead_leave(b, 500 * MS, &t), 1); /* A ends: C runs */
    ck_assert_uint_eq(t, 'C');
    /* at 2 s D (deadline 1.1 s) is overdue: B's slot is freed, not given to D */
    ck_assert_int_eq(dk_bulkhead_leave(b, 2 * S, &t), 0);
    dk_bulkhead_stats st;
    dk_bulkhead_stats_get(b, &st);
    ck_assert_uint_eq(st.active, 1);
    ck_assert_uint_eq(st.waiting, 1);
    ck_assert_int_eq(dk_bulkhead_expire(b, 2 * S, &t), 1);
    ck_assert_uint_eq(t, 'D');
    ck_assert_int_eq(dk_bulkhead_expire(b, 2 * S, &t), 0);
    dk_bulkhead_stats_get(b, &st);
    ck_assert_uint_eq(st.entered, 3);
    ck_assert_uint_eq(st.waited, 2);
    ck_assert_uint_eq(st.rejected, 1);
    ck_assert_uint_eq(st.timed_out, 1);
    ck_assert_uint_eq(st.waiting, 0);
    dk_bulkhead_free(b);
}
END_TEST

START_TEST(no_wait_rejects_at_once)
{
    dk_bulkhead_t *b = dk_bulkhead_new(1, 10, 0, NULL);
    ck_assert_int_eq(dk_bulkhead_enter(b, 0, 1), DK_BULKHEAD_ENTERED);
    ck_assert_int_eq(dk_bulkhead_enter(b, 0, 2), DK_BULKHEAD_REJECTED);
    uint64_t t;
    ck_assert_int_eq(dk_bulkhead_leave(b, 1, &t), 0);
    ck_assert_int_eq(dk_bulkhead_enter(b, 2, 3), DK_BULKHEAD_ENTERED);
    dk_bulkhead_free(b);
}
END_TEST

/* FIFO order against a brute force: a plain list of waiters with deadlines. */
START_TEST(fifo_order_many)
{
    dk_bulkhead_t *b = dk_bulkhead_new(3, 50, 10 * MS, NULL);
    int64_t dl[1000];
    int head = 0, tail = 0, active = 0;
    uint64_t next = 0;
    for (int64_t now = 0; now < 2000 * MS; now += MS / 2) {
        if ((now / (MS / 2)) % 3 != 2) {
            dk_bulkhead_verdict v = dk_bulkhead_enter(b, now, next);
            if (active < 3) {
                ck_assert_int_eq(v, DK_BULKHEAD_ENTERED);
                active++;
            } else if (tail - head < 50) {
                ck_assert_int_eq(v, DK_BULKHEAD_WAITING);
                dl[tail++ % 1000] = now + 10 * MS;
            } else {
                ck_assert_int_eq(v, DK_BULKHEAD_REJECTED);
            }
            next++;
        } else if (active > 0) {
            uint64_t t;
            int got = dk_bulkhead_leave(b, now, &t);
            while (head < tail && dl[head % 1000] < now)
                head++; /* overdue: passed over */
            if (head < tail) {
                ck_assert_int_eq(got, 1);
                head++;
            } else {
                ck_assert_int_eq(got, 0);
                active--;
            }
            while (dk_bulkhead_expire(b, now, &t))
                ;
        }
    }
    dk_bulkhead_free(b);
}
END_TEST

START_TEST(bad_input)
{
    dk_error err;
    ck_assert_ptr_null(dk_bulkhead_new(0, 1, 1, &err));
    ck_assert_str_eq(err.message, "bulkhead: max_concurrent must be from 1 to 1000000 (got 0)");
    ck_assert_ptr_null(dk_bulkhead_new(1, 2000000, 1, &err));
    ck_assert_str_eq(err.message, "bulkhead: max_waiting must be from 0 to 1000000 (got 2000000)");
    ck_assert_ptr_null(dk_bulkhead_new(1, 1, -1, &err));
    ck_assert_str_eq(err.message, "bulkhead: max_wait must not be negative");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("bulkhead");
    TCase *tc = tcase_create("bulkhead");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, schedule);
    tcase_add_test(tc, no_wait_rejects_at_once);
    tcase_add_test(tc, fifo_order_many);
    tcase_add_test(tc, bad_input);
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
