#!/usr/bin/env bash
# Sharded generation on a real Slurm: starts a single-node Slurm (Debian's munged, slurmctld and slurmd)
# configured under a temporary folder, localhost only, no accounting; fits the built-in copula on
# samples/workspace/patients.csv and PPCA on test/fixtures/images/anatomical.nii; submits, for each,
# the sbatch script `medsynth slurm generate --shards 4` writes (an array job of 4 generate --shard
# auto tasks) and the merge as the afterok job, exactly as that command prints them; waits for them
# with squeue (bounded), reads their end states with scontrol show job, and checks the merged output
# equals the single run byte for byte. Stops the daemons it started on exit.
# Needs root and the Debian packages slurm-wlm and munge; without them it prints a SKIP line and exits 0.
# MEDSYNTH_SLURM_WAIT (seconds, default 180) bounds the wait; MEDSYNTH_SLURM_KEEP=1 keeps the folder (=fail: on failure).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WAIT_S=${MEDSYNTH_SLURM_WAIT:-180}

skip() {
  echo "SKIP slurm: $*"
  exit 0
}
[ "$(id -u)" = 0 ] || skip "not root (the daemons run as root here); run as root with slurm-wlm and munge installed"
for b in munged slurmctld slurmd sbatch squeue scontrol sinfo; do
  command -v "$b" > /dev/null || skip "$b is not installed (Debian: apt-get install slurm-wlm munge)"
done
command -v node > /dev/null || skip "node is not on PATH"

