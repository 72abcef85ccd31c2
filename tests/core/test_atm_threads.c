/* areas: base lld */
/* test_atm_threads.c - the ATM's bank shared by several machines: what one machine does is seen
 * by the others, and machines on several threads hammering the same accounts never overdraw one,
 * never pass a card's daily limit, conserve money and log every step (run under TSan by
 * `make tsan`). */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/atm.h"

static const char *const cards[] = {"4000", "5000", "6000"};
#define NCARDS 3
#define PIN "1234"

static dk_atm_bank_t *bank_of_cards(int64_t balance)
{
    dk_error err;
    dk_atm_bank_t *b = dk_atm_bank_new(&err);
    ck_assert_msg(b != NULL, "%s", err.message);
    for (int i = 0; i < NCARDS; i++)
        ck_assert_int_eq(dk_atm_bank_account_add(b, cards[i], PIN, balance, &err), DK_OK);
    return b;
}

static dk_atm_t *machine_on(dk_atm_bank_t *b, int64_t limit)
{
    dk_atm_cassette s[] = {{50, 100000}, {20, 100000}, {10, 100000}};
    dk_atm_config cfg = {s, 3, 3, limit, b};
    dk_error err;
    dk_atm_t *a = dk_atm_new(&cfg, &err);
    ck_assert_msg(a != NULL, "%s", err.message);
    return a;
}

static int64_t available(dk_atm_bank_t *b, const char *card)
{
    int64_t av = -1;
    ck_assert_int_eq(dk_atm_bank_account(b, card, &av, NULL, NULL), DK_OK);
    return av;
}

static void login(dk_atm_t *a, const char *card)
{
    dk_error err;
    ck_assert_int_eq(dk_atm_insert(a, card, &err), DK_OK);
    ck_assert_int_eq(dk_atm_enter_pin(a, PIN, &err), DK_OK);
}

/* ---- one bank, two machines, one thread ------------------------------------------------- */

