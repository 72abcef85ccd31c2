/* areas: base patterns model sim export kinds */
/* test_json.c - the model as JSON: round trips, what is written, and every kind of bad input. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kinds_fixture.h"
#include "designkit/alloc.h"
#include "designkit/export.h"
#include "designkit/model.h"
#include "designkit/rng.h"

/* A design touching every part of the schema: nested groups, every kind, numbers, enums,
 * distributions (empirical too), a mix, links with and without latency, both built-in routes,
 * and expectations with and without a class. */
static dk_model_t *rich_model(void)
{
    dk_error err;
    dk_model_t *m = dk_model_new("url-shortener", &err);
    ck_assert_ptr_nonnull(m);
    dk_group_t *east = dk_model_add_group(m, NULL, "us-east", "region", &err);
    dk_group_t *zone = dk_model_add_group(m, east, "zone-a", "zone", &err);
    ck_assert_ptr_nonnull(zone);

    dk_comp_t *users = dk_model_add(m, NULL, K_CLIENT, "users", &err);
    dk_comp_t *lb = dk_model_add(m, east, K_BALANCER, "lb", &err);
    dk_comp_t *api = dk_model_add(m, zone, K_SERVICE, "api", &err);
    dk_comp_t *redis = dk_model_add(m, zone, K_CACHE, "redis", &err);
    dk_comp_t *db = dk_model_add(m, east, K_DATABASE, "urls", &err);
    dk_comp_t *q = dk_model_add(m, NULL, K_QUEUE, "events", &err);
    ck_assert_ptr_nonnull(q);

    const char *classes[] = {"resolve", "shorten"};
    const double weights[] = {0.99, 0.01};
    ck_assert_int_eq(dk_comp_set_number(users, "rate", 3500, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_mix(users, "mix", classes, weights, 2, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_dist(users, "keys", dk_dist_zipf(1000000, 0.99, NULL), &err),
                     DK_OK);
    ck_assert_int_eq(dk_comp_set_text(lb, "algorithm", "least_connections", &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_number(api, "replicas", 4, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_number(api, "workers", 32, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_dist(api, "time", dk_dist_exponential(2e6, NULL), &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_number(redis, "capacity", 200000, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_text(redis, "ttl", "1h", &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_number(db, "replicas", 2, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_text(db, "replication", "async", &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_dist(db, "lag", dk_dist_exponential(5e7, NULL), &err), DK_OK);
    const double vals[] = {1e6, 5e6, 2e7}, w[] = {0.7, 0.2, 0.1};
    ck_assert_int_eq(dk_comp_set_dist(q, "time", dk_dist_empirical(vals, w, 3, NULL), &err), DK_OK);

    dk_dist_t *one_ms = dk_dist_constant(1e6, NULL);
    ck_assert_int_eq(dk_model_link(m, users, lb, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, lb, api, one_ms, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, api, redis, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, api, db, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, api, q, NULL, &err), DK_OK);
    dk_dist_free(one_ms);

    dk_route r = {
        .cls = "resolve", .kind = DK_ROUTE_CACHE_ASIDE, .targets = {redis, db}, .ntargets = 2};
    ck_assert_msg(dk_comp_set_route(api, &r, &err) == DK_OK, "%s", err.message);
    dk_route r2 = {.cls = "shorten", .kind = DK_ROUTE_CALL, .targets = {db, q}, .ntargets = 2};
    ck_assert_msg(dk_comp_set_route(api, &r2, &err) == DK_OK, "%s", err.message);

    dk_expect e1 = {.metric = "p99", .cls = NULL, .limit = 5e7};
    dk_expect e2 = {.metric = "availability", .cls = "resolve", .limit = 0.999};
    ck_assert_int_eq(dk_model_expect(m, &e1, &err), DK_OK);
    ck_assert_int_eq(dk_model_expect(m, &e2, &err), DK_OK);
    return m;
}

static char *to_json(const dk_model_t *m)
{
    char *json = NULL;
    dk_error err;
    dk_status st = dk_model_to_json(m, &json, NULL, &err);
    ck_assert_msg(st == DK_OK, "to_json: %s", err.message);
    return json;
}

static dk_model_t *from_json(const char *text)
{
    dk_error err;
    dk_model_t *m = dk_model_from_json(text, strlen(text), "design.json", dk_kinds_find, &err);
    ck_assert_msg(m != NULL, "from_json: %s", err.message);
    return m;
}

/* Expects reading `text` to fail with `status` and exactly `message`. */
static void expect_error(const char *text, dk_status status, const char *message)
{
    dk_error err;
    dk_error_clear(&err);
    dk_model_t *m = dk_model_from_json(text, strlen(text), "design.json", dk_kinds_find, &err);
    ck_assert_ptr_null(m);
    ck_assert_str_eq(err.message, message);
    ck_assert_int_eq(err.status, status);
}

/* ---- round trips ---- */

START_TEST(round_trip_text_identical)
{
    dk_model_t *m = rich_model();
    char *a = to_json(m);
    dk_model_t *back = from_json(a);
    char *b = to_json(back);
    ck_assert_str_eq(a, b);
    dk_free(a);
    dk_free(b);
    dk_model_free(back);
    dk_model_free(m);
}
END_TEST

START_TEST(round_trip_preserves_everything)
{
    dk_model_t *m = rich_model();
    char *a = to_json(m);
    dk_model_t *b = from_json(a);

    ck_assert_str_eq(dk_model_name(b), "url-shortener");
    ck_assert_uint_eq(dk_model_group_count(b), 2);
    dk_group_t *zone = dk_model_find_group(b, "zone-a");
    ck_assert_ptr_nonnull(zone);
    ck_assert_str_eq(dk_group_kind(zone), "zone");
    ck_assert_str_eq(dk_group_name(dk_group_parent(zone)), "us-east");

    ck_assert_uint_eq(dk_model_comp_count(b), dk_model_comp_count(m));
    for (size_t i = 0; i < dk_model_comp_count(m); i++) {
        dk_comp_t *x = dk_model_comp(m, i), *y = dk_model_comp(b, i);
        size_t n = dk_comp_kind(x)->nprops;
        const dk_prop_info *info = dk_comp_kind(x)->props;
        ck_assert_str_eq(dk_comp_name(x), dk_comp_name(y));
        ck_assert_ptr_eq(dk_comp_kind(x), dk_comp_kind(y));
        for (size_t p = 0; p < n; p++) {
            const char *name = info[p].name;
            int prop = (int)p;
            ck_assert_int_eq(dk_comp_is_set(x, prop), dk_comp_is_set(y, prop));
            if (info[p].type == DK_PROP_DIST)
                ck_assert_msg(dk_dist_equal(dk_comp_dist(x, prop), dk_comp_dist(y, prop)),
                              "%s.%s differs", dk_comp_name(x), name);
            else if (info[p].type == DK_PROP_ENUM)
                ck_assert_str_eq(dk_comp_text(x, prop), dk_comp_text(y, prop));
            else if (info[p].type != DK_PROP_MIX)
                ck_assert_double_eq(dk_comp_number(x, prop), dk_comp_number(y, prop));
        }
    }
    dk_comp_t *users = dk_model_find(b, "users");
    ck_assert_uint_eq(dk_comp_mix_count(users, P(users, "mix")), 2);
    const char *cls;
    double weight;
    dk_comp_mix_at(users, P(users, "mix"), 1, &cls, &weight);
    ck_assert_str_eq(cls, "shorten");
    ck_assert_double_eq(weight, 0.01);
    ck_assert_double_eq(
        dk_comp_number(dk_model_find(b, "redis"), P(dk_model_find(b, "redis"), "ttl")), 3600e9);
    ck_assert_str_eq(dk_group_name(dk_comp_group(dk_model_find(b, "api"))), "zone-a");

    ck_assert_uint_eq(dk_model_link_count(b), 5);
    dk_comp_t *from, *to;
    const dk_dist_t *lat;
    dk_model_link_at(b, 1, &from, &to, &lat);
    ck_assert_str_eq(dk_comp_name(from), "lb");
    ck_assert_str_eq(dk_comp_name(to), "api");
    ck_assert_ptr_nonnull(lat);
    ck_assert_int_eq(dk_dist_kind_of(lat), DK_DIST_CONSTANT);
    ck_assert_double_eq(dk_dist_mean(lat), 1e6);
    dk_model_link_at(b, 0, &from, &to, &lat);
    ck_assert_ptr_null(lat);

    dk_comp_t *api = dk_model_find(b, "api");
    ck_assert_uint_eq(dk_comp_route_count(api), 2);
    const dk_route *r = dk_comp_route(api, 0);
    ck_assert_str_eq(r->cls, "resolve");
    ck_assert_int_eq(r->kind, DK_ROUTE_CACHE_ASIDE);
    ck_assert_uint_eq(r->ntargets, 2);
    ck_assert_str_eq(dk_comp_name(r->targets[0]), "redis");
    ck_assert_str_eq(dk_comp_name(r->targets[1]), "urls");
    r = dk_comp_route(api, 1);
    ck_assert_int_eq(r->kind, DK_ROUTE_CALL);
    ck_assert_str_eq(dk_comp_name(r->targets[1]), "events");

    ck_assert_uint_eq(dk_model_expect_count(b), 2);
    ck_assert_str_eq(dk_model_expect_at(b, 0)->metric, "p99");
    ck_assert_ptr_null(dk_model_expect_at(b, 0)->cls);
    ck_assert_double_eq(dk_model_expect_at(b, 0)->limit, 5e7);
    ck_assert_str_eq(dk_model_expect_at(b, 1)->cls, "resolve");
    ck_assert_double_eq(dk_model_expect_at(b, 1)->limit, 0.999);

    dk_free(a);
    dk_model_free(b);
    dk_model_free(m);
}
END_TEST

START_TEST(round_trip_empty_model)
{
    dk_model_t *m = dk_model_new("empty", NULL);
    char *a = to_json(m);
    dk_model_t *b = from_json(a);
    char *c = to_json(b);
    ck_assert_str_eq(a, c);
    ck_assert_uint_eq(dk_model_comp_count(b), 0);
    dk_free(a);
    dk_free(c);
    dk_model_free(b);
    dk_model_free(m);
}
END_TEST

/* ---- what is written ---- */

START_TEST(writes_only_explicit_properties_in_schema_order)
{
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *c = dk_model_add(m, NULL, K_CACHE, "redis", NULL);
    dk_model_add(m, NULL, K_SERVICE, "bare", NULL);
    /* set out of schema order: the output follows the schema (capacity before ttl) */
    ck_assert_int_eq(dk_comp_set_text(c, "ttl", "1s", NULL), DK_OK);
    ck_assert_int_eq(dk_comp_set_number(c, "capacity", 5, NULL), DK_OK);
    char *json = to_json(m);
    cJSON *root = cJSON_Parse(json);
    ck_assert_ptr_nonnull(root);
    ck_assert_str_eq(cJSON_GetObjectItem(root, "designkit")->valuestring, "model");
    ck_assert_int_eq(cJSON_GetObjectItem(root, "version")->valueint, DK_MODEL_SCHEMA_VERSION);
    cJSON *comps = cJSON_GetObjectItem(root, "components");
    cJSON *props = cJSON_GetObjectItem(cJSON_GetArrayItem(comps, 0), "properties");
    ck_assert_int_eq(cJSON_GetArraySize(props), 2);
    ck_assert_str_eq(props->child->string, "capacity");
    ck_assert_double_eq(props->child->valuedouble, 5);
    ck_assert_str_eq(props->child->next->string, "ttl");
    ck_assert_double_eq(props->child->next->valuedouble, 1e9);
    cJSON *bare = cJSON_GetArrayItem(comps, 1);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(bare, "properties")), 0);
    ck_assert_ptr_null(cJSON_GetObjectItem(bare, "group"));
    ck_assert_ptr_null(cJSON_GetObjectItem(bare, "routes"));
    cJSON_Delete(root);
    dk_free(json);
    dk_model_free(m);
}
END_TEST

START_TEST(writes_distributions_and_mix)
{
    dk_model_t *m = rich_model();
    char *json = to_json(m);
    ck_assert_ptr_nonnull(strstr(json, "\"kind\":\t\"exponential\""));
    ck_assert_ptr_nonnull(strstr(json, "\"params\":\t[2000000]"));
    ck_assert_ptr_nonnull(strstr(json, "\"values\":\t[1000000, 5000000, 20000000]"));
    ck_assert_ptr_nonnull(strstr(json, "\"weights\":\t[0.7, 0.2, 0.1]"));
    ck_assert_ptr_nonnull(strstr(json, "\"class\":\t\"resolve\",\n"));
    ck_assert_ptr_nonnull(strstr(json, "\"flow\":\t\"cache_aside\""));
    dk_free(json);
    dk_model_free(m);
}
END_TEST

static dk_flow_result never_step(void *data, dk_flow_ctx *ctx)
{
    (void)data;
    (void)ctx;
    return DK_FLOW_OK;
}

static const dk_flow_ops custom_ops = {"lua", never_step, NULL, NULL};

START_TEST(custom_routes_are_omitted_and_named)
{
    dk_model_t *m = rich_model();
    dk_comp_t *api = dk_model_find(m, "api");
    dk_route r = {.cls = "shorten",
                  .kind = DK_ROUTE_CUSTOM,
                  .label = "Lua handler at x.lua:12",
                  .ops = &custom_ops};
    dk_route r2 = {.cls = "delete", .kind = DK_ROUTE_CUSTOM, .ops = &custom_ops};
    dk_error err;
    ck_assert_msg(dk_comp_set_route(api, &r, &err) == DK_OK, "%s", err.message);
    ck_assert_msg(dk_comp_set_route(api, &r2, &err) == DK_OK, "%s", err.message);

    char *json = NULL, *omitted = NULL;
    ck_assert_int_eq(dk_model_to_json(m, &json, &omitted, &err), DK_OK);
    ck_assert_str_eq(omitted, "service \"api\": route \"shorten\" (Lua handler at x.lua:12)\n"
                              "service \"api\": route \"delete\" (custom flow)");
    ck_assert_ptr_null(strstr(json, "custom"));
    ck_assert_ptr_null(strstr(json, "Lua handler"));
    /* what remains still reads back */
    dk_model_t *b = from_json(json);
    ck_assert_uint_eq(dk_comp_route_count(dk_model_find(b, "api")), 1);
    dk_free(json);
    dk_free(omitted);
    /* NULL `omitted` is allowed */
    ck_assert_int_eq(dk_model_to_json(m, &json, NULL, &err), DK_OK);
    dk_free(json);
    dk_model_free(b);
    dk_model_free(m);
}
END_TEST

START_TEST(nothing_omitted_gives_null)
{
    dk_model_t *m = rich_model();
    char *json = NULL, *omitted = (char *)"sentinel";
    ck_assert_int_eq(dk_model_to_json(m, &json, &omitted, NULL), DK_OK);
    ck_assert_ptr_null(omitted);
    dk_free(json);
    dk_model_free(m);
}
END_TEST

START_TEST(reads_units_written_as_text)
{
    const char *text = "{\"designkit\":\"model\",\"version\":1,\"name\":\"m\",\"components\":["
                       "{\"name\":\"redis\",\"kind\":\"cache\",\"properties\":"
                       "{\"ttl\":\"2m\",\"capacity\":\"64\"}}]}";
    dk_model_t *m = from_json(text);
    dk_comp_t *c = dk_model_find(m, "redis");
    ck_assert_double_eq(dk_comp_number(c, P(c, "ttl")), 120e9);
    ck_assert_double_eq(dk_comp_number(c, P(c, "capacity")), 64);
    dk_model_free(m);
}
END_TEST

/* ---- malformed and foreign documents ---- */

START_TEST(malformed_json_gives_line_and_column)
{
    /* cJSON points at or just past the offending character; the line is what matters */
    const char *two_commas = "{\n  \"designkit\": \"model\",\n  \"version\": 1,,\n}";
    dk_error err;
    ck_assert_ptr_null(
        dk_model_from_json(two_commas, strlen(two_commas), "design.json", dk_kinds_find, &err));
    ck_assert_int_eq(err.status, DK_EPARSE);
    ck_assert_msg(strncmp(err.message, "design.json:3:1", 15) == 0, "%s", err.message);
    ck_assert_ptr_nonnull(strstr(err.message, ": malformed JSON"));
    expect_error("", DK_EPARSE, "design.json:1:1: malformed JSON");
    expect_error("{\"designkit\":\"model\"} x", DK_EPARSE, "design.json:1:23: malformed JSON");
    expect_error("[1, 2", DK_EPARSE, "design.json:1:5: malformed JSON");
}
END_TEST

START_TEST(foreign_documents_are_named)
{
    expect_error("[]", DK_EINVAL,
                 "design.json: not a designkit model (expected an object, got an array)");
    expect_error("{\"name\":\"x\"}", DK_EINVAL,
                 "design.json: not a designkit model (no \"designkit\": \"model\" member)");
    expect_error("{\"designkit\":\"report\",\"version\":1}", DK_EINVAL,
                 "design.json: not a designkit model (\"designkit\" is \"report\", expected "
                 "\"model\")");
    expect_error("{\"designkit\":\"model\",\"version\":2,\"name\":\"x\"}", DK_EINVAL,
                 "design.json: unsupported model version 2 (this designkit reads version 1)");
    expect_error("{\"designkit\":\"model\",\"name\":\"x\"}", DK_EINVAL,
                 "design.json: \"version\" must be a number (got nothing)");
    expect_error("{\"designkit\":\"model\",\"version\":1,\"name\":\"x\",\"extra\":1}", DK_EINVAL,
                 "design.json: unknown key \"extra\" (use designkit, version, name, groups, "
                 "components, links, expect)");
    expect_error("{\"designkit\":\"model\",\"version\":1}", DK_EINVAL,
                 "design.json: \"name\" must be a string (got nothing)");
}
END_TEST

START_TEST(null_arguments)
{
    dk_error err;
    ck_assert_ptr_null(dk_model_from_json(NULL, 0, "x.json", dk_kinds_find, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_int_eq(dk_model_to_json(NULL, NULL, NULL, &err), DK_EINVAL);
}
END_TEST

/* ---- bad fields, each named by its path ---- */

#define HEAD "{\"designkit\":\"model\",\"version\":1,\"name\":\"m\","

START_TEST(bad_property_value_names_the_path)
{
    expect_error(HEAD "\"components\":[{\"name\":\"a\",\"kind\":\"client\"},"
                      "{\"name\":\"b\",\"kind\":\"service\"},"
                      "{\"name\":\"redis\",\"kind\":\"cache\",\"properties\":{\"capacity\":-5}}]}",
                 DK_EINVAL,
                 "design.json: components[2] (cache \"redis\"): capacity must be a positive "
                 "integer (got -5)");
    expect_error(HEAD "\"components\":[{\"name\":\"api\",\"kind\":\"service\","
                      "\"properties\":{\"replicas\":true}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"api\"): replicas must be a number (got a "
                 "boolean)");
    expect_error(HEAD "\"components\":[{\"name\":\"lb\",\"kind\":\"balancer\","
                      "\"properties\":{\"algorithm\":5}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (balancer \"lb\"): algorithm must be a string (got a "
                 "number)");
}
END_TEST

START_TEST(unknown_keys_and_properties_list_the_valid_ones)
{
    expect_error(HEAD "\"components\":[{\"name\":\"x\",\"kind\":\"cache\",\"grup\":\"g\"}]}",
                 DK_EINVAL,
                 "design.json: components[0] (cache \"x\"): unknown key \"grup\"; did you mean "
                 "\"group\"? (use "
                 "name, kind, group, properties, routes)");
    expect_error(HEAD "\"components\":[{\"name\":\"api\",\"kind\":\"service\",\"replica\":2}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"api\"): unknown key \"replica\" (use "
                 "name, kind, group, properties, routes)");
    expect_error(HEAD "\"components\":[{\"name\":\"api\",\"kind\":\"service\","
                      "\"properties\":{\"replica\":2}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"api\"): unknown property \"replica\"; did "
                 "you mean \"replicas\"? (use replicas, workers, time, queue, dispatch, mode, "
                 "fail_from, fail_to, fail_rate, hang_at, hang_every, restart_time)");
    expect_error(HEAD "\"components\":[{\"name\":\"api\",\"kind\":\"service\","
                      "\"properties\":{\"zzzzzz\":2}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"api\"): unknown property \"zzzzzz\" (use "
                 "replicas, workers, time, queue, dispatch, mode, fail_from, fail_to, fail_rate, "
                 "hang_at, hang_every, restart_time)");
    expect_error(HEAD "\"components\":[{\"name\":\"api\",\"kind\":\"service\",\"name\":\"b\"}]}",
                 DK_EINVAL, "design.json: components[0] (service \"api\"): duplicate key \"name\"");
}
END_TEST

START_TEST(bad_component_shapes)
{
    expect_error(HEAD "\"components\":[5]}", DK_EINVAL,
                 "design.json: components[0]: must be an object (got a number)");
    expect_error(HEAD "\"components\":[{\"kind\":\"cache\"}]}", DK_EINVAL,
                 "design.json: components[0]: \"name\" must be a string (got nothing)");
    expect_error(HEAD "\"components\":[{\"name\":\"x\",\"kind\":\"cahce\"}]}", DK_EINVAL,
                 "design.json: components[0] (\"x\"): unknown component kind \"cahce\" (use "
                 "client, gateway, guard, balancer, service, cache, cdn, database, "
                 "sharded_database, queue, topic)");
    expect_error(HEAD "\"components\":[{\"name\":\"x\",\"kind\":\"cache\",\"group\":\"g\"}]}",
                 DK_EINVAL, "design.json: components[0] (cache \"x\"): unknown group \"g\"");
    /* A reference is shown escaped, one clean line, whatever bytes it holds. */
    expect_error(HEAD "\"components\":[{\"name\":\"x\",\"kind\":\"cache\",\"group\":"
                      "\"g\\u0001\\n\\\"\"}]}",
                 DK_EINVAL,
                 "design.json: components[0] (cache \"x\"): unknown group \"g\\x01\\x0a\\\"\"");
    expect_error(HEAD "\"components\":[{\"name\":\"x\",\"kind\":\"cache\"},"
                      "{\"name\":\"x\",\"kind\":\"cache\"}]}",
                 DK_EINVAL,
                 "design.json: components[1] (cache \"x\"): a component named \"x\" already "
                 "exists");
    expect_error(HEAD "\"components\":{}}", DK_EINVAL,
                 "design.json: \"components\" must be an array (got an object)");
}
END_TEST

START_TEST(bad_distributions)
{
    expect_error(HEAD "\"components\":[{\"name\":\"api\",\"kind\":\"service\",\"properties\":"
                      "{\"time\":{\"kind\":\"gamma\",\"params\":[1]}}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"api\"): time: unknown distribution kind "
                 "\"gamma\" (use constant, uniform, exponential, normal, lognormal, pareto, zipf, "
                 "empirical, mixture, hyperexponential)");
    expect_error(HEAD "\"components\":[{\"name\":\"api\",\"kind\":\"service\",\"properties\":"
                      "{\"time\":{\"kind\":\"exponential\",\"params\":[1, 2]}}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"api\"): time: exponential takes 1 "
                 "parameter (got 2)");
    expect_error(HEAD "\"components\":[{\"name\":\"api\",\"kind\":\"service\",\"properties\":"
                      "{\"time\":\"2ms\"}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"api\"): time: a distribution must be an "
                 "object like {\"kind\":\"exponential\",\"params\":[2000000]} (got a string)");
    expect_error(HEAD "\"components\":[{\"name\":\"q\",\"kind\":\"queue\",\"properties\":"
                      "{\"time\":{\"kind\":\"empirical\",\"values\":[1,2],\"weights\":[1]}}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (queue \"q\"): time: empirical: 1 weights for 2 "
                 "values");
    expect_error(HEAD "\"links\":[],\"components\":[{\"name\":\"api\",\"kind\":\"service\","
                      "\"properties\":{\"time\":{\"kind\":\"uniform\",\"params\":[1,\"x\"]}}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"api\"): time: params[1] must be a number "
                 "(got a string)");
}
END_TEST

START_TEST(bad_mix)
{
    expect_error(HEAD "\"components\":[{\"name\":\"u\",\"kind\":\"client\",\"properties\":"
                      "{\"mix\":[{\"class\":\"a\",\"weight\":\"x\"}]}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (client \"u\"): mix[0]: \"weight\" must be a number "
                 "(got a string)");
    expect_error(HEAD "\"components\":[{\"name\":\"u\",\"kind\":\"client\",\"properties\":"
                      "{\"mix\":{\"a\":1}}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (client \"u\"): mix must be an array of "
                 "{\"class\": ..., \"weight\": ...} (got an object)");
}
END_TEST

#define TWO                                                                                        \
    "\"components\":[{\"name\":\"a\",\"kind\":\"service\"},{\"name\":\"b\",\"kind\":"              \
    "\"database\"}],"

START_TEST(bad_links)
{
    expect_error(HEAD TWO "\"links\":[{\"from\":\"a\",\"to\":\"c\"}]}", DK_EINVAL,
                 "design.json: links[0] (\"a\" -> \"c\"): unknown component \"c\"");
    expect_error(HEAD TWO "\"links\":[{\"from\":\"a\"}]}", DK_EINVAL,
                 "design.json: links[0]: \"to\" must be a string (got nothing)");
    expect_error(HEAD TWO "\"links\":[{\"from\":\"a\",\"to\":\"b\",\"latency\":{\"kind\":"
                          "\"constant\",\"params\":[]}}]}",
                 DK_EINVAL,
                 "design.json: links[0] (\"a\" -> \"b\"): latency: constant takes 1 parameter "
                 "(got 0)");
    dk_error err;
    const char *dup = HEAD TWO "\"links\":[{\"from\":\"a\",\"to\":\"b\"},{\"from\":\"a\",\"to\":"
                               "\"b\"}]}";
    ck_assert_ptr_null(dk_model_from_json(dup, strlen(dup), "design.json", dk_kinds_find, &err));
    ck_assert_int_eq(err.status, DK_EINVAL); /* the model says EEXIST; a document says EINVAL */
    ck_assert_msg(strncmp(err.message, "design.json: links[1] (\"a\" -> \"b\"): ", 36) == 0, "%s",
                  err.message);
}
END_TEST

START_TEST(bad_routes)
{
    expect_error(HEAD "\"components\":[{\"name\":\"a\",\"kind\":\"service\",\"routes\":[{"
                      "\"class\":\"x\",\"flow\":\"call\",\"targets\":[\"zz\"]}]}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"a\"): routes[0]: unknown target \"zz\"");
    expect_error(HEAD "\"components\":[{\"name\":\"a\",\"kind\":\"service\",\"routes\":[{"
                      "\"class\":\"x\",\"flow\":\"custom\",\"targets\":[]}]}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"a\"): routes[0]: route \"x\": custom "
                 "flows (Lua handlers) cannot be read from JSON");
    expect_error(HEAD "\"components\":[{\"name\":\"a\",\"kind\":\"service\",\"routes\":[{"
                      "\"class\":\"x\",\"flow\":\"teleport\"}]}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"a\"): routes[0]: unknown flow "
                 "\"teleport\" (use cache_aside, call)");
    expect_error(HEAD "\"components\":[{\"name\":\"a\",\"kind\":\"service\",\"routes\":{}}]}",
                 DK_EINVAL,
                 "design.json: components[0] (service \"a\"): \"routes\" must be an array (got "
                 "an object)");
    /* a target listed after its service is fine: routes are read once every component exists */
    const char *later = HEAD "\"components\":[{\"name\":\"a\",\"kind\":\"service\",\"routes\":[{"
                             "\"class\":\"x\",\"flow\":\"call\",\"targets\":[\"b\"]}]},"
                             "{\"name\":\"b\",\"kind\":\"database\"}],"
                             "\"links\":[{\"from\":\"a\",\"to\":\"b\"}]}";
    dk_model_t *m = from_json(later);
    ck_assert_uint_eq(dk_comp_route_count(dk_model_find(m, "a")), 1);
    dk_model_free(m);
}
END_TEST

START_TEST(bad_groups_and_expectations)
{
    expect_error(HEAD "\"groups\":[{\"name\":\"z\",\"kind\":\"zone\",\"parent\":\"r\"}]}",
                 DK_EINVAL,
                 "design.json: groups[0] (group \"z\"): unknown parent \"r\" (a parent group is "
                 "listed before its children)");
    expect_error(HEAD "\"groups\":[{\"kind\":\"zone\"}]}", DK_EINVAL,
                 "design.json: groups[0]: \"name\" must be a string (got nothing)");
    expect_error(HEAD "\"expect\":[{\"metric\":\"p99\",\"limit\":\"fast\"}]}", DK_EINVAL,
                 "design.json: expect[0]: \"limit\" must be a number (got a string)");
    expect_error(HEAD "\"expect\":[{\"metric\":\"p99\",\"limit\":1,\"cls\":\"a\"}]}", DK_EINVAL,
                 "design.json: expect[0]: unknown key \"cls\" (use metric, class, limit)");
}
END_TEST

/* ---- out of memory: every failure point reports DK_ENOMEM and leaks nothing ---- */

START_TEST(out_of_memory_is_reported)
{
    dk_model_t *m = rich_model();
    char *good = to_json(m);
    int write_failed = 0, read_failed = 0;
    for (long n = 0; n < 2000; n++) {
        char *json = NULL;
        dk_error err;
        dk_alloc_fail_after(n);
        dk_status st = dk_model_to_json(m, &json, NULL, &err);
        dk_alloc_fail_after(-1);
        if (st == DK_OK) {
            ck_assert_str_eq(json, good);
            dk_free(json);
            break;
        }
        ck_assert_int_eq(st, DK_ENOMEM);
        ck_assert_ptr_null(json);
        write_failed++;
    }
    for (long n = 0; n < 5000; n++) {
        dk_error err;
        dk_alloc_fail_after(n);
        dk_model_t *b = dk_model_from_json(good, strlen(good), "x.json", dk_kinds_find, &err);
        dk_alloc_fail_after(-1);
        if (b != NULL) {
            dk_model_free(b);
            break;
        }
        ck_assert_msg(err.status == DK_ENOMEM, "n=%ld: %s", n, err.message);
        read_failed++;
    }
    ck_assert_int_gt(write_failed, 10);
    ck_assert_int_gt(read_failed, 10);
    dk_free(good);
    dk_model_free(m);
}
END_TEST

static Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("round trip");
    tcase_add_test(tc, round_trip_text_identical);
    tcase_add_test(tc, round_trip_preserves_everything);
    tcase_add_test(tc, round_trip_empty_model);
    suite_add_tcase(s, tc);

    tc = tcase_create("writing");
    tcase_add_test(tc, writes_only_explicit_properties_in_schema_order);
    tcase_add_test(tc, writes_distributions_and_mix);
    tcase_add_test(tc, custom_routes_are_omitted_and_named);
    tcase_add_test(tc, nothing_omitted_gives_null);
    suite_add_tcase(s, tc);

    tc = tcase_create("reading");
    tcase_add_test(tc, reads_units_written_as_text);
    suite_add_tcase(s, tc);

    tc = tcase_create("bad input");
    tcase_add_test(tc, malformed_json_gives_line_and_column);
    tcase_add_test(tc, foreign_documents_are_named);
    tcase_add_test(tc, null_arguments);
    tcase_add_test(tc, bad_property_value_names_the_path);
    tcase_add_test(tc, unknown_keys_and_properties_list_the_valid_ones);
    tcase_add_test(tc, bad_component_shapes);
    tcase_add_test(tc, bad_distributions);
    tcase_add_test(tc, bad_mix);
    tcase_add_test(tc, bad_links);
    tcase_add_test(tc, bad_routes);
    tcase_add_test(tc, bad_groups_and_expectations);
    suite_add_tcase(s, tc);

    tc = tcase_create("out of memory");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, out_of_memory_is_reported);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(json_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
