/**
 * Sweeps on the real test cluster over SSH, from the packed plugin in a fresh workspace:
 * one job array per sweep, per-index Nx tasks, idempotent relaunch, shipping only what changed,
 * and `nx affected` reaching only the experiments a library edit touches.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { waitFor } from './support/cluster';
import { Gates, HOLD_PY } from './support/gates';
import {
  experiment,
  labProfile,
  output,
  pythonLibrary,
  remoteHome,
  sacct,
  submittedJobs,
  sweepWorkspace,
  transportFigures,
  writeFiles,
} from './support/sweeps';
import type { Workspace } from './support/workspace';

jest.setTimeout(300_000);

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
const ECHO_PY = `import json, os, sys
with open(os.path.join(os.environ["NX_SLURM_OUTPUT_DIR"], "argv.json"), "w", encoding="utf-8") as f:
    json.dump({"argv": sys.argv[1:], "env": os.environ.get("HOSTILE")}, f, ensure_ascii=False)
`;
const HOSTILE = [
  'two words',
  `it's "quoted"`,
  '$(touch /tmp/nx-slurm-pwned)',
  '`id`',
  'a;b && c | d > e',
  'line1\nline2',
  'tab\there',
  'naïve ☃ 日本',
  '',
  '\\back\\slash\\',
  '*',
  'x'.repeat(10 * 1024),
];

const matrix = (rates: number[]) => ({ learning_rate: rates, batch_size: [32, 64] });

describe('sweeps on the real cluster over SSH', () => {
  let ws: Workspace;
  const home = remoteHome();
  // indices of slow, manage and elsewhere wait for these, so the runs are still going when looked at
  const gates = new Gates();
  const nx = (...args: string[]) => ws.nx(args);

  beforeAll(async () => {
    ws = await sweepWorkspace(
      'sweeps',
      {
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
        ...experiment(
          'experiments/exp-c',
          'exp-c',
          { command: 'python3 -c "print(42)"', args: ['--n 1', '--n 2'] },
          {},
        ),
        ...experiment(
          'experiments/hostile',
          'hostile',
          {
            command: 'python3 echo.py',
            args: [Object.fromEntries(HOSTILE.map((s, i) => [`s${i}`, s]))],
            env: { HOSTILE: HOSTILE.slice(0, 10).join('|') },
          },
          { 'echo.py': ECHO_PY },
        ),
        ...experiment(
          'experiments/slow',
          'slow',
          { command: 'python3 hold.py', args: [0, 1].map((n) => `--n ${n} --until ${gates.path('slow')}`) },
          { 'hold.py': HOLD_PY },
        ),
        ...experiment(
          'experiments/manage',
          'manage',
          {
            command: 'python3 hold.py',
            args: [`--n 0 --until ${gates.path('manage')}`, '--n 1', `--n 2 --until ${gates.path('manage')}`],
          },
          { 'hold.py': HOLD_PY },
        ),
        ...experiment(
          'experiments/chunked',
          'chunked',
          {
            command: 'python3 echo.py',
            args: ['--n 0', '--n 1', '--n 2', '--n 3', '--n 4', '--n 5'],
            cluster: 'lab-small',
          },
          { 'echo.py': ECHO_PY },
        ),
        'experiments/inline/project.json': {
          name: 'inline',
          targets: {
            sweep: {
              executor: 'nx-slurm:array',
              options: { command: 'python3 echo.py', args: ['--n 0', '--n 1', '--n 2'], jobName: 'inline-sweep' },
            },
          },
        },
        'experiments/inline/echo.py': ECHO_PY,
        ...experiment(
          'experiments/elsewhere',
          'elsewhere',
          { command: 'python3 hold.py', args: [0, 1].map((n) => `--n ${n} --until ${gates.path('elsewhere')}`) },
          { 'hold.py': HOLD_PY },
        ),
        ...experiment(
          'experiments/unbatched',
          'unbatched',
          { command: 'python3 echo.py', args: ['--n 0', '--n 1'] },
          { 'echo.py': ECHO_PY },
        ),
      },
      { 'lab-small': labProfile({ maxArraySize: 4 }) },
    );
    writeFileSync(path.join(home, FAIL_MARKER), '');
    gates.create();
    execFileSync('git', ['init', '-q'], { cwd: ws.dir });
    execFileSync('git', ['-c', 'user.email=e2e@nx-slurm', '-c', 'user.name=e2e', 'add', '-A'], { cwd: ws.dir });
    execFileSync('git', ['-c', 'user.email=e2e@nx-slurm', '-c', 'user.name=e2e', 'commit', '-qm', 'experiments'], {
      cwd: ws.dir,
    });
  });
  afterAll(() => {
    rmSync(path.join(home, FAIL_MARKER), { force: true });
    gates.close();
  });

  const ledger = (jobName: string, cluster = 'lab') =>
    JSON.parse(readFileSync(path.join(ws.dir, '.nx-slurm/ledger', cluster, `${jobName}.json`), 'utf8'));
  const runDirOf = (jobName: string, index: number, cluster = 'lab') =>
    (Object.values(ledger(jobName, cluster).entries) as { runIndex: number; runDir: string; jobId: string }[]).find(
      (e) => e.runIndex === index,
    )!;

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
    const { runDir } = runDirOf('exp-a', 0);
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

  it('splits a sweep past MaxArraySize into arrays whose indices still count from the sweep', async () => {
    const run = await nx('run', 'chunked:slurm-array');
    const text = output(run);
    expect(run.code).toBe(0);
    expect(text).toMatch(/submitted job \S+ \(4 index\(es\)\)/);
    expect(text).toMatch(/submitted job \S+ \(2 index\(es\)\)/);
    const [, second] = submittedJobs(text);
    const rows = await waitFor(
      () => {
        const found = sacct(second);
        return found.length === 2 && found.every((r) => r.state === 'COMPLETED') && found;
      },
      { what: `both elements of job ${second} in sacct`, timeoutMs: 30_000 },
    );
    expect(rows.map((r) => r.jobId).sort()).toEqual([`${second}_0`, `${second}_1`]);
    for (const index of [4, 5]) {
      const { runDir } = runDirOf('chunked', index, 'lab-small');
      const echoed = JSON.parse(readFileSync(path.join(runDir, 'out', String(index), 'argv.json'), 'utf8'));
      expect(echoed.argv).toEqual(['--n', String(index)]);
      expect(readFileSync(path.join(runDir, 'logs', `${index}.out`), 'utf8')).toBe('');
    }
  });

  it('works without batching: one array per index task', async () => {
    const run = await nx('run', 'unbatched:slurm-array', '--batch=false');
    const text = output(run);
    expect(run.code).toBe(0);
    expect(submittedJobs(text)).toHaveLength(2);
    expect(Object.keys(ledger('unbatched').entries)).toHaveLength(2);
  });

  it('runs a sweep given as the options of an nx-slurm:array target as one Nx task, with a table', async () => {
    const run = await nx('run', 'inline:sweep');
    const text = output(run);
    expect(run.code).toBe(0);
    expect(submittedJobs(text)).toHaveLength(1);
    expect(text).toMatch(/index\s+arguments\s+state\s+exit\s+elapsed\s+node\s+job/);
    for (const i of [0, 1, 2]) expect(text).toMatch(new RegExp(`\\n${i}\\s+--n ${i}\\s+COMPLETED\\s+0`));
    expect(text).toMatch(/Successfully ran target sweep for project inline/);
  });

  it('delivers every argument and env value byte for byte, never through a shell', async () => {
    rmSync('/tmp/nx-slurm-pwned', { force: true });
    const run = await nx('run', 'hostile:slurm-array');
    expect(run.code).toBe(0);
    const { runDir } = runDirOf('hostile', 0);
    const echoed = JSON.parse(readFileSync(path.join(runDir, 'out/0/argv.json'), 'utf8'));
    expect(echoed.argv).toEqual(HOSTILE.flatMap((s, i) => [`--s${i}`, s]));
    expect(echoed.env).toBe(HOSTILE.slice(0, 10).join('|'));
    expect(existsSync('/tmp/nx-slurm-pwned')).toBe(false);
  });

  it('Ctrl-C leaves the job running; the rerun attaches instead of submitting again', async () => {
    const first = ws.startNx(['run', 'slow:slurm-array']);
    await first.waitForOutput(/submitted job/, 60_000);
    first.signal('SIGINT');
    await first.exited;
    const [jobId] = submittedJobs(first.output());

    const rerun = ws.startNx(['run', 'slow:slurm-array']);
    await rerun.waitForOutput(/attaching to \d+ index\(es\)/, 60_000);
    expect(rerun.output()).toMatch(/attaching to 2 index\(es\)/);
    gates.open('slow');
    const result = await rerun.exited;
    const text = output(result);
    expect(result.code).toBe(0);
    expect(submittedJobs(text)).toEqual([]);
    expect(text).toMatch(/slow\/0: COMPLETED/);
    expect(sacct(jobId).map((r) => r.state)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it('a workspace without the ledger (another clone) attaches to a run still going instead of submitting again', async () => {
    const submit = await nx('run', 'elsewhere:slurm-submit');
    expect(submit.code).toBe(0);
    const [jobId] = submittedJobs(output(submit));
    rmSync(path.join(ws.dir, '.nx-slurm/ledger/lab/elsewhere.json'));

    const run = ws.startNx(['run', 'elsewhere:slurm-array']);
    await run.waitForOutput(/attaching to \d+ index\(es\)/, 60_000);
    expect(run.output()).toMatch(/recovered 2 index\(es\)/);
    expect(run.output()).toMatch(/attaching to 2 index\(es\)/);
    gates.open('elsewhere');
    const result = await run.exited;
    const text = output(result);
    expect(result.code).toBe(0);
    expect(submittedJobs(text)).toEqual([]);
    expect(text).toMatch(new RegExp(`job ${jobId}_1 on node`));
  });

  it('slurm-submit returns at once; status, logs and cancel work on the run', async () => {
    const submit = await nx('run', 'manage:slurm-submit');
    expect(submit.code).toBe(0);
    const [jobId] = submittedJobs(output(submit));
    expect(jobId).toBeDefined();

    const status = await nx('run', 'manage:slurm-status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/index\s+arguments\s+state/);
    expect(status.stdout).toMatch(/\n0\s+--n 0 --until \S+\s+(PENDING|RUNNING)/);

    await waitFor(async () => /\n1\s+--n 1\s+COMPLETED/.test((await nx('run', 'manage:slurm-status')).stdout), {
      what: 'index 1 to complete',
      timeoutMs: 60_000,
      intervalMs: 1000,
    });
    const logs = await nx('run', 'manage:slurm-logs', '--index', '1');
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('index 1 starts');
    expect(logs.stdout).toContain('index 1 done');

    const cancel = await nx('run', 'manage:slurm-cancel', '--index', '2');
    expect(cancel.code).toBe(0);
    expect(output(cancel)).toContain(`manage: cancelled ${jobId}_2.`);
    await waitFor(() => sacct(jobId).find((r) => r.jobId === `${jobId}_2` && /CANCELLED/.test(r.state)), {
      what: `${jobId}_2 cancelled`,
      timeoutMs: 30_000,
    });
    expect(sacct(jobId).find((r) => r.jobId === `${jobId}_0`)?.state).toMatch(/PENDING|RUNNING/);

    // --follow prints index 0's log as it grows and returns once the index has ended
    const follow = ws.startNx(['run', 'manage:slurm-logs', '--index', '0', '--follow']);
    await follow.waitForOutput(/index 0 starts/, 60_000);

    const cancelAll = await nx('run', 'manage:slurm-cancel');
    expect(cancelAll.code).toBe(0);
    await waitFor(() => sacct(jobId).find((r) => r.jobId === `${jobId}_0` && /CANCELLED/.test(r.state)), {
      what: `${jobId}_0 cancelled`,
      timeoutMs: 30_000,
    });
    const followed = await follow.exited;
    expect(followed.code).toBe(0);
    // index 0 never passed its gate: it ended cancelled
    expect(followed.stdout).not.toContain('index 0 done');
  });
});
