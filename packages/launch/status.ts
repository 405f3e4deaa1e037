import { currentResults } from './inspect';
import type { PreparedSweep } from './prepare';
import { countStates, pendingReasons, progressLine, resultsTable } from './report';
import type { Session } from './session';

/**
 * The table of the sweep's latest results (refreshing what is still running), its progress
 * line and how many indices never ran; undefined when nothing has run on the cluster yet.
 */
export async function sweepStatus(
  sweep: PreparedSweep,
  session: () => Promise<Session>,
  log: (line: string) => void,
): Promise<string[] | undefined> {
  const results = await currentResults(sweep, session, log);
  if (results.length === 0) return undefined;
  const counts = countStates(results.map((r) => r.state));
  const lines = [
    resultsTable(results),
    progressLine(sweep.request.jobName, { ...counts, total: sweep.items.length }, pendingReasons(results)),
  ];
  const neverRun = sweep.items.length - results.length;
  if (neverRun > 0) lines.push(`${neverRun} index(es) never submitted.`);
  return lines;
}
