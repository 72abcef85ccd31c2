/* elevator_seek.c - the strategy, traffic and mode names, the disk-arm schedule, and seeded
 * traffic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/elevator.h"
#include "designkit/rng.h"

static const char *const strategy_names[] = {"fcfs", "nearest",     "scan",
                                             "look", "destination", NULL};
static const char *const traffic_names[] = {"up-peak", "down-peak", "interfloor", NULL};
static const char *const mode_names[] = {"maintenance", "service", "fire", NULL};

static dk_status parse_name(const char *const *names, const char *name, int *out)
{
    for (int i = 0; name != NULL && names[i] != NULL; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = i;
            return DK_OK;
        }
    }
    return DK_ENOTFOUND;
}

const char *dk_elevator_strategy_name(dk_elevator_strategy s)
{
    return (unsigned)s <= DK_ELEVATOR_DESTINATION ? strategy_names[s] : "unknown";
}

dk_status dk_elevator_strategy_parse(const char *name, dk_elevator_strategy *s)
{
    int i = 0;
    dk_status st = parse_name(strategy_names, name, &i);
    if (st == DK_OK)
        *s = (dk_elevator_strategy)i;
    return st;
}

const char *dk_elevator_traffic_name(dk_elevator_traffic t)
{
    return (unsigned)t <= DK_ELEVATOR_INTERFLOOR ? traffic_names[t] : "unknown";
}

dk_status dk_elevator_traffic_parse(const char *name, dk_elevator_traffic *t)
{
    int i = 0;
    dk_status st = parse_name(traffic_names, name, &i);
    if (st == DK_OK)
        *t = (dk_elevator_traffic)i;
    return st;
}

const char *dk_elevator_mode_name(dk_elevator_mode m)
{
    return (unsigned)m <= DK_ELEVATOR_FIRE_RECALL ? mode_names[m] : "unknown";
}

dk_status dk_elevator_mode_parse(const char *name, dk_elevator_mode *m)
{
    int i = 0;
    dk_status st = parse_name(mode_names, name, &i);
    if (st == DK_OK)
        *m = (dk_elevator_mode)i;
    return st;
}

/* The index of the unserved request nearest `at`, or -1; with `dir` != 0, only those at or
 * ahead of `at` in that direction. Ties go to the earlier request. */
static long nearest(const int *req, const unsigned char *done, size_t n, int at, int dir)
{
    long best = -1;
    for (size_t i = 0; i < n; i++) {
        if (done[i] || (dir != 0 && (long)(req[i] - at) * dir < 0))
            continue;
        if (best < 0 || labs((long)req[i] - at) < labs((long)req[best] - at))
            best = (long)i;
    }
    return best;
}

dk_status dk_elevator_seek(dk_elevator_strategy s, int start, int direction, int lo, int hi,
                           const int *requests, size_t n, int *order, long *travel, dk_error *err)
{
    if (s == DK_ELEVATOR_DESTINATION)
        return dk_error_set(err, DK_EINVAL,
                            "seek: destination dispatch assigns passengers to cars; it has no "
                            "disk-arm order");
    if ((unsigned)s > DK_ELEVATOR_LOOK)
        return dk_error_set(err, DK_EINVAL, "seek: unknown strategy %d", (int)s);
    if (lo >= hi)
        return dk_error_set(err, DK_EINVAL, "seek: the range %d..%d is empty (lo must be < hi)", lo,
                            hi);
    if (start < lo || start > hi)
        return dk_error_set(err, DK_EINVAL, "seek: start %d is outside %d..%d", start, lo, hi);
    if (direction != 1 && direction != -1)
        return dk_error_set(err, DK_EINVAL, "seek: direction must be +1 or -1 (got %d)", direction);
    if (n > 0 && requests == NULL)
        return dk_error_set(err, DK_EINVAL, "seek: %zu requests given but the list is missing", n);
    for (size_t i = 0; i < n; i++)
        if (requests[i] < lo || requests[i] > hi)
            return dk_error_set(err, DK_EINVAL, "seek: request %zu (%d) is outside %d..%d", i + 1,
                                requests[i], lo, hi);
    unsigned char *done = n ? dk_calloc(n, 1) : NULL;
    if (n > 0 && done == NULL)
        return dk_error_set(err, DK_ENOMEM, "seek: out of memory");
    long moved = 0;
    int at = start, dir = direction;
    for (size_t k = 0; k < n; k++) {
        long i = k;
        if (s == DK_ELEVATOR_NEAREST) {
            i = nearest(requests, done, n, at, 0);
        } else if (s != DK_ELEVATOR_FCFS) {
            i = nearest(requests, done, n, at, dir);
            if (i < 0) { /* nothing ahead: SCAN first runs on to the end of the range */
                if (s == DK_ELEVATOR_SCAN) {
                    int end = dir > 0 ? hi : lo;
                    moved += labs((long)end - at);
                    at = end;
                }
                dir = -dir;
                i = nearest(requests, done, n, at, dir);
            }
        }
        done[i] = 1;
        moved += labs((long)requests[i] - at);
        at = requests[i];
        if (order != NULL)
            order[k] = at;
    }
    dk_free(done);
    *travel = moved;
    return DK_OK;
}

dk_status dk_elevator_traffic_make(dk_elevator_traffic t, int floors, size_t n, double rate,
                                   uint64_t seed, dk_elevator_passenger *out, dk_error *err)
{
    if ((unsigned)t > DK_ELEVATOR_INTERFLOOR)
        return dk_error_set(err, DK_EINVAL, "traffic: unknown pattern %d", (int)t);
    if (floors < 2 || floors > DK_ELEVATOR_MAX_FLOORS)
        return dk_error_set(err, DK_EINVAL, "traffic: floors must be 2 to %d (got %d)",
                            DK_ELEVATOR_MAX_FLOORS, floors);
    if (!(rate > 0 && rate <= 1000))
        return dk_error_set(err, DK_EINVAL, "traffic: rate must be > 0 and <= 1000 per tick");
    if (n > 0 && out == NULL)
        return dk_error_set(err, DK_EINVAL, "traffic: %zu passengers but no array", n);
    dk_rng_t rng;
    dk_rng_seed_named(&rng, seed, "elevator.traffic");
    double now = 0;
    for (size_t i = 0; i < n; i++) {
        now += -log(1.0 - dk_rng_uniform(&rng)) / rate; /* exponential gaps: Poisson arrivals */
        int above = 1 + (int)dk_rng_below(&rng, (uint64_t)floors - 1);
        dk_elevator_passenger *p = &out[i];
        p->arrival = (long)now;
        p->patience = 0;
        if (t == DK_ELEVATOR_UP_PEAK) {
            p->from = 0;
            p->to = above;
        } else if (t == DK_ELEVATOR_DOWN_PEAK) {
            p->from = above;
            p->to = 0;
        } else { /* a distinct pair: the second is drawn from the other floors-1 */
            p->from = (int)dk_rng_below(&rng, (uint64_t)floors);
            p->to = (p->from + above) % floors;
        }
    }
    return DK_OK;
}
