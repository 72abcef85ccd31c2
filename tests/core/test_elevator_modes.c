/* areas: base lld */
/* test_elevator_modes.c - the elevator on the event engine: door timings and reopening worked
 * by hand, the doors' machine, a strategy function (against the built-in strategy it copies,
 * and one that breaks an invariant), maintenance and fire recall (calls re-dispatched, nobody
 * lost) and bad input for every new field. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/elevator.h"

static dk_elevator_config config(int floors, int cars, dk_elevator_strategy s)
{
    return (dk_elevator_config){.floors = floors, .cars = cars, .capacity = 8, .strategy = s};
}

static void run_ok(const dk_elevator_config *c, const dk_elevator_passenger *p, size_t n,
                   dk_elevator_report *r)
{
    dk_error err;
    dk_status st = dk_elevator_run(c, p, n, 0, r, &err);
    ck_assert_msg(st == DK_OK, "run refused: %s", st == DK_OK ? "" : err.message);
}

START_TEST(door_timings_hold_each_stop)
{
    /* One passenger 0 -> 3. Worked by hand: the doors open for door_open ticks (boarding when
     * open), dwell, close for door_close; the car takes 3 ticks; the doors open again and the
     * passenger alights when they are open. */
    for (int open = 0; open <= 2; open++)
        for (int close = 0; close <= 2; close++) {
            dk_elevator_passenger p = {0, 0, 3, 0};
            dk_elevator_config c = config(5, 1, DK_ELEVATOR_LOOK);
            c.door_open = open;
            c.dwell = 2;
            c.door_close = close;
            dk_elevator_report r;
            run_ok(&c, &p, 1, &r);
            long board = open, alight = open + 2 + close + 3 + open;
            ck_assert_double_eq_tol(r.mean_wait, (double)board, 1e-12);
            ck_assert_double_eq_tol(r.mean_ride, (double)(alight - board), 1e-12);
            ck_assert_int_eq(r.ticks, alight);
            ck_assert_uint_eq(r.stops, 2);
        }
}
END_TEST

START_TEST(someone_arriving_while_closing_reopens)
{
    /* A at tick 0; the doors open at 1, dwell to 3, close 3..6. B arrives at 4: they reopen
     * (open again at 5, B boards), dwell to 7, close to 10, three floors to 13, open at 14. */
    dk_elevator_passenger p[] = {{0, 0, 3, 0}, {4, 0, 3, 0}};
    dk_elevator_config c = config(5, 1, DK_ELEVATOR_LOOK);
    c.door_open = 1;
    c.dwell = 2;
    c.door_close = 3;
    dk_elevator_report r;
    run_ok(&c, p, 2, &r);
    ck_assert_uint_eq(r.reopenings, 1);
    ck_assert_uint_eq(r.served, 2);
    ck_assert_uint_eq(r.stops, 2); /* a reopening is not another stop */
    ck_assert_int_eq(r.ticks, 14);
    ck_assert_double_eq_tol(r.mean_wait, (1 + 1) / 2.0, 1e-12);
    ck_assert_double_eq_tol(r.mean_ride, ((14 - 1) + (14 - 5)) / 2.0, 1e-12);
}
END_TEST

START_TEST(the_doors_machine_is_sound)
{
    dk_elevator_config c = config(5, 1, DK_ELEVATOR_LOOK);
    c.door_open = 1;
    c.door_close = 1;
    dk_error err;
    dk_sm_def_t *d = dk_elevator_doors_def(&c, &err);
    ck_assert_ptr_nonnull(d);
    static const char *const ids[] = {"doors", "closed", "opening", "open", "held", "closing"};
    ck_assert_int_eq(dk_sm_def_states(d), 6);
    for (int i = 0; i < 6; i++)
        ck_assert_str_eq(dk_sm_def_state_id(d, i), ids[i]);
    static const char *const events[] = {"open", "hold", "release", "close", "reopen"};
    dk_sm_finding f[8];
    size_t count = 99;
    ck_assert_int_eq(dk_sm_def_check(d, events, 5, f, 8, &count), DK_OK);
    ck_assert_uint_eq(count, 0); /* nothing unreachable, no dead end, every event handled */
    /* Driven by hand: opening takes 1, the dwell 2 (the default), closing 1. */
    dk_sm_t *m = dk_sm_new(d, &err);
    ck_assert_int_eq(dk_sm_start(m, &err), DK_OK);
    ck_assert_int_eq(dk_sm_send(m, "open", NULL, &err), DK_OK);
    ck_assert(dk_sm_in(m, "opening"));
    ck_assert_int_eq(dk_sm_advance(m, 1000000000, &err), DK_OK);
    ck_assert(dk_sm_in(m, "open"));
    ck_assert_int_eq(dk_sm_advance(m, 2000000000, &err), DK_OK);
    ck_assert(dk_sm_in(m, "closing"));
    ck_assert_int_eq(dk_sm_send(m, "reopen", NULL, &err), DK_OK);
    ck_assert(dk_sm_in(m, "opening"));
    ck_assert_int_eq(dk_sm_advance(m, 1000000000, &err), DK_OK);
    ck_assert_int_eq(dk_sm_send(m, "hold", NULL, &err), DK_OK);
    ck_assert_int_eq(dk_sm_advance(m, 100000000000, &err), DK_OK);
    ck_assert(dk_sm_in(m, "held")); /* held open: no dwell runs out */
    ck_assert_int_eq(dk_sm_send(m, "release", NULL, &err), DK_OK);
    ck_assert_int_eq(dk_sm_advance(m, 1000000000, &err), DK_OK);
    ck_assert(dk_sm_in(m, "closed"));
    dk_sm_free(m);
    dk_sm_def_free(d);
    c.door_close = 1001;
    ck_assert_ptr_null(dk_elevator_doors_def(&c, &err));
    ck_assert_str_eq(err.message, "elevator: door_close must be 0 to 1000 (got 1001)");
}
END_TEST

