# shard.sh - sharding end to end: a sharded_database reports each shard on its own row and the
# hot shard of a Zipf range split is the busiest, at rate x service x its exact Zipf share (from
# the pmf, computed here); bad input exits 2 naming the place.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$FIX" || exit 1

dk run sharded.lua --for 60s --json "$TMP/sharded.json"
check "a sharded design runs" rc_is 0
check "each shard has its own row" out_matches '^db\.shard4 +database '
check "shard 1 is the busiest, near 1000/s x 0.5ms x H(2500)/H(10000)" \
    /usr/bin/python3 - "$TMP/sharded.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
util = {c["name"]: c["utilisation"] for c in d["components"] if c["name"].startswith("db.shard")}
h = lambda lo, hi: sum(1.0 / k for k in range(lo, hi + 1))
want = 1000 * 0.0005 * h(1, 2500) / h(1, 10000)
busiest = max(util, key=util.get)
sys.exit(0 if busiest == "db.shard1" and abs(util["db.shard1"] - want) < 0.03 else 1)
PY

expect_fail "key_space below shards: exit 2 at the line" 2 \
    'sharded_bad.lua:4: sharded_database "db": key_space (5) must be at least shards (8)' \
    run sharded_bad.lua
expect_fail "an unknown strategy lists the valid ones" 2 \
    'shard_badstrategy.lua:2: shard: unknown strategy "rnage"; did you mean "range"? (valid: range, hash, directory, geo, custom, vertical)' \
    shard_badstrategy.lua

finish
