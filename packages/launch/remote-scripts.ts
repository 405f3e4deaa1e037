import type { RemoteScript } from '../transport';

/**
 * The few shell programs nx-slurm runs on the cluster (with runRemoteScript). They are fixed
 * text: every value (paths, hashes) arrives as a positional argument ("$1"...), so nothing a
 * user wrote is ever evaluated.
 */

/**
 * Creates the folders uploads land in, sweeps what interrupted uploads left in `incoming/`
 * (untouched for an hour: a live upload or extraction keeps changing its file), then prints which
 * of the given bundle hashes are installed.
 */
export const PRESENT_BUNDLES: RemoteScript = {
  name: 'present-bundles',
  body: `set -eu
root=$1; shift
mkdir -p "$root/bundles" "$root/incoming" "$root/runs"
find "$root/incoming" -mindepth 1 -maxdepth 1 -mmin +60 -exec rm -rf -- {} + 2>/dev/null || true
for sha in "$@"; do if [ -d "$root/bundles/$sha" ]; then printf '%s\\n' "$sha"; fi; done`,
};

/** Removes the given files (partial uploads); missing ones are fine. */
export const REMOVE_FILES: RemoteScript = {
  name: 'remove-files',
  body: `rm -f -- "$@"`,
};

/** Prints the kilobytes free for this user on the filesystem holding the folder. */
export const FREE_SPACE: RemoteScript = {
  name: 'free-space',
  // POSIX df counts 1024-byte blocks
  body: `df -Pk "$1" | awk 'NR == 2 { print $4 }'`,
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

/** Unpacks a run folder; `mkdir` without -p refuses to touch an existing run, a failed unpack leaves none, and the tarball is removed whatever happens. */
export const CREATE_RUN: RemoteScript = {
  name: 'create-run',
  body: `set -eu
run_dir=$1; run_tarball=$2
trap 'rm -f "$run_tarball"' EXIT
mkdir -p "$(dirname "$run_dir")"
mkdir "$run_dir"
tar -xzf "$run_tarball" -C "$run_dir" || { rm -rf "$run_dir"; exit 1; }`,
};

/** Prints the last bytes of each file as NUL-separated pairs: path, tail (missing files give an empty tail). */
export const TAILS: RemoteScript = {
  name: 'tails',
  body: `set -u
bytes=$1; shift
for f in "$@"; do
  printf '%s\\0' "$f"
  # -s is a builtin test: empty logs (the common case) cost no processes
  if [ -s "$f" ]; then tail -c "$bytes" "$f" 2>/dev/null | tr -d '\\000'; fi
  printf '\\0'
done`,
};

export function parseTails(stdout: string): Map<string, string> {
  const parts = stdout.split('\0');
  const tails = new Map<string, string>();
  for (let k = 0; k + 1 < parts.length; k += 2) tails.set(parts[k], parts[k + 1]);
  return tails;
}

/** Appends `jobId offset taskIds` to the run's `jobs` file: which job runs which indices. */
export const RECORD_JOB: RemoteScript = {
  name: 'record-job',
  body: `printf '%s %s %s\\n' "$2" "$3" "$4" >> "$1/jobs"`,
};

/**
 * What a workspace needs to rebuild its ledger from the cluster's run folders (a new clone, a
 * deleted .nx-slurm/): per run, NUL-separated records `R runDir meta.json`, then
 * `E index exitCode` per exit marker, then `J jobs-file` when the run has one.
 */
export const RECOVER_RUNS: RemoteScript = {
  name: 'recover-runs',
  body: `set -u
runs=$1
for run in "$runs"/*/; do
  run=\${run%/}
  [ -f "$run/meta.json" ] || continue
  printf 'R\\0%s\\0' "$run"; cat "$run/meta.json"; printf '\\0'
  for marker in "$run"/exit/*; do [ -f "$marker" ] && printf 'E\\0%s\\0%s\\0' "\${marker##*/}" "$(cat "$marker")"; done
  if [ -f "$run/jobs" ]; then printf 'J\\0'; cat "$run/jobs"; printf '\\0'; fi
done
true`,
};
