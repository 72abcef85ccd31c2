/* areas: base lld */
/* test_atm.c - the ATM: the fewest-notes plan against a brute force over every combination,
 * every path of the session, the rollback of a failed dispense, daily limits on an injected
 * clock, link failures, refills, and bad input refused with the field named. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/atm.h"

/* ---- the reference: every combination of the notes in stock ------------------------------- */

/* The fewest notes making `amount` by trying every count of every cassette; -1 if none. */
static long brute_fewest(const dk_atm_cassette *s, size_t n, int64_t amount)
{
    if (n == 0)
        return amount == 0 ? 0 : -1;
    long best = -1;
    for (int64_t k = 0; k <= s[0].count && k * s[0].value <= amount; k++) {
        long rest = brute_fewest(s + 1, n - 1, amount - k * s[0].value);
        if (rest >= 0 && (best < 0 || rest + k < best))
            best = rest + (long)k;
    }
    return best;
}

START_TEST(plan_is_the_fewest_notes_a_brute_force_finds)
{
    static const int64_t values[] = {1, 2, 5, 10, 20, 50, 100, 3, 7, 30};
    srand(8);
    int found = 0, refused = 0;
    for (int round = 0; round < 3000; round++) {
        dk_atm_cassette s[4];
        size_t n = 1 + (size_t)(rand() % 4);
        int64_t used[4];
        for (size_t i = 0; i < n; i++) {
            int64_t v;
            int dup;
            do { /* distinct values */
                v = values[rand() % 10];
                dup = 0;
                for (size_t j = 0; j < i; j++)
                    dup |= used[j] == v;
            } while (dup);
            used[i] = v;
            s[i].value = v;
            s[i].count = rand() % 6;
        }
        int64_t amount = 1 + rand() % 200;
        int64_t take[DK_ATM_MAX_CASSETTES];
        dk_error err;
        dk_status st = dk_atm_plan(s, n, amount, take, &err);
        long want = brute_fewest(s, n, amount);
        if (want < 0) {
            ck_assert_msg(st != DK_OK, "round %d: planned %lld with no combination", round,
                          (long long)amount);
            ck_assert_int_ne(err.message[0], '\0');
            refused++;
            continue;
        }
        ck_assert_msg(st == DK_OK, "round %d: %s", round, err.message);
        int64_t sum = 0, notes = 0;
        for (size_t i = 0; i < n; i++) {
            ck_assert_int_ge(take[i], 0);
            ck_assert_int_le(take[i], s[i].count);
            sum += take[i] * s[i].value;
            notes += take[i];
        }
        ck_assert_int_eq(sum, amount);
        ck_assert_int_eq(notes, want);
        found++;
    }
    ck_assert_int_gt(found, 100);
    ck_assert_int_gt(refused, 100);
}
END_TEST

START_TEST(plan_beats_greedy_and_refuses_clearly)
{
    /* Greedy takes a 50 and is stuck at 10; the fewest is three 20s. */
    dk_atm_cassette s[] = {{50, 5}, {20, 5}};
    int64_t take[DK_ATM_MAX_CASSETTES];
    dk_error err;
    ck_assert_int_eq(dk_atm_plan(s, 2, 60, take, &err), DK_OK);
    ck_assert_int_eq(take[0], 0);
    ck_assert_int_eq(take[1], 3);
    ck_assert_int_eq(dk_atm_plan(s, 2, 110, take, &err), DK_OK); /* 50 + 3 x 20 */
    ck_assert_int_eq(take[0], 1);
    ck_assert_int_eq(take[1], 3);
    ck_assert_int_eq(dk_atm_plan(s, 2, 35, take, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "not a multiple of 10"));
    ck_assert_int_eq(dk_atm_plan(s, 2, 30, take, &err), DK_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "no combination"));
    ck_assert_int_eq(dk_atm_plan(s, 2, 400, take, &err), DK_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "not enough notes"));
    ck_assert_int_eq(dk_atm_plan(s, 2, 0, take, &err), DK_EINVAL);
    /* Many notes of one value: the sliding window, not a loop over counts. */
    dk_atm_cassette big[] = {{1, 150000}, {7, 20000}};
    ck_assert_int_eq(dk_atm_plan(big, 2, 140003, take, &err), DK_OK);
    ck_assert_int_eq(take[1], 20000);
    ck_assert_int_eq(take[0], 3);
    dk_atm_cassette huge[] = {{1, 5000000}};
    ck_assert_int_eq(dk_atm_plan(huge, 1, 1000000, take, &err), DK_ERANGE);
}
END_TEST

