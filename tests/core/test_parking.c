/* areas: base lld */
/* test_parking.c - the parking lot: invariants after every operation, fees against hand-computed
 * stays and an independent hour-by-hour reference, the strategies, removal, bad input, and
 * several gates parking from several threads at once (run under TSan by `make tsan`). */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/parking.h"

#define HOUR 3600000000000LL
#define MIN 60000000000LL

/* Every operation below is followed by this: the lot's own audit from scratch. */
static void invariants(dk_park_t *p)
{
    dk_error err = {0};
    ck_assert_msg(dk_park_check(p, &err) == DK_OK, "invariant broken: %s", err.message);
}

/* Cars: 3.00 the first hour, 2.00 the next two, 1.00 after; 20.00 a day at most. */
static dk_park_config base_config(void)
{
    dk_park_config c;
    memset(&c, 0, sizeof c);
    c.strategy = DK_PARK_NEAREST;
    for (int v = 0; v < DK_PARK_VEHICLES; v++) {
        dk_park_fee f = {{{1, 300}, {3, 200}, {0, 100}}, 3, 2000};
        c.fees[v] = f;
    }
    c.fees[DK_PARK_MOTORCYCLE].tiers[0].rate = 100; /* per vehicle type */
    c.lost_fee = 5000;
    return c;
}

static dk_park_t *must_lot(const dk_park_config *c)
{
    dk_error err = {0};
    dk_park_t *p = dk_park_new(c, &err);
    ck_assert_msg(p != NULL, "lot refused: %s", err.message);
    return p;
}

static int must_floor(dk_park_t *p)
{
    int f = -1;
    ck_assert_int_eq(dk_park_add_floor(p, &f, NULL), DK_OK);
    invariants(p);
    return f;
}

static int must_spot(dk_park_t *p, int floor, dk_park_spot_type t, int distance)
{
    int s = -1;
    ck_assert_int_eq(dk_park_add_spot(p, floor, t, distance, &s, NULL), DK_OK);
    invariants(p);
    return s;
}

static int must_enter(dk_park_t *p, dk_park_vehicle v, int *spot)
{
    int t = -1;
    dk_error err = {0};
    ck_assert_msg(dk_park_enter(p, v, &t, spot, &err) == DK_OK, "enter: %s", err.message);
    invariants(p);
    return t;
}

/* ---- fees -------------------------------------------------------------------------------- */

/* An independent reference: walk the stay hour by hour, each hour charged at the tier it falls
 * in within its day, each day's sum capped. */
static int64_t ref_fee(const dk_park_fee *f, int64_t ns)
{
    int64_t hours = ns <= 0 ? 0 : (ns - 1) / HOUR + 1, total = 0, day = 0;
    for (int64_t h = 0; h < hours; h++) {
        int in_day = (int)(h % 24);
        if (in_day == 0 && h > 0) {
            total += f->daily_cap > 0 && day > f->daily_cap ? f->daily_cap : day;
            day = 0;
        }
        for (size_t i = 0; i < f->ntiers; i++)
            if (f->tiers[i].up_to == 0 || in_day < f->tiers[i].up_to) {
                day += f->tiers[i].rate;
                break;
            }
    }
    return total + (f->daily_cap > 0 && day > f->daily_cap ? f->daily_cap : day);
}

START_TEST(fees_match_hand_computed_stays)
{
    dk_park_config c = base_config();
    const dk_park_fee *car = &c.fees[DK_PARK_CAR];
    ck_assert_int_eq(dk_park_fee_of(car, 0), 0);
    ck_assert_int_eq(dk_park_fee_of(car, 1), 300);            /* an hour begun is charged */
    ck_assert_int_eq(dk_park_fee_of(car, HOUR), 300);         /* exactly one hour */
    ck_assert_int_eq(dk_park_fee_of(car, 2 * HOUR + 1), 700); /* 300 + 200 + 200 */
    ck_assert_int_eq(dk_park_fee_of(car, 5 * HOUR), 900);     /* 300 + 2*200 + 2*100 */
    /* 24 h: 300 + 400 + 21*100 = 2800, capped at 2000 */
    ck_assert_int_eq(dk_park_fee_of(car, 24 * HOUR), 2000);
    /* 26 h: one capped day, then the tiers start again: 2000 + 300 + 200 */
    ck_assert_int_eq(dk_park_fee_of(car, 26 * HOUR), 2500);
    ck_assert_int_eq(dk_park_fee_of(&c.fees[DK_PARK_MOTORCYCLE], 2 * HOUR), 300); /* 100 + 200 */
    dk_park_fee free_fee = {{{0, 0}}, 0, 0};
    ck_assert_int_eq(dk_park_fee_of(&free_fee, 50 * HOUR), 0);
    for (int64_t ns = 0; ns < 80 * HOUR; ns += 17 * MIN)
        ck_assert_int_eq(dk_park_fee_of(car, ns), ref_fee(car, ns));
}
END_TEST

