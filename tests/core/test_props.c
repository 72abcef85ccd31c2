/* areas: base patterns model sim export kinds */
/* test_props.c - component properties: defaults, setters by type, bad input, getters. */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "kinds_fixture.h"
#include "designkit/alloc.h"
#include "designkit/model.h"

static dk_error err;
static dk_model_t *m;
static dk_comp_t *users, *lb, *api, *redis, *urls, *jobs;

static void setup(void)
{
    dk_error_clear(&err);
    m = dk_model_new("m", NULL);
    users = dk_model_add(m, NULL, K_CLIENT, "users", NULL);
    lb = dk_model_add(m, NULL, K_BALANCER, "lb", NULL);
    api = dk_model_add(m, NULL, K_SERVICE, "api", NULL);
    redis = dk_model_add(m, NULL, K_CACHE, "redis", NULL);
    urls = dk_model_add(m, NULL, K_DATABASE, "urls", NULL);
    jobs = dk_model_add(m, NULL, K_QUEUE, "jobs", NULL);
}

static void teardown(void)
{
    dk_model_free(m);
}

/* Asserts that a setter failed with `st` and exactly `msg`. */
#define ck_fails(call, st, msg)                                                                    \
    do {                                                                                           \
        ck_assert_int_eq((call), (st));                                                            \
        ck_assert_int_eq(err.status, (st));                                                        \
        ck_assert_str_eq(err.message, (msg));                                                      \
    } while (0)

/* ---- defaults ---- */

START_TEST(defaults_from_schema)
{
    const char *cls;
    double w;

    ck_assert_double_eq(dk_comp_number(users, P(users, "rate")), 100);
    ck_assert_str_eq(dk_comp_text(users, P(users, "arrivals")), "poisson");
    ck_assert_uint_eq(dk_comp_mix_count(users, P(users, "mix")), 1);
    dk_comp_mix_at(users, P(users, "mix"), 0, &cls, &w);
    ck_assert_str_eq(cls, "request");
    ck_assert_double_eq(w, 1);
    ck_assert_double_eq(dk_dist_mean(dk_comp_dist(users, P(users, "keys"))), 1);
    ck_assert_str_eq(dk_comp_text(lb, P(lb, "algorithm")), "round_robin");
    ck_assert_double_eq(dk_comp_number(api, P(api, "workers")), 1);
    ck_assert_int_eq(dk_dist_kind_of(dk_comp_dist(api, P(api, "time"))), DK_DIST_CONSTANT);
    ck_assert_double_eq(dk_dist_mean(dk_comp_dist(api, P(api, "time"))), 1e6);
    ck_assert_double_eq(dk_comp_number(redis, P(redis, "capacity")), 10000);
    ck_assert_double_eq(dk_dist_mean(dk_comp_dist(redis, P(redis, "time"))), 2e5);
    ck_assert_str_eq(dk_comp_text(urls, P(urls, "replication")), "async");
    ck_assert_double_eq(dk_comp_number(urls, P(urls, "workers")), 16);
    ck_assert_double_eq(dk_dist_mean(dk_comp_dist(urls, P(urls, "time"))), 5e6);
    ck_assert_double_eq(dk_comp_number(jobs, P(jobs, "consumers")), 1);
    ck_assert_int_eq(dk_comp_is_set(redis, P(redis, "capacity")), 0);
}
END_TEST

/* Unknown names have no id; an ENUM reads as its choice index and a DIST as its mean. */
START_TEST(getters_on_wrong_or_unknown_props)
{
    ck_assert_int_eq(dk_kind_prop_id(dk_comp_kind(redis), "nope"), -1);
    ck_assert_int_eq(dk_kind_prop_id(dk_comp_kind(redis), NULL), -1);
    ck_assert_int_eq(dk_kind_prop_id(NULL, "capacity"), -1);
    ck_assert_int_eq(dk_kind_prop_id(dk_comp_kind(api), "capacity"), -1); /* another kind's */
    ck_assert_double_eq(dk_comp_number(redis, P(redis, "policy")), 0);    /* choice index */
    ck_assert_double_eq(dk_comp_number(api, P(api, "time")), 1e6);        /* a dist's mean */
}
END_TEST

