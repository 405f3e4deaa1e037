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
    expect([...invalid.keys()]).toEqual(['broken:slurm-array--0']);
    expect(invalid.get('broken:slurm-array--0')).toMatch(/broken\/slurm\.json: matrix\.lr: expected/);
  });

  it('runs only the indices --index names, whatever index Nx forwarded to each task, and says so for the others', () => {
    write('exp/slurm.json', { command: 'python train.py', args: ['--a 1', '--a 2', '--a 3'] });
    // `nx run exp:slurm-array --index 1` forwards index 1 to every slurm-array--<i>
    const inputs: Record<string, ArrayOptions> = {
      'exp:slurm-array--0': { index: 1 },
      'exp:slurm-array--1': { index: 1 },
      'exp:slurm-array--2': { index: 1 },
    };
    const ids = Object.keys(inputs);

    const { runs, unselected } = planRuns(ids, graphOf(ids), inputs, { index: 1 }, context());

    expect(runs.map((run) => Object.fromEntries(run.tasks))).toEqual([{ 'exp:slurm-array--1': [1] }]);
    expect(Object.fromEntries(unselected)).toEqual({
      'exp:slurm-array--0': 'exp/0: not run (--index 1 selects others)',
      'exp:slurm-array--2': 'exp/2: not run (--index 1 selects others)',
    });
  });

  it('refuses an --index outside the sweep once, the other tasks pointing at it', () => {
    write('exp/slurm.json', { command: 'python train.py', args: ['--a 1', '--a 2'] });
    const inputs: Record<string, ArrayOptions> = {
      'exp:slurm-array--0': { index: 5 },
      'exp:slurm-array--1': { index: 5 },
    };
    const ids = Object.keys(inputs);

    const { runs, invalid } = planRuns(ids, graphOf(ids), inputs, { index: 5 }, context());

    expect(runs).toEqual([]);
    expect(Object.fromEntries(invalid)).toEqual({
      'exp:slurm-array--0':
        'command line: --index: expected indices of the sweep, found 5; exp has indices 0-1; there is no index 5',
      'exp:slurm-array--1': 'nx-slurm: not run: see exp:slurm-array--0',
    });
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
});