START_TEST(a_ticket_is_paid_once_and_lost_costs_more)
{
    dk_park_config c = base_config();
    dk_park_t *p = must_lot(&c);
    int f = must_floor(p);
    must_spot(p, f, DK_PARK_SPOT_COMPACT, 10);
    must_spot(p, f, DK_PARK_SPOT_COMPACT, 20);
    int a = must_enter(p, DK_PARK_CAR, NULL);
    int b = must_enter(p, DK_PARK_CAR, NULL);
    ck_assert_int_eq(dk_park_advance(p, 2 * HOUR + 30 * MIN, NULL), DK_OK);
    int64_t fee = 0, change = 0;
    ck_assert_int_eq(dk_park_quote(p, a, &fee, NULL), DK_OK);
    ck_assert_int_eq(fee, 700);
    dk_error err = {0};
    ck_assert_int_eq(dk_park_exit(p, a, &err), DK_ESTATE); /* not paid yet */
    ck_assert_ptr_nonnull(strstr(err.message, "ticket 0 is active"));
    ck_assert_int_eq(dk_park_pay(p, a, 500, &change, &err), DK_ERANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "owes 700"));
    invariants(p);
    ck_assert_int_eq(dk_park_pay(p, a, 1000, &change, NULL), DK_OK);
    ck_assert_int_eq(change, 300);
    ck_assert_str_eq(dk_park_ticket_state(p, a), "paid");
    invariants(p);
    ck_assert_int_eq(dk_park_pay(p, a, 1000, &change, &err), DK_ESTATE); /* never twice */
    ck_assert_int_eq(dk_park_lose(p, a, NULL), DK_ESTATE);
    ck_assert_int_eq(dk_park_lose(p, b, NULL), DK_OK);
    ck_assert_str_eq(dk_park_ticket_state(p, b), "lost");
    ck_assert_int_eq(dk_park_quote(p, b, &fee, NULL), DK_OK);
    ck_assert_int_eq(fee, 700 + 5000);
    ck_assert_int_eq(dk_park_pay(p, b, fee, &change, NULL), DK_OK);
    ck_assert_int_eq(change, 0);
    invariants(p);
    ck_assert_int_eq(dk_park_revenue(p), 700 + 5700);
    ck_assert_int_eq(dk_park_exit(p, a, NULL), DK_OK);
    invariants(p);
    ck_assert_str_eq(dk_park_ticket_state(p, a), "closed");
    ck_assert_int_eq(dk_park_exit(p, a, NULL), DK_ESTATE);
    ck_assert_int_eq(dk_park_pay(p, a, 9999, NULL, NULL), DK_ESTATE);
    ck_assert_int_eq(dk_park_available(p, -1, -1), 1);
    ck_assert_int_eq(dk_park_quote(p, 99, &fee, NULL), DK_ENOTFOUND);
    ck_assert_ptr_null(dk_park_ticket_state(p, 99));
    dk_park_free(p);
}
END_TEST

static int64_t fake_now;
static int64_t fake_clock(void *ud)
{
    (void)ud;
    return fake_now;
}

START_TEST(the_clock_is_injectable)
{
    dk_park_config c = base_config();
    c.clock = fake_clock;
    fake_now = 1000 * HOUR;
    dk_park_t *p = must_lot(&c);
    must_spot(p, must_floor(p), DK_PARK_SPOT_LARGE, 0);
    int t = must_enter(p, DK_PARK_TRUCK, NULL);
    fake_now += 26 * HOUR;
    int64_t fee = 0;
    ck_assert_int_eq(dk_park_quote(p, t, &fee, NULL), DK_OK);
    ck_assert_int_eq(fee, 2500);
    ck_assert_int_eq(dk_park_advance(p, HOUR, NULL), DK_EINVAL); /* not its own clock */
    dk_park_free(p);
}
END_TEST

/* ---- spots and strategies ------------------------------------------------------------------ */

