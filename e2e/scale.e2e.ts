/**
 * Large sweeps on the real cluster (issue 12): 10,000 indices submitted, shown, cancelled and
 * reported CANCELLED by the launcher waiting on them; and indices that end in the same poll,
 * with run folder paths long enough that all their log paths on one command line would be
 * refused by sshd, each showing its own log tail. Trivial commands, at most two elements at a
 * time, and cancelled at once: the shared `debug` partition is held for seconds.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readLabEnv, waitFor } from './support/cluster';
import { experiment, labProfile, output, sacct, submittedJobs, sweepWorkspace } from './support/sweeps';
import { NX_ENV, type RunResult, type Workspace } from './support/workspace';

jest.setTimeout(240_000);

const WIDE = 10_000;
const TOGETHER = 200;
/** Three folders of 200 characters: each index's log and marker paths take about 2 KB. */
const LONG_ROOT = `~/nx-slurm-e2e/${randomBytes(4).toString('hex')}/${['a', 'b', 'c'].map((c) => c.repeat(200)).join('/')}`;
const tag = randomBytes(3).toString('hex');
const wideJob = `wide-${tag}`;
const togetherJob = `together-${tag}`;

/**
 * The state column of every row of a status table. `nx run` ends a line wherever its read of
 * the executor's output ended (packages/nx/executors/output.ts), so rows are read from the text
 * with its line ends removed: nothing else is changed.
 */
function rowStates(stdout: string): string[] {
  const flat = stdout.replace(/\n/g, '');
  const table = flat.slice(flat.indexOf('index  arguments'), flat.indexOf('by state:'));
  return [...table.matchAll(/ {2}(PENDING|RUNNING|COMPLETING|CONFIGURING|COMPLETED|CANCELLED|FAILED) {2}/g)].map(
    (m) => m[1],
  );
}

