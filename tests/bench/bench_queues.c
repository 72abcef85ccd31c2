/* bench_queues.c - one producer and one consumer thread moving pointers through designkit's
 * MPMC and SPSC rings side by side with Concurrency Kit's ck_ring (when libck-dev is
 * installed), and through the blocking queue side by side with a plain mutex + condition
 * variable queue written here. Best of several interleaved rounds; prints items/s and the
 * ratio ours / theirs (goal for the rings: at least 0.7); never asserts a time. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "designkit/bqueue.h"
#include "designkit/ring.h"
#ifdef DK_HAVE_CK
#include <ck_ring.h>
#endif

#define CAPACITY 1024

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A failed try spins a little, then yields: two cores are often shared with other work, and
 * a pure spin would wait for the scheduler. Every contender waits the same way. */
static void backoff(unsigned *tries)
{
    if (++*tries % 64 == 0)
        sched_yield();
}

/* ---- the contenders: a try-push and a try-pop over some structure ---- */

typedef struct contender {
    const char *name;
    void *(*make)(void);
    void (*destroy)(void *s);
    int (*push)(void *s, void *item); /* 1 done, 0 try again */
    int (*pop)(void *s, void **item);
} contender;

static void *make_mpmc(void)
{
    return dk_ring_new(CAPACITY, DK_RING_MPMC, NULL);
}
static void *make_spsc(void)
{
    return dk_ring_new(CAPACITY, DK_RING_SPSC, NULL);
}
static void destroy_ring(void *s)
{
    dk_ring_free(s);
}
static int ring_push(void *s, void *item)
{
    return dk_ring_push(s, item);
}
static int ring_pop(void *s, void **item)
{
    return dk_ring_pop(s, item);
}

static void *make_bqueue(void)
{
    return dk_bqueue_new(CAPACITY, NULL);
}
static void destroy_bqueue(void *s)
{
    dk_bqueue_free(s);
}
static int bqueue_push(void *s, void *item)
{
    return dk_bqueue_push(s, item, -1) == DK_OK;
}
static int bqueue_pop(void *s, void **item)
{
    return dk_bqueue_pop(s, item, -1) == DK_OK;
}

/* The baseline: the textbook bounded buffer, one mutex and two condition variables, always
 * signalling. */
typedef struct plain_queue {
    pthread_mutex_t lock;
    pthread_cond_t not_full, not_empty;
    size_t head, len;
    void *slots[CAPACITY];
} plain_queue;

static void *make_plain(void)
{
    plain_queue *q = calloc(1, sizeof *q);
    if (q == NULL)
        return NULL;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->not_full, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    return q;
}
static void destroy_plain(void *s)
{
    plain_queue *q = s;
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    pthread_mutex_destroy(&q->lock);
    free(q);
}
static int plain_push(void *s, void *item)
{
    plain_queue *q = s;
    pthread_mutex_lock(&q->lock);
    while (q->len == CAPACITY)
        pthread_cond_wait(&q->not_full, &q->lock);
    q->slots[(q->head + q->len++) % CAPACITY] = item;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
    return 1;
}
static int plain_pop(void *s, void **item)
{
    plain_queue *q = s;
    pthread_mutex_lock(&q->lock);
    while (q->len == 0)
        pthread_cond_wait(&q->not_empty, &q->lock);
    *item = q->slots[q->head];
    q->head = (q->head + 1) % CAPACITY;
    q->len--;
    pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->lock);
    return 1;
}

#ifdef DK_HAVE_CK
/* ck_ring holds its buffer apart; a ring of CAPACITY slots holds CAPACITY - 1 items. */
typedef struct ck_pair {
    ck_ring_t ring;
    ck_ring_buffer_t buf[CAPACITY];
} ck_pair;

static void *make_ck(void)
{
    ck_pair *p = calloc(1, sizeof *p);
    if (p != NULL)
        ck_ring_init(&p->ring, CAPACITY);
    return p;
}
static void destroy_ck(void *s)
{
    free(s);
}
static int ck_mpmc_push(void *s, void *item)
{
    ck_pair *p = s;
    return ck_ring_enqueue_mpmc(&p->ring, p->buf, item);
}
static int ck_mpmc_pop(void *s, void **item)
{
    ck_pair *p = s;
    return ck_ring_dequeue_mpmc(&p->ring, p->buf, item);
}
static int ck_spsc_push(void *s, void *item)
{
    ck_pair *p = s;
    return ck_ring_enqueue_spsc(&p->ring, p->buf, item);
}
static int ck_spsc_pop(void *s, void **item)
{
    ck_pair *p = s;
    return ck_ring_dequeue_spsc(&p->ring, p->buf, item);
}
#endif

