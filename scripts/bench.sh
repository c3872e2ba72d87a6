#!/bin/sh
# make bench: time rhaz (and R, when Rscript with survival is installed) on
# generated panels.  Not part of make check.
#
#   BENCH_SIZES   rows per panel (default "10000 100000 1000000 2000040")
#   BENCH_TASKS   tasks (default all: read logit cloglog logit_year firth
#                 cox_efron_cluster cox_breslow_cluster km clogit weibull
#                 exponential loglogistic lognormal frailty margins); "families"
#                 stands for the new families against their R peers:
#                 weibull exponential loglogistic lognormal clogit frailty.
#                 Their targets (>= 10x R) are read at 200,000 rows:
#                   BENCH_BOOT_REPS=0 BENCH_SIZES=200000 BENCH_TASKS=families make bench
#                 "margins" stands for margins_logit and margins_cox: `rhaz
#                 margins --dydx all` of the logit and the Cox (Efron,
#                 cluster) fits of the panel; the fits (JSON, made once
#                 before the runs) are not timed; no R peer.
#                   BENCH_BOOT_REPS=0 BENCH_SIZES=2000040 BENCH_TASKS=margins make bench
#   BENCH_RUNS    runs per task, the minimum is reported (default 3)
#   BENCH_R       0 to skip R (default: run R when available)
#   BENCH_DIR     working directory (default build/bench)
#   BENCH_R_MAX   largest panel R is timed on (default 2000040)
#   BENCH_R_RUNS  runs per task for R (default 1)
#   BENCH_BOOT_REPS  replicates of the ICMW Cox cluster bootstrap (default
#                 1000; 0 skips it)
#
# Times are whole processes from outside (/usr/bin/time): rhaz from the
# CSV to the coefficient table, R as the whole Rscript run (start-up,
# data.table::fread, the fit); R_inner_s is R's own timing from the read
# on.  The minimum of the runs is reported (the machine may be shared:
# the fastest run is the least disturbed), with the CPU time (user +
# system) of that run.  At the end the issue-18 targets are printed with
# the measured figures, met or missed.
#
# Firth is timed with Wald intervals (--no-profile); logit with year
# dummies keeps fits with separated years (--keep-unconverged), as R glm
# does with a warning.  clogit conditions on the states (~70 rows each, at
# most one event: ~14k strata at 1M rows) with the within-state covariates.
# weibull, exponential, loglogistic and lognormal treat each row as a
# right-censored observation Surv(stop, event) (R's survreg has no delayed
# entry), R survreg(dist = the same).
# frailty is a gamma shared frailty per state (~70 rows a state: ~2,900
# groups at 200k rows), coxph(... + frailty(state)) with its defaults.
#
# Output: a table on stdout and build/bench/results.csv with
# task,rows,tool,seconds,peak_kb,cpu_s,inner_s (the fastest run).
set -eu
RHAZ=${RHAZ:-build/rhaz}
GEN=${GEN:-build/genpanel}
DIR=${BENCH_DIR:-build/bench}
SIZES=${BENCH_SIZES:-"10000 100000 1000000 2000040"}
RUNS=${BENCH_RUNS:-3}
TASKS=${BENCH_TASKS:-"read logit cloglog logit_year firth cox_efron_cluster cox_breslow_cluster km clogit weibull exponential loglogistic lognormal frailty margins"}
[ "$TASKS" = families ] && TASKS="weibull exponential loglogistic lognormal clogit frailty"
TASKS=$(echo " $TASKS " | sed 's/ margins / margins_logit margins_cox /')
RMAX=${BENCH_R_MAX:-2000040}
mkdir -p "$DIR"
RES="$DIR/results.csv"
echo "task,rows,tool,seconds,peak_kb,cpu_s,inner_s" > "$RES"
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
    weibull|exponential|loglogistic|lognormal)
                 echo "fit $1 --data $2 --formula 'Surv(stop, event) ~ $X' --format csv" ;;
    frailty)     echo "fit cox --data $2 --formula 'Surv(start, stop, event) ~ $X + frailty(state)' --format csv" ;;
    margins_logit|margins_cox)
                 echo "margins --fit $2.${1#margins_}.json --data $2 --dydx all --format csv" ;;
    esac
}

# the fit a margins task reads (made once, not timed)
margins_fit() { # task file
    case $1 in
    margins_logit) [ -s "$2.logit.json" ] || $RHAZ fit logit --data "$2" --formula "event ~ $X" \
                       --format json --out "$2.logit.json" ;;
    margins_cox)   [ -s "$2.cox.json" ] || $RHAZ fit cox --data "$2" --cluster state \
                       --formula "Surv(start, stop, event) ~ $X" --format json --out "$2.cox.json" ;;
    esac
}

# time_cmd OUTFILE CMD...: "wall cpu peak_kb" of one run (the command's
# standard output to OUTFILE)
time_cmd() {
    out=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$DIR/time.txt" sh -c "$*" > "$out" 2> "$DIR/stderr.txt" ||
        { echo "FAILED: $*" >&2; sed 's/^/  /' "$DIR/stderr.txt" >&2; echo "NA NA NA"; return; }
    awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$DIR/time.txt"
}

# best "wall cpu peak" lines on stdin -> the line of the smallest wall
best() { grep -v '^NA' | grep . | sort -n | head -n 1 | grep . || echo "NA NA NA"; }

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

