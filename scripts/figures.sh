#!/bin/sh
# scripts/figures.sh -- render the example figures of docs/guide.md into
# docs/figures/ (PNG, plus the gnuplot script of each) from the bundled
# data: every figure kind of 'rhaz plot', drawn from real panels and fits.
# The commands are those of the guide (whose check, make docs-check,
# compares the scripts they write with docs/figures/*.gp).
#
#   sh scripts/figures.sh [OUTDIR]      (run from the repository root,
#                                        after 'make'; default docs/figures)
set -eu
RHAZ=${RHAZ:-build/rhaz}
OUT=${1:-docs/figures}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rhaz-figures.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
mkdir -p "$OUT"

# Labels: the project's term labels and the names of the KM groups.
L="--labels models/labels.csv"

# The ICMW panel and three models of it (as models/icmw.model).
"$RHAZ" panel --treaty icmw --end 2015 --out "$TMP/icmw.csv" 2>/dev/null
X='democracy + factor(regime) + migrant_share + oecd + region_density'
"$RHAZ" fit logit --data "$TMP/icmw.csv" --formula "event ~ $X + cubic(duration)" \
    --cluster cown --format json --out "$TMP/logit.json"
"$RHAZ" fit cloglog --data "$TMP/icmw.csv" --formula "event ~ $X + cubic(duration)" \
    --cluster cown --format json --out "$TMP/cloglog.json"
"$RHAZ" fit cox --data "$TMP/icmw.csv" --formula "Surv(start, stop, event) ~ $X" \
    --cluster cown --format json --out "$TMP/cox.json"

P="--render ${RENDER:-png}"   # RENDER=png,pdf for PDFs too
"$RHAZ" plot participation --treaties cerd,icescr,iccpr,cedaw,cat,crc,icmw \
    --size double --title 'States parties to the core human rights treaties' \
    --out "$OUT/participation" $P
"$RHAZ" plot km --data "$TMP/icmw.csv" \
    --formula 'Surv(start, stop, event) ~ oecd' $L \
    --title 'ICMW ratification by OECD membership' --out "$OUT/km" $P
"$RHAZ" plot coef --fit "logit=$TMP/logit.json" --fit "cloglog=$TMP/cloglog.json" \
    --fit "cox=$TMP/cox.json" $L --size double \
    --terms 'democracy,factor(regime)autocracy,factor(regime)democracy,migrant_share,oecd,region_density' \
    --title 'ICMW ratification: odds and hazard ratios, 95% intervals' \
    --out "$OUT/coef" $P
"$RHAZ" plot baseline --treaties cerd,iccpr,cedaw,cat,crc,icmw --end 2015 \
    --formula 'Surv(start, stop, event) ~ democracy + region_density + strata(treaty)' \
    $L --size double --title 'Baseline cumulative hazard of ratification by treaty' \
    --out "$OUT/baseline" $P
"$RHAZ" plot predict --fit "$TMP/logit.json" --data "$TMP/icmw.csv" \
    --vary region_density $L --ylabel 'Probability of ratifying in a year' \
    --title 'ICMW: predicted hazard by regional density' --out "$OUT/predict" $P
"$RHAZ" plot density --data "$TMP/icmw.csv" \
    --title 'ICMW ratification density by region' --out "$OUT/density" $P
"$RHAZ" plot zph --data "$TMP/icmw.csv" --formula "Surv(start, stop, event) ~ $X" \
    $L --size double --title 'Proportional hazards check (Cox model of the ICMW)' \
    --out "$OUT/zph" $P
# the scripts name their images relative to the repository root
ls "$OUT"/*.png
