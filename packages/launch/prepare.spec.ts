import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectSweep, prepareSweep, type SweepRequest } from './prepare';

describe('inspectSweep: what status, logs and cancel read', () => {
  let workspaceRoot: string;
  beforeEach(async () => (workspaceRoot = await mkdtemp(join(tmpdir(), 'nx-slurm-inspect-'))));
  afterEach(() => rm(workspaceRoot, { recursive: true, force: true }));

  /** A project folder that does not exist: packing it would fail, reading the ledger does not. */
  const request = (indices?: number[]): SweepRequest =>
    ({
      workspaceRoot,
      projectRoot: 'experiments/not-here',
      jobName: 'exp',
      command: ['python', 'train.py'],
      vectors: [
        ['--seed', '1'],
        ['--seed', '2'],
        ['--seed', '1'],
      ],
      resources: { extra: [] },
      setup: [],
      env: {},
      retries: 0,
      exclude: [],
      indexTasks: 1000,
      libraries: [],
      cluster: { name: 'local', profile: {}, scheduler: 'local' },
      indices,
    }) as unknown as SweepRequest;

  it('lists the requested indices with their replicate numbers and reads the ledger, without packing the project', async () => {
    const sweep = await inspectSweep(request());
    expect(sweep.items).toEqual([
      { index: 0, argv: ['--seed', '1'], occurrence: 0 },
      { index: 1, argv: ['--seed', '2'], occurrence: 0 },
      { index: 2, argv: ['--seed', '1'], occurrence: 1 },
    ]);
    expect(sweep.ledger.entries).toEqual({});
    await expect(prepareSweep(request())).rejects.toThrow(/not-here/);
  });

  it('refuses an index outside the sweep', async () => {
    await expect(inspectSweep(request([1, 3]))).rejects.toThrow(/the sweep has 3 indices \(0-2\); there is no index 3/);
  });
});
