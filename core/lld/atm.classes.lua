-- atm.classes.lua - the class diagram of the ATM block (core/lld/atm.c, atm_bank.c, atm_plan.c,
-- designkit/atm.h), declared beside its code. docs/regenerate.sh draws it into
-- docs/lld/atm_classes.svg: `designkit atm.classes.lua [OUT.svg]`.
local dk = require "designkit"
local d = dk.classes "ATM (designkit/atm.h)"

d:class { name = "dk_atm_cassette", fields = { "+value: int64", "+count: int64" } }
d:class { name = "dk_atm_config",
          fields = { "+cassettes: dk_atm_cassette[]", "+ncassettes: size_t",
                     "+pin_attempts: int", "+daily_limit: int64", "+bank: dk_atm_bank_t*" } }
d:class { name = "dk_atm_bank",
          fields = { "-lock: pthread_mutex_t", "-refs: int" },
          methods = { { "+new(err): dk_atm_bank_t*", static = true }, "+free()",
                      "+account_add(card, pin, balance, err): dk_status",
                      "+account(card, available*, pending*, err): dk_status",
                      "+retained(card): int", "+clear()", "+total(): int64" } }
d:class { name = "account",
          fields = { "+card: char*", "+pin: char[16]", "+available: int64", "+pending: int64",
                     "+retained: int", "+day: int64", "+withdrawn: int64" } }
d:class { name = "dk_atm",
          methods = { { "+new(cfg, err): dk_atm_t*", static = true }, "+free()",
                      { "+session_def(err): dk_sm_def_t*", static = true }, "+bank_of(): dk_atm_bank_t*",
                      "+account_add(card, pin, balance, err): dk_status",
                      "+account(card, available*, pending*, err): dk_status",
                      "+retained(card): int", "+state(): char*",
                      "+insert(card, err): dk_status", "+enter_pin(pin, err): dk_status",
                      "+withdraw(amount, notes*, err): dk_status",
                      "+deposit(amount, cheque, err): dk_status",
                      "+transfer(to, amount, err): dk_status",
                      "+balance(available*, pending*, err): dk_status",
                      "+cancel(err): dk_status", "+take_card(err): dk_status",
                      "+refill(value, count, err): dk_status",
                      "+stock(out*, cap): size_t", "+clear()",
                      "+set_clock(fn, ud)", "+advance(ns)", "+now(): int64",
                      "+audit_size(): size_t", "+audit_at(i): char*" } }
d:class { name = "atm_plan",
          methods = { { "+plan(stock, n, amount, take*, err): dk_status", static = true } } }

d:aggregates("dk_atm_config", "dk_atm_cassette", { mult = "1..8", role = "cassettes" })
d:depends("dk_atm", "dk_atm_config", { label = "copies" })
d:composes("dk_atm", "dk_atm_cassette", { mult = "1..8", role = "stock", from_mult = "1" })
d:depends("dk_atm", "atm_plan", { label = "plans notes" })
d:aggregates("dk_atm", "dk_atm_bank", { mult = "1", role = "bank", from_mult = "*" })
d:composes("dk_atm_bank", "account", { mult = "*", role = "accounts", from_mult = "1" })

local out = ...
if out then assert(d:draw(out)) end
return d
