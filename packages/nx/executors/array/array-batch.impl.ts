import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { prepareSweep } from '../../../launch';
import { indexOfTarget } from '../../targets';
import { sweepRequestOf, type RunFlags } from '../../sweep-request';
import { dryRunReport, runSweeps, type SweepRun } from './run-sweeps';

export type ArrayOptions = RunFlags;

/** Nx's batch result shape (its own type lives in @nx/devkit/internal). */
interface BatchResult {
  task: string;
  result: { success: boolean; terminalOutput: string; startTime?: number; endTime?: number };
}

/**
 * Every `slurm-array--<i>` task Nx hands over at once: one job array per project (all its
 * indices that need to run), results streamed per index as they end.
 */
export default async function* arrayBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, ArrayOptions>,
  overrides: ArrayOptions,
  context: ExecutorContext,
): AsyncGenerator<BatchResult> {
  const { runs, invalid, unselected } = planRuns(Object.keys(inputs), taskGraph, inputs, overrides, context);
  for (const [task, message] of invalid) yield { task, result: { success: false, terminalOutput: `${message}\n` } };
  // a success Nx caches under this --index only: the flag is part of every task's hash
  for (const [task, line] of unselected) yield { task, result: { success: true, terminalOutput: `${line}\n` } };
  if (overrides.dryRun) {
    for (const run of runs) {
      const indices = [...new Set([...run.tasks.values()].flat())];
      process.stdout.write(`${dryRunReport(await prepareSweep({ ...run.request, indices }))}\n`);
      for (const task of run.tasks.keys()) yield { task, result: { success: true, terminalOutput: 'dry run\n' } };
    }
    return;
  }
  yield* runSweeps(runs, context);
}

/**
 * Groups tasks into one sweep run per sweep: a project's slurm.json, or a target whose options
 * are the sweep (pure apart from reading slurm.json). A `slurm-array--<i>` task stands for its
 * own index whatever `--index` says (Nx forwards the flag to every index of `slurm-array`):
 * `--index` selects which of them run, and the others are reported as not selected. A sweep
 * whose configuration is invalid fails its tasks with the validation message.
 */
export function planRuns(
  taskIds: string[],
  taskGraph: TaskGraph,
  inputs: Record<string, ArrayOptions>,
  overrides: ArrayOptions,
  context: ExecutorContext,
): { runs: SweepRun[]; invalid: Map<string, string>; unselected: Map<string, string> } {
  const bySweep = new Map<string, string[]>();
  for (const id of taskIds) {
    const { project, target } = taskGraph.tasks[id].target;
    const sweep = `${project}:${typeof inputs[id].command === 'string' ? target : 'slurm.json'}`;
    bySweep.set(sweep, [...(bySweep.get(sweep) ?? []), id]);
  }
  const runs: SweepRun[] = [];
  const invalid = new Map<string, string>();
  const unselected = new Map<string, string>();
  for (const ids of bySweep.values()) {
    const { project, target } = taskGraph.tasks[ids[0]].target;
    try {
      const options = { ...inputs[ids[0]], ...overrides };
      const request = sweepRequestOf(context, project, { ...options, index: overrides.index }, target);
      const selected = [...(request.indices ?? request.vectors.map((_, index) => index))];
      const tasks = new Map<string, number[]>();
      for (const id of ids) {
        const own = indexOfTarget(taskGraph.tasks[id].target.target);
        if (own === undefined) tasks.set(id, selected);
        else if (selected.includes(own)) tasks.set(id, [own]);
        else unselected.set(id, `${request.jobName}/${own}: not run (--index ${overrides.index} selects others)`);
      }
      if (tasks.size > 0) runs.push({ request: { ...request, indices: undefined }, tasks });
    } catch (error) {
      // the message once, with the first task; the others point at it
      ids.forEach((id, k) => invalid.set(id, k === 0 ? (error as Error).message : `nx-slurm: not run: see ${ids[0]}`));
    }
  }
  return { runs, invalid, unselected };
}
