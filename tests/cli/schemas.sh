#!/usr/bin/env bash
# schemas.sh DESIGNKIT ROOT - the JSON designkit writes matches schemas/*.schema.json, and the
# schemas match docs/json-schemas.md, so the three cannot drift apart again:
#   - every design in examples/ and models/hld/ (and a fixture that reaches every branch of the
#     schemas) is exported and run with --json, and each document validates (python3-jsonschema,
#     an implementation independent of ours);
#   - a document broken on purpose (a renamed, missing, mistyped or out-of-range field) fails;
#   - every field a schema names is documented, and the JSON examples in the docs validate.
# A field added to the output without its schema fails here; so does one added to a schema
# without its line in the docs.
set -u
. "$(dirname "$0")/fixtures/lib.bash"
# Debian's interpreter, which sees python3-jsonschema (a python3 earlier on PATH may not).
PY=/usr/bin/python3
SCHEMAS=$ROOT/schemas
DOCS=$ROOT/docs/json-schemas.md

cat >"$TMP/schemas.py" <<'PY'
"""Validates designkit documents against schemas/*.schema.json (draft 2020-12)."""
import copy, json, re, sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    sys.exit("python3-jsonschema is missing: `make deps` installs it")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def errors(schema, doc):
    v = Draft202012Validator(schema)
    return sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))


def where(e):
    return "/" + "/".join(str(p) for p in e.absolute_path)


def set_in(doc, path, value):
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


def delete_in(doc, path):
    for key in path[:-1]:
        doc = doc[key]
    del doc[path[-1]]


def rename_in(doc, path, new):
    for key in path[:-1]:
        doc = doc[key]
    doc[new] = doc.pop(path[-1])


def first(doc, array, test):
    """The index of the first entry of doc[array] for which test holds."""
    return next(i for i, x in enumerate(doc[array]) if test(x))


def measured(d):
    return first(d, "expectations", lambda x: "value" in x)


def held(d):
    return first(d, "expectations", lambda x: "value" in x and x["ok"])


def served(d):
    return first(d, "components", lambda x: x["latency"] is not None)


def station(d):
    return first(d, "components", lambda x: x["utilisation"] is not None)


def timed(d):
    return first(d, "components", lambda x: isinstance(x.get("properties", {}).get("time"), dict)
                 and "params" in x["properties"]["time"])


# Each mutation is one way a document drifts from its schema; every one must be refused.
MUTATIONS = {
    "report": {
        "expectation limit renamed threshold": lambda d: rename_in(d, ["expectations", measured(d), "limit"], "threshold"),
        "expectation without ok": lambda d: delete_in(d, ["expectations", measured(d), "ok"]),
        "expectation value as text": lambda d: set_in(d, ["expectations", measured(d), "value"], "14ms"),
        "expectation held without a value": lambda d: delete_in(d, ["expectations", held(d), "value"]),
        "expectation metric p95": lambda d: set_in(d, ["expectations", measured(d), "metric"], "p95"),
        "utilisation above 1": lambda d: set_in(d, ["components", station(d), "utilisation"], 1.5),
        "unknown component field": lambda d: set_in(d, ["components", 0, "servers"], 4),
        "component without rejected": lambda d: delete_in(d, ["components", 0, "rejected"]),
        "latency without p99_ns": lambda d: delete_in(d, ["components", served(d), "latency", "p99_ns"]),
        "latency in seconds": lambda d: rename_in(d, ["components", served(d), "latency", "p99_ns"], "p99"),
        "fractional count": lambda d: set_in(d, ["components", 0, "arrivals"], 2.5),
        "availability as text": lambda d: set_in(d, ["classes", 0, "availability"], "100%"),
        "negative seed": lambda d: set_in(d, ["seed"], -1),
        "version 2": lambda d: set_in(d, ["version"], 2),
        "tagged as a model": lambda d: set_in(d, ["designkit"], "model"),
        "without expectations": lambda d: delete_in(d, ["expectations"]),
    },
    "model": {
        "version 2": lambda d: set_in(d, ["version"], 2),
        "unknown top-level key faults": lambda d: set_in(d, ["faults"], []),
        "component without kind": lambda d: delete_in(d, ["components", 0, "kind"]),
        "exponential with two parameters": lambda d: set_in(d, ["components", timed(d), "properties", "time"], {"kind": "exponential", "params": [1, 2]}),
        "unknown distribution gamma": lambda d: set_in(d, ["components", timed(d), "properties", "time"], {"kind": "gamma", "params": [1, 2]}),
        "empirical without values": lambda d: set_in(d, ["components", timed(d), "properties", "time"], {"kind": "empirical", "weights": [1]}),
        "mixture with a malformed part": lambda d: set_in(d, ["components", timed(d), "properties", "time"],
                                                          {"kind": "mixture", "weights": [1], "parts": [{"kind": "exponential", "params": []}]}),
        "hyperexponential without means": lambda d: set_in(d, ["components", timed(d), "properties", "time"], {"kind": "hyperexponential", "probs": [1]}),
        "property as an array of numbers": lambda d: set_in(d, ["components", 0, "properties", "rate"], [1, 2]),
        "route flow fanout": lambda d: set_in(d, ["components", first(d, "components", lambda x: "routes" in x), "routes", 0, "flow"], "fanout"),
        "group kind datacenter": lambda d: set_in(d, ["groups", 0, "kind"], "datacenter"),
        "link weight as a list": lambda d: set_in(d, ["links", 0, "weight"], [1]),
        "link retry with attempt": lambda d: set_in(d, ["links", 0, "retry"], {"attempt": 4}),
        "link breaker as a number": lambda d: set_in(d, ["links", 0, "breaker"], 20),
        "expectation metric p95": lambda d: set_in(d, ["expect", 0, "metric"], "p95"),
        "expectation limit as text": lambda d: set_in(d, ["expect", 0, "limit"], "50ms"),
        "empty component name": lambda d: set_in(d, ["components", 0, "name"], ""),
    },
}


