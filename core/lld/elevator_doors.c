/* elevator_doors.c - a car's doors as a state machine (designkit/statemachine.h) whose delayed
 * transitions time the opening, the dwell and the closing on the machine's virtual clock; the
 * engine's clock drives that clock, and the car may move only while the machine is `closed`. */
#include "elevator_internal.h"

enum { MAX_DOOR_TICKS = 1000 };

/* The doors' own time unit: engine nanoseconds, so one clock serves both. */
static int64_t ns_of(int ticks)
{
    return (int64_t)ticks * DK_SEC;
}

/* `open` entry: the car serves the floor. The machine's context is its car, so one definition
 * serves every car of a run (and, with no context, the definition is only drawn). */
static dk_status on_open(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    dk__car *c = dk_sm_context(m);
    (void)ev;
    (void)ud;
    return c != NULL ? dk__elevator_serve(c->owner, c->index) : DK_OK;
}

static dk_status add(dk_sm_def_t *d, const char *from, const char *event, const char *to, int ticks,
                     dk_error *err)
{
    const char *targets[] = {to};
    dk_sm_transition t = {.source = from, .event = event, .targets = targets, .ntargets = 1};
    t.after_ns = event == NULL ? ns_of(ticks) : 0; /* no delay: an eventless transition */
    return dk_sm_def_transition(d, &t, err);
}

dk_sm_def_t *dk_elevator_doors_def(const dk_elevator_config *cfg, dk_error *err)
{
    static const char *const states[] = {"closed", "opening", "open", "held", "closing"};
    int open = cfg ? cfg->door_open : 0, close = cfg ? cfg->door_close : 0;
    int dwell = cfg && cfg->dwell ? cfg->dwell : 2;
    if (open < 0 || open > MAX_DOOR_TICKS || close < 0 || close > MAX_DOOR_TICKS) {
        dk_error_set(err, DK_EINVAL, "elevator: door_%s must be 0 to %d (got %d)",
                     open < 0 || open > MAX_DOOR_TICKS ? "open" : "close", MAX_DOOR_TICKS,
                     open < 0 || open > MAX_DOOR_TICKS ? open : close);
        return NULL;
    }
    if (dwell < 0 || dwell > MAX_DOOR_TICKS) {
        dk_error_set(err, DK_EINVAL, "elevator: dwell must be 1 to %d (got %d)", MAX_DOOR_TICKS,
                     dwell);
        return NULL;
    }
    dk_sm_def_t *d = dk_sm_def_new("doors", err);
    dk_status st = d != NULL ? DK_OK : DK_ENOMEM;
    for (size_t i = 0; st == DK_OK && i < sizeof states / sizeof *states; i++)
        st = dk_sm_def_state(d, NULL, states[i], DK_SM_STATE, err);
    if (st == DK_OK)
        st = dk_sm_def_initial(d, NULL, "closed", err);
    if (st == DK_OK)
        st = dk_sm_def_on_entry(d, "open", on_open, NULL, err);
    if (st == DK_OK)
        st = add(d, "closed", "open", "opening", 0, err);
    if (st == DK_OK)
        st = add(d, "opening", NULL, "open", open, err);
    if (st == DK_OK)
        st = add(d, "open", "hold", "held", 0, err); /* blocked: stays open, no dwell */
    if (st == DK_OK)
        st = add(d, "open", "close", "closing", 0, err); /* fire recall: close now */
    if (st == DK_OK)
        st = add(d, "open", NULL, "closing", dwell, err);
    if (st == DK_OK)
        st = add(d, "held", "release", "closing", 0, err);
    if (st == DK_OK)
        st = add(d, "closing", "reopen", "opening", 0, err); /* someone arrived: open again */
    if (st == DK_OK)
        st = add(d, "closing", NULL, "closed", close, err);
    if (st == DK_OK)
        st = dk_sm_def_seal(d, err);
    if (st != DK_OK) {
        dk_sm_def_free(d);
        return NULL;
    }
    return d;
}

int dk__elevator_doors_closed(const dk__elevator *s, int k)
{
    return dk_sm_in(s->cars[k].doors, "closed");
}

/* After the doors moved: closed lets the car go on; otherwise a timer for their next delay. */
static dk_status settle(dk__elevator *s, int k)
{
    dk__car *c = &s->cars[k];
    if (s->failed)
        return s->err.status;
    /* Whatever timer is pending is stale now: the doors may have moved on ahead of it (another
     * event brought their clock up to date), and a stale one must not step the car twice. */
    c->door_gen++;
    if (dk__elevator_doors_closed(s, k))
        return dk__elevator_step(s, k);
    dk_sm_pending next;
    if (dk_sm_pending_delays(c->doors, &next, 1) > 0) {
        dk_time_t delay = next.due - dk_sim_now(s->engine);
        dk__elevator_car_timer(s, k, delay > 0 ? delay : 0, 0, (void *)(uintptr_t)c->door_gen);
    }
    /* else held open: the car waits for a release */
    return DK_OK;
}

/* Brings the doors' clock to the engine's time, then sends `event` (NULL: none). A failure of
 * the machine itself (out of memory) stops the run; one of the car's own (its entry action)
 * has stopped it already. */
static dk_status drive(dk__elevator *s, int k, const char *event)
{
    dk_sm_t *m = s->cars[k].doors;
    dk_time_t now = dk_sim_now(s->engine);
    dk_error e = {0};
    dk_status st = DK_OK;
    if (now > dk_sm_now(m))
        st = dk_sm_advance(m, now - dk_sm_now(m), &e);
    if (st == DK_OK && event != NULL)
        st = dk_sm_send(m, event, NULL, &e);
    if (st == DK_OK)
        return settle(s, k);
    return s->failed ? s->err.status
                     : dk__elevator_fail(s, st, "elevator: car %d doors: %s", k + 1, e.message);
}

dk_status dk__elevator_doors_send(dk__elevator *s, int k, const char *event)
{
    return drive(s, k, event);
}

dk_status dk__elevator_doors_timer(dk__elevator *s, int k, unsigned gen)
{
    if (gen != s->cars[k].door_gen)
        return DK_OK; /* the doors moved on since (reopened, held): a newer timer counts */
    return drive(s, k, NULL);
}
