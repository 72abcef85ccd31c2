/* snakes.h - snakes and ladders: a validated board, games with seeded or scripted dice and rule
 * variants, and the expected length of a game, exactly (absorbing Markov chain) and by
 * Monte Carlo. */
#ifndef DESIGNKIT_SNAKES_H
#define DESIGNKIT_SNAKES_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DK_SNAKES_MAX_SIZE 1000 /* squares; the exact solve is O(size^3) */
#define DK_SNAKES_MAX_PLAYERS 64
#define DK_SNAKES_MAX_DIE 20 /* faces */

/* What a roll that would pass the last square does. */
typedef enum dk_snakes_finish {
    DK_SNAKES_EXACT,    /* the player stays put: the finish needs the exact number */
    DK_SNAKES_BOUNCE,   /* the player walks back the squares left over */
    DK_SNAKES_OVERSHOOT /* reaching or passing the last square wins */
} dk_snakes_finish;

const char *dk_snakes_finish_name(dk_snakes_finish f); /* "exact", "bounce", "overshoot" */
dk_status dk_snakes_finish_parse(const char *name, dk_snakes_finish *f); /* DK_ENOTFOUND */

/* A ladder (to > from) or a snake (to < from). */
typedef struct dk_snakes_jump {
    int from, to;
} dk_snakes_jump;

/* A board as the caller describes it (borrowed for dk_snakes_board_new, which copies it).
 * Squares are 1..size; players start off the board, on square 0, and win on square `size`. */
typedef struct dk_snakes_config {
    int size; /* 2 .. DK_SNAKES_MAX_SIZE */
    const dk_snakes_jump *ladders;
    size_t nladders;
    const dk_snakes_jump *snakes;
    size_t nsnakes;
    dk_snakes_finish finish;
    int die;                /* faces, 2 .. DK_SNAKES_MAX_DIE; 0 means 6 */
    int extra_turn_on_top;  /* rolling the top face (a six) gives another roll */
    int three_tops_forfeit; /* the third top face in a row ends the turn where it began
                             * (needs extra_turn_on_top) */
} dk_snakes_config;

typedef struct dk_snakes_board dk_snakes_board_t;

/*
 * dk_snakes_board_new - a validated copy of `cfg` the caller frees with dk_snakes_board_free.
 * NULL with `err` naming what is wrong: a size out of range (DK_ERANGE); a jump off the board,
 * from square 0 or from the last square, a ladder that goes down or a snake that goes up, two
 * jumps from one square, a cycle of jumps (DK_EINVAL); a square the players can reach from
 * which the finish cannot be reached, so a game might never end (DK_EINVAL, naming the
 * square); DK_ENOMEM.
 */
dk_snakes_board_t *dk_snakes_board_new(const dk_snakes_config *cfg, dk_error *err);
void dk_snakes_board_free(dk_snakes_board_t *b); /* NULL is a no-op */

int dk_snakes_board_size(const dk_snakes_board_t *b);
int dk_snakes_board_die(const dk_snakes_board_t *b);
dk_snakes_finish dk_snakes_board_finish(const dk_snakes_board_t *b);
/* Where a player landing on `square` ends up after every jump in a chain (a snake's tail on a
 * ladder's foot climbs it); `square` itself when no jump starts there. */
int dk_snakes_board_follow(const dk_snakes_board_t *b, int square);

/*
 * dk_snakes_expected_rolls - the expected number of rolls a lone player needs to finish, exactly:
 * the squares are the states of an absorbing Markov chain, and the expected rolls to absorption
 * E solve (I - Q) E = r (Gaussian elimination with partial pivoting on the squares the player
 * can reach). With the three-tops rule a state is the square where a turn begins and a step is
 * a whole turn (up to three rolls), its reward the rolls it takes. The Milton Bradley board
 * with an exact finish gives 39.2251. DK_ENOMEM, or DK_EINTERNAL if the system is singular
 * (it cannot be, for a validated board).
 */
dk_status dk_snakes_expected_rolls(const dk_snakes_board_t *b, double *rolls, dk_error *err);

/* The result of a Monte Carlo estimate: the mean rolls of `games` lone-player games and its
 * 95% confidence interval (mean +- 1.96 s / sqrt(games)). */