/* Nearest-first written as a strategy function: the nearest stop, ties to the lower floor. */
static dk_status nearest(const dk_elevator_view *v, void *ud, int *stop, dk_error *err)
{
    (void)err;
    ++*(long *)ud;
    *stop = -1;
    for (int pass = 0; pass < 2; pass++) {
        const int *f = pass ? v->hall_calls : v->car_calls;
        size_t n = pass ? v->nhall_calls : v->ncar_calls;
        for (size_t i = 0; i < n; i++)
            if (*stop < 0 || abs(f[i] - v->floor) < abs(*stop - v->floor) ||
                (abs(f[i] - v->floor) == abs(*stop - v->floor) && f[i] < *stop))
                *stop = f[i];
    }
    return DK_OK;
}

START_TEST(a_strategy_function_matches_the_strategy_it_copies)
{
    enum { N = 1500 };
    static dk_elevator_passenger p[N];
    ck_assert_int_eq(dk_elevator_traffic_make(DK_ELEVATOR_INTERFLOOR, 12, N, 0.3, 5, p, NULL),
                     DK_OK);
    dk_elevator_config c = config(12, 3, DK_ELEVATOR_NEAREST);
    dk_elevator_report builtin, mine;
    run_ok(&c, p, N, &builtin);
    long calls = 0;
    c.choose = nearest;
    c.choose_ud = &calls;
    run_ok(&c, p, N, &mine);
    ck_assert_int_gt(calls, N);
    ck_assert_uint_eq(mine.served, N);
    ck_assert_mem_eq(&mine, &builtin, sizeof mine);
}
END_TEST

/* The farthest car call first: drives past the nearer floors its riders asked for. */
static dk_status farthest(const dk_elevator_view *v, void *ud, int *stop, dk_error *err)
{
    (void)ud;
    (void)err;
    *stop =
        v->ncar_calls ? v->car_calls[v->ncar_calls - 1] : (v->nhall_calls ? v->hall_calls[0] : -1);
    return DK_OK;
}

static dk_status out_of_shaft(const dk_elevator_view *v, void *ud, int *stop, dk_error *err)
{
    (void)ud;
    (void)err;
    *stop = v->floors;
    return DK_OK;
}

static dk_status refuses(const dk_elevator_view *v, void *ud, int *stop, dk_error *err)
{
    (void)ud;
    (void)stop;
    return dk_error_set(err, DK_EINTR, "my strategy gave up on car %d", v->car);
}

