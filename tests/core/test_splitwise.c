/* areas: base lld */
/* test_splitwise.c - splits in minor units, the ledger and its event log, and debt
 * simplification against a brute-force minimum. */
#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/rng.h"
#include "designkit/splitwise.h"

/* ---- splits ---- */

START_TEST(splits_follow_the_remainder_rule)
{
    int64_t owed[4];
    static const int64_t pct[] = {3333, 3333, 3334};
    static const int64_t shares[] = {1, 2};
    static const int64_t exact[] = {250, 750};

    ck_assert_int_eq(dk_splitwise_split(1000, DK_SPLIT_EQUAL, NULL, 3, owed, NULL), DK_OK);
    ck_assert_int_eq(owed[0], 334); /* the leftover cent goes to the first listed */
    ck_assert_int_eq(owed[1], 333);
    ck_assert_int_eq(owed[2], 333);
    ck_assert_int_eq(dk_splitwise_split(100, DK_SPLIT_SHARES, shares, 2, owed, NULL), DK_OK);
    ck_assert_int_eq(owed[0], 33); /* 33.33 and 66.67: the larger fraction gets the cent */
    ck_assert_int_eq(owed[1], 67);
    ck_assert_int_eq(dk_splitwise_split(1001, DK_SPLIT_PERCENT, pct, 3, owed, NULL), DK_OK);
    ck_assert_int_eq(owed[0] + owed[1] + owed[2], 1001);
    ck_assert_int_eq(owed[0], 334); /* 333.63, 333.63, 333.73: 2 cents left over, to the */
    ck_assert_int_eq(owed[1], 333); /* largest fraction, then the first of the tied two */
    ck_assert_int_eq(owed[2], 334);
    ck_assert_int_eq(dk_splitwise_split(1000, DK_SPLIT_EXACT, exact, 2, owed, NULL), DK_OK);
    ck_assert_int_eq(owed[1], 750);
}
END_TEST

/* The largest-remainder method again, with a sort: who gets the leftover units is whoever has
 * the largest dropped fraction, ties to the first listed. */
typedef struct rem {
    int64_t rem;
    size_t i;
} rem;

static int rem_order(const void *a, const void *b)
{
    const rem *x = a, *y = b;
    if (x->rem != y->rem)
        return x->rem > y->rem ? -1 : 1;
    return x->i < y->i ? -1 : 1;
}

START_TEST(random_splits_match_a_sorting_reference)
{
    dk_rng_t rng;
    dk_rng_seed(&rng, 99);
    for (int round = 0; round < 3000; round++) {
        size_t n = 1 + dk_rng_below(&rng, 9);
        int64_t amount = 1 + (int64_t)dk_rng_below(&rng, 100000);
        int64_t w[9], owed[9], want[9], total = 0;
        rem r[9];
        dk_split split = (dk_split)(round % 2 == 0 ? DK_SPLIT_SHARES : DK_SPLIT_EQUAL);
        for (size_t i = 0; i < n; i++) {
            w[i] = split == DK_SPLIT_EQUAL ? 1 : 1 + (int64_t)dk_rng_below(&rng, 7);
            total += w[i];
        }
        ck_assert_int_eq(dk_splitwise_split(amount, split, w, n, owed, NULL), DK_OK);
        int64_t left = amount;
        for (size_t i = 0; i < n; i++) {
            want[i] = amount * w[i] / total;
            left -= want[i];
            r[i] = (rem){amount * w[i] % total, i};
        }
        qsort(r, n, sizeof *r, rem_order);
        for (int64_t k = 0; k < left; k++)
            want[r[k].i]++;
        for (size_t i = 0; i < n; i++)
            ck_assert_msg(owed[i] == want[i], "round %d: part %zu is %" PRId64 ", want %" PRId64,
                          round, i, owed[i], want[i]);
    }
}
END_TEST

static void split_refused(int64_t amount, dk_split split, const int64_t *v, size_t n,
                          dk_status want, const char *text)
{
    int64_t owed[8];
    dk_error err;
    ck_assert_int_eq(dk_splitwise_split(amount, split, v, n, owed, &err), want);
    ck_assert_msg(strstr(err.message, text) != NULL, "\"%s\" lacks \"%s\"", err.message, text);
}

