import { SlurmClient, type SlurmExec } from './slurm-client';
import { SlurmError } from './slurm-error';

type Reply = { stdout?: string; stderr?: string; code?: number | null };

/** An exec that records each argv and answers by the program it runs (sacct runs under `env`). */
function fakeExec(replies: Record<string, Reply | Reply[]>) {
  const calls: string[][] = [];
  const exec: SlurmExec = async (argv) => {
    calls.push(argv);
    const program = argv[0] === 'env' ? argv[2] : argv[0];
    const queued = replies[program];
    const reply = (Array.isArray(queued) ? queued.shift() : queued) ?? {};
    return { stdout: reply.stdout ?? '', stderr: reply.stderr ?? '', code: reply.code === undefined ? 0 : reply.code };
  };
  return { exec, calls };
}

const SQUEUE = `15_0|COMPLETED|None|node1|2026-11-27T21:04:43|2026-11-27T21:04:46
15_1|RUNNING|None|node2|2026-11-27T21:04:43|NONE
15_2|PENDING|JobArrayTaskLimit||N/A|N/A
`;
const SACCT = `15_0|16|COMPLETED|0:0|2026-11-27T21:04:43|2026-11-27T21:04:46|node1
15_[1-2]|15|PENDING|0:0|Unknown|Unknown|None assigned
`;

describe('SlurmClient.poll', () => {
  it('runs exactly one squeue and one sacct for all jobs and merges them', async () => {
    const { exec, calls } = fakeExec({ squeue: { stdout: SQUEUE }, sacct: { stdout: SACCT } });
    const statuses = await new SlurmClient(exec).poll(['15', '16']);
    expect(calls.map((argv) => argv.slice(0, 3))).toEqual([
      ['squeue', '-r', '-h'],
      ['env', 'SLURM_BITSTR_LEN=0', 'sacct'],
    ]);
    expect(calls[0]).toContain('15,16');
    expect(calls[1]).toContain('15,16');
    expect(statuses.map(({ taskId, state, exitCode }) => ({ taskId, state, exitCode }))).toEqual([
      { taskId: 0, state: 'COMPLETED', exitCode: 0 },
      { taskId: 1, state: 'RUNNING', exitCode: undefined },
      { taskId: 2, state: 'PENDING', exitCode: undefined },
    ]);
  });

  it('reads squeue\'s "Invalid job id" (jobs older than MinJobAge) as nothing, keeping sacct', async () => {
    const { exec } = fakeExec({
      squeue: { stderr: 'slurm_load_jobs error: Invalid job id specified\n', code: 1 },
      sacct: { stdout: '15_0|16|COMPLETED|0:0|s|e|node1\n' },
    });
    const statuses = await new SlurmClient(exec).poll(['15']);
    expect(statuses).toEqual([
      { jobId: '15', taskId: 0, state: 'COMPLETED', exitCode: 0, node: 'node1', start: 's', end: 'e' },
    ]);
  });

  it('without accounting, uses squeue alone from then on', async () => {
    const { exec, calls } = fakeExec({
      squeue: { stdout: SQUEUE },
      sacct: { stderr: 'sacct: error: Slurm accounting storage is disabled\n', code: 1 },
    });
    const client = new SlurmClient(exec);
    expect(client.hasAccounting).toBe(true);

    const first = await client.poll(['15']);
    const second = await client.poll(['15']);

    expect(client.hasAccounting).toBe(false);
    expect(first.map((status) => status.state)).toEqual(['COMPLETED', 'RUNNING', 'PENDING']);
    expect(second).toEqual(first);
    expect(calls.map((argv) => (argv[0] === 'env' ? argv[2] : argv[0]))).toEqual(['squeue', 'sacct', 'squeue']);
  });

  it('throws a SlurmError for other failures, retryable when the controller is unreachable', async () => {
    const { exec } = fakeExec({
      squeue: { stderr: 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n', code: 1 },
      sacct: { stdout: '' },
    });
    await expect(new SlurmClient(exec).poll(['15'])).rejects.toMatchObject({
      name: 'SlurmError',
      command: 'squeue',
      retryable: true,
    });
  });

  it.each([
    // Seen on the lab cluster while slurmdbd was down.
    [
      'sacct: error: slurm_persist_conn_open_without_init: failed to open persistent connection to host:127.0.0.1:6819: Connection refused\n' +
        'sacct: error: Sending PersistInit msg: Connection refused\nsacct: error: Problem talking to the database: Connection refused\n',
      true,
    ],
    ['sacct: fatal: Invalid field requested: "Bogus"', false],
  ])('throws for a failing sacct that is not about accounting: %j (retryable: %s)', async (stderr, retryable) => {
    const { exec } = fakeExec({ squeue: { stdout: '' }, sacct: { stderr, code: 1 } });
    const client = new SlurmClient(exec);
    await expect(client.poll(['15'])).rejects.toMatchObject({ command: 'sacct', retryable });
    expect(client.hasAccounting).toBe(true);
  });

  it('asks nothing for no jobs', async () => {
    const { exec, calls } = fakeExec({});
    expect(await new SlurmClient(exec).poll([])).toEqual([]);
    expect(calls).toEqual([]);
  });
});

describe('SlurmClient.cancel and config', () => {
  it('cancels whole jobs or single elements', async () => {
    const { exec, calls } = fakeExec({ scancel: {} });
    const client = new SlurmClient(exec);
    await client.cancel(['21', '22']);
    await client.cancel(['21'], [{ jobId: '21', taskId: 7 }]);
    await client.cancel([]);
    await client.cancel(['21'], []);
    expect(calls).toEqual([
      ['scancel', '21', '22'],
      ['scancel', '21_7'],
    ]);
  });

  it('throws when scancel fails', async () => {
    const { exec } = fakeExec({ scancel: { stderr: 'scancel: error: Unable to contact slurm controller', code: 1 } });
    await expect(new SlurmClient(exec).cancel(['21'])).rejects.toBeInstanceOf(SlurmError);
  });

  it('reads the limits from scontrol show config', async () => {
    const { exec, calls } = fakeExec({
      scontrol: { stdout: 'MaxArraySize            = 10001\nMinJobAge               = 300 sec\n' },
    });
    expect(await new SlurmClient(exec).config()).toEqual({ maxArraySize: 10001, minJobAge: 300, maxJobCount: 10000 });
    expect(calls).toEqual([['scontrol', 'show', 'config']]);
  });

  it('reports a command killed by a signal', async () => {
    const { exec } = fakeExec({ scontrol: { code: null } });
    await expect(new SlurmClient(exec).config()).rejects.toThrow('scontrol failed: killed by a signal');
  });
});
