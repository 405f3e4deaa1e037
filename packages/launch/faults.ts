import { DEFAULT_PATIENCE_SECONDS, type ResolvedCluster } from '../config';
import { SlurmError, type SlurmTransience } from '../slurm';
import { isConnectionFault } from '../transport';
import { Outage } from './patience';
import { formatDuration } from './report';

/**
 * A failure that may pass on its own: the connection to the login node was lost (or cannot be
 * opened again), Slurm's controller or database does not answer, or Slurm asks to try later.
 */
export interface Fault {
  kind: 'connection' | SlurmTransience;
  /** What failed, in the words of whoever said so (ssh2, sbatch, squeue). */
  detail: string;
}

/** The fault an error shows, or undefined when trying again cannot help (a bad request, a refused key). */
export function faultOf(error: unknown): Fault | undefined {
  if (isConnectionFault(error)) return { kind: 'connection', detail: (error as Error).message };
  if (error instanceof SlurmError && error.transience) {
    const said = error.stderr.trim().split('\n').pop()?.trim() || `exit code ${error.code}`;
    return { kind: error.transience, detail: said.startsWith(error.command) ? said : `${error.command}: ${said}` };
  }
  return undefined;
}

/** Where a fault met the launch: the jobs it would leave behind (none yet when launching). */
export interface RetryScope {
  cluster: string;
  /** Prefix of every line (the sweep's job name). */
  jobName: string;
  /** Job ids already submitted: they keep running whatever happens here. */
  jobs: () => string[];
  /** The comment (token) of a submission whose reply is missing: it may have been accepted. */
  submission?: string;
}

function meanwhile(scope: RetryScope): string {
  if (scope.submission)
    return 'the array may have been accepted: it is looked up by its token before anything is submitted again';
  return scope.jobs().length > 0 ? 'the jobs keep running' : 'nothing was submitted yet';
}

/** `lost the connection to lab; the jobs keep running. Reconnecting (attempt 3, next in 8 s)` */
export function retryNotice(fault: Fault, scope: RetryScope, next: { attempt: number; delayMs: number }): string {
  const then = meanwhile(scope);
  const when = `(attempt ${next.attempt}, next in ${Math.max(1, Math.round(next.delayMs / 1000))} s)`;
  switch (fault.kind) {
    case 'connection':
      return `${scope.jobName}: lost the connection to ${scope.cluster}; ${then}. Reconnecting ${when}: ${fault.detail}`;
    case 'unreachable':
      return `${scope.jobName}: Slurm's controller on ${scope.cluster} does not answer (${fault.detail}); ${then}. Retrying ${when}`;
    case 'busy':
      return `${scope.jobName}: Slurm on ${scope.cluster} asks to try later (${fault.detail}); ${then}. Retrying ${when}`;
  }
}

/** Thrown once the patience is spent: says what is left on the cluster and how to go on. */
export class GaveUpError extends Error {
  override readonly name = 'GaveUpError';

  constructor(
    readonly fault: Fault,
    scope: RetryScope,
    waitedMs: number,
  ) {
    const jobs = scope.jobs();
    const without =
      fault.kind === 'connection' ? `a connection to ${scope.cluster}` : `an answer from Slurm on ${scope.cluster}`;
    const next = scope.submission
      ? `Whether Slurm accepted the last array is not known: \`squeue --name ${scope.jobName} -o '%i %k'\` on ${scope.cluster} lists it with the comment ${scope.submission}.`
      : jobs.length > 0
        ? `The jobs keep running on ${scope.cluster}: job ${jobs.join(', ')}; rerun the same command to attach to them (or cancel them with slurm-cancel).`
        : `Nothing was submitted: rerun the same command once ${scope.cluster} answers.`;
    super(
      `gave up after ${formatDuration(Math.round(waitedMs / 1000))} without ${without} (${fault.detail}). ${next} The patience of the cluster profile sets how long to keep trying.`,
    );
  }
}

export interface Patience {
  patienceMs: number;
  log: (line: string) => void;
  /** Injected by specs; real timers and clock by default. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Runs `operation` until it succeeds, trying again after each transient fault with back-off
 * until the patience is spent. Only for operations that are safe to run twice (sbatch is not:
 * the launcher resolves a lost submission before it submits again).
 */
export async function patiently<T>(operation: () => Promise<T>, scope: RetryScope, patience: Patience): Promise<T> {
  const { sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)), now = Date.now } = patience;
  let outage: Outage | undefined;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      const fault = faultOf(error);
      if (!fault) throw error;
      outage ??= new Outage(patience.patienceMs, now);
      const next = outage.next();
      if (!next) throw new GaveUpError(fault, scope, outage.elapsedMs());
      patience.log(retryNotice(fault, scope, next));
      await sleep(next.delayMs);
    }
  }
}

/** How one command (a launch, a status) meets faults: its scope for messages, the cluster's patience. */
export interface FaultHandling {
  scope: RetryScope;
  patience: Patience;
  /** Runs an operation that is safe to run twice until it succeeds, under the patience. */
  retry<T>(operation: () => Promise<T>): Promise<T>;
}

export function faultHandling(
  cluster: ResolvedCluster,
  jobName: string,
  jobs: () => string[],
  log: (line: string) => void,
): FaultHandling {
  const scope: RetryScope = { cluster: cluster.name, jobName, jobs };
  const patience = { patienceMs: (cluster.profile.patience ?? DEFAULT_PATIENCE_SECONDS) * 1000, log };
  return { scope, patience, retry: (operation) => patiently(operation, scope, patience) };
}
