/**
 * Two launches of the same sweep at once (issue 11, item 4): from two clones of the repository
 * (two workspaces, one remoteRoot, no ledger in common) and twice in one workspace. A lock in
 * the sweep's run folder on the cluster lets one submit; the other attaches to its job, and both
 * report every index.
 */
import { randomBytes } from 'node:crypto';
import { arrayJobsNamed, startNx } from './support/faults';
import { experiment, labProfile, output, submittedJobs, sweepWorkspace } from './support/sweeps';
import type { Workspace } from './support/workspace';

jest.setTimeout(240_000);

const SLEEP_PY = `import os, sys, time
time.sleep(float(sys.argv[sys.argv.index("--seconds") + 1]))
print("index", os.environ["NX_SLURM_INDEX"], "done", flush=True)
`;

describe('two launches of one sweep at once', () => {
  const tag = randomBytes(3).toString('hex');
  const jobName = (name: string) => `faults-${name}-${tag}`;
  const files = {
    ...experiment(
      'experiments/race',
      'race',
      { jobName: jobName('race'), command: 'python3 sleep.py', args: ['--seconds 5', '--seconds 5', '--seconds 5'] },
      { 'sleep.py': SLEEP_PY },
    ),
    ...experiment(
      'experiments/twice',
      'twice',
      { jobName: jobName('twice'), command: 'python3 sleep.py', args: ['--seconds 5', '--seconds 5'] },
      { 'sleep.py': SLEEP_PY },
    ),
  };
  let laptop: Workspace;
  let loginNode: Workspace;

  beforeAll(async () => {
    // one cluster folder, as two clones pointing at the same cluster have
    const lab = labProfile();
    [laptop, loginNode] = await Promise.all([
      sweepWorkspace('faults-clone-a', files, { lab }),
      sweepWorkspace('faults-clone-b', files, { lab }),
    ]);
  });

  it('from two clones: one array job, the other launch attaches, both report every index', async () => {
    const runs = [startNx(laptop, ['run', 'race:slurm-array']), startNx(loginNode, ['run', 'race:slurm-array'])];
    try {
      const [a, b] = await Promise.all(runs.map((run) => run.exited));
      const texts = [output(a), output(b)];
      expect([a.code, b.code]).toEqual([0, 0]);
      for (const text of texts) expect(text).toContain(`${jobName('race')}: 3/3 done`);
      const jobs = arrayJobsNamed(jobName('race'));
      expect(jobs).toHaveLength(1);
      expect(texts.flatMap(submittedJobs)).toEqual(jobs);
      expect(texts.join('\n')).toMatch(/attaching to 3 index\(es\) still queued or running/);
    } finally {
      for (const run of runs) run.kill();
    }
  });

  it('twice in one workspace: one array job, both report every index', async () => {
    const runs = [startNx(laptop, ['run', 'twice:slurm-array']), startNx(laptop, ['run', 'twice:slurm-array'])];
    try {
      const [a, b] = await Promise.all(runs.map((run) => run.exited));
      expect([a.code, b.code]).toEqual([0, 0]);
      for (const result of [a, b]) expect(output(result)).toContain(`${jobName('twice')}: 2/2 done`);
      expect(arrayJobsNamed(jobName('twice'))).toHaveLength(1);
    } finally {
      for (const run of runs) run.kill();
    }
  });
});
