import type { ExecutorContext } from '@nx/devkit';
import { inspectSweep, sweepStatus } from '../../../launch';
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
    inspectSweep,
    async (sweep, session) => {
      const report = await sweepStatus(sweep, session, (line) => void print(line), { all: options.all ?? false });
      await print(
        report ??
          `${sweep.request.jobName}: no run yet on ${sweep.request.cluster.name}. Start one with \`nx run ${context.projectName}:${TARGETS.array}\`.`,
      );
      return true;
    },
    { allIndices: true },
  );
}
