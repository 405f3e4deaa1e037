import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { planRuns, type ArrayOptions } from './array-batch.impl';

describe('planRuns: the tasks of one batch grouped into one array per sweep', () => {
  let root: string;
  const write = (file: string, content: unknown) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), JSON.stringify(content));
  };
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'nx-slurm-batch-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const context = (): ExecutorContext =>
    ({
      root,
      cwd: root,
      isVerbose: false,
      projectsConfigurations: {
        version: 2,
        projects: { exp: { root: 'exp' }, broken: { root: 'broken' }, inline: { root: 'inline' } },
      },
      nxJsonConfiguration: { plugins: ['nx-slurm'] },
      projectGraph: { nodes: {}, dependencies: {} },
    }) as unknown as ExecutorContext;

  const graphOf = (ids: string[]): TaskGraph =>
    ({
      roots: ids,
      dependencies: {},
      continuousDependencies: {},
      tasks: Object.fromEntries(
        ids.map((id) => {
          const [project, target] = id.split(':');
          return [id, { id, target: { project, target }, overrides: {}, outputs: [], parallelism: true }];
        }),
      ),
    }) as unknown as TaskGraph;

  it('puts the index tasks of a slurm.json in one run, a target with the sweep as options in another, and fails an invalid sweep', () => {
    write('exp/slurm.json', { command: 'python train.py', args: ['--a 1', '--a 2', '--a 3'] });
    write('broken/slurm.json', { command: 'python train.py', matrix: { lr: [] } });
    const inputs: Record<string, ArrayOptions> = {
      'exp:slurm-array--0': { index: 0 },
      'exp:slurm-array--2': { index: 2 },
      'broken:slurm-array--0': { index: 0 },
      'inline:sweep': { command: 'python run.py', args: ['--x 1', '--x 2'] },
    };

    const { runs, invalid } = planRuns(Object.keys(inputs), graphOf(Object.keys(inputs)), inputs, {}, context());

    expect(runs.map((run) => [run.request.jobName, Object.fromEntries(run.tasks)])).toEqual([
      ['exp', { 'exp:slurm-array--0': [0], 'exp:slurm-array--2': [2] }],
      ['inline', { 'inline:sweep': [0, 1] }],
    ]);
    expect(invalid.tasks).toEqual(['broken:slurm-array--0']);
    expect(invalid.messages.get('broken:slurm-array--0')).toMatch(/broken\/slurm\.json: matrix\.lr: expected/);
  });

  it('applies the command-line overrides (cluster, force) to the whole run', () => {
    write('exp/slurm.json', { command: 'python train.py', args: ['--a 1'] });
    const inputs: Record<string, ArrayOptions> = { 'exp:slurm-array--0': { index: 0 } };

    const [run] = planRuns(
      ['exp:slurm-array--0'],
      graphOf(['exp:slurm-array--0']),
      inputs,
      { force: true, cluster: 'local' },
      context(),
    ).runs;

    expect(run.request).toMatchObject({ force: true, cluster: { name: 'local' } });
  });

  it('gives a block task every index of its block, and runs the blocks of a sweep as one array', () => {
    write('exp/slurm.json', { command: 'true', matrix: { a: Array.from({ length: 1500 }, (_, i) => i) } });
    const inputs: Record<string, ArrayOptions> = {
      'exp:slurm-array--0-9': { indices: '0-9' },
      'exp:slurm-array--1490-1499': { indices: '1490-1499' },
    };

    const { runs } = planRuns(Object.keys(inputs), graphOf(Object.keys(inputs)), inputs, {}, context());

    expect(runs).toHaveLength(1);
    expect(runs[0].request.indices).toBeUndefined();
    expect(Object.fromEntries(runs[0].tasks)).toEqual({
      'exp:slurm-array--0-9': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      'exp:slurm-array--1490-1499': [1490, 1491, 1492, 1493, 1494, 1495, 1496, 1497, 1498, 1499],
    });
  });
});
