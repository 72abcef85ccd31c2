/* areas: base patterns model sim export kinds */
/* test_footprint.c - memory per component, counted exactly through the allocation hooks: an
 * idle component of a large design costs under 4 KiB, model and simulator together, and a run
 * that sends each backend a few requests does not multiply it. Bytes are deterministic, so
 * these are exact checks, not timings. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "counting_alloc.h"
#include "kinds_fixture.h"
#include "designkit/alloc.h"
#include "designkit/model.h"
#include "designkit/sim.h"

#define N 5000 /* services behind the balancer, each with a database of its own */

/* users -> lb -> api-i -> db-i, i = 1..N: 2N + 2 components. */
static dk_model_t *wide(void)
{
    dk_error err;
    char name[32];
    dk_model_t *m = dk_model_new("wide", &err);
    dk_comp_t *users = dk_model_add(m, NULL, K_CLIENT, "users", &err);
    dk_comp_t *lb = dk_model_add(m, NULL, K_BALANCER, "lb", &err);
    ck_assert_ptr_nonnull(lb);
    ck_assert_int_eq(dk_comp_set_number(users, "rate", 1e5, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, users, lb, NULL, &err), DK_OK);
    for (int i = 1; i <= N; i++) {
        snprintf(name, sizeof name, "api-%d", i);
        dk_comp_t *api = dk_model_add(m, NULL, K_SERVICE, name, &err);
        snprintf(name, sizeof name, "db-%d", i);
        dk_comp_t *db = dk_model_add(m, NULL, K_DATABASE, name, &err);
        ck_assert_ptr_nonnull(db);
        ck_assert_int_eq(dk_comp_set_number(api, "workers", 4, &err), DK_OK);
        ck_assert_int_eq(dk_model_link(m, lb, api, NULL, &err), DK_OK);
        ck_assert_int_eq(dk_model_link(m, api, db, NULL, &err), DK_OK);
    }
    return m;
}

START_TEST(an_idle_component_costs_under_4k)
{
    dk_error err;
    dk_set_allocator(&dk_test_counting);
    dk_test_live_bytes = 0;
    dk_model_t *m = wide();
    size_t model_bytes = dk_test_live_bytes;
    dk_sim_t *sim = dk_model_build_sim(m, 1, &err);
    ck_assert_msg(sim != NULL, "%s", err.message);
    size_t total = dk_test_live_bytes;
    double per = (double)total / (2.0 * N + 2);
    fprintf(stderr, "footprint: model %.0f B, model + simulator %.0f B per component\n",
            (double)model_bytes / (2.0 * N + 2), per);
    ck_assert_msg(per < 4096, "an idle component costs %.0f bytes", per);
    dk_sim_free(sim);
    dk_model_free(m);
    ck_assert_uint_eq(dk_test_live_bytes, 0); /* and every byte comes back */
    dk_set_allocator(NULL);
}
END_TEST

/* 20,000 requests spread over 5,000 backends: four each. What a backend records (latencies)
 * grows with what it saw, not with the size a histogram could reach. */
START_TEST(a_light_run_keeps_it_small)
{
    dk_error err;
    dk_set_allocator(&dk_test_counting);
    dk_test_live_bytes = 0;
    dk_model_t *m = wide();
    dk_sim_t *sim = dk_model_build_sim(m, 1, &err);
    ck_assert_ptr_nonnull(sim);
    ck_assert_int_eq(dk_sim_run(sim, 60 * DK_SEC, 20000, NULL, NULL), DK_OK);
    double per = (double)dk_test_live_bytes / (2.0 * N + 2);
    fprintf(stderr, "footprint: %.0f B per component after four requests each\n", per);
    ck_assert_msg(per < 4096, "after a light run a component costs %.0f bytes", per);
    dk_sim_free(sim);
    dk_model_free(m);
    ck_assert_uint_eq(dk_test_live_bytes, 0);
    dk_set_allocator(NULL);
}
END_TEST

static Suite *footprint_suite(void)
{
    Suite *s = suite_create("footprint");
    TCase *tc = tcase_create("bytes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, an_idle_component_costs_under_4k);
    tcase_add_test(tc, a_light_run_keeps_it_small);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(footprint_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
