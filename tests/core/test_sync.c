/* areas: base concurrency */
/* test_sync.c - the mutex, the semaphore, the latch and the barrier: mutual exclusion counted
 * against a plain counter, the semaphore's bound never exceeded, barrier generations and the
 * one serial thread per generation, timeouts, and misuse reported (run under TSan by
 * `make tsan`). */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "designkit/sync.h"

#define MS 1000000LL
#define THREADS 4
#define ROUNDS 20000

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- mutex */

typedef struct counted {
    dk_mutex_t *m;
    long counter; /* a plain long: only mutual exclusion keeps the increments whole */
    atomic_int inside, overlaps;
} counted;

static void *increment_many(void *arg)
{
    counted *c = arg;
    for (int i = 0; i < ROUNDS; i++) {
        if (dk_mutex_lock(c->m, -1) != DK_OK)
            abort();
        if (atomic_fetch_add(&c->inside, 1) != 0)
            atomic_fetch_add(&c->overlaps, 1);
        c->counter++;
        atomic_fetch_sub(&c->inside, 1);
        dk_mutex_unlock(c->m);
    }
    return NULL;
}

START_TEST(mutex_keeps_increments_whole)
{
    counted c = {.m = dk_mutex_new("counter", NULL)};
    ck_assert_ptr_nonnull(c.m);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, increment_many, &c), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(c.counter, (long)THREADS * ROUNDS);
    ck_assert_int_eq(atomic_load(&c.overlaps), 0);
    ck_assert_str_eq(dk_mutex_name(c.m), "counter");
    dk_mutex_free(c.m);
}
END_TEST

static void *try_and_time_out(void *arg)
{
    dk_mutex_t *m = arg;
    static dk_status results[2];
    results[0] = dk_mutex_lock(m, 0);
    int64_t t0 = now_ns();
    results[1] = dk_mutex_lock(m, 30 * MS);
    if (now_ns() - t0 < 25 * MS)
        results[1] = DK_EINTERNAL; /* gave up too early */
    return results;
}

START_TEST(mutex_try_timeout_and_misuse)
{
    dk_mutex_t *m = dk_mutex_new(NULL, NULL);
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(strstr(dk_mutex_name(m), "mutex 0x"));
    ck_assert_int_eq(dk_mutex_unlock(m), DK_ESTATE); /* not held */
    ck_assert_int_eq(dk_mutex_lock(m, 0), DK_OK);
    ck_assert_int_eq(dk_mutex_lock(m, 0), DK_ESTATE);  /* a try by the holder */
    ck_assert_int_eq(dk_mutex_lock(m, -1), DK_ESTATE); /* would deadlock */
    pthread_t th;
    void *res;
    ck_assert_int_eq(pthread_create(&th, NULL, try_and_time_out, m), 0);
    pthread_join(th, &res);
    ck_assert_int_eq(((dk_status *)res)[0], DK_ELIMIT);
    ck_assert_int_eq(((dk_status *)res)[1], DK_ELIMIT);
    ck_assert_int_eq(dk_mutex_unlock(m), DK_OK);
    ck_assert_int_eq(dk_mutex_unlock(m), DK_ESTATE);
    dk_mutex_free(m);
    dk_mutex_free(NULL);
}
END_TEST

static void *unlock_other(void *arg)
{
    static dk_status st;
    st = dk_mutex_unlock(arg);
    return &st;
}

START_TEST(mutex_unlock_by_another_thread_is_refused)
{
    dk_mutex_t *m = dk_mutex_new("m", NULL);
    ck_assert_int_eq(dk_mutex_lock(m, -1), DK_OK);
    pthread_t th;
    void *res;
    pthread_create(&th, NULL, unlock_other, m);
    pthread_join(th, &res);
    ck_assert_int_eq(*(dk_status *)res, DK_ESTATE);
    ck_assert_int_eq(dk_mutex_unlock(m), DK_OK);
    dk_mutex_free(m);
}
END_TEST

/* ---- semaphore */

