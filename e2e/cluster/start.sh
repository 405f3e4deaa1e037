#!/bin/bash
# Starts the single-machine Slurm test cluster and its SSH login node. Idempotent: whatever
# already runs healthy under $NX_SLURM_LAB is kept (a no-op start takes about a second).
#   start.sh                                   # start what is not running
#   FRESH=1 start.sh                           # stop, wipe state + accounting DB + logs, start
#   NX_SLURM_LAB_MAX_ARRAY_SIZE=100 start.sh   # another MaxArraySize (applied to a running cluster)
# Order: munged -> mariadbd -> slurmdbd -> slurmctld -> slurmd x2 -> sshd, each waited for.
# Writes $NX_SLURM_LAB/env (KEY=VALUE) describing how to reach the login node.
#
# One cluster per machine: /etc/slurm/slurm.conf, /run/munge and /run/mysqld are global, and a
# second slurmctld/slurmd/slurmdbd silently kills the first. Daemons of ANOTHER test cluster
# (another lab folder, e.g. the shared recipe's /tmp/slurm-lab) are stopped first with
# SIGTERM, by pid: reusing them would mean their state folder, keys and config, which this
# script neither knows nor controls. munged is shared as is (one key, /etc/munge/munge.key).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ "$(uname -s)" = Linux ] || { echo "start.sh: the test cluster needs Linux" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "start.sh: must run as root (it starts Slurm's daemons)" >&2; exit 1; }
for cmd in slurmctld slurmd slurmdbd munged mariadbd sshd gcc ss python3; do
  command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] ||
    { echo "start.sh: $cmd is missing: run e2e/cluster/install.sh first" >&2; exit 1; }
done
id "$SSH_USER" >/dev/null 2>&1 || { echo "start.sh: no user $SSH_USER: run e2e/cluster/install.sh first" >&2; exit 1; }

T0=$EPOCHREALTIME
say() { awk -v a="$T0" -v b="$EPOCHREALTIME" -v m="$*" 'BEGIN { printf "[start %5.2fs] %s\n", b - a, m }'; }

if [ "${FRESH:-0}" = 1 ]; then
  bash "$CLUSTER_DIR/stop.sh"
  rm -rf "$LAB/state" "$LAB/log" "$LAB/run" "$LAB/env"
  say "wiped $LAB state, accounting DB and logs (FRESH=1)"
fi

