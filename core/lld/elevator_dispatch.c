/* elevator_dispatch.c - which car serves which hall call, and which stop a car serves next: the
 * built-in strategies, or the caller's function with the car's view. */
#include <stdlib.h>

#include "elevator_internal.h"

static int full(const dk__elevator *s, const dk__car *c)
{
    return c->riders.n >= (size_t)s->cfg.capacity;
}

int dk__elevator_takes_calls(const dk__elevator *s, int k)
{
    return s->cars[k].mode == IN_SERVICE && !full(s, &s->cars[k]);
}

/* The tick floor `f` became a stop of car `k` (its car call, or a hall call given to it while it
 * takes calls), or -1 when it is not one. */
long dk__elevator_stop_since(const dk__elevator *s, int k, int f)
{
    const dk__car *c = &s->cars[k];
    long at = c->call[f];
    int destination = s->cfg.strategy == DK_ELEVATOR_DESTINATION;
    for (int d = UP; d <= DOWN && dk__elevator_takes_calls(s, k); d++) {
        int mine = destination ? c->pickups[f] > 0 : s->hall_car[d][f] == k;
        if (mine && s->hall_at[d][f] >= 0 && (at < 0 || s->hall_at[d][f] < at))
            at = s->hall_at[d][f];
    }
    return at;
}

/* The nearest stop of car `k` strictly ahead of it in direction `dir`, or -1. */
static int ahead(const dk__elevator *s, int k, int dir)
{
    const dk__car *c = &s->cars[k];
    for (int f = c->floor + dir; f >= 0 && f < s->cfg.floors; f += dir)
        if (dk__elevator_stop_since(s, k, f) >= 0)
            return f;
    return -1;
}

