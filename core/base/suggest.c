/* suggest.c - the nearest known name to a misspelt one, for "did you mean ...?" hints. */
#include "designkit/suggest.h"

#include <string.h>

/*
 * dk_edit_distance - optimal string alignment (Damerau-Levenshtein without repeated edits of a
 * substring), by dynamic programming over three rows on the stack: the names it compares are
 * flags and option keys, short by nature, so the cap keeps it allocation-free.
 */
size_t dk_edit_distance(const char *a, const char *b)
{
    size_t rows[3][DK_SUGGEST_MAX_LEN + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    size_t n, m, i, j;

    if (a == NULL || b == NULL)
        return (size_t)-1;
    n = strlen(a);
    m = strlen(b);
    if (n > DK_SUGGEST_MAX_LEN || m > DK_SUGGEST_MAX_LEN)
        return (size_t)-1;
    for (j = 0; j <= m; j++)
        prev[j] = j;
    for (i = 1; i <= n; i++) {
        cur[0] = i;
        for (j = 1; j <= m; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev[j] + 1; /* deletion */
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1; /* insertion */
            if (prev[j - 1] + cost < best)
                best = prev[j - 1] + cost; /* substitution or match */
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1; /* two neighbours swapped */
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

/* How far a name may be from the word and still be what was meant: one slip in a short word,
 * about one in three characters in a longer one. More than that and the "suggestion" is
 * usually some other name entirely, which misleads more than it helps. */
static size_t max_distance(const char *word)
{
    size_t n = strlen(word);
    if (n <= 4)
        return 1;
    return n <= 8 ? 2 : 3;
}

void dk_suggest_init(dk_suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->best_distance = (size_t)-1;
}

void dk_suggest_add(dk_suggest *s, const char *candidate)
{
    if (s->word == NULL || candidate == NULL)
        return;
    size_t d = dk_edit_distance(s->word, candidate);
    if (d < s->best_distance) { /* strict: ties keep the earlier candidate */
        s->best = candidate;
        s->best_distance = d;
    }
}

/*
 * dk_suggest_best - the nearest candidate if it is close enough (max_distance) and not the word
 * itself (a known word needs no suggestion) and not a rewrite of the whole word, else NULL.
 */
const char *dk_suggest_best(const dk_suggest *s)
{
    if (s->best == NULL || s->best_distance == 0 || s->best_distance > max_distance(s->word) ||
        s->best_distance >= strlen(s->word)) /* "x" is one edit from any one-letter name */
        return NULL;
    return s->best;
}

const char *dk_suggest_from(const char *word, const char *const *names)
{
    dk_suggest s;
    dk_suggest_init(&s, word);
    for (; names != NULL && *names != NULL; names++)
        dk_suggest_add(&s, *names);
    return dk_suggest_best(&s);
}
