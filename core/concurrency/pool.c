/* pool.c - a thread pool: workers take tasks from a bounded ring under one mutex, and each
 * task's future is completed under its own mutex. */
#include "designkit/pool.h"

#include <string.h>

#include "designkit/alloc.h"
#include "sync_internal.h"

enum { PENDING, DONE, CANCELLED };

struct dk_future {
    /* References: the submitter's and, until the task ends, the pool's. acq_rel on release so
     * the last releaser sees every write the others made before dropping theirs. */
    atomic_int refs;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int state;
    dk_status status;
    void *result;
    void (*drop_result)(void *result);
    char *message; /* the task's error message, when it failed */
};

typedef struct slot {
    dk_task task;
    dk_future_t *future;
} slot;

struct dk_pool {
    pthread_mutex_t mu;
    pthread_cond_t not_empty; /* workers wait here for a task or the shutdown */
    pthread_cond_t not_full;  /* submitters wait here for room */
    slot *ring;
    size_t cap, head, count;
    int shutting_down; /* no new task; workers leave once the queue is empty */
    int joined;        /* the workers are gone (shutdown finished) */
    int joining;       /* a shutdown is joining them now */
    pthread_cond_t joined_cv;
    int nworkers;
    pthread_t *workers;
};

static void future_finish(dk_future_t *f, int state, dk_status st, void *result,
                          const dk_error *err)
{
    char *msg = NULL;
    if (state == DONE && st != DK_OK)
        msg = dk_strdup(err && err->message[0] ? err->message : dk_strerror(st));
    pthread_mutex_lock(&f->mu);
    f->state = state;
    f->status = st;
    f->result = result;
    f->message = msg;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

static void *worker_main(void *arg)
{
    dk_pool_t *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->count == 0 && !p->shutting_down)
            pthread_cond_wait(&p->not_empty, &p->mu);
        if (p->count == 0) { /* shutting down and drained */
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        slot s = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        pthread_cond_signal(&p->not_full);
        pthread_mutex_unlock(&p->mu);

        dk_error err;
        dk_error_clear(&err);
        void *result = NULL;
        dk_status st = s.task.run(s.task.arg, &result, &err);
        if (st != DK_OK && result != NULL && s.task.drop_result) {
            s.task.drop_result(result); /* a failed task has no result */
            result = NULL;
        }
        future_finish(s.future, DONE, st, result, &err);
        dk_future_release(s.future);
    }
}

static dk_status start(dk_pool_t *p, dk_error *err)
{
    int rc = pthread_mutex_init(&p->mu, NULL);
    if (rc != 0)
        return dk_error_set(err, DK_EINTERNAL, "pool: pthread_mutex_init failed (errno %d)", rc);
    if ((rc = dk__cond_init(&p->not_empty)) == 0) {
        if ((rc = dk__cond_init(&p->not_full)) == 0) {
            if ((rc = pthread_cond_init(&p->joined_cv, NULL)) == 0)
                return DK_OK;
            pthread_cond_destroy(&p->not_full);
        }
        pthread_cond_destroy(&p->not_empty);
    }
    pthread_mutex_destroy(&p->mu);
    return dk_error_set(err, DK_EINTERNAL, "pool: pthread_cond_init failed (errno %d)", rc);
}

static void stop_started(dk_pool_t *p, int started)
{
    pthread_mutex_lock(&p->mu);
    p->shutting_down = 1;
    pthread_cond_broadcast(&p->not_empty);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < started; i++)
        pthread_join(p->workers[i], NULL);
}

static void destroy(dk_pool_t *p)
{
    pthread_cond_destroy(&p->joined_cv);
    pthread_cond_destroy(&p->not_full);
    pthread_cond_destroy(&p->not_empty);
    pthread_mutex_destroy(&p->mu);
    dk_free(p->workers);
    dk_free(p->ring);
    dk_free(p);
}

