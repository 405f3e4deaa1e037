#!/bin/bash
# Stops the test cluster started by start.sh: by pid from the pid files, SIGTERM, in reverse
# start order. Running and pending jobs are cancelled first (CANCEL_JOBS=0 keeps them: their
# state is saved, and they resume after start.sh). slurmctld is never SIGKILLed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "stop.sh: must run as root" >&2; exit 1; }
status=0
stop() { # stop PIDFILE COMM TIMEOUT_S
  local pid
  pid=$(pid_of "$1") || return 0
  if [ -n "$pid" ] && is_comm "$pid" "$2"; then stop_pid "$pid" "$2" "$3" || status=1; fi
  alive "${pid:-0}" || rm -f "$1"
}

stop "$LAB/run/sshd.pid" sshd 10
if [ "${CANCEL_JOBS:-1}" = 1 ] && running "$LAB/run/slurmctld.pid" slurmctld &&
  scontrol ping 2>/dev/null | grep -q 'is UP' && [ -n "$(squeue -h -a -o %i)" ]; then
  # shellcheck disable=SC2046
  scancel $(squeue -h -a -o %F | sort -u)
  queue_empty() { [ -z "$(squeue -h -a -o %i)" ]; }
  wait_for 30 "the queue to empty after scancel" queue_empty || status=1
  echo "cancelled all jobs"
fi
for f in "$LAB"/run/slurmd-*.pid; do
  [ -e "$f" ] && stop "$f" slurmd 30
done
stop "$LAB/run/slurmctld.pid" slurmctld 60
stop "$LAB/run/slurmdbd.pid" slurmdbd 30
stop "$LAB/run/mariadb.pid" mariadbd 60
stop "$MUNGE_PIDFILE" munged 10
exit $status
