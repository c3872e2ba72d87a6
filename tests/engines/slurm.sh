#!/bin/sh
# tests/engines/slurm.sh -- scripts/slurm-shards.sh on a single-node Slurm
# cluster that this test starts itself from the Debian packages (munge,
# slurm-wlm): a munge key and munged, a slurm.conf with this host as
# controller and node (proctrack/linuxproc, task/none, select/cons_tres,
# SlurmUser=root, its own ports, state and spool folders under a temporary
# folder, so that runs in parallel do not meet), slurmctld and slurmd.  It
# submits a cluster bootstrap as an array job of 3 shards and a dependent
# combining job, waits, and compares the result byte for byte with the
# single-process run; then stops the daemons by their pids.
#
# Needs root (slurmd runs jobs as their users).  Without root or the
# programs it says SKIPPED loudly; under CI=true that is a failure.
# Ends with "N passed, N failed" (tests/run.sh).
BUILD=${BUILD:-build}
pass=0 fail=0
check() { if [ "$1" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $2" >&2; fi; }
skip() {
    echo "SKIPPED: $1: the Slurm array-job script is NOT tested"
    if [ "${CI:-}" = true ]; then echo "0 passed, 1 failed"; exit 1; fi
    echo "0 passed, 0 failed"; exit 0
}
[ "$(id -u)" = 0 ] || skip "not root (slurmd must run as root)"
for c in munged mungekey slurmctld slurmd sbatch squeue scontrol sinfo; do
    command -v $c >/dev/null || skip "$c not found (make deps installs munge and slurm-wlm)"
done
RHAZ=$(cd "$BUILD" && pwd)/rhaz; export RHAZ
T=$(mktemp -d /tmp/rhaz-slurm.XXXXXX)
chmod 700 "$T"
stop() { # the daemons this test started, by pid
    for d in slurmd slurmctld munged; do
        pid=$(cat "$T/$d.pid" 2>/dev/null) || continue
        kill "$pid" 2>/dev/null || continue
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
        kill -9 "$pid" 2>/dev/null
    done
    rm -rf "$T"
}
trap stop EXIT
trap 'exit 1' INT TERM
logs() { for f in "$T"/*.log; do echo "--- $f" >&2; tail -n 15 "$f" >&2; done; }

mkdir -p "$T/state" "$T/spool" "$T/parts"
: > "$T/plugstack.conf"
mungekey -c -k "$T/munge.key" -b 1024 && chmod 600 "$T/munge.key" &&
munged --force --socket="$T/munge.socket" --key-file="$T/munge.key" \
    --pid-file="$T/munged.pid" --log-file="$T/munged.log" --seed-file="$T/munged.seed"
check $? "munged started"
H=$(hostname -s 2>/dev/null || hostname)
# ports of this run (two runs in parallel have different pids), moved on
# while either is already bound (/proc/net/tcp*: local addresses in hex)
busy() { grep -q ":$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
P=$((20000 + ($$ % 10000) * 2))
while busy $P || busy $((P + 1)); do P=$((P + 2)); done
cat > "$T/slurm.conf" <<CONF
ClusterName=rhaz$$
SlurmctldHost=$H(127.0.0.1)
SlurmctldPort=$P
SlurmdPort=$((P + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge.socket
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
PlugStackConfig=$T/plugstack.conf
NodeName=$H NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=rhaz Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
SLURM_CONF=$T/slurm.conf; export SLURM_CONF
slurmctld -f "$SLURM_CONF" -i && slurmd -f "$SLURM_CONF" -N "$H"
check $? "slurmctld and slurmd started"
i=0
until [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]; do
    i=$((i + 1))
    if [ $i -gt 120 ]; then
        check 1 "the node is idle within 60 s (sinfo: $(sinfo -h -o %T 2>&1))"
        logs; echo "$pass passed, $fail failed"; exit 1
    fi
    sleep 0.5
done
check 0 "node up"

F='Surv(start, stop, y) ~ x1 + factor(region)'
D=tests/reference/boot_sim.csv
"$RHAZ" fit cox --data $D --formula "$F" --vce bootstrap --cluster state --reps 40 --seed 9 \
    --threads 1 --format json --out "$T/single.json"
check $? "single-process bootstrap"
sh scripts/slurm-shards.sh -n 3 -d "$T/parts" -o "$T/combined.json" -f json -w -- \
    fit cox --data $D --formula "$F" --vce bootstrap --cluster state --reps 40 --seed 9
st=$?
check $st "slurm-shards.sh: array job and combining job completed"
[ $st = 0 ] || logs
[ -s "$T/parts/part-1.json" ] && [ -s "$T/parts/part-2.json" ] && [ -s "$T/parts/part-3.json" ]
check $? "3 array tasks wrote their parts"
cmp -s "$T/single.json" "$T/combined.json"
check $? "bootstrap: 3 Slurm array tasks combined = one process, byte for byte"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
