/**
 * Two launches of the same sweep at once (issue 11, item 4): from two clones of the repository
 * (two workspaces, one remoteRoot, no ledger in common) and twice in one workspace. A lock in
 * the sweep's run folder on the cluster lets one submit; the other attaches to its job, and both
 * report every index. The indices wait at a gate until both launches have said what they did.
 */
import { randomBytes } from 'node:crypto';
import { waitFor } from './support/cluster';
import { arrayJobsNamed, startNx, type RunningNx } from './support/faults';
import { Gates, HOLD_PY } from './support/gates';
import { experiment, labProfile, output, submittedJobs, sweepWorkspace } from './support/sweeps';
import type { Workspace } from './support/workspace';

jest.setTimeout(240_000);

describe('two launches of one sweep at once', () => {
  const gates = new Gates();
  const tag = randomBytes(3).toString('hex');
  const jobName = (name: string) => `faults-${name}-${tag}`;
  const held = (name: string, count: number) =>
    experiment(
      `experiments/${name}`,
      name,
      {
        jobName: jobName(name),
        command: 'python3 hold.py',
        args: Array.from({ length: count }, (_, n) => `--n ${n} --until ${gates.path(name)}`),
      },
      { 'hold.py': HOLD_PY },
    );
  const files = { ...held('race', 3), ...held('twice', 2) };
  let laptop: Workspace;
  let loginNode: Workspace;

  /** Until one launch said it submitted and the other that it attaches to what was submitted. */
  const oneSubmitsOneAttaches = (runs: RunningNx[], count: number) =>
    waitFor(
      () => {
        const texts = runs.map((run) => run.output());
        const submitted = texts.filter((text) => /submitted job \d+/.test(text)).length;
        const attached = texts.filter((text) => text.includes(`attaching to ${count} index(es)`)).length;
        return submitted === 1 && attached === 1;
      },
      { what: 'one launch to submit and the other to attach', timeoutMs: 150_000 },
    );

  beforeAll(async () => {
    gates.create();
    // one cluster folder, as two clones pointing at the same cluster have
    const lab = labProfile();
    [laptop, loginNode] = await Promise.all([
      sweepWorkspace('faults-clone-a', files, { lab }),
      sweepWorkspace('faults-clone-b', files, { lab }),
    ]);
  });
  afterAll(() => gates.close());

  it('from two clones: one array job, the other launch attaches, both report every index', async () => {
    const runs = [startNx(laptop, ['run', 'race:slurm-array']), startNx(loginNode, ['run', 'race:slurm-array'])];
    try {
      await oneSubmitsOneAttaches(runs, 3);
      gates.open('race');
      const [a, b] = await Promise.all(runs.map((run) => run.exited));
      const texts = [output(a), output(b)];
      expect([a.code, b.code]).toEqual([0, 0]);
      for (const text of texts) expect(text).toContain(`${jobName('race')}: 3/3 done`);
      const jobs = arrayJobsNamed(jobName('race'));
      expect(jobs).toHaveLength(1);
      expect(texts.flatMap(submittedJobs)).toEqual(jobs);
    } finally {
      for (const run of runs) run.kill();
    }
  });

  it('twice in one workspace: one array job, both report every index', async () => {
    const runs = [startNx(laptop, ['run', 'twice:slurm-array']), startNx(laptop, ['run', 'twice:slurm-array'])];
    try {
      await oneSubmitsOneAttaches(runs, 2);
      gates.open('twice');
      const [a, b] = await Promise.all(runs.map((run) => run.exited));
      expect([a.code, b.code]).toEqual([0, 0]);
      for (const result of [a, b]) expect(output(result)).toContain(`${jobName('twice')}: 2/2 done`);
      expect(arrayJobsNamed(jobName('twice'))).toHaveLength(1);
    } finally {
      for (const run of runs) run.kill();
    }
  });
});
