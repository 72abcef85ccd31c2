/* elevator.c - the elevator group simulation: hall and car calls, dispatch, boarding, and the
 * safety invariants checked before every car step. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/elevator.h"

enum { UP, DOWN };                                   /* hall call directions */
enum { NOT_YET, WAITING, RIDING, ARRIVED, GAVE_UP }; /* passenger states */

/* A growable list of passenger indices (a floor's queue or a car's riders). */
typedef struct ilist {
    size_t *v, n, cap;
} ilist;

typedef struct car {
    int floor, dir; /* dir: +1 or -1, the way the car last moved (or will sweep) */
    int target;     /* the stop committed to this tick, -1 when idle */
    int doors;      /* ticks the doors stay open, 0 when closed */
    ilist riders;
    long *call;   /* per floor: the tick a car call was pressed, -1 for none */
    int *pickups; /* destination dispatch: per floor, the passengers given this car there */
} car;

typedef struct sim {
    dk_elevator_config cfg;
    const dk_elevator_passenger *p;
    size_t n, finished;
    unsigned char *state;
    long *board, *alight;
    int *given;       /* destination dispatch: the car each passenger was given, -1 before */
    ilist *waiting;   /* per floor, in arrival order */
    long *hall_at[2]; /* per floor and direction: the tick pressed, -1 for none */
    int *hall_car[2]; /* the car a hall call is assigned to, -1 for none */
    car cars[DK_ELEVATOR_MAX_CARS];
    dk_elevator_report *r;
} sim;

static int push(ilist *l, size_t x)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        size_t *v = dk_realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = x;
    return 0;
}

static int dir_of(const dk_elevator_passenger *p)
{
    return p->to > p->from ? UP : DOWN;
}

static int full(const sim *s, const car *c)
{
    return c->riders.n >= (size_t)s->cfg.capacity;
}

/* The tick floor `f` became a stop of car `k` (its car call, or a hall call assigned to it
 * while it has room), or -1 when it is not one. */
static long stop_since(const sim *s, int k, int f)
{
    const car *c = &s->cars[k];
    long at = c->call[f];
    int destination = s->cfg.strategy == DK_ELEVATOR_DESTINATION;
    for (int d = UP; d <= DOWN && !full(s, c); d++) {
        int mine = destination ? c->pickups[f] > 0 : s->hall_car[d][f] == k;
        if (mine && s->hall_at[d][f] >= 0 && (at < 0 || s->hall_at[d][f] < at))
            at = s->hall_at[d][f];
    }
    return at;
}

/* The nearest stop of car `k` strictly ahead of it in direction `dir`, or -1. */
static int ahead(const sim *s, int k, int dir)
{
    const car *c = &s->cars[k];
    for (int f = c->floor + dir; f >= 0 && f < s->cfg.floors; f += dir)
        if (stop_since(s, k, f) >= 0)
            return f;
    return -1;
}

/* The stop car `k` serves next under the group's strategy, or -1 when it has none. */
static int pick(sim *s, int k)
{
    car *c = &s->cars[k];
    int best = -1;
    long best_key = 0;
    if (s->cfg.strategy == DK_ELEVATOR_FCFS || s->cfg.strategy == DK_ELEVATOR_NEAREST) {
        for (int f = 0; f < s->cfg.floors; f++) {
            long since = stop_since(s, k, f);
            long key = s->cfg.strategy == DK_ELEVATOR_FCFS ? since : labs((long)f - c->floor);
            if (since >= 0 && (best < 0 || key < best_key)) {
                best = f;
                best_key = key;
            }
        }
        return best;
    }
    if (stop_since(s, k, c->floor) >= 0)
        return c->floor;
    if ((best = ahead(s, k, c->dir)) >= 0)
        return best;
    if ((best = ahead(s, k, -c->dir)) < 0)
        return -1; /* no stops at all */
    int end = c->dir > 0 ? s->cfg.floors - 1 : 0;
    if (s->cfg.strategy == DK_ELEVATOR_SCAN && c->floor != end)
        return end; /* SCAN runs on to the end of the shaft before it turns */
    c->dir = -c->dir;
    return best;
}

