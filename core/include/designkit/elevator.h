/* elevator.h - an elevator group: N floors, M cars with a capacity, hall and car calls, dispatch
 * strategies (built in, or a function of the caller's), doors as a timed state machine,
 * maintenance and fire-service modes, a deterministic simulation on the event engine of
 * core/sim with safety invariants checked at every step, and the classic disk-arm schedule (the
 * same strategies as seek orders) as a pure function. */
#ifndef DESIGNKIT_ELEVATOR_H
#define DESIGNKIT_ELEVATOR_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/statemachine.h"
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DK_ELEVATOR_MAX_FLOORS 1000
#define DK_ELEVATOR_MAX_CARS 64
#define DK_ELEVATOR_MAX_CAPACITY 1000
/* The latest tick a run may reach (arrivals, patience, modes, max_ticks): in engine time, 10^9
 * ticks of DK_SEC each stay well inside 64 bits. */
#define DK_ELEVATOR_MAX_TICKS 1000000000L

/* Which stop a car (or a disk arm) serves next. */
typedef enum dk_elevator_strategy {
    DK_ELEVATOR_FCFS,       /* the oldest request first, in strict order */
    DK_ELEVATOR_NEAREST,    /* the nearest request first (disk: SSTF) */
    DK_ELEVATOR_SCAN,       /* sweep to the end of the shaft, then back */
    DK_ELEVATOR_LOOK,       /* sweep only as far as the last request, then back */
    DK_ELEVATOR_DESTINATION /* destination dispatch: each passenger is given a car on arrival
                             * and boards only it; cars sweep as LOOK (not a seek order) */
} dk_elevator_strategy;

const char *dk_elevator_strategy_name(dk_elevator_strategy s); /* "fcfs", "nearest", ... */
dk_status dk_elevator_strategy_parse(const char *name, dk_elevator_strategy *s); /* DK_ENOTFOUND */

/*
 * dk_elevator_seek - the disk-arm schedule: the order in which a head at `start`, moving in
 * `direction` (+1 up, -1 down; used by SCAN and LOOK), serves `requests[n]` on positions
 * lo..hi. `order` (n entries, may be NULL) gets the positions in service order and `*travel`
 * the distance moved (SCAN counts its trip to the end of the range). Ties in NEAREST go to the
 * earlier request. DK_EINVAL naming the request or field that is out of range, or for
 * DK_ELEVATOR_DESTINATION, which has no seek order.
 */
dk_status dk_elevator_seek(dk_elevator_strategy s, int start, int direction, int lo, int hi,
                           const int *requests, size_t n, int *order, long *travel, dk_error *err);

/* A passenger: appears at floor `from` on tick `arrival` wanting floor `to`. With `patience`
 * > 0 the passenger gives up after waiting that many ticks (the hall call is cancelled when
 * nobody else waits for that direction). */
typedef struct dk_elevator_passenger {
    long arrival;
    int from, to;
    long patience;
} dk_elevator_passenger;

typedef enum dk_elevator_traffic {
    DK_ELEVATOR_UP_PEAK,   /* from the lobby (floor 0) to a floor above, uniformly */
    DK_ELEVATOR_DOWN_PEAK, /* from a floor above to the lobby */
    DK_ELEVATOR_INTERFLOOR /* between two distinct floors, uniformly */
} dk_elevator_traffic;

const char *dk_elevator_traffic_name(dk_elevator_traffic t); /* "up-peak", ... */
dk_status dk_elevator_traffic_parse(const char *name, dk_elevator_traffic *t);

/* Fills `out[n]` with a seeded workload: Poisson arrivals at `rate` passengers per tick
 * (0 < rate <= 1000), in arrival order, over `floors` (2..MAX) floors. DK_EINVAL. */
dk_status dk_elevator_traffic_make(dk_elevator_traffic t, int floors, size_t n, double rate,
                                   uint64_t seed, dk_elevator_passenger *out, dk_error *err);

/* A change of mode at tick `at` (in the order given; ties keep it). */
typedef enum dk_elevator_mode {
    DK_ELEVATOR_MAINTENANCE, /* car `car` takes no more hall calls (those it held go to the
                              * others), serves its riders' stops, then parks where it is */
    DK_ELEVATOR_SERVICE,     /* car `car` is back in service (after maintenance or a recall) */
    DK_ELEVATOR_FIRE_RECALL  /* fire service: every car drops its calls, closes, goes to the lobby
                              * without stopping, lets everyone out, holds its doors open and
                              * stays out of service; `car` is ignored */
} dk_elevator_mode;

const char *dk_elevator_mode_name(dk_elevator_mode m); /* "maintenance", "service", "fire" */
dk_status dk_elevator_mode_parse(const char *name, dk_elevator_mode *m); /* DK_ENOTFOUND */

typedef struct dk_elevator_mode_event {
    long at; /* tick, 0 .. DK_ELEVATOR_MAX_TICKS */
    dk_elevator_mode mode;
    int car; /* 1 .. cars (ignored by DK_ELEVATOR_FIRE_RECALL) */
} dk_elevator_mode_event;

