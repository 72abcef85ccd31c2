/* areas: base lld */
/* test_snakes.c - snakes and ladders: the board's validation, games under every rule, and the
 * expected game length against the published figure, an independent value iteration and
 * Monte Carlo. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/snakes.h"

/* The Milton Bradley board (1943) as the issue gives it. */
static const dk_snakes_jump mb_ladders[] = {{1, 38},  {4, 14},  {9, 31},  {21, 42}, {28, 84},
                                            {36, 44}, {51, 67}, {71, 91}, {80, 100}};
static const dk_snakes_jump mb_snakes[] = {{16, 6},  {47, 26}, {49, 11}, {56, 53}, {62, 19},
                                           {64, 60}, {87, 24}, {93, 73}, {95, 75}, {98, 78}};

static dk_snakes_config mb_config(dk_snakes_finish finish)
{
    dk_snakes_config c = {100, mb_ladders, 9, mb_snakes, 10, finish, 6, 0, 0};
    return c;
}

static dk_snakes_board_t *must_board(const dk_snakes_config *c)
{
    dk_error err;
    dk_snakes_board_t *b = dk_snakes_board_new(c, &err);
    ck_assert_msg(b != NULL, "board refused: %s", b ? "" : err.message);
    return b;
}

/* ---- an independent reference: value iteration over (square, turn start, tops in a row) ---- */

typedef struct ref_board {
    int size, die, finish, extra, forfeit;
    int jump[1001];
} ref_board;

static ref_board ref_of(const dk_snakes_config *c)
{
    ref_board r;
    memset(&r, 0, sizeof r);
    r.size = c->size;
    r.die = c->die ? c->die : 6;
    r.finish = (int)c->finish;
    r.extra = c->extra_turn_on_top;
    r.forfeit = c->three_tops_forfeit;
    for (size_t i = 0; i < c->nladders; i++)
        r.jump[c->ladders[i].from] = c->ladders[i].to;
    for (size_t i = 0; i < c->nsnakes; i++)
        r.jump[c->snakes[i].from] = c->snakes[i].to;
    return r;
}

/* The square after rolling d from s, the rules written out again. */
static int ref_move(const ref_board *r, int s, int d)
{
    int t = s + d;
    if (t > r->size)
        t = r->finish == DK_SNAKES_EXACT    ? s
            : r->finish == DK_SNAKES_BOUNCE ? 2 * r->size - t
                                            : r->size;
    while (r->jump[t] != 0)
        t = r->jump[t];
    return t;
}

/* Expected rolls from the start, by Gauss-Seidel sweeps of E = 1 + mean over d of E[next] on
 * the full state (square, square the turn began on, tops so far) until nothing moves. */
static double ref_expected(const ref_board *r)
{
    int n = r->size, starts = r->forfeit ? n : 1, tops = r->forfeit ? 3 : 1;
    size_t cells = (size_t)n * (size_t)starts * (size_t)tops;
    double *e = calloc(cells, sizeof *e);
#define E(s, st, k) e[((size_t)(s) * (size_t)starts + (size_t)(st)) * (size_t)tops + (size_t)(k)]
    for (int sweep = 0; sweep < 200000; sweep++) {
        double change = 0;
        for (int s = 0; s < n; s++)
            for (int st = 0; st < starts; st++)
                for (int k = 0; k < tops; k++) {
                    double v = 1;
                    for (int d = 1; d <= r->die; d++) {
                        int q = ref_move(r, s, d);
                        double next;
                        if (r->forfeit && d == r->die && k + 1 == 3)
                            next = E(st, st, 0);
                        else if (q == r->size)
                            next = 0;
                        else if (r->forfeit && d == r->die)
                            next = E(q, st, k + 1);
                        else
                            next = r->forfeit ? E(q, q, 0) : E(q, 0, 0);
                        v += next / r->die;
                    }
                    change = fmax(change, fabs(v - E(s, st, k)));
                    E(s, st, k) = v;
                }
        if (change < 1e-12)
            break;
    }
    double out = E(0, 0, 0);
#undef E
    free(e);
    return out;
}

/* ---- the expected length ---- */

