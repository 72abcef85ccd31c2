/* areas: base patterns sim */
/* test_overload.c - a design whose requests pile up without bound stops with "overloaded",
 * naming the component, its offered load and its capacity; a heavily loaded but stable one,
 * or a long queue that drains, runs on. The threshold is lowered to keep the tests small; the
 * default's end-to-end check is tests/hostile/overload_flood.lua. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/sim.h"

#define MS 1000000.0 /* ns */

typedef struct design {
    dk_sim_t *sim;
    dk_actor_t *client, *api;
    dk_dist_t *service;
} design;

/* A client sending Poisson arrivals at `rate` into a station of `replicas` x `workers` with
 * exponential service times of `mean_ns`, the overload threshold at `waiting`. */
static design station(double rate, uint32_t replicas, uint32_t workers, double mean_ns,
                      uint64_t waiting)
{
    design d = {0};
    dk_error err;
    d.sim = dk_sim_new(1, NULL);
    ck_assert_ptr_nonnull(d.sim);
    ck_assert_int_eq(dk_sim_set_overload(d.sim, waiting), DK_OK);
    dk_client_config cc = {.rate = rate, .poisson = 1};
    d.client = dk_sim_add_client(d.sim, "users", &cc, &err);
    d.service = dk_dist_exponential(mean_ns, &err);
    dk_station_config sc = {.servers = workers, .service = d.service, .replicas = replicas};
    d.api = dk_sim_add_station(d.sim, "api", "service", &sc, &err);
    ck_assert_msg(d.api != NULL, "%s", err.message);
    ck_assert_int_eq(dk_sim_link(d.sim, d.client, d.api, NULL, &err), DK_OK);
    return d;
}

static void done(design *d)
{
    dk_sim_free(d->sim);
    dk_dist_free(d->service);
}

/* The number after `label` in the run's message. */
static double number_after(const char *msg, const char *label)
{
    const char *p = strstr(msg, label);
    ck_assert_msg(p != NULL, "\"%s\" is not in: %s", label, msg);
    return strtod(p + strlen(label), NULL);
}

START_TEST(a_flood_stops_naming_the_station)
{
    design d = station(1e9, 1, 4, 1 * MS, 1000);
    dk_status st = dk_sim_run(d.sim, 10 * DK_SEC, 0, NULL, NULL);
    const char *msg = dk_sim_error(d.sim);
    ck_assert_msg(st == DK_EFULL, "status %d: %s", (int)st, msg);
    ck_assert_msg(strstr(msg, "overloaded: service \"api\" has ") == msg, "%s", msg);
    double waiting = number_after(msg, " has ");
    ck_assert_msg(waiting >= 1000, "%s", msg);
    /* offered: the arrivals counted over the simulated time, a Poisson rate of 1e9/s measured
     * over at least a thousand of them */
    double offered = number_after(msg, "offered ");
    ck_assert_msg(offered > 0.8e9 && offered < 1.2e9, "%s", msg);
    /* capacity: 4 workers / 1 ms */
    ck_assert_double_eq_tol(number_after(msg, "a capacity of "), 4000, 1e-9);
    ck_assert_msg(strstr(msg, "(4 workers x 1000/s)") != NULL, "%s", msg);
    /* it stopped early, holding about the threshold, not everything a 10 s run would send */
    ck_assert_uint_lt(dk_sim_in_flight(d.sim), 1000 + 65536 + 4);
    done(&d);
}
END_TEST

START_TEST(replicas_are_named_with_their_share)
{
    design d = station(1e6, 2, 1, 20 * MS, 2000);
    dk_status st = dk_sim_run(d.sim, 10 * DK_SEC, 0, NULL, NULL);
    const char *msg = dk_sim_error(d.sim);
    ck_assert_msg(st == DK_EFULL, "status %d: %s", (int)st, msg);
    ck_assert_msg(strstr(msg, "against a capacity of 100/s (2 replicas x 50/s)") != NULL, "%s",
                  msg);
    done(&d);
}
END_TEST

/* 10^4 requests a second, each holding a worker 1 s, 2 x 10^4 workers: 10^4 in flight, far
 * past the threshold, none waiting. Utilisation 0.5: it must run to the end. */
START_TEST(many_in_flight_but_stable_runs_on)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    ck_assert_int_eq(dk_sim_set_overload(sim, 1000), DK_OK);
    dk_client_config cc = {.rate = 1e4, .poisson = 1};
    dk_actor_t *users = dk_sim_add_client(sim, "users", &cc, &err);
    dk_dist_t *second = dk_dist_constant(1e9, &err);
    dk_station_config sc = {.servers = 20000, .service = second};
    dk_actor_t *api = dk_sim_add_station(sim, "api", "service", &sc, &err);
    ck_assert_int_eq(dk_sim_link(sim, users, api, NULL, &err), DK_OK);
    dk_status st = dk_sim_run(sim, 3 * DK_SEC, 0, NULL, NULL);
    ck_assert_msg(st == DK_OK, "%s", dk_sim_error(sim));
    ck_assert_uint_gt(dk_sim_in_flight(sim), 9000);
    ck_assert_uint_gt(dk_actor_get_stats(api)->completed, 15000);
    dk_sim_free(sim);
    dk_dist_free(second);
}
END_TEST

