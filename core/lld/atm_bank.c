/* atm_bank.c - the ATM's bank: the accounts, shared by machines on any threads under one mutex. */
#include <pthread.h>
#include <string.h>

#include "atm_internal.h"
#include "designkit/alloc.h"

/* One mutex for every account: a transfer touches two accounts, and one lock needs no lock
 * order; an ATM's step (a few comparisons and additions) is far shorter than its session, so
 * the lock is never what a customer waits for. Accounts are allocated one by one and never
 * moved, so the machines' pointers to them stay valid as accounts are added. */
struct dk_atm_bank {
    pthread_mutex_t lock;
    int refs; /* the caller's and one per machine; under the lock */
    dk__atm_account **accounts;
    size_t naccounts, cap;
};

dk_atm_bank_t *dk_atm_bank_new(dk_error *err)
{
    dk_atm_bank_t *b = dk_calloc(1, sizeof *b);
    if (b == NULL) {
        dk_error_set(err, DK_ENOMEM, "atm: out of memory");
        return NULL;
    }
    if (pthread_mutex_init(&b->lock, NULL) != 0) {
        dk_free(b);
        dk_error_set(err, DK_EINTERNAL, "atm: cannot make the bank's mutex");
        return NULL;
    }
    b->refs = 1;
    return b;
}

void dk__atm_bank_retain(dk_atm_bank_t *b)
{
    pthread_mutex_lock(&b->lock);
    b->refs++;
    pthread_mutex_unlock(&b->lock);
}

void dk_atm_bank_free(dk_atm_bank_t *b)
{
    if (b == NULL)
        return;
    pthread_mutex_lock(&b->lock);
    int last = --b->refs == 0;
    pthread_mutex_unlock(&b->lock);
    if (!last)
        return; /* a machine still uses it */
    pthread_mutex_destroy(&b->lock);
    for (size_t i = 0; i < b->naccounts; i++) {
        dk_free(b->accounts[i]->card);
        dk_free(b->accounts[i]);
    }
    dk_free(b->accounts);
    dk_free(b);
}

/* A linear search: a bank here serves a handful of test accounts. Under the lock. */
static dk__atm_account *find(const dk_atm_bank_t *b, const char *card)
{
    for (size_t i = 0; card != NULL && i < b->naccounts; i++)
        if (strcmp(b->accounts[i]->card, card) == 0)
            return b->accounts[i];
    return NULL;
}

static int pin_valid(const char *pin)
{
    size_t n = pin != NULL ? strlen(pin) : 0;
    if (n < 4 || n > 12)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return 0;
    return 1;
}

/* Appends `ac` to the bank; under the lock. */
static dk_status append(dk_atm_bank_t *b, dk__atm_account *ac, dk_error *err)
{
    if (b->naccounts == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 8;
        dk__atm_account **grown = dk_realloc(b->accounts, cap * sizeof *grown);
        if (grown == NULL)
            return dk_error_set(err, DK_ENOMEM, "atm: out of memory");
        b->accounts = grown;
        b->cap = cap;
    }
    b->accounts[b->naccounts++] = ac;
    return DK_OK;
}

dk_status dk_atm_bank_account_add(dk_atm_bank_t *b, const char *card, const char *pin,
                                  int64_t balance, dk_error *err)
{
    if (card == NULL || *card == '\0')
        return dk_error_set(err, DK_EINVAL, "atm: account: card must be a non-empty string");
    if (!pin_valid(pin))
        return dk_error_set(err, DK_EINVAL, "atm: account \"%s\": pin must be 4 to 12 digits",
                            card);
    if (balance < 0)
        return dk_error_set(err, DK_EINVAL, "atm: account \"%s\": balance must be >= 0 (got %lld)",
                            card, (long long)balance);
    dk__atm_account *ac = dk_calloc(1, sizeof *ac);
    char *copy = dk_strdup(card);
    if (ac == NULL || copy == NULL) {
        dk_free(ac);
        dk_free(copy);
        return dk_error_set(err, DK_ENOMEM, "atm: out of memory");
    }
    ac->card = copy;
    memcpy(ac->pin, pin, strlen(pin) + 1);
    ac->available = balance;
    pthread_mutex_lock(&b->lock);
    dk_status st =
        find(b, card) != NULL
            ? dk_error_set(err, DK_EEXIST, "atm: account \"%s\": the card is in use", card)
            : append(b, ac, err);
    pthread_mutex_unlock(&b->lock);
    if (st != DK_OK) {
        dk_free(ac->card);
        dk_free(ac);
    }
    return st;
}

