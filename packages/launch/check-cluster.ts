import type { ClusterProfile } from '../config';
import { SlurmClient, SlurmError, type Partition } from '../slurm';
import { AuthenticationError, ConnectionError, HostKeyError, TransportError, type Transport } from '../transport';

/** What went wrong (or may go wrong), one kind per thing the user fixes differently. */
export type CheckProblemKind =
  | 'unreachable'
  | 'auth'
  | 'host-key'
  | 'connection'
  | 'no-sbatch'
  | 'slurm'
  | 'accounting-disabled'
  | 'accounting'
  | 'partition'
  | 'max-array-size';

export interface CheckProblem {
  kind: CheckProblemKind;
  /** `error`: launches will fail; `warning`: they work, with a limitation worth knowing. */
  severity: 'error' | 'warning';
  /** What happened and what to do. */
  message: string;
}

/** Everything the check learned; fields stay undefined when the step that finds them failed. */
export interface ClusterCheck {
  /** `alice@hpc-login:22`, `localhost`; undefined when the connection failed. */
  target?: string;
  slurmVersion?: string;
  partitions?: Partition[];
  maxArraySize?: number;
  /** Seconds slurmctld keeps finished jobs visible to squeue. */
  minJobAge?: number;
  /** `works`: sacct answers; `disabled`: no accounting storage, polls rely on squeue. */
  accounting?: 'works' | 'disabled';
  problems: CheckProblem[];
}

/** What the profile asks of the cluster, compared against what the cluster reports. */
export interface CheckExpectations {
  partition?: string;
  maxArraySize?: number;
}

export function checkPassed(check: ClusterCheck): boolean {
  return check.problems.every((problem) => problem.severity !== 'error');
}

/** What --check needs from the outside world; tests pass fakes. */
export interface ClusterCheckDeps {
  connect(profile: ClusterProfile, log: (line: string) => void): Promise<Transport>;
  log(line: string): void;
}

/**
 * Connects with the profile, checks the cluster against what the profile asks of it and logs
 * the report; returns whether sweeps can run there.
 */
export async function checkClusterProfile(
  name: string,
  profile: ClusterProfile,
  { connect, log }: ClusterCheckDeps,
): Promise<boolean> {
  log(`Checking cluster "${name}"...`);
  const check = await connectAndCheck(() => connect(profile, log), {
    partition: profile.resources?.partition,
    maxArraySize: profile.maxArraySize,
  });
  for (const line of formatClusterCheck(name, check)) log(line);
  return checkPassed(check);
}

/**
 * Connects with `connect` and checks the cluster; a connection failure becomes the check's only
 * problem instead of an exception. The transport is closed afterwards.
 */
export async function connectAndCheck(
  connect: () => Promise<Transport>,
  expect: CheckExpectations = {},
): Promise<ClusterCheck> {
  let transport: Transport;
  try {
    transport = await connect();
  } catch (error) {
    return { problems: [connectFailure(error)] };
  }
  try {
    return await checkCluster(transport, expect);
  } catch (error) {
    // the connection broke mid-check: report it like a failed connection
    if (!(error instanceof TransportError)) throw error;
    return { target: transport.target, problems: [connectFailure(error)] };
  } finally {
    await transport.close();
  }
}

/**
 * Runs what a launch relies on, the way the launcher runs it (no login shell, no setup lines):
 * sbatch, sinfo, scontrol show config, sacct. Stops at the first failure that makes the rest
 * pointless (no sbatch, no controller).
 */
export async function checkCluster(transport: Transport, expect: CheckExpectations = {}): Promise<ClusterCheck> {
  const check: ClusterCheck = { target: transport.target, problems: [] };
  const problem = (kind: CheckProblemKind, message: string, severity: CheckProblem['severity'] = 'error') =>
    check.problems.push({ kind, severity, message });
  const where = transport.kind === 'ssh' ? `on ${transport.target}` : 'on this machine';
  const slurm = new SlurmClient((argv) => transport.exec(argv));

  const version = await answerOf(slurm.version());
  if (version instanceof SlurmError) {
    if (version.commandNotFound) problem('no-sbatch', noSbatchMessage(transport));
    else problem('slurm', `"sbatch --version" failed ${where}: ${printed(version)}`);
    return check;
  }
  check.slurmVersion = version;

  const partitions = await answerOf(slurm.partitions());
  if (partitions instanceof SlurmError) {
    problem(
      'slurm',
      `sinfo failed ${where}: ${printed(partitions)}. Is slurmctld up and reachable from the login node?`,
    );
    return check;
  }
  check.partitions = partitions;

  const config = await answerOf(slurm.config());
  if (config instanceof SlurmError) {
    problem('slurm', `"scontrol show config" failed ${where}: ${config.message}`);
  } else {
    check.maxArraySize = config.maxArraySize;
    check.minJobAge = config.minJobAge;
  }

  const accounting = await answerOf(slurm.accounting());
  if (accounting instanceof SlurmError) {
    problem(
      'accounting',
      accounting.commandNotFound
        ? `sacct is not on the PATH ${where}, though sbatch is: nx-slurm polls with it. Ask the admins, or fix PATH as for sbatch.`
        : `sacct failed ${where}: ${printed(accounting)}. nx-slurm polls with sacct, so launches would fail: is slurmdbd up? Ask the cluster's admins.`,
    );
  } else {
    check.accounting = accounting;
    if (accounting === 'disabled') {
      problem(
        'accounting-disabled',
        'Slurm accounting storage is disabled (sacct has no data): nx-slurm will follow jobs with squeue and the exit markers ' +
          'each index writes, so relaunch still works, but a job slurmctld has forgotten (older than MinJobAge) shows no exit code ' +
          'or node in slurm-status. Nothing to do unless the admins can enable slurmdbd.',
        'warning',
      );
    }
  }

  if (expect.partition && partitions.length > 0 && !partitions.some((p) => p.name === expect.partition)) {
    problem(
      'partition',
      `The profile's partition "${expect.partition}" is not among those sinfo lists (${partitions.map((p) => p.name).join(', ')}): ` +
        'sbatch will reject the jobs unless it is a hidden partition you may use. Fix it with --partition.',
      'warning',
    );
  }
  if (
    expect.maxArraySize !== undefined &&
    check.maxArraySize !== undefined &&
    expect.maxArraySize > check.maxArraySize
  ) {
    problem(
      'max-array-size',
      `The profile's maxArraySize ${expect.maxArraySize} exceeds the cluster's MaxArraySize ${check.maxArraySize}: ` +
        'sbatch rejects task ids past it. Remove "maxArraySize" from the profile (nx-slurm reads the real limit) or lower it.',
      'warning',
    );
  }
  return check;
}

