# rewrite.awk -- put new outputs into a document (make docs-update).
#   awk -f rewrite.awk -v fmt=md|man -v work=DIR EDITS DOCUMENT
# EDITS has one line per command to change: "ID AFTER FIRST LAST": drop
# the document's lines FIRST..LAST (none when FIRST = 0) and put the lines
# of DIR/new.ID after line AFTER.  For a man page the lines are escaped.
function man(s) {
    gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s)
    if (s ~ /^[.']/) s = "\\&" s
    return s
}
FILENAME == ARGV[1] {
    at[$2] = $1
    if ($3 > 0) for (i = $3; i <= $4; i++) skip[i] = 1
    next
}
{
    if (!(FNR in skip)) print
    if (FNR in at) {
        f = work "/new." at[FNR]
        while ((getline l < f) > 0) print (fmt == "man" ? man(l) : l)
        close(f)
    }
}