/* M/M/1 at utilisation 0.9 with a threshold of 20 waiting: the queue passes 20 often (with
 * probability 0.9^20 = 12% at any moment), but the load stays below capacity, so it runs on. */
START_TEST(a_long_queue_below_capacity_runs_on)
{
    design d = station(900, 1, 1, 1 * MS, 20);
    dk_status st = dk_sim_run(d.sim, INT64_MAX, 200000, NULL, NULL);
    ck_assert_msg(st == DK_OK, "%s", dk_sim_error(d.sim));
    done(&d);
}
END_TEST

/* A thread-per-request service whose flow waits 1 s on a downstream: its 4 workers serve 4
 * requests a second, whatever its 1 ms service time says. Once the run has measured that, a
 * load of 100/s stops it, naming the time a request holds a worker. */
START_TEST(workers_held_downstream_count_against_capacity)
{
    dk_error err;
    design d = station(100, 1, 4, 1 * MS, 500);
    dk_dist_t *second = dk_dist_constant(1e9, &err);
    dk_station_config slow = {.servers = 0, .service = second};
    dk_actor_t *db = dk_sim_add_station(d.sim, "db", "database", &slow, &err);
    ck_assert_int_eq(dk_sim_link(d.sim, d.api, db, NULL, &err), DK_OK);
    dk_flow f;
    ck_assert_int_eq(dk_flow_call_each(&db, 1, &f), DK_OK);
    ck_assert_int_eq(dk_station_route(d.api, UINT32_MAX, f, &err), DK_OK);
    dk_status st = dk_sim_run(d.sim, 120 * DK_SEC, 0, NULL, NULL);
    const char *msg = dk_sim_error(d.sim);
    ck_assert_msg(st == DK_EFULL, "status %d: %s", (int)st, msg);
    ck_assert_msg(strstr(msg, "service \"api\"") != NULL, "%s", msg);
    double capacity = number_after(msg, "a capacity of ");
    ck_assert_msg(capacity > 3.9 && capacity < 4.0, "%s", msg); /* 4 / 1.001 s */
    double held = number_after(msg, "each request holding a worker ");
    ck_assert_msg(held > 0.98 && held < 1.03, "%s", msg); /* 1.001 s */
    done(&d);
    dk_dist_free(second);
}
END_TEST

START_TEST(a_queue_without_enough_consumers_stops)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    ck_assert_int_eq(dk_sim_set_overload(sim, 1000), DK_OK);
    dk_client_config cc = {.rate = 1e6, .poisson = 1};
    dk_actor_t *users = dk_sim_add_client(sim, "producers", &cc, &err);
    dk_dist_t *ms = dk_dist_constant(1 * MS, &err);
    dk_queue_config qc = {.consumers = 2, .service = ms};
    dk_actor_t *q = dk_sim_add_queue(sim, "jobs", &qc, &err);
    ck_assert_int_eq(dk_sim_link(sim, users, q, NULL, &err), DK_OK);
    dk_status st = dk_sim_run(sim, 10 * DK_SEC, 0, NULL, NULL);
    const char *msg = dk_sim_error(sim);
    ck_assert_msg(st == DK_EFULL, "status %d: %s", (int)st, msg);
    ck_assert_msg(strstr(msg, "overloaded: queue \"jobs\" has ") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "a capacity of 2000/s (2 consumers x 1000/s)") != NULL, "%s", msg);
    dk_sim_free(sim);
    dk_dist_free(ms);
}
END_TEST

START_TEST(the_threshold_can_be_changed_or_turned_off)
{
    dk_sim_t *sim = dk_sim_new(1, NULL);
    ck_assert_uint_eq(dk_sim_overload(sim), DK_SIM_OVERLOAD_WAITING);
    ck_assert_int_eq(dk_sim_set_overload(sim, 5000), DK_OK);
    ck_assert_uint_eq(dk_sim_overload(sim), 5000);
    ck_assert_int_eq(dk_sim_set_overload(sim, 0), DK_OK);
    ck_assert_uint_eq(dk_sim_overload(sim), 0);
    dk_sim_free(sim);

    /* off: the flood runs its 20,000 requests, all of them piling up */
    design d = station(1e9, 1, 1, 1 * MS, 0);
    ck_assert_int_eq(dk_sim_set_overload(d.sim, 0), DK_OK);
    dk_status st = dk_sim_run(d.sim, 10 * DK_SEC, 20000, NULL, NULL);
    ck_assert_msg(st == DK_OK, "%s", dk_sim_error(d.sim));
    ck_assert_int_eq(dk_sim_set_overload(d.sim, 10), DK_ESTATE);
    done(&d);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("overload");
    TCase *t = tcase_create("overload");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, a_flood_stops_naming_the_station);
    tcase_add_test(t, replicas_are_named_with_their_share);
    tcase_add_test(t, many_in_flight_but_stable_runs_on);
    tcase_add_test(t, a_long_queue_below_capacity_runs_on);
    tcase_add_test(t, workers_held_downstream_count_against_capacity);
    tcase_add_test(t, a_queue_without_enough_consumers_stops);
    tcase_add_test(t, the_threshold_can_be_changed_or_turned_off);
    suite_add_tcase(s, t);
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
