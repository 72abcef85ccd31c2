/* parking.h - a parking lot: floors of typed spots, vehicles and the spots they fit, allocation
 * strategies, tickets as a state machine, fee rules on an injectable clock, payment.
 *
 * Thread safety: every function that takes a dk_park_t locks the lot's one mutex (pthread) for
 * its whole duration, so several gates may park and release vehicles from several threads at
 * once. The strategy callback and the clock run with that mutex held: they must not call back
 * into the lot. dk_park_new and dk_park_free are not concurrent with anything. */
#ifndef DESIGNKIT_PARKING_H
#define DESIGNKIT_PARKING_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/statemachine.h"
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Spot types, smallest first: best fit prefers the earliest type a vehicle fits. */
typedef enum dk_park_spot_type {
    DK_PARK_SPOT_MOTORCYCLE,
    DK_PARK_SPOT_COMPACT,
    DK_PARK_SPOT_LARGE,
    DK_PARK_SPOT_EV,         /* a compact spot with a charger */
    DK_PARK_SPOT_ACCESSIBLE, /* wide, near the lifts; kept for holders of a permit */
    DK_PARK_SPOT_TYPES
} dk_park_spot_type;

typedef enum dk_park_vehicle {
    DK_PARK_MOTORCYCLE, /* motorcycle; overflow: compact, large */
    DK_PARK_CAR,        /* compact; overflow: large */
    DK_PARK_TRUCK,      /* large only */
    DK_PARK_EV,         /* EV; overflow: compact, large */
    DK_PARK_ACCESSIBLE, /* a car with a permit: accessible; overflow: compact, large */
    DK_PARK_VEHICLES
} dk_park_vehicle;

const char *dk_park_spot_type_name(dk_park_spot_type t); /* "motorcycle", "compact", ... */
const char *dk_park_vehicle_name(dk_park_vehicle v);     /* "motorcycle", "car", ... */
dk_status dk_park_spot_type_parse(const char *name, dk_park_spot_type *t); /* DK_ENOTFOUND */
dk_status dk_park_vehicle_parse(const char *name, dk_park_vehicle *v);     /* DK_ENOTFOUND */

/* Whether a vehicle may take a spot of type `t`: 2 its own type, 1 only as overflow, 0 never. */
int dk_park_fits(dk_park_vehicle v, dk_park_spot_type t);

typedef enum dk_park_strategy {
    DK_PARK_NEAREST,      /* the smallest distance to the entrance, then the lowest spot id */
    DK_PARK_LOWEST_FLOOR, /* the lowest floor, then the nearest */
    DK_PARK_BEST_FIT,     /* the vehicle's own type before overflow, then the nearest */
    DK_PARK_CALLBACK      /* the config's `choose` picks */
} dk_park_strategy;

const char *dk_park_strategy_name(dk_park_strategy s); /* "nearest", "lowest_floor", ... */
dk_status dk_park_strategy_parse(const char *name, dk_park_strategy *s); /* DK_ENOTFOUND */

/* A free spot that fits the arriving vehicle, as a strategy sees it. */
typedef struct dk_park_candidate {
    int spot, floor;
    dk_park_spot_type type;
    int distance;
    int overflow; /* 1: a larger spot than the vehicle's own type */
} dk_park_candidate;

/* Picks one of `n` (>= 1) candidates: its index, or -1 to turn the vehicle away. Runs with the
 * lot locked (see the top of this file). */
typedef int (*dk_park_choose_fn)(void *ud, dk_park_vehicle v, const dk_park_candidate *c, size_t n);

/* Fees in integer minor units (cents). An hour begun is an hour charged. Tier i charges `rate`
 * per hour for the hours after tier i-1's `up_to` up to its own (`up_to` 0: every later hour).
 * A stay is cut into 24-hour days from the entry; each day costs its tiers, at most `daily_cap`
 * (0: no cap); the tiers start again each day. */
#define DK_PARK_MAX_TIERS 8
typedef struct dk_park_tier {
    int up_to; /* hours since the start of the day; 0 for the last tier */
    int64_t rate;
} dk_park_tier;

typedef struct dk_park_fee {
    dk_park_tier tiers[DK_PARK_MAX_TIERS];
    size_t ntiers; /* 0: parking is free for this vehicle */
    int64_t daily_cap;
} dk_park_fee;

typedef int64_t (*dk_park_clock_fn)(void *ud); /* nanoseconds; never goes back */

typedef struct dk_park_config {
    dk_park_strategy strategy;
    dk_park_choose_fn choose; /* DK_PARK_CALLBACK only */
    void *choose_ud;
    int overflow; /* 1: a vehicle may take a larger spot when its own are full */
    dk_park_fee fees[DK_PARK_VEHICLES]; /* per vehicle type */
    int64_t lost_fee;                   /* added to the fee of a ticket reported lost */
    dk_park_clock_fn clock;             /* NULL: the lot's own clock, moved by dk_park_advance */
    void *clock_ud;
} dk_park_config;

typedef struct dk_park dk_park_t;