typedef struct dk_snakes_estimate {
    size_t games;
    double mean, sd, ci_lo, ci_hi;
} dk_snakes_estimate;

/* Plays `games` (>= 2) lone-player games with dice seeded by `seed`. DK_EINVAL for fewer than
 * two games; DK_ELIMIT when a game passes `max_rolls` (0: 1e6). Allocates nothing. */
dk_status dk_snakes_simulate(const dk_snakes_board_t *b, uint64_t seed, size_t games,
                             size_t max_rolls, dk_snakes_estimate *out, dk_error *err);

/* ---- games ---------------------------------------------------------------------------------- */

/* What happened on one roll (flags). */
enum {
    DK_SNAKES_LADDER = 1 << 0,  /* climbed at least one ladder */
    DK_SNAKES_SNAKE = 1 << 1,   /* slid down at least one snake */
    DK_SNAKES_BOUNCED = 1 << 2, /* walked back from the last square (bounce) */
    DK_SNAKES_BLOCKED = 1 << 3, /* overshot with an exact finish: did not move */
    DK_SNAKES_EXTRA = 1 << 4,   /* rolled the top face: rolls again */
    DK_SNAKES_FORFEIT = 1 << 5, /* third top face in a row: back where the turn began */
    DK_SNAKES_FINISHED = 1 << 6 /* reached the last square */
};

typedef struct dk_snakes_move {
    size_t turn; /* 1-based; extra rolls share their turn */
    int player;  /* 0-based */
    int roll;    /* 1 .. die */
    int from;    /* square before the roll */
    int landed;  /* square the die counted to (after a bounce, before jumps) */
    int to;      /* square after every jump */
    int jumps;   /* jumps taken in the chain */
    unsigned flags;
} dk_snakes_move;

typedef struct dk_snakes_game dk_snakes_game_t;

/*
 * dk_snakes_game_new - a game of `players` (1 .. DK_SNAKES_MAX_PLAYERS) on `b` (borrowed: it
 * must outlive the game), all off the board, with dice seeded by `seed`. Players take turns in
 * order; a finished player is ranked and skipped; the game is over when every player is
 * ranked but the last (who is ranked last), or when the only player finishes. Caller frees with
 * dk_snakes_game_free. NULL with `err` (DK_EINVAL for the count, DK_ENOMEM).
 */
dk_snakes_game_t *dk_snakes_game_new(const dk_snakes_board_t *b, int players, uint64_t seed,
                                     dk_error *err);
void dk_snakes_game_free(dk_snakes_game_t *g); /* NULL is a no-op */

/* Scripted dice: the next rolls come from `rolls[n]` (copied), in order, instead of the seeded
 * generator; when they run out, a roll fails with DK_ESTATE. Each must be 1 .. die
 * (DK_EINVAL naming its position). */
dk_status dk_snakes_game_script(dk_snakes_game_t *g, const int *rolls, size_t n, dk_error *err);

/* One roll of the player whose turn it is, appended to the log and copied to `*move` (may be
 * NULL). DK_ESTATE when the game is over or the script ran out; DK_ENOMEM. */
dk_status dk_snakes_game_roll(dk_snakes_game_t *g, dk_snakes_move *move, dk_error *err);

/* Rolls until the game is over. DK_ELIMIT when the log passes `max_rolls` (0: 1e6), or what
 * a roll returned. */
dk_status dk_snakes_game_play(dk_snakes_game_t *g, size_t max_rolls, dk_error *err);

int dk_snakes_game_over(const dk_snakes_game_t *g);
int dk_snakes_game_players(const dk_snakes_game_t *g);
int dk_snakes_game_position(const dk_snakes_game_t *g, int player); /* -1 out of range */
/* How many players are ranked, and who came `place`-th (0-based; -1 when not decided). */
int dk_snakes_game_ranked(const dk_snakes_game_t *g);
int dk_snakes_game_rank(const dk_snakes_game_t *g, int place);
/* The move log: every roll so far, in order. Borrowed until the next roll or free. */
size_t dk_snakes_game_log_size(const dk_snakes_game_t *g);
const dk_snakes_move *dk_snakes_game_log(const dk_snakes_game_t *g);

#ifdef __cplusplus
}
#endif
#endif
