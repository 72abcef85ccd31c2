-- statemachine.classes.lua - the class diagram of the state-machine block
-- (core/lld/statemachine*.c, designkit/statemachine.h), declared beside its code.
-- docs/regenerate.sh draws it into docs/lld/statemachine_classes.svg:
-- `designkit statemachine.classes.lua [OUT.svg]`.
local dk = require "designkit"
local d = dk.classes "state machine (designkit/statemachine.h)"

d:enum { name = "dk_sm_kind", values = { "DK_SM_STATE", "DK_SM_PARALLEL", "DK_SM_FINAL",
                                        "DK_SM_HISTORY_SHALLOW", "DK_SM_HISTORY_DEEP" } }
d:enum { name = "dk_sm_finding_kind", values = { "DK_SM_UNREACHABLE", "DK_SM_DEAD_END",
                                                "DK_SM_SHADOWED", "DK_SM_UNHANDLED" } }
d:class { name = "dk_sm_def",
          methods = { { "+new(id, err): dk_sm_def_t*", static = true }, "+free()",
                      "+state(parent, id, kind, err): dk_status",
                      "+initial(state, child, err): dk_status",
                      "+on_entry(state, fn, ud, err): dk_status",
                      "+on_exit(state, fn, ud, err): dk_status",
                      "+transition(t, err): dk_status", "+seal(err): dk_status",
                      "+states(): int", "+state_id(i): char*",
                      "+check(events, nevents, out*, cap, count*): dk_status" } }
d:class { name = "dk_sm_transition",
          fields = { "+source: char*", "+event: char*", "+targets: char*[]", "+internal: int",
                     "+after_ns: int64", "+guard: dk_sm_guard_fn", "+action: dk_sm_action_fn",
                     "+ud: void*" } }
d:class { name = "dk_sm",
          methods = { { "+new(def, err): dk_sm_t*", static = true }, "+free()",
                      "+start(err): dk_status", "+send(event, data, err): dk_status",
                      "+raise(event, data): dk_status", "+advance(ns, err): dk_status",
                      "+set_context(context)", "+context(): void*", "+now(): int64",
                      "+started(): int", "+finished(): int", "+in(id): int",
                      "+configuration(ids*, cap): size_t", "+active(ids*, cap): size_t",
                      "+history(history, ids*, cap): long",
                      "+pending_delays(out*, cap): size_t",
                      "+restore(img, err): dk_status",
                      "+trace_size(): size_t", "+trace_at(i): char*" } }
d:class { name = "dk_sm_event", fields = { "+name: char*", "+data: void*" } }
d:class { name = "dk_sm_finding",
          fields = { "+kind: dk_sm_finding_kind", "+state: char*", "+event: char*" } }
d:class { name = "dk_sm_pending", fields = { "+state: char*", "+nth: int", "+due: int64" } }
d:class { name = "dk_sm_recorded", fields = { "+history: char*", "+states: char*[]" } }
d:class { name = "dk_sm_image",
          fields = { "+now: int64", "+active: char*[]", "+history: dk_sm_recorded[]",
                     "+pending: dk_sm_pending[]" } }

d:depends("dk_sm_def", "dk_sm_kind")
d:depends("dk_sm_def", "dk_sm_transition", { label = "copies" })
d:depends("dk_sm_def", "dk_sm_finding", { label = "checks" })
d:associates("dk_sm_finding", "dk_sm_finding_kind", { navigable = true, mult = "1" })
d:associates("dk_sm", "dk_sm_def", { navigable = true, mult = "1", role = "def" })
d:depends("dk_sm_transition", "dk_sm_event", { label = "guard, action get" })
d:depends("dk_sm", "dk_sm_image", { label = "restores" })
d:aggregates("dk_sm_image", "dk_sm_recorded", { mult = "*", role = "history" })
d:aggregates("dk_sm_image", "dk_sm_pending", { mult = "*", role = "pending" })

local out = ...
if out then assert(d:draw(out)) end
return d
