#!/bin/sh
# make demo: run the bundled analyses on the bundled data into out/.
set -eu
RHAZ=${RHAZ:-build/rhaz}
OUT=${OUT:-out}
mkdir -p "$OUT"
start=$(date +%s)
for f in data/*.csv; do
    [ -e "$f" ] || continue
    "$RHAZ" describe --format csv --out "$OUT/describe-$(basename "$f")" "$f"
done
echo "demo: described $(ls data/*.csv 2>/dev/null | wc -l) bundled files into $OUT/ in $(( $(date +%s) - start )) s"