/* ---- a machine for the session tests ---------------------------------------------------- */

static dk_atm_t *machine(int64_t limit)
{
    dk_atm_cassette s[] = {{50, 10}, {20, 30}};
    dk_atm_config cfg = {s, 2, 3, limit, NULL};
    dk_error err;
    dk_atm_t *a = dk_atm_new(&cfg, &err);
    ck_assert_msg(a != NULL, "%s", err.message);
    ck_assert_int_eq(dk_atm_account_add(a, "4000", "1234", 1000, &err), DK_OK);
    ck_assert_int_eq(dk_atm_account_add(a, "5000", "9999", 100, &err), DK_OK);
    return a;
}

static void login(dk_atm_t *a, const char *card, const char *pin)
{
    dk_error err;
    ck_assert_int_eq(dk_atm_insert(a, card, &err), DK_OK);
    ck_assert_str_eq(dk_atm_state(a), "pin");
    ck_assert_int_eq(dk_atm_enter_pin(a, pin, &err), DK_OK);
    ck_assert_str_eq(dk_atm_state(a), "menu");
}

static int64_t available(dk_atm_t *a, const char *card)
{
    int64_t av = -1;
    ck_assert_int_eq(dk_atm_account(a, card, &av, NULL, NULL), DK_OK);
    return av;
}

START_TEST(a_withdrawal_session_end_to_end)
{
    dk_atm_t *a = machine(0);
    dk_error err;
    ck_assert_str_eq(dk_atm_state(a), "idle");
    login(a, "4000", "1234");
    int64_t notes[DK_ATM_MAX_CASSETTES];
    ck_assert_int_eq(dk_atm_withdraw(a, 160, notes, &err), DK_OK); /* 2 x 50 + 3 x 20 */
    ck_assert_int_eq(notes[0], 2);
    ck_assert_int_eq(notes[1], 3);
    ck_assert_str_eq(dk_atm_state(a), "menu");
    ck_assert_int_eq(available(a, "4000"), 840);
    dk_atm_cassette st[DK_ATM_MAX_CASSETTES];
    ck_assert_uint_eq(dk_atm_stock(a, st, DK_ATM_MAX_CASSETTES), 2);
    ck_assert_int_eq(st[0].count, 8);
    ck_assert_int_eq(st[1].count, 27);
    int64_t av, pend;
    ck_assert_int_eq(dk_atm_balance(a, &av, &pend, &err), DK_OK);
    ck_assert_int_eq(av, 840);
    ck_assert_int_eq(pend, 0);
    ck_assert_int_eq(dk_atm_cancel(a, &err), DK_OK);
    ck_assert_str_eq(dk_atm_state(a), "ejecting");
    ck_assert_int_eq(dk_atm_take_card(a, &err), DK_OK);
    ck_assert_str_eq(dk_atm_state(a), "idle");
    /* The audit log recorded it, notes and all. */
    int seen = 0;
    for (size_t i = 0; i < dk_atm_audit_size(a); i++)
        seen |= strstr(dk_atm_audit_at(a, i), "card 4000: withdraw 160: ok (50x2 20x3)") != NULL;
    ck_assert_msg(seen, "the withdrawal is in the audit log");
    ck_assert_ptr_null(dk_atm_audit_at(a, dk_atm_audit_size(a)));
    dk_atm_free(a);
}
END_TEST

