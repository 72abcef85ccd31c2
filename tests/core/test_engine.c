/* areas: base patterns model sim */
/* test_engine.c - the event loop: ordering, end time, conservation, aborts, bad input. */
#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "counting_alloc.h"
#include "designkit/alloc.h"
#include "designkit/sim.h"

/* ---- a probe actor that schedules timers at random and logs what it receives ---- */

typedef struct logged {
    dk_time_t time, due;
    uint32_t tag;
} logged;

static logged log_[200000];
static size_t nlog;
static dk_time_t due_of[200000];
static uint32_t next_tag;

static void schedule(dk_actor_t *self, dk_time_t delay)
{
    if (next_tag >= 200000)
        return;
    due_of[next_tag] = dk_sim_now(dk_actor_sim(self)) + delay;
    dk_sim_timer(dk_actor_sim(self), self, delay, next_tag++, NULL);
}

static void probe_event(dk_actor_t *self, const dk_event *ev)
{
    dk_rng_t *rng = dk_actor_rng(self);
    if (ev->kind == DK_EV_START) {
        for (int i = 0; i < 200; i++)
            schedule(self, (dk_time_t)dk_rng_below(rng, 4));
        return;
    }
    log_[nlog++] = (logged){dk_sim_now(dk_actor_sim(self)), due_of[ev->tag], ev->tag};
    /* Each timer spawns 0..2 more, often for "now", so ring and heap interleave. */
    uint64_t k = dk_rng_below(rng, 3);
    for (uint64_t i = 0; i < k && nlog < 60000; i++)
        schedule(self, dk_rng_below(rng, 2) ? 0 : (dk_time_t)dk_rng_below(rng, 4));
}

static const dk_actor_ops probe_ops = {"probe", probe_event, NULL, NULL};

static int by_due_then_tag(const void *a, const void *b)
{
    const logged *x = a, *y = b;
    if (x->due != y->due)
        return x->due < y->due ? -1 : 1;
    return x->tag < y->tag ? -1 : x->tag > y->tag;
}

START_TEST(events_run_in_time_then_schedule_order)
{
    nlog = 0;
    next_tag = 0;
    dk_sim_t *sim = dk_sim_new(5, NULL);
    ck_assert_ptr_nonnull(dk_sim_add_actor(sim, "probe", &probe_ops, NULL, NULL));
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 0, NULL, NULL), DK_OK);
    ck_assert_uint_eq(nlog, next_tag); /* everything scheduled ran, once */
    ck_assert_uint_gt(nlog, 1000);
    /* Reference: every scheduled timer, sorted by (due time, scheduling order). */
    logged *ref = malloc(nlog * sizeof *ref);
    for (uint32_t t = 0; t < next_tag; t++)
        ref[t] = (logged){due_of[t], due_of[t], t};
    qsort(ref, nlog, sizeof *ref, by_due_then_tag);
    for (size_t i = 0; i < nlog; i++) {
        ck_assert_uint_eq(log_[i].tag, ref[i].tag);
        ck_assert_int_eq(log_[i].time, ref[i].due);
    }
    ck_assert_int_eq(dk_sim_end_time(sim), log_[nlog - 1].time); /* drained: last event */
    ck_assert_uint_eq(dk_sim_events(sim), nlog + 1);             /* + START */
    free(ref);
    dk_sim_free(sim);
}
END_TEST

/* ---- a run cut off in the middle of a multi-hop chain ---- */

