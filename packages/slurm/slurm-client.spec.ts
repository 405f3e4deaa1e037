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

describe('SlurmClient.submit', () => {
  it('submits the compressed task ids with throttle and offset, and returns the job id', async () => {
    const { exec, calls } = fakeExec({ sbatch: { stdout: '1234;lab\n' } });
    const jobId = await new SlurmClient(exec).submit({
      scriptPath: '/r/job.sbatch',
      taskIds: [7, 2, 5, 3, 4],
      maxConcurrent: 3,
      offset: 0,
    });
    expect(jobId).toBe('1234');
    expect(calls).toEqual([['sbatch', '--parsable', '--array=2-5,7%3', '/r/job.sbatch', '0']]);
  });

  it('throws a retryable SlurmError for a busy controller, with its stderr', async () => {
    const stderr = 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n';
    const { exec } = fakeExec({ sbatch: { stderr, code: 1 } });
    const error = await new SlurmClient(exec)
      .submit({ scriptPath: '/s', taskIds: [0], offset: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlurmError);
    expect(error).toMatchObject({ command: 'sbatch', stderr, code: 1, retryable: true });
    expect((error as SlurmError).message).toContain('Socket timed out on send/recv operation');
  });

  it.each([
    'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)',
    'sbatch: error: Slurm temporarily unable to accept job, sleeping and retrying',
    "sbatch: error: QOSMaxSubmitJobPerUserLimit\nsbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)",
    'sbatch: error: AssocMaxSubmitJobLimit',
  ])('marks %j retryable', async (stderr) => {
    const { exec } = fakeExec({ sbatch: { stderr, code: 1 } });
    await expect(new SlurmClient(exec).submit({ scriptPath: '/s', taskIds: [0], offset: 0 })).rejects.toMatchObject({
      retryable: true,
    });
  });

  it.each([
    // Both seen on the lab cluster (22.05).
    'sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified',
    'sbatch: error: Batch job submission failed: Invalid job array specification',
  ])('marks %j final', async (stderr) => {
    const { exec } = fakeExec({ sbatch: { stderr, code: 1 } });
    await expect(new SlurmClient(exec).submit({ scriptPath: '/s', taskIds: [0], offset: 0 })).rejects.toMatchObject({
      retryable: false,
    });
  });

  it('refuses an empty array before running anything', async () => {
    const { exec, calls } = fakeExec({});
    await expect(new SlurmClient(exec).submit({ scriptPath: '/s', taskIds: [], offset: 0 })).rejects.toThrow(
      'no task ids',
    );
    expect(calls).toEqual([]);
  });
});

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

    const first = await client.poll(['15']);
    const second = await client.poll(['15']);

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
    // not taken for disabled accounting: the next poll asks sacct again
    await expect(client.poll(['15'])).rejects.toMatchObject({ command: 'sacct' });
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

describe('SlurmClient probes of a cluster check', () => {
  it('reads the version and partitions', async () => {
    const { exec, calls } = fakeExec({
      sbatch: { stdout: 'slurm 23.11.4\n' },
      sinfo: { stdout: 'debug*|up|1-00:00:00|2\n' },
    });
    const client = new SlurmClient(exec);
    expect(await client.version()).toBe('23.11.4');
    expect(await client.partitions()).toEqual([
      { name: 'debug', isDefault: true, availability: 'up', timeLimit: '1-00:00:00', nodes: 2 },
    ]);
    expect(calls.map((argv) => argv[0])).toEqual(['sbatch', 'sinfo']);
  });

  it('says when sbatch is not on the PATH (exit 127)', async () => {
    const { exec } = fakeExec({ sbatch: { stderr: 'bash: sbatch: command not found\n', code: 127 } });
    await expect(new SlurmClient(exec).version()).rejects.toMatchObject({ command: 'sbatch', commandNotFound: true });
  });

  it('tells a working sacct from disabled accounting, and then polls without sacct', async () => {
    expect(await new SlurmClient(fakeExec({ sacct: { stdout: '' } }).exec).accounting()).toBe('works');

    const { exec, calls } = fakeExec({
      sacct: { stderr: 'sacct: error: Slurm accounting storage is disabled\n', code: 1 },
      squeue: { stdout: '' },
    });
    const client = new SlurmClient(exec);
    expect(await client.accounting()).toBe('disabled');
    await client.poll(['15']);
    expect(calls.map((argv) => (argv[0] === 'env' ? argv[2] : argv[0]))).toEqual(['sacct', 'squeue']);
  });

  it('throws a SlurmError for another sacct failure', async () => {
    const { exec } = fakeExec({ sacct: { stderr: 'sacct: error: Problem talking to the database\n', code: 1 } });
    const error = await new SlurmClient(exec).accounting().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlurmError);
    expect(error).toMatchObject({ command: 'sacct', code: 1, commandNotFound: false });
  });
});
