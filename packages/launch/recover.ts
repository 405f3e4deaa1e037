import { withEntries, type Ledger, type LedgerEntry } from './ledger';
import type { PreparedSweep } from './prepare';
import { parseIndexList } from '../slurm';
import { runRemoteScript } from '../transport';
import { RECOVER_RUNS } from './remote-scripts';
import type { Session } from './session';

interface RunMeta {
  runId: string;
  indices: { index: number; fingerprint: string; argv: string[]; occurrence?: number }[];
}

/**
 * Ledger entries rebuilt from the cluster's run folders, the source of truth when the
 * workspace has no ledger (a fresh clone, another machine): an index whose job wrote its exit
 * marker ended with that code; one without a marker but listed in the run's `jobs` file is
 * attached to (the scheduler says whether it still runs); one with neither is submitted again.
 * The newest run of a fingerprint wins.
 */
export function parseRecoveredRuns(stdout: string): LedgerEntry[] {
  const fields = stdout.split('\0');
  const entries = new Map<string, LedgerEntry>();
  let k = 0;
  while (k < fields.length - 1) {
    if (fields[k] !== 'R') {
      k++;
      continue;
    }
    const runDir = fields[k + 1];
    const meta = JSON.parse(fields[k + 2]) as RunMeta;
    k += 3;
    const exits = new Map<number, number>();
    while (fields[k] === 'E') {
      // a marker still being written is `<i>.<pid>.tmp`
      if (/^\d+$/.test(fields[k + 1])) exits.set(Number(fields[k + 1]), Number(fields[k + 2].trim()));
      k += 3;
    }
    const jobs = fields[k] === 'J' ? parseJobsFile(fields[k + 1]) : new Map<number, JobOfIndex>();
    if (fields[k] === 'J') k += 2;
    for (const { index, fingerprint, argv, occurrence } of meta.indices) {
      const exitCode = exits.get(index);
      const job = jobs.get(index);
      if (exitCode === undefined && !job) continue;
      const entry: LedgerEntry = {
        fingerprint,
        argv,
        runId: meta.runId,
        runDir,
        runIndex: index,
        occurrence: occurrence || undefined,
        jobId: job?.jobId ?? '-',
        taskId: job?.taskId ?? index,
        offset: job?.offset ?? 0,
        state: exitCode === undefined ? 'PENDING' : exitCode === 0 ? 'COMPLETED' : 'FAILED',
        exitCode,
        attempts: job?.attempts ?? 1,
      };
      const known = entries.get(fingerprint);
      if (!known || known.runId < entry.runId) entries.set(fingerprint, entry);
    }
  }
  return [...entries.values()];
}

interface JobOfIndex {
  jobId: string;
  taskId: number;
  offset: number;
  attempts: number;
}

/** `jobId offset taskIds` lines, oldest first: the last job listing an index is its latest attempt. */
function parseJobsFile(text: string): Map<number, JobOfIndex> {
  const jobs = new Map<number, JobOfIndex>();
  for (const line of text.split('\n')) {
    const [jobId, offset, taskIds] = line.trim().split(' ');
    if (!jobId || !taskIds) continue;
    for (const taskId of parseIndexList(taskIds)) {
      const index = taskId + Number(offset);
      jobs.set(index, { jobId, taskId, offset: Number(offset), attempts: (jobs.get(index)?.attempts ?? 0) + 1 });
    }
  }
  return jobs;
}

async function recoverFromCluster(session: Session, jobName: string): Promise<LedgerEntry[]> {
  return parseRecoveredRuns(await runRemoteScript(session.transport, RECOVER_RUNS, [session.layout.jobRuns(jobName)]));
}

/**
 * Fills an empty ledger (a fresh clone, a deleted .nx-slurm/) from the cluster's run folders,
 * saves it and returns it; undefined when there was nothing to recover. A ledger that has
 * entries is trusted as it is.
 */
export async function recoverIfEmpty(
  sweep: PreparedSweep,
  session: Session,
  log: (line: string) => void,
): Promise<Ledger | undefined> {
  if (Object.keys(sweep.ledger.entries).length > 0) return undefined;
  const recovered = await recoverFromCluster(session, sweep.request.jobName);
  if (recovered.length === 0) return undefined;
  await sweep.ledgerFile.save(recovered);
  log(
    `${sweep.request.jobName}: no local ledger; recovered ${recovered.length} index(es) from the run folders on ${session.cluster.name}`,
  );
  return withEntries(sweep.ledger, recovered);
}
