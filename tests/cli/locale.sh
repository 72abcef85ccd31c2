# locale.sh - numbers designkit prints do not depend on the locale. A script under --unsafe may
# switch to a decimal-comma locale (de_DE); the JSON report, the model JSON, the DOT drawing
# and the durations it parses must come out exactly as in the C locale. In the sandbox, the
# switch itself is refused (tests/hostile/forge_setlocale.lua).
set -u
. "$(dirname "$0")/fixtures/lib.bash"

SRC=$(cd "$ROOT" && pwd)
cd "$TMP" || exit 1

# A decimal-comma locale of our own, so the test does not depend on what the machine has
# generated (the locales package, which make deps installs, has the sources).
mkdir -p loc
if ! localedef -i de_DE -f UTF-8 loc/de_DE.UTF-8 >/dev/null 2>&1; then
    fail "localedef builds de_DE.UTF-8 (make deps installs the locales package)"
    finish
    exit 1
fi
export LOCPATH=$TMP/loc

# design.lua COMMA: builds a design and, when COMMA is "comma", switches to de_DE first and
# again inside a handler mid-run; it also writes what C formats and parses while the comma
# locale is on (model JSON, DOT, a parsed duration) into the folder named with --allow-write.
cat >design.lua <<'LUA'
local dk = require "designkit"
local comma = arg and arg[1] == "comma" or os.getenv("COMMA") == "1"
if comma then
  assert(os.setlocale("de_DE.UTF-8"), "cannot switch to de_DE.UTF-8")
  assert(string.format("%.1f", 1.5) == "1,5", "the locale has a decimal comma")
end
local m = dk.model "locale"
local users = m:client "users" { rate = "150.5/s" }
local api = m:service "api" { time = dk.exp "2.5ms", replicas = 2 }
local db = m:database "db" { time = dk.uniform("0.5ms", "1.5ms") }
m:links { users >> api, api >> db }
api:on("request", function(req)
  if comma then os.setlocale("de_DE.UTF-8") end
  db:read(req.key)
end)
m:expect { p99 = "0.25s" }
local f = assert(io.open(os.getenv("OUT_DIR") .. "/model.json", "w"))
f:write((m:to_json()), "\n", string.format("%d", math.floor(dk.duration("1.5s") * 1e9 + 0.5)), "\n")
f:close()
assert(m:draw(os.getenv("OUT_DIR") .. "/design.dot"))
return m
LUA

mkdir -p c comma
OUT_DIR=c dk --unsafe run design.lua --for 5s --json c/report.json
check "the C-locale run works" rc_is 0
OUT_DIR=comma COMMA=1 dk --unsafe run design.lua --for 5s --json comma/report.json
check "the comma-locale run works" rc_is 0
check "its JSON report is JSON" is_json comma/report.json
check "and the same bytes as in the C locale" cmp -s c/report.json comma/report.json
check "the model JSON C wrote under the comma locale is the same" cmp -s c/model.json comma/model.json
check "so is the DOT drawing" cmp -s c/design.dot comma/design.dot
check "and 1.5s parsed as 1.5 seconds" grep -qx 1500000000 comma/model.json
OUT_DIR=comma COMMA=1 dk --unsafe run design.lua --for 5s
text_comma=$OUT
OUT_DIR=c dk --unsafe run design.lua --for 5s
check "the text report is the same" test "$text_comma" = "$OUT"
check "with points, not commas" out_matches "[0-9]\.[0-9]"
OUT_DIR=comma COMMA=1 dk --unsafe draw design.lua -o comma/drawn.svg
OUT_DIR=c dk --unsafe draw design.lua -o c/drawn.svg
check "the SVG drawing is the same" cmp -s c/drawn.svg comma/drawn.svg

# The rule that keeps it so: the core formats and parses numbers only through
# designkit/locale.h (dk_snprintf, dk_vsnprintf, dk_strtod), never the C library's own.
bare=$(grep -rnE '(^|[^_a-zA-Z])(snprintf|vsnprintf|sprintf|vsprintf|strtod|strtof|atof|sscanf)\(' \
    "$SRC/core" --include='*.c' | grep -v 'core/base/locale.c' | head -5)
check "the core formats numbers only through designkit/locale.h" test -d "$SRC/core/base" -a -z "$bare"
[ -z "$bare" ] || printf '%s\n' "$bare"

finish
