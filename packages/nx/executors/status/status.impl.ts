import type { ExecutorContext } from '@nx/devkit';
import { currentResults, statusReport } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { TARGETS } from '../../targets';
import { print } from '../output';
import { withSweep } from '../with-sweep';

export interface StatusOptions extends RunFlags {
  /** Every row, also for a large sweep (which otherwise shows the rows not COMPLETED). */
  all?: boolean;
}

/** Prints the table of the sweep's latest results (refreshing what is still running). */
export default function statusExecutor(options: StatusOptions, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    async (sweep, session) => {
      const results = await currentResults(sweep, session, (line) => void print(line));
      if (results.length === 0) {
        await print(
          `${sweep.request.jobName}: no run yet on ${sweep.request.cluster.name}. Start one with \`nx run ${context.projectName}:${TARGETS.array}\`.`,
        );
        return true;
      }
      await print(
        statusReport(sweep.request.jobName, results, { total: sweep.items.length, all: options.all ?? false }),
      );
      return true;
    },
    { allIndices: true },
  );
}
