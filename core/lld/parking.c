/* parking.c - a parking lot: typed spots on floors, allocation strategies, tickets as a state
 * machine, fees on an injectable clock; one mutex around it all. */
#include "designkit/parking.h"

#include <pthread.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/statemachine.h"

#define HOUR_NS 3600000000000LL

typedef struct spot {
    int floor, distance;
    dk_park_spot_type type;
    int ticket; /* the ticket parked here, or -1 */
    int removed;
} spot;

typedef struct floor_ {
    int removed;
    int free[DK_PARK_SPOT_TYPES];
} floor_;

typedef struct ticket {
    int spot;
    dk_park_vehicle vehicle;
    int64_t entered;
    dk_sm_t *sm; /* NULL once closed */
    int payments;
    int64_t paid;
} ticket;

struct dk_park {
    pthread_mutex_t lock;
    dk_park_config cfg;
    int64_t own_now;
    dk_sm_def_t *def;
    spot *spots;
    size_t nspots, spots_cap;
    floor_ *floors;
    size_t nfloors, floors_cap;
    ticket *tickets;
    size_t ntickets, tickets_cap;
    int free_total, occupied;
    int64_t revenue;
};

/* ---- names ------------------------------------------------------------------------------ */

static const char *const spot_names[DK_PARK_SPOT_TYPES] = {"motorcycle", "compact", "large", "ev",
                                                           "accessible"};
static const char *const vehicle_names[DK_PARK_VEHICLES] = {"motorcycle", "car", "truck", "ev",
                                                            "accessible"};
static const char *const strategy_names[] = {"nearest", "lowest_floor", "best_fit", "callback"};

/* fits[v][t]: 2 the vehicle's own type, 1 overflow to a larger spot, 0 never. Accessible and EV
 * spots are kept for their holders: nobody overflows into them. */
static const unsigned char fits[DK_PARK_VEHICLES][DK_PARK_SPOT_TYPES] = {
    [DK_PARK_MOTORCYCLE] = {2, 1, 1, 0, 0}, [DK_PARK_CAR] = {0, 2, 1, 0, 0},
    [DK_PARK_TRUCK] = {0, 0, 2, 0, 0},      [DK_PARK_EV] = {0, 1, 1, 2, 0},
    [DK_PARK_ACCESSIBLE] = {0, 1, 1, 0, 2},
};

static dk_status parse(const char *const *names, int n, const char *name, int *out)
{
    for (int i = 0; name != NULL && i < n; i++)
        if (strcmp(names[i], name) == 0) {
            *out = i;
            return DK_OK;
        }
    return DK_ENOTFOUND;
}

const char *dk_park_spot_type_name(dk_park_spot_type t)
{
    return (unsigned)t < DK_PARK_SPOT_TYPES ? spot_names[t] : "?";
}

const char *dk_park_vehicle_name(dk_park_vehicle v)
{
    return (unsigned)v < DK_PARK_VEHICLES ? vehicle_names[v] : "?";
}

const char *dk_park_strategy_name(dk_park_strategy s)
{
    return (unsigned)s <= DK_PARK_CALLBACK ? strategy_names[s] : "?";
}

dk_status dk_park_spot_type_parse(const char *name, dk_park_spot_type *t)
{
    int i = 0;
    dk_status st = parse(spot_names, DK_PARK_SPOT_TYPES, name, &i);
    *t = (dk_park_spot_type)i;
    return st;
}

dk_status dk_park_vehicle_parse(const char *name, dk_park_vehicle *v)
{
    int i = 0;
    dk_status st = parse(vehicle_names, DK_PARK_VEHICLES, name, &i);
    *v = (dk_park_vehicle)i;
    return st;
}

dk_status dk_park_strategy_parse(const char *name, dk_park_strategy *s)
{
    int i = 0;
    dk_status st = parse(strategy_names, DK_PARK_CALLBACK + 1, name, &i);
    *s = (dk_park_strategy)i;
    return st;
}

