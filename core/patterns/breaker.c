/* breaker.c - the circuit breaker: a five-state machine over a count- or time-based window. */
#include <math.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/breaker.h"

/* One second of a TIME window. */
typedef struct bucket {
    int64_t sec; /* which second it holds; stale buckets are emptied as time moves on */
    uint32_t calls, failures, slow;
} bucket;

enum { OUT_FAIL = 1, OUT_SLOW = 2 };

struct dk_breaker {
    dk_breaker_config c;
    dk_breaker_state state;
    int64_t opened_at;
    /* the window: totals, plus a ring of outcomes (COUNT) or of seconds (TIME) */
    uint32_t calls, failures, slow;
    uint8_t *ring;
    uint32_t head;
    bucket *buckets;
    int64_t last_sec;
    /* HALF_OPEN's trials */
    uint32_t permits, trial_calls, trial_failures, trial_slow;
    dk_breaker_listener on_change;
    void *ud;
    uint64_t permitted, rejected, transitions;
};

#define DK__BREAKER_NAME(id, name) name,
const char *const dk_breaker_state_names[] = {DK_BREAKER_STATES(DK__BREAKER_NAME) NULL};
#undef DK__BREAKER_NAME

const char *dk_breaker_state_name(dk_breaker_state s)
{
    return (unsigned)s <= DK_BREAKER_DISABLED ? dk_breaker_state_names[s] : "?";
}

dk_status dk_breaker_state_parse(const char *name, dk_breaker_state *out)
{
    if (name == NULL)
        return DK_EINVAL;
    for (int i = 0; dk_breaker_state_names[i]; i++) {
        if (strcmp(name, dk_breaker_state_names[i]) == 0) {
            *out = (dk_breaker_state)i;
            return DK_OK;
        }
    }
    return DK_ENOTFOUND;
}

void dk_breaker_config_default(dk_breaker_config *c)
{
    c->window_type = DK_BREAKER_COUNT;
    c->window = 100;
    c->min_calls = 100;
    c->failure_rate = 0.5;
    c->slow_rate = 1.0;
    c->slow_ns = INT64_C(60000000000);
    c->wait_ns = INT64_C(60000000000);
    c->half_open_calls = 10;
}

static int rate_ok(double r)
{
    return r > 0 && r <= 1; /* false for NaN */
}

dk_status dk_breaker_config_check(const dk_breaker_config *c, dk_error *err)
{
    if (c->window_type != DK_BREAKER_COUNT && c->window_type != DK_BREAKER_TIME)
        return dk_error_set(err, DK_EINVAL, "breaker: unknown window type %d", (int)c->window_type);
    if (c->window < 1 || c->window > 1000000)
        return dk_error_set(err, DK_EINVAL, "breaker: window must be from 1 to 1000000 (got %u)",
                            c->window);
    if (c->min_calls < 1)
        return dk_error_set(err, DK_EINVAL, "breaker: min_calls must be at least 1 (got 0)");
    if (!rate_ok(c->failure_rate))
        return dk_error_set(err, DK_EINVAL, "breaker: failure_rate must be in (0, 1] (got %g)",
                            c->failure_rate);
    if (!rate_ok(c->slow_rate))
        return dk_error_set(err, DK_EINVAL, "breaker: slow_rate must be in (0, 1] (got %g)",
                            c->slow_rate);
    if (c->slow_ns <= 0)
        return dk_error_set(err, DK_EINVAL, "breaker: slow must be a positive duration");
    if (c->wait_ns <= 0)
        return dk_error_set(err, DK_EINVAL, "breaker: wait must be a positive duration");
    if (c->half_open_calls < 1)
        return dk_error_set(err, DK_EINVAL, "breaker: half_open_calls must be at least 1 (got 0)");
    return DK_OK;
}

dk_breaker_t *dk_breaker_new(const dk_breaker_config *c, dk_error *err)
{
    if (dk_breaker_config_check(c, err) != DK_OK)
        return NULL;
    dk_breaker_t *b = dk_calloc(1, sizeof *b);
    if (b != NULL) {
        b->c = *c;
        if (c->window_type == DK_BREAKER_COUNT)
            b->ring = dk_calloc(c->window, 1);
        else
            b->buckets = dk_calloc(c->window, sizeof *b->buckets);
        if (b->ring == NULL && b->buckets == NULL) {
            dk_free(b);
            b = NULL;
        }
    }
    if (b == NULL) {
        dk_error_set(err, DK_ENOMEM, "breaker: out of memory");
        return NULL;
    }
    b->last_sec = INT64_MIN;
    return b;
}

void dk_breaker_free(dk_breaker_t *b)
{
    if (b == NULL)
        return;
    dk_free(b->ring);
    dk_free(b->buckets);
    dk_free(b);
}

void dk_breaker_on_change(dk_breaker_t *b, dk_breaker_listener fn, void *ud)
{
    b->on_change = fn;
    b->ud = ud;
}

static void reset_window(dk_breaker_t *b)
{
    b->calls = b->failures = b->slow = 0;
    b->head = 0;
    if (b->ring)
        memset(b->ring, 0, b->c.window);
    if (b->buckets)
        memset(b->buckets, 0, (size_t)b->c.window * sizeof *b->buckets);
    b->last_sec = INT64_MIN;
    b->permits = b->trial_calls = b->trial_failures = b->trial_slow = 0;
}

