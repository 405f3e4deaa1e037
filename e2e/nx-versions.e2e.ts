/**
 * The peer range says Nx 22 to 24: the oldest supported major gets the same first steps as the
 * version we develop on (init, an experiment, its sweep on the local cluster). Nx 22 reads
 * `createNodesV2`, Nx 24 `createNodes`: the plugin exports both.
 */
import { output } from './support/sweeps';
import { createWorkspace } from './support/workspace';

// npm installs this nx from the registry (not the run's template): a hung test still fails alone
jest.setTimeout(300_000);

describe.each(['22.6.1'])('with nx %s', (nxVersion) => {
  it('generates an experiment and runs its sweep on the local cluster', async () => {
    const ws = await createWorkspace(`nx${nxVersion}`, { nxVersion });
    expect((await ws.nx(['--version'])).stdout).toContain(`v${nxVersion}`);
    expect((await ws.nx(['g', 'nx-slurm:experiment', 'demo'])).code).toBe(0);

    const run = await ws.nx(['run', 'demo:slurm-array']);
    expect(run.code).toBe(0);
    // (Nx 22 ends the batch process at its last result, so lines printed after it may not show)
    expect(output(run).match(/demo\/\d: COMPLETED/g)).toHaveLength(6);
    expect(output(run)).toMatch(/Successfully ran target slurm-array for project demo and 6 tasks/);
    const show = await ws.nx(['show', 'project', 'demo', '--json']);
    expect(Object.keys(JSON.parse(show.stdout).targets)).toEqual(
      expect.arrayContaining(['slurm-array--5', 'slurm-status']),
    );
  });
});