int dk_park_fits(dk_park_vehicle v, dk_park_spot_type t)
{
    if ((unsigned)v >= DK_PARK_VEHICLES || (unsigned)t >= DK_PARK_SPOT_TYPES)
        return 0;
    return fits[v][t];
}

/* ---- fees ------------------------------------------------------------------------------- */

static int64_t day_cost(const dk_park_fee *f, int64_t hours)
{
    int64_t cost = 0, from = 0;
    for (size_t i = 0; i < f->ntiers && from < hours; i++) {
        int64_t to = f->tiers[i].up_to > 0 ? f->tiers[i].up_to : hours;
        if (to > hours)
            to = hours;
        if (to > from)
            cost += (to - from) * f->tiers[i].rate;
        from = to > from ? to : from;
    }
    return f->daily_cap > 0 && cost > f->daily_cap ? f->daily_cap : cost;
}

int64_t dk_park_fee_of(const dk_park_fee *fee, int64_t ns)
{
    if (ns <= 0)
        return 0;
    int64_t hours = (ns + HOUR_NS - 1) / HOUR_NS; /* an hour begun is an hour charged */
    return hours / 24 * day_cost(fee, 24) + day_cost(fee, hours % 24);
}

static dk_status check_fee(const dk_park_fee *f, int v, dk_error *err)
{
    const char *name = vehicle_names[v];
    if (f->ntiers > DK_PARK_MAX_TIERS)
        return dk_error_set(err, DK_EINVAL, "parking: fees.%s: at most %d tiers (got %zu)", name,
                            DK_PARK_MAX_TIERS, f->ntiers);
    if (f->daily_cap < 0)
        return dk_error_set(err, DK_EINVAL, "parking: fees.%s: daily_cap must be >= 0 (got %lld)",
                            name, (long long)f->daily_cap);
    int prev = 0;
    for (size_t i = 0; i < f->ntiers; i++) {
        const dk_park_tier *t = &f->tiers[i];
        if (t->rate < 0)
            return dk_error_set(err, DK_EINVAL,
                                "parking: fees.%s: tier %zu: rate must be >= 0 (got %lld)", name,
                                i + 1, (long long)t->rate);
        int last = i + 1 == f->ntiers;
        if (t->up_to < 0 || (t->up_to == 0 && !last) || (t->up_to > 0 && t->up_to <= prev))
            return dk_error_set(err, DK_EINVAL,
                                "parking: fees.%s: tier %zu: up_to must grow past %d hours "
                                "(0 only for the last tier; got %d)",
                                name, i + 1, prev, t->up_to);
        prev = t->up_to;
    }
    return DK_OK;
}

/* ---- the ticket machine ----------------------------------------------------------------- */

static const char *const ticket_states[] = {"active", "paid", "lost"};
static const struct {
    const char *source, *event, *target;
} ticket_edges[] = {
    {"active", "pay", "paid"},
    {"active", "lose", "lost"},
    {"lost", "pay", "paid"},
    {"paid", "exit", "closed"},
};

dk_sm_def_t *dk_park_ticket_def(dk_error *err)
{
    dk_sm_def_t *d = dk_sm_def_new("ticket", err);
    if (d == NULL)
        return NULL;
    dk_status st = DK_OK;
    for (size_t i = 0; st == DK_OK && i < sizeof ticket_states / sizeof *ticket_states; i++)
        st = dk_sm_def_state(d, NULL, ticket_states[i], DK_SM_STATE, err);
    if (st == DK_OK)
        st = dk_sm_def_state(d, NULL, "closed", DK_SM_FINAL, err);
    if (st == DK_OK)
        st = dk_sm_def_initial(d, NULL, "active", err);
    for (size_t i = 0; st == DK_OK && i < sizeof ticket_edges / sizeof *ticket_edges; i++) {
        dk_sm_transition t = {0};
        t.source = ticket_edges[i].source;
        t.event = ticket_edges[i].event;
        t.targets = &ticket_edges[i].target;
        t.ntargets = 1;
        st = dk_sm_def_transition(d, &t, err);
    }
    if (st == DK_OK)
        st = dk_sm_def_seal(d, err);
    if (st != DK_OK) {
        dk_sm_def_free(d);
        return NULL;
    }
    return d;
}