START_TEST(milton_bradley_lasts_39_2251_rolls)
{
    dk_snakes_config c = mb_config(DK_SNAKES_EXACT);
    dk_snakes_board_t *b = must_board(&c);
    double rolls = 0;
    ref_board r = ref_of(&c);
    ck_assert_int_eq(dk_snakes_expected_rolls(b, &rolls, NULL), DK_OK);
    /* the published figure, to its four decimals */
    ck_assert_msg(fabs(rolls - 39.2251) < 0.5e-4, "expected %.6f, published 39.2251", rolls);
    double want = ref_expected(&r);
    ck_assert_msg(fabs(rolls - want) < 1e-8, "Markov %.10f, value iteration %.10f", rolls, want);
    dk_snakes_board_free(b);
}
END_TEST

START_TEST(monte_carlo_agrees_within_its_interval)
{
    dk_snakes_config c = mb_config(DK_SNAKES_EXACT);
    dk_snakes_board_t *b = must_board(&c);
    dk_snakes_estimate est;
    double exact;
    dk_snakes_expected_rolls(b, &exact, NULL);
    ck_assert_int_eq(dk_snakes_simulate(b, 1, 100000, 0, &est, NULL), DK_OK);
    ck_assert_msg(est.ci_lo <= exact && exact <= est.ci_hi, "exact %.4f outside [%.4f, %.4f]",
                  exact, est.ci_lo, est.ci_hi);
    ck_assert_msg(est.ci_hi - est.ci_lo < 0.5, "interval too wide: [%.4f, %.4f]", est.ci_lo,
                  est.ci_hi);
    dk_snakes_board_free(b);
}
END_TEST

/* Every finish rule, extra turns and the three-sixes rule against the reference, on the
 * Milton Bradley board and on a small board with a bounce into a snake. */
START_TEST(variants_match_the_reference)
{
    static const dk_snakes_jump small_ladders[] = {{2, 9}, {5, 14}};
    static const dk_snakes_jump small_snakes[] = {{17, 3}, {19, 11}, {13, 4}};
    for (int board = 0; board < 2; board++)
        for (int finish = 0; finish < 3; finish++)
            for (int rule = 0; rule < 3; rule++) {
                dk_snakes_config c = mb_config((dk_snakes_finish)finish);
                if (board == 1) {
                    c = (dk_snakes_config){
                        20, small_ladders, 2, small_snakes, 3, (dk_snakes_finish)finish, 4, 0, 0};
                } else if (rule == 2) {
                    continue; /* the full reference state is 30000 cells here: too slow */
                }
                c.extra_turn_on_top = rule >= 1;
                c.three_tops_forfeit = rule == 2;
                dk_snakes_board_t *b = must_board(&c);
                ref_board r = ref_of(&c);
                double got, want = ref_expected(&r);
                ck_assert_int_eq(dk_snakes_expected_rolls(b, &got, NULL), DK_OK);
                ck_assert_msg(fabs(got - want) < 1e-7 * want,
                              "board %d finish %d rule %d: %.10f, reference %.10f", board, finish,
                              rule, got, want);
                dk_snakes_board_free(b);
            }
}
END_TEST

START_TEST(forfeit_monte_carlo_agrees)
{
    dk_snakes_config c = mb_config(DK_SNAKES_BOUNCE);
    c.extra_turn_on_top = c.three_tops_forfeit = 1;
    dk_snakes_board_t *b = must_board(&c);
    dk_snakes_estimate est;
    double exact;
    ck_assert_int_eq(dk_snakes_expected_rolls(b, &exact, NULL), DK_OK);
    ck_assert_int_eq(dk_snakes_simulate(b, 7, 100000, 0, &est, NULL), DK_OK);
    ck_assert_msg(est.ci_lo <= exact && exact <= est.ci_hi, "exact %.4f outside [%.4f, %.4f]",
                  exact, est.ci_lo, est.ci_hi);
    dk_snakes_board_free(b);
}
END_TEST

/* ---- validation ---- */

static void refused(const dk_snakes_config *c, dk_status want, const char *text)
{
    dk_error err;
    dk_error_clear(&err);
    dk_snakes_board_t *b = dk_snakes_board_new(c, &err);
    ck_assert_ptr_null(b);
    ck_assert_msg(err.status == want, "status %d, want %d (%s)", err.status, want, err.message);
    ck_assert_msg(strstr(err.message, text) != NULL, "message \"%s\" lacks \"%s\"", err.message,
                  text);
}

