# report_text.sh - the text report of `designkit run` against the JSON report of the same run:
# rejected and failed requests per component, one precision for every percentage, "-" wherever
# the JSON has null (issue 6).
set -u
. "$(dirname "$0")/fixtures/lib.bash"

dk run "$FIX/overload.lua" --for 5s --seed 3 --json "$TMP/report.json"
check "the overloaded design fails its availability (exit 1)" rc_is 1
printf '%s\n' "$OUT" >"$TMP/report.txt"
check "the component table counts rejected and failed requests" \
    out_matches "^component +kind +arrivals +throughput +util +held +queue +hits +p50 +p99 +rejected +failed$"

# compare: each line "ok ..." or "bad ..." from an independent reading of both reports. The
# percentages are written again from the JSON: two decimals, never rounded onto 0% or 100%.
/usr/bin/python3 - "$TMP/report.json" "$TMP/report.txt" >"$TMP/compare" <<'PY'
import json, re, sys
report = json.load(open(sys.argv[1]))
rows = {}
for line in open(sys.argv[2], encoding="utf-8"):
    words = line.split()
    if words:
        rows.setdefault(words[0], words)

def percent(f):
    if f is None:
        return "-"
    s = "%.2f" % (f * 100)
    if f < 1 and float(s) >= 100:
        s = "99.99"
    elif f > 0 and float(s) <= 0:
        s = "0.01"
    return s + "%"

def say(ok, what):
    print(("ok " if ok else "bad ") + what)

for c in report["components"]:
    row = rows[c["name"]]
    # component kind arrivals throughput util held queue hits p50 p99 rejected failed
    say(row[10] == str(c["rejected"]), "%s rejected %s (JSON %s)" % (c["name"], row[10], c["rejected"]))
    say(row[11] == str(c["failed"]), "%s failed %s (JSON %s)" % (c["name"], row[11], c["failed"]))
    say(row[2] == str(c["arrivals"]), "%s arrivals" % c["name"])
    say(row[4] == percent(c["utilisation"]), "%s util %s (JSON %s)" % (c["name"], row[4], c["utilisation"]))
    say(row[5] == percent(c["held"]), "%s held %s (JSON %s)" % (c["name"], row[5], c["held"]))
    say(row[7] == percent(c["hit_ratio"]), "%s hits %s (JSON %s)" % (c["name"], row[7], c["hit_ratio"]))
    if c["latency"] is None:
        say(row[8] == "-" and row[9] == "-", "%s: no latency, p50 and p99 are -" % c["name"])
for c in report["classes"]:
    row = rows[c["name"]]
    say(row[3] == percent(c["availability"]), "%s avail %s (JSON %s)" % (c["name"], row[3], c["availability"]))
for e in report["expectations"]:
    if e["metric"] == "availability":
        line = "availability %s < %s" % (percent(e["value"]), percent(e["limit"]))
        say(any(line in l for l in open(sys.argv[2], encoding="utf-8")), "expectation: " + line)
text = open(sys.argv[2], encoding="utf-8").read()
found = re.findall(r"[\d.]+%", text)
say(len(found) >= 8, "%d percentages in the report" % len(found))
for p in found:
    say(re.fullmatch(r"\d+\.\d\d%", p) is not None, "one precision: " + p)
PY
check "the JSON and the text were compared" test -s "$TMP/compare"
while read -r verdict what; do
    if [ "$verdict" = ok ]; then pass "$what"; else fail "$what"; fi
done <"$TMP/compare"
check "the idle database is in the report" grep -qE "^spare +database +0 +0/s +0\.00% +0\.00% +0\.00 +- +- +- +0 +0$" "$TMP/report.txt"

finish
