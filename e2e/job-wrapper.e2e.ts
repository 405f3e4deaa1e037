/**
 * What the job wrapper and the watcher tell about an index on the real cluster (issue 11,
 * items 6, 13, 14, 15 and 19): a job that can never start fails with Slurm's reason and what to
 * change, a failing setup line fails its index with its exit code, the user's PATH cannot break
 * the wrapper, remoteRoot forms resolve on the cluster, and env values are private there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { waitFor } from './support/cluster';
import {
  experiment,
  labProfile,
  output,
  remoteHome,
  runDirOf,
  sacct,
  submittedJobs,
  sweepWorkspace,
} from './support/sweeps';
import type { Workspace } from './support/workspace';

// a hung test fails alone, well inside the whole run's bound (NX_SLURM_TEST_TIMEOUT, scripts/test.sh)
jest.setTimeout(120_000);

describe('the job wrapper and the watcher tell the truth', () => {
  let ws: Workspace;
  const home = remoteHome();
  const tag = randomBytes(4).toString('hex');
  const roots = {
    relative: `nx-slurm-e2e/rel-${tag}`,
    homeVariable: `$HOME/nx-slurm-e2e/var-${tag}`,
    userHome: `~slurmuser/nx-slurm-e2e/user-${tag}`,
  };
  const nx = (...args: string[]) => ws.nx(args);
  beforeAll(async () => {
    ws = await sweepWorkspace(
      'job-wrapper',
      {
        ...experiment(
          'experiments/greedy',
          'greedy',
          { command: 'python3 -c pass', args: ['--n 0'], resources: { cpusPerTask: 64 } },
          {},
        ),
        ...experiment(
          'experiments/novenv',
          'novenv',
          {
            command: 'python3 -c pass',
            args: ['--n 0'],
            setup: ['echo setting up', 'source /nonexistent/venv/bin/activate'],
          },
          {},
        ),
        ...experiment(
          'experiments/exits',
          'exits',
          { command: 'python3 -c pass', args: ['--n 0'], setup: ['exit 7'] },
          {},
        ),
        ...experiment(
          'experiments/pathless',
          'pathless',
          { command: '/bin/echo hello', args: ['--n 0'], env: { PATH: '/nonexistent', SECRET_TOKEN: 'hunter2' } },
          {},
        ),
        ...experiment('experiments/rooted', 'rooted', { command: '/bin/echo rooted', args: ['--n 0'] }, {}),
      },
      {
        relative: labProfile({ remoteRoot: roots.relative }),
        homevar: labProfile({ remoteRoot: roots.homeVariable }),
        userhome: labProfile({ remoteRoot: roots.userHome }),
      },
    );
  });

  it('an index that can never start fails with the pending reason and what to change (6)', async () => {
    const run = await nx('run', 'greedy:slurm-array');
    const text = output(run);
    expect(run.code).not.toBe(0);
    expect(text).toMatch(/greedy: 0\/1 done, 0 running, 1 pending \(PartitionConfig\), 0 failed/);
    expect(text).toMatch(/greedy\/0: FAILED \(Slurm can never start it: PartitionConfig[^\n]*resources\.cpusPerTask/);
    const [jobId] = submittedJobs(text);
    const rows = await waitFor(
      () => {
        const found = sacct(jobId);
        return found.length > 0 && found.every((r) => !/PENDING/.test(r.state)) && found;
      },
      { what: `job ${jobId} to leave the queue`, timeoutMs: 30_000 },
    );
    expect(rows.map((r) => r.state)).toEqual([expect.stringMatching(/CANCELLED/)]);
  });

  it('a failing setup line fails the index with its exit code and names the line (13)', async () => {
    const run = await nx('run', 'novenv:slurm-array');
    const text = output(run);
    expect(run.code).not.toBe(0);
    expect(text).toMatch(/novenv\/0: FAILED \(exit code 1\)/);
    expect(text).toMatch(/nx-slurm: setup line 2 failed \(exit code 1\): source \/nonexistent\/venv\/bin\/activate/);

    const exits = await nx('run', 'exits:slurm-array');
    expect(exits.code).not.toBe(0);
    expect(output(exits)).toMatch(/exits\/0: FAILED \(exit code 7\)/);
    const entry = runDirOf(ws, 'exits', 0);
    expect(readFileSync(path.join(entry.runDir, 'exit/0'), 'utf8').trim()).toBe('7');
  });

  it('env.PATH cannot break the wrapper, and env values are private on the cluster (14, 19)', async () => {
    const run = await nx('run', 'pathless:slurm-array');
    const text = output(run);
    expect(run.code).toBe(0);
    expect(text).toMatch(/pathless\/0: COMPLETED/);
    const entry = runDirOf(ws, 'pathless', 0);
    expect(readFileSync(path.join(entry.runDir, 'exit/0'), 'utf8').trim()).toBe('0');
    expect(readdirSync(path.join(entry.runDir, 'exit'))).toEqual(['0']);
    expect(readFileSync(path.join(entry.runDir, 'logs/0.err'), 'utf8')).not.toMatch(/command not found/);
    expect(readFileSync(path.join(entry.runDir, 'logs/0.out'), 'utf8')).toBe('hello --n 0\n');
    expect(statSync(path.join(entry.runDir, 'env.bin')).mode & 0o777).toBe(0o600);
  });

  it('a relative remoteRoot, $HOME/... and ~user/... resolve on the cluster (15)', async () => {
    for (const [cluster, root] of [
      ['relative', roots.relative],
      ['homevar', roots.homeVariable.replace('$HOME/', '')],
      ['userhome', roots.userHome.replace('~slurmuser/', '')],
    ]) {
      const run = await nx('run', 'rooted:slurm-array', `--cluster=${cluster}`);
      expect(output(run)).toMatch(/rooted\/0: COMPLETED/);
      expect(run.code).toBe(0);
      const entry = runDirOf(ws, 'rooted', 0, cluster);
      expect(entry.runDir.startsWith(path.join(home, root, 'runs/rooted/'))).toBe(true);
      expect(existsSync(path.join(entry.runDir, 'exit/0'))).toBe(true);
    }
  });
});