START_TEST(bad_boards_are_refused_naming_the_fault)
{
    dk_snakes_jump j[3];
    dk_snakes_config c = {100, NULL, 0, NULL, 0, DK_SNAKES_EXACT, 6, 0, 0};

    c.size = 0;
    refused(&c, DK_ERANGE, "size must be between 2 and 1000 squares (got 0)");
    c.size = -5;
    refused(&c, DK_ERANGE, "(got -5)");
    c.size = 1001;
    refused(&c, DK_ERANGE, "(got 1001)");
    c.size = 4;
    refused(&c, DK_ERANGE, "die must have");
    c.size = 100;
    c.die = 1;
    refused(&c, DK_ERANGE, "(got 1)");
    c.die = 6;
    c.finish = (dk_snakes_finish)7;
    refused(&c, DK_EINVAL, "unknown finish rule");
    c.finish = DK_SNAKES_EXACT;

    c.snakes = j;
    c.nsnakes = 1;
    j[0] = (dk_snakes_jump){100, 5};
    refused(&c, DK_EINVAL, "snake 100 -> 5 starts on the last square");
    j[0] = (dk_snakes_jump){5, 50};
    refused(&c, DK_EINVAL, "snake 5 -> 50 goes up");
    j[0] = (dk_snakes_jump){0, 0};
    refused(&c, DK_EINVAL, "snake 0 -> 0 is off the board (squares are 1 to 100)");
    j[0] = (dk_snakes_jump){50, 101};
    refused(&c, DK_EINVAL, "off the board");
    c.snakes = NULL;
    c.nsnakes = 0;

    c.ladders = j;
    c.nladders = 1;
    j[0] = (dk_snakes_jump){40, 30};
    refused(&c, DK_EINVAL, "ladder 40 -> 30 goes down");
    c.nladders = 2;
    j[0] = (dk_snakes_jump){10, 30};
    j[1] = (dk_snakes_jump){10, 40};
    refused(&c, DK_EINVAL, "ladder 10 -> 40: a jump already starts on square 10");
    /* a ladder and a snake on one square */
    c.nladders = 1;
    c.snakes = j + 1;
    c.nsnakes = 1;
    j[1] = (dk_snakes_jump){10, 2};
    refused(&c, DK_EINVAL, "a jump already starts on square 10");
    /* a cycle: up from 10 to 30, down from 30 to 10 */
    j[1] = (dk_snakes_jump){30, 10};
    refused(&c, DK_EINVAL, "jumps form a cycle");

    /* the last six squares before an exact finish are all snakes: no way in */
    dk_snakes_jump wall[6];
    for (int i = 0; i < 6; i++)
        wall[i] = (dk_snakes_jump){99 - i, 10};
    c.ladders = NULL;
    c.nladders = 0;
    c.snakes = wall;
    c.nsnakes = 6;
    refused(&c, DK_EINVAL, "the finish cannot be reached from the start");
    c.nsnakes = 5; /* 95 .. 99: a six from 94 still finishes */
    dk_snakes_board_free(must_board(&c));
    /* a trap the start can avoid: from 15 both rolls of a two-faced die slide back to 15 */
    static const dk_snakes_jump up[] = {{3, 15}, {4, 18}};
    static const dk_snakes_jump down[] = {{16, 15}, {17, 15}};
    c = (dk_snakes_config){20, up, 2, down, 2, DK_SNAKES_EXACT, 2, 0, 0};
    refused(&c, DK_EINVAL, "the finish cannot be reached from square 15");

    c = (dk_snakes_config){100, NULL, 0, NULL, 0, DK_SNAKES_EXACT, 6, 0, 1};
    refused(&c, DK_EINVAL, "three_sixes_forfeit needs extra_turn_on_six");
    ck_assert_ptr_null(dk_snakes_board_new(NULL, NULL));
    c.ladders = NULL;
    c.nladders = 2;
    c.three_tops_forfeit = 0;
    refused(&c, DK_EINVAL, "the list is missing");
}
END_TEST

