import { ConfigError, sweepConfigSchema, type ResolvedCluster } from '../config';
import { resolveSweep } from './resolve-sweep';

const source = (config: Record<string, unknown>, projectName = 'exp') => ({
  config: sweepConfigSchema.parse({ command: 'python train.py --epochs 3', ...config }),
  file: 'experiments/exp/slurm.json',
  projectName,
});

const hpc: ResolvedCluster = {
  name: 'hpc',
  scheduler: 'slurm',
  transport: 'ssh',
  profile: {
    host: 'login',
    remoteRoot: '~/nx-slurm',
    resources: { partition: 'cpu', account: 'lab', time: '01:00:00', extra: ['--exclusive'] },
    setup: ['module load python/3.11'],
  },
};

describe('resolveSweep', () => {
  it('splits the command into words and lists the vectors in index order', () => {
    const sweep = resolveSweep(source({ matrix: { lr: [0.1, 0.2] }, args: ["--name 'a b'"] }));
    expect(sweep.command).toEqual(['python', 'train.py', '--epochs', '3']);
    expect(sweep.vectors).toEqual([
      ['--lr', '0.1', '--name', 'a b'],
      ['--lr', '0.2', '--name', 'a b'],
    ]);
  });

  it('names the job after slurm.json jobName, else after the project', () => {
    expect(resolveSweep(source({ jobName: 'fine-tune' })).jobName).toBe('fine-tune');
    expect(resolveSweep(source({}, 'mnist')).jobName).toBe('mnist');
  });

  it('refuses an empty sweep with a ConfigError naming the file and matrix', () => {
    const empty = source({ matrix: { lr: [0.1], exclude: [{ lr: 0.1 }] } });
    expect(() => resolveSweep(empty)).toThrow(ConfigError);
    expect(() => resolveSweep(empty)).toThrow(
      /^experiments\/exp\/slurm\.json: matrix: expected at least one argument vector/,
    );
  });

  it("merges the cluster profile: the sweep's resources win field by field, extra flags and setup lines of both, profile first", () => {
    const sweep = resolveSweep(
      source({
        resources: { partition: 'gpu', gpus: 1, extra: ['--constraint=a100'] },
        setup: ['source ~/venv/bin/activate'],
      }),
      hpc,
    );
    expect(sweep.resources).toEqual({
      partition: 'gpu',
      account: 'lab',
      time: '01:00:00',
      gpus: 1,
      extra: ['--exclusive', '--constraint=a100'],
    });
    expect(sweep.setup).toEqual(['module load python/3.11', 'source ~/venv/bin/activate']);
  });

  it("without a cluster has the sweep's own resources and setup, and always an extra list (fingerprints read it)", () => {
    const sweep = resolveSweep(source({ resources: { mem: '4G' } }));
    expect(sweep.resources).toEqual({ mem: '4G', extra: [] });
    expect(sweep.setup).toEqual([]);
  });

  it('carries env, maxConcurrent, retries and exclude, with their defaults', () => {
    expect(resolveSweep(source({}))).toMatchObject({ env: {}, retries: 0, exclude: [], maxConcurrent: undefined });
    expect(
      resolveSweep(source({ env: { WANDB_MODE: 'offline' }, maxConcurrent: 2, retries: 3, exclude: ['data/**'] })),
    ).toMatchObject({ env: { WANDB_MODE: 'offline' }, maxConcurrent: 2, retries: 3, exclude: ['data/**'] });
  });
});
