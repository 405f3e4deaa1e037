/**
 * How nx-slurm scales with the number of indices and with the size of a project's files
 * (issue 12). Not a test: nothing here asserts a time. For 100, 1,000, 10,000 and 100,000
 * indices of `true` it measures, in a fresh workspace holding only that sweep:
 *
 *   graph    `nx show project <p> --json`: time and peak RSS
 *   launch   `nx run <p>:slurm-array` from its start to the `submitted job` line, the peak RSS
 *            of the whole command and the bytes it sent; the job is cancelled by the bench
 *            through `slurm-cancel` as soon as the status below is taken
 *   status   `nx run <p>:slurm-status` while the array is queued: time, peak RSS, table rows
 *   cancel   `nx run <p>:slurm-cancel`: time, and the length of its longest output line
 *   ended    how the waiting launcher reported the cancelled indices
 *
 * Sizes up to the test cluster's MaxArraySize run on the `lab` cluster over SSH. 100,000 runs
 * on the `local` cluster: 100,000 queued elements would fill the shared test cluster's
 * MaxJobCount (100000) for MinJobAge, refusing everyone else's jobs. Then the 1 GB case: a
 * project with a 1 GB file (sparse: reading it costs no disk), one index on `lab`: launch,
 * status and logs, each with its time and peak RSS.
 *
 * Usage: npm run bench:scale [-- --sizes 100,1000] [--tarball nx-slurm-0.1.0.tgz] [--timeout 120]
 *        [--no-big-file] [--keep]
 *   --tarball  measure that packed plugin (e.g. an older commit's) instead of this checkout's
 *   --timeout  seconds any one command may take before it is stopped and reported as "> N s"
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

const REPO_ROOT = path.join(__dirname, '..', '..');
const NX_ENV: Record<string, string> = {
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  CI: 'true',
  FORCE_COLOR: '0',
  NO_COLOR: '1',
};
const RSS_MARK = 'NX_SLURM_BENCH_MAX_RSS_KB=';

const argv = process.argv.slice(2);
const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const SIZES = (option('--sizes') ?? '100,1000,10000,100000').split(',').map(Number);
const TIMEOUT_MS = Number(option('--timeout') ?? 180) * 1000;
const TARBALL = option('--tarball');
const KEEP = argv.includes('--keep');
const BIG_FILE = !argv.includes('--no-big-file');
const BIG_FILE_BYTES = 2 ** 30;

interface Line {
  t: number;
  text: string;
}

interface Measured {
  code: number | null;
  ms: number;
  /** Peak RSS of the largest process of the command's tree, MB (GNU time's %M). */
  rssMb?: number;
  lines: Line[];
  text: string;
  timedOut: boolean;
}

const children = new Set<ChildProcess>();

/** Runs `npx nx ...` under GNU time, timestamping each line; never rejects on failure or timeout. */
function nx(
  dir: string,
  args: string[],
  onLine?: (line: Line) => void,
  env: Record<string, string> = {},
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('/usr/bin/time', ['-f', `${RSS_MARK}%M`, 'npx', 'nx', ...args], {
      cwd: dir,
      env: { ...process.env, ...NX_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group: a timeout stops nx and every worker it started
      detached: true,
    });
    children.add(child);
    const lines: Line[] = [];
    const partial = { stdout: '', stderr: '' };
    const feed = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const t = performance.now() - start;
      const parts = (partial[stream] + chunk.toString('utf8')).split('\n');
      partial[stream] = parts.pop()!;
      for (const text of parts) {
        lines.push({ t, text });
        onLine?.({ t, text });
      }
    };
    child.stdout!.on('data', feed('stdout'));
    child.stderr!.on('data', feed('stderr'));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      const ms = performance.now() - start;
      for (const rest of [partial.stdout, partial.stderr]) if (rest) lines.push({ t: ms, text: rest });
      const rss = lines.find((l) => l.text.startsWith(RSS_MARK));
      resolve({
        code,
        ms,
        rssMb: rss ? Number(rss.text.slice(RSS_MARK.length)) / 1024 : undefined,
        lines: lines.filter((l) => l !== rss),
        text: lines
          .filter((l) => l !== rss)
          .map((l) => l.text)
          .join('\n'),
        timedOut,
      });
    });
  });
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

const log = (message: string) => process.stderr.write(`[bench:scale] ${message}\n`);
const seconds = (m: Measured | undefined) =>
  !m ? '-' : m.timedOut ? `> ${TIMEOUT_MS / 1000} s` : `${(m.ms / 1000).toFixed(2)} s${m.code === 0 ? '' : '!'}`;
const megabytes = (m: Measured | undefined) => (m?.rssMb === undefined ? '-' : `${Math.round(m.rssMb)} MB`);
const writeJson = (file: string, value: unknown) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
};

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

