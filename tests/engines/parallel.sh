#!/bin/sh
# tests/engines/parallel.sh -- scripts/parallel-shards.sh under GNU parallel
# (Debian `parallel`): a cluster bootstrap in 3 shards, 2 at a time, and
# Rubin's rules over 2 shards of 5 imputations, each combined and compared
# byte for byte with the single-process result.  Ends with "N passed, N
# failed" (tests/run.sh).
BUILD=${BUILD:-build}
RHAZ=$BUILD/rhaz; export RHAZ
T=$(mktemp -d /tmp/rhaz-parallel.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
check() { if [ "$1" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $2" >&2; fi; }
if ! command -v parallel >/dev/null; then
    echo "SKIPPED: GNU parallel is not installed: the GNU parallel recipe is NOT tested (make deps installs it)"
    echo "0 passed, 1 failed"; exit 1
fi
F='Surv(start, stop, y) ~ x1 + factor(region)'
D=tests/reference/boot_sim.csv
"$RHAZ" fit cox --data $D --formula "$F" --vce bootstrap --cluster state --reps 40 --seed 9 \
    --threads 1 --format json --out "$T/single.json"
check $? "single-process bootstrap"
sh scripts/parallel-shards.sh -n 3 -j 2 -d "$T/parts" -o "$T/combined.json" -f json -- \
    fit cox --data $D --formula "$F" --vce bootstrap --cluster state --reps 40 --seed 9 --threads 1
check $? "parallel-shards.sh bootstrap"
cmp -s "$T/single.json" "$T/combined.json"
check $? "bootstrap: 3 shards under GNU parallel = one process, byte for byte"
"$RHAZ" fit logit --imputations 'tests/reference/mi/imp*.csv' --formula 'y ~ x1 + x2 + g' \
    --out "$T/mi.txt"
check $? "single-process imputations"
sh scripts/parallel-shards.sh -n 2 -d "$T/miparts" -o "$T/mic.txt" -- \
    fit logit --imputations 'tests/reference/mi/imp*.csv' --formula 'y ~ x1 + x2 + g'
check $? "parallel-shards.sh imputations"
cmp -s "$T/mi.txt" "$T/mic.txt"
check $? "imputations: 2 shards under GNU parallel = one process, byte for byte"
# a failing shard stops the run with an error, and nothing is combined
sh scripts/parallel-shards.sh -n 2 -d "$T/bad" -o "$T/bad.json" -- \
    fit cox --data tests/bad/no-such.csv --formula "$F" --vce bootstrap --reps 4 2>/dev/null
[ $? != 0 ] && [ ! -e "$T/bad.json" ]
check $? "a failing shard fails the run"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