def schema_fields(node, out):
    """Every property name a schema defines, anywhere in it."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            out.add(name)
            schema_fields(sub, out)
        for key, sub in node.items():
            if key != "properties":
                schema_fields(sub, out)
    elif isinstance(node, list):
        for sub in node:
            schema_fields(sub, out)
    return out


def main(cmd, *args):
    if cmd == "schema":  # SCHEMA: the schema itself is valid draft 2020-12
        Draft202012Validator.check_schema(load(args[0]))
        return 0
    if cmd == "valid":  # SCHEMA FILE
        errs = errors(load(args[0]), load(args[1]))
        for e in errs[:10]:
            print(f"{args[1]}: {where(e)}: {e.message[:300]}")
        return 1 if errs else 0
    if cmd == "mutations":  # WHAT: the names, one a line
        print("\n".join(MUTATIONS[args[0]]))
        return 0
    if cmd == "refuses":  # SCHEMA WHAT FILE NAME: the mutated copy is invalid
        schema, doc = load(args[0]), copy.deepcopy(load(args[2]))
        MUTATIONS[args[1]][args[3]](doc)
        if errors(schema, doc):
            return 0
        print(f"{args[3]}: accepted by {args[0]}")
        return 1
    if cmd == "documented":  # DOCS SCHEMA: every field the schema names is in the docs' prose
        # (the examples do not count): as `field`, or within a code span such as {"name", "kind"}.
        text = re.sub(r"```.*?```", "", open(args[0], encoding="utf-8").read(), flags=re.S)
        spans = re.findall(r"`([^`\n]+)`", text)
        missing = sorted(f for f in schema_fields(load(args[1]), set())
                         if not any(re.search(r"\b" + re.escape(f) + r"\b", s) for s in spans))
        for f in missing:
            print(f"{args[1]}: field \"{f}\" is not in {args[0]}")
        return 1 if missing else 0
    if cmd == "examples":  # DOCS SCHEMA TAG: the docs' JSON examples with that tag validate
        text = open(args[0], encoding="utf-8").read()
        docs = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.S)]
        docs = [d for d in docs if isinstance(d, dict) and d.get("designkit") == args[2]]
        if not docs:
            print(f"{args[0]}: no JSON example tagged \"{args[2]}\"")
            return 1
        bad = 0
        for d in docs:
            for e in errors(load(args[1]), d)[:10]:
                print(f"{args[0]} ({args[2]} example): {where(e)}: {e.message[:300]}")
                bad = 1
        return bad
    sys.exit(f"unknown command {cmd}")


sys.exit(main(*sys.argv[1:]))
PY
v() { "$PY" "$TMP/schemas.py" "$@"; }

# valid SCHEMA FILE NAME: FILE validates; the first errors are shown otherwise.
valid() {
    local msg
    if msg=$(v valid "$1" "$2" 2>&1); then pass "$3"; else fail "$3" "$msg"; fi
}

if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
    fail "python3-jsonschema is installed (make deps installs it)"
    finish
    exit 1
fi
for s in model report; do
    msg=$(v schema "$SCHEMAS/$s.schema.json" 2>&1) && pass "$s.schema.json is valid draft 2020-12" \
        || fail "$s.schema.json is valid draft 2020-12" "$msg"
done

# The designs: what examples.sh runs as `designkit run`, and a fixture that reaches every branch.
designs=("$FIX/schema_tour.lua")
for f in "$ROOT"/examples/*.lua "$ROOT"/models/hld/*.lua; do
    [ -e "$f" ] && head -n 3 "$f" | grep -qi 'run with: designkit run' && designs+=("$f")
done
n=0
for f in "${designs[@]}"; do
    name=${f#"$ROOT"/}
    n=$((n + 1))
    model=$TMP/model-$n.json report=$TMP/report-$n.json again=$TMP/again-$n.json
    dk export "$f" -o "$model"
    if rc_is 0; then valid "$SCHEMAS/model.schema.json" "$model" "$name: export matches the model schema"
    else fail "$name: export exits 0" "rc=$RC
$ERR"; fi
    # A design may fail its expectations on purpose (exit 1); the report is written either way.
    dk run "$f" --for 1s --quiet --json "$report"
    if [ "$RC" -le 1 ] && [ -s "$report" ]; then
        valid "$SCHEMAS/report.schema.json" "$report" "$name: run --json matches the report schema"
    else fail "$name: run --json writes a report" "rc=$RC
$ERR"; fi
    if [ -s "$model" ]; then
        # An export leaves Lua handlers out, so check may find a class nothing routes any more
        # (unrouted-class): --force runs it anyway, those requests failing.
        dk run "$model" --for 1s --quiet --force --json "$again"
        if [ "$RC" -le 1 ] && [ -s "$again" ]; then
            valid "$SCHEMAS/report.schema.json" "$again" "$name: the run of its export matches too"
        else fail "$name: the export runs" "rc=$RC
$ERR"; fi
    fi
done
check "at least the fixture and three designs were checked" test "$n" -ge 4

# Documents broken on purpose: the schema refuses each (the fixture's documents have every part).
for what in model report; do
    doc=$TMP/$what-1.json
    [ -s "$doc" ] || { fail "$what: the fixture's document exists"; continue; }
    while IFS= read -r mutation; do
        msg=$(v refuses "$SCHEMAS/$what.schema.json" "$what" "$doc" "$mutation" 2>&1) \
            && pass "$what schema refuses: $mutation" || fail "$what schema refuses: $mutation" "$msg"
    done < <(v mutations "$what")
done

# And the designkit reader agrees with the model schema on a few of those.
"$PY" - "$TMP/model-1.json" "$TMP" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = dict(d, version=2); json.dump(bad, open(sys.argv[2] + "/bad-version.json", "w"))
bad = dict(d, faults=[]); json.dump(bad, open(sys.argv[2] + "/bad-key.json", "w"))
PY
expect_fail "designkit refuses what the schema refuses: version 2" 2 "version 2" check "$TMP/bad-version.json"
expect_fail "designkit refuses what the schema refuses: an unknown key" 2 "faults" check "$TMP/bad-key.json"

# The docs: every field of each schema is documented, and the docs' examples validate.
for s in model report; do
    msg=$(v documented "$DOCS" "$SCHEMAS/$s.schema.json" 2>&1) \
        && pass "docs/json-schemas.md documents every field of $s.schema.json" \
        || fail "docs/json-schemas.md documents every field of $s.schema.json" "$msg"
    msg=$(v examples "$DOCS" "$SCHEMAS/$s.schema.json" "$s" 2>&1) \
        && pass "the $s example in docs/json-schemas.md validates" \
        || fail "the $s example in docs/json-schemas.md validates" "$msg"
done

finish
