/**
 * A dropped SSH connection during a wait (issue 11, item 1), injected on a TcpProxy in front of
 * the lab's sshd that this spec owns: the wait reconnects with back-off and goes on; keep-alives
 * notice a silent drop; past the patience it gives up with the job id, and a rerun attaches.
 * The indices wait at gates (e2e/support/gates.ts) until the test has seen what it waits for,
 * so the job is still running whatever the speed of the machine.
 */
import { randomBytes } from 'node:crypto';
import { arrayJobsNamed, sshLink, startNx, type SshLink } from './support/faults';
import { Gates, HOLD_PY } from './support/gates';
import { experiment, labProfile, output, submittedJobs, sweepWorkspace } from './support/sweeps';
import type { Workspace } from './support/workspace';

jest.setTimeout(180_000);

/** Printed by the wait after each poll that changed something (the first one always does). */
const PROGRESS = /: \d+\/2 done, /;
const LOST = /lost the connection to lab[\w-]*; the jobs keep running\. Reconnecting \(attempt 1, next in \d+ s\)/;

describe('a dropped connection during the wait', () => {
  let link: SshLink;
  let ws: Workspace;
  const gates = new Gates();
  const tag = randomBytes(3).toString('hex');
  const jobName = (name: string) => `faults-${name}-${tag}`;
  /** Two indices held at the gate of the project's name. */
  const held = (name: string, cluster?: string) =>
    experiment(
      `experiments/${name}`,
      name,
      {
        jobName: jobName(name),
        command: 'python3 hold.py',
        args: [0, 1].map((n) => `--n ${n} --until ${gates.path(name)}`),
        cluster,
      },
      { 'hold.py': HOLD_PY },
    );

  beforeAll(async () => {
    gates.create();
    link = await sshLink();
    const through = { ...link.profile, serverAliveInterval: 1 };
    ws = await sweepWorkspace(
      'faults-connection',
      { ...held('cut'), ...held('silent'), ...held('giveup', 'lab-impatient') },
      {
        lab: labProfile({ ...through, patience: 120 }),
        'lab-impatient': labProfile({ ...through, patience: 4 }),
      },
    );
  });
  afterAll(async () => {
    gates.close();
    await link?.close();
  });

  it('a cut connection is reopened with back-off and the wait goes on: every index reported, one array', async () => {
    const run = startNx(ws, ['run', 'cut:slurm-array']);
    try {
      await run.waitForOutput(PROGRESS, 90_000);
      const before = link.proxy.counters().connections;
      link.proxy.cutAll();
      await run.waitForOutput(LOST, 30_000);
      gates.open('cut');
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
      gates.open('silent');
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
    const rerun = startNx(ws, ['run', 'giveup:slurm-array']);
    try {
      await rerun.waitForOutput(/attaching to 2 index\(es\) still queued or running/, 90_000);
      gates.open('giveup');
      const result = await rerun.exited;
      const text = output(result);
      expect(result.code).toBe(0);
      expect(submittedJobs(text)).toEqual([]);
      expect(arrayJobsNamed(jobName('giveup'))).toEqual([jobId]);
    } finally {
      rerun.kill();
    }
  });
});
