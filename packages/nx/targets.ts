import type { TargetConfiguration } from '@nx/devkit';
import { formatArgv } from '../shell';
import { libraryFolder, type ResolvedSweep } from '../sweep';

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

/** The index of a `slurm-array--<i>` target, or undefined for any other target name. */
export function indexOfTarget(target: string): number | undefined {
  const match = /^slurm-array--(\d+)$/.exec(target);
  return match ? Number(match[1]) : undefined;
}

export interface SweepTargetsInput {
  /** Project root relative to the workspace (`apps/exp`). */
  projectRoot: string;
  sweep: Pick<ResolvedSweep, 'jobName' | 'command' | 'vectors'>;
  /** The `libraries` entries as written. */
  libraries: readonly string[];
}

/**
 * `slurm.json` -> inferred targets, as plain data (the jest plugin's atomizer shape): one cached
 * `slurm-array--<i>` per index, the `slurm-array` aggregator, and the run-management targets.
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
  const indexTargets: Record<string, TargetConfiguration> = {};
  vectors.forEach((argv, index) => {
    indexTargets[indexTargetName(index)] = {
      executor: 'nx-slurm:array',
      options: { index },
      cache: true,
      inputs: sourceInputs,
      outputs: [],
      metadata: {
        technologies: ['slurm'],
        description: `${jobName}/${index}: ${formatArgv([...command, ...argv])}`,
      },
    };
  });
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
    ...indexTargets,
    [TARGETS.array]: {
      executor: 'nx:noop',
      cache: false,
      dependsOn: vectors.map((_, index) => ({ target: indexTargetName(index), params: 'forward' as const })),
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

/** The executor option a refused project's targets carry: why its sweep cannot run. */
export const REFUSED_OPTION = 'refusedBecause';

/**
 * The targets of a project whose sweep is refused (an invalid slurm.json, a jobName another
 * project has): the same names, so the project keeps its place in the graph and the other
 * projects keep working, each failing with `reason` when run.
 */
export function refusedSweepTargets(reason: string): Record<string, TargetConfiguration> {
  const refused = (executor: string): TargetConfiguration => ({
    executor: `nx-slurm:${executor}`,
    options: { [REFUSED_OPTION]: reason },
    cache: false,
    metadata: { technologies: ['slurm'], description: `Refused: ${reason.split('\n')[0]}` },
  });
  return {
    [TARGETS.bundle]: refused('bundle'),
    [TARGETS.array]: refused('array'),
    [TARGETS.submit]: refused('submit'),
    [TARGETS.status]: refused('status'),
    [TARGETS.logs]: refused('logs'),
    [TARGETS.cancel]: refused('cancel'),
  };
}

export function targetGroups(vectors: ResolvedSweep['vectors']): Record<string, string[]> {
  return {
    'Slurm sweep': [
      TARGETS.array,
      ...vectors.map((_, index) => indexTargetName(index)),
      TARGETS.submit,
      TARGETS.status,
      TARGETS.logs,
      TARGETS.cancel,
      TARGETS.bundle,
    ],
  };
}
