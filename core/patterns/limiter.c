/* limiter.c - the rate-limiting algorithms on one key's state, in integer nanoseconds. */
#include "patterns/limiter_state.h"

#include <string.h>

/* The names in enum order, NULL-terminated: the one list the gateway schema offers. */
const char *const dk_limiter_algorithm_names[] = {
#define NAME(id, name) name,
    DK_LIMITER_ALGORITHMS(NAME)
#undef NAME
        NULL};
#define NNAMES (sizeof dk_limiter_algorithm_names / sizeof dk_limiter_algorithm_names[0] - 1)

const char *dk_limiter_algorithm_name(dk_limiter_algorithm a)
{
    return (unsigned)a < NNAMES ? dk_limiter_algorithm_names[a] : "unknown";
}

/*
 * dk_limiter_algorithm_parse - DK_ENOTFOUND with the valid names in the message, so a typo
 * is answered with what to write instead.
 */
dk_status dk_limiter_algorithm_parse(const char *name, dk_limiter_algorithm *out, dk_error *err)
{
    for (size_t i = 0; name != NULL && i < NNAMES; i++)
        if (strcmp(name, dk_limiter_algorithm_names[i]) == 0) {
            *out = (dk_limiter_algorithm)i;
            return DK_OK;
        }
    return dk_error_set(err, DK_ENOTFOUND,
                        "unknown algorithm \"%.64s\" (use token_bucket, leaky_bucket, leaky_queue, "
                        "fixed_window, sliding_log, sliding_window, gcra)",
                        name != NULL ? name : "(none)");
}

/* floor(t / w) for any sign of t: windows are aligned to time 0 on both sides of it. */
static int64_t window_of(int64_t t, int64_t w)
{
    int64_t q = t / w;
    return (t % w != 0 && t < 0) ? q - 1 : q;
}

/*
 * dk__limiter_fresh - the state of a key never seen (or forgotten), as of `now`: a full token
 * bucket, an empty leaky bucket and queue, an empty window and log, a TAT of now.
 */
void dk__limiter_fresh(const dk__limiter_params *p, dk__limiter_state *s, int64_t now)
{
    s->last = now;
    s->b = s->c = 0;
    switch (p->algorithm) {
    case DK_LIMITER_TOKEN_BUCKET:
        s->a = p->burst * p->t; /* credit in ns of emission: burst tokens */
        break;
    case DK_LIMITER_FIXED_WINDOW:
    case DK_LIMITER_SLIDING_WINDOW:
        s->a = window_of(now, p->w);
        break;
    case DK_LIMITER_LEAKY_QUEUE:
        s->a = now - p->t; /* the last departure: one interval ago, so the next may leave now */
        break;
    default:
        s->a = now; /* GCRA's TAT; the leaky bucket's level is a - last, 0 */
        break;
    }
}

/* Token bucket: credit refills one ns per ns up to burst x T; a request costs T. */
static int token_bucket(const dk__limiter_params *p, dk__limiter_state *s, int64_t now,
                        int64_t *wait)
{
    int64_t cap = p->burst * p->t, credit = s->a;
    credit = now - s->last >= cap - credit ? cap : credit + (now - s->last);
    if (credit >= p->t) {
        s->a = credit - p->t;
        return 1;
    }
    s->a = credit;
    *wait = p->t - credit;
    return 0;
}

/* Leaky bucket as a meter: the level (held as the time it drains to empty, a) leaks one ns
 * per ns; a request adds T and must not take it past burst x T. */
static int leaky_bucket(const dk__limiter_params *p, dk__limiter_state *s, int64_t now,
                        int64_t *wait)
{
    int64_t level = s->a > now ? s->a - now : 0, cap = p->burst * p->t;
    if (level + p->t <= cap) {
        s->a = now + level + p->t;
        return 1;
    }
    *wait = level + p->t - cap;
    return 0;
}

/* Leaky bucket as a queue: requests leave one per T in order of arrival; one that would wait
 * more than (burst - 1) x T (the queue holds burst, counting the one leaving) is turned away. */
static int leaky_queue(const dk__limiter_params *p, dk__limiter_state *s, int64_t now,
                       int64_t *wait)
{
    int64_t leave = s->a + p->t > now ? s->a + p->t : now;
    int64_t delay = leave - now, most = (p->burst - 1) * p->t;
    if (delay <= most) {
        s->a = leave;
        *wait = delay;
        return 1;
    }
    *wait = delay - most;
    return 0;
}

