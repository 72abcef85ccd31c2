/* areas: base patterns model sim kinds */
/* test_validate.c - validation rules: each with a model that triggers it and one that does
 * not, the order of findings, and the fast rules (unreachable, spof, sync-cycle) against a
 * brute-force reference on many random models and on one of 10^5 components. */
#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/kinds.h"
#include "designkit/model.h"

static dk_model_t *m;
static dk_findings_t *f;

static void setup(void)
{
    m = dk_model_new("m", NULL);
    f = NULL;
}

static void teardown(void)
{
    dk_findings_free(f);
    dk_model_free(m);
}

/* Starts over with an empty model, for tests that go through many. */
static void fresh_model(void)
{
    teardown();
    setup();
}

/* The only place the tests make a component: `kind` by name ("client", "queue", ...). */
static dk_comp_t *add(const char *kind, const char *name)
{
    dk_error err;
    dk_comp_t *c = dk_model_add(m, NULL, dk_kinds_find(kind, NULL), name, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    return c;
}

static void wire(dk_comp_t *a, dk_comp_t *b)
{
    dk_error err;
    ck_assert_msg(dk_model_link(m, a, b, NULL, &err) == DK_OK, "%s", err.message);
}

static void replicas(dk_comp_t *c, double n)
{
    ck_assert_int_eq(dk_comp_set_number(c, "replicas", n, NULL), DK_OK);
}

static void validate(void)
{
    dk_status st = DK_EINTERNAL;
    dk_findings_free(f);
    f = dk_model_validate(m, &st);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(st, DK_OK);
}

/* The finding of `rule` on `comp` (NULL: model-wide), or NULL. */
static const dk_finding *find(const char *rule, const char *comp)
{
    for (size_t i = 0; i < dk_findings_count(f); i++) {
        const dk_finding *x = dk_findings_at(f, i);
        if (strcmp(x->rule, rule) != 0)
            continue;
        if (comp == NULL ? x->component == NULL
                         : x->component != NULL && strcmp(x->component, comp) == 0)
            return x;
    }
    return NULL;
}

static size_t count_rule(const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < dk_findings_count(f); i++)
        n += strcmp(dk_findings_at(f, i)->rule, rule) == 0;
    return n;
}

/* users -> lb -> {a, b} -> db, everything replicated: a clean baseline. */
static void clean_model(void)
{
    dk_comp_t *u = add("client", "users"), *lb = add("balancer", "lb");
    dk_comp_t *a = add("service", "a"), *b = add("service", "b");
    dk_comp_t *db = add("database", "db");
    replicas(lb, 2);
    replicas(db, 3);
    wire(u, lb);
    wire(lb, a);
    wire(lb, b);
    wire(a, db);
    wire(b, db);
}

START_TEST(clean_model_has_no_findings)
{
    clean_model();
    validate();
    ck_assert_uint_eq(dk_findings_count(f), 0);
    ck_assert_uint_eq(dk_findings_errors(f), 0);
    ck_assert_ptr_null(dk_findings_at(f, 0));
}
END_TEST

START_TEST(severity_names)
{
    ck_assert_str_eq(dk_severity_name(DK_SEV_INFO), "info");
    ck_assert_str_eq(dk_severity_name(DK_SEV_WARNING), "warning");
    ck_assert_str_eq(dk_severity_name(DK_SEV_ERROR), "error");
}
END_TEST

/* ---- no-client ---- */

START_TEST(no_client_warns)
{
    const dk_finding *x;
    dk_comp_t *api = add("service", "api");
    replicas(api, 2);
    validate();
    x = find("no-client", NULL);
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_WARNING);
    ck_assert_str_eq(x->message, "model \"m\" has no client: nothing sends requests");
    ck_assert_str_ne(x->hint, "");
    /* without clients, "unreachable" would flag everything: it stays quiet */
    ck_assert_uint_eq(count_rule("unreachable"), 0);
    ck_assert_uint_eq(dk_findings_count(f), 1);
}
END_TEST

START_TEST(empty_model_only_no_client)
{
    validate();
    ck_assert_uint_eq(dk_findings_count(f), 1);
    ck_assert_str_eq(dk_findings_at(f, 0)->rule, "no-client");
}
END_TEST

/* ---- unreachable ---- */

START_TEST(unreachable_component_warns)
{
    const dk_finding *x;
    clean_model();
    replicas(add("service", "orphan"), 2);
    validate();
    x = find("unreachable", "orphan");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_WARNING);
    ck_assert_str_eq(x->message, "service \"orphan\" is not reached by any client");
    ck_assert_uint_eq(count_rule("unreachable"), 1);
}
END_TEST

