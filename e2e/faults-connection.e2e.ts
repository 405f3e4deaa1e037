/**
 * A dropped SSH connection during a wait (issue 11, item 1), injected on a TcpProxy in front of
 * the lab's sshd that this spec owns: the wait reconnects with back-off and goes on; keep-alives
 * notice a silent drop; past the patience it gives up with the job id, and a rerun attaches.
 */
import { randomBytes } from 'node:crypto';
import { arrayJobsNamed, sshLink, startNx, type SshLink } from './support/faults';
import { experiment, labProfile, output, submittedJobs, sweepWorkspace } from './support/sweeps';
import type { Workspace } from './support/workspace';

jest.setTimeout(180_000);

const SLEEP_PY = `import os, sys, time
time.sleep(float(sys.argv[sys.argv.index("--seconds") + 1]))
print("index", os.environ["NX_SLURM_INDEX"], "done", flush=True)
`;

/** Printed by the wait after each poll that changed something (the first one always does). */
const PROGRESS = /: \d+\/2 done, /;
const LOST = /lost the connection to lab[\w-]*; the jobs keep running\. Reconnecting \(attempt 1, next in \d+ s\)/;

describe('a dropped connection during the wait', () => {
  let link: SshLink;
  let ws: Workspace;
  const tag = randomBytes(3).toString('hex');
  const jobName = (name: string) => `faults-${name}-${tag}`;
  const sleeper = (name: string, seconds: number, cluster?: string) =>
    experiment(
      `experiments/${name}`,
      name,
      {
        jobName: jobName(name),
        command: 'python3 sleep.py',
        args: [`--seconds ${seconds}`, `--seconds ${seconds}`],
        cluster,
      },
      { 'sleep.py': SLEEP_PY },
    );

  beforeAll(async () => {
    link = await sshLink();
    const through = { ...link.profile, serverAliveInterval: 1 };
    ws = await sweepWorkspace(
      'faults-connection',
      { ...sleeper('cut', 10), ...sleeper('silent', 10), ...sleeper('giveup', 25, 'lab-impatient') },
      {
        lab: labProfile({ ...through, patience: 120 }),
        'lab-impatient': labProfile({ ...through, patience: 4 }),
      },
    );
  });
  afterAll(() => link?.close());

  it('a cut connection is reopened with back-off and the wait goes on: every index reported, one array', async () => {
    const run = startNx(ws, ['run', 'cut:slurm-array']);
    try {
      // the launch is in its wait: it has printed a progress line
      await run.waitForOutput(PROGRESS, 90_000);
      const before = link.proxy.counters().connections;
      link.proxy.cutAll();
      await run.waitForOutput(LOST, 30_000);
      const result = await run.exited;
      const text = output(result);
      expect(result.code).toBe(0);
      expect(text).toContain(`${jobName('cut')}: 2/2 done`);
      expect(text).toMatch(/Successfully ran target slurm-array/);
      expect(link.proxy.counters().connections).toBeGreaterThan(before);
      expect(arrayJobsNamed(jobName('cut'))).toEqual(submittedJobs(text));
    } finally {
      run.kill();
    }
  });

  it('a silent drop (no reset, no reply) is noticed by keep-alives, and the wait goes on', async () => {
    const run = startNx(ws, ['run', 'silent:slurm-array']);
    try {
      await run.waitForOutput(PROGRESS, 90_000);
      link.proxy.setSilent(true);
      await run.waitForOutput(LOST, 30_000);
      link.proxy.setSilent(false);
      const result = await run.exited;
      expect(result.code).toBe(0);
      expect(output(result)).toContain(`${jobName('silent')}: 2/2 done`);
      expect(arrayJobsNamed(jobName('silent'))).toHaveLength(1);
    } finally {
      link.proxy.setSilent(false);
      run.kill();
    }
  });

  it('past the patience it gives up naming the job and how to attach; the rerun attaches to that job', async () => {
    const run = startNx(ws, ['run', 'giveup:slurm-array']);
    let jobId: string;
    try {
      jobId = (await run.waitForOutput(/submitted job (\d+)/, 90_000))[1];
      await run.waitForOutput(PROGRESS, 90_000);
      await link.takeAway();
      const result = await run.exited;
      const text = output(result);
      expect(result.code).not.toBe(0);
      expect(text).toMatch(LOST);
      expect(text).toMatch(new RegExp(`gave up[^\\n]*job ${jobId}[^\\n]*rerun the same command to attach`));
    } finally {
      await link.bringBack();
      run.kill();
    }
    const rerun = await ws.nx(['run', 'giveup:slurm-array']);
    const text = output(rerun);
    expect(rerun.code).toBe(0);
    expect(text).toMatch(/attaching to 2 index\(es\) still queued or running/);
    expect(submittedJobs(text)).toEqual([]);
    expect(arrayJobsNamed(jobName('giveup'))).toEqual([jobId]);
  });
});