START_TEST(conservation_mid_flight)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(11, NULL);
    dk_client_config cc = {.rate = 3000, .poisson = 1};
    dk_actor_t *cl = dk_sim_add_client(sim, "users", &cc, &err);
    dk_actor_t *lb = dk_sim_add_balancer(sim, "lb", DK_LB_LEAST_CONNECTIONS, &err);
    dk_dist_t *svc = dk_dist_exponential(1e6, NULL);
    dk_dist_t *lat = dk_dist_constant(2e5, NULL);
    dk_station_config sc = {.servers = 2, .queue_limit = 5, .service = svc};
    dk_actor_t *a = dk_sim_add_station(sim, "api-a", NULL, &sc, &err);
    dk_actor_t *b = dk_sim_add_station(sim, "api-b", NULL, &sc, &err);
    dk_station_config dc = {.servers = 1, .service = svc};
    dk_actor_t *db = dk_sim_add_station(sim, "db", "database", &dc, &err);
    dk_sim_link(sim, cl, lb, lat, &err);
    dk_sim_link(sim, lb, a, lat, &err);
    dk_sim_link(sim, lb, b, NULL, &err);
    dk_sim_link(sim, a, db, lat, &err);
    dk_sim_link(sim, b, db, lat, &err);
    dk_flow f;
    ck_assert_int_eq(dk_flow_call_each(&db, 1, &f), DK_OK);
    ck_assert_int_eq(dk_station_route(a, UINT32_MAX, f, &err), DK_OK);
    ck_assert_int_eq(dk_flow_call_each(&db, 1, &f), DK_OK);
    ck_assert_int_eq(dk_station_route(b, UINT32_MAX, f, &err), DK_OK);
    ck_assert_int_eq(dk_sim_run(sim, 2 * DK_SEC + 12345, 0, NULL, NULL), DK_OK);
    ck_assert_int_eq(dk_sim_end_time(sim), 2 * DK_SEC + 12345);
    /* The engine checked the books; check them again from the outside. */
    uint64_t in_flight = dk_sim_in_flight(sim);
    ck_assert_uint_gt(in_flight, 0);
    const dk_class_stats *cs = dk_sim_class_stats(sim, 0);
    ck_assert_uint_eq(cs->created, cs->completed + cs->failed + in_flight);
    const dk_actor_stats *sa = dk_actor_get_stats(a), *sb = dk_actor_get_stats(b),
                         *sl = dk_actor_get_stats(lb), *sd = dk_actor_get_stats(db);
    ck_assert_uint_gt(sa->rejected + sb->rejected, 0);
    /* The balancer forwards every call; some are still on the lb->a link (0.2 ms). */
    ck_assert_uint_eq(sl->arrivals, dk_sim_link_calls(lb, a) + dk_sim_link_calls(lb, b));
    ck_assert_uint_le(sa->arrivals, dk_sim_link_calls(lb, a));
    ck_assert_uint_eq(sb->arrivals, dk_sim_link_calls(lb, b));
    ck_assert_uint_eq(sd->arrivals, sd->completed + sd->busy + sd->queued);
    ck_assert_uint_eq(dk_actor_get_stats(cl)->arrivals, cs->created);
    ck_assert_uint_eq(dk_sim_link_calls(cl, lb), cs->created);
    ck_assert_uint_eq(dk_sim_link_calls(db, a), 0);
    ck_assert_uint_eq(dk_actor_out_count(lb), 2);
    ck_assert_ptr_eq(dk_actor_out(lb, 1), b);
    ck_assert_ptr_null(dk_actor_out(lb, 2));
    /* Latency: every end-to-end time includes the client->lb link both ways (>= 0.4 ms). */
    ck_assert_int_ge(dk_hist_min(cs->latency), 400000);
    dk_sim_free(sim);
    dk_dist_free(svc);
    dk_dist_free(lat);
}
END_TEST

/* An actor that swallows calls and claims to hold none: the books cannot balance. */
static void sink_event(dk_actor_t *self, const dk_event *ev)
{
    (void)self;
    (void)ev;
}
static const dk_actor_ops leaky_ops = {"leaky", sink_event, NULL, NULL};