START_TEST(machines_on_one_bank_see_each_other)
{
    dk_atm_bank_t *b = bank_of_cards(100);
    dk_atm_t *x = machine_on(b, 150), *y = machine_on(b, 150);
    ck_assert_ptr_eq(dk_atm_bank_of(x), b);
    dk_error err;
    login(x, "4000");
    login(y, "4000"); /* the same account in two machines at once */
    ck_assert_int_eq(dk_atm_withdraw(x, 100, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_atm_withdraw(y, 50, NULL, &err), DK_ERANGE); /* x took it */
    ck_assert_int_eq(available(b, "4000"), 0);
    /* The day's limit counts what the card took at every machine. */
    ck_assert_int_eq(dk_atm_deposit(y, 500, 0, &err), DK_OK);
    ck_assert_int_eq(dk_atm_withdraw(y, 100, NULL, &err), DK_ELIMIT);
    ck_assert_msg(strstr(err.message, "50 left today") != NULL, "%s", err.message);
    ck_assert_int_eq(dk_atm_withdraw(y, 50, NULL, &err), DK_OK);
    /* A transfer from one machine is seen by another's balance. */
    ck_assert_int_eq(dk_atm_transfer(x, "5000", 200, &err), DK_OK);
    int64_t av = 0;
    ck_assert_int_eq(dk_atm_cancel(y, &err), DK_OK);
    ck_assert_int_eq(dk_atm_take_card(y, &err), DK_OK);
    login(y, "5000");
    ck_assert_int_eq(dk_atm_balance(y, &av, NULL, &err), DK_OK);
    ck_assert_int_eq(av, 300);
    /* A card one machine keeps is refused by the other. */
    ck_assert_int_eq(dk_atm_cancel(x, &err), DK_OK);
    ck_assert_int_eq(dk_atm_take_card(x, &err), DK_OK);
    ck_assert_int_eq(dk_atm_insert(x, "6000", &err), DK_OK);
    for (int i = 0; i < 3; i++)
        dk_atm_enter_pin(x, "0000", &err);
    ck_assert_int_eq(err.status, DK_ELIMIT);
    ck_assert(dk_atm_retained(y, "6000"));
    ck_assert_int_eq(dk_atm_cancel(y, &err), DK_OK);
    ck_assert_int_eq(dk_atm_take_card(y, &err), DK_OK);
    ck_assert_int_eq(dk_atm_insert(y, "6000", &err), DK_ELIMIT);
    ck_assert_int_eq(dk_atm_bank_total(b), 3 * 100 - 100 + 500 - 50); /* in, out: no more */
    dk_atm_bank_free(b); /* the machines still hold it */
    ck_assert_int_eq(dk_atm_account(x, "4000", &av, NULL, &err), DK_OK);
    ck_assert_int_eq(av, 250);
    dk_atm_free(x);
    dk_atm_free(y); /* the last reference: the bank goes too (ASan checks) */
}
END_TEST

START_TEST(a_bank_refuses_bad_accounts_naming_the_field)
{
    dk_atm_bank_free(NULL);
    dk_atm_bank_t *b = bank_of_cards(0);
    dk_error err;
    ck_assert_int_eq(dk_atm_bank_account_add(b, "4000", "1234", 0, &err), DK_EEXIST);
    ck_assert_str_eq(err.message, "atm: account \"4000\": the card is in use");
    ck_assert_int_eq(dk_atm_bank_account_add(b, "7000", "12", 0, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "atm: account \"7000\": pin must be 4 to 12 digits");
    ck_assert_int_eq(dk_atm_bank_account_add(b, "7000", "1234", -5, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "atm: account \"7000\": balance must be >= 0 (got -5)");
    ck_assert_int_eq(dk_atm_bank_account_add(b, NULL, "1234", 0, &err), DK_EINVAL);
    ck_assert_int_eq(dk_atm_bank_account(b, "7000", NULL, NULL, &err), DK_ENOTFOUND);
    ck_assert_str_eq(err.message, "atm: no account for card \"7000\"");
    ck_assert(!dk_atm_bank_retained(b, "7000"));
    /* An account added while a machine's session runs is served at once. */
    dk_atm_t *a = machine_on(b, 0);
    login(a, "4000");
    ck_assert_int_eq(dk_atm_bank_account_add(b, "7000", "1234", 10, &err), DK_OK);
    ck_assert_int_eq(dk_atm_deposit(a, 30, 1, &err), DK_OK);
    ck_assert_int_eq(dk_atm_transfer(a, "7000", 10, &err), DK_ERANGE); /* the cheque is pending */
    dk_atm_bank_clear(b);
    ck_assert_int_eq(dk_atm_transfer(a, "7000", 10, &err), DK_OK);
    ck_assert_int_eq(available(b, "7000"), 20);
    dk_atm_free(a);
    dk_atm_bank_free(b);
}
END_TEST

/* ---- machines on threads ---------------------------------------------------------------- */

#define THREADS 4
#define ROUNDS 400
#define INITIAL 1000
#define LIMIT 8000

/* What one thread's machine did, as the thread saw it returned. */
typedef struct worker {
    dk_atm_t *atm;
    unsigned seed;
    int64_t withdrawn[NCARDS]; /* by card, the withdrawals that went through */
    int64_t dispensed;         /* the notes the machine gave, by value */
    int64_t deposited;         /* cash and cheques */
    int withdrawals, deposits, transfers, rollbacks;
    int short_of_money, over_limit; /* refusals: the run came near both bounds */
    int failures;                   /* a status the run should never see */
} worker;

static unsigned next(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

static void *serve(void *arg)
{
    worker *w = arg;
    dk_error err;
    dk_atm_cassette stock[DK_ATM_MAX_CASSETTES];
    size_t nstock = dk_atm_stock(w->atm, stock, DK_ATM_MAX_CASSETTES);
    for (int r = 0; r < ROUNDS; r++) {
        int c = (int)(next(&w->seed) % NCARDS);
        if (dk_atm_insert(w->atm, cards[c], &err) != DK_OK ||
            dk_atm_enter_pin(w->atm, PIN, &err) != DK_OK) {
            w->failures++;
            break;
        }
        for (int op = 0; op < 3; op++) {
            unsigned pick = next(&w->seed) % 10;
            int64_t amount = 10 * (1 + (int64_t)(next(&w->seed) % 30));
            dk_status st;
            if (pick < 6) {
                int fail = next(&w->seed) % 8 == 0;
                dk_atm_fail_dispense(w->atm, fail);
                int64_t notes[DK_ATM_MAX_CASSETTES] = {0};
                st = dk_atm_withdraw(w->atm, amount, notes, &err);
                dk_atm_fail_dispense(w->atm, 0);
                if (st == DK_OK) {
                    w->withdrawals++;
                    w->withdrawn[c] += amount;
                    for (size_t i = 0; i < nstock; i++)
                        w->dispensed += notes[i] * stock[i].value;
                } else if (st == DK_EIO && fail) {
                    w->rollbacks++;
                } else if (st == DK_ERANGE || st == DK_ELIMIT) {
                    w->short_of_money += st == DK_ERANGE;
                    w->over_limit += st == DK_ELIMIT;
                } else {
                    w->failures++;
                }
            } else if (pick < 8) {
                st = dk_atm_deposit(w->atm, amount / 2, pick == 7, &err);
                w->failures += st != DK_OK;
                w->deposited += st == DK_OK ? amount / 2 : 0;
                w->deposits += st == DK_OK;
            } else {
                st = dk_atm_transfer(w->atm, cards[(c + 1 + pick % 2) % NCARDS], amount, &err);
                w->transfers += st == DK_OK;
                w->failures += st != DK_OK && st != DK_ERANGE;
            }
        }
        if (dk_atm_cancel(w->atm, &err) != DK_OK || dk_atm_take_card(w->atm, &err) != DK_OK)
            w->failures++;
    }
    return NULL;
}

/* Counts the audit lines holding `what` (and `also`, when given), and sums the number after
 * "withdraw " on them. */
static int count_lines(const dk_atm_t *a, const char *what, const char *also, int64_t *sum)
{
    int n = 0;
    for (size_t i = 0; i < dk_atm_audit_size(a); i++) {
        const char *line = dk_atm_audit_at(a, i);
        if (strstr(line, what) == NULL || (also != NULL && strstr(line, also) == NULL))
            continue;
        n++;
        const char *w = strstr(line, "withdraw ");
        if (sum != NULL && w != NULL)
            *sum += strtoll(w + strlen("withdraw "), NULL, 10);
    }
    return n;
}

START_TEST(threads_on_shared_accounts_never_overdraw)
{
    dk_atm_bank_t *b = bank_of_cards(INITIAL);
    worker w[THREADS];
    pthread_t th[THREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < THREADS; i++) {
        w[i].atm = machine_on(b, LIMIT);
        w[i].seed = 7u + (unsigned)i * 977u;
    }
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, serve, &w[i]), 0);
    dk_atm_bank_clear(b); /* the bank clears cheques while the sessions run */
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);

    int64_t withdrawn[NCARDS] = {0}, dispensed = 0, deposited = 0;
    int withdrawals = 0, short_of_money = 0, over_limit = 0;
    for (int i = 0; i < THREADS; i++) {
        ck_assert_int_eq(w[i].failures, 0);
        for (int c = 0; c < NCARDS; c++)
            withdrawn[c] += w[i].withdrawn[c];
        dispensed += w[i].dispensed;
        deposited += w[i].deposited;
        withdrawals += w[i].withdrawals;
        short_of_money += w[i].short_of_money;
        over_limit += w[i].over_limit;
    }
    /* The run did exercise the accounts, and ran them dry and to their limits. */
    ck_assert_msg(withdrawals > 200 && short_of_money > 50 && over_limit > 20,
                  "%d withdrawals, %d refused for money, %d over the limit", withdrawals,
                  short_of_money, over_limit);
    for (int c = 0; c < NCARDS; c++) {
        int64_t av = -1, pend = -1;
        ck_assert_int_eq(dk_atm_bank_account(b, cards[c], &av, &pend, NULL), DK_OK);
        ck_assert_int_ge(av, 0); /* never overdrawn */
        ck_assert_int_ge(pend, 0);
        ck_assert_int_le(withdrawn[c], LIMIT); /* one day on every clock: one limit per card */
    }
    /* No money made or lost: what is in the accounts and what came out is what went in. */
    ck_assert_int_eq(dk_atm_bank_total(b) + dispensed, NCARDS * INITIAL + deposited);

    for (int i = 0; i < THREADS; i++) {
        /* The notes that left each machine are the withdrawals it reported. */
        dk_atm_cassette now[DK_ATM_MAX_CASSETTES];
        size_t n = dk_atm_stock(w[i].atm, now, DK_ATM_MAX_CASSETTES);
        int64_t left = 0;
        for (size_t k = 0; k < n; k++)
            left += (100000 - now[k].count) * now[k].value;
        int64_t took = 0;
        for (int c = 0; c < NCARDS; c++)
            took += w[i].withdrawn[c];
        ck_assert_int_eq(left, took);
        ck_assert_int_eq(w[i].dispensed, took);
        /* The audit log has a line for every step that went through, with its amount. */
        int64_t logged = 0;
        ck_assert_int_eq(count_lines(w[i].atm, ": withdraw ", ": ok (", &logged), w[i].withdrawals);
        ck_assert_int_eq(logged, took);
        ck_assert_int_eq(count_lines(w[i].atm, "debit rolled back", NULL, NULL), w[i].rollbacks);
        ck_assert_int_eq(count_lines(w[i].atm, ": deposit ", ": ok", NULL), w[i].deposits);
        ck_assert_int_eq(count_lines(w[i].atm, ": transfer ", ": ok", NULL), w[i].transfers);
        ck_assert_int_eq(count_lines(w[i].atm, ": inserted", NULL, NULL), ROUNDS);
        ck_assert_int_eq(count_lines(w[i].atm, ": card taken", NULL, NULL), ROUNDS);
        dk_atm_free(w[i].atm);
    }
    dk_atm_bank_free(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("atm_threads");
    TCase *tc = tcase_create("shared bank");
    tcase_add_test(tc, machines_on_one_bank_see_each_other);
    tcase_add_test(tc, a_bank_refuses_bad_accounts_naming_the_field);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_add_test(tc, threads_on_shared_accounts_never_overdraw);
    tcase_set_timeout(tc, 60);
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
