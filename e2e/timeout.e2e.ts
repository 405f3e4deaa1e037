/**
 * A time limit on the real cluster: Slurm ends the index at `resources.time`, and nx-slurm
 * reports TIMEOUT with what to change. Slurm's limits count in minutes, so this takes a while;
 * it has a file of its own to run beside the other specs.
 */
import { experiment, output, sacct, submittedJobs, sweepWorkspace } from './support/sweeps';
import { waitFor } from './support/cluster';
import type { Workspace } from './support/workspace';

// Slurm ends the index a minute in and reports it within about another: a hung test still fails alone
jest.setTimeout(240_000);

describe('a sweep that outlives its time limit', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await sweepWorkspace(
      'timeout',
      experiment(
        'experiments/slowpoke',
        'slowpoke',
        { command: 'sleep', args: ['600', '0'], resources: { time: '1' } },
        {},
      ),
    );
  });

  it('reports TIMEOUT for the index Slurm stopped, success for the other', async () => {
    const run = await ws.nx(['run', 'slowpoke:slurm-array']);
    const text = output(run);
    expect(run.code).not.toBe(0);
    expect(text).toMatch(/slowpoke\/0: TIMEOUT \(time limit reached; raise resources\.time\)/);
    expect(text).toMatch(/slowpoke\/1: COMPLETED/);
    const [jobId] = submittedJobs(text);
    const rows = await waitFor(
      () => {
        const found = sacct(jobId);
        return found.length === 2 && found.every((r) => r.state !== 'RUNNING') && found;
      },
      { what: `job ${jobId} in sacct`, timeoutMs: 30_000 },
    );
    expect(rows.find((r) => r.jobId === `${jobId}_0`)?.state).toBe('TIMEOUT');
  });
});
