import type { TargetConfiguration } from '@nx/devkit';
import { formatArgv } from '../shell';
import { indexBlocks, libraryFolder, type IndexBlock, type ResolvedSweep } from '../sweep';

export const SWEEP_CONFIG_FILE = 'slurm.json';

/** Target names, one place: generators, docs and the batch executor all read them here. */
export const TARGETS = {
  bundle: 'slurm-bundle',
  array: 'slurm-array',
  submit: 'slurm-submit',
  status: 'slurm-status',
  logs: 'slurm-logs',
  cancel: 'slurm-cancel',
} as const;

export function indexTargetName(index: number): string {
  return `${TARGETS.array}--${index}`;
}

/** `slurm-array--<i>` for a single index, `slurm-array--<first>-<last>` for a block of them. */
export function taskTargetName({ first, last }: IndexBlock): string {
  return first === last ? indexTargetName(first) : `${TARGETS.array}--${first}-${last}`;
}

/** The indices a `slurm-array--<i>` or `slurm-array--<first>-<last>` target stands for; undefined for any other target. */
export function indicesOfTarget(target: string): IndexBlock | undefined {
  const match = /^slurm-array--(\d+)(?:-(\d+))?$/.exec(target);
  if (!match) return undefined;
  const block = { first: Number(match[1]), last: Number(match[2] ?? match[1]) };
  return block.first <= block.last ? block : undefined;
}

export interface SweepTargetsInput {
  /** Project root relative to the workspace (`apps/exp`). */
  projectRoot: string;
  sweep: Pick<ResolvedSweep, 'jobName' | 'command' | 'vectors' | 'indexTasks'>;
  /** The `libraries` entries as written. */
  libraries: readonly string[];
}

/**
 * `slurm.json` -> inferred targets, as plain data (the jest plugin's atomizer shape): one cached
 * task per index (`slurm-array--<i>`), or past `indexTasks` indices one per block of them
 * (`slurm-array--<first>-<last>`, sweep/index-blocks.ts), the `slurm-array` aggregator, and
 * the run-management targets.
 */
export function sweepTargets(input: SweepTargetsInput): Record<string, TargetConfiguration> {
  const { projectRoot, sweep, libraries } = input;
  const { jobName, command, vectors } = sweep;
  const sourceInputs = [
    'default',
    '^default',
    // Nx has not found the projects yet when it infers targets, so the entries are not resolved
    // here: an entry that is a folder ships that folder (this glob), one that names a project
    // ships the project (`^default`, through the edge of createDependencies); the other glob
    // matches nothing.
    ...libraries.map((entry) => `{workspaceRoot}/${libraryFolder(entry)}/**/*`),
    { env: 'NX_SLURM_CLUSTER' },
  ];
  const blocks = indexBlocks(vectors.length, sweep.indexTasks);
  const described = (index: number) => formatArgv([...command, ...vectors[index]]);
  const taskTargets: Record<string, TargetConfiguration> = {};
  for (const block of blocks) {
    const single = block.first === block.last;
    taskTargets[taskTargetName(block)] = {
      executor: 'nx-slurm:array',
      options: single ? { index: block.first } : { indices: `${block.first}-${block.last}` },
      cache: true,
      inputs: sourceInputs,
      outputs: [],
      metadata: {
        technologies: ['slurm'],
        description: single
          ? `${jobName}/${block.first}: ${described(block.first)}`
          : `${jobName}/${block.first}-${block.last}: ${block.last - block.first + 1} indices, from ${described(block.first)}`,
      },
    };
  }
  const manage = (executor: string, description: string): TargetConfiguration => ({
    executor: `nx-slurm:${executor}`,
    cache: false,
    metadata: { technologies: ['slurm'], description },
  });
  return {
    [TARGETS.bundle]: {
      executor: 'nx-slurm:bundle',
      cache: true,
      inputs: sourceInputs.filter((i) => typeof i === 'string'),
      outputs: [`{workspaceRoot}/dist/nx-slurm/${projectRoot || '.'}`],
      metadata: { technologies: ['slurm'], description: 'Reproducible tarballs of the source and each library' },
    },
    ...taskTargets,
    [TARGETS.array]: {
      executor: 'nx:noop',
      cache: false,
      dependsOn: blocks.map((block) => ({ target: taskTargetName(block), params: 'forward' as const })),
      metadata: {
        technologies: ['slurm'],
        description: `Run the ${vectors.length}-index sweep ${jobName} as one Slurm job array`,
      },
    },
    [TARGETS.submit]: manage('submit', 'Submit the sweep (or attach to its run) and return without waiting'),
    [TARGETS.status]: manage('status', 'Table of the latest run: index, arguments, state, exit code, elapsed, node'),
    [TARGETS.logs]: manage('logs', 'Print one index log: --index <i> [--stderr] [--follow]'),
    [TARGETS.cancel]: manage('cancel', 'Cancel the run, or one index with --index <i>'),
  };
}

export function targetGroups(sweep: Pick<ResolvedSweep, 'vectors' | 'indexTasks'>): Record<string, string[]> {
  return {
    'Slurm sweep': [
      TARGETS.array,
      ...indexBlocks(sweep.vectors.length, sweep.indexTasks).map(taskTargetName),
      TARGETS.submit,
      TARGETS.status,
      TARGETS.logs,
      TARGETS.cancel,
      TARGETS.bundle,
    ],
  };
}