START_TEST(wrong_pins_retain_the_card)
{
    dk_atm_t *a = machine(0);
    dk_error err;
    ck_assert_int_eq(dk_atm_insert(a, "4000", &err), DK_OK);
    ck_assert_int_eq(dk_atm_enter_pin(a, "0000", &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "2 attempts left"));
    ck_assert_str_eq(dk_atm_state(a), "pin");
    ck_assert_int_eq(dk_atm_enter_pin(a, "1111", &err), DK_EINVAL);
    ck_assert_int_eq(dk_atm_enter_pin(a, "2222", &err), DK_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "retained after 3"));
    ck_assert_str_eq(dk_atm_state(a), "idle");
    ck_assert(dk_atm_retained(a, "4000"));
    ck_assert_int_eq(dk_atm_insert(a, "4000", &err), DK_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "retained"));
    ck_assert_str_eq(dk_atm_state(a), "ejecting");
    ck_assert_int_eq(dk_atm_take_card(a, &err), DK_OK);
    /* A right PIN after a wrong one goes through, and the count starts again per session. */
    ck_assert_int_eq(dk_atm_insert(a, "5000", &err), DK_OK);
    ck_assert_int_eq(dk_atm_enter_pin(a, "0000", &err), DK_EINVAL);
    ck_assert_int_eq(dk_atm_enter_pin(a, "9999", &err), DK_OK);
    ck_assert_str_eq(dk_atm_state(a), "menu");
    dk_atm_free(a);
}
END_TEST

START_TEST(unknown_cards_and_cancels_eject)
{
    dk_atm_t *a = machine(0);
    dk_error err;
    ck_assert_int_eq(dk_atm_insert(a, "nope", &err), DK_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "unknown card \"nope\""));
    ck_assert_str_eq(dk_atm_state(a), "ejecting");
    ck_assert_int_eq(dk_atm_insert(a, "4000", &err), DK_ESTATE);
    ck_assert_ptr_nonnull(
        strstr(err.message, "insert needs the state idle (the machine is in ejecting)"));
    ck_assert_int_eq(dk_atm_take_card(a, &err), DK_OK);
    ck_assert_int_eq(dk_atm_insert(a, "4000", &err), DK_OK);
    ck_assert_int_eq(dk_atm_cancel(a, &err), DK_OK); /* from pin */
    ck_assert_int_eq(dk_atm_take_card(a, &err), DK_OK);
    ck_assert_int_eq(dk_atm_cancel(a, &err), DK_ESTATE); /* nothing to cancel while idle */
    ck_assert_int_eq(dk_atm_withdraw(a, 20, NULL, &err), DK_ESTATE);
    ck_assert_int_eq(dk_atm_enter_pin(a, "1234", &err), DK_ESTATE);
    ck_assert_int_eq(dk_atm_take_card(a, &err), DK_ESTATE);
    dk_atm_free(a);
}
END_TEST

START_TEST(refused_withdrawals_change_nothing)
{
    dk_atm_t *a = machine(0);
    dk_error err;
    login(a, "5000", "9999");
    ck_assert_int_eq(dk_atm_withdraw(a, 120, NULL, &err), DK_ERANGE); /* balance 100 */
    ck_assert_int_eq(dk_atm_withdraw(a, 35, NULL, &err), DK_EINVAL);
    ck_assert_int_eq(dk_atm_withdraw(a, 30, NULL, &err), DK_ENOTFOUND);
    ck_assert_int_eq(dk_atm_withdraw(a, -5, NULL, &err), DK_EINVAL);
    ck_assert_str_eq(dk_atm_state(a), "menu");
    ck_assert_int_eq(available(a, "5000"), 100);
    dk_atm_cassette st[2];
    dk_atm_stock(a, st, 2);
    ck_assert_int_eq(st[0].count, 10);
    ck_assert_int_eq(st[1].count, 30);
    dk_atm_free(a);
}
END_TEST

START_TEST(a_failed_dispense_rolls_back_the_debit)
{
    dk_atm_t *a = machine(0);
    dk_error err;
    login(a, "4000", "1234");
    dk_atm_fail_dispense(a, 1);
    ck_assert_int_eq(dk_atm_withdraw(a, 100, NULL, &err), DK_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "dispenser failed"));
    ck_assert_int_eq(available(a, "4000"), 1000);
    dk_atm_cassette st[2];
    dk_atm_stock(a, st, 2);
    ck_assert_int_eq(st[0].count, 10);
    ck_assert_str_eq(dk_atm_state(a), "menu");
    ck_assert_int_eq(dk_atm_withdraw(a, 100, NULL, &err), DK_OK);
    ck_assert_int_eq(available(a, "4000"), 900);
    dk_atm_free(a);
}
END_TEST

