/* ledger.c - the Splitwise ledger: users, groups, expenses and payments kept as an event log
 * that balances, settle-up and replay are read from. */
#include "designkit/splitwise.h"

#include <inttypes.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/suggest.h"
#include "splitwise_internal.h"

/*
 * The event log is the ledger: users and groups are views into the events that made them (a
 * user's name is its USER event's name), and each event owns one block holding its arrays and
 * its text. Only the whole-ledger balances are kept up to date besides, since every read asks
 * for them; a group's balances are folded from the log when asked.
 */
typedef struct event {
    dk_ledger_event_kind kind;
    const char *name;
    size_t payer, to;
    int64_t amount;
    dk_split split;
    long group;
    size_t n;
    size_t *users;
    int64_t *values, *owed;
    void *block; /* owns users, values, owed and name */
} event;

struct dk_ledger {
    event *events;
    size_t nevents, cap_events;
    size_t *user_event; /* user i was made by events[user_event[i]] */
    int64_t *balance;   /* the whole ledger's, per user */
    size_t nusers, cap_users;
    size_t *group_event;
    size_t ngroups, cap_groups;
};

dk_ledger_t *dk_ledger_new(dk_status *status)
{
    dk_ledger_t *l = dk_calloc(1, sizeof *l);
    if (status)
        *status = l ? DK_OK : DK_ENOMEM;
    return l;
}

void dk_ledger_free(dk_ledger_t *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->nevents; i++)
        dk_free(l->events[i].block);
    dk_free(l->events);
    dk_free(l->user_event);
    dk_free(l->balance);
    dk_free(l->group_event);
    dk_free(l);
}

/* Grows `*arr` (of `size`-byte items) to hold `want` items; DK_ENOMEM leaves it as it was. */
static dk_status grow(void **arr, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return DK_OK;
    size_t n = *cap ? *cap * 2 : 8;
    while (n < want)
        n *= 2;
    void *p = dk_realloc(*arr, n * size);
    if (p == NULL)
        return DK_ENOMEM;
    *arr = p;
    *cap = n;
    return DK_OK;
}

/* Room for `more` events (and, with `user`, one more user; with `group`, one more group), so
 * that what follows cannot fail half-way. */
static dk_status reserve(dk_ledger_t *l, size_t more, int user, int group)
{
    if (grow((void **)&l->events, &l->cap_events, l->nevents + more, sizeof(event)) != DK_OK)
        return DK_ENOMEM;
    if (user) {
        size_t cap = l->cap_users;
        if (grow((void **)&l->user_event, &cap, l->nusers + 1, sizeof(size_t)) != DK_OK)
            return DK_ENOMEM;
        cap = l->cap_users;
        if (grow((void **)&l->balance, &cap, l->nusers + 1, sizeof(int64_t)) != DK_OK)
            return DK_ENOMEM;
        l->cap_users = cap;
    }
    if (group &&
        grow((void **)&l->group_event, &l->cap_groups, l->ngroups + 1, sizeof(size_t)) != DK_OK)
        return DK_ENOMEM;
    return DK_OK;
}

/* A new event's block: n users, n values (with `values`), n owed amounts, then `text`. */
static dk_status new_event(event *ev, size_t n, int values, const char *text)
{
    size_t tlen = text ? strlen(text) + 1 : 0;
    size_t size = n * (sizeof(int64_t) * (values ? 2 : 1) + sizeof(size_t)) + tlen;
    memset(ev, 0, sizeof *ev);
    ev->group = -1;
    ev->n = n;
    if (size == 0)
        return DK_OK;
    if ((ev->block = dk_malloc(size)) == NULL)
        return DK_ENOMEM;
    char *p = ev->block;
    ev->owed = (int64_t *)p;
    p += n * sizeof(int64_t);
    if (values) {
        ev->values = (int64_t *)p;
        p += n * sizeof(int64_t);
    }
    ev->users = (size_t *)p;
    p += n * sizeof(size_t);
    if (text) {
        memcpy(p, text, tlen);
        ev->name = p;
    }
    return DK_OK;
}

