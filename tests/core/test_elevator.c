/* areas: base lld */
/* test_elevator.c - the elevator group: the disk-arm schedule against the textbook figures, the
 * up-peak round trip against its closed forms, the invariants under every strategy and
 * pattern, calls merged and cancelled, and bad input. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/elevator.h"

/* The textbook queue (Silberschatz): cylinders 0..199, the head at 53. */
static const int queue[] = {98, 183, 37, 122, 14, 124, 65, 67};

static long seek(dk_elevator_strategy s, int dir, int *order)
{
    long travel = -1;
    dk_error err;
    dk_status st = dk_elevator_seek(s, 53, dir, 0, 199, queue, 8, order, &travel, &err);
    ck_assert_msg(st == DK_OK, "seek refused: %s", st == DK_OK ? "" : err.message);
    return travel;
}

START_TEST(textbook_queue_travels_640_and_236)
{
    int order[8];
    static const int sstf[] = {65, 67, 37, 14, 98, 122, 124, 183};
    ck_assert_int_eq(seek(DK_ELEVATOR_FCFS, 1, order), 640);
    ck_assert_mem_eq(order, queue, sizeof queue);
    ck_assert_int_eq(seek(DK_ELEVATOR_NEAREST, 1, order), 236);
    ck_assert_mem_eq(order, sstf, sizeof sstf);
}
END_TEST

START_TEST(look_never_travels_more_than_scan)
{
    /* Reference by hand: up from 53, SCAN runs to 199 and back to 14 (146 + 185); LOOK turns
     * at 183 (130 + 169); down, SCAN goes to 0 then up to 183 (53 + 183), LOOK turns at 14. */
    ck_assert_int_eq(seek(DK_ELEVATOR_SCAN, 1, NULL), 146 + 185);
    ck_assert_int_eq(seek(DK_ELEVATOR_LOOK, 1, NULL), 130 + 169);
    ck_assert_int_eq(seek(DK_ELEVATOR_SCAN, -1, NULL), 53 + 183);
    ck_assert_int_eq(seek(DK_ELEVATOR_LOOK, -1, NULL), 39 + 169);
    srand(7);
    for (int trial = 0; trial < 500; trial++) {
        int req[30], start = rand() % 200, n = 1 + rand() % 30;
        long scan = 0, look = 0;
        for (int i = 0; i < n; i++)
            req[i] = rand() % 200;
        for (int dir = -1; dir <= 1; dir += 2) {
            ck_assert_int_eq(dk_elevator_seek(DK_ELEVATOR_SCAN, start, dir, 0, 199, req, (size_t)n,
                                              NULL, &scan, NULL),
                             DK_OK);
            ck_assert_int_eq(dk_elevator_seek(DK_ELEVATOR_LOOK, start, dir, 0, 199, req, (size_t)n,
                                              NULL, &look, NULL),
                             DK_OK);
            ck_assert_int_le(look, scan);
        }
    }
}
END_TEST

START_TEST(bad_seek_input_names_the_fault)
{
    dk_error err;
    long travel;
    int bad[] = {10, 250};
    ck_assert_int_eq(dk_elevator_seek(DK_ELEVATOR_LOOK, 53, 1, 0, 199, bad, 2, NULL, &travel, &err),
                     DK_EINVAL);
    ck_assert_str_eq(err.message, "seek: request 2 (250) is outside 0..199");
    ck_assert_int_eq(dk_elevator_seek(DK_ELEVATOR_LOOK, 53, 0, 0, 199, bad, 1, NULL, &travel, &err),
                     DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "direction"));
    ck_assert_int_eq(
        dk_elevator_seek(DK_ELEVATOR_LOOK, 300, 1, 0, 199, bad, 1, NULL, &travel, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "start 300"));
    dk_elevator_strategy s;
    ck_assert_int_eq(dk_elevator_strategy_parse("look", &s), DK_OK);
    ck_assert_int_eq(s, DK_ELEVATOR_LOOK);
    ck_assert_int_eq(dk_elevator_strategy_parse("elevator", &s), DK_ENOTFOUND);
}
END_TEST

