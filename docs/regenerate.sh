#!/usr/bin/env bash
# docs/regenerate.sh [--check] [DESIGNKIT] - rewrites what the docs quote from the tool: the
# URL-shortener diagram, the blocks' class diagrams (docs/lld/*_classes.svg, drawn by the
# declarations in core/lld/*.classes.lua), their state diagrams (docs/lld/*_states.svg, drawn
# from the machines their code runs), the outputs of the commands in
# docs/url-shortener.md (each ```sh block holding one `designkit ...` command is followed by a
# plain ``` block with its output),
# and what is written from the kind registry (the option tables of docs/script-reference.md and
# the kinds' part of the editor annotations), and the table of docs/exercises/README.md (from
# the exercises' metadata).
# `make docs` runs it; with --check it changes nothing and fails if the docs are out of date
# (tests/cli/docs.sh runs that).
set -euo pipefail
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/designkit}
cd "$root"
page=docs/url-shortener.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" draw models/hld/url_shortener.lua -o "$tmp/url_shortener.svg"
# The blocks' class diagrams, from the declarations beside their code (core/lld/*.classes.lua).
class_diagrams="splitwise snakes atm parking elevator statemachine"
for block in $class_diagrams; do
  "$bin" --allow-write "$tmp" "core/lld/$block.classes.lua" "$tmp/${block}_classes.svg"
done
# Machines a block defines in C and draws through its own Lua function:
# core/lld/BLOCK.MACHINE.lua draws docs/lld/BLOCK_MACHINE.svg (the elevator's doors).
drawn_machines="elevator.doors"
for sm in $drawn_machines; do
  "$bin" --allow-write "$tmp" "core/lld/$sm.lua" "$tmp/${sm/./_}.svg"
done
# The blocks' state diagrams, from the machines their code runs: BLOCK:FUNCTION draws
# dk.FUNCTION() (the block's own machine definition) into docs/lld/BLOCK_states.svg.
state_diagrams="atm:atm_session_machine parking:parking_ticket_machine"
mkdir "$tmp/states" # apart from the script: the sandbox refuses a write scope holding it
cat > "$tmp/states.lua" <<'LUA'
local dk = require "designkit"
local fn, out = ...
assert(dk[fn]():draw(out))
LUA
for pair in $state_diagrams; do
  "$bin" --allow-write "$tmp/states" "$tmp/states.lua" "${pair#*:}" "$tmp/states/${pair%%:*}_states.svg"
done
# The parts written from the kind registry: the option tables and the editor annotations.
cat > "$tmp/splice.lua" <<'LUA'
local ref = require "designkit.reference"
local src, out, name, what = ...
local f = assert(io.open(src, "r")); local text = f:read("a"); f:close()
local body = what == "annotations" and ref.annotations()
  or name == "links" and ref.link_options_markdown() or ref.options_markdown()
local new = assert(ref.splice(text, name, body))
f = assert(io.open(out, "w")); f:write(new); f:close()
LUA
"$bin" --unsafe "$tmp/splice.lua" docs/script-reference.md "$tmp/script-reference.md" kinds options
"$bin" --unsafe "$tmp/splice.lua" "$tmp/script-reference.md" "$tmp/script-reference.md" links options
"$bin" --unsafe "$tmp/splice.lua" bindings/lua/meta/designkit.lua "$tmp/designkit.lua" kinds annotations
# Walk the page; after a ```sh block with a designkit command, replace the next plain block.
awk -v bin="$bin" '
  function flush_output(cmd,   line, full) {
    sub(/^designkit/, bin, cmd)
    full = cmd " 2>&1"
    while ((full | getline line) > 0) print line
    close(full)
  }
  state == 0 && /^```sh$/ { print; state = 1; cmd = ""; next }
  state == 1 && /^```$/   { print; state = (cmd != "" ? 2 : 0); next }
  state == 1              { print; if ($0 ~ /^designkit /) cmd = $0; next }
  state == 2 && /^```$/   { print; flush_output(cmd); state = 3; next }
  state == 2 && /^```/    { print; state = 0; next }
  state == 2              { print; next }
  state == 3 && /^```$/   { print; state = 0; next }
  state == 3              { next }
  { print }
' "$page" > "$tmp/page.md"
# The index of the exercises, from their metadata (designkit exercise list --markdown).
index=docs/exercises/README.md
"$bin" exercise list --markdown > "$tmp/exercises_table.md"
awk -v table="$tmp/exercises_table.md" '
  /<!-- end generated: exercises/ { skip = 0 }
  !skip { print }
  /<!-- generated: exercises/ { while ((getline line < table) > 0) print line; skip = 1 }
' "$index" > "$tmp/exercises_index.md"
if [ $check = 1 ]; then
  status=0
  if ! cmp -s "$tmp/exercises_index.md" "$index"; then
    echo "$index: the table of exercises is out of date:"; diff "$index" "$tmp/exercises_index.md" | head -20; status=1
  fi
  cmp -s "$tmp/url_shortener.svg" docs/url_shortener.svg || { echo "docs/url_shortener.svg is out of date"; status=1; }
  for block in $class_diagrams; do
    cmp -s "$tmp/${block}_classes.svg" "docs/lld/${block}_classes.svg" ||
      { echo "docs/lld/${block}_classes.svg is out of date"; status=1; }
  done
  for sm in $drawn_machines; do
    cmp -s "$tmp/${sm/./_}.svg" "docs/lld/${sm/./_}.svg" ||
      { echo "docs/lld/${sm/./_}.svg is out of date"; status=1; }
  done
  for pair in $state_diagrams; do
    cmp -s "$tmp/states/${pair%%:*}_states.svg" "docs/lld/${pair%%:*}_states.svg" ||
      { echo "docs/lld/${pair%%:*}_states.svg is out of date"; status=1; }
  done
  for pair in "docs/script-reference.md:script-reference.md" "bindings/lua/meta/designkit.lua:designkit.lua"; do
    f=${pair%%:*}
    if ! cmp -s "$tmp/${pair#*:}" "$f"; then
      echo "$f: the part written from the kind registry is out of date:"
      diff "$f" "$tmp/${pair#*:}" | head -20; status=1
    fi
  done
  if ! cmp -s "$tmp/page.md" "$page"; then
    echo "$page quotes outputs the tool no longer prints:"; diff "$page" "$tmp/page.md" | head -20; status=1
  fi
  [ $status = 0 ] || echo "run 'make docs' to regenerate"
  exit $status
fi
cp "$tmp/url_shortener.svg" docs/url_shortener.svg
for block in $class_diagrams; do cp "$tmp/${block}_classes.svg" "docs/lld/${block}_classes.svg"; done
for sm in $drawn_machines; do cp "$tmp/${sm/./_}.svg" "docs/lld/${sm/./_}.svg"; done
for pair in $state_diagrams; do cp "$tmp/states/${pair%%:*}_states.svg" "docs/lld/${pair%%:*}_states.svg"; done
cp "$tmp/page.md" "$page"
cp "$tmp/exercises_index.md" "$index"
cp "$tmp/script-reference.md" docs/script-reference.md
cp "$tmp/designkit.lua" bindings/lua/meta/designkit.lua
echo "regenerated docs/url_shortener.svg, docs/lld/*_classes.svg, docs/lld/*_states.svg, the outputs in $page, and the kinds' option tables and annotations"
