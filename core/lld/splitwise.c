/* splitwise.c - the arithmetic of shared expenses: exact splits in minor units and debt
 * simplification (greedy and exact minimum). The ledger that uses them is ledger.c. */
#include "designkit/splitwise.h"
#include "splitwise_internal.h"

#include <inttypes.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/locale.h"
#include "designkit/heap.h"

/* ---- splits --------------------------------------------------------------------------- */

static const char *const split_names[] = {"equal", "exact", "percent", "shares", NULL};

const char *dk_split_name(dk_split split)
{
    return (unsigned)split <= DK_SPLIT_SHARES ? split_names[split] : "unknown";
}

dk_status dk_split_parse(const char *name, dk_split *split)
{
    for (int i = 0; name != NULL && split_names[i] != NULL; i++) {
        if (strcmp(name, split_names[i]) == 0) {
            *split = (dk_split)i;
            return DK_OK;
        }
    }
    return DK_ENOTFOUND;
}

/* Each participant's weight under `split`, checked: positive shares, percentages in 0..100%.
 * Writes nothing; `total` receives the sum of weights. */
static dk_status check_weights(dk_split split, const int64_t *values, size_t n, int64_t *total,
                               dk__participant_name name_of, const void *ctx, dk_error *err)
{
    int64_t sum = 0;
    char who[DK_SPLITWISE_MAX_NAME + 16];
    for (size_t i = 0; i < n; i++) {
        int64_t v = split == DK_SPLIT_EQUAL ? 1 : values[i];
        if (name_of != NULL)
            dk_snprintf(who, sizeof who, "\"%s\"", name_of(ctx, i));
        else
            dk_snprintf(who, sizeof who, "participant %zu", i + 1);
        if (split == DK_SPLIT_SHARES && (v < 1 || v > DK_SPLITWISE_MAX_SHARE))
            return dk_error_set(err, DK_EINVAL,
                                "share of %s must be a positive integer up to "
                                "%" PRId64 " (got %" PRId64 ")",
                                who, DK_SPLITWISE_MAX_SHARE, v);
        if (split == DK_SPLIT_PERCENT && (v < 0 || v > 10000)) {
            uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v; /* INT64_MIN has no -v */
            return dk_error_set(err, DK_EINVAL,
                                "percent of %s must be between 0 and 100 (got "
                                "%s%" PRIu64 ".%02" PRIu64 ")",
                                who, v < 0 ? "-" : "", a / 100, a % 100);
        }
        if (split == DK_SPLIT_EXACT && (v < 0 || v > DK_SPLITWISE_MAX_AMOUNT))
            return dk_error_set(err, DK_EINVAL,
                                "exact amount of %s must be between 0 and the "
                                "expense's amount (got %" PRId64 ")",
                                who, v);
        sum += v; /* each term is bounded above, so n * bound fits in 64 bits */
    }
    *total = sum;
    return DK_OK;
}

/*
 * dk_splitwise_split - see splitwise.h. EXACT copies the values once their sum is checked; the
 * others share by weight with the largest-remainder rule. The leftover is smaller than n, so
 * handing it out by repeated scans costs O(n x leftover) without any scratch memory: a
 * participant already given a unit is recognised by owed[i] exceeding its floor.
 */
dk_status dk_splitwise_split(int64_t amount, dk_split split, const int64_t *values, size_t n,
                             int64_t *owed, dk_error *err)
{
    return dk__splitwise_split(amount, split, values, n, owed, NULL, NULL, err);
}

