# Shared by start.sh, stop.sh and status.sh (sourced, not run).
# Everything the test cluster writes lives under $NX_SLURM_LAB, except what Slurm, munge and
# MariaDB only read from fixed places: /etc/slurm/*.conf, /run/munge, /run/mysqld.

LAB=${NX_SLURM_LAB:-/tmp/nx-slurm-lab}
# LAB ends up in sed replacements, config files and a KEY=VALUE env file: keep it plain.
if ! [[ $LAB =~ ^/[A-Za-z0-9._/-]+$ ]]; then
  echo "NX_SLURM_LAB must be an absolute path of [A-Za-z0-9._/-] characters, got '$LAB'" >&2
  exit 2
fi
CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SSH_HOST=127.0.0.1
SSH_PORT=2222
SSH_USER=slurmuser
CTLD_PORT=6817
DBD_PORT=6819
MYSQL_SOCKET=/run/mysqld/mysqld.sock
MUNGE_PIDFILE=/run/munge/munged.pid
MAX_ARRAY_SIZE=${NX_SLURM_LAB_MAX_ARRAY_SIZE:-10001}
[[ $MAX_ARRAY_SIZE =~ ^[1-9][0-9]*$ ]] ||
  { echo "NX_SLURM_LAB_MAX_ARRAY_SIZE must be a positive integer, got '$MAX_ARRAY_SIZE'" >&2; exit 2; }

# alive PID: the process exists and is not a zombie. Daemons that exited can stay zombies for
# a second or two here until PID 1 reaps them, and `kill -0` succeeds on zombies.
alive() {
  local st
  st=$(ps -p "$1" -o stat= 2>/dev/null) || return 1
  [ "${st:0:1}" != Z ]
}
# is_comm PID COMM: alive and its command name is COMM (guards against pid reuse)
is_comm() { alive "$1" && [ "$(ps -p "$1" -o comm= 2>/dev/null)" = "$2" ]; }
# pid_of PIDFILE: the pid written there, or nothing
pid_of() { [ -s "$1" ] && tr -dc 0-9 <"$1"; }
# running PIDFILE COMM: the pid in PIDFILE is a live COMM
running() { local pid; pid=$(pid_of "$1") && [ -n "$pid" ] && is_comm "$pid" "$2"; }

# wait_for TIMEOUT_S WHAT CMD...: poll CMD (every 0.1 s) until it succeeds; fail after TIMEOUT_S
wait_for() {
  local timeout=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "TIMEOUT after $timeout s waiting for $what" >&2
      return 1
    fi
    sleep 0.1
  done
}

# stop_pid PID COMM TIMEOUT_S: SIGTERM, then wait until it is gone. Only slurmctld is never
# SIGKILLed: killed with a running array, it re-runs its tasks after the restart.
stop_pid() {
  local pid=$1 comm=$2 timeout=$3 t0=$SECONDS
  is_comm "$pid" "$comm" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  if ! wait_for "$timeout" "$comm (pid $pid) to exit after SIGTERM" bash -c "! ps -p $pid -o stat= | grep -qv '^Z'"; then
    if [ "$comm" = slurmctld ]; then
      echo "$comm (pid $pid) did not stop: not sending SIGKILL to slurmctld; investigate $LAB/log" >&2
      return 1
    fi
    echo "$comm (pid $pid): SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    wait_for 10 "$comm (pid $pid) to die" bash -c "! ps -p $pid -o stat= | grep -qv '^Z'" || return 1
  fi
  echo "stopped $comm (pid $pid, $((SECONDS - t0)) s)"
}

# node names from the installed slurm.conf (node1 node2)
lab_nodes() { scontrol show hostnames "$(sed -n 's/^NodeName=\([^ ]*\).*/\1/p' /etc/slurm/slurm.conf | paste -sd, -)"; }