START_TEST(chains_of_jumps_are_followed)
{
    /* a snake's tail at a ladder's foot, and a ladder onto a snake's head */
    static const dk_snakes_jump ladders[] = {{10, 30}, {3, 15}};
    static const dk_snakes_jump snakes[] = {{20, 10}, {15, 4}};
    dk_snakes_config c = {40, ladders, 2, snakes, 2, DK_SNAKES_EXACT, 6, 0, 0};
    dk_snakes_board_t *b = must_board(&c);
    ck_assert_int_eq(dk_snakes_board_follow(b, 20), 30);
    ck_assert_int_eq(dk_snakes_board_follow(b, 3), 4);
    ck_assert_int_eq(dk_snakes_board_follow(b, 7), 7);

    dk_snakes_game_t *g = dk_snakes_game_new(b, 1, 0, NULL);
    static const int rolls[] = {3, 6, 6, 4};
    dk_snakes_move m;
    ck_assert_int_eq(dk_snakes_game_script(g, rolls, 4, NULL), DK_OK);
    ck_assert_int_eq(dk_snakes_game_roll(g, &m, NULL), DK_OK); /* 0 -> 3 -> 15 -> 4 */
    ck_assert_int_eq(m.landed, 3);
    ck_assert_int_eq(m.to, 4);
    ck_assert_int_eq(m.jumps, 2);
    ck_assert_uint_eq(m.flags, DK_SNAKES_LADDER | DK_SNAKES_SNAKE);
    dk_snakes_game_roll(g, &m, NULL); /* 4 -> 10 -> 30 */
    ck_assert_int_eq(m.to, 30);
    ck_assert_uint_eq(m.flags, DK_SNAKES_LADDER);
    dk_snakes_game_roll(g, &m, NULL); /* 30 -> 36 */
    dk_snakes_game_roll(g, &m, NULL); /* 36 -> 40: wins */
    ck_assert_int_eq(m.to, 40);
    ck_assert(m.flags & DK_SNAKES_FINISHED);
    ck_assert(dk_snakes_game_over(g));
    ck_assert_int_eq(dk_snakes_game_rank(g, 0), 0);
    ck_assert_int_eq(dk_snakes_game_roll(g, &m, NULL), DK_ESTATE);
    dk_snakes_game_free(g);
    dk_snakes_board_free(b);
}
END_TEST

/* ---- games ---- */

/* Plays `rolls` on a bare board of 12 squares with `players` and rule settings; returns it. */
static dk_snakes_game_t *scripted(dk_snakes_board_t **b, dk_snakes_finish finish, int extra,
                                  int forfeit, int players, const int *rolls, size_t n)
{
    dk_snakes_config c = {12, NULL, 0, NULL, 0, finish, 6, extra, forfeit};
    *b = must_board(&c);
    dk_snakes_game_t *g = dk_snakes_game_new(*b, players, 0, NULL);
    ck_assert_int_eq(dk_snakes_game_script(g, rolls, n, NULL), DK_OK);
    return g;
}

START_TEST(finish_rules_differ_past_the_end)
{
    static const int rolls[] = {6, 4, 5};
    dk_snakes_board_t *b;
    dk_snakes_move m;
    dk_snakes_game_t *g = scripted(&b, DK_SNAKES_EXACT, 0, 0, 1, rolls, 3);
    dk_snakes_game_roll(g, &m, NULL); /* 6 */
    dk_snakes_game_roll(g, &m, NULL); /* 10 */
    dk_snakes_game_roll(g, &m, NULL); /* 15 > 12: stays on 10 */
    ck_assert_int_eq(m.to, 10);
    ck_assert_uint_eq(m.flags, DK_SNAKES_BLOCKED);
    dk_snakes_game_free(g);
    dk_snakes_board_free(b);

    g = scripted(&b, DK_SNAKES_BOUNCE, 0, 0, 1, rolls, 3);
    dk_snakes_game_play(g, 0, NULL);
    ck_assert_int_eq(dk_snakes_game_position(g, 0), 9); /* 10 + 5 = 15: back 3 from 12 */
    ck_assert_uint_eq(dk_snakes_game_log(g)[2].flags, DK_SNAKES_BOUNCED);
    dk_snakes_game_free(g);
    dk_snakes_board_free(b);

    g = scripted(&b, DK_SNAKES_OVERSHOOT, 0, 0, 1, rolls, 3);
    ck_assert_int_eq(dk_snakes_game_play(g, 0, NULL), DK_OK);
    ck_assert(dk_snakes_game_over(g));
    ck_assert_int_eq(dk_snakes_game_position(g, 0), 12);
    dk_snakes_game_free(g);
    dk_snakes_board_free(b);
}
END_TEST

