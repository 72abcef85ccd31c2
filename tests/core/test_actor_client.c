/* areas: base patterns model sim */
/* test_actor_client.c - the client: arrival processes, class mix, keys, round robin, bad input. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/sim.h"

/* A recorder that answers every call at once and keeps what it saw. */
static dk_time_t born[400000];
static uint32_t cls_seen[400000];
static uint64_t key_seen[400000];
static size_t nseen;

static void recorder_event(dk_actor_t *self, const dk_event *ev)
{
    if (ev->kind != DK_EV_CALL)
        return;
    if (nseen < 400000) {
        born[nseen] = ev->call->born;
        cls_seen[nseen] = ev->call->cls;
        key_seen[nseen] = ev->call->key;
        nseen++;
    }
    dk_sim_reply(dk_actor_sim(self), ev->call, DK_REPLY_OK);
}
static const dk_actor_ops recorder_ops = {"recorder", recorder_event, NULL, NULL};

static dk_sim_t *client_into_recorder(const dk_client_config *cc, dk_time_t until, int nclasses)
{
    static const char *const names[] = {"a", "b", "c", "d"};
    dk_error err;
    dk_sim_t *sim = dk_sim_new(17, NULL);
    for (int i = 0; i < nclasses; i++)
        dk_sim_add_class(sim, names[i], NULL);
    dk_actor_t *cl = dk_sim_add_client(sim, "users", cc, &err);
    ck_assert_msg(cl != NULL, "%s", err.message);
    dk_actor_t *rec = dk_sim_add_actor(sim, "rec", &recorder_ops, NULL, &err);
    dk_sim_link(sim, cl, rec, NULL, &err);
    nseen = 0;
    dk_status st = dk_sim_run(sim, until, 0, NULL, NULL);
    ck_assert_msg(st == DK_OK, "%s", dk_sim_error(sim));
    return sim;
}

START_TEST(poisson_arrivals)
{
    /* 10000/s for 20 s: the count is Poisson(200000) (sd 447), gaps exponential (CV 1). */
    dk_client_config cc = {.rate = 10000, .poisson = 1};
    dk_sim_t *sim = client_into_recorder(&cc, 20 * DK_SEC, 0);
    ck_assert_msg(fabs((double)nseen - 200000) < 4 * 447, "%zu arrivals", nseen);
    double sum = 0, sum2 = 0;
    for (size_t i = 1; i < nseen; i++) {
        double g = (double)(born[i] - born[i - 1]);
        sum += g;
        sum2 += g * g;
    }
    double n = (double)(nseen - 1), mean = sum / n, sd = sqrt(sum2 / n - mean * mean);
    ck_assert_msg(fabs(mean - 1e5) < 0.01 * 1e5, "mean gap %.1f ns", mean);
    ck_assert_msg(fabs(sd / mean - 1) < 0.01, "gap CV %.4f", sd / mean);
    /* The client counts its roots as arrivals and their answers as completed. */
    const dk_actor_stats *s = dk_actor_get_stats(dk_sim_find_actor(sim, "users"));
    ck_assert_uint_eq(s->arrivals, nseen);
    ck_assert_uint_eq(s->completed, nseen);
    ck_assert_str_eq(dk_actor_kind(dk_sim_find_actor(sim, "users")), "client");
    dk_sim_free(sim);
}
END_TEST

START_TEST(constant_arrivals_do_not_drift)
{
    /* 7/s does not divide a second in whole ns: the k-th arrival must still be k/7 s rounded. */
    dk_client_config cc = {.rate = 7, .poisson = 0};
    dk_sim_t *sim = client_into_recorder(&cc, 100 * DK_SEC, 0);
    ck_assert_uint_eq(nseen, 700);
    for (size_t k = 1; k <= nseen; k++)
        ck_assert_int_eq(born[k - 1], (dk_time_t)llround(k * 1e9 / 7));
    dk_sim_free(sim);
}
END_TEST

START_TEST(mix_proportions)
{
    /* Weights 1, 2, 0, 7: chi-square over the three live classes (2 degrees of freedom, 0.999
     * quantile 13.82); the zero-weight class never appears. */
    double mix[] = {1, 2, 0, 7};
    dk_client_config cc = {.rate = 100000, .poisson = 1, .mix = mix, .mix_len = 4};
    dk_sim_t *sim = client_into_recorder(&cc, 2 * DK_SEC, 4);
    uint64_t counts[4] = {0};
    for (size_t i = 0; i < nseen; i++)
        counts[cls_seen[i]]++;
    ck_assert_uint_eq(counts[2], 0);
    double chi2 = 0;
    for (int c = 0; c < 4; c++) {
        if (mix[c] == 0)
            continue;
        double e = nseen * mix[c] / 10;
        chi2 += (counts[c] - e) * (counts[c] - e) / e;
    }
    ck_assert_msg(chi2 < 13.82, "chi-square %.2f", chi2);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 3)->created, counts[3]);
    dk_sim_free(sim);
}
END_TEST

