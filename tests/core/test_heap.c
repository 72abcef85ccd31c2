/* areas: base */
/* test_heap.c - the binary min-heap against qsort, reserve, out-of-memory and bad input. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/heap.h"
#include "designkit/rng.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* An event-like record: ordered by time, ties broken by sequence number. */
typedef struct ev {
    int64_t time;
    uint32_t seq;
    char tag[13]; /* an odd size, so elements are not word multiples */
} ev;

static int cmp_ev(const void *a, const void *b)
{
    const ev *x = a, *y = b;
    if (x->time != y->time)
        return (x->time > y->time) - (x->time < y->time);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static long allocations;

static void *counting_malloc(size_t n, void *ud)
{
    (void)ud;
    allocations++;
    return malloc(n);
}

static void *counting_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    allocations++;
    return realloc(p, n);
}

static void plain_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

/* ---- order ---- */

/* Pushes n random values drawn below `range` (small ranges give many duplicates), pops them
 * all and compares with qsort of the same values. */
static void check_against_qsort(size_t n, uint64_t range, uint64_t seed)
{
    dk_rng_t r;
    dk_heap_t *h = dk_heap_new(sizeof(uint64_t), cmp_u64, NULL);
    uint64_t *ref = malloc(n * sizeof *ref), x;
    size_t mismatches = 0;
    ck_assert_ptr_nonnull(h);
    dk_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) {
        ref[i] = range ? dk_rng_below(&r, range) : dk_rng_next(&r);
        if (dk_heap_push(h, &ref[i]) != DK_OK)
            ck_abort_msg("push %zu failed", i);
    }
    ck_assert_uint_eq(dk_heap_size(h), n);
    qsort(ref, n, sizeof *ref, cmp_u64);
    for (size_t i = 0; i < n; i++) {
        const uint64_t *top = dk_heap_peek(h);
        mismatches += top == NULL || *top != ref[i];
        mismatches += !dk_heap_pop(h, &x) || x != ref[i];
    }
    ck_assert_uint_eq(mismatches, 0);
    ck_assert_uint_eq(dk_heap_size(h), 0);
    ck_assert_int_eq(dk_heap_pop(h, &x), 0);
    ck_assert_ptr_null(dk_heap_peek(h));
    free(ref);
    dk_heap_free(h);
}

START_TEST(random_matches_qsort)
{
    check_against_qsort(100000, 0, 1);
    check_against_qsort(50000, 10, 2); /* heavy duplicates */
    check_against_qsort(1, 0, 3);
    check_against_qsort(2, 0, 4);
    check_against_qsort(3, 0, 5);
}
END_TEST

START_TEST(interleaved_push_pop)
{
    /* Random pushes and pops against a brute-force multiset (a sorted array). */
    dk_rng_t r;
    dk_heap_t *h = dk_heap_new(sizeof(uint64_t), cmp_u64, NULL);
    uint64_t ref[2000], x;
    size_t n = 0, bad = 0;
    dk_rng_seed(&r, 17);
    for (int step = 0; step < 100000; step++) {
        if (n < 2000 && (n == 0 || dk_rng_below(&r, 3) != 0)) {
            uint64_t v = dk_rng_below(&r, 1000);
            size_t i = n++;
            while (i > 0 && ref[i - 1] < v) { /* ref kept in descending order */
                ref[i] = ref[i - 1];
                i--;
            }
            ref[i] = v;
            bad += dk_heap_push(h, &v) != DK_OK;
        } else {
            bad += !dk_heap_pop(h, &x) || x != ref[--n];
        }
        bad += dk_heap_size(h) != n;
    }
    ck_assert_uint_eq(bad, 0);
    dk_heap_clear(h);
    ck_assert_uint_eq(dk_heap_size(h), 0);
    dk_heap_free(h);
}
END_TEST

START_TEST(struct_elements_with_ties)
{
    dk_rng_t r;
    dk_heap_t *h = dk_heap_new(sizeof(ev), cmp_ev, NULL);
    ev e, prev;
    size_t bad = 0;
    dk_rng_seed(&r, 23);
    for (uint32_t i = 0; i < 20000; i++) {
        memset(&e, 0, sizeof e);
        e.time = (int64_t)dk_rng_below(&r, 50) - 25;
        e.seq = i;
        snprintf(e.tag, sizeof e.tag, "ev%u", i);
        dk_heap_push(h, &e);
    }
    dk_heap_pop(h, &prev);
    while (dk_heap_pop(h, &e)) {
        char want[13];
        bad += cmp_ev(&prev, &e) >= 0;
        snprintf(want, sizeof want, "ev%u", e.seq);
        bad += strcmp(want, e.tag) != 0;
        prev = e;
    }
    ck_assert_uint_eq(bad, 0);
    dk_heap_free(h);
}
END_TEST

