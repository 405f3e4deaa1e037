/**
 * The benchmark's Nx workspace: the packed plugin installed as a user has it (the steps of
 * e2e/support/workspace.ts), and the experiments both tools launch. File contents are pure
 * functions of their arguments, so every run ships the same bytes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { mustSucceed, timed, type Line, type Timed } from './processes';

/** Nx without cloud, TUI, prompts or colours; the daemon is chosen per command. */
const NX_ENV: Record<string, string> = {
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  CI: 'true',
  FORCE_COLOR: '0',
  NO_COLOR: '1',
  // phase times on stderr: packages/launch/timeline.ts
  NX_SLURM_TIMELINE: '1',
};

export interface NxOptions {
  daemon: boolean;
  env?: Record<string, string>;
  onLine?: (line: Line) => void;
  timeoutMs?: number;
}

/** A file to write, relative to the workspace root. */
export type Files = Record<string, string | Buffer>;

export class BenchWorkspace {
  constructor(readonly dir: string) {}

  /** `node_modules/.bin/nx ...args` as a whole process, as a user's shell runs it. */
  nx(args: string[], options: NxOptions): Promise<Timed> {
    return timed(path.join(this.dir, 'node_modules/.bin/nx'), args, {
      cwd: this.dir,
      env: { ...NX_ENV, NX_DAEMON: options.daemon ? 'true' : 'false', ...options.env },
      unset: ['NX_SLURM_CLUSTER'],
      onLine: options.onLine,
      timeoutMs: options.timeoutMs ?? 10 * 60_000,
    });
  }

  write(files: Files): void {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(this.dir, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }

  remove(relative: string): void {
    rmSync(path.join(this.dir, relative), { recursive: true, force: true });
  }

  path(relative: string): string {
    return path.join(this.dir, relative);
  }

  async stopDaemon(): Promise<void> {
    await this.nx(['daemon', '--stop'], { daemon: true, timeoutMs: 60_000 });
  }
}

/** Packs the repository (built already) and installs it with the repository's nx into `scratch/workspace`. */
export async function createWorkspace(repoRoot: string, scratch: string): Promise<BenchWorkspace> {
  const packDir = path.join(scratch, 'pack');
  mkdirSync(packDir);
  const pack = mustSucceed(
    'npm pack',
    await timed('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: repoRoot }),
  );
  const [{ filename }] = JSON.parse(pack.text.slice(pack.text.indexOf('['))) as { filename: string }[];
  const dir = path.join(scratch, 'workspace');
  mkdirSync(dir);
  const workspace = new BenchWorkspace(dir);
  workspace.write({
    'package.json': json({ name: 'nx-slurm-bench', version: '0.0.0', private: true }),
    'nx.json': nxJson({}),
  });
  const nxVersion = (
    JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/nx/package.json'), 'utf8')) as { version: string }
  ).version;
  mustSucceed(
    'npm install',
    await timed(
      'npm',
      [
        'install',
        '--save-dev',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        path.join(packDir, filename),
        `nx@${nxVersion}`,
      ],
      { cwd: dir },
    ),
  );
  return workspace;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** An nx-slurm cluster profile as nx.json holds it. */
export interface ClusterProfileJson {
  host: string;
  port: number;
  user: string;
  identityFile: string;
  knownHostsFile: string;
  remoteRoot: string;
}

export function nxJson(clusters: Record<string, ClusterProfileJson>): string {
  return json({ analytics: false, plugins: [{ plugin: 'nx-slurm', options: { clusters } }] });
}

/** `size` bytes that no compressor can shrink (a sha256 stream), the same for the same seed. */
export function incompressible(seed: string, size: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0, total = 0; total < size; counter++, total += 32) {
    blocks.push(createHash('sha256').update(`${seed}:${counter}`).digest());
  }
  return Buffer.concat(blocks).subarray(0, size);
}

/** The shipped source: about 1.06 MB of incompressible data files beside the entry point. */
export const SOURCE_BLOBS = 8;
export const SOURCE_BLOB_BYTES = 132 * 1024;
export const LIBRARY_BYTES = 199 * 1024;
export const LIBRARY_ROOT = 'libs/shared';

/**
 * The entry point: `python3 main.py --i <index>`; imports the library (so a missing
 * PYTHONPATH fails the index) and exits 3 at `failIndex`. `edit` makes each edit new code.
 */
export function entryPoint(edit: string, failIndex?: number): string {
  return [
    `"""nx-slurm benchmark experiment (edit ${edit})."""`,
    'import sys',
    '',
    'import shared',
    '',
    'index = int(sys.argv[sys.argv.index("--i") + 1])',
    `sys.exit(3 if index == ${failIndex ?? -1} else 0)`,
    '',
  ].join('\n');
}

export function librarySource(edit: string): string {
  return `"""The benchmark's library (edit ${edit})."""\nWEIGHTS = "weights.bin"\n`;
}

/** `--i 0`, `--i 1`, ...: one argument vector per index, for both tools. */
export function sweepArgs(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `--i ${i}`);
}

export interface ExperimentSpec {
  /** Project root, e.g. `experiments/exp100`. */
  root: string;
  indices: number;
  /** Index whose program exits 3. */
  failIndex?: number;
  /** Submit held (`sbatch --hold`): nothing runs, so the measured launches cost the shared machine no CPU. */
  hold: boolean;
}

/** An experiment's project.json, slurm.json, entry point and data files. */
export function experimentFiles(spec: ExperimentSpec, edit: string): Files {
  const name = path.posix.basename(spec.root);
  const files: Files = {
    [`${spec.root}/project.json`]: json({ name, projectType: 'application' }),
    [`${spec.root}/slurm.json`]: json({
      cluster: 'lab',
      jobName: `bench-${name}`,
      command: 'python3 main.py',
      args: sweepArgs(spec.indices),
      libraries: [LIBRARY_ROOT],
      resources: { partition: 'debug', time: '01:00:00', ...(spec.hold ? { extra: ['--hold'] } : {}) },
    }),
    [`${spec.root}/main.py`]: entryPoint(edit, spec.failIndex),
  };
  for (let i = 0; i < SOURCE_BLOBS; i++)
    files[`${spec.root}/data/blob-${i}.bin`] = incompressible(`source-${i}`, SOURCE_BLOB_BYTES);
  return files;
}

export function libraryFiles(edit: string): Files {
  return {
    [`${LIBRARY_ROOT}/shared.py`]: librarySource(edit),
    [`${LIBRARY_ROOT}/weights.bin`]: incompressible('library', LIBRARY_BYTES),
  };
}

/** A project whose one target is `nx:run-commands` of `true`: what any Nx command costs at least. */
export const FLOOR_PROJECT = 'floor';
export function floorFiles(): Files {
  return {
    [`bench/${FLOOR_PROJECT}/project.json`]: json({
      name: FLOOR_PROJECT,
      targets: { noop: { executor: 'nx:run-commands', options: { command: 'true' } } },
    }),
  };
}
