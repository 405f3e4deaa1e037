import { currentResults } from './inspect';
import { goneRunFolder } from './refresh';
import type { InspectedSweep } from './prepare';
import type { Session } from './session';
import { statusReport } from './status-report';

/**
 * The report of the sweep's latest results (refreshing what is still running): the table, the
 * count of each state, the progress line, how many indices never ran and the run folders gone
 * from the cluster; undefined when nothing has run on the cluster yet. `all`: every row also of
 * a large sweep.
 */
export async function sweepStatus(
  sweep: InspectedSweep,
  session: () => Promise<Session>,
  log: (line: string) => void,
  options: { all: boolean },
): Promise<string | undefined> {
  const { results, goneRunDirs } = await currentResults(sweep, session, log);
  if (results.length === 0) return undefined;
  const report = statusReport(sweep.request.jobName, results, { total: sweep.items.length, all: options.all });
  const gone = goneRunDirs.map((runDir) => goneRunFolder(runDir, sweep.request.cluster.name));
  return [report, ...gone].join('\n');
}
