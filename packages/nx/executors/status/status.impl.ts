import type { ExecutorContext } from '@nx/devkit';
import { countStates, currentResults, goneRunFolder, progressLine, resultsTable } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { TARGETS } from '../../targets';
import { print, withSweep } from '../with-sweep';

/** Prints the table of the sweep's latest results (refreshing what is still running). */
export default function statusExecutor(options: RunFlags, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    async (sweep, session) => {
      const { results, goneRunDirs } = await currentResults(sweep, session, print);
      if (results.length === 0) {
        print(
          `${sweep.request.jobName}: no run yet on ${sweep.request.cluster.name}. Start one with \`nx run ${context.projectName}:${TARGETS.array}\`.`,
        );
        return true;
      }
      print(resultsTable(results));
      for (const runDir of goneRunDirs) print(goneRunFolder(runDir, sweep.request.cluster.name));
      const counts = countStates(results.map((r) => r.state));
      print(progressLine(sweep.request.jobName, { ...counts, total: sweep.items.length }));
      const neverRun = sweep.items.length - results.length;
      if (neverRun > 0) print(`${neverRun} index(es) never submitted.`);
      return true;
    },
    { allIndices: true },
  );
}