/* ---- one timed transfer of n items from one thread to another ---- */

typedef struct transfer {
    const contender *c;
    void *s;
    uint64_t n;
    uint64_t sum; /* the consumer's checksum, so nothing is optimised away or lost */
} transfer;

static void *producer(void *arg)
{
    transfer *t = arg;
    unsigned tries = 0;
    for (uint64_t i = 1; i <= t->n; i++)
        while (!t->c->push(t->s, (void *)(uintptr_t)i))
            backoff(&tries);
    return NULL;
}

/* Items per second, or 0 when the structure could not be made or an item went missing. */
static double run_once(const contender *c, uint64_t n)
{
    transfer t = {c, c->make(), n, 0};
    if (t.s == NULL)
        return 0;
    double t0 = seconds_now();
    pthread_t th;
    if (pthread_create(&th, NULL, producer, &t) != 0) {
        c->destroy(t.s);
        return 0;
    }
    unsigned tries = 0;
    for (uint64_t i = 0; i < n; i++) {
        void *item;
        while (!c->pop(t.s, &item))
            backoff(&tries);
        t.sum += (uintptr_t)item;
    }
    pthread_join(th, NULL);
    double dt = seconds_now() - t0;
    c->destroy(t.s);
    return t.sum == n * (n + 1) / 2 ? (double)n / dt : 0;
}

/* Set when a transfer lost or garbled an item (or could not start): the smoke test fails. */
static int broken;

/* Best of `rounds`, the two contenders taking turns so that both see the same machine. */
static void compare(const char *title, const contender *ours, const contender *theirs, uint64_t n,
                    int rounds, const char *goal)
{
    double best_ours = 0, best_theirs = 0;
    for (int r = 0; r < rounds; r++) {
        double a = run_once(ours, n);
        broken |= a == 0;
        best_ours = a > best_ours ? a : best_ours;
        if (theirs != NULL) {
            double b = run_once(theirs, n);
            broken |= b == 0;
            best_theirs = b > best_theirs ? b : best_theirs;
        }
    }
    printf("%-6s %-8s %12.0f items/s\n", title, ours->name, best_ours);
    if (theirs == NULL) {
        printf("%-6s %-8s not built (apt-get install libck-dev, or make bench)\n", title,
               "ck_ring");
        return;
    }
    printf("%-6s %-8s %12.0f items/s\n", title, theirs->name, best_theirs);
    printf("%-6s ours / %s: %.2f   (%s)\n", title, theirs->name,
           best_theirs > 0 ? best_ours / best_theirs : 0.0, goal);
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    if (n == 0 || rounds < 1) {
        fprintf(stderr, "usage: bench_queues [items] [rounds]\n");
        return 2;
    }
    static const contender mpmc = {"dk_ring", make_mpmc, destroy_ring, ring_push, ring_pop};
    static const contender spsc = {"dk_ring", make_spsc, destroy_ring, ring_push, ring_pop};
    static const contender bq = {"dk_queue", make_bqueue, destroy_bqueue, bqueue_push, bqueue_pop};
    static const contender plain = {"mutex+cv", make_plain, destroy_plain, plain_push, plain_pop};
    const contender *ck_mpmc = NULL, *ck_spsc = NULL;
#ifdef DK_HAVE_CK
    static const contender ckm = {"ck_ring", make_ck, destroy_ck, ck_mpmc_push, ck_mpmc_pop};
    static const contender cks = {"ck_ring", make_ck, destroy_ck, ck_spsc_push, ck_spsc_pop};
    ck_mpmc = &ckm;
    ck_spsc = &cks;
#endif
    printf("1 producer, 1 consumer thread, capacity %d, %llu items, best of %d\n", CAPACITY,
           (unsigned long long)n, rounds);
    compare("mpmc", &mpmc, ck_mpmc, n, rounds, "goal: at least 0.7");
    compare("spsc", &spsc, ck_spsc, n, rounds, "goal: at least 0.7");
    compare("queue", &bq, &plain, n / 4 ? n / 4 : 1, rounds,
            "the blocking queue against the textbook one");
    if (broken)
        fprintf(stderr, "bench_queues: a transfer lost an item or could not start\n");
    return broken ? 1 : 0;
}
