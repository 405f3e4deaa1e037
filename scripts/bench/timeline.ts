/**
 * Where one command's time went, from its output: the lines `NX_SLURM_TIMELINE=1` makes
 * nx-slurm print (packages/launch/timeline.ts: wall-clock time of each phase's end) and Nx's
 * own progress lines. Pure.
 */
import type { Line } from './processes';
import { median } from './stats';

export interface Phase {
  name: string;
  /** ms since the command was spawned */
  atMs: number;
}

/** Nx's header of a run with dependencies (`Running target slurm-array for project ...`): the graph is built. */
export const GRAPH_READY = 'Nx graph ready';
/** Nx's line when it starts a task (`> nx run ...`) or hands a batch over (`Running 100 tasks with ...`). */
export const TASK_STARTED = 'Nx started the task';
export const EXECUTOR_STARTED = 'executor started';
export const JOB_RECORDED = 'job recorded';
export const EXIT = 'exit';

const TIMELINE_LINE = /^nx-slurm timeline: (\d+(?:\.\d+)?) (.+)$/;
/** Nx's own lines, by the phase that has ended when each appears (its first appearance counts). */
const NX_LINES: [string, RegExp][] = [
  [GRAPH_READY, /^NX\s+Running target \S+ for project/],
  [TASK_STARTED, /^(> nx run \S+:\S+|NX\s+Running \d+ tasks with )/],
];

/** The phases of one run in time order; `startedAt` is the spawn's wall-clock time (ms since the epoch). */
export function phasesOf(run: { startedAt: number; ms: number; lines: Line[] }): Phase[] {
  const phases: Phase[] = [];
  for (const line of run.lines) {
    const text = line.text.trim();
    const mark = TIMELINE_LINE.exec(text);
    if (mark) {
      phases.push({ name: mark[2], atMs: Number(mark[1]) - run.startedAt });
      continue;
    }
    const nx = NX_LINES.find(([name, pattern]) => pattern.test(text) && !phases.some((p) => p.name === name));
    if (nx) phases.push({ name: nx[0], atMs: line.t });
  }
  phases.push({ name: EXIT, atMs: run.ms });
  return phases.sort((a, b) => a.atMs - b.atMs);
}

/** nx-slurm's own part of a launch: from its executor's start to the job id recorded. */
export function ownPartMs(phases: Phase[]): number | undefined {
  const start = phases.find((p) => p.name === EXECUTOR_STARTED);
  const end = [...phases].reverse().find((p) => p.name === JOB_RECORDED);
  return start && end ? end.atMs - start.atMs : undefined;
}

/** Each phase's median time over runs, in the order of the run that has the most phases. */
export function medianTimeline(runs: Phase[][]): Phase[] {
  if (runs.length === 0) return [];
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a));
  const names = [...new Set(longest.map((p) => p.name))];
  return names.map((name) => ({
    name,
    atMs: median(runs.flatMap((phases) => phases.filter((p) => p.name === name).map((p) => p.atMs))),
  }));
}

/** `Time taken for 'X' 12.3ms` lines of NX_PERF_LOGGING: the longest entry per name. */
export function perfEntries(text: string): Map<string, number> {
  const entries = new Map<string, number>();
  for (const match of text.matchAll(/^Time taken for '(.+)' ([\d.]+)ms$/gm)) {
    entries.set(match[1], Math.max(entries.get(match[1]) ?? 0, Number(match[2])));
  }
  return entries;
}