const char *dk_ledger_user_name(const dk_ledger_t *l, size_t i)
{
    return i < l->nusers ? l->events[l->user_event[i]].name : NULL;
}

const char *dk_ledger_group_name(const dk_ledger_t *l, size_t i)
{
    return i < l->ngroups ? l->events[l->group_event[i]].name : NULL;
}

size_t dk_ledger_user_count(const dk_ledger_t *l)
{
    return l->nusers;
}

size_t dk_ledger_group_count(const dk_ledger_t *l)
{
    return l->ngroups;
}

size_t dk_ledger_event_count(const dk_ledger_t *l)
{
    return l->nevents;
}

/* The index of user `name`, or (size_t)-1. A linear search: ledgers hold people, not millions. */
static size_t find_user(const dk_ledger_t *l, const char *name)
{
    for (size_t i = 0; name != NULL && i < l->nusers; i++)
        if (strcmp(dk_ledger_user_name(l, i), name) == 0)
            return i;
    return (size_t)-1;
}

static long find_group(const dk_ledger_t *l, const char *name)
{
    for (size_t i = 0; name != NULL && i < l->ngroups; i++)
        if (strcmp(dk_ledger_group_name(l, i), name) == 0)
            return (long)i;
    return -1;
}

/* Looks user `name` up for `what` ("expense: payer"); DK_ENOTFOUND suggests the nearest. */
static dk_status lookup_user(const dk_ledger_t *l, const char *name, const char *what, size_t *out,
                             dk_error *err)
{
    if ((*out = find_user(l, name)) != (size_t)-1)
        return DK_OK;
    if (name == NULL)
        return dk_error_set(err, DK_EINVAL, "%s must be named", what);
    dk_suggest s;
    dk_suggest_init(&s, name);
    for (size_t i = 0; i < l->nusers; i++)
        dk_suggest_add(&s, dk_ledger_user_name(l, i));
    const char *best = dk_suggest_best(&s);
    return dk_error_set(err, DK_ENOTFOUND, "%s \"%s\" is not a user%s%s%s", what, name,
                        best ? "; did you mean \"" : "", best ? best : "", best ? "\"?" : "");
}

static dk_status lookup_group(const dk_ledger_t *l, const char *name, const char *what, long *out,
                              dk_error *err)
{
    *out = -1;
    if (name == NULL)
        return DK_OK;
    if ((*out = find_group(l, name)) >= 0)
        return DK_OK;
    dk_suggest s;
    dk_suggest_init(&s, name);
    for (size_t i = 0; i < l->ngroups; i++)
        dk_suggest_add(&s, dk_ledger_group_name(l, i));
    const char *best = dk_suggest_best(&s);
    return dk_error_set(err, DK_ENOTFOUND, "%s: group \"%s\" does not exist%s%s%s", what, name,
                        best ? "; did you mean \"" : "", best ? best : "", best ? "\"?" : "");
}

static int is_member(const dk_ledger_t *l, long group, size_t user)
{
    const event *g = &l->events[l->group_event[group]];
    for (size_t i = 0; i < g->n; i++)
        if (g->users[i] == user)
            return 1;
    return 0;
}

static dk_status check_name(const char *name, const char *what, dk_error *err)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > DK_SPLITWISE_MAX_NAME)
        return dk_error_set(err, DK_EINVAL, "%s name must be 1 to %d bytes (got %zu)", what,
                            DK_SPLITWISE_MAX_NAME, len);
    return DK_OK;
}

/*
 * dk_ledger_add_user - see splitwise.h. Space for the event, the user and the balance is
 * reserved before anything is written, which is how every operation keeps "all or nothing".
 */
