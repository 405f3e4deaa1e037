import { SlurmError } from '../slurm';
import type { ExecResult, Transport } from '../transport';
import { SlurmScheduler } from './slurm';

type Reply = Partial<ExecResult>;

/** Records each argv; answers by the Slurm program it runs (after a wrapper and `env` assignments). */
class FakeTransport implements Transport {
  readonly kind = 'ssh' as const;
  readonly target = 'alice@hpc:22';
  readonly commands: string[][] = [];

  constructor(private readonly replies: Record<string, Reply>) {}

  async exec(argv: string[]): Promise<ExecResult> {
    this.commands.push(argv);
    const program = argv.find((word) => ['sbatch', 'squeue', 'sacct', 'scontrol', 'scancel'].includes(word))!;
    return { stdout: '', stderr: '', code: 0, ...this.replies[program] };
  }
  async home() {
    return '/home/alice';
  }
  async writeFile() {}
  async readFile(): Promise<Buffer> {
    throw new Error('not used');
  }
  stats() {
    return { connections: 1, commands: this.commands.length, bytesSent: 0 };
  }
  async close() {}
}

const request = { runDir: '/r/run-1', jobName: 'mnist', token: 'tok1', taskIds: [7, 2, 5, 3, 4], offset: 0 };

describe('SlurmScheduler', () => {
  it('submits under the recording wrapper, with the token as comment, and returns the job id', async () => {
    const transport = new FakeTransport({ sbatch: { stdout: '1234;lab\n' } });
    const job = await new SlurmScheduler(transport).submit({ ...request, maxConcurrent: 3 });
    expect(job).toEqual({ jobId: '1234', offset: 0, taskIds: [7, 2, 5, 3, 4] });
    // the wrapper that records the outcome (slurm/submission.ts), then sbatch itself
    expect(transport.commands.map((argv) => argv.slice(4))).toEqual([
      [
        '/r/run-1/submits/tok1',
        'sbatch',
        '--parsable',
        '--array=2-5,7%3',
        '--comment=nx-slurm:tok1',
        '/r/run-1/job.sbatch',
        '0',
      ],
    ]);
  });

  it('throws what sbatch said, and whether it passes on its own', async () => {
    const stderr = 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n';
    const scheduler = new SlurmScheduler(new FakeTransport({ sbatch: { stderr, code: 1 } }));
    const error = await scheduler.submit(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlurmError);
    expect(error).toMatchObject({ command: 'sbatch', stderr, code: 1, transience: 'unreachable' });
    const invalid = 'sbatch: error: Batch job submission failed: Invalid partition name specified\n';
    await expect(
      new SlurmScheduler(new FakeTransport({ sbatch: { stderr: invalid, code: 1 } })).submit(request),
    ).rejects.toMatchObject({ retryable: false });
  });

  it('refuses an empty array before running anything', async () => {
    const transport = new FakeTransport({});
    await expect(new SlurmScheduler(transport).submit({ ...request, taskIds: [] })).rejects.toThrow('no task ids');
    expect(transport.commands).toEqual([]);
  });

  it('finds a submission by its record and by squeue with the job name', async () => {
    const transport = new FakeTransport({ squeue: { stdout: 'STARTED\n--- squeue\n1234|nx-slurm:tok1\n' } });
    expect(await new SlurmScheduler(transport).findSubmission(request)).toEqual({ state: 'accepted', jobId: '1234' });
    expect(transport.commands.map((argv) => argv.slice(4))).toEqual([
      ['/r/run-1/submits/tok1', 'squeue', '-h', '-t', 'all', '--name', 'mnist', '-o', '%F|%k'],
    ]);
  });

  it('runs every Slurm command with the profile slurmEnv, through env', async () => {
    const transport = new FakeTransport({ sbatch: { stdout: '9\n' }, scontrol: { stdout: 'MaxArraySize = 50\n' } });
    const scheduler = new SlurmScheduler(transport, undefined, { SLURM_CONF: '/etc/slurm/b.conf' });
    await scheduler.limits();
    await scheduler.submit(request);
    await scheduler.poll([{ jobId: '9', offset: 0, taskIds: [0] }]);
    // env's assignment reaches every program it starts, a wrapper's sbatch too
    expect(transport.commands.map((argv) => argv.slice(0, 3))).toEqual([
      ['env', 'SLURM_CONF=/etc/slurm/b.conf', 'scontrol'],
      ['env', 'SLURM_CONF=/etc/slurm/b.conf', 'bash'],
      ['env', 'SLURM_CONF=/etc/slurm/b.conf', 'squeue'],
      ['env', 'SLURM_CONF=/etc/slurm/b.conf', 'env'],
    ]);
  });
});