# --- daemons of another test cluster -------------------------------------------------------
our_pids() {
  local f
  for f in "$LAB/run/sshd.pid" "$LAB/run/slurmctld.pid" "$LAB/run/slurmdbd.pid" \
    "$LAB/run/mariadb.pid" "$LAB"/run/slurmd-*.pid; do
    [ -e "$f" ] && pid_of "$f" && echo
  done
  return 0
}
# pids listening on tcp port $1 or on unix socket $1 (ss prints users:(("name",pid=N,fd=M)))
listeners() {
  if [[ $1 == /* ]]; then ss -Hxlp src "$1"; else ss -Hltnp "sport = :$1"; fi 2>/dev/null |
    grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u || true
}
ours=" $(our_pids | tr '\n' ' ') "
foreign=0
for comm in sshd slurmd slurmctld slurmdbd mariadbd; do
  case $comm in
    sshd) pids=$(listeners "$SSH_PORT") ;;
    mariadbd) pids=$(listeners "$MYSQL_SOCKET") ;;
    *) pids=$(pgrep -x "$comm" || true) ;;
  esac
  for pid in $pids; do
    [[ $ours == *" $pid "* ]] && continue
    alive "$pid" || continue # a zombie: exited, not reaped yet
    is_comm "$pid" "$comm" || { echo "start.sh: pid $pid ($(ps -p "$pid" -o comm=)) holds a port of the test cluster; stop it" >&2; exit 1; }
    say "stopping $comm pid $pid of another test cluster ($(tr '\0' ' ' </proc/"$pid"/cmdline | cut -c1-80))"
    stop_pid "$pid" "$comm" 60
    foreign=1
  done
done
[ "$foreign" = 0 ] || say "another test cluster's daemons stopped; this one ($LAB) takes over /etc/slurm"

# --- folders (log/run are 1777 like /tmp: several daemon users write there) ------------------
install -d -m 0755 "$LAB" "$LAB/state" "$LAB/lib" "$LAB/ssh" "$LAB/ssh/authorized_keys"
install -d -m 1777 "$LAB/log" "$LAB/run"
install -d -o slurm -g slurm -m 0755 "$LAB/state/slurmctld"
install -d -o mysql -g mysql -m 0750 "$LAB/state/mysql"
install -d -m 0700 "$LAB/state/sshd"
install -d -o munge -g munge -m 0755 /run/munge
install -d -o mysql -g mysql -m 0755 /run/mysqld
install -d -m 0755 /run/sshd /etc/slurm

# --- configuration ----------------------------------------------------------------------------
render() { sed -e "s#@LAB@#$LAB#g" -e "s#@MAX_ARRAY_SIZE@#$MAX_ARRAY_SIZE#g" "$CLUSTER_DIR/templates/$1.in"; }
render slurm.conf >"$LAB/slurm.conf"
slurm_conf_changed=0
cmp -s "$LAB/slurm.conf" /etc/slurm/slurm.conf || slurm_conf_changed=1
install -m 0644 "$LAB/slurm.conf" /etc/slurm/slurm.conf
render slurmdbd.conf >"$LAB/slurmdbd.conf"
install -o slurm -g slurm -m 0600 "$LAB/slurmdbd.conf" /etc/slurm/slurmdbd.conf
render sshd_config >"$LAB/sshd_config"
if [ ! -s "$LAB/lib/bind_loopback.so" ] || [ "$CLUSTER_DIR/bind_loopback.c" -nt "$LAB/lib/bind_loopback.so" ]; then
  gcc -shared -fPIC -O2 -o "$LAB/lib/bind_loopback.so" "$CLUSTER_DIR/bind_loopback.c" -ldl
fi

# --- munged -------------------------------------------------------------------------------------
[ -s /etc/munge/munge.key ] || runuser -u munge -- /usr/sbin/mungekey --create
running "$MUNGE_PIDFILE" munged || runuser -u munge -- /usr/sbin/munged
wait_for 20 "munged" sh -c 'munge -n | unmunge'
say "munged up (pid $(pid_of "$MUNGE_PIDFILE"))"

# --- mariadbd: unix socket only, datadir under $LAB ----------------------------------------------
if [ ! -d "$LAB/state/mysql/mysql" ]; then
  mariadb-install-db --no-defaults --user=mysql --datadir="$LAB/state/mysql" \
    --auth-root-authentication-method=socket --skip-test-db >"$LAB/log/mariadb-install.log" 2>&1 ||
    { cat "$LAB/log/mariadb-install.log" >&2; exit 1; }
  say "mariadb datadir initialised"
fi
if ! running "$LAB/run/mariadb.pid" mariadbd; then
  setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$LAB/state/mysql" \
    --socket="$MYSQL_SOCKET" --skip-networking --pid-file="$LAB/run/mariadb.pid" \
    --log-error="$LAB/log/mariadb.log" --innodb-buffer-pool-size=256M \
    --innodb-lock-wait-timeout=900 </dev/null >/dev/null 2>&1 &
fi
wait_for 60 "mariadbd (see $LAB/log/mariadb.log)" mariadb-admin --socket="$MYSQL_SOCKET" ping
mariadb --socket="$MYSQL_SOCKET" -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
  CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurmdbpass';
  GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
say "mariadbd up (pid $(pid_of "$LAB/run/mariadb.pid"))"

# --- slurmdbd (22.05 always binds the wildcard address: the LD_PRELOAD shim makes it loopback) ---
listening() { ss -Hltn "src $SSH_HOST and sport = :$1" | grep -q .; }
running "$LAB/run/slurmdbd.pid" slurmdbd || LD_PRELOAD="$LAB/lib/bind_loopback.so" /usr/sbin/slurmdbd
wait_for 60 "slurmdbd on port $DBD_PORT (see $LAB/log/slurmdbd.log)" listening "$DBD_PORT"
say "slurmdbd up (pid $(pid_of "$LAB/run/slurmdbd.pid"))"

# --- slurmctld -------------------------------------------------------------------------------------
if running "$LAB/run/slurmctld.pid" slurmctld; then
  if [ "$slurm_conf_changed" = 1 ]; then
    scontrol reconfigure
    say "slurm.conf changed: slurmctld reconfigured"
  fi
else
  /usr/sbin/slurmctld
fi
ctld_up() { scontrol ping | grep -q 'is UP'; }
wait_for 60 "slurmctld to answer scontrol ping (see $LAB/log/slurmctld.log)" ctld_up
max_array_size_applied() { [ "$(scontrol show config | awk '$1 == "MaxArraySize" { print $3 }')" = "$MAX_ARRAY_SIZE" ]; }
if ! max_array_size_applied; then
  # reconfigure did not apply it: restart (SIGTERM keeps jobs; the state is saved)
  stop_pid "$(pid_of "$LAB/run/slurmctld.pid")" slurmctld 60
  /usr/sbin/slurmctld
  wait_for 60 "slurmctld to answer scontrol ping (see $LAB/log/slurmctld.log)" ctld_up
  wait_for 10 "MaxArraySize=$MAX_ARRAY_SIZE" max_array_size_applied
fi
say "slurmctld up (pid $(pid_of "$LAB/run/slurmctld.pid"), MaxArraySize=$MAX_ARRAY_SIZE)"

# --- slurmd, one per node (`slurmd -N <node>`) ---------------------------------------------------------
NODES=$(lab_nodes)
started_nodes=""
slurmd_t0=$(date +%s)
for n in $NODES; do
  running "$LAB/run/slurmd-$n.pid" slurmd || { /usr/sbin/slurmd -N "$n" && started_nodes="$started_nodes $n"; }
done
# slurmctld remembers node states across restarts: a node only counts as registered once it
# reports a SlurmdStartTime of the slurmd just started
registered() {
  local n t
  for n in $started_nodes; do
    t=$(scontrol -o show node "$n" | grep -o 'SlurmdStartTime=[^ ]*' | cut -d= -f2)
    [ -n "$t" ] && [ "$t" != None ] && [ "$(date -d "$t" +%s)" -ge "$slurmd_t0" ] || return 1
  done
}
wait_for 60 "slurmd of$started_nodes to register (see $LAB/log/slurmd-*.log)" registered
# registered: every node listed, none with the '*' (not responding) suffix
all_responding() { local s; s=$(sinfo -h -N -o '%T') && [ -n "$s" ] && ! grep -q '\*' <<<"$s"; }
wait_for 60 "slurmd registration (see $LAB/log/slurmd-*.log)" all_responding
# a node left DOWN/DRAIN by an earlier run (node state persists) is resumed
for n in $NODES; do
  case "$(sinfo -h -n "$n" -N -o '%T')" in
    drain* | down* | fail* | inval*) scontrol update nodename="$n" state=resume && say "resumed $n" ;;
  esac
done
nodes_ready() { [ -z "$(sinfo -h -N -o '%T' | grep -vE '^(idle|mixed|allocated|completing)$')" ]; }
wait_for 60 "nodes idle/allocated" nodes_ready
say "slurmd up: $(sinfo -h -N -o '%N=%T' | paste -sd' ' -)"

# --- accounting: the cluster registered in slurmdbd, an account for the test user ----------------
cluster_registered() { sacctmgr -n -P show cluster format=cluster | grep -qx lab; }
wait_for 60 "cluster 'lab' registered in slurmdbd" cluster_registered
sacctmgr -n -P show account lab | grep -q . || sacctmgr -i add account lab Description=lab Organization=lab >/dev/null
sacctmgr -n -P show user "$SSH_USER" | grep -q . || sacctmgr -i add user "$SSH_USER" Account=lab >/dev/null
sacct_works() { sacct -n -X -a -S now-1minute >/dev/null 2>&1; }
wait_for 30 "sacct to answer" sacct_works
say "accounting up (sacct works)"

# --- sshd: the login node on 127.0.0.1:2222 --------------------------------------------------------------
[ -s "$LAB/state/sshd/ssh_host_ed25519_key" ] ||
  ssh-keygen -q -t ed25519 -N '' -C nx-slurm-lab-host -f "$LAB/state/sshd/ssh_host_ed25519_key"
[ -s "$LAB/ssh/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C nx-slurm-lab-test -f "$LAB/ssh/id_ed25519"
install -m 0644 "$LAB/ssh/id_ed25519.pub" "$LAB/ssh/authorized_keys/$SSH_USER"
echo "[$SSH_HOST]:$SSH_PORT $(cut -d' ' -f1,2 "$LAB/state/sshd/ssh_host_ed25519_key.pub")" >"$LAB/ssh/known_hosts"
chmod 0644 "$LAB/ssh/known_hosts"
if ! running "$LAB/run/sshd.pid" sshd; then
  /usr/sbin/sshd -t -f "$LAB/sshd_config"
  /usr/sbin/sshd -f "$LAB/sshd_config" -E "$LAB/log/sshd.log"
fi
# end to end: key auth, host key pinned, and what jobs need on the user's PATH
lab_ssh() {
  ssh -n -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$LAB/ssh/known_hosts" \
    -o ConnectTimeout=5 -i "$LAB/ssh/id_ed25519" -p "$SSH_PORT" "$SSH_USER@$SSH_HOST" "$@"
}
wait_for 20 "ssh $SSH_USER@$SSH_HOST:$SSH_PORT (see $LAB/log/sshd.log)" lab_ssh true
lab_ssh 'command -v bash python3 sbatch sacct >/dev/null && test -w "$HOME"' ||
  { echo "start.sh: $SSH_USER lacks bash/python3/sbatch/sacct on PATH or a writable home" >&2; exit 1; }
say "sshd up (pid $(pid_of "$LAB/run/sshd.pid")), $SSH_USER logs in with $LAB/ssh/id_ed25519"

# --- the env file (sourceable, and plain KEY=VALUE lines for Node) -----------------------------------
cat >"$LAB/env.tmp" <<ENV
NX_SLURM_LAB=$LAB
NX_SLURM_LAB_HOST=$SSH_HOST
NX_SLURM_LAB_PORT=$SSH_PORT
NX_SLURM_LAB_USER=$SSH_USER
NX_SLURM_LAB_IDENTITY_FILE=$LAB/ssh/id_ed25519
NX_SLURM_LAB_KNOWN_HOSTS_FILE=$LAB/ssh/known_hosts
NX_SLURM_LAB_MAX_ARRAY_SIZE=$MAX_ARRAY_SIZE
ENV
mv "$LAB/env.tmp" "$LAB/env"
say "ready: $LAB/env"
cat "$LAB/env"