START_TEST(route_targets_count_as_reached)
{
    dk_route r;
    dk_comp_t *api, *cache, *db;
    dk_error err;

    clean_model();
    api = dk_model_find(m, "a");
    cache = add("cache", "redis");
    db = dk_model_find(m, "db");
    replicas(cache, 2);
    memset(&r, 0, sizeof r);
    r.cls = "request";
    r.kind = DK_ROUTE_CACHE_ASIDE;
    r.targets[0] = cache;
    r.targets[1] = db;
    r.ntargets = 2;
    ck_assert_msg(dk_comp_set_route(api, &r, &err) == DK_OK, "%s", err.message);
    validate();
    ck_assert_ptr_null(find("unreachable", "redis"));
    ck_assert_uint_eq(dk_findings_count(f), 0);
}
END_TEST

/* ---- no-route ---- */

START_TEST(client_without_link_is_an_error)
{
    const dk_finding *x;
    clean_model();
    add("client", "bots");
    validate();
    x = find("no-route", "bots");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_ERROR);
    ck_assert_str_eq(x->message, "client \"bots\" sends to nothing");
    ck_assert_uint_eq(dk_findings_errors(f), 1);
}
END_TEST

START_TEST(balancer_without_backend_is_an_error)
{
    const dk_finding *x;
    dk_comp_t *u = add("client", "users"), *lb = add("balancer", "lb");
    replicas(lb, 2);
    wire(u, lb);
    validate();
    x = find("no-route", "lb");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_ERROR);
    ck_assert_str_eq(x->message, "balancer \"lb\" has no backend");
    ck_assert_ptr_null(find("no-route", "users"));
}
END_TEST

START_TEST(route_for_unsent_class_warns)
{
    const dk_finding *x;
    dk_route r;
    dk_comp_t *a;
    const char *cls[] = {"resolve", "shorten"};
    const double w[] = {99, 1};

    clean_model();
    a = dk_model_find(m, "a");
    ck_assert_int_eq(dk_comp_set_mix(dk_model_find(m, "users"), "mix", cls, w, 2, NULL), DK_OK);
    memset(&r, 0, sizeof r);
    r.kind = DK_ROUTE_CALL;
    r.targets[0] = dk_model_find(m, "db");
    r.ntargets = 1;
    r.cls = "resolve"; /* sent: fine */
    ck_assert_int_eq(dk_comp_set_route(a, &r, NULL), DK_OK);
    r.cls = "*"; /* the default: fine */
    ck_assert_int_eq(dk_comp_set_route(a, &r, NULL), DK_OK);
    validate();
    ck_assert_uint_eq(dk_findings_count(f), 0);

    r.cls = "delete";
    ck_assert_int_eq(dk_comp_set_route(a, &r, NULL), DK_OK);
    validate();
    x = find("no-route", "a");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_WARNING);
    ck_assert_str_eq(x->message, "service \"a\": route \"delete\" is for a class no client sends");
    ck_assert_str_eq(x->hint, "clients send: resolve, shorten");
}
END_TEST

/* ---- spof ---- */

START_TEST(spof_single_service_on_every_path)
{
    const dk_finding *x;
    dk_comp_t *u = add("client", "users"), *api = add("service", "api");
    dk_comp_t *db = add("database", "db");
    replicas(db, 2);
    wire(u, api);
    wire(api, db);
    validate();
    x = find("spof", "api");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_WARNING);
    ck_assert_str_eq(x->message, "service \"api\" is a single point of failure: every path "
                                 "from client \"users\" goes through it");
    ck_assert_str_eq(x->hint, "add replicas = 2 or more, or a standby");
    ck_assert_uint_eq(count_rule("spof"), 1);

    replicas(api, 2); /* replicas remove it */
    validate();
    ck_assert_uint_eq(count_rule("spof"), 0);
}
END_TEST

START_TEST(spof_single_terminal_database)
{
    dk_comp_t *u = add("client", "users"), *api = add("service", "api");
    dk_comp_t *db = add("database", "db");
    replicas(api, 3);
    wire(u, api);
    wire(api, db);
    validate();
    ck_assert_ptr_nonnull(find("spof", "db"));
    ck_assert_uint_eq(count_rule("spof"), 1);
}
END_TEST

/* users -> lb -> {a, b} -> {c1, c2}: no single node is on every path. */
START_TEST(spof_diamond_has_none)
{
    dk_comp_t *u = add("client", "users"), *lb = add("balancer", "lb");
    dk_comp_t *a = add("service", "a"), *b = add("service", "b");
    dk_comp_t *c1 = add("database", "c1"), *c2 = add("database", "c2");
    replicas(lb, 2);
    wire(u, lb);
    wire(lb, a);
    wire(lb, b);
    wire(a, c1);
    wire(a, c2);
    wire(b, c1);
    wire(b, c2);
    validate();
    ck_assert_uint_eq(count_rule("spof"), 0);
    /* the single balancer, though, is */
    replicas(lb, 1);
    validate();
    ck_assert_ptr_nonnull(find("spof", "lb"));
    ck_assert_uint_eq(count_rule("spof"), 1);
}
END_TEST