/* A wrong id or a getter of the wrong type is a programming error: DK_ASSERT aborts, where
 * the getters by name used to answer NaN or NULL. Each runs in its own forked test. */
START_TEST(number_of_unknown_id_aborts)
{
    dk_comp_number(redis, dk_kind_prop_id(dk_comp_kind(redis), "nope"));
}
END_TEST

START_TEST(number_of_id_past_schema_aborts)
{
    dk_comp_number(redis, (int)dk_comp_kind(redis)->nprops);
}
END_TEST

START_TEST(number_of_mix_aborts)
{
    dk_comp_number(users, P(users, "mix"));
}
END_TEST

START_TEST(text_of_int_aborts)
{
    dk_comp_text(redis, P(redis, "capacity"));
}
END_TEST

START_TEST(dist_of_int_aborts)
{
    dk_comp_dist(redis, P(redis, "capacity"));
}
END_TEST

START_TEST(mix_count_of_int_aborts)
{
    dk_comp_mix_count(redis, P(redis, "capacity"));
}
END_TEST

START_TEST(mix_at_of_int_aborts)
{
    const char *cls;
    double w;
    dk_comp_mix_at(redis, P(redis, "capacity"), 0, &cls, &w);
}
END_TEST

START_TEST(is_set_of_unknown_id_aborts)
{
    dk_comp_is_set(redis, dk_kind_prop_id(dk_comp_kind(redis), "nope"));
}
END_TEST

START_TEST(count_of_unknown_id_aborts)
{
    dk_comp_count(api, -1);
}
END_TEST

/* ---- numbers ---- */

