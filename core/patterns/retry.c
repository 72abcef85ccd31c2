/* retry.c - backoff with jitter (the AWS blog's formulas), a Finagle-style retry budget, retries.
 */
#include <math.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/retry.h"

#define DK__JITTER_NAME(id, name) name,
const char *const dk_jitter_names[] = {DK_JITTERS(DK__JITTER_NAME) NULL};
#undef DK__JITTER_NAME

const char *dk_jitter_name(dk_jitter j)
{
    return (unsigned)j <= DK_JITTER_DECORRELATED ? dk_jitter_names[j] : "?";
}

dk_status dk_jitter_parse(const char *name, dk_jitter *out)
{
    if (name == NULL)
        return DK_EINVAL;
    for (int i = 0; dk_jitter_names[i]; i++) {
        if (strcmp(name, dk_jitter_names[i]) == 0) {
            *out = (dk_jitter)i;
            return DK_OK;
        }
    }
    return DK_ENOTFOUND;
}

dk_status dk_backoff_check(const dk_backoff *b, dk_error *err)
{
    if (b->base_ns <= 0)
        return dk_error_set(err, DK_EINVAL, "retry: base must be a positive duration");
    if (b->cap_ns < b->base_ns)
        return dk_error_set(err, DK_EINVAL, "retry: cap must be at least base");
    if (!(b->multiplier >= 1) || !isfinite(b->multiplier))
        return dk_error_set(err, DK_EINVAL,
                            "retry: multiplier must be a finite number >= 1 (got %g)",
                            b->multiplier);
    if ((unsigned)b->jitter > DK_JITTER_DECORRELATED)
        return dk_error_set(err, DK_EINVAL, "retry: unknown jitter %d", (int)b->jitter);
    return DK_OK;
}

/* base * multiplier^k, capped, computed in doubles so that a large k saturates at the cap
 * instead of overflowing. */
static double exponential(const dk_backoff *b, uint32_t k)
{
    /* the blog's doubling is an exponent shift: ldexp costs a few ns where pow costs tens */
    double e = b->multiplier == 2 ? ldexp((double)b->base_ns, k > 2000 ? 2000 : (int)k)
                                  : (double)b->base_ns * pow(b->multiplier, (double)k);
    return e < (double)b->cap_ns ? e : (double)b->cap_ns;
}

int64_t dk_backoff_delay(const dk_backoff *b, uint32_t k, int64_t previous_ns, dk_rng_t *rng)
{
    double e = exponential(b, k), d;
    switch (b->jitter) {
    case DK_JITTER_FULL:
        d = dk_rng_uniform(rng) * e;
        break;
    case DK_JITTER_EQUAL:
        d = e / 2 + dk_rng_uniform(rng) * (e / 2);
        break;
    case DK_JITTER_DECORRELATED: {
        double prev = k == 0 || previous_ns < b->base_ns ? (double)b->base_ns : (double)previous_ns;
        double hi = 3 * prev;
        d = b->base_ns + dk_rng_uniform(rng) * (hi - (double)b->base_ns);
        if (d > (double)b->cap_ns)
            d = (double)b->cap_ns;
        break;
    }
    default:
        d = e;
    }
    return (int64_t)d;
}

/* ---- the budget ------------------------------------------------------------------------------ */

#define BUDGET_BUCKETS 10

struct dk_retry_budget {
    double ratio, min_per_second;
    int64_t window_ns, width_ns; /* the window, and one bucket's share of it */
    int64_t last;                /* the newest bucket's number */
    uint64_t requests[BUDGET_BUCKETS], retries[BUDGET_BUCKETS];
    uint64_t total_requests, total_retries; /* over the buckets */
};

dk_retry_budget_t *dk_retry_budget_new(double ratio, double min_per_second, int64_t window_ns,
                                       dk_error *err)
{
    if (!(ratio >= 0 && ratio <= 1000)) {
        dk_error_set(err, DK_EINVAL, "retry: budget ratio must be from 0 to 1000 (got %g)", ratio);
        return NULL;
    }
    if (!(min_per_second >= 0) || !isfinite(min_per_second)) {
        dk_error_set(err, DK_EINVAL, "retry: min_per_second must be a finite number >= 0 (got %g)",
                     min_per_second);
        return NULL;
    }
    if (window_ns < BUDGET_BUCKETS) {
        dk_error_set(err, DK_EINVAL, "retry: budget window must be a positive duration");
        return NULL;
    }
    dk_retry_budget_t *rb = dk_calloc(1, sizeof *rb);
    if (rb == NULL) {
        dk_error_set(err, DK_ENOMEM, "retry: out of memory");
        return NULL;
    }
    rb->ratio = ratio;
    rb->min_per_second = min_per_second;
    rb->window_ns = window_ns;
    rb->width_ns = window_ns / BUDGET_BUCKETS;
    rb->last = INT64_MIN;
    return rb;
}

