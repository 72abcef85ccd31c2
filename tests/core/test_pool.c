/* areas: base concurrency */
/* test_pool.c - the thread pool: futures carry results (checked against the same function run
 * here) and errors; a full queue times a submit out; shutdown drains or cancels as asked;
 * results are freed with their future (run under TSan by `make tsan`). */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "designkit/pool.h"
#include "designkit/sync.h"

#define MS 1000000LL
#define TASKS 300

static long collatz_steps(long n)
{
    long steps = 0;
    while (n != 1) {
        n = n % 2 ? 3 * n + 1 : n / 2;
        steps++;
    }
    return steps;
}

static atomic_int results_freed;
static void free_result(void *r)
{
    atomic_fetch_add(&results_freed, 1);
    free(r);
}

/* Odd inputs over 250 fail, so errors and results interleave. */
static dk_status steps_task(void *arg, void **result, dk_error *err)
{
    long n = (long)(intptr_t)arg;
    if (n > 250 && n % 2)
        return dk_error_set(err, DK_ERANGE, "input %ld refused", n);
    long *r = malloc(sizeof *r);
    *r = collatz_steps(n);
    *result = r;
    return DK_OK;
}

START_TEST(futures_carry_results_and_errors)
{
    atomic_store(&results_freed, 0);
    dk_pool_t *p = dk_pool_new(3, 16, NULL);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(dk_pool_workers(p), 3);
    dk_future_t *f[TASKS];
    for (long i = 0; i < TASKS; i++) {
        dk_task t = {steps_task, (void *)(intptr_t)(i + 1), NULL, free_result};
        ck_assert_int_eq(dk_pool_submit(p, &t, -1, &f[i], NULL), DK_OK);
    }
    int oks = 0;
    for (long i = 0; i < TASKS; i++) {
        long n = i + 1;
        void *r;
        dk_error err;
        dk_status st = dk_future_get(f[i], -1, &r, &err);
        ck_assert(dk_future_done(f[i]));
        if (n > 250 && n % 2) {
            ck_assert_int_eq(st, DK_ERANGE);
            ck_assert_ptr_null(r);
            char want[64];
            sprintf(want, "input %ld refused", n);
            ck_assert_str_eq(err.message, want);
        } else {
            ck_assert_int_eq(st, DK_OK);
            ck_assert_int_eq(*(long *)r, collatz_steps(n));
            oks++;
        }
        dk_future_release(f[i]);
    }
    ck_assert_int_eq(atomic_load(&results_freed), oks);
    dk_pool_free(p);
}
END_TEST

/* A task that blocks until the test lets it go. */
static dk_status gate_task(void *arg, void **result, dk_error *err)
{
    (void)result;
    (void)err;
    return dk_semaphore_acquire(arg, -1);
}

static atomic_int args_dropped;
static void drop_arg(void *arg)
{
    (void)arg;
    atomic_fetch_add(&args_dropped, 1);
}

static dk_status nothing(void *arg, void **result, dk_error *err)
{
    (void)arg;
    (void)result;
    (void)err;
    return DK_OK;
}

static void wait_until_running(dk_pool_t *p)
{
    while (dk_pool_pending(p) != 0)
        sched_yield();
}

START_TEST(full_queue_times_out_and_submit_after_shutdown_is_refused)
{
    dk_semaphore_t *gate = dk_semaphore_new(0, 0, NULL);
    dk_pool_t *p = dk_pool_new(1, 1, NULL);
    dk_task block = {gate_task, gate, NULL, NULL}, quick = {nothing, NULL, NULL, NULL};
    dk_future_t *f1, *f2, *f3;
    ck_assert_int_eq(dk_pool_submit(p, &block, -1, &f1, NULL), DK_OK);
    wait_until_running(p);
    ck_assert_int_eq(dk_pool_submit(p, &quick, 0, &f2, NULL), DK_OK); /* fills the queue */
    dk_error err;
    ck_assert_int_eq(dk_pool_submit(p, &quick, 0, &f3, &err), DK_ELIMIT);
    ck_assert_ptr_null(f3);
    ck_assert_int_eq(dk_pool_submit(p, &quick, 20 * MS, &f3, &err), DK_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "full"));
    ck_assert_int_eq(dk_future_wait(f1, 10 * MS), DK_ELIMIT);
    ck_assert_int_eq(dk_future_get(f1, 0, NULL, &err), DK_ELIMIT);
    ck_assert(!dk_future_done(f1));
    dk_semaphore_release(gate, 1);
    ck_assert_int_eq(dk_pool_shutdown(p, DK_POOL_DRAIN), DK_OK);
    ck_assert_int_eq(dk_pool_shutdown(p, DK_POOL_DRAIN), DK_OK); /* idempotent */
    ck_assert_int_eq(dk_future_get(f1, 0, NULL, NULL), DK_OK);
    ck_assert_int_eq(dk_future_get(f2, 0, NULL, NULL), DK_OK); /* drained: it ran */
    ck_assert_int_eq(dk_pool_submit(p, &quick, -1, &f3, &err), DK_ESTATE);
    ck_assert_ptr_nonnull(strstr(err.message, "shut down"));
    dk_future_release(f1);
    dk_future_release(f2);
    dk_pool_free(p);
    dk_semaphore_free(gate);
}
END_TEST

