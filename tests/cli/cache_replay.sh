# cache_replay.sh - designkit cache-replay end to end: a small trace worked out by hand, its bad
# inputs, the picture, and the OLTP trace against the hit ratios the ARC paper publishes
# (../shared/traces/README.md).
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$TMP" || exit 1
# 1 2 1 3 1 2: LRU of 2 holds {1,2}, hits 1, {1,3} after 3, hits 1, misses 2: 2 hits of 6.
# "7 3" expands to 7 8 9. MIN of 2 also keeps 1 and 2 through 3: 3 hits.
printf '1 1 0 0\n2 1 0 1\n1 1 0 2\n3 1 0 3\n1 1 0 4\n2 1 0 5\n7 3 0 6\n' >small.lis
dk cache-replay small.lis --policies lru,min --sizes 2,3 -o small.svg
check "a small trace replays" rc_is 0
check "it counts the expanded requests" out_has "9 requests from small.lis"
check "LRU at 2 hits 2 of 9, MIN 3 of 9" out_matches "^ +2 +22\.22% +33\.33%$"
check "LRU at 3 holds 1, 2, 3: 3 hits of 9" out_matches "^ +3 +33\.33% +33\.33%$"
check "the picture is written" grep -q "<polyline" small.svg
check "the picture is well-formed XML" /usr/bin/python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
lines = [e for e in root.iter() if e.tag.endswith("polyline")]
sys.exit(0 if len(lines) == 2 else 1)' small.svg

printf '1 1 0 0\n\n2 1\n' >bad.lis
expect_fail "a malformed line is named with its number" 2 "bad.lis:3: expected 4 fields" \
    cache-replay bad.lis
expect_fail "an unknown policy lists the valid ones" 2 'unknown cache policy "lur" (use lru' \
    cache-replay small.lis --policies lur
expect_fail "a missing trace" 2 "missing.lis: No such file" cache-replay missing.lis
expect_fail "a size that is not a number" 2 '"ten" is not a positive whole number' \
    cache-replay small.lis --sizes ten
expect_fail "sizes out of order" 2 "sizes must increase (5 after 10)" \
    cache-replay small.lis --sizes 10,5
expect_fail "a picture that is not SVG" 2 "the picture is SVG" cache-replay small.lis -o x.png
expect_fail "no trace" 2 "which trace?" cache-replay
check "nothing half-written" test ! -e x.png

oltp=$ROOT/../shared/traces/OLTP.lis.gz
if [ -r "$oltp" ]; then
    gzip -dc "$oltp" >oltp.lis
    dk cache-replay oltp.lis --policies lru,arc,min --sizes 1000,2000,5000,10000,15000
    check "OLTP replays" rc_is 0
    # The paper's columns (README.md): LRU to the hundredth, ARC within 0.15 points, MIN above.
    check "LRU and ARC reproduce the ARC paper on OLTP" /usr/bin/python3 -c '
import sys
paper = {1000: (32.83, 38.93), 2000: (42.47, 46.08), 5000: (53.65, 55.25),
         10000: (60.70, 61.87), 15000: (64.63, 65.40)}
rows = {}
for line in sys.stdin.read().splitlines()[2:]:
    f = line.split()
    rows[int(f[0])] = [float(x.rstrip("%")) for x in f[1:]]
ok = sorted(rows) == sorted(paper)
for c, (lru, arc) in paper.items():
    got = rows.get(c, [0, 0, 0])
    ok = ok and abs(got[0] - lru) <= 0.005 and abs(got[1] - arc) <= 0.15
    ok = ok and got[2] > max(got[0], got[1])
sys.exit(0 if ok else 1)' <<<"$OUT"
    gzip -dc "$oltp" | "$DK" cache-replay - --sizes 1000 >stdin.out 2>&1
    check "a trace on standard input" grep -qE "^ +1000 +32\.83%$" stdin.out
else
    echo "skip OLTP: $oltp is not there"
fi

finish