static const char *state_of(const ticket *t)
{
    if (t->sm == NULL)
        return "closed";
    const char *id = "closed";
    dk_sm_configuration(t->sm, &id, 1);
    return id;
}

/* ---- the lot ---------------------------------------------------------------------------- */

dk_park_t *dk_park_new(const dk_park_config *cfg, dk_error *err)
{
    if (cfg == NULL || (unsigned)cfg->strategy > DK_PARK_CALLBACK) {
        dk_error_set(err, DK_EINVAL, "parking: strategy: unknown");
        return NULL;
    }
    if (cfg->strategy == DK_PARK_CALLBACK && cfg->choose == NULL) {
        dk_error_set(err, DK_EINVAL, "parking: strategy: callback needs a choose function");
        return NULL;
    }
    if (cfg->lost_fee < 0) {
        dk_error_set(err, DK_EINVAL, "parking: lost_fee must be >= 0 (got %lld)",
                     (long long)cfg->lost_fee);
        return NULL;
    }
    for (int v = 0; v < DK_PARK_VEHICLES; v++)
        if (check_fee(&cfg->fees[v], v, err) != DK_OK)
            return NULL;
    dk_park_t *p = dk_calloc(1, sizeof *p);
    if (p == NULL) {
        dk_error_set(err, DK_ENOMEM, "parking: out of memory");
        return NULL;
    }
    p->cfg = *cfg;
    p->def = dk_park_ticket_def(err);
    if (p->def == NULL || pthread_mutex_init(&p->lock, NULL) != 0) {
        if (p->def != NULL)
            dk_error_set(err, DK_EINTERNAL, "parking: cannot make the lot's mutex");
        dk_sm_def_free(p->def);
        dk_free(p);
        return NULL;
    }
    return p;
}

void dk_park_free(dk_park_t *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->ntickets; i++)
        dk_sm_free(p->tickets[i].sm);
    dk_free(p->tickets);
    dk_free(p->spots);
    dk_free(p->floors);
    dk_sm_def_free(p->def);
    pthread_mutex_destroy(&p->lock);
    dk_free(p);
}

/* Grows `*arr` to hold one more element of `size`; 0, or -1 out of memory (`*arr` unchanged). */
static int grow(void **arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? 2 * *cap : 8;
    void *g = dk_realloc(*arr, ncap * size);
    if (g == NULL)
        return -1;
    *arr = g;
    *cap = ncap;
    return 0;
}

static int64_t now_locked(dk_park_t *p)
{
    return p->cfg.clock != NULL ? p->cfg.clock(p->cfg.clock_ud) : p->own_now;
}

int64_t dk_park_now(dk_park_t *p)
{
    pthread_mutex_lock(&p->lock);
    int64_t t = now_locked(p);
    pthread_mutex_unlock(&p->lock);
    return t;
}

dk_status dk_park_advance(dk_park_t *p, int64_t ns, dk_error *err)
{
    if (ns < 0)
        return dk_error_set(err, DK_EINVAL, "parking: advance: time never goes back (got %lld)",
                            (long long)ns);
    pthread_mutex_lock(&p->lock);
    dk_status st = DK_OK;
    if (p->cfg.clock != NULL)
        st = dk_error_set(err, DK_EINVAL, "parking: advance: the lot runs on the caller's clock");
    else
        p->own_now += ns;
    pthread_mutex_unlock(&p->lock);
    return st;
}

/* ---- floors and spots ------------------------------------------------------------------- */

dk_status dk_park_add_floor(dk_park_t *p, int *floor, dk_error *err)
{
    pthread_mutex_lock(&p->lock);
    dk_status st = DK_OK;
    if (grow((void **)&p->floors, p->nfloors, &p->floors_cap, sizeof *p->floors) != 0) {
        st = dk_error_set(err, DK_ENOMEM, "parking: add_floor: out of memory");
    } else {
        memset(&p->floors[p->nfloors], 0, sizeof *p->floors);
        if (floor != NULL)
            *floor = (int)p->nfloors;
        p->nfloors++;
    }
    pthread_mutex_unlock(&p->lock);
    return st;
}