/* One car at the lobby takes P passengers, each to one of the N floors above chosen uniformly;
 * the round trip's stops above the lobby and its highest floor, averaged by simulation, match
 * N[1-(1-1/N)^P] and N - sum_{i<N} (i/N)^P. */
static void up_peak_round_trip(int N, int P)
{
    enum { TRIALS = 6000 }; /* the 1% tolerance is 4.7 standard errors or more */
    dk_elevator_config c = {
        .floors = N + 1, .cars = 1, .capacity = P, .strategy = DK_ELEVATOR_LOOK, .dwell = 1};
    dk_elevator_passenger p[64];
    dk_elevator_report r;
    double stops = 0, highest = 0, want_highest = N;
    unsigned long long x = 12345;
    for (int t = 0; t < TRIALS; t++) {
        for (int i = 0; i < P; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL; /* an LCG of our own */
            p[i] = (dk_elevator_passenger){0, 0, 1 + (int)((x >> 33) % (unsigned)N), 0};
        }
        ck_assert_int_eq(dk_elevator_run(&c, p, (size_t)P, 0, &r, NULL), DK_OK);
        ck_assert_uint_eq(r.served, (size_t)P);
        stops += (double)(r.stops - 1); /* the lobby stop is not above it */
        highest += r.highest;
    }
    double want_stops = N * (1 - pow(1 - 1.0 / N, P));
    for (int i = 1; i < N; i++)
        want_highest -= pow((double)i / N, P);
    ck_assert_double_eq_tol(stops / TRIALS, want_stops, 0.01 * want_stops);
    ck_assert_double_eq_tol(highest / TRIALS, want_highest, 0.01 * want_highest);
}

START_TEST(up_peak_stops_and_highest_floor_match_the_formulas)
{
    up_peak_round_trip(10, 8);
    up_peak_round_trip(15, 12);
    up_peak_round_trip(6, 20);
}
END_TEST

START_TEST(every_strategy_and_pattern_keeps_the_invariants)
{
    enum { N = 2000 };
    static dk_elevator_passenger p[N];
    for (int t = DK_ELEVATOR_UP_PEAK; t <= DK_ELEVATOR_INTERFLOOR; t++) {
        ck_assert_int_eq(dk_elevator_traffic_make((dk_elevator_traffic)t, 12, N, 0.3, 9, p, NULL),
                         DK_OK);
        for (int s = DK_ELEVATOR_FCFS; s <= DK_ELEVATOR_DESTINATION; s++) {
            dk_elevator_config c = {.floors = 12,
                                    .cars = 3,
                                    .capacity = 8,
                                    .strategy = (dk_elevator_strategy)s,
                                    .dwell = 2};
            dk_elevator_report r, again;
            dk_error err;
            dk_status st = dk_elevator_run(&c, p, N, 0, &r, &err);
            ck_assert_msg(st == DK_OK, "%s: %s", dk_elevator_strategy_name(c.strategy),
                          st == DK_OK ? "" : err.message);
            ck_assert_uint_eq(r.served, N);
            ck_assert_uint_gt(r.checks, 0);
            ck_assert(r.p95_wait >= r.mean_wait && r.mean_wait >= 0);
            ck_assert(r.mean_ride >= 1); /* at least one floor */
            ck_assert_int_le(r.highest, 11);
            ck_assert_int_eq(dk_elevator_run(&c, p, N, 0, &again, NULL), DK_OK);
            ck_assert_mem_eq(&r, &again, sizeof r); /* deterministic */
        }
    }
}
END_TEST

