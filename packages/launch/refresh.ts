import { isFinal } from '../slurm';
import { runRemoteScript } from '../transport';
import type { FaultHandling } from './faults';
import { endedWithoutRecord, jobsOf, withStatus, type LedgerEntry } from './ledger';
import { runFiles } from './remote-layout';
import { MISSING_FOLDERS, parseTails, TAILS, tailsInput } from './remote-scripts';
import type { Session } from './session';

/** An exit marker holds a number and a newline. */
const MARKER_BYTES = 32;

/**
 * The ledger is a cache of what the cluster knows: before anything is planned from it, what it
 * says is queued or running is asked again, in one poll. An element that no source lists any
 * more ended long ago or was cancelled while pending: the exit marker its job writes says how
 * it ended, and without one it counts as CANCELLED. Returns the entries that changed, as new
 * entries (to save and plan from).
 */
export async function refreshUnfinished(
  session: Session,
  entries: readonly LedgerEntry[],
  faults: FaultHandling,
): Promise<LedgerEntry[]> {
  const unfinished = entries.filter((entry) => !isFinal(entry.state));
  if (unfinished.length === 0) return [];
  const statuses = await faults.retry(() => session.scheduler.poll(jobsOf(unfinished)));
  const byElement = new Map(statuses.map((status) => [`${status.jobId}_${status.taskId}`, status]));
  const listed = unfinished.filter((entry) => byElement.has(`${entry.jobId}_${entry.taskId}`));
  const unlisted = unfinished.filter((entry) => !byElement.has(`${entry.jobId}_${entry.taskId}`));
  const refreshed = listed.map((entry) => withStatus(entry, byElement.get(`${entry.jobId}_${entry.taskId}`)!));
  if (unlisted.length > 0) {
    const markers = unlisted.map((entry) => runFiles(entry.runDir).exitMarker(entry.runIndex));
    const tails = parseTails(
      await faults.retry(() =>
        runRemoteScript(session.transport, TAILS, [String(MARKER_BYTES)], { stdin: tailsInput(markers) }),
      ),
    );
    unlisted.forEach((entry, k) => {
      const marker = tails.get(markers[k])?.trim();
      refreshed.push(endedWithoutRecord(entry, marker ? Number(marker) : undefined));
    });
  }
  const before = new Map(unfinished.map((entry) => [entry.fingerprint, JSON.stringify(entry)]));
  return refreshed.filter((entry) => JSON.stringify(entry) !== before.get(entry.fingerprint));
}

/** The run folders of these that no longer exist on the cluster (deleted by hand, cleaned up by a site). */
export async function missingRunFolders(
  session: Session,
  runDirs: readonly string[],
  faults: FaultHandling,
): Promise<Set<string>> {
  const unique = [...new Set(runDirs)];
  if (unique.length === 0) return new Set();
  const printed = await faults.retry(() =>
    runRemoteScript(session.transport, MISSING_FOLDERS, [], { stdin: tailsInput(unique) }),
  );
  return new Set(printed.split('\0').filter(Boolean));
}

/** `run folder <dir> is gone from lab: ...`, for status and logs. */
export function goneRunFolder(runDir: string, cluster: string): string {
  return `run folder ${runDir} is gone from ${cluster} (deleted on the cluster?): its logs and outputs are lost. \`--force\` runs its indices again.`;
}
