import { currentResults } from './inspect';
import type { SweepRecord } from './prepare';
import { countStates, progressLine, resultsTable } from './report';
import type { Session } from './session';

/**
 * For each sweep, the table of its latest results (what is still running refreshed, one poll
 * per cluster for all of them), its progress line and how many indices never ran; undefined
 * for a sweep that has not run on its cluster yet.
 */
export async function sweepStatuses(
  sweeps: readonly SweepRecord[],
  sessionOf: (sweep: SweepRecord) => Promise<Session>,
  log: (line: string) => void,
): Promise<(string[] | undefined)[]> {
  const results = await currentResults(sweeps, sessionOf, log);
  return sweeps.map((sweep, k) => {
    if (results[k].length === 0) return undefined;
    const counts = countStates(results[k].map((r) => r.state));
    const lines = [
      resultsTable(results[k]),
      progressLine(sweep.request.jobName, { ...counts, total: sweep.items.length }),
    ];
    const neverRun = sweep.items.length - results[k].length;
    if (neverRun > 0) lines.push(`${neverRun} index(es) never submitted.`);
    return lines;
  });
}