dk_pool_t *dk_pool_new(int workers, size_t queue_capacity, dk_error *err)
{
    if (workers < 1 || workers > DK_POOL_MAX_WORKERS) {
        dk_error_set(err, DK_EINVAL, "pool: workers must be between 1 and %d, got %d",
                     DK_POOL_MAX_WORKERS, workers);
        return NULL;
    }
    if (queue_capacity < 1 || queue_capacity > DK_POOL_MAX_QUEUE) {
        dk_error_set(err, DK_EINVAL, "pool: queue_capacity must be between 1 and %zu, got %zu",
                     DK_POOL_MAX_QUEUE, queue_capacity);
        return NULL;
    }
    dk_pool_t *p = dk_calloc(1, sizeof *p);
    if (p != NULL) {
        p->ring = dk_calloc(queue_capacity, sizeof *p->ring);
        p->workers = dk_calloc((size_t)workers, sizeof *p->workers);
    }
    if (p == NULL || p->ring == NULL || p->workers == NULL) {
        if (p != NULL) {
            dk_free(p->ring);
            dk_free(p->workers);
        }
        dk_free(p);
        dk_error_set(err, DK_ENOMEM, "pool: out of memory");
        return NULL;
    }
    p->cap = queue_capacity;
    if (start(p, err) != DK_OK) {
        dk_free(p->ring);
        dk_free(p->workers);
        dk_free(p);
        return NULL;
    }
    for (int i = 0; i < workers; i++) {
        int rc = pthread_create(&p->workers[i], NULL, worker_main, p);
        if (rc != 0) {
            stop_started(p, i);
            destroy(p);
            dk_error_set(err, DK_EINTERNAL, "pool: cannot start worker %d (errno %d)", i + 1, rc);
            return NULL;
        }
    }
    p->nworkers = workers;
    return p;
}

static dk_future_t *future_new(const dk_task *task)
{
    dk_future_t *f = dk_calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    if (pthread_mutex_init(&f->mu, NULL) != 0) {
        dk_free(f);
        return NULL;
    }
    if (dk__cond_init(&f->cv) != 0) {
        pthread_mutex_destroy(&f->mu);
        dk_free(f);
        return NULL;
    }
    atomic_init(&f->refs, 2); /* the submitter's and the pool's */
    f->state = PENDING;
    f->drop_result = task->drop_result;
    return f;
}

static void future_destroy(dk_future_t *f)
{
    if (f->result != NULL && f->drop_result != NULL)
        f->drop_result(f->result);
    dk_free(f->message);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    dk_free(f);
}

dk_status dk_pool_submit(dk_pool_t *p, const dk_task *task, int64_t timeout_ns,
                         dk_future_t **future, dk_error *err)
{
    *future = NULL;
    if (task == NULL || task->run == NULL)
        return dk_error_set(err, DK_EINVAL, "pool: submit: the task has no run function");
    dk_future_t *f = future_new(task);
    if (f == NULL)
        return dk_error_set(err, DK_ENOMEM, "pool: submit: out of memory");
    dk_status st;
    pthread_mutex_lock(&p->mu);
    DK__WAIT_WHILE(p->count == p->cap && !p->shutting_down, &p->not_full, &p->mu, timeout_ns, st);
    if (st == DK_OK && p->shutting_down)
        st = DK_ESTATE;
    if (st == DK_OK) {
        p->ring[(p->head + p->count) % p->cap] = (slot){*task, f};
        p->count++;
        pthread_cond_signal(&p->not_empty);
    }
    pthread_mutex_unlock(&p->mu);
    if (st != DK_OK) {
        future_destroy(f);
        return dk_error_set(err, st,
                            st == DK_ESTATE ? "pool: submit: the pool is shut down"
                                            : "pool: submit: the queue stayed full");
    }
    *future = f;
    return DK_OK;
}

static int is_worker(const dk_pool_t *p)
{
    for (int i = 0; i < p->nworkers; i++)
        if (pthread_equal(p->workers[i], pthread_self()))
            return 1;
    return 0;
}

