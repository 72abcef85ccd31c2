/* areas: base patterns model sim export kinds */
/* test_link_options.c - options on links: the one table, its checks and messages, weights and
 * distances reaching the balancer, and a link's resilience as a guard in front of its target,
 * against references written here (smooth weighted round robin by hand, counts by hand). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kinds_fixture.h"
#include "designkit/alloc.h"
#include "designkit/model.h"
#include "designkit/model_json.h"

#define K_GUARD dk_kinds_find("guard", NULL)

static dk_comp_t *add(dk_model_t *m, const dk_kind *k, const char *name)
{
    dk_error err;
    dk_comp_t *c = dk_model_add(m, NULL, k, name, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    return c;
}

/* Links a -> b and returns the link's options. */
static dk_comp_t *link(dk_model_t *m, dk_comp_t *a, dk_comp_t *b)
{
    dk_error err;
    ck_assert_int_eq(dk_model_link(m, a, b, NULL, &err), DK_OK);
    dk_comp_t *o = dk_model_link_options(m, dk_model_link_count(m) - 1, dk_link_schema(), &err);
    ck_assert_msg(o != NULL, "%s", err.message);
    return o;
}

START_TEST(one_table_for_links_and_guards)
{
    const dk_kind *schema = dk_link_schema(), *guard = K_GUARD;
    ck_assert_ptr_eq(dk_kinds_find("link", NULL), schema);
    ck_assert_uint_eq(schema->nprops, DK_LINK__COUNT);
    /* the guard's properties are the table's resilience part: the same entries, not copies */
    ck_assert_ptr_eq(guard->props, &schema->props[DK_LINK__GUARD_FIRST]);
    ck_assert_uint_eq(guard->nprops, DK_LINK__COUNT - DK_LINK__GUARD_FIRST);
    ck_assert_str_eq(schema->props[DK_LINK_WEIGHT].name, "weight");
    ck_assert_str_eq(schema->props[DK_LINK_BREAKER_WINDOW].name, "breaker_window");
    /* the groups scripts and JSON write */
    ck_assert_str_eq(dk_link_option_group(DK_LINK_BREAKER_WINDOW), "breaker");
    ck_assert_str_eq(dk_link_option_key(schema, DK_LINK_BREAKER_WINDOW), "window");
    ck_assert_str_eq(dk_link_option_key(schema, DK_LINK_FAILURE_RATE), "failure_rate");
    ck_assert_str_eq(dk_link_option_key(schema, DK_LINK_BULKHEAD_MAX), "max");
    ck_assert_ptr_null(dk_link_option_group(DK_LINK_WEIGHT));
    ck_assert_ptr_null(dk_link_option_group(DK_LINK_TIMEOUT));
    ck_assert_int_eq(dk_link_option_find(schema, "retry", "attempts"), DK_LINK_ATTEMPTS);
    ck_assert_int_eq(dk_link_option_find(schema, "breaker", "wait"), DK_LINK_BREAKER_WAIT);
    ck_assert_int_eq(dk_link_option_find(schema, "bulkhead", "wait"), DK_LINK_BULKHEAD_WAIT);
    ck_assert_int_eq(dk_link_option_find(schema, NULL, "weight"), DK_LINK_WEIGHT);
    ck_assert_int_eq(dk_link_option_find(schema, NULL, "attempts"), -1); /* in its group only */
    ck_assert_int_eq(dk_link_option_find(schema, "retry", "window"), -1);
}
END_TEST

