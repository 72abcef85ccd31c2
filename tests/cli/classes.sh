# classes.sh - UML class diagrams from the command line: the example and the blocks' own
# declarations draw well-formed SVG (read by Python's XML parser), PNG and DOT; a draw needs
# --allow-write; bad declarations exit 2 naming the line; the docs carry the current drawings.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$TMP" || exit 1
mkdir out
well_formed() { /usr/bin/python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$1" 2>/dev/null; }

dk --allow-write . "$ROOT/examples/classes.lua" parking.svg
check "the example draws an SVG" rc_is 0
check "which is well-formed XML" well_formed parking.svg
check "with the interface's stereotype" grep -q "«interface»" parking.svg
check "and prints Mermaid" out_has "    ParkingLot \"1\" *-- \"floors 1..*\" Floor"

dk --allow-write . "$ROOT/examples/classes.lua" parking.png
check "a PNG" test "$(head -c 4 parking.png | tail -c 3)" = "PNG"
dk --allow-write . "$ROOT/examples/classes.lua" parking.dot
check "a DOT file" grep -q "arrowtail=odiamond" parking.dot

dk "$ROOT/examples/classes.lua" denied.svg
check "without --allow-write nothing is written" test ! -e denied.svg
check "and the script says why" out_has "not drawn: cannot write"

for block in splitwise snakes atm parking elevator statemachine; do
  dk --allow-write . "$ROOT/core/lld/$block.classes.lua" "$block.svg"
  check "the $block block's declarations draw" rc_is 0
  check "its SVG is well-formed" well_formed "$block.svg"
  check "and is the one in docs/lld" cmp -s "$block.svg" "$ROOT/docs/lld/${block}_classes.svg"
  check "docs/lld/${block}_classes.svg is well-formed" well_formed "$ROOT/docs/lld/${block}_classes.svg"
  check "docs/lld/$block.md shows it" grep -qF "(./${block}_classes.svg)" "$ROOT/docs/lld/$block.md"
done

cat >odd.lua <<'LUA'
local dk = require "designkit"
local d = dk.classes "odd"
d:class { name = [[A & <B> "c" \]] }
print(d:mermaid())
assert(d:draw(...))
LUA
dk --allow-write out odd.lua out/odd.svg
check "a name with & < > \" \\ draws" rc_is 0
check "into well-formed SVG" well_formed out/odd.svg
check "the name escaped" grep -qF 'A &amp; &lt;B&gt; &quot;c&quot; \' out/odd.svg

cat >cycle.lua <<'LUA'
local dk = require "designkit"
local d = dk.classes "loop"
d:class { name = "A" }:class { name = "B" }
d:inherits("A", "B"):inherits("B", "A")
d:draw("x.svg")
LUA
expect_fail "an inheritance cycle" 2 'cycle.lua:5: class diagram "loop": inheritance cycle: A -> B -> A' cycle.lua
check "and has no traceback" test "$(printf '%s' "$ERR" | grep -c traceback)" -eq 0

cat >mult.lua <<'LUA'
local dk = require "designkit"
local d = dk.classes "m"
d:class { name = "A" }:class { name = "B" }
d:composes("A", "B", { mult = "2..1" })
LUA
expect_fail "a bad multiplicity" 2 'mult.lua:4: relation A composes B: bad multiplicity "2..1" at B' mult.lua

cat >realize.lua <<'LUA'
local dk = require "designkit"
local d = dk.classes "r"
d:class { name = "A" }:class { name = "B" }:realizes("A", "B")
print(d:mermaid())
LUA
expect_fail "realising a class" 2 'realize.lua:4: class diagram "r": A realizes B, which is not an interface but a class' realize.lua

cat >dup.lua <<'LUA'
local dk = require "designkit"
local d = dk.classes "d"
d:class { name = "A" }
d:enum { name = "A", values = { "X" } }
LUA
expect_fail "a duplicate name" 2 'dup.lua:4: class diagram "d": duplicate name "A"' dup.lua

finish
