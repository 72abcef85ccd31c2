/* splitwise.h - shared expenses: a ledger of users, groups, expenses and payments kept as an
 * event log, and the simplification of debts into few transfers. */
#ifndef DESIGNKIT_SPLITWISE_H
#define DESIGNKIT_SPLITWISE_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Money is an integer count of minor units (cents): no rounding ever happens to a balance, so
 * the sum of all balances is exactly zero after every operation. The limits keep every product
 * the splits compute (amount x weight) inside 64 bits.
 */
#define DK_SPLITWISE_MAX_AMOUNT INT64_C(1000000000000) /* 10^12 minor units per expense */
#define DK_SPLITWISE_MAX_SHARE INT64_C(1000000)        /* a share weight, at most 10^6 */
#define DK_SPLITWISE_MAX_NAME 64                       /* bytes in a user or group name */
/* Exact simplification is a dynamic program over the 2^k subsets of the k non-zero balances. */
#define DK_SPLITWISE_EXACT_MAX 20

/* How an expense is divided among its participants. `values` (one per participant) mean:
 *   EQUAL    ignored (may be NULL): everyone weighs 1
 *   EXACT    each participant's amount; they must sum to the expense's amount
 *   PERCENT  hundredths of a percent (3333 is 33.33%), each >= 0, summing to 10000
 *   SHARES   positive integer weights (1 and 2: one third and two thirds)
 * Remainder rule (EQUAL, PERCENT, SHARES): each participant first owes floor(amount x w / W);
 * the minor units left over go one each to the participants with the largest dropped fractions,
 * ties to the one listed first (the largest-remainder method). So 1000 split equally among three
 * is 334, 333, 333, and the same call always gives the same cents. */
typedef enum dk_split {
    DK_SPLIT_EQUAL,
    DK_SPLIT_EXACT,
    DK_SPLIT_PERCENT,
    DK_SPLIT_SHARES
} dk_split;

const char *dk_split_name(dk_split split); /* "equal", "exact", "percent", "shares" */
/* Parses a name as dk_split_name writes it; DK_ENOTFOUND if it is none. */
dk_status dk_split_parse(const char *name, dk_split *split);

/*
 * dk_splitwise_split - divides `amount` (> 0, at most DK_SPLITWISE_MAX_AMOUNT) among `n` (>= 1)
 * participants by `split` and `values` (see dk_split), writing what each owes to `owed[n]`; the
 * owed amounts always sum to `amount`. Allocates nothing. Fails with DK_EINVAL or DK_ERANGE
 * and a message naming the participant by position ("percent of participant 2 must be ...")
 * when the values are not what the split needs; `owed` is then unspecified.
 */
dk_status dk_splitwise_split(int64_t amount, dk_split split, const int64_t *values, size_t n,
                             int64_t *owed, dk_error *err);

/* ---- simplification ----------------------------------------------------------------------- */

/* One payment of a plan: participant `from` pays `amount` (> 0) to participant `to` (indices
 * into the balances given). */
typedef struct dk_transfer {
    size_t from, to;
    int64_t amount;
} dk_transfer;

typedef enum dk_simplify_mode {
    /* Largest debtor pays largest creditor until all are square: O(k log k), at most k - 1
     * transfers for k non-zero balances (each transfer clears at least one of them). */
    DK_SIMPLIFY_GREEDY,
    /* The fewest transfers: k minus the largest number of disjoint zero-sum groups the
     * balances split into (each group of g people settles in g - 1 transfers and no plan does
     * better). O(2^k k) time and 2^k x 9 bytes: refused with DK_ELIMIT beyond
     * DK_SPLITWISE_EXACT_MAX non-zero balances. */
    DK_SIMPLIFY_EXACT
} dk_simplify_mode;

/*
 * dk_splitwise_simplify - a plan of transfers that brings every balance to zero. `balances[i]`
 * is what participant i is owed (> 0) or owes (< 0); they must sum to zero. `out` has room for
 * `n` transfers (a plan never needs more than n - 1); `*count` receives how many were written.
 * Ties (two equal balances) go to the lower index, so a plan is the same on every run. Fails
 * with DK_EINVAL when the balances do not sum to zero (or overflow), DK_ELIMIT (exact, too many
 * balances), DK_ENOMEM. Allocates its working space through designkit/alloc.h.
 */
dk_status dk_splitwise_simplify(const int64_t *balances, size_t n, dk_simplify_mode mode,
                                dk_transfer *out, size_t *count, dk_error *err);

/* ---- the ledger --------------------------------------------------------------------------- */

typedef struct dk_ledger dk_ledger_t;

/* An empty ledger the caller frees with dk_ledger_free. NULL with *status = DK_ENOMEM. */
dk_ledger_t *dk_ledger_new(dk_status *status);
void dk_ledger_free(dk_ledger_t *l); /* NULL is a no-op */

/* Every operation below either happens completely (and is appended to the event log) or fails
 * and leaves the ledger as it was, out-of-memory included. Names are copied. */

/* Adds a user. DK_EINVAL for an empty, over-long or NULL name; DK_EEXIST for a name taken. */
dk_status dk_ledger_add_user(dk_ledger_t *l, const char *name, dk_error *err);

