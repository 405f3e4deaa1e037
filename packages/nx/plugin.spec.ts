import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AggregateCreateNodesError,
  DependencyType,
  type CreateDependenciesContext,
  type CreateNodesContextV2,
} from '@nx/devkit';
import { createDependencies, createNodes, createNodesV2 } from './plugin';

const [glob, createNodesFunction] = createNodesV2;

describe('nx-slurm plugin', () => {
  let workspaceRoot: string;
  const write = (file: string, content: unknown) => {
    mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
    writeFileSync(join(workspaceRoot, file), typeof content === 'string' ? content : JSON.stringify(content));
  };
  const context = (): CreateNodesContextV2 => ({ workspaceRoot, nxJsonConfiguration: {} });
  /** What createNodesV2 throws for these files (it must throw). */
  const createNodesError = async (
    files: string[],
    options?: Record<string, unknown>,
  ): Promise<AggregateCreateNodesError> => {
    try {
      await createNodesFunction(files, options, context());
    } catch (error) {
      return error as AggregateCreateNodesError;
    }
    throw new Error('expected createNodesV2 to throw');
  };

  beforeEach(() => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-slurm-plugin-'));
  });
  afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

  describe('createNodesV2', () => {
    it('matches every slurm.json and is exported under createNodes too', () => {
      expect(glob).toBe('**/slurm.json');
      expect(createNodes).toBe(createNodesV2);
    });

    it('infers the sweep targets of a project with a project.json, leaving its name to Nx', async () => {
      write('experiments/mnist/project.json', { name: 'mnist' });
      write('experiments/mnist/slurm.json', {
        command: 'python train.py',
        matrix: { lr: [0.1, 0.2] },
        libraries: ['libs/metrics'],
      });
      mkdirSync(join(workspaceRoot, 'libs/metrics'), { recursive: true });

      const results = await createNodesFunction(['experiments/mnist/slurm.json'], undefined, context());

      expect(results).toHaveLength(1);
      const [file, result] = results[0];
      expect(file).toBe('experiments/mnist/slurm.json');
      const project = result.projects!['experiments/mnist'];
      expect(project.name).toBeUndefined();
      expect(Object.keys(project.targets!).sort()).toEqual([
        'slurm-array',
        'slurm-array--0',
        'slurm-array--1',
        'slurm-bundle',
        'slurm-cancel',
        'slurm-logs',
        'slurm-status',
        'slurm-submit',
      ]);
      expect(project.targets!['slurm-array--1'].metadata?.description).toBe('mnist/1: python train.py --lr 0.2');
      expect(project.targets!['slurm-array--0'].inputs).toContain('{workspaceRoot}/libs/metrics/**/*');
      expect(project.metadata?.targetGroups?.['Slurm sweep']).toContain('slurm-array--1');
    });

    it('uses jobName from slurm.json in descriptions', async () => {
      write('exp/project.json', { name: 'exp' });
      write('exp/slurm.json', { command: 'run', jobName: 'fine-tune', args: ['a'] });

      const [[, result]] = await createNodesFunction(['exp/slurm.json'], undefined, context());

      expect(result.projects!.exp.targets!['slurm-array--0'].metadata?.description).toBe('fine-tune/0: run a');
    });

    it('names a project that has no project.json or package.json after its jobName', async () => {
      write('experiments/orphan/slurm.json', { command: 'run', jobName: 'orphan-sweep', args: ['a'] });

      const [[, result]] = await createNodesFunction(['experiments/orphan/slurm.json'], undefined, context());

      expect(result.projects!['experiments/orphan'].name).toBe('orphan-sweep');
    });

    it('names a project without project.json nor jobName after its folder', async () => {
      write('experiments/orphan/slurm.json', { command: 'run', args: ['a'] });

      const [[, result]] = await createNodesFunction(['experiments/orphan/slurm.json'], undefined, context());

      expect(result.projects!['experiments/orphan'].name).toBe('orphan');
    });

    /** The targets a project gets from these files, and the reason each carries when refused. */
    const refusalsOf = async (files: string[], options?: Record<string, unknown>) => {
      const results = await createNodesFunction(files, options, context());
      return Object.fromEntries(
        results.map(([file, result]) => {
          const [project] = Object.values(result.projects!);
          return [
            file,
            Object.fromEntries(Object.entries(project.targets!).map(([name, t]) => [name, t.options?.refusedBecause])),
          ];
        }),
      );
    };

    it('refuses an invalid slurm.json in its own project only: it keeps its targets, each failing with the error', async () => {
      write('good/slurm.json', { command: 'run', args: ['a'] });
      write('bad/slurm.json', { command: 'run', matrix: { lr: [0.1, null] } });

      const refusals = await refusalsOf(['good/slurm.json', 'bad/slurm.json']);

      expect(refusals['good/slurm.json']['slurm-array--0']).toBeUndefined();
      expect(Object.keys(refusals['bad/slurm.json']).sort()).toEqual([
        'slurm-array',
        'slurm-bundle',
        'slurm-cancel',
        'slurm-logs',
        'slurm-status',
        'slurm-submit',
      ]);
      for (const reason of Object.values(refusals['bad/slurm.json']))
        expect(reason).toMatch(/^bad\/slurm\.json: matrix\.lr\[1\]: expected a number, string or boolean, found null/);
    });

    it('reports a JSON syntax error with its line and column', async () => {
      write('bad/slurm.json', '{\n  "command": "run",\n  "args": [1,]\n}');

      const refusals = await refusalsOf(['bad/slurm.json']);

      expect(refusals['bad/slurm.json']['slurm-array']).toMatch(/^bad\/slurm\.json:3:\d+: expected/);
    });

    it('refuses invalid plugin options naming the field', async () => {
      write('exp/slurm.json', { command: 'run', args: ['a'] });

      const refusals = await refusalsOf(['exp/slurm.json'], { defaultCluster: 'nowhere' });

      expect(refusals['exp/slurm.json']['slurm-status']).toContain('defaultCluster');
    });

    it('refuses both projects of a jobName, naming each', async () => {
      write('a/project.json', { name: 'a' });
      write('a/slurm.json', { command: 'run', jobName: 'twin' });
      write('b/slurm.json', { command: 'run', jobName: 'twin' });
      write('c/slurm.json', { command: 'run' });

      const refusals = await refusalsOf(['a/slurm.json', 'b/slurm.json', 'c/slurm.json']);

      for (const file of ['a/slurm.json', 'b/slurm.json'])
        expect(refusals[file]['slurm-array']).toContain(
          'jobName "twin" is used by both a (a/slurm.json) and b (b/slurm.json)',
        );
      expect(refusals['c/slurm.json']['slurm-array--0']).toBeUndefined();
    });

    it('still fails the graph for what is not a configuration error', async () => {
      mkdirSync(join(workspaceRoot, 'dir/slurm.json'), { recursive: true });
      const error = await createNodesError(['dir/slurm.json']);
      expect(error).toBeInstanceOf(AggregateCreateNodesError);
      expect(error.errors[0][1].message).toMatch(/EISDIR/);
    });
  });

  describe('createDependencies', () => {
    const projectsContext = (projects: Record<string, string>): CreateDependenciesContext =>
      ({
        workspaceRoot,
        nxJsonConfiguration: {},
        projects: Object.fromEntries(Object.entries(projects).map(([name, root]) => [name, { root }])),
        externalNodes: {},
        fileMap: { projectFileMap: {}, nonProjectFiles: [] },
        filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
      }) as CreateDependenciesContext;

    it('adds a static edge from the experiment to each library named by project or by root folder', async () => {
      write('experiments/exp/slurm.json', {
        command: 'run',
        args: ['a'],
        libraries: ['shared-lib', 'libs/other/', 'data/raw'],
      });
      for (const folder of ['libs/shared', 'libs/other', 'data/raw'])
        mkdirSync(join(workspaceRoot, folder), { recursive: true });
      const ctx = projectsContext({
        exp: 'experiments/exp',
        'shared-lib': 'libs/shared',
        other: 'libs/other',
        unrelated: 'libs/unrelated',
      });

      const dependencies = await createDependencies(undefined, ctx);

      expect(dependencies).toEqual([
        { source: 'exp', target: 'shared-lib', sourceFile: 'experiments/exp/slurm.json', type: DependencyType.static },
        { source: 'exp', target: 'other', sourceFile: 'experiments/exp/slurm.json', type: DependencyType.static },
      ]);
    });

    it('draws no edge for a sweep whose configuration is refused, and keeps the other edges', async () => {
      write('experiments/bad/slurm.json', { command: 'run', args: ['a'], libraries: ['no-such-lib'] });
      write('experiments/broken/slurm.json', '{');
      write('experiments/exp/slurm.json', { command: 'run', args: ['a'], libraries: ['lib'] });
      const ctx = projectsContext({
        bad: 'experiments/bad',
        broken: 'experiments/broken',
        exp: 'experiments/exp',
        lib: 'libs/lib',
      });

      expect(await createDependencies(undefined, ctx)).toEqual([
        { source: 'exp', target: 'lib', sourceFile: 'experiments/exp/slurm.json', type: DependencyType.static },
      ]);
    });

    it('adds nothing for projects without a slurm.json', async () => {
      const dependencies = await createDependencies(undefined, projectsContext({ app: 'apps/app', lib: 'libs/lib' }));
      expect(dependencies).toEqual([]);
    });
  });
});