START_TEST(capacity_leaves_passengers_for_the_next_trip)
{
    /* Five at the lobby for floor 3, a car for two, doors open 1 tick: trips of 2, 2, 1. */
    dk_elevator_passenger p[5];
    for (int i = 0; i < 5; i++)
        p[i] = (dk_elevator_passenger){0, 0, 3, 0};
    dk_elevator_config c = {
        .floors = 4, .cars = 1, .capacity = 2, .strategy = DK_ELEVATOR_LOOK, .dwell = 1};
    dk_elevator_report r;
    ck_assert_int_eq(dk_elevator_run(&c, p, 5, 0, &r, NULL), DK_OK);
    ck_assert_uint_eq(r.served, 5);
    ck_assert_uint_eq(r.stops, 6); /* lobby and floor 3, three times */
    /* Each trip: open at 0 (1 tick), 3 floors up, open (1), 3 down: the last board at 16. */
    ck_assert_int_eq(r.ticks, 16 + 1 + 3);
    ck_assert_double_eq_tol(r.mean_ride, 4, 1e-12);
}
END_TEST

START_TEST(duplicate_calls_merge_and_abandoned_calls_cancel)
{
    dk_elevator_passenger p[] = {
        {0, 5, 0, 0}, /* far from the car: the lobby call comes later */
        {1, 5, 0, 0}, /* the same hall call: merged, and the same car call */
        {0, 9, 0, 2}, /* gives up after 2 ticks: its call at 9 is cancelled */
    };
    dk_elevator_config c = {
        .floors = 10, .cars = 1, .capacity = 4, .strategy = DK_ELEVATOR_NEAREST, .dwell = 1};
    dk_elevator_report r;
    ck_assert_int_eq(dk_elevator_run(&c, p, 3, 0, &r, NULL), DK_OK);
    ck_assert_uint_eq(r.served, 2);
    ck_assert_uint_eq(r.abandoned, 1);
    ck_assert_uint_eq(r.cancelled_calls, 1);
    ck_assert_uint_eq(r.merged_calls, 2); /* one hall press, one car press */
    ck_assert_int_eq(r.highest, 5);       /* floor 9 was never visited */
}
END_TEST

START_TEST(destination_dispatch_gives_each_passenger_a_car)
{
    /* Two cars at the lobby; A for floor 5, then B for floor 1, both at tick 0, doors 2 ticks.
     * LOOK sends one car with both: stops at 0, 1 and 5; B rides 3 ticks (a stop opens the tick
     * after arriving), A 9 (two more floors' worth for B's stop). Destination dispatch gives B
     * the idle second car: four stops, A rides 7 and B 3. */
    dk_elevator_passenger p[] = {{0, 0, 5, 0}, {0, 0, 1, 0}};
    dk_elevator_config c = {
        .floors = 8, .cars = 2, .capacity = 4, .strategy = DK_ELEVATOR_LOOK, .dwell = 2};
    dk_elevator_report r;
    ck_assert_int_eq(dk_elevator_run(&c, p, 2, 0, &r, NULL), DK_OK);
    ck_assert_uint_eq(r.stops, 3);
    ck_assert_double_eq_tol(r.mean_ride, (9 + 3) / 2.0, 1e-12);
    c.strategy = DK_ELEVATOR_DESTINATION;
    ck_assert_int_eq(dk_elevator_run(&c, p, 2, 0, &r, NULL), DK_OK);
    ck_assert_uint_eq(r.stops, 4);
    ck_assert_double_eq_tol(r.mean_ride, (7 + 3) / 2.0, 1e-12);
    ck_assert_double_eq_tol(r.mean_wait, 0, 1e-12);
    long travel;
    dk_error err;
    int q[] = {1};
    ck_assert_int_eq(
        dk_elevator_seek(DK_ELEVATOR_DESTINATION, 0, 1, 0, 9, q, 1, NULL, &travel, &err),
        DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "no disk-arm order"));
}
END_TEST

