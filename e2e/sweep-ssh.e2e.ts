/**
 * Sweeps on the real test cluster over SSH, from the packed plugin in a fresh workspace:
 * one job array per sweep, per-index Nx tasks, idempotent relaunch, shipping only what changed,
 * and `nx affected` reaching only the experiments a library edit touches.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { waitFor } from './support/cluster';
import {
  experiment,
  output,
  pythonLibrary,
  remoteHome,
  runDirOf,
  sacct,
  submittedJobs,
  sweepWorkspace,
  transportFigures,
  writeFiles,
} from './support/sweeps';
import type { Workspace } from './support/workspace';

// a hung test fails alone, well inside the whole run's bound (NX_SLURM_TEST_TIMEOUT, scripts/test.sh)
jest.setTimeout(180_000);

/** Fails index (0.3, 32) while this file exists in the cluster user's home. */
const FAIL_MARKER = `nx-slurm-e2e-fail-${process.pid}`;

const TRAIN_PY = `import json, os, sys, time
from shared_lib import version
args = sys.argv[1:]
start = time.time()
print("index", os.environ["NX_SLURM_INDEX"], "args", args, "lib", version(), flush=True)
time.sleep(1.5)
with open(os.path.join(os.environ["NX_SLURM_OUTPUT_DIR"], "result.json"), "w") as f:
    json.dump({"args": args, "start": start, "end": time.time(), "lib": version()}, f)
if args[:4] == ["--learning_rate", "0.3", "--batch_size", "32"] and os.path.exists(os.path.join(os.environ["HOME"], "${FAIL_MARKER}")):
    print("boom: index", os.environ["NX_SLURM_INDEX"], "refuses learning rate 0.3", file=sys.stderr)
    sys.exit(3)
`;
const matrix = (rates: number[]) => ({ learning_rate: rates, batch_size: [32, 64] });

