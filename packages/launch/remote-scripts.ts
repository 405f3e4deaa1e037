import type { RemoteScript } from '../transport';

/**
 * The few shell programs nx-slurm runs on the cluster (with runRemoteScript). They are fixed
 * text: every value (paths, hashes) arrives as a positional argument ("$1"...), so nothing a
 * user wrote is ever evaluated.
 */

/** Creates the folders uploads land in, then prints which of the given bundle hashes are installed. */
export const PRESENT_BUNDLES: RemoteScript = {
  name: 'present-bundles',
  body: `set -eu
root=$1; shift
mkdir -p "$root/bundles" "$root/incoming" "$root/runs"
for sha in "$@"; do if [ -d "$root/bundles/$sha" ]; then printf '%s\\n' "$sha"; fi; done`,
};

/**
 * Installs uploaded bundles (pairs of hash and uploaded file): checks the hash of what arrived,
 * extracts into a temporary folder and renames it into place, so an interrupted upload or
 * extraction never leaves a bundle that a later run would trust.
 */
export const INSTALL_BUNDLES: RemoteScript = {
  name: 'install-bundles',
  body: `set -eu
root=$1; shift
while [ $# -gt 0 ]; do
  sha=$1; upload=$2; shift 2
  if [ -d "$root/bundles/$sha" ]; then rm -f "$upload"; continue; fi
  if ! printf '%s  %s\\n' "$sha" "$upload" | sha256sum -c --status; then
    rm -f "$upload"; echo "nx-slurm: upload of bundle $sha arrived corrupted" >&2; exit 3
  fi
  tmp=$(mktemp -d "$root/incoming/$sha.XXXXXX")
  tar -xzf "$upload" -C "$tmp"
  rm -f "$upload"
  chmod 755 "$tmp"
  mv -T "$tmp" "$root/bundles/$sha" 2>/dev/null || rm -rf "$tmp"
done`,
};

/**
 * Unpacks a run folder; `mkdir` without -p refuses to touch an existing run, and a failed unpack
 * leaves none. A folder whose tarball is already consumed was made by an earlier try of this
 * same call whose reply was lost (run ids are random): that is a success.
 */
export const CREATE_RUN: RemoteScript = {
  name: 'create-run',
  body: `set -eu
run_dir=$1; run_tarball=$2
if [ -d "$run_dir" ] && [ ! -e "$run_tarball" ]; then exit 0; fi
mkdir -p "$(dirname "$run_dir")"
mkdir "$run_dir"
tar -xzf "$run_tarball" -C "$run_dir" || { rm -rf "$run_dir"; exit 1; }
rm -f "$run_tarball"`,
};

/**
 * Prints the last bytes of each file as NUL-separated pairs: path, tail (missing files give an
 * empty tail). The paths come NUL-separated on stdin, so a poll that ends thousands of indices
 * sends them however long the list.
 */
export const TAILS: RemoteScript = {
  name: 'tails',
  body: `set -u
bytes=$1
while IFS= read -r -d '' f; do
  printf '%s\\0' "$f"
  # -s is a builtin test: empty logs (the common case) cost no processes
  if [ -s "$f" ]; then tail -c "$bytes" "$f" 2>/dev/null | tr -d '\\000'; fi
  printf '\\0'
done`,
};

/** NUL-separated paths: the stdin of TAILS and MISSING_FOLDERS. */
export function tailsInput(paths: string[]): Buffer {
  return Buffer.from(paths.map((path) => `${path}\0`).join(''), 'utf8');
}

export function parseTails(stdout: string): Map<string, string> {
  const parts = stdout.split('\0');
  const tails = new Map<string, string>();
  for (let k = 0; k + 1 < parts.length; k += 2) tails.set(parts[k], parts[k + 1]);
  return tails;
}

/**
 * Appends `jobId offset taskIds` to the run's `jobs` file: which job runs which indices. The
 * task ids (`0-99,205`, as long as the array is scattered) come on stdin. Once: a try again
 * after a lost reply must not count as another attempt.
 */