dk_status dk__splitwise_split(int64_t amount, dk_split split, const int64_t *values, size_t n,
                              int64_t *owed, dk__participant_name name_of, const void *ctx,
                              dk_error *err)
{
    int64_t total = 0, given = 0;
    dk_status st;

    if (amount < 1 || amount > DK_SPLITWISE_MAX_AMOUNT)
        return dk_error_set(err, amount < 1 ? DK_EINVAL : DK_ERANGE,
                            "amount must be a positive number of minor units up to %" PRId64
                            " (got %" PRId64 ")",
                            DK_SPLITWISE_MAX_AMOUNT, amount);
    if (n == 0)
        return dk_error_set(err, DK_EINVAL, "needs at least one participant");
    if ((unsigned)split > DK_SPLIT_SHARES)
        return dk_error_set(err, DK_EINVAL, "unknown split %d", (int)split);
    if (split != DK_SPLIT_EQUAL && values == NULL)
        return dk_error_set(err, DK_EINVAL, "a %s split needs one value per participant",
                            dk_split_name(split));
    if ((st = check_weights(split, values, n, &total, name_of, ctx, err)) != DK_OK)
        return st;
    if (split == DK_SPLIT_EXACT) {
        if (total != amount)
            return dk_error_set(err, DK_EINVAL,
                                "exact amounts sum to %" PRId64 ", not the amount %" PRId64, total,
                                amount);
        memcpy(owed, values, n * sizeof *owed);
        return DK_OK;
    }
    if (split == DK_SPLIT_PERCENT && total != 10000)
        return dk_error_set(err, DK_EINVAL,
                            "percentages sum to %" PRId64 ".%02" PRId64 "%%, not 100%%",
                            total / 100, total % 100);
    for (size_t i = 0; i < n; i++) {
        int64_t w = split == DK_SPLIT_EQUAL ? 1 : values[i];
        owed[i] = amount * w / total;
        given += owed[i];
    }
    for (int64_t left = amount - given; left > 0; left--) {
        size_t best = n;
        int64_t best_rem = -1;
        for (size_t i = 0; i < n; i++) {
            int64_t w = split == DK_SPLIT_EQUAL ? 1 : values[i];
            int64_t rem = amount * w % total;
            if (owed[i] == amount * w / total && rem > best_rem) {
                best = i;
                best_rem = rem;
            }
        }
        owed[best]++;
    }
    return DK_OK;
}

/* ---- simplification --------------------------------------------------------------------- */

/* A balance waiting in one of the greedy's two heaps: its size and owner. */
typedef struct party {
    int64_t amount; /* > 0: what is still owed to, or by, the party */
    size_t who;
} party;

/* The larger amount first; ties to the lower index, so plans repeat exactly. */
static int party_before(const void *a, const void *b)
{
    const party *x = a, *y = b;
    if (x->amount != y->amount)
        return x->amount > y->amount ? -1 : 1;
    return x->who < y->who ? -1 : x->who > y->who;
}

/* Greedy over the parties listed in `who[k]` (indices into `bal`, summing to zero): the largest
 * debtor pays the largest creditor the smaller of the two amounts, which clears at least one of
 * them, so at most k - 1 transfers are appended to out[*count]. */
static dk_status greedy(const int64_t *bal, const size_t *who, size_t k, dk_transfer *out,
                        size_t *count)
{
    dk_status st = DK_OK;
    dk_heap_t *cred = dk_heap_new(sizeof(party), party_before, &st);
    dk_heap_t *debt = cred ? dk_heap_new(sizeof(party), party_before, &st) : NULL;
    if (debt == NULL || dk_heap_reserve(cred, k) != DK_OK || dk_heap_reserve(debt, k) != DK_OK) {
        dk_heap_free(cred);
        dk_heap_free(debt);
        return DK_ENOMEM;
    }
    for (size_t i = 0; i < k; i++) {
        party p = {bal[who[i]] < 0 ? -bal[who[i]] : bal[who[i]], who[i]};
        if (p.amount != 0)
            dk_heap_push(bal[who[i]] > 0 ? cred : debt, &p); /* reserved: cannot fail */
    }
    party c, d;
    while (dk_heap_pop(cred, &c) && dk_heap_pop(debt, &d)) {
        int64_t x = c.amount < d.amount ? c.amount : d.amount;
        out[(*count)++] = (dk_transfer){d.who, c.who, x};
        c.amount -= x;
        d.amount -= x;
        if (c.amount > 0)
            dk_heap_push(cred, &c);
        if (d.amount > 0)
            dk_heap_push(debt, &d);
    }
    dk_heap_free(cred);
    dk_heap_free(debt);
    return DK_OK;
}

/*
 * The exact minimum. A plan's transfers form a graph whose connected parts each sum to zero,
 * and a part of g people needs at least g - 1 transfers; so the fewest transfers is k minus the
 * largest number of disjoint zero-sum groups. best[mask] is that number for the subset `mask`
 * (a subset is peeled one person at a time, and counts a group whenever what remains sums to
 * zero), the classic O(2^k k) program. Walking back along the best choices splits the people
 * into the groups, and the greedy settles each group in g - 1 transfers.
 */
