/* snakes.c - snakes and ladders: board validation, games, and the expected game length. */
#include "designkit/snakes.h"

#include <math.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/rng.h"

static const char *const finish_names[] = {"exact", "bounce", "overshoot", NULL};

const char *dk_snakes_finish_name(dk_snakes_finish f)
{
    return (unsigned)f <= DK_SNAKES_OVERSHOOT ? finish_names[f] : "unknown";
}

dk_status dk_snakes_finish_parse(const char *name, dk_snakes_finish *f)
{
    for (int i = 0; name != NULL && finish_names[i] != NULL; i++) {
        if (strcmp(name, finish_names[i]) == 0) {
            *f = (dk_snakes_finish)i;
            return DK_OK;
        }
    }
    return DK_ENOTFOUND;
}

/* A square's jumps are followed once, at construction: `dest` is where a player who lands on
 * it ends up, `jumps` how many jumps that took and `flags` which kinds. */
typedef struct cell {
    int jump; /* the jump starting here, or 0 */
    int dest;
    int jumps;
    unsigned flags;
} cell;

struct dk_snakes_board {
    int size, die;
    dk_snakes_finish finish;
    int extra, forfeit;
    cell sq[]; /* 0 .. size */
};

int dk_snakes_board_size(const dk_snakes_board_t *b)
{
    return b->size;
}

int dk_snakes_board_die(const dk_snakes_board_t *b)
{
    return b->die;
}

dk_snakes_finish dk_snakes_board_finish(const dk_snakes_board_t *b)
{
    return b->finish;
}

int dk_snakes_board_follow(const dk_snakes_board_t *b, int at)
{
    return at >= 0 && at <= b->size ? b->sq[at].dest : at;
}

void dk_snakes_board_free(dk_snakes_board_t *b)
{
    dk_free(b);
}

/* Places the jumps of one list, checking each; `what` is "ladder" or "snake". */
static dk_status place_jumps(dk_snakes_board_t *b, const dk_snakes_jump *j, size_t n,
                             const char *what, int up, dk_error *err)
{
    if (n > 0 && j == NULL)
        return dk_error_set(err, DK_EINVAL, "%ss: %zu given but the list is missing", what, n);
    for (size_t i = 0; i < n; i++) {
        int from = j[i].from, to = j[i].to;
        if (from < 1 || from > b->size || to < 1 || to > b->size)
            return dk_error_set(err, DK_EINVAL,
                                "%s %d -> %d is off the board (squares are 1 to %d)", what, from,
                                to, b->size);
        if (from == b->size)
            return dk_error_set(err, DK_EINVAL,
                                "%s %d -> %d starts on the last square, where the game ends", what,
                                from, to);
        if (up ? to <= from : to >= from)
            return dk_error_set(err, DK_EINVAL, "%s %d -> %d goes %s (a %s goes %s)", what, from,
                                to, up ? "down" : "up", what, up ? "up" : "down");
        if (b->sq[from].jump != 0)
            return dk_error_set(err, DK_EINVAL,
                                "%s %d -> %d: a jump already starts on square %d (to %d)", what,
                                from, to, from, b->sq[from].jump);
        b->sq[from].jump = to;
    }
    return DK_OK;
}

/* Follows every chain of jumps once; a chain longer than the jumps there are is a cycle. */
static dk_status follow_chains(dk_snakes_board_t *b, dk_error *err)
{
    for (int s = 0; s <= b->size; s++) {
        cell *q = &b->sq[s];
        int at = s;
        q->dest = s;
        while (b->sq[at].jump != 0) {
            q->flags |= b->sq[at].jump > at ? DK_SNAKES_LADDER : DK_SNAKES_SNAKE;
            at = b->sq[at].jump;
            if (++q->jumps > b->size)
                return dk_error_set(err, DK_EINVAL,
                                    "jumps form a cycle through square %d (a player there would "
                                    "never stop)",
                                    s);
        }
        q->dest = at;
    }
    return DK_OK;
}

/* Where a roll of `d` from `pos` leads: `*landed` is the square counted to (after a bounce),
 * the result the square after the jumps; `*flags` gets what happened. */
static int advance(const dk_snakes_board_t *b, int pos, int d, int *landed, unsigned *flags)
{
    int t = pos + d;
    *flags = 0;
    if (t > b->size) {
        if (b->finish == DK_SNAKES_EXACT) {
            *flags = DK_SNAKES_BLOCKED;
            t = pos;
        } else if (b->finish == DK_SNAKES_BOUNCE) {
            *flags = DK_SNAKES_BOUNCED;
            t = 2 * b->size - t; /* >= 1 since the die is no larger than the board */
        } else {
            t = b->size;
        }
    }
    *landed = t;
    *flags |= b->sq[t].flags;
    if (b->sq[t].dest == b->size)
        *flags |= DK_SNAKES_FINISHED;
    return b->sq[t].dest;
}