START_TEST(players_take_turns_and_are_ranked)
{
    /* three players on 12 squares, overshoot: C wins first, then A; B is last */
    static const int rolls[] = {5, 1, 6, 5, 1, 6, 3, 2};
    dk_snakes_board_t *b;
    dk_error err;
    dk_snakes_game_t *g = scripted(&b, DK_SNAKES_OVERSHOOT, 0, 0, 3, rolls, 8);
    ck_assert_int_eq(dk_snakes_game_play(g, 0, &err), DK_OK);
    ck_assert_uint_eq(dk_snakes_game_log_size(g), 7); /* C wins on roll 6, A on roll 7 */
    const dk_snakes_move *log = dk_snakes_game_log(g);
    for (size_t i = 0; i < 6; i++) {
        ck_assert_int_eq(log[i].player, (int)(i % 3));
        ck_assert_uint_eq(log[i].turn, i + 1);
    }
    ck_assert_int_eq(log[6].player, 0); /* C is skipped once finished */
    ck_assert_int_eq(dk_snakes_game_ranked(g), 3);
    ck_assert_int_eq(dk_snakes_game_rank(g, 0), 2);
    ck_assert_int_eq(dk_snakes_game_rank(g, 1), 0);
    ck_assert_int_eq(dk_snakes_game_rank(g, 2), 1);
    ck_assert_int_eq(dk_snakes_game_rank(g, 3), -1);
    dk_snakes_game_free(g);
    dk_snakes_board_free(b);
}
END_TEST

START_TEST(a_six_rolls_again_and_three_forfeit)
{
    static const int rolls[] = {6, 2, 1, 6, 6, 6, 1};
    dk_snakes_board_t *b;
    dk_snakes_move m;
    dk_snakes_config c = {30, NULL, 0, NULL, 0, DK_SNAKES_EXACT, 6, 1, 1};
    b = must_board(&c);
    dk_snakes_game_t *g = dk_snakes_game_new(b, 2, 0, NULL);
    dk_snakes_game_script(g, rolls, 7, NULL);
    dk_snakes_game_roll(g, &m, NULL); /* A: 6, again */
    ck_assert_uint_eq(m.flags, DK_SNAKES_EXTRA);
    dk_snakes_game_roll(g, &m, NULL); /* A: 8 */
    ck_assert_int_eq(m.player, 0);
    ck_assert_uint_eq(m.turn, 1);
    dk_snakes_game_roll(g, &m, NULL); /* B: 1 */
    ck_assert_int_eq(m.player, 1);
    ck_assert_uint_eq(m.turn, 2);
    dk_snakes_game_roll(g, &m, NULL); /* A: 14 */
    dk_snakes_game_roll(g, &m, NULL); /* A: 20 */
    dk_snakes_game_roll(g, &m, NULL); /* A: third six: back to 8 */
    ck_assert_int_eq(m.player, 0);
    ck_assert_int_eq(m.to, 8);
    ck_assert_uint_eq(m.flags, DK_SNAKES_FORFEIT);
    dk_snakes_game_roll(g, &m, NULL);
    ck_assert_int_eq(m.player, 1);
    ck_assert_int_eq(dk_snakes_game_position(g, 0), 8);
    ck_assert_int_eq(dk_snakes_game_position(g, 1), 2);
    dk_error err;
    ck_assert_int_eq(dk_snakes_game_roll(g, &m, &err), DK_ESTATE);
    ck_assert_str_eq(err.message, "dice: the scripted rolls ran out after 7 rolls");
    dk_snakes_game_free(g);
    dk_snakes_board_free(b);
}
END_TEST