/*
 * dk_park_new - an empty lot (no floors) the caller frees with dk_park_free. `cfg` is copied.
 * NULL with `err` for a bad config: a tier whose `up_to` does not grow, a 0 `up_to` before the
 * last tier, a negative rate, cap or lost fee, DK_PARK_CALLBACK without `choose`, an unknown
 * strategy (DK_EINVAL, naming the vehicle and the tier); DK_ENOMEM.
 */
dk_park_t *dk_park_new(const dk_park_config *cfg, dk_error *err);
void dk_park_free(dk_park_t *p); /* NULL is a no-op */

/* The lot's own clock: moves it `ns` (>= 0) forward. DK_EINVAL when negative or when the lot
 * was given a clock. */
dk_status dk_park_advance(dk_park_t *p, int64_t ns, dk_error *err);
int64_t dk_park_now(dk_park_t *p);

/* ---- floors and spots ------------------------------------------------------------------------ */

/* Adds a floor; its number (0, 1, ... in the order added) in *floor. DK_ENOMEM. */
dk_status dk_park_add_floor(dk_park_t *p, int *floor, dk_error *err);
/* Adds a spot of `type` on `floor` at `distance` (>= 0, any unit) from the entrance; its id (ids
 * are never reused) in *spot. DK_ENOTFOUND for a floor not there, DK_EINVAL for a bad type or
 * distance, DK_ENOMEM. */
dk_status dk_park_add_spot(dk_park_t *p, int floor, dk_park_spot_type type, int distance, int *spot,
                           dk_error *err);
/* Removes a free spot. DK_ENOTFOUND for a spot not there, DK_ESTATE when a vehicle is on it. */
dk_status dk_park_remove_spot(dk_park_t *p, int spot, dk_error *err);
/* Removes a floor and its spots, all or nothing: DK_ESTATE (naming a spot) when any is taken. */
dk_status dk_park_remove_floor(dk_park_t *p, int floor, dk_error *err);

/* Free spots of `type` on `floor`; -1 for either means all of them. */
int dk_park_available(dk_park_t *p, int floor, int type);
int dk_park_occupied(dk_park_t *p); /* spots taken, which is also the tickets still open */

/* ---- tickets ----------------------------------------------------------------------------------
 * A ticket is a state machine (designkit/statemachine.h): active -pay-> paid, active -lose->
 * lost -pay-> paid, paid -exit-> closed (final). */

/*
 * dk_park_enter - parks a vehicle: the strategy picks a spot among those it fits (its own type,
 * and larger ones when the lot allows overflow). The ticket's id in *ticket, the spot in *spot
 * (either may be NULL). DK_EFULL when no spot fits (or the callback turns it away), DK_EINVAL
 * for an unknown vehicle type or a callback index out of range, DK_ENOMEM.
 */
dk_status dk_park_enter(dk_park_t *p, dk_park_vehicle v, int *ticket, int *spot, dk_error *err);
/* What the ticket owes now (the lost fee included once it is lost). DK_ENOTFOUND; DK_ESTATE once
 * paid. */
dk_status dk_park_quote(dk_park_t *p, int ticket, int64_t *fee, dk_error *err);
/* Reports an active ticket lost. DK_ENOTFOUND, DK_ESTATE (not active). */
dk_status dk_park_lose(dk_park_t *p, int ticket, dk_error *err);
/* Pays what the ticket owes with `tendered`; the change in *change (may be NULL). DK_ESTATE when
 * it is paid already (a ticket is never paid twice), DK_ERANGE when `tendered` is short. */
dk_status dk_park_pay(dk_park_t *p, int ticket, int64_t tendered, int64_t *change, dk_error *err);
/* The vehicle leaves: frees its spot and closes the ticket. DK_ESTATE unless paid. */
dk_status dk_park_exit(dk_park_t *p, int ticket, dk_error *err);
/* The ticket's state: "active", "paid", "lost", "closed"; NULL for an unknown ticket. Borrowed:
 * valid while the lot lives. */
const char *dk_park_ticket_state(dk_park_t *p, int ticket);
int64_t dk_park_revenue(dk_park_t *p); /* the sum of every payment */

/* The fee of a stay of `ns` under `fee` (no lost fee): the rule above, on its own. */
int64_t dk_park_fee_of(const dk_park_fee *fee, int64_t ns);

/* Checks the lot's invariants from scratch: no spot holds two vehicles, every open ticket holds
 * exactly one spot that names it, the counters agree with the spots, no ticket was paid twice,
 * revenue is the sum of the payments. DK_EINTERNAL naming the first breach. */
dk_status dk_park_check(dk_park_t *p, dk_error *err);

/* The machine every ticket runs (active, paid, lost, closed), sealed, for drawing and exporting
 * (designkit/draw_sm.h, statemachine_export.h). A new definition the caller frees with
 * dk_sm_def_free; NULL with DK_ENOMEM. */
dk_sm_def_t *dk_park_ticket_def(dk_error *err);

#ifdef __cplusplus
}
#endif
#endif
