import type { ExecutorContext } from '@nx/devkit';
import { prepareSweep, SessionPool, type PreparedSweep, type Session } from '../../launch';
import { sweepRequestOf, type RunFlags } from '../sweep-request';
import { printError } from './output';

/**
 * The set-up the run-management executors share: the validated sweep of the project and a
 * session opened only if the work needs the cluster, closed afterwards. Errors become a failed
 * task with the message, not a stack trace.
 */
export async function withSweep(
  options: RunFlags,
  context: ExecutorContext,
  work: (sweep: PreparedSweep, session: () => Promise<Session>) => Promise<boolean>,
  requestOptions: { allIndices?: boolean } = {},
): Promise<{ success: boolean }> {
  const pool = new SessionPool(context.root);
  try {
    const request = sweepRequestOf(
      context,
      context.projectName!,
      requestOptions.allIndices ? { ...options, index: undefined } : options,
    );
    const sweep = await prepareSweep(request);
    return { success: await work(sweep, () => pool.get(request.cluster)) };
  } catch (error) {
    await printError(`nx-slurm: ${(error as Error).message}`);
    return { success: false };
  } finally {
    await pool.closeAll();
  }
}
