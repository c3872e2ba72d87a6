#!/bin/sh
# slurm-shards.sh -- a bootstrap (--vce bootstrap) or multiple-imputation
# fit run as a Slurm array job of N shards, then a dependent job that
# combines them into exactly the result one process gives.
#
#   scripts/slurm-shards.sh [-n N] [-d DIR] [-o OUT] [-f FORMAT] [-s 'SBATCH OPTIONS'] [-w] \
#       -- fit TYPE ARGS...
#
#   -n N       shards: array tasks 1..N (default 4)
#   -d DIR     where the job scripts, parts and logs go (default: a new
#              folder rhaz-slurm.XXXXXX); it must be on a file system every
#              node sees, as must the data
#   -o OUT     the combined result (default DIR/result)
#   -f FORMAT  its format: text (default), csv, json, latex, markdown
#   -s OPTS    more sbatch options for both jobs (e.g. '-p short -t 10')
#   -w         wait for the combining job; exit 0 only if it succeeded
#   RHAZ       the rhaz program (default: rhaz on the PATH, else build/rhaz)
#
# It writes DIR/shard.sh and DIR/combine.sh and submits
#   sbatch --array=1-N DIR/shard.sh
#       # task K: rhaz fit TYPE ARGS --shard $SLURM_ARRAY_TASK_ID/N
#       #          --out DIR/part-$SLURM_ARRAY_TASK_ID.json
#   sbatch --dependency=afterok:ARRAY --kill-on-invalid-dep=yes DIR/combine.sh
#       # rhaz combine --format FORMAT --out OUT DIR/part-1.json ...
# and prints "array JOBID" and "combine JOBID".  Each task runs rhaz with
# the cores Slurm gives it (--threads $SLURM_CPUS_PER_TASK when set: ask
# for them with -s '-c 4').  Jobs run in the current directory, so
# relative paths in ARGS work.
set -eu
N=4 DIR= OUT= FMT=text SB= WAIT=0
while getopts n:d:o:f:s:w opt; do
    case $opt in
    n) N=$OPTARG ;;
    d) DIR=$OPTARG ;;
    o) OUT=$OPTARG ;;
    f) FMT=$OPTARG ;;
    s) SB=$OPTARG ;;
    w) WAIT=1 ;;
    *) echo "usage: $0 [-n N] [-d DIR] [-o OUT] [-f FORMAT] [-s 'SBATCH OPTIONS'] [-w] -- fit TYPE ARGS..." >&2
       exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ "${1:-}" = fit ] || { echo "$0: expected 'fit TYPE ARGS...' after the options" >&2; exit 2; }
command -v sbatch >/dev/null || { echo "$0: sbatch not found (Slurm client commands)" >&2; exit 1; }
RHAZ=${RHAZ:-$(command -v rhaz || echo build/rhaz)}
case $RHAZ in /*) ;; *) RHAZ=$PWD/$RHAZ ;; esac
[ -n "$DIR" ] || DIR=$(mktemp -d rhaz-slurm.XXXXXX)
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
[ -n "$OUT" ] || OUT=$DIR/result
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac

# one shell word per argument, single-quoted
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
args=
for a in "$@"; do args="$args $(q "$a")"; done

cat > "$DIR/shard.sh" <<EOF
#!/bin/sh
# shard \$SLURM_ARRAY_TASK_ID of $N (written by slurm-shards.sh)
exec $(q "$RHAZ")$args \${SLURM_CPUS_PER_TASK:+--threads \$SLURM_CPUS_PER_TASK} \\
    --shard "\$SLURM_ARRAY_TASK_ID/$N" --out $(q "$DIR")/part-\$SLURM_ARRAY_TASK_ID.json
EOF
parts=
for k in $(seq "$N"); do parts="$parts $(q "$DIR/part-$k.json")"; done
cat > "$DIR/combine.sh" <<EOF
#!/bin/sh
# combine the $N shards (written by slurm-shards.sh)
exec $(q "$RHAZ") combine --format $(q "$FMT") --out $(q "$OUT")$parts
EOF
chmod +x "$DIR/shard.sh" "$DIR/combine.sh"

# shellcheck disable=SC2086 # SB is a list of options
aid=$(sbatch --parsable $SB --job-name=rhaz-shards --array="1-$N" \
      -o "$DIR/shard-%a.log" "$DIR/shard.sh")
aid=${aid%%;*}
cid=$(sbatch --parsable $SB --job-name=rhaz-combine --dependency="afterok:$aid" \
      --kill-on-invalid-dep=yes -o "$DIR/combine.log" "$DIR/combine.sh")
cid=${cid%%;*}
echo "array $aid"
echo "combine $cid"
[ "$WAIT" = 1 ] || exit 0
# wait until the combining job has left the queue, then ask how it ended
while [ -n "$(squeue -h -j "$cid" -o %T 2>/dev/null)" ]; do sleep 1; done
state=$(scontrol -o show job "$cid" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
echo "combine job $cid: ${state:-gone}"
[ "$state" = COMPLETED ] && [ -s "$OUT" ]
