/* pool.h - a thread pool with futures: N worker threads, a bounded queue of tasks, and a
 * future per task that carries its result or its error. */
#ifndef DESIGNKIT_POOL_H
#define DESIGNKIT_POOL_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits checked by dk_pool_new. */
#define DK_POOL_MAX_WORKERS 256
#define DK_POOL_MAX_QUEUE ((size_t)1 << 20)

typedef struct dk_pool dk_pool_t;
typedef struct dk_future dk_future_t;

/*
 * A task: `run` is called once on a worker thread with `arg`. It returns DK_OK and may set
 * `*result`, or a failure status with a message in `err` (already cleared; a failure left
 * without a message gets dk_strerror's text). The future then holds the result or the error.
 *
 * Ownership: `arg` belongs to the task. When the task never runs (cancelled by
 * dk_pool_shutdown(DK_POOL_CANCEL)) `drop_arg` (if not NULL) is called on it instead; when it
 * runs, `run` owns it. `*result` belongs to the future: `drop_result` (if not NULL) is called
 * on it when the future's last reference goes.
 */
typedef struct dk_task {
    dk_status (*run)(void *arg, void **result, dk_error *err);
    void *arg;
    void (*drop_arg)(void *arg);
    void (*drop_result)(void *result);
} dk_task;

/*
 * dk_pool_new - starts `workers` threads (1 .. DK_POOL_MAX_WORKERS) and a task queue of
 * `queue_capacity` slots (1 .. DK_POOL_MAX_QUEUE, allocated now). The caller frees it with
 * dk_pool_free. NULL with `err` naming "workers" or "queue_capacity" (DK_EINVAL), DK_ENOMEM,
 * or DK_EINTERNAL when a thread cannot be started (those already started are stopped).
 */
dk_pool_t *dk_pool_new(int workers, size_t queue_capacity, dk_error *err);

/*
 * dk_pool_submit - queues `task` and gives its future in `*future` (a reference the caller
 * releases with dk_future_release). Waits while the queue is full, as `timeout_ns` says (0 a
 * try, < 0 forever, > 0 at most that long). DK_OK; DK_ELIMIT when the queue stayed full;
 * DK_ESTATE when the pool is shut down (before or while waiting); DK_ENOMEM. On any failure
 * the task was not taken: `*future` is NULL and `arg` is still the caller's (drop_arg is not
 * called). One allocation per submit: the future.
 */
dk_status dk_pool_submit(dk_pool_t *p, const dk_task *task, int64_t timeout_ns,
                         dk_future_t **future, dk_error *err);

typedef enum dk_pool_shutdown_mode {
    DK_POOL_DRAIN,  /* every queued task still runs */
    DK_POOL_CANCEL, /* queued tasks are cancelled: their futures fail with DK_EINTR */
} dk_pool_shutdown_mode;

/*
 * dk_pool_shutdown - refuses new tasks, wakes submitters waiting for room (DK_ESTATE), then
 * drains or cancels the queue as `mode` says, and joins the workers. Tasks already running
 * always finish (a task is never interrupted). Idempotent: a second call only waits for the
 * first to be done. DK_OK; DK_ESTATE when called from one of the pool's own workers (it would
 * join itself).
 */
dk_status dk_pool_shutdown(dk_pool_t *p, dk_pool_shutdown_mode mode);

/* Shuts down with DK_POOL_DRAIN if not done yet, then frees the pool. Futures outlive it. Not
 * from a worker of the pool. NULL is a no-op. */
void dk_pool_free(dk_pool_t *p);

int dk_pool_workers(const dk_pool_t *p);
size_t dk_pool_pending(dk_pool_t *p); /* tasks queued, not yet started (a snapshot) */

/* ---- futures: reference-counted, safe to use from any thread */

void dk_future_retain(dk_future_t *f);
void dk_future_release(dk_future_t *f); /* the last release frees it (and its result); NULL ok */
/* Nonzero once the task finished, failed or was cancelled. */
int dk_future_done(dk_future_t *f);
/* Waits until done. DK_OK; DK_ELIMIT on timeout. */
dk_status dk_future_wait(dk_future_t *f, int64_t timeout_ns);
/*
 * dk_future_get - waits as dk_future_wait, then gives the outcome: DK_OK with `*result` (may
 * be NULL; borrowed: the future owns it); the task's failure status with its message copied to
 * `err`; DK_EINTR when it was cancelled; DK_ELIMIT when it is not done in time.
 */
dk_status dk_future_get(dk_future_t *f, int64_t timeout_ns, void **result, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif
