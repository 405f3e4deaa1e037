import type { ExecutorContext } from '@nx/devkit';
import { prepareSweep } from '../../../launch';
import { sweepRequestOf } from '../../sweep-request';
import type { ArrayOptions } from './array-batch.impl';
import { dryRunReport, runSweeps } from './run-sweeps';

/**
 * One Nx task: the whole sweep (a project.json target with the sweep as options) or, without
 * batching, one `slurm-array--<i>` index. Success only if every index completed.
 */
export default async function arrayExecutor(
  options: ArrayOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const project = context.projectName!;
  const request = sweepRequestOf(context, project, options);
  if (options.dryRun) {
    process.stdout.write(`${dryRunReport(await prepareSweep(request))}\n`);
    return { success: true };
  }
  const indices = request.indices ?? request.vectors.map((_, i) => i);
  const task = `${project}:${context.targetName}`;
  let success = false;
  for await (const outcome of runSweeps([{ request, tasks: new Map([[task, indices]]) }], context)) {
    process.stdout.write(outcome.result.terminalOutput);
    success = outcome.result.success;
  }
  return { success };
}
