/* areas: base concurrency */
/* test_rwlock.c - the reader-writer lock: writers exclusive and readers shared, counted; the
 * writer preference shown both ways (with it a waiting writer holds new readers back; without
 * it overlapping readers starve a writer); misuse reported (run under TSan by `make tsan`). */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/sync.h"

#define MS 1000000LL
#define THREADS 4
#define ROUNDS 5000

typedef struct shared_state {
    dk_rwlock_t *l;
    long value; /* written under the write lock only */
    atomic_int readers, writers, violations;
} shared_state;

static void *read_and_write(void *arg)
{
    shared_state *s = arg;
    for (int i = 0; i < ROUNDS; i++) {
        if (i % 4 == 0) {
            if (dk_rwlock_write_lock(s->l, -1) != DK_OK)
                abort();
            if (atomic_fetch_add(&s->writers, 1) != 0 || atomic_load(&s->readers) != 0)
                atomic_fetch_add(&s->violations, 1);
            s->value++;
            atomic_fetch_sub(&s->writers, 1);
            dk_rwlock_write_unlock(s->l);
        } else {
            if (dk_rwlock_read_lock(s->l, -1) != DK_OK)
                abort();
            atomic_fetch_add(&s->readers, 1);
            if (atomic_load(&s->writers) != 0)
                atomic_fetch_add(&s->violations, 1);
            (void)s->value;
            atomic_fetch_sub(&s->readers, 1);
            dk_rwlock_read_unlock(s->l);
        }
    }
    return NULL;
}

static void run_exclusion(int preference)
{
    shared_state s = {.l = dk_rwlock_new("data", preference, NULL)};
    ck_assert_ptr_nonnull(s.l);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, read_and_write, &s);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(atomic_load(&s.violations), 0);
    ck_assert_int_eq(s.value, (long)THREADS * (ROUNDS / 4));
    dk_rwlock_free(s.l);
}

START_TEST(writers_are_exclusive_readers_shared)
{
    run_exclusion(0);
    run_exclusion(1);
}
END_TEST

typedef struct writer_arg {
    dk_rwlock_t *l;
    int64_t timeout;
    dk_status result;
} writer_arg;

static void *write_once(void *arg)
{
    writer_arg *w = arg;
    w->result = dk_rwlock_write_lock(w->l, w->timeout);
    if (w->result == DK_OK)
        dk_rwlock_write_unlock(w->l);
    return NULL;
}

static void wait_for_waiting_writer(dk_rwlock_t *l)
{
    int waiting = 0;
    while (waiting == 0) {
        dk_rwlock_state(l, NULL, &waiting, NULL);
        sched_yield();
    }
}

typedef struct reader_arg {
    dk_rwlock_t *l;
    dk_status result;
    int unlock;
} reader_arg;

static void *try_read(void *arg)
{
    reader_arg *r = arg;
    r->result = dk_rwlock_read_lock(r->l, 0);
    if (r->result == DK_OK && r->unlock)
        dk_rwlock_read_unlock(r->l);
    return NULL;
}

START_TEST(writer_preference_holds_new_readers_back)
{
    dk_rwlock_t *l = dk_rwlock_new("pref", 1, NULL);
    ck_assert_int_eq(dk_rwlock_read_lock(l, -1), DK_OK);
    writer_arg w = {l, -1, DK_EINTERNAL};
    pthread_t wt, rt;
    pthread_create(&wt, NULL, write_once, &w);
    wait_for_waiting_writer(l);
    /* A new reader (on another thread) is refused while the writer waits... */
    reader_arg r = {l, DK_EINTERNAL, 1};
    pthread_create(&rt, NULL, try_read, &r);
    pthread_join(rt, NULL);
    ck_assert_int_eq(r.result, DK_ELIMIT);
    /* ...and the writer gets in as soon as the reader already inside leaves. */
    ck_assert_int_eq(dk_rwlock_read_unlock(l), DK_OK);
    pthread_join(wt, NULL);
    ck_assert_int_eq(w.result, DK_OK);
    dk_rwlock_free(l);
}
END_TEST

START_TEST(without_preference_readers_starve_a_writer)
{
    dk_rwlock_t *l = dk_rwlock_new("nopref", 0, NULL);
    ck_assert_int_eq(dk_rwlock_read_lock(l, -1), DK_OK);
    writer_arg w = {l, 150 * MS, DK_EINTERNAL};
    pthread_t wt, rt;
    pthread_create(&wt, NULL, write_once, &w);
    wait_for_waiting_writer(l);
    /* A new reader walks in past the waiting writer and stays (a relay of readers)... */
    reader_arg r = {l, DK_EINTERNAL, 0};
    pthread_create(&rt, NULL, try_read, &r);
    pthread_join(rt, NULL);
    ck_assert_int_eq(r.result, DK_OK);
    /* ...so the first reader leaving does not let the writer in: it times out. */
    ck_assert_int_eq(dk_rwlock_read_unlock(l), DK_OK);
    pthread_join(wt, NULL);
    ck_assert_int_eq(w.result, DK_ELIMIT);
    int readers, waiting, writing;
    dk_rwlock_state(l, &readers, &waiting, &writing);
    ck_assert_int_eq(readers, 1);
    ck_assert_int_eq(waiting, 0);
    ck_assert_int_eq(writing, 0);
    ck_assert_int_eq(dk_rwlock_read_unlock(l), DK_OK); /* the relay's reader, released here */
    dk_rwlock_free(l);
}
END_TEST

static void *write_unlock_other(void *arg)
{
    static dk_status st;
    st = dk_rwlock_write_unlock(arg);
    return &st;
}

START_TEST(misuse_is_reported)
{
    dk_rwlock_t *l = dk_rwlock_new(NULL, 1, NULL);
    ck_assert_ptr_nonnull(strstr(dk_rwlock_name(l), "rwlock 0x"));
    ck_assert_int_eq(dk_rwlock_read_unlock(l), DK_ESTATE);
    ck_assert_int_eq(dk_rwlock_write_unlock(l), DK_ESTATE);
    ck_assert_int_eq(dk_rwlock_write_lock(l, 0), DK_OK);
    ck_assert_int_eq(dk_rwlock_write_lock(l, -1), DK_ESTATE); /* would deadlock */
    ck_assert_int_eq(dk_rwlock_read_lock(l, -1), DK_ESTATE);
    pthread_t th;
    void *res;
    pthread_create(&th, NULL, write_unlock_other, l);
    pthread_join(th, &res);
    ck_assert_int_eq(*(dk_status *)res, DK_ESTATE);
    ck_assert_int_eq(dk_rwlock_write_unlock(l), DK_OK);
    ck_assert_int_eq(dk_rwlock_read_lock(l, 0), DK_OK);
    ck_assert_int_eq(dk_rwlock_write_lock(l, 10 * MS), DK_ELIMIT);
    ck_assert_int_eq(dk_rwlock_read_unlock(l), DK_OK);
    dk_rwlock_free(l);
    dk_rwlock_free(NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rwlock");
    TCase *tc = tcase_create("exclusion");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, writers_are_exclusive_readers_shared);
    suite_add_tcase(s, tc);
    tc = tcase_create("preference");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, writer_preference_holds_new_readers_back);
    tcase_add_test(tc, without_preference_readers_starve_a_writer);
    tcase_add_test(tc, misuse_is_reported);
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