describe('sweeps on the real cluster over SSH', () => {
  let ws: Workspace;
  const home = remoteHome();
  const nx = (...args: string[]) => ws.nx(args);

  beforeAll(async () => {
    ws = await sweepWorkspace('sweeps', {
      ...pythonLibrary('libs/shared-lib', 'shared-lib', 'shared_lib', 'def version():\n    return "v1"\n'),
      ...experiment(
        'experiments/exp-a',
        'exp-a',
        { command: 'python3 train.py', matrix: matrix([0.1, 0.2, 0.3]), libraries: ['shared-lib'], maxConcurrent: 2 },
        { 'train.py': TRAIN_PY },
      ),
      ...experiment(
        'experiments/exp-b',
        'exp-b',
        {
          command: 'python3 train.py',
          args: ['--learning_rate 1 --batch_size 8', '--learning_rate 2 --batch_size 8'],
          libraries: ['shared-lib'],
        },
        { 'train.py': TRAIN_PY },
      ),
      ...experiment('experiments/exp-c', 'exp-c', { command: 'python3 -c "print(42)"', args: ['--n 1', '--n 2'] }, {}),
    });
    writeFileSync(path.join(home, FAIL_MARKER), '');
    // nx affected compares against git
    execFileSync('git', ['init', '-q'], { cwd: ws.dir });
    execFileSync('git', ['-c', 'user.email=e2e@nx-slurm', '-c', 'user.name=e2e', 'add', '-A'], { cwd: ws.dir });
    execFileSync('git', ['-c', 'user.email=e2e@nx-slurm', '-c', 'user.name=e2e', 'commit', '-qm', 'experiments'], {
      cwd: ws.dir,
    });
  });
  afterAll(() => rmSync(path.join(home, FAIL_MARKER), { force: true }));

  it('runs a 3x2 matrix as one array, at most 2 at once, one failure reported with its state, exit code and stderr', async () => {
    const run = await nx('run', 'exp-a:slurm-array');
    const text = output(run);
    expect(run.code).not.toBe(0);
    const jobs = submittedJobs(text);
    expect(jobs).toHaveLength(1);

    const rows = await waitFor(
      () => {
        const found = sacct(jobs[0]);
        return found.length === 6 && found.every((r) => /COMPLETED|FAILED/.test(r.state)) && found;
      },
      { what: `sacct rows of job ${jobs[0]}`, timeoutMs: 30_000 },
    );
    const byIndex = Object.fromEntries(rows.map((r) => [r.jobId.split('_')[1], r]));
    expect(Object.keys(byIndex).sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    for (const i of ['0', '1', '2', '3', '5'])
      expect(byIndex[i]).toMatchObject({ state: 'COMPLETED', exitCode: '0:0' });
    expect(byIndex['4']).toMatchObject({ state: 'FAILED', exitCode: '3:0' });

    expect(text).toMatch(/exp-a\/4: FAILED \(exit code 3\)/);
    expect(text).toMatch(/boom: index 4 refuses learning rate 0\.3/);
    expect(text).toMatch(/Failed tasks:[\s\S]*exp-a:slurm-array--4/);
    expect(text).not.toMatch(/Failed tasks:[\s\S]*exp-a:slurm-array--[01235]\b/);

    // the cluster is this machine: its run folders can be read in place
    const { runDir } = runDirOf(ws, 'exp-a', 0);
    const results = [0, 1, 2, 3, 4, 5].map((i) =>
      JSON.parse(readFileSync(path.join(runDir, 'out', String(i), 'result.json'), 'utf8')),
    );
    results.forEach((r, i) =>
      expect(r.args).toEqual([
        '--learning_rate',
        ['0.1', '0.1', '0.2', '0.2', '0.3', '0.3'][i],
        '--batch_size',
        i % 2 ? '64' : '32',
      ]),
    );
    const overlaps = results.map((r) => results.filter((o) => o.start <= r.start && r.start < o.end).length);
    expect(Math.max(...overlaps)).toBeLessThanOrEqual(2);
    for (const i of [0, 1, 2, 3, 4, 5])
      expect(readFileSync(path.join(runDir, 'logs', `${i}.out`), 'utf8')).toContain(`index ${i} args`);

    const figures = transportFigures(text);
    expect(figures?.connections).toBe(1);
    process.stdout.write(`[figures] first launch exp-a: ${JSON.stringify(figures)}\n`);
  });

  it('reruns only the failed index, in a new array, sending no bundle', async () => {
    rmSync(path.join(home, FAIL_MARKER));
    const run = await nx('run', 'exp-a:slurm-array');
    const text = output(run);
    expect(run.code).toBe(0);
    const jobs = submittedJobs(text);
    expect(jobs).toHaveLength(1);
    expect(text).toMatch(/submitted job \S+ \(1 index\(es\)\)/);
    // sacct first lists a one-element array under its bare job id, then as <job>_<task>
    const rows = await waitFor(
      () => {
        const found = sacct(jobs[0]);
        return found.some((r) => r.jobId.includes('_')) && found.every((r) => r.state === 'COMPLETED') && found;
      },
      { what: 'the rerun in sacct', timeoutMs: 30_000 },
    );
    expect(rows.map((r) => r.jobId)).toEqual([`${jobs[0]}_4`]);
    expect(text).toContain('no bundle uploaded');
    expect(text).not.toContain('uploaded project bundle');
    process.stdout.write(`[figures] unchanged relaunch exp-a: ${JSON.stringify(transportFigures(text))}\n`);
  });

  it('submits only the new indices when the matrix grows', async () => {
    await writeFiles(ws.dir, {
      'experiments/exp-a/slurm.json': {
        command: 'python3 train.py',
        matrix: matrix([0.1, 0.2, 0.3, 0.4]),
        libraries: ['shared-lib'],
        maxConcurrent: 2,
      },
    });
    const run = await nx('run', 'exp-a:slurm-array');
    const text = output(run);
    expect(run.code).toBe(0);
    const jobs = submittedJobs(text);
    expect(jobs).toHaveLength(1);
    const rows = await waitFor(
      () => {
        const found = sacct(jobs[0]);
        return found.length === 2 && found.every((r) => r.state === 'COMPLETED') && found;
      },
      { what: 'the new indices in sacct', timeoutMs: 30_000 },
    );
    expect(rows.map((r) => r.jobId).sort()).toEqual([`${jobs[0]}_6`, `${jobs[0]}_7`]);
    expect(text).toContain('no bundle uploaded');
  });

  it('after a library edit, nx affected reruns every index of the two experiments using it, and ships only the library', async () => {
    const first = await nx('run-many', '-t', 'slurm-array', '-p', 'exp-b', 'exp-c');
    expect(first.code).toBe(0);
    expect(submittedJobs(output(first))).toHaveLength(2);
    expect(transportFigures(output(first))?.connections).toBe(1);

    await writeFiles(ws.dir, { 'libs/shared-lib/shared_lib.py': 'def version():\n    return "v2"\n' });
    const affected = await nx('affected', '-t', 'slurm-array', '--files=libs/shared-lib/shared_lib.py');
    const text = output(affected);
    expect(affected.code).toBe(0);
    expect(text).toMatch(/exp-a:slurm-array--7/);
    expect(text).toMatch(/exp-b:slurm-array--1/);
    expect(text).not.toMatch(/exp-c:slurm-array/);
    expect(text).toMatch(/submitted job \S+ \(8 index\(es\)\)/);
    expect(text).toMatch(/submitted job \S+ \(2 index\(es\)\)/);
    expect(submittedJobs(text)).toHaveLength(2);
    expect(text.match(/uploaded library shared-lib bundle/g)).toHaveLength(1);
    expect(text).not.toContain('uploaded project bundle');
    process.stdout.write(`[figures] library edit (exp-a + exp-b): ${JSON.stringify(transportFigures(text))}\n`);

    // a change to one experiment's own code reaches that experiment alone
    const own = await nx('show', 'projects', '--affected', '--files=experiments/exp-b/train.py', '-t', 'slurm-array');
    expect(own.stdout.trim().split('\n')).toEqual(['exp-b']);
  });

  it('rebuilds the ledger from the cluster in a fresh clone: completed indices are not run again', async () => {
    rmSync(path.join(ws.dir, '.nx-slurm'), { recursive: true });
    const run = await nx('run', 'exp-c:slurm-array', '--skip-nx-cache');
    const text = output(run);
    expect(run.code).toBe(0);
    expect(text).toMatch(/recovered 2 index\(es\)/);
    expect(submittedJobs(text)).toEqual([]);
  });
});