/* A cache beside the database is not on every path: the database is still reachable. */
START_TEST(spof_side_branch_is_not)
{
    dk_comp_t *u = add("client", "users"), *api = add("service", "api");
    dk_comp_t *cache = add("cache", "redis"), *db = add("database", "db");
    replicas(api, 2);
    replicas(db, 2);
    wire(u, api);
    wire(api, cache);
    wire(api, db);
    validate();
    ck_assert_uint_eq(count_rule("spof"), 0);
}
END_TEST

/* Queues have no replicas to add: they are not flagged. */
START_TEST(spof_skips_queues)
{
    dk_comp_t *u = add("client", "users"), *q = add("queue", "jobs");
    dk_comp_t *w = add("service", "worker");
    replicas(w, 2);
    wire(u, q);
    wire(q, w);
    validate();
    ck_assert_uint_eq(count_rule("spof"), 0);
}
END_TEST

/* ---- sync-cycle ---- */

START_TEST(sync_cycle_through_links)
{
    const dk_finding *x;
    dk_comp_t *u = add("client", "users"), *api = add("service", "api");
    dk_comp_t *auth = add("service", "auth");
    replicas(api, 2);
    replicas(auth, 2);
    wire(u, api);
    wire(api, auth);
    wire(auth, api);
    validate();
    x = find("sync-cycle", "api");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_ERROR);
    ck_assert_str_eq(x->message, "synchronous call cycle: api -> auth -> api");
    ck_assert_uint_eq(count_rule("sync-cycle"), 1); /* one per cycle, not per member */
}
END_TEST

START_TEST(sync_cycle_longest_named_shortest)
{
    /* a -> b -> c -> a and a -> c: the shortest cycle through a is a -> c -> a */
    dk_comp_t *u = add("client", "u"), *a = add("service", "a");
    dk_comp_t *b = add("service", "b"), *c = add("service", "c");
    wire(u, a);
    wire(a, b);
    wire(b, c);
    wire(c, a);
    validate();
    ck_assert_str_eq(find("sync-cycle", "a")->message, "synchronous call cycle: a -> b -> c -> a");
    wire(a, c);
    validate();
    ck_assert_str_eq(find("sync-cycle", "a")->message, "synchronous call cycle: a -> c -> a");
    ck_assert_uint_eq(count_rule("sync-cycle"), 1);
}
END_TEST

START_TEST(sync_cycle_through_route_targets)
{
    dk_route r;
    dk_comp_t *u = add("client", "users"), *api = add("service", "api");
    dk_comp_t *auth = add("service", "auth");
    wire(u, api);
    wire(auth, api);
    memset(&r, 0, sizeof r);
    r.cls = "*";
    r.kind = DK_ROUTE_CALL;
    r.targets[0] = auth;
    r.ntargets = 1;
    ck_assert_int_eq(dk_comp_set_route(api, &r, NULL), DK_OK);
    validate();
    ck_assert_str_eq(find("sync-cycle", "api")->message,
                     "synchronous call cycle: api -> auth -> api");
    /* a route to itself is a cycle of one */
    r.targets[0] = api;
    ck_assert_int_eq(dk_comp_set_route(api, &r, NULL), DK_OK);
    validate();
    ck_assert_str_eq(find("sync-cycle", "api")->message, "synchronous call cycle: api -> api");
}
END_TEST

START_TEST(sync_cycle_broken_by_queue)
{
    dk_comp_t *u = add("client", "users"), *api = add("service", "api");
    dk_comp_t *q = add("queue", "events"), *w = add("service", "worker");
    wire(u, api);
    wire(api, q);
    wire(q, w);
    wire(w, api);
    validate();
    ck_assert_uint_eq(count_rule("sync-cycle"), 0);
}
END_TEST

/* ---- options: a kind's own check of values that cannot go together ---- */

START_TEST(options_reports_what_the_kind_refuses)
{
    dk_comp_t *u = add("client", "users"), *c = add("cache", "c");
    wire(u, c);
    ck_assert_int_eq(dk_comp_set_text(c, "policy", "arc", NULL), DK_OK);
    validate();
    ck_assert_uint_eq(count_rule("options"), 0); /* arc counting entries is sound */
    ck_assert_int_eq(dk_comp_set_number(c, "bytes", 1 << 20, NULL), DK_OK);
    validate();
    const dk_finding *x = find("options", "c");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_ERROR);
    ck_assert_msg(strstr(x->message, "cache \"c\": bytes: cache policy \"arc\" cannot hold sized "
                                     "entries") != NULL,
                  "%s", x->message);
    ck_assert_int_eq(dk_comp_set_text(c, "policy", "lru", NULL), DK_OK);
    validate();
    ck_assert_uint_eq(count_rule("options"), 0);
}
END_TEST

