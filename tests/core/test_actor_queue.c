/* areas: base patterns model sim export kinds */
/* test_actor_queue.c - queues and topics built from models: messages delivered onward, the
 * producer's wait, the policies when full (counts worked out by hand), M/M/c against Erlang C,
 * subscribers that do not slow each other, and bad options. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kinds_fixture.h"
#include "designkit/model.h"
#include "designkit/sim.h"

#include "queueing_formulas.h"

#define OK(expr) ck_assert_msg((expr) == DK_OK, "%s: %s", #expr, err.message)
#define K_TOPIC dk_kinds_find("topic", NULL)

static dk_comp_t *add(dk_model_t *m, const dk_kind *k, const char *name)
{
    dk_error err;
    dk_comp_t *c = dk_model_add(m, NULL, k, name, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    return c;
}

static void set_num(dk_comp_t *c, const char *prop, double v)
{
    dk_error err;
    OK(dk_comp_set_number(c, prop, v, &err));
}

static void set_text(dk_comp_t *c, const char *prop, const char *v)
{
    dk_error err;
    OK(dk_comp_set_text(c, prop, v, &err));
}

static void set_dist(dk_comp_t *c, const char *prop, dk_dist_t *d)
{
    dk_error err;
    ck_assert_ptr_nonnull(d);
    OK(dk_comp_set_dist(c, prop, d, &err));
}

static void link(dk_model_t *m, dk_comp_t *from, dk_comp_t *to)
{
    dk_error err;
    OK(dk_model_link(m, from, to, NULL, &err));
}

/* A client sending at `rate`/s, evenly spaced (poisson 0) or not. */
static dk_comp_t *client(dk_model_t *m, double rate, int poisson)
{
    dk_comp_t *c = add(m, K_CLIENT, "users");
    set_num(c, "rate", rate);
    set_text(c, "arrivals", poisson ? "poisson" : "constant");
    return c;
}

/* Builds and runs `m` for `n` requests (0: no limit) up to `until`, conservation checked. */
static dk_sim_t *run(const dk_model_t *m, uint64_t seed, dk_time_t until, uint64_t n)
{
    dk_error err;
    dk_sim_t *sim = dk_model_build_sim(m, seed, &err);
    ck_assert_msg(sim != NULL, "%s", err.message);
    dk_status st = dk_sim_run(sim, until, n, NULL, NULL);
    ck_assert_msg(st == DK_OK, "run failed: %s", dk_sim_error(sim));
    return sim;
}

static const dk_actor_stats *stats(const dk_sim_t *sim, const char *name)
{
    dk_actor_t *a = dk_sim_find_actor(sim, name);
    ck_assert_msg(a != NULL, "no actor \"%s\"", name);
    return dk_actor_get_stats(a);
}

static const dk_queue_stats *qstats(const dk_sim_t *sim, const char *name)
{
    const dk_queue_stats *q = dk_queue_stats_of(dk_sim_find_actor(sim, name));
    ck_assert_msg(q != NULL, "\"%s\" is not a queue", name);
    return q;
}

/* client -> queue -> worker -> db, the design that delivered nothing before queues did. */
static dk_model_t *pipeline(double enqueue_ns)
{
    dk_model_t *m = dk_model_new("async", NULL);
    dk_comp_t *users = client(m, 100, 0);
    dk_comp_t *q = add(m, K_QUEUE, "jobs");
    dk_comp_t *worker = add(m, K_SERVICE, "worker");
    dk_comp_t *db = add(m, K_DATABASE, "db");
    set_num(q, "consumers", 2);
    set_dist(q, "time", dk_dist_constant(1e6, NULL));
    if (enqueue_ns >= 0)
        set_dist(q, "enqueue", dk_dist_constant(enqueue_ns, NULL));
    set_num(worker, "workers", 4);
    set_dist(worker, "time", dk_dist_constant(5e6, NULL));
    set_dist(db, "time", dk_dist_constant(2e6, NULL));
    link(m, users, q);
    link(m, q, worker);
    link(m, worker, db);
    return m;
}

