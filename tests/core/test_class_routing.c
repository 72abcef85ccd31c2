/* areas: base patterns model sim kinds */
/* test_class_routing.c - routing by class: which components take a class (dk_class_routing,
 * against a brute-force search on random models), the simulator's per-class links
 * (dk_sim_route_class) with counts computed from the class statistics, the builder giving
 * clients and balancers those links from the model's routes, and the check rules that go with
 * it (unrouted-class, single-backend with replicas). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds_fixture.h"
#include "designkit/model.h"
#include "designkit/sim.h"

#define OK(expr) ck_assert_msg((expr) == DK_OK, "%s: %s", #expr, err.message)

/* ---- a model, built by name ---- */

static dk_model_t *m;

static void model_setup(void)
{
    m = dk_model_new("m", NULL);
    ck_assert_ptr_nonnull(m);
}

static void model_teardown(void)
{
    dk_model_free(m);
    m = NULL;
}

static dk_comp_t *add(const dk_kind *kind, const char *name)
{
    dk_error err;
    dk_comp_t *c = dk_model_add(m, NULL, kind, name, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    return c;
}

static void wire(dk_comp_t *a, dk_comp_t *b)
{
    dk_error err;
    OK(dk_model_link(m, a, b, NULL, &err));
}

static void set_number(dk_comp_t *c, const char *prop, double v)
{
    dk_error err;
    OK(dk_comp_set_number(c, prop, v, &err));
}

/* A route for `cls` on `c` calling `target` (any kind but a client). */
static void route(dk_comp_t *c, const char *cls, dk_comp_t *target)
{
    dk_error err;
    dk_route r = {.cls = cls, .kind = DK_ROUTE_CALL, .targets = {target}, .ntargets = 1};
    OK(dk_comp_set_route(c, &r, &err));
}

/* A client sending `n` classes with weights, evenly spaced arrivals. */
static dk_comp_t *client(const char *name, const char *const *classes, const double *w, size_t n)
{
    dk_error err;
    dk_comp_t *c = add(K_CLIENT, name);
    OK(dk_comp_set_mix(c, "mix", classes, w, n, &err));
    OK(dk_comp_set_text(c, "arrivals", "constant", &err));
    OK(dk_comp_set_number(c, "rate", 1000, &err));
    return c;
}

/* The class index of `name` in the routing of the current model. */
static size_t cls_of(const dk_class_routing_t *r, const char *name)
{
    size_t k = dk_class_routing_find(r, name);
    ck_assert_msg(k != SIZE_MAX, "class %s not found", name);
    return k;
}

/* ---- which components take which classes ---- */

START_TEST(routes_say_what_a_component_takes)
{
    static const char *const cls[] = {"a", "b", "c"};
    static const double w[] = {1, 1, 1};
    dk_comp_t *u = client("users", cls, w, 3);
    dk_comp_t *db = add(K_DATABASE, "db");
    dk_comp_t *sa = add(K_SERVICE, "sa"), *sb = add(K_SERVICE, "sb");
    dk_comp_t *star = add(K_SERVICE, "star"), *plain = add(K_SERVICE, "plain");
    dk_comp_t *lb = add(K_BALANCER, "lb"), *q = add(K_QUEUE, "q");
    route(sa, "a", db);
    route(sb, "b", db);
    route(star, "a", db);
    route(star, "*", db);
    route(q, "c", db);
    wire(u, lb);
    wire(lb, sa);
    wire(lb, sb);
    wire(plain, db);
    dk_status st = DK_EINTERNAL;
    dk_class_routing_t *r = dk_class_routing_new(m, &st);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(st, DK_OK);
    size_t a = cls_of(r, "a"), b = cls_of(r, "b"), c = cls_of(r, "c");
    ck_assert_uint_eq(dk_class_routing_find(r, "nobody-sends-this"), SIZE_MAX);
    /* a route for the class, or "*", or no route at all */
    ck_assert(dk_class_routing_takes(r, sa, a));
    ck_assert(!dk_class_routing_takes(r, sa, b));
    ck_assert(!dk_class_routing_takes_all(r, sa));
    ck_assert(dk_class_routing_takes_all(r, star));
    ck_assert(dk_class_routing_takes(r, star, c));
    ck_assert(dk_class_routing_takes_all(r, plain));
    ck_assert(dk_class_routing_takes_all(r, db));
    ck_assert(dk_class_routing_takes(r, q, c) && !dk_class_routing_takes(r, q, a));
    /* a balancer: what its backends take; a client: nothing */
    ck_assert(dk_class_routing_takes(r, lb, a) && dk_class_routing_takes(r, lb, b));
    ck_assert(!dk_class_routing_takes(r, lb, c) && !dk_class_routing_takes_all(r, lb));
    ck_assert(!dk_class_routing_takes(r, u, a) && !dk_class_routing_takes_all(r, u));
    /* a class no client sends: only what takes every class */
    ck_assert(dk_class_routing_takes(r, db, SIZE_MAX));
    ck_assert(!dk_class_routing_takes(r, sa, SIZE_MAX));
    dk_class_routing_free(r);
    dk_class_routing_free(NULL);
    ck_assert_ptr_null(dk_class_routing_new(NULL, &st));
    ck_assert_int_eq(st, DK_EINVAL);
}
END_TEST

START_TEST(balancers_behind_balancers_and_cycles)
{
    static const char *const cls[] = {"a", "b"};
    static const double w[] = {1, 1};
    dk_comp_t *u = client("users", cls, w, 2);
    dk_comp_t *db = add(K_DATABASE, "db");
    dk_comp_t *l1 = add(K_BALANCER, "l1"), *l2 = add(K_BALANCER, "l2");
    dk_comp_t *l3 = add(K_BALANCER, "l3"), *l4 = add(K_BALANCER, "l4");
    dk_comp_t *sa = add(K_SERVICE, "sa"), *sb = add(K_SERVICE, "sb");
    route(sa, "a", db);
    route(sb, "b", db);
    wire(u, l1);
    wire(l1, l2); /* l1 -> l2 -> l3 -> sa: a, three balancers deep */
    wire(l2, l3);
    wire(l3, sa);
    wire(l3, l4); /* l3 <-> l4, a cycle, and l4 -> sb */
    wire(l4, l3);
    wire(l4, sb);
    dk_class_routing_t *r = dk_class_routing_new(m, NULL);
    ck_assert_ptr_nonnull(r);
    size_t a = cls_of(r, "a"), b = cls_of(r, "b");
    dk_comp_t *const bal[] = {l1, l2, l3, l4};
    for (int i = 0; i < 4; i++) {
        ck_assert_msg(dk_class_routing_takes(r, bal[i], a), "l%d takes a", i + 1);
        ck_assert_msg(dk_class_routing_takes(r, bal[i], b), "l%d takes b", i + 1);
        ck_assert(!dk_class_routing_takes_all(r, bal[i]));
    }
    dk_class_routing_free(r);
    /* A database behind the cycle: every balancer in it, and in front of it, takes all. */
    wire(l4, db);
    r = dk_class_routing_new(m, NULL);
    for (int i = 0; i < 4; i++)
        ck_assert(dk_class_routing_takes_all(r, bal[i]));
    dk_class_routing_free(r);
}
END_TEST

/* The reference: does `v` take class `k`, by a depth-first search through balancers from v,
 * written straight from the definition (a fresh search per question). */
static int brute_takes(const dk_comp_t *v, const char *cls, unsigned char *seen)
{
    const dk_kind *kind = dk_comp_kind(v);
    if (seen[dk_comp_index(v)])
        return 0;
    seen[dk_comp_index(v)] = 1;
    if (dk_kind_has(kind, DK_TRAIT_ENTRY))
        return 0;
    if (dk_kind_has(kind, DK_TRAIT_BALANCER)) {
        for (size_t i = 0; i < dk_comp_out_count(v); i++)
            if (brute_takes(dk_comp_out(v, i), cls, seen))
                return 1;
        return 0;
    }
    if (dk_comp_route_count(v) == 0)
        return 1;
    for (size_t i = 0; i < dk_comp_route_count(v); i++) {
        const char *rc = dk_comp_route(v, i)->cls;
        if (strcmp(rc, "*") == 0 || (cls != NULL && strcmp(rc, cls) == 0))
            return 1;
    }
    return 0;
}

START_TEST(random_models_match_the_definition)
{
    static const char *const cls[] = {"c0", "c1", "c2", "c3", "c4"};
    static const double w[] = {1, 1, 1, 1, 1};
    srand(7);
    for (int round = 0; round < 200; round++) {
        size_t n = 3 + (size_t)(rand() % 30);
        char name[32];
        model_teardown();
        model_setup();
        dk_comp_t *db = add(K_DATABASE, "db");
        client("users", cls, w, 5);
        for (size_t i = 0; i < n; i++) {
            int kind = rand() % 3;
            snprintf(name, sizeof name, "x%zu", i);
            dk_comp_t *c = add(kind == 0 ? K_BALANCER : K_SERVICE, name);
            if (kind == 2) /* a service with 0 to 2 routes, sometimes "*" */
                for (int k = rand() % 3; k > 0; k--)
                    route(c, rand() % 8 == 0 ? "*" : cls[rand() % 5], db);
        }
        size_t total = dk_model_comp_count(m);
        for (size_t e = 0; e < 2 * n; e++) { /* random links among balancers and services */
            dk_comp_t *from = dk_model_comp(m, 2 + (size_t)rand() % n);
            dk_comp_t *to = dk_model_comp(m, 2 + (size_t)rand() % n);
            if (from != to && dk_comp_route_count(from) == 0)
                (void)dk_model_link(m, from, to, NULL, NULL); /* duplicates refused: fine */
        }
        dk_class_routing_t *r = dk_class_routing_new(m, NULL);
        ck_assert_ptr_nonnull(r);
        unsigned char *seen = calloc(total, 1);
        for (size_t i = 0; i < total; i++) {
            const dk_comp_t *c = dk_model_comp(m, i);
            int all = 1;
            size_t nlist, listed = 0;
            const size_t *list = dk_class_routing_classes(r, c, &nlist);
            for (size_t k = 0; k < 5; k++) {
                memset(seen, 0, total);
                int want = brute_takes(c, cls[k], seen);
                int in_list = 0;
                for (size_t i2 = 0; i2 < nlist; i2++)
                    in_list += list[i2] == cls_of(r, cls[k]);
                all &= want;
                /* listed one by one exactly when taken and not taken with every class */
                ck_assert_int_eq(in_list, want && !dk_class_routing_takes_all(r, c));
                listed += (size_t)in_list;
                ck_assert_msg(dk_class_routing_takes(r, c, cls_of(r, cls[k])) == want,
                              "round %d: %s takes %s: want %d", round, dk_comp_name(c), cls[k],
                              want);
            }
            memset(seen, 0, total);
            int want_all = brute_takes(c, NULL, seen); /* a class no route names */
            ck_assert_msg(dk_class_routing_takes_all(r, c) == want_all,
                          "round %d: %s takes all: want %d", round, dk_comp_name(c), want_all);
            ck_assert(!want_all || all);
            ck_assert_uint_eq(listed, nlist);
        }
        free(seen);
        dk_class_routing_free(r);
    }
}
END_TEST

/* ---- the simulator: dk_sim_route_class ---- */

static dk_sim_t *sim;
static dk_actor_t *src, *lb, *st[3];
static uint32_t cls_a, cls_b, cls_c;

/* A client sending classes a, b, c (weights `w`, evenly spaced) to `via_lb` ? a balancer in
 * front of three stations : the three stations directly. */
static void sim_build(int via_lb, dk_lb_algorithm alg, const double w[3])
{
    static const char *const names[] = {"s0", "s1", "s2"};
    dk_error err;
    sim = dk_sim_new(5, NULL);
    ck_assert_ptr_nonnull(sim);
    OK(dk_sim_add_class(sim, "a", &cls_a));
    OK(dk_sim_add_class(sim, "b", &cls_b));
    OK(dk_sim_add_class(sim, "c", &cls_c));
    dk_client_config cc = {.rate = 1000, .poisson = 0, .mix = w, .mix_len = 3};
    src = dk_sim_add_client(sim, "users", &cc, &err);
    ck_assert_msg(src != NULL, "%s", err.message);
    lb = NULL;
    if (via_lb) {
        lb = dk_sim_add_balancer(sim, "lb", alg, &err);
        ck_assert_ptr_nonnull(lb);
        OK(dk_sim_link(sim, src, lb, NULL, &err));
    }
    for (int i = 0; i < 3; i++) {
        dk_station_config sc = {.servers = 0};
        st[i] = dk_sim_add_station(sim, names[i], NULL, &sc, &err);
        ck_assert_ptr_nonnull(st[i]);
        OK(dk_sim_link(sim, via_lb ? lb : src, st[i], NULL, &err));
    }
}

static void sim_teardown(void)
{
    dk_sim_free(sim);
    sim = NULL;
}

static void route_class(dk_actor_t *a, uint32_t cls, const size_t *links, size_t n)
{
    dk_error err;
    OK(dk_sim_route_class(a, cls, links, n, &err));
}

static void run(uint64_t roots)
{
    dk_status s = dk_sim_run(sim, INT64_MAX, roots, NULL, NULL);
    ck_assert_msg(s == DK_OK, "%s", dk_sim_error(sim));
}

static uint64_t created(uint32_t cls)
{
    return dk_sim_class_stats(sim, cls)->created;
}

static uint64_t arrivals(const dk_actor_t *a)
{
    return dk_actor_get_stats(a)->arrivals;
}

/* Round robin over k targets from the first: the first gets ceil(n / k), and so on. */
static uint64_t rr_share(uint64_t n, uint64_t k, uint64_t i)
{
    return n / k + (i < n % k);
}

START_TEST(route_class_refuses_bad_arguments)
{
    static const double w[3] = {1, 1, 1};
    const size_t two[] = {0, 2}, back[] = {2, 0}, dup[] = {1, 1}, far[] = {0, 3};
    dk_error err;
    sim_build(1, DK_LB_ROUND_ROBIN, w);
    ck_assert_int_eq(dk_sim_route_class(st[0], cls_a, two, 2, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "only clients and balancers"));
    ck_assert_int_eq(dk_sim_route_class(NULL, cls_a, two, 2, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sim_route_class(lb, 3, two, 2, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sim_route_class(lb, cls_a, far, 2, &err), DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "balancer \"lb\": class \"a\": link position 3 out of range (3 links)");
    ck_assert_int_eq(dk_sim_route_class(lb, cls_a, back, 2, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sim_route_class(lb, cls_a, dup, 2, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sim_route_class(lb, cls_a, NULL, 1, &err), DK_EINVAL);
    /* the client has one link, the balancer */
    ck_assert_int_eq(dk_sim_route_class(src, cls_a, two, 2, &err), DK_EINVAL);
    OK(dk_sim_route_class(lb, cls_a, two, 2, &err));
    run(30);
    ck_assert_int_eq(dk_sim_route_class(lb, cls_a, two, 2, &err), DK_ESTATE);
    sim_teardown();
}
END_TEST

START_TEST(client_round_robin_per_class)
{
    static const double w[3] = {3, 2, 1};
    const size_t first_two[] = {0, 1}, last[] = {2};
    sim_build(0, DK_LB_ROUND_ROBIN, w);
    route_class(src, cls_a, first_two, 2);
    route_class(src, cls_b, last, 1);
    /* c is not routed: every link, in the client's own turn */
    run(6001);
    uint64_t na = created(cls_a), nb = created(cls_b), nc = created(cls_c);
    ck_assert_uint_eq(na + nb + nc, 6001);
    ck_assert_uint_gt(na, 0);
    ck_assert_uint_gt(nb, 0);
    ck_assert_uint_gt(nc, 0);
    ck_assert_uint_eq(arrivals(st[0]), rr_share(na, 2, 0) + rr_share(nc, 3, 0));
    ck_assert_uint_eq(arrivals(st[1]), rr_share(na, 2, 1) + rr_share(nc, 3, 1));
    ck_assert_uint_eq(arrivals(st[2]), nb + rr_share(nc, 3, 2));
    ck_assert_uint_eq(dk_actor_get_stats(src)->completed, 6001);
    sim_teardown();
}
END_TEST

START_TEST(classes_with_the_same_links_share_one_turn)
{
    static const double w[3] = {1, 1, 1};
    const size_t ends[] = {0, 2};
    sim_build(1, DK_LB_ROUND_ROBIN, w);
    route_class(lb, cls_a, ends, 2);
    route_class(lb, cls_b, ends, 2);
    route_class(lb, cls_c, ends, 2);
    run(3001);
    /* One rotation over {s0, s2} whatever the class: s0 gets the first, the third, ... */
    ck_assert_uint_eq(arrivals(st[0]), rr_share(3001, 2, 0));
    ck_assert_uint_eq(arrivals(st[1]), 0);
    ck_assert_uint_eq(arrivals(st[2]), rr_share(3001, 2, 1));
    sim_teardown();
}
END_TEST

START_TEST(balancer_round_robin_per_set_of_backends)
{
    static const double w[3] = {5, 3, 2};
    const size_t low[] = {0, 1}, high[] = {1, 2};
    sim_build(1, DK_LB_ROUND_ROBIN, w);
    route_class(lb, cls_a, low, 2);
    route_class(lb, cls_b, high, 2);
    run(10001);
    uint64_t na = created(cls_a), nb = created(cls_b), nc = created(cls_c);
    ck_assert_uint_eq(na + nb + nc, 10001);
    ck_assert_uint_eq(arrivals(st[0]), rr_share(na, 2, 0) + rr_share(nc, 3, 0));
    ck_assert_uint_eq(arrivals(st[1]),
                      rr_share(na, 2, 1) + rr_share(nb, 2, 0) + rr_share(nc, 3, 1));
    ck_assert_uint_eq(arrivals(st[2]), rr_share(nb, 2, 1) + rr_share(nc, 3, 2));
    ck_assert_uint_eq(dk_actor_get_stats(lb)->completed, 10001);
    sim_teardown();
}
END_TEST

/* Random and least connections pick inside the set too: a class routed to one backend reaches
 * exactly that one. */
START_TEST(other_algorithms_stay_inside_the_set)
{
    static const double w[3] = {1, 1, 0};
    const size_t middle[] = {1}, ends[] = {0, 2};
    for (int alg = DK_LB_RANDOM; alg <= DK_LB_LEAST_CONNECTIONS; alg++) {
        sim_build(1, (dk_lb_algorithm)alg, w);
        route_class(lb, cls_a, middle, 1);
        route_class(lb, cls_b, ends, 2);
        run(4000);
        ck_assert_uint_eq(arrivals(st[1]), created(cls_a));
        ck_assert_uint_eq(arrivals(st[0]) + arrivals(st[2]), created(cls_b));
        ck_assert_uint_gt(arrivals(st[0]), 0);
        ck_assert_uint_gt(arrivals(st[2]), 0);
        sim_teardown();
    }
}
END_TEST

/* UINT32_MAX: the links of every class not given its own. */
START_TEST(a_fallback_for_the_classes_without_their_own)
{
    static const double w[3] = {1, 1, 1};
    const size_t first[] = {0}, rest[] = {1, 2}, twice[] = {0, 0};
    dk_error err;
    sim_build(1, DK_LB_ROUND_ROBIN, w);
    route_class(lb, UINT32_MAX, rest, 2);
    route_class(lb, cls_a, first, 1);
    ck_assert_int_eq(dk_sim_route_class(lb, UINT32_MAX, twice, 2, &err), DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "balancer \"lb\": class \"*\": link positions must increase (0 after 0)");
    run(3001);
    uint64_t nbc = created(cls_b) + created(cls_c);
    ck_assert_uint_eq(arrivals(st[0]), created(cls_a));
    ck_assert_uint_eq(arrivals(st[1]), rr_share(nbc, 2, 0));
    ck_assert_uint_eq(arrivals(st[2]), rr_share(nbc, 2, 1));
    sim_teardown();
}
END_TEST

START_TEST(a_class_with_no_links_fails_where_it_is)
{
    static const double w[3] = {2, 1, 1};
    const size_t all[] = {0, 1, 2};
    /* At the client: nothing is sent, the call is answered FAILED. */
    sim_build(0, DK_LB_ROUND_ROBIN, w);
    route_class(src, cls_b, NULL, 0);
    run(4000);
    ck_assert_uint_eq(dk_sim_class_stats(sim, cls_b)->failed, created(cls_b));
    ck_assert_uint_eq(dk_sim_class_stats(sim, cls_b)->completed, 0);
    ck_assert_uint_eq(dk_actor_get_stats(src)->failed, created(cls_b));
    ck_assert_uint_eq(dk_actor_get_stats(src)->arrivals, 4000);
    ck_assert_uint_eq(arrivals(st[0]) + arrivals(st[1]) + arrivals(st[2]),
                      created(cls_a) + created(cls_c));
    ck_assert_uint_eq(dk_sim_class_stats(sim, cls_a)->failed, 0);
    sim_teardown();
    /* At a balancer: it answers FAILED; the other classes go on (a set of all three links is
     * a set like any other). */
    sim_build(1, DK_LB_ROUND_ROBIN, w);
    route_class(lb, cls_c, NULL, 0);
    route_class(lb, cls_a, all, 3);
    run(4000);
    ck_assert_uint_eq(dk_sim_class_stats(sim, cls_c)->failed, created(cls_c));
    ck_assert_uint_eq(dk_actor_get_stats(lb)->failed, created(cls_c));
    ck_assert_uint_eq(dk_actor_get_stats(src)->failed, created(cls_c));
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(arrivals(st[i]), rr_share(created(cls_a), 3, (uint64_t)i) +
                                               rr_share(created(cls_b), 3, (uint64_t)i));
    sim_teardown();
}
END_TEST

/* A closed user whose class goes nowhere is answered at once, thinks, and sends again. */
START_TEST(a_closed_user_goes_on_after_a_class_with_no_links)
{
    static const double w[3] = {1, 1, 0};
    dk_error err;
    sim = dk_sim_new(9, NULL);
    OK(dk_sim_add_class(sim, "a", &cls_a));
    OK(dk_sim_add_class(sim, "b", &cls_b));
    dk_dist_t *think = dk_dist_constant(1e6, NULL);
    dk_client_config cc = {.mix = w, .mix_len = 2, .users = 3, .think = think};
    src = dk_sim_add_client(sim, "users", &cc, &err);
    ck_assert_msg(src != NULL, "%s", err.message);
    dk_station_config sc = {.servers = 0};
    st[0] = dk_sim_add_station(sim, "s0", NULL, &sc, &err);
    OK(dk_sim_link(sim, src, st[0], NULL, &err));
    route_class(src, cls_b, NULL, 0);
    ck_assert_int_eq(dk_sim_run(sim, 100 * DK_MS, 0, NULL, NULL), DK_OK);
    /* Zero service time: each user sends every 1 ms, 3 users over 100 ms, whatever fails. */
    ck_assert_uint_eq(created(cls_a) + created(cls_b), 300);
    ck_assert_uint_eq(dk_sim_class_stats(sim, cls_b)->failed, created(cls_b));
    ck_assert_uint_eq(arrivals(st[0]), created(cls_a));
    dk_dist_free(think);
    sim_teardown();
}
END_TEST

/* ---- the builder: routes in the model become links per class ---- */

static dk_sim_t *build_and_run(uint64_t roots)
{
    dk_error err;
    dk_sim_t *s = dk_model_build_sim(m, 3, &err);
    ck_assert_msg(s != NULL, "%s", err.message);
    dk_status rc = dk_sim_run(s, INT64_MAX, roots, NULL, NULL);
    ck_assert_msg(rc == DK_OK, "%s", dk_sim_error(s));
    return s;
}

static uint64_t arrivals_of(dk_sim_t *s, const char *name)
{
    dk_actor_t *a = dk_sim_find_actor(s, name);
    ck_assert_ptr_nonnull(a);
    return dk_actor_get_stats(a)->arrivals;
}

static uint64_t created_of(dk_sim_t *s, const char *cls)
{
    uint32_t k;
    ck_assert(dk_sim_class_find(s, cls, &k));
    return dk_sim_class_stats(s, k)->created;
}

/* The design of the issue: two services behind a balancer, each routing one class, and a
 * client sending both. Today each got half of everything; now each gets exactly its class. */
START_TEST(each_service_receives_only_its_class)
{
    static const char *const cls[] = {"read", "write"};
    static const double w[] = {3, 1};
    dk_comp_t *u = client("users", cls, w, 2);
    dk_comp_t *lbc = add(K_BALANCER, "lb");
    dk_comp_t *reader = add(K_SERVICE, "reader"), *writer = add(K_SERVICE, "writer");
    dk_comp_t *db = add(K_DATABASE, "db");
    set_number(lbc, "replicas", 2);
    wire(u, lbc);
    wire(lbc, reader);
    wire(lbc, writer);
    route(reader, "read", db);
    route(writer, "write", db);
    dk_sim_t *s = build_and_run(8000);
    uint64_t nr = created_of(s, "read"), nw = created_of(s, "write");
    ck_assert_uint_eq(nr + nw, 8000);
    ck_assert_uint_gt(nw, 1000);
    ck_assert_uint_eq(arrivals_of(s, "reader"), nr);
    ck_assert_uint_eq(arrivals_of(s, "writer"), nw);
    ck_assert_uint_eq(arrivals_of(s, "db"), 8000);
    ck_assert_uint_eq(dk_sim_class_stats(s, 0)->failed + dk_sim_class_stats(s, 1)->failed, 0);
    dk_sim_free(s);
}
END_TEST

/* Overlapping sets: s1 routes a, s2 everything ("*"), s3 routes b; a and b each go round robin
 * over the two that take them, c (no route but s2's "*") to s2 alone. */
START_TEST(overlapping_sets_split_exactly)
{
    static const char *const cls[] = {"a", "b", "c"};
    static const double w[] = {4, 3, 1};
    dk_comp_t *u = client("users", cls, w, 3);
    dk_comp_t *lbc = add(K_BALANCER, "lb");
    dk_comp_t *s1 = add(K_SERVICE, "s1"), *s2 = add(K_SERVICE, "s2"), *s3 = add(K_SERVICE, "s3");
    dk_comp_t *db = add(K_DATABASE, "db");
    wire(u, lbc);
    wire(lbc, s1);
    wire(lbc, s2);
    wire(lbc, s3);
    route(s1, "a", db);
    route(s2, "*", db);
    route(s3, "b", db);
    dk_sim_t *s = build_and_run(9001);
    uint64_t na = created_of(s, "a"), nb = created_of(s, "b"), nc = created_of(s, "c");
    ck_assert_uint_eq(na + nb + nc, 9001);
    ck_assert_uint_eq(arrivals_of(s, "s1"), rr_share(na, 2, 0));
    ck_assert_uint_eq(arrivals_of(s, "s2"), rr_share(na, 2, 1) + rr_share(nb, 2, 0) + nc);
    ck_assert_uint_eq(arrivals_of(s, "s3"), rr_share(nb, 2, 1));
    dk_sim_free(s);
}
END_TEST

/* Through a balancer behind a balancer, and from a client linked straight to services. */
START_TEST(clients_and_nested_balancers_route_too)
{
    static const char *const cls[] = {"a", "b"};
    static const double w[] = {1, 1};
    dk_comp_t *u = client("users", cls, w, 2);
    dk_comp_t *l1 = add(K_BALANCER, "l1"), *l2 = add(K_BALANCER, "l2");
    dk_comp_t *sa1 = add(K_SERVICE, "sa1"), *sa2 = add(K_SERVICE, "sa2");
    dk_comp_t *sb = add(K_SERVICE, "sb"), *db = add(K_DATABASE, "db");
    wire(u, l1);
    wire(u, sb);
    wire(l1, l2);
    wire(l1, sb);
    wire(l2, sa1);
    wire(l2, sa2);
    route(sa1, "a", db);
    route(sa2, "a", db);
    route(sb, "b", db);
    dk_sim_t *s = build_and_run(4001);
    uint64_t na = created_of(s, "a"), nb = created_of(s, "b");
    /* users: a only to l1; b over {l1, sb} in turn. l1: a to l2, b to sb. */
    ck_assert_uint_eq(arrivals_of(s, "l1"), na + rr_share(nb, 2, 0));
    ck_assert_uint_eq(arrivals_of(s, "l2"), na);
    ck_assert_uint_eq(arrivals_of(s, "sa1"), rr_share(na, 2, 0));
    ck_assert_uint_eq(arrivals_of(s, "sa2"), rr_share(na, 2, 1));
    ck_assert_uint_eq(arrivals_of(s, "sb"), nb);
    dk_sim_free(s);
}
END_TEST

/* Backends that all take every class: exactly the round robin of old, class by class mixed. */
START_TEST(backends_taking_everything_keep_plain_round_robin)
{
    static const char *const cls[] = {"a", "b"};
    static const double w[] = {2, 1};
    dk_comp_t *u = client("users", cls, w, 2);
    dk_comp_t *lbc = add(K_BALANCER, "lb");
    dk_comp_t *db = add(K_DATABASE, "db");
    wire(u, lbc);
    char name[8];
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "s%d", i);
        dk_comp_t *c = add(K_SERVICE, name);
        wire(lbc, c);
        if (i == 1)
            route(c, "*", db);
        else if (i == 2)
            wire(c, db); /* no route: calls each link */
    }
    dk_sim_t *s = build_and_run(3001);
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "s%d", i);
        ck_assert_uint_eq(arrivals_of(s, name), rr_share(3001, 3, (uint64_t)i));
    }
    dk_sim_free(s);
}
END_TEST

/* Backends that each route every class by name: one rotation over all of them, as above. */
START_TEST(backends_routing_every_class_by_name_keep_plain_round_robin)
{
    static const char *const cls[] = {"a", "b"};
    static const double w[] = {1, 3};
    dk_comp_t *u = client("users", cls, w, 2);
    dk_comp_t *lbc = add(K_BALANCER, "lb");
    dk_comp_t *db = add(K_DATABASE, "db");
    wire(u, lbc);
    char name[8];
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "s%d", i);
        dk_comp_t *c = add(K_SERVICE, name);
        wire(lbc, c);
        route(c, "a", db);
        route(c, "b", db);
    }
    dk_sim_t *s = build_and_run(3002);
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "s%d", i);
        ck_assert_uint_eq(arrivals_of(s, name), rr_share(3002, 3, (uint64_t)i));
    }
    dk_sim_free(s);
}
END_TEST

