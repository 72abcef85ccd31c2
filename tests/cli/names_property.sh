# names_property.sh - any name the model accepts comes out well formed in every output, read by
# parsers that are not ours (xmllint, Python's xml and json, Graphviz's cgraph); the names it
# refuses (NUL, control characters, invalid UTF-8) are refused with the place named. The work is
# in names_property.py; NAMES_SEED and NAMES_DESIGNS vary it (default seed 7, 24 designs).
set -u
. "$(dirname "$0")/fixtures/lib.bash"

DOT_NAMES=$(dirname "$DK")/tests/dot_names
if [ ! -x "$DOT_NAMES" ]; then
    fail "the cgraph helper tests/dot_names is built next to the binary" "looked for $DOT_NAMES"
    finish
    exit
fi
if ! command -v xmllint >/dev/null; then
    fail "xmllint is installed (libxml2-utils: make deps installs it)"
    finish
    exit
fi
if /usr/bin/python3 "$ROOT/tests/cli/names_property.py" "$DK" "$DOT_NAMES" "$TMP" \
    "${NAMES_SEED:-7}" "${NAMES_DESIGNS:-24}" >"$TMP/.out" 2>&1; then
    pass "random names: $(tail -1 "$TMP/.out")"
else
    fail "random names (seed ${NAMES_SEED:-7})" "$(grep -v '^ok' "$TMP/.out" | head -20)"
fi
finish
