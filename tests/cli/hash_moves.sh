# hash_moves.sh - the keys-moved table of docs/patterns/load-balancing.md is what
# examples/hash_moves.lua prints (so the page cannot drift from the code), and its numbers keep
# to the theory: about 1/(n+1) for jump, ring, Maglev and rendezvous, about n/(n+1) for mod-N.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

SRC=$(cd "$ROOT" && pwd)
cd "$TMP" || exit 1
page=$SRC/docs/patterns/load-balancing.md

dk "$SRC/examples/hash_moves.lua"
check "the example runs" rc_is 0
missing=$(printf '%s\n' "$OUT" | while IFS= read -r line; do
    grep -qxF -- "$line" "$page" || printf '%s\n' "$line"
done)
if [ -z "$missing" ] && [ -n "$OUT" ]; then
    pass "the page shows every line of the table"
else
    fail "the page shows every line of the table (run examples/hash_moves.lua and paste)" "$missing"
fi

# Columns: n, 1/(n+1), mod-N, jump, ring, maglev, rendezvous.
bad=$(printf '%s\n' "$OUT" | awk -F'|' 'END { if (NR < 8) print "too few rows: " NR }
NR > 2 {
    split($2, n, " "); share = 1 / (n[1] + 1)
    if (($4 - n[1] * share) ^ 2 > 0.02 ^ 2) print "mod-N: " $0
    for (c = 5; c <= 8; c++) if ($c < 0.7 * share - 0.005 || $c > 1.4 * share + 0.005) print "col " c ": " $0
}')
if [ -z "$bad" ]; then
    pass "moved shares keep to 1/(n+1) and, for mod-N, n/(n+1)"
else
    fail "moved shares keep to 1/(n+1) and, for mod-N, n/(n+1)" "$bad"
fi

finish