START_TEST(a_class_nothing_routes_fails_at_run_time)
{
    static const char *const cls[] = {"a", "lost"};
    static const double w[] = {1, 1};
    dk_comp_t *u = client("users", cls, w, 2);
    dk_comp_t *lbc = add(K_BALANCER, "lb");
    dk_comp_t *s1 = add(K_SERVICE, "s1"), *s2 = add(K_SERVICE, "s2");
    dk_comp_t *db = add(K_DATABASE, "db");
    set_number(s1, "replicas", 2);
    wire(u, lbc);
    wire(lbc, s1);
    wire(lbc, s2);
    route(s1, "a", db);
    route(s2, "a", db);
    dk_sim_t *s = build_and_run(2000);
    uint32_t lost;
    ck_assert(dk_sim_class_find(s, "lost", &lost));
    ck_assert_uint_gt(created_of(s, "lost"), 0);
    ck_assert_uint_eq(dk_sim_class_stats(s, lost)->failed, created_of(s, "lost"));
    ck_assert_uint_eq(arrivals_of(s, "lb"), created_of(s, "a"));
    ck_assert_uint_eq(arrivals_of(s, "s1") + arrivals_of(s, "s2"), created_of(s, "a"));
    ck_assert_uint_eq(dk_actor_get_stats(dk_sim_find_actor(s, "users"))->failed,
                      created_of(s, "lost"));
    dk_sim_free(s);
}
END_TEST

