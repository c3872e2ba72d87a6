# extract.awk -- the commands of one documentation file and the output it
# shows for each (docs-check.sh runs them).  Variables: work (a folder for
# cmd.ID and exp.ID), fmt (md or man), src (the file's name for messages),
# first (the first ID to use).
#
# Markdown: a fenced block opened by ```console holds commands, each a
# line "$ COMMAND" (continued on the next line while a line ends in a
# backslash, and on lines "> MORE" as a shell's second prompt), followed by the lines it prints (standard output and
# standard error together).  A line "..." in the output stands for any
# number of lines.  ```sh blocks hold commands whose output is not shown:
# they run and must exit 0.  "```console status=N" (or "```sh status=N")
# expects exit status N.  Other fences and indented blocks are not run, and
# may not show an rhaz command.
# Man page: .EX/.EE blocks are console blocks; a comment line
# '.\" status=N' inside one sets the status; \- \e \(aq \(dq \& are undone.
#
# Prints one plan line per command:
#   ID KIND STATUS CMD_FIRST CMD_LAST OUT_FIRST OUT_LAST
# (OUT_FIRST = OUT_LAST = 0 when the command shows no output).
# Problems are printed as "ERROR FILE:LINE: message".

function flush_cmd() {
    if (!have) return
    printf "%d %s %d %d %d %d %d\n", id, kind, status, cs, ce, os, oe
    close(work "/cmd." id)
    close(work "/exp." id)
    have = 0
    id++
}
function new_cmd(text, k) {
    flush_cmd()
    have = 1; kind = k; cs = NR; ce = NR; os = 0; oe = 0
    cont = (text ~ /\\$/)
    printf "%s\n", text > (work "/cmd." id)
    printf "" > (work "/exp." id)
}
function unman(s) {
    gsub(/\\-/, "-", s); gsub(/\\\(aq/, "'", s); gsub(/\\\(dq/, "\"", s)
    gsub(/\\&/, "", s); gsub(/\\e/, "\\", s)
    return s
}
function err(msg) { printf "ERROR %s:%d: %s\n", src, NR, msg; }
function shows_command(s) { return s ~ /^[ \t]*(\$ )?(build\/)?rhaz[ \t]/ }

BEGIN { id = first + 0; have = 0; infence = 0 }

fmt == "man" && /^\.EX/ { infence = 1; lang = "console"; status = 0; next }
fmt == "man" && /^\.EE/ { flush_cmd(); infence = 0; next }
fmt == "man" && infence && /^\.\\" *status=/ {
    s = $0; sub(/.*status=/, "", s); status = s + 0; next
}
fmt == "man" && infence {
    line = unman($0)
    if (line ~ /^\$ /) { new_cmd(substr(line, 3), "console"); next }
    if (have && cont) { print line > (work "/cmd." id); ce = NR; cont = (line ~ /\\$/); next }
    if (!have) { err("output before any command in an .EX block"); next }
    print line > (work "/exp." id); if (!os) os = NR; oe = NR
    next
}
fmt == "man" { next }

/^```/ {
    if (!infence) {
        infence = 1
        n = split(substr($0, 4), w, " ")
        lang = n ? w[1] : ""
        status = 0
        for (i = 2; i <= n; i++)
            if (w[i] ~ /^status=[0-9]+$/) { s = w[i]; sub(/status=/, "", s); status = s + 0 }
    } else {
        if (have && cont) err("command ends in a backslash at the end of its block")
        flush_cmd(); infence = 0
    }
    next
}
infence && lang == "console" {
    if ($0 ~ /^\$ /) { new_cmd(substr($0, 3), "console"); next }
    if (have && (cont || ($0 ~ /^> / && !os))) {
        print (cont ? $0 : substr($0, 3)) > (work "/cmd." id); ce = NR; cont = ($0 ~ /\\$/); next
    }
    if (!have) { err("output before any command in a console block"); next }
    print > (work "/exp." id); if (!os) os = NR; oe = NR
    next
}
infence && lang == "sh" {
    if (have && cont) { print > (work "/cmd." id); ce = NR; cont = ($0 ~ /\\$/); next }
    if ($0 ~ /^[ \t]*(#.*)?$/) { flush_cmd(); next }
    new_cmd($0, "sh")
    next
}
infence {
    if (shows_command($0))
        err("an rhaz command in a block that is not run (use ```console or ```sh)")
    next
}
# indented code blocks (four blanks after a blank line) are not run
/^    / && (prev_blank || in_indented) {
    in_indented = 1
    if (shows_command($0))
        err("an rhaz command in an indented block, which is not run (use ```console or ```sh)")
    prev_blank = 0
    next
}
{ in_indented = ($0 ~ /^[ \t]*$/) ? in_indented : 0; prev_blank = ($0 ~ /^[ \t]*$/) }
END {
    if (infence && fmt == "md") err("unclosed ``` block")
    flush_cmd()
}
