import type { ExecutorContext } from '@nx/devkit';
import { markPhase, SessionPool, type Session, type SweepRecord, type SweepRequest } from '../../launch';
import { sweepRequestOf, type RunFlags } from '../sweep-request';

/**
 * The set-up the single-project executors share: the validated sweep of the project, read as
 * the work needs it (`readSweepRecord` for run management, `prepareSweep` to pack), and a
 * session opened only if the work needs the cluster, closed afterwards. Errors become a failed
 * task with the message, not a stack trace.
 */
export async function withSweep<T extends SweepRecord>(
  options: RunFlags,
  context: ExecutorContext,
  read: (request: SweepRequest, session: () => Promise<Session>) => Promise<T>,
  work: (sweep: T, session: () => Promise<Session>) => Promise<boolean>,
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
    const session = () => pool.get(request.cluster);
    return { success: await work(await read(request, session), session) };
  } catch (error) {
    process.stderr.write(`nx-slurm: ${(error as Error).message}\n`);
    return { success: false };
  } finally {
    await pool.closeAll();
  }
}

export const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
