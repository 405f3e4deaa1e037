import type { ExecutorContext } from '@nx/devkit';
import { readSweepRecord, sweepStatuses } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { print, withSweep } from '../with-sweep';
import { statusLines } from './status-lines';

/** Prints the table of the sweep's latest results (refreshing what is still running). */
export default function statusExecutor(options: RunFlags, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    readSweepRecord,
    async (sweep, session) => {
      const [status] = await sweepStatuses([sweep], session, print);
      statusLines(sweep, status, context.projectName!).forEach(print);
      return true;
    },
    { allIndices: true },
  );
}