void dk_retry_budget_free(dk_retry_budget_t *rb)
{
    dk_free(rb);
}

/* Empties the buckets that left the window by `now`; returns the current bucket's index. */
static int roll(dk_retry_budget_t *rb, int64_t now)
{
    int64_t n = now >= 0 ? now / rb->width_ns : -1 - (-now - 1) / rb->width_ns;
    if (n > rb->last) {
        int64_t from = rb->last == INT64_MIN || n - rb->last > BUDGET_BUCKETS
                           ? n - BUDGET_BUCKETS + 1
                           : rb->last + 1;
        for (int64_t i = from; i <= n; i++) {
            int j = (int)(((i % BUDGET_BUCKETS) + BUDGET_BUCKETS) % BUDGET_BUCKETS);
            rb->total_requests -= rb->requests[j];
            rb->total_retries -= rb->retries[j];
            rb->requests[j] = rb->retries[j] = 0;
        }
        rb->last = n;
    }
    return (int)(((rb->last % BUDGET_BUCKETS) + BUDGET_BUCKETS) % BUDGET_BUCKETS);
}

void dk_retry_budget_request(dk_retry_budget_t *rb, int64_t now)
{
    int j = roll(rb, now);
    rb->requests[j]++;
    rb->total_requests++;
}

int dk_retry_budget_try(dk_retry_budget_t *rb, int64_t now)
{
    int j = roll(rb, now);
    double allowed =
        rb->ratio * (double)rb->total_requests + rb->min_per_second * ((double)rb->window_ns / 1e9);
    if ((double)rb->total_retries + 1 > allowed)
        return 0;
    rb->retries[j]++;
    rb->total_retries++;
    return 1;
}

/* ---- the policy ------------------------------------------------------------------------------ */

struct dk_retry {
    dk_retry_config c;
    dk_rng_t rng;
    dk_retry_budget_t *budget; /* NULL: none */
    dk_retry_stats stats;
};

void dk_retry_config_default(dk_retry_config *c)
{
    memset(c, 0, sizeof *c);
    c->max_attempts = 3;
    c->backoff = (dk_backoff){.base_ns = 100000000,
                              .cap_ns = INT64_C(10000000000),
                              .multiplier = 2,
                              .jitter = DK_JITTER_FULL};
    c->budget_ratio = 0.2;
    c->budget_min_per_s = 10;
    c->budget_window_ns = INT64_C(10000000000);
}

dk_retry_t *dk_retry_new(const dk_retry_config *c, uint64_t seed, dk_error *err)
{
    if (c->max_attempts < 1 || c->max_attempts > 1000) {
        dk_error_set(err, DK_EINVAL, "retry: attempts must be from 1 to 1000 (got %u)",
                     c->max_attempts);
        return NULL;
    }
    if (c->timeout_ns < 0) {
        dk_error_set(err, DK_EINVAL, "retry: timeout must not be negative");
        return NULL;
    }
    if (dk_backoff_check(&c->backoff, err) != DK_OK)
        return NULL;
    dk_retry_budget_t *rb = NULL;
    if (c->budget) {
        rb = dk_retry_budget_new(c->budget_ratio, c->budget_min_per_s, c->budget_window_ns, err);
        if (rb == NULL)
            return NULL;
    }
    dk_retry_t *r = dk_calloc(1, sizeof *r);
    if (r == NULL) {
        dk_retry_budget_free(rb);
        dk_error_set(err, DK_ENOMEM, "retry: out of memory");
        return NULL;
    }
    r->c = *c;
    r->budget = rb;
    dk_rng_seed(&r->rng, seed);
    return r;
}

void dk_retry_free(dk_retry_t *r)
{
    if (r == NULL)
        return;
    dk_retry_budget_free(r->budget);
    dk_free(r);
}

const dk_retry_config *dk_retry_config_of(const dk_retry_t *r)
{
    return &r->c;
}

void dk_retry_begin(dk_retry_t *r, int64_t now)
{
    r->stats.requests++;
    if (r->budget)
        dk_retry_budget_request(r->budget, now);
}

int64_t dk_retry_next(dk_retry_t *r, int64_t now, uint32_t attempts, int64_t previous_ns)
{
    if (attempts >= r->c.max_attempts) {
        r->stats.exhausted++;
        return -1;
    }
    if (r->budget && !dk_retry_budget_try(r->budget, now)) {
        r->stats.budget_denied++;
        return -1;
    }
    r->stats.retries++;
    return dk_backoff_delay(&r->c.backoff, attempts ? attempts - 1 : 0, previous_ns, &r->rng);
}

int64_t dk_retry_backoff(dk_retry_t *r, uint32_t k, int64_t previous_ns)
{
    return dk_backoff_delay(&r->c.backoff, k, previous_ns, &r->rng);
}

void dk_retry_stats_get(const dk_retry_t *r, dk_retry_stats *out)
{
    *out = r->stats;
}