static int floor_there(const dk_park_t *p, int floor)
{
    return floor >= 0 && (size_t)floor < p->nfloors && !p->floors[floor].removed;
}

static int spot_there(const dk_park_t *p, int s)
{
    return s >= 0 && (size_t)s < p->nspots && !p->spots[s].removed;
}

dk_status dk_park_add_spot(dk_park_t *p, int floor, dk_park_spot_type type, int distance,
                           int *spot_id, dk_error *err)
{
    if ((unsigned)type >= DK_PARK_SPOT_TYPES)
        return dk_error_set(err, DK_EINVAL, "parking: add_spot: unknown spot type %d", (int)type);
    if (distance < 0)
        return dk_error_set(err, DK_EINVAL, "parking: add_spot: distance must be >= 0 (got %d)",
                            distance);
    pthread_mutex_lock(&p->lock);
    dk_status st = DK_OK;
    if (!floor_there(p, floor)) {
        st = dk_error_set(err, DK_ENOTFOUND, "parking: add_spot: no floor %d", floor);
    } else if (grow((void **)&p->spots, p->nspots, &p->spots_cap, sizeof *p->spots) != 0) {
        st = dk_error_set(err, DK_ENOMEM, "parking: add_spot: out of memory");
    } else {
        spot s = {floor, distance, type, -1, 0};
        p->spots[p->nspots] = s;
        if (spot_id != NULL)
            *spot_id = (int)p->nspots;
        p->nspots++;
        p->floors[floor].free[type]++;
        p->free_total++;
    }
    pthread_mutex_unlock(&p->lock);
    return st;
}

static void drop_spot(dk_park_t *p, int s)
{
    p->spots[s].removed = 1;
    p->floors[p->spots[s].floor].free[p->spots[s].type]--;
    p->free_total--;
}

dk_status dk_park_remove_spot(dk_park_t *p, int s, dk_error *err)
{
    pthread_mutex_lock(&p->lock);
    dk_status st = DK_OK;
    if (!spot_there(p, s))
        st = dk_error_set(err, DK_ENOTFOUND, "parking: remove_spot: no spot %d", s);
    else if (p->spots[s].ticket >= 0)
        st = dk_error_set(err, DK_ESTATE, "parking: remove_spot: spot %d is taken (ticket %d)", s,
                          p->spots[s].ticket);
    else
        drop_spot(p, s);
    pthread_mutex_unlock(&p->lock);
    return st;
}

dk_status dk_park_remove_floor(dk_park_t *p, int floor, dk_error *err)
{
    pthread_mutex_lock(&p->lock);
    dk_status st = DK_OK;
    if (!floor_there(p, floor))
        st = dk_error_set(err, DK_ENOTFOUND, "parking: remove_floor: no floor %d", floor);
    for (size_t i = 0; st == DK_OK && i < p->nspots; i++)
        if (spot_there(p, (int)i) && p->spots[i].floor == floor && p->spots[i].ticket >= 0)
            st = dk_error_set(err, DK_ESTATE,
                              "parking: remove_floor: floor %d: spot %zu is taken (ticket %d)",
                              floor, i, p->spots[i].ticket);
    if (st == DK_OK) {
        for (size_t i = 0; i < p->nspots; i++)
            if (spot_there(p, (int)i) && p->spots[i].floor == floor)
                drop_spot(p, (int)i);
        p->floors[floor].removed = 1;
    }
    pthread_mutex_unlock(&p->lock);
    return st;
}

int dk_park_available(dk_park_t *p, int floor, int type)
{
    pthread_mutex_lock(&p->lock);
    int n = 0;
    for (size_t f = 0; f < p->nfloors; f++) {
        if (p->floors[f].removed || (floor >= 0 && (size_t)floor != f))
            continue;
        for (int t = 0; t < DK_PARK_SPOT_TYPES; t++)
            if (type < 0 || type == t)
                n += p->floors[f].free[t];
    }
    pthread_mutex_unlock(&p->lock);
    return n;
}

