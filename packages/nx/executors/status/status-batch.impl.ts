import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { markPhase, readSweepRecord, SessionPool, sweepStatuses, type SweepRecord } from '../../../launch';
import { sweepRequestOf, type RunFlags } from '../../sweep-request';
import type { BatchResult } from '../batch-result';
import { statusLines } from './status-lines';

/**
 * Every `slurm-status` task of one Nx invocation at once (`nx run-many -t slurm-status`): one
 * session per cluster, and the unfinished indices of all the sweeps refreshed with one poll.
 */
export default async function* statusBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, RunFlags>,
  overrides: RunFlags,
  context: ExecutorContext,
): AsyncGenerator<BatchResult> {
  markPhase('executor started');
  const read: { task: string; project: string; sweep: SweepRecord }[] = [];
  for (const task of Object.keys(inputs)) {
    const { project } = taskGraph.tasks[task].target;
    try {
      const request = sweepRequestOf(context, project, { ...inputs[task], ...overrides, index: undefined });
      read.push({ task, project, sweep: await readSweepRecord(request) });
    } catch (error) {
      yield failure(task, error);
    }
  }
  const notices: string[] = [];
  const pool = new SessionPool(context.root);
  try {
    const statuses = await sweepStatuses(
      read.map((r) => r.sweep),
      (sweep) => pool.get(sweep.request.cluster),
      (line) => notices.push(line),
    );
    for (const [k, { task, project, sweep }] of read.entries()) {
      const lines = [
        ...notices.filter((line) => line.startsWith(`${sweep.request.jobName}: `)),
        ...statusLines(sweep, statuses[k], project),
      ];
      yield { task, result: { success: true, terminalOutput: `${lines.join('\n')}\n` } };
    }
  } catch (error) {
    for (const { task } of read) yield failure(task, error);
  } finally {
    await pool.closeAll();
  }
}

function failure(task: string, error: unknown): BatchResult {
  return { task, result: { success: false, terminalOutput: `nx-slurm: ${(error as Error).message}\n` } };
}
