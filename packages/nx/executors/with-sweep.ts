import type { ExecutorContext } from '@nx/devkit';
import { markPhase, SessionPool, type InspectedSweep, type Session, type SweepRequest } from '../../launch';
import { sweepRequestOf, type RunFlags } from '../sweep-request';
import { printError } from './output';

/**
 * The set-up the run-management executors share: the validated sweep of the project, loaded by
 * `load` (`prepareSweep` builds the bundles a launch needs, `inspectSweep` only reads the
 * ledger: status, logs and cancel never pack the project), and a session opened only if the
 * work needs the cluster, closed afterwards. Errors become a failed task with the message,
 * not a stack trace.
 */
export async function withSweep<Sweep extends InspectedSweep>(
  options: RunFlags,
  context: ExecutorContext,
  load: (request: SweepRequest) => Promise<Sweep>,
  work: (sweep: Sweep, session: () => Promise<Session>) => Promise<boolean>,
  requestOptions: { allIndices?: boolean } = {},
): Promise<{ success: boolean }> {
  markPhase('executor started');
  const pool = new SessionPool(context.root);
  try {
    const request = sweepRequestOf(
      context,
      context.projectName!,
      requestOptions.allIndices ? { ...options, index: undefined } : options,
    );
    const sweep = await load(request);
    return { success: await work(sweep, () => pool.get(request.cluster)) };
  } catch (error) {
    await printError(`nx-slurm: ${(error as Error).message}`);
    return { success: false };
  } finally {
    await pool.closeAll();
  }
}
