#!/bin/sh
# parallel-shards.sh -- a bootstrap (--vce bootstrap) or multiple-imputation
# fit run as N shards under GNU parallel (Debian package `parallel`), then
# combined into exactly the result one process gives.
#
#   scripts/parallel-shards.sh [-n N] [-j JOBS] [-d DIR] [-o OUT] [-f FORMAT] \
#       -- fit TYPE ARGS...
#
#   -n N       shards (default 4)
#   -j JOBS    shards run at a time (default: one per core); add
#              --threads 1 to ARGS when JOBS shards share the cores
#   -d DIR     where the parts go (default: a new folder rhaz-shards.XXXXXX)
#   -o OUT     the combined result (default stdout)
#   -f FORMAT  its format: text (default), csv, json, latex, markdown
#   RHAZ       the rhaz program (default: rhaz on the PATH, else build/rhaz)
#   PARALLEL_ARGS  more options for parallel, e.g. '--sshlogin host1,host2'
#              (the hosts must see the same files)
#
# It runs the recipe
#   parallel rhaz fit TYPE ARGS --shard {}/N --out DIR/part-{}.json ::: $(seq N)
#   rhaz combine --format FORMAT --out OUT DIR/part-1.json ... DIR/part-N.json
# and stops at the first shard that fails.
set -eu
N=4 JOBS= DIR= OUT=- FMT=text
while getopts n:j:d:o:f: opt; do
    case $opt in
    n) N=$OPTARG ;;
    j) JOBS=$OPTARG ;;
    d) DIR=$OPTARG ;;
    o) OUT=$OPTARG ;;
    f) FMT=$OPTARG ;;
    *) echo "usage: $0 [-n N] [-j JOBS] [-d DIR] [-o OUT] [-f FORMAT] -- fit TYPE ARGS..." >&2
       exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ "${1:-}" = fit ] || { echo "$0: expected 'fit TYPE ARGS...' after the options" >&2; exit 2; }
command -v parallel >/dev/null || { echo "$0: GNU parallel is not installed (apt-get install parallel)" >&2; exit 1; }
RHAZ=${RHAZ:-$(command -v rhaz || echo build/rhaz)}
[ -n "$DIR" ] || DIR=$(mktemp -d rhaz-shards.XXXXXX)
mkdir -p "$DIR"
# -q: the arguments (formulas with spaces) reach rhaz as given
parallel -q ${JOBS:+-j "$JOBS"} --halt now,fail=1 ${PARALLEL_ARGS:-} \
    "$RHAZ" "$@" --shard "{}/$N" --out "$DIR/part-{}.json" ::: $(seq "$N")
set --
for k in $(seq "$N"); do set -- "$@" "$DIR/part-$k.json"; done
exec "$RHAZ" combine --format "$FMT" --out "$OUT" "$@"
