import type { ExecutorContext } from '@nx/devkit';
import { sweepStatus } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { TARGETS } from '../../targets';
import { print, withSweep } from '../with-sweep';

/** Prints the table of the sweep's latest results (refreshing what is still running). */
export default function statusExecutor(options: RunFlags, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    async (sweep, session) => {
      const lines = await sweepStatus(sweep, session, print);
      if (lines === undefined) {
        print(
          `${sweep.request.jobName}: no run yet on ${sweep.request.cluster.name}. Start one with \`nx run ${context.projectName}:${TARGETS.array}\`.`,
        );
      } else lines.forEach(print);
      return true;
    },
    { allIndices: true },
  );
}