describe('sweeps of thousands of indices on the real cluster', () => {
  let ws: Workspace;

  beforeAll(async () => {
    ws = await sweepWorkspace(
      'scale',
      {
        ...experiment(
          'experiments/wide',
          'wide',
          {
            jobName: wideJob,
            command: 'bash -c "echo tail of $NX_SLURM_INDEX"',
            matrix: { a: Array.from({ length: 100 }, (_, i) => i), b: Array.from({ length: 100 }, (_, i) => i) },
            maxConcurrent: 2,
          },
          {},
        ),
        ...experiment(
          'experiments/together',
          'together',
          {
            jobName: togetherJob,
            cluster: 'lab-long',
            command: 'bash -c "echo tail of $NX_SLURM_INDEX; echo err of $NX_SLURM_INDEX >&2"',
            args: Array.from({ length: TOGETHER }, (_, i) => `--i ${i}`),
          },
          {},
        ),
      },
      { 'lab-long': labProfile({ remoteRoot: LONG_ROOT }) },
    );
  });
  // whatever a failing test left queued: only this file's jobs, by their unique names
  afterAll(() => {
    spawnSync('scancel', ['--name', `${wideJob},${togetherJob}`, '--user', readLabEnv().NX_SLURM_LAB_USER]);
  });

  it('shows 1000 Nx tasks for 10,000 indices, submits one array, shows it, cancels it as ranges, and the waiting launcher reports CANCELLED', async () => {
    const graph = await ws.nx(['show', 'project', 'wide', '--json']);
    expect(graph.code).toBe(0);
    const targets = Object.keys(JSON.parse(graph.stdout).targets);
    expect(targets.filter((t) => /^slurm-array--\d+-\d+$/.test(t))).toHaveLength(1000);
    expect(targets).toContain('slurm-array--9990-9999');

    const launcher = spawn('npx', ['nx', 'run', 'wide:slurm-array'], {
      cwd: ws.dir,
      env: { ...process.env, ...NX_ENV },
      detached: true,
    });
    let seen = '';
    launcher.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    launcher.stderr.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    const ended = new Promise<number | null>((resolve) => launcher.on('exit', resolve));
    const onTimeout = () => process.kill(-launcher.pid!, 'SIGINT');
    let jobId: string;
    try {
      [jobId] = await waitFor(() => submittedJobs(seen).length > 0 && submittedJobs(seen), {
        what: `the ${WIDE}-index sweep to be submitted`,
        timeoutMs: 120_000,
      });
    } catch (error) {
      onTimeout();
      throw error;
    }
    expect(seen).toMatch(new RegExp(`submitted job ${jobId} \\(${WIDE} index`));

    const status = await ws.nx(['run', 'wide:slurm-status']);
    const cancel = await ws.nx(['run', 'wide:slurm-cancel']);
    const code = await ended;
    const all = await ws.nx(['run', 'wide:slurm-status', '--all']);

    // the status while queued: a summary, and every row not COMPLETED, none cut off
    expect(status.code).toBe(0);
    const flat = status.stdout.replace(/\n/g, '');
    expect(flat).toMatch(/by state: .*\d+ PENDING/);
    const shown = rowStates(status.stdout);
    const completed = Number(/\((\d+) COMPLETED rows not shown/.exec(flat)?.[1] ?? 0);
    expect(shown.filter((state) => state === 'COMPLETED')).toEqual([]);
    expect(shown.length + completed).toBe(WIDE);
    expect(flat).toMatch(new RegExp(`9999 +--a 99 --b 99 +PENDING +- +- +- +${jobId}_9999`));

    // the cancel: Slurm's range syntax, not thousands of ids
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(
      new RegExp(`${wideJob}: cancelled ${jobId}_\\[[\\d,-]*-9999\\] \\(\\d+ index\\(es\\)\\)`),
    );
    expect(Math.max(...cancel.stdout.split('\n').map((line) => line.length))).toBeLessThan(300);

    // the launcher: every index it waited for is CANCELLED or COMPLETED, no other failure
    expect(code).not.toBe(0);
    const reported = [...seen.matchAll(new RegExp(`^${wideJob}/\\d+: ([A-Z_]+)`, 'gm'))].map((m) => m[1]);
    expect(reported.filter((s) => s === 'CANCELLED').length).toBeGreaterThan(WIDE / 2);
    expect(reported.filter((s) => s !== 'CANCELLED' && s !== 'COMPLETED')).toEqual([]);
    expect(seen).not.toMatch(/Unable to exec|no result for/);

    // --all: every row of the 10,000, the last one too: nothing lost when the executor ends
    expect(all.code).toBe(0);
    const states = rowStates(all.stdout);
    expect(states).toHaveLength(WIDE);
    expect(states.filter((state) => state !== 'CANCELLED' && state !== 'COMPLETED')).toEqual([]);
    expect(all.stdout.replace(/\n/g, '')).toMatch(new RegExp(`${jobId}_9999by state: .*${wideJob}: \\d+/${WIDE} done`));
    expect(sacct(jobId).filter((row) => /PENDING|RUNNING/.test(row.state))).toEqual([]);
  });

  it(`shows the log tail of each of ${TOGETHER} indices that end in the same poll, their paths too long for one command line`, async () => {
    const submit = await ws.nx(['run', 'together:slurm-submit']);
    expect(submit.code).toBe(0);
    const [jobId] = submittedJobs(output(submit));
    await waitFor(
      () => {
        const rows = sacct(jobId);
        return rows.length === TOGETHER && rows.every((row) => row.state === 'COMPLETED');
      },
      { what: `the ${TOGETHER} elements of job ${jobId} to complete`, timeoutMs: 150_000, maxIntervalMs: 3000 },
    );

    // every index has ended before this launcher's first poll
    const run: RunResult = await ws.nx(['run', 'together:slurm-array']);
    const text = output(run);
    expect(run.code).toBe(0);
    expect(text).toMatch(new RegExp(`attaching to ${TOGETHER} index\\(es\\)`));
    for (let i = 0; i < TOGETHER; i++) {
      expect(text).toContain(`--- stdout (tail) ---\ntail of ${i}\n`);
      expect(text).toContain(`--- stderr (tail) ---\nerr of ${i}\n`);
    }
    expect(text).not.toMatch(/Unable to exec/);
  });
});
