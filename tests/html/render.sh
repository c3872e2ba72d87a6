#!/bin/sh
# render.sh -- the report page of a run in a real browser (make check):
# from a fresh directory outside the repository, with no data/ there and
# RHAZ_DATA unset, 'rhaz run /abs/models/icmw.model --out DIR' must find
# the bundled data and write DIR/index.html (and a copy of the program in
# PREFIX/bin finds PREFIX/share/rhaz, one with neither ./data); every file the page
# references exists inside DIR (relative links, no network); headless
# Chromium renders the page to a PNG and exits 0; the PNG is complete and
# of the window's size; Chromium loaded every image of the page, each
# from DIR, and reported no failed load.
#   sh tests/html/render.sh [--build DIR]       (ends "N passed, N failed")
# CHROMIUM names the browser (default: chromium; Debian package chromium,
# in the Makefile's DEB_PKGS).  RHAZ_RENDER_KEEP=DIR keeps the screenshot.
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
build=${BUILD:-build}
[ "${1:-}" = --build ] && build=$2
case $build in /*) ;; *) build=$ROOT/$build ;; esac
CHROMIUM=${CHROMIUM:-chromium}
T=$(mktemp -d "${TMPDIR:-/tmp}/rhaz-render.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
check() { # check CONDITION-STATUS MESSAGE
    if [ "$1" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $2" >&2; fi
}
finish() { echo "$pass passed, $fail failed"; [ $fail = 0 ]; exit $?; }

# 1. rhaz run from elsewhere
mkdir -p "$T/work"
( cd "$T/work" && unset RHAZ_DATA &&
  "$build/rhaz" run --quiet --out "$T/work/report" "$ROOT/models/icmw.model" ) \
    > "$T/run.log" 2>&1
check $? "rhaz run from $T/work: $(tail -n 3 "$T/run.log")"
D=$T/work/report
[ -f "$D/index.html" ]; check $? "no $D/index.html"
[ -f "$D/index.html" ] || finish
grep -q "^data directory: $ROOT/data\$" "$D/panel-report.txt"
check $? "the panel was not built from the bundled data $ROOT/data: $(head -n 1 "$D/panel-report.txt")"

# the installed layout: PREFIX/bin/rhaz finds PREFIX/share/rhaz; a
# program with neither beside it falls back to ./data
mkdir -p "$T/inst/bin" "$T/inst/share" "$T/lone/bin"
cp "$build/rhaz" "$T/inst/bin/rhaz" && cp "$build/rhaz" "$T/lone/bin/rhaz" &&
    cp -R "$ROOT/data" "$T/inst/share/rhaz"
( cd "$T/work" && unset RHAZ_DATA &&
  "$T/inst/bin/rhaz" panel --treaty icmw --out p.csv --report 2>&1 | head -n 1 ) > "$T/inst.log"
grep -q -x "data directory: $T/inst/share/rhaz" "$T/inst.log"
check $? "an installed rhaz did not use PREFIX/share/rhaz: $(cat "$T/inst.log")"
( cd "$T/work" && unset RHAZ_DATA && "$T/lone/bin/rhaz" treaties ) > "$T/lone.log" 2>&1
[ $? = 1 ] && grep -q 'data directory not found' "$T/lone.log"
check $? "rhaz without bundled data beside it, in a folder without data/: $(cat "$T/lone.log")"
( cd "$ROOT" && unset RHAZ_DATA && "$T/lone/bin/rhaz" treaties --core ) > "$T/lone.log" 2>&1
check $? "rhaz without bundled data beside it did not fall back to ./data: $(head -n 2 "$T/lone.log")"

# 2. every reference of the page: relative, inside DIR, present
grep -o -E '(href|src)="[^"]*"' "$D/index.html" | sed -E 's/^(href|src)="//; s/"$//' \
    | sed 's/&amp;/\&/g' > "$T/refs"
nref=$(wc -l < "$T/refs")
[ "$nref" -gt 10 ]; check $? "the page references only $nref files"
while read -r ref; do
    case $ref in
    *://* | //* | /*) check 1 "index.html references $ref (not a relative link)" ;;
    *..*) check 1 "index.html references $ref outside its folder" ;;
    *) [ -f "$D/$ref" ]; check $? "index.html references $ref, which does not exist" ;;
    esac
done < "$T/refs"
grep -q -i '<script' "$D/index.html"; [ $? != 0 ]; check $? "index.html has a script"
# one <h3> per table, figure and model section of the model file, an
# image per figure
nfig=$(grep -c '^\[figure ' "$ROOT/models/icmw.model")
nsec=$(grep -c -E '^\[(table|figure|model) ' "$ROOT/models/icmw.model")
nimg=$(grep -o '<img src="[^"]*"' "$D/index.html" | wc -l)
[ "$nimg" = "$nfig" ]; check $? "index.html shows $nimg figures, models/icmw.model draws $nfig"
nh3=$(grep -c '^<h3>' "$D/index.html")
[ "$nh3" = "$nsec" ]; check $? "index.html has $nh3 sections, models/icmw.model $nsec tables, figures and models"

# 3. headless Chromium
if ! command -v "$CHROMIUM" > /dev/null 2>&1; then
    check 1 "$CHROMIUM is not installed (make deps installs the Debian package chromium)"
    finish
fi
W=1280 H=12000
timeout 180 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --disable-background-networking --disable-component-update --no-first-run \
    --user-data-dir="$T/profile" --enable-logging=stderr \
    --vmodule=file_url_loader_factory=1 \
    --screenshot="$T/page.png" --window-size=$W,$H "file://$D/index.html" \
    > "$T/chromium.out" 2> "$T/chromium.err"
rc=$?
check $rc "chromium exited $rc: $(grep -v dbus "$T/chromium.err" | tail -n 5)"
[ -s "$T/page.png" ]; check $? "chromium wrote no screenshot"
sig=$(od -A n -t x1 -N 8 "$T/page.png" 2>/dev/null | tr -d ' \n')
[ "$sig" = 89504e470d0a1a0a ]; check $? "the screenshot is not a PNG ($sig)"
dims=$(od -A n -t u1 -j 16 -N 8 "$T/page.png" 2>/dev/null |
       awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 "x" $5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }')
[ "$dims" = "${W}x$H" ]; check $? "the screenshot is $dims, not ${W}x$H"
tail -c 12 "$T/page.png" | od -A n -c | grep -q 'I   E   N   D'
check $? "the screenshot has no PNG end chunk (truncated)"
size=$(wc -c < "$T/page.png")
[ "$size" -gt 100000 ]; check $? "the screenshot has only $size bytes (a blank page?)"
# what Chromium loaded: the page and every image, all from DIR
sed -n 's/.*FileURLLoader::Start: file:\/\///p' "$T/chromium.err" | sed 's/%20/ /g' > "$T/loaded"
grep -q -x "$D/index.html" "$T/loaded"; check $? "chromium did not load $D/index.html"
grep -o '<img src="[^"]*"' "$D/index.html" | sed 's/<img src="//; s/"$//' | while read -r img; do
    grep -q -x "$D/$img" "$T/loaded" || echo "$img"
done > "$T/notloaded"
[ ! -s "$T/notloaded" ]; check $? "chromium did not load the images: $(tr '\n' ' ' < "$T/notloaded")"
while read -r f; do
    case $f in "$D"/*) [ -f "$f" ]; check $? "chromium loaded $f, which does not exist" ;;
    *) check 1 "chromium loaded $f, outside the report folder" ;; esac
done < "$T/loaded"
# failed loads, refused local resources, page errors
grep -E 'Failed to load|net::ERR_|Not allowed to load|Uncaught|CONSOLE' "$T/chromium.err" > "$T/errors"
[ ! -s "$T/errors" ]; check $? "chromium reported: $(head -n 3 "$T/errors")"
if [ -n "${RHAZ_RENDER_KEEP:-}" ]; then
    mkdir -p "$RHAZ_RENDER_KEEP" && cp "$T/page.png" "$D/index.html" "$RHAZ_RENDER_KEEP/"
fi
finish
