import { newRunId, RemoteLayout, runFiles } from './remote-layout';

describe('newRunId', () => {
  it('is <yyyymmdd>-<hhmmss>-<random> in UTC', () => {
    expect(newRunId(new Date('2026-11-27T21:15:30.123Z'), '4f2a')).toBe('20261127-211530-4f2a');
    expect(newRunId(new Date('2027-01-02T03:04:05Z'), 'beef')).toBe('20270102-030405-beef');
  });

  it('sorts as text in time order', () => {
    const times = ['2026-11-27T09:59:59Z', '2026-11-27T10:00:00Z', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'];
    const ids = times.map((time) => newRunId(new Date(time), '0000'));
    expect([...ids].reverse().sort()).toEqual(ids);
  });
});

describe('RemoteLayout', () => {
  it('puts bundles and runs under the remote root', () => {
    const layout = new RemoteLayout('~/nx-slurm');
    expect(layout.bundlesDir).toBe('~/nx-slurm/bundles');
    expect(layout.bundle('ab12')).toBe('~/nx-slurm/bundles/ab12');
    expect(layout.jobRuns('mlp')).toBe('~/nx-slurm/runs/mlp');
    expect(layout.run('mlp', '20261127-211530-4f2a')).toBe('~/nx-slurm/runs/mlp/20261127-211530-4f2a');
  });

  it('uses POSIX paths whatever the root looks like', () => {
    expect(new RemoteLayout('/scratch/alice/nx-slurm/').run('a', 'r')).toBe('/scratch/alice/nx-slurm/runs/a/r');
  });
});

describe('runFiles', () => {
  it('names the files of one run folder', () => {
    const files = runFiles('/r/runs/mlp/x');
    expect(files.script).toBe('/r/runs/mlp/x/job.sbatch');
    expect(files.meta).toBe('/r/runs/mlp/x/meta.json');
    expect(files.stdout(3)).toBe('/r/runs/mlp/x/logs/3.out');
    expect(files.stderr(3)).toBe('/r/runs/mlp/x/logs/3.err');
    expect(files.exitMarker(3)).toBe('/r/runs/mlp/x/exit/3');
    expect(files.output(3)).toBe('/r/runs/mlp/x/out/3');
  });
});