#define PERMITS 3
typedef struct bounded {
    dk_semaphore_t *s;
    atomic_int inside, most;
} bounded;

static void *use_permits(void *arg)
{
    bounded *b = arg;
    for (int i = 0; i < 2000; i++) {
        if (dk_semaphore_acquire(b->s, -1) != DK_OK)
            abort();
        int now = atomic_fetch_add(&b->inside, 1) + 1;
        int most = atomic_load(&b->most);
        while (now > most && !atomic_compare_exchange_weak(&b->most, &most, now))
            ;
        atomic_fetch_sub(&b->inside, 1);
        dk_semaphore_release(b->s, 1);
    }
    return NULL;
}

START_TEST(semaphore_bound_is_never_exceeded)
{
    bounded b = {.s = dk_semaphore_new(PERMITS, PERMITS, NULL)};
    ck_assert_ptr_nonnull(b.s);
    pthread_t th[THREADS * 2];
    for (int i = 0; i < THREADS * 2; i++)
        pthread_create(&th[i], NULL, use_permits, &b);
    for (int i = 0; i < THREADS * 2; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_le(atomic_load(&b.most), PERMITS);
    ck_assert_int_ge(atomic_load(&b.most), 1);
    ck_assert_int_eq(dk_semaphore_count(b.s), PERMITS);
    dk_semaphore_free(b.s);
}
END_TEST

START_TEST(semaphore_counts_times_out_and_refuses_bad_counts)
{
    dk_error err;
    ck_assert_ptr_null(dk_semaphore_new(-1, 0, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "initial"));
    ck_assert_ptr_null(dk_semaphore_new(3, 2, &err));
    ck_assert_ptr_null(dk_semaphore_new(0, -2, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "max"));

    dk_semaphore_t *s = dk_semaphore_new(1, 2, NULL);
    ck_assert_int_eq(dk_semaphore_acquire(s, 0), DK_OK);
    ck_assert_int_eq(dk_semaphore_acquire(s, 0), DK_ELIMIT);
    int64_t t0 = now_ns();
    ck_assert_int_eq(dk_semaphore_acquire(s, 20 * MS), DK_ELIMIT);
    ck_assert_int_ge(now_ns() - t0, 19 * MS);
    ck_assert_int_eq(dk_semaphore_release(s, 0), DK_EINVAL);
    ck_assert_int_eq(dk_semaphore_release(s, -1), DK_EINVAL);
    ck_assert_int_eq(dk_semaphore_release(s, 3), DK_ERANGE); /* past max 2 */
    ck_assert_int_eq(dk_semaphore_count(s), 0);
    ck_assert_int_eq(dk_semaphore_release(s, 2), DK_OK);
    ck_assert_int_eq(dk_semaphore_release(s, 1), DK_ERANGE);
    ck_assert_int_eq(dk_semaphore_count(s), 2);
    dk_semaphore_free(s);

    s = dk_semaphore_new(0, 0, NULL); /* unbounded */
    ck_assert_int_eq(dk_semaphore_release(s, 1000), DK_OK);
    ck_assert_int_eq(dk_semaphore_count(s), 1000);
    ck_assert_int_eq(dk_semaphore_release(s, INT64_MAX), DK_ERANGE);
    dk_semaphore_free(s);
}
END_TEST

/* ---- latch */

typedef struct opened {
    dk_latch_t *l;
    atomic_int done; /* workers finished before the latch opened */
} opened;

static void *work_then_count_down(void *arg)
{
    opened *o = arg;
    atomic_fetch_add(&o->done, 1);
    dk_latch_count_down(o->l, 1);
    return NULL;
}

START_TEST(latch_opens_after_every_count_down)
{
    opened o = {.l = dk_latch_new(THREADS, NULL)};
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, work_then_count_down, &o);
    ck_assert_int_eq(dk_latch_wait(o.l, -1), DK_OK);
    /* Everything before each count_down happened before the wait returned. */
    ck_assert_int_eq(atomic_load(&o.done), THREADS);
    ck_assert_int_eq(dk_latch_wait(o.l, 0), DK_OK); /* open for good */
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(dk_latch_count_down(o.l, 1), DK_ERANGE);
    dk_latch_free(o.l);

    dk_error err;
    ck_assert_ptr_null(dk_latch_new(-1, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "count"));
    dk_latch_t *l = dk_latch_new(2, NULL);
    ck_assert_int_eq(dk_latch_wait(l, 10 * MS), DK_ELIMIT);
    ck_assert_int_eq(dk_latch_count_down(l, 0), DK_EINVAL);
    ck_assert_int_eq(dk_latch_count_down(l, 3), DK_ERANGE);
    ck_assert_int_eq(dk_latch_count(l), 2);
    ck_assert_int_eq(dk_latch_count_down(l, 2), DK_OK);
    ck_assert_int_eq(dk_latch_wait(l, 0), DK_OK);
    dk_latch_free(l);
}
END_TEST

