import type { ExecutorContext } from '@nx/devkit';
import { markPhase, prepareSweep, SessionPool, type PreparedSweep, type Session } from '../../launch';
import { sweepRequestOf, type RunFlags } from '../sweep-request';

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
  markPhase('executor started');
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
    process.stderr.write(`nx-slurm: ${(error as Error).message}\n`);
    return { success: false };
  } finally {
    await pool.closeAll();
  }
}

export const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
