#!/bin/sh
# make demo: run the four bundled analyses (models/*.model) on the bundled
# data into out/, then say where the tables and figures are.
set -eu
RHAZ=${RHAZ:-build/rhaz}
OUT=${OUT:-out}
start=$(date +%s)
for m in participation icmw simmons design; do
    "$RHAZ" run --out "$OUT/$m" "models/$m.model"
done
echo
echo "demo: 4 analyses in $(( $(date +%s) - start )) s"
for m in participation icmw simmons design; do
    printf '  %-14s tables: %s\n' "$m" "$(cd "$OUT/$m" && ls tables/*.txt participation*.txt 2>/dev/null | tr '\n' ' ')"
    printf '  %-14s figures: %s\n' "" "$(cd "$OUT/$m" && ls figures/*.png 2>/dev/null | tr '\n' ' ')"
    [ -f "$OUT/$m/index.html" ] || { echo "demo: $OUT/$m/index.html was not written" >&2; exit 1; }
    printf '  %-14s report:  %s\n' "" "$OUT/$m/index.html"
done
echo "  (each directory also has panel.csv, panel-report.txt and models/*.json|txt)"
