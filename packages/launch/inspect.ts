import { isFinal } from '../slurm';
import { applyStatus, jobsOf, type LedgerEntry } from './ledger';
import type { PreparedSweep } from './prepare';
import { resultOf } from './launch';
import type { IndexResult } from './report';
import { recoverIfEmpty } from './recover';
import type { Session } from './session';

/**
 * The latest known entry of each requested index: its exact fingerprint if it ran, else the
 * newest run of the same arguments (older code), so status and logs still find it after an edit.
 */
function latestEntries(sweep: PreparedSweep): Map<number, LedgerEntry> {
  const replicateKey = (argv: string[], occurrence = 0) => JSON.stringify([argv, occurrence]);
  const newestByArgs = new Map<string, LedgerEntry>();
  for (const entry of Object.values(sweep.ledger.entries)) {
    const key = replicateKey(entry.argv, entry.occurrence);
    const known = newestByArgs.get(key);
    if (!known || known.runId < entry.runId) newestByArgs.set(key, entry);
  }
  const latest = new Map<number, LedgerEntry>();
  for (const item of sweep.items) {
    const entry = sweep.ledger.entries[item.fingerprint] ?? newestByArgs.get(replicateKey(item.argv, item.occurrence));
    if (entry) latest.set(item.index, entry);
  }
  return latest;
}

/** The latest entries, first recovering them from the cluster when the workspace has no ledger. */
export async function knownEntries(
  sweep: PreparedSweep,
  session: () => Promise<Session>,
  log: (line: string) => void,
): Promise<Map<number, LedgerEntry>> {
  if (Object.keys(sweep.ledger.entries).length === 0) await recoverIfEmpty(sweep, await session(), log);
  return latestEntries(sweep);
}

/** Current results of the sweep's indices, refreshing unfinished ones with one poll. */
export async function currentResults(
  sweep: PreparedSweep,
  session: () => Promise<Session>,
  log: (line: string) => void,
): Promise<IndexResult[]> {
  const latest = await knownEntries(sweep, session, log);
  const unfinished = [...latest.values()].filter((e) => !isFinal(e.state));
  if (unfinished.length > 0) {
    const { scheduler } = await session();
    const statuses = new Map((await scheduler.poll(jobsOf(unfinished))).map((s) => [`${s.jobId}_${s.taskId}`, s]));
    for (const entry of unfinished) {
      const status = statuses.get(`${entry.jobId}_${entry.taskId}`);
      if (status) applyStatus(entry, status);
    }
    await sweep.ledgerFile.save(unfinished);
  }
  return sweep.items
    .filter((item) => latest.has(item.index))
    .map((item) => resultOf(item, latest.get(item.index)!, false));
}

/** Cancels unfinished elements: the given indices, or everything of this job name still queued or running. */
export async function cancelSweep(
  sweep: PreparedSweep,
  session: () => Promise<Session>,
  indices?: number[],
): Promise<LedgerEntry[]> {
  const latest = latestEntries(sweep);
  const targets = (
    indices
      ? indices.map((i) => latest.get(i)).filter((e): e is LedgerEntry => !!e)
      : Object.values(sweep.ledger.entries)
  ).filter((e) => !isFinal(e.state));
  if (targets.length === 0) return [];
  const { scheduler } = await session();
  const jobs = [...new Set(targets.map((e) => e.jobId))].map((jobId) => ({ jobId, offset: 0, taskIds: [] }));
  await scheduler.cancel(jobs, indices ? targets.map((e) => ({ jobId: e.jobId, taskId: e.taskId })) : undefined);
  return targets;
}
