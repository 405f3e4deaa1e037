import type { ExecutorContext } from '@nx/devkit';
import { cancelSweep, elementRanges, inspectSweep } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { print } from '../output';
import { withSweep } from '../with-sweep';

/** Cancels the sweep's queued and running elements, or only `--index <i>`. */
export default function cancelExecutor(options: RunFlags, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    inspectSweep,
    async (sweep, session) => {
      const indices = options.index === undefined ? undefined : [Number(options.index)];
      const cancelled = await cancelSweep(sweep, session, indices, (line) => void print(line));
      await print(
        cancelled.length === 0
          ? `${sweep.request.jobName}: nothing queued or running to cancel.`
          : `${sweep.request.jobName}: cancelled ${elementRanges(cancelled)} (${cancelled.length} index(es)). A rerun resubmits them.`,
      );
      return true;
    },
    { allIndices: true },
  );
}