/* ---- single-backend ---- */

START_TEST(single_backend_warns)
{
    const dk_finding *x;
    dk_comp_t *u = add("client", "users"), *lb = add("balancer", "lb");
    dk_comp_t *a = add("service", "api");
    replicas(lb, 2);
    wire(u, lb);
    wire(lb, a);
    validate();
    x = find("single-backend", "lb");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_WARNING);
    ck_assert_str_eq(x->message, "balancer \"lb\" has only one backend (service \"api\")");
    /* One backend of two replicas is two instances, which the balancer spreads over. */
    replicas(a, 2);
    validate();
    ck_assert_uint_eq(count_rule("single-backend"), 0);
    ck_assert_uint_eq(dk_findings_count(f), 0);
    replicas(a, 1);
    validate();
    ck_assert_ptr_nonnull(find("single-backend", "lb"));
    replicas(a, 2);
    wire(lb, add("service", "api2"));
    replicas(dk_model_find(m, "api2"), 2);
    validate();
    ck_assert_uint_eq(count_rule("single-backend"), 0);
    ck_assert_uint_eq(dk_findings_count(f), 0);
}
END_TEST

/* ---- order ---- */

/* A model with findings of every rule, built the same way each time. */
static void messy_model(void)
{
    dk_comp_t *u = add("client", "users"), *lb = add("balancer", "lb");
    dk_comp_t *api = add("service", "api"), *auth = add("service", "auth");
    dk_comp_t *db = add("database", "db");
    add("client", "bots");
    add("cache", "orphan");
    add("balancer", "empty-lb");
    wire(u, lb);
    wire(lb, api);
    wire(api, auth);
    wire(auth, api);
    wire(api, db);
}

START_TEST(findings_sorted_errors_first_then_component)
{
    dk_severity prev_sev = DK_SEV_ERROR;
    size_t prev_idx = 0;

    messy_model();
    validate();
    ck_assert_uint_gt(dk_findings_count(f), 5);
    /* the cycle at api (2), bots sends nowhere (5), empty-lb has no backend (7) */
    ck_assert_uint_eq(dk_findings_errors(f), 3);
    ck_assert_str_eq(dk_findings_at(f, 0)->rule, "sync-cycle");
    ck_assert_str_eq(dk_findings_at(f, 1)->rule, "no-route");
    ck_assert_str_eq(dk_findings_at(f, 1)->component, "bots");
    ck_assert_str_eq(dk_findings_at(f, 2)->component, "empty-lb");
    ck_assert_int_eq(dk_findings_at(f, 3)->severity, DK_SEV_WARNING);
    for (size_t i = 0; i < dk_findings_count(f); i++) {
        const dk_finding *x = dk_findings_at(f, i);
        size_t idx = x->component ? dk_comp_index(dk_model_find(m, x->component)) + 1 : 0;
        ck_assert_int_le(x->severity, prev_sev);
        if (x->severity == prev_sev)
            ck_assert_uint_ge(idx, prev_idx);
        prev_sev = x->severity;
        prev_idx = idx;
    }
    /* empty-lb: no backend (error), unreachable (warning) */
    ck_assert_ptr_nonnull(find("no-route", "empty-lb"));
    ck_assert_ptr_nonnull(find("unreachable", "empty-lb"));
    ck_assert_ptr_nonnull(find("unreachable", "orphan"));
    ck_assert_ptr_nonnull(find("single-backend", "lb"));
    ck_assert_ptr_nonnull(find("spof", "lb"));
}
END_TEST

START_TEST(findings_deterministic)
{
    dk_findings_t *first;
    messy_model();
    validate();
    first = f;
    f = NULL;
    validate();
    ck_assert_uint_eq(dk_findings_count(first), dk_findings_count(f));
    for (size_t i = 0; i < dk_findings_count(f); i++) {
        const dk_finding *a = dk_findings_at(first, i), *b = dk_findings_at(f, i);
        ck_assert_str_eq(a->rule, b->rule);
        ck_assert_str_eq(a->message, b->message);
        ck_assert_str_eq(a->hint, b->hint);
        ck_assert_ptr_eq(a->component, b->component);
    }
    dk_findings_free(first);
}
END_TEST

START_TEST(validate_out_of_memory)
{
    int ok = 0;
    messy_model();
    for (long n = 0; n < 100 && !ok; n++) {
        dk_status st = DK_OK;
        dk_findings_t *g;
        dk_alloc_fail_after(n);
        g = dk_model_validate(m, &st);
        dk_alloc_fail_after(-1);
        if (g == NULL) {
            ck_assert_int_eq(st, DK_ENOMEM);
        } else {
            ok = 1;
            ck_assert_int_eq(st, DK_OK);
        }
        dk_findings_free(g);
    }
    ck_assert_int_eq(ok, 1);
}
END_TEST