dk_status dk_ledger_add_user(dk_ledger_t *l, const char *name, dk_error *err)
{
    event ev;
    dk_status st = check_name(name, "user", err);
    if (st != DK_OK)
        return st;
    if (find_user(l, name) != (size_t)-1)
        return dk_error_set(err, DK_EEXIST, "user \"%s\" already exists", name);
    if (reserve(l, 1, 1, 0) != DK_OK || new_event(&ev, 0, 0, name) != DK_OK)
        return dk_error_set(err, DK_ENOMEM, "add_user: out of memory");
    ev.kind = DK_LEDGER_USER;
    l->user_event[l->nusers] = l->nevents;
    l->balance[l->nusers++] = 0;
    l->events[l->nevents++] = ev;
    return DK_OK;
}

/*
 * dk_ledger_add_group - see splitwise.h. Members are checked to exist and to be listed once.
 */
dk_status dk_ledger_add_group(dk_ledger_t *l, const char *name, const char *const *members,
                              size_t n, dk_error *err)
{
    event ev;
    dk_status st = check_name(name, "group", err);
    if (st != DK_OK)
        return st;
    if (find_group(l, name) >= 0)
        return dk_error_set(err, DK_EEXIST, "group \"%s\" already exists", name);
    if (n == 0 || members == NULL)
        return dk_error_set(err, DK_EINVAL, "group \"%s\": needs at least one member", name);
    if (reserve(l, 1, 0, 1) != DK_OK || new_event(&ev, n, 0, name) != DK_OK)
        return dk_error_set(err, DK_ENOMEM, "add_group: out of memory");
    for (size_t i = 0; i < n; i++) {
        if ((st = lookup_user(l, members[i], "member", &ev.users[i], err)) != DK_OK)
            goto fail;
        for (size_t j = 0; j < i; j++)
            if (ev.users[j] == ev.users[i]) {
                st = dk_error_set(err, DK_EINVAL, "member \"%s\" is listed twice", members[i]);
                goto fail;
            }
    }
    ev.kind = DK_LEDGER_GROUP;
    l->group_event[l->ngroups++] = l->nevents;
    l->events[l->nevents++] = ev;
    return DK_OK;
fail:
    dk_free(ev.block);
    dk_error_prefix(err, "group \"%s\": ", name);
    return st;
}

/* Whether adding `delta` to `*b` stays within +-INT64_MAX. */
static int fits(int64_t b, int64_t delta)
{
    int64_t r;
    return !__builtin_add_overflow(b, delta, &r) && r != INT64_MIN;
}

/* Applies an expense or payment event to `bal` (one per user): the payer gains the amount,
 * each participant loses their part. */
static void apply(const event *ev, int64_t *bal)
{
    if (ev->kind == DK_LEDGER_SETTLE) {
        bal[ev->payer] += ev->amount;
        bal[ev->to] -= ev->amount;
    } else if (ev->kind == DK_LEDGER_EXPENSE) {
        bal[ev->payer] += ev->amount;
        for (size_t i = 0; i < ev->n; i++)
            bal[ev->users[i]] -= ev->owed[i];
    }
}

/* Whether `ev` can be applied to the whole-ledger balances without leaving the int64 range. */
static int applies(const dk_ledger_t *l, const event *ev)
{
    int64_t payer = l->balance[ev->payer];
    if (!fits(payer, ev->amount))
        return 0;
    payer += ev->amount;
    if (ev->kind == DK_LEDGER_SETTLE)
        return fits(l->balance[ev->to], -ev->amount);
    for (size_t i = 0; i < ev->n; i++) { /* participants are distinct; the payer may be one */
        int64_t b = ev->users[i] == ev->payer ? payer : l->balance[ev->users[i]];
        if (!fits(b, -ev->owed[i]))
            return 0;
    }
    return 1;
}