/* ---- check ---- */

static dk_findings_t *findings;

static void check_model(void)
{
    dk_status s = DK_EINTERNAL;
    dk_findings_free(findings);
    findings = dk_model_validate(m, &s);
    ck_assert_ptr_nonnull(findings);
    ck_assert_int_eq(s, DK_OK);
}

static void check_teardown(void)
{
    dk_findings_free(findings);
    findings = NULL;
    model_teardown();
}

static size_t count_rule(const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < dk_findings_count(findings); i++)
        n += strcmp(dk_findings_at(findings, i)->rule, rule) == 0;
    return n;
}

static const dk_finding *find(const char *rule)
{
    for (size_t i = 0; i < dk_findings_count(findings); i++)
        if (strcmp(dk_findings_at(findings, i)->rule, rule) == 0)
            return dk_findings_at(findings, i);
    return NULL;
}

START_TEST(unrouted_class_is_an_error_naming_client_and_class)
{
    static const char *const cls[] = {"a", "lost"};
    static const double w[] = {1, 1};
    dk_comp_t *u = client("users", cls, w, 2);
    dk_comp_t *lbc = add(K_BALANCER, "lb");
    dk_comp_t *s1 = add(K_SERVICE, "s1"), *s2 = add(K_SERVICE, "s2");
    dk_comp_t *db = add(K_DATABASE, "db");
    set_number(lbc, "replicas", 2);
    set_number(s1, "replicas", 2);
    set_number(s2, "replicas", 2);
    set_number(db, "replicas", 2);
    wire(u, lbc);
    wire(lbc, s1);
    wire(lbc, s2);
    route(s1, "a", db);
    route(s2, "a", db);
    check_model();
    ck_assert_uint_eq(count_rule("unrouted-class"), 1);
    const dk_finding *x = find("unrouted-class");
    ck_assert_int_eq(x->severity, DK_SEV_ERROR);
    ck_assert_str_eq(x->component, "users");
    ck_assert_str_eq(x->message, "client \"users\" sends class \"lost\", which nothing it sends "
                                 "to has a route for: those requests would fail");
    ck_assert_ptr_nonnull(strstr(x->hint, "\"lost\""));
    ck_assert_uint_eq(dk_findings_errors(findings), 1);
    /* A route for it two balancers away is enough. */
    dk_comp_t *inner = add(K_BALANCER, "inner"), *s3 = add(K_SERVICE, "s3");
    set_number(inner, "replicas", 2);
    set_number(s3, "replicas", 2);
    wire(lbc, inner);
    wire(inner, s3);
    route(s3, "lost", db);
    check_model();
    ck_assert_uint_eq(count_rule("unrouted-class"), 0);
    ck_assert_uint_eq(dk_findings_errors(findings), 0);
}
END_TEST