/* What a strategy function sees of one car when it must choose the car's next stop. Floors in
 * the lists are ascending; the lists are borrowed for the call. */
typedef struct dk_elevator_view {
    int car;       /* 1 .. cars */
    int floor;     /* where it is */
    int direction; /* +1 or -1: the way it last moved */
    int floors;
    long tick;
    const int *car_calls; /* floors its riders asked for */
    size_t ncar_calls;
    const int *hall_calls; /* floors of the hall calls given to it (destination dispatch: of the
                            * passengers given to it), while it has room */
    size_t nhall_calls;
} dk_elevator_view;

/* A strategy of the caller's: sets `*stop` to the floor the car serves next (its own floor:
 * open the doors here) or -1 (stay idle until something changes). Any other status stops the
 * run with it (put the reason in `err`). The group's `strategy` still gives hall calls to cars. */
typedef dk_status (*dk_elevator_choose_fn)(const dk_elevator_view *car, void *ud, int *stop,
                                           dk_error *err);

typedef struct dk_elevator_config {
    int floors;   /* 2 .. DK_ELEVATOR_MAX_FLOORS; floor 0 is the lobby */
    int cars;     /* 1 .. DK_ELEVATOR_MAX_CARS; every car starts idle at the lobby */
    int capacity; /* passengers per car, 1 .. DK_ELEVATOR_MAX_CAPACITY */
    dk_elevator_strategy strategy;
    int dwell; /* ticks the doors stay open at a stop, 1 .. 1000; 0 means 2 */
    /* Ticks the doors take to open and to close, 0 .. 1000 (0: at once, as before they had a
     * timing): a stop holds a car door_open + dwell + door_close ticks. */
    int door_open, door_close;
    const dk_elevator_mode_event *modes; /* borrowed for the run; may be NULL when nmodes is 0 */
    size_t nmodes;
    dk_elevator_choose_fn choose; /* NULL: `strategy` chooses the stops too */
    void *choose_ud;
} dk_elevator_config;

/*
 * dk_elevator_doors_def - the doors of one car as a sealed state machine definition, with the
 * timings of `cfg` (NULL: the defaults): closed -open-> opening -(after door_open)-> open
 * -(after dwell)-> closing -(after door_close)-> closed; closing -reopen-> opening (someone
 * arrived at the floor); open -hold-> held -release-> closing (blocked: doors kept open);
 * open -close-> closing (fire recall). A zero time is an eventless transition. Caller frees
 * with dk_sm_def_free. NULL with DK_EINVAL for timings out of range, DK_ENOMEM.
 */
dk_sm_def_t *dk_elevator_doors_def(const dk_elevator_config *cfg, dk_error *err);

/* What a run measured. Times are in ticks; a car moves one floor a tick. p95 is nearest-rank. */
typedef struct dk_elevator_report {
    size_t served, abandoned;
    double mean_wait, p95_wait;  /* arrival to boarding, over the served */
    double mean_ride, p95_ride;  /* boarding to alighting */
    size_t stops;                /* door openings, all cars */
    int highest;                 /* the highest floor any car reached */
    size_t merged_calls;         /* presses of a call already registered */
    size_t cancelled_calls;      /* hall calls dropped because everyone waiting gave up */
    long ticks;                  /* when the last passenger alighted or gave up */
    size_t checks;               /* safety checks made (every car, every move) */
    size_t reopenings;           /* doors that reopened while closing for someone arriving */
    size_t maintenance, recalls; /* mode events applied */
    size_t redispatched; /* hall calls (destination: passengers) given to another car because
                          * theirs left service */
    size_t evacuated;    /* riders let out at the lobby by a fire recall, short of their floor */
    size_t stranded;     /* waiting at the end with no car in service to come */
} dk_elevator_report;

/*
 * dk_elevator_run - simulates `passengers[n]` (in any order) through the group `cfg` on the
 * event engine (core/sim; one tick is DK_SEC of engine time) until everyone has alighted, given
 * up, been evacuated or stranded. Arrivals, give-ups, mode changes, car moves (a floor a tick)
 * and door timings are events; within one tick, mode changes and arrivals come first, then
 * give-ups, then the cars. Deterministic: the same input gives the same report. Before every
 * move the invariants are checked: a car never moves unless its doors machine is `closed`,
 * never carries more than its capacity, never moves without a stop to go to, and (except under
 * FCFS, whose order is strict) never leaves a floor it holds a car call for without opening.
 * DK_EINVAL naming the config field, modes[i] or passenger[i] at fault, or for `max_ticks`
 * outside 0..DK_ELEVATOR_MAX_TICKS; DK_ELIMIT past `max_ticks` (0: 10^7); DK_EINTERNAL naming the
 * car, tick and invariant broken; what cfg->choose returned (or DK_EINVAL when it chose a floor
 * outside the shaft); DK_ENOMEM.
 */
dk_status dk_elevator_run(const dk_elevator_config *cfg, const dk_elevator_passenger *passengers,
                          size_t n, long max_ticks, dk_elevator_report *out, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif
