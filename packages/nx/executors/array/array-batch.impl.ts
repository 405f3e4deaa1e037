import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { prepareSweep } from '../../../launch';
import { argumentVectors } from '../../../sweep';
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
  for (const task of invalid.tasks) yield { task, result: { success: false, terminalOutput: `${invalid.messages.get(task)}\n` } };
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
 * Groups tasks by project into one sweep run each (pure apart from reading slurm.json); a project
 * whose configuration is invalid fails its tasks with the validation message.
 */
export function planRuns(
  taskIds: string[],
  taskGraph: TaskGraph,
  inputs: Record<string, ArrayOptions>,
  overrides: ArrayOptions,
  context: ExecutorContext,
): { runs: SweepRun[]; invalid: { tasks: string[]; messages: Map<string, string> } } {
  const byProject = new Map<string, string[]>();
  for (const id of taskIds) {
    const project = taskGraph.tasks[id].target.project;
    byProject.set(project, [...(byProject.get(project) ?? []), id]);
  }
  const runs: SweepRun[] = [];
  const invalid = { tasks: [] as string[], messages: new Map<string, string>() };
  for (const [project, ids] of byProject) {
    try {
      const options = { ...inputs[ids[0]], ...overrides };
      const request = sweepRequestOf(context, project, { ...options, index: undefined });
      const everyIndex = argumentVectors(request.config).map((_, index) => index);
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
