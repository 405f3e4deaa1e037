import { isFinal } from '../slurm';
import { applyStatus, jobsOf, type LedgerEntry } from './ledger';
import type { SweepRecord } from './prepare';
import { resultOf } from './launch';
import type { IndexResult } from './report';
import { recoverIfEmpty } from './recover';
import type { Session } from './session';

/**
 * The latest known entry of each requested index: its exact fingerprint if it ran (when the
 * record has fingerprints), else the newest run of the same arguments, so status and logs still
 * find it after an edit.
 */
function latestEntries(sweep: SweepRecord): Map<number, LedgerEntry> {
  const replicateKey = (argv: string[], occurrence = 0) => JSON.stringify([argv, occurrence]);
  const newestByArgs = new Map<string, LedgerEntry>();
  for (const entry of Object.values(sweep.ledger.entries)) {
    const key = replicateKey(entry.argv, entry.occurrence);
    const known = newestByArgs.get(key);
    if (!known || known.runId < entry.runId) newestByArgs.set(key, entry);
  }
  const latest = new Map<number, LedgerEntry>();
  for (const item of sweep.items) {
    const exact = item.fingerprint === undefined ? undefined : sweep.ledger.entries[item.fingerprint];
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
  if (Object.keys(sweep.ledger.entries).length === 0) await recoverIfEmpty(sweep, await session(), log);
  return latestEntries(sweep);
}

/**
 * Current results of several sweeps' indices, the unfinished ones refreshed with one poll per
 * cluster however many sweeps there are (`nx run-many -t slurm-status`).
 */
export async function currentResults(
  sweeps: SweepRecord[],
  sessionOf: (sweep: SweepRecord) => Promise<Session>,
  log: (line: string) => void,
): Promise<IndexResult[][]> {
  const latest = await Promise.all(sweeps.map((sweep) => knownEntries(sweep, () => sessionOf(sweep), log)));
  const byCluster = new Map<string, { sweep: SweepRecord; unfinished: LedgerEntry[] }[]>();
  sweeps.forEach((sweep, k) => {
    const unfinished = [...latest[k].values()].filter((e) => !isFinal(e.state));
    if (unfinished.length === 0) return;
    const cluster = sweep.request.cluster.name;
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), { sweep, unfinished }]);
  });
  await Promise.all(
    [...byCluster.values()].map(async (group) => {
      const { scheduler } = await sessionOf(group[0].sweep);
      const entries = group.flatMap((g) => g.unfinished);
      const statuses = new Map((await scheduler.poll(jobsOf(entries))).map((s) => [`${s.jobId}_${s.taskId}`, s]));
      for (const entry of entries) {
        const status = statuses.get(`${entry.jobId}_${entry.taskId}`);
        if (status) applyStatus(entry, status);
      }
      await Promise.all(group.map(({ sweep, unfinished }) => sweep.ledgerFile.save(unfinished)));
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