START_TEST(bad_runs_are_refused_naming_the_fault)
{
    dk_elevator_passenger p[] = {{0, 0, 3, 0}, {0, 2, 2, 0}, {0, 0, 12, 0}};
    dk_elevator_config c = {
        .floors = 10, .cars = 1, .capacity = 4, .strategy = DK_ELEVATOR_LOOK, .dwell = 0};
    dk_elevator_report r;
    dk_error err;
    ck_assert_int_eq(dk_elevator_run(&c, p, 2, 0, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "elevator: passenger 2: from and to are both floor 2");
    ck_assert_int_eq(dk_elevator_run(&c, p + 2, 1, 0, &r, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "elevator: passenger 1: floor 0 -> 12 is outside 0..9");
    c.capacity = 0;
    ck_assert_int_eq(dk_elevator_run(&c, p, 1, 0, &r, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "capacity"));
    c.capacity = 4;
    c.cars = 65;
    ck_assert_int_eq(dk_elevator_run(&c, p, 1, 0, &r, &err), DK_EINVAL);
    c.cars = 1;
    ck_assert_int_eq(dk_elevator_run(&c, p, 1, 3, &r, &err), DK_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "after 3 ticks"));
    ck_assert_int_eq(dk_elevator_traffic_make(DK_ELEVATOR_UP_PEAK, 1, 1, 1, 1, p, &err), DK_EINVAL);
    ck_assert_int_eq(dk_elevator_traffic_make(DK_ELEVATOR_UP_PEAK, 5, 1, 0, 1, p, &err), DK_EINVAL);
}
END_TEST

START_TEST(out_of_memory_is_reported_at_every_allocation)
{
    /* Few passengers: every allocation of a run is failed in turn, and the doors' machines
     * allocate on every step (under ASan that is what takes the time). Timed doors and a
     * maintenance spell take the paths of the reopening and the re-dispatch too. */
    enum { N = 16 };
    dk_elevator_passenger p[N];
    dk_elevator_mode_event m[] = {{4, DK_ELEVATOR_MAINTENANCE, 1}, {12, DK_ELEVATOR_SERVICE, 1}};
    ck_assert_int_eq(dk_elevator_traffic_make(DK_ELEVATOR_INTERFLOOR, 6, N, 0.5, 4, p, NULL),
                     DK_OK);
    for (int s = DK_ELEVATOR_FCFS; s <= DK_ELEVATOR_DESTINATION; s++) {
        dk_elevator_config c = {
            .floors = 6, .cars = 2, .capacity = 3, .strategy = (dk_elevator_strategy)s, .dwell = 1};
        c.door_open = c.door_close = 1;
        c.modes = m;
        c.nmodes = 2;
        dk_elevator_report r;
        dk_error err;
        dk_status st = DK_ENOMEM;
        for (long n = 0; st == DK_ENOMEM && n < 10000; n++) {
            dk_alloc_fail_after(n);
            st = dk_elevator_run(&c, p, N, 0, &r, &err);
            dk_alloc_fail_after(-1);
            ck_assert_msg(st == DK_OK || st == DK_ENOMEM, "after %ld allocations: %s", n,
                          err.message);
        }
        ck_assert_int_eq(st, DK_OK);
        ck_assert_uint_eq(r.served, N);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("elevator");
    TCase *tc = tcase_create("seek");
    tcase_add_test(tc, textbook_queue_travels_640_and_236);
    tcase_add_test(tc, look_never_travels_more_than_scan);
    tcase_add_test(tc, bad_seek_input_names_the_fault);
    suite_add_tcase(s, tc);
    tc = tcase_create("simulation");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, up_peak_stops_and_highest_floor_match_the_formulas);
    tcase_add_test(tc, every_strategy_and_pattern_keeps_the_invariants);
    tcase_add_test(tc, capacity_leaves_passengers_for_the_next_trip);
    tcase_add_test(tc, duplicate_calls_merge_and_abandoned_calls_cancel);
    tcase_add_test(tc, destination_dispatch_gives_each_passenger_a_car);
    tcase_add_test(tc, bad_runs_are_refused_naming_the_fault);
    tcase_add_test(tc, out_of_memory_is_reported_at_every_allocation);
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