START_TEST(broken_books_are_reported)
{
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_client_config cc = {.rate = 100};
    dk_actor_t *cl = dk_sim_add_client(sim, "c", &cc, NULL);
    dk_actor_t *leaky = dk_sim_add_actor(sim, "hole", &leaky_ops, NULL, NULL);
    dk_sim_link(sim, cl, leaky, NULL, NULL);
    ck_assert_int_eq(dk_sim_run(sim, DK_SEC, 0, NULL, NULL), DK_EINTERNAL);
    ck_assert_str_eq(dk_sim_error(sim), "leaky \"hole\": calls not conserved: 100 arrived, 0 "
                                        "completed + 0 rejected + 0 failed + 0 held");
    dk_sim_free(sim);
}
END_TEST

/* ---- limits: max_roots, end time, progress, one run ---- */

static int nprogress;
static double last_fraction;
static void on_progress(double f, void *ud)
{
    ck_assert(f >= last_fraction);
    last_fraction = f;
    nprogress++;
    (void)ud;
}

START_TEST(max_roots_then_drain)
{
    dk_sim_t *sim = dk_sim_new(2, NULL);
    dk_client_config cc = {.rate = 1000, .poisson = 1};
    dk_actor_t *cl = dk_sim_add_client(sim, "c", &cc, NULL);
    dk_dist_t *svc = dk_dist_constant(5e5, NULL);
    dk_station_config sc = {.servers = 1, .service = svc};
    dk_actor_t *st = dk_sim_add_station(sim, "s", NULL, &sc, NULL);
    dk_sim_link(sim, cl, st, NULL, NULL);
    nprogress = 0;
    last_fraction = 0;
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 200000, on_progress, NULL), DK_OK);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->created, 200000);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->completed, 200000);
    ck_assert_uint_eq(dk_sim_in_flight(sim), 0);
    ck_assert_int_eq(dk_sim_may_create(sim), 0);
    ck_assert_msg(nprogress >= 90 && nprogress <= 110, "progress called %d times", nprogress);
    ck_assert(last_fraction == 1.0);
    ck_assert_str_eq(dk_sim_class_name(sim, 0), "default");
    /* A simulator runs once. */
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 0, NULL, NULL), DK_ESTATE);
    ck_assert_str_eq(dk_sim_error(sim), "a simulator runs once");
    dk_sim_free(sim);
    dk_dist_free(svc);
}
END_TEST

START_TEST(constant_arrivals_are_exact)
{
    /* 3 per second for 10 s, first at 1/3 s: arrivals at k/3 s for k = 1..30 (the last is at
     * exactly `until`, which runs). Each answered at once. */
    dk_sim_t *sim = dk_sim_new(2, NULL);
    dk_client_config cc = {.rate = 3, .poisson = 0};
    dk_actor_t *cl = dk_sim_add_client(sim, "c", &cc, NULL);
    dk_station_config sc = {.servers = 1};
    dk_actor_t *st = dk_sim_add_station(sim, "s", NULL, &sc, NULL);
    dk_sim_link(sim, cl, st, NULL, NULL);
    ck_assert_int_eq(dk_sim_run(sim, 10 * DK_SEC, 0, NULL, NULL), DK_OK);
    ck_assert_uint_eq(dk_actor_get_stats(st)->completed, 30);
    ck_assert_int_eq(dk_sim_end_time(sim), 10 * DK_SEC);
    dk_sim_free(sim);
}
END_TEST

/* ---- aborts and bad input ---- */

static void aborter_event(dk_actor_t *self, const dk_event *ev)
{
    dk_sim_t *sim = dk_actor_sim(self);
    if (ev->kind == DK_EV_START) {
        dk_sim_timer(sim, self, 5, 1, NULL);
        dk_sim_timer(sim, self, 9, 2, NULL);
    } else if (ev->tag == 1) {
        dk_sim_abort(sim, DK_EPARSE, "handler failed at %s", "x.lua:3");
        dk_sim_abort(sim, DK_EIO, "second abort loses");
    } else {
        ck_abort_msg("the run went on after an abort");
    }
}
static const dk_actor_ops aborter_ops = {"aborter", aborter_event, NULL, NULL};

