#!/bin/sh
# docs-check.sh -- run every command the documentation shows and compare
# what it prints with what the documentation prints (make docs-check, and
# a test program of make check).
#
#   sh tests/docs/docs-check.sh [--update] [--fail-fast] [--build DIR] [FILE...]
#
# FILEs default to README.md docs/guide.md docs/rhaz.1; run from anywhere.
# The rules for writing commands into them are in tests/docs/extract.awk
# (```console blocks: "$ command" lines and their output; ```sh blocks:
# commands that must exit 0; man page: .EX/.EE blocks).  Each file runs in
# a fresh scratch folder holding links to the repository's data, models,
# tests, scripts and build folders, with 'rhaz' on PATH (BUILD/rhaz) and an
# empty docs/figures; every command of a file runs in one shell, in order,
# so a file made or a variable set by one command is there for the next.
#
# docs/guide.md's figure commands write docs/figures/NAME.gp; each must
# equal the committed docs/figures/NAME.gp (the figure the guide shows),
# numbers to 1e-9 relative (figcompare.awk).
#
# --update (make docs-update) writes the printed outputs into the files
# (keeping "..." lines, and lines that differ only in a time) and copies
# the figures (.gp and .png) into docs/figures; read 'git diff' before
# committing.  Ends with "N passed, N failed" (N = commands and figures).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
update=0; failfast=0; build=${BUILD:-build}
while [ $# -gt 0 ]; do
    case $1 in
    --update) update=1 ;;
    --fail-fast) failfast=1 ;;
    --build) build=$2; shift ;;
    --) shift; break ;;
    -*) echo "docs-check: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
[ $# -gt 0 ] || set -- README.md docs/guide.md docs/rhaz.1
case $build in /*) ;; *) build=$ROOT/$build ;; esac
if [ ! -x "$build/rhaz" ]; then
    echo "docs-check: $build/rhaz is not built (make)" >&2; exit 2
fi

TOP=$(mktemp -d "${TMPDIR:-/tmp}/rhaz-docs.XXXXXX")
trap 'rm -rf "$TOP"' EXIT
trap 'exit 130' INT TERM HUP
passed=0; failed=0

for doc in "$@"; do
    case $doc in /*) path=$doc ;; *) if [ -f "$doc" ]; then path=$(pwd)/$doc; else path=$ROOT/$doc; fi ;; esac
    name=$(basename "$doc")
    case $name in *.[1-9]) fmt=man ;; *) fmt=md ;; esac
    W=$TOP/work-$name; S=$TOP/scratch-$name
    mkdir -p "$W" "$S/docs/figures" "$S/.bin"
    for d in data models tests scripts; do ln -s "$ROOT/$d" "$S/$d"; done
    ln -s "$build" "$S/build"
    ln -s "$build/rhaz" "$S/.bin/rhaz"

    awk -f "$HERE/extract.awk" -v work="$W" -v fmt=$fmt -v src="$doc" -v first=1 \
        "$path" > "$W/plan"
    if grep -q '^ERROR ' "$W/plan"; then
        sed -n 's/^ERROR //p' "$W/plan" >&2
        failed=$((failed + $(grep -c '^ERROR ' "$W/plan")))
        grep -v '^ERROR ' "$W/plan" > "$W/plan.ok"; mv "$W/plan.ok" "$W/plan"
    fi

    # One shell runs the file's commands in order; after each, the
    # comparison (a separate process: the commands' variables stay theirs).
    {
        echo "cd '$S' || exit 99"
        while read -r id kind st cs ce os oe; do
            echo "{ . '$W/cmd.$id'; } < /dev/null > '$W/out.$id' 2>&1; echo \$? > '$W/rc.$id'"
            echo "sh '$HERE/judge.sh' '$W' $id $kind $st '$doc:$cs' || { [ $failfast = 0 ] || exit 1; }"
        done < "$W/plan"
    } > "$W/run.sh"
    (unset RHAZ_DATA; PATH="$S/.bin:$PATH" TZ=UTC sh "$W/run.sh")
    for id in $(cut -d' ' -f1 "$W/plan"); do
        if [ -f "$W/ok.$id" ]; then passed=$((passed + 1))
        elif [ -f "$W/rc.$id" ]; then failed=$((failed + 1))
        else
            failed=$((failed + 1))
            [ $failfast = 1 ] || echo "$doc:$(awk -v id=$id '$1 == id { print $4 }' "$W/plan"): did not run (the shell stopped before it: a syntax error in an earlier command?)" >&2
        fi
    done

    # The guide's figures are the committed ones.
    figs=""
    for gp in "$S"/docs/figures/*.gp; do
        [ -f "$gp" ] || continue
        f=$(basename "$gp" .gp); figs="$figs $f"
        if [ ! -f "$ROOT/docs/figures/$f.gp" ]; then
            failed=$((failed + 1))
            echo "$doc: docs/figures/$f.gp is drawn by the guide but not committed" >&2
        elif awk -f "$HERE/figcompare.awk" "$ROOT/docs/figures/$f.gp" "$gp" > "$W/fig.$f"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "$doc: docs/figures/$f.gp differs from what the guide's command draws" >&2
            cat "$W/fig.$f" >&2
        fi
    done

    if [ $update = 1 ]; then
        : > "$W/edits"
        while read -r id kind st cs ce os oe; do
            [ "$kind" = console ] && [ -f "$W/new.$id" ] || continue
            cmp -s "$W/new.$id" "$W/exp.$id" || echo "$id $ce $os $oe" >> "$W/edits"
        done < "$W/plan"
        if [ -s "$W/edits" ]; then
            awk -f "$HERE/rewrite.awk" -v fmt=$fmt -v work="$W" "$W/edits" "$path" > "$W/doc.new" &&
                cat "$W/doc.new" > "$path" &&
                echo "docs-update: $doc: $(wc -l < "$W/edits") outputs rewritten" >&2
        fi
        for f in $figs; do
            if ! awk -f "$HERE/figcompare.awk" "$S/docs/figures/$f.gp" "$ROOT/docs/figures/$f.gp" > /dev/null 2>&1; then
                cp "$S/docs/figures/$f.gp" "$ROOT/docs/figures/$f.gp"
                [ -f "$S/docs/figures/$f.png" ] && cp "$S/docs/figures/$f.png" "$ROOT/docs/figures/$f.png"
                echo "docs-update: docs/figures/$f.gp and .png" >&2
            fi
        done
    fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
