/**
 * Slurm's controller out of reach (issue 11, items 2 and 3), without stopping the shared
 * cluster's slurmctld: the profile's Slurm commands read a copy of slurm.conf whose
 * SlurmctldPort is a TcpProxy this spec owns (e2e/support/faults.ts), so taking the proxy away
 * gives Slurm's own "Unable to contact slurm controller". A wait outlives the outage; a launch
 * during it retries and submits once; a sbatch reply lost with the connection is found again by
 * its token and never submitted twice. (Stopping slurmctld itself is for a CI-only test.)
 */
import { randomBytes } from 'node:crypto';
import { waitFor } from './support/cluster';
import { arrayJobsNamed, controllerLink, sshLink, startNx, type ControllerLink, type SshLink } from './support/faults';
import { Gates, HOLD_PY } from './support/gates';
import { experiment, labProfile, output, submittedJobs, sweepWorkspace } from './support/sweeps';
import type { Workspace } from './support/workspace';

jest.setTimeout(180_000);

/** squeue gives up on a dead controller after about 18 s, scontrol and sbatch after about 9 s. */
const RETRYING =
  /Slurm's controller on lab does not answer \([^)]*Unable to contact slurm controller[^\n]*Retrying \(attempt 1, next in \d+ s\)/;

describe("Slurm's controller out of reach", () => {
  let controller: ControllerLink;
  let link: SshLink;
  let ws: Workspace;
  const gates = new Gates();
  const tag = randomBytes(3).toString('hex');
  const jobName = (name: string) => `faults-${name}-${tag}`;
  /** Two indices; held at the gate of the project's name until the test opens it, when `gated`. */
  const program = (name: string, cluster: string, gated = false) =>
    experiment(
      `experiments/${name}`,
      name,
      {
        jobName: jobName(name),
        command: 'python3 hold.py',
        args: [0, 1].map((n) => `--n ${n}${gated ? ` --until ${gates.path(name)}` : ''}`),
        cluster,
      },
      { 'hold.py': HOLD_PY },
    );

  beforeAll(async () => {
    gates.create();
    controller = await controllerLink();
    link = await sshLink();
    const slurmEnv = { SLURM_CONF: controller.slurmConf };
    ws = await sweepWorkspace(
      'faults-controller',
      { ...program('outage', 'lab', true), ...program('early', 'lab'), ...program('lost-reply', 'lab-linked') },
      {
        lab: labProfile({ slurmEnv, patience: 120 }),
        // no scontrol before sbatch (maxArraySize given): the first request to the controller is sbatch's
        'lab-linked': labProfile({
          ...link.profile,
          slurmEnv,
          patience: 120,
          serverAliveInterval: 1,
          maxArraySize: 1000,
        }),
      },
    );
  });
  afterAll(async () => {
    gates.close();
    await controller?.close();
    await link?.close();
  });

  it('an outage during the wait longer than squeue retries on its own is waited out', async () => {
    const run = startNx(ws, ['run', 'outage:slurm-array']);
    try {
      await run.waitForOutput(/submitted job \d+/, 90_000);
      await controller.down();
      await run.waitForOutput(RETRYING, 60_000);
      await controller.up();
      gates.open('outage');
      const result = await run.exited;
      expect(result.code).toBe(0);
      expect(output(result)).toContain(`${jobName('outage')}: 2/2 done`);
      expect(arrayJobsNamed(jobName('outage'))).toHaveLength(1);
    } finally {
      await controller.up().catch(() => {});
      run.kill();
    }
  });

  it('a launch while the controller is down retries and submits one array once it is back', async () => {
    await controller.down();
    const run = startNx(ws, ['run', 'early:slurm-array']);
    try {
      await run.waitForOutput(RETRYING, 60_000);
      expect(arrayJobsNamed(jobName('early'))).toEqual([]);
      await controller.up();
      const result = await run.exited;
      const text = output(result);
      expect(result.code).toBe(0);
      expect(text).toContain(`${jobName('early')}: 2/2 done`);
      expect(submittedJobs(text)).toHaveLength(1);
      expect(arrayJobsNamed(jobName('early'))).toEqual(submittedJobs(text));
    } finally {
      await controller.up().catch(() => {});
      run.kill();
    }
  });

  it('a sbatch reply lost with the connection: the array is found by its token, not submitted again', async () => {
    // sbatch's request is held on its way to the controller, then the connection drops: the
    // array is accepted after the launcher lost the reply (within slurmctld's 10 s message timeout)
    controller.proxy.resetCounters();
    controller.proxy.setSilent(true);
    const run = startNx(ws, ['run', 'lost-reply:slurm-array']);
    try {
      await waitFor(() => controller.proxy.counters().bytesUp > 0, {
        what: "sbatch's request to reach the controller's link",
        timeoutMs: 90_000,
        intervalMs: 20,
        maxIntervalMs: 100,
      });
      link.proxy.cutAll();
      await run.waitForOutput(/lost the connection to lab/, 30_000);
      controller.proxy.setSilent(false);
      const result = await run.exited;
      const text = output(result);
      expect(result.code).toBe(0);
      expect(text).toContain(`${jobName('lost-reply')}: 2/2 done`);
      const jobs = arrayJobsNamed(jobName('lost-reply'));
      expect(jobs).toHaveLength(1);
      expect(text).toMatch(new RegExp(`the reply of sbatch was lost; job ${jobs[0]} carries this launch's token`));
    } finally {
      controller.proxy.setSilent(false);
      run.kill();
    }
  });
});