START_TEST(options_default_and_check_with_the_link_named)
{
    dk_error err;
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *lb = add(m, K_BALANCER, "lb"), *api = add(m, K_SERVICE, "api");
    ck_assert_int_eq(dk_model_link(m, lb, api, NULL, &err), DK_OK);
    ck_assert_ptr_null(dk_model_link_options_at(m, 0)); /* nothing set: nothing made */
    dk_comp_t *o = dk_model_link_options(m, 0, dk_link_schema(), &err);
    ck_assert_ptr_nonnull(o);
    ck_assert_ptr_eq(dk_model_link_options_at(m, 0), o);
    ck_assert_ptr_eq(dk_model_link_options(m, 0, dk_link_schema(), &err), o);
    ck_assert_double_eq(dk_comp_number(o, DK_LINK_WEIGHT), 1);
    ck_assert_uint_eq(dk_comp_count(o, DK_LINK_ATTEMPTS), 1);
    ck_assert_str_eq(dk_comp_text(o, DK_LINK_JITTER), "full");

    ck_assert_int_eq(dk_comp_set_number(o, "weight", -1, &err), DK_ERANGE);
    ck_assert_str_eq(err.message, "link \"lb\" >> \"api\": weight must be positive (got -1)");
    ck_assert_int_eq(dk_comp_set_number(o, "weight", 0, &err), DK_ERANGE);
    ck_assert_int_eq(dk_comp_set_number(o, "weight", NAN, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "weight must be a finite number"));
    ck_assert_int_eq(dk_comp_set_number(o, "wieght", 2, &err), DK_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "did you mean \"weight\""));
    ck_assert_int_eq(dk_comp_set_text(o, "distance", "-5ms", &err) != DK_OK, 1);
    ck_assert_int_eq(dk_comp_set_text(o, "jitter", "loud", &err) != DK_OK, 1);
    ck_assert_int_eq(dk_comp_is_set(o, DK_LINK_WEIGHT), 0); /* nothing bad was kept */
    ck_assert_int_eq(dk_comp_set_number(o, "weight", 2.5, &err), DK_OK);
    ck_assert_double_eq(dk_comp_number(o, DK_LINK_WEIGHT), 2.5);

    /* the wrong schema, a link that is not there, the schema as a component */
    ck_assert_ptr_null(dk_model_link_options(m, 0, K_GUARD, &err));
    ck_assert_ptr_null(dk_model_link_options(m, 1, dk_link_schema(), &err));
    ck_assert_ptr_null(dk_model_add(m, NULL, dk_link_schema(), "x", &err));
    ck_assert_ptr_nonnull(strstr(err.message, "not a component kind"));
    dk_model_free(m);
}
END_TEST

/* nginx's smooth weighted round robin, written out: the counts of the first n picks. */
static void smooth_wrr(const double *w, size_t nb, unsigned n, unsigned *counts)
{
    double cur[8] = {0}, total = 0;
    for (size_t i = 0; i < nb; i++) {
        total += w[i];
        counts[i] = 0;
    }
    for (unsigned k = 0; k < n; k++) {
        size_t best = 0;
        for (size_t i = 0; i < nb; i++) {
            cur[i] += w[i];
            if (cur[i] > cur[best])
                best = i;
        }
        cur[best] -= total;
        counts[best]++;
    }
}

/* n requests, evenly spaced, from a client through a weighted round robin balancer over three
 * services whose links weigh `w`; the services' arrivals into `got`. */
static void run_weighted(const double *w, unsigned n, unsigned *got)
{
    dk_error err;
    dk_model_t *m = dk_model_new("wrr", NULL);
    dk_comp_t *users = add(m, K_CLIENT, "users"), *lb = add(m, K_BALANCER, "lb");
    ck_assert_int_eq(dk_comp_set_text(users, "arrivals", "constant", &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_text(lb, "algorithm", "weighted_round_robin", &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, users, lb, NULL, &err), DK_OK);
    const char *names[3] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        dk_comp_t *o = link(m, lb, add(m, K_SERVICE, names[i]));
        ck_assert_int_eq(dk_comp_set_number(o, "weight", w[i], &err), DK_OK);
    }
    dk_sim_t *sim = dk_model_build_sim(m, 1, &err);
    ck_assert_msg(sim != NULL, "%s", err.message);
    ck_assert_int_eq(dk_sim_run(sim, 3600 * DK_SEC, n, NULL, NULL), DK_OK);
    for (int i = 0; i < 3; i++)
        got[i] = (unsigned)dk_actor_get_stats(dk_sim_find_actor(sim, names[i]))->arrivals;
    dk_sim_free(sim);
    dk_model_free(m);
}

START_TEST(weights_give_smooth_wrr_order_in_the_simulator)
{
    const double w[3] = {5, 1, 1};
    unsigned want[3], got[3];
    /* each prefix of the cycle: a,a,b,a,c,a,a */
    const char order[] = "aabacaa";
    unsigned seen[3] = {0, 0, 0};
    for (unsigned n = 1; n <= 7; n++) {
        seen[order[n - 1] - 'a']++;
        smooth_wrr(w, 3, n, want);
        run_weighted(w, n, got);
        for (int i = 0; i < 3; i++) {
            ck_assert_uint_eq(want[i], seen[i]); /* the reference says the published order */
            ck_assert_uint_eq(got[i], want[i]);
        }
    }
    run_weighted(w, 7 * 100, got);
    ck_assert_uint_eq(got[0], 500);
    ck_assert_uint_eq(got[1], 100);
    ck_assert_uint_eq(got[2], 100);
    const double w2[3] = {0.5, 2, 1.5}; /* not whole numbers */
    smooth_wrr(w2, 3, 40, want);
    run_weighted(w2, 40, got);
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(got[i], want[i]);
}
END_TEST

