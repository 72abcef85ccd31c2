# draw.sh - `designkit draw`: every format, deterministic bytes, --after-run, bad outputs.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

for fmt in svg png pdf dot; do
    dk draw "$FIX/simple.lua" -o "$TMP/d1.$fmt"
    check "draw .$fmt exits 0" rc_is 0
    check "draw .$fmt writes a file" test -s "$TMP/d1.$fmt"
    dk draw "$FIX/simple.lua" -o "$TMP/d2.$fmt"
    check "draw .$fmt twice gives identical bytes" cmp -s "$TMP/d1.$fmt" "$TMP/d2.$fmt"
done
check "the SVG is an SVG" grep -q "<svg" "$TMP/d1.svg"
check "the PNG is a PNG" test "$(head -c 4 "$TMP/d1.png" | tail -c 3)" = "PNG"
check "the PDF is a PDF" test "$(head -c 5 "$TMP/d1.pdf")" = "%PDF-"
check "the DOT is a graph" grep -q "digraph" "$TMP/d1.dot"
check "the SVG names every component" grep -q "api" "$TMP/d1.svg"

dk draw "$FIX/simple.lua" --after-run --for 5s -o "$TMP/after.svg"
check "draw --after-run exits 0" rc_is 0
check "--after-run changes the drawing" test -n "$(cmp "$TMP/d1.svg" "$TMP/after.svg" 2>&1)"
colours() { grep -oE '(fill|stroke)="#[0-9a-fA-F]{6}"' "$1" | sort -u; }
check "--after-run changes the colours" test "$(colours "$TMP/d1.svg")" != "$(colours "$TMP/after.svg")"
dk draw "$FIX/simple.lua" --after-run --for 5s -o "$TMP/after2.svg"
check "--after-run is deterministic too" cmp -s "$TMP/after.svg" "$TMP/after2.svg"

expect_fail "a bad extension exits 2" 2 "design.gif" draw "$FIX/simple.lua" -o "$TMP/design.gif"
check "and writes nothing" test ! -e "$TMP/design.gif"
expect_fail "no -o exits 2" 2 "-o" draw "$FIX/simple.lua"
expect_fail "an unwritable path exits 2" 2 "$TMP/missing/d.svg" draw "$FIX/simple.lua" -o "$TMP/missing/d.svg"
check "and leaves no partial file" test ! -e "$TMP/missing"
mkdir "$TMP/ro" && chmod 555 "$TMP/ro"
if [ ! -w "$TMP/ro" ]; then
    expect_fail "a read-only folder exits 2" 2 "cannot write" draw "$FIX/simple.lua" -o "$TMP/ro/d.svg"
    check "and leaves nothing in it" test -z "$(ls -A "$TMP/ro")"
fi
chmod 755 "$TMP/ro"

# Past DK_DRAW_SUMMARY_AT components the drawing is a summary: the alike folded, the odd apart.
dk draw "$FIX/wide.lua" -o "$TMP/wide.dot"
check "a large design draws" rc_is 0
check "the 400 services are one node" grep -q 'api-1 … api-400\\n×400 service' "$TMP/wide.dot"
check "so are their databases" grep -q 'db-1 … db-400\\n×400 database' "$TMP/wide.dot"
check "the links between them are one edge" grep -q '"api-1" -> "db-1".*×400' "$TMP/wide.dot"
check "the odd service stays apart" grep -q 'label="odd\\nservice' "$TMP/wide.dot"
check "and is drawn with only six nodes" test "$(grep -c 'id=' "$TMP/wide.dot")" = 6
dk draw "$FIX/wide.lua" -o "$TMP/wide2.dot"
check "the summary repeats byte for byte" cmp -s "$TMP/wide.dot" "$TMP/wide2.dot"

dk draw "$FIX/simple.lua" -o "$TMP/d1.svg"
check "drawing over an existing file replaces it whole" cmp -s "$TMP/d1.svg" "$TMP/d2.svg"

finish
