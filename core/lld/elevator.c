/* elevator.c - the elevator group simulation on the event engine (core/sim): passengers
 * arrive and give up, modes change, cars move a floor a tick and open their doors (a state
 * machine, elevator_doors.c), all as events; the safety invariants are checked before every
 * move. Which car serves what is elevator_dispatch.c; the checks of the input and the sums of
 * the report, elevator_report.c. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/locale.h"
#include "elevator_internal.h"

/* A tick is DK_SEC of engine time. Within a tick, events keep an order of phases, so that a
 * run means what the tick loop it replaced meant: mode changes and arrivals first, then
 * give-ups, then the cars. Ties within a phase run in the order they were scheduled. */
enum { PHASE_ARRIVE = 0, PHASE_GIVE_UP = 1, PHASE_CAR = 2 };

/* Timer tags: what the event is, in the low byte; a car's index above it. */
enum { T_DOORS, T_STEP, T_MOVED, T_ARRIVE, T_GIVE_UP, T_MODE };

long dk__elevator_tick(const dk__elevator *s)
{
    return (long)(dk_sim_now(s->engine) / DK_SEC);
}

int dk__elevator_push(dk__ilist *l, size_t x)
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

int dk__elevator_dir_of(const dk_elevator_passenger *p)
{
    return p->to > p->from ? UP : DOWN;
}

dk_status dk__elevator_fail(dk__elevator *s, dk_status st, const char *fmt, ...)
{
    if (s->failed)
        return s->err.status;
    va_list ap;
    va_start(ap, fmt);
    s->err.status = st;
    dk_vsnprintf(s->err.message, sizeof s->err.message, fmt, ap);
    va_end(ap);
    s->failed = 1;
    dk_sim_abort(s->engine, st, "%s", s->err.message);
    return st;
}

/* A timer at engine time `at`, in phase `phase` of its tick or later. */
static void timer_at(dk__elevator *s, dk_time_t at, int phase, uint32_t tag, void *ptr)
{
    dk_time_t in_tick = at % DK_SEC;
    if (in_tick < phase)
        at += phase - in_tick;
    dk_sim_timer(s->engine, s->actor, at - dk_sim_now(s->engine), tag, ptr);
}

void dk__elevator_car_timer(dk__elevator *s, int k, dk_time_t delay, uint32_t what, void *ptr)
{
    timer_at(s, dk_sim_now(s->engine) + delay, PHASE_CAR, what | (uint32_t)k << 8, ptr);
}

/* Every idle car in service looks again for work (a call was pressed, given or dropped). */
static void wake(dk__elevator *s)
{
    dk__elevator_assign(s);
    for (int k = 0; k < s->cfg.cars; k++) {
        dk__car *c = &s->cars[k];
        if (!c->busy && c->mode != PARKED) {
            c->busy = 1;
            dk__elevator_car_timer(s, k, 0, T_STEP, NULL);
        }
    }
}

static int full(const dk__elevator *s, const dk__car *c)
{
    return c->riders.n >= (size_t)s->cfg.capacity;
}

static void press_hall(dk__elevator *s, int f, int d, long t)
{
    if (s->hall_at[d][f] >= 0) {
        s->r->merged_calls++;
        return;
    }
    s->hall_at[d][f] = t;
    s->hall_car[d][f] = -1;
}

static int waits_for(const dk__elevator *s, int f, int d)
{
    for (size_t i = 0; i < s->waiting[f].n; i++)
        if (dk__elevator_dir_of(&s->p[s->waiting[f].v[i]]) == d)
            return 1;
    return 0;
}

static void finish(dk__elevator *s, size_t x, int how)
{
    s->state[x] = (unsigned char)how;
    s->finished++;
    s->r->ticks = dk__elevator_tick(s);
}

/* Those waiting at car k's floor board in arrival order while there is room and press their
 * car calls; the hall calls clear when nobody is left. */
