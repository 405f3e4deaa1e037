import { isFinal } from '../slurm';
import { faultHandling } from './faults';
import type { Ledger, LedgerEntry } from './ledger';
import type { ListedIndex } from './plan';
import type { InspectedSweep } from './prepare';
import { resultOf } from './launch';
import type { IndexResult } from './report';
import { recoverIfEmpty } from './recover';
import { missingRunFolders, refreshUnfinished } from './refresh';
import type { Session } from './session';

/**
 * The latest known entry of each requested index: the newest run of its arguments (and
 * replicate number), whichever code it ran, so status, logs and cancel need no bundle and
 * still find an index after an edit.
 */
function latestEntries(items: readonly ListedIndex[], ledger: Ledger): Map<number, LedgerEntry> {
  const replicateKey = (argv: readonly string[], occurrence = 0) => JSON.stringify([argv, occurrence]);
  const newestByArgs = new Map<string, LedgerEntry>();
  for (const entry of Object.values(ledger.entries)) {
    const key = replicateKey(entry.argv, entry.occurrence);
    const known = newestByArgs.get(key);
    if (!known || known.runId < entry.runId) newestByArgs.set(key, entry);
  }
  const latest = new Map<number, LedgerEntry>();
  for (const item of items) {
    const entry = newestByArgs.get(replicateKey(item.argv, item.occurrence));
    if (entry) latest.set(item.index, entry);
  }
  return latest;
}

/** The latest entries, first recovering them from the cluster when the workspace has no ledger. */
export async function knownEntries(
  sweep: InspectedSweep,
  session: () => Promise<Session>,
  log: (line: string) => void,
): Promise<Map<number, LedgerEntry>> {
  if (Object.keys(sweep.ledger.entries).length > 0) return latestEntries(sweep.items, sweep.ledger);
  const open = await session();
  const faults = faultHandling(open.cluster, sweep.request.jobName, () => [], log);
  const recovered = await faults.retry(() => recoverIfEmpty(sweep, open, log));
  return latestEntries(sweep.items, recovered ?? sweep.ledger);
}

export interface CurrentResults {
  results: IndexResult[];
  /** Run folders of these results that no longer exist on the cluster. */
  goneRunDirs: string[];
}

/**
 * Current results of the sweep's indices: unfinished ones asked again in one poll, and their run
 * folders checked, so a deleted one is said to be gone rather than read as it was.
 */
export async function currentResults(
  sweep: InspectedSweep,
  session: () => Promise<Session>,
  log: (line: string) => void,
): Promise<CurrentResults> {
  const latest = await knownEntries(sweep, session, log);
  if (latest.size === 0) return { results: [], goneRunDirs: [] };
  const open = await session();
  const faults = faultHandling(open.cluster, sweep.request.jobName, () => [], log);
  const refreshed = await refreshUnfinished(open, [...latest.values()], faults);
  if (refreshed.length > 0) await sweep.ledgerFile.save(refreshed);
  const gone = await missingRunFolders(
    open,
    [...latest.values()].map((entry) => entry.runDir),
    faults,
  );
  const items = sweep.items.filter((item) => latest.has(item.index));
  const entries = current(
    items.map((item) => latest.get(item.index)!),
    refreshed,
  );
  return { results: items.map((item, k) => resultOf(item, entries[k], false)), goneRunDirs: [...gone] };
}

/**
 * Cancels unfinished elements: the given indices, or everything of this job name still queued or
 * running, as the cluster says now (the ledger may not have seen them end).
 */
export async function cancelSweep(
  sweep: InspectedSweep,
  session: () => Promise<Session>,
  indices?: number[],
  log: (line: string) => void = () => {},
): Promise<LedgerEntry[]> {
  const latest = latestEntries(sweep.items, sweep.ledger);
  const unfinished = (
    indices
      ? indices.map((i) => latest.get(i)).filter((e): e is LedgerEntry => !!e)
      : Object.values(sweep.ledger.entries)
  ).filter((e) => !isFinal(e.state));
  if (unfinished.length === 0) return [];
  const open = await session();
  const faults = faultHandling(open.cluster, sweep.request.jobName, () => [], log);
  const refreshed = await refreshUnfinished(open, unfinished, faults);
  if (refreshed.length > 0) await sweep.ledgerFile.save(refreshed);
  const targets = current(unfinished, refreshed).filter((e) => !isFinal(e.state));
  if (targets.length === 0) return [];
  const jobs = [...new Set(targets.map((e) => e.jobId))].map((jobId) => ({ jobId, offset: 0, taskIds: [] }));
  await faults.retry(() =>
    open.scheduler.cancel(jobs, indices ? targets.map((e) => ({ jobId: e.jobId, taskId: e.taskId })) : undefined),
  );
  return targets;
}

/** These entries, each replaced by its refreshed version when there is one. */
function current(entries: readonly LedgerEntry[], refreshed: readonly LedgerEntry[]): LedgerEntry[] {
  const byFingerprint = new Map(refreshed.map((entry) => [entry.fingerprint, entry]));
  return entries.map((entry) => byFingerprint.get(entry.fingerprint) ?? entry);
}
