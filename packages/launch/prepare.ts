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

/** What run management (status, logs, cancel) reads of a sweep: its indices and the ledger, no bundle. */
export interface SweepRecord {
  request: SweepRequest;
  /** The requested indices; a record read without bundles has no fingerprints. */
  items: (Omit<SweepIndex, 'fingerprint'> & { fingerprint?: string })[];
  ledgerFile: LedgerFile;
  ledger: Ledger;
}

export interface PreparedSweep extends SweepRecord {
  project: Bundle;
  libraries: { name: string; bundle: Bundle }[];
  /** `command` split into words: argv[0] of every index. */
  command: string[];
  resources: SbatchResources;
  /** The wall-clock limit the `local` scheduler enforces (Slurm reads `--time` from the script). */
  timeLimitSeconds?: number;
  setup: string[];
  env: Record<string, string>;
  /** The requested indices with their fingerprints. */
  items: SweepIndex[];
  ledgerFile: LedgerFile;
  ledger: Ledger;
  plan: LaunchPlan;
}

/** Files that describe the sweep rather than being its code: editing them must not rerun every index. */
const SWEEP_DESCRIPTION_FILES = ['slurm.json', 'project.json'];

/** The requested indices and the ledger, without reading the code (nothing is packed). */
export async function readSweepRecord(request: SweepRequest): Promise<SweepRecord> {
  const vectors = argumentVectors(request.config);
  const wanted = request.indices ?? vectors.map((_, index) => index);
  const outside = wanted.filter((index) => !(index >= 0 && index < vectors.length));
  if (outside.length > 0) {
    throw new Error(
      `${request.jobName}: the sweep has ${vectors.length} indices (0-${vectors.length - 1}); there is no index ${outside.join(', ')}. Was slurm.json edited while Nx ran?`,
    );
  }
  const occurrences = occurrenceOfEach(vectors);
  const ledgerFile = LedgerFile.at(request.workspaceRoot, request.cluster.name, request.jobName);
  return {
    request,
    items: wanted.map((index) => ({ index, argv: vectors[index], occurrence: occurrences[index] })),
    ledgerFile,
    ledger: await ledgerFile.read(),
  };
}

export interface PrepareOptions {
  /**
   * Opens the session, called without waiting when code that changed must be packed: a launch
   * follows, so the handshake runs while the code is packed. A failure to connect is the
   * launch's to report, when it awaits the same session.
   */
  openSession?: () => Promise<unknown>;
}

/** Bundles, fingerprints and the plan: everything decided before any connection is opened. */
export async function prepareSweep(request: SweepRequest, options: PrepareOptions = {}): Promise<PreparedSweep> {
  const { config, cluster } = request;
  const cache = new BundleCache(join(request.workspaceRoot, WORKSPACE_STATE_DIR, 'bundles'));
  const onChange = () => void options.openSession?.().catch(() => undefined);
  // first: an index outside the sweep stops here, before anything is packed
  const record = await readSweepRecord(request);
  const [project, libraries] = await Promise.all([
    bundleProject({
      root: join(request.workspaceRoot, request.projectRoot),
      exclude: [...(config.exclude ?? []), ...SWEEP_DESCRIPTION_FILES],
      cache,
      onChange,
    }),
    Promise.all(
      request.libraries.map(async (library) => ({
        name: library.name,
        bundle: await bundleProject({ root: join(request.workspaceRoot, library.root), cache, onChange }),
      })),
    ),
  ]);
  const command = splitShellWords(config.command);
  const resources: SbatchResources = {
    ...cluster.profile.resources,
    ...config.resources,
    extra: [...(cluster.profile.resources?.extra ?? []), ...(config.resources?.extra ?? [])],
  };
  const setup = [...(cluster.profile.setup ?? []), ...(config.setup ?? [])];
  const env = config.env ?? {};
  const bundleHashes = [project.sha256, ...libraries.map((l) => l.bundle.sha256)];
  const items = record.items.map((item) => ({
    ...item,
    // no index: a vector that moves to another index when the matrix grows is still done; the
    // occurrence keeps replicates (the same arguments listed several times) apart
    fingerprint: fingerprint({
      bundles: bundleHashes,
      command,
      argv: item.argv,
      env,
      setup,
      resources,
      replicate: item.occurrence || undefined,
    }),
  }));
  const { ledgerFile, ledger } = record;
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