/* Fills the participants of `ev` from `e` (or from the group) and checks them. */
static dk_status resolve_participants(const dk_ledger_t *l, const dk_expense *e, event *ev,
                                      dk_error *err)
{
    if (e->n == 0) {
        const event *g = &l->events[l->group_event[ev->group]];
        memcpy(ev->users, g->users, g->n * sizeof *ev->users);
        return DK_OK;
    }
    for (size_t i = 0; i < e->n; i++) {
        dk_status st = lookup_user(l, e->users ? e->users[i] : NULL, "expense: participant",
                                   &ev->users[i], err);
        if (st != DK_OK)
            return st;
        for (size_t j = 0; j < i; j++)
            if (ev->users[j] == ev->users[i])
                return dk_error_set(err, DK_EINVAL, "expense: participant \"%s\" is listed twice",
                                    e->users[i]);
        if (ev->group >= 0 && !is_member(l, ev->group, ev->users[i]))
            return dk_error_set(err, DK_EINVAL,
                                "expense: participant \"%s\" is not a member of group \"%s\"",
                                e->users[i], dk_ledger_group_name(l, (size_t)ev->group));
    }
    return DK_OK;
}

/* What dk__splitwise_split calls participant `i` of the expense being made. */
typedef struct naming {
    const dk_ledger_t *l;
    const event *ev;
} naming;

static const char *participant_name(const void *ctx, size_t i)
{
    const naming *nm = ctx;
    return dk_ledger_user_name(nm->l, nm->ev->users[i]);
}

/*
 * dk_ledger_expense - see splitwise.h. The event is built completely (participants resolved,
 * the split computed, every balance checked for overflow) before the log or a balance is
 * touched.
 */
dk_status dk_ledger_expense(dk_ledger_t *l, const dk_expense *e, int64_t *owed, dk_error *err)
{
    event ev;
    size_t payer, n;
    long group;
    dk_status st;

    if (e == NULL)
        return dk_error_set(err, DK_EINVAL, "expense: missing");
    if ((st = lookup_user(l, e->payer, "expense: payer", &payer, err)) != DK_OK ||
        (st = lookup_group(l, e->group, "expense", &group, err)) != DK_OK)
        return st;
    if (e->amount < 1 || e->amount > DK_SPLITWISE_MAX_AMOUNT)
        return dk_error_set(err, e->amount < 1 ? DK_EINVAL : DK_ERANGE,
                            "expense: amount must be a positive number of minor units up to "
                            "%" PRId64 " (got %" PRId64 ")",
                            DK_SPLITWISE_MAX_AMOUNT, e->amount);
    if (e->n == 0 && group < 0)
        return dk_error_set(err, DK_EINVAL,
                            "expense: needs participants (users) or a group to split among");
    if (e->n == 0 && e->split != DK_SPLIT_EQUAL)
        return dk_error_set(err, DK_EINVAL,
                            "expense: a %s split names its participants (users and values)",
                            dk_split_name(e->split));
    n = e->n ? e->n : l->events[l->group_event[group]].n;
    if (reserve(l, 1, 0, 0) != DK_OK ||
        new_event(&ev, n, e->split != DK_SPLIT_EQUAL, e->description) != DK_OK)
        return dk_error_set(err, DK_ENOMEM, "expense: out of memory");
    ev.kind = DK_LEDGER_EXPENSE;
    ev.payer = payer;
    ev.amount = e->amount;
    ev.split = e->split;
    ev.group = group;
    if ((st = resolve_participants(l, e, &ev, err)) != DK_OK)
        goto fail;
    naming nm = {l, &ev};
    if ((st = dk__splitwise_split(e->amount, e->split, e->values, n, ev.owed, participant_name, &nm,
                                  err)) != DK_OK) {
        dk_error_prefix(err, "expense: ");
        goto fail;
    }
    if (ev.values)
        memcpy(ev.values, e->values, n * sizeof *ev.values);
    if (!applies(l, &ev)) {
        st = dk_error_set(err, DK_ERANGE, "expense: a balance would overflow");
        goto fail;
    }
    apply(&ev, l->balance);
    if (owed)
        memcpy(owed, ev.owed, n * sizeof *owed);
    l->events[l->nevents++] = ev;
    return DK_OK;
fail:
    dk_free(ev.block);
    return st;
}

