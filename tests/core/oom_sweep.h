/* oom_sweep.h - for Check suites: fails every allocation of an operation in turn and checks what
 * the library promises when memory runs out: the status is DK_ENOMEM, nothing crashes, nothing
 * leaks, and an operation on an existing object leaves it as it was.
 *
 * A case is an operation on a context the test owns: `setup` makes the existing objects (its
 * allocations never fail), `op` does the work under test and returns its status, `summary`
 * (optional) writes what can be observed of the objects, `teardown` frees everything. The sweep
 * runs the case once to count the K allocations `op` makes, then once per N in 0..K-1 with
 * allocation N failing, in two modes:
 *
 *   - from N on: allocation N and every later one fail (memory is gone). The status must be
 *     DK_ENOMEM, and an object with a summary must read as it did before `op`.
 *   - only N: allocation N fails and the next ones succeed again (a transient failure, which
 *     walks the cleanup paths that allocate). The status may be DK_OK (the library recovered)
 *     or DK_ENOMEM, with the same rule for the summary when it is DK_ENOMEM.
 *
 * After each teardown the blocks still live must be those live before setup: every block is
 * counted by this file's allocator, so a leak names the case and N even without LeakSanitizer.
 * Every N is swept up to OOM_DENSE allocations; past that, a stride keeps a case near
 * OOM_DENSE + OOM_SPARSE runs (DK_OOM_FULL=1 in the environment sweeps every N). */
#ifndef DK_TESTS_OOM_SWEEP_H
#define DK_TESTS_OOM_SWEEP_H

#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/status.h"

#define OOM_DENSE 2000
#define OOM_SPARSE 500
#define OOM_SUMMARY_MAX 65536

typedef struct oom_case {
    const char *name;
    void *(*setup)(void);
    dk_status (*op)(void *ctx);
    /* What can be observed of the existing objects, NUL-terminated in `buf`; NULL when `op`
     * makes new objects only (a constructor) or cannot promise to leave them (a run). */
    void (*summary)(void *ctx, char *buf, size_t size);
    void (*teardown)(void *ctx);
} oom_case;

enum oom_mode { OOM_OFF, OOM_COUNT, OOM_FROM_N, OOM_ONLY_N };

/* The allocator's state: calls counted while armed, the call that fails, blocks live. */
static struct {
    enum oom_mode mode;
    long calls, fail_at, injected;
    long live_blocks;
    size_t live_bytes;
} oom_state;

/* Whether this allocation (the next call while armed) must fail. */
static int oom_should_fail(void)
{
    long n;
    if (oom_state.mode == OOM_OFF)
        return 0;
    n = oom_state.calls++;
    if ((oom_state.mode == OOM_FROM_N && n >= oom_state.fail_at) ||
        (oom_state.mode == OOM_ONLY_N && n == oom_state.fail_at)) {
        oom_state.injected++;
        return 1;
    }
    return 0;
}

static void *oom_malloc(size_t size, void *ud)
{
    (void)ud;
    if (oom_should_fail())
        return NULL;
    max_align_t *p = malloc(sizeof *p + size); /* the header keeps malloc's alignment */
    if (p == NULL)
        return NULL;
    *(size_t *)(void *)p = size;
    oom_state.live_blocks++;
    oom_state.live_bytes += size;
    return p + 1;
}

static void oom_free(void *ptr, void *ud)
{
    (void)ud;
    if (ptr == NULL)
        return;
    max_align_t *p = (max_align_t *)ptr - 1;
    oom_state.live_blocks--;
    oom_state.live_bytes -= *(size_t *)(void *)p;
    free(p);
}

static void *oom_realloc(void *ptr, size_t size, void *ud)
{
    if (ptr == NULL)
        return oom_malloc(size, ud);
    if (oom_should_fail())
        return NULL;
    max_align_t *p = (max_align_t *)ptr - 1;
    size_t old = *(size_t *)(void *)p;
    max_align_t *q = realloc(p, sizeof *q + size);
    if (q == NULL)
        return NULL;
    *(size_t *)(void *)q = size;
    oom_state.live_bytes = oom_state.live_bytes - old + size;
    return q + 1;
}

static const dk_allocator oom_allocator = {oom_malloc, oom_realloc, oom_free, NULL};