/* ---- memory ---- */

START_TEST(reserve_then_no_allocation)
{
    dk_allocator a = {counting_malloc, counting_realloc, plain_free, NULL};
    dk_heap_t *h;
    uint64_t v;
    dk_set_allocator(&a);
    h = dk_heap_new(sizeof v, cmp_u64, NULL);
    ck_assert_int_eq(dk_heap_reserve(h, 5000), DK_OK);
    allocations = 0;
    for (v = 0; v < 5000; v++)
        dk_heap_push(h, &v);
    while (dk_heap_pop(h, &v))
        ;
    for (v = 0; v < 5000; v++)
        dk_heap_push(h, &v);
    ck_assert_int_eq(allocations, 0);
    ck_assert_int_eq(dk_heap_reserve(h, 10), DK_OK); /* never shrinks */
    dk_heap_free(h);
    dk_set_allocator(NULL);
}
END_TEST

START_TEST(push_out_of_memory_keeps_heap)
{
    dk_status st;
    dk_heap_t *h = dk_heap_new(sizeof(uint64_t), cmp_u64, &st);
    uint64_t v, n = 0;
    ck_assert_int_eq(st, DK_OK);
    dk_alloc_fail_after(1); /* the first growth succeeds, the second fails */
    for (v = 100; v > 0; v--) {
        if (dk_heap_push(h, &v) != DK_OK)
            break;
        n++;
    }
    dk_alloc_fail_after(-1);
    ck_assert_uint_eq(n, 8);
    ck_assert_uint_eq(dk_heap_size(h), 8);
    for (uint64_t want = 93; want <= 100; want++) {
        ck_assert(dk_heap_pop(h, &v));
        ck_assert_uint_eq(v, want);
    }
    ck_assert_int_eq(dk_heap_reserve(h, SIZE_MAX), DK_ENOMEM); /* n * size overflows */
    dk_heap_free(h);

    dk_alloc_fail_after(0);
    ck_assert_ptr_null(dk_heap_new(8, cmp_u64, &st));
    ck_assert_int_eq(st, DK_ENOMEM);
    dk_alloc_fail_after(1);
    ck_assert_ptr_null(dk_heap_new(8, cmp_u64, &st));
    ck_assert_int_eq(st, DK_ENOMEM);
    dk_alloc_fail_after(-1);
}
END_TEST

/* ---- bad input ---- */

START_TEST(bad_arguments)
{
    dk_status st = DK_OK;
    uint64_t v = 1;
    ck_assert_ptr_null(dk_heap_new(0, cmp_u64, &st));
    ck_assert_int_eq(st, DK_EINVAL);
    st = DK_OK;
    ck_assert_ptr_null(dk_heap_new(8, NULL, &st));
    ck_assert_int_eq(st, DK_EINVAL);
    ck_assert_ptr_null(dk_heap_new(8, NULL, NULL));
    ck_assert_int_eq(dk_heap_push(NULL, &v), DK_EINVAL);
    ck_assert_int_eq(dk_heap_pop(NULL, &v), 0);
    ck_assert_ptr_null(dk_heap_peek(NULL));
    ck_assert_uint_eq(dk_heap_size(NULL), 0);
    dk_heap_t *h = dk_heap_new(8, cmp_u64, NULL);
    ck_assert_int_eq(dk_heap_push(h, NULL), DK_EINVAL);
    dk_heap_push(h, &v);
    ck_assert_int_eq(dk_heap_pop(h, NULL), 1); /* discard */
    dk_heap_free(h);
    dk_heap_free(NULL);
    dk_heap_clear(NULL);
}
END_TEST

static Suite *heap_suite(void)
{
    Suite *s = suite_create("heap");
    TCase *tc = tcase_create("order");
    tcase_add_test(tc, random_matches_qsort);
    tcase_add_test(tc, interleaved_push_pop);
    tcase_add_test(tc, struct_elements_with_ties);
    suite_add_tcase(s, tc);
    tc = tcase_create("memory");
    tcase_add_test(tc, reserve_then_no_allocation);
    tcase_add_test(tc, push_out_of_memory_keeps_heap);
    suite_add_tcase(s, tc);
    tc = tcase_create("input");
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(heap_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
