#!/bin/bash
# End to end, side by side on this machine: trivial jobs through Slurm 22.05 (single node, installed and started here
# under a temp folder) and through Wharf (a Release build of `wharf up`, jobs submitted through the public API).
# Also measures the machine's own limits (fork+exec, SQLite inserts) in the same run. Needs root (apt-get, munge).
#   bench/e2e-vs-slurm.sh [SLURM_JOBS=200] [WHARF_JOBS=200,2000]   (env: WHARF_DLL, WHARF_CPU, LONE, PROBE_JOBS, REPEAT, SETTLE)
set -euo pipefail
SLURM_JOBS=${1:-200}
WHARF_JOBS=${2:-200,2000}
PROBE_JOBS=${PROBE_JOBS:-10}
LONE=${LONE:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/wharf-e2e-XXXXXX); chmod 755 "$T"   # munged runs as munge and must reach its folder
B=$T/slurm
H=$(hostname -s)
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB; $(date -u '+%Y-%m-%d %H:%M') UTC; work folder $T"

# ---- builds (Release) ----
# WHARF_DLL=path/to/wharf.dll uses a build you made; otherwise the CLI of this checkout is built in Release.
if [ -n "${WHARF_DLL:-}" ]; then mkdir -p "$T/wharf"; else
  dotnet build -c Release "$ROOT/src/Wharf.Cli" -o "$T/wharf" -v q -nologo >"$T/build-cli.log" 2>&1 || { cat "$T/build-cli.log"; exit 1; }
  WHARF_DLL="$T/wharf/wharf.dll"
fi
dotnet build -c Release "$ROOT/bench/Wharf.Bench.Server" -v q -nologo >"$T/build-bench.log" 2>&1 || { cat "$T/build-bench.log"; exit 1; }
DRIVER="$ROOT/bench/Wharf.Bench.Server/bin/Release/net10.0/Wharf.Bench.Server.dll"

# ---- Slurm ----
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y slurm-wlm munge >"$T/apt.log" 2>&1 \
    || { apt-get update >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y slurm-wlm munge >"$T/apt.log" 2>&1; }
fi
[ -s /etc/munge/munge.key ] || { mungekey -c -f -k /etc/munge/munge.key; chown munge:munge /etc/munge/munge.key; chmod 600 /etc/munge/munge.key; }
echo "slurm: $(slurmctld -V)"
export SLURM_CONF=$B/slurm.conf

slurm_stop() {
  for f in $B/slurmd.pid $B/slurmctld.pid; do
    if [ -s $f ]; then p=$(cat $f); kill $p 2>/dev/null || true
      for _ in $(seq 100); do kill -0 $p 2>/dev/null || break; sleep 0.1; done; rm -f $f; fi
  done
}
munge_stop() { [ -s $B/munge/munged.pid ] && kill $(cat $B/munge/munged.pid) 2>/dev/null || true; }
trap 'slurm_stop; munge_stop' EXIT

# $1 = config name: default | ht | fast (the recipe's settings plus the scheduler parameters of baselines.md §2)
slurm_start() {
  slurm_stop
  rm -rf $B/state $B/spool $B/jobs; mkdir -p $B/state $B/spool; install -d -m 1777 $B/jobs
  local extra=""
  case $1 in
    default) extra="" ;;
    ht) extra=$'SchedulerParameters=batch_sched_delay=20,sched_min_interval=2000000,max_rpc_cnt=150,sched_max_job_start=200\nMinJobAge=2\nMaxJobCount=100000' ;;
    fast) extra="SchedulerParameters=batch_sched_delay=0,sched_min_interval=0" ;;
  esac
  cat > $B/slurm.conf <<CONF
ClusterName=bench
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
SlurmctldPort=56817
SlurmdPort=56818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$B/munge/munge.socket.2
StateSaveLocation=$B/state
SlurmdSpoolDir=$B/spool
SlurmctldPidFile=$B/slurmctld.pid
SlurmdPidFile=$B/slurmd.pid
SlurmctldLogFile=$B/slurmctld.log
SlurmdLogFile=$B/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
$extra
NodeName=$H NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
  slurmctld -c -f $SLURM_CONF
  slurmd -f $SLURM_CONF
  timeout 60 sh -c 'until sinfo -h -o %T 2>/dev/null | grep -qx idle; do sleep 0.2; done'
}

