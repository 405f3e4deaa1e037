#!/bin/bash
# Installs what the test cluster needs, from Debian 12's packages, and the user jobs run as.
# Idempotent; run as root. apt-get runs only when a package is missing, and `apt-get update`
# only when installing from the current package lists fails.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

[ "$(id -u)" = 0 ] || { echo "install.sh: must run as root (it installs Debian packages)" >&2; exit 1; }
command -v dpkg-query >/dev/null || { echo "install.sh: needs a Debian-based system (dpkg/apt)" >&2; exit 1; }

# slurm*/munge/mariadb: the cluster; openssh-server: its login node (brings ssh, ssh-keygen);
# python3: /usr/bin/python3 for jobs; gcc + libc6-dev: the bind_loopback.so shim;
# procps (ps, pgrep) and iproute2 (ss): start.sh's readiness checks.
PACKAGES="munge slurmctld slurmd slurm-client slurmdbd mariadb-server openssh-server
  python3 gcc libc6-dev procps iproute2"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done

if [ -n "$missing" ]; then
  echo "install.sh: installing$missing"
  # Every one of these packages ships an init script, and without systemd their postinst
  # would start the stock services (mariadb on /run/mysqld, sshd on 0.0.0.0:22, slurmctld
  # with the default config...). A policy-rc.d that exits 101 forbids that; ours is removed
  # afterwards, and one that already exists is left alone.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# nx-slurm e2e/cluster/install.sh: no service starts during install\nexit 101\n' \
      >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing ||
    { apt-get update -q && apt-get install -y -q --no-install-recommends $missing; }
fi

# The user that submits and runs jobs. useradd leaves the password field locked ('!'), and
# sshd with UsePAM=no refuses such accounts even for key logins: '*' means "no password".
id slurmuser >/dev/null 2>&1 || useradd --create-home --shell /bin/bash slurmuser
[ "$(getent shadow slurmuser | cut -d: -f2)" = '*' ] || usermod -p '*' slurmuser
echo "install.sh: ok"
