/* areas: base concurrency */
/* test_cmap.c - the striped map: concurrent writers (with readers retaining what they get)
 * end in the state a single-threaded reference computes from the same operations; every value
 * is released exactly once; iteration and bad input (run under TSan by `make tsan`). */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/cmap.h"

#define WRITERS 4
#define KEYS 400 /* per writer */
#define OPS 6000

/* A reference-counted value. */
typedef struct val {
    atomic_int refs;
    long n;
} val;

static atomic_long made, freed;

static val *val_new(long n)
{
    val *v = malloc(sizeof *v);
    atomic_init(&v->refs, 1);
    v->n = n;
    atomic_fetch_add(&made, 1);
    return v;
}

static void val_retain(void *p)
{
    atomic_fetch_add_explicit(&((val *)p)->refs, 1, memory_order_relaxed);
}

static void val_release(void *p)
{
    val *v = p;
    if (atomic_fetch_sub_explicit(&v->refs, 1, memory_order_acq_rel) == 1) {
        atomic_fetch_add(&freed, 1);
        free(v);
    }
}

static const dk_cmap_value_ops ops = {val_retain, val_release};

/* Writer w's operation i: deterministic, on its own keys, so the final state does not depend
 * on the interleaving and a single thread can compute it. */
static void op_of(int w, int i, int *key, int *del, long *n)
{
    unsigned x = (unsigned)(w * 7919 + i) * 2654435761u;
    *key = (int)(x % KEYS);
    *del = (x >> 20) % 5 == 0;
    *n = (long)w * 1000000 + i;
}

static void key_name(int w, int k, char *buf)
{
    sprintf(buf, "w%d:key%d", w, k);
}

typedef struct writer {
    dk_cmap_t *m;
    int w;
} writer;

static void *write_ops(void *arg)
{
    writer *wr = arg;
    char key[32];
    for (int i = 0; i < OPS; i++) {
        int k, del;
        long n;
        op_of(wr->w, i, &k, &del, &n);
        key_name(wr->w, k, key);
        if (del) {
            dk_cmap_delete(wr->m, key);
        } else {
            val *v = val_new(n);
            if (dk_cmap_put(wr->m, key, v) != DK_OK)
                abort();
        }
        /* Read another writer's key: retained, so its value stays alive after the get. */
        key_name((wr->w + 1) % WRITERS, k, key);
        void *got;
        if (dk_cmap_get(wr->m, key, &got) == DK_OK) {
            if (((val *)got)->n / 1000000 != (wr->w + 1) % WRITERS)
                abort();
            val_release(got);
        }
    }
    return NULL;
}

static int count_entries(const char *key, void *value, void *ud)
{
    (void)key;
    (void)value;
    (*(int *)ud)++;
    return 0;
}

START_TEST(concurrent_writers_match_a_single_threaded_reference)
{
    atomic_store(&made, 0);
    atomic_store(&freed, 0);
    dk_cmap_t *m = dk_cmap_new(8, &ops, NULL);
    ck_assert_ptr_nonnull(m);
    pthread_t th[WRITERS];
    writer wr[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        wr[w] = (writer){m, w};
        pthread_create(&th[w], NULL, write_ops, &wr[w]);
    }
    for (int w = 0; w < WRITERS; w++)
        pthread_join(th[w], NULL);

    /* The reference: the same operations, one writer at a time, into plain arrays. */
    static long ref[WRITERS][KEYS];
    size_t ref_len = 0;
    for (int w = 0; w < WRITERS; w++) {
        for (int k = 0; k < KEYS; k++)
            ref[w][k] = -1;
        for (int i = 0; i < OPS; i++) {
            int k, del;
            long n;
            op_of(w, i, &k, &del, &n);
            ref[w][k] = del ? -1 : n;
        }
        for (int k = 0; k < KEYS; k++) {
            char key[32];
            key_name(w, k, key);
            void *got;
            dk_status st = dk_cmap_get(m, key, &got);
            if (ref[w][k] < 0) {
                ck_assert_msg(st == DK_ENOTFOUND, "%s should be absent", key);
            } else {
                ref_len++;
                ck_assert_msg(st == DK_OK, "%s should be present", key);
                ck_assert_int_eq(((val *)got)->n, ref[w][k]);
                val_release(got);
            }
        }
    }
    ck_assert_uint_eq(dk_cmap_len(m), ref_len);
    int seen = 0;
    ck_assert_int_eq(dk_cmap_foreach(m, count_entries, &seen), 0);
    ck_assert_int_eq(seen, (int)ref_len);
    dk_cmap_free(m);
    ck_assert_int_eq(atomic_load(&freed), atomic_load(&made));
}
END_TEST

static int stop_at_second(const char *key, void *value, void *ud)
{
    (void)key;
    (void)value;
    return ++*(int *)ud == 2 ? 42 : 0;
}

START_TEST(single_thread_operations_and_bad_input)
{
    dk_error err;
    ck_assert_ptr_null(dk_cmap_new(0, NULL, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "stripes"));
    ck_assert_ptr_null(dk_cmap_new(DK_CMAP_MAX_STRIPES + 1, NULL, &err));

    dk_cmap_t *m = dk_cmap_new(1, NULL, NULL); /* one stripe: every key in one table */
    int a = 1, b = 2;
    void *got = NULL;
    ck_assert_int_eq(dk_cmap_get(m, "a", &got), DK_ENOTFOUND);
    ck_assert_int_eq(dk_cmap_delete(m, "a"), DK_ENOTFOUND);
    ck_assert_int_eq(dk_cmap_put(m, "a", &a), DK_OK);
    ck_assert_int_eq(dk_cmap_put(m, "a", &b), DK_OK); /* replaced */
    ck_assert_int_eq(dk_cmap_get(m, "a", &got), DK_OK);
    ck_assert_ptr_eq(got, &b);
    ck_assert_int_eq(dk_cmap_put(m, "", &a), DK_OK); /* the empty key is a key */
    char key[16];
    for (int i = 0; i < 100; i++) { /* past several growths */
        sprintf(key, "k%d", i);
        ck_assert_int_eq(dk_cmap_put(m, key, &a), DK_OK);
    }
    ck_assert_uint_eq(dk_cmap_len(m), 102);
    for (int i = 0; i < 100; i += 2) {
        sprintf(key, "k%d", i);
        ck_assert_int_eq(dk_cmap_delete(m, key), DK_OK);
    }
    ck_assert_uint_eq(dk_cmap_len(m), 52);
    ck_assert_int_eq(dk_cmap_get(m, "k51", &got), DK_OK);
    ck_assert_int_eq(dk_cmap_get(m, "k50", &got), DK_ENOTFOUND);
    int visited = 0;
    ck_assert_int_eq(dk_cmap_foreach(m, stop_at_second, &visited), 42);
    ck_assert_int_eq(visited, 2);
    ck_assert_int_eq(dk_cmap_stripes(m), 1);
    dk_cmap_free(m);
    dk_cmap_free(NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cmap");
    TCase *tc = tcase_create("cmap");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, concurrent_writers_match_a_single_threaded_reference);
    tcase_add_test(tc, single_thread_operations_and_bad_input);
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
