/* atm_internal.h - what a machine (atm.c) asks of its bank (atm_bank.c). Every call takes the
 * bank's lock for its whole step, so a check and the change it allows are one step. */
#ifndef DK_ATM_INTERNAL_H
#define DK_ATM_INTERNAL_H

#include "designkit/atm.h"

/* An account. `card` and `pin` never change once it is opened, and an account is never moved
 * or closed while its bank lives: a machine may keep a pointer to it and read those two without
 * the lock. Every other field is read and written under the bank's lock only. */
typedef struct dk__atm_account {
    char *card;
    char pin[16];
    int64_t available, pending;
    int retained;
    int64_t day;       /* the day `withdrawn` counts */
    int64_t withdrawn; /* on that day */
} dk__atm_account;

/* One more reference to `b` (a machine made on it). */
void dk__atm_bank_retain(dk_atm_bank_t *b);

/* The account of `card`, or NULL; `*retained` receives whether the card is kept. */
dk__atm_account *dk__atm_bank_find(dk_atm_bank_t *b, const char *card, int *retained);
/* The card is kept from now on. */
void dk__atm_bank_keep_card(dk_atm_bank_t *b, dk__atm_account *ac);

/* Checks `amount` against what is left of the limit on `day` (`limit` 0: none; DK_ELIMIT) and
 * the available balance (DK_ERANGE); when `commit`, debits it and counts it on the day, in the
 * same step. */
dk_status dk__atm_bank_debit(dk_atm_bank_t *b, dk__atm_account *ac, int64_t amount, int64_t limit,
                             int64_t day, int commit, dk_error *err);
/* Undoes a committed debit of `amount` on `day`: a dispense that failed. */
void dk__atm_bank_refund(dk_atm_bank_t *b, dk__atm_account *ac, int64_t amount, int64_t day);
void dk__atm_bank_deposit(dk_atm_bank_t *b, dk__atm_account *ac, int64_t amount, int cheque);
/* Moves `amount` from `from` to `to` if `from` has it available (DK_ERANGE otherwise). */
dk_status dk__atm_bank_transfer(dk_atm_bank_t *b, dk__atm_account *from, dk__atm_account *to,
                                int64_t amount, dk_error *err);
void dk__atm_bank_balance(dk_atm_bank_t *b, const dk__atm_account *ac, int64_t *available,
                          int64_t *pending);

#endif