/* Which squares a player can stand on (from the start, after jumps), and from which of them
 * the finish can be reached; a square in the first set but not the second is a trap. Returns
 * the first trap, or -1. `seen` is scratch of size + 1 bytes. */
static int find_trap(const dk_snakes_board_t *b, unsigned char *seen)
{
    enum { REACHED = 1, FINISHES = 2 };
    int changed = 1, landed;
    unsigned flags;
    memset(seen, 0, (size_t)b->size + 1);
    seen[0] = REACHED;
    while (changed) { /* forward: a fixed point over at most size rounds */
        changed = 0;
        for (int s = 0; s < b->size; s++)
            for (int d = 1; (seen[s] & REACHED) && d <= b->die; d++) {
                int q = advance(b, s, d, &landed, &flags);
                if (!(seen[q] & REACHED)) {
                    seen[q] |= REACHED;
                    changed = 1;
                }
            }
    }
    seen[b->size] |= FINISHES;
    for (changed = 1; changed;) { /* backward */
        changed = 0;
        for (int s = 0; s < b->size; s++)
            for (int d = 1; !(seen[s] & FINISHES) && d <= b->die; d++)
                if (seen[advance(b, s, d, &landed, &flags)] & FINISHES) {
                    seen[s] |= FINISHES;
                    changed = 1;
                }
    }
    for (int s = 0; s < b->size; s++)
        if ((seen[s] & REACHED) && !(seen[s] & FINISHES))
            return s;
    return -1;
}

/*
 * dk_snakes_board_new - see snakes.h. The checks run in the order a reader would fix them:
 * sizes, then each jump on its own, then the jumps together (cycles), then the board as a
 * game (traps).
 */
dk_snakes_board_t *dk_snakes_board_new(const dk_snakes_config *cfg, dk_error *err)
{
    dk_snakes_board_t *b;
    unsigned char *seen;
    int die;
    int trap;

    if (cfg == NULL) {
        dk_error_set(err, DK_EINVAL, "board: no configuration");
        return NULL;
    }
    die = cfg->die == 0 ? 6 : cfg->die;
    if (cfg->size < 2 || cfg->size > DK_SNAKES_MAX_SIZE) {
        dk_error_set(err, DK_ERANGE, "board: size must be between 2 and %d squares (got %d)",
                     DK_SNAKES_MAX_SIZE, cfg->size);
        return NULL;
    }
    if (die < 2 || die > DK_SNAKES_MAX_DIE || die > cfg->size) {
        dk_error_set(err, DK_ERANGE,
                     "board: die must have 2 to %d faces and no more than the board's %d "
                     "squares (got %d)",
                     DK_SNAKES_MAX_DIE, cfg->size, die);
        return NULL;
    }
    if ((unsigned)cfg->finish > DK_SNAKES_OVERSHOOT) {
        dk_error_set(err, DK_EINVAL, "board: unknown finish rule %d", (int)cfg->finish);
        return NULL;
    }
    if (cfg->three_tops_forfeit && !cfg->extra_turn_on_top) {
        dk_error_set(err, DK_EINVAL,
                     "board: three_sixes_forfeit needs extra_turn_on_six (without extra rolls "
                     "no one rolls three sixes in a turn)");
        return NULL;
    }
    b = dk_calloc(1, sizeof *b + ((size_t)cfg->size + 1) * sizeof(cell));
    seen = dk_malloc((size_t)cfg->size + 1);
    if (b == NULL || seen == NULL) {
        dk_error_set(err, DK_ENOMEM, "board: out of memory");
        goto fail;
    }
    b->size = cfg->size;
    b->die = die;
    b->finish = cfg->finish;
    b->extra = cfg->extra_turn_on_top != 0;
    b->forfeit = cfg->three_tops_forfeit != 0;
    if (place_jumps(b, cfg->ladders, cfg->nladders, "ladder", 1, err) != DK_OK ||
        place_jumps(b, cfg->snakes, cfg->nsnakes, "snake", 0, err) != DK_OK ||
        follow_chains(b, err) != DK_OK) {
        dk_error_prefix(err, "board: ");
        goto fail;
    }
    if ((trap = find_trap(b, seen)) >= 0) {
        dk_error_set(err, DK_EINVAL,
                     "board: the finish cannot be reached from %s%d%s (a game could last "
                     "forever)",
                     trap == 0 ? "the start (square " : "square ", trap, trap == 0 ? ")" : "");
        goto fail;
    }
    dk_free(seen);
    return b;
fail:
    dk_free(seen);
    dk_free(b);
    return NULL;
}