START_TEST(vehicles_fit_their_spots_and_overflow_only_when_allowed)
{
    dk_park_config c = base_config();
    dk_park_t *p = must_lot(&c);
    int f = must_floor(p);
    int large = must_spot(p, f, DK_PARK_SPOT_LARGE, 5);
    int ev = must_spot(p, f, DK_PARK_SPOT_EV, 50);
    int spot = -1;
    dk_error err = {0};
    ck_assert_int_eq(dk_park_enter(p, DK_PARK_CAR, NULL, NULL, &err), DK_EFULL);
    ck_assert_ptr_nonnull(strstr(err.message, "overflow is off"));
    invariants(p);
    must_enter(p, DK_PARK_EV, &spot);
    ck_assert_int_eq(spot, ev);
    dk_park_free(p);

    c.overflow = 1;
    p = must_lot(&c);
    f = must_floor(p);
    large = must_spot(p, f, DK_PARK_SPOT_LARGE, 5);
    must_spot(p, f, DK_PARK_SPOT_ACCESSIBLE, 1);
    must_enter(p, DK_PARK_CAR, &spot);
    ck_assert_int_eq(spot, large); /* never the accessible one */
    ck_assert_int_eq(dk_park_enter(p, DK_PARK_TRUCK, NULL, NULL, NULL), DK_EFULL);
    ck_assert_int_eq(dk_park_available(p, f, DK_PARK_SPOT_ACCESSIBLE), 1);
    ck_assert_int_eq(dk_park_available(p, f, DK_PARK_SPOT_LARGE), 0);
    ck_assert_int_eq(dk_park_occupied(p), 1);
    dk_park_free(p);
    ck_assert_int_eq(dk_park_fits(DK_PARK_TRUCK, DK_PARK_SPOT_COMPACT), 0);
    ck_assert_int_eq(dk_park_fits(DK_PARK_MOTORCYCLE, DK_PARK_SPOT_LARGE), 1);
    ck_assert_int_eq(dk_park_fits(DK_PARK_EV, DK_PARK_SPOT_EV), 2);
}
END_TEST

/* A two-floor lot where each strategy picks a different spot for a motorcycle:
 * floor 0: large at 1, compact at 9; floor 1: motorcycle at 20, compact at 0. */
static int pick_for(dk_park_strategy s, dk_park_choose_fn choose)
{
    dk_park_config c = base_config();
    c.strategy = s;
    c.choose = choose;
    c.overflow = 1;
    dk_park_t *p = must_lot(&c);
    int f0 = must_floor(p), f1 = must_floor(p);
    must_spot(p, f0, DK_PARK_SPOT_LARGE, 1);
    must_spot(p, f0, DK_PARK_SPOT_COMPACT, 9);
    must_spot(p, f1, DK_PARK_SPOT_MOTORCYCLE, 20);
    must_spot(p, f1, DK_PARK_SPOT_COMPACT, 0);
    int spot = -1;
    must_enter(p, DK_PARK_MOTORCYCLE, &spot);
    dk_park_free(p);
    return spot;
}

/* Takes the candidate farthest from the entrance. */
static int farthest(void *ud, dk_park_vehicle v, const dk_park_candidate *c, size_t n)
{
    (void)ud;
    ck_assert_int_eq(v, DK_PARK_MOTORCYCLE);
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (c[i].distance > c[best].distance)
            best = i;
    return (int)best;
}

static int out_of_range(void *ud, dk_park_vehicle v, const dk_park_candidate *c, size_t n)
{
    (void)ud, (void)v, (void)c;
    return (int)n;
}

START_TEST(each_strategy_picks_its_spot)
{
    ck_assert_int_eq(pick_for(DK_PARK_NEAREST, NULL), 3);      /* distance 0 */
    ck_assert_int_eq(pick_for(DK_PARK_LOWEST_FLOOR, NULL), 0); /* floor 0, distance 1 */
    ck_assert_int_eq(pick_for(DK_PARK_BEST_FIT, NULL), 2);     /* its own type */
    ck_assert_int_eq(pick_for(DK_PARK_CALLBACK, farthest), 2); /* distance 20 */
    dk_park_config c = base_config();
    c.strategy = DK_PARK_CALLBACK;
    c.choose = out_of_range;
    dk_park_t *p = must_lot(&c);
    must_spot(p, must_floor(p), DK_PARK_SPOT_COMPACT, 0);
    dk_error err = {0};
    ck_assert_int_eq(dk_park_enter(p, DK_PARK_CAR, NULL, NULL, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "chose 1 of 1"));
    invariants(p);
    dk_park_free(p);
}
END_TEST