START_TEST(a_strategy_that_passes_an_accepted_stop_trips_the_check)
{
    dk_elevator_passenger p[] = {{0, 0, 2, 0}, {0, 0, 5, 0}};
    dk_elevator_config c = config(8, 1, DK_ELEVATOR_LOOK);
    dk_elevator_report r;
    dk_error err;
    c.choose = farthest;
    ck_assert_int_eq(dk_elevator_run(&c, p, 2, 0, &r, &err), DK_EINTERNAL);
    /* Doors open at 0 for 2 ticks; floor 1 at 3, floor 2 at 4: it would leave floor 2. */
    ck_assert_str_eq(err.message,
                     "elevator: car 1 at floor 2 on tick 4 passes a floor it accepted a car call "
                     "for");
    c.choose = out_of_shaft;
    ck_assert_int_eq(dk_elevator_run(&c, p, 2, 0, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "elevator: strategy: car 1 at floor 0 on tick 0: chose floor 8, outside 0..7");
    c.choose = refuses;
    ck_assert_int_eq(dk_elevator_run(&c, p, 2, 0, &r, &err), DK_EINTR);
    ck_assert_str_eq(err.message, "my strategy gave up on car 1");
}
END_TEST

START_TEST(maintenance_hands_hall_calls_to_another_car)
{
    /* A at floor 5 on tick 0: car 1 (ties to the lower-numbered) sets off. On tick 2 car 1 goes
     * to maintenance: A's call goes to car 2, which leaves the lobby then and opens at 5 on
     * tick 7. Car 1 has no riders: it parks. */
    dk_elevator_passenger p[] = {{0, 5, 0, 0}};
    dk_elevator_mode_event m[] = {{2, DK_ELEVATOR_MAINTENANCE, 1}};
    dk_elevator_config c = config(8, 2, DK_ELEVATOR_NEAREST);
    c.modes = m;
    c.nmodes = 1;
    dk_elevator_report r;
    run_ok(&c, p, 1, &r);
    ck_assert_uint_eq(r.served, 1);
    ck_assert_uint_eq(r.maintenance, 1);
    ck_assert_uint_eq(r.redispatched, 1);
    ck_assert_double_eq_tol(r.mean_wait, 2 + 5, 1e-12);
    /* A rider of the car taken out is still carried to their floor. */
    dk_elevator_passenger q[] = {{0, 0, 4, 0}, {3, 6, 0, 0}};
    dk_elevator_mode_event out[] = {{1, DK_ELEVATOR_MAINTENANCE, 1}};
    c.modes = out;
    run_ok(&c, q, 2, &r);
    ck_assert_uint_eq(r.served, 2);
    ck_assert_uint_eq(r.stranded, 0);
}
END_TEST

START_TEST(fire_recall_empties_the_cars_at_the_lobby)
{
    /* A boards at 0 for floor 9; doors close at 2; floor 1 at 3, when the recall comes: the car
     * turns back without stopping, opens at the lobby on tick 4 and A is let out. B waits at 5
     * and C arrives after the recall: stranded. With the car back in service on tick 20 both
     * are served. */
    dk_elevator_passenger p[] = {{0, 0, 9, 0}, {1, 5, 0, 0}, {10, 3, 7, 0}};
    dk_elevator_mode_event m[] = {{3, DK_ELEVATOR_FIRE_RECALL, 0}, {20, DK_ELEVATOR_SERVICE, 1}};
    dk_elevator_config c = config(10, 1, DK_ELEVATOR_LOOK);
    c.modes = m;
    c.nmodes = 1;
    dk_elevator_report r;
    run_ok(&c, p, 3, &r);
    ck_assert_uint_eq(r.recalls, 1);
    ck_assert_uint_eq(r.evacuated, 1);
    ck_assert_uint_eq(r.stranded, 2);
    ck_assert_uint_eq(r.served, 0);
    ck_assert_int_eq(r.ticks, 4);
    ck_assert_int_eq(r.highest, 1);
    c.nmodes = 2;
    run_ok(&c, p, 3, &r);
    ck_assert_uint_eq(r.evacuated, 1);
    ck_assert_uint_eq(r.stranded, 0);
    ck_assert_uint_eq(r.served, 2);
}
END_TEST

START_TEST(no_passenger_is_lost_through_modes)
{
    enum { N = 1200 };
    static dk_elevator_passenger p[N];
    dk_elevator_mode_event m[] = {
        {100, DK_ELEVATOR_MAINTENANCE, 1}, {150, DK_ELEVATOR_MAINTENANCE, 2},
        {400, DK_ELEVATOR_SERVICE, 1},     {900, DK_ELEVATOR_FIRE_RECALL, 0},
        {950, DK_ELEVATOR_SERVICE, 3},     {1000, DK_ELEVATOR_SERVICE, 2},
    };
    for (int t = DK_ELEVATOR_UP_PEAK; t <= DK_ELEVATOR_INTERFLOOR; t++) {
        ck_assert_int_eq(dk_elevator_traffic_make((dk_elevator_traffic)t, 10, N, 0.5, 2, p, NULL),
                         DK_OK);
        for (int i = 0; i < N; i += 7)
            p[i].patience = 40;
        for (int s = DK_ELEVATOR_FCFS; s <= DK_ELEVATOR_DESTINATION; s++) {
            dk_elevator_config c = config(10, 3, (dk_elevator_strategy)s);
            c.door_open = 1;
            c.door_close = 1;
            c.modes = m;
            c.nmodes = sizeof m / sizeof *m;
            dk_elevator_report r, again;
            run_ok(&c, p, N, &r);
            ck_assert_uint_eq(r.served + r.abandoned + r.evacuated + r.stranded, N);
            ck_assert_uint_eq(r.stranded, 0); /* cars came back: everyone left was served */
            ck_assert_uint_eq(r.maintenance, 2);
            ck_assert_uint_eq(r.recalls, 1);
            run_ok(&c, p, N, &again);
            ck_assert_mem_eq(&r, &again, sizeof r); /* deterministic */
        }
    }
}
END_TEST

START_TEST(bad_new_fields_are_refused_naming_the_fault)
{
    dk_elevator_passenger p[] = {{0, 0, 3, 0}};
    dk_elevator_config c = config(10, 2, DK_ELEVATOR_LOOK);
    dk_elevator_report r;
    dk_error err;
    c.door_open = -1;
    ck_assert_int_eq(dk_elevator_run(&c, p, 1, 0, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "elevator: door_open must be 0 to 1000 (got -1)");
    c.door_open = 0;
    c.door_close = 1001;
    ck_assert_int_eq(dk_elevator_run(&c, p, 1, 0, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "elevator: door_close must be 0 to 1000 (got 1001)");
    c.door_close = 0;
    c.nmodes = 1;
    ck_assert_int_eq(dk_elevator_run(&c, p, 1, 0, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "elevator: 1 modes but no list");
    dk_elevator_mode_event m[] = {{5, DK_ELEVATOR_FIRE_RECALL, 0}, {-1, DK_ELEVATOR_SERVICE, 1}};
    c.modes = m;
    c.nmodes = 2;
    ck_assert_int_eq(dk_elevator_run(&c, p, 1, 0, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "elevator: mode 2: at must be 0 to 1000000000 (got -1)");
    m[1] = (dk_elevator_mode_event){DK_ELEVATOR_MAX_TICKS + 1, DK_ELEVATOR_SERVICE, 1};
    ck_assert_int_eq(dk_elevator_run(&c, p, 1, 0, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "elevator: mode 2: at must be 0 to 1000000000 (got 1000000001)");
    m[1].at = 6;
    ck_assert_int_eq(dk_elevator_run(&c, p, 1, DK_ELEVATOR_MAX_TICKS + 1, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "elevator: max_ticks must be 0 to 1000000000 (got 1000000001)");
    dk_elevator_passenger late = {DK_ELEVATOR_MAX_TICKS, 0, 3, DK_ELEVATOR_MAX_TICKS + 1};
    ck_assert_int_eq(dk_elevator_run(&c, &late, 1, 0, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "elevator: passenger 1: arrival and patience must be 0 to 1000000000");
    m[1] = (dk_elevator_mode_event){5, DK_ELEVATOR_MAINTENANCE, 3};
    ck_assert_int_eq(dk_elevator_run(&c, p, 1, 0, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "elevator: mode 2: maintenance: car must be 1 to 2 (got 3)");
    m[1] = (dk_elevator_mode_event){5, (dk_elevator_mode)7, 1};
    ck_assert_int_eq(dk_elevator_run(&c, p, 1, 0, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "elevator: mode 2: unknown mode 7");
    dk_elevator_mode mode;
    ck_assert_int_eq(dk_elevator_mode_parse("fire", &mode), DK_OK);
    ck_assert_int_eq(mode, DK_ELEVATOR_FIRE_RECALL);
    ck_assert_int_eq(dk_elevator_mode_parse("fir", &mode), DK_ENOTFOUND);
    ck_assert_str_eq(dk_elevator_mode_name(DK_ELEVATOR_MAINTENANCE), "maintenance");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("elevator_modes");
    TCase *tc = tcase_create("doors");
    tcase_add_test(tc, door_timings_hold_each_stop);
    tcase_add_test(tc, someone_arriving_while_closing_reopens);
    tcase_add_test(tc, the_doors_machine_is_sound);
    suite_add_tcase(s, tc);
    tc = tcase_create("strategy function");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_strategy_function_matches_the_strategy_it_copies);
    tcase_add_test(tc, a_strategy_that_passes_an_accepted_stop_trips_the_check);
    suite_add_tcase(s, tc);
    tc = tcase_create("modes");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, maintenance_hands_hall_calls_to_another_car);
    tcase_add_test(tc, fire_recall_empties_the_cars_at_the_lobby);
    tcase_add_test(tc, no_passenger_is_lost_through_modes);
    tcase_add_test(tc, bad_new_fields_are_refused_naming_the_fault);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