/* Checks a payment and fills its event (which owns no block). */
static dk_status make_payment(const dk_ledger_t *l, const char *from, const char *to,
                              int64_t amount, const char *group, event *ev, dk_error *err)
{
    dk_status st;
    memset(ev, 0, sizeof *ev);
    ev->kind = DK_LEDGER_SETTLE;
    ev->amount = amount;
    if ((st = lookup_user(l, from, "settle: payer", &ev->payer, err)) != DK_OK ||
        (st = lookup_user(l, to, "settle: payee", &ev->to, err)) != DK_OK ||
        (st = lookup_group(l, group, "settle", &ev->group, err)) != DK_OK)
        return st;
    if (ev->payer == ev->to)
        return dk_error_set(err, DK_EINVAL, "settle: \"%s\" cannot pay themselves", from);
    if (amount < 1 || amount > DK_SPLITWISE_MAX_AMOUNT)
        return dk_error_set(err, amount < 1 ? DK_EINVAL : DK_ERANGE,
                            "settle: amount must be a positive number of minor units up to "
                            "%" PRId64 " (got %" PRId64 ")",
                            DK_SPLITWISE_MAX_AMOUNT, amount);
    for (int side = 0; side < 2 && ev->group >= 0; side++) {
        size_t who = side ? ev->to : ev->payer;
        if (!is_member(l, ev->group, who))
            return dk_error_set(err, DK_EINVAL, "settle: \"%s\" is not a member of group \"%s\"",
                                dk_ledger_user_name(l, who), group);
    }
    if (!applies(l, ev))
        return dk_error_set(err, DK_ERANGE, "settle: a balance would overflow");
    return DK_OK;
}

dk_status dk_ledger_settle(dk_ledger_t *l, const char *from, const char *to, int64_t amount,
                           const char *group, dk_error *err)
{
    event ev;
    dk_status st = make_payment(l, from, to, amount, group, &ev, err);
    if (st != DK_OK)
        return st;
    if (reserve(l, 1, 0, 0) != DK_OK)
        return dk_error_set(err, DK_ENOMEM, "settle: out of memory");
    apply(&ev, l->balance);
    l->events[l->nevents++] = ev;
    return DK_OK;
}

/*
 * dk_ledger_balances - see splitwise.h. The whole ledger's are kept; a group's are folded from
 * the log (its expenses and payments), O(events).
 */
dk_status dk_ledger_balances(const dk_ledger_t *l, const char *group, int64_t *out, dk_error *err)
{
    long g;
    dk_status st = lookup_group(l, group, "balances", &g, err);
    if (st != DK_OK)
        return st;
    if (g < 0) {
        if (l->nusers)
            memcpy(out, l->balance, l->nusers * sizeof *out);
        return DK_OK;
    }
    memset(out, 0, l->nusers * sizeof *out);
    for (size_t i = 0; i < l->nevents; i++)
        if (l->events[i].group == g)
            apply(&l->events[i], out);
    return DK_OK;
}

/*
 * dk_ledger_settle_up - see splitwise.h. A group's payments stay within int64 (they only
 * shrink the group's balances towards zero, and the whole ledger's by as much), but each is
 * still checked, and all the events are reserved before the first is recorded.
 */
