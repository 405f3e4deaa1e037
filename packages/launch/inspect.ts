import { isFinal } from '../slurm';
import { jobsOf, withStatus, type Ledger, type LedgerEntry } from './ledger';
import { replicateKey, type RecordedIndex, type SweepRecord } from './prepare';
import { resultOf } from './launch';
import type { IndexResult } from './report';
import { recoverIfEmpty } from './recover';
import type { Session } from './session';

/**
 * The latest known entry of each requested index: its exact fingerprint if it ran (when the
 * record has fingerprints), else the newest run of the same arguments, so status and logs still
 * find it after an edit.
 */
function latestEntries(items: readonly RecordedIndex[], ledger: Ledger): Map<number, LedgerEntry> {
  const newestByArgs = new Map<string, LedgerEntry>();
  for (const entry of Object.values(ledger.entries)) {
    const key = replicateKey(entry.argv, entry.occurrence);
    const known = newestByArgs.get(key);
    if (!known || known.runId < entry.runId) newestByArgs.set(key, entry);
  }
  const latest = new Map<number, LedgerEntry>();
  for (const item of items) {
    const exact = item.fingerprint === undefined ? undefined : ledger.entries[item.fingerprint];
    const entry = exact ?? newestByArgs.get(replicateKey(item.argv, item.occurrence));
    if (entry) latest.set(item.index, entry);
  }
  return latest;
}

/** The latest entries, first recovering them from the cluster when the workspace has no ledger. */
export async function knownEntries(
  sweep: SweepRecord,
  session: () => Promise<Session>,
  log: (line: string) => void,
): Promise<Map<number, LedgerEntry>> {
  const empty = Object.keys(sweep.ledger.entries).length === 0;
  const recovered = empty ? await recoverIfEmpty(sweep, await session(), log) : undefined;
  return latestEntries(sweep.items, recovered ?? sweep.ledger);
}

/**
 * Current results of several sweeps' indices, the unfinished ones refreshed with one poll per
 * cluster however many sweeps there are (`nx run-many -t slurm-status`).
 */
export async function currentResults(
  sweeps: readonly SweepRecord[],
  sessionOf: (sweep: SweepRecord) => Promise<Session>,
  log: (line: string) => void,
): Promise<IndexResult[][]> {
  const latest = await Promise.all(sweeps.map((sweep) => knownEntries(sweep, () => sessionOf(sweep), log)));
  const byCluster = new Map<string, number[]>();
  sweeps.forEach((sweep, k) => {
    if (![...latest[k].values()].some((entry) => !isFinal(entry.state))) return;
    const cluster = sweep.request.cluster.name;
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), k]);
  });
  await Promise.all(
    [...byCluster.values()].map(async (members) => {
      const unfinished = members.map((k) => [...latest[k]].filter(([, entry]) => !isFinal(entry.state)));
      const { scheduler } = await sessionOf(sweeps[members[0]]);
      const polled = await scheduler.poll(jobsOf(unfinished.flat().map(([, entry]) => entry)));
      const statuses = new Map(polled.map((s) => [`${s.jobId}_${s.taskId}`, s]));
      await Promise.all(
        members.map((k, m) => {
          for (const [index, entry] of unfinished[m]) {
            const status = statuses.get(`${entry.jobId}_${entry.taskId}`);
            if (status) latest[k].set(index, withStatus(entry, status));
          }
          return sweeps[k].ledgerFile.save(unfinished[m].map(([index]) => latest[k].get(index)!));
        }),
      );
    }),
  );
  return sweeps.map((sweep, k) =>
    sweep.items
      .filter((item) => latest[k].has(item.index))
      .map((item) => resultOf(item, latest[k].get(item.index)!, false)),
  );
}

/** Cancels unfinished elements: the given indices, or everything of this job name still queued or running. */
export async function cancelSweep(
  sweep: SweepRecord,
  session: () => Promise<Session>,
  indices?: number[],
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