static void oom_arm(enum oom_mode mode, long fail_at)
{
    oom_state.mode = mode;
    oom_state.calls = 0;
    oom_state.fail_at = fail_at;
    oom_state.injected = 0;
}

/* The next N to try after `n`, of `k` allocations: every one up to OOM_DENSE, then a stride. */
static long oom_next(long n, long k)
{
    static int full = -1;
    if (full < 0) {
        const char *e = getenv("DK_OOM_FULL");
        full = e != NULL && strcmp(e, "1") == 0;
    }
    if (full || n < OOM_DENSE)
        return n + 1;
    long stride = (k - OOM_DENSE) / OOM_SPARSE + 1;
    return n + stride;
}

/* One run of the case with the allocator armed as `mode` at `fail_at`; returns op's status and
 * checks the summary and the blocks. `*injected` says whether a failure was injected. */
static dk_status oom_once(const oom_case *c, enum oom_mode mode, long fail_at, long *calls,
                          long *injected, char *before, char *after)
{
    long base = oom_state.live_blocks;
    void *ctx = c->setup();
    dk_status st;
    if (c->summary != NULL)
        c->summary(ctx, before, OOM_SUMMARY_MAX);
    oom_arm(mode, fail_at);
    st = c->op(ctx);
    *calls = oom_state.calls;
    *injected = oom_state.injected;
    oom_arm(OOM_OFF, -1);
    if (st != DK_OK && c->summary != NULL) {
        c->summary(ctx, after, OOM_SUMMARY_MAX);
        size_t at = 0; /* the first difference, shown with what leads to it */
        while (before[at] != '\0' && before[at] == after[at])
            at++;
        at = at > 120 ? at - 120 : 0;
        ck_assert_msg(strcmp(before, after) == 0,
                      "%s: allocation %ld failed (%s), the object changed:\nbefore: ...%.300s\n"
                      "after:  ...%.300s",
                      c->name, fail_at, mode == OOM_FROM_N ? "from then on" : "only it",
                      before + at, after + at);
    }
    c->teardown(ctx);
    ck_assert_msg(oom_state.live_blocks == base,
                  "%s: allocation %ld failed (%s): %ld blocks leaked (status %s)", c->name, fail_at,
                  mode == OOM_FROM_N ? "from then on" : "only it", oom_state.live_blocks - base,
                  dk_strerror(st));
    return st;
}

/* Sweeps case `c` (see the top of this file). Returns K, the allocations `op` makes, so a test
 * can also check that the sweep reached something. */
static long oom_sweep(const oom_case *c)
{
    static char before[OOM_SUMMARY_MAX], after[OOM_SUMMARY_MAX];
    long k, calls, injected, n;
    dk_status st;

    dk_set_allocator(&oom_allocator);
    /* A first run warms up what the library makes once per process (cJSON's hooks, ...), so
     * that the blocks counted afterwards are the case's own. */
    oom_once(c, OOM_COUNT, -1, &k, &injected, before, after);
    st = oom_once(c, OOM_COUNT, -1, &k, &injected, before, after);
    ck_assert_msg(st == DK_OK, "%s: fails with memory to spare: %s", c->name, dk_strerror(st));

    for (n = 0; n < k; n = oom_next(n, k)) {
        st = oom_once(c, OOM_FROM_N, n, &calls, &injected, before, after);
        if (injected > 0)
            ck_assert_msg(st == DK_ENOMEM,
                          "%s: allocation %ld of %ld failed (from then on): status %s, not "
                          "\"out of memory\"",
                          c->name, n, k, dk_strerror(st));
        else
            ck_assert_msg(st == DK_OK, "%s: no allocation failed, yet status %s", c->name,
                          dk_strerror(st));

        st = oom_once(c, OOM_ONLY_N, n, &calls, &injected, before, after);
        ck_assert_msg(st == DK_OK || st == DK_ENOMEM,
                      "%s: allocation %ld of %ld failed (only it): status %s", c->name, n, k,
                      dk_strerror(st));
    }
    dk_set_allocator(NULL);
    if (getenv("DK_OOM_VERBOSE") != NULL)
        fprintf(stderr, "%s: %ld allocations, each failed in turn\n", c->name, k);
    return k;
}

/* An error's status, for ops whose functions report through a dk_error. */
#define OOM_STATUS_OF(err) ((err).status)

#endif