START_TEST(abort_stops_at_once)
{
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_sim_add_actor(sim, "a", &aborter_ops, NULL, NULL);
    ck_assert_str_eq(dk_sim_error(sim), "");
    ck_assert_int_eq(dk_sim_run(sim, DK_SEC, 0, NULL, NULL), DK_EPARSE);
    ck_assert_str_eq(dk_sim_error(sim), "handler failed at x.lua:3");
    ck_assert_int_eq(dk_sim_end_time(sim), 5);
    dk_sim_free(sim);
}
END_TEST

static int destroyed;
static void count_destroy(void *d)
{
    (void)d;
    destroyed++;
}
static const dk_actor_ops counted_ops = {"counted", sink_event, NULL, count_destroy};

START_TEST(bad_input_is_reported)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    destroyed = 0;
    dk_actor_t *a = dk_sim_add_actor(sim, "a", &counted_ops, NULL, &err);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_null(dk_sim_add_actor(sim, "a", &counted_ops, NULL, &err));
    ck_assert_int_eq(err.status, DK_EEXIST);
    ck_assert_str_eq(err.message, "actor \"a\" already exists");
    ck_assert_int_eq(destroyed, 1); /* the rejected actor's data was freed */
    ck_assert_ptr_null(dk_sim_add_actor(sim, NULL, &counted_ops, NULL, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_int_eq(dk_sim_link(sim, a, a, NULL, &err), DK_EINVAL);
    dk_actor_t *b = dk_sim_add_actor(sim, "b", &counted_ops, NULL, &err);
    ck_assert_int_eq(dk_sim_link(sim, a, b, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_sim_link(sim, a, b, NULL, &err), DK_EEXIST);
    ck_assert_str_eq(err.message, "link \"a\" -> \"b\" already exists");
    ck_assert_int_eq(dk_sim_link(sim, a, NULL, NULL, &err), DK_EINVAL);
    ck_assert_ptr_eq(dk_sim_find_actor(sim, "b"), b);
    ck_assert_ptr_null(dk_sim_find_actor(sim, "zz"));
    ck_assert_uint_eq(dk_sim_actor_count(sim), 2);
    ck_assert_ptr_null(dk_sim_actor(sim, 2));
    uint32_t i1, i2, i3;
    ck_assert_int_eq(dk_sim_add_class(sim, "read", &i1), DK_OK);
    ck_assert_int_eq(dk_sim_add_class(sim, "write", &i2), DK_OK);
    ck_assert_int_eq(dk_sim_add_class(sim, "read", &i3), DK_OK);
    ck_assert_uint_eq(i1, 0);
    ck_assert_uint_eq(i2, 1);
    ck_assert_uint_eq(i3, 0);
    ck_assert_int_eq(dk_sim_add_class(sim, "", &i3), DK_EINVAL);
    ck_assert_int_eq(dk_sim_class_find(sim, "nope", &i3), 0);
    ck_assert_ptr_null(dk_sim_class_stats(sim, 9));
    ck_assert_int_eq(dk_sim_run(sim, -1, 0, NULL, NULL), DK_EINVAL);
    dk_sim_free(sim);
    ck_assert_int_eq(destroyed, 4); /* a, b, and the data of both rejected adds */
    dk_sim_free(NULL);
}
END_TEST

/* An actor that misuses the primitives in turn, chosen by its data. */
static void misuse_event(dk_actor_t *self, const dk_event *ev)
{
    dk_sim_t *sim = dk_actor_sim(self);
    int what = *(int *)dk_actor_data(self);
    if (ev->kind != DK_EV_START)
        return;
    if (what == 0) {
        dk_sim_timer(sim, self, -1, 0, NULL);
    } else if (what == 1) {
        ck_assert_ptr_null(dk_sim_new_call(sim, 7, DK_OP_REQUEST, 0));
    } else if (what == 2) {
        dk_call_t *c = dk_sim_new_call(sim, 0, DK_OP_REQUEST, 0);
        dk_sim_release(sim, c);
        dk_sim_release(sim, c);
    } else {
        dk_call_t *c = dk_sim_new_call(sim, 0, DK_OP_REQUEST, 0);
        dk_sim_reply(sim, c, DK_REPLY_PENDING);
    }
}
static const dk_actor_ops misuse_ops = {"misuse", misuse_event, NULL, NULL};

START_TEST(misuse_aborts_the_run)
{
    static const char *const want[] = {"actor \"m\": timer with negative delay -1 ns",
                                       "request class 7 is not registered", "call 0 released twice",
                                       "call 0 answered with invalid status 0"};
    static const dk_status codes[] = {DK_EINVAL, DK_EINVAL, DK_EINTERNAL, DK_EINVAL};
    for (int i = 0; i < 4; i++) {
        dk_sim_t *sim = dk_sim_new(1, NULL);
        dk_sim_add_actor(sim, "m", &misuse_ops, &i, NULL);
        ck_assert_int_eq(dk_sim_run(sim, DK_SEC, 0, NULL, NULL), codes[i]);
        ck_assert_str_eq(dk_sim_error(sim), want[i]);
        dk_sim_free(sim);
    }
}
END_TEST

/* A flow that parks calls on a sub-call that never ends (a station with servers busy for an
 * hour), to see abandon() at free time. */
static int abandoned;
static dk_flow_result park_step(void *data, dk_flow_ctx *ctx)
{
    if (ctx->reply != NULL) {
        dk_sim_release(ctx->sim, ctx->reply);
        return DK_FLOW_OK;
    }
    dk_sim_call(ctx->sim, ctx->self, ctx->call, data, DK_OP_READ, 0);
    return DK_FLOW_WAIT;
}
static void park_abandon(void *data, dk_call_t *call)
{
    (void)data;
    (void)call;
    abandoned++;
}
static const dk_flow_ops park_ops = {"park", park_step, park_abandon, NULL};

START_TEST(abandon_on_free)
{
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_client_config cc = {.rate = 1000, .poisson = 0};
    dk_actor_t *cl = dk_sim_add_client(sim, "c", &cc, NULL);
    dk_station_config sc = {.servers = 0};
    dk_actor_t *api = dk_sim_add_station(sim, "api", NULL, &sc, NULL);
    dk_dist_t *hour = dk_dist_constant(3600e9, NULL);
    dk_station_config slow = {.servers = 1, .service = hour};
    dk_actor_t *db = dk_sim_add_station(sim, "db", "database", &slow, NULL);
    dk_sim_link(sim, cl, api, NULL, NULL);
    dk_station_route(api, UINT32_MAX, (dk_flow){&park_ops, db}, NULL);
    ck_assert_int_eq(dk_sim_run(sim, DK_SEC, 0, NULL, NULL), DK_OK);
    ck_assert_uint_eq(dk_actor_get_stats(api)->busy, 1000);
    ck_assert_uint_eq(dk_actor_get_stats(db)->queued, 999);
    abandoned = 0;
    dk_sim_free(sim);
    ck_assert_int_eq(abandoned, 1000);
    dk_dist_free(hour);
}
END_TEST

/* ---- scale: lookups by name and link, memory per idle component, out of memory ---- */

START_TEST(many_classes_and_actors)
{
    /* 10^5 classes and 3 10^4 actors found by name, a hub linked to every actor, duplicates
     * refused with the usual messages: a linear search per add would make this quadratic
     * (5 10^9 string compares for the classes alone) and time the test out. */
    enum { NCLS = 100000, NACT = 30000 };
    char name[32];
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    for (uint32_t i = 0; i < NCLS; i++) {
        uint32_t idx;
        snprintf(name, sizeof name, "class-%u", (unsigned)i);
        ck_assert_int_eq(dk_sim_add_class(sim, name, &idx), DK_OK);
        ck_assert_uint_eq(idx, i);
    }
    for (uint32_t i = 0; i < NCLS; i += 997) {
        uint32_t idx;
        snprintf(name, sizeof name, "class-%u", (unsigned)i);
        ck_assert_int_eq(dk_sim_add_class(sim, name, &idx), DK_OK); /* known: its index */
        ck_assert_uint_eq(idx, i);
        ck_assert_int_eq(dk_sim_class_find(sim, name, &idx), 1);
        ck_assert_uint_eq(idx, i);
    }
    ck_assert_uint_eq(dk_sim_class_count(sim), NCLS);
    ck_assert_int_eq(dk_sim_class_find(sim, "class-x", NULL), 0);
    dk_actor_t *hub = dk_sim_add_actor(sim, "hub", &probe_ops, NULL, &err);
    for (int i = 0; i < NACT; i++) {
        snprintf(name, sizeof name, "a%d", i);
        dk_actor_t *a = dk_sim_add_actor(sim, name, &probe_ops, NULL, &err);
        ck_assert_ptr_nonnull(a);
        ck_assert_int_eq(dk_sim_link(sim, hub, a, NULL, &err), DK_OK);
    }
    for (int i = 0; i < NACT; i++) {
        snprintf(name, sizeof name, "a%d", i);
        dk_actor_t *a = dk_sim_find_actor(sim, name);
        ck_assert_ptr_nonnull(a);
        ck_assert_str_eq(dk_actor_name(a), name);
        ck_assert_ptr_eq(dk_actor_out(hub, (size_t)i), a);
        ck_assert_uint_eq(dk_sim_link_calls(hub, a), 0);
        ck_assert_uint_eq(dk_sim_link_calls(a, hub), 0); /* not linked that way */
    }
    ck_assert_ptr_null(dk_sim_add_actor(sim, "a123", &probe_ops, NULL, &err));
    ck_assert_int_eq(err.status, DK_EEXIST);
    ck_assert_str_eq(err.message, "actor \"a123\" already exists");
    ck_assert_int_eq(dk_sim_link(sim, hub, dk_sim_find_actor(sim, "a29999"), NULL, &err),
                     DK_EEXIST);
    ck_assert_str_eq(err.message, "link \"hub\" -> \"a29999\" already exists");
    ck_assert_int_eq(dk_sim_link(sim, dk_sim_find_actor(sim, "a7"), hub, NULL, &err), DK_OK);
    ck_assert_ptr_null(dk_sim_find_actor(sim, "a30000"));
    ck_assert_ptr_null(dk_sim_find_actor(sim, NULL));
    ck_assert_uint_eq(dk_actor_out_count(hub), NACT);
    dk_sim_free(sim);
}
END_TEST

START_TEST(idle_stations_are_small)
{
    /* 2000 stations behind a balancer, before any event: each (with its name, histogram, link
     * and its share of the lookup maps) must stay under 4 KB, where a fixed histogram alone
     * took 58 KiB. */
    enum { N = 2000 };
    dk_test_live_bytes = 0;
    dk_set_allocator(&dk_test_counting);
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_dist_t *svc = dk_dist_exponential(1e6, NULL);
    dk_client_config cc = {.rate = 100, .poisson = 1};
    dk_actor_t *cl = dk_sim_add_client(sim, "users", &cc, &err);
    dk_actor_t *lb = dk_sim_add_balancer(sim, "lb", DK_LB_ROUND_ROBIN, &err);
    ck_assert_int_eq(dk_sim_link(sim, cl, lb, NULL, &err), DK_OK);
    size_t before = dk_test_live_bytes;
    dk_station_config sc = {.servers = 4, .queue_limit = 100, .service = svc};
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "backend-%d", i);
        dk_actor_t *s = dk_sim_add_station(sim, name, NULL, &sc, &err);
        ck_assert_ptr_nonnull(s);
        ck_assert_int_eq(dk_sim_link(sim, lb, s, NULL, &err), DK_OK);
    }
    double per = (double)(dk_test_live_bytes - before) / N;
    ck_assert_msg(per < 4096, "an idle station takes %.0f bytes", per);
    /* The run allocates as the stations record (20 requests each): it still works. */
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 20 * N, NULL, NULL), DK_OK);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->completed, 20 * N);
    ck_assert_uint_eq(dk_actor_get_stats(dk_sim_find_actor(sim, "backend-1999"))->completed, 20);
    dk_sim_free(sim);
    dk_dist_free(svc);
    ck_assert_uint_eq(dk_test_live_bytes, 0);
    dk_set_allocator(NULL);
}
END_TEST