export const RECORD_JOB: RemoteScript = {
  name: 'record-job',
  body: `line="$2 $3 $(cat)"
grep -qxF -- "$line" "$1/jobs" 2>/dev/null || printf '%s\\n' "$line" >> "$1/jobs"`,
};

/**
 * What a workspace needs to rebuild its ledger from the cluster's run folders (a new clone, a
 * deleted .nx-slurm/): per run, NUL-separated records `R runDir meta.json`, then
 * `E markers` (a `./<index>:<exit code>` line per exit marker, one grep for all of them, not
 * a process per index), then `J jobs-file` when the run has one.
 */
export const RECOVER_RUNS: RemoteScript = {
  name: 'recover-runs',
  body: `set -u
runs=$1
for run in "$runs"/*/; do
  run=\${run%/}
  [ -f "$run/meta.json" ] || continue
  printf 'R\\0%s\\0' "$run"; cat "$run/meta.json"; printf '\\0'
  printf 'E\\0'; if [ -d "$run/exit" ]; then (cd "$run/exit" && grep -r -H -s '' .); fi; printf '\\0'
  if [ -f "$run/jobs" ]; then printf 'J\\0'; cat "$run/jobs"; printf '\\0'; fi
done
true`,
};

/** Prints, NUL-separated, those of the folders on stdin (NUL-separated, as tailsInput) that do not exist. */
export const MISSING_FOLDERS: RemoteScript = {
  name: 'missing-folders',
  body: `while IFS= read -r -d '' d; do [ -d "$d" ] || printf '%s\\0' "$d"; done`,
};

/**
 * One launch at a time per sweep (launch-lock.ts): takes the lock folder with `mkdir`, atomic
 * on the cluster's filesystem. Arguments: lock folder, token, lease seconds, holder text, token
 * of a dead holder to take over ('' for none), then a command to run once the lock is held (its
 * output follows the verdict). The first line is `ACQUIRED`, `TOOK_OVER <owner>` or
 * `HELD <seconds left> <owner>`, where an owner is `<token> <expires> <holder>` (the cluster's
 * clock): a lock past its lease is taken over.
 */
export const TAKE_LOCK: RemoteScript = {
  name: 'take-lock',
  body: `set -u
lock=$1; token=$2; lease=$3; holder=$4; steal=$5; shift 5
mkdir -p "\${lock%/*}" || exit 1
now=$(date +%s)
verdict=
if mkdir "$lock" 2>/dev/null; then
  verdict=ACQUIRED
else
  owner=$(cat "$lock/owner" 2>/dev/null || true)
  held=\${owner%% *}
  rest=\${owner#* }
  expires=\${rest%% *}
  # no owner yet: its creator is writing it, or died right after mkdir
  case $expires in ''|*[!0-9]*) expires=$(( $(stat -c %Y "$lock" 2>/dev/null || echo "$now") + 60 ));; esac
  if [ -n "$held" ] && [ "$held" = "$token" ]; then
    verdict=ACQUIRED
  elif [ "$now" -ge "$expires" ] || { [ -n "$steal" ] && [ "$held" = "$steal" ]; }; then
    if mv "$lock" "$lock.stale.$token" 2>/dev/null && rm -rf "$lock.stale.$token" && mkdir "$lock" 2>/dev/null; then
      verdict="TOOK_OVER $owner"
    fi
  fi
  if [ -z "$verdict" ]; then printf 'HELD %s %s\\n' "$((expires - now))" "$owner"; exit 0; fi
fi
printf '%s %s %s\\n' "$token" "$((now + lease))" "$holder" > "$lock/owner.$token"
mv -f "$lock/owner.$token" "$lock/owner"
printf '%s\\n' "$verdict"
[ $# -eq 0 ] || exec "$@"`,
};

/** Removes the lock folder if this token still owns it. */
export const RELEASE_LOCK: RemoteScript = {
  name: 'release-lock',
  body: `owner=$(cat "$1/owner" 2>/dev/null || true)
if [ "\${owner%% *}" = "$2" ]; then rm -rf "$1"; fi
true`,
};
