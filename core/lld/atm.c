/* atm.c - an ATM: the card session as a state machine, dispensing and the audit log; the
 * accounts are its bank's (atm_bank.c). */
#include "designkit/atm.h"

#include <stdarg.h>
#include <string.h>

#include "atm_internal.h"
#include "designkit/alloc.h"
#include "designkit/locale.h"
#include "designkit/statemachine.h"

typedef dk__atm_account account;

struct dk_atm {
    dk_sm_def_t *def;
    dk_sm_t *sm;
    dk_atm_cassette stock[DK_ATM_MAX_CASSETTES];
    size_t nstock;
    int pin_attempts;
    int64_t daily_limit;
    dk_atm_bank_t *bank; /* shared with other machines, perhaps on other threads */
    account *session;    /* the account of the card in the machine, or NULL */
    int wrong_pins;
    int link_failures, dispense_failures;
    dk_atm_clock_fn clock;
    void *clock_ud;
    int64_t own_now;
    char **audit;
    size_t naudit, audit_cap;
};

/* ---- the session machine -------------------------------------------------------------------- */

static const char *const state_ids[] = {"idle",        "card_inserted", "pin",     "menu",
                                        "transaction", "dispensing",    "ejecting"};

/* Every step of a session is an event; the C code decides which (the checks need the bank),
 * and the machine holds which calls are legal where, and records the path in its trace. */
static const struct {
    const char *source, *event, *target;
} session_edges[] = {
    {"idle", "card", "card_inserted"},
    {"card_inserted", "accept", "pin"},
    {"card_inserted", "reject", "ejecting"},
    {"pin", "accept", "menu"},
    {"pin", "retain", "idle"},
    {"menu", "select", "transaction"},
    {"transaction", "done", "menu"},
    {"transaction", "dispense", "dispensing"},
    {"dispensing", "done", "menu"},
    {"card_inserted", "cancel", "ejecting"},
    {"pin", "cancel", "ejecting"},
    {"menu", "cancel", "ejecting"},
    {"ejecting", "taken", "idle"},
};

dk_sm_def_t *dk_atm_session_def(dk_error *err)
{
    dk_sm_def_t *d = dk_sm_def_new("atm", err);
    if (d == NULL)
        return NULL;
    dk_status st = DK_OK;
    for (size_t i = 0; st == DK_OK && i < sizeof state_ids / sizeof *state_ids; i++)
        st = dk_sm_def_state(d, NULL, state_ids[i], DK_SM_STATE, err);
    if (st == DK_OK)
        st = dk_sm_def_initial(d, NULL, "idle", err);
    for (size_t i = 0; st == DK_OK && i < sizeof session_edges / sizeof *session_edges; i++) {
        dk_sm_transition t = {0};
        t.source = session_edges[i].source;
        t.event = session_edges[i].event;
        t.targets = &session_edges[i].target;
        t.ntargets = 1;
        st = dk_sm_def_transition(d, &t, err);
    }
    if (st == DK_OK)
        st = dk_sm_def_seal(d, err);
    if (st != DK_OK) {
        dk_sm_def_free(d);
        return NULL;
    }
    return d;
}

/* Moves the session along an edge the caller has checked is there. */
static dk_status go(dk_atm_t *a, const char *event, dk_error *err)
{
    return dk_sm_send(a->sm, event, NULL, err);
}

const char *dk_atm_state(const dk_atm_t *a)
{
    const char *id = "idle";
    dk_sm_configuration(a->sm, &id, 1);
    return id;
}

static dk_status need(const dk_atm_t *a, const char *state, const char *what, dk_error *err)
{
    if (dk_sm_in(a->sm, state))
        return DK_OK;
    return dk_error_set(err, DK_ESTATE, "atm: %s needs the state %s (the machine is in %s)", what,
                        state, dk_atm_state(a));
}

/* ---- the audit log ---------------------------------------------------------------------- */

