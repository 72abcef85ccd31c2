/* model_json.h - the model as JSON and back (export/json_write.c, export/json_read.c). */
#ifndef DESIGNKIT_MODEL_JSON_H
#define DESIGNKIT_MODEL_JSON_H

#include <stddef.h>
#include "designkit/status.h"
#include "designkit/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the model as JSON (export/json_write.c, export/json_read.c) ---- */

#define DK_MODEL_SCHEMA_VERSION 1

/* Writes `m` as JSON text (pretty, deterministic: properties in schema order, only those set
 * explicitly). Custom routes cannot travel: each is left out and named in `omitted` (a newline-
 * separated list the caller frees with dk_free; NULL when nothing was left out, and `omitted`
 * itself may be NULL). *json is NUL-terminated and freed by the caller with dk_free. */
dk_status dk_model_to_json(const dk_model_t *m, char **json, char **omitted, dk_error *err);

/* Reads a model from JSON text. `source` names the input in messages ("design.json").
 * Malformed JSON: DK_EPARSE, "design.json:3:14: malformed JSON". A well-formed document with a
 * bad field: DK_EINVAL naming the path, "design.json: components[2] (cache \"redis\"): capacity
 * must be a positive integer (got -5)". Kind names are resolved through `lookup` (dk_kinds_find,
 * from designkit/kinds.h: the model layer knows no kind by name). Caller frees the model. */
dk_model_t *dk_model_from_json(const char *text, size_t len, const char *source,
                               dk_kind_lookup lookup, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif
