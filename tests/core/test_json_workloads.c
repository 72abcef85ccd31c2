/* areas: base patterns model sim export kinds */
/* test_json_workloads.c - model JSON for mixtures, hyperexponentials and closed clients: round
 * trips to the same model and the same text, what is written, and bad input named by path. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds_fixture.h"
#include "designkit/alloc.h"
#include "designkit/model.h"
#include "designkit/model_json.h"
#include "designkit/rng.h"

/* A closed client (users, think) into a service whose time is a mixture holding a
 * hyperexponential, and a database whose time is a hyperexponential. */
static dk_model_t *workload_model(void)
{
    dk_error err;
    dk_model_t *m = dk_model_new("workloads", &err);
    dk_comp_t *users = dk_model_add(m, NULL, K_CLIENT, "users", &err);
    dk_comp_t *api = dk_model_add(m, NULL, K_SERVICE, "api", &err);
    dk_comp_t *db = dk_model_add(m, NULL, K_DATABASE, "db", &err);
    ck_assert_ptr_nonnull(db);

    ck_assert_int_eq(dk_comp_set_number(users, "users", 25, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_dist(users, "think", dk_dist_exponential(1e9, NULL), &err), DK_OK);
    dk_dist_t *h2 = dk_dist_h2(1e7, 4, NULL), *c = dk_dist_constant(5e6, NULL);
    const dk_dist_t *parts[] = {h2, c};
    dk_dist_t *mix = dk_dist_mixture((double[]){0.9, 0.1}, parts, 2, &err);
    ck_assert_msg(mix != NULL, "%s", err.message);
    dk_dist_free(h2);
    dk_dist_free(c);
    ck_assert_int_eq(dk_comp_set_dist(api, "time", mix, &err), DK_OK);
    dk_dist_t *h3 =
        dk_dist_hyperexp((double[]){0.5, 0.25, 0.25}, (double[]){1e6, 4e6, 1.5e7}, 3, &err);
    ck_assert_int_eq(dk_comp_set_dist(db, "time", h3, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, users, api, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, api, db, NULL, &err), DK_OK);
    return m;
}

static char *to_json(const dk_model_t *m)
{
    char *text = NULL;
    dk_error err;
    ck_assert_msg(dk_model_to_json(m, &text, NULL, &err) == DK_OK, "%s", err.message);
    return text;
}

START_TEST(round_trip_same_model_same_text)
{
    dk_error err;
    dk_model_t *m = workload_model();
    char *text = to_json(m);
    dk_model_t *back = dk_model_from_json(text, strlen(text), "w.json", dk_kinds_find, &err);
    ck_assert_msg(back != NULL, "%s", err.message);
    for (size_t i = 0; i < dk_model_comp_count(m); i++) {
        const dk_comp_t *a = dk_model_comp(m, i), *b = dk_model_comp(back, i);
        const int t = P(a, strcmp(dk_comp_name(a), "users") == 0 ? "think" : "time");
        ck_assert_msg(dk_dist_equal(dk_comp_dist(a, t), dk_comp_dist(b, t)), "%s differs",
                      dk_comp_name(a));
    }
    const dk_comp_t *users = dk_model_find(back, "users");
    ck_assert_uint_eq(dk_comp_count(users, P(users, "users")), 25);
    char *again = to_json(back);
    ck_assert_str_eq(text, again);
    /* what is written: the shape docs/json-schemas.md describes */
    ck_assert_ptr_nonnull(strstr(text, "\"kind\":\t\"mixture\""));
    ck_assert_ptr_nonnull(strstr(text, "\"weights\":\t[0.9, 0.1]"));
    ck_assert_ptr_nonnull(strstr(text, "\"kind\":\t\"hyperexponential\""));
    ck_assert_ptr_nonnull(strstr(text, "\"probs\":\t[0.5, 0.25, 0.25]"));
    ck_assert_ptr_nonnull(strstr(text, "\"means\":\t[1000000, 4000000, 15000000]"));
    ck_assert_ptr_nonnull(strstr(text, "\"users\":\t25"));
    dk_free(text);
    dk_free(again);
    dk_model_free(m);
    dk_model_free(back);
}
END_TEST

/* Reads a one-service model whose time is `dist` (JSON text) and expects `message`. */
static void expect_bad_time(const char *dist, const char *message)
{
    char text[2048];
    dk_error err;
    snprintf(text, sizeof text,
             "{\"designkit\": \"model\", \"version\": 1, \"name\": \"x\", \"components\": "
             "[{\"name\": \"api\", \"kind\": \"service\", \"properties\": {\"time\": %s}}]}",
             dist);
    dk_model_t *m = dk_model_from_json(text, strlen(text), "x.json", dk_kinds_find, &err);
    ck_assert_msg(m == NULL, "accepted %s", dist);
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_msg(strstr(err.message, message) != NULL, "\"%s\" lacks \"%s\"", err.message,
                  message);
}

START_TEST(bad_input_is_named_by_path)
{
    expect_bad_time("{\"kind\": \"mixture\", \"weights\": [], \"parts\": []}",
                    "time: mixture: needs at least one part");
    expect_bad_time("{\"kind\": \"mixture\", \"weights\": [1, -1], \"parts\": "
                    "[{\"kind\": \"constant\", \"params\": [1]}, "
                    "{\"kind\": \"constant\", \"params\": [2]}]}",
                    "time: mixture: weight #2 must be a non-negative number (got -1)");
    expect_bad_time("{\"kind\": \"mixture\", \"weights\": [1], \"parts\": []}",
                    "time: mixture: 1 weights for 0 parts");
    expect_bad_time("{\"kind\": \"mixture\", \"weights\": [1, 1], \"parts\": "
                    "[{\"kind\": \"constant\", \"params\": [1]}, 7]}",
                    "time: parts[1]: a distribution must be an object");
    expect_bad_time("{\"kind\": \"mixture\", \"weights\": [1], \"parts\": "
                    "[{\"kind\": \"exponential\", \"params\": [-1]}]}",
                    "time: parts[0]: exponential: mean must be positive (got -1)");
    expect_bad_time("{\"kind\": \"mixture\", \"weights\": [1], \"parts\": "
                    "[{\"kind\": \"constant\", \"params\": [-5]}]}",
                    "time must not be negative (got -5ns)");
    expect_bad_time("{\"kind\": \"mixture\", \"weights\": [1]}", "parts must be an array");
    expect_bad_time("{\"kind\": \"mixture\", \"weights\": [1], \"parts\": [], \"x\": 1}",
                    "unknown key \"x\"");
    expect_bad_time("{\"kind\": \"hyperexponential\", \"probs\": [0.5, 0.6], \"means\": [1, 2]}",
                    "time: hyperexponential: probabilities must sum to 1 (got 1.1)");
    expect_bad_time("{\"kind\": \"hyperexponential\", \"probs\": [1], \"means\": [1, 2]}",
                    "time: hyperexponential: 1 probs for 2 means");
    expect_bad_time("{\"kind\": \"hyperexponential\", \"probs\": [1], \"means\": [\"1ms\"]}",
                    "means[0] must be a number");
    expect_bad_time("{\"kind\": \"hyperexponential\", \"probs\": [1], \"params\": [1]}",
                    "unknown key \"params\"");
}
END_TEST

START_TEST(deep_nesting_is_refused)
{
    /* 20 mixtures deep: refused by the depth bound, with no crash and nothing leaked. */
    char text[4096] = "", *p = text;
    for (int i = 0; i < 20; i++)
        p += sprintf(p, "{\"kind\": \"mixture\", \"weights\": [1], \"parts\": [");
    p += sprintf(p, "{\"kind\": \"constant\", \"params\": [1]}");
    for (int i = 0; i < 20; i++)
        p += sprintf(p, "]}");
    expect_bad_time(text, "nests mixtures more than 15 deep");
}
END_TEST

static Suite *json_workloads_suite(void)
{
    Suite *s = suite_create("json_workloads");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, round_trip_same_model_same_text);
    tcase_add_test(tc, bad_input_is_named_by_path);
    tcase_add_test(tc, deep_nesting_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(json_workloads_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