START_TEST(set_number_happy)
{
    ck_assert_int_eq(dk_comp_set_number(redis, "capacity", 200000, &err), DK_OK);
    ck_assert_double_eq(dk_comp_number(redis, P(redis, "capacity")), 200000);
    ck_assert_int_eq(dk_comp_is_set(redis, P(redis, "capacity")), 1);
    ck_assert_int_eq(dk_comp_set_number(redis, "ttl", 3.6e12, &err), DK_OK);
    ck_assert_double_eq(dk_comp_number(redis, P(redis, "ttl")), 3.6e12);
    ck_assert_int_eq(dk_comp_set_number(users, "rate", 2500.5, &err), DK_OK);
    ck_assert_double_eq(dk_comp_number(users, P(users, "rate")), 2500.5);
    ck_assert_int_eq(dk_comp_set_number(jobs, "capacity", 0, &err), DK_OK); /* unbounded */
    ck_assert_int_eq(dk_comp_set_number(redis, "workers", 0, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_number(lb, "replicas", 10000, &err), DK_OK);
    /* a number for a distribution is a constant */
    ck_assert_int_eq(dk_comp_set_number(api, "time", 2e6, &err), DK_OK);
    ck_assert_int_eq(dk_dist_kind_of(dk_comp_dist(api, P(api, "time"))), DK_DIST_CONSTANT);
    ck_assert_double_eq(dk_dist_mean(dk_comp_dist(api, P(api, "time"))), 2e6);
    ck_assert_int_eq(dk_comp_is_set(api, P(api, "time")), 1);
}
END_TEST

START_TEST(set_number_int_errors)
{
    ck_fails(dk_comp_set_number(redis, "capacity", -5, &err), DK_ERANGE,
             "cache \"redis\": capacity must be a positive integer (got -5)");
    ck_fails(dk_comp_set_number(redis, "capacity", 2.5, &err), DK_EINVAL,
             "cache \"redis\": capacity must be a positive integer (got 2.5)");
    ck_fails(dk_comp_set_number(redis, "capacity", 0, &err), DK_ERANGE,
             "cache \"redis\": capacity must be a positive integer (got 0)");
    ck_fails(dk_comp_set_number(jobs, "capacity", -1, &err), DK_ERANGE,
             "queue \"jobs\": capacity must be a non-negative integer (got -1)");
    ck_fails(dk_comp_set_number(lb, "replicas", 20000, &err), DK_ERANGE,
             "balancer \"lb\": replicas must be an integer from 1 to 10000 (got 20000)");
    ck_fails(dk_comp_set_number(api, "workers", 1e7, &err), DK_ERANGE,
             "service \"api\": workers must be an integer from 1 to 1000000 (got 10000000)");
    ck_assert_double_eq(dk_comp_number(redis, P(redis, "capacity")), 10000); /* unchanged */
    ck_assert_int_eq(dk_comp_is_set(redis, P(redis, "capacity")), 0);
}
END_TEST

START_TEST(set_number_non_finite)
{
    ck_fails(dk_comp_set_number(redis, "capacity", NAN, &err), DK_EINVAL,
             "cache \"redis\": capacity must be a finite number (got nan)");
    ck_fails(dk_comp_set_number(users, "rate", INFINITY, &err), DK_EINVAL,
             "client \"users\": rate must be a finite number (got inf)");
    ck_fails(dk_comp_set_number(api, "time", -INFINITY, &err), DK_EINVAL,
             "service \"api\": time must be a finite number (got -inf)");
}
END_TEST

START_TEST(set_number_range_errors)
{
    ck_fails(dk_comp_set_number(users, "rate", 0, &err), DK_ERANGE,
             "client \"users\": rate must be positive (got 0/s)");
    ck_fails(dk_comp_set_number(redis, "ttl", -1, &err), DK_ERANGE,
             "cache \"redis\": ttl must not be negative (got -1ns)");
    ck_fails(dk_comp_set_number(api, "time", -2, &err), DK_ERANGE,
             "service \"api\": time must not be negative (got -2ns)");
    ck_fails(dk_comp_set_number(redis, "policy", 1, &err), DK_EINVAL,
             "cache \"redis\": policy must be one of lru, lfu, perfect_lfu, fifo, lifo, mru, "
             "random, arc, 2q, tinylfu "
             "(got 1)");
    ck_fails(dk_comp_set_number(users, "mix", 1, &err), DK_EINVAL,
             "client \"users\": mix must be request classes with weights (got the number 1)");
}
END_TEST

START_TEST(unknown_property)
{
    ck_fails(dk_comp_set_number(redis, "capactiy", 5, &err), DK_ENOTFOUND,
             "cache \"redis\": unknown option \"capactiy\"; did you mean \"capacity\"? (valid: "
             "capacity, policy, ttl, time, "
             "replicas, workers, strategy, on_write, flush, batch, crash_at, bytes, object_size)");
    ck_fails(dk_comp_set_text(api, "capacity", "5", &err), DK_ENOTFOUND,
             "service \"api\": unknown option \"capacity\" (valid: replicas, workers, time, "
             "queue, dispatch, mode, fail_from, fail_to, fail_rate, hang_at, hang_every, "
             "restart_time)");
    ck_fails(dk_comp_set_dist(api, "latency", dk_dist_constant(1, NULL), &err), DK_ENOTFOUND,
             "service \"api\": unknown option \"latency\" (valid: replicas, workers, time, "
             "queue, dispatch, mode, fail_from, fail_to, fail_rate, hang_at, hang_every, "
             "restart_time)");
    ck_fails(dk_comp_set_number(api, NULL, 5, &err), DK_EINVAL,
             "service \"api\": option name missing");
    ck_fails(dk_comp_set_number(NULL, "x", 5, &err), DK_EINVAL, "no component given");
}
END_TEST

/* ---- text ---- */

START_TEST(set_text_happy)
{
    ck_assert_int_eq(dk_comp_set_text(redis, "ttl", "1h", &err), DK_OK);
    ck_assert_double_eq(dk_comp_number(redis, P(redis, "ttl")), 3600e9);
    ck_assert_int_eq(dk_comp_set_text(users, "rate", "1k/s", &err), DK_OK);
    ck_assert_double_eq(dk_comp_number(users, P(users, "rate")), 1000);
    ck_assert_int_eq(dk_comp_set_text(redis, "capacity", " 250000 ", &err), DK_OK);
    ck_assert_double_eq(dk_comp_number(redis, P(redis, "capacity")), 250000);
    ck_assert_int_eq(dk_comp_set_text(lb, "algorithm", "least_connections", &err), DK_OK);
    ck_assert_str_eq(dk_comp_text(lb, P(lb, "algorithm")), "least_connections");
    ck_assert_int_eq(dk_comp_is_set(lb, P(lb, "algorithm")), 1);
    ck_assert_int_eq(dk_comp_set_text(urls, "replication", "sync", &err), DK_OK);
    ck_assert_str_eq(dk_comp_text(urls, P(urls, "replication")), "sync");
    ck_assert_double_eq(dk_comp_number(urls, P(urls, "replication")), 2);
    ck_assert_int_eq(dk_comp_set_text(users, "arrivals", "constant", &err), DK_OK);
    /* a duration text for a distribution of durations is a constant */
    ck_assert_int_eq(dk_comp_set_text(api, "time", "2ms", &err), DK_OK);
    ck_assert_double_eq(dk_dist_mean(dk_comp_dist(api, P(api, "time"))), 2e6);
    ck_assert_int_eq(dk_comp_set_text(urls, "lag", "50ms", &err), DK_OK);
    ck_assert_double_eq(dk_dist_mean(dk_comp_dist(urls, P(urls, "lag"))), 50e6);
    /* keys are numbers, not durations */
    ck_assert_int_eq(dk_comp_set_text(users, "keys", "42", &err), DK_OK);
    ck_assert_double_eq(dk_dist_mean(dk_comp_dist(users, P(users, "keys"))), 42);
}
END_TEST

START_TEST(set_text_errors)
{
    ck_fails(dk_comp_set_text(redis, "policy", "lfu2", &err), DK_EINVAL,
             "cache \"redis\": policy must be one of lru, lfu, perfect_lfu, fifo, lifo, mru, "
             "random, arc, 2q, tinylfu "
             "(got \"lfu2\")");
    ck_fails(dk_comp_set_text(lb, "algorithm", "fastest", &err), DK_EINVAL,
             "balancer \"lb\": algorithm must be one of round_robin, random, least_connections, "
             "weighted_round_robin, hash, weighted_least_connections, least_response_time, p2c, "
             "ring, jump, maglev, rendezvous, geo (got \"fastest\")");
    ck_fails(dk_comp_set_text(redis, "capacity", "lots", &err), DK_EPARSE,
             "cache \"redis\": capacity must be a number (got \"lots\")");
    ck_fails(dk_comp_set_text(redis, "capacity", "12abc", &err), DK_EPARSE,
             "cache \"redis\": capacity must be a number (got \"12abc\")");
    ck_fails(dk_comp_set_text(redis, "capacity", "nan", &err), DK_EPARSE,
             "cache \"redis\": capacity must be a number (got \"nan\")");
    /* parsed, then range-checked like a number */
    ck_fails(dk_comp_set_text(redis, "capacity", "-5", &err), DK_ERANGE,
             "cache \"redis\": capacity must be a positive integer (got -5)");
    ck_fails(dk_comp_set_text(redis, "capacity", "2.5", &err), DK_EINVAL,
             "cache \"redis\": capacity must be a positive integer (got 2.5)");
    ck_fails(dk_comp_set_text(users, "rate", "0/s", &err), DK_ERANGE,
             "client \"users\": rate must be positive (got 0/s)");
    ck_fails(dk_comp_set_text(users, "keys", "many", &err), DK_EPARSE,
             "client \"users\": keys must be a number (got \"many\")");
    ck_fails(dk_comp_set_text(users, "mix", "read", &err), DK_EINVAL,
             "client \"users\": mix must be request classes with weights (got \"read\")");
    ck_fails(dk_comp_set_text(redis, "ttl", NULL, &err), DK_EINVAL,
             "cache \"redis\": ttl: no text given");
    ck_assert_str_eq(dk_comp_text(redis, P(redis, "policy")), "lru");
}
END_TEST

/* Unit parse failures keep the parser's own words after the component and field. */
START_TEST(set_text_unit_errors_are_prefixed)
{
    const char *prefix = "cache \"redis\": ttl: ";
    ck_assert_int_ne(dk_comp_set_text(redis, "ttl", "5 parsecs", &err), DK_OK);
    ck_assert_int_eq(strncmp(err.message, prefix, strlen(prefix)), 0);
    ck_assert_ptr_nonnull(strstr(err.message, "5 parsecs"));

    prefix = "service \"api\": time: ";
    ck_assert_int_ne(dk_comp_set_text(api, "time", "fast", &err), DK_OK);
    ck_assert_int_eq(strncmp(err.message, prefix, strlen(prefix)), 0);
    ck_assert_ptr_nonnull(strstr(err.message, "fast"));

    prefix = "client \"users\": rate: ";
    ck_assert_int_ne(dk_comp_set_text(users, "rate", "lots/s", &err), DK_OK);
    ck_assert_int_eq(strncmp(err.message, prefix, strlen(prefix)), 0);
    ck_assert_double_eq(dk_comp_number(users, P(users, "rate")), 100);
}
END_TEST

/* ---- distributions ---- */

START_TEST(set_dist_happy)
{
    dk_dist_t *d = dk_dist_exponential(2e6, NULL);
    ck_assert_int_eq(dk_comp_set_dist(api, "time", d, &err), DK_OK);
    ck_assert_ptr_eq(dk_comp_dist(api, P(api, "time")), d); /* owned now */
    ck_assert_int_eq(dk_comp_set_dist(users, "keys", dk_dist_zipf(1000000, 0.99, NULL), &err),
                     DK_OK);
    ck_assert_int_eq(dk_dist_kind_of(dk_comp_dist(users, P(users, "keys"))), DK_DIST_ZIPF);
    /* replacing frees the old one (checked by the leak runs) */
    ck_assert_int_eq(dk_comp_set_dist(api, "time", dk_dist_uniform(1e6, 3e6, NULL), &err), DK_OK);
    ck_assert_double_eq(dk_comp_number(api, P(api, "time")), 2e6);
}
END_TEST

START_TEST(set_dist_errors_free_the_dist)
{
    double vals[] = {1e6, -3};
    ck_fails(dk_comp_set_dist(redis, "capacity", dk_dist_constant(5, NULL), &err), DK_EINVAL,
             "cache \"redis\": capacity takes a single value, not a distribution");
    ck_fails(dk_comp_set_dist(api, "time", NULL, &err), DK_EINVAL,
             "service \"api\": time: no distribution given");
    ck_fails(dk_comp_set_dist(api, "time", dk_dist_constant(-1, NULL), &err), DK_ERANGE,
             "service \"api\": time must not be negative (got -1ns)");
    ck_fails(dk_comp_set_dist(api, "time", dk_dist_uniform(-5, 5, NULL), &err), DK_ERANGE,
             "service \"api\": time must not be negative (got -5ns)");
    ck_fails(dk_comp_set_dist(api, "time", dk_dist_empirical(vals, NULL, 2, NULL), &err), DK_ERANGE,
             "service \"api\": time must not be negative (got -3ns)");
    ck_assert_double_eq(dk_comp_number(api, P(api, "time")), 1e6);
    ck_assert_int_eq(dk_comp_is_set(api, P(api, "time")), 0);
}
END_TEST

/* ---- mixes ---- */

START_TEST(set_mix_happy)
{
    const char *cls[] = {"resolve", "shorten"};
    const double w[] = {99, 1};
    const char *got;
    double gw;

    ck_assert_int_eq(dk_comp_set_mix(users, "mix", cls, w, 2, &err), DK_OK);
    ck_assert_uint_eq(dk_comp_mix_count(users, P(users, "mix")), 2);
    dk_comp_mix_at(users, P(users, "mix"), 1, &got, &gw);
    ck_assert_str_eq(got, "shorten");
    ck_assert_double_eq(gw, 1);
    ck_assert_ptr_ne(got, cls[1]); /* copied */
    dk_comp_mix_at(users, P(users, "mix"), 2, &got, &gw);
    ck_assert_ptr_null(got);
    ck_assert_double_eq(gw, 0);
    ck_assert_int_eq(dk_comp_is_set(users, P(users, "mix")), 1);
}
END_TEST

START_TEST(set_mix_errors)
{
    const char *cls[] = {"read", "read"}, *empty[] = {""};
    const double w[] = {1, 1}, bad[] = {0}, nan_w[] = {NAN};

    ck_fails(dk_comp_set_mix(users, "mix", cls, w, 2, &err), DK_EINVAL,
             "client \"users\": mix: class \"read\" appears twice");
    ck_fails(dk_comp_set_mix(users, "mix", cls, bad, 1, &err), DK_EINVAL,
             "client \"users\": mix: weight of \"read\" must be positive (got 0)");
    ck_fails(dk_comp_set_mix(users, "mix", cls, nan_w, 1, &err), DK_EINVAL,
             "client \"users\": mix: weight of \"read\" must be positive (got nan)");
    ck_fails(dk_comp_set_mix(users, "mix", empty, w, 1, &err), DK_EINVAL,
             "client \"users\": mix: class name must not be empty");
    ck_fails(dk_comp_set_mix(users, "mix", cls, w, 0, &err), DK_EINVAL,
             "client \"users\": mix must name at least one request class");
    ck_fails(dk_comp_set_mix(users, "rate", cls, w, 1, &err), DK_EINVAL,
             "client \"users\": rate is not a mix of request classes");
    ck_assert_uint_eq(dk_comp_mix_count(users, P(users, "mix")), 1); /* the default stays */
}
END_TEST

START_TEST(set_mix_out_of_memory_keeps_old)
{
    const char *cls[] = {"a", "b", "c"};
    const double w[] = {1, 1, 1};
    int ok = 0;
    for (long n = 0; n < 20 && !ok; n++) {
        dk_status st;
        dk_alloc_fail_after(n);
        st = dk_comp_set_mix(users, "mix", cls, w, 3, &err);
        dk_alloc_fail_after(-1);
        if (st == DK_OK) {
            ok = 1;
        } else {
            ck_assert_int_eq(st, DK_ENOMEM);
            ck_assert_uint_eq(dk_comp_mix_count(users, P(users, "mix")), 1);
            ck_assert_uint_eq(dk_model_class_count(m), 1);
            ck_assert_str_eq(dk_model_class(m, 0), "request");
        }
    }
    ck_assert_int_eq(ok, 1);
    ck_assert_uint_eq(dk_model_class_count(m), 3);
}
END_TEST

static Suite *props_suite(void)
{
    Suite *s = suite_create("props");
    TCase *tc = tcase_create("defaults");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, defaults_from_schema);
    tcase_add_test(tc, getters_on_wrong_or_unknown_props);
    suite_add_tcase(s, tc);
    tc = tcase_create("misuse");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test_raise_signal(tc, number_of_unknown_id_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, number_of_id_past_schema_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, number_of_mix_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, text_of_int_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, dist_of_int_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, mix_count_of_int_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, mix_at_of_int_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, is_set_of_unknown_id_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, count_of_unknown_id_aborts, SIGABRT);
    suite_add_tcase(s, tc);
    tc = tcase_create("numbers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, set_number_happy);
    tcase_add_test(tc, set_number_int_errors);
    tcase_add_test(tc, set_number_non_finite);
    tcase_add_test(tc, set_number_range_errors);
    tcase_add_test(tc, unknown_property);
    suite_add_tcase(s, tc);
    tc = tcase_create("text");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, set_text_happy);
    tcase_add_test(tc, set_text_errors);
    tcase_add_test(tc, set_text_unit_errors_are_prefixed);
    suite_add_tcase(s, tc);
    tc = tcase_create("distributions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, set_dist_happy);
    tcase_add_test(tc, set_dist_errors_free_the_dist);
    suite_add_tcase(s, tc);
    tc = tcase_create("mixes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, set_mix_happy);
    tcase_add_test(tc, set_mix_errors);
    tcase_add_test(tc, set_mix_out_of_memory_keeps_old);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(props_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