int dk_park_occupied(dk_park_t *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->occupied;
    pthread_mutex_unlock(&p->lock);
    return n;
}

/* ---- allocation ------------------------------------------------------------------------- */

/* Whether candidate a goes before b under strategy s (ties: the lower spot id, so the choice
 * never depends on the order spots were scanned). */
static int before(dk_park_strategy s, const dk_park_candidate *a, const dk_park_candidate *b)
{
    if (s == DK_PARK_LOWEST_FLOOR && a->floor != b->floor)
        return a->floor < b->floor;
    if (s == DK_PARK_BEST_FIT && a->overflow != b->overflow)
        return a->overflow < b->overflow;
    if (s == DK_PARK_BEST_FIT && a->type != b->type)
        return a->type < b->type;
    if (a->distance != b->distance)
        return a->distance < b->distance;
    return a->spot < b->spot;
}

/* The chosen spot, -1 when none fits, -2 when the callback answers out of range, -3 out of
 * memory (`err` set for both). */
static int choose_spot(dk_park_t *p, dk_park_vehicle v, dk_error *err)
{
    size_t n = 0;
    dk_park_candidate best = {-1, 0, 0, 0, 0};
    dk_park_candidate *all = NULL;
    if (p->cfg.strategy == DK_PARK_CALLBACK) {
        all = dk_calloc(p->nspots ? p->nspots : 1, sizeof *all);
        if (all == NULL) {
            dk_error_set(err, DK_ENOMEM, "parking: enter: out of memory");
            return -3;
        }
    }
    for (size_t i = 0; i < p->nspots; i++) {
        const spot *s = &p->spots[i];
        int fit = fits[v][s->type];
        if (s->removed || s->ticket >= 0 || fit == 0 || (fit == 1 && !p->cfg.overflow))
            continue;
        dk_park_candidate c = {(int)i, s->floor, s->type, s->distance, fit == 1};
        if (all != NULL)
            all[n] = c;
        if (n == 0 || before(p->cfg.strategy, &c, &best))
            best = c;
        n++;
    }
    if (all == NULL || n == 0) {
        dk_free(all);
        return n == 0 ? -1 : best.spot;
    }
    int k = p->cfg.choose(p->cfg.choose_ud, v, all, n);
    int chosen = k >= 0 && (size_t)k < n ? all[k].spot : k < 0 ? -1 : -2;
    if (chosen == -2)
        dk_error_set(err, DK_EINVAL, "parking: enter: the strategy chose %d of %zu candidates", k,
                     n);
    dk_free(all);
    return chosen;
}

dk_status dk_park_enter(dk_park_t *p, dk_park_vehicle v, int *ticket_id, int *spot_id,
                        dk_error *err)
{
    if ((unsigned)v >= DK_PARK_VEHICLES)
        return dk_error_set(err, DK_EINVAL, "parking: enter: unknown vehicle type %d", (int)v);
    pthread_mutex_lock(&p->lock);
    dk_status st = DK_OK;
    int s = -1;
    dk_sm_t *sm = NULL;
    if (grow((void **)&p->tickets, p->ntickets, &p->tickets_cap, sizeof *p->tickets) != 0)
        st = dk_error_set(err, DK_ENOMEM, "parking: enter: out of memory");
    if (st == DK_OK) {
        s = choose_spot(p, v, err);
        if (s == -2 || s == -3)
            st = s == -2 ? DK_EINVAL : DK_ENOMEM;
        else if (s < 0)
            st = dk_error_set(err, DK_EFULL, "parking: enter: no free spot fits a %s%s",
                              vehicle_names[v], p->cfg.overflow ? "" : " (overflow is off)");
    }
    if (st == DK_OK) {
        sm = dk_sm_new(p->def, err);
        if (sm == NULL || dk_sm_start(sm, err) != DK_OK) {
            dk_sm_free(sm);
            st = dk_error_set(err, DK_ENOMEM, "parking: enter: out of memory");
        }
    }
    if (st == DK_OK) {
        int id = (int)p->ntickets++;
        ticket t = {s, v, now_locked(p), sm, 0, 0};
        p->tickets[id] = t;
        p->spots[s].ticket = id;
        p->floors[p->spots[s].floor].free[p->spots[s].type]--;
        p->free_total--;
        p->occupied++;
        if (ticket_id != NULL)
            *ticket_id = id;
        if (spot_id != NULL)
            *spot_id = s;
    }
    pthread_mutex_unlock(&p->lock);
    return st;
}

