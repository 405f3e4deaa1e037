import { parseIndexList } from './array-indices';
import { isFinal, normalizeState, type SlurmState } from './states';

/** What Slurm says about one element (task) of an array job. */
export interface ElementStatus {
  /** The array's job id (`1234`), the same for every element. */
  jobId: string;
  /** The array task id (`SLURM_ARRAY_TASK_ID`). */
  taskId: number;
  state: SlurmState;
  exitCode?: number;
  /** Signal that ended the program, when one did. */
  signal?: number;
  node?: string;
  start?: string;
  end?: string;
  /** squeue's reason (`JobArrayTaskLimit`, `NonZeroExitCode`, `JobLaunchFailure`). */
  reason?: string;
  /**
   * Read from a folded row (`1234_[6-9%3]`) that stands for several pending elements. Slurm does
   * not refresh it as elements start: any row about the element itself wins over it.
   */
  folded?: boolean;
}

/** What Slurm prints for "no value" in the fields we read. */
const NO_VALUE = new Set(['', 'Unknown', 'None', 'None assigned', 'N/A', 'NONE', '(null)']);

function present(field: string | undefined): string | undefined {
  const value = field?.trim();
  return value === undefined || NO_VALUE.has(value) ? undefined : value;
}

/**
 * Task ids of a folded row's list, `6-9%3` or `4-6,8-9%3` (`%N` is the throttle). A list cut
 * short by Slurm (without SLURM_BITSTR_LEN=0 it ends in `...`) keeps its whole parts.
 */
function expandTaskList(list: string): number[] {
  const wholeParts = list
    .replace(/%\d+$/, '')
    .split(',')
    .filter((part) => /^\d+(-\d+(:\d+)?)?$/.test(part));
  return wholeParts.length === 0 ? [] : parseIndexList(wholeParts.join(','));
}

type JobIdParts = { jobId: string; taskIds: number[]; folded: boolean };

/**
 * Splits `1234_5`, `1234_[6-9%3]` or `1234`. A plain id has no element: it is a job that is not
 * an array, or an array's own record before Slurm has split it or sacct has caught up (seen on
 * 22.05: `15|15|COMPLETED` while only element 15_5 had finished its accounting). It cannot be
 * attributed to any element, so it yields none.
 */
function parseJobId(field: string): JobIdParts | undefined {
  const element = /^(\d+)_(\d+)$/.exec(field);
  if (element) return { jobId: element[1], taskIds: [Number(element[2])], folded: false };
  const folded = /^(\d+)_\[([^\]]*)\]?$/.exec(field);
  if (folded) return { jobId: folded[1], taskIds: expandTaskList(folded[2]), folded: true };
  return undefined;
}

/** `3:0` -> exit code 3; `0:9` -> signal 9. */
function parseExitCode(field: string | undefined): Pick<ElementStatus, 'exitCode' | 'signal'> {
  const match = /^(\d+):(\d+)$/.exec(field?.trim() ?? '');
  if (!match) return {};
  const signal = Number(match[2]);
  return signal === 0 ? { exitCode: Number(match[1]) } : { exitCode: Number(match[1]), signal };
}

function withoutUndefined(status: ElementStatus): ElementStatus {
  return Object.fromEntries(Object.entries(status).filter(([, value]) => value !== undefined)) as ElementStatus;
}

function rowsOf(stdout: string): string[][] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.split('|'));
}

function expand(parts: JobIdParts, fields: Omit<ElementStatus, 'jobId' | 'taskId'>): ElementStatus[] {
  return parts.taskIds.map((taskId) =>
    withoutUndefined({ jobId: parts.jobId, taskId, ...fields, folded: parts.folded || undefined }),
  );
}

