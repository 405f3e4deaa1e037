import { join } from 'node:path';
import { BundleCache, bundleProject, type Bundle } from '../bundle';
import { WORKSPACE_STATE_DIR, type ResolvedCluster, type SweepConfig } from '../config';
import { timeLimitSeconds, type SbatchResources } from '../slurm';
import { splitShellWords } from '../shell';
import { argumentVectors, fingerprint } from '../sweep';
import { LedgerFile, type Ledger } from './ledger';
import { planLaunch, type LaunchPlan, type SweepIndex } from './plan';

/** Everything a launch needs to know about one project's sweep, resolved by the Nx adapter. */
export interface SweepRequest {
  workspaceRoot: string;
  /** Workspace-relative project root. */
  projectRoot: string;
  jobName: string;
  config: SweepConfig;
  /** Libraries as workspace-relative folders, in `libraries` order. */
  libraries: { name: string; root: string }[];
  cluster: ResolvedCluster;
  /** Sweep indices to run; all when absent. */
  indices?: number[];
  force?: boolean;
}

export interface PreparedSweep {
  request: SweepRequest;
  project: Bundle;
  libraries: { name: string; bundle: Bundle }[];
  /** `command` split into words: argv[0] of every index. */
  command: string[];
  resources: SbatchResources;
  /** The wall-clock limit the `local` scheduler enforces (Slurm reads `--time` from the script). */
  timeLimitSeconds?: number;
  setup: string[];
  env: Record<string, string>;
  /** Every vector of the sweep (for tables), and the requested ones with their fingerprints. */
  vectors: string[][];
  items: SweepIndex[];
  ledgerFile: LedgerFile;
  ledger: Ledger;
  plan: LaunchPlan;
}

/** Files that describe the sweep rather than being its code: editing them must not rerun every index. */
const SWEEP_DESCRIPTION_FILES = ['slurm.json', 'project.json'];

/** Bundles, fingerprints and the plan: everything decided before any connection is opened. */
export async function prepareSweep(request: SweepRequest): Promise<PreparedSweep> {
  const { config, cluster } = request;
  const cache = new BundleCache(join(request.workspaceRoot, WORKSPACE_STATE_DIR, 'bundles'));
  const project = await bundleProject({
    root: join(request.workspaceRoot, request.projectRoot),
    exclude: [...(config.exclude ?? []), ...SWEEP_DESCRIPTION_FILES],
    cache,
  });
  const libraries = await Promise.all(
    request.libraries.map(async (library) => ({
      name: library.name,
      bundle: await bundleProject({ root: join(request.workspaceRoot, library.root), cache }),
    })),
  );
  const command = splitShellWords(config.command);
  const resources: SbatchResources = {
    ...cluster.profile.resources,
    ...config.resources,
    extra: [...(cluster.profile.resources?.extra ?? []), ...(config.resources?.extra ?? [])],
  };
  const setup = [...(cluster.profile.setup ?? []), ...(config.setup ?? [])];
  const env = config.env ?? {};
  const vectors = argumentVectors(config);
  const bundleHashes = [project.sha256, ...libraries.map((l) => l.bundle.sha256)];
  const wanted = request.indices ?? vectors.map((_, index) => index);
  const outside = wanted.filter((index) => !(index >= 0 && index < vectors.length));
  if (outside.length > 0) {
    throw new Error(
      `${request.jobName}: the sweep has ${vectors.length} indices (0-${vectors.length - 1}); there is no index ${outside.join(', ')}. Was slurm.json edited while Nx ran?`,
    );
  }
  const occurrences = occurrenceOfEach(vectors);
  const items = wanted.map((index) => ({
    index,
    argv: vectors[index],
    occurrence: occurrences[index],
    // no index: a vector that moves to another index when the matrix grows is still done; the
    // occurrence keeps replicates (the same arguments listed several times) apart
    fingerprint: fingerprint({
      bundles: bundleHashes,
      command,
      argv: vectors[index],
      env,
      setup,
      resources,
      replicate: occurrences[index] || undefined,
    }),
  }));
  const ledgerFile = LedgerFile.at(request.workspaceRoot, cluster.name, request.jobName);
  const ledger = await ledgerFile.read();
  const plan = planLaunch(items, ledger, request.force ?? false);
  const limit = resources.time === undefined ? undefined : timeLimitSeconds(resources.time);
  return {
    request,
    project,
    libraries,
    command,
    resources,
    timeLimitSeconds: limit,
    setup,
    env,
    vectors,
    items,
    ledgerFile,
    ledger,
    plan,
  };
}

/** For each vector, how many identical vectors come before it. */
function occurrenceOfEach(vectors: string[][]): number[] {
  const seen = new Map<string, number>();
  return vectors.map((argv) => {
    const key = JSON.stringify(argv);
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return count;
  });
}
