-- splitwise.classes.lua - the class diagram of the Splitwise block (core/lld/splitwise.c,
-- ledger.c, designkit/splitwise.h), declared beside its code. docs/regenerate.sh draws it into
-- docs/lld/splitwise_classes.svg: `designkit splitwise.classes.lua [OUT.svg]`.
local dk = require "designkit"
local d = dk.classes "Splitwise (designkit/splitwise.h)"

d:enum { name = "dk_split", values = { "DK_SPLIT_EQUAL", "DK_SPLIT_EXACT", "DK_SPLIT_PERCENT",
                                      "DK_SPLIT_SHARES" } }
d:enum { name = "dk_simplify_mode", values = { "DK_SIMPLIFY_GREEDY", "DK_SIMPLIFY_EXACT" } }
d:enum { name = "dk_ledger_event_kind", values = { "DK_LEDGER_USER", "DK_LEDGER_GROUP",
                                                  "DK_LEDGER_EXPENSE", "DK_LEDGER_SETTLE" } }
d:class { name = "splitwise",
          methods = { { "+split(amount, split, values, n, owed*, err): dk_status", static = true },
                      { "+simplify(balances, n, mode, plan*, err): dk_status", static = true } } }
d:class { name = "dk_transfer", fields = { "+from: size_t", "+to: size_t", "+amount: int64" } }
d:class { name = "dk_expense",
          fields = { "+payer: char*", "+amount: int64", "+split: dk_split", "+group: char*",
                     "+users: char*[]", "+values: int64[]", "+description: char*" } }
d:class { name = "dk_ledger",
          fields = { "-events: event[]", "-user_event: size_t[]", "-balance: int64[]",
                     "-group_event: size_t[]" },
          methods = { { "+new(status*): dk_ledger_t*", static = true }, "+free()",
                      "+add_user(name, err): dk_status",
                      "+add_group(name, members, n, err): dk_status",
                      "+expense(e, owed*, err): dk_status",
                      "+settle(from, to, amount, err): dk_status",
                      "+settle_up(group, mode, plan*, err): dk_status",
                      "+balances(group, out*, err): dk_status",
                      "+event_at(i, ev*): dk_status",
                      "+replay(upto, err): dk_ledger_t*" } }
d:class { name = "dk_ledger_event",
          fields = { "+kind: dk_ledger_event_kind", "+name: char*", "+payer: size_t",
                     "+to: size_t", "+amount: int64", "+split: dk_split", "+group: long",
                     "+users: size_t[]", "+values: int64[]", "+owed: int64[]" } }

d:composes("dk_ledger", "dk_ledger_event", { mult = "*", role = "log", from_mult = "1" })
d:associates("dk_ledger_event", "dk_ledger_event_kind", { navigable = true, mult = "1" })
d:associates("dk_expense", "dk_split", { navigable = true, mult = "1" })
d:depends("dk_ledger", "dk_expense", { label = "records" })
d:depends("dk_ledger", "splitwise", { label = "splits, simplifies" })
d:depends("splitwise", "dk_transfer", { label = "plans" })
d:depends("splitwise", "dk_simplify_mode")

local out = ...
if out then assert(d:draw(out)) end
return d