START_TEST(star_routes_and_routeless_targets_take_every_class)
{
    static const char *const cls[] = {"a", "b"};
    static const double w[] = {1, 1};
    dk_comp_t *u = client("users", cls, w, 2), *v = client("others", cls, w, 2);
    dk_comp_t *s1 = add(K_SERVICE, "s1"), *s2 = add(K_SERVICE, "s2");
    dk_comp_t *db = add(K_DATABASE, "db");
    wire(u, s1);
    wire(v, s2);
    route(s1, "*", db);
    wire(s2, db); /* no routes: calls each link */
    check_model();
    ck_assert_uint_eq(count_rule("unrouted-class"), 0);
    /* s2 gets a route for a only: b from "others" has nowhere to go any more */
    route(s2, "a", db);
    check_model();
    ck_assert_uint_eq(count_rule("unrouted-class"), 1);
    ck_assert_str_eq(find("unrouted-class")->component, "others");
    ck_assert_ptr_nonnull(strstr(find("unrouted-class")->message, "class \"b\""));
}
END_TEST

/* A balancer with no backend is already an error of its own (no-route): not a second one. */
START_TEST(no_second_error_for_an_empty_balancer)
{
    static const char *const cls[] = {"a"};
    static const double w[] = {1};
    wire(client("users", cls, w, 1), add(K_BALANCER, "lb"));
    check_model();
    ck_assert_uint_eq(count_rule("unrouted-class"), 0);
    ck_assert_uint_eq(count_rule("no-route"), 1);
}
END_TEST