dk_status dk_pool_shutdown(dk_pool_t *p, dk_pool_shutdown_mode mode)
{
    if (is_worker(p))
        return DK_ESTATE;
    pthread_mutex_lock(&p->mu);
    if (p->joining || p->joined) {
        while (!p->joined)
            pthread_cond_wait(&p->joined_cv, &p->mu);
        pthread_mutex_unlock(&p->mu);
        return DK_OK;
    }
    p->joining = 1;
    p->shutting_down = 1;
    /* Cancelled tasks are taken out under the lock and finished outside it: drop_arg is the
     * caller's code and may take its own locks. */
    size_t ncancel = mode == DK_POOL_CANCEL ? p->count : 0;
    slot *cancel = NULL;
    if (ncancel > 0 && (cancel = dk_malloc(ncancel * sizeof *cancel)) == NULL)
        ncancel = 0; /* no memory to cancel with: drain instead, which needs none */
    for (size_t i = 0; i < ncancel; i++) {
        cancel[i] = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
    }
    pthread_cond_broadcast(&p->not_empty);
    pthread_cond_broadcast(&p->not_full);
    pthread_mutex_unlock(&p->mu);

    for (size_t i = 0; i < ncancel; i++) {
        if (cancel[i].task.drop_arg)
            cancel[i].task.drop_arg(cancel[i].task.arg);
        future_finish(cancel[i].future, CANCELLED, DK_EINTR, NULL, NULL);
        dk_future_release(cancel[i].future);
    }
    dk_free(cancel);
    for (int i = 0; i < p->nworkers; i++)
        pthread_join(p->workers[i], NULL);

    pthread_mutex_lock(&p->mu);
    p->joined = 1;
    pthread_cond_broadcast(&p->joined_cv);
    pthread_mutex_unlock(&p->mu);
    return DK_OK;
}

void dk_pool_free(dk_pool_t *p)
{
    if (p == NULL)
        return;
    dk_pool_shutdown(p, DK_POOL_DRAIN);
    destroy(p);
}

int dk_pool_workers(const dk_pool_t *p)
{
    return p->nworkers;
}

size_t dk_pool_pending(dk_pool_t *p)
{
    pthread_mutex_lock(&p->mu);
    size_t n = p->count;
    pthread_mutex_unlock(&p->mu);
    return n;
}

void dk_future_retain(dk_future_t *f)
{
    /* Relaxed: a new reference is made from an existing one, which keeps it alive meanwhile. */
    atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
}

void dk_future_release(dk_future_t *f)
{
    if (f != NULL && atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) == 1)
        future_destroy(f);
}

int dk_future_done(dk_future_t *f)
{
    pthread_mutex_lock(&f->mu);
    int done = f->state != PENDING;
    pthread_mutex_unlock(&f->mu);
    return done;
}

dk_status dk_future_wait(dk_future_t *f, int64_t timeout_ns)
{
    dk_status st;
    pthread_mutex_lock(&f->mu);
    DK__WAIT_WHILE(f->state == PENDING, &f->cv, &f->mu, timeout_ns, st);
    pthread_mutex_unlock(&f->mu);
    return st;
}

dk_status dk_future_get(dk_future_t *f, int64_t timeout_ns, void **result, dk_error *err)
{
    dk_status st;
    if (result)
        *result = NULL;
    pthread_mutex_lock(&f->mu);
    DK__WAIT_WHILE(f->state == PENDING, &f->cv, &f->mu, timeout_ns, st);
    if (st != DK_OK) {
        pthread_mutex_unlock(&f->mu);
        return dk_error_set(err, st, "future: not done in time");
    }
    if (f->state == CANCELLED) {
        st = dk_error_set(err, DK_EINTR, "future: the task was cancelled by the pool's shutdown");
    } else if (f->status != DK_OK) {
        st = dk_error_set(err, f->status, "%s", f->message ? f->message : dk_strerror(f->status));
    } else if (result) {
        *result = f->result;
    }
    pthread_mutex_unlock(&f->mu);
    return st;
}