START_TEST(every_message_reaches_the_database)
{
    dk_model_t *m = pipeline(-1);
    dk_sim_t *sim = run(m, 1, 60 * DK_SEC, 205);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->created, 205);
    ck_assert_uint_eq(stats(sim, "jobs")->arrivals, 205);
    ck_assert_uint_eq(stats(sim, "jobs")->completed, 205);
    ck_assert_uint_eq(qstats(sim, "jobs")->admitted, 205);
    ck_assert_uint_eq(qstats(sim, "jobs")->consumed, 205);
    ck_assert_uint_eq(stats(sim, "worker")->completed, 205);
    ck_assert_uint_eq(stats(sim, "db")->arrivals, 205);
    ck_assert_uint_eq(stats(sim, "db")->completed, 205);
    ck_assert_uint_eq(
        dk_sim_link_calls(dk_sim_find_actor(sim, "jobs"), dk_sim_find_actor(sim, "worker")), 205);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

START_TEST(caller_waits_for_the_enqueue_only)
{
    /* Enqueue 0.1 ms; behind the queue 1 + 5 + 2 ms. Every request's end-to-end latency is
     * the enqueue latency, exactly (constant times, no link latency). */
    dk_model_t *m = pipeline(1e5);
    dk_sim_t *sim = run(m, 1, 60 * DK_SEC, 50);
    const dk_class_stats *cs = dk_sim_class_stats(sim, 0);
    ck_assert_uint_eq(cs->completed, 50);
    ck_assert_double_eq(dk_hist_mean(cs->latency), 1e5);
    ck_assert_int_eq(dk_hist_max(cs->latency), 100000);
    /* The worker still did its part: 5 ms own time + 2 ms at the database, per message. */
    ck_assert_uint_eq(stats(sim, "db")->completed, 50);
    ck_assert_double_eq(dk_hist_mean(stats(sim, "worker")->latency), 7e6);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

/* Ten messages 1 ms apart into one consumer taking 2.3 ms each, room for 2 waiting. Consumer
 * ends fall at 2.3 k ms, never on an arrival (k < 10), so the order of events is never a tie. */
static dk_model_t *full_queue(const char *when_full)
{
    dk_model_t *m = dk_model_new("full", NULL);
    dk_comp_t *users = client(m, 1000, 0);
    dk_comp_t *q = add(m, K_QUEUE, "q");
    set_num(q, "capacity", 2);
    set_text(q, "when_full", when_full);
    set_dist(q, "time", dk_dist_constant(2.3e6, NULL));
    link(m, users, q);
    return m;
}

START_TEST(reject_when_full)
{
    /* Arrivals at 0..9 ms (from the first), ends at 2.3, 4.6, 6.9, 9.2, 11.5, 13.8:
     *   4: m1 with the consumer, m2 m3 waiting: full, m4 rejected
     *   5: m3 m5 waiting (m2 taken at 4.6)        6: full, m6 rejected
     *   7: m5 m7 waiting (m3 taken at 6.9)        8, 9: full, m8 and m9 rejected
     * 4 rejected, 6 consumed. */
    dk_model_t *m = full_queue("reject");
    dk_sim_t *sim = run(m, 1, 60 * DK_SEC, 10);
    ck_assert_uint_eq(stats(sim, "q")->rejected, 4);
    ck_assert_uint_eq(stats(sim, "q")->completed, 6);
    ck_assert_uint_eq(qstats(sim, "q")->consumed, 6);
    ck_assert_uint_eq(qstats(sim, "q")->dropped, 0);
    ck_assert_uint_eq(qstats(sim, "q")->max_depth, 2);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->failed, 4);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

START_TEST(drop_oldest_when_full)
{
    /* The same timeline; at 4, 6, 8 and 9 ms the oldest waiting message goes instead (m2, m4,
     * m6, m7) and every producer is answered at once. m0 m1 m3 m5 m8 m9 are consumed. */
    dk_model_t *m = full_queue("drop_oldest");
    dk_sim_t *sim = run(m, 1, 60 * DK_SEC, 10);
    ck_assert_uint_eq(stats(sim, "q")->rejected, 0);
    ck_assert_uint_eq(stats(sim, "q")->completed, 10);
    ck_assert_uint_eq(qstats(sim, "q")->dropped, 4);
    ck_assert_uint_eq(qstats(sim, "q")->consumed, 6);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->completed, 10);
    ck_assert_double_eq(dk_hist_mean(dk_sim_class_stats(sim, 0)->latency), 0);
    dk_metrics mx;
    double v;
    dk_actor_metrics(dk_sim_find_actor(sim, "q"), dk_sim_end_time(sim), &mx);
    ck_assert(dk_metrics_get(&mx, DK_METRIC_DROPPED, &v));
    ck_assert_double_eq(v, 4);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

START_TEST(block_when_full)
{
    /* Nothing is lost: the consumer runs back to back, ends at 2.3 k ms, the last at 23 ms.
     * m4 .. m9 wait for room, each admitted when a consumer end makes it: m4 at 4.6 (waited
     * 0.6 ms), m5 at 6.9 (1.9), m6 at 9.2 (3.2), m7 at 11.5 (4.5), m8 at 13.8 (5.8), m9 at
     * 16.1 (7.1). Their producers wait that long: 23.1 ms over ten requests. */
    dk_model_t *m = full_queue("block");
    dk_sim_t *sim = run(m, 1, 60 * DK_SEC, 10);
    const dk_class_stats *cs = dk_sim_class_stats(sim, 0);
    ck_assert_uint_eq(stats(sim, "q")->rejected, 0);
    ck_assert_uint_eq(qstats(sim, "q")->consumed, 10);
    ck_assert_uint_eq(cs->completed, 10);
    ck_assert_msg(fabs(dk_hist_mean(cs->latency) - 2.31e6) < 1, "mean %.1f",
                  dk_hist_mean(cs->latency));
    ck_assert_int_eq(dk_hist_max(cs->latency), 7100000);
    ck_assert_uint_eq(qstats(sim, "q")->max_depth, 2);
    ck_assert_uint_eq(qstats(sim, "q")->blocked, 0);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

START_TEST(cut_off_run_holds_messages)
{
    /* Stopped at 5.5 ms with producers blocked and messages waiting: the engine's conservation
     * check counts them as held, and freeing the simulator releases every call. */
    dk_model_t *m = full_queue("block");
    dk_sim_t *sim = run(m, 1, 5500 * DK_US, 0);
    ck_assert_uint_gt(qstats(sim, "q")->blocked, 0);
    ck_assert_uint_eq(stats(sim, "q")->queued, 2);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

START_TEST(consumers_are_mmc)
{
    /* Poisson 2400/s into 3 consumers taking Exp(1 ms): M/M/3 at rho = 0.8, Wq = C / (c mu -
     * lambda) = 1.0787 ms, the message's age when a consumer takes it. Over 10^7 messages the
     * measured mean spread 0.45% (one standard deviation) over seeds 1..8 (-0.42% .. +0.98%),
     * so 3% is more than six of them, while a consumer too many or too few moves Wq by a
     * factor of four or more. */
    double lambda = 2.4, mu = 1; /* per ms */
    double wq = erlang_c(3, lambda / mu) / (3 * mu - lambda);
    ck_assert_msg(fabs(wq - 1.0787) < 1e-4, "Erlang C Wq %.6f", wq);
    dk_model_t *m = dk_model_new("mm3", NULL);
    dk_comp_t *users = client(m, lambda * 1000, 1);
    dk_comp_t *q = add(m, K_QUEUE, "q");
    set_num(q, "consumers", 3);
    set_dist(q, "time", dk_dist_exponential(1e6, NULL));
    link(m, users, q);
    dk_sim_t *sim = run(m, 7, INT64_MAX, 10000000);
    const dk_queue_stats *qs = qstats(sim, "q");
    ck_assert_uint_eq(qs->consumed, 10000000);
    double got = dk_hist_mean(qs->age) / 1e6;
    ck_assert_msg(fabs(got - wq) <= 0.03 * wq, "M/M/3 Wq: got %.5f ms, want %.5f ms", got, wq);
    /* The same figure through the metrics every report reads. */
    dk_metrics mx;
    double v, util;
    dk_actor_metrics(dk_sim_find_actor(sim, "q"), dk_sim_end_time(sim), &mx);
    ck_assert(dk_metrics_get(&mx, DK_METRIC_AGE_MEAN, &v));
    ck_assert_double_eq_tol(v, got / 1e3, 1e-12);
    ck_assert(dk_metrics_get(&mx, DK_METRIC_UTILISATION, &util));
    ck_assert_msg(fabs(util - 0.8) < 0.01, "consumer utilisation %.4f", util);
    ck_assert(dk_metrics_get(&mx, DK_METRIC_MEAN_QUEUE, &v)); /* Lq = C rho / (1 - rho) */
    ck_assert_msg(fabs(v - wq * lambda) <= 0.05 * wq * lambda, "mean depth %.4f", v);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

START_TEST(slow_subscriber_does_not_slow_the_fast_one)
{
    /* Poisson 100/s published to a fast subscriber (1 ms a message: 10% busy) and a slow one
     * (20 ms: twice what it can take). Over 5 s the fast subscription stays nearly empty while
     * the slow one's backlog and the age of its messages grow with the run. */
    dk_model_t *m = dk_model_new("fanout", NULL);
    dk_comp_t *users = client(m, 100, 1);
    dk_comp_t *t = add(m, K_TOPIC, "events");
    dk_comp_t *fast = add(m, K_SERVICE, "fast");
    dk_comp_t *slow = add(m, K_SERVICE, "slow");
    set_dist(fast, "time", dk_dist_constant(1e6, NULL));
    set_dist(slow, "time", dk_dist_constant(20e6, NULL));
    link(m, users, t);
    link(m, t, fast);
    link(m, t, slow);
    dk_sim_t *sim = run(m, 3, 5 * DK_SEC, 0);
    const dk_actor_stats *pub = stats(sim, "events");
    const dk_queue_stats *f = qstats(sim, "events/fast"), *s = qstats(sim, "events/slow");
    ck_assert_str_eq(dk_actor_kind(dk_sim_find_actor(sim, "events/slow")), "subscription");
    ck_assert_uint_gt(pub->completed, 400);
    /* Each subscriber got every publish offered; the fast one handled nearly all of them. */
    ck_assert_uint_eq(stats(sim, "events/fast")->arrivals, pub->arrivals);
    ck_assert_uint_eq(stats(sim, "events/slow")->arrivals, pub->arrivals);
    ck_assert_uint_ge(f->consumed + 2, pub->completed);
    ck_assert_uint_eq(stats(sim, "fast")->completed, f->consumed);
    /* The slow one handles one per 20 ms: about 250 in 5 s, half of what came. */
    ck_assert_uint_le(s->consumed, 251);
    ck_assert_uint_gt(stats(sim, "events/slow")->queued, 150);
    ck_assert_uint_le(stats(sim, "events/fast")->queued, 2);
    ck_assert_uint_le(f->max_depth, 5);
    /* Lag in time: the fast one's mean age is under its own service time; the slow one's is
     * over a second (the later messages waited longest). */
    ck_assert_msg(dk_hist_mean(f->age) < 1e6, "fast age %.0f ns", dk_hist_mean(f->age));
    ck_assert_msg(dk_hist_mean(s->age) > 1e9, "slow age %.0f ns", dk_hist_mean(s->age));
    /* The publishers never waited: publish latency 0. */
    ck_assert_double_eq(dk_hist_mean(dk_sim_class_stats(sim, 0)->latency), 0);
    /* The topic's link to each subscriber carried its deliveries. */
    ck_assert_uint_eq(
        dk_sim_link_calls(dk_sim_find_actor(sim, "events"), dk_sim_find_actor(sim, "slow")),
        stats(sim, "slow")->arrivals);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

START_TEST(topic_reject_and_block)
{
    /* One subscriber behind a topic with capacity 2: the queue's timeline (reject_when_full)
     * holds for the subscription, and a refused copy fails its publish. With block, every
     * copy is delivered and the publishers wait as in block_when_full. */
    static const char *const policies[] = {"reject", "block"};
    for (int p = 0; p < 2; p++) {
        dk_model_t *m = dk_model_new("topic", NULL);
        dk_comp_t *users = client(m, 1000, 0);
        dk_comp_t *t = add(m, K_TOPIC, "events");
        dk_comp_t *sub = add(m, K_SERVICE, "sub");
        set_num(t, "capacity", 2);
        set_text(t, "when_full", policies[p]);
        set_dist(sub, "time", dk_dist_constant(2.3e6, NULL));
        link(m, users, t);
        link(m, t, sub);
        dk_sim_t *sim = run(m, 1, 60 * DK_SEC, 10);
        const dk_class_stats *cs = dk_sim_class_stats(sim, 0);
        if (p == 0) {
            ck_assert_uint_eq(stats(sim, "events")->rejected, 4);
            ck_assert_uint_eq(stats(sim, "events/sub")->rejected, 4);
            ck_assert_uint_eq(stats(sim, "sub")->completed, 6);
            ck_assert_uint_eq(cs->failed, 4);
        } else {
            ck_assert_uint_eq(stats(sim, "sub")->completed, 10);
            ck_assert_int_eq(dk_hist_max(cs->latency), 7100000);
        }
        dk_sim_free(sim);
        dk_model_free(m);
    }
}
END_TEST

/* Sets `prop` of a fresh queue or topic to `value` (text when `text` is not NULL) and expects
 * an error naming the component and the field. */
static void expect_bad(const dk_kind *k, const char *prop, double value, const char *text)
{
    dk_error err;
    dk_model_t *m = dk_model_new("bad", NULL);
    dk_comp_t *c = add(m, k, "jobs");
    dk_status st = text != NULL ? dk_comp_set_text(c, prop, text, &err)
                                : dk_comp_set_number(c, prop, value, &err);
    ck_assert_msg(st != DK_OK, "%s = %s accepted", prop, text != NULL ? text : "number");
    char want[64];
    snprintf(want, sizeof want, "%s \"jobs\"", dk_kind_name(k));
    ck_assert_msg(strstr(err.message, want) != NULL, "no component in: %s", err.message);
    ck_assert_msg(strstr(err.message, prop) != NULL, "no field in: %s", err.message);
    dk_model_free(m);
}

START_TEST(bad_options_name_component_and_field)
{
    const dk_kind *kinds[] = {K_QUEUE, K_TOPIC};
    for (int i = 0; i < 2; i++) {
        expect_bad(kinds[i], "capacity", -5, NULL);
        expect_bad(kinds[i], "consumers", 0, NULL);
        expect_bad(kinds[i], "when_full", 0, "sometimes");
    }
    /* The simulator's own checks, for callers that build by hand. */
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_queue_config qc = {.consumers = 0};
    ck_assert_ptr_null(dk_sim_add_queue(sim, "q", &qc, &err));
    ck_assert_str_eq(err.message, "queue \"q\": consumers must be at least 1");
    qc.consumers = 1;
    qc.when_full = (dk_when_full)7;
    ck_assert_ptr_null(dk_sim_add_queue(sim, "q", &qc, &err));
    ck_assert_str_eq(err.message, "queue \"q\": when_full must be reject, block or drop_oldest");
    dk_topic_config tc = {.each = {.consumers = 1}};
    dk_actor_t *t = dk_sim_add_topic(sim, "t", &tc, &err);
    dk_actor_t *other = dk_sim_add_topic(sim, "u", &tc, &err);
    ck_assert_ptr_nonnull(other);
    ck_assert_int_eq(dk_topic_subscribe(t, other, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "topic \"t\": subscriber \"u\" is not linked to it");
    ck_assert_int_eq(dk_queue_route(t, 0, (dk_flow){NULL, NULL}, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "route: \"t\" is not a queue");
    ck_assert_ptr_null(dk_queue_stats_of(t));
    dk_sim_free(sim);
}
END_TEST

START_TEST(same_seed_same_run)
{
    uint64_t events[2];
    double age[2];
    for (int i = 0; i < 2; i++) {
        dk_model_t *m = pipeline(1e5);
        dk_comp_t *users = dk_model_find(m, "users");
        set_text(users, "arrivals", "poisson");
        dk_sim_t *sim = run(m, 42, 2 * DK_SEC, 0);
        events[i] = dk_sim_events(sim);
        age[i] = dk_hist_mean(qstats(sim, "jobs")->age);
        dk_sim_free(sim);
        dk_model_free(m);
    }
    ck_assert_uint_eq(events[0], events[1]);
    ck_assert_double_eq(age[0], age[1]);
}
END_TEST

/* The findings of `m` joined in one line, "rule component: message; ...". */
static void findings(const dk_model_t *m, char *buf, size_t size)
{
    dk_findings_t *f = dk_model_validate(m, NULL);
    size_t len = 0;
    ck_assert_ptr_nonnull(f);
    buf[0] = '\0';
    for (size_t i = 0; i < dk_findings_count(f) && len < size; i++) {
        const dk_finding *x = dk_findings_at(f, i);
        len += (size_t)snprintf(buf + len, size - len, "%s %s: %s; ", x->rule,
                                x->component ? x->component : "-", x->message);
    }
    dk_findings_free(f);
}

START_TEST(check_follows_messages)
{
    /* What a queue or topic passes on is reached; one that passes its messages to nothing is
     * a warning, since at run time its producers are answered all the same. */
    char text[1024];
    dk_model_t *m = pipeline(-1);
    findings(m, text, sizeof text);
    ck_assert_msg(strstr(text, "unreachable") == NULL, "%s", text);
    ck_assert_msg(strstr(text, "passes its messages") == NULL, "%s", text);
    dk_model_free(m);

    m = dk_model_new("dangling", NULL);
    dk_comp_t *users = client(m, 10, 0);
    dk_comp_t *q = add(m, K_QUEUE, "jobs");
    dk_comp_t *t = add(m, K_TOPIC, "events");
    dk_comp_t *sub = add(m, K_SERVICE, "sub");
    link(m, users, q);
    link(m, users, t);
    findings(m, text, sizeof text);
    ck_assert_msg(strstr(text, "no-route jobs: queue \"jobs\" passes its messages to nothing") !=
                      NULL,
                  "%s", text);
    ck_assert_msg(
        strstr(text, "no-route events: topic \"events\" passes its messages to nothing") != NULL,
        "%s", text);
    ck_assert_msg(strstr(text, "unreachable sub") != NULL, "%s", text);
    link(m, t, sub);
    dk_route r = {.cls = "*", .kind = DK_ROUTE_CALL, .targets = {sub}, .ntargets = 1};
    dk_error err;
    OK(dk_comp_set_route(q, &r, &err));
    findings(m, text, sizeof text);
    ck_assert_msg(strstr(text, "passes its messages") == NULL, "%s", text);
    ck_assert_msg(strstr(text, "unreachable") == NULL, "%s", text);
    dk_model_free(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("actor_queue");
    TCase *d = tcase_create("delivery");
    tcase_add_test(d, every_message_reaches_the_database);
    tcase_add_test(d, caller_waits_for_the_enqueue_only);
    tcase_add_test(d, same_seed_same_run);
    tcase_add_test(d, check_follows_messages);
    suite_add_tcase(s, d);
    TCase *f = tcase_create("when_full");
    tcase_add_test(f, reject_when_full);
    tcase_add_test(f, drop_oldest_when_full);
    tcase_add_test(f, block_when_full);
    tcase_add_test(f, cut_off_run_holds_messages);
    suite_add_tcase(s, f);
    TCase *q = tcase_create("queueing");
    tcase_set_timeout(q, 600);
    tcase_add_test(q, consumers_are_mmc);
    suite_add_tcase(s, q);
    TCase *t = tcase_create("topic");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, slow_subscriber_does_not_slow_the_fast_one);
    tcase_add_test(t, topic_reject_and_block);
    suite_add_tcase(s, t);
    TCase *b = tcase_create("bad input");
    tcase_add_test(b, bad_options_name_component_and_field);
    suite_add_tcase(s, b);
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
