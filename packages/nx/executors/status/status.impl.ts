import type { ExecutorContext } from '@nx/devkit';
import { currentResults, readSweepRecord } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { print, withSweep } from '../with-sweep';
import { statusReport } from './status-report';

/** Prints the table of the sweep's latest results (refreshing what is still running). */
export default function statusExecutor(options: RunFlags, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    readSweepRecord,
    async (sweep, session) => {
      const [results] = await currentResults([sweep], session, print);
      print(statusReport(sweep, results, context.projectName!));
      return true;
    },
    { allIndices: true },
  );
}
