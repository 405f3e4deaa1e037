import type { ExecutorContext } from '@nx/devkit';
import { cancelSweep } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { print, withSweep } from '../with-sweep';

/** Cancels the sweep's queued and running elements, or only `--index <i>`. */
export default function cancelExecutor(options: RunFlags, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    async (sweep, session, selected) => {
      const cancelled = await cancelSweep(sweep, session, selected);
      print(
        cancelled.length === 0
          ? `${sweep.request.jobName}: nothing queued or running to cancel.`
          : `${sweep.request.jobName}: cancelled ${cancelled.map((e) => `${e.jobId}_${e.taskId}`).join(', ')}. A rerun resubmits them.`,
      );
      return true;
    },
    { allIndices: true },
  );
}