START_TEST(taken_spots_and_floors_are_not_removed)
{
    dk_park_config c = base_config();
    dk_park_t *p = must_lot(&c);
    int f0 = must_floor(p), f1 = must_floor(p);
    int a = must_spot(p, f0, DK_PARK_SPOT_COMPACT, 1);
    int b = must_spot(p, f1, DK_PARK_SPOT_COMPACT, 2);
    must_spot(p, f1, DK_PARK_SPOT_EV, 3);
    int spot = -1;
    int t = must_enter(p, DK_PARK_CAR, &spot);
    ck_assert_int_eq(spot, a);
    dk_error err = {0};
    ck_assert_int_eq(dk_park_remove_spot(p, a, &err), DK_ESTATE);
    ck_assert_ptr_nonnull(strstr(err.message, "spot 0 is taken"));
    ck_assert_int_eq(dk_park_remove_floor(p, f0, &err), DK_ESTATE);
    invariants(p);
    ck_assert_int_eq(dk_park_remove_spot(p, b, NULL), DK_OK);
    invariants(p);
    ck_assert_int_eq(dk_park_remove_spot(p, b, NULL), DK_ENOTFOUND);
    ck_assert_int_eq(dk_park_available(p, -1, -1), 1);
    ck_assert_int_eq(dk_park_remove_floor(p, f1, NULL), DK_OK);
    invariants(p);
    ck_assert_int_eq(dk_park_available(p, -1, -1), 0);
    ck_assert_int_eq(dk_park_add_spot(p, f1, DK_PARK_SPOT_COMPACT, 1, NULL, &err), DK_ENOTFOUND);
    ck_assert_int_eq(dk_park_pay(p, t, 10000, NULL, NULL), DK_OK);
    ck_assert_int_eq(dk_park_exit(p, t, NULL), DK_OK);
    ck_assert_int_eq(dk_park_remove_floor(p, f0, NULL), DK_OK);
    invariants(p);
    ck_assert_int_eq(dk_park_occupied(p), 0);
    dk_park_free(p);
}
END_TEST

START_TEST(bad_input_is_refused_naming_the_fault)
{
    dk_error err = {0};
    dk_park_config c = base_config();
    c.fees[DK_PARK_TRUCK].tiers[1].up_to = 1; /* does not grow */
    ck_assert_ptr_null(dk_park_new(&c, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "fees.truck: tier 2"));
    c = base_config();
    c.fees[DK_PARK_CAR].tiers[0].rate = -1;
    ck_assert_ptr_null(dk_park_new(&c, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "fees.car: tier 1: rate"));
    c = base_config();
    c.fees[DK_PARK_EV].tiers[0].up_to = 0; /* 0 before the last tier */
    ck_assert_ptr_null(dk_park_new(&c, &err));
    c = base_config();
    c.lost_fee = -5;
    ck_assert_ptr_null(dk_park_new(&c, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "lost_fee"));
    c = base_config();
    c.strategy = DK_PARK_CALLBACK;
    ck_assert_ptr_null(dk_park_new(&c, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "choose"));
    c = base_config();
    dk_park_t *p = must_lot(&c);
    ck_assert_int_eq(dk_park_add_spot(p, 0, DK_PARK_SPOT_COMPACT, 1, NULL, &err), DK_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "no floor 0"));
    int f = must_floor(p);
    ck_assert_int_eq(dk_park_add_spot(p, f, DK_PARK_SPOT_TYPES, 1, NULL, &err), DK_EINVAL);
    ck_assert_int_eq(dk_park_add_spot(p, f, DK_PARK_SPOT_COMPACT, -1, NULL, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "distance"));
    ck_assert_int_eq(dk_park_enter(p, DK_PARK_VEHICLES, NULL, NULL, &err), DK_EINVAL);
    ck_assert_int_eq(dk_park_advance(p, -1, &err), DK_EINVAL);
    ck_assert_int_eq(dk_park_remove_floor(p, 7, &err), DK_ENOTFOUND);
    invariants(p);
    dk_park_spot_type t;
    dk_park_vehicle v;
    dk_park_strategy s;
    ck_assert_int_eq(dk_park_spot_type_parse("ev", &t), DK_OK);
    ck_assert_int_eq(t, DK_PARK_SPOT_EV);
    ck_assert_int_eq(dk_park_vehicle_parse("bus", &v), DK_ENOTFOUND);
    ck_assert_int_eq(dk_park_strategy_parse("best_fit", &s), DK_OK);
    ck_assert_int_eq(s, DK_PARK_BEST_FIT);
    dk_park_free(p);
    dk_park_free(NULL);
}
END_TEST

