import { parseFrames } from '../shell';

/**
 * The protocol of LAUNCH (remote-scripts.ts), a launch in one remote command: the cluster first
 * says where its root is, which bundles it has (and, when asked, its limits); then, on the same
 * command's stdin, nx-slurm streams the missing bundles and the run folder, and the command
 * installs them and submits the array. So a launch costs one command, whatever it ships. Every
 * value is a positional argument or a NUL-terminated stdin field: nothing a user wrote is
 * evaluated by a shell.
 */

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
export function parseSubmitted(stdout: string): { stdout: string; stderr: string; code: number } | undefined {
  const frames = parseFrames(stdout);
  const out = frames.get('submitted');
  if (out === undefined) return undefined;
  return { stdout: out, stderr: frames.get('submit-err') ?? '', code: Number(frames.get('submit-code') ?? 1) };
}
