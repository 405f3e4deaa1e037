import type { ExecutorContext } from '@nx/devkit';
import { isSuccess } from '../../../slurm';
import {
  indexSummary,
  launchSweep,
  prepareSweep,
  resultsTable,
  SessionPool,
  type IndexResult,
  type PreparedSweep,
  type SweepRequest,
} from '../../../launch';
import { formatArgv } from '../../../shell';

/** How long Ctrl-C may wait for the partial uploads to be removed before exiting anyway. */
const INTERRUPT_CLEANUP_MS = 5000;

export interface SweepRun {
  /**
   * Each Nx task and the sweep indices it stands for: one (`slurm-array--<i>`) or all of them
   * (a project.json target whose options are the sweep).
   */
  tasks: Map<string, readonly number[]>;
  request: SweepRequest;
}

export interface TaskOutcome {
  task: string;
  result: { success: boolean; terminalOutput: string; startTime: number; endTime: number };
}

/**
 * Runs several projects' sweeps at once, over one session per cluster, and streams one outcome
 * per Nx task as each index ends. Every task is reported exactly once, also when something
 * crashes midway: Nx would otherwise wait for a task that never comes.
 */
export async function* runSweeps(runs: SweepRun[], context: ExecutorContext, wait = true): AsyncGenerator<TaskOutcome> {
  const startTime = Date.now();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const pool = new SessionPool(context.root, log);
  const reported = new Set<string>();
  const streams = runs.map((run) => streamRun(run, pool, log, wait, startTime));
  const onInterrupt = async () => {
    // the partial uploads are removed before exiting; what keeps running is said as it is
    log(`\n${await pool.interrupt(INTERRUPT_CLEANUP_MS)}`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    for await (const outcome of mergeStreams(streams)) {
      reported.add(outcome.task);
      yield outcome;
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await pool.closeAll();
    for (const run of runs) {
      for (const task of run.tasks.keys()) {
        if (reported.has(task)) continue;
        yield failure(task, `nx-slurm: no result for ${task}: the launch stopped before this index ended.`, startTime);
      }
    }
  }
}

async function* streamRun(
  run: SweepRun,
  pool: SessionPool,
  log: (line: string) => void,
  wait: boolean,
  startTime: number,
): AsyncGenerator<TaskOutcome> {
  const { jobName } = run.request;
  const tasksOfIndex = new Map<number, string[]>();
  for (const [task, indices] of run.tasks)
    for (const index of indices) tasksOfIndex.set(index, [...(tasksOfIndex.get(index) ?? []), task]);
  const collected = new Map<string, IndexResult[]>([...run.tasks.keys()].map((task) => [task, []]));
  const reported = new Set<string>();
  try {
    const prepared = await prepareSweep({ ...run.request, indices: [...tasksOfIndex.keys()] });
    for await (const index of launchSweep(prepared, () => pool.get(run.request.cluster), { wait, log })) {
      for (const task of tasksOfIndex.get(index.index) ?? []) {
        const results = collected.get(task)!;
        results.push(index);
        if (results.length < run.tasks.get(task)!.length) continue;
        reported.add(task);
        yield {
          task,
          result: {
            success: results.every((r) => isSuccess(r.state)),
            terminalOutput: taskOutput(jobName, results),
            startTime,
            endTime: Date.now(),
          },
        };
      }
    }
  } catch (error) {
    // printed once: with the first task not reported yet, which the others point at
    const message = `${jobName}: ${(error as Error).message ?? String(error)}`;
    const unreported = [...run.tasks.keys()].filter((task) => !reported.has(task));
    for (const [k, task] of unreported.entries())
      yield failure(task, k === 0 ? message : `nx-slurm: not run: see ${unreported[0]}`, startTime);
  }
}

/** One index: its summary and log tails. Several: the failures' summaries, then the table. */
function taskOutput(jobName: string, results: IndexResult[]): string {
  if (results.length === 1) return indexSummary(jobName, results[0]);
  const failures = results.filter((r) => !isSuccess(r.state)).map((r) => indexSummary(jobName, r));
  return [...failures, resultsTable(results)].join('\n') + '\n';
}

function failure(task: string, message: string, startTime: number): TaskOutcome {
  return { task, result: { success: false, terminalOutput: `${message}\n`, startTime, endTime: Date.now() } };
}

/** Yields from every stream as soon as any has a value. */
async function* mergeStreams<T>(streams: AsyncGenerator<T>[]): AsyncGenerator<T> {
  const next = (stream: AsyncGenerator<T>, slot: number) => stream.next().then((result) => ({ result, slot }));
  const pending = new Map(streams.map((stream, slot) => [slot, next(stream, slot)]));
  while (pending.size > 0) {
    const { result, slot } = await Promise.race(pending.values());
    if (result.done) pending.delete(slot);
    else {
      pending.set(slot, next(streams[slot], slot));
      yield result.value;
    }
  }
}

export function dryRunReport(prepared: PreparedSweep): string {
  const { plan, request } = prepared;
  const lines = [...prepared.notices, `${request.jobName} on ${request.cluster.name} (dry run, nothing sent):`];
  for (const { item } of plan.done) lines.push(`  ${item.index}: completed earlier, would be reported from the ledger`);
  for (const { item, entry } of plan.attach)
    lines.push(`  ${item.index}: would attach to job ${entry.jobId}_${entry.taskId}`);
  for (const item of plan.submit) lines.push(`  ${item.index}: would submit ${formatArgv(item.argv)}`);
  return lines.join('\n');
}
