import { SlurmClient, SlurmError } from '../../../slurm';
import {
  AuthenticationError,
  ConnectionError,
  HostKeyError,
  TransportError,
  type ExecResult,
  type Transport,
} from '../../../transport';

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

export interface Partition {
  name: string;
  /** Marked `*` by sinfo: jobs that name no partition go there. */
  isDefault: boolean;
  /** `up`, `down`, `drain`, `inact`. */
  availability: string;
  /** As sinfo prints it: `1-00:00:00`, `infinite`. */
  timeLimit: string;
  nodes: number;
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

const COMMAND_NOT_FOUND = 127;
const ACCOUNTING_DISABLED = /accounting storage is disabled/i;
/** `%P` ends with `*` for the default partition; none of these fields can hold a `|`. */
const SINFO_FORMAT = '%P|%a|%l|%D';

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

  const version = await transport.exec(['sbatch', '--version']);
  if (version.code === COMMAND_NOT_FOUND) {
    problem('no-sbatch', noSbatchMessage(transport));
    return check;
  }
  if (version.code !== 0) {
    problem('slurm', `"sbatch --version" failed ${where}: ${printed(version)}`);
    return check;
  }
  check.slurmVersion = version.stdout.trim().replace(/^slurm(-wlm)?\s+/i, '');

  const sinfo = await transport.exec(['sinfo', '-h', '-o', SINFO_FORMAT]);
  if (sinfo.code !== 0) {
    problem('slurm', `sinfo failed ${where}: ${printed(sinfo)}. Is slurmctld up and reachable from the login node?`);
    return check;
  }
  check.partitions = parsePartitions(sinfo.stdout);

  try {
    const config = await new SlurmClient((argv) => transport.exec(argv)).config();
    check.maxArraySize = config.maxArraySize;
    check.minJobAge = config.minJobAge;
  } catch (error) {
    if (!(error instanceof SlurmError)) throw error;
    problem('slurm', `"scontrol show config" failed ${where}: ${error.message}`);
  }

  const sacct = await transport.exec(['sacct', '-n', '-X', '-P', '-S', 'now', '-o', 'JobID']);
  if (ACCOUNTING_DISABLED.test(`${sacct.stderr}\n${sacct.stdout}`)) {
    check.accounting = 'disabled';
    problem(
      'accounting-disabled',
      'Slurm accounting storage is disabled (sacct has no data): nx-slurm will follow jobs with squeue and the exit markers ' +
        'each index writes, so relaunch still works, but a job slurmctld has forgotten (older than MinJobAge) shows no exit code ' +
        'or node in slurm-status. Nothing to do unless the admins can enable slurmdbd.',
      'warning',
    );
  } else if (sacct.code === COMMAND_NOT_FOUND) {
    problem(
      'accounting',
      `sacct is not on the PATH ${where}, though sbatch is: nx-slurm polls with it. Ask the admins, or fix PATH as for sbatch.`,
    );
  } else if (sacct.code !== 0) {
    problem(
      'accounting',
      `sacct failed ${where}: ${printed(sacct)}. nx-slurm polls with sacct, so launches would fail: is slurmdbd up? Ask the cluster's admins.`,
    );
  } else {
    check.accounting = 'works';
  }

  if (expect.partition && check.partitions.length > 0 && !check.partitions.some((p) => p.name === expect.partition)) {
    problem(
      'partition',
      `The profile's partition "${expect.partition}" is not among those sinfo lists (${check.partitions.map((p) => p.name).join(', ')}): ` +
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

/** `debug*|up|1-00:00:00|2` lines. */
export function parsePartitions(stdout: string): Partition[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name = '', availability = '', timeLimit = '', nodes = ''] = line.split('|');
      const isDefault = name.endsWith('*');
      return {
        name: isDefault ? name.slice(0, -1) : name,
        isDefault,
        availability,
        timeLimit,
        nodes: Number(nodes) || 0,
      };
    });
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

function printed(result: ExecResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(0, 3).join(' / ');
  return text ? `${text} (exit ${result.code})` : `exit ${result.code}`;
}