/* The stop car `k` serves next under a built-in strategy, or -1 when it has none. */
static int builtin(dk__elevator *s, int k)
{
    dk__car *c = &s->cars[k];
    int best = -1;
    long best_key = 0;
    if (s->cfg.strategy == DK_ELEVATOR_FCFS || s->cfg.strategy == DK_ELEVATOR_NEAREST) {
        for (int f = 0; f < s->cfg.floors; f++) {
            long since = dk__elevator_stop_since(s, k, f);
            long key = s->cfg.strategy == DK_ELEVATOR_FCFS ? since : labs((long)f - c->floor);
            if (since >= 0 && (best < 0 || key < best_key)) {
                best = f;
                best_key = key;
            }
        }
        return best;
    }
    if (dk__elevator_stop_since(s, k, c->floor) >= 0)
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

/* The caller's strategy: it sees the car's floor, direction and stops, and names the next. */
static dk_status chosen(dk__elevator *s, int k, int *stop)
{
    const dk__car *c = &s->cars[k];
    int *car_calls = s->view, *hall_calls = s->view + s->cfg.floors;
    dk_elevator_view v = {k + 1, c->floor,   c->dir, s->cfg.floors, dk__elevator_tick(s), car_calls,
                          0,     hall_calls, 0};
    int destination = s->cfg.strategy == DK_ELEVATOR_DESTINATION;
    for (int f = 0; f < s->cfg.floors; f++) {
        if (c->call[f] >= 0)
            car_calls[v.ncar_calls++] = f;
        int hall = 0;
        for (int d = UP; d <= DOWN && dk__elevator_takes_calls(s, k); d++)
            hall |=
                s->hall_at[d][f] >= 0 && (destination ? c->pickups[f] > 0 : s->hall_car[d][f] == k);
        if (hall)
            hall_calls[v.nhall_calls++] = f;
    }
    dk_error err = {0};
    *stop = -1;
    dk_status st = s->cfg.choose(&v, s->cfg.choose_ud, stop, &err);
    if (st != DK_OK)
        return dk__elevator_fail(s, st, "%s",
                                 err.message[0] ? err.message : "elevator: the strategy failed");
    if (*stop < -1 || *stop >= s->cfg.floors)
        return dk__elevator_fail(s, DK_EINVAL,
                                 "elevator: strategy: car %d at floor %d on tick %ld: chose floor "
                                 "%d, outside 0..%d",
                                 k + 1, c->floor, v.tick, *stop, s->cfg.floors - 1);
    return DK_OK;
}

dk_status dk__elevator_pick(dk__elevator *s, int k, int *stop)
{
    dk__car *c = &s->cars[k];
    if (c->mode == RECALLED) { /* fire service: to the lobby, past everything */
        *stop = 0;
        return DK_OK;
    }
    if (c->mode == PARKED) {
        *stop = -1;
        return DK_OK;
    }
    if (s->cfg.choose != NULL)
        return chosen(s, k, stop);
    *stop = builtin(s, k);
    return DK_OK;
}

/* How far car `k` is from serving floor `f`, as its strategy would travel. */
static long cost(const dk__elevator *s, int k, int f)
{
    const dk__car *c = &s->cars[k];
    if (s->cfg.strategy == DK_ELEVATOR_FCFS) { /* the shortest queue */
        long stops = 0;
        for (int g = 0; g < s->cfg.floors; g++)
            stops += dk__elevator_stop_since(s, k, g) >= 0;
        return stops;
    }
    long busy = 0; /* destination dispatch also weighs the stops a car already has */
    for (int g = 0; s->cfg.strategy == DK_ELEVATOR_DESTINATION && g < s->cfg.floors; g++)
        busy += s->cfg.dwell * (dk__elevator_stop_since(s, k, g) >= 0);
    if (s->cfg.strategy == DK_ELEVATOR_NEAREST || c->target < 0 ||
        (long)(f - c->floor) * c->dir >= 0)
        return busy + labs((long)f - c->floor);
    int end = c->dir > 0 ? s->cfg.floors - 1 : 0; /* behind a sweeping car: via the turn */
    return busy + labs((long)end - c->floor) + labs((long)end - f);
}

/* The cheapest car in service for floor `f` (ties to the lower-numbered; with `room`, only a
 * car that has room), or -1. */
static int cheapest(const dk__elevator *s, int f, int room)
{
    long best = 0;
    int pick_car = -1;
    for (int k = 0; k < s->cfg.cars; k++) {
        if (room ? !dk__elevator_takes_calls(s, k) : s->cars[k].mode != IN_SERVICE)
            continue;
        long c = cost(s, k, f);
        if (pick_car < 0 || c < best) {
            best = c;
            pick_car = k;
        }
    }
    return pick_car;
}

/* Destination dispatch: the passenger keys in a destination on arrival and is given at once
 * the cheapest car in service, which will stop for them; none in service: given later. */
void dk__elevator_give_car(dk__elevator *s, size_t x)
{
    int f = s->p[x].from, k = cheapest(s, f, 0);
    s->given[x] = k;
    if (k >= 0)
        s->cars[k].pickups[f]++;
}

/* Gives every hall call without a car (or held by a car that takes no calls now) to the
 * cheapest car that does; under destination dispatch, every waiting passenger without a car. */
void dk__elevator_assign(dk__elevator *s)
{
    if (s->cfg.strategy == DK_ELEVATOR_DESTINATION) {
        for (int f = 0; f < s->cfg.floors; f++)
            for (size_t i = 0; i < s->waiting[f].n; i++)
                if (s->given[s->waiting[f].v[i]] < 0)
                    dk__elevator_give_car(s, s->waiting[f].v[i]);
        return;
    }
    for (int f = 0; f < s->cfg.floors; f++)
        for (int d = UP; d <= DOWN; d++) {
            int *owner = &s->hall_car[d][f];
            if (s->hall_at[d][f] < 0 || (*owner >= 0 && dk__elevator_takes_calls(s, *owner)))
                continue;
            *owner = cheapest(s, f, 1);
        }
}

void dk__elevator_release(dk__elevator *s, int k, int count)
{
    for (int f = 0; f < s->cfg.floors; f++) {
        for (int d = UP; d <= DOWN; d++)
            if (s->hall_car[d][f] == k) {
                s->hall_car[d][f] = -1;
                s->r->redispatched += count && s->hall_at[d][f] >= 0;
            }
        for (size_t i = 0; i < s->waiting[f].n; i++)
            if (s->given[s->waiting[f].v[i]] == k) {
                s->given[s->waiting[f].v[i]] = -1;
                s->cars[k].pickups[f]--;
                s->r->redispatched += count;
            }
    }
}