START_TEST(out_of_memory_mid_run)
{
    /* Every allocation the run makes (the call pool, histogram blocks as latencies reach new
     * ranges) fails in turn: each run stops with DK_ENOMEM and a message, frees cleanly, and
     * one of them is a latency that could not be recorded. */
    int saw_record = 0, k;
    for (k = 0; k < 64; k++) {
        dk_error err;
        dk_sim_t *sim = dk_sim_new(3, NULL);
        dk_dist_t *svc = dk_dist_exponential(2e6, NULL);
        dk_client_config cc = {.rate = 300, .poisson = 1};
        dk_station_config sc = {.servers = 1, .service = svc};
        dk_actor_t *cl = dk_sim_add_client(sim, "users", &cc, &err);
        dk_actor_t *st = dk_sim_add_station(sim, "api", NULL, &sc, &err);
        ck_assert_int_eq(dk_sim_link(sim, cl, st, NULL, &err), DK_OK);
        ck_assert_int_eq(dk_sim_add_class(sim, "req", NULL), DK_OK);
        dk_alloc_fail_after(k);
        dk_status rc = dk_sim_run(sim, INT64_MAX, 2000, NULL, NULL);
        dk_alloc_fail_after(-1);
        if (rc == DK_OK) {
            ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->completed, 2000);
            dk_sim_free(sim);
            dk_dist_free(svc);
            break;
        }
        ck_assert_int_eq(rc, DK_ENOMEM);
        ck_assert_str_ne(dk_sim_error(sim), "");
        saw_record += strstr(dk_sim_error(sim), "out of memory recording a latency") != NULL;
        dk_sim_free(sim);
        dk_dist_free(svc);
    }
    ck_assert_int_lt(k, 64);
    ck_assert_int_gt(saw_record, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine");
    TCase *order = tcase_create("ordering");
    tcase_add_test(order, events_run_in_time_then_schedule_order);
    suite_add_tcase(s, order);
    TCase *books = tcase_create("conservation");
    tcase_add_test(books, conservation_mid_flight);
    tcase_add_test(books, broken_books_are_reported);
    tcase_add_test(books, abandon_on_free);
    suite_add_tcase(s, books);
    TCase *lim = tcase_create("limits");
    tcase_set_timeout(lim, 60);
    tcase_add_test(lim, max_roots_then_drain);
    tcase_add_test(lim, constant_arrivals_are_exact);
    suite_add_tcase(s, lim);
    TCase *bad = tcase_create("errors");
    tcase_add_test(bad, abort_stops_at_once);
    tcase_add_test(bad, bad_input_is_reported);
    tcase_add_test(bad, misuse_aborts_the_run);
    tcase_add_test(bad, out_of_memory_mid_run);
    suite_add_tcase(s, bad);
    TCase *scale = tcase_create("scale");
    tcase_set_timeout(scale, 20);
    tcase_add_test(scale, many_classes_and_actors);
    tcase_add_test(scale, idle_stations_are_small);
    suite_add_tcase(s, scale);
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
