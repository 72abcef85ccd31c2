/* atm.h - an automated teller machine: a card session run by the state machine engine, PIN
 * retries with card retention, accounts, withdrawals dispensed with the fewest notes the
 * cassettes allow, deposits with cheques pending until cleared, transfers, daily limits on an
 * injectable clock, injectable bank-link and dispenser failures, and an audit log. The accounts
 * live in a bank, which several machines, on several threads, may share.
 *
 * Threads: a dk_atm_bank_t is safe to use from any number of threads at once (one mutex guards
 * every account), so machines on several threads may share one. A dk_atm_t (a machine: its
 * session, cassettes, clock, injected failures and audit log) serves one customer at a time and
 * must be used by one thread at a time; its calls that only read or change the bank
 * (dk_atm_account, dk_atm_retained, dk_atm_account_add, dk_atm_clear) may come from any thread.
 * A withdrawal's check of the balance and the daily limit and its debit are one step under the
 * bank's lock, so concurrent sessions on one account never overdraw it nor pass its limit; a
 * transfer's check and move are one step too. */
#ifndef DESIGNKIT_ATM_H
#define DESIGNKIT_ATM_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/statemachine.h"
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DK_ATM_MAX_CASSETTES 8
/* The largest withdrawal, in steps of the notes' common divisor: the dispense plan is a table
 * of that many entries per cassette. */
#define DK_ATM_MAX_STEPS 200000
#define DK_ATM_DAY_NS (86400LL * 1000000000LL)

/* A cassette: notes of one `value` (in minor units), `count` of them. */
typedef struct dk_atm_cassette {
    int64_t value;
    int64_t count;
} dk_atm_cassette;

/* A bank: the accounts (see "Threads" above). */
typedef struct dk_atm_bank dk_atm_bank_t;

/* A machine as the caller describes it (borrowed: dk_atm_new copies it). */
typedef struct dk_atm_config {
    const dk_atm_cassette *cassettes; /* distinct values > 0, counts >= 0 */
    size_t ncassettes;                /* 1 .. DK_ATM_MAX_CASSETTES */
    int pin_attempts;                 /* wrong PINs before the card is retained; 0 means 3 */
    int64_t daily_limit;              /* most one card withdraws in a day; 0: no limit */
    dk_atm_bank_t *bank; /* the accounts, shared (the machine holds a reference); NULL: its own */
} dk_atm_config;

typedef struct dk_atm dk_atm_t;

/* ---- the bank: the accounts, shared by machines on any threads --------------------------- */

/* dk_atm_bank_new - a bank without accounts. The caller drops its reference with
 * dk_atm_bank_free; every machine made on it holds one more, so the bank lives until the last
 * of them is freed. NULL with DK_ENOMEM, or DK_EINTERNAL when no mutex can be made. */
dk_atm_bank_t *dk_atm_bank_new(dk_error *err);
void dk_atm_bank_free(dk_atm_bank_t *b); /* drops one reference; NULL is a no-op */
/* The bank a machine uses (its own when the configuration named none). Borrowed. */
dk_atm_bank_t *dk_atm_bank_of(const dk_atm_t *a);
/* As dk_atm_account_add, dk_atm_account, dk_atm_retained and dk_atm_clear, on the bank. */
dk_status dk_atm_bank_account_add(dk_atm_bank_t *b, const char *card, const char *pin,
                                  int64_t balance, dk_error *err);
dk_status dk_atm_bank_account(dk_atm_bank_t *b, const char *card, int64_t *available,
                              int64_t *pending, dk_error *err);
int dk_atm_bank_retained(dk_atm_bank_t *b, const char *card);
void dk_atm_bank_clear(dk_atm_bank_t *b);
/* The sum of every account's available and pending money: what the bank owes its customers
 * (the tests check it against what went in and came out). */
int64_t dk_atm_bank_total(dk_atm_bank_t *b);

/* The clock the daily limit reads, in ns; a day is [k * DK_ATM_DAY_NS, (k+1) * DK_ATM_DAY_NS). */
typedef int64_t (*dk_atm_clock_fn)(void *ud);

/*
 * dk_atm_new - a machine, idle, its virtual clock at 0. Caller frees with dk_atm_free. NULL with
 * `err` naming the field: no cassettes or too many, a value <= 0, two cassettes of one value, a
 * negative count, a negative limit or attempt count (DK_EINVAL); DK_ENOMEM.
 */
dk_atm_t *dk_atm_new(const dk_atm_config *cfg, dk_error *err);
void dk_atm_free(dk_atm_t *a); /* NULL is a no-op */

/* Opens account `card` (copied) in the machine's bank with `pin` (4 to 12 digits) and
 * `balance` >= 0; at any time, as another machine's session may be under way. DK_EEXIST for a
 * card in use, DK_EINVAL for a bad PIN or balance, DK_ENOMEM. */
dk_status dk_atm_account_add(dk_atm_t *a, const char *card, const char *pin, int64_t balance,
                             dk_error *err);
/* The account's available balance and its cheques not cleared yet, read by the bank (no
 * session, no link). DK_ENOTFOUND. */
dk_status dk_atm_account(const dk_atm_t *a, const char *card, int64_t *available, int64_t *pending,
                         dk_error *err);
/* 1 if the machine kept the card after too many wrong PINs. */
int dk_atm_retained(const dk_atm_t *a, const char *card);