START_TEST(a_replicated_backend_is_not_a_single_backend)
{
    static const char *const cls[] = {"request"};
    static const double w[] = {1};
    dk_comp_t *lbc = add(K_BALANCER, "lb"), *api = add(K_SERVICE, "api");
    wire(client("users", cls, w, 1), lbc);
    wire(lbc, api);
    check_model();
    ck_assert_uint_eq(count_rule("single-backend"), 1);
    set_number(api, "replicas", 3);
    check_model();
    ck_assert_uint_eq(count_rule("single-backend"), 0);
    /* a database with replicas counts the same way; a queue has none: one instance */
    dk_comp_t *lb2 = add(K_BALANCER, "lb2"), *db = add(K_DATABASE, "db");
    set_number(db, "replicas", 2);
    wire(api, lb2);
    wire(lb2, db);
    dk_comp_t *lb3 = add(K_BALANCER, "lb3");
    wire(api, lb3);
    wire(lb3, add(K_QUEUE, "q"));
    check_model();
    ck_assert_uint_eq(count_rule("single-backend"), 1);
    ck_assert_str_eq(find("single-backend")->component, "lb3");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("class_routing");
    TCase *tc = tcase_create("who takes what");
    tcase_add_checked_fixture(tc, model_setup, model_teardown);
    tcase_add_test(tc, routes_say_what_a_component_takes);
    tcase_add_test(tc, balancers_behind_balancers_and_cycles);
    tcase_add_test(tc, random_models_match_the_definition);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("simulator");
    tcase_add_test(tc, route_class_refuses_bad_arguments);
    tcase_add_test(tc, client_round_robin_per_class);
    tcase_add_test(tc, classes_with_the_same_links_share_one_turn);
    tcase_add_test(tc, balancer_round_robin_per_set_of_backends);
    tcase_add_test(tc, other_algorithms_stay_inside_the_set);
    tcase_add_test(tc, a_fallback_for_the_classes_without_their_own);
    tcase_add_test(tc, a_class_with_no_links_fails_where_it_is);
    tcase_add_test(tc, a_closed_user_goes_on_after_a_class_with_no_links);
    suite_add_tcase(s, tc);
    tc = tcase_create("builder");
    tcase_add_checked_fixture(tc, model_setup, model_teardown);
    tcase_add_test(tc, each_service_receives_only_its_class);
    tcase_add_test(tc, overlapping_sets_split_exactly);
    tcase_add_test(tc, clients_and_nested_balancers_route_too);
    tcase_add_test(tc, backends_taking_everything_keep_plain_round_robin);
    tcase_add_test(tc, backends_routing_every_class_by_name_keep_plain_round_robin);
    tcase_add_test(tc, a_class_nothing_routes_fails_at_run_time);
    suite_add_tcase(s, tc);
    tc = tcase_create("check");
    tcase_add_checked_fixture(tc, model_setup, check_teardown);
    tcase_add_test(tc, unrouted_class_is_an_error_naming_client_and_class);
    tcase_add_test(tc, star_routes_and_routeless_targets_take_every_class);
    tcase_add_test(tc, no_second_error_for_an_empty_balancer);
    tcase_add_test(tc, a_replicated_backend_is_not_a_single_backend);
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
