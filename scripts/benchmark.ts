/**
 * nx-slurm's own overhead, measured against baselines taken in the same run (so the figures are
 * ratios, comparable across machines). Not a test: nothing here asserts a time.
 *
 *   1. a 1000-index sweep of `true` on the `local` cluster, against running the same rendered
 *      job script 1000 times with the same concurrency; `nx show project` of that project
 *   2. the same command again: all Nx cache hits, then with --skip-nx-cache (all ledger hits),
 *      against a plain-Nx run of 1000 cached `nx:noop` tasks and `nx --version`
 *   3. on the test cluster over SSH (profile `lab`): time from command start to `submitted job`
 *      for a 100-index sweep, against one ssh2 connection + `sbatch --array=0-99 --wrap true`;
 *      bytes sent by a first launch and by an unchanged relaunch after a cancel
 *
 * Usage: npm run bench [-- --keep] [--no-cluster] [--repeat N]
 *   --keep        leave the temp workspace (and the remote run folders) in place; part 3 has
 *                 replaced the 1000-target projects with the 100-index one by then
 *   --no-cluster  skip part 3 (the test cluster: bash e2e/cluster/start.sh, as root)
 *   --repeat N    repetitions of the short measurements, median reported (default 3)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectSsh, type SshConnection, type Transport } from '../packages/transport';

const REPO_ROOT = path.join(__dirname, '..', '..');
const CPUS = os.cpus().length;
const SWEEP_SIZE = 1000;
const CLUSTER_SWEEP_SIZE = 100;
/** Nx without daemon, cloud, TUI, prompts or colours: the settings of the e2e specs. */
const NX_ENV: Record<string, string> = {
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  CI: 'true',
  FORCE_COLOR: '0',
  NO_COLOR: '1',
};

const argv = process.argv.slice(2);
const KEEP = argv.includes('--keep');
const NO_CLUSTER = argv.includes('--no-cluster');
const REPEAT = Math.max(1, Number(argv[argv.indexOf('--repeat') + 1]) || 3);

// ---------------------------------------------------------------------------------------------
// Processes

interface Line {
  /** ms since the process was spawned */
  t: number;
  text: string;
}

interface Timed {
  code: number | null;
  ms: number;
  lines: Line[];
  text: string;
}

interface TimedOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Called for every output line (stdout and stderr) as it arrives. */
  onLine?: (line: Line, child: ChildProcess) => void;
  timeoutMs?: number;
}

const children = new Set<ChildProcess>();

/** Spawns a program (no shell), timestamps each output line as it arrives, resolves on exit. */
function timed(command: string, args: string[], options: TimedOptions): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...NX_ENV, ...options.env };
    delete env.NX_SLURM_CLUSTER;
    const start = performance.now();
    // its own process group, so a timeout or Ctrl-C can stop nx and everything it started
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child);
    const lines: Line[] = [];
    const partial = { stdout: '', stderr: '' };
    const feed = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const t = performance.now() - start;
      const parts = (partial[stream] + chunk.toString('utf8')).split('\n');
      partial[stream] = parts.pop()!;
      for (const text of parts) {
        const line = { t, text };
        lines.push(line);
        options.onLine?.(line, child);
      }
    };
    child.stdout!.on('data', feed('stdout'));
    child.stderr!.on('data', feed('stderr'));
    const timer = options.timeoutMs
      ? setTimeout(() => {
          killGroup(child);
          reject(new Error(`${command} ${args.join(' ')} took longer than ${options.timeoutMs} ms; stopped`));
        }, options.timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      children.delete(child);
      const ms = performance.now() - start;
      for (const rest of [partial.stdout, partial.stderr]) if (rest) lines.push({ t: ms, text: rest });
      resolve({ code, ms, lines, text: lines.map((l) => l.text).join('\n') });
    });
  });
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
}

function mustSucceed(what: string, result: Timed): Timed {
  if (result.code !== 0) {
    throw new Error(
      `${what} failed (exit ${result.code}):\n${result.lines
        .slice(-30)
        .map((l) => l.text)
        .join('\n')}`,
    );
  }
  return result;
}

