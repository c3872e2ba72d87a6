#!/bin/sh
# The symbols librhaz.so exports: only rhaz_* functions and RHAZ_*
# constants of the public headers (internal glm_*, plot_*, rd_*, strmap_*,
# core_* ... are hidden), and every function the public headers declare.  Usage: exports.sh build/librhaz.so
so=${1:-build/librhaz.so}
CC=${CC:-cc}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort > "$tmp/exported"
# (__odr_asan.X: AddressSanitizer's one-definition-rule indicators of
# exported globals X, present only in check-asan builds)
grep -v '^rhaz_\|^RHAZ_\|^__odr_asan\.RHAZ_\|^__odr_asan\.rhaz_' "$tmp/exported" > "$tmp/foreign"
# functions declared in the public headers (not static inline)
$CC -E -P -Iinclude $(pkg-config --cflags gsl json-c 2>/dev/null) include/rhaz.h |
  tr '\n' ' ' | sed 's/;/;\n/g; s/{/{\n/g; s/}/}\n/g' |
  grep -v 'static inline\|typedef' |
  grep -o '\brhaz_[a-z0-9_]*[[:space:]]*(' | sed 's/[[:space:]]*($//' | sort -u > "$tmp/declared"
comm -23 "$tmp/declared" "$tmp/exported" > "$tmp/missing"
nexp=$(wc -l < "$tmp/exported"); ndecl=$(wc -l < "$tmp/declared")
status=0
if [ -s "$tmp/foreign" ]; then
    echo "exports: $so exports symbols outside rhaz_*/RHAZ_*:"; sed 's/^/    /' "$tmp/foreign" | head -20; status=1
fi
if [ -s "$tmp/missing" ]; then
    echo "exports: declared in include/ but not exported (a header without #pragma GCC visibility push(default)?):"
    sed 's/^/    /' "$tmp/missing" | head -20; status=1
fi
[ "$ndecl" -gt 50 ] || { echo "exports: found only $ndecl declarations: the header scan is broken"; status=1; }
[ $status = 0 ] && echo "exports: $nexp rhaz_*/RHAZ_* symbols exported, all $ndecl declared functions among them, nothing else"
exit $status
