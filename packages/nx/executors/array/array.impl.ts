import type { ExecutorContext } from '@nx/devkit';
import { isSuccess } from '../../../slurm';
import { prepareSweep, resultsTable, type IndexResult } from '../../../launch';
import { argumentVectors } from '../../../sweep';
import { sweepRequestOf } from '../../sweep-request';
import type { ArrayOptions } from './array-batch.impl';
import { dryRunReport, runSweeps } from './run-sweeps';

/**
 * One Nx task: the whole sweep (a project.json target with the sweep as options) or, without
 * batching, one `slurm-array--<i>` index. Success only if every index completed.
 */
export default async function arrayExecutor(options: ArrayOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName!;
  const request = sweepRequestOf(context, project, options);
  if (options.dryRun) {
    process.stdout.write(`${dryRunReport(await prepareSweep(request))}\n`);
    return { success: true };
  }
  const indices = request.indices ?? argumentVectors(request.config).map((_, i) => i);
  const taskIds = new Map(indices.map((index) => [index, `${project}:${index}`]));
  const results: IndexResult[] = [];
  for await (const outcome of runSweeps([{ request: { ...request, indices }, taskIds }], context)) {
    if (outcome.index) results.push(outcome.index);
    else process.stdout.write(outcome.result.terminalOutput);
    if (outcome.index && !isSuccess(outcome.index.state)) process.stdout.write(outcome.result.terminalOutput);
  }
  if (results.length > 0) process.stdout.write(`\n${resultsTable(results)}\n`);
  return { success: results.length === indices.length && results.every((r) => isSuccess(r.state)) };
}