/* ---- the reference: the quadratic rules as they were before dk_model_validate went linear,
 * kept here over the public API as the brute force the fast rules are checked against ---- */

/* The kind questions the reference asks, answered from the kind's descriptor. */
static int ref_is_client(const dk_comp_t *c)
{
    return dk_kind_has(dk_comp_kind(c), DK_TRAIT_ENTRY);
}

static int ref_is_queue(const dk_comp_t *c)
{
    return dk_kind_has(dk_comp_kind(c), DK_TRAIT_ASYNC);
}

static int ref_single_instance(const dk_comp_t *c)
{
    int id = dk_comp_kind(c)->replicas_prop;
    return !ref_is_client(c) && id >= 0 && dk_comp_number(c, id) == 1;
}

typedef struct ref_finding {
    const char *rule;
    const char *component;
    char message[256];
} ref_finding;

/* The model's call graph (links, then route targets) and the reference's findings. */
typedef struct ref {
    size_t n;
    dk_comp_t **comp;
    size_t *start, *adj;
    unsigned char *seen;
    size_t *queue, *parent;
    ref_finding *out;
    size_t nout;
} ref;

static void ref_init(ref *r)
{
    size_t e = 0;

    r->n = dk_model_comp_count(m);
    r->comp = calloc(r->n + 1, sizeof *r->comp);
    r->start = calloc(r->n + 1, sizeof *r->start);
    r->seen = calloc(r->n + 1, 1);
    r->queue = calloc(r->n + 1, sizeof *r->queue);
    r->parent = calloc(r->n + 1, sizeof *r->parent);
    r->out = calloc(3 * r->n + 1, sizeof *r->out); /* at most one per rule and component */
    r->nout = 0;
    ck_assert(r->comp && r->start && r->seen && r->queue && r->parent && r->out);
    for (size_t i = 0; i < r->n; i++) {
        dk_comp_t *c = r->comp[i] = dk_model_comp(m, i);
        r->start[i] = e;
        e += dk_comp_out_count(c);
        for (size_t k = 0; k < dk_comp_route_count(c); k++)
            e += dk_comp_route(c, k)->ntargets;
    }
    r->start[r->n] = e;
    r->adj = calloc(e + 1, sizeof *r->adj);
    ck_assert_ptr_nonnull(r->adj);
    e = 0;
    for (size_t i = 0; i < r->n; i++) {
        const dk_comp_t *c = r->comp[i];
        for (size_t k = 0; k < dk_comp_out_count(c); k++)
            r->adj[e++] = dk_comp_index(dk_comp_out(c, k));
        for (size_t k = 0; k < dk_comp_route_count(c); k++)
            for (size_t t = 0; t < dk_comp_route(c, k)->ntargets; t++)
                r->adj[e++] = dk_comp_index(dk_comp_route(c, k)->targets[t]);
    }
}

static void ref_free(ref *r)
{
    free(r->comp);
    free(r->start);
    free(r->adj);
    free(r->seen);
    free(r->queue);
    free(r->parent);
    free(r->out);
}