static void transition(dk_breaker_t *b, dk_breaker_state to, int64_t now)
{
    dk_breaker_state from = b->state;
    reset_window(b);
    if (to == DK_BREAKER_OPEN)
        b->opened_at = now;
    if (from == to)
        return;
    b->state = to;
    b->transitions++;
    if (b->on_change)
        b->on_change(b->ud, from, to, now);
}

/* OPEN ends by itself once the wait is over: the next look at the breaker sees HALF_OPEN. */
static void expire_open(dk_breaker_t *b, int64_t now)
{
    if (b->state == DK_BREAKER_OPEN && now - b->opened_at >= b->c.wait_ns)
        transition(b, DK_BREAKER_HALF_OPEN, now);
}

dk_breaker_state dk_breaker_state_at(dk_breaker_t *b, int64_t now)
{
    expire_open(b, now);
    return b->state;
}

void dk_breaker_force(dk_breaker_t *b, dk_breaker_state to, int64_t now)
{
    if ((unsigned)to > DK_BREAKER_DISABLED)
        return;
    transition(b, to, now);
}

int dk_breaker_allow(dk_breaker_t *b, int64_t now)
{
    expire_open(b, now);
    int ok;
    switch (b->state) {
    case DK_BREAKER_CLOSED:
    case DK_BREAKER_DISABLED:
        ok = 1;
        break;
    case DK_BREAKER_HALF_OPEN:
        ok = b->permits < b->c.half_open_calls;
        b->permits += (uint32_t)ok;
        break;
    default:
        ok = 0;
    }
    if (ok)
        b->permitted++;
    else
        b->rejected++;
    return ok;
}

/* Empties the seconds of a TIME window that fell out of it by `sec`. At most `window` buckets
 * per call, and each second is emptied once: O(1) amortised. */
static void advance_to(dk_breaker_t *b, int64_t sec)
{
    if (sec <= b->last_sec)
        return;
    int64_t w = b->c.window;
    int64_t from =
        b->last_sec == INT64_MIN || sec - b->last_sec > w ? sec - w + 1 : b->last_sec + 1;
    for (int64_t s = from; s <= sec; s++) {
        bucket *k = &b->buckets[((s % w) + w) % w];
        b->calls -= k->calls;
        b->failures -= k->failures;
        b->slow -= k->slow;
        *k = (bucket){.sec = s};
    }
    b->last_sec = sec;
}

static void add_count(dk_breaker_t *b, int outcome)
{
    if (b->calls == b->c.window) { /* full: the oldest outcome leaves */
        uint8_t old = b->ring[b->head];
        b->calls--;
        b->failures -= (old & OUT_FAIL) != 0;
        b->slow -= (old & OUT_SLOW) != 0;
    }
    b->ring[b->head] = (uint8_t)outcome;
    b->head = (b->head + 1) % b->c.window;
}

static int over(const dk_breaker_t *b, uint32_t calls, uint32_t failures, uint32_t slow)
{
    return (double)failures / calls >= b->c.failure_rate || (double)slow / calls >= b->c.slow_rate;
}

static uint32_t min_calls(const dk_breaker_t *b)
{
    if (b->c.window_type == DK_BREAKER_COUNT && b->c.window < b->c.min_calls)
        return b->c.window;
    return b->c.min_calls;
}

void dk_breaker_record(dk_breaker_t *b, int64_t now, int ok, int64_t duration_ns)
{
    int outcome = (ok ? 0 : OUT_FAIL) | (duration_ns >= b->c.slow_ns ? OUT_SLOW : 0);
    if (b->state == DK_BREAKER_HALF_OPEN) {
        b->trial_calls++;
        b->trial_failures += (outcome & OUT_FAIL) != 0;
        b->trial_slow += (outcome & OUT_SLOW) != 0;
        if (b->trial_calls >= b->c.half_open_calls)
            transition(b,
                       over(b, b->trial_calls, b->trial_failures, b->trial_slow)
                           ? DK_BREAKER_OPEN
                           : DK_BREAKER_CLOSED,
                       now);
        return;
    }
    if (b->state != DK_BREAKER_CLOSED)
        return;
    if (b->c.window_type == DK_BREAKER_COUNT) {
        add_count(b, outcome);
    } else {
        int64_t sec = now >= 0 ? now / 1000000000 : -((-now + 999999999) / 1000000000);
        advance_to(b, sec);
        bucket *k = &b->buckets[((b->last_sec % b->c.window) + b->c.window) % b->c.window];
        k->calls++;
        k->failures += (outcome & OUT_FAIL) != 0;
        k->slow += (outcome & OUT_SLOW) != 0;
    }
    b->calls++;
    b->failures += (outcome & OUT_FAIL) != 0;
    b->slow += (outcome & OUT_SLOW) != 0;
    if (b->calls >= min_calls(b) && over(b, b->calls, b->failures, b->slow))
        transition(b, DK_BREAKER_OPEN, now);
}

void dk_breaker_stats_get(const dk_breaker_t *b, dk_breaker_stats *out)
{
    int trial = b->state == DK_BREAKER_HALF_OPEN;
    out->calls = trial ? b->trial_calls : b->calls;
    out->failures = trial ? b->trial_failures : b->failures;
    out->slow = trial ? b->trial_slow : b->slow;
    uint32_t need = trial ? b->c.half_open_calls : min_calls(b);
    int enough = out->calls > 0 && out->calls >= need;
    out->failure_rate = enough ? (double)out->failures / out->calls : -1;
    out->slow_rate = enough ? (double)out->slow / out->calls : -1;
    out->permitted = b->permitted;
    out->rejected = b->rejected;
    out->transitions = b->transitions;
}