# Submits $1 jobs one sbatch each; each job writes its start time (epoch ns) to $B/jobs/<id>.
# Leaves: sub.<id> (submit time, epoch s), $B/submit_s (submit duration), $B/makespan_s.
slurm_burst() {
  local n=$1 t0 t1 id
  t0=$EPOCHREALTIME
  for _ in $(seq $n); do
    local s=$EPOCHREALTIME
    id=$(sbatch --parsable -o /dev/null --wrap="date +%s.%N > $B/jobs/\$SLURM_JOB_ID")
    echo "$id $s" >> $B/jobs/submitted
  done
  t1=$EPOCHREALTIME
  timeout 3600 sh -c 'until [ -z "$(squeue -h -o %i)" ]; do sleep 0.1; done'
  local t2=$EPOCHREALTIME
  echo "$t0 $t1 $t2"
}

# Prints p50 and p99 (seconds) of start - submit over the jobs in $B/jobs/submitted.
slurm_latency() {
  while read -r id s; do [ -s $B/jobs/$id ] && echo "$(cat $B/jobs/$id) $s"; done < $B/jobs/submitted \
    | awk '{print $1-$2}' | sort -n | awk '{a[NR]=$1} END {p50=a[int(NR*0.5+0.999)]; p99=a[int(NR*0.99+0.999)]; printf "%.3f %.3f %d\n", p50, p99, NR}'
}

install -d -o munge -g munge -m 0755 $B/munge
runuser -u munge -- munged --socket=$B/munge/munge.socket.2 --pid-file=$B/munge/munged.pid \
  --log-file=$B/munge/munged.log --seed-file=$B/munge/munged.seed

best=""; best_rate=0
for config in default ht fast; do
  slurm_start $config
  read -r t0 t1 t2 < <(slurm_burst $PROBE_JOBS)
  rate=$(awk -v n=$PROBE_JOBS -v a=$t0 -v b=$t2 'BEGIN{printf "%.3f", n/(b-a)}')
  echo "slurm probe: $config, $PROBE_JOBS jobs finished at $rate jobs/s"
  if awk -v r=$rate -v b=$best_rate 'BEGIN{exit !(r>b)}'; then best=$config; best_rate=$rate; fi
done
echo "slurm: keeping the fastest config, '$best'"

slurm_start $best
read -r t0 t1 t2 < <(slurm_burst $SLURM_JOBS)
read -r lp50 lp99 ln < <(slurm_latency)
# Lone jobs on the idle cluster, after a random pause.
rm -f $B/jobs/submitted
for _ in $(seq $LONE); do
  sleep "0.$((RANDOM % 7 + 3))"
  slurm_burst 1 >/dev/null
done
read -r op50 op99 on < <(slurm_latency)
slurm_stop; munge_stop
awk -v n=$SLURM_JOBS -v a=$t0 -v b=$t1 -v c=$t2 -v c50=$lp50 -v c99=$lp99 -v o50=$op50 -v o99=$op99 -v cfg=$best 'BEGIN {
  printf "config=%s\njobs=%d\nsubmit_per_s=%.3f\njobs_per_s=%.4f\nmakespan_s=%.3f\nlat_p50_s=%.3f\nlat_p99_s=%.3f\nlone_p50_s=%.4f\nlone_p99_s=%.4f\n",
    cfg, n, n/(b-a), n/(c-a), c-a, c50, c99, o50, o99 }' > $T/slurm.txt
awk -F= '{v[$1]=$2} END {
  printf "Slurm (%s), %d jobs: submit %.0f jobs/s, finished %.2f jobs/s, makespan %.1f s, submit->running p50 %.0f ms p99 %.0f ms\n",
    v["config"], v["jobs"], v["submit_per_s"], v["jobs_per_s"], v["makespan_s"], v["lat_p50_s"]*1000, v["lat_p99_s"]*1000
  printf "  lone job on an idle cluster ('"$on"' samples): submit->running p50 %.0f ms, p99 %.0f ms\n", v["lone_p50_s"]*1000, v["lone_p99_s"]*1000 }' $T/slurm.txt

# ---- Wharf (and the machine's limits), with the Slurm figures for the ratios ----
# Slurm's jobs left a thousand or so deleted spool files behind. On ext4 without a journal (as on this kind of VM)
# the inode allocator skips, one by one, inodes deleted in the last minute (five while their inode table block is
# dirty), which made every folder and file Wharf's jobs create dearer for a while (a job's three folders and log
# file: 335 us right after 20,000 deletions, 135 us once they aged). Write back and let them age first.
sync; sleep ${SETTLE:-60}
dotnet "$DRIVER" e2e --wharf "$WHARF_DLL" --jobs "$WHARF_JOBS" --lone $LONE --slurm $T/slurm.txt ${WHARF_CPU:+--cpu $WHARF_CPU} ${REPEAT:+--repeat $REPEAT}
rm -rf "$T"