START_TEST(bad_splits_are_refused)
{
    static const int64_t pct[] = {5000, 4950};
    static const int64_t zero[] = {1, 0};
    static const int64_t over[] = {600, 300};
    static const int64_t neg[] = {-10, 10010};
    split_refused(1000, DK_SPLIT_PERCENT, pct, 2, DK_EINVAL, "percentages sum to 99.50%, not 100%");
    split_refused(1000, DK_SPLIT_SHARES, zero, 2, DK_EINVAL,
                  "share of participant 2 must be a positive integer");
    split_refused(1000, DK_SPLIT_EXACT, over, 2, DK_EINVAL,
                  "exact amounts sum to 900, not the amount 1000");
    split_refused(1000, DK_SPLIT_PERCENT, neg, 2, DK_EINVAL,
                  "percent of participant 1 must be between 0 and 100 (got -0.10)");
    split_refused(0, DK_SPLIT_EQUAL, NULL, 2, DK_EINVAL, "amount must be a positive");
    split_refused(-5, DK_SPLIT_EQUAL, NULL, 2, DK_EINVAL, "(got -5)");
    split_refused(DK_SPLITWISE_MAX_AMOUNT + 1, DK_SPLIT_EQUAL, NULL, 2, DK_ERANGE, "up to");
    split_refused(10, DK_SPLIT_EQUAL, NULL, 0, DK_EINVAL, "at least one participant");
    split_refused(10, DK_SPLIT_SHARES, NULL, 2, DK_EINVAL, "one value per participant");
}
END_TEST

/* ---- simplification ---- */

/* Applies a plan to a copy of the balances: 1 when everyone ends square. */
static int settles(const int64_t *bal, size_t n, const dk_transfer *t, size_t count)
{
    int64_t b[32];
    memcpy(b, bal, n * sizeof *b);
    for (size_t i = 0; i < count; i++) {
        if (t[i].amount <= 0 || t[i].from >= n || t[i].to >= n || t[i].from == t[i].to)
            return 0;
        b[t[i].from] += t[i].amount;
        b[t[i].to] -= t[i].amount;
    }
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return 0;
    return 1;
}

/* The brute-force minimum: k non-zero balances need k - (most zero-sum blocks of a partition)
 * transfers; every set partition is tried (restricted growth strings). */
static int most_blocks(const int64_t *v, size_t k, size_t i, int64_t *sums, size_t nb)
{
    if (i == k) {
        for (size_t b = 0; b < nb; b++)
            if (sums[b] != 0)
                return -1;
        return (int)nb;
    }
    int best = -1;
    for (size_t b = 0; b <= nb; b++) {
        if (b == nb)
            sums[nb] = 0;
        sums[b] += v[i];
        int r = most_blocks(v, k, i + 1, sums, b == nb ? nb + 1 : nb);
        sums[b] -= v[i];
        if (r > best)
            best = r;
    }
    return best;
}

static size_t brute_minimum(const int64_t *bal, size_t n)
{
    int64_t v[32], sums[32];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (bal[i] != 0)
            v[k++] = bal[i];
    return k == 0 ? 0 : k - (size_t)most_blocks(v, k, 0, sums, 0);
}

START_TEST(the_published_example_needs_four_not_five)
{
    static const int64_t bal[] = {4, 3, -5, 3, -6, 1};
    dk_transfer t[6];
    size_t count;
    ck_assert_int_eq(dk_splitwise_simplify(bal, 6, DK_SIMPLIFY_EXACT, t, &count, NULL), DK_OK);
    ck_assert_uint_eq(count, 4);
    ck_assert(settles(bal, 6, t, count));
    ck_assert_uint_eq(brute_minimum(bal, 6), 4);
    ck_assert_int_eq(dk_splitwise_simplify(bal, 6, DK_SIMPLIFY_GREEDY, t, &count, NULL), DK_OK);
    ck_assert_uint_eq(count, 5);
    ck_assert(settles(bal, 6, t, count));
    /* greedy's first move: the largest debtor (e, -6) pays the largest creditor (a, +4) */
    ck_assert_uint_eq(t[0].from, 4);
    ck_assert_uint_eq(t[0].to, 0);
    ck_assert_int_eq(t[0].amount, 4);
}
END_TEST

