#!/bin/sh
# selftest.sh -- make check's test of the docs check itself: it passes on
# tests/docs/fixture.md and fixture.1, and fails when an output shown in a
# copy is edited, when the program prints something else, when an exit
# status or a figure differs, when a command sits in a block that is not
# run; --update writes the printed outputs back (restoring the edited
# copies byte for byte); and an edited output of docs/guide.md fails.
#   sh tests/docs/selftest.sh [--build DIR]      (ends "N passed, N failed")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
build=${BUILD:-build}
[ "${1:-}" = --build ] && build=$2
case $build in /*) ;; *) build=$ROOT/$build ;; esac
CHECK="sh $HERE/docs-check.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/rhaz-docs-self.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect STATUS PATTERN NAME -- the last run's exit status and a line of
# its report
expect() {
    if [ "$rc" = "$1" ] && grep -q -e "$2" "$T/log"; then ok; else
        no "$3 (exit $rc, wanted $1 and /$2/)"; sed 's/^/    /' "$T/log" | head -n 20 >&2; fi
}
run() { $CHECK --build "$build" "$@" > "$T/log" 2>&1; rc=$?; }

cp "$HERE/fixture.md" "$T/f.md"; cp "$HERE/fixture.1" "$T/f.1"
run "$T/f.md" "$T/f.1"
expect 0 '^8 passed, 0 failed$' "the fixtures pass"

# an output line edited in the document
sed 's/^Events:       48$/Events:       49/' "$HERE/fixture.md" > "$T/e.md"
cmp -s "$T/e.md" "$HERE/fixture.md" && no "the fixture has no line 'Events: 48' to edit"
run "$T/e.md"
expect 1 'e.md:16: the output differs' "an edited output fails, naming its command's line"
grep -q '^    - Events:       49$' "$T/log" && grep -q '^    + Events:       48$' "$T/log" \
    && ok || no "the report shows the shown and the printed line"
run --update "$T/e.md"
cmp -s "$T/e.md" "$HERE/fixture.md" && ok || no "--update restores the edited output"
run "$T/e.md"
expect 0 '^6 passed, 0 failed$' "the updated copy passes"

# an edited line inside an abridged ("...") output, and in the man page
sed 's/^refugee1967  5-5 /refugee1967  5-6 /' "$HERE/fixture.md" > "$T/a.md"
sed 's/^icmw                   66 /icmw                   67 /' "$HERE/fixture.1" > "$T/a.1"
run "$T/a.md" "$T/a.1"
expect 1 'a.1:4: the output differs' "an edited man page output fails"
grep -q 'a.md:4: the output differs' "$T/log" && ok || no "an edited abridged output fails"
run --update "$T/a.md" "$T/a.1"
cmp -s "$T/a.md" "$HERE/fixture.md" && cmp -s "$T/a.1" "$HERE/fixture.1" \
    && ok || no "--update restores the abridged output and the escaped man page"

# the program prints something else: an rhaz that changes one number
mkdir -p "$T/fake"
printf '#!/bin/sh\n"%s/rhaz" "$@" 2>&1 | sed "s/194/195/"\n' "$build" > "$T/fake/rhaz"
chmod +x "$T/fake/rhaz"
$CHECK --build "$T/fake" "$T/f.md" > "$T/log" 2>&1; rc=$?
expect 1 'f.md:22: the output differs' "a changed program output fails"

# exit status: a failing command in an sh block, a wrong status
printf '```sh\nrhaz describe nothere.csv\n```\n\n```console status=1\n$ rhaz treaties --core | head -n 0\n```\n' > "$T/s.md"
run "$T/s.md"
expect 1 's.md:2: exit status 1, the document expects 0' "a failing sh command fails"
grep -q 's.md:6: exit status 0, the document expects 1' "$T/log" && ok || no "a wrong exit status fails"

# a command in a block that is not run; a syntax error stops the shell
printf 'Text.\n\n    rhaz treaties\n\n```text\n$ rhaz treaties\n```\n' > "$T/l.md"
run "$T/l.md"
expect 1 'l.md:3: an rhaz command in an indented block' "an indented command is refused"
grep -q 'l.md:6: an rhaz command in a block that is not run' "$T/log" && ok \
    || no "a command in a text block is refused"
printf '```sh\nfor x in; do\n```\n\n```sh\nrhaz treaties --core\n```\n' > "$T/x.md"
run "$T/x.md"
expect 1 'x.md:6: did not run' "a command after a shell syntax error counts as failed"

# a figure the guide draws must be the committed one
printf '```sh\nrhaz plot density --data icmw.csv --render none --out docs/figures/not-committed\n```\n' > "$T/g.md"
printf '```sh\nrhaz panel --treaty icmw --out icmw.csv\n```\n\n' | cat - "$T/g.md" > "$T/g2.md"
run "$T/g2.md"
expect 1 'docs/figures/not-committed.gp is drawn by the guide but not committed' \
    "a figure that is not committed fails"

# the real guide: its first output edited in a copy fails at once
awk '!done && /^cerd  / { sub(/ 185 /, " 186 "); done = 1 } { print }' \
    "$ROOT/docs/guide.md" > "$T/guide.md"
cmp -s "$T/guide.md" "$ROOT/docs/guide.md" && no "docs/guide.md has no cerd line to edit"
run --fail-fast "$T/guide.md"
expect 1 'guide.md:[0-9]*: the output differs.*rhaz treaties --core' \
    "an edited output of docs/guide.md fails"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
