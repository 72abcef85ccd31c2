/* areas: base concurrency */
/* test_ring_stress.c - P producers and C consumers on the MPMC ring, the SPSC ring and the
 * blocking queue, under a checker: every item is tagged (producer, sequence); none may be lost
 * or seen twice, and each consumer must see each producer's items in the order they were
 * pushed (for one consumer, that is FIFO per producer). Small capacities and indices started
 * just below the wrap of size_t make full, empty and the wrap happen constantly. Run under
 * ThreadSanitizer by `make tsan`. */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/bqueue.h"
#include "designkit/ring.h"

/* The sanitizers run these several times slower: fewer items keep the suite within its time. */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define TOTAL_ITEMS 20000
#else
#define TOTAL_ITEMS 100000
#endif
#define MAX_THREADS 8

/* ---- the checker ----------------------------------------------------------------------------
 * Items are encoded as producer * per_producer + sequence + 1 (never NULL). Each consumer keeps
 * the last sequence it saw from each producer; `seen` counts every item's arrivals. */

typedef struct checker {
    size_t producers, per_producer;
    atomic_uchar *seen;
    atomic_int order_faults; /* a consumer saw a producer's items out of order */
} checker;

typedef struct consumer_view {
    checker *ck;
    size_t last[MAX_THREADS]; /* per producer: last sequence + 1, 0 = none yet */
} consumer_view;

static void checker_init(checker *ck, size_t producers, size_t per_producer)
{
    ck->producers = producers;
    ck->per_producer = per_producer;
    ck->seen = calloc(producers * per_producer, sizeof *ck->seen);
    ck_assert_ptr_nonnull(ck->seen);
    atomic_init(&ck->order_faults, 0);
}

static void *encode(const checker *ck, size_t producer, size_t seq)
{
    return (void *)(uintptr_t)(producer * ck->per_producer + seq + 1);
}

/* Relaxed: the counts are only read after every thread is joined, which orders them. */
static void consumer_saw(consumer_view *v, void *item)
{
    size_t idx = (size_t)(uintptr_t)item - 1;
    size_t p = idx / v->ck->per_producer, seq = idx % v->ck->per_producer;
    if (p >= v->ck->producers) {
        atomic_fetch_add_explicit(&v->ck->order_faults, 1, memory_order_relaxed);
        return;
    }
    if (v->last[p] > seq)
        atomic_fetch_add_explicit(&v->ck->order_faults, 1, memory_order_relaxed);
    v->last[p] = seq + 1;
    atomic_fetch_add_explicit(&v->ck->seen[idx], 1, memory_order_relaxed);
}

/* Writes what is wrong into `msg` (empty when all is well); returns the number of faults. */
static size_t checker_verdict(checker *ck, char *msg, size_t cap)
{
    size_t lost = 0, dup = 0, first_bad = SIZE_MAX;
    for (size_t i = 0; i < ck->producers * ck->per_producer; i++) {
        unsigned n = atomic_load_explicit(&ck->seen[i], memory_order_relaxed);
        lost += n == 0;
        dup += n > 1;
        if (n != 1 && first_bad == SIZE_MAX)
            first_bad = i;
    }
    int order = atomic_load(&ck->order_faults);
    msg[0] = 0;
    if (lost || dup || order)
        snprintf(msg, cap,
                 "%zu lost, %zu duplicated, %d out of order (first bad item: producer %zu "
                 "seq %zu)",
                 lost, dup, order, first_bad == SIZE_MAX ? 0 : first_bad / ck->per_producer,
                 first_bad == SIZE_MAX ? 0 : first_bad % ck->per_producer);
    return lost + dup + (size_t)order;
}

/* The checker must catch what it claims to: a lost, a duplicated and a reordered item. */
START_TEST(checker_catches_faults)
{
    static const size_t feeds[3][4] = {{0, 1, 3, SIZE_MAX}, {0, 1, 1, 2}, {0, 2, 1, 3}};
    static const size_t lens[3] = {3, 4, 4};
    for (int f = 0; f < 3; f++) {
        checker ck;
        checker_init(&ck, 1, f == 0 ? 4 : 3 + (f == 2));
        consumer_view v = {&ck, {0}};
        for (size_t i = 0; i < lens[f]; i++)
            consumer_saw(&v, encode(&ck, 0, feeds[f][i]));
        char msg[256];
        ck_assert_msg(checker_verdict(&ck, msg, sizeof msg) > 0, "feed %d passed", f);
        free(ck.seen);
    }
    checker ck;
    checker_init(&ck, 2, 2);
    consumer_view v = {&ck, {0}};
    consumer_saw(&v, encode(&ck, 1, 0));
    consumer_saw(&v, encode(&ck, 0, 0));
    consumer_saw(&v, encode(&ck, 0, 1));
    consumer_saw(&v, encode(&ck, 1, 1));
    char msg[256];
    ck_assert_msg(checker_verdict(&ck, msg, sizeof msg) == 0, "%s", msg);
    free(ck.seen);
}
END_TEST

/* ---- the harness --------------------------------------------------------------------------- */

