import type { ExecutorContext } from '@nx/devkit';
import { prepareSweep } from '../../../launch';
import { sweepRequestOf } from '../../sweep-request';
import { indexOfTarget } from '../../targets';
import type { ArrayOptions } from './array-batch.impl';
import { dryRunReport, runSweeps } from './run-sweeps';

/**
 * One Nx task: the whole sweep (a project.json target with the sweep as options) or, without
 * batching, one `slurm-array--<i>` index, which runs only if `--index` (when given) names it.
 * Success only if every index completed; an invalid configuration fails with its message.
 */
export default async function arrayExecutor(
  options: ArrayOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const project = context.projectName!;
  const own = indexOfTarget(context.targetName ?? '');
  let request;
  try {
    request = sweepRequestOf(context, project, options);
  } catch (error) {
    process.stderr.write(`nx-slurm: ${(error as Error).message}\n`);
    return { success: false };
  }
  if (own !== undefined && request.indices && !request.indices.includes(own)) {
    process.stdout.write(`${request.jobName}/${own}: not run (--index ${options.index} selects others)\n`);
    return { success: true };
  }
  const indices = own !== undefined ? [own] : (request.indices ?? request.vectors.map((_, i) => i));
  if (options.dryRun) {
    process.stdout.write(`${dryRunReport(await prepareSweep({ ...request, indices }))}\n`);
    return { success: true };
  }
  const task = `${project}:${context.targetName}`;
  let success = false;
  for await (const outcome of runSweeps([{ request, tasks: new Map([[task, indices]]) }], context)) {
    process.stdout.write(outcome.result.terminalOutput);
    success = outcome.result.success;
  }
  return { success };
}