START_TEST(random_balances_exact_is_minimal)
{
    dk_rng_t rng;
    dk_transfer t[32];
    dk_rng_seed(&rng, 2026);
    for (int round = 0; round < 1500; round++) {
        size_t n = 1 + dk_rng_below(&rng, 9);
        int64_t bal[32], sum = 0;
        for (size_t i = 0; i + 1 < n; i++) {
            /* small values so that zero-sum groups are common */
            bal[i] = (int64_t)dk_rng_below(&rng, 9) - 4;
            sum += bal[i];
        }
        bal[n - 1] = -sum;
        size_t k = 0, ce, cg;
        for (size_t i = 0; i < n; i++)
            k += bal[i] != 0;
        ck_assert_int_eq(dk_splitwise_simplify(bal, n, DK_SIMPLIFY_EXACT, t, &ce, NULL), DK_OK);
        ck_assert(settles(bal, n, t, ce));
        ck_assert_int_eq(dk_splitwise_simplify(bal, n, DK_SIMPLIFY_GREEDY, t, &cg, NULL), DK_OK);
        ck_assert(settles(bal, n, t, cg));
        ck_assert_uint_eq(ce, brute_minimum(bal, n));
        ck_assert_uint_le(ce, cg);
        ck_assert_uint_le(cg, k ? k - 1 : 0);
    }
}
END_TEST

