#!/bin/bash
# Prints each daemon of the test cluster (pid, alive), its listening sockets and node states.
# Exits 0 when every daemon runs and slurmctld answers, 1 otherwise.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ok=0
check() { # check PIDFILE COMM [LABEL]
  local pid label=${3:-$2}
  pid=$(pid_of "$1")
  if [ -z "$pid" ]; then echo "$label: not started (no $1)"; ok=1
  elif is_comm "$pid" "$2"; then echo "$label: pid $pid running"
  else echo "$label: pid $pid NOT running"; ok=1; fi
}
echo "lab: $LAB"
check "$MUNGE_PIDFILE" munged
check "$LAB/run/mariadb.pid" mariadbd
check "$LAB/run/slurmdbd.pid" slurmdbd
check "$LAB/run/slurmctld.pid" slurmctld
nodes=$(lab_nodes 2>/dev/null) || nodes="node1 node2"
for n in $nodes; do check "$LAB/run/slurmd-$n.pid" slurmd "slurmd $n"; done
check "$LAB/run/sshd.pid" sshd
ss -Hltnp | awk -v p=":($SSH_PORT|$CTLD_PORT|$DBD_PORT|1700[0-9])\$" '$4 ~ p { print "listening", $4, $6 }'
scontrol ping 2>&1 | head -1 | grep . && scontrol ping 2>/dev/null | grep -q 'is UP' || ok=1
sinfo -h -N -o '%N %T cpus=%c' 2>&1
echo "MaxArraySize=$(scontrol show config 2>/dev/null | awk '$1 == "MaxArraySize" { print $3 }')"
exit $ok
