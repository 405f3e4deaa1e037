/**
 * A run still going, on the real cluster over SSH: Ctrl-C and a workspace without the ledger
 * attach to it, and status, logs, follow and cancel work on it. Its indices wait at gates
 * (e2e/support/gates.ts) that a test opens only after its assertions, so "still going" does not
 * depend on how fast the machine is.
 */
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { waitFor } from './support/cluster';
import { Gates, HOLD_PY } from './support/gates';
import { experiment, output, sacct, submittedJobs, sweepWorkspace } from './support/sweeps';
import type { Workspace } from './support/workspace';

// a hung test fails alone, well inside the whole run's bound (NX_SLURM_TEST_TIMEOUT, scripts/test.sh)
jest.setTimeout(180_000);

describe('managing a run still going on the real cluster over SSH', () => {
  let ws: Workspace;
  const gates = new Gates();
  const nx = (...args: string[]) => ws.nx(args);

  beforeAll(async () => {
    gates.create();
    ws = await sweepWorkspace('runs', {
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
        'experiments/elsewhere',
        'elsewhere',
        { command: 'python3 hold.py', args: [0, 1].map((n) => `--n ${n} --until ${gates.path('elsewhere')}`) },
        { 'hold.py': HOLD_PY },
      ),
    });
  });
  afterAll(() => gates.close());

  it('Ctrl-C leaves the job running; the rerun attaches instead of submitting again', async () => {
    const first = ws.startNx(['run', 'slow:slurm-array']);
    await first.waitForOutput(/submitted job/, 120_000);
    first.signal('SIGINT');
    await first.exited;
    const [jobId] = submittedJobs(first.output());

    const rerun = ws.startNx(['run', 'slow:slurm-array']);
    await rerun.waitForOutput(/attaching to \d+ index\(es\)/, 120_000);
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
    await run.waitForOutput(/attaching to \d+ index\(es\)/, 120_000);
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
    await follow.waitForOutput(/index 0 starts/, 120_000);

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