# The cluster bootstrap of the ICMW Cox model (models/icmw.model's panel
# and [model cox]): BENCH_BOOT_REPS replicates resampling the states, on
# both cores (the default --threads) and on one (fastest of BENCH_RUNS);
# R: the same number of coxph fits on whole-state resamples, one core
# (boot_cox in bench.R, once).
BOOT_REPS=${BENCH_BOOT_REPS:-1000}
if [ "$BOOT_REPS" -gt 0 ]; then
    icmw="$DIR/icmw.csv"
    [ -s "$icmw" ] || $RHAZ panel --treaty icmw --end 2015 --democracy polity2 --region region \
        --lag 1 --receiving-threshold 10 --out "$icmw" 2>/dev/null
    bf='Surv(start, stop, event) ~ democracy + factor(regime) + migrant_share + oecd + region_density'
    bargs="fit cox --data $icmw --formula '$bf' --cluster cown --vce bootstrap --reps $BOOT_REPS --seed 1 --format csv"
    r2=""; r1=""
    for r in $(seq "$RUNS"); do
        r2="$r2
$(time_cmd "$DIR/boot2.out" "$RHAZ $bargs")"
        r1="$r1
$(time_cmd "$DIR/boot1.out" "$RHAZ $bargs --threads 1")"
    done
    set -- $(echo "$r2" | best); t2=$1; c2=$2
    set -- $(echo "$r1" | best); t1=$1; c1=$2
    cmp -s "$DIR/boot1.out" "$DIR/boot2.out" || echo "WARNING: 1 and 2 threads differ" >&2
    rt=NA
    if [ $have_r = 1 ]; then
        rt=$(Rscript tests/reference/bench.R "$icmw" boot_cox "$DIR/r-boot.csv" "$BOOT_REPS" |
             sed -n 's/^seconds //p')
    fi
    echo "icmw_cox_cluster_bootstrap_2threads,$BOOT_REPS,rhaz,$t2,NA,$c2,NA" >> "$RES"
    echo "icmw_cox_cluster_bootstrap_1thread,$BOOT_REPS,rhaz,$t1,NA,$c1,NA" >> "$RES"
    echo "icmw_cox_cluster_bootstrap,$BOOT_REPS,R,${rt:-NA},NA,NA,NA" >> "$RES"
    printf '%-28s %6s %10s %9s %10s %9s %9s\n' task reps 2thr_s 2thr_cpu 1thr_s 1thr_cpu R_s
    printf '%-28s %6s %10s %9s %10s %9s %9s\n' icmw_cox_cluster_bootstrap "$BOOT_REPS" "$t2" "$c2" \
        "$t1" "$c1" "${rt:-NA}"
fi

printf '%-20s %8s %7s %7s %8s %7s %9s %7s %8s %9s\n' task rows rhaz_s cpu_s R_s R/rhaz R_inner_s peak_MB peak/X max_rel_diff
for n in $SIZES; do
    f="$DIR/panel-$n.csv"
    [ -s "$f" ] || "$GEN" "$n" 1 "$f"
    for task in $TASKS; do
        margins_fit "$task" "$f"
        runs=""
        for r in $(seq "$RUNS"); do
            runs="$runs
$(time_cmd "$DIR/rhaz-$task.out" "$RHAZ $(rhaz_args $task $f)")"
        done
        set -- $(echo "$runs" | best)
        t=$1; cpu=$2; m=$3
        echo "$task,$n,rhaz,$t,$m,$cpu,NA" >> "$RES"
        rt=NA; ri=NA; diff=NA
        rm -f "$DIR/r-$task.csv"
        if [ $have_r = 1 ] && [ "$task" != firth ] && [ "${task#margins_}" = "$task" ] &&
           [ "$n" -le "$RMAX" ]; then
            runs=""
            for r in $(seq "${BENCH_R_RUNS:-1}"); do
                tr=$(time_cmd "$DIR/r-$task.txt" "Rscript tests/reference/bench.R $f $task $DIR/r-$task.csv")
                runs="$runs
$tr $(sed -n 's/^seconds //p' "$DIR/r-$task.txt")"
            done
            set -- $(echo "$runs" | best)
            rt=$1; ri=${4:-NA}
            echo "$task,$n,R,$rt,${3:-NA},${2:-NA},$ri" >> "$RES"
            diff=$(agree "$DIR/rhaz-$task.out" "$DIR/r-$task.csv")
            echo "$task,$n,agreement,$diff,NA,NA,NA" >> "$RES"
        fi
        ratio=NA
        [ "$rt" != NA ] && [ "$t" != NA ] && ratio=$(awk "BEGIN {printf \"%.1f\", $rt / ($t > 0 ? $t : 0.01)}")
        # peak memory against the dense n x 8 design (8 covariates)
        px=$(awk "BEGIN {if (\"$m\" == \"NA\") print \"NA\"; else printf \"%.2f\", $m * 1024 / ($n * 8 * 8)}")
        printf '%-20s %8s %7s %7s %8s %7s %9s %7s %8s %9s\n' "$task" "$n" "$t" "$cpu" "$rt" "$ratio" "$ri" \
            "$(awk "BEGIN {if (\"$m\" == \"NA\") print \"NA\"; else printf \"%.0f\", $m / 1024}")" "$px" "$diff"
    done
done
echo "results: $RES"
sh scripts/bench-targets.sh "$RES"