/* How far car `k` is from serving floor `f`, as its strategy would travel. */
static long cost(const sim *s, int k, int f)
{
    const car *c = &s->cars[k];
    if (s->cfg.strategy == DK_ELEVATOR_FCFS) { /* the shortest queue */
        long stops = 0;
        for (int g = 0; g < s->cfg.floors; g++)
            stops += stop_since(s, k, g) >= 0;
        return stops;
    }
    long busy = 0; /* destination dispatch also weighs the stops a car already has */
    for (int g = 0; s->cfg.strategy == DK_ELEVATOR_DESTINATION && g < s->cfg.floors; g++)
        busy += s->cfg.dwell * (stop_since(s, k, g) >= 0);
    if (s->cfg.strategy == DK_ELEVATOR_NEAREST || c->target < 0 ||
        (long)(f - c->floor) * c->dir >= 0)
        return busy + labs((long)f - c->floor);
    int end = c->dir > 0 ? s->cfg.floors - 1 : 0; /* behind a sweeping car: via the turn */
    return busy + labs((long)end - c->floor) + labs((long)end - f);
}

/* Gives every unassigned hall call (and every call held by a full car) to the cheapest car
 * with room; ties go to the lower-numbered car. */
static void assign(sim *s)
{
    for (int f = 0; s->cfg.strategy != DK_ELEVATOR_DESTINATION && f < s->cfg.floors; f++)
        for (int d = UP; d <= DOWN; d++) {
            int *owner = &s->hall_car[d][f];
            if (s->hall_at[d][f] < 0 || (*owner >= 0 && !full(s, &s->cars[*owner])))
                continue;
            *owner = -1;
            long best = 0;
            int pick_car = -1;
            for (int k = 0; k < s->cfg.cars; k++) {
                if (full(s, &s->cars[k]))
                    continue;
                long c = cost(s, k, f);
                if (pick_car < 0 || c < best) {
                    best = c;
                    pick_car = k;
                }
            }
            *owner = pick_car;
        }
}

/* Destination dispatch: the passenger keys in a destination on arrival and is given at once
 * the cheapest car (ties to the lower-numbered), which will stop for them. */
static void give_car(sim *s, size_t x)
{
    int f = s->p[x].from, best = 0;
    long best_cost = cost(s, 0, f);
    for (int k = 1; k < s->cfg.cars; k++) {
        long c = cost(s, k, f);
        if (c < best_cost) {
            best = k;
            best_cost = c;
        }
    }
    s->given[x] = best;
    s->cars[best].pickups[f]++;
}

static void press_hall(sim *s, int f, int d, long t)
{
    if (s->hall_at[d][f] >= 0) {
        s->r->merged_calls++;
        return;
    }
    s->hall_at[d][f] = t;
    s->hall_car[d][f] = -1;
}

static int waits_for(const sim *s, int f, int d)
{
    for (size_t i = 0; i < s->waiting[f].n; i++)
        if (dir_of(&s->p[s->waiting[f].v[i]]) == d)
            return 1;
    return 0;
}

/* A car opens at its floor: riders for it alight, those waiting board in arrival order while
 * there is room and press their car calls; the hall calls clear when nobody is left. */