/** Spawns `count` processes, at most `concurrency` at once; resolves with the wall time in ms. */
async function spawnPool(count: number, concurrency: number, spawnOne: (i: number) => ChildProcess): Promise<number> {
  const start = performance.now();
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawnOne(i);
        child.on('error', reject);
        child.on('exit', resolve);
      });
      if (code !== 0) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failures > 0) throw new Error(`baseline: ${failures} of ${count} runs failed`);
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function medianOf(
  what: string,
  times: number,
  run: () => Promise<Timed>,
): Promise<{ ms: number; all: number[]; last: Timed }> {
  const all: number[] = [];
  let last: Timed | undefined;
  for (let k = 0; k < times; k++) {
    last = mustSucceed(what, await run());
    all.push(last.ms);
  }
  return { ms: median(all), all, last: last! };
}

// ---------------------------------------------------------------------------------------------
// Workspace

function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The test cluster's `env` file (e2e/cluster/start.sh writes it), or undefined when it is not up. */
function readLabEnv(): Record<string, string> | undefined {
  const file = path.join(process.env.NX_SLURM_LAB || '/tmp/nx-slurm-lab', 'env');
  if (!existsSync(file)) return undefined;
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env.NX_SLURM_LAB_HOST ? env : undefined;
}

function labConnection(env: Record<string, string>): SshConnection {
  return {
    host: env.NX_SLURM_LAB_HOST,
    port: Number(env.NX_SLURM_LAB_PORT),
    user: env.NX_SLURM_LAB_USER,
    identityFiles: [env.NX_SLURM_LAB_IDENTITY_FILE],
    knownHostsFile: env.NX_SLURM_LAB_KNOWN_HOSTS_FILE,
    strictHostKeyChecking: 'yes',
    agent: '',
  };
}

interface Bench {
  dir: string;
  nx(args: string[], options?: Omit<TimedOptions, 'cwd'>): Promise<Timed>;
}

/** A fresh workspace with the packed plugin, as a user has it (same steps as e2e/support/workspace.ts). */
async function createWorkspace(
  scratch: string,
  lab: Record<string, string> | undefined,
  remoteRoot: string,
): Promise<Bench> {
  const packDir = path.join(scratch, 'pack');
  mkdirSync(packDir);
  const pack = mustSucceed(
    'npm pack',
    await timed('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: REPO_ROOT }),
  );
  const jsonStart = pack.text.indexOf('[');
  const [{ filename }] = JSON.parse(pack.text.slice(jsonStart)) as { filename: string }[];
  const dir = path.join(scratch, 'workspace');
  mkdirSync(dir);
  writeJson(path.join(dir, 'package.json'), { name: 'nx-slurm-bench', version: '0.0.0', private: true });
  const clusters = lab
    ? {
        lab: {
          host: lab.NX_SLURM_LAB_HOST,
          port: Number(lab.NX_SLURM_LAB_PORT),
          user: lab.NX_SLURM_LAB_USER,
          identityFile: lab.NX_SLURM_LAB_IDENTITY_FILE,
          knownHostsFile: lab.NX_SLURM_LAB_KNOWN_HOSTS_FILE,
          remoteRoot,
        },
      }
    : {};
  writeJson(path.join(dir, 'nx.json'), { analytics: false, plugins: [{ plugin: 'nx-slurm', options: { clusters } }] });
  const nxVersion = (
    JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/nx/package.json'), 'utf8')) as { version: string }
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
      {
        cwd: dir,
      },
    ),
  );
  return { dir, nx: (args, options = {}) => timed('npx', ['nx', ...args], { ...options, cwd: dir }) };
}

/** A Python module of about `bytes` bytes that gzip cannot shrink much (hex digests), the same every run. */
function pseudoRandomPython(bytes: number): string {
  const lines: string[] = [];
  let digest = 'nx-slurm-bench';
  for (let size = 0; size < bytes; size += 80) {
    digest = createHash('sha256').update(digest).digest('hex');
    lines.push(`W${lines.length} = "${digest}"`);
  }
  return `${lines.join('\n')}\n`;
}