/* ---- barrier */

#define GENERATIONS 200
typedef struct meeting {
    dk_barrier_t *b;
    atomic_int serials[GENERATIONS];
    atomic_int phase_count[GENERATIONS]; /* arrivals per generation, checked after the wait */
    atomic_int bad;
} meeting;

static void *meet_many(void *arg)
{
    meeting *m = arg;
    for (int g = 0; g < GENERATIONS; g++) {
        atomic_fetch_add(&m->phase_count[g], 1);
        int serial = 0;
        if (dk_barrier_wait(m->b, -1, &serial) != DK_OK)
            abort();
        /* Nobody passes generation g before all have arrived at it. */
        if (atomic_load(&m->phase_count[g]) != THREADS)
            atomic_fetch_add(&m->bad, 1);
        if (serial)
            atomic_fetch_add(&m->serials[g], 1);
    }
    return NULL;
}

START_TEST(barrier_generations_have_one_serial_thread)
{
    meeting *m = calloc(1, sizeof *m);
    m->b = dk_barrier_new(THREADS, NULL);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, meet_many, m);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(atomic_load(&m->bad), 0);
    for (int g = 0; g < GENERATIONS; g++)
        ck_assert_int_eq(atomic_load(&m->serials[g]), 1);
    ck_assert_uint_eq(dk_barrier_generation(m->b), GENERATIONS);
    dk_barrier_free(m->b);
    free(m);
}
END_TEST

START_TEST(barrier_timeout_withdraws)
{
    dk_error err;
    ck_assert_ptr_null(dk_barrier_new(0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "parties"));
    dk_barrier_t *b = dk_barrier_new(2, NULL);
    int serial = 7;
    ck_assert_int_eq(dk_barrier_wait(b, 10 * MS, &serial), DK_ELIMIT);
    ck_assert_int_eq(serial, 0);
    ck_assert_uint_eq(dk_barrier_generation(b), 0);
    /* The withdrawn arrival is not counted: one more alone still does not pass. */
    ck_assert_int_eq(dk_barrier_wait(b, 0, &serial), DK_ELIMIT);
    dk_barrier_free(b);
    b = dk_barrier_new(1, NULL);
    ck_assert_int_eq(dk_barrier_wait(b, 0, &serial), DK_OK);
    ck_assert_int_eq(serial, 1);
    ck_assert_int_eq(dk_barrier_parties(b), 1);
    dk_barrier_free(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sync");
    TCase *tc = tcase_create("mutex");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, mutex_keeps_increments_whole);
    tcase_add_test(tc, mutex_try_timeout_and_misuse);
    tcase_add_test(tc, mutex_unlock_by_another_thread_is_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("semaphore");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, semaphore_bound_is_never_exceeded);
    tcase_add_test(tc, semaphore_counts_times_out_and_refuses_bad_counts);
    suite_add_tcase(s, tc);
    tc = tcase_create("latch and barrier");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, latch_opens_after_every_count_down);
    tcase_add_test(tc, barrier_generations_have_one_serial_thread);
    tcase_add_test(tc, barrier_timeout_withdraws);
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
