import { ConfigError, type ResolvedCluster, type Resources, type SweepConfig } from '../config';
import { splitShellWords } from '../shell';
import { argumentVectors } from './argument-vectors';

/** A project's validated sweep and where it came from. */
export interface SweepSource {
  readonly config: SweepConfig;
  /** Workspace-relative file the config was read from: every error names it. */
  readonly file: string;
  /** The Nx project's name: the job name when the config sets none. */
  readonly projectName: string;
}

/**
 * A project's sweep worked out once. The inferred targets, the executors and the launcher all
 * read this, so the indices Nx shows are the ones that run, with the same words.
 */
export interface ResolvedSweep {
  readonly jobName: string;
  /** `command` split into words: the start of every index's argv. */
  readonly command: readonly string[];
  /** Index i runs `command` followed by vectors[i]; never empty. */
  readonly vectors: readonly (readonly string[])[];
  /** The cluster profile's resources, overridden field by field by the sweep's; `extra` flags of both. */
  readonly resources: Readonly<Resources>;
  /** The cluster profile's setup lines, then the sweep's. */
  readonly setup: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly maxConcurrent?: number;
  /** Resubmissions of an index lost to the infrastructure. */
  readonly retries: number;
  /** Globs of project files left out of the bundle. */
  readonly exclude: readonly string[];
  /** Globs of project files shipped although they look like secrets. */
  readonly include: readonly string[];
}

/**
 * Vectors, words, job name and the merge with the cluster profile (pure). Without a cluster
 * (createNodes, before a run has picked one) resources and setup are the sweep's own.
 */
export function resolveSweep(source: SweepSource, cluster?: ResolvedCluster): ResolvedSweep {
  const { config, file, projectName } = source;
  const vectors = argumentVectors(config);
  if (vectors.length === 0) {
    throw new ConfigError({
      file,
      path: 'matrix',
      expected: 'at least one argument vector',
      found: 'an empty sweep (every matrix point excluded, or an empty list)',
    });
  }
  const profile = cluster?.profile;
  return {
    jobName: config.jobName ?? projectName,
    command: splitShellWords(config.command),
    vectors,
    // `extra` is always present: the resources are part of every index's fingerprint
    resources: {
      ...profile?.resources,
      ...config.resources,
      extra: [...(profile?.resources?.extra ?? []), ...(config.resources?.extra ?? [])],
    },
    setup: [...(profile?.setup ?? []), ...(config.setup ?? [])],
    env: config.env ?? {},
    maxConcurrent: config.maxConcurrent,
    retries: config.retries,
    exclude: config.exclude ?? [],
    include: config.include ?? [],
  };
}