/* ---- tickets ---------------------------------------------------------------------------- */

static ticket *find_ticket(dk_park_t *p, int id, const char *what, dk_error *err)
{
    if (id < 0 || (size_t)id >= p->ntickets) {
        dk_error_set(err, DK_ENOTFOUND, "parking: %s: no ticket %d", what, id);
        return NULL;
    }
    return &p->tickets[id];
}

static int64_t owed(dk_park_t *p, const ticket *t)
{
    int64_t fee = dk_park_fee_of(&p->cfg.fees[t->vehicle], now_locked(p) - t->entered);
    return strcmp(state_of(t), "lost") == 0 ? fee + p->cfg.lost_fee : fee;
}

static dk_status need_unpaid(const ticket *t, int id, const char *what, dk_error *err)
{
    const char *s = state_of(t);
    if (strcmp(s, "active") == 0 || strcmp(s, "lost") == 0)
        return DK_OK;
    return dk_error_set(err, DK_ESTATE, "parking: %s: ticket %d is %s", what, id, s);
}

dk_status dk_park_quote(dk_park_t *p, int id, int64_t *fee, dk_error *err)
{
    pthread_mutex_lock(&p->lock);
    ticket *t = find_ticket(p, id, "quote", err);
    dk_status st = t == NULL ? DK_ENOTFOUND : need_unpaid(t, id, "quote", err);
    if (st == DK_OK && fee != NULL)
        *fee = owed(p, t);
    pthread_mutex_unlock(&p->lock);
    return st;
}

dk_status dk_park_lose(dk_park_t *p, int id, dk_error *err)
{
    pthread_mutex_lock(&p->lock);
    ticket *t = find_ticket(p, id, "lose", err);
    dk_status st = t == NULL ? DK_ENOTFOUND : DK_OK;
    if (st == DK_OK && strcmp(state_of(t), "active") != 0)
        st = dk_error_set(err, DK_ESTATE, "parking: lose: ticket %d is %s", id, state_of(t));
    if (st == DK_OK)
        st = dk_sm_send(t->sm, "lose", NULL, err);
    pthread_mutex_unlock(&p->lock);
    return st;
}

dk_status dk_park_pay(dk_park_t *p, int id, int64_t tendered, int64_t *change, dk_error *err)
{
    pthread_mutex_lock(&p->lock);
    ticket *t = find_ticket(p, id, "pay", err);
    dk_status st = t == NULL ? DK_ENOTFOUND : need_unpaid(t, id, "pay", err);
    int64_t fee = st == DK_OK ? owed(p, t) : 0;
    if (st == DK_OK && tendered < fee)
        st = dk_error_set(err, DK_ERANGE, "parking: pay: ticket %d owes %lld (tendered %lld)", id,
                          (long long)fee, (long long)tendered);
    if (st == DK_OK)
        st = dk_sm_send(t->sm, "pay", NULL, err);
    if (st == DK_OK) {
        t->payments++;
        t->paid = fee;
        p->revenue += fee;
        if (change != NULL)
            *change = tendered - fee;
    }
    pthread_mutex_unlock(&p->lock);
    return st;
}

