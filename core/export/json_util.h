/* json_util.h - private cJSON helpers shared by the model reader and writer and the report. */
#ifndef DK_EXPORT_JSON_UTIL_H
#define DK_EXPORT_JSON_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "designkit/model.h"
#include "designkit/rng.h"
#include "designkit/status.h"

/* Routes cJSON's allocations through dk_malloc/dk_free, so that out-of-memory injection covers
 * it and what cJSON_Print returns can be handed to callers who free with dk_free. Idempotent
 * and cheap: called at the top of every exported entry point. */
void dk__json_init(void);

/* After a cJSON parse returned NULL: 1 if that was for want of memory rather than bad text,
 * that is if an allocation was refused since the last dk__json_init (call it just before the
 * parse). cJSON reports both the same way, and blaming the text would send the user looking
 * for a syntax error that is not there. */
int dk__json_out_of_memory(void);

/* A distribution as {"kind":"exponential","params":[mean]}, or for empirical
 * {"kind":"empirical","values":[...],"weights":[...]}. NULL on out-of-memory. Caller deletes. */
cJSON *dk__json_from_dist(const dk_dist_t *d);

/* The inverse of dk__json_from_dist. NULL with `err` describing what is wrong, without any
 * location (the caller prefixes the path): DK_EINVAL for a bad shape or parameter, DK_ENOMEM.
 * Caller frees with dk_dist_free. */
dk_dist_t *dk__json_to_dist(const cJSON *j, dk_error *err);

/* Adds `item` to `obj` under `key`, taking ownership of it either way: cJSON copies the key,
 * which can run out of memory and would leave the item to leak. NULL `item` (a failed
 * constructor) and failure both return 0. */
int dk__json_attach(cJSON *obj, const char *key, cJSON *item);

/* Adds `v` as an exact integer: cJSON keeps numbers as doubles, which would round counts and
 * seeds above 2^53, so the decimal text is added raw. 0 on out-of-memory. */
int dk__json_add_u64(cJSON *obj, const char *key, uint64_t v);

/* The name of a JSON value's type for messages: "number", "string", "object", ... */
const char *dk__json_type_name(const cJSON *j);

/* Checks that every key of object `obj` is one of `valid` (NULL-terminated) and appears once.
 * DK_EINVAL with `err`: unknown key "nmae" (use name, kind, group, properties, routes). */
dk_status dk__json_check_keys(const cJSON *obj, const char *const *valid, dk_error *err);

/* json_link.c: the options of a link (designkit/model.h "link options") in a link object.
 * The keys a link object may hold, NULL-terminated in `keys` (room for `cap`): from, to,
 * latency, async, then the schema's top-level options and groups; returns their count. */
size_t dk__json_link_keys(const dk_kind *schema, const char **keys, size_t cap);
/* Adds the options set on `opts` to link object `o`. 0 on out-of-memory. */
int dk__json_link_write(cJSON *o, const dk_comp_t *opts);
/* Sets the options link object `jl` holds on link i of `m`. DK_EINVAL naming the option. */
dk_status dk__json_link_read(dk_model_t *m, size_t i, const cJSON *jl, const dk_kind *schema,
                             dk_error *e);

/* Length of the well-formed UTF-8 sequence at `p` (1 to 4 bytes, not past `end`), or 0 when
 * it is ill-formed. Shared by the generic JSON writer (which refuses bad text) and reader. */
size_t dk__json_utf8_len(const unsigned char *p, const unsigned char *end);

#endif