dk_status dk_atm_bank_account(dk_atm_bank_t *b, const char *card, int64_t *available,
                              int64_t *pending, dk_error *err)
{
    pthread_mutex_lock(&b->lock);
    const dk__atm_account *ac = find(b, card);
    if (ac != NULL) {
        if (available != NULL)
            *available = ac->available;
        if (pending != NULL)
            *pending = ac->pending;
    }
    pthread_mutex_unlock(&b->lock);
    if (ac == NULL)
        return dk_error_set(err, DK_ENOTFOUND, "atm: no account for card \"%s\"",
                            card != NULL ? card : "(null)");
    return DK_OK;
}

int dk_atm_bank_retained(dk_atm_bank_t *b, const char *card)
{
    pthread_mutex_lock(&b->lock);
    const dk__atm_account *ac = find(b, card);
    int kept = ac != NULL && ac->retained;
    pthread_mutex_unlock(&b->lock);
    return kept;
}

void dk_atm_bank_clear(dk_atm_bank_t *b)
{
    pthread_mutex_lock(&b->lock);
    for (size_t i = 0; i < b->naccounts; i++) {
        b->accounts[i]->available += b->accounts[i]->pending;
        b->accounts[i]->pending = 0;
    }
    pthread_mutex_unlock(&b->lock);
}

int64_t dk_atm_bank_total(dk_atm_bank_t *b)
{
    int64_t total = 0;
    pthread_mutex_lock(&b->lock);
    for (size_t i = 0; i < b->naccounts; i++)
        total += b->accounts[i]->available + b->accounts[i]->pending;
    pthread_mutex_unlock(&b->lock);
    return total;
}

/* ---- what a machine asks ------------------------------------------------------------------ */

dk__atm_account *dk__atm_bank_find(dk_atm_bank_t *b, const char *card, int *retained)
{
    pthread_mutex_lock(&b->lock);
    dk__atm_account *ac = find(b, card);
    *retained = ac != NULL && ac->retained;
    pthread_mutex_unlock(&b->lock);
    return ac;
}

void dk__atm_bank_keep_card(dk_atm_bank_t *b, dk__atm_account *ac)
{
    pthread_mutex_lock(&b->lock);
    ac->retained = 1;
    pthread_mutex_unlock(&b->lock);
}

dk_status dk__atm_bank_debit(dk_atm_bank_t *b, dk__atm_account *ac, int64_t amount, int64_t limit,
                             int64_t day, int commit, dk_error *err)
{
    dk_status st = DK_OK;
    pthread_mutex_lock(&b->lock);
    if (day != ac->day) { /* a new day on the clock starts from zero */
        ac->day = day;
        ac->withdrawn = 0;
    }
    /* Another machine with a higher limit may have taken more than this one's: none is left. */
    int64_t left = limit - ac->withdrawn > 0 ? limit - ac->withdrawn : 0;
    if (limit > 0 && amount > left)
        st = dk_error_set(err, DK_ELIMIT,
                          "atm: withdraw %lld: over the daily limit (%lld left today)",
                          (long long)amount, (long long)left);
    else if (amount > ac->available)
        st = dk_error_set(err, DK_ERANGE, "atm: withdraw %lld: the available balance is %lld",
                          (long long)amount, (long long)ac->available);
    else if (commit) {
        ac->available -= amount;
        ac->withdrawn += amount;
    }
    pthread_mutex_unlock(&b->lock);
    return st;
}

void dk__atm_bank_refund(dk_atm_bank_t *b, dk__atm_account *ac, int64_t amount, int64_t day)
{
    pthread_mutex_lock(&b->lock);
    ac->available += amount;
    if (ac->day == day) /* the day has not turned since: the failed amount does not count */
        ac->withdrawn -= amount;
    pthread_mutex_unlock(&b->lock);
}

void dk__atm_bank_deposit(dk_atm_bank_t *b, dk__atm_account *ac, int64_t amount, int cheque)
{
    pthread_mutex_lock(&b->lock);
    if (cheque)
        ac->pending += amount;
    else
        ac->available += amount;
    pthread_mutex_unlock(&b->lock);
}

dk_status dk__atm_bank_transfer(dk_atm_bank_t *b, dk__atm_account *from, dk__atm_account *to,
                                int64_t amount, dk_error *err)
{
    dk_status st = DK_OK;
    pthread_mutex_lock(&b->lock);
    if (amount > from->available) {
        st = dk_error_set(err, DK_ERANGE, "atm: transfer %lld: the available balance is %lld",
                          (long long)amount, (long long)from->available);
    } else {
        from->available -= amount;
        to->available += amount;
    }
    pthread_mutex_unlock(&b->lock);
    return st;
}

void dk__atm_bank_balance(dk_atm_bank_t *b, const dk__atm_account *ac, int64_t *available,
                          int64_t *pending)
{
    pthread_mutex_lock(&b->lock);
    if (available != NULL)
        *available = ac->available;
    if (pending != NULL)
        *pending = ac->pending;
    pthread_mutex_unlock(&b->lock);
}