static dk_status open_doors(sim *s, int k, long t, dk_error *err)
{
    car *c = &s->cars[k];
    int f = c->floor;
    ilist *q = &s->waiting[f];
    s->r->stops++;
    c->doors = s->cfg.dwell;
    c->call[f] = -1;
    size_t kept = 0;
    for (size_t i = 0; i < c->riders.n; i++) {
        size_t x = c->riders.v[i];
        if (s->p[x].to == f) {
            s->state[x] = ARRIVED;
            s->alight[x] = t;
            s->finished++;
            s->r->ticks = t;
        } else {
            c->riders.v[kept++] = x;
        }
    }
    c->riders.n = kept;
    kept = 0;
    for (size_t i = 0; i < q->n; i++) {
        size_t x = q->v[i];
        if (full(s, c) || (s->given[x] >= 0 && s->given[x] != k)) {
            q->v[kept++] = x;
            continue;
        }
        if (s->given[x] >= 0)
            c->pickups[f]--;
        if (push(&c->riders, x) != 0)
            return dk_error_set(err, DK_ENOMEM, "elevator: out of memory");
        s->state[x] = RIDING;
        s->board[x] = t;
        if (c->call[s->p[x].to] >= 0)
            s->r->merged_calls++;
        else
            c->call[s->p[x].to] = t;
    }
    q->n = kept;
    for (int d = UP; d <= DOWN; d++) {
        if (!waits_for(s, f, d))
            s->hall_at[d][f] = -1;
        s->hall_car[d][f] = -1; /* left behind (the car is full): dispatched again */
    }
    return DK_OK;
}

/* The safety invariants, before car `k` moves one floor toward its target. */
static dk_status check_move(sim *s, int k, long t, dk_error *err)
{
    const car *c = &s->cars[k];
    const char *broken = NULL;
    s->r->checks++;
    if (c->doors > 0)
        broken = "moves with its doors open";
    else if (c->riders.n > (size_t)s->cfg.capacity)
        broken = "is over capacity";
    else if (c->target < 0 || c->target == c->floor)
        broken = "moves without a stop to go to";
    else if (s->cfg.strategy != DK_ELEVATOR_FCFS && c->call[c->floor] >= 0)
        broken = "passes a floor it accepted a car call for";
    if (broken != NULL)
        return dk_error_set(err, DK_EINTERNAL, "elevator: car %d at floor %d on tick %ld %s", k + 1,
                            c->floor, t, broken);
    return DK_OK;
}

static dk_status step_car(sim *s, int k, long t, dk_error *err)
{
    car *c = &s->cars[k];
    if (c->doors > 0 && --c->doors > 0)
        return DK_OK; /* the doors are still open */
    c->target = pick(s, k);
    if (c->target < 0)
        return DK_OK;
    if (c->target == c->floor)
        return open_doors(s, k, t, err);
    dk_status st = check_move(s, k, t, err);
    if (st != DK_OK)
        return st;
    c->dir = c->target > c->floor ? 1 : -1;
    c->floor += c->dir;
    if (c->floor > s->r->highest)
        s->r->highest = c->floor;
    return DK_OK;
}

/* Passengers whose patience ran out leave; a hall call nobody waits for any more is cancelled. */
static void give_up(sim *s, long t)
{
    for (int f = 0; f < s->cfg.floors; f++) {
        ilist *q = &s->waiting[f];
        size_t kept = 0;
        for (size_t i = 0; i < q->n; i++) {
            const dk_elevator_passenger *p = &s->p[q->v[i]];
            if (p->patience > 0 && t - p->arrival >= p->patience) {
                if (s->given[q->v[i]] >= 0)
                    s->cars[s->given[q->v[i]]].pickups[f]--;
                s->state[q->v[i]] = GAVE_UP;
                s->finished++;
                s->r->abandoned++;
                s->r->ticks = t;
            } else {
                q->v[kept++] = q->v[i];
            }
        }
        q->n = kept;
        for (int d = UP; d <= DOWN; d++)
            if (s->hall_at[d][f] >= 0 && !waits_for(s, f, d)) {
                s->hall_at[d][f] = -1;
                s->hall_car[d][f] = -1;
                s->r->cancelled_calls++;
            }
    }
}

/* A passenger's place in the arrival order: by tick, then by position in the input. */
typedef struct arrival {
    long at;
    size_t i;
} arrival;

