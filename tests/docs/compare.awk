# compare.awk -- compare what a command printed with what the document
# shows, and write what the document should show instead.
#   awk -f compare.awk -v where=FILE:LINE -v newfile=NEW EXPECTED ACTUAL
# Exit 0 when they agree, 1 when not (a report on standard output).
#
# Lines are compared without trailing blanks, and with every time in
# seconds ("0.01 s", "built in 0.003 s") read as the same time.  A line
# "..." in EXPECTED stands for any number of lines: the lines up to the
# first "..." are the first lines printed, those after the last "..." the
# last lines printed, and a run of lines between two "..." is found by
# the first word of its first line (the next printed line after the
# previous run that starts with that word).  NEW gets EXPECTED with every
# differing line replaced by the printed one (equal lines keep their
# text, so times do not churn; "..." lines stay), which is what
# 'make docs-update' writes into the document.

function rtrim(s) { sub(/[ \t\r]+$/, "", s); return s }
function norm(s,    out, rest) {
    s = rtrim(s); out = ""
    while (match(s, /[0-9]+\.[0-9]+ s/)) {
        rest = substr(s, RSTART + RLENGTH)
        if (rest ~ /^[A-Za-z0-9]/) {    # "2.5 sd", not a time
            out = out substr(s, 1, RSTART + RLENGTH - 1); s = rest; continue
        }
        out = out substr(s, 1, RSTART - 1) "<time> s"; s = rest
    }
    return out s
}
function firstword(s) { s = rtrim(s); sub(/^[ \t]+/, "", s); sub(/[ \t].*/, "", s); return s }
function isdots(s) { return rtrim(s) ~ /^[ \t]*\.\.\.$/ }
function note(msg) {
    if (nnotes++ < 24) print "    " msg
}

FILENAME == ARGV[1] { E[++m] = $0; next }
{ A[++n] = rtrim($0) }
END {
    bad = 0; nnotes = 0
    # segments of EXPECTED between "..." lines
    nseg = 0; lead = (m > 0 && isdots(E[1])); trail = (m > 0 && isdots(E[m]))
    for (i = 1; i <= m; i++) {
        if (isdots(E[i])) continue
        if (i == 1 || isdots(E[i - 1])) { nseg++; sfirst[nseg] = i }
        slast[nseg] = i
    }
    pos = 1
    for (s = 1; s <= nseg; s++) {
        k = slast[s] - sfirst[s] + 1
        if (s == 1 && !lead) start = 1
        else if (s == nseg && !trail) start = n - k + 1
        else {
            key = firstword(E[sfirst[s]]); start = 0
            for (j = pos; j <= n; j++)
                if (key == "" ? A[j] == "" : firstword(A[j]) == key) { start = j; break }
            if (!start) {
                bad = 1
                note("no printed line after line " (pos - 1) " starts with '" key "' (shown: " E[sfirst[s]] ")")
                for (t = sfirst[s]; t <= slast[s]; t++) NEW[t] = E[t]
                continue
            }
        }
        if (start < pos) {
            bad = 1
            note("the output is shorter than the document shows")
            start = pos
        }
        for (t = 0; t < k; t++) {
            e = E[sfirst[s] + t]; j = start + t
            if (j > n) {
                bad = 1; note("- " e); note("  (printed nothing more)")
                continue
            }
            if (norm(e) == norm(A[j])) NEW[sfirst[s] + t] = e
            else {
                bad = 1; note("- " e); note("+ " A[j])
                NEW[sfirst[s] + t] = A[j]
            }
        }
        pos = start + k
    }
    if (nseg == 0 && !lead && n > 0) { bad = 1; note("the document shows no output; printed: " A[1]) }
    if (nseg > 0 && !trail && pos <= n) {
        bad = 1; note("the output goes on after what the document shows: + " A[pos])
    }
    # NEW: a plain block takes the whole printed output; an abridged one
    # keeps its "..." lines and gets the aligned printed lines
    printf "" > newfile
    if (nseg <= 1 && !lead && !trail) {
        for (j = 1; j <= n; j++) {
            line = (j <= m && norm(E[j]) == norm(A[j])) ? E[j] : A[j]
            print line > newfile
        }
    } else {
        for (i = 1; i <= m; i++) print (isdots(E[i]) ? E[i] : NEW[i]) > newfile
    }
    close(newfile)
    if (bad && nnotes > 24) print "    ... (" nnotes - 24 " more)"
    exit bad
}
