import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { WORKSPACE_STATE_DIR } from '../config';
import type { ArrayJob } from '../scheduler';
import type { ElementStatus } from '../slurm';

const LOCK_TIMEOUT_MS = 10_000;
const STALE_LOCK_MS = 30_000;

/**
 * What nx-slurm remembers of one argument vector's latest submission (keyed by its fingerprint):
 * where it ran, and its element's last known status (jobId, taskId, state, exit code, node, times).
 * Entries are values: the functions below return changed copies, and LedgerFile.save records them.
 */
export interface LedgerEntry extends Readonly<Omit<ElementStatus, 'folded'>> {
  readonly fingerprint: string;
  readonly argv: readonly string[];
  readonly runId: string;
  readonly runDir: string;
  /** The vector's index inside runDir (its `logs/<runIndex>.*`), which may differ from today's index. */
  readonly runIndex: number;
  /** Set for a replicate: the n-th index with the same arguments (see SweepIndex). */
  readonly occurrence?: number;
  /** The array's offset: index = taskId + offset (past MaxArraySize). */
  readonly offset: number;
  /** Submissions so far of this fingerprint in runDir (1 + transient-failure resubmissions). */
  readonly attempts: number;
}

export interface Ledger {
  readonly version: 1;
  readonly entries: Readonly<Record<string, LedgerEntry>>;
}

const EMPTY_LEDGER: Ledger = { version: 1, entries: {} };

/** The ledger with these entries recorded over those of the same fingerprint. */
export function withEntries(ledger: Ledger, entries: readonly LedgerEntry[]): Ledger {
  return {
    version: 1,
    entries: { ...ledger.entries, ...Object.fromEntries(entries.map((entry) => [entry.fingerprint, entry])) },
  };
}

/** What a poll says of an element; what it does not say (sacct lags squeue) stays as known. */
export function withStatus(entry: LedgerEntry, status: ElementStatus): LedgerEntry {
  return {
    ...entry,
    state: status.state,
    exitCode: status.exitCode ?? entry.exitCode,
    signal: status.signal || entry.signal,
    node: status.node ?? entry.node,
    start: status.start ?? entry.start,
    end: status.end ?? entry.end,
    // the reason of the state it is in now (Priority while pending), not of an earlier one
    reason: status.reason,
  };
}

/**
 * An element Slurm holds pending for a reason that never clears (slurm/pending-reasons.ts), once
 * nx-slurm has cancelled it: failed, keeping the reason, so a rerun submits it again.
 */
export function neverStarted(entry: LedgerEntry): LedgerEntry {
  return { ...entry, state: 'FAILED' };
}

/** The exit code the job's own marker holds, for an element the scheduler reported without one. */
export function withExitCode(entry: LedgerEntry, exitCode: number): LedgerEntry {
  return { ...entry, exitCode };
}

/**
 * An element no scheduler lists any more, judged by its exit marker: the code it wrote, or
 * CANCELLED when it wrote none (cancelled while pending).
 */
export function endedWithoutRecord(entry: LedgerEntry, exitCode: number | undefined): LedgerEntry {
  const state = exitCode === undefined ? 'CANCELLED' : exitCode === 0 ? 'COMPLETED' : 'FAILED';
  return { ...entry, state, exitCode };
}

/** The next attempt of an element, submitted again as `jobId`: pending, with nothing known of it yet. */
export function resubmitted(entry: LedgerEntry, jobId: string): LedgerEntry {
  return {
    ...entry,
    jobId,
    state: 'PENDING',
    attempts: entry.attempts + 1,
    exitCode: undefined,
    signal: undefined,
    start: undefined,
    end: undefined,
    node: undefined,
  };
}

/** The arrays to poll for these entries, one per job. */
export function jobsOf(entries: readonly LedgerEntry[]): ArrayJob[] {
  const jobs = new Map<string, ArrayJob>();
  for (const { jobId, offset, taskId } of entries) {
    const job = jobs.get(jobId);
    if (job) job.taskIds.push(taskId);
    else jobs.set(jobId, { jobId, offset, taskIds: [taskId] });
  }
  return [...jobs.values()];
}

/**
 * The run ledger: which fingerprints ran where and how they ended. It lives in the workspace
 * (`.nx-slurm/ledger/<cluster>/<jobName>.json`) because Nx's cache cannot answer "which indices
 * need to run": any target change re-hashes every task of the project.
 */
export class LedgerFile {
  constructor(readonly path: string) {}

  static at(workspaceRoot: string, cluster: string, jobName: string): LedgerFile {
    return new LedgerFile(join(workspaceRoot, WORKSPACE_STATE_DIR, 'ledger', cluster, `${jobName}.json`));
  }

  async read(): Promise<Ledger> {
    try {
      const ledger = JSON.parse(await readFile(this.path, 'utf8')) as Partial<Ledger> | null;
      if (ledger?.version === 1 && typeof ledger.entries === 'object' && ledger.entries !== null)
        return ledger as Ledger;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
    }
    return EMPTY_LEDGER;
  }

  /**
   * Records these entries over what the file holds now, so launches of the same sweep in other
   * processes (`--batch=false` runs one per index) keep theirs. Atomic (write + rename): an
   * interrupted write never leaves a ledger that cannot be read.
   */
  async save(entries: readonly LedgerEntry[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await this.locked(async () => {
      const ledger = withEntries(await this.read(), entries);
      const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, JSON.stringify(ledger, null, 1));
      await rename(tmp, this.path);
    });
  }

  /** Read-merge-write under a lock file, so concurrent saves keep every entry. */
  private async locked(work: () => Promise<void>): Promise<void> {
    const lock = `${this.path}.lock`;
    const deadline = Date.now() + LOCK_TIMEOUT_MS;
    for (;;) {
      try {
        await (await open(lock, 'wx')).close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // a lock older than any save can be is left by a killed process
        const age =
          Date.now() -
          (await stat(lock)
            .then((s) => s.mtimeMs)
            .catch(() => Date.now()));
        if (age > STALE_LOCK_MS || Date.now() > deadline) await rm(lock, { force: true });
        else await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
      }
    }
    try {
      await work();
    } finally {
      await rm(lock, { force: true });
    }
  }
}