dk_status dk_park_exit(dk_park_t *p, int id, dk_error *err)
{
    pthread_mutex_lock(&p->lock);
    ticket *t = find_ticket(p, id, "exit", err);
    dk_status st = t == NULL ? DK_ENOTFOUND : DK_OK;
    if (st == DK_OK && strcmp(state_of(t), "paid") != 0)
        st = dk_error_set(err, DK_ESTATE, "parking: exit: ticket %d is %s, not paid", id,
                          state_of(t));
    if (st == DK_OK)
        st = dk_sm_send(t->sm, "exit", NULL, err);
    if (st == DK_OK) {
        spot *s = &p->spots[t->spot];
        s->ticket = -1;
        p->floors[s->floor].free[s->type]++;
        p->free_total++;
        p->occupied--;
        dk_sm_free(t->sm); /* closed is final: the machine has nothing left to say */
        t->sm = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    return st;
}

const char *dk_park_ticket_state(dk_park_t *p, int id)
{
    pthread_mutex_lock(&p->lock);
    const char *s = id >= 0 && (size_t)id < p->ntickets ? state_of(&p->tickets[id]) : NULL;
    pthread_mutex_unlock(&p->lock);
    return s;
}

int64_t dk_park_revenue(dk_park_t *p)
{
    pthread_mutex_lock(&p->lock);
    int64_t r = p->revenue;
    pthread_mutex_unlock(&p->lock);
    return r;
}

/* ---- invariants ------------------------------------------------------------------------- */

static dk_status check_locked(dk_park_t *p, dk_error *err)
{
    int free_total = 0, taken = 0;
    int64_t revenue = 0;
    for (size_t f = 0; f < p->nfloors; f++) {
        int free[DK_PARK_SPOT_TYPES] = {0};
        for (size_t i = 0; i < p->nspots; i++)
            if (!p->spots[i].removed && p->spots[i].floor == (int)f && p->spots[i].ticket < 0)
                free[p->spots[i].type]++;
        for (int t = 0; !p->floors[f].removed && t < DK_PARK_SPOT_TYPES; t++) {
            if (free[t] != p->floors[f].free[t])
                return dk_error_set(err, DK_EINTERNAL,
                                    "parking: floor %zu: %d free %s spots counted, %d kept", f,
                                    free[t], spot_names[t], p->floors[f].free[t]);
            free_total += free[t];
        }
    }
    for (size_t i = 0; i < p->nspots; i++) {
        const spot *s = &p->spots[i];
        if (s->removed || s->ticket < 0)
            continue;
        taken++;
        const ticket *t = &p->tickets[s->ticket];
        if (t->sm == NULL || t->spot != (int)i)
            return dk_error_set(err, DK_EINTERNAL,
                                "parking: spot %zu holds ticket %d, which does not hold it", i,
                                s->ticket);
        if (!fits[t->vehicle][s->type])
            return dk_error_set(err, DK_EINTERNAL, "parking: spot %zu: a %s on a %s spot", i,
                                vehicle_names[t->vehicle], spot_names[s->type]);
    }
    int open = 0;
    for (size_t i = 0; i < p->ntickets; i++) {
        const ticket *t = &p->tickets[i];
        if (t->payments > 1)
            return dk_error_set(err, DK_EINTERNAL, "parking: ticket %zu was paid %d times", i,
                                t->payments);
        revenue += t->paid;
        if (t->sm == NULL)
            continue;
        open++;
        if (p->spots[t->spot].ticket != (int)i) /* two open tickets on one spot land here */
            return dk_error_set(err, DK_EINTERNAL,
                                "parking: ticket %zu holds spot %d, which holds ticket %d", i,
                                t->spot, p->spots[t->spot].ticket);
    }
    if (free_total != p->free_total || taken != p->occupied || open != p->occupied)
        return dk_error_set(err, DK_EINTERNAL,
                            "parking: counts disagree: %d free (kept %d), %d taken, %d open "
                            "tickets (kept %d)",
                            free_total, p->free_total, taken, open, p->occupied);
    if (revenue != p->revenue)
        return dk_error_set(err, DK_EINTERNAL, "parking: revenue %lld, payments sum to %lld",
                            (long long)p->revenue, (long long)revenue);
    return DK_OK;
}

dk_status dk_park_check(dk_park_t *p, dk_error *err)
{
    pthread_mutex_lock(&p->lock);
    dk_status st = check_locked(p, err);
    pthread_mutex_unlock(&p->lock);
    return st;
}
