/**
 * Fresh Nx workspaces with the packed plugin installed, as a user would have them.
 * The plugin is built, packed and installed into a template workspace once per test run, in
 * global-setup; workers find the tarball and the template in NX_SLURM_E2E_TARBALL and
 * NX_SLURM_E2E_TEMPLATE (jest workers inherit the environment global-setup leaves).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './cluster';

export const TARBALL_ENV = 'NX_SLURM_E2E_TARBALL';
/** Set instead of the tarball when packing failed, so that every spec using it says why. */
export const PACK_ERROR_ENV = 'NX_SLURM_E2E_PACK_ERROR';
/** The workspace template global-setup installed (installTemplate). */
export const TEMPLATE_ENV = 'NX_SLURM_E2E_TEMPLATE';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
}

const tail = (text: string, lines = 40) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** A program started in the background, in a process group of its own, followed as it prints. */
export interface Started {
  /** Sends `signal` to its whole process group (npx, nx and the executors nx forks), as Ctrl-C does. */
  signal(signal: NodeJS.Signals): void;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /**
   * Resolves once the output matches `pattern`; rejects if the program exits first or after
   * `timeoutMs`, with what it printed.
   */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  readonly exited: Promise<RunResult>;
}

/** Programs started and not yet exited, with what they are, for stopStragglers. */
const running = new Map<Started, string>();

/**
 * Starts a program (no shell) in a process group of its own, so that it and its children can be
 * signalled together; `exited` never rejects on a non-zero exit.
 */
export function start(command: string, args: string[], options: RunOptions = {}): Started {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: 'pipe',
    detached: true,
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
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // the group has already gone
    }
  };
  const started: Started = { signal, output: () => seen, waitForOutput, exited };
  running.set(started, `${command} ${args.join(' ')}`);
  void exited.finally(() => running.delete(started)).catch(() => undefined);
  return started;
}

/**
 * Kills (with their process groups) the programs still running, which only a test that failed
 * or timed out leaves behind, so that they cannot disturb the next test; returns, for each, what
 * it was and the end of what it printed.
 */
export function stopStragglers(): string[] {
  return [...running].map(([started, what]) => {
    started.signal('SIGKILL');
    running.delete(started);
    return `${what}\n${tail(started.output(), 20)}`;
  });
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

const tempFolder = (name: string) =>
  mkdtemp(path.join(os.tmpdir(), `nx-slurm-e2e-${name.replace(/[^A-Za-z0-9_-]/g, '-')}-`));

/** A bare package.json, then `npm install` of the packed plugin and nx `nxVersion`, from npm's cache where possible. */
async function install(dir: string, name: string, nxVersion: string): Promise<void> {
  const tarball = await packPlugin();
  await writeFile(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name, version: '0.0.0', private: true }, null, 2)}\n`,
  );
  const npm = await run(
    'npm',
    ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', tarball, `nx@${nxVersion}`],
    { cwd: dir },
  );
  if (npm.code !== 0) {
    throw new Error(
      `createWorkspace(${name}): npm install failed (exit ${npm.code}) in ${dir}:\n${tail(npm.stderr || npm.stdout)}`,
    );
  }
}

/** A folder with the packed plugin and the repo's nx installed, which createWorkspace copies. */
export async function installTemplate(): Promise<string> {
  const dir = await tempFolder('template');
  await install(dir, 'template', await repoNxVersion());
  return dir;
}

let template: Promise<string> | undefined;

/** The template global-setup installed for this run, or (outside such a run) one installed now, once per process. */
function workspaceTemplate(): Promise<string> {
  const installed = process.env[TEMPLATE_ENV];
  if (installed) return Promise.resolve(installed);
  template ??= installTemplate();
  return template;
}

/**
 * A new temp folder with a package.json, a bare nx.json, the packed plugin and the repo's exact
 * nx version, copied from the run's template: an npm install per workspace takes a minute on a
 * busy machine, a copy seconds. Another `nxVersion` is installed.
 */
export async function createWorkspace(name: string, options: { nxVersion?: string } = {}): Promise<Workspace> {
  const dir = await tempFolder(name);
  if (options.nxVersion === undefined || options.nxVersion === (await repoNxVersion())) {
    const from = await workspaceTemplate();
    // cp -a keeps node_modules/.bin's relative links relative
    const copy = await run('cp', ['-a', path.join(from, 'node_modules'), dir]);
    if (copy.code !== 0)
      throw new Error(`createWorkspace(${name}): copying ${from}/node_modules failed: ${copy.stderr}`);
    const manifest = JSON.parse(await readFile(path.join(from, 'package.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(dir, 'package.json'), `${JSON.stringify({ ...manifest, name }, null, 2)}\n`);
  } else {
    await install(dir, name, options.nxVersion);
  }
  await writeFile(path.join(dir, 'nx.json'), `${JSON.stringify({ analytics: false }, null, 2)}\n`);
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
