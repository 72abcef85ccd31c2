/* suggest.h - "did you mean ...?": the nearest known name to a misspelt one. */
#ifndef DESIGNKIT_SUGGEST_H
#define DESIGNKIT_SUGGEST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Names longer than this are never compared (no suggestion is offered for them). */
#define DK_SUGGEST_MAX_LEN 63

/* The optimal-string-alignment distance between `a` and `b`: insertions, deletions,
 * substitutions and swaps of two neighbouring characters each count 1, so "fro" is 1 from
 * "for". Case matters. Returns (size_t)-1 when either is NULL or longer than
 * DK_SUGGEST_MAX_LEN. */
size_t dk_edit_distance(const char *a, const char *b);

/* A search for the known name nearest to `word`, fed one candidate at a time, so that callers
 * can walk whatever holds their names (a NULL-terminated list, a schema, a Lua table):
 *
 *     dk_suggest s;
 *     dk_suggest_init(&s, word);
 *     for (...) dk_suggest_add(&s, name);
 *     const char *best = dk_suggest_best(&s);   // NULL: nothing close enough
 *
 * Nothing is allocated; the names are borrowed and must outlive the search. */
typedef struct dk_suggest {
    const char *word;
    const char *best;
    size_t best_distance;
} dk_suggest;

void dk_suggest_init(dk_suggest *s, const char *word);
void dk_suggest_add(dk_suggest *s, const char *candidate);
/* The nearest candidate, or NULL when none is close enough to be what was meant (see
 * suggest.c for the threshold). Ties go to the candidate added first. */
const char *dk_suggest_best(const dk_suggest *s);

/* One call for a NULL-terminated list of names. */
const char *dk_suggest_from(const char *word, const char *const *names);

#ifdef __cplusplus
}
#endif
#endif
