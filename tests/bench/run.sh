#!/usr/bin/env bash
# run.sh BUILD_DIR - the M/M/1 benchmark: designkit (C API and DSL), the bare heap loop and
# SimPy, run side by side in one go and reported as ratios. Timings are never asserted.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
n=${DK_BENCH_REQUESTS:-2000000}
simpy_n=${DK_BENCH_SIMPY_REQUESTS:-200000}

echo "== M/M/1, rho = 0.8 (mean response 5 s in theory) =="
"$build/tests/bench_mm1" "$n" 3 | tee /tmp/dk-bench-c.$$
engine=$(awk '$1 == "engine" {print $2}' /tmp/dk-bench-c.$$)
# Best of three, as bench_mm1 takes the best of its rounds.
dsl=0
for _ in 1 2 3; do
  r=$("$build/designkit" --unsafe "$here/mm1_dsl.lua" "$n" | awk '{print $2}')
  dsl=$(awk -v a="$dsl" -v b="$r" 'BEGIN { print (b > a ? b : a) }')
done
printf '%-10s %12.0f requests/s  (the same design written in Lua, run by the CLI)\n' dsl "$dsl"
if /usr/bin/python3 -c 'import SimPy' 2>/dev/null; then
  simpy_line=$(/usr/bin/python3 "$here/simpy_mm1.py" "$simpy_n")
  simpy=$(echo "$simpy_line" | awk '{print $2}')
  printf '%-10s %12.0f requests/s  mean response %s s (%s requests)\n' simpy "$simpy" \
    "$(echo "$simpy_line" | awk '{print $3}')" "$simpy_n"
  awk -v e="$engine" -v d="$dsl" -v s="$simpy" 'BEGIN {
    printf "engine / simpy: %.0fx   dsl / simpy: %.0fx   (goal: at least 100x)\n", e / s, d / s }'
else
  echo "simpy: not installed (apt-get install python3-simpy, or make bench)"
fi
rm -f /tmp/dk-bench-c.$$

echo
echo "== Lua handlers against the built-in flows (the same calls, the same seed) =="
# Best of three each; the goal is a handler within 5x of the flow it replaces.
handler_n=${DK_BENCH_HANDLER_REQUESTS:-$n}
best_of_three() {
  local best=0 r
  for _ in 1 2 3; do
    r=$("$build/designkit" --unsafe "$here/handler_vs_flow.lua" "$1" "$handler_n" | awk '{print $2}')
    best=$(awk -v a="$best" -v b="$r" 'BEGIN { print (b > a ? b : a) }')
  done
  echo "$best"
}
for pair in "flow handler" "plain trivial"; do
  read -r builtin_mode lua_mode <<<"$pair"
  builtin=$(best_of_three "$builtin_mode")
  lua=$(best_of_three "$lua_mode")
  printf '%-10s %12.0f requests/s\n' "$builtin_mode" "$builtin" "$lua_mode" "$lua"
  awk -v b="$builtin" -v l="$lua" -v name="$lua_mode / $builtin_mode" 'BEGIN {
    printf "%s: %.2fx the time   (goal: within 5x)\n", name, b / l }'
done

echo
echo "== Scale: 10 to 10^5 stations behind one round-robin balancer (C API) =="
# Build time, bytes counted through the allocation hooks, time per request at each size and
# the 10^5 / 10 ratio, then the time to register 10^5 request classes.
"$build/tests/bench_scale" "${DK_BENCH_SCALE_REQUESTS:-2000000}"

echo
echo "== check: the validation rules on 10^3 to 10^5 components (linear means a flat ratio) =="
"$build/tests/bench_check" "${DK_BENCH_CHECK_MAX:-100000}"

echo
echo "== A whole design of 10^5 services and 10^5 databases, through the Lua API =="
# Built, checked, run for 10^6 requests and drawn as a summary; peak memory at the end.
"$build/designkit" --unsafe "$here/scale_design.lua" "${DK_BENCH_DESIGN_N:-100000}" \
  "${DK_BENCH_DESIGN_REQUESTS:-1000000}"

echo
echo "== Queues and rings: 1 producer and 1 consumer thread (ours / Concurrency Kit's ck_ring) =="
# MPMC and SPSC rings against ck_ring (goal: at least 0.7x), the blocking queue against a
# textbook mutex + condition variable queue; best of three interleaved rounds.
"$build/tests/bench_queues" "${DK_BENCH_QUEUE_ITEMS:-10000000}" 3

echo
echo "== Threads vs processes: the same Lua work (primes) in 2 Lua states, each on a thread or in a forked process =="
"$build/tests/bench_threads_procs" "${DK_BENCH_PRIMES:-2000000}" 2 3

echo
echo "== Rate limiters: decisions per second, global and per key (1000 keys), against a bare counter =="
"$build/tests/bench_limiter" "${DK_BENCH_LIMITER_DECISIONS:-20000000}" 3

echo
echo "== Resilience: breaker, bulkhead and backoff calls per second against a bare loop =="
"$build/tests/bench_resilience" "${DK_BENCH_RESILIENCE_CALLS:-20000000}" 3

echo
echo "== Cache policies: ns per get (and put on a miss) against a plain open-addressing lookup =="
"$build/tests/bench_cache" "${DK_BENCH_CACHE_OPS:-5000000}" 3 100000
echo "-- from Lua: dk.cache get/put against a plain table read"
"$build/designkit" --unsafe "$here/bench_cache_lua.lua" "${DK_BENCH_CACHE_LUA_OPS:-2000000}"

echo
echo "== Consistent hashing: key -> backend lookups per second against a plain hash mod N =="
"$build/tests/bench_hash" "${DK_BENCH_HASH_LOOKUPS:-5000000}" 3 100

echo
echo "== Sharding: key -> shard lookups per second against a bare key % N =="
"$build/tests/bench_shard" "${DK_BENCH_SHARD_LOOKUPS:-5000000}" 3 64

echo
echo "== Storage: WAL appends per second by fsync policy (against never), on the build folder's disk; index lookups (against bisection) =="
"$build/tests/bench_storage" "${DK_BENCH_WAL_RECORDS:-20000}" "${DK_BENCH_INDEX_ROWS:-1000000}" "$build"
