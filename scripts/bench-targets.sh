#!/bin/sh
# bench-targets.sh RESULTS.csv: the targets of issue 18 with the figures
# `make bench` measured (scripts/bench.sh writes RESULTS.csv: task, rows,
# tool, seconds, peak_kb, cpu_s, inner_s; agreement rows carry the
# largest relative difference in seconds' place).  Prints each target,
# the measured figure, R's where there is one, and met / MISSED.
set -eu
RES=${1:-build/bench/results.csv}
awk -F, '
NR == 1 { next }
$3 == "rhaz" { t[$1, $2] = $4; pk[$1, $2] = $5; cpu[$1, $2] = $6; if ($1 == "cox_efron_cluster") sz[$2] = 1 }
$3 == "R" { r[$1, $2] = $4 }
$3 == "agreement" { ag[$1, $2] = $4 }
function verdict(ok) { return ok ? "met" : "MISSED" }
function have(x) { return x != "" && x != "NA" }
END {
    n = 2000040
    c = "cox_efron_cluster"; l = "logit_year"
    printf "\nTargets (issue 18) at %d rows; times are the fastest run, whole processes\n", n
    if (have(t[c, n])) {
        printf "  %-52s %8.2f s  (R %s s)  %s\n", "Cox Efron + cluster, CSV to table <= 0.7 s", t[c, n],
               have(r[c, n]) ? r[c, n] : "-", verdict(t[c, n] <= 0.7)
        if (have(r[c, n]))
            printf "  %-52s %8.1f x  %s\n", "Cox: R fread + coxph (whole Rscript) / rhaz >= 30x",
                   r[c, n] / t[c, n], verdict(r[c, n] / t[c, n] >= 30)
        if (have(ag[c, n]))
            printf "  %-52s %10s  %s\n", "Cox: agreement with R <= 1e-10", ag[c, n], verdict(ag[c, n] + 0 <= 1e-10)
        dx = n * 8 * 8 / 1024
        printf "  %-52s %8.2f x  (%.0f MB of a %.0f MB design)  %s\n", "Cox: peak memory <= 2.5x the dense design",
               pk[c, n] / dx, pk[c, n] / 1024, dx / 1024, verdict(pk[c, n] / dx <= 2.5)
    } else
        printf "  (no Cox run at %d rows)\n", n
    if (have(t[l, n]) && have(r[l, n]))
        printf "  %-52s %8.1f x  (%s s vs R %s s)  %s\n", "logit + year dummies: R glm / rhaz >= 60x",
               r[l, n] / t[l, n], t[l, n], r[l, n], verdict(r[l, n] / t[l, n] >= 60)
    # issue 16: shared frailty Cox on 200k rows (~2,900 groups)
    fr = "frailty"; nf = 200000
    if (have(t[fr, nf]) && have(r[fr, nf]))
        printf "  %-52s %8.1f x  (%s s vs R %s s)  %s\n", "frailty Cox, 200k rows: R coxph / rhaz >= 10x",
               r[fr, nf] / t[fr, nf], t[fr, nf], r[fr, nf], verdict(r[fr, nf] / t[fr, nf] >= 10)
    if (have(ag[fr, nf]))
        printf "  %-52s %10s  %s\n", "frailty: agreement with R <= 1e-4", ag[fr, nf], verdict(ag[fr, nf] + 0 <= 1e-4)
    # linear cost: CPU time per doubling of the rows, 2 +- 15%
    m = 0
    for (k in sz) if (k + 0 >= 400000) s[++m] = k + 0
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (s[j] < s[i]) { x = s[i]; s[i] = s[j]; s[j] = x }
    for (i = 2; i <= m; i++) {
        q = s[i] / s[i - 1]
        if (q < 1.8 || q > 2.2 || !have(cpu[c, s[i]]) || !have(cpu[c, s[i - 1]])) continue
        g = cpu[c, s[i]] / cpu[c, s[i - 1]]
        printf "  %-52s %8.2f    (%.2f -> %.2f s CPU)  %s\n",
               sprintf("Cox CPU time x%.0f rows (%.1fM -> %.1fM): 2 +- 15%%", q, s[i - 1] / 1e6, s[i] / 1e6),
               g, cpu[c, s[i - 1]], cpu[c, s[i]], verdict(g >= 1.7 && g <= 2.3)
    }
}' "$RES"