function mustRun(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** A fresh workspace with the packed plugin and the repository's nx version, as a user has it. */
function createWorkspace(scratch: string, lab: Record<string, string>, remoteRoot: string): string {
  let tarball = TARBALL && path.resolve(TARBALL);
  if (!tarball) {
    const pack = mustRun('npm', ['pack', '--json', '--pack-destination', scratch], REPO_ROOT);
    tarball = path.join(scratch, (JSON.parse(pack.slice(pack.indexOf('['))) as { filename: string }[])[0].filename);
  }
  const dir = path.join(scratch, 'workspace');
  writeJson(path.join(dir, 'package.json'), { name: 'nx-slurm-bench-scale', version: '0.0.0', private: true });
  writeJson(path.join(dir, 'nx.json'), {
    analytics: false,
    plugins: [
      {
        plugin: 'nx-slurm',
        options: {
          clusters: {
            lab: {
              host: lab.NX_SLURM_LAB_HOST,
              port: Number(lab.NX_SLURM_LAB_PORT),
              user: lab.NX_SLURM_LAB_USER,
              identityFile: lab.NX_SLURM_LAB_IDENTITY_FILE,
              knownHostsFile: lab.NX_SLURM_LAB_KNOWN_HOSTS_FILE,
              remoteRoot,
            },
          },
        },
      },
    ],
  });
  const nxVersion = (
    JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/nx/package.json'), 'utf8')) as { version: string }
  ).version;
  mustRun(
    'npm',
    ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', tarball, `nx@${nxVersion}`],
    dir,
  );
  return dir;
}

/** `size` indices as a matrix of two keys (100 values of the second), `true` for each. */
function writeSweep(dir: string, name: string, size: number, cluster: string): void {
  rmSync(path.join(dir, 'experiments'), { recursive: true, force: true });
  const inner = Math.min(size, 100);
  writeJson(path.join(dir, 'experiments', name, 'project.json'), { name, projectType: 'application' });
  writeJson(path.join(dir, 'experiments', name, 'slurm.json'), {
    cluster,
    command: 'true',
    // one element at a time: the bench holds the shared partition as little as it can
    maxConcurrent: 1,
    matrix: {
      outer: Array.from({ length: size / inner }, (_, i) => i),
      inner: Array.from({ length: inner }, (_, i) => i),
    },
  });
}

interface SizeFigures {
  size: number;
  cluster: string;
  graph?: Measured;
  launch?: Measured;
  submittedMs?: number;
  bytesSent?: string;
  status?: Measured;
  cancel?: Measured;
  ended?: string;
}

const BYTES_SENT = /nx-slurm: \S+: \d+ connection\(s\), \d+ command\(s\), (\d+) bytes sent/;

/** Table rows the status printed: lines starting with an index. */
const tableRows = (m: Measured) => m.lines.filter((l) => /^\d+\s{2}/.test(l.text)).length;

async function measureSize(dir: string, size: number, cluster: string): Promise<SizeFigures> {
  const name = `scale${size}`;
  const figures: SizeFigures = { size, cluster };
  writeSweep(dir, name, size, cluster);
  log(`${size} indices on ${cluster}: graph`);
  figures.graph = await nx(dir, ['show', 'project', name, '--json']);
  if (figures.graph.code !== 0) return figures;

  log(`${size} indices on ${cluster}: launch, status, cancel`);
  let submitted: (() => void) | undefined;
  const submittedOnce = new Promise<void>((resolve) => (submitted = resolve));
  const launching = nx(dir, ['run', `${name}:slurm-array`], (line) => {
    if (figures.submittedMs === undefined && /: submitted job/.test(line.text)) {
      figures.submittedMs = line.t;
      submitted!();
    }
  });
  const ended = await Promise.race([submittedOnce.then(() => false), launching.then(() => true)]);
  if (!ended) {
    figures.status = await nx(dir, ['run', `${name}:slurm-status`]);
    figures.cancel = await nx(dir, ['run', `${name}:slurm-cancel`]);
  }
  figures.launch = await launching;
  figures.bytesSent = BYTES_SENT.exec(figures.launch.text)?.[1];
  const states = new Map<string, number>();
  for (const match of figures.launch.text.matchAll(/^\S+\/\d+: ([A-Z_]+)/gm))
    states.set(match[1], (states.get(match[1]) ?? 0) + 1);
  const unableToExec = (figures.launch.text.match(/Unable to exec/g) ?? []).length;
  figures.ended =
    [...states].map(([state, count]) => `${count} ${state}`).join(', ') +
    (unableToExec ? `; ${unableToExec} "Unable to exec"` : '');
  return figures;
}

async function measureBigFile(dir: string): Promise<string[]> {
  rmSync(path.join(dir, 'experiments'), { recursive: true, force: true });
  const root = path.join(dir, 'experiments', 'big');
  writeJson(path.join(root, 'project.json'), { name: 'big', projectType: 'application' });
  writeJson(path.join(root, 'slurm.json'), { cluster: 'lab', command: 'echo', args: ['hello'] });
  mkdirSync(path.join(root, 'data'), { recursive: true });
  const file = openSync(path.join(root, 'data', 'weights.bin'), 'w');
  ftruncateSync(file, BIG_FILE_BYTES);
  closeSync(file);
  const rows: string[] = [];
  for (const args of [
    ['run', 'big:slurm-array'],
    ['run', 'big:slurm-status'],
    ['run', 'big:slurm-logs', '--index', '0'],
  ]) {
    log(`1 GB file: nx ${args.join(' ')}`);
    const m = await nx(dir, args);
    const warning = m.lines.find((l) => /MB|larger than|exclude/i.test(l.text) && /weights\.bin/.test(l.text));
    rows.push(
      `nx ${args.join(' ').padEnd(28)} ${seconds(m).padStart(9)}  peak RSS ${megabytes(m).padStart(7)}` +
        (warning ? `  warns: ${warning.text.trim().slice(0, 80)}` : ''),
    );
  }
  return rows;
}

function table(figures: SizeFigures[]): string {
  const header = [
    'indices',
    'cluster',
    'graph',
    'graph RSS',
    'launch->job id',
    'launch RSS',
    'bytes sent',
    'status',
    'status RSS',
    'rows',
    'cancel',
    'cancel line',
    'launcher reported',
  ];
  const rows = figures.map((f) => [
    String(f.size),
    f.cluster,
    seconds(f.graph),
    megabytes(f.graph),
    f.submittedMs === undefined ? seconds(f.launch) : `${(f.submittedMs / 1000).toFixed(2)} s`,
    megabytes(f.launch),
    f.bytesSent ?? '-',
    seconds(f.status),
    megabytes(f.status),
    f.status ? String(tableRows(f.status)) : '-',
    seconds(f.cancel),
    f.cancel ? `${Math.max(...f.cancel.lines.map((l) => l.text.length))} chars` : '-',
    f.ended ?? '-',
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, col) => c.padEnd(widths[col]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const lab = readLabEnv();
  if (!lab) throw new Error('the test cluster is not started (bash e2e/cluster/start.sh, as root)');
  const maxArraySize = Number(/MaxArraySize\s*=\s*(\d+)/.exec(mustRun('scontrol', ['show', 'config'], '/'))?.[1]);
  const loadAtStart = os.loadavg()[0].toFixed(2);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'nx-slurm-bench-scale-'));
  const remoteRoot = `~/nx-slurm-bench/scale-${randomBytes(4).toString('hex')}`;
  const began = performance.now();
  try {
    log(`workspace in ${scratch}${TARBALL ? ` with ${TARBALL}` : ''}`);
    const dir = createWorkspace(scratch, lab, remoteRoot);
    const figures: SizeFigures[] = [];
    for (const size of SIZES) figures.push(await measureSize(dir, size, size < maxArraySize ? 'lab' : 'local'));
    const big = BIG_FILE ? await measureBigFile(dir) : [];
    process.stdout.write(
      `\nnx-slurm scaling: ${os.cpus().length} x ${os.cpus()[0]?.model.trim()}, Node ${process.version}; ` +
        `load average ${loadAtStart} at the start; MaxArraySize ${maxArraySize}; "!" marks a command that failed\n\n` +
        `${table(figures)}\n\n` +
        (big.length ? `project with a 1 GB file (sparse), one index on lab:\n${big.join('\n')}\n\n` : '') +
        `took ${((performance.now() - began) / 1000).toFixed(0)} s${KEEP ? `; workspace kept in ${dir}` : ''}\n`,
    );
  } finally {
    // whatever a failure left queued: the bench's own jobs, by the job name it gave them
    for (const size of SIZES) spawnSync('scancel', ['--name', `scale${size}`, '--user', lab.NX_SLURM_LAB_USER]);
    if (!KEEP) {
      rmSync(scratch, { recursive: true, force: true });
      const home = spawnSync('bash', ['-c', `getent passwd ${lab.NX_SLURM_LAB_USER} | cut -d: -f6`], {
        encoding: 'utf8',
      }).stdout.trim();
      if (home) rmSync(path.join(home, remoteRoot.slice(2)), { recursive: true, force: true });
    }
  }
}

process.once('SIGINT', () => {
  for (const child of children) killGroup(child);
  process.exit(130);
});
main().catch((error: Error) => {
  process.stderr.write(`bench:scale failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
