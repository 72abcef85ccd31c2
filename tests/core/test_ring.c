/* areas: base concurrency */
/* test_ring.c - the MPMC and SPSC rings on one thread: capacity rounding and checks, full and
 * empty, FIFO order, and indices that cross the wrap of size_t. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "designkit/ring.h"

static const dk_ring_kind kinds[] = {DK_RING_MPMC, DK_RING_SPSC};

static dk_ring_t *must_ring(size_t cap, dk_ring_kind kind)
{
    dk_error err;
    dk_ring_t *r = dk_ring_new(cap, kind, &err);
    ck_assert_msg(r != NULL, "ring refused: %s", r ? "" : err.message);
    return r;
}

/* The next power of two, at least 2, computed by doubling from 2 (independent of the ring). */
static size_t expected_capacity(size_t n)
{
    size_t p = 2;
    while (p < n)
        p *= 2;
    return p;
}

START_TEST(capacity_rounds_up_to_a_power_of_two)
{
    static const size_t asks[] = {1, 2, 3, 4, 5, 7, 8, 9, 1000, 1024, 1025};
    for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++) {
        dk_ring_t *r = must_ring(asks[i], kinds[_i]);
        ck_assert_uint_eq(dk_ring_capacity(r), expected_capacity(asks[i]));
        ck_assert_int_eq(dk_ring_kind_of(r), kinds[_i]);
        dk_ring_free(r);
    }
}
END_TEST

START_TEST(bad_capacity_and_kind_are_refused)
{
    dk_error err;
    ck_assert_ptr_null(dk_ring_new(0, kinds[_i], &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "capacity"));
    ck_assert_ptr_null(dk_ring_new(DK_RING_MAX_CAPACITY + 1, kinds[_i], &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "capacity"));
    ck_assert_ptr_null(dk_ring_new(4, (dk_ring_kind)7, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "kind"));
    dk_ring_free(NULL);
}
END_TEST

START_TEST(kind_names)
{
    dk_ring_kind k;
    ck_assert_int_eq(dk_ring_kind_parse("spsc", &k), DK_OK);
    ck_assert_int_eq(k, DK_RING_SPSC);
    ck_assert_int_eq(dk_ring_kind_parse("mpmc", &k), DK_OK);
    ck_assert_int_eq(k, DK_RING_MPMC);
    ck_assert_int_eq(dk_ring_kind_parse("MPMC", &k), DK_ENOTFOUND);
    ck_assert_str_eq(dk_ring_kind_name(DK_RING_SPSC), "spsc");
    ck_assert_str_eq(dk_ring_kind_name(DK_RING_MPMC), "mpmc");
}
END_TEST

/* Fill to capacity, one more is refused; empty in order, one more is refused. */
START_TEST(full_and_empty)
{
    dk_ring_t *r = must_ring(4, kinds[_i]);
    void *got = NULL;
    ck_assert_int_eq(dk_ring_pop(r, &got), 0);
    for (uintptr_t n = 1; n <= 4; n++)
        ck_assert_int_eq(dk_ring_push(r, (void *)n), 1);
    ck_assert_int_eq(dk_ring_push(r, (void *)5), 0);
    ck_assert_uint_eq(dk_ring_len(r), 4);
    for (uintptr_t n = 1; n <= 4; n++) {
        ck_assert_int_eq(dk_ring_pop(r, &got), 1);
        ck_assert_uint_eq((uintptr_t)got, n);
    }
    ck_assert_int_eq(dk_ring_pop(r, &got), 0);
    ck_assert_uint_eq(dk_ring_len(r), 0);
    dk_ring_free(r);
}
END_TEST

/* Indices start just below SIZE_MAX: pushing and popping across the wrap to 0 keeps the order,
 * the count, and the full and empty checks. */
START_TEST(indices_cross_the_wrap)
{
    dk_ring_t *r = must_ring(4, kinds[_i]);
    dk__ring_set_position(r, SIZE_MAX - 5);
    uintptr_t next_in = 1, next_out = 1;
    void *got;
    for (int lap = 0; lap < 6; lap++) {
        while (dk_ring_push(r, (void *)next_in))
            next_in++;
        ck_assert_uint_eq(dk_ring_len(r), 4);
        for (int k = 0; k < 3; k++) {
            ck_assert_int_eq(dk_ring_pop(r, &got), 1);
            ck_assert_uint_eq((uintptr_t)got, next_out++);
        }
        ck_assert_uint_eq(dk_ring_len(r), 1);
    }
    while (dk_ring_pop(r, &got))
        ck_assert_uint_eq((uintptr_t)got, next_out++);
    ck_assert_uint_eq(next_in, next_out);
    ck_assert_uint_eq(dk_ring_len(r), 0);
    dk_ring_free(r);
}
END_TEST

/* The smallest ring (asked for 1, given 2) alternates correctly for many laps. */
START_TEST(smallest_ring)
{
    dk_ring_t *r = must_ring(1, kinds[_i]);
    void *got;
    for (uintptr_t n = 1; n < 100; n++) {
        ck_assert_int_eq(dk_ring_push(r, (void *)n), 1);
        ck_assert_int_eq(dk_ring_push(r, (void *)(n + 1000)), 1);
        ck_assert_int_eq(dk_ring_push(r, (void *)n), 0);
        ck_assert_int_eq(dk_ring_pop(r, &got), 1);
        ck_assert_uint_eq((uintptr_t)got, n);
        ck_assert_int_eq(dk_ring_pop(r, &got), 1);
        ck_assert_uint_eq((uintptr_t)got, n + 1000);
        ck_assert_int_eq(dk_ring_pop(r, &got), 0);
    }
    dk_ring_free(r);
}
END_TEST

static Suite *ring_suite(void)
{
    Suite *s = suite_create("ring");
    TCase *tc = tcase_create("edges");
    tcase_add_loop_test(tc, capacity_rounds_up_to_a_power_of_two, 0, 2);
    tcase_add_loop_test(tc, bad_capacity_and_kind_are_refused, 0, 2);
    tcase_add_test(tc, kind_names);
    tcase_add_loop_test(tc, full_and_empty, 0, 2);
    tcase_add_loop_test(tc, indices_cross_the_wrap, 0, 2);
    tcase_add_loop_test(tc, smallest_ring, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ring_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
