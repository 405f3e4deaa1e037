import { isFinal } from '../slurm';
import { jobsOf, withStatus, type Ledger, type LedgerEntry } from './ledger';
import type { SweepIndex } from './plan';
import type { PreparedSweep } from './prepare';
import { resultOf } from './launch';
import type { IndexResult } from './report';
import { recoverIfEmpty } from './recover';
import type { Session } from './session';

/**
 * The latest known entry of each requested index: its exact fingerprint if it ran, else the
 * newest run of the same arguments (older code), so status and logs still find it after an edit.
 */
function latestEntries(items: readonly SweepIndex[], ledger: Ledger): Map<number, LedgerEntry> {
  const replicateKey = (argv: readonly string[], occurrence = 0) => JSON.stringify([argv, occurrence]);
  const newestByArgs = new Map<string, LedgerEntry>();
  for (const entry of Object.values(ledger.entries)) {
    const key = replicateKey(entry.argv, entry.occurrence);
    const known = newestByArgs.get(key);
    if (!known || known.runId < entry.runId) newestByArgs.set(key, entry);
  }
  const latest = new Map<number, LedgerEntry>();
  for (const item of items) {
    const entry = ledger.entries[item.fingerprint] ?? newestByArgs.get(replicateKey(item.argv, item.occurrence));
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
  const empty = Object.keys(sweep.ledger.entries).length === 0;
  const recovered = empty ? await recoverIfEmpty(sweep, await session(), log) : undefined;
  return latestEntries(sweep.items, recovered ?? sweep.ledger);
}

/** Current results of the sweep's indices, refreshing unfinished ones with one poll. */
export async function currentResults(
  sweep: PreparedSweep,
  session: () => Promise<Session>,
  log: (line: string) => void,
): Promise<IndexResult[]> {
  const latest = await knownEntries(sweep, session, log);
  const unfinished = [...latest].filter(([, entry]) => !isFinal(entry.state));
  if (unfinished.length > 0) {
    const { scheduler } = await session();
    const polled = await scheduler.poll(jobsOf(unfinished.map(([, entry]) => entry)));
    const statuses = new Map(polled.map((s) => [`${s.jobId}_${s.taskId}`, s]));
    for (const [index, entry] of unfinished) {
      const status = statuses.get(`${entry.jobId}_${entry.taskId}`);
      if (status) latest.set(index, withStatus(entry, status));
    }
    await sweep.ledgerFile.save(unfinished.map(([index]) => latest.get(index)!));
  }
  return sweep.items
    .filter((item) => latest.has(item.index))
    .map((item) => resultOf(item, latest.get(item.index)!, false));
}

/** Cancels unfinished elements: the given indices, or everything of this job name still queued or running. */
export async function cancelSweep(
  sweep: PreparedSweep,
  session: () => Promise<Session>,
  indices?: readonly number[],
): Promise<LedgerEntry[]> {
  const latest = latestEntries(sweep.items, sweep.ledger);
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
