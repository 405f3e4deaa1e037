import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepConfigSchema, type ResolvedCluster } from '../config';
import { resolveSweep } from '../sweep';
import type { LedgerEntry } from './ledger';
import { prepareSweep, readSweepRecord, type SweepRequest } from './prepare';

describe('prepareSweep: when the session opens early', () => {
  let workspace: string;
  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'nx-slurm-prepare-'));
    await mkdir(join(workspace, 'exp'));
    await writeFile(join(workspace, 'exp', 'train.py'), 'print(1)\n');
    // edited long ago: a cached hash of it can be trusted
    const past = Date.now() / 1000 - 60;
    await utimes(join(workspace, 'exp', 'train.py'), past, past);
  });
  afterEach(() => rm(workspace, { recursive: true, force: true }));

  const cluster: ResolvedCluster = {
    name: 'lab',
    scheduler: 'slurm',
    transport: 'local',
    profile: { remoteRoot: '/r' },
  };
  const request = (extra: Partial<SweepRequest> = {}): SweepRequest => ({
    ...resolveSweep(
      {
        config: sweepConfigSchema.parse({ command: 'python3 train.py', args: ['--n 0', '--n 1'] }),
        file: 'exp/slurm.json',
        projectName: 'exp',
      },
      cluster,
    ),
    workspaceRoot: workspace,
    projectRoot: 'exp',
    libraries: [],
    cluster,
    ...extra,
  });

  /** Prepares the sweep and says whether it asked for the session while preparing. */
  async function opensEarly(req: SweepRequest): Promise<boolean> {
    let opened = false;
    await prepareSweep(req, {
      openSession: async () => {
        opened = true;
      },
    });
    return opened;
  }

  /** Records every index of the sweep as completed with the code as it is now. */
  async function completeAll(): Promise<void> {
    const sweep = await prepareSweep(request());
    await sweep.ledgerFile.save(
      sweep.items.map((item): LedgerEntry => ({
        fingerprint: item.fingerprint,
        argv: item.argv,
        runId: 'r1',
        runDir: '/r/runs/exp/r1',
        runIndex: item.index,
        jobId: '1',
        taskId: item.index,
        offset: 0,
        state: 'COMPLETED',
        attempts: 1,
      })),
    );
  }

  it('does not when every index completed and the code is as it was: nothing will run', async () => {
    await completeAll();
    expect(await opensEarly(request())).toBe(false);
  });

  it('does for --force, an index that never completed, and code that changed', async () => {
    await completeAll();
    expect(await opensEarly(request({ force: true }))).toBe(true);

    const grown = resolveSweep(
      {
        config: sweepConfigSchema.parse({ command: 'python3 train.py', args: ['--n 0', '--n 1', '--n 2'] }),
        file: 'exp/slurm.json',
        projectName: 'exp',
      },
      cluster,
    );
    expect(await opensEarly({ ...request(), ...grown })).toBe(true);

    await writeFile(join(workspace, 'exp', 'train.py'), 'print(2)\n');
    expect(await opensEarly(request())).toBe(true);
  });

  it('reads the record of a sweep without packing anything, and refuses an index outside it', async () => {
    const record = await readSweepRecord(request());
    expect(record.items).toEqual([
      { index: 0, argv: ['--n', '0'], occurrence: 0 },
      { index: 1, argv: ['--n', '1'], occurrence: 0 },
    ]);
    await expect(readSweepRecord(request({ indices: [2] }))).rejects.toThrow(/there is no index 2/);
  });
});