/** Reads the output of `squeueArgv` (`%i|%T|%r|%N|%S|%e`). */
export function parseSqueue(stdout: string): ElementStatus[] {
  return rowsOf(stdout).flatMap(([id, rawState, reason, node, start, end]) => {
    const parts = parseJobId(id);
    if (!parts) return [];
    const state = normalizeState(rawState ?? '');
    return expand(parts, {
      state,
      reason: present(reason),
      node: present(node),
      // For a pending job squeue's start is an estimate, for a running one its end is the limit.
      start: state === 'PENDING' ? undefined : present(start),
      end: isFinal(state) ? present(end) : undefined,
    });
  });
}

/** Reads the output of `sacctArgv` (`JobID|JobIDRaw|State|ExitCode|Start|End|NodeList`). */
export function parseSacct(stdout: string): ElementStatus[] {
  return rowsOf(stdout).flatMap(([id, , rawState, exitCode, start, end, node]) => {
    const parts = parseJobId(id);
    if (!parts) return [];
    const state = normalizeState(rawState ?? '');
    return expand(parts, {
      state,
      // A folded row's `0:0` means "not run yet", not "exited 0".
      ...(parts.folded ? {} : parseExitCode(exitCode)),
      node: present(node),
      start: present(start),
      end: present(end),
    });
  });
}

/** How far along a not-yet-final state is, so a later observation beats an earlier one. */
const PROGRESS: Partial<Record<SlurmState, number>> = {
  CONFIGURING: 1,
  RUNNING: 2,
  SUSPENDED: 2,
  COMPLETING: 3,
};

type Observation = { status: ElementStatus; fromSacct: boolean };

/** Positive when `a` is the better account of the element than `b`. */
function compareObservations(a: Observation, b: Observation): number {
  if (!a.status.folded !== !b.status.folded) return a.status.folded ? -1 : 1;
  const aFinal = isFinal(a.status.state);
  const bFinal = isFinal(b.status.state);
  if (aFinal !== bFinal) return aFinal ? 1 : -1;
  // Both final: sacct has the exit code. Both running or pending: squeue is fresher.
  if (aFinal) return Number(a.fromSacct) - Number(b.fromSacct);
  const progress = (PROGRESS[a.status.state] ?? 0) - (PROGRESS[b.status.state] ?? 0);
  return progress !== 0 ? progress : Number(b.fromSacct) - Number(a.fromSacct);
}

function mergeElement(observations: Observation[]): ElementStatus {
  const [best, ...others] = [...observations].sort((a, b) => compareObservations(b, a));
  const merged: ElementStatus = { ...best.status };
  for (const { status } of others) {
    if (status.folded) continue;
    merged.node ??= status.node;
    merged.start ??= status.start;
    // Exit details only carry over from an observation of the same outcome.
    if (status.state === merged.state) {
      merged.end ??= status.end;
      merged.reason ??= status.reason;
      if (merged.exitCode === undefined && status.exitCode !== undefined) {
        merged.exitCode = status.exitCode;
        if (status.signal !== undefined) merged.signal = status.signal;
      }
    }
  }
  return withoutUndefined(merged);
}

/**
 * One status per (jobId, taskId) from squeue's and sacct's rows. Rows about the element beat
 * folded rows; a final state beats a non-final one (sacct lags squeue by seconds); when both are
 * final sacct wins (it has the exit code); otherwise the more advanced state wins (RUNNING beats
 * PENDING). Fields the winner lacks are filled from the other rows when they can be trusted.
 */
export function mergeStatuses(squeue: ElementStatus[], sacct: ElementStatus[]): ElementStatus[] {
  const byElement = new Map<string, Observation[]>();
  const observe = (status: ElementStatus, fromSacct: boolean) => {
    const key = `${status.jobId}_${status.taskId}`;
    const observations = byElement.get(key) ?? [];
    observations.push({ status, fromSacct });
    byElement.set(key, observations);
  };
  squeue.forEach((status) => observe(status, false));
  sacct.forEach((status) => observe(status, true));
  return [...byElement.values()]
    .map(mergeElement)
    .sort((a, b) => Number(a.jobId) - Number(b.jobId) || a.taskId - b.taskId);
}