static dk_status board(dk__elevator *s, int k)
{
    dk__car *c = &s->cars[k];
    int f = c->floor;
    long t = dk__elevator_tick(s);
    dk__ilist *q = &s->waiting[f];
    size_t kept = 0;
    for (size_t i = 0; i < q->n; i++) {
        size_t x = q->v[i];
        if (full(s, c) || (s->given[x] >= 0 && s->given[x] != k)) {
            q->v[kept++] = x;
            continue;
        }
        if (s->given[x] >= 0)
            c->pickups[f]--;
        if (dk__elevator_push(&c->riders, x) != 0)
            return dk__elevator_fail(s, DK_ENOMEM, "elevator: out of memory");
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

dk_status dk__elevator_serve(dk__elevator *s, int k)
{
    dk__car *c = &s->cars[k];
    int f = c->floor;
    long t = dk__elevator_tick(s);
    if (c->mode == RECALLED) {
        if (f != 0)
            return dk_sm_raise(c->doors, "close", NULL); /* opened as the recall came: shut */
        for (size_t i = 0; i < c->riders.n; i++) {       /* everyone out at the lobby */
            size_t x = c->riders.v[i];
            s->alight[x] = t;
            finish(s, x, s->p[x].to == f ? ARRIVED : EVACUATED);
            s->r->evacuated += s->p[x].to != f;
        }
        c->riders.n = 0;
        c->mode = PARKED;
        return dk_sm_raise(c->doors, "hold", NULL); /* and the doors stay open */
    }
    c->call[f] = -1;
    size_t kept = 0;
    for (size_t i = 0; i < c->riders.n; i++) {
        size_t x = c->riders.v[i];
        if (s->p[x].to == f) {
            s->alight[x] = t;
            finish(s, x, ARRIVED);
        } else {
            c->riders.v[kept++] = x;
        }
    }
    c->riders.n = kept;
    if (c->mode == IN_SERVICE) {
        dk_status st = board(s, k);
        if (st != DK_OK)
            return st;
    }
    wake(s);
    return DK_OK;
}

/* The safety invariants, before car `k` moves one floor toward its target. The doors are
 * asked, not remembered: the car may move only when their machine is `closed`. */
static dk_status check_move(dk__elevator *s, int k)
{
    const dk__car *c = &s->cars[k];
    const char *broken = NULL;
    s->r->checks++;
    if (!dk__elevator_doors_closed(s, k))
        broken = "moves with its doors open";
    else if (c->riders.n > (size_t)s->cfg.capacity)
        broken = "is over capacity";
    else if (c->target < 0 || c->target == c->floor)
        broken = "moves without a stop to go to";
    else if ((s->cfg.strategy != DK_ELEVATOR_FCFS || s->cfg.choose != NULL) &&
             c->call[c->floor] >= 0)
        broken = "passes a floor it accepted a car call for";
    if (broken != NULL)
        return dk__elevator_fail(s, DK_EINTERNAL, "elevator: car %d at floor %d on tick %ld %s",
                                 k + 1, c->floor, dk__elevator_tick(s), broken);
    return DK_OK;
}

dk_status dk__elevator_step(dk__elevator *s, int k)
{
    dk__car *c = &s->cars[k];
    if (s->failed)
        return s->err.status;
    c->busy = 0;
    if (c->mode == LEAVING && c->riders.n == 0)
        c->mode = PARKED; /* its riders are out: it parks where it is */
    dk__elevator_assign(s);
    int stop = -1;
    dk_status st = dk__elevator_pick(s, k, &stop);
    if (st != DK_OK)
        return st;
    c->target = stop;
    if (stop < 0)
        return DK_OK; /* idle until woken */
    c->busy = 1;
    if (stop == c->floor) {
        s->r->stops++;
        return dk__elevator_doors_send(s, k, "open");
    }
    if ((st = check_move(s, k)) != DK_OK)
        return st;
    c->dir = stop > c->floor ? 1 : -1;
    c->floor += c->dir; /* committed: from now on it is counted at the next floor */
    if (c->floor > s->r->highest)
        s->r->highest = c->floor;
    dk__elevator_car_timer(s, k, DK_SEC, T_MOVED, NULL);
    return DK_OK;
}

/* Passengers whose tick has come appear, press their hall call (destination dispatch: are
 * given a car) and, where a car of theirs is closing its doors at the floor, reopen them; a car
 * standing open takes them at once. */
static dk_status arrive(dk__elevator *s)
{
    long t = dk__elevator_tick(s);
    for (; s->next < s->n && s->p[s->order[s->next]].arrival <= t; s->next++) {
        size_t x = s->order[s->next];
        const dk_elevator_passenger *p = &s->p[x];
        if (dk__elevator_push(&s->waiting[p->from], x) != 0)
            return dk__elevator_fail(s, DK_ENOMEM, "elevator: out of memory");
        s->state[x] = WAITING;
        press_hall(s, p->from, dk__elevator_dir_of(p), t);
        if (s->cfg.strategy == DK_ELEVATOR_DESTINATION)
            dk__elevator_give_car(s, x);
        if (p->patience > 0)
            timer_at(s, (p->arrival + p->patience) * DK_SEC, PHASE_GIVE_UP, T_GIVE_UP,
                     (void *)(uintptr_t)x);
        for (int k = 0; k < s->cfg.cars; k++) {
            dk__car *c = &s->cars[k];
            if (c->floor != p->from || !dk__elevator_takes_calls(s, k) ||
                (s->given[x] >= 0 && s->given[x] != k))
                continue;
            dk_status st = DK_OK;
            if (dk_sm_in(c->doors, "closing")) {
                s->r->reopenings++;
                st = dk__elevator_doors_send(s, k, "reopen");
            } else if (dk_sm_in(c->doors, "open")) {
                st = board(s, k);
            }
            if (st != DK_OK)
                return st;
            if (s->state[x] != WAITING)
                break;
        }
    }
    if (s->next < s->n)
        timer_at(s, s->p[s->order[s->next]].arrival * DK_SEC, PHASE_ARRIVE, T_ARRIVE, NULL);
    wake(s);
    return DK_OK;
}

/* A passenger whose patience ran out leaves; a hall call nobody waits for any more is
 * cancelled. */
static void give_up(dk__elevator *s, size_t x)
{
    if (s->state[x] != WAITING)
        return;
    int f = s->p[x].from;
    dk__ilist *q = &s->waiting[f];
    size_t kept = 0;
    for (size_t i = 0; i < q->n; i++)
        if (q->v[i] != x)
            q->v[kept++] = q->v[i];
    q->n = kept;
    if (s->given[x] >= 0)
        s->cars[s->given[x]].pickups[f]--;
    finish(s, x, GAVE_UP);
    s->r->abandoned++;
    for (int d = UP; d <= DOWN; d++)
        if (s->hall_at[d][f] >= 0 && !waits_for(s, f, d)) {
            s->hall_at[d][f] = -1;
            s->hall_car[d][f] = -1;
            s->r->cancelled_calls++;
        }
    wake(s);
}

/* A mode change (see dk_elevator_mode). */
static dk_status change_mode(dk__elevator *s, const dk_elevator_mode_event *m)
{
    if (m->mode == DK_ELEVATOR_FIRE_RECALL) {
        s->r->recalls++;
        for (int k = 0; k < s->cfg.cars; k++) {
            dk__car *c = &s->cars[k];
            dk__elevator_release(s, k, 0);
            for (int f = 0; f < s->cfg.floors; f++)
                c->call[f] = -1; /* no stop on the way: everyone gets out at the lobby */
            if (c->mode == PARKED && c->floor == 0 && dk_sm_in(c->doors, "held"))
                continue; /* recalled already, waiting at the lobby */
            c->mode = RECALLED;
            dk_status st = DK_OK;
            if (dk_sm_in(c->doors, "open")) {
                st = dk__elevator_doors_send(s, k, "close");
            } else if (dk_sm_in(c->doors, "held")) { /* held open elsewhere: shut them and go */
                st = dk__elevator_doors_send(s, k, "release");
            } else if (!c->busy) { /* idle or parked: it sets off now */
                c->busy = 1;
                dk__elevator_car_timer(s, k, 0, T_STEP, NULL);
            }
            if (st != DK_OK)
                return st;
        }
        return DK_OK;
    }
    int k = m->car - 1;
    dk__car *c = &s->cars[k];
    if (m->mode == DK_ELEVATOR_MAINTENANCE) {
        if (c->mode != IN_SERVICE)
            return DK_OK;
        s->r->maintenance++;
        c->mode = LEAVING;
        dk__elevator_release(s, k, 1);
        wake(s);
        return DK_OK;
    }
    if (c->mode == IN_SERVICE)
        return DK_OK;
    c->mode = IN_SERVICE;
    if (dk_sm_in(c->doors, "held"))
        return dk__elevator_doors_send(s, k, "release");
    wake(s);
    return DK_OK;
}

static void on_event(dk_actor_t *self, const dk_event *ev)
{
    dk__elevator *s = dk_actor_data(self);
    if (s->failed)
        return;
    if (ev->kind == DK_EV_START) {
        for (size_t i = 0; i < s->cfg.nmodes; i++)
            timer_at(s, s->cfg.modes[i].at * DK_SEC, PHASE_ARRIVE, T_MODE, (void *)(uintptr_t)i);
        if (s->n > 0)
            timer_at(s, s->p[s->order[0]].arrival * DK_SEC, PHASE_ARRIVE, T_ARRIVE, NULL);
        return;
    }
    if (ev->kind != DK_EV_TIMER)
        return;
    int k = (int)(ev->tag >> 8);
    switch (ev->tag & 0xff) {
    case T_DOORS:
        dk__elevator_doors_timer(s, k, (unsigned)(uintptr_t)ev->ptr);
        break;
    case T_STEP:
        dk__elevator_step(s, k);
        break;
    case T_MOVED: /* at the next floor (counted there since it left): what now? */
        dk__elevator_step(s, k);
        break;
    case T_ARRIVE:
        arrive(s);
        break;
    case T_GIVE_UP:
        give_up(s, (size_t)(uintptr_t)ev->ptr);
        break;
    case T_MODE:
        change_mode(s, &s->cfg.modes[(size_t)(uintptr_t)ev->ptr]);
        break;
    default:
        break;
    }
}

static const dk_actor_ops elevator_ops = {.kind = "elevator", .on_event = on_event};

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

static dk_status simulate(dk__elevator *s, long max_ticks, dk_error *err)
{
    dk_status st = DK_OK;
    dk_error e;
    if ((s->engine = dk_sim_new(0, &st)) == NULL)
        return dk_error_set(err, DK_ENOMEM, "elevator: out of memory");
    if ((s->actor = dk_sim_add_actor(s->engine, "elevator", &elevator_ops, s, &e)) == NULL)
        return dk_error_set(err, e.status, "elevator: %s", e.message);
    dk_sim_set_overload(s->engine, 0); /* no calls here: nothing to pile up */
    for (int k = 0; k < s->cfg.cars; k++) {
        dk__car *c = &s->cars[k];
        if ((c->doors = dk_sm_new(s->doors_def, &e)) == NULL)
            return dk_error_set(err, e.status, "elevator: %s", e.message);
        dk_sm_set_context(c->doors, c);
        if (dk_sm_start(c->doors, &e) != DK_OK)
            return dk_error_set(err, e.status, "elevator: %s", e.message);
    }
    dk_time_t until = (dk_time_t)max_ticks * DK_SEC + (DK_SEC - 1); /* every phase of the last */
    st = dk_sim_run(s->engine, until, 0, NULL, NULL);
    if (s->failed)
        return dk_error_set(err, s->err.status, "%s", s->err.message);
    if (st != DK_OK)
        return dk_error_set(err, st, "elevator: %s", dk_sim_error(s->engine));
    return dk__elevator_account(s, until, max_ticks, err);
}

dk_status dk_elevator_run(const dk_elevator_config *cfg, const dk_elevator_passenger *passengers,
                          size_t n, long max_ticks, dk_elevator_report *out, dk_error *err)
{
    dk_status st = dk__elevator_validate(cfg, passengers, n, err);
    if (st != DK_OK)
        return st;
    if (max_ticks < 0 || max_ticks > DK_ELEVATOR_MAX_TICKS)
        return dk_error_set(err, DK_EINVAL, "elevator: max_ticks must be 0 to %ld (got %ld)",
                            DK_ELEVATOR_MAX_TICKS, max_ticks);
    dk__elevator *s = dk_calloc(1, sizeof *s);
    if (s == NULL)
        return dk_error_set(err, DK_ENOMEM, "elevator: out of memory");
    s->cfg = *cfg;
    s->p = passengers;
    s->n = n;
    s->r = out;
    int F = cfg->floors;
    memset(out, 0, sizeof *out);
    if (s->cfg.dwell == 0)
        s->cfg.dwell = 2;
    arrival *order = dk_malloc((n ? n : 1) * sizeof *order);
    size_t *sorted = dk_malloc((n ? n : 1) * sizeof *sorted);
    s->state = dk_calloc(n ? n : 1, 1);
    s->board = dk_calloc(n ? n : 1, sizeof(long));
    s->alight = dk_calloc(n ? n : 1, sizeof(long));
    s->given = dk_malloc((n ? n : 1) * sizeof(int));
    for (size_t i = 0; s->given != NULL && i < n; i++)
        s->given[i] = -1;
    s->waiting = dk_calloc((size_t)F, sizeof *s->waiting);
    s->view = dk_malloc(2 * (size_t)F * sizeof *s->view);
    int ok =
        order && sorted && s->state && s->board && s->alight && s->given && s->waiting && s->view;
    for (int d = UP; d <= DOWN; d++) {
        ok = ok && (s->hall_at[d] = dk_malloc((size_t)F * sizeof(long))) != NULL;
        ok = ok && (s->hall_car[d] = dk_malloc((size_t)F * sizeof(int))) != NULL;
        for (int f = 0; ok && f < F; f++) {
            s->hall_at[d][f] = -1;
            s->hall_car[d][f] = -1;
        }
    }
    for (int k = 0; k < cfg->cars; k++) {
        dk__car *c = &s->cars[k];
        c->owner = s;
        c->index = k;
        c->dir = 1;
        c->target = -1;
        ok = ok && (c->call = dk_malloc((size_t)F * sizeof(long))) != NULL;
        ok = ok && (c->pickups = dk_calloc((size_t)F, sizeof(int))) != NULL;
        for (int f = 0; ok && f < F; f++)
            c->call[f] = -1;
    }
    if (!ok) {
        st = dk_error_set(err, DK_ENOMEM, "elevator: out of memory");
    } else if ((s->doors_def = dk_elevator_doors_def(&s->cfg, &s->err)) == NULL) {
        st = dk_error_set(err, s->err.status, "%s", s->err.message);
    } else {
        for (size_t i = 0; i < n; i++)
            order[i] = (arrival){passengers[i].arrival, i};
        qsort(order, n, sizeof *order, by_arrival);
        for (size_t i = 0; i < n; i++)
            sorted[i] = order[i].i;
        s->order = sorted;
        st = simulate(s, max_ticks > 0 ? max_ticks : 10000000L, err);
        for (size_t i = 0; st == DK_OK && i < n; i++)
            out->served += s->state[i] == ARRIVED;
        if (st == DK_OK && dk__elevator_report(s) != DK_OK)
            st = dk_error_set(err, DK_ENOMEM, "elevator: out of memory");
    }
    dk_sim_free(s->engine);
    for (int k = 0; k < cfg->cars; k++) {
        dk_sm_free(s->cars[k].doors);
        dk_free(s->cars[k].riders.v);
        dk_free(s->cars[k].call);
        dk_free(s->cars[k].pickups);
    }
    dk_sm_def_free(s->doors_def);
    for (int f = 0; s->waiting != NULL && f < F; f++)
        dk_free(s->waiting[f].v);
    for (int d = UP; d <= DOWN; d++) {
        dk_free(s->hall_at[d]);
        dk_free(s->hall_car[d]);
    }
    dk_free(s->view);
    dk_free(s->waiting);
    dk_free(s->alight);
    dk_free(s->given);
    dk_free(s->board);
    dk_free(s->state);
    dk_free(sorted);
    dk_free(order);
    dk_free(s);
    return st;
}
