/**
 * Fresh Nx workspaces with the packed plugin installed, as a user would have them.
 * The plugin is built and packed once per test run, in global-setup; workers find the tarball
 * in NX_SLURM_E2E_TARBALL (jest workers inherit the environment global-setup leaves).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './cluster';

export const TARBALL_ENV = 'NX_SLURM_E2E_TARBALL';
/** Set instead of the tarball when packing failed, so that every spec using it says why. */
export const PACK_ERROR_ENV = 'NX_SLURM_E2E_PACK_ERROR';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
  /** In a process group of its own, to be signalled as a whole (`process.kill(-pid, ...)`). */
  detached?: boolean;
}

const tail = (text: string, lines = 40) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** A program started in the background, followed as it prints. */
export interface Started {
  readonly pid: number;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /**
   * Resolves once the output matches `pattern`; rejects if the program exits first or after
   * `timeoutMs`, with what it printed.
   */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  readonly exited: Promise<RunResult>;
}

/** Starts a program (no shell); `exited` never rejects on a non-zero exit. */
export function start(command: string, args: string[], options: RunOptions = {}): Started {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: 'pipe',
    detached: options.detached,
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let seen = '';
  const watchers = new Set<() => void>();
  const collect = (into: Buffer[]) => (chunk: Buffer) => {
    into.push(chunk);
    seen += chunk.toString('utf8');
    for (const watcher of watchers) watcher();
  };
  child.stdout.on('data', collect(stdout));
  child.stderr.on('data', collect(stderr));
  const exited = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
  });
  child.stdin.end(options.stdin);

  const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        watchers.delete(check);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const check = () => pattern.test(seen) && done();
      const failure = (why: string) =>
        new Error(`${command} ${args.join(' ')} ${why} without printing ${pattern}; it printed:\n${tail(seen)}`);
      const timer = setTimeout(() => done(failure(`ran ${timeoutMs} ms`)), timeoutMs);
      watchers.add(check);
      exited.then(
        (result) => done(pattern.test(seen) ? undefined : failure(`exited with ${result.code}`)),
        (error: Error) => done(error),
      );
      check();
    });
  return { pid: child.pid!, output: () => seen, waitForOutput, exited };
}

/** Runs a program (no shell) and collects its output; never rejects on a non-zero exit. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return start(command, args, options).exited;
}

/** Builds the repository (`npm run build`) and packs it; returns the tarball's path. */
export async function buildAndPack(): Promise<string> {
  const build = await run('npm', ['run', 'build'], { cwd: REPO_ROOT });
  if (build.code !== 0) {
    const output = `${build.stdout}\n${build.stderr}`;
    const firstError =
      output
        .split('\n')
        .find((line) => /error/i.test(line))
        ?.trim() ?? '';
    throw new Error(
      `packPlugin: "npm run build" failed (exit ${build.code}) in ${REPO_ROOT}, so the plugin cannot be packed ` +
        `and no e2e workspace can install it: ${firstError}\nFix the build first (npm run build). Its output ends with:\n` +
        tail(output),
    );
  }
  const destination = await mkdtemp(path.join(os.tmpdir(), 'nx-slurm-pack-'));
  const pack = await run('npm', ['pack', '--json', '--pack-destination', destination], { cwd: REPO_ROOT });
  if (pack.code !== 0) {
    throw new Error(
      `packPlugin: "npm pack" failed (exit ${pack.code}) in ${REPO_ROOT}:\n${tail(pack.stderr || pack.stdout)}`,
    );
  }
  const [{ filename }] = JSON.parse(pack.stdout) as { filename: string }[];
  return path.join(destination, filename);
}

let packed: Promise<string> | undefined;

/**
 * The plugin's tarball: the one global-setup packed for this run, or (outside a jest run that
 * had global-setup) packed now, once per process.
 */
export function packPlugin(): Promise<string> {
  const failure = process.env[PACK_ERROR_ENV];
  if (failure) return Promise.reject(new Error(failure));
  const tarball = process.env[TARBALL_ENV];
  if (tarball) return Promise.resolve(tarball);
  packed ??= buildAndPack();
  return packed;
}

export interface Workspace {
  dir: string;
  /** Runs a program in the workspace with Nx's non-interactive settings. */
  run(command: string, args: string[], options?: RunOptions): Promise<RunResult>;
  /** `npx nx ...args` in the workspace. */
  nx(args: string[], options?: RunOptions): Promise<RunResult>;
  /** `npx nx ...args` in the workspace, in the background. */
  startNx(args: string[], options?: RunOptions): Started;
}

/** Nx without daemon, cloud, TUI or prompts: output a test can read. */
export const NX_ENV = {
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  CI: 'true',
  FORCE_COLOR: '0',
  NO_COLOR: '1',
};

async function repoNxVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(REPO_ROOT, 'node_modules/nx/package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/**
 * A new temp folder with a bare package.json and nx.json, the packed plugin and the repo's
 * exact nx version (or `nxVersion`) installed from npm's cache where possible.
 */
export async function createWorkspace(name: string, options: { nxVersion?: string } = {}): Promise<Workspace> {
  const tarball = await packPlugin();
  const dir = await mkdtemp(path.join(os.tmpdir(), `nx-slurm-e2e-${name.replace(/[^A-Za-z0-9_-]/g, '-')}-`));
  await writeFile(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name, version: '0.0.0', private: true }, null, 2)}\n`,
  );
  await writeFile(path.join(dir, 'nx.json'), `${JSON.stringify({ analytics: false }, null, 2)}\n`);
  const install = await run(
    'npm',
    [
      'install',
      '--save-dev',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
      `nx@${options.nxVersion ?? (await repoNxVersion())}`,
    ],
    { cwd: dir },
  );
  if (install.code !== 0) {
    throw new Error(
      `createWorkspace(${name}): npm install failed (exit ${install.code}) in ${dir}:\n${tail(install.stderr || install.stdout)}`,
    );
  }
  const here = (options: RunOptions = {}) => ({
    ...options,
    cwd: options.cwd ?? dir,
    env: { ...NX_ENV, ...options.env },
  });
  return {
    dir,
    run: (command, args, options) => run(command, args, here(options)),
    nx: (args, options) => run('npx', ['nx', ...args], here(options)),
    startNx: (args, options) => start('npx', ['nx', ...args], here(options)),
  };
}
