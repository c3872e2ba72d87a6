#!/bin/sh
# judge.sh WORK ID KIND STATUS FILE:LINE -- one command of docs-check.sh:
# its exit status, and for a console command its output against the
# document's (compare.awk).  Writes WORK/ok.ID when both agree; reports
# on standard error.
W=$1 id=$2 kind=$3 want=$4 where=$5
HERE=$(cd "$(dirname "$0")" && pwd)
rc=$(cat "$W/rc.$id")
ok=1
if [ "$rc" != "$want" ]; then
    ok=0
    echo "$where: exit status $rc, the document expects $want: $(head -n 1 "$W/cmd.$id")" >&2
    tail -n 8 "$W/out.$id" | sed 's/^/    | /' >&2
fi
if [ "$kind" = console ]; then
    if ! awk -f "$HERE/compare.awk" -v newfile="$W/new.$id" "$W/exp.$id" "$W/out.$id" > "$W/diff.$id"; then
        ok=0
        echo "$where: the output differs from what the document shows: $(head -n 1 "$W/cmd.$id")" >&2
        cat "$W/diff.$id" >&2
    fi
fi
[ $ok = 1 ] && : > "$W/ok.$id"
[ $ok = 1 ]