static dk_status exact(const int64_t *bal, const size_t *who, size_t k, dk_transfer *out,
                       size_t *count)
{
    size_t full = ((size_t)1 << k) - 1;
    uint8_t *best = dk_malloc(full + 1);
    int64_t *sum = dk_malloc((full + 1) * sizeof *sum);
    size_t group[DK_SPLITWISE_EXACT_MAX], g = 0;
    dk_status st = DK_OK;

    if (best == NULL || sum == NULL) {
        dk_free(best);
        dk_free(sum);
        return DK_ENOMEM;
    }
    best[0] = 0;
    sum[0] = 0;
    for (size_t mask = 1; mask <= full; mask++) {
        unsigned low = (unsigned)__builtin_ctzll((unsigned long long)mask);
        sum[mask] = sum[mask & (mask - 1)] + bal[who[low]];
        uint8_t b = 0;
        for (size_t rest = mask; rest; rest &= rest - 1) {
            size_t bit = rest & (~rest + 1);
            if (best[mask ^ bit] > b)
                b = best[mask ^ bit];
        }
        best[mask] = (uint8_t)(b + (sum[mask] == 0));
    }
    for (size_t mask = full; mask != 0 && st == DK_OK;) {
        uint8_t want = (uint8_t)(best[mask] - (sum[mask] == 0));
        size_t rest = mask;
        while (best[mask ^ (rest & (~rest + 1))] != want) /* some bit achieves the maximum */
            rest &= rest - 1;
        size_t bit = rest & (~rest + 1);
        group[g++] = who[__builtin_ctzll((unsigned long long)bit)];
        mask ^= bit;
        if (sum[mask] == 0) { /* what is left is whole groups: the peeled ones form one */
            st = greedy(bal, group, g, out, count);
            g = 0;
        }
    }
    dk_free(best);
    dk_free(sum);
    return st;
}

/*
 * dk_splitwise_simplify - see splitwise.h. The balances are checked to sum to zero (with the
 * overflow a sum of int64 can hit), the non-zero ones listed, and the chosen method appends its
 * transfers to `out`.
 */
dk_status dk_splitwise_simplify(const int64_t *balances, size_t n, dk_simplify_mode mode,
                                dk_transfer *out, size_t *count, dk_error *err)
{
    int64_t total = 0;
    size_t k = 0;
    size_t *who;
    dk_status st;

    *count = 0;
    for (size_t i = 0; i < n; i++) {
        if (__builtin_add_overflow(total, balances[i], &total) || balances[i] == INT64_MIN)
            return dk_error_set(err, DK_ERANGE, "balances: their sum overflows");
        k += balances[i] != 0;
    }
    if (total != 0)
        return dk_error_set(err, DK_EINVAL,
                            "balances sum to %" PRId64 ", not 0: someone's money is missing",
                            total);
    if (mode != DK_SIMPLIFY_GREEDY && mode != DK_SIMPLIFY_EXACT)
        return dk_error_set(err, DK_EINVAL, "unknown simplification mode %d", (int)mode);
    if (mode == DK_SIMPLIFY_EXACT && k > DK_SPLITWISE_EXACT_MAX)
        return dk_error_set(err, DK_ELIMIT,
                            "exact simplification handles at most %d non-zero balances (got "
                            "%zu): use the greedy plan (at most k - 1 transfers)",
                            DK_SPLITWISE_EXACT_MAX, k);
    if (mode == DK_SIMPLIFY_EXACT) {
        /* subset sums of up to 20 balances must not overflow */
        for (size_t i = 0; i < n; i++)
            if (balances[i] > INT64_MAX / 32 || balances[i] < -(INT64_MAX / 32))
                return dk_error_set(err, DK_ERANGE,
                                    "exact simplification: balance %zu is too large (%" PRId64 ")",
                                    i + 1, balances[i]);
    }
    if (k == 0)
        return DK_OK;
    if ((who = dk_malloc(k * sizeof *who)) == NULL)
        return dk_error_set(err, DK_ENOMEM, "simplify: out of memory");
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (balances[i] != 0)
            who[k++] = i;
    st = mode == DK_SIMPLIFY_EXACT ? exact(balances, who, k, out, count)
                                   : greedy(balances, who, k, out, count);
    dk_free(who);
    if (st != DK_OK) {
        *count = 0;
        return dk_error_set(err, st, "simplify: out of memory");
    }
    return DK_OK;
}
