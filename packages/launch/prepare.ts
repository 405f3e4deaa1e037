import { join } from 'node:path';
import { bundleProject, type Bundle } from '../bundle';
import type { ResolvedCluster } from '../config';
import { timeLimitSeconds } from '../slurm';
import { fingerprint, type ResolvedLibrary, type ResolvedSweep } from '../sweep';
import { bundleNotices } from './bundle-notices';
import { LedgerFile, type Ledger } from './ledger';
import { planLaunch, type LaunchPlan, type SweepIndex } from './plan';

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

/** Made once before any connection, never changed: a launch returns what it decides instead. */
export interface PreparedSweep {
  readonly request: SweepRequest;
  readonly project: Bundle;
  readonly libraries: readonly { readonly name: string; readonly bundle: Bundle }[];
  /** What the bundles left out on purpose or hold nothing of, one line each, for the user. */
  readonly notices: readonly string[];
  /** The wall-clock limit the `local` scheduler enforces (Slurm reads `--time` from the script). */
  readonly timeLimitSeconds?: number;
  /** The requested indices with their fingerprints. */
  readonly items: readonly SweepIndex[];
  readonly ledgerFile: LedgerFile;
  /** The workspace's ledger as it was read. */
  readonly ledger: Ledger;
  /** What that ledger says each requested index needs. */
  readonly plan: LaunchPlan;
}

/** Files that describe the sweep rather than being its code: editing them must not rerun every index. */
const SWEEP_DESCRIPTION_FILES = ['slurm.json', 'project.json'];

/** Bundles, fingerprints and the plan: everything decided before any connection is opened. */
export async function prepareSweep(request: SweepRequest): Promise<PreparedSweep> {
  const { vectors, command, env, setup, resources } = request;
  // symlinks may lead anywhere inside the workspace, never beside it (bundle/list-files.ts)
  const boundary = request.workspaceRoot;
  const project = await bundleProject({
    root: join(request.workspaceRoot, request.projectRoot),
    exclude: [...request.exclude, ...SWEEP_DESCRIPTION_FILES],
    include: [...request.include],
    boundary,
  });
  const libraries = await Promise.all(
    request.libraries.map(async (library) => ({
      name: library.name,
      bundle: await bundleProject({ root: join(request.workspaceRoot, library.root), boundary }),
    })),
  );
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
  const ledgerFile = LedgerFile.at(request.workspaceRoot, request.cluster.name, request.jobName);
  const ledger = await ledgerFile.read();
  return {
    request,
    project,
    libraries,
    notices: bundleNotices(request.jobName, [
      { folder: request.projectRoot || '.', bundle: project, isProject: true },
      ...request.libraries.map((library, k) => ({
        folder: library.root,
        bundle: libraries[k].bundle,
        isProject: false,
      })),
    ]),
    timeLimitSeconds: resources.time === undefined ? undefined : timeLimitSeconds(resources.time),
    items,
    ledgerFile,
    ledger,
    plan: planLaunch(items, ledger, request.force ?? false),
  };
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
