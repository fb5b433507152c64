#!/usr/bin/env bash
# A real one-node Slurm cluster on loopback, all of it under one scratch root (for tests and CI).
#
#   scripts/slurm-cluster.sh install        # as root: Debian's slurmd slurmctld slurm-client munge
#   scripts/slurm-cluster.sh start <root>   # munged + slurmctld + slurmd; waits until the node is idle
#   scripts/slurm-cluster.sh stop <root>    # stops the three daemons by the PIDs saved under <root>
#
# start writes <root>/slurm.conf (its own ports, state, logs and munge socket, so it never meets a
# system-wide Slurm or munge) and <root>/env (`export SLURM_CONF=...`): Slurm commands read it.
set -euo pipefail

PACKAGES=(slurmd slurmctld slurm-client munge)

die() {
  echo "slurm-cluster: $*" >&2
  exit 1
}

missing() {
  local tool
  for tool in slurmctld slurmd sbatch scontrol munged mungekey; do
    command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin" command -v "$tool" >/dev/null 2>&1 || return 0
  done
  return 1
}

install() {
  missing || return 0
  [ "$(id -u)" = 0 ] || die "Slurm is not installed; install it with: sudo apt-get install --no-install-recommends ${PACKAGES[*]}"
  echo "slurm-cluster: installing ${PACKAGES[*]}" >&2
  apt-get update -qq -o DPkg::Lock::Timeout=300
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
    --no-install-recommends "${PACKAGES[@]}" >/dev/null
}

# Two distinct free loopback ports (held open together while chosen, so they differ).
free_ports() {
  /usr/bin/python3 -c '
import socket
held = [socket.socket() for _ in range(2)]
for s in held: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in held])'
}

# Polls "$@" (a command) every 0.2 s for up to $1 seconds.
wait_for() {
  local seconds=$1
  shift
  local tries=$((seconds * 5))
  while ! "$@" >/dev/null 2>&1; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 0.2
  done
}

node_idle() {
  [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]
}

write_conf() {
  local root=$1 cpus memory ports
  cpus=$(nproc)
  read -r -a ports <<<"$(free_ports)"
  memory=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2))
  cat >"$root/slurm.conf" <<EOF
ClusterName=ci
SlurmctldHost=localhost
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$root/munge/munge.socket
StateSaveLocation=$root/state
SlurmdSpoolDir=$root/spool
SlurmctldPidFile=$root/slurmctld.pid
SlurmdPidFile=$root/slurmd.pid
SlurmctldLogFile=$root/log/slurmctld.log
SlurmdLogFile=$root/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
DependencyParameters=kill_invalid_depend
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
NodeName=localhost CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
  local root=$1
  missing && die "Slurm is not installed; run: scripts/slurm-cluster.sh install (as root), or: sudo apt-get install --no-install-recommends ${PACKAGES[*]}"
  [ "$(id -u)" = 0 ] || die "start needs root (slurmd runs jobs as their submitting user)"
  [ -e "$root/munged.pid" ] && die "$root already holds a cluster; stop it first: scripts/slurm-cluster.sh stop $root"
  mkdir -p "$root"/{state,spool,log,munge}
  root=$(cd "$root" && pwd)
  export PATH="$PATH:/usr/sbin"
  write_conf "$root"
  echo "export SLURM_CONF=$root/slurm.conf" >"$root/env"
  export SLURM_CONF=$root/slurm.conf

  # munge: our own key, socket and files, run as root (-f: the scratch root need not be munge's).
  mungekey --create --keyfile="$root/munge/munge.key" --force 2>/dev/null
  chmod 600 "$root/munge/munge.key"
  munged --force --key-file="$root/munge/munge.key" --socket="$root/munge/munge.socket" \
    --pid-file="$root/munge/munged.pid" --log-file="$root/log/munged.log" \
    --seed-file="$root/munge/munged.seed"
  cp "$root/munge/munged.pid" "$root/munged.pid"
  wait_for 10 bash -c "munge -S '$root/munge/munge.socket' -n | unmunge -S '$root/munge/munge.socket'" ||
    die "munged did not answer; see $root/log/munged.log"

  slurmctld -D -f "$root/slurm.conf" >>"$root/log/slurmctld.out" 2>&1 &
  echo $! >"$root/slurmctld.daemon.pid"
  wait_for 30 scontrol ping || die "slurmctld did not come up; see $root/log/slurmctld.log"
  slurmd -D -N localhost -f "$root/slurm.conf" >>"$root/log/slurmd.out" 2>&1 &
  echo $! >"$root/slurmd.daemon.pid"
  wait_for 60 node_idle || die "the node did not become idle; see $root/log/slurmd.log"
  echo "slurm-cluster: up; source $root/env (SLURM_CONF=$root/slurm.conf)" >&2
}

stop_pid() {
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill "$pid" 2>/dev/null; then
    local tries=50
    while kill -0 "$pid" 2>/dev/null && [ "$tries" -gt 0 ]; do
      sleep 0.2
      tries=$((tries - 1))
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop() {
  local root=$1
  stop_pid "$root/slurmd.daemon.pid"
  stop_pid "$root/slurmctld.daemon.pid"
  stop_pid "$root/munged.pid"
}

case "${1:-}" in
  install) install ;;
  start) [ -n "${2:-}" ] || die "usage: $0 start <root>"; start "$2" ;;
  stop) [ -n "${2:-}" ] || die "usage: $0 stop <root>"; stop "$2" ;;
  *) die "usage: $0 install | start <root> | stop <root>" ;;
esac