static void ref_add(ref *r, const char *rule, const dk_comp_t *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void ref_add(ref *r, const char *rule, const dk_comp_t *c, const char *fmt, ...)
{
    ref_finding *x = &r->out[r->nout++];
    va_list ap;

    x->rule = rule;
    x->component = dk_comp_name(c);
    va_start(ap, fmt);
    vsnprintf(x->message, sizeof x->message, fmt, ap);
    va_end(ap);
}

/* Breadth-first search from `from`, never entering `avoid` (SIZE_MAX: none) and, when
 * `skip_queues`, never following an edge into a queue; returns 1 as soon as an edge reaches
 * `target` (SIZE_MAX: none), with its parent recorded. */
static int ref_bfs(ref *r, size_t from, size_t avoid, int skip_queues, size_t target)
{
    size_t head = 0, tail = 0;

    memset(r->seen, 0, r->n);
    r->seen[from] = 1;
    r->queue[tail++] = from;
    while (head < tail) {
        size_t u = r->queue[head++];
        for (size_t k = r->start[u]; k < r->start[u + 1]; k++) {
            size_t v = r->adj[k];
            if (v == avoid || (skip_queues && ref_is_queue(r->comp[v])))
                continue;
            if (v == target) {
                r->parent[v] = u;
                return 1;
            }
            if (!r->seen[v]) {
                r->seen[v] = 1;
                r->parent[v] = u;
                r->queue[tail++] = v;
            }
        }
    }
    return 0;
}

/* unreachable: one search per client, their union. */
static void ref_unreachable(ref *r)
{
    size_t n = r->n, nclients = 0;
    unsigned char *reached = calloc(n + 1, 1);

    ck_assert_ptr_nonnull(reached);
    for (size_t i = 0; i < n; i++) {
        if (!ref_is_client(r->comp[i]))
            continue;
        nclients++;
        ref_bfs(r, i, SIZE_MAX, 0, SIZE_MAX);
        for (size_t j = 0; j < n; j++)
            reached[j] |= r->seen[j];
    }
    for (size_t i = 0; i < n && nclients > 0; i++)
        if (!reached[i])
            ref_add(r, "unreachable", r->comp[i], "%s \"%s\" is not reached by any client",
                    dk_kind_name(dk_comp_kind(r->comp[i])), dk_comp_name(r->comp[i]));
    free(reached);
}

/* spof: for each client and each single instance it reaches, a search without it, then a
 * look for any terminal still reached. */
static void ref_spof(ref *r)
{
    size_t n = r->n;
    unsigned char *reach = calloc(n + 1, 1), *flagged = calloc(n + 1, 1);
    size_t *client_of = calloc(n + 1, sizeof *client_of);

    ck_assert(reach && flagged && client_of);
    for (size_t c = 0; c < n; c++) {
        size_t nterm = 0;
        if (!ref_is_client(r->comp[c]))
            continue;
        ref_bfs(r, c, SIZE_MAX, 0, SIZE_MAX);
        memcpy(reach, r->seen, n);
        for (size_t t = 0; t < n; t++)
            if (reach[t] && t != c && r->start[t] == r->start[t + 1])
                nterm++;
        if (nterm == 0)
            continue;
        for (size_t s = 0; s < n; s++) {
            int cut = 1;
            if (s == c || !reach[s] || flagged[s] || !ref_single_instance(r->comp[s]))
                continue;
            ref_bfs(r, c, s, 0, SIZE_MAX);
            for (size_t t = 0; t < n && cut; t++)
                if (reach[t] && t != c && t != s && r->start[t] == r->start[t + 1] && r->seen[t])
                    cut = 0;
            if (cut) {
                flagged[s] = 1;
                client_of[s] = c;
            }
        }
    }
    for (size_t s = 0; s < n; s++)
        if (flagged[s])
            ref_add(r, "spof", r->comp[s],
                    "%s \"%s\" is a single point of failure: every path from client \"%s\" "
                    "goes through it",
                    dk_kind_name(dk_comp_kind(r->comp[s])), dk_comp_name(r->comp[s]),
                    dk_comp_name(r->comp[client_of[s]]));
    free(reach);
    free(flagged);
    free(client_of);
}

static void ref_append(char *buf, size_t size, size_t *len, const char *name)
{
    int k;

    if (*len >= size)
        return;
    k = snprintf(buf + *len, size - *len, "%s%s", *len > 0 ? " -> " : "", name);
    if (k < 0 || (size_t)k >= size - *len) {
        memcpy(buf + size - 4, "...", 4);
        *len = size;
        return;
    }
    *len += (size_t)k;
}

/* sync-cycle: a search from each component back to itself, then the set it belongs to marked
 * by a search from each member it reaches. */
static void ref_sync_cycle(ref *r)
{
    size_t n = r->n;
    unsigned char *done = calloc(n + 1, 1), *fwd = calloc(n + 1, 1);
    size_t *path = calloc(n + 1, sizeof *path);

    ck_assert(done && fwd && path);
    for (size_t v = 0; v < n; v++) {
        char text[200];
        size_t len = 0, np = 0, u;
        if (done[v] || ref_is_queue(r->comp[v]) || !ref_bfs(r, v, SIZE_MAX, 1, v))
            continue;
        for (u = r->parent[v]; u != v; u = r->parent[u])
            path[np++] = u;
        path[np++] = v;
        for (size_t k = np; k-- > 0;)
            ref_append(text, sizeof text, &len, dk_comp_name(r->comp[path[k]]));
        ref_append(text, sizeof text, &len, dk_comp_name(r->comp[v]));
        ref_add(r, "sync-cycle", r->comp[v], "synchronous call cycle: %s", text);
        ref_bfs(r, v, SIZE_MAX, 1, SIZE_MAX);
        memcpy(fwd, r->seen, n);
        for (u = 0; u < n; u++)
            if (fwd[u] && !done[u] && (u == v || ref_bfs(r, u, SIZE_MAX, 1, v)))
                done[u] = 1;
    }
    free(done);
    free(fwd);
    free(path);
}

/* Checks that the findings of `rule` in `f` are the reference's, in the same order. */
static void same_as_reference(const ref *r, const char *rule, unsigned long long seed)
{
    size_t k = 0, want = 0;

    for (size_t j = 0; j < r->nout; j++)
        want += strcmp(r->out[j].rule, rule) == 0;
    for (size_t i = 0; i < dk_findings_count(f); i++) {
        const dk_finding *x = dk_findings_at(f, i);
        const ref_finding *y;
        if (strcmp(x->rule, rule) != 0)
            continue;
        while (k < r->nout && strcmp(r->out[k].rule, rule) != 0)
            k++;
        ck_assert_msg(k < r->nout, "seed %llu: %s: extra finding on %s: %s", seed, rule,
                      x->component, x->message);
        y = &r->out[k++];
        ck_assert_msg(strcmp(x->component, y->component) == 0 &&
                          strcmp(x->message, y->message) == 0,
                      "seed %llu: %s: got %s: \"%s\", reference %s: \"%s\"", seed, rule,
                      x->component, x->message, y->component, y->message);
        want--;
    }
    ck_assert_msg(want == 0, "seed %llu: %s: %zu finding(s) of the reference missing", seed, rule,
                  want);
}

/* ---- random models ---- */

/* splitmix64: a small, seeded, well-mixed generator of our own. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static size_t below(uint64_t *state, size_t n)
{
    return (size_t)(next_random(state) % n);
}

/* A random model in `m` of 1 to `max_comps` components: a few clients, services, databases,
 * caches, balancers and queues, random replicas (1 or 2), links with a random density (only
 * forward, so without cycles, in half of them), and calls through routes, a service's route
 * now and then calling itself. Links and routes the model refuses (into a client) are
 * skipped. */
static void random_model(uint64_t seed, size_t max_comps)
{
    static const char *const kinds[] = {"balancer", "service",  "service",  "service",
                                        "cache",    "database", "database", "queue"};
    uint64_t st = seed;
    size_t n = 1 + below(&st, max_comps), density = 1 + below(&st, 4);
    int dag = (int)below(&st, 2), self = below(&st, 4) == 0;
    dk_comp_t *c[64];

    ck_assert_uint_le(n, 64);
    fresh_model();
    for (size_t i = 0; i < n; i++) {
        char name[16];
        int client = i == 0 ? below(&st, 10) != 0 : below(&st, 5) == 0;
        snprintf(name, sizeof name, "c%zu", i);
        c[i] = add(client ? "client" : kinds[below(&st, sizeof kinds / sizeof kinds[0])], name);
        if (dk_comp_kind(c[i])->replicas_prop >= 0 && below(&st, 3) == 0)
            replicas(c[i], 2);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = dag ? i + 1 : 0; j < n; j++)
            if (i != j && below(&st, 10) < density)
                dk_model_link(m, c[i], c[j], NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        dk_route r;
        if (!dk_kind_has(dk_comp_kind(c[i]), DK_TRAIT_ROUTES) || below(&st, 3) != 0)
            continue;
        memset(&r, 0, sizeof r);
        r.cls = "*";
        r.kind = DK_ROUTE_CALL;
        r.ntargets = 1 + below(&st, 3);
        for (size_t t = 0; t < r.ntargets; t++) {
            size_t j = below(&st, n);
            if (dag)
                j = self && below(&st, 4) == 0 ? i : i + 1 + below(&st, n - i);
            r.targets[t] = c[j < n ? j : i];
        }
        dk_comp_set_route(c[i], &r, NULL);
    }
}

/* Validates `seeds` random models of up to `max_comps` components, each against the
 * reference. */
static void against_reference(uint64_t first_seed, size_t seeds, size_t max_comps)
{
    for (uint64_t seed = first_seed; seed < first_seed + seeds; seed++) {
        ref r;
        random_model(seed, max_comps);
        validate();
        ref_init(&r);
        ref_unreachable(&r);
        ref_spof(&r);
        ref_sync_cycle(&r);
        same_as_reference(&r, "unreachable", (unsigned long long)seed);
        same_as_reference(&r, "spof", (unsigned long long)seed);
        same_as_reference(&r, "sync-cycle", (unsigned long long)seed);
        ref_free(&r);
    }
}

START_TEST(random_small_models_match_reference)
{
    against_reference(1, 4000, 8);
}
END_TEST

START_TEST(random_larger_models_match_reference)
{
    against_reference(100000, 1500, 24);
}
END_TEST

/* The reference finds something on most random models: the comparison above is not empty. */
START_TEST(random_models_have_findings)
{
    size_t spof = 0, cycles = 0;
    for (uint64_t seed = 1; seed <= 400; seed++) {
        random_model(seed, 12);
        validate();
        spof += count_rule("spof");
        cycles += count_rule("sync-cycle");
    }
    ck_assert_uint_gt(spof, 100);
    ck_assert_uint_gt(cycles, 50);
}
END_TEST

/* ---- a large model ---- */

/* 10^5 components: a chain of single services (each one a spof, the last one the only
 * terminal), a single balancer fanning out to services each with its own database (only the
 * balancer is a spof) and a long ring of replicated services (one cycle, through all of
 * them). The quadratic rules took some 17 s on this; the test asks no time, only that it
 * completes and finds what it should. */
START_TEST(large_model_completes)
{
    enum { CHAIN = 40000, FAN = 20000, RING = 20000 };
    static char name[32];
    dk_comp_t *prev, *lb, *first;
    const dk_finding *x;

    prev = add("client", "chain-users");
    for (int i = 0; i < CHAIN; i++) {
        dk_comp_t *c;
        snprintf(name, sizeof name, "chain%d", i);
        c = add("service", name);
        wire(prev, c);
        prev = c;
    }
    lb = add("balancer", "lb");
    wire(add("client", "fan-users"), lb);
    for (int i = 0; i < FAN; i++) {
        dk_comp_t *s, *d;
        snprintf(name, sizeof name, "svc%d", i);
        s = add("service", name);
        snprintf(name, sizeof name, "db%d", i);
        d = add("database", name);
        wire(lb, s);
        wire(s, d);
    }
    prev = add("client", "ring-users");
    first = NULL;
    for (int i = 0; i < RING; i++) {
        dk_comp_t *c;
        snprintf(name, sizeof name, "ring%d", i);
        c = add("service", name);
        replicas(c, 2);
        wire(prev, c);
        prev = c;
        if (first == NULL)
            first = c;
    }
    wire(prev, first);
    replicas(add("database", "ring-db"), 2);
    wire(prev, dk_model_find(m, "ring-db"));
    ck_assert_uint_ge(dk_model_comp_count(m), 100000);

    validate();
    ck_assert_uint_eq(count_rule("spof"), CHAIN + 1);
    ck_assert_uint_eq(count_rule("sync-cycle"), 1);
    ck_assert_uint_eq(dk_findings_count(f), CHAIN + 2);
    x = find("spof", "chain0");
    ck_assert_ptr_nonnull(x);
    ck_assert_str_eq(x->message, "service \"chain0\" is a single point of failure: every path "
                                 "from client \"chain-users\" goes through it");
    ck_assert_ptr_nonnull(find("spof", "chain39999"));
    ck_assert_ptr_nonnull(find("spof", "lb"));
    x = find("sync-cycle", "ring0");
    ck_assert_ptr_nonnull(x);
    ck_assert_msg(strncmp(x->message, "synchronous call cycle: ring0 -> ring1 -> ring2 -> ", 51) ==
                      0,
                  "%s", x->message);
    ck_assert_str_eq(x->message + strlen(x->message) - 3, "...");
}
END_TEST

static Suite *validate_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("baseline");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, clean_model_has_no_findings);
    tcase_add_test(tc, severity_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("no-client");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, no_client_warns);
    tcase_add_test(tc, empty_model_only_no_client);
    suite_add_tcase(s, tc);
    tc = tcase_create("unreachable");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, unreachable_component_warns);
    tcase_add_test(tc, route_targets_count_as_reached);
    suite_add_tcase(s, tc);
    tc = tcase_create("no-route");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, client_without_link_is_an_error);
    tcase_add_test(tc, balancer_without_backend_is_an_error);
    tcase_add_test(tc, route_for_unsent_class_warns);
    suite_add_tcase(s, tc);
    tc = tcase_create("spof");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, spof_single_service_on_every_path);
    tcase_add_test(tc, spof_single_terminal_database);
    tcase_add_test(tc, spof_diamond_has_none);
    tcase_add_test(tc, spof_side_branch_is_not);
    tcase_add_test(tc, spof_skips_queues);
    suite_add_tcase(s, tc);
    tc = tcase_create("sync-cycle");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, sync_cycle_through_links);
    tcase_add_test(tc, sync_cycle_longest_named_shortest);
    tcase_add_test(tc, sync_cycle_through_route_targets);
    tcase_add_test(tc, sync_cycle_broken_by_queue);
    suite_add_tcase(s, tc);
    tc = tcase_create("single-backend");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, single_backend_warns);
    tcase_add_test(tc, options_reports_what_the_kind_refuses);
    suite_add_tcase(s, tc);
    tc = tcase_create("order");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, findings_sorted_errors_first_then_component);
    tcase_add_test(tc, findings_deterministic);
    tcase_add_test(tc, validate_out_of_memory);
    suite_add_tcase(s, tc);
    tc = tcase_create("reference");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120); /* generous for sanitizers and valgrind; no timing is asserted */
    tcase_add_test(tc, random_small_models_match_reference);
    tcase_add_test(tc, random_larger_models_match_reference);
    tcase_add_test(tc, random_models_have_findings);
    tcase_add_test(tc, large_model_completes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(validate_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
