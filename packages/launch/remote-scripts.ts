/**
 * The few shell programs nx-slurm runs on the cluster. They are fixed text: every value (paths,
 * hashes) arrives as a positional argument ("$1"...), so nothing a user wrote is ever evaluated.
 */

/** Prints the last bytes of each file as NUL-separated pairs: path, tail (missing files give an empty tail). */
export const TAILS = `set -u
bytes=$1; shift
for f in "$@"; do
  printf '%s\\0' "$f"
  # -s is a builtin test: empty logs (the common case) cost no processes
  if [ -s "$f" ]; then tail -c "$bytes" "$f" 2>/dev/null | tr -d '\\000'; fi
  printf '\\0'
done`;

export function parseTails(stdout: string): Map<string, string> {
  const parts = stdout.split('\0');
  const tails = new Map<string, string>();
  for (let k = 0; k + 1 < parts.length; k += 2) tails.set(parts[k], parts[k + 1]);
  return tails;
}

/** Appends `jobId offset taskIds` to the run's `jobs` file: which job runs which indices. */
export const RECORD_JOB = `printf '%s %s %s\\n' "$2" "$3" "$4" >> "$1/jobs"`;

/**
 * What a workspace needs to rebuild its ledger from the cluster's run folders (a new clone, a
 * deleted .nx-slurm/): per run, NUL-separated records `R runDir meta.json`, then
 * `E index exitCode` per exit marker, then `J jobs-file` when the run has one.
 */
export const RECOVER_RUNS = `set -u
runs=$1
case $runs in "~/"*) runs=$HOME/\${runs#"~/"} ;; esac
for run in "$runs"/*/; do
  run=\${run%/}
  [ -f "$run/meta.json" ] || continue
  printf 'R\\0%s\\0' "$run"; cat "$run/meta.json"; printf '\\0'
  for marker in "$run"/exit/*; do [ -f "$marker" ] && printf 'E\\0%s\\0%s\\0' "\${marker##*/}" "$(cat "$marker")"; done
  if [ -f "$run/jobs" ]; then printf 'J\\0'; cat "$run/jobs"; printf '\\0'; fi
done
true`;
