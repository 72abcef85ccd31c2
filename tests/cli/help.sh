# help.sh - --help on every command, --version, version, and the exit code of each.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

dk --help
check "designkit --help exits 0" rc_is 0
for c in run check draw export test version help; do
    check "--help lists $c" out_matches "^  $c "
done
check "--help lists the exit codes" out_has "exit codes"
for c in run check draw export test version help; do
    dk "$c" --help
    check "designkit $c --help exits 0 and shows usage" test "$RC" -eq 0 -a -n "$(printf '%s' "$OUT" | grep "^usage: designkit $c")"
done
dk run -h
check "-h works like --help" out_has "usage: designkit run"
dk help draw
check "designkit help draw" out_has "usage: designkit draw"
dk help frob
check "help for an unknown command exits 2" rc_is 2
dk run --help
check "run --help names every flag" test -n "$(printf '%s' "$OUT" | grep -e --for)" -a -n "$(printf '%s' "$OUT" | grep -e --seed)" -a -n "$(printf '%s' "$OUT" | grep -e --json)"

dk export --help
check "export --help does not promise faults, which do not exist yet" test "$RC" -eq 0 -a -z "$(printf '%s' "$OUT" | grep -iwE 'faults?')"

dk --version
check "--version exits 0" rc_is 0
check "--version prints the version" out_matches "^designkit [0-9]+\.[0-9]+\.[0-9]+"
v=$OUT
dk version
check "designkit version agrees" test "$OUT" = "$v"
dk version extra
check "version with an argument exits 2" rc_is 2

finish
