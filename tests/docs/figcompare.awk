# figcompare.awk -- do two gnuplot scripts agree?  Text must be equal;
# numbers may differ by 1e-9 relative (BLAS kernels differ between
# machines in the last bits).  awk -f figcompare.awk A.gp B.gp; exit 0/1.
function split_nums(s, nums,    k, skel) {
    k = 0; skel = ""
    while (match(s, /-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?/)) {
        skel = skel substr(s, 1, RSTART - 1) "#"
        nums[++k] = substr(s, RSTART, RLENGTH) + 0
        s = substr(s, RSTART + RLENGTH)
    }
    nums[0] = k
    return skel s
}
function abs(x) { return x < 0 ? -x : x }
FILENAME == ARGV[1] { A[++na] = $0; next }
{ B[++nb] = $0 }
END {
    if (na != nb) { print "    " na " lines against " nb; exit 1 }
    for (i = 1; i <= na; i++) {
        if (A[i] == B[i]) continue
        delete x; delete y
        if (split_nums(A[i], x) != split_nums(B[i], y) || x[0] != y[0]) bad = 1
        else for (j = 1; j <= x[0]; j++) {
            d = abs(x[j] - y[j]); m = abs(x[j]) > abs(y[j]) ? abs(x[j]) : abs(y[j])
            if (d > 1e-9 * m && d > 1e-300) bad = 1
        }
        if (bad) { print "    line " i ":"; print "    - " A[i]; print "    + " B[i]; exit 1 }
    }
    exit 0
}
