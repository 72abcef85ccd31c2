/* elevator_internal.h - what the parts of the elevator simulation share: elevator.c (the run on
 * the event engine: arrivals, moves, modes, the report), elevator_dispatch.c (which car serves
 * which call, and in what order) and elevator_doors.c (each car's doors as a state machine).
 * Private to core/lld; elevator_report.c checks the input and sums the report. */
#ifndef DESIGNKIT_ELEVATOR_INTERNAL_H
#define DESIGNKIT_ELEVATOR_INTERNAL_H

#include "designkit/elevator.h"
#include "designkit/sim.h"

enum { UP, DOWN };                                              /* hall call directions */
enum { NOT_YET, WAITING, RIDING, ARRIVED, GAVE_UP, EVACUATED }; /* passenger states */

/* A car's service mode. LEAVING: taken out for maintenance, still serving its riders' stops;
 * RECALLED: on its way to the lobby under fire service; PARKED: out of service. */
enum { IN_SERVICE, LEAVING, RECALLED, PARKED };

/* A growable list of passenger indices (a floor's queue or a car's riders). */
typedef struct dk__ilist {
    size_t *v, n, cap;
} dk__ilist;

typedef struct dk__elevator dk__elevator;

typedef struct dk__car {
    dk__elevator *owner; /* the doors' entry action finds the run through its car */
    int index;
    int floor, dir; /* dir: +1 or -1, the way the car last moved (or will sweep) */
    int target;     /* the stop it is committed to, -1 when idle */
    int mode;
    int busy;          /* an event of its own is pending: a move, a step or its doors */
    unsigned door_gen; /* the door timer that is current: an older one is stale */
    dk_sm_t *doors;
    dk__ilist riders;
    long *call;   /* per floor: the tick a car call was pressed, -1 for none */
    int *pickups; /* destination dispatch: per floor, the passengers given this car there */
} dk__car;

struct dk__elevator {
    dk_elevator_config cfg;
    const dk_elevator_passenger *p;
    size_t n, finished;
    const size_t *order; /* passengers by (arrival, index) */
    size_t next;         /* the next in `order` to arrive */
    unsigned char *state;
    long *board, *alight;
    int *given;         /* destination dispatch: the car each passenger was given, -1 for none */
    dk__ilist *waiting; /* per floor, in arrival order */
    long *hall_at[2];   /* per floor and direction: the tick pressed, -1 for none */
    int *hall_car[2];   /* the car a hall call is given to, -1 for none */
    int *view;          /* 2 x floors: the lists a strategy function sees */
    dk__car cars[DK_ELEVATOR_MAX_CARS];
    dk_elevator_report *r;
    dk_sim_t *engine;
    dk_actor_t *actor;
    dk_sm_def_t *doors_def;
    dk_error err; /* why the run stopped, when `failed` */
    int failed;
};

long dk__elevator_tick(const dk__elevator *s); /* the engine's time in ticks */
int dk__elevator_push(dk__ilist *l, size_t x); /* 0, or -1 out of memory */
int dk__elevator_dir_of(const dk_elevator_passenger *p);
/* Stops the run with `st` and the message; the first failure wins. Returns st. */
dk_status dk__elevator_fail(dk__elevator *s, dk_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* elevator_report.c: DK_EINVAL naming the field, mode or passenger at fault. */
dk_status dk__elevator_validate(const dk_elevator_config *c, const dk_elevator_passenger *p,
                                size_t n, dk_error *err);
/* The waits and rides of the served, into the report; DK_ENOMEM. */
dk_status dk__elevator_report(dk__elevator *s);
/* After the engine stopped (at `until` if events remained): everyone finished, or the stranded
 * counted (no car in service to come), or DK_ELIMIT past `max_ticks`, or DK_EINTERNAL naming a
 * passenger left behind that should not have been. */
dk_status dk__elevator_account(dk__elevator *s, dk_time_t until, long max_ticks, dk_error *err);

/* elevator_dispatch.c */
int dk__elevator_takes_calls(const dk__elevator *s, int k); /* in service and with room */
long dk__elevator_stop_since(const dk__elevator *s, int k, int f);
dk_status dk__elevator_pick(dk__elevator *s, int k, int *stop);
void dk__elevator_assign(dk__elevator *s);
void dk__elevator_give_car(dk__elevator *s, size_t x);
/* Car k leaves service: its hall calls (destination: its passengers) go back to be given again,
 * counted as re-dispatched when `count` (a recall leaves no car to take them). */
void dk__elevator_release(dk__elevator *s, int k, int count);

/* elevator_doors.c */
/* Sends `event` to car k's doors at the engine's time, then either lets the car go on (doors
 * closed) or sets a timer for the doors' next delay. */
dk_status dk__elevator_doors_send(dk__elevator *s, int k, const char *event);
/* The doors' timer fired (generation `gen`): advances their clock to now, as above. */
dk_status dk__elevator_doors_timer(dk__elevator *s, int k, unsigned gen);
int dk__elevator_doors_closed(const dk__elevator *s, int k);

/* elevator.c, run by the doors' `open` entry: riders alight, the waiting board. */
dk_status dk__elevator_serve(dk__elevator *s, int k);
/* elevator.c, when a car's doors have closed: it chooses and makes its next move. */
dk_status dk__elevator_step(dk__elevator *s, int k);
/* elevator.c: a timer for car k after `ticks` (tag: what it is; ptr: its argument). */
void dk__elevator_car_timer(dk__elevator *s, int k, dk_time_t delay, uint32_t what, void *ptr);

#endif
