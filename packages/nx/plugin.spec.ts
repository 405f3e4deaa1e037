import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AggregateCreateNodesError,
  DependencyType,
  type CreateDependenciesContext,
  type CreateNodesContextV2,
} from '@nx/devkit';
import { ConfigError } from '../config';
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

    it('refuses an invalid slurm.json with an error naming the file and the field', async () => {
      write('good/slurm.json', { command: 'run', args: ['a'] });
      write('bad/slurm.json', { command: 'run', matrix: { lr: [0.1, null] } });

      const aggregate = await createNodesError(['good/slurm.json', 'bad/slurm.json']);

      // createNodesFromFiles aggregates per-file errors and keeps the results of the valid files
      expect(aggregate).toBeInstanceOf(AggregateCreateNodesError);
      expect(aggregate.errors).toHaveLength(1);
      const [file, cause] = aggregate.errors[0];
      expect(file).toBe('bad/slurm.json');
      expect(cause).toBeInstanceOf(ConfigError);
      expect(cause.message).toContain('bad/slurm.json: matrix.lr[1]: expected');
      expect(aggregate.partialResults.map(([f]) => f)).toEqual(['good/slurm.json']);
    });

    it('reports a JSON syntax error with its line and column', async () => {
      write('bad/slurm.json', '{\n  "command": "run",\n  "args": [1,]\n}');

      const error = await createNodesError(['bad/slurm.json']);

      expect(error.errors[0][1].message).toMatch(/^bad\/slurm\.json:3:\d+: expected/);
    });

    it('refuses invalid plugin options naming the field', async () => {
      write('exp/slurm.json', { command: 'run', args: ['a'] });

      const error = await createNodesError(['exp/slurm.json'], { defaultCluster: 'nowhere' });

      expect(error.errors[0][1].message).toContain('defaultCluster');
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

    it('refuses a library that is neither a folder nor a project, naming libraries[i]', async () => {
      write('experiments/exp/slurm.json', { command: 'run', args: ['a'], libraries: ['no-such-lib'] });

      await expect(async () =>
        createDependencies(undefined, projectsContext({ exp: 'experiments/exp' })),
      ).rejects.toThrow(
        'experiments/exp/slurm.json: libraries[0]: expected a workspace folder or an Nx project name, found "no-such-lib"',
      );
    });

    it('adds nothing for projects without a slurm.json', async () => {
      const dependencies = await createDependencies(undefined, projectsContext({ app: 'apps/app', lib: 'libs/lib' }));
      expect(dependencies).toEqual([]);
    });
  });
});