started=$(date +%s)
T=$(mktemp -d /tmp/medsynth-slurm.XXXXXX)
chmod 755 "$T"
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/log" "$T/work"
chmod 700 "$T/munge"
pids=()
jobs_submitted=()
cleanup() {
  local rc=$? pid
  # Jobs still queued or running are cancelled while the daemons can still signal their tasks
  # (proctrack/linuxproc: stopping slurmd alone would leave the tasks running).
  if [ ${#jobs_submitted[@]} -gt 0 ] && [ -n "$(squeue -h -j "$(IFS=,; echo "${jobs_submitted[*]}")" -o %i 2> /dev/null)" ]; then
    scancel "${jobs_submitted[@]}" 2> /dev/null || true
    for _ in $(seq 20); do
      [ -z "$(squeue -h -j "$(IFS=,; echo "${jobs_submitted[*]}")" -o %i 2> /dev/null)" ] && break
      sleep 0.5
    done
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2> /dev/null || true; done
  if [ "${MEDSYNTH_SLURM_KEEP:-0}" = 1 ] || { [ "${MEDSYNTH_SLURM_KEEP:-0}" = fail ] && [ "$rc" != 0 ]; }; then
    echo "slurm: kept $T"
  else
    rm -rf "$T"
  fi
}
trap cleanup EXIT
logs() {
  local f
  for f in "$T"/log/*.log "$T"/log/*.out "$T"/work/*/logs/*.out; do
    [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
  done
  return 0
}

# munge: its own key and socket in the temporary folder.
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge/munge.key"
munged --foreground --force --key-file="$T/munge/munge.key" --socket="$T/munge/munge.sock" \
  --pid-file="$T/munge/munged.pid" --log-file="$T/log/munged.log" --seed-file="$T/munge/munge.seed" > /dev/null 2>&1 &
pids+=($!)

cpus=$(nproc)
mem_mb=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
ctl_port=$((20000 + RANDOM % 20000))
cat > "$T/slurm.conf" << EOF
ClusterName=medsynth-test
SlurmctldHost=localhost
SlurmctldPort=$ctl_port
SlurmdPort=$((ctl_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/munge.sock
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=600
KillWait=5
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$T/slurm.conf

for _ in $(seq 50); do [ -S "$T/munge/munge.sock" ] && break; sleep 0.1; done
[ -S "$T/munge/munge.sock" ] || { logs; skip "munged did not start (see its log above)"; }
slurmctld -D -f "$SLURM_CONF" > "$T/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" > "$T/log/slurmd.out" 2>&1 &
pids+=($!)
up=0
for _ in $(seq 60); do
  if [ "$(sinfo -h -n localhost -o %T 2> /dev/null | head -n 1)" = idle ]; then
    up=1
    break
  fi
  sleep 0.5
done
[ "$up" = 1 ] || { logs; skip "slurmctld/slurmd did not bring node localhost up within 30 s (logs above)"; }
echo "slurm: single-node Slurm $(sinfo -V | awk '{print $2}') up on localhost ($cpus CPUs, ${mem_mb} MB) in $(($(date +%s) - started)) s"

CLI="$ROOT/dist/cli.js"
# A missing or stale bundle (one without merge and slurm) is built first.
if [ ! -f "$CLI" ] || ! node "$CLI" merge --help > /dev/null 2>&1 || ! node "$CLI" slurm --help > /dev/null 2>&1; then
  echo "slurm: building dist/ (npm run build)"
  npm run build > "$T/log/build.log" 2>&1 || { tail "$T/log/build.log"; exit 1; }
fi
medsynth() { node "$CLI" "$@"; }

# The generators and the single runs that the merged outputs must equal.
medsynth fit samples/workspace/patients.csv --out "$T/copula" > /dev/null
medsynth fit test/fixtures/images/anatomical.nii --out "$T/ppca" > /dev/null
medsynth generate "$T/copula" --n 2000 --seed 42 --ep cpu --out "$T/single.csv" > /dev/null
medsynth generate "$T/ppca" --n 10 --seed 7 --ep cpu --out "$T/single-images" > /dev/null

submit() { # <name> <generator> <n> <seed>: writes the script, runs the printed submit commands, prints "array merge" ids
  local name=$1 gen=$2 n=$3 seed=$4
  medsynth slurm generate "$gen" --n "$n" --seed "$seed" --ep cpu --out "$T/work/$name" --shards 4 --cpus 1 --mem 512M --time 10 \
    --job-name "medsynth-$name" --medsynth "node $CLI" --write "$T/$name.sbatch" > "$T/$name.submit.txt"
  sed 1d "$T/$name.submit.txt" > "$T/$name.submit.sh"
  echo 'echo "$JOBID"' >> "$T/$name.submit.sh"
  # The last sbatch --parsable prints the merge job's id, then the line added above the array's.
  local ids
  ids=$(cd "$T" && bash "$T/$name.submit.sh")
  echo "$(sed -n 2p <<< "$ids") $(sed -n 1p <<< "$ids")"
}
slurm_started=$(date +%s)
read -r table_array table_merge < <(submit tables "$T/copula" 2000 42)
jobs_submitted+=("$table_array" "$table_merge")
read -r image_array image_merge < <(submit images "$T/ppca" 10 7)
jobs_submitted+=("$image_array" "$image_merge")
echo "slurm: submitted array $table_array + merge $table_merge (tables), array $image_array + merge $image_merge (images)"

deadline=$(($(date +%s) + WAIT_S))
while [ -n "$(squeue -h -j "$table_array,$table_merge,$image_array,$image_merge" -o %i 2> /dev/null)" ]; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    squeue
    logs
    echo "FAIL slurm: the jobs did not finish within ${WAIT_S} s"
    exit 1
  fi
  sleep 1
done
slurm_s=$(($(date +%s) - slurm_started))

fail=0
for id in "$table_array" "$table_merge" "$image_array" "$image_merge"; do
  states=$(scontrol show job "$id" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' ' | tr '\n' ';')
  echo "slurm: job $id: $states"
  if scontrol show job "$id" | grep -o 'JobState=[A-Z_]*' | grep -qv 'JobState=COMPLETED'; then fail=1; fi
done
tasks=$(scontrol show job "$table_array" | grep -c 'ArrayTaskId=' || true)
[ "$tasks" = 4 ] || { echo "FAIL slurm: array $table_array has $tasks tasks, not 4"; fail=1; }
[ "$fail" = 0 ] || { logs; echo "FAIL slurm: a job did not complete"; exit 1; }
# afterok: each merge started no earlier than the last task of its array ended (ISO times sort as text).
for pair in "$table_array:$table_merge" "$image_array:$image_merge"; do
  last_end=$(scontrol show job -o "${pair%%:*}" | grep -o 'EndTime=[0-9T:-]*' | cut -d= -f2 | sort | tail -n 1)
  merge_start=$(scontrol show job -o "${pair##*:}" | grep -o 'StartTime=[0-9T:-]*' | cut -d= -f2)
  if [[ "$merge_start" < "$last_end" ]]; then
    echo "FAIL slurm: merge ${pair##*:} started at $merge_start, before array ${pair%%:*} ended at $last_end"
    exit 1
  fi
done

if cmp "$T/work/tables/synthetic.csv" "$T/single.csv"; then
  echo "slurm: tables: 4 shards merged = the single run ($(wc -l < "$T/single.csv") lines, sha256 $(sha256sum < "$T/single.csv" | cut -c1-16)...)"
else
  fail=1
  echo "FAIL slurm: the merged table differs from the single run"
fi
if diff -r "$T/work/images/synthetic" "$T/single-images" > /dev/null; then
  echo "slurm: images: 4 shards merged = the single run ($(ls "$T/single-images" | wc -l) files, byte for byte)"
else
  fail=1
  diff -r "$T/work/images/synthetic" "$T/single-images" | head
  echo "FAIL slurm: the merged image folder differs from the single run"
fi
[ "$fail" = 0 ] || { logs; exit 1; }
echo "PASS slurm: array generate (4 shards) + afterok merge, tables and images, equal to the single run; jobs ${slurm_s} s, whole test $(($(date +%s) - started)) s"