START_TEST(keys_from_the_distribution)
{
    dk_dist_t *k = dk_dist_constant(41.6, NULL);
    dk_client_config cc = {.rate = 1000, .keys = k};
    dk_sim_t *sim = client_into_recorder(&cc, DK_SEC, 0);
    dk_dist_free(k); /* the client cloned it */
    ck_assert_uint_eq(nseen, 1000);
    for (size_t i = 0; i < nseen; i++)
        ck_assert_uint_eq(key_seen[i], 42);
    dk_sim_free(sim);

    dk_dist_t *z = dk_dist_zipf(100, 1.0, NULL);
    cc.keys = z;
    sim = client_into_recorder(&cc, 10 * DK_SEC, 0);
    uint64_t ones = 0;
    for (size_t i = 0; i < nseen; i++) {
        ck_assert(key_seen[i] >= 1 && key_seen[i] <= 100);
        ones += key_seen[i] == 1;
    }
    /* P(1) = 1 / H_100 = 0.1928; 10000 draws: sd 0.004. */
    ck_assert_msg(fabs(ones / (double)nseen - 0.1928) < 0.016, "P(key 1) = %.4f",
                  ones / (double)nseen);
    dk_sim_free(sim);
    dk_dist_free(z);
}
END_TEST

START_TEST(round_robin_over_downstream)
{
    dk_sim_t *sim = dk_sim_new(3, NULL);
    dk_client_config cc = {.rate = 1000, .poisson = 1};
    dk_actor_t *cl = dk_sim_add_client(sim, "c", &cc, NULL);
    dk_actor_t *r[3];
    const char *names[] = {"r0", "r1", "r2"};
    for (int i = 0; i < 3; i++) {
        r[i] = dk_sim_add_actor(sim, names[i], &recorder_ops, NULL, NULL);
        dk_sim_link(sim, cl, r[i], NULL, NULL);
    }
    ck_assert_int_eq(dk_sim_run(sim, 0, 1000, NULL, NULL), DK_OK);
    ck_assert_int_eq(dk_sim_run(sim, 0, 1000, NULL, NULL), DK_ESTATE);
    dk_sim_free(sim);
    sim = dk_sim_new(3, NULL);
    cl = dk_sim_add_client(sim, "c", &cc, NULL);
    for (int i = 0; i < 3; i++) {
        r[i] = dk_sim_add_actor(sim, names[i], &recorder_ops, NULL, NULL);
        dk_sim_link(sim, cl, r[i], NULL, NULL);
    }
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 1000, NULL, NULL), DK_OK);
    ck_assert_uint_eq(dk_sim_link_calls(cl, r[0]), 334);
    ck_assert_uint_eq(dk_sim_link_calls(cl, r[1]), 333);
    ck_assert_uint_eq(dk_sim_link_calls(cl, r[2]), 333);
    dk_sim_free(sim);
}
END_TEST

START_TEST(bad_configuration)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_client_config cc = {.rate = 0};
    ck_assert_ptr_null(dk_sim_add_client(sim, "c", &cc, &err));
    ck_assert_str_eq(err.message, "client \"c\": rate must be positive (got 0)");
    cc.rate = NAN;
    ck_assert_ptr_null(dk_sim_add_client(sim, "c", &cc, &err));
    cc.rate = 1;
    double neg[] = {1, -1};
    cc.mix = neg;
    cc.mix_len = 2;
    ck_assert_ptr_null(dk_sim_add_client(sim, "c", &cc, &err));
    ck_assert_str_eq(err.message, "client \"c\": mix weight 1 must be >= 0 (got -1)");
    double zero[] = {0, 0};
    cc.mix = zero;
    ck_assert_ptr_null(dk_sim_add_client(sim, "c", &cc, &err));
    ck_assert_str_eq(err.message, "client \"c\": mix weights sum to zero");
    ck_assert_ptr_null(dk_sim_add_client(sim, "c", NULL, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    dk_sim_free(sim);
}
END_TEST

START_TEST(run_time_errors)
{
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_client_config cc = {.rate = 1};
    dk_sim_add_client(sim, "lonely", &cc, NULL);
    ck_assert_int_eq(dk_sim_run(sim, DK_SEC, 0, NULL, NULL), DK_EINVAL);
    ck_assert_str_eq(dk_sim_error(sim), "client \"lonely\": no downstream actor to send to");
    dk_sim_free(sim);

    double mix[] = {1, 1, 1};
    cc.mix = mix;
    cc.mix_len = 3;
    sim = dk_sim_new(1, NULL);
    dk_actor_t *c = dk_sim_add_client(sim, "c", &cc, NULL);
    dk_actor_t *r = dk_sim_add_actor(sim, "r", &recorder_ops, NULL, NULL);
    dk_sim_link(sim, c, r, NULL, NULL);
    ck_assert_int_eq(dk_sim_run(sim, DK_SEC, 0, NULL, NULL), DK_EINVAL);
    ck_assert_str_eq(dk_sim_error(sim), "client \"c\": mix has 3 weights but only 1 classes");
    dk_sim_free(sim);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("actor_client");
    TCase *arr = tcase_create("arrivals");
    tcase_set_timeout(arr, 60);
    tcase_add_test(arr, poisson_arrivals);
    tcase_add_test(arr, constant_arrivals_do_not_drift);
    suite_add_tcase(s, arr);
    TCase *req = tcase_create("requests");
    tcase_set_timeout(req, 60);
    tcase_add_test(req, mix_proportions);
    tcase_add_test(req, keys_from_the_distribution);
    tcase_add_test(req, round_robin_over_downstream);
    suite_add_tcase(s, req);
    TCase *bad = tcase_create("errors");
    tcase_add_test(bad, bad_configuration);
    tcase_add_test(bad, run_time_errors);
    suite_add_tcase(s, bad);
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