/* Fixed window: a count per window [kW, (k+1)W), reset when the window changes. */
static int fixed_window(const dk__limiter_params *p, dk__limiter_state *s, int64_t now,
                        int64_t *wait)
{
    int64_t k = window_of(now, p->w);
    if (k != s->a) {
        s->a = k;
        s->b = 0;
    }
    if (s->b < p->burst) {
        s->b++;
        return 1;
    }
    *wait = (k + 1) * p->w - now;
    return 0;
}

/* Sliding-window log: the times of the last `burst` allowed requests in a ring (b the oldest's
 * index, c how many); a request is allowed while fewer than burst fall in (now - W, now], so
 * one exactly W ago has left the window. */
static int sliding_log(const dk__limiter_params *p, dk__limiter_state *s, int64_t *log, int64_t now,
                       int64_t *wait)
{
    if (s->c < p->burst) {
        log[(s->b + s->c) % p->burst] = now;
        s->c++;
        return 1;
    }
    int64_t oldest = log[s->b];
    if (oldest <= now - p->w) {
        log[s->b] = now; /* the oldest leaves, the newest takes its place */
        s->b = (s->b + 1) % p->burst;
        return 1;
    }
    *wait = oldest + p->w - now;
    return 0;
}

/* The first offset e in [0, W] into a window at which prev x (W - e) < room x W, i.e. at which
 * the weighted count prev x (W - e) / W + cur stays below burst; W + 1 when none. */
static int64_t first_offset(int64_t prev, int64_t room, int64_t w)
{
    if (room <= 0)
        return w + 1;
    if (prev == 0)
        return 0;
    int64_t most = (room * w - 1) / prev; /* the largest W - e that passes */
    return most >= w ? 0 : w - most;
}

/* Sliding-window counter: the current window's count (b) plus the previous one's (c) weighted
 * by how much of the sliding window [now - W, now) still overlaps it; allowed while that is
 * below burst. Integer sums (the config bounds burst^2 x T), so a tie is decided exactly. */
static int sliding_window(const dk__limiter_params *p, dk__limiter_state *s, int64_t now,
                          int64_t *wait)
{
    int64_t k = window_of(now, p->w);
    if (k != s->a) {
        s->c = k == s->a + 1 ? s->b : 0;
        s->b = 0;
        s->a = k;
    }
    int64_t e = now - k * p->w;
    int64_t need = first_offset(s->c, p->burst - s->b, p->w);
    if (e >= need) {
        s->b++;
        return 1;
    }
    if (need <= p->w - 1) {
        *wait = need - e;
        return 0;
    }
    /* Not in this window: in the next, this window's count becomes the previous one. */
    int64_t next = first_offset(s->b, p->burst, p->w);
    *wait = (k + 1) * p->w - now + next;
    return 0;
}

/* GCRA: the theoretical arrival time a; a request at now conforms when a - now <= tau, the
 * tolerance (burst - 1) x T, and moves a to max(a, now) + T. */
static int gcra(const dk__limiter_params *p, dk__limiter_state *s, int64_t now, int64_t *wait)
{
    int64_t tat = s->a > now ? s->a : now, tau = (p->burst - 1) * p->t;
    if (tat - now <= tau) {
        s->a = tat + p->t;
        return 1;
    }
    *wait = tat - tau - now;
    return 0;
}

/*
 * dk__limiter_decide - one decision on state `s` (with `log`, burst slots, for sliding_log),
 * with `now` already no earlier than s->last. *wait is set on every return.
 */
int dk__limiter_decide(const dk__limiter_params *p, dk__limiter_state *s, int64_t *log, int64_t now,
                       int64_t *wait)
{
    int ok = 0;
    *wait = 0;
    switch (p->algorithm) {
    case DK_LIMITER_TOKEN_BUCKET:
        ok = token_bucket(p, s, now, wait);
        break;
    case DK_LIMITER_LEAKY_BUCKET:
        ok = leaky_bucket(p, s, now, wait);
        break;
    case DK_LIMITER_LEAKY_QUEUE:
        ok = leaky_queue(p, s, now, wait);
        break;
    case DK_LIMITER_FIXED_WINDOW:
        ok = fixed_window(p, s, now, wait);
        break;
    case DK_LIMITER_SLIDING_LOG:
        ok = sliding_log(p, s, log, now, wait);
        break;
    case DK_LIMITER_SLIDING_WINDOW:
        ok = sliding_window(p, s, now, wait);
        break;
    case DK_LIMITER_GCRA:
        ok = gcra(p, s, now, wait);
        break;
    }
    s->last = now;
    return ok;
}
