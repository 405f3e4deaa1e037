import { FRAME_FUNCTION } from '../shell';
import type { RemoteScript } from '../transport';

/**
 * The few shell programs nx-slurm runs on the cluster (with runRemoteScript). They are fixed
 * text: every value (paths, hashes) arrives as a positional argument ("$1"...), so nothing a
 * user wrote is ever evaluated.
 */

/**
 * A launch in one command (launch-script.ts speaks its protocol). `$1` remoteRoot as written
 * (`~/` expanded here), `$2` the job name, `$3` the number of words of the limits command (0:
 * none), then those words, then the bundle hashes the run needs. stdin: NUL-terminated fields
 * (upload count; per upload its hash and size; run folder path; run tarball size; the submit's
 * offset and array spec for the `jobs` file; the submit command's word count and words), then
 * the uploads' bytes and the run tarball's, in that order. Installing checks each upload's hash
 * and renames a fully extracted bundle into place, so an interrupted upload never leaves a
 * bundle a later run would trust; an existing run folder is never touched.
 *
 * Output frames (shell's FRAME_FUNCTION, so a login banner is never taken for one):
 * `root`, `runs` (whether the job has run folders), `limits` + `limits-code` when asked,
 * `present`; then `submitted` + `submit-err` + `submit-code` (the submit command's).
 * Exit 3: an upload arrived corrupted; 4: a needed bundle is missing; nothing was created then.
 */
export const LAUNCH: RemoteScript = {
  name: 'launch',
  body: `set -eu
${FRAME_FUNCTION}
field() { IFS= read -r -d '' "$1"; }
root=$1; job=$2; words=$3; shift 3
case $root in "~") root=$HOME ;; "~/"*) root=$HOME/\${root#"~/"} ;; esac
mkdir -p "$root/bundles" "$root/incoming" "$root/runs"
frame root "$root"
runs=no
for meta in "$root/runs/$job"/*/meta.json; do if [ -f "$meta" ]; then runs=yes; fi; break; done
frame runs "$runs"
if [ "$words" -gt 0 ]; then
  code=0; limits=$("\${@:1:$words}") || code=$?
  frame limits "$limits"; frame limits-code "$code"
  shift "$words"
fi
present=
for sha in "$@"; do if [ -d "$root/bundles/$sha" ]; then present="$present $sha"; fi; done
frame present "\${present# }"

field uploads
shas=(); sizes=()
while [ "\${#shas[@]}" -lt "$uploads" ]; do field sha; field size; shas+=("$sha"); sizes+=("$size"); done
field run_dir; field run_size; field offset; field spec; field words
submit=()
while [ "\${#submit[@]}" -lt "$words" ]; do field word; submit+=("$word"); done

k=0
while [ "$k" -lt "$uploads" ]; do
  sha=\${shas[$k]}
  upload=$(mktemp "$root/incoming/$sha.XXXXXX")
  head -c "\${sizes[$k]}" > "$upload"
  if ! printf '%s  %s\\n' "$sha" "$upload" | sha256sum -c --status; then
    rm -f "$upload"; echo "nx-slurm: upload of bundle $sha arrived corrupted" >&2; exit 3
  fi
  # extracted aside and renamed: an interrupted install never leaves a bundle a later run would trust
  tmp=$(mktemp -d "$root/incoming/$sha.XXXXXX")
  tar -xzf "$upload" -C "$tmp"
  rm -f "$upload"
  chmod 755 "$tmp"
  mv -T "$tmp" "$root/bundles/$sha" 2>/dev/null || rm -rf "$tmp"
  k=$((k + 1))
done
for sha in "$@"; do
  if [ ! -d "$root/bundles/$sha" ]; then echo "nx-slurm: bundle $sha is not installed in $root/bundles" >&2; exit 4; fi
done

mkdir -p "$(dirname "$run_dir")"
# without -p: an existing run is never touched
mkdir "$run_dir"
head -c "$run_size" | tar -xz -C "$run_dir" || { rm -rf "$run_dir"; exit 1; }

if [ "$words" -gt 0 ]; then
  err=$(mktemp); code=0
  out=$("\${submit[@]}" 2>"$err") || code=$?
  frame submitted "$out"; frame submit-err "$(cat "$err")"; frame submit-code "$code"
  rm -f "$err"
  if [ "$code" -eq 0 ]; then printf '%s %s %s\\n' "\${out%%;*}" "$offset" "$spec" >> "$run_dir/jobs"; fi
fi`,
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
 * deleted .nx-slurm/), given the job's runs folder (`~/` expanded here): per run, NUL-separated records `R runDir meta.json`, then
 * `E index exitCode` per exit marker, then `J jobs-file` when the run has one.
 */
export const RECOVER_RUNS: RemoteScript = {
  name: 'recover-runs',
  body: `set -u
runs=$1
case $runs in "~/"*) runs=$HOME/\${runs#"~/"} ;; esac
for run in "$runs"/*/; do
  run=\${run%/}
  [ -f "$run/meta.json" ] || continue
  printf 'R\\0%s\\0' "$run"; cat "$run/meta.json"; printf '\\0'
  for marker in "$run"/exit/*; do [ -f "$marker" ] && printf 'E\\0%s\\0%s\\0' "\${marker##*/}" "$(cat "$marker")"; done
  if [ -f "$run/jobs" ]; then printf 'J\\0'; cat "$run/jobs"; printf '\\0'; fi
done
true`,
};
