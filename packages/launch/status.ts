import { currentResults } from './inspect';
import { goneRunFolder } from './refresh';
import type { PreparedSweep } from './prepare';
import { countStates, progressLine, resultsTable } from './report';
import type { Session } from './session';

/**
 * The table of the sweep's latest results (refreshing what is still running), its progress
 * line, the run folders gone from the cluster and how many indices never ran; undefined when
 * nothing has run on the cluster yet.
 */
export async function sweepStatus(
  sweep: PreparedSweep,
  session: () => Promise<Session>,
  log: (line: string) => void,
): Promise<string[] | undefined> {
  const { results, goneRunDirs } = await currentResults(sweep, session, log);
  if (results.length === 0) return undefined;
  const counts = countStates(results.map((r) => r.state));
  const lines = [
    resultsTable(results),
    progressLine(sweep.request.jobName, { ...counts, total: sweep.items.length }),
    ...goneRunDirs.map((runDir) => goneRunFolder(runDir, sweep.request.cluster.name)),
  ];
  const neverRun = sweep.items.length - results.length;
  if (neverRun > 0) lines.push(`${neverRun} index(es) never submitted.`);
  return lines;
}
