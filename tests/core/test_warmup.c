/* areas: base patterns sim */
/* test_warmup.c - the warm-up: statistics from its end on, against a brute-force reference that
 * leaves out what happens before it by construction; the books still balance; bad input. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/replicas.h"
#include "designkit/sim.h"

/* A queue that builds up from empty: requests every GAP, each served in SERVICE > GAP by one
 * worker, so the wait grows by SERVICE - GAP per request and the early requests are the
 * fastest. Times are chosen so that no event falls on the warm-up or the end. */
#define GAP (10 * DK_MS)
#define SERVICE (15 * DK_MS)
#define WARMUP (1002 * DK_MS + 500 * DK_US)
#define UNTIL (3002 * DK_MS + 500 * DK_US)

typedef struct built {
    dk_sim_t *sim;
    dk_actor_t *client, *station;
    dk_dist_t *service;
} built;

static built build(dk_time_t warmup)
{
    built b;
    dk_error err;
    b.sim = dk_sim_new(1, NULL);
    ck_assert_ptr_nonnull(b.sim);
    b.service = dk_dist_constant((double)SERVICE, &err);
    dk_client_config cc = {.rate = 1e9 / (double)GAP, .poisson = 0};
    dk_station_config sc = {.servers = 1, .queue_limit = 0, .service = b.service};
    b.client = dk_sim_add_client(b.sim, "c", &cc, &err);
    b.station = dk_sim_add_station(b.sim, "s", "service", &sc, &err);
    ck_assert_ptr_nonnull(b.client);
    ck_assert_ptr_nonnull(b.station);
    ck_assert_int_eq(dk_sim_link(b.sim, b.client, b.station, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_sim_set_warmup(b.sim, warmup), DK_OK);
    return b;
}

static void done(built *b)
{
    dk_sim_free(b->sim);
    dk_dist_free(b->service);
}

/* What the run should report when only [from, UNTIL] counts, worked out request by request:
 * request i (1, 2, ...) arrives at i GAP and leaves at d_i = max(i GAP, d_{i-1}) + SERVICE. */
typedef struct reference {
    uint64_t arrivals;  /* held at `from`, or arrived after it */
    uint64_t completed; /* answered in (from, UNTIL] */
    double mean_ns;     /* their mean latency */
    double busy_ns;     /* the worker's busy time in [from, UNTIL] */
    double queue_ns;    /* the integral of the waiting line over [from, UNTIL] */
} reference;

static double overlap(double a, double b, double lo, double hi)
{
    double x = fmax(a, lo), y = fmin(b, hi);
    return y > x ? y - x : 0;
}

static reference expected(dk_time_t from)
{
    reference r = {0, 0, 0, 0, 0};
    double sum = 0, d = 0;
    for (int64_t i = 1; i * GAP <= UNTIL; i++) {
        double t = (double)(i * GAP);
        d = fmax(t, d) + (double)SERVICE;
        double start = d - (double)SERVICE;
        if (d > (double)from || t > (double)from)
            r.arrivals++;
        if (d > (double)from && d <= (double)UNTIL) {
            r.completed++;
            sum += d - t;
        }
        r.busy_ns += overlap(start, d, (double)from, (double)UNTIL);
        r.queue_ns += overlap(t, start, (double)from, (double)UNTIL);
    }
    r.mean_ns = r.completed > 0 ? sum / (double)r.completed : 0;
    return r;
}

static void check_against(const built *b, dk_time_t from)
{
    reference ref = expected(from);
    const dk_actor_stats *s = dk_actor_get_stats(b->station);
    const dk_class_stats *cs = dk_sim_class_stats(b->sim, 0);
    double span = (double)(UNTIL - from);
    dk_metrics mx;
    double util, queue;

    ck_assert_int_eq(dk_sim_measured_time(b->sim), UNTIL - from);
    ck_assert_uint_eq(s->arrivals, ref.arrivals);
    ck_assert_uint_eq(s->completed, ref.completed);
    ck_assert_uint_eq(cs->completed, ref.completed);
    ck_assert_uint_eq(dk_hist_count(cs->latency), ref.completed);
    ck_assert_double_eq_tol(dk_hist_mean(cs->latency), ref.mean_ns, 1e-6 * ref.mean_ns);
    ck_assert_double_eq_tol(dk_hist_mean(s->latency), ref.mean_ns, 1e-6 * ref.mean_ns);
    /* Created: the requests alive at `from` and those made after it. */
    ck_assert_uint_eq(cs->created, ref.arrivals);
    ck_assert_uint_eq(dk_sim_link_calls(b->client, b->station),
                      (uint64_t)(UNTIL / GAP) - (uint64_t)(from / GAP));

    dk_actor_metrics(b->station, dk_sim_measured_time(b->sim), &mx);
    ck_assert(dk_metrics_get(&mx, DK_METRIC_UTILISATION, &util));
    ck_assert(dk_metrics_get(&mx, DK_METRIC_MEAN_QUEUE, &queue));
    ck_assert_double_eq_tol(util, ref.busy_ns / span, 1e-9);
    ck_assert_double_eq_tol(queue, ref.queue_ns / span, 1e-6 * fmax(1, ref.queue_ns / span));

    /* The batches hold exactly the answers the histogram holds. */
    double sum = 0;
    uint64_t n = 0;
    for (size_t k = 0; k < DK_SIM_BATCHES; k++) {
        double bs;
        uint64_t bn;
        ck_assert(dk_sim_class_batch(b->sim, 0, k, &bs, &bn));
        ck_assert_msg(bn > 0, "batch %zu is empty", k);
        sum += bs;
        n += bn;
    }
    ck_assert_uint_eq(n, ref.completed);
    ck_assert_double_eq_tol(sum / (double)n, ref.mean_ns, 1e-6 * ref.mean_ns);
}

START_TEST(without_warmup_everything_counts)
{
    built b = build(0);
    ck_assert_int_eq(dk_sim_run(b.sim, UNTIL, 0, NULL, NULL), DK_OK);
    ck_assert_int_eq(dk_sim_warmup(b.sim), 0);
    check_against(&b, 0);
    done(&b);
}
END_TEST

START_TEST(warmup_leaves_out_the_build_up)
{
    built b = build(WARMUP);
    /* The run's own conservation check passes (DK_OK) with the counts reset mid-run. */
    ck_assert_int_eq(dk_sim_run(b.sim, UNTIL, 0, NULL, NULL), DK_OK);
    ck_assert_int_eq(dk_sim_warmup(b.sim), WARMUP);
    check_against(&b, WARMUP);

    /* And it matters: the early requests were the fast ones. */
    built all = build(0);
    ck_assert_int_eq(dk_sim_run(all.sim, UNTIL, 0, NULL, NULL), DK_OK);
    double with = dk_hist_mean(dk_sim_class_stats(b.sim, 0)->latency);
    double without = dk_hist_mean(dk_sim_class_stats(all.sim, 0)->latency);
    ck_assert_msg(with > 1.2 * without, "mean with warm-up %g ns, without %g ns", with, without);
    done(&all);
    done(&b);
}
END_TEST

START_TEST(batch_means_interval_is_centred_on_the_mean)
{
    built b = build(WARMUP);
    ck_assert_int_eq(dk_sim_run(b.sim, UNTIL, 0, NULL, NULL), DK_OK);
    dk_interval ci = dk_sim_mean_interval(b.sim, 0);
    dk_interval all = dk_sim_mean_interval(b.sim, DK_ALL_CLASSES);
    double mean = dk_hist_mean(dk_sim_class_stats(b.sim, 0)->latency);
    ck_assert_uint_eq(ci.n, DK_SIM_BATCHES);
    ck_assert_double_eq_tol(ci.mean, mean, 1e-6 * mean);
    ck_assert(ci.half > 0);
    ck_assert_double_eq_tol(all.mean, ci.mean, 1e-9 * mean);
    ck_assert_double_eq_tol(all.half, ci.half, 1e-9 * mean);
    /* A class that does not exist has no batches: no interval. */
    ck_assert(isnan(dk_sim_mean_interval(b.sim, 7).half));
    done(&b);
}
END_TEST

START_TEST(bad_warmups_are_refused)
{
    built b = build(0);
    ck_assert_int_eq(dk_sim_set_warmup(b.sim, -1), DK_EINVAL);
    ck_assert_int_eq(dk_sim_set_warmup(b.sim, UNTIL), DK_OK);
    ck_assert_int_eq(dk_sim_run(b.sim, UNTIL, 0, NULL, NULL), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(dk_sim_error(b.sim), "warm-up"));
    ck_assert_int_eq(dk_sim_set_warmup(b.sim, 0), DK_ESTATE);
    done(&b);

    /* A run that drains before its warm-up is over measured nothing. */
    built early = build(WARMUP);
    ck_assert_int_eq(dk_sim_run(early.sim, UNTIL, 5, NULL, NULL), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(dk_sim_error(early.sim), "before its warm-up"));
    done(&early);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("warmup");
    TCase *t = tcase_create("statistics");
    tcase_add_test(t, without_warmup_everything_counts);
    tcase_add_test(t, warmup_leaves_out_the_build_up);
    tcase_add_test(t, batch_means_interval_is_centred_on_the_mean);
    suite_add_tcase(s, t);
    t = tcase_create("bad_input");
    tcase_add_test(t, bad_warmups_are_refused);
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
