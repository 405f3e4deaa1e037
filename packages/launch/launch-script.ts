import { FRAME_FUNCTION, parseFrames } from '../shell';

/**
 * A launch in one remote command: the cluster first says where its root is, which bundles it has
 * (and, when asked, its limits); then, on the same command's stdin, nx-slurm streams the missing
 * bundles and the run folder, and the command installs them and submits the array. So a launch
 * costs one command, whatever it ships. Every value is a positional argument or a NUL-terminated
 * stdin field: nothing a user wrote is evaluated by a shell.
 */

/**
 * `$1` remoteRoot as written (`~/` expanded here), `$2` the job name, `$3` the number of words of
 * the limits command (0: none), then those words, then the bundle hashes the run needs. stdin: NUL-terminated fields
 * (upload count; per upload its hash and size; run folder path; run tarball size; the submit's
 * offset and array spec for the `jobs` file; the submit command's word count and words), then the
 * uploads' bytes and the run tarball's, in that order.
 *
 * Output frames (shell's FRAME_FUNCTION, so a login banner is never taken for one):
 * `root`, `runs` (whether the job has run folders), `limits` + `limits-code` when asked,
 * `present`; then `submitted` + `submit-code`.
 * Exit 3: an upload arrived corrupted; 4: a needed bundle is missing; nothing was created then.
 */
export const LAUNCH = `set -eu
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
  code=0; out=$("\${submit[@]}") || code=$?
  frame submitted "$out"; frame submit-code "$code"
  if [ "$code" -eq 0 ]; then printf '%s %s %s\\n' "\${out%%;*}" "$offset" "$spec" >> "$run_dir/jobs"; fi
fi`;

export interface LaunchUpload {
  sha256: string;
  data: Buffer;
}

export interface LaunchPayload {
  uploads: LaunchUpload[];
  runDir: string;
  runTarball: Buffer;
  /** What the `jobs` file records of the submitted array (see RECORD_JOB). */
  offset: number;
  arraySpec: string;
  /** The submit command (sbatch ...); empty when the scheduler submits otherwise (`local`). */
  submitArgv: string[];
}

/** The command's arguments: what it needs to know before nx-slurm has sent anything. */
export function launchArgs(
  remoteRoot: string,
  jobName: string,
  limitsArgv: string[],
  bundleHashes: string[],
): string[] {
  return [remoteRoot, jobName, String(limitsArgv.length), ...limitsArgv, ...bundleHashes];
}

/** The stdin that follows the frames: fields, then the bytes they announce. */
export function launchStdin(payload: LaunchPayload): Buffer[] {
  const fields = [
    String(payload.uploads.length),
    ...payload.uploads.flatMap((u) => [u.sha256, String(u.data.length)]),
    payload.runDir,
    String(payload.runTarball.length),
    String(payload.offset),
    payload.arraySpec,
    String(payload.submitArgv.length),
    ...payload.submitArgv,
  ];
  for (const field of fields) {
    if (field.includes('\0')) throw new Error(`A launch field cannot hold a NUL byte: ${JSON.stringify(field)}`);
  }
  return [
    Buffer.from(fields.map((field) => `${field}\0`).join('')),
    ...payload.uploads.map((u) => u.data),
    payload.runTarball,
  ];
}

export interface LaunchProbe {
  /** remoteRoot with `~` expanded. */
  root: string;
  /** Whether the job has run folders on the cluster (a workspace without a ledger recovers from them). */
  hasRuns: boolean;
  /** Hashes of the requested bundles already installed. */
  present: Set<string>;
  /** Output and exit code of the limits command, when one was given. */
  limits?: { stdout: string; code: number };
}

/** The probe, once all of its frames have arrived; undefined before. */
export function parseProbe(stdout: string, askedLimits: boolean): LaunchProbe | undefined {
  const frames = parseFrames(stdout);
  const root = frames.get('root');
  const present = frames.get('present');
  if (root === undefined || present === undefined) return undefined;
  const hasRuns = frames.get('runs') === 'yes';
  const limits = askedLimits
    ? { stdout: frames.get('limits') ?? '', code: Number(frames.get('limits-code') ?? 1) }
    : undefined;
  return { root, hasRuns, present: new Set(present.split(' ').filter(Boolean)), limits };
}

/** What the submit command printed and how it ended; undefined when none ran. */
export function parseSubmitted(stdout: string): { stdout: string; code: number } | undefined {
  const frames = parseFrames(stdout);
  const out = frames.get('submitted');
  return out === undefined ? undefined : { stdout: out, code: Number(frames.get('submit-code') ?? 1) };
}