/* Adds a group of `n` (>= 1) distinct existing users. DK_EEXIST when the group name is taken,
 * DK_ENOTFOUND for a member who is no user (the message suggests the nearest name). */
dk_status dk_ledger_add_group(dk_ledger_t *l, const char *name, const char *const *members,
                              size_t n, dk_error *err);

/* An expense as the caller describes it (all borrowed for the call). `group` may be NULL; when
 * it is given, the expense counts in that group's balances, every participant must be a member,
 * and n == 0 means "every member, in the group's order". */
typedef struct dk_expense {
    const char *payer;
    int64_t amount; /* minor units, 1 .. DK_SPLITWISE_MAX_AMOUNT */
    dk_split split;
    const char *group;
    size_t n;
    const char *const *users;
    const int64_t *values;   /* per participant, as dk_split says; NULL for EQUAL */
    const char *description; /* may be NULL */
} dk_expense;

/*
 * dk_ledger_expense - records an expense: the payer's balance rises by the amount and each
 * participant's falls by their part. `owed` (may be NULL) receives the parts, one per
 * participant in order (room for the group's size when n == 0). Errors name the field:
 * "expense: payer \"zed\" is not a user; did you mean \"zoe\"?", "expense: percentages sum to
 * 99.50%, not 100%", "expense: share of \"bob\" must be a positive integer (got 0)".
 * DK_ERANGE when a balance would leave the int64 range.
 */
dk_status dk_ledger_expense(dk_ledger_t *l, const dk_expense *e, int64_t *owed, dk_error *err);

/* Records a payment of `amount` (> 0) from `from` to `to` (distinct users; members of `group`
 * when it is not NULL): from's balance rises, to's falls. A payment may exceed the debt (the
 * balances then change sign), as a real one can. */
dk_status dk_ledger_settle(dk_ledger_t *l, const char *from, const char *to, int64_t amount,
                           const char *group, dk_error *err);

/* Settles everyone up: plans transfers that bring the balances (of `group`, or of the whole
 * ledger when NULL) to zero with dk_splitwise_simplify and records each as a payment, all or
 * none. `out` has room for dk_ledger_user_count(l) transfers (indices are users); `*count`
 * receives how many were recorded (0 when everyone is square). */
dk_status dk_ledger_settle_up(dk_ledger_t *l, const char *group, dk_simplify_mode mode,
                              dk_transfer *out, size_t *count, dk_error *err);

size_t dk_ledger_user_count(const dk_ledger_t *l);
const char *dk_ledger_user_name(const dk_ledger_t *l, size_t i); /* borrowed; NULL out of range */
size_t dk_ledger_group_count(const dk_ledger_t *l);
const char *dk_ledger_group_name(const dk_ledger_t *l, size_t i); /* borrowed; NULL out of range */

/* Writes every user's balance (> 0: is owed) to `out[user_count]`, counting the whole ledger
 * when `group` is NULL, else only that group's expenses and payments. DK_ENOTFOUND for an
 * unknown group. The balances always sum to zero. */
dk_status dk_ledger_balances(const dk_ledger_t *l, const char *group, int64_t *out, dk_error *err);

/* ---- the event log ---- */

typedef enum dk_ledger_event_kind {
    DK_LEDGER_USER,
    DK_LEDGER_GROUP,
    DK_LEDGER_EXPENSE,
    DK_LEDGER_SETTLE
} dk_ledger_event_kind;

/* One event as the log holds it; every pointer is borrowed from the ledger and valid until the
 * ledger is freed (events are never changed). Users and groups are indices. */
typedef struct dk_ledger_event {
    dk_ledger_event_kind kind;
    const char *name;      /* USER, GROUP: the name; EXPENSE: the description or NULL */
    size_t payer;          /* EXPENSE: the payer; SETTLE: who paid */
    size_t to;             /* SETTLE: who was paid */
    int64_t amount;        /* EXPENSE, SETTLE */
    dk_split split;        /* EXPENSE */
    long group;            /* EXPENSE, SETTLE: the group's index, or -1 */
    size_t n;              /* GROUP: members; EXPENSE: participants */
    const size_t *users;   /* GROUP: the members; EXPENSE: the participants */
    const int64_t *values; /* EXPENSE: as given (NULL for EQUAL) */
    const int64_t *owed;   /* EXPENSE: what each participant owes, as the split gave it */
} dk_ledger_event;

size_t dk_ledger_event_count(const dk_ledger_t *l);
/* Event `i` (in the order they happened) into `*ev`. DK_ERANGE when i is past the end. */
dk_status dk_ledger_event_at(const dk_ledger_t *l, size_t i, dk_ledger_event *ev);

/*
 * dk_ledger_replay - a new ledger made by applying the first `upto` events of `l` again, one
 * by one through the same functions (so a replay checks the log, not just copies it): the
 * ledger as it was after event `upto`. `upto` larger than the log means all of it. The caller
 * frees the result with dk_ledger_free; NULL with `err` set (DK_ENOMEM).
 */
dk_ledger_t *dk_ledger_replay(const dk_ledger_t *l, size_t upto, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif
