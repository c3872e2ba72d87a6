#!/bin/sh
# Run every test program given as argument; each ends with a line
# "N passed, N failed".  Print each (and any "SKIPPED: reason" line of its
# output) and the grand total, and fail if any test failed or a program
# crashed.
total_p=0; total_f=0; status=0
for t in "$@"; do
    out=$("$t" 2>"$t.stderr"); rc=$?
    line=$(printf '%s\n' "$out" | tail -n 1)
    p=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then
        echo "$(basename "$t"): CRASHED or no summary (exit $rc)"
        sed 's/^/    /' "$t.stderr" | tail -n 20
        total_f=$((total_f + 1)); status=1; continue
    fi
    printf '%-24s %s\n' "$(basename "$t")" "$line"
    # a test that could not run says so on a SKIPPED: line: show it
    printf '%s\n' "$out" | sed -n 's/^SKIPPED:/    SKIPPED:/p'
    if [ "$f" != 0 ] || [ $rc != 0 ]; then
        sed 's/^/    /' "$t.stderr" | head -n 40
        status=1
    fi
    total_p=$((total_p + p)); total_f=$((total_f + f))
done
echo "$total_p passed, $total_f failed"
exit $status
