#!/usr/bin/env bash
# docs.sh DESIGNKIT ROOT - the documentation shows what the code does: its scripts run, and the
# URL-shortener page carries the model file verbatim with the tool's current outputs and diagram.
set -u
bin=$1 root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; }

# The first ```lua block after "## The design" is the model file.
awk '/^## The design/{d=1} d&&/^```lua/{f=1;next} f&&/^```/{exit} f{print}' \
  "$root/docs/url-shortener.md" > "$tmp/page.lua"
if cmp -s "$tmp/page.lua" "$root/models/hld/url_shortener.lua"; then ok "url-shortener.md shows the model file"
else bad "url-shortener.md shows the model file"; diff "$tmp/page.lua" "$root/models/hld/url_shortener.lua" | head; fi

# The diagram and the command outputs the page quotes are what the tool makes of them today.
if bash "$root/docs/regenerate.sh" --check "$bin" >"$tmp/regen" 2>&1; then ok "url-shortener.md quotes the tool's current outputs and diagram"
else bad "url-shortener.md quotes the tool's current outputs and diagram"; cat "$tmp/regen"; fi

# Every whole script in the docs (a ```lua block that requires designkit) runs: a design (it
# returns m) under `designkit run`, anything else as a plain script. Exit 1 (an expectation
# failed) is a legitimate result for a design; 2 or 3 means the docs show broken code.
for doc in "$root"/README.md "$root"/docs/*.md "$root"/docs/*/*.md; do
  awk -v base="$tmp/$(basename "$doc" .md)" '/^```lua/{n++; f=1; out=base "_" n ".lua"; next}
                                           /^```/{f=0} f{print > out}' "$doc"
done
for block in "$tmp"/*_[0-9]*.lua; do
  [ -e "$block" ] || continue
  grep -q 'require "designkit"' "$block" || continue
  name=$(basename "$block" .lua)
  if grep -q '^return m' "$block"; then
    (cd "$tmp" && "$bin" run "$block" --for 1s --quiet) >/dev/null 2>"$tmp/err"; rc=$?
  else
    (cd "$tmp" && "$bin" "$block") >/dev/null 2>"$tmp/err"; rc=$?
  fi
  if [ "$rc" -le 1 ]; then ok "the script in ${name%_*}.md (block ${name##*_}) runs"
  else bad "the script in ${name%_*}.md (block ${name##*_}) runs (exit $rc)"; head -5 "$tmp/err"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