/** An experiment project: project.json and slurm.json. */
function writeExperiment(dir: string, root: string, name: string, slurm: object): void {
  writeJson(path.join(dir, root, 'project.json'), { name, projectType: 'application' });
  writeJson(path.join(dir, root, 'slurm.json'), slurm);
}

// ---------------------------------------------------------------------------------------------
// Reading nx-slurm's output

const firstLine = (result: Timed, pattern: RegExp) => result.lines.find((l) => pattern.test(l.text));
const lastLine = (result: Timed, pattern: RegExp) => [...result.lines].reverse().find((l) => pattern.test(l.text));

/** The moments of one run's output lines that say where its time went. */
const MILESTONES: [string, RegExp][] = [
  ['Nx graph and hashes ready ("Running target")', /Running target slurm-array/],
  ['batch handed to nx-slurm', /Running \d+ tasks with nx-slurm:array/],
  ['bundles checked', /nx-slurm: (uploaded|code unchanged)/],
  ['submitted', /: submitted job/],
  ['all done', /: (\d+)\/\1 done/],
];

/** `label 1.23 s` for each milestone seen in the output, then the exit. */
function timeline(result: Timed): string {
  const points = MILESTONES.flatMap(([label, pattern]) => {
    const line = firstLine(result, pattern);
    return line ? [`${label} ${s(line.t)}`] : [];
  });
  return [...points, `exit ${s(result.ms)}`].join(', ');
}

