#!/bin/sh
# make bench: time rhaz (and R, when Rscript with survival is installed) on
# generated panels.  Not part of make check.
#
#   BENCH_SIZES   rows per panel (default "10000 100000 1000000 2000040")
#   BENCH_RUNS    runs per task, the median is reported (default 3)
#   BENCH_R       0 to skip R (default: run R when available)
#   BENCH_DIR     working directory (default build/bench)
#   BENCH_R_MAX   largest panel R is timed on (default all)
#   BENCH_R_RUNS  runs per task for R (default BENCH_RUNS)
#
# Firth is timed with Wald intervals (--no-profile); logit with year
# dummies keeps fits with separated years (--keep-unconverged), as R glm
# does with a warning.  clogit conditions on the states (~70 rows each, at
# most one event: ~14k strata at 1M rows) with the within-state covariates.
# weibull treats each row as a right-censored
# observation Surv(stop, event) (R's survreg has no delayed entry).
#
# Output: a table on stdout and build/bench/results.csv with
# task,rows,tool,seconds,peak_kb (median over runs).
set -eu
RHAZ=${RHAZ:-build/rhaz}
GEN=${GEN:-build/genpanel}
DIR=${BENCH_DIR:-build/bench}
SIZES=${BENCH_SIZES:-"10000 100000 1000000 2000040"}
RUNS=${BENCH_RUNS:-3}
mkdir -p "$DIR"
RES="$DIR/results.csv"
echo "task,rows,tool,seconds,peak_kb" > "$RES"
have_r=0
if [ "${BENCH_R:-1}" != 0 ] && command -v Rscript >/dev/null 2>&1 &&
   Rscript -e 'library(survival)' >/dev/null 2>&1; then have_r=1; fi

X="x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8"
XW="x3 + x4 + x5 + x6 + x7" # clogit: x1, x2, x8 are constant within states
rhaz_args() { # task file -> rhaz arguments
    case $1 in
    read)        echo "describe --format csv $2" ;;
    logit)       echo "fit logit --data $2 --formula 'event ~ $X' --format csv" ;;
    cloglog)     echo "fit cloglog --data $2 --formula 'event ~ $X' --format csv" ;;
    logit_year)  echo "fit logit --keep-unconverged --data $2 --formula 'event ~ $X + factor(year)' --format csv" ;;
    firth)       echo "fit logit --firth --no-profile --data $2 --formula 'event ~ $X' --format csv" ;;
    cox_efron_cluster)   echo "fit cox --ties efron --vce cluster --cluster state --data $2 --formula 'Surv(start, stop, event) ~ $X' --format csv" ;;
    cox_breslow_cluster) echo "fit cox --ties breslow --vce cluster --cluster state --data $2 --formula 'Surv(start, stop, event) ~ $X' --format csv" ;;
    km)          echo "km --data $2 --formula 'Surv(start, stop, event) ~ x2' --format csv" ;;
    clogit)      echo "fit clogit --data $2 --formula 'event ~ $XW + strata(state)' --format csv" ;;
    weibull)     echo "fit weibull --data $2 --formula 'Surv(stop, event) ~ $X' --format csv" ;;
    esac
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# time_cmd OUTFILE CMD...: wall seconds and peak RSS (kB) of one run
time_cmd() {
    out=$1; shift
    /usr/bin/time -f "%e %M" -o "$DIR/time.txt" sh -c "$*" > "$out" 2> "$DIR/stderr.txt" ||
        { echo "FAILED: $*" >&2; sed 's/^/  /' "$DIR/stderr.txt" >&2; echo "NA NA"; return; }
    cat "$DIR/time.txt"
}

# agree RHAZ_CSV R_CSV: largest relative difference of estimates and SEs
# over the terms both name (R writes term,estimate,std_error)
agree() {
    [ -s "$1" ] && [ -s "$2" ] || { echo NA; return; }
    awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); c[FILENAME, $i] = i }; next }
        { gsub(/"/, "") }
        FILENAME == ARGV[1] { e[$c[FILENAME, "term"]] = $c[FILENAME, "estimate"];
                              s[$c[FILENAME, "term"]] = $c[FILENAME, "std_error"]; next }
        ($c[FILENAME, "term"] in e) && $c[FILENAME, "estimate"] != "NA" {
            t = $c[FILENAME, "term"]; n++
            d = e[t] - $c[FILENAME, "estimate"]; if (d < 0) d = -d
            a = $c[FILENAME, "estimate"]; if (a < 0) a = -a; if (a > 0) d /= a
            if (d > m) m = d
            if ($c[FILENAME, "std_error"] != "NA") {
                d = s[t] - $c[FILENAME, "std_error"]; if (d < 0) d = -d
                a = $c[FILENAME, "std_error"]; if (a > 0) d /= a
                if (d > m) m = d } }
        END { if (n) printf "%.1e\n", m; else print "NA" }' "$1" "$2"
}

printf '%-22s %9s %9s %9s %8s %9s %8s %9s\n' task rows rhaz_s R_s R/rhaz R_inner_s peak_MB max_rel_diff
for n in $SIZES; do
    f="$DIR/panel-$n.csv"
    [ -s "$f" ] || "$GEN" "$n" 1 "$f"
    for task in read logit cloglog logit_year firth cox_efron_cluster cox_breslow_cluster km clogit weibull; do
        ts=""; mem=""
        for r in $(seq "$RUNS"); do
            set -- $(time_cmd "$DIR/rhaz-$task.out" "$RHAZ $(rhaz_args $task $f)")
            ts="$ts $1"; mem="$mem $2"
        done
        t=$(echo $ts | tr ' ' '\n' | median); m=$(echo $mem | tr ' ' '\n' | median)
        echo "$task,$n,rhaz,$t,$m" >> "$RES"
        rt=NA; ri=NA; diff=NA
        rm -f "$DIR/r-$task.csv"
        if [ $have_r = 1 ] && [ "$task" != firth ] && [ "$n" -le "${BENCH_R_MAX:-2000040}" ]; then
            rs=""
            for r in $(seq "${BENCH_R_RUNS:-$RUNS}"); do
                s=$(Rscript tests/reference/bench.R "$f" "$task" "$DIR/r-$task.csv" | sed -n 's/^seconds //p')
                rs="$rs ${s:-NA}"
            done
            rt=$(echo $rs | tr ' ' '\n' | median)
            echo "$task,$n,R,$rt,NA" >> "$RES"
            if [ "$task" = cox_efron_cluster ]; then # agreg.fit alone, once
                ri=$(Rscript tests/reference/bench.R "$f" agreg_efron "$DIR/r-agreg.csv" | sed -n 's/^inner //p')
                echo "agreg_efron_inner,$n,R,$ri,NA" >> "$RES"
            fi
            diff=$(agree "$DIR/rhaz-$task.out" "$DIR/r-$task.csv")
        fi
        ratio=NA
        [ "$rt" != NA ] && [ "$t" != NA ] && ratio=$(awk "BEGIN {printf \"%.1f\", $rt / ($t > 0 ? $t : 0.01)}")
        printf '%-22s %9s %9s %9s %8s %9s %8s %9s\n' "$task" "$n" "$t" "$rt" "$ratio" "$ri" \
            "$(awk "BEGIN {printf \"%.0f\", ${m:-0} / 1024}")" "$diff"
    done
done
echo "results: $RES"