/* ---- the expected length ------------------------------------------------------------------- */

/* Solves a x = y in place for x (into y) by Gaussian elimination with partial pivoting; a is
 * n x n, row-major. DK_EINTERNAL when a pivot vanishes (a singular system). */
static dk_status solve(double *a, double *y, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        size_t p = c;
        for (size_t r = c + 1; r < n; r++)
            if (fabs(a[r * n + c]) > fabs(a[p * n + c]))
                p = r;
        if (fabs(a[p * n + c]) < 1e-12)
            return DK_EINTERNAL;
        if (p != c) {
            for (size_t k = 0; k < n; k++) {
                double t = a[c * n + k];
                a[c * n + k] = a[p * n + k];
                a[p * n + k] = t;
            }
            double t = y[c];
            y[c] = y[p];
            y[p] = t;
        }
        for (size_t r = c + 1; r < n; r++) {
            double f = a[r * n + c] / a[c * n + c];
            if (f == 0)
                continue;
            for (size_t k = c; k < n; k++)
                a[r * n + k] -= f * a[c * n + k];
            y[r] -= f * y[c];
        }
    }
    for (size_t c = n; c-- > 0;) {
        double s = y[c];
        for (size_t k = c + 1; k < n; k++)
            s -= a[c * n + k] * y[k];
        y[c] = s / a[c * n + c];
    }
    return DK_OK;
}

/* The linear system being filled: (I - Q) E = r over the squares 0 .. size - 1 (the squares no
 * player can stand on, such as the foot of a ladder, have E = 0 by their identity row). */
typedef struct chain {
    const dk_snakes_board_t *b;
    double *a, *r;
    size_t n;
} chain;

/* One turn from square `start` under the three-tops rule, enumerated roll by roll: `at` is the
 * square now, `rolls` the rolls so far, `tops` the top faces in a row, `p` the probability of
 * this sequence. A turn that ends on square q adds p to Q[start][q]; every ending adds
 * p x rolls to the reward. */
static void enumerate_turn(chain *c, int start, int at, int rolls, int tops, double p)
{
    const dk_snakes_board_t *b = c->b;
    double pd = p / b->die;
    int landed;
    unsigned flags;
    for (int d = 1; d <= b->die; d++) {
        int q = advance(b, at, d, &landed, &flags);
        if (d == b->die && tops + 1 < 3 && q != b->size) { /* rolls again: the turn goes on */
            enumerate_turn(c, start, q, rolls + 1, tops + 1, pd);
            continue;
        }
        c->r[start] += pd * (rolls + 1);
        if (d == b->die && tops + 1 == 3) /* forfeit: the turn ends where it began */
            c->a[(size_t)start * c->n + (size_t)start] -= pd;
        else if (q != b->size) /* else absorbed: the game is over */
            c->a[(size_t)start * c->n + (size_t)q] -= pd;
    }
}

/*
 * dk_snakes_expected_rolls - see snakes.h. Without the three-tops rule an extra roll changes who
 * rolls next but not how many rolls a lone player needs, so each roll is a step: E[s] = 1 +
 * sum_d E[next(s, d)] / die. With it, a turn is the step (enumerate_turn).
 */
dk_status dk_snakes_expected_rolls(const dk_snakes_board_t *b, double *rolls, dk_error *err)
{
    chain c = {b, NULL, NULL, (size_t)b->size};
    unsigned char *seen = dk_malloc(c.n + 1);
    int landed;
    unsigned flags;
    dk_status st = DK_ENOMEM;

    c.a = dk_calloc(c.n * c.n, sizeof *c.a);
    c.r = dk_calloc(c.n, sizeof *c.r);
    if (seen == NULL || c.a == NULL || c.r == NULL)
        goto done;
    find_trap(b, seen); /* seen[s] & 1: a player can stand on s */
    for (size_t s = 0; s < c.n; s++) {
        c.a[s * c.n + s] = 1;
        if (!(seen[s] & 1))
            continue;
        if (b->forfeit) {
            enumerate_turn(&c, (int)s, (int)s, 0, 0, 1.0);
            continue;
        }
        c.r[s] = 1;
        for (int d = 1; d <= b->die; d++) {
            int q = advance(b, (int)s, d, &landed, &flags);
            if (q != b->size)
                c.a[s * c.n + (size_t)q] -= 1.0 / b->die;
        }
    }
    st = solve(c.a, c.r, c.n);
    if (st == DK_OK)
        *rolls = c.r[0];
done:
    if (st == DK_ENOMEM)
        dk_error_set(err, st, "expected_length: out of memory");
    else if (st != DK_OK)
        dk_error_set(err, st, "expected_length: the finish cannot be reached under these rules");
    dk_free(seen);
    dk_free(c.a);
    dk_free(c.r);
    return st;
}