/** The check as lines for the terminal. */
export function formatClusterCheck(name: string, check: ClusterCheck): string[] {
  const lines = [`Cluster "${name}"${check.target ? ` (${check.target})` : ''}:`];
  const row = (label: string, value: string | undefined) =>
    value !== undefined && lines.push(`  ${label.padEnd(14)}${value}`);
  row('Slurm', check.slurmVersion);
  row(
    'Partitions',
    check.partitions &&
      (check.partitions.length === 0
        ? 'none listed'
        : check.partitions
            .map(
              (p) =>
                `${p.name}${p.isDefault ? ' (default)' : ''}: ${p.availability}, ${p.timeLimit}, ${p.nodes} node${p.nodes === 1 ? '' : 's'}`,
            )
            .join('; ')),
  );
  row('MaxArraySize', check.maxArraySize?.toString());
  row('MinJobAge', check.minJobAge === undefined ? undefined : `${check.minJobAge} s`);
  row(
    'sacct',
    check.accounting === 'works'
      ? 'works'
      : check.accounting === 'disabled'
        ? 'accounting disabled (squeue and exit markers)'
        : undefined,
  );
  for (const problem of check.problems) {
    const [first, ...rest] = problem.message.split('\n');
    lines.push(
      `  ${problem.severity === 'error' ? 'ERROR' : 'WARNING'}: ${first}`,
      ...rest.map((line) => `    ${line}`),
    );
  }
  if (checkPassed(check))
    lines.push(`  Ready: run a sweep there with --cluster ${name}, or "cluster": "${name}" in slurm.json.`);
  return lines;
}

function noSbatchMessage(transport: Transport): string {
  if (transport.kind === 'local') {
    return (
      'sbatch is not on this machine\'s PATH (exit 127). With "transport": "local", nx must run on a Slurm login node: ' +
      'load Slurm first (module load slurm) or add its bin folder to PATH, or reach a login node over SSH (--host).'
    );
  }
  return (
    `sbatch is not on the PATH of commands run over SSH on ${transport.target} (exit 127). nx-slurm runs sbatch, squeue, sacct ` +
    'and scontrol without a login shell, so a "module load" in ~/.bash_profile does not apply and the profile\'s "setup" lines ' +
    'only run inside jobs. On the login node, put "module load slurm" (or export PATH=<slurm bin folder>:$PATH) in ~/.bashrc ' +
    'above any line that returns early for non-interactive shells; check with: ssh <host> sbatch --version'
  );
}

function connectFailure(error: unknown): CheckProblem {
  if (error instanceof HostKeyError) {
    const hint = error.reason === 'unknown' ? '\n(With nx g nx-slurm:cluster, --accept-new-host-key sets that.)' : '';
    return { kind: 'host-key', severity: 'error', message: `${error.message}${hint}` };
  }
  if (error instanceof AuthenticationError) return { kind: 'auth', severity: 'error', message: error.message };
  if (error instanceof ConnectionError && UNREACHABLE.has(error.code)) {
    return { kind: 'unreachable', severity: 'error', message: error.message };
  }
  if (error instanceof TransportError) return { kind: 'connection', severity: 'error', message: error.message };
  return {
    kind: 'connection',
    severity: 'error',
    message: `Cannot connect: ${error instanceof Error ? error.message : String(error)}`,
  };
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The first lines of what the command printed, and its exit code. */
function printed(error: SlurmError): string {
  const text = error.stderr.trim().split('\n').slice(0, 3).join(' / ');
  return text ? `${text} (exit ${error.code})` : `exit ${error.code}`;
}

/** The answer, or the SlurmError that a failed command becomes (anything else is thrown). */
function answerOf<T>(question: Promise<T>): Promise<T | SlurmError> {
  return question.catch((error: unknown) => {
    if (error instanceof SlurmError) return error;
    throw error;
  });
}