typedef struct run {
    dk_ring_t *ring;    /* or */
    dk_bqueue_t *queue; /* the structure under test */
    checker ck;
    size_t total;
    atomic_size_t consumed; /* rings: consumers stop when it reaches total */
} run;

typedef struct worker {
    run *run;
    size_t id;
    consumer_view view;
} worker;

static void *produce(void *arg)
{
    worker *w = arg;
    run *r = w->run;
    for (size_t s = 0; s < r->ck.per_producer; s++) {
        void *item = encode(&r->ck, w->id, s);
        if (r->ring != NULL) {
            while (!dk_ring_push(r->ring, item))
                sched_yield(); /* full: two cores are shared by everyone */
        } else {
            ck_assert_int_eq(dk_bqueue_push(r->queue, item, -1), DK_OK);
        }
    }
    return NULL;
}

static void *consume(void *arg)
{
    worker *w = arg;
    run *r = w->run;
    void *item;
    if (r->ring != NULL) {
        /* Relaxed: the counter only says when to stop; the items are ordered by the ring. */
        while (atomic_load_explicit(&r->consumed, memory_order_relaxed) < r->total) {
            if (dk_ring_pop(r->ring, &item)) {
                atomic_fetch_add_explicit(&r->consumed, 1, memory_order_relaxed);
                consumer_saw(&w->view, item);
            } else {
                sched_yield();
            }
        }
    } else {
        while (dk_bqueue_pop(r->queue, &item, -1) == DK_OK)
            consumer_saw(&w->view, item);
    }
    return NULL;
}

typedef struct config {
    const char *structure; /* "mpmc", "spsc" or "queue" */
    size_t producers, consumers, capacity;
    int near_wrap; /* rings: start the indices just below SIZE_MAX */
} config;

static const config configs[] = {
    {"mpmc", 1, 1, 64, 0}, {"mpmc", 2, 2, 8, 1},  {"mpmc", 4, 4, 4, 1},    {"mpmc", 3, 1, 16, 0},
    {"mpmc", 1, 3, 2, 1},  {"spsc", 1, 1, 8, 1},  {"spsc", 1, 1, 1024, 0}, {"spsc", 1, 1, 2, 1},
    {"queue", 1, 1, 4, 0}, {"queue", 4, 4, 8, 0}, {"queue", 3, 1, 1, 0},   {"queue", 1, 3, 3, 0},
};

START_TEST(producers_and_consumers)
{
    const config *c = &configs[_i];
    run r;
    memset(&r, 0, sizeof r);
    dk_error err;
    if (strcmp(c->structure, "queue") == 0) {
        r.queue = dk_bqueue_new(c->capacity, &err);
        ck_assert_ptr_nonnull(r.queue);
    } else {
        dk_ring_kind kind;
        ck_assert_int_eq(dk_ring_kind_parse(c->structure, &kind), DK_OK);
        r.ring = dk_ring_new(c->capacity, kind, &err);
        ck_assert_ptr_nonnull(r.ring);
        if (c->near_wrap)
            dk__ring_set_position(r.ring, SIZE_MAX - TOTAL_ITEMS / 2);
    }
    checker_init(&r.ck, c->producers, TOTAL_ITEMS / c->producers);
    r.total = r.ck.producers * r.ck.per_producer;
    atomic_init(&r.consumed, 0);

    worker prod[MAX_THREADS], cons[MAX_THREADS];
    pthread_t pth[MAX_THREADS], cth[MAX_THREADS];
    for (size_t i = 0; i < c->consumers; i++) {
        cons[i] = (worker){&r, i, {&r.ck, {0}}};
        ck_assert_int_eq(pthread_create(&cth[i], NULL, consume, &cons[i]), 0);
    }
    for (size_t i = 0; i < c->producers; i++) {
        prod[i] = (worker){&r, i, {&r.ck, {0}}};
        ck_assert_int_eq(pthread_create(&pth[i], NULL, produce, &prod[i]), 0);
    }
    for (size_t i = 0; i < c->producers; i++)
        pthread_join(pth[i], NULL);
    if (r.queue != NULL)
        dk_bqueue_close(r.queue); /* the consumers drain it, then stop */
    for (size_t i = 0; i < c->consumers; i++)
        pthread_join(cth[i], NULL);

    char msg[256];
    ck_assert_msg(checker_verdict(&r.ck, msg, sizeof msg) == 0, "%s %zux%zu cap %zu: %s",
                  c->structure, c->producers, c->consumers, c->capacity, msg);
    void *left;
    if (r.ring != NULL) {
        ck_assert_int_eq(dk_ring_pop(r.ring, &left), 0);
        ck_assert_uint_eq(dk_ring_len(r.ring), 0);
    } else {
        ck_assert_int_eq(dk_bqueue_pop(r.queue, &left, 0), DK_ESTATE);
    }
    free(r.ck.seen);
    dk_ring_free(r.ring);
    dk_bqueue_free(r.queue);
}
END_TEST

static Suite *stress_suite(void)
{
    Suite *s = suite_create("ring_stress");
    TCase *tc = tcase_create("checker");
    tcase_add_test(tc, checker_catches_faults);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, producers_and_consumers, 0, (int)(sizeof configs / sizeof configs[0]));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stress_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