/* ---- playing ------------------------------------------------------------------------------- */

/* A player's state: the square, where the turn began, top faces rolled in a row this turn. */
typedef struct seat {
    int pos, turn_start, tops;
    int finished;
} seat;

/* Applies roll `d` to `pl` and fills `m` (square fields and flags). Returns 1 when the turn
 * passes to the next player. */
static int play_roll(const dk_snakes_board_t *b, seat *pl, int d, dk_snakes_move *m)
{
    m->roll = d;
    m->from = pl->pos;
    m->to = advance(b, pl->pos, d, &m->landed, &m->flags);
    m->jumps = b->sq[m->landed].jumps;
    if (d == b->die && b->extra && ++pl->tops == 3 && b->forfeit) {
        m->to = pl->turn_start; /* the third top face cancels the whole turn */
        m->flags = DK_SNAKES_FORFEIT;
        m->jumps = 0;
    } else if (d == b->die && b->extra && m->to != b->size) {
        pl->pos = m->to;
        m->flags |= DK_SNAKES_EXTRA;
        return 0;
    }
    pl->pos = m->to;
    pl->finished = m->to == b->size;
    pl->tops = 0;
    pl->turn_start = pl->pos;
    return 1;
}

dk_status dk_snakes_simulate(const dk_snakes_board_t *b, uint64_t seed, size_t games,
                             size_t max_rolls, dk_snakes_estimate *out, dk_error *err)
{
    dk_rng_t rng;
    double mean = 0, m2 = 0;
    dk_snakes_move m;

    if (games < 2)
        return dk_error_set(err, DK_EINVAL, "simulate: games must be at least 2 (got %zu)", games);
    if (max_rolls == 0)
        max_rolls = 1000000;
    dk_rng_seed_named(&rng, seed, "snakes");
    for (size_t g = 0; g < games; g++) {
        seat pl = {0, 0, 0, 0};
        size_t rolls = 0;
        while (!pl.finished) {
            if (++rolls > max_rolls)
                return dk_error_set(err, DK_ELIMIT, "simulate: game %zu passed %zu rolls", g + 1,
                                    max_rolls);
            play_roll(b, &pl, 1 + (int)dk_rng_below(&rng, (uint64_t)b->die), &m);
        }
        double delta = (double)rolls - mean; /* Welford: one pass, no cancellation */
        mean += delta / (double)(g + 1);
        m2 += delta * ((double)rolls - mean);
    }
    out->games = games;
    out->mean = mean;
    out->sd = sqrt(m2 / (double)(games - 1));
    out->ci_lo = mean - 1.96 * out->sd / sqrt((double)games);
    out->ci_hi = mean + 1.96 * out->sd / sqrt((double)games);
    return DK_OK;
}

struct dk_snakes_game {
    const dk_snakes_board_t *b;
    dk_rng_t rng;
    int nplayers, current, ranked;
    size_t turn;
    int *script;
    size_t nscript, next_script;
    int has_script;
    dk_snakes_move *log;
    size_t nlog, cap_log;
    int rank[DK_SNAKES_MAX_PLAYERS];
    seat pl[];
};

dk_snakes_game_t *dk_snakes_game_new(const dk_snakes_board_t *b, int players, uint64_t seed,
                                     dk_error *err)
{
    if (b == NULL || players < 1 || players > DK_SNAKES_MAX_PLAYERS) {
        dk_error_set(err, DK_EINVAL, "game: players must be 1 to %d (got %d)",
                     DK_SNAKES_MAX_PLAYERS, players);
        return NULL;
    }
    dk_snakes_game_t *g = dk_calloc(1, sizeof *g + (size_t)players * sizeof(seat));
    if (g == NULL) {
        dk_error_set(err, DK_ENOMEM, "game: out of memory");
        return NULL;
    }
    g->b = b;
    g->nplayers = players;
    g->turn = 1;
    dk_rng_seed_named(&g->rng, seed, "snakes");
    for (int i = 0; i < DK_SNAKES_MAX_PLAYERS; i++)
        g->rank[i] = -1;
    return g;
}

