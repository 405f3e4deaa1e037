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
  const { runs, invalid } = planRuns(Object.keys(inputs), taskGraph, inputs, overrides, context);
  for (const task of invalid.tasks)
    yield { task, result: { success: false, terminalOutput: `${invalid.messages.get(task)}\n` } };
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
 * are the sweep (pure apart from reading slurm.json). A sweep whose configuration is invalid
 * fails its tasks with the validation message.
 */
export function planRuns(
  taskIds: string[],
  taskGraph: TaskGraph,
  inputs: Record<string, ArrayOptions>,
  overrides: ArrayOptions,
  context: ExecutorContext,
): { runs: SweepRun[]; invalid: { tasks: string[]; messages: Map<string, string> } } {
  const bySweep = new Map<string, string[]>();
  for (const id of taskIds) {
    const { project, target } = taskGraph.tasks[id].target;
    const sweep = `${project}:${typeof inputs[id].command === 'string' ? target : 'slurm.json'}`;
    bySweep.set(sweep, [...(bySweep.get(sweep) ?? []), id]);
  }
  const runs: SweepRun[] = [];
  const invalid = { tasks: [] as string[], messages: new Map<string, string>() };
  for (const ids of bySweep.values()) {
    const { project } = taskGraph.tasks[ids[0]].target;
    try {
      const options = { ...inputs[ids[0]], ...overrides };
      const request = sweepRequestOf(context, project, { ...options, index: undefined });
      const everyIndex = request.vectors.map((_, index) => index);
      const tasks = new Map<string, number[]>();
      for (const id of ids) {
        const index = inputs[id].index ?? indexOfTarget(taskGraph.tasks[id].target.target);
        tasks.set(id, index === undefined ? everyIndex : [Number(index)]);
      }
      runs.push({ request, tasks });
    } catch (error) {
      for (const id of ids) {
        invalid.tasks.push(id);
        invalid.messages.set(id, (error as Error).message);
      }
    }
  }
  return { runs, invalid };
}