/* ---- several gates at once ----------------------------------------------------------------- */

#define GATES 4
#define ROUNDS 300

typedef struct gate {
    dk_park_t *lot;
    int parked, full;
    unsigned seed;
} gate;

static void *gate_run(void *arg)
{
    gate *g = arg;
    int mine[8], n = 0;
    for (int r = 0; r < ROUNDS; r++) {
        g->seed = g->seed * 1103515245u + 12345u;
        if (n < 8 && (g->seed >> 16) % 3 != 0) {
            int t = -1;
            dk_status st =
                dk_park_enter(g->lot, (dk_park_vehicle)((g->seed >> 8) % 5), &t, NULL, NULL);
            if (st == DK_OK) {
                mine[n++] = t;
                g->parked++;
            } else {
                g->full++;
            }
        } else if (n > 0) {
            int t = mine[--n];
            if ((g->seed >> 20) % 4 == 0)
                dk_park_lose(g->lot, t, NULL);
            /* The clock thread may move time on between the quote and the payment, and the
             * fee with it: pay well over the quote, as the last loop does. */
            int64_t fee = 0;
            if (dk_park_quote(g->lot, t, &fee, NULL) != DK_OK ||
                dk_park_pay(g->lot, t, fee + 1000000, NULL, NULL) != DK_OK ||
                dk_park_exit(g->lot, t, NULL) != DK_OK)
                return (void *)1;
        }
        if (r % 50 == 0)
            dk_park_available(g->lot, -1, -1);
    }
    while (n > 0) {
        int t = mine[--n];
        if (dk_park_pay(g->lot, t, 1000000, NULL, NULL) != DK_OK ||
            dk_park_exit(g->lot, t, NULL) != DK_OK)
            return (void *)1;
    }
    return NULL;
}

/* Advances the lot's clock while the gates work, so fees are not all zero. */
static void *clock_run(void *arg)
{
    for (int i = 0; i < ROUNDS; i++)
        dk_park_advance(arg, 7 * MIN, NULL);
    return NULL;
}

START_TEST(gates_in_threads_keep_the_invariants)
{
    dk_park_config c = base_config();
    c.overflow = 1;
    c.strategy = DK_PARK_BEST_FIT;
    dk_park_t *p = must_lot(&c);
    int spots = 0;
    for (int f = 0; f < 3; f++) {
        int fl = must_floor(p);
        for (int t = 0; t < DK_PARK_SPOT_TYPES; t++, spots++)
            must_spot(p, fl, (dk_park_spot_type)t, t * 3 + f);
    }
    gate gates[GATES];
    pthread_t th[GATES + 1];
    for (int i = 0; i < GATES; i++) {
        gate g = {p, 0, 0, (unsigned)(i * 7919 + 1)};
        gates[i] = g;
        ck_assert_int_eq(pthread_create(&th[i], NULL, gate_run, &gates[i]), 0);
    }
    ck_assert_int_eq(pthread_create(&th[GATES], NULL, clock_run, p), 0);
    int parked = 0, full = 0;
    for (int i = 0; i <= GATES; i++) {
        void *rc = NULL;
        ck_assert_int_eq(pthread_join(th[i], &rc), 0);
        ck_assert_ptr_null(rc);
        if (i < GATES) {
            parked += gates[i].parked;
            full += gates[i].full;
        }
    }
    invariants(p);
    ck_assert_int_gt(parked, spots); /* the spots were reused */
    ck_assert_int_gt(full, 0);       /* and the lot filled up */
    ck_assert_int_eq(dk_park_occupied(p), 0);
    ck_assert_int_eq(dk_park_available(p, -1, -1), spots);
    ck_assert_int_gt(dk_park_revenue(p), 0);
    dk_park_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("parking");
    TCase *tc = tcase_create("fees and tickets");
    tcase_add_test(tc, fees_match_hand_computed_stays);
    tcase_add_test(tc, a_ticket_is_paid_once_and_lost_costs_more);
    tcase_add_test(tc, the_clock_is_injectable);
    suite_add_tcase(s, tc);
    tc = tcase_create("spots and strategies");
    tcase_add_test(tc, vehicles_fit_their_spots_and_overflow_only_when_allowed);
    tcase_add_test(tc, each_strategy_picks_its_spot);
    tcase_add_test(tc, taken_spots_and_floors_are_not_removed);
    tcase_add_test(tc, bad_input_is_refused_naming_the_fault);
    suite_add_tcase(s, tc);
    tc = tcase_create("threads");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, gates_in_threads_keep_the_invariants);
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