static int by_arrival(const void *a, const void *b)
{
    const arrival *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean and nearest-rank 95th percentile of v[n] (sorted in place). */
static void summarize(double *v, size_t n, double *mean, double *p95)
{
    double sum = 0;
    *mean = *p95 = 0;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    qsort(v, n, sizeof *v, by_value);
    *mean = sum / (double)n;
    *p95 = v[(size_t)ceil(0.95 * (double)n) - 1];
}

static dk_status validate(const dk_elevator_config *c, const dk_elevator_passenger *p, size_t n,
                          dk_error *err)
{
    if (c->floors < 2 || c->floors > DK_ELEVATOR_MAX_FLOORS)
        return dk_error_set(err, DK_EINVAL, "elevator: floors must be 2 to %d (got %d)",
                            DK_ELEVATOR_MAX_FLOORS, c->floors);
    if (c->cars < 1 || c->cars > DK_ELEVATOR_MAX_CARS)
        return dk_error_set(err, DK_EINVAL, "elevator: cars must be 1 to %d (got %d)",
                            DK_ELEVATOR_MAX_CARS, c->cars);
    if (c->capacity < 1 || c->capacity > DK_ELEVATOR_MAX_CAPACITY)
        return dk_error_set(err, DK_EINVAL, "elevator: capacity must be 1 to %d (got %d)",
                            DK_ELEVATOR_MAX_CAPACITY, c->capacity);
    if ((unsigned)c->strategy > DK_ELEVATOR_DESTINATION)
        return dk_error_set(err, DK_EINVAL, "elevator: unknown strategy %d", (int)c->strategy);
    if (c->dwell < 0 || c->dwell > 1000)
        return dk_error_set(err, DK_EINVAL, "elevator: dwell must be 1 to 1000 (got %d)", c->dwell);
    if (n > 0 && p == NULL)
        return dk_error_set(err, DK_EINVAL, "elevator: %zu passengers but no list", n);
    for (size_t i = 0; i < n; i++) {
        if (p[i].from < 0 || p[i].from >= c->floors || p[i].to < 0 || p[i].to >= c->floors)
            return dk_error_set(err, DK_EINVAL,
                                "elevator: passenger %zu: floor %d -> %d is outside 0..%d", i + 1,
                                p[i].from, p[i].to, c->floors - 1);
        if (p[i].from == p[i].to)
            return dk_error_set(err, DK_EINVAL,
                                "elevator: passenger %zu: from and to are both floor %d", i + 1,
                                p[i].from);
        if (p[i].arrival < 0 || p[i].patience < 0)
            return dk_error_set(err, DK_EINVAL,
                                "elevator: passenger %zu: arrival and patience must be >= 0",
                                i + 1);
    }
    return DK_OK;
}

static dk_status simulate(sim *s, const arrival *order, long max_ticks, int patient, dk_error *err)
{
    size_t next = 0;
    for (long t = 0; s->finished < s->n; t++) {
        if (t > max_ticks)
            return dk_error_set(err, DK_ELIMIT,
                                "elevator: %zu of %zu passengers still travelling after %ld ticks",
                                s->n - s->finished, s->n, max_ticks);
        for (; next < s->n && order[next].at <= t; next++) {
            size_t x = order[next].i;
            if (push(&s->waiting[s->p[x].from], x) != 0)
                return dk_error_set(err, DK_ENOMEM, "elevator: out of memory");
            s->state[x] = WAITING;
            press_hall(s, s->p[x].from, dir_of(&s->p[x]), t);
            if (s->cfg.strategy == DK_ELEVATOR_DESTINATION)
                give_car(s, x);
        }
        if (patient)
            give_up(s, t);
        assign(s);
        for (int k = 0; k < s->cfg.cars; k++) {
            dk_status st = step_car(s, k, t, err);
            if (st != DK_OK)
                return st;
        }
    }
    return DK_OK;
}

static dk_status report(sim *s)
{
    double *w = dk_malloc((s->r->served ? s->r->served : 1) * sizeof *w);
    double *r = dk_malloc((s->r->served ? s->r->served : 1) * sizeof *r);
    size_t m = 0;
    if (w == NULL || r == NULL) {
        dk_free(w);
        dk_free(r);
        return DK_ENOMEM;
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->state[i] == ARRIVED) {
            w[m] = (double)(s->board[i] - s->p[i].arrival);
            r[m++] = (double)(s->alight[i] - s->board[i]);
        }
    summarize(w, m, &s->r->mean_wait, &s->r->p95_wait);
    summarize(r, m, &s->r->mean_ride, &s->r->p95_ride);
    dk_free(w);
    dk_free(r);
    return DK_OK;
}

dk_status dk_elevator_run(const dk_elevator_config *cfg, const dk_elevator_passenger *passengers,
                          size_t n, long max_ticks, dk_elevator_report *out, dk_error *err)
{
    dk_status st = validate(cfg, passengers, n, err);
    if (st != DK_OK)
        return st;
    sim s = {.cfg = *cfg, .p = passengers, .n = n, .r = out};
    int F = cfg->floors, patient = 0;
    memset(out, 0, sizeof *out);
    if (s.cfg.dwell == 0)
        s.cfg.dwell = 2;
    arrival *order = dk_malloc((n ? n : 1) * sizeof *order);
    s.state = dk_calloc(n ? n : 1, 1);
    s.board = dk_calloc(n ? n : 1, sizeof(long));
    s.alight = dk_calloc(n ? n : 1, sizeof(long));
    s.given = dk_malloc((n ? n : 1) * sizeof(int));
    for (size_t i = 0; s.given != NULL && i < n; i++)
        s.given[i] = -1;
    s.waiting = dk_calloc((size_t)F, sizeof *s.waiting);
    int ok = order && s.state && s.board && s.alight && s.given && s.waiting;
    for (int d = UP; d <= DOWN; d++) {
        ok = ok && (s.hall_at[d] = dk_malloc((size_t)F * sizeof(long))) != NULL;
        ok = ok && (s.hall_car[d] = dk_malloc((size_t)F * sizeof(int))) != NULL;
        for (int f = 0; ok && f < F; f++) {
            s.hall_at[d][f] = -1;
            s.hall_car[d][f] = -1;
        }
    }
    for (int k = 0; k < cfg->cars; k++) {
        car *c = &s.cars[k];
        c->dir = 1;
        c->target = -1;
        ok = ok && (c->call = dk_malloc((size_t)F * sizeof(long))) != NULL;
        ok = ok && (c->pickups = dk_calloc((size_t)F, sizeof(int))) != NULL;
        for (int f = 0; ok && f < F; f++)
            c->call[f] = -1;
    }
    if (!ok) {
        st = dk_error_set(err, DK_ENOMEM, "elevator: out of memory");
    } else {
        for (size_t i = 0; i < n; i++) {
            order[i] = (arrival){passengers[i].arrival, i};
            patient |= passengers[i].patience > 0;
        }
        qsort(order, n, sizeof *order, by_arrival);
        st = simulate(&s, order, max_ticks > 0 ? max_ticks : 10000000L, patient, err);
        for (size_t i = 0; st == DK_OK && i < n; i++)
            out->served += s.state[i] == ARRIVED;
        if (st == DK_OK && report(&s) != DK_OK)
            st = dk_error_set(err, DK_ENOMEM, "elevator: out of memory");
    }
    for (int k = 0; k < cfg->cars; k++) {
        dk_free(s.cars[k].riders.v);
        dk_free(s.cars[k].call);
        dk_free(s.cars[k].pickups);
    }
    for (int f = 0; s.waiting != NULL && f < F; f++)
        dk_free(s.waiting[f].v);
    for (int d = UP; d <= DOWN; d++) {
        dk_free(s.hall_at[d]);
        dk_free(s.hall_car[d]);
    }
    dk_free(s.waiting);
    dk_free(s.alight);
    dk_free(s.given);
    dk_free(s.board);
    dk_free(s.state);
    dk_free(order);
    return st;
}
