#!/bin/sh
# Scaling figure for docs/performance.md from a `make bench` results file:
# rhaz and R seconds against rows, log-log.  The script is rhaz's own
# gnuplot output (rhaz plot predict --input), with log axes and lines
# added by sed -- the kind of hand edit the scripts are made for.
set -eu
RES=${1:-build/bench/results.csv}
OUT=${2:-docs/figures/scaling}
RHAZ=${RHAZ:-build/rhaz}
# CPU seconds (user + system) where the results have them (make bench
# since issue 18; wall seconds swing with the load of a shared machine),
# else wall seconds.
col=$(head -n 1 "$RES" | awk -F, '{for (i = 1; i <= NF; i++) if ($i == "cpu_s") print i}')
what="CPU seconds"
[ -n "$col" ] || { col=4; what="Seconds"; }
{ echo group,x,y; awk -F, -v c="$col" 'NR > 1 && ($3 == "rhaz" || $3 == "R") && ($1 == "cox_efron_cluster" || $1 == "logit_year") && $c != "NA" {
        name = ($3 == "rhaz" ? "rhaz " : "R ") ($1 == "logit_year" ? "logit + 69 year dummies" : "Cox Efron + cluster SE")
        printf "%s,%g,%s\n", name, $2 / 1e6, $c }' "$RES" | sort -r; } > "$OUT.csv"
"$RHAZ" plot predict --input "$OUT.csv" --out "$OUT" --render none --size double \
    --xlabel 'Rows (millions)' --ylabel "$what, CSV to table" \
    --title 'Cost by panel size (log-log)'
sed -i -e 's/^set yrange .*/set logscale xy\nset yrange [0.1:200]/' \
       -e 's/^set xtics (.*/set xtics (0.5, 1, 2, 4, 8)/' -e '/^set xtics 0.2$/d' \
       -e 's/with points ls \([0-9]\)/with linespoints ls \1/' "$OUT.gp"
sed -i -e "s/^set output .*/set output '$(basename "$OUT").png'/" "$OUT.gp"
(cd "$(dirname "$OUT")" && gnuplot "$(basename "$OUT").gp")
