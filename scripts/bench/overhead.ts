/**
 * nx-slurm's own overhead on the `local` cluster, against baselines taken in the same run (so
 * the figures are ratios, comparable across machines), without the Nx daemon as in CI:
 *
 *   1. a 1000-index sweep of `true`, against running the same rendered job script 1000 times
 *      with the same concurrency; `nx show project` of that project against `nx --version`
 *   2. the same command again: all Nx cache hits, then with --skip-nx-cache (all ledger hits),
 *      against a plain-Nx run of 1000 cached `nx:noop` tasks
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mustSucceed, spawnPool, type Timed } from './processes';
import { perfMarks, seconds, type OverheadRow } from './report';
import { median } from './stats';
import { perfEntries } from './timeline';
import { json, type BenchWorkspace } from './workspace';

const CPUS = os.cpus().length;
const SWEEP_SIZE = 1000;
const PROJECTS = ['experiments/exp', 'bench/noop'];

export interface Overhead {
  rows: OverheadRow[];
  notes: string[];
  versionMs: number;
}

export async function measureOverhead(
  ws: BenchWorkspace,
  repeat: number,
  log: (line: string) => void,
): Promise<Overhead> {
  const nx = (args: string[], env?: Record<string, string>) => ws.nx(args, { daemon: false, env });
  const medianOf = async (what: string, run: () => Promise<Timed>) => {
    const all: number[] = [];
    let last: Timed | undefined;
    for (let k = 0; k < repeat; k++) {
      last = mustSucceed(what, await run());
      all.push(last.ms);
    }
    return { ms: median(all), last: last! };
  };
  const rows: OverheadRow[] = [];
  const notes: string[] = [];

  ws.write({
    'experiments/exp/project.json': json({ name: 'exp', projectType: 'application' }),
    'experiments/exp/slurm.json': json({
      command: 'true',
      args: Array.from({ length: SWEEP_SIZE }, (_, i) => `--i ${i}`),
      maxConcurrent: CPUS,
    }),
  });
  mustSucceed('nx show projects (warm-up)', await nx(['show', 'projects']));
  const version = await medianOf('nx --version', () => nx(['--version']));

  log(`overhead 1: ${SWEEP_SIZE}-index sweep of \`true\` on the local cluster, maxConcurrent ${CPUS}`);
  const showProject = await medianOf('nx show project', () => nx(['show', 'project', 'exp', '--json']));
  rows.push({
    what: `nx show project exp (${SWEEP_SIZE + 6} targets)`,
    measured: showProject.ms,
    baseline: version.ms,
    baselineIs: 'nx --version',
  });

  const run = mustSucceed('nx run exp:slurm-array', await nx(['run', 'exp:slurm-array']));
  const runDir = /exp: submitted job .*, run (\S+)$/m.exec(run.text)?.[1];
  if (!runDir)
    throw new Error(`no "submitted job" line in the output of nx run exp:slurm-array:\n${run.text.slice(-3000)}`);

  // Baseline: the per-index work exactly, i.e. the rendered job script of this run, on a copy of
  // its run folder (so the run's own logs and exit markers stay as they are).
  const copy = ws.path('.bench-baseline/run');
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
      env: { ...process.env, SLURM_ARRAY_JOB_ID: 'bench', SLURM_ARRAY_TASK_ID: String(i), SLURM_JOB_ID: `bench_${i}` },
    }),
  );
  const markers = readdirSync(path.join(copy, 'exit')).length;
  if (markers !== SWEEP_SIZE) throw new Error(`baseline: ${markers} exit markers, expected ${SWEEP_SIZE}`);
  const bareMs = await spawnPool(SWEEP_SIZE, CPUS, () => spawn('true', [], { stdio: 'ignore' }));
  rows.push(
    {
      what: `local ${SWEEP_SIZE} x true: nx run exp:slurm-array`,
      measured: run.ms,
      baseline: jobScriptMs,
      baselineIs: `job.sbatch x${SWEEP_SIZE}, ${CPUS} at once`,
      note: `${((run.ms - jobScriptMs) / SWEEP_SIZE).toFixed(1)} ms/index`,
    },
    {
      what: `  (job.sbatch vs a bare \`true\` x${SWEEP_SIZE})`,
      measured: jobScriptMs,
      baseline: bareMs,
      baselineIs: 'spawn true, same concurrency',
    },
  );
  notes.push(localRunnerNote(ws, jobScriptMs));

  log('overhead 2: the same command again (Nx cache hits), then --skip-nx-cache (ledger hits)');
  // plain Nx doing the same amount of bookkeeping: a 1000-target project of cached no-op tasks
  const targets: Record<string, object> = {};
  for (let i = 0; i < SWEEP_SIZE; i++)
    targets[`t--${i}`] = { executor: 'nx:noop', cache: true, inputs: ['default'], outputs: [] };
  targets.all = {
    executor: 'nx:noop',
    cache: false,
    dependsOn: Array.from({ length: SWEEP_SIZE }, (_, i) => ({ target: `t--${i}` })),
  };
  ws.write({ 'bench/noop/project.json': json({ name: 'noop', targets }) });
  mustSucceed('nx run noop:all (fills the cache)', await nx(['run', 'noop:all']));
  const noop = await medianOf('nx run noop:all', () => nx(['run', 'noop:all']));
  const cached = await medianOf('nx run exp:slurm-array (cached)', () => nx(['run', 'exp:slurm-array']));
  const skip = await medianOf('nx run exp:slurm-array --skip-nx-cache', () =>
    nx(['run', 'exp:slurm-array', '--skip-nx-cache']),
  );
  if (/submitted job/.test(skip.last.text))
    notes.push('WARNING: the --skip-nx-cache rerun submitted a job: the ledger did not answer');
  const fromLedger = (skip.last.text.match(/completed in an earlier run, not resubmitted/g) ?? []).length;
  rows.push(
    {
      what: `rerun, Nx cache hits (${cacheHits(cached.last.text)})`,
      measured: cached.ms,
      baseline: noop.ms,
      baselineIs: `nx run noop:all, ${SWEEP_SIZE} cached nx:noop (${cacheHits(noop.last.text)})`,
    },
    { what: '  same, against Nx startup', measured: cached.ms, baseline: version.ms, baselineIs: 'nx --version' },
    {
      what: `rerun --skip-nx-cache (${fromLedger} ledger hits)`,
      measured: skip.ms,
      baseline: noop.ms,
      baselineIs: `nx run noop:all, ${SWEEP_SIZE} cached nx:noop`,
    },
  );

  // where the time goes, from Nx's own performance marks (one extra run each, not timed above)
  for (const [label, args] of [
    ['cached rerun', ['run', 'exp:slurm-array']],
    ['--skip-nx-cache rerun', ['run', 'exp:slurm-array', '--skip-nx-cache']],
    ['noop baseline', ['run', 'noop:all']],
  ] as const) {
    const perf = perfEntries(mustSucceed(label, await nx([...args], { NX_PERF_LOGGING: 'true' })).text);
    notes.push(`NX_PERF_LOGGING, ${label}: ${perfMarks(perf).join(', ')}`);
  }
  for (const project of PROJECTS) ws.remove(project);
  return { rows, notes, versionMs: version.ms };
}

/** How busy the local runner kept its slots, from the ledger's start and end times. */
function localRunnerNote(ws: BenchWorkspace, jobScriptMs: number): string {
  const entries = Object.values(
    (
      JSON.parse(readFileSync(ws.path('.nx-slurm/ledger/local/exp.json'), 'utf8')) as {
        entries: Record<string, { start?: string; end?: string }>;
      }
    ).entries,
  );
  const starts = entries.map((e) => Date.parse(e.start ?? '')).filter(Number.isFinite);
  const ends = entries.map((e) => Date.parse(e.end ?? '')).filter(Number.isFinite);
  const busy = entries.reduce((sum, e) => sum + (Date.parse(e.end ?? '') - Date.parse(e.start ?? '') || 0), 0);
  const span = Math.max(...ends) - Math.min(...starts);
  return (
    `local runner: first element start to last element end ${seconds(span)} = ${(SWEEP_SIZE / (span / 1000)).toFixed(1)} elements/s; ` +
    `elements busy ${seconds(busy)} in total, so ${((100 * busy) / (CPUS * span)).toFixed(0)}% of the ${CPUS} slots were in use ` +
    `(the same work straight from Node: ${(SWEEP_SIZE / (jobScriptMs / 1000)).toFixed(0)} elements/s).`
  );
}

function cacheHits(text: string): string {
  return /Cache:\s+(\d+\/\d+ hit[^\n]*|Skipped[^\n]*)/.exec(text)?.[1].trim() ?? '?';
}
