#!/usr/bin/env bash
# docs.sh DESIGNKIT ROOT - the documentation shows what the code does: the URL-shortener page
# carries the model file verbatim, and its diagram is what `designkit draw` makes of it today.
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

"$bin" draw "$root/models/hld/url_shortener.lua" -o "$tmp/u.svg" >/dev/null 2>&1
if cmp -s "$tmp/u.svg" "$root/docs/url_shortener.svg"; then ok "docs/url_shortener.svg is up to date"
else bad "docs/url_shortener.svg is up to date (designkit draw models/hld/url_shortener.lua -o docs/url_shortener.svg)"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