START_TEST(link_failures_refuse_without_changes)
{
    dk_atm_t *a = machine(0);
    dk_error err;
    dk_atm_fail_link(a, 1);
    ck_assert_int_eq(dk_atm_insert(a, "4000", &err), DK_EIO);
    ck_assert_str_eq(dk_atm_state(a), "ejecting");
    dk_atm_take_card(a, &err);
    login(a, "4000", "1234");
    dk_atm_fail_link(a, 4);
    ck_assert_int_eq(dk_atm_withdraw(a, 100, NULL, &err), DK_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "bank link is down"));
    ck_assert_int_eq(dk_atm_deposit(a, 100, 0, &err), DK_EIO);
    ck_assert_int_eq(dk_atm_transfer(a, "5000", 100, &err), DK_EIO);
    ck_assert_int_eq(dk_atm_balance(a, NULL, NULL, &err), DK_EIO);
    ck_assert_int_eq(available(a, "4000"), 1000);
    ck_assert_int_eq(available(a, "5000"), 100);
    ck_assert_int_eq(dk_atm_withdraw(a, 100, NULL, &err), DK_OK); /* the link is back */
    dk_atm_free(a);
}
END_TEST

START_TEST(deposits_cheques_and_transfers)
{
    dk_atm_t *a = machine(0);
    dk_error err;
    login(a, "5000", "9999");
    ck_assert_int_eq(dk_atm_deposit(a, 40, 0, &err), DK_OK);
    ck_assert_int_eq(dk_atm_deposit(a, 500, 1, &err), DK_OK);
    int64_t av, pend;
    ck_assert_int_eq(dk_atm_balance(a, &av, &pend, &err), DK_OK);
    ck_assert_int_eq(av, 140);
    ck_assert_int_eq(pend, 500);
    ck_assert_int_eq(dk_atm_withdraw(a, 200, NULL, &err), DK_ERANGE); /* the cheque is pending */
    ck_assert_int_eq(dk_atm_transfer(a, "4000", 150, &err), DK_ERANGE);
    ck_assert_int_eq(dk_atm_transfer(a, "4000", 140, &err), DK_OK);
    ck_assert_int_eq(dk_atm_transfer(a, "5000", 1, &err), DK_EINVAL);
    ck_assert_int_eq(dk_atm_transfer(a, "6000", 1, &err), DK_ENOTFOUND);
    ck_assert_int_eq(available(a, "4000"), 1140);
    dk_atm_clear(a);
    ck_assert_int_eq(dk_atm_withdraw(a, 200, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_atm_account(a, "5000", &av, &pend, &err), DK_OK);
    ck_assert_int_eq(av, 300);
    ck_assert_int_eq(pend, 0);
    dk_atm_free(a);
}
END_TEST

static int64_t fake_now;
static int64_t fake_clock(void *ud)
{
    (void)ud;
    return fake_now;
}

START_TEST(daily_limits_follow_the_clock)
{
    dk_atm_t *a = machine(300);
    dk_error err;
    fake_now = DK_ATM_DAY_NS - 1000;
    dk_atm_set_clock(a, fake_clock, NULL);
    login(a, "4000", "1234");
    ck_assert_int_eq(dk_atm_withdraw(a, 200, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_atm_withdraw(a, 120, NULL, &err), DK_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "100 left today"));
    ck_assert_int_eq(dk_atm_withdraw(a, 100, NULL, &err), DK_OK);
    fake_now = DK_ATM_DAY_NS; /* midnight: a new day */
    ck_assert_int_eq(dk_atm_withdraw(a, 300, NULL, &err), DK_OK);
    ck_assert_int_eq(available(a, "4000"), 400);
    /* The machine's own clock, moved by advance. */
    dk_atm_set_clock(a, NULL, NULL);
    ck_assert_int_eq(dk_atm_now(a), 0);
    ck_assert_int_eq(dk_atm_withdraw(a, 20, NULL, &err), DK_OK); /* day 0 again: counted anew */
    dk_atm_advance(a, DK_ATM_DAY_NS);
    ck_assert_int_eq(dk_atm_now(a), DK_ATM_DAY_NS);
    ck_assert_int_eq(dk_atm_withdraw(a, 300, NULL, &err), DK_OK);
    dk_atm_free(a);
}
END_TEST

START_TEST(operator_refills_while_idle)
{
    dk_atm_t *a = machine(0);
    dk_error err;
    login(a, "4000", "1234");
    ck_assert_int_eq(dk_atm_refill(a, 10, 5, &err), DK_ESTATE);
    ck_assert_int_eq(dk_atm_cancel(a, &err), DK_OK);
    ck_assert_int_eq(dk_atm_take_card(a, &err), DK_OK);
    ck_assert_int_eq(dk_atm_refill(a, 10, 5, &err), DK_OK);
    ck_assert_int_eq(dk_atm_refill(a, 50, 1, &err), DK_OK);
    ck_assert_int_eq(dk_atm_refill(a, 0, 1, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "refill: value must be positive"));
    dk_atm_cassette st[DK_ATM_MAX_CASSETTES];
    ck_assert_uint_eq(dk_atm_stock(a, st, DK_ATM_MAX_CASSETTES), 3);
    ck_assert_int_eq(st[0].count, 11);
    ck_assert_int_eq(st[2].value, 10);
    login(a, "4000", "1234");
    int64_t notes[DK_ATM_MAX_CASSETTES];
    ck_assert_int_eq(dk_atm_withdraw(a, 30, notes, &err), DK_OK); /* now 20 + 10 */
    ck_assert_int_eq(notes[1], 1);
    ck_assert_int_eq(notes[2], 1);
    dk_atm_free(a);
}
END_TEST

START_TEST(bad_configurations_are_refused_naming_the_field)
{
    dk_error err;
    dk_atm_config cfg = {NULL, 0, 0, 0, NULL};
    ck_assert_ptr_null(dk_atm_new(&cfg, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "cassettes: give 1 to 8"));
    dk_atm_cassette bad[] = {{50, 1}, {-20, 1}};
    cfg.cassettes = bad;
    cfg.ncassettes = 2;
    ck_assert_ptr_null(dk_atm_new(&cfg, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "cassette 2: value must be positive"));
    dk_atm_cassette dup[] = {{50, 1}, {50, 1}};
    cfg.cassettes = dup;
    ck_assert_ptr_null(dk_atm_new(&cfg, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "a second cassette of 50"));
    dk_atm_cassette neg[] = {{50, -1}};
    cfg.cassettes = neg;
    cfg.ncassettes = 1;
    ck_assert_ptr_null(dk_atm_new(&cfg, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "count must be >= 0"));
    dk_atm_cassette ok[] = {{50, 1}};
    cfg.cassettes = ok;
    cfg.daily_limit = -1;
    ck_assert_ptr_null(dk_atm_new(&cfg, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "daily_limit"));
    dk_atm_free(NULL);

    dk_atm_t *a = machine(0);
    ck_assert_int_eq(dk_atm_account_add(a, "4000", "1234", 0, &err), DK_EEXIST);
    ck_assert_int_eq(dk_atm_account_add(a, "7000", "12a4", 0, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "account \"7000\": pin must be 4 to 12 digits"));
    ck_assert_int_eq(dk_atm_account_add(a, "7000", "1234", -1, &err), DK_EINVAL);
    ck_assert_int_eq(dk_atm_account_add(a, "", "1234", 0, &err), DK_EINVAL);
    ck_assert_int_eq(dk_atm_account(a, "7000", NULL, NULL, &err), DK_ENOTFOUND);
    dk_atm_free(a);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("atm");
    TCase *tc = tcase_create("dispensing");
    tcase_add_test(tc, plan_is_the_fewest_notes_a_brute_force_finds);
    tcase_add_test(tc, plan_beats_greedy_and_refuses_clearly);
    suite_add_tcase(s, tc);
    tc = tcase_create("session");
    tcase_add_test(tc, a_withdrawal_session_end_to_end);
    tcase_add_test(tc, wrong_pins_retain_the_card);
    tcase_add_test(tc, unknown_cards_and_cancels_eject);
    tcase_add_test(tc, refused_withdrawals_change_nothing);
    tcase_add_test(tc, a_failed_dispense_rolls_back_the_debit);
    tcase_add_test(tc, link_failures_refuse_without_changes);
    tcase_add_test(tc, deposits_cheques_and_transfers);
    tcase_add_test(tc, daily_limits_follow_the_clock);
    tcase_add_test(tc, operator_refills_while_idle);
    suite_add_tcase(s, tc);
    tc = tcase_create("input");
    tcase_add_test(tc, bad_configurations_are_refused_naming_the_field);
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
