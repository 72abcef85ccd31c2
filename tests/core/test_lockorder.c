/* areas: base concurrency */
/* test_lockorder.c - lock-order checking: two threads taking A then B and B then A at
 * different times (so nothing deadlocks) give one finding naming both locks and both threads'
 * stacks; consistent orders, tries and a disabled checker give none; longer cycles, rwlocks,
 * the callback, and forgotten locks (run under TSan by `make tsan`). */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/lockorder.h"
#include "designkit/sync.h"

/* The inversions here are deliberate and never run at the same time: ThreadSanitizer's own
 * lock-order detector is told so, and still checks everything else (`make tsan`). */
const char *__tsan_default_suppressions(void);
const char *__tsan_default_suppressions(void)
{
    return "deadlock:take_in_order\ndeadlock:mixed\n";
}

typedef struct pair {
    dk_mutex_t *first, *second;
    const char *thread_name;
} pair;

static void *take_in_order(void *arg)
{
    pair *p = arg;
    if (p->thread_name)
        dk_lockorder_name_thread(p->thread_name);
    dk_mutex_lock(p->first, -1);
    dk_mutex_lock(p->second, -1);
    dk_mutex_unlock(p->second);
    dk_mutex_unlock(p->first);
    return NULL;
}

/* Runs the threads one after another: the orders conflict, the run cannot deadlock. */
static void run_one_by_one(pair *pairs, int n)
{
    for (int i = 0; i < n; i++) {
        pthread_t th;
        pthread_create(&th, NULL, take_in_order, &pairs[i]);
        pthread_join(th, NULL);
    }
}

static int callbacks;
static char callback_text[1024];
static void on_finding(const dk_lockorder_finding *f, void *ud)
{
    callbacks += *(int *)ud;
    strncpy(callback_text, f->text, sizeof callback_text - 1);
}

START_TEST(opposite_orders_give_one_finding_with_both_stacks)
{
    int one = 1;
    dk_lockorder_set_callback(on_finding, &one);
    dk_lockorder_enable(1);
    ck_assert(dk_lockorder_enabled());
    dk_mutex_t *a = dk_mutex_new("A", NULL), *b = dk_mutex_new("B", NULL);
    pair pairs[] = {{a, b, "worker-1"}, {b, a, "worker-2"}, {a, b, NULL}, {b, a, NULL}};
    run_one_by_one(pairs, 4); /* the second pair of runs repeats the same cycle */
    ck_assert_uint_eq(dk_lockorder_count(), 1);
    ck_assert_int_eq(callbacks, 1);
    dk_lockorder_finding f;
    ck_assert_int_eq(dk_lockorder_get(0, &f), DK_OK);
    ck_assert_uint_eq(f.nlocks, 2);
    /* The cycle starts at the lock held when it closed: worker-2 held B and took A. */
    ck_assert_str_eq(f.locks[0], "B");
    ck_assert_str_eq(f.locks[1], "A");
    ck_assert_str_eq(f.text, "potential deadlock: lock-order cycle B -> A -> B\n"
                             "  worker-2 took A while holding [B]\n"
                             "  worker-1 took B while holding [A]\n");
    ck_assert_str_eq(callback_text, f.text);
    dk_lockorder_finding_clear(&f);
    ck_assert_int_eq(dk_lockorder_get(1, &f), DK_ERANGE);
    dk_mutex_free(a);
    dk_mutex_free(b);
    dk_lockorder_reset();
    ck_assert_uint_eq(dk_lockorder_count(), 0);
}
END_TEST

START_TEST(consistent_orders_tries_and_off_give_nothing)
{
    dk_mutex_t *a = dk_mutex_new("A", NULL), *b = dk_mutex_new("B", NULL);
    pair pairs[] = {{a, b, NULL}, {b, a, NULL}};
    run_one_by_one(pairs, 2); /* off: nothing recorded */
    ck_assert_uint_eq(dk_lockorder_count(), 0);

    dk_lockorder_enable(1);
    pair same[] = {{a, b, NULL}, {a, b, NULL}};
    run_one_by_one(same, 2);
    ck_assert_uint_eq(dk_lockorder_count(), 0);
    /* B then a try of A: a try cannot wait, so it cannot deadlock, and adds no edge. */
    ck_assert_int_eq(dk_mutex_lock(b, -1), DK_OK);
    ck_assert_int_eq(dk_mutex_lock(a, 0), DK_OK);
    dk_mutex_unlock(a);
    dk_mutex_unlock(b);
    ck_assert_uint_eq(dk_lockorder_count(), 0);
    dk_lockorder_enable(0);
    ck_assert(!dk_lockorder_enabled());
    dk_mutex_free(a);
    dk_mutex_free(b);
}
END_TEST