dk_status dk_ledger_settle_up(dk_ledger_t *l, const char *group, dk_simplify_mode mode,
                              dk_transfer *out, size_t *count, dk_error *err)
{
    long g;
    dk_status st;
    int64_t *bal;

    *count = 0;
    if ((st = lookup_group(l, group, "settle_up", &g, err)) != DK_OK)
        return st;
    if (l->nusers == 0)
        return DK_OK;
    if ((bal = dk_malloc(l->nusers * sizeof *bal)) == NULL)
        return dk_error_set(err, DK_ENOMEM, "settle_up: out of memory");
    dk_ledger_balances(l, group, bal, NULL);
    st = dk_splitwise_simplify(bal, l->nusers, mode, out, count, err);
    dk_free(bal);
    if (st == DK_OK && reserve(l, *count, 0, 0) != DK_OK)
        st = dk_error_set(err, DK_ENOMEM, "settle_up: out of memory");
    for (size_t i = 0; st == DK_OK && i < *count; i++) {
        event ev = {.kind = DK_LEDGER_SETTLE,
                    .payer = out[i].from,
                    .to = out[i].to,
                    .amount = out[i].amount,
                    .group = g};
        if (!applies(l, &ev)) { /* cannot happen: the plan only moves balances towards zero */
            st = dk_error_set(err, DK_EINTERNAL, "settle_up: a balance would overflow");
            break;
        }
        apply(&ev, l->balance);
        l->events[l->nevents++] = ev;
    }
    if (st != DK_OK)
        *count = 0;
    return st;
}

dk_status dk_ledger_event_at(const dk_ledger_t *l, size_t i, dk_ledger_event *out)
{
    if (i >= l->nevents)
        return DK_ERANGE;
    const event *ev = &l->events[i];
    *out = (dk_ledger_event){ev->kind,  ev->name, ev->payer, ev->to,     ev->amount, ev->split,
                             ev->group, ev->n,    ev->users, ev->values, ev->owed};
    return DK_OK;
}

/* Applies event `ev` of `from` to `to` through the public functions. */
static dk_status replay_one(const dk_ledger_t *from, const event *ev, dk_ledger_t *to,
                            const char **names, dk_error *err)
{
    const char *group = ev->group >= 0 ? dk_ledger_group_name(from, (size_t)ev->group) : NULL;
    for (size_t i = 0; i < ev->n; i++)
        names[i] = dk_ledger_user_name(from, ev->users[i]);
    switch (ev->kind) {
    case DK_LEDGER_USER:
        return dk_ledger_add_user(to, ev->name, err);
    case DK_LEDGER_GROUP:
        return dk_ledger_add_group(to, ev->name, names, ev->n, err);
    case DK_LEDGER_EXPENSE: {
        dk_expense e = {dk_ledger_user_name(from, ev->payer),
                        ev->amount,
                        ev->split,
                        group,
                        ev->n,
                        names,
                        ev->values,
                        ev->name};
        return dk_ledger_expense(to, &e, NULL, err);
    }
    case DK_LEDGER_SETTLE:
        return dk_ledger_settle(to, dk_ledger_user_name(from, ev->payer),
                                dk_ledger_user_name(from, ev->to), ev->amount, group, err);
    }
    return dk_error_set(err, DK_EINTERNAL, "unknown event kind %d", (int)ev->kind);
}

/*
 * dk_ledger_replay - see splitwise.h. A failure other than memory means the log does not
 * replay (a bug): reported as DK_EINTERNAL naming the event.
 */
dk_ledger_t *dk_ledger_replay(const dk_ledger_t *l, size_t upto, dk_error *err)
{
    size_t most = 1;
    dk_status st;
    dk_ledger_t *r = dk_ledger_new(&st);
    const char **names;

    if (upto > l->nevents)
        upto = l->nevents;
    for (size_t i = 0; i < upto; i++)
        if (l->events[i].n > most)
            most = l->events[i].n;
    names = r ? dk_malloc(most * sizeof *names) : NULL;
    if (names == NULL) {
        dk_ledger_free(r);
        dk_error_set(err, DK_ENOMEM, "replay: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < upto; i++) {
        dk_error e;
        if ((st = replay_one(l, &l->events[i], r, names, &e)) != DK_OK) {
            dk_error_set(err, st == DK_ENOMEM ? st : DK_EINTERNAL, "replay: event %zu: %s", i + 1,
                         e.message);
            dk_free(names);
            dk_ledger_free(r);
            return NULL;
        }
    }
    dk_free(names);
    return r;
}