int64_t dk_atm_now(const dk_atm_t *a)
{
    return a->clock != NULL ? a->clock(a->clock_ud) : a->own_now;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
audit(dk_atm_t *a, const char *fmt, ...)
{
    char line[256];
    int n = dk_snprintf(line, sizeof line, "t=%lld card %s: ", (long long)dk_atm_now(a),
                        a->session != NULL ? a->session->card : "-");
    if (n < 0 || (size_t)n >= sizeof line)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    dk_vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (a->naudit == a->audit_cap) {
        size_t cap = a->audit_cap ? 2 * a->audit_cap : 16;
        char **grown = dk_realloc(a->audit, cap * sizeof *grown);
        if (grown == NULL)
            return; /* the log is a record, not a precondition: out of memory loses a line */
        a->audit = grown;
        a->audit_cap = cap;
    }
    char *copy = dk_strdup(line);
    if (copy != NULL)
        a->audit[a->naudit++] = copy;
}

size_t dk_atm_audit_size(const dk_atm_t *a)
{
    return a->naudit;
}

const char *dk_atm_audit_at(const dk_atm_t *a, size_t i)
{
    return i < a->naudit ? a->audit[i] : NULL;
}

/* ---- building ------------------------------------------------------------------------------ */

static int find_stock(const dk_atm_t *a, int64_t value)
{
    for (size_t i = 0; i < a->nstock; i++)
        if (a->stock[i].value == value)
            return (int)i;
    return -1;
}

dk_atm_t *dk_atm_new(const dk_atm_config *cfg, dk_error *err)
{
    if (cfg == NULL || cfg->ncassettes == 0 || cfg->ncassettes > DK_ATM_MAX_CASSETTES) {
        dk_error_set(err, DK_EINVAL, "atm: cassettes: give 1 to %d (got %zu)", DK_ATM_MAX_CASSETTES,
                     cfg != NULL ? cfg->ncassettes : 0);
        return NULL;
    }
    if (cfg->pin_attempts < 0 || cfg->daily_limit < 0) {
        dk_error_set(err, DK_EINVAL, "atm: %s must not be negative",
                     cfg->pin_attempts < 0 ? "pin_attempts" : "daily_limit");
        return NULL;
    }
    dk_atm_t *a = dk_calloc(1, sizeof *a);
    if (a == NULL) {
        dk_error_set(err, DK_ENOMEM, "atm: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < cfg->ncassettes; i++) {
        dk_atm_cassette c = cfg->cassettes[i];
        if (c.value <= 0 || c.count < 0) {
            dk_error_set(err, DK_EINVAL, "atm: cassette %zu: %s must be %s (got %lld)", i + 1,
                         c.value <= 0 ? "value" : "count", c.value <= 0 ? "positive" : ">= 0",
                         (long long)(c.value <= 0 ? c.value : c.count));
            dk_atm_free(a);
            return NULL;
        }
        if (find_stock(a, c.value) >= 0) {
            dk_error_set(err, DK_EINVAL, "atm: cassette %zu: a second cassette of %lld", i + 1,
                         (long long)c.value);
            dk_atm_free(a);
            return NULL;
        }
        a->stock[a->nstock++] = c;
    }
    a->pin_attempts = cfg->pin_attempts > 0 ? cfg->pin_attempts : 3;
    a->daily_limit = cfg->daily_limit;
    if (cfg->bank != NULL) {
        dk__atm_bank_retain(cfg->bank);
        a->bank = cfg->bank;
    } else if ((a->bank = dk_atm_bank_new(err)) == NULL) {
        dk_atm_free(a);
        return NULL;
    }
    a->def = dk_atm_session_def(err);
    a->sm = a->def != NULL ? dk_sm_new(a->def, err) : NULL;
    if (a->sm == NULL || dk_sm_start(a->sm, err) != DK_OK) {
        dk_atm_free(a);
        return NULL;
    }
    return a;
}

void dk_atm_free(dk_atm_t *a)
{
    if (a == NULL)
        return;
    dk_sm_free(a->sm);
    dk_sm_def_free(a->def);
    dk_atm_bank_free(a->bank);
    for (size_t i = 0; i < a->naudit; i++)
        dk_free(a->audit[i]);
    dk_free(a->audit);
    dk_free(a);
}

dk_atm_bank_t *dk_atm_bank_of(const dk_atm_t *a)
{
    return a->bank;
}

dk_status dk_atm_account_add(dk_atm_t *a, const char *card, const char *pin, int64_t balance,
                             dk_error *err)
{
    return dk_atm_bank_account_add(a->bank, card, pin, balance, err);
}

dk_status dk_atm_account(const dk_atm_t *a, const char *card, int64_t *available, int64_t *pending,
                         dk_error *err)
{
    return dk_atm_bank_account(a->bank, card, available, pending, err);
}

int dk_atm_retained(const dk_atm_t *a, const char *card)
{
    return dk_atm_bank_retained(a->bank, card);
}

/* ---- the bank link ----------------------------------------------------------------------- */

/* One call over the link to the bank: DK_EIO while an injected failure is pending. */
static dk_status link_call(dk_atm_t *a, const char *what, dk_error *err)
{
    if (a->link_failures > 0) {
        a->link_failures--;
        audit(a, "%s: bank link down", what);
        return dk_error_set(err, DK_EIO, "atm: %s: the bank link is down", what);
    }
    return DK_OK;
}

void dk_atm_fail_link(dk_atm_t *a, int n)
{
    a->link_failures = n > 0 ? n : 0;
}

void dk_atm_fail_dispense(dk_atm_t *a, int n)
{
    a->dispense_failures = n > 0 ? n : 0;
}

void dk_atm_set_clock(dk_atm_t *a, dk_atm_clock_fn fn, void *ud)
{
    a->clock = fn;
    a->clock_ud = ud;
}

void dk_atm_advance(dk_atm_t *a, int64_t ns)
{
    if (ns > 0)
        a->own_now += ns;
}

/* ---- the session -------------------------------------------------------------------------- */

dk_status dk_atm_insert(dk_atm_t *a, const char *card, dk_error *err)
{
    dk_status st = need(a, "idle", "insert", err);
    if (st != DK_OK || (st = go(a, "card", err)) != DK_OK)
        return st;
    int retained = 0;
    account *ac = dk__atm_bank_find(a->bank, card, &retained);
    if (ac == NULL || retained) {
        audit(a, "insert %s: refused", card != NULL ? card : "(null)");
        go(a, "reject", NULL);
        return ac == NULL ? dk_error_set(err, DK_ENOTFOUND, "atm: unknown card \"%s\"",
                                         card != NULL ? card : "(null)")
                          : dk_error_set(err, DK_ELIMIT, "atm: card \"%s\" is retained", card);
    }
    if ((st = link_call(a, "insert", err)) != DK_OK) {
        go(a, "reject", NULL);
        return st;
    }
    a->session = ac;
    a->wrong_pins = 0;
    audit(a, "inserted");
    return go(a, "accept", err);
}

dk_status dk_atm_enter_pin(dk_atm_t *a, const char *pin, dk_error *err)
{
    dk_status st = need(a, "pin", "enter_pin", err);
    if (st != DK_OK)
        return st;
    if (pin != NULL && strcmp(pin, a->session->pin) == 0) {
        audit(a, "pin: ok");
        return go(a, "accept", err);
    }
    a->wrong_pins++;
    if (a->wrong_pins < a->pin_attempts) {
        audit(a, "pin: wrong (%d of %d)", a->wrong_pins, a->pin_attempts);
        return dk_error_set(err, DK_EINVAL, "atm: wrong PIN (%d attempts left)",
                            a->pin_attempts - a->wrong_pins);
    }
    dk__atm_bank_keep_card(a->bank, a->session);
    audit(a, "pin: wrong (%d of %d): card retained", a->wrong_pins, a->pin_attempts);
    a->session = NULL;
    if ((st = go(a, "retain", err)) != DK_OK)
        return st;
    return dk_error_set(err, DK_ELIMIT, "atm: card retained after %d wrong PINs", a->pin_attempts);
}

/* Ends a refused transaction: back to the menu, with the refusal logged and returned. */
static dk_status refuse(dk_atm_t *a, const char *what, dk_status st, dk_error *err)
{
    audit(a, "%s: refused (%s)", what, err != NULL ? err->message : dk_strerror(st));
    go(a, "done", NULL);
    return st;
}

dk_status dk_atm_withdraw(dk_atm_t *a, int64_t amount, int64_t *notes, dk_error *err)
{
    dk_status st = need(a, "menu", "withdraw", err);
    if (st != DK_OK || (st = go(a, "select", err)) != DK_OK)
        return st;
    account *ac = a->session;
    int64_t take[DK_ATM_MAX_CASSETTES] = {0};
    if (amount <= 0)
        return refuse(a, "withdraw",
                      dk_error_set(err, DK_EINVAL,
                                   "atm: withdraw: amount must be positive (got %lld)",
                                   (long long)amount),
                      err);
    /* The limit and the balance are checked first, to refuse in the documented order; another
     * machine may move the account before the debit below, which checks them again. */
    int64_t day = dk_atm_now(a) / DK_ATM_DAY_NS;
    if ((st = dk__atm_bank_debit(a->bank, ac, amount, a->daily_limit, day, 0, err)) != DK_OK)
        return refuse(a, "withdraw", st, err);
    if ((st = dk_atm_plan(a->stock, a->nstock, amount, take, err)) != DK_OK)
        return refuse(a, "withdraw", st, err);
    if ((st = link_call(a, "withdraw", err)) != DK_OK)
        return refuse(a, "withdraw", st, err);
    /* The debit, before the notes move (a failure credits it back): its checks and the debit
     * are one step under the bank's lock, so two sessions on one account cannot both pass. */
    if ((st = dk__atm_bank_debit(a->bank, ac, amount, a->daily_limit, day, 1, err)) != DK_OK)
        return refuse(a, "withdraw", st, err);
    if ((st = go(a, "dispense", err)) != DK_OK)
        return st;
    if (a->dispense_failures > 0) {
        a->dispense_failures--;
        dk__atm_bank_refund(a->bank, ac, amount, day);
        audit(a, "withdraw %lld: dispenser failed, debit rolled back", (long long)amount);
        go(a, "done", NULL);
        return dk_error_set(err, DK_EIO, "atm: withdraw %lld: the dispenser failed; not debited",
                            (long long)amount);
    }
    char detail[160] = "";
    size_t used = 0;
    for (size_t i = 0; i < a->nstock; i++) {
        a->stock[i].count -= take[i];
        if (notes != NULL)
            notes[i] = take[i];
        if (take[i] > 0 && used < sizeof detail) {
            int n = dk_snprintf(detail + used, sizeof detail - used, "%s%lldx%lld", used ? " " : "",
                                (long long)a->stock[i].value, (long long)take[i]);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    audit(a, "withdraw %lld: ok (%s)", (long long)amount, detail);
    return go(a, "done", err);
}

dk_status dk_atm_deposit(dk_atm_t *a, int64_t amount, int cheque, dk_error *err)
{
    dk_status st = need(a, "menu", "deposit", err);
    if (st != DK_OK || (st = go(a, "select", err)) != DK_OK)
        return st;
    if (amount <= 0)
        return refuse(a, "deposit",
                      dk_error_set(err, DK_EINVAL,
                                   "atm: deposit: amount must be positive (got %lld)",
                                   (long long)amount),
                      err);
    if ((st = link_call(a, "deposit", err)) != DK_OK)
        return refuse(a, "deposit", st, err);
    dk__atm_bank_deposit(a->bank, a->session, amount, cheque);
    audit(a, "deposit %lld %s: ok", (long long)amount, cheque ? "cheque (pending)" : "cash");
    return go(a, "done", err);
}

dk_status dk_atm_transfer(dk_atm_t *a, const char *to, int64_t amount, dk_error *err)
{
    dk_status st = need(a, "menu", "transfer", err);
    if (st != DK_OK || (st = go(a, "select", err)) != DK_OK)
        return st;
    int retained = 0;
    account *dst = dk__atm_bank_find(a->bank, to, &retained);
    if (dst == NULL)
        return refuse(a, "transfer",
                      dk_error_set(err, DK_ENOTFOUND, "atm: transfer: no account for card \"%s\"",
                                   to != NULL ? to : "(null)"),
                      err);
    if (dst == a->session || amount <= 0)
        return refuse(a, "transfer",
                      dk_error_set(err, DK_EINVAL, "atm: transfer: %s",
                                   amount <= 0 ? "amount must be positive" : "to the same account"),
                      err);
    int64_t have = 0;
    dk__atm_bank_balance(a->bank, a->session, &have, NULL);
    if (amount > have) /* checked again with the move, under the bank's lock */
        return refuse(a, "transfer",
                      dk_error_set(err, DK_ERANGE,
                                   "atm: transfer %lld: the available balance is %lld",
                                   (long long)amount, (long long)have),
                      err);
    if ((st = link_call(a, "transfer", err)) != DK_OK ||
        (st = dk__atm_bank_transfer(a->bank, a->session, dst, amount, err)) != DK_OK)
        return refuse(a, "transfer", st, err);
    audit(a, "transfer %lld to %s: ok", (long long)amount, dst->card);
    return go(a, "done", err);
}

dk_status dk_atm_balance(dk_atm_t *a, int64_t *available, int64_t *pending, dk_error *err)
{
    dk_status st = need(a, "menu", "balance", err);
    if (st != DK_OK || (st = go(a, "select", err)) != DK_OK)
        return st;
    if ((st = link_call(a, "balance", err)) != DK_OK)
        return refuse(a, "balance", st, err);
    dk__atm_bank_balance(a->bank, a->session, available, pending);
    audit(a, "balance: ok");
    return go(a, "done", err);
}

dk_status dk_atm_cancel(dk_atm_t *a, dk_error *err)
{
    if (!dk_sm_in(a->sm, "card_inserted") && !dk_sm_in(a->sm, "pin") && !dk_sm_in(a->sm, "menu"))
        return dk_error_set(err, DK_ESTATE, "atm: cancel needs a card in the machine (it is in %s)",
                            dk_atm_state(a));
    audit(a, "cancel");
    return go(a, "cancel", err);
}

dk_status dk_atm_take_card(dk_atm_t *a, dk_error *err)
{
    dk_status st = need(a, "ejecting", "take_card", err);
    if (st != DK_OK)
        return st;
    audit(a, "card taken");
    a->session = NULL;
    return go(a, "taken", err);
}

/* ---- the operator and the bank ---------------------------------------------------------- */

dk_status dk_atm_refill(dk_atm_t *a, int64_t value, int64_t count, dk_error *err)
{
    dk_status st = need(a, "idle", "refill", err);
    if (st != DK_OK)
        return st;
    if (value <= 0 || count < 0)
        return dk_error_set(err, DK_EINVAL, "atm: refill: %s must be %s (got %lld)",
                            value <= 0 ? "value" : "count", value <= 0 ? "positive" : ">= 0",
                            (long long)(value <= 0 ? value : count));
    int i = find_stock(a, value);
    if (i < 0) {
        if (a->nstock == DK_ATM_MAX_CASSETTES)
            return dk_error_set(err, DK_EFULL, "atm: refill %lld: all %d cassettes are in use",
                                (long long)value, DK_ATM_MAX_CASSETTES);
        i = (int)a->nstock++;
        a->stock[i].value = value;
        a->stock[i].count = 0;
    }
    a->stock[i].count += count;
    audit(a, "refill %lldx%lld", (long long)value, (long long)count);
    return DK_OK;
}

size_t dk_atm_stock(const dk_atm_t *a, dk_atm_cassette *out, size_t cap)
{
    for (size_t i = 0; i < a->nstock && i < cap; i++)
        out[i] = a->stock[i];
    return a->nstock;
}

void dk_atm_clear(dk_atm_t *a)
{
    dk_atm_bank_clear(a->bank);
    audit(a, "cheques cleared");
}