static void *shutdown_cancel(void *arg)
{
    dk_pool_shutdown(arg, DK_POOL_CANCEL);
    return NULL;
}

START_TEST(cancel_fails_pending_futures_and_drops_their_args)
{
    atomic_store(&args_dropped, 0);
    dk_semaphore_t *gate = dk_semaphore_new(0, 0, NULL);
    dk_pool_t *p = dk_pool_new(1, 8, NULL);
    dk_task block = {gate_task, gate, drop_arg, NULL}, quick = {nothing, NULL, drop_arg, NULL};
    dk_future_t *running, *queued[3];
    ck_assert_int_eq(dk_pool_submit(p, &block, -1, &running, NULL), DK_OK);
    wait_until_running(p);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(dk_pool_submit(p, &quick, -1, &queued[i], NULL), DK_OK);
    pthread_t th;
    pthread_create(&th, NULL, shutdown_cancel, p);
    for (int i = 0; i < 3; i++) {
        dk_error err;
        ck_assert_int_eq(dk_future_get(queued[i], -1, NULL, &err), DK_EINTR);
        ck_assert_ptr_nonnull(strstr(err.message, "cancelled"));
        dk_future_release(queued[i]);
    }
    ck_assert_int_eq(atomic_load(&args_dropped), 3);
    ck_assert(!dk_future_done(running)); /* a running task is never interrupted */
    dk_semaphore_release(gate, 1);
    pthread_join(th, NULL);
    ck_assert_int_eq(dk_future_get(running, 0, NULL, NULL), DK_OK);
    ck_assert_int_eq(atomic_load(&args_dropped), 3);
    dk_future_release(running);
    dk_pool_free(p);
    dk_semaphore_free(gate);
}
END_TEST

static dk_pool_t *self_pool;
static dk_status shut_myself(void *arg, void **result, dk_error *err)
{
    (void)arg;
    (void)result;
    return dk_pool_shutdown(self_pool, DK_POOL_DRAIN) == DK_ESTATE
               ? DK_OK
               : dk_error_set(err, DK_EINTERNAL, "a worker was allowed to join itself");
}

START_TEST(bad_arguments_and_self_shutdown_are_refused)
{
    dk_error err;
    ck_assert_ptr_null(dk_pool_new(0, 4, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "workers"));
    ck_assert_ptr_null(dk_pool_new(2, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "queue_capacity"));
    self_pool = dk_pool_new(1, 1, NULL);
    dk_task bad = {NULL, NULL, NULL, NULL}, self = {shut_myself, NULL, NULL, NULL};
    dk_future_t *f;
    ck_assert_int_eq(dk_pool_submit(self_pool, &bad, -1, &f, &err), DK_EINVAL);
    ck_assert_int_eq(dk_pool_submit(self_pool, &self, -1, &f, NULL), DK_OK);
    ck_assert_int_eq(dk_future_get(f, -1, NULL, &err), DK_OK);
    dk_future_release(f);
    dk_pool_free(self_pool);
    dk_pool_free(NULL);
    dk_future_release(NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pool");
    TCase *tc = tcase_create("pool");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, futures_carry_results_and_errors);
    tcase_add_test(tc, full_queue_times_out_and_submit_after_shutdown_is_refused);
    tcase_add_test(tc, cancel_fails_pending_futures_and_drops_their_args);
    tcase_add_test(tc, bad_arguments_and_self_shutdown_are_refused);
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
