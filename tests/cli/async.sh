# async.sh - an asynchronous link end to end: drawn dashed (the synchronous ones solid), kept
# in model JSON, and not waited for in a run (the callers' latency leaves the slow callee out).
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$FIX" || exit 1

dk draw async_link.lua -o "$TMP/async.dot"
check "draw succeeds" rc_is 0
edge() { /usr/bin/python3 - "$TMP/async.dot" "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"api -> %s\s*\[([^\]]*)\]" % sys.argv[2], text)
print(m.group(1) if m else "missing")
PY
}
check "the asynchronous link is dashed" test -n "$(edge audit | grep 'style=dashed')"
check "the synchronous link is not" test -z "$(edge db | grep -e dashed -e missing)"

dk export async_link.lua -o "$TMP/async.json"
check "export succeeds" rc_is 0
check "the JSON marks the link async" /usr/bin/python3 -c '
import json, sys
links = json.load(open(sys.argv[1]))["links"]
sys.exit(0 if [l.get("async") for l in links if l["to"] == "audit"] == [True] and
         all("async" not in l for l in links if l["to"] != "audit") else 1)' "$TMP/async.json"

dk run "$TMP/async.json" --for 2s --json "$TMP/report.json"
check "the exported design runs" rc_is 0
check "its callers do not wait for audit (3 ms end to end)" /usr/bin/python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["classes"][0]
sys.exit(0 if abs(c["latency"]["mean_ns"] - 3e6) < 1 else 1)' "$TMP/report.json"

finish