START_TEST(seeded_games_repeat)
{
    dk_snakes_config c = mb_config(DK_SNAKES_EXACT);
    dk_snakes_board_t *b = must_board(&c);
    dk_snakes_game_t *g1 = dk_snakes_game_new(b, 4, 42, NULL);
    dk_snakes_game_t *g2 = dk_snakes_game_new(b, 4, 42, NULL);
    ck_assert_int_eq(dk_snakes_game_play(g1, 0, NULL), DK_OK);
    ck_assert_int_eq(dk_snakes_game_play(g2, 0, NULL), DK_OK);
    ck_assert_uint_eq(dk_snakes_game_log_size(g1), dk_snakes_game_log_size(g2));
    ck_assert(memcmp(dk_snakes_game_log(g1), dk_snakes_game_log(g2),
                     dk_snakes_game_log_size(g1) * sizeof(dk_snakes_move)) == 0);
    /* every logged move obeys the board */
    const dk_snakes_move *log = dk_snakes_game_log(g1);
    for (size_t i = 0; i < dk_snakes_game_log_size(g1); i++) {
        ck_assert_int_ge(log[i].roll, 1);
        ck_assert_int_le(log[i].roll, 6);
        ck_assert_int_eq(log[i].to, dk_snakes_board_follow(b, log[i].landed));
    }
    ck_assert_int_eq(dk_snakes_game_ranked(g1), 4);
    dk_snakes_game_free(g1);
    dk_snakes_game_free(g2);
    dk_snakes_board_free(b);
}
END_TEST

START_TEST(bad_game_input_is_refused)
{
    dk_snakes_config c = mb_config(DK_SNAKES_EXACT);
    dk_snakes_board_t *b = must_board(&c);
    dk_error err;
    ck_assert_ptr_null(dk_snakes_game_new(b, 0, 1, &err));
    ck_assert_str_eq(err.message, "game: players must be 1 to 64 (got 0)");
    ck_assert_ptr_null(dk_snakes_game_new(b, 65, 1, &err));
    dk_snakes_game_t *g = dk_snakes_game_new(b, 2, 1, &err);
    static const int rolls[] = {3, 7};
    ck_assert_int_eq(dk_snakes_game_script(g, rolls, 2, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "dice: roll 2 must be 1 to 6 (got 7)");
    ck_assert_int_eq(dk_snakes_game_play(g, 3, &err), DK_ELIMIT);
    ck_assert_uint_eq(dk_snakes_game_log_size(g), 3);
    dk_snakes_estimate est;
    ck_assert_int_eq(dk_snakes_simulate(b, 1, 1, 0, &est, &err), DK_EINVAL);
    dk_snakes_game_free(g);
    dk_snakes_board_free(b);
}
END_TEST

START_TEST(out_of_memory_is_reported)
{
    dk_snakes_config c = mb_config(DK_SNAKES_EXACT);
    dk_error err;
    for (long n = 0; n < 2; n++) {
        dk_alloc_fail_after(n);
        ck_assert_ptr_null(dk_snakes_board_new(&c, &err));
        dk_alloc_fail_after(-1);
        ck_assert_int_eq(err.status, DK_ENOMEM);
    }
    dk_snakes_board_t *b = must_board(&c);
    double x;
    for (long n = 0; n < 3; n++) {
        dk_alloc_fail_after(n);
        ck_assert_int_eq(dk_snakes_expected_rolls(b, &x, &err), DK_ENOMEM);
        dk_alloc_fail_after(-1);
    }
    dk_snakes_game_t *g = dk_snakes_game_new(b, 2, 1, NULL);
    dk_alloc_fail_after(0);
    ck_assert_int_eq(dk_snakes_game_roll(g, NULL, &err), DK_ENOMEM);
    dk_alloc_fail_after(-1);
    ck_assert_uint_eq(dk_snakes_game_log_size(g), 0);
    ck_assert_int_eq(dk_snakes_game_position(g, 0), 0);
    dk_snakes_game_free(g);
    dk_snakes_board_free(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("snakes");
    TCase *tc = tcase_create("expected length");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, milton_bradley_lasts_39_2251_rolls);
    tcase_add_test(tc, monte_carlo_agrees_within_its_interval);
    tcase_add_test(tc, variants_match_the_reference);
    tcase_add_test(tc, forfeit_monte_carlo_agrees);
    suite_add_tcase(s, tc);
    tc = tcase_create("board");
    tcase_add_test(tc, bad_boards_are_refused_naming_the_fault);
    tcase_add_test(tc, chains_of_jumps_are_followed);
    suite_add_tcase(s, tc);
    tc = tcase_create("games");
    tcase_add_test(tc, finish_rules_differ_past_the_end);
    tcase_add_test(tc, players_take_turns_and_are_ranked);
    tcase_add_test(tc, a_six_rolls_again_and_three_forfeit);
    tcase_add_test(tc, seeded_games_repeat);
    tcase_add_test(tc, bad_game_input_is_refused);
    tcase_add_test(tc, out_of_memory_is_reported);
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