START_TEST(bad_balances_are_refused)
{
    int64_t bal[21];
    dk_transfer t[21];
    size_t count;
    dk_error err;
    static const int64_t off[] = {5, -3};
    ck_assert_int_eq(dk_splitwise_simplify(off, 2, DK_SIMPLIFY_GREEDY, t, &count, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "balances sum to 2, not 0: someone's money is missing");
    for (int i = 0; i < 21; i++)
        bal[i] = i < 20 ? 1 : -20;
    ck_assert_int_eq(dk_splitwise_simplify(bal, 21, DK_SIMPLIFY_EXACT, t, &count, &err), DK_ELIMIT);
    ck_assert(strstr(err.message, "at most 20 non-zero balances (got 21)") != NULL);
    ck_assert_int_eq(dk_splitwise_simplify(bal, 21, DK_SIMPLIFY_GREEDY, t, &count, &err), DK_OK);
    ck_assert_uint_eq(count, 20);
    static const int64_t wraps[] = {INT64_MAX, INT64_MAX, 2};
    ck_assert_int_eq(dk_splitwise_simplify(wraps, 3, DK_SIMPLIFY_GREEDY, t, &count, &err),
                     DK_ERANGE);
    /* twenty balances is the exact limit, and it is fast */
    for (int i = 0; i < 20; i++)
        bal[i] = i < 10 ? i + 1 : -(i - 9);
    ck_assert_int_eq(dk_splitwise_simplify(bal, 20, DK_SIMPLIFY_EXACT, t, &count, &err), DK_OK);
    ck_assert_uint_eq(count, 10); /* ten pairs (+i, -i) */
}
END_TEST

/* ---- the ledger ---- */

static dk_ledger_t *people(size_t n)
{
    static const char *const names[] = {"ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"};
    dk_ledger_t *l = dk_ledger_new(NULL);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(dk_ledger_add_user(l, names[i], NULL), DK_OK);
    return l;
}

START_TEST(expenses_move_balances)
{
    dk_ledger_t *l = people(3);
    const char *all[] = {"ann", "bob", "cy"};
    const char *two[] = {"bob", "cy"};
    int64_t pct[] = {2500, 7500}, owed[3], bal[3];
    dk_expense e = {"ann", 1000, DK_SPLIT_EQUAL, NULL, 3, all, NULL, "dinner"};
    ck_assert_int_eq(dk_ledger_expense(l, &e, owed, NULL), DK_OK);
    e = (dk_expense){"bob", 400, DK_SPLIT_PERCENT, NULL, 2, two, pct, NULL};
    ck_assert_int_eq(dk_ledger_expense(l, &e, owed, NULL), DK_OK);
    ck_assert_int_eq(owed[1], 300);
    dk_ledger_balances(l, NULL, bal, NULL);
    ck_assert_int_eq(bal[0], 1000 - 334);
    ck_assert_int_eq(bal[1], -333 + 400 - 100);
    ck_assert_int_eq(bal[2], -333 - 300);
    ck_assert_int_eq(dk_ledger_settle(l, "cy", "ann", 633, NULL, NULL), DK_OK);
    dk_ledger_balances(l, NULL, bal, NULL);
    ck_assert_int_eq(bal[2], 0);
    ck_assert_int_eq(bal[0], 33);
    ck_assert_uint_eq(dk_ledger_event_count(l), 6);
    dk_ledger_event ev;
    ck_assert_int_eq(dk_ledger_event_at(l, 3, &ev), DK_OK);
    ck_assert_int_eq(ev.kind, DK_LEDGER_EXPENSE);
    ck_assert_str_eq(ev.name, "dinner");
    ck_assert_int_eq(ev.owed[0], 334);
    ck_assert_int_eq(dk_ledger_event_at(l, 6, &ev), DK_ERANGE);
    dk_ledger_free(l);
}
END_TEST

START_TEST(groups_keep_their_own_balances)
{
    dk_ledger_t *l = people(4);
    const char *trip[] = {"ann", "bob", "cy"};
    int64_t bal[4], owed[3];
    dk_transfer t[4];
    size_t count;
    ck_assert_int_eq(dk_ledger_add_group(l, "trip", trip, 3, NULL), DK_OK);
    dk_expense e = {"bob", 900, DK_SPLIT_EQUAL, "trip", 0, NULL, NULL, "fuel"};
    ck_assert_int_eq(dk_ledger_expense(l, &e, owed, NULL), DK_OK);
    ck_assert_int_eq(owed[2], 300);
    const char *pair[] = {"dee", "ann"};
    e = (dk_expense){"dee", 200, DK_SPLIT_EQUAL, NULL, 2, pair, NULL, NULL};
    ck_assert_int_eq(dk_ledger_expense(l, &e, NULL, NULL), DK_OK);
    ck_assert_int_eq(dk_ledger_balances(l, "trip", bal, NULL), DK_OK);
    ck_assert_int_eq(bal[0], -300); /* the pair's dinner is not the trip's */
    ck_assert_int_eq(bal[3], 0);
    ck_assert_int_eq(dk_ledger_settle_up(l, "trip", DK_SIMPLIFY_EXACT, t, &count, NULL), DK_OK);
    ck_assert_uint_eq(count, 2);
    dk_ledger_balances(l, "trip", bal, NULL);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(bal[i], 0);
    dk_ledger_balances(l, NULL, bal, NULL);
    ck_assert_int_eq(bal[0], -100); /* ann still owes dee for the dinner */
    ck_assert_int_eq(bal[3], 100);
    dk_ledger_free(l);
}
END_TEST

static void ledger_refuses(dk_status st, dk_error *err, dk_status want, const char *text)
{
    ck_assert_msg(st == want, "status %d, want %d (%s)", st, want, err->message);
    ck_assert_msg(strstr(err->message, text) != NULL, "\"%s\" lacks \"%s\"", err->message, text);
}

START_TEST(bad_ledger_input_is_refused_and_changes_nothing)
{
    dk_ledger_t *l = people(3);
    dk_error err;
    const char *ok[] = {"ann", "bob"};
    const char *unknown[] = {"ann", "zed"};
    const char *twice[] = {"ann", "ann"};
    int64_t zero[] = {1, 0}, pct[] = {5000, 4950};

    ledger_refuses(dk_ledger_add_user(l, "bob", &err), &err, DK_EEXIST,
                   "user \"bob\" already exists");
    ledger_refuses(dk_ledger_add_user(l, "", &err), &err, DK_EINVAL, "user name must be 1 to");
    dk_expense e = {"bobb", 100, DK_SPLIT_EQUAL, NULL, 2, ok, NULL, NULL};
    ledger_refuses(dk_ledger_expense(l, &e, NULL, &err), &err, DK_ENOTFOUND,
                   "expense: payer \"bobb\" is not a user; did you mean \"bob\"?");
    e.payer = "ann";
    e.users = unknown;
    ledger_refuses(dk_ledger_expense(l, &e, NULL, &err), &err, DK_ENOTFOUND,
                   "expense: participant \"zed\" is not a user");
    e.users = twice;
    ledger_refuses(dk_ledger_expense(l, &e, NULL, &err), &err, DK_EINVAL, "listed twice");
    e.users = ok;
    e.split = DK_SPLIT_SHARES;
    e.values = zero;
    ledger_refuses(dk_ledger_expense(l, &e, NULL, &err), &err, DK_EINVAL,
                   "expense: share of \"bob\" must be a positive integer");
    e.split = DK_SPLIT_PERCENT;
    e.values = pct;
    ledger_refuses(dk_ledger_expense(l, &e, NULL, &err), &err, DK_EINVAL,
                   "expense: percentages sum to 99.50%, not 100%");
    e.split = DK_SPLIT_EQUAL;
    e.amount = -3;
    ledger_refuses(dk_ledger_expense(l, &e, NULL, &err), &err, DK_EINVAL,
                   "expense: amount must be a positive");
    e.amount = 100;
    e.n = 0;
    ledger_refuses(dk_ledger_expense(l, &e, NULL, &err), &err, DK_EINVAL,
                   "needs participants (users) or a group");
    e.group = "tirp";
    ledger_refuses(dk_ledger_expense(l, &e, NULL, &err), &err, DK_ENOTFOUND,
                   "group \"tirp\" does not exist");
    const char *g[] = {"ann", "bob"};
    ck_assert_int_eq(dk_ledger_add_group(l, "trip", g, 2, NULL), DK_OK);
    ledger_refuses(dk_ledger_add_group(l, "x", unknown, 2, &err), &err, DK_ENOTFOUND,
                   "group \"x\": member \"zed\" is not a user");
    ledger_refuses(dk_ledger_add_group(l, "y", NULL, 0, &err), &err, DK_EINVAL,
                   "needs at least one member");
    const char *outsider[] = {"ann", "cy"};
    e = (dk_expense){"ann", 100, DK_SPLIT_EQUAL, "trip", 2, outsider, NULL, NULL};
    ledger_refuses(dk_ledger_expense(l, &e, NULL, &err), &err, DK_EINVAL,
                   "participant \"cy\" is not a member of group \"trip\"");
    ledger_refuses(dk_ledger_settle(l, "ann", "ann", 5, NULL, &err), &err, DK_EINVAL,
                   "cannot pay themselves");
    ledger_refuses(dk_ledger_settle(l, "ann", "bob", 0, NULL, &err), &err, DK_EINVAL,
                   "settle: amount must be a positive");
    ledger_refuses(dk_ledger_settle(l, "ann", "cy", 5, "trip", &err), &err, DK_EINVAL,
                   "\"cy\" is not a member of group \"trip\"");
    ledger_refuses(dk_ledger_settle(l, "ann", "zed", 5, NULL, &err), &err, DK_ENOTFOUND,
                   "settle: payee \"zed\" is not a user");
    /* nothing but the users and the group got in */
    ck_assert_uint_eq(dk_ledger_event_count(l), 4);
    int64_t bal[3];
    dk_ledger_balances(l, NULL, bal, NULL);
    ck_assert(bal[0] == 0 && bal[1] == 0 && bal[2] == 0);
    dk_ledger_free(l);
}
END_TEST

/* A random history on `n` people: expenses of every split and payments, each checked against
 * balances the test keeps itself; no operation creates or destroys money. */
START_TEST(random_histories_conserve_money)
{
    static const char *const names[] = {"ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"};
    dk_rng_t rng;
    dk_rng_seed(&rng, 7);
    for (int history = 0; history < 60; history++) {
        size_t n = 2 + dk_rng_below(&rng, 7);
        dk_ledger_t *l = people(n);
        int64_t mine[8] = {0}, bal[8], owed[8], values[8];
        for (int op = 0; op < 40; op++) {
            size_t payer = dk_rng_below(&rng, n);
            int64_t amount = 1 + (int64_t)dk_rng_below(&rng, 50000);
            if (dk_rng_below(&rng, 5) == 0) {
                size_t to = (payer + 1 + dk_rng_below(&rng, n - 1)) % n;
                ck_assert_int_eq(dk_ledger_settle(l, names[payer], names[to], amount, NULL, NULL),
                                 DK_OK);
                mine[payer] += amount;
                mine[to] -= amount;
            } else {
                size_t k = 1 + dk_rng_below(&rng, n), first = dk_rng_below(&rng, n);
                const char *who[8];
                dk_split split = (dk_split)dk_rng_below(&rng, 4);
                int64_t left = amount, pleft = 10000;
                for (size_t i = 0; i < k; i++) {
                    who[i] = names[(first + i) % n];
                    values[i] = 1 + (int64_t)dk_rng_below(&rng, 5);
                    if (split == DK_SPLIT_EXACT)
                        values[i] =
                            i + 1 < k ? (int64_t)dk_rng_below(&rng, (uint64_t)left + 1) : left;
                    if (split == DK_SPLIT_PERCENT)
                        values[i] =
                            i + 1 < k ? (int64_t)dk_rng_below(&rng, (uint64_t)pleft + 1) : pleft;
                    left -= split == DK_SPLIT_EXACT ? values[i] : 0;
                    pleft -= split == DK_SPLIT_PERCENT ? values[i] : 0;
                }
                dk_expense e = {names[payer], amount, split, NULL, k, who, values, NULL};
                dk_error err;
                ck_assert_msg(dk_ledger_expense(l, &e, owed, &err) == DK_OK, "%s", err.message);
                int64_t parts = 0;
                for (size_t i = 0; i < k; i++) {
                    parts += owed[i];
                    mine[(first + i) % n] -= owed[i];
                }
                ck_assert_int_eq(parts, amount); /* the split neither loses nor invents a cent */
                mine[payer] += amount;
            }
            dk_ledger_balances(l, NULL, bal, NULL);
            int64_t sum = 0;
            for (size_t i = 0; i < n; i++) {
                ck_assert_int_eq(bal[i], mine[i]);
                sum += bal[i];
            }
            ck_assert_int_eq(sum, 0);
        }
        /* the plans: exact <= greedy <= k - 1, both settle, exact is the brute minimum */
        dk_transfer t[8];
        size_t ce, cg, k = 0;
        for (size_t i = 0; i < n; i++)
            k += bal[i] != 0;
        ck_assert_int_eq(dk_splitwise_simplify(bal, n, DK_SIMPLIFY_GREEDY, t, &cg, NULL), DK_OK);
        ck_assert(settles(bal, n, t, cg));
        ck_assert_uint_eq(dk_splitwise_simplify(bal, n, DK_SIMPLIFY_EXACT, t, &ce, NULL), DK_OK);
        ck_assert(settles(bal, n, t, ce));
        ck_assert_uint_eq(ce, brute_minimum(bal, n));
        ck_assert_uint_le(ce, cg);
        ck_assert_uint_le(cg, k ? k - 1 : 0);
        /* the log replays to the same balances, at the end and half-way */
        dk_ledger_t *r = dk_ledger_replay(l, (size_t)-1, NULL);
        int64_t rb[8];
        dk_ledger_balances(r, NULL, rb, NULL);
        ck_assert(memcmp(rb, bal, n * sizeof *rb) == 0);
        ck_assert_uint_eq(dk_ledger_event_count(r), dk_ledger_event_count(l));
        dk_ledger_free(r);
        /* settling up leaves everyone square, with the exact plan's count of payments */
        size_t events = dk_ledger_event_count(l);
        ck_assert_int_eq(dk_ledger_settle_up(l, NULL, DK_SIMPLIFY_EXACT, t, &cg, NULL), DK_OK);
        ck_assert_uint_eq(cg, ce);
        ck_assert_uint_eq(dk_ledger_event_count(l), events + ce);
        dk_ledger_balances(l, NULL, bal, NULL);
        for (size_t i = 0; i < n; i++)
            ck_assert_int_eq(bal[i], 0);
        dk_ledger_free(l);
    }
}
END_TEST

START_TEST(replay_goes_back_in_time)
{
    dk_ledger_t *l = people(2);
    const char *both[] = {"ann", "bob"};
    dk_expense e = {"ann", 500, DK_SPLIT_EQUAL, NULL, 2, both, NULL, "lunch"};
    dk_ledger_expense(l, &e, NULL, NULL);
    dk_ledger_settle(l, "bob", "ann", 250, NULL, NULL);
    dk_ledger_t *r = dk_ledger_replay(l, 3, NULL);
    int64_t bal[2];
    dk_ledger_balances(r, NULL, bal, NULL);
    ck_assert_int_eq(bal[0], 250);
    ck_assert_uint_eq(dk_ledger_event_count(r), 3);
    dk_ledger_free(r);
    r = dk_ledger_replay(l, 0, NULL);
    ck_assert_uint_eq(dk_ledger_user_count(r), 0);
    dk_ledger_free(r);
    dk_ledger_free(l);
}
END_TEST

/* Every allocation of an expense failing in turn: DK_ENOMEM and the ledger untouched. */
START_TEST(out_of_memory_leaves_the_ledger_as_it_was)
{
    dk_ledger_t *l = people(3);
    const char *all[] = {"ann", "bob", "cy"};
    dk_expense e = {"ann", 1000, DK_SPLIT_EQUAL, NULL, 3, all, NULL, "dinner"};
    dk_error err;
    int64_t bal[3];
    for (long n = 0;; n++) {
        dk_alloc_fail_after(n);
        dk_status st = dk_ledger_expense(l, &e, NULL, &err);
        dk_alloc_fail_after(-1);
        if (st == DK_OK)
            break;
        ck_assert_int_eq(st, DK_ENOMEM);
        ck_assert_uint_eq(dk_ledger_event_count(l), 3);
        dk_ledger_balances(l, NULL, bal, NULL);
        ck_assert_int_eq(bal[0], 0);
        ck_assert_int_lt(n, 10);
    }
    for (long n = 0; n < 3; n++) {
        dk_alloc_fail_after(n);
        dk_ledger_t *r = dk_ledger_replay(l, 10, &err);
        dk_alloc_fail_after(-1);
        ck_assert_ptr_null(r);
        ck_assert_int_eq(err.status, DK_ENOMEM);
    }
    dk_transfer t[3];
    size_t count;
    dk_alloc_fail_after(0);
    ck_assert_int_eq(dk_ledger_settle_up(l, NULL, DK_SIMPLIFY_EXACT, t, &count, &err), DK_ENOMEM);
    dk_alloc_fail_after(-1);
    ck_assert_uint_eq(dk_ledger_event_count(l), 4);
    dk_ledger_free(l);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("splitwise");
    TCase *tc = tcase_create("splits");
    tcase_add_test(tc, splits_follow_the_remainder_rule);
    tcase_add_test(tc, random_splits_match_a_sorting_reference);
    tcase_add_test(tc, bad_splits_are_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("simplification");
    tcase_add_test(tc, the_published_example_needs_four_not_five);
    tcase_add_test(tc, random_balances_exact_is_minimal);
    tcase_add_test(tc, bad_balances_are_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("ledger");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, expenses_move_balances);
    tcase_add_test(tc, groups_keep_their_own_balances);
    tcase_add_test(tc, bad_ledger_input_is_refused_and_changes_nothing);
    tcase_add_test(tc, random_histories_conserve_money);
    tcase_add_test(tc, replay_goes_back_in_time);
    tcase_add_test(tc, out_of_memory_leaves_the_ledger_as_it_was);
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
