import type { ExecutorContext } from '@nx/devkit';
import { prepareSweep, SessionPool, type PreparedSweep, type Session } from '../../launch';
import { sweepRequestOf, type RunFlags } from '../sweep-request';

/**
 * The set-up the run-management executors share: the validated sweep of the project, the
 * indices `--index` selects, and a session opened only if the work needs the cluster, closed
 * afterwards. Errors become a failed task with the message, printed once, not a stack trace.
 */
export async function withSweep(
  options: RunFlags,
  context: ExecutorContext,
  work: (sweep: PreparedSweep, session: () => Promise<Session>, selected?: readonly number[]) => Promise<boolean>,
  requestOptions: { allIndices?: boolean } = {},
): Promise<{ success: boolean }> {
  const pool = new SessionPool(context.root);
  try {
    // --index is checked against the sweep here, for every executor; `allIndices` ones (status,
    // logs, cancel, bundle) still see the whole sweep and get the selection apart
    const request = sweepRequestOf(context, context.projectName!, options);
    const sweep = await prepareSweep(requestOptions.allIndices ? { ...request, indices: undefined } : request);
    return { success: await work(sweep, () => pool.get(request.cluster), request.indices) };
  } catch (error) {
    process.stderr.write(`nx-slurm: ${(error as Error).message}\n`);
    return { success: false };
  } finally {
    await pool.closeAll();
  }
}

export const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