typedef struct chain {
    dk_mutex_t *m1;
    dk_rwlock_t *l;
    int lock_first; /* 1: m1 then l (write); 0: l (read) then m1 */
} chain;

static void *mixed(void *arg)
{
    chain *c = arg;
    if (c->lock_first) {
        dk_mutex_lock(c->m1, -1);
        dk_rwlock_write_lock(c->l, -1);
        dk_rwlock_write_unlock(c->l);
        dk_mutex_unlock(c->m1);
    } else {
        dk_rwlock_read_lock(c->l, -1);
        dk_mutex_lock(c->m1, -1);
        dk_mutex_unlock(c->m1);
        dk_rwlock_read_unlock(c->l);
    }
    return NULL;
}

START_TEST(three_lock_cycles_and_rwlocks_are_found)
{
    dk_lockorder_enable(1);
    dk_mutex_t *a = dk_mutex_new("A", NULL), *b = dk_mutex_new("B", NULL),
               *c = dk_mutex_new("C", NULL);
    pair pairs[] = {{a, b, "t1"}, {b, c, "t2"}, {c, a, "t3"}};
    run_one_by_one(pairs, 3);
    ck_assert_uint_eq(dk_lockorder_count(), 1);
    dk_lockorder_finding f;
    ck_assert_int_eq(dk_lockorder_get(0, &f), DK_OK);
    ck_assert_uint_eq(f.nlocks, 3);
    ck_assert_str_eq(f.text, "potential deadlock: lock-order cycle C -> A -> B -> C\n"
                             "  t3 took A while holding [C]\n"
                             "  t1 took B while holding [A]\n"
                             "  t2 took C while holding [B]\n");
    dk_lockorder_finding_clear(&f);

    dk_rwlock_t *l = dk_rwlock_new("table", 1, NULL);
    chain c1 = {a, l, 1}, c2 = {a, l, 0};
    pthread_t th;
    pthread_create(&th, NULL, mixed, &c1);
    pthread_join(th, NULL);
    pthread_create(&th, NULL, mixed, &c2);
    pthread_join(th, NULL);
    ck_assert_uint_eq(dk_lockorder_count(), 2);
    ck_assert_int_eq(dk_lockorder_get(1, &f), DK_OK);
    ck_assert_ptr_nonnull(strstr(f.text, "table -> A -> table"));
    dk_lockorder_finding_clear(&f);
    dk_rwlock_free(l);
    dk_mutex_free(a);
    dk_mutex_free(b);
    dk_mutex_free(c);
}
END_TEST

START_TEST(a_freed_lock_is_forgotten)
{
    dk_lockorder_enable(1);
    dk_mutex_t *a = dk_mutex_new("A", NULL), *b = dk_mutex_new("B", NULL);
    pair first[] = {{a, b, NULL}};
    run_one_by_one(first, 1);
    dk_mutex_free(b); /* its edge goes with it */
    dk_mutex_t *b2 = dk_mutex_new("B2", NULL);
    pair second[] = {{b2, a, NULL}};
    run_one_by_one(second, 1);
    ck_assert_uint_eq(dk_lockorder_count(), 0);
    dk_mutex_free(a);
    dk_mutex_free(b2);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lockorder");
    TCase *tc = tcase_create("lockorder");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, opposite_orders_give_one_finding_with_both_stacks);
    tcase_add_test(tc, consistent_orders_tries_and_off_give_nothing);
    tcase_add_test(tc, three_lock_cycles_and_rwlocks_are_found);
    tcase_add_test(tc, a_freed_lock_is_forgotten);
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