/* ---- the session: each call needs a state and says which it is in otherwise (DK_ESTATE) --- */

/* The current state: "idle", "card_inserted", "pin", "menu", "transaction", "dispensing",
 * "ejecting". Borrowed. */
const char *dk_atm_state(const dk_atm_t *a);

/* idle -> pin. An unknown or retained card, or a bank link down, goes to "ejecting" with
 * DK_ENOTFOUND, DK_ELIMIT or DK_EIO. */
dk_status dk_atm_insert(dk_atm_t *a, const char *card, dk_error *err);
/* pin -> menu. A wrong PIN stays in "pin" (DK_EINVAL, with the attempts left); the last
 * allowed wrong PIN retains the card and ends the session in "idle" (DK_ELIMIT). */
dk_status dk_atm_enter_pin(dk_atm_t *a, const char *pin, dk_error *err);
/* menu -> transaction -> dispensing -> menu. Refused (back in "menu", nothing changed) for an
 * amount <= 0 (DK_EINVAL), not a multiple of the notes' common divisor (DK_EINVAL), over the
 * day's limit (DK_ELIMIT), over the balance (DK_ERANGE), that no combination of the notes in
 * stock makes (DK_ENOTFOUND), a link failure (DK_EIO). A dispenser failure
 * after the debit credits it back (DK_EIO). `notes[DK_ATM_MAX_CASSETTES]` (may be NULL)
 * receives the notes given per cassette, in the order of the configuration. */
dk_status dk_atm_withdraw(dk_atm_t *a, int64_t amount, int64_t *notes, dk_error *err);
/* menu: cash is available at once; a cheque (`cheque` != 0) is pending until dk_atm_clear. */
dk_status dk_atm_deposit(dk_atm_t *a, int64_t amount, int cheque, dk_error *err);
/* menu: moves `amount` of the available balance to account `to`. DK_ENOTFOUND, DK_ERANGE,
 * DK_EINVAL (to oneself, amount <= 0), DK_EIO. */
dk_status dk_atm_transfer(dk_atm_t *a, const char *to, int64_t amount, dk_error *err);
/* menu: the session account's balance, through the link (DK_EIO when it is down). */
dk_status dk_atm_balance(dk_atm_t *a, int64_t *available, int64_t *pending, dk_error *err);
/* card_inserted, pin or menu -> ejecting. */
dk_status dk_atm_cancel(dk_atm_t *a, dk_error *err);
/* ejecting -> idle: the customer took the card. */
dk_status dk_atm_take_card(dk_atm_t *a, dk_error *err);

/* ---- the operator and the bank ---------------------------------------------------------- */

/* Adds `count` notes of `value`: to its cassette, or a new one. Only while idle (DK_ESTATE);
 * DK_EINVAL for a value <= 0 or a count < 0, DK_EFULL past DK_ATM_MAX_CASSETTES. */
dk_status dk_atm_refill(dk_atm_t *a, int64_t value, int64_t count, dk_error *err);
/* The cassettes now: fills `out[0 .. cap)` and returns how many there are. */
size_t dk_atm_stock(const dk_atm_t *a, dk_atm_cassette *out, size_t cap);
/* The bank clears every pending cheque: they become available (in every account of the
 * machine's bank, logged on this machine). */
void dk_atm_clear(dk_atm_t *a);

/* The next `n` calls over the bank link fail (a link call: card check, balance, debit, credit,
 * transfer). The next `n` dispenses fail after the debit. */
void dk_atm_fail_link(dk_atm_t *a, int n);
void dk_atm_fail_dispense(dk_atm_t *a, int n);

/* The clock: `fn(ud)` when set (NULL: the machine's own, moved by dk_atm_advance). */
void dk_atm_set_clock(dk_atm_t *a, dk_atm_clock_fn fn, void *ud);
void dk_atm_advance(dk_atm_t *a, int64_t ns); /* ns < 0 is ignored */
int64_t dk_atm_now(const dk_atm_t *a);

/*
 * dk_atm_plan - the fewest notes that make `amount` from `stock[n]` (values distinct, > 0),
 * each cassette giving at most its count: `take[n]` receives how many of each. A bounded
 * coin-change dynamic programme over the amounts in steps of the values' common divisor,
 * O(n * steps) with a sliding-window minimum per cassette. DK_EINVAL for an amount <= 0 or not a
 * multiple of that divisor, DK_ERANGE past DK_ATM_MAX_STEPS, DK_ENOTFOUND when no combination
 * exists, DK_ENOMEM.
 */
dk_status dk_atm_plan(const dk_atm_cassette *stock, size_t n, int64_t amount, int64_t *take,
                      dk_error *err);

/*
 * dk_atm_session_def - the session machine every dk_atm_t runs (its seven states and the
 * events between them), sealed, for drawing and exporting (designkit/draw_sm.h,
 * statemachine_export.h) or test paths. A new definition the caller frees with
 * dk_sm_def_free; NULL with DK_ENOMEM.
 */
dk_sm_def_t *dk_atm_session_def(dk_error *err);

/* The audit log, one line per session event and operator action, oldest first
 * ("t=12 card 4000: withdraw 120: ok (50x2 20x1)"). Borrowed until the next call that logs. */
size_t dk_atm_audit_size(const dk_atm_t *a);
const char *dk_atm_audit_at(const dk_atm_t *a, size_t i); /* NULL out of range */

#ifdef __cplusplus
}
#endif
#endif