void dk_snakes_game_free(dk_snakes_game_t *g)
{
    if (g == NULL)
        return;
    dk_free(g->script);
    dk_free(g->log);
    dk_free(g);
}

dk_status dk_snakes_game_script(dk_snakes_game_t *g, const int *rolls, size_t n, dk_error *err)
{
    int *copy = NULL;
    for (size_t i = 0; i < n; i++)
        if (rolls[i] < 1 || rolls[i] > g->b->die)
            return dk_error_set(err, DK_EINVAL, "dice: roll %zu must be 1 to %d (got %d)", i + 1,
                                g->b->die, rolls[i]);
    if (n > 0 && (copy = dk_malloc(n * sizeof *copy)) == NULL)
        return dk_error_set(err, DK_ENOMEM, "dice: out of memory");
    if (n > 0)
        memcpy(copy, rolls, n * sizeof *copy);
    dk_free(g->script);
    g->script = copy;
    g->nscript = n;
    g->next_script = 0;
    g->has_script = 1;
    return DK_OK;
}

int dk_snakes_game_over(const dk_snakes_game_t *g)
{
    return g->ranked == g->nplayers;
}

int dk_snakes_game_players(const dk_snakes_game_t *g)
{
    return g->nplayers;
}

int dk_snakes_game_position(const dk_snakes_game_t *g, int who)
{
    return who >= 0 && who < g->nplayers ? g->pl[who].pos : -1;
}

int dk_snakes_game_ranked(const dk_snakes_game_t *g)
{
    return g->ranked;
}

int dk_snakes_game_rank(const dk_snakes_game_t *g, int place)
{
    return place >= 0 && place < g->nplayers ? g->rank[place] : -1;
}

size_t dk_snakes_game_log_size(const dk_snakes_game_t *g)
{
    return g->nlog;
}

const dk_snakes_move *dk_snakes_game_log(const dk_snakes_game_t *g)
{
    return g->log;
}

/* Passes the turn to the next player still on the board. */
static void next_player(dk_snakes_game_t *g)
{
    do
        g->current = (g->current + 1) % g->nplayers;
    while (g->pl[g->current].finished);
    g->turn++;
}

/*
 * dk_snakes_game_roll - see snakes.h. The log has room before the die is read, so a failure
 * leaves the game as it was (the script not advanced, the generator not drawn).
 */
dk_status dk_snakes_game_roll(dk_snakes_game_t *g, dk_snakes_move *move, dk_error *err)
{
    dk_snakes_move m = {0};
    int d;

    if (dk_snakes_game_over(g))
        return dk_error_set(err, DK_ESTATE, "game: the game is over");
    if (g->has_script && g->next_script >= g->nscript)
        return dk_error_set(err, DK_ESTATE, "dice: the scripted rolls ran out after %zu rolls",
                            g->nscript);
    if (g->nlog == g->cap_log) {
        size_t cap = g->cap_log ? g->cap_log * 2 : 64;
        dk_snakes_move *p = dk_realloc(g->log, cap * sizeof *p);
        if (p == NULL)
            return dk_error_set(err, DK_ENOMEM, "game: out of memory");
        g->log = p;
        g->cap_log = cap;
    }
    d = g->has_script ? g->script[g->next_script++]
                      : 1 + (int)dk_rng_below(&g->rng, (uint64_t)g->b->die);
    m.turn = g->turn;
    m.player = g->current;
    int passes = play_roll(g->b, &g->pl[g->current], d, &m);
    g->log[g->nlog++] = m;
    if (move)
        *move = m;
    if (g->pl[g->current].finished) {
        g->rank[g->ranked++] = g->current;
        if (g->ranked == g->nplayers - 1) { /* the one left is last */
            for (int i = 0; i < g->nplayers; i++)
                if (!g->pl[i].finished)
                    g->rank[g->ranked++] = i;
        }
    }
    if (passes && !dk_snakes_game_over(g))
        next_player(g);
    return DK_OK;
}

dk_status dk_snakes_game_play(dk_snakes_game_t *g, size_t max_rolls, dk_error *err)
{
    if (max_rolls == 0)
        max_rolls = 1000000;
    while (!dk_snakes_game_over(g)) {
        if (g->nlog >= max_rolls)
            return dk_error_set(err, DK_ELIMIT, "game: not over after %zu rolls (max_rolls)",
                                max_rolls);
        dk_status st = dk_snakes_game_roll(g, NULL, err);
        if (st != DK_OK)
            return st;
    }
    return DK_OK;
}