function submittedJobs(text: string): string[] {
  return [...text.matchAll(/submitted job (\S+) \((\d+) index/g)].map((m) => m[1]);
}

interface Figures {
  connections: number;
  commands: number;
  bytesSent: number;
}

function transportFigures(text: string, cluster: string): Figures | undefined {
  const match = new RegExp(
    `nx-slurm: ${cluster}: (\\d+) connection\\(s\\), (\\d+) command\\(s\\), (\\d+) bytes sent`,
  ).exec(text);
  return match ? { connections: Number(match[1]), commands: Number(match[2]), bytesSent: Number(match[3]) } : undefined;
}

function describeFigures(f: Figures | undefined): string {
  return f
    ? `${f.connections} connection(s), ${f.commands} command(s), ${f.bytesSent} bytes sent`
    : '? (no figures line)';
}

function cacheHits(text: string): string {
  return /Cache:\s+(\d+\/\d+ hit[^\n]*|Skipped[^\n]*)/.exec(text)?.[1].trim() ?? '?';
}

/** `Time taken for 'X' 12.3ms` lines of NX_PERF_LOGGING; the longest entry per name. */
function perfEntries(text: string): Map<string, number> {
  const entries = new Map<string, number>();
  for (const match of text.matchAll(/^Time taken for '(.+)' ([\d.]+)ms$/gm)) {
    entries.set(match[1], Math.max(entries.get(match[1]) ?? 0, Number(match[2])));
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Formatting

const s = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;

interface Row {
  what: string;
  measured: number;
  baseline?: number;
  baselineIs?: string;
  note?: string;
}

function table(rows: Row[]): string {
  const header = ['measurement', 'nx-slurm', 'baseline', 'overhead', 'ratio', 'baseline is / note'];
  const cells = rows.map((r) => [
    r.what,
    s(r.measured),
    r.baseline === undefined ? '-' : s(r.baseline),
    r.baseline === undefined ? '-' : s(r.measured - r.baseline),
    r.baseline === undefined ? '-' : ratio(r.measured, r.baseline),
    [r.baselineIs, r.note].filter(Boolean).join('; '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const format = (c: string[]) =>
    c
      .map((cell, i) => (i === 0 || i === c.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(format)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The measurements

const rows: Row[] = [];
const notes: string[] = [];
const transportRows: [string, Figures | undefined][] = [];
const cleanups: (() => Promise<void>)[] = [];

async function part1(ws: Bench, versionMs: number): Promise<void> {
  log(`part 1: ${SWEEP_SIZE}-index sweep of \`true\` on the local cluster, maxConcurrent ${CPUS}`);
  const showProject = await medianOf('nx show project', REPEAT, () => ws.nx(['show', 'project', 'exp', '--json']));
  rows.push({
    what: `nx show project exp (${SWEEP_SIZE + 6} targets)`,
    measured: showProject.ms,
    baseline: versionMs,
    baselineIs: 'npx nx --version',
  });

  const run = mustSucceed(
    'nx run exp:slurm-array',
    await ws.nx(['run', 'exp:slurm-array'], { timeoutMs: 10 * 60_000 }),
  );
  const submitted = firstLine(run, /exp: submitted job/);
  const runDir = /, run (\S+)$/.exec(submitted?.text ?? '')?.[1];
  if (!submitted || !runDir)
    throw new Error(`no "submitted job" line in the output of nx run exp:slurm-array:\n${run.text.slice(-3000)}`);

  // Baseline: the per-index work exactly, i.e. the rendered job script of this run, on a copy of
  // its run folder (so the run's own logs and exit markers stay as they are).
  const copy = path.join(ws.dir, '.bench-baseline', 'run');
  cpSync(runDir, copy, { recursive: true });
  for (const sub of ['logs', 'exit']) {
    rmSync(path.join(copy, sub), { recursive: true, force: true });
    mkdirSync(path.join(copy, sub));
  }
  const script = readFileSync(path.join(runDir, 'job.sbatch'), 'utf8').split(runDir).join(copy);
  writeFileSync(path.join(copy, 'job.sbatch'), script, { mode: 0o755 });
  const jobScriptMs = await spawnPool(SWEEP_SIZE, CPUS, (i) =>
    spawn('bash', [path.join(copy, 'job.sbatch'), '0'], {
      cwd: copy,
      stdio: 'ignore',
      detached: true,
      env: { ...process.env, SLURM_ARRAY_JOB_ID: 'bench', SLURM_ARRAY_TASK_ID: String(i), SLURM_JOB_ID: `bench_${i}` },
    }),
  );
  const markers = readdirSync(path.join(copy, 'exit')).length;
  if (markers !== SWEEP_SIZE) throw new Error(`baseline: ${markers} exit markers, expected ${SWEEP_SIZE}`);
  const bareMs = await spawnPool(SWEEP_SIZE, CPUS, () => spawn('true', [], { stdio: 'ignore' }));

  rows.push({
    what: `local ${SWEEP_SIZE} x true: nx run exp:slurm-array`,
    measured: run.ms,
    baseline: jobScriptMs,
    baselineIs: `job.sbatch x${SWEEP_SIZE}, ${CPUS} at once`,
    note: `${((run.ms - jobScriptMs) / SWEEP_SIZE).toFixed(1)} ms/index`,
  });
  rows.push({
    what: `  (job.sbatch vs a bare \`true\` x${SWEEP_SIZE})`,
    measured: jobScriptMs,
    baseline: bareMs,
    baselineIs: 'spawn true, same concurrency',
  });

  // where the time of the run went: its own progress lines, and the runner's element times
  const entries = Object.values(
    (
      JSON.parse(readFileSync(path.join(ws.dir, '.nx-slurm/ledger/local/exp.json'), 'utf8')) as {
        entries: Record<string, { start?: string; end?: string }>;
      }
    ).entries,
  );
  const starts = entries.map((e) => Date.parse(e.start ?? '')).filter(Number.isFinite);
  const ends = entries.map((e) => Date.parse(e.end ?? '')).filter(Number.isFinite);
  const busy = entries.reduce((sum, e) => sum + (Date.parse(e.end ?? '') - Date.parse(e.start ?? '') || 0), 0);
  const span = Math.max(...ends) - Math.min(...starts);
  notes.push(
    `part 1 timeline of nx run exp:slurm-array: ${timeline(run)}`,
    `part 1 local runner: first element start to last element end ${s(span)} = ${(SWEEP_SIZE / (span / 1000)).toFixed(1)} elements/s; ` +
      `elements busy ${s(busy)} in total, so ${((100 * busy) / (CPUS * span)).toFixed(0)}% of the ${CPUS} slots were in use ` +
      `(the same work straight from Node: ${(SWEEP_SIZE / (jobScriptMs / 1000)).toFixed(0)} elements/s).`,
    `part 1 transport figures: ${describeFigures(transportFigures(run.text, 'local'))}`,
  );
}

async function part2(ws: Bench, versionMs: number): Promise<void> {
  log('part 2: the same command again (Nx cache hits), then --skip-nx-cache (ledger hits)');
  // plain Nx doing the same amount of bookkeeping: a 1000-target project of cached no-op tasks
  const targets: Record<string, object> = {};
  for (let i = 0; i < SWEEP_SIZE; i++)
    targets[`t--${i}`] = { executor: 'nx:noop', cache: true, inputs: ['default'], outputs: [] };
  targets.all = {
    executor: 'nx:noop',
    cache: false,
    dependsOn: Array.from({ length: SWEEP_SIZE }, (_, i) => ({ target: `t--${i}` })),
  };
  writeJson(path.join(ws.dir, 'bench/noop/project.json'), { name: 'noop', targets });
  mustSucceed('nx run noop:all (fills the cache)', await ws.nx(['run', 'noop:all']));
  const noop = await medianOf('nx run noop:all', REPEAT, () => ws.nx(['run', 'noop:all']));

  const cached = await medianOf('nx run exp:slurm-array (cached)', REPEAT, () => ws.nx(['run', 'exp:slurm-array']));
  const skip = await medianOf('nx run exp:slurm-array --skip-nx-cache', REPEAT, () =>
    ws.nx(['run', 'exp:slurm-array', '--skip-nx-cache']),
  );
  if (submittedJobs(skip.last.text).length > 0)
    notes.push('WARNING: the --skip-nx-cache rerun submitted a job: the ledger did not answer');
  const fromLedger = (skip.last.text.match(/completed in an earlier run, not resubmitted/g) ?? []).length;

  rows.push({
    what: `rerun, Nx cache hits (${cacheHits(cached.last.text)})`,
    measured: cached.ms,
    baseline: noop.ms,
    baselineIs: `nx run noop:all, ${SWEEP_SIZE} cached nx:noop (${cacheHits(noop.last.text)})`,
  });
  rows.push({
    what: '  same, against Nx startup',
    measured: cached.ms,
    baseline: versionMs,
    baselineIs: 'npx nx --version',
  });
  rows.push({
    what: `rerun --skip-nx-cache (${fromLedger} ledger hits)`,
    measured: skip.ms,
    baseline: noop.ms,
    baselineIs: `nx run noop:all, ${SWEEP_SIZE} cached nx:noop`,
  });

  // where the time goes, from Nx's own performance marks (one extra run each, not timed above)
  for (const [label, args] of [
    ['cached rerun', ['run', 'exp:slurm-array']],
    ['--skip-nx-cache rerun', ['run', 'exp:slurm-array', '--skip-nx-cache']],
    ['noop baseline', ['run', 'noop:all']],
  ] as const) {
    const perf = perfEntries(mustSucceed(label, await ws.nx([...args], { env: { NX_PERF_LOGGING: 'true' } })).text);
    const pick = [
      'createProjectGraphAsync',
      'Load Nx Plugin: nx-slurm',
      'nx-slurm:createNodes',
      'createNodes:merge',
      'nx-slurm:createDependencies',
      'hashMultipleTasks',
      'TaskOrchestrator-apply-from-cache-or-run-batch',
      'TaskOrchestrator-run-batch',
      'task-execution',
    ];
    const shown = pick.filter((name) => perf.has(name)).map((name) => `${name} ${Math.round(perf.get(name)!)} ms`);
    notes.push(`part 2 NX_PERF_LOGGING, ${label}: ${shown.join(', ')}`);
  }
}

async function part3(ws: Bench, lab: Record<string, string>, remoteRoot: string, versionMs: number): Promise<void> {
  log(
    `part 3: ${CLUSTER_SWEEP_SIZE}-index sweep on the test cluster over SSH (${lab.NX_SLURM_LAB_USER}@${lab.NX_SLURM_LAB_HOST}:${lab.NX_SLURM_LAB_PORT})`,
  );
  const connection = labConnection(lab);
  const jobs: string[] = [];
  // every job this part submitted is cancelled, and its remoteRoot removed, however it ends
  cleanups.push(async () => {
    const transport: Transport = await connectSsh(connection);
    try {
      if (jobs.length > 0) await transport.exec(['scancel', ...jobs]);
      if (!KEEP) {
        const root = path.posix.join(await transport.home(), remoteRoot.replace(/^~\//, ''));
        await transport.exec(['rm', '-rf', root]);
        await transport.exec(['rmdir', '--ignore-fail-on-non-empty', path.posix.dirname(root)]);
      }
    } finally {
      await transport.close();
    }
  });

  // Baseline: one ssh2 connection (the project's SshTransport) and one sbatch of the same size.
  const connects: number[] = [];
  const sbatches: number[] = [];
  for (let k = 0; k < REPEAT; k++) {
    const t0 = performance.now();
    const transport = await connectSsh(connection);
    const t1 = performance.now();
    const result = await transport.exec([
      'sbatch',
      '--parsable',
      `--array=0-${CLUSTER_SWEEP_SIZE - 1}`,
      '--job-name=nx-slurm-bench-raw',
      '--output=/dev/null',
      '--wrap',
      'true',
    ]);
    const t2 = performance.now();
    if (result.code !== 0) throw new Error(`baseline sbatch failed: ${result.stderr}`);
    jobs.push(result.stdout.trim().split(';')[0]);
    await transport.exec(['scancel', jobs[jobs.length - 1]]);
    await transport.close();
    connects.push(t1 - t0);
    sbatches.push(t2 - t1);
  }
  const connectMs = median(connects);
  const sbatchMs = median(sbatches);
  const rawMs = median(connects.map((c, k) => c + sbatches[k]));

  // a workspace holding just this sweep: the 1000-target projects of parts 1 and 2 would
  // otherwise add their graph construction and hashing to every nx command here
  rmSync(path.join(ws.dir, 'experiments/exp'), { recursive: true, force: true });
  rmSync(path.join(ws.dir, 'bench/noop'), { recursive: true, force: true });
  writeExperiment(ws.dir, 'experiments/exp100', 'exp100', {
    cluster: 'lab',
    // long enough that nothing ends before the cancel: the relaunch then resubmits every index
    command: 'sleep 30',
    args: Array.from({ length: CLUSTER_SWEEP_SIZE }, (_, i) => `0.0${String(i).padStart(2, '0')}`),
  });
  // some code to ship, so that "the relaunch re-sends no bundle" shows in the bytes sent
  writeFileSync(path.join(ws.dir, 'experiments/exp100/model.py'), pseudoRandomPython(32 * 1024));

  /** Launch, note when `submitted job` appears, cancel at once, wait for the launcher to end. */
  const launchAndCancel = async (label: string) => {
    let cancel: Promise<Timed> | undefined;
    let cancelAt = 0;
    const run = await ws.nx(['run', 'exp100:slurm-array'], {
      timeoutMs: 5 * 60_000,
      onLine: (line) => {
        if (!cancel && /exp100: submitted job/.test(line.text)) {
          cancelAt = line.t;
          cancel = ws.nx(['run', 'exp100:slurm-cancel']);
        }
      },
    });
    jobs.push(...submittedJobs(run.text));
    const submitted = firstLine(run, /exp100: submitted job/);
    if (!submitted || !cancel) throw new Error(`${label}: no "submitted job" line:\n${run.text.slice(-3000)}`);
    const cancelled = mustSucceed('nx run exp100:slurm-cancel', await cancel);
    const figures = transportFigures(run.text, 'lab');
    notes.push(
      `part 3 ${label}: ${timeline(run)}; slurm-cancel took ${s(cancelled.ms)}, the launcher ended ` +
        `${s(run.ms - cancelAt - cancelled.ms)} after the cancel returned (last progress: ${lastLine(run, /exp100: \d+\/\d+ done/)?.text ?? '-'}); ` +
        `transport: ${describeFigures(figures)}`,
    );
    const batchStart = firstLine(run, /Running \d+ tasks with nx-slurm:array/)?.t ?? 0;
    return {
      submittedMs: submitted.t,
      executorMs: submitted.t - batchStart,
      figures,
      jobCount: /\((\d+) index/.exec(submitted.text)?.[1],
    };
  };

  const first = await launchAndCancel('first launch');
  const again = await launchAndCancel('unchanged relaunch after cancel');

  rows.push({
    what: `lab ${CLUSTER_SWEEP_SIZE}: start -> "submitted job", first launch`,
    measured: first.submittedMs,
    baseline: rawMs,
    baselineIs: `ssh2 connect ${Math.round(connectMs)} ms + sbatch --array=0-${CLUSTER_SWEEP_SIZE - 1} ${Math.round(sbatchMs)} ms`,
  });
  rows.push({
    what: '  same, against raw + Nx startup',
    measured: first.submittedMs,
    baseline: rawMs + versionMs,
    baselineIs: 'the above + npx nx --version',
  });
  rows.push({
    what: '  of which nx-slurm (batch start -> submitted)',
    measured: first.executorMs,
    baseline: rawMs,
    baselineIs: 'ssh2 connect + sbatch (as above)',
  });
  rows.push({
    what: `lab ${CLUSTER_SWEEP_SIZE}: relaunch (${again.jobCount} resubmitted)`,
    measured: again.submittedMs,
    baseline: rawMs + versionMs,
    baselineIs: 'raw + npx nx --version',
  });
  transportRows.push(['first launch', first.figures], ['unchanged relaunch after cancel', again.figures]);
}

async function main(): Promise<void> {
  const began = performance.now();
  const loadAtStart = os.loadavg()[0].toFixed(2);
  const lab = NO_CLUSTER ? undefined : readLabEnv();
  const remoteRoot = `~/nx-slurm-bench/${randomBytes(4).toString('hex')}`;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'nx-slurm-bench-'));
  cleanups.push(async () => {
    if (!KEEP) rmSync(scratch, { recursive: true, force: true });
  });
  const interrupted = () => {
    for (const child of children) killGroup(child);
    void runCleanups().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  try {
    log(`workspace in ${scratch} (packed plugin, nx from the repository's version)`);
    const ws = await createWorkspace(scratch, lab, remoteRoot);
    writeExperiment(ws.dir, 'experiments/exp', 'exp', {
      command: 'true',
      args: Array.from({ length: SWEEP_SIZE }, (_, i) => `--i ${i}`),
      maxConcurrent: CPUS,
    });
    mustSucceed('nx show projects (warm-up)', await ws.nx(['show', 'projects']));
    const version = await medianOf('npx nx --version', REPEAT, () => ws.nx(['--version']));

    await part1(ws, version.ms);
    await part2(ws, version.ms);
    if (lab) await part3(ws, lab, remoteRoot, version.ms);
    else
      notes.push(
        NO_CLUSTER
          ? 'part 3 skipped (--no-cluster)'
          : 'part 3 skipped: the test cluster is not started (bash e2e/cluster/start.sh, as root)',
      );

    const nxVersion = /Local: v(\S+)/.exec(version.last.text)?.[1] ?? '?';
    const machine = `${CPUS} x ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, nx ${nxVersion}`;
    process.stdout.write(
      `\nnx-slurm benchmark: ${machine}\n` +
        `short measurements: median of ${REPEAT}; npx nx --version ${s(version.ms)}; ` +
        `load average ${loadAtStart} when it started (above ~0.5 means other work, which inflates every figure)\n\n` +
        `${table(rows)}\n\n` +
        (transportRows.length > 0
          ? `${transportRows.map(([label, f]) => `lab ${CLUSTER_SWEEP_SIZE}-index ${label}: ${describeFigures(f)}`).join('\n')}\n\n`
          : '') +
        `${notes.map((n) => `- ${n}`).join('\n')}\n\n` +
        `benchmark took ${s(performance.now() - began)}${KEEP ? `; workspace kept in ${ws.dir}` : ''}\n`,
    );
  } finally {
    await runCleanups();
  }
}

async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    await cleanup().catch((error: Error) => log(`cleanup: ${error.message}`));
  }
}

main().catch((error: Error) => {
  process.stderr.write(`benchmark failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
