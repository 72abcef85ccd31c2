#!/usr/bin/env bash
# examples.sh DESIGNKIT ROOT - every script in examples/ and models/ runs to completion. An
# example's first line says how: "-- Run with: designkit run" (a design) or anything else (a plain
# script run as `designkit FILE`).
set -u
bin=$1 root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
cd "$tmp"
for f in "$root"/examples/*.lua "$root"/models/hld/*.lua; do
  [ -e "$f" ] || continue
  if head -n 3 "$f" | grep -qi 'run with: designkit run'; then
    cmd=("$bin" run "$f" --for 5s --quiet)
  else
    cmd=("$bin" "$f")
  fi
  if "${cmd[@]}" >"$tmp/out" 2>&1; then
    pass=$((pass+1)); echo "ok   ${f#$root/}"
  else
    code=$?
    # A design whose expectations fail on purpose says so on its first lines.
    if [ $code = 1 ] && head -n 3 "$f" | grep -q 'expect: exit 1'; then
      pass=$((pass+1)); echo "ok   ${f#$root/} (exit 1, as it says)"
    else
      fail=$((fail+1)); echo "FAIL ${f#$root/} (exit $code)"; sed 's/^/     /' "$tmp/out" | head -20
    fi
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
