import { join } from 'node:path';
import { BundleCache, bundleProject, type Bundle } from '../bundle';
import { WORKSPACE_STATE_DIR, type ResolvedCluster } from '../config';
import { isSuccess, timeLimitSeconds } from '../slurm';
import { fingerprint, type ResolvedLibrary, type ResolvedSweep } from '../sweep';
import { LedgerFile, type Ledger } from './ledger';
import { planLaunch, type LaunchPlan, type SweepIndex } from './plan';
import { markPhase } from './timeline';

/** One project's resolved sweep and what to do with it, as the Nx adapter read it. */
export interface SweepRequest extends ResolvedSweep {
  readonly workspaceRoot: string;
  /** Workspace-relative project root. */
  readonly projectRoot: string;
  /** In `libraries` order. */
  readonly libraries: readonly ResolvedLibrary[];
  readonly cluster: ResolvedCluster;
  /** Sweep indices to run; all when absent. */
  readonly indices?: readonly number[];
  readonly force?: boolean;
}

/** One requested index as run management sees it: without bundles there is no fingerprint. */
export type RecordedIndex = Omit<SweepIndex, 'fingerprint'> & { readonly fingerprint?: string };

/** What run management (status, logs, cancel) reads of a sweep: its indices and the ledger, no bundle. */
export interface SweepRecord {
  readonly request: SweepRequest;
  readonly items: readonly RecordedIndex[];
  readonly ledgerFile: LedgerFile;
  /** The workspace's ledger as it was read. */
  readonly ledger: Ledger;
}

/** Made once before any connection, never changed: a launch returns what it decides instead. */
export interface PreparedSweep extends SweepRecord {
  readonly project: Bundle;
  readonly libraries: readonly { readonly name: string; readonly bundle: Bundle }[];
  /** The wall-clock limit the `local` scheduler enforces (Slurm reads `--time` from the script). */
  readonly timeLimitSeconds?: number;
  /** The requested indices with their fingerprints. */
  readonly items: readonly SweepIndex[];
  /** What the ledger says each requested index needs. */
  readonly plan: LaunchPlan;
}

export interface PrepareOptions {
  /**
   * Opens the session, called without waiting as soon as a launch is sure to need the cluster
   * (forced, an index that never completed, code that changed), so the handshake runs while
   * the code is hashed. A failure to connect is the launch's to report, when it awaits the
   * same session.
   */
  openSession?: () => Promise<unknown>;
}

/** Files that describe the sweep rather than being its code: editing them must not rerun every index. */
const SWEEP_DESCRIPTION_FILES = ['slurm.json', 'project.json'];

/** The requested indices and the ledger, without reading the code (nothing is packed). */
export async function readSweepRecord(request: SweepRequest): Promise<SweepRecord> {
  const { vectors } = request;
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

/**
 * Bundles, fingerprints and the plan: everything decided before anything is sent. Unchanged
 * code is not packed again (the bundle cache in `.nx-slurm/bundles/` vouches for its hash).
 */
export async function prepareSweep(request: SweepRequest, options: PrepareOptions = {}): Promise<PreparedSweep> {
  const { command, env, setup, resources } = request;
  // first: an index outside the sweep stops here, before anything is packed
  const record = await readSweepRecord(request);
  const cache = new BundleCache(join(request.workspaceRoot, WORKSPACE_STATE_DIR, 'bundles'));
  const onChange = () => void options.openSession?.().catch(() => undefined);
  if (request.force || someNeverCompleted(record)) onChange();
  const [project, libraries] = await Promise.all([
    bundleProject({
      root: join(request.workspaceRoot, request.projectRoot),
      exclude: [...request.exclude, ...SWEEP_DESCRIPTION_FILES],
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
  markPhase('bundles built and hashed');
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
  const plan = planLaunch(items, record.ledger, request.force ?? false);
  markPhase('fingerprints and plan ready');
  return {
    ...record,
    project,
    libraries,
    timeLimitSeconds: resources.time === undefined ? undefined : timeLimitSeconds(resources.time),
    items,
    plan,
  };
}

/**
 * Whether some requested index has never completed with its arguments, whatever the code: it
 * runs (or is attached to) whatever the bundles hash to.
 */
function someNeverCompleted({ items, ledger }: SweepRecord): boolean {
  const completed = new Set(
    Object.values(ledger.entries)
      .filter((entry) => isSuccess(entry.state))
      .map((entry) => replicateKey(entry.argv, entry.occurrence)),
  );
  return items.some((item) => !completed.has(replicateKey(item.argv, item.occurrence)));
}

/** Arguments and occurrence: what tells an index's entries apart across code versions. */
export function replicateKey(argv: readonly string[], occurrence = 0): string {
  return JSON.stringify([argv, occurrence]);
}

/** For each vector, how many identical vectors come before it. */
function occurrenceOfEach(vectors: readonly (readonly string[])[]): number[] {
  const seen = new Map<string, number>();
  return vectors.map((argv) => {
    const key = JSON.stringify(argv);
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return count;
  });
}