START_TEST(distances_send_to_the_nearest)
{
    dk_error err;
    dk_model_t *m = dk_model_new("geo", NULL);
    dk_comp_t *users = add(m, K_CLIENT, "users"), *lb = add(m, K_BALANCER, "lb");
    ck_assert_int_eq(dk_comp_set_text(lb, "algorithm", "geo", &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, users, lb, NULL, &err), DK_OK);
    const char *names[3] = {"far", "near", "mid"};
    const char *dist[3] = {"40ms", "5ms", "10ms"};
    for (int i = 0; i < 3; i++) {
        dk_comp_t *o = link(m, lb, add(m, K_SERVICE, names[i]));
        ck_assert_int_eq(dk_comp_set_text(o, "distance", dist[i], &err), DK_OK);
    }
    dk_sim_t *sim = dk_model_build_sim(m, 1, &err);
    ck_assert_int_eq(dk_sim_run(sim, 3600 * DK_SEC, 50, NULL, NULL), DK_OK);
    ck_assert_uint_eq(dk_actor_get_stats(dk_sim_find_actor(sim, "near"))->arrivals, 50);
    ck_assert_uint_eq(dk_actor_get_stats(dk_sim_find_actor(sim, "far"))->arrivals, 0);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

/* users -> api -> dep, dep dead for the whole run, `attempts` on the link api -> dep. */
START_TEST(resilience_on_a_link_is_a_guard_in_front_of_its_target)
{
    dk_error err;
    dk_model_t *m = dk_model_new("storm", NULL);
    dk_comp_t *users = add(m, K_CLIENT, "users"), *api = add(m, K_SERVICE, "api");
    dk_comp_t *dep = add(m, K_DATABASE, "dep");
    ck_assert_int_eq(dk_comp_set_text(users, "arrivals", "constant", &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_text(dep, "fail_to", "1h", &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, users, api, NULL, &err), DK_OK);
    dk_comp_t *o = link(m, api, dep);
    ck_assert_int_eq(dk_comp_set_number(o, "attempts", 3, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_text(o, "base", "10ms", &err), DK_OK);
    char label[128] = "";
    dk_comp_kind(o)->detail(o, label, sizeof label);
    ck_assert_str_eq(label, "retry\xc3\x97"
                            "3");

    dk_sim_t *sim = dk_model_build_sim(m, 1, &err);
    ck_assert_msg(sim != NULL, "%s", err.message);
    dk_actor_t *g = dk_sim_find_actor(sim, "api>dep");
    ck_assert_ptr_nonnull(g);
    ck_assert_str_eq(dk_actor_kind(g), "link");
    ck_assert_int_eq(dk_sim_run(sim, 3600 * DK_SEC, 100, NULL, NULL), DK_OK);
    dk_actor_t *a = dk_sim_find_actor(sim, "api"), *d = dk_sim_find_actor(sim, "dep");
    /* every call api makes to dep went through the guard: 3 attempts per request */
    ck_assert_uint_eq(dk_actor_get_stats(g)->arrivals, 100);
    ck_assert_uint_eq(dk_actor_get_stats(d)->arrivals, 300);
    ck_assert_uint_eq(dk_guard_stats_of(g, NULL)->retries, 200);
    ck_assert_uint_eq(dk_sim_link_calls(a, d), 100); /* the link api -> dep is the guard's */
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

START_TEST(engine_checks_balance_and_through)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_client_config cc = {.rate = 1};
    dk_actor_t *a = dk_sim_add_client(sim, "a", &cc, &err);
    dk_station_config sc = {0};
    dk_actor_t *b = dk_sim_add_station(sim, "b", "service", &sc, &err);
    dk_actor_t *c = dk_sim_add_station(sim, "c", "service", &sc, &err);
    ck_assert_int_eq(dk_sim_link(sim, a, b, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_sim_link_set_balance(sim, a, b, 0, -1, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sim_link_set_balance(sim, a, b, NAN, -1, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sim_link_set_balance(sim, a, b, 1, NAN, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sim_link_set_balance(sim, a, c, 1, -1, &err), DK_ENOTFOUND);
    ck_assert_int_eq(dk_sim_link_through(sim, a, c, b, &err), DK_ENOTFOUND);
    ck_assert_int_eq(dk_sim_link(sim, a, c, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_sim_link_through(sim, a, c, b, &err), DK_EEXIST);
    dk_sim_free(sim);
}
END_TEST

/* Everything a link's options touch, start to end: set them, build and run with the link's
 * guard, write JSON and read it back. 1 when every step succeeded; any failure must come back
 * as an error, never a crash or a leak (ASan's leak check runs this test too). */
static int options_end_to_end(void)
{
    dk_error err;
    int ok = 0;
    char *json = NULL, *omitted = NULL;
    dk_sim_t *sim = NULL;
    dk_model_t *m = dk_model_new("oom", NULL), *again = NULL;
    dk_comp_t *users, *lb, *api, *dep, *o;
    if (m == NULL || (users = dk_model_add(m, NULL, K_CLIENT, "users", NULL)) == NULL ||
        (lb = dk_model_add(m, NULL, K_BALANCER, "lb", NULL)) == NULL ||
        (api = dk_model_add(m, NULL, K_SERVICE, "api", NULL)) == NULL ||
        (dep = dk_model_add(m, NULL, K_DATABASE, "dep", NULL)) == NULL ||
        dk_model_link(m, users, lb, NULL, NULL) != DK_OK ||
        dk_model_link(m, lb, api, NULL, NULL) != DK_OK ||
        (o = dk_model_link_options(m, 1, dk_link_schema(), NULL)) == NULL ||
        dk_comp_set_number(o, "weight", 2, NULL) != DK_OK ||
        dk_model_link(m, api, dep, NULL, NULL) != DK_OK ||
        (o = dk_model_link_options(m, 2, dk_link_schema(), NULL)) == NULL ||
        dk_comp_set_number(o, "attempts", 3, NULL) != DK_OK ||
        dk_comp_set_text(o, "timeout", "1s", NULL) != DK_OK ||
        dk_comp_set_number(o, "breaker_window", 10, NULL) != DK_OK)
        goto done;
    if ((sim = dk_model_build_sim(m, 1, &err)) == NULL ||
        dk_sim_run(sim, 10 * DK_SEC, 20, NULL, NULL) != DK_OK)
        goto done;
    if (dk_model_to_json(m, &json, &omitted, &err) != DK_OK ||
        (again = dk_model_from_json(json, strlen(json), "oom.json", dk_kinds_find, &err)) == NULL)
        goto done;
    ck_assert_ptr_nonnull(dk_model_link_options_at(again, 2));
    ck_assert_uint_eq(dk_comp_count(dk_model_link_options_at(again, 2), DK_LINK_ATTEMPTS), 3);
    ok = 1;
done:
    dk_model_free(again);
    dk_free(json);
    dk_free(omitted);
    dk_sim_free(sim);
    dk_model_free(m);
    return ok;
}

START_TEST(every_allocation_may_fail)
{
    long n = 0;
    for (;; n++) {
        dk_alloc_fail_after(n);
        int ok = options_end_to_end();
        dk_alloc_fail_after(-1);
        if (ok)
            break;
        ck_assert_msg(n < 200000, "never succeeds");
    }
    ck_assert_int_gt(n, 10); /* the sweep did fail allocations on its way */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("link_options");
    TCase *t = tcase_create("table");
    tcase_add_test(t, one_table_for_links_and_guards);
    tcase_add_test(t, options_default_and_check_with_the_link_named);
    suite_add_tcase(s, t);
    TCase *b = tcase_create("balancing");
    tcase_add_test(b, weights_give_smooth_wrr_order_in_the_simulator);
    tcase_add_test(b, distances_send_to_the_nearest);
    suite_add_tcase(s, b);
    TCase *r = tcase_create("resilience");
    tcase_add_test(r, resilience_on_a_link_is_a_guard_in_front_of_its_target);
    tcase_add_test(r, engine_checks_balance_and_through);
    suite_add_tcase(s, r);
    TCase *oom = tcase_create("out_of_memory");
    tcase_set_timeout(oom, 120);
    tcase_add_test(oom, every_allocation_may_fail);
    suite_add_tcase(s, oom);
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
