/* elevator.h - an elevator group: N floors, M cars with a capacity, hall and car calls, dispatch
 * strategies, a deterministic tick simulation with safety invariants checked at every step, and
 * the classic disk-arm schedule (the same strategies as seek orders) as a pure function. */
#ifndef DESIGNKIT_ELEVATOR_H
#define DESIGNKIT_ELEVATOR_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DK_ELEVATOR_MAX_FLOORS 1000
#define DK_ELEVATOR_MAX_CARS 64
#define DK_ELEVATOR_MAX_CAPACITY 1000

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

typedef struct dk_elevator_config {
    int floors;   /* 2 .. DK_ELEVATOR_MAX_FLOORS; floor 0 is the lobby */
    int cars;     /* 1 .. DK_ELEVATOR_MAX_CARS; every car starts idle at the lobby */
    int capacity; /* passengers per car, 1 .. DK_ELEVATOR_MAX_CAPACITY */
    dk_elevator_strategy strategy;
    int dwell; /* ticks the doors stay open at a stop, 1 .. 1000; 0 means 2 */
} dk_elevator_config;

/* What a run measured. Times are in ticks; a car moves one floor a tick. p95 is nearest-rank. */
typedef struct dk_elevator_report {
    size_t served, abandoned;
    double mean_wait, p95_wait; /* arrival to boarding, over the served */
    double mean_ride, p95_ride; /* boarding to alighting */
    size_t stops;               /* door openings, all cars */
    int highest;                /* the highest floor any car reached */
    size_t merged_calls;        /* presses of a call already registered */
    size_t cancelled_calls;     /* hall calls dropped because everyone waiting gave up */
    long ticks;                 /* when the last passenger alighted or gave up */
    size_t checks;              /* safety checks made (every car, every tick) */
} dk_elevator_report;

/*
 * dk_elevator_run - simulates `passengers[n]` (in any order) through the group `cfg`, tick by
 * tick, until everyone has alighted or given up. Deterministic: the same input gives the same
 * report. Before every car step the invariants are checked: a car never moves with its doors
 * open, never carries more than its capacity, never moves away from (or past) the stop it is
 * committed to, and (except under FCFS, whose order is strict) never leaves a floor it holds a
 * car call for without opening. DK_EINVAL naming the config field or passenger[i] at fault;
 * DK_ELIMIT past `max_ticks` (0: 10^7); DK_EINTERNAL naming the car, tick and invariant broken;
 * DK_ENOMEM.
 */
dk_status dk_elevator_run(const dk_elevator_config *cfg, const dk_elevator_passenger *passengers,
                          size_t n, long max_ticks, dk_elevator_report *out, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif
