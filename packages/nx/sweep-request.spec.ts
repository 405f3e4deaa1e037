import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutorContext, NxJsonConfiguration } from '@nx/devkit';
import { ConfigError } from '../config';
import { pluginOptionsOf, sweepConfigOf, sweepRequestOf } from './sweep-request';

const hpc = { host: 'hpc-login' };
const nxJsonWith = (options: Record<string, unknown>): NxJsonConfiguration => ({
  plugins: ['@nx/js/typescript', { plugin: 'nx-slurm', options }],
});

describe('sweep requests', () => {
  let root: string;
  const write = (file: string, content: unknown) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
  };
  const savedCluster = process.env.NX_SLURM_CLUSTER;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-slurm-request-'));
    delete process.env.NX_SLURM_CLUSTER;
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    if (savedCluster === undefined) delete process.env.NX_SLURM_CLUSTER;
    else process.env.NX_SLURM_CLUSTER = savedCluster;
  });

  describe('sweepConfigOf', () => {
    it('reads the project slurm.json when the options hold no command', () => {
      write('exp/slurm.json', { command: 'python train.py', args: ['--a 1'] });

      const { config, file } = sweepConfigOf(root, 'exp', { index: 0 }, 'slurm-array--0');

      expect(file).toBe('exp/slurm.json');
      expect(config).toMatchObject({ command: 'python train.py', args: ['--a 1'] });
    });

    it('prefers inline executor options holding a command, without the runtime flags', () => {
      write('exp/slurm.json', { command: 'from-slurm-json', args: ['x'] });

      const { config, file } = sweepConfigOf(
        root,
        'exp',
        {
          command: 'python inline.py',
          args: ['--b 2'],
          cluster: 'local',
          force: true,
          dryRun: true,
          index: 3,
          stderr: true,
          follow: false,
        },
        'sweep',
      );

      expect(file).toBe('exp/project.json (target sweep)');
      expect(config).toMatchObject({ command: 'python inline.py', args: ['--b 2'], cluster: 'local' });
      for (const flag of ['force', 'dryRun', 'index', 'stderr', 'follow']) expect(config).not.toHaveProperty(flag);
    });

    it('names project.json, the target and the field when inline options are invalid', () => {
      expect(() => sweepConfigOf(root, 'exp', { command: 'run', retries: -1 }, 'sweep')).toThrow(
        /^exp\/project\.json \(target sweep\): retries: expected/,
      );
      expect(() => sweepConfigOf(root, 'exp', { command: 'run', maxConcurrent: 'two' }, 'sweep')).toThrow(
        'exp/project.json (target sweep): maxConcurrent: expected a number, found "two"',
      );
    });

    it('throws a ConfigError when there is neither a slurm.json nor a command', () => {
      const error = catchError(() => sweepConfigOf(root, 'exp', {}, 'slurm-status'));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ file: 'exp/slurm.json', found: 'neither' });
      expect(error.message).toContain('"command" in the executor options');
    });
  });

  describe('pluginOptionsOf', () => {
    it('finds the nx-slurm entry among other plugins', () => {
      expect(pluginOptionsOf(nxJsonWith({ defaultCluster: 'hpc', clusters: { hpc } }))).toMatchObject({
        defaultCluster: 'hpc',
      });
    });

    it('gives empty options without nx.json, without the entry, or for an entry registered as a string', () => {
      expect(pluginOptionsOf(undefined)).toEqual({});
      expect(pluginOptionsOf({ plugins: ['@nx/js/typescript'] })).toEqual({});
      expect(pluginOptionsOf({ plugins: ['nx-slurm'] })).toEqual({});
    });

    it('refuses invalid options naming nx.json and the field', () => {
      expect(() => pluginOptionsOf(nxJsonWith({ clusters: { hpc: {} } }))).toThrow(
        /^nx\.json: clusters\.hpc\.host: expected/,
      );
    });

    it('reads only the exact "nx-slurm" entry, not a plugin whose name merely contains it', () => {
      const nxJson: NxJsonConfiguration = {
        plugins: [
          { plugin: 'nx-slurm-extras', options: { x: 1 } },
          { plugin: 'nx-slurm', options: { clusters: { hpc } } },
        ],
      };
      expect(pluginOptionsOf(nxJson).clusters?.hpc).toMatchObject({ host: 'hpc-login' });
    });
  });

  describe('sweepRequestOf', () => {
    const contextFor = (nxJson: NxJsonConfiguration = {}): ExecutorContext =>
      ({
        root,
        cwd: root,
        isVerbose: false,
        projectName: 'exp',
        projectsConfigurations: {
          version: 2,
          projects: {
            exp: { root: 'experiments/exp' },
            'shared-lib': { root: 'libs/shared' },
          },
        },
        nxJsonConfiguration: nxJson,
        projectGraph: { nodes: {}, dependencies: {} },
      }) as unknown as ExecutorContext;
    const sweep = (extra: Record<string, unknown> = {}) =>
      write('experiments/exp/slurm.json', { command: 'python train.py', matrix: { lr: [0.1, 0.2, 0.3] }, ...extra });
    const twoClusters = nxJsonWith({ defaultCluster: 'a', clusters: { a: hpc, b: hpc, c: hpc, d: hpc } });

    it('builds the request: project root, job name, command words, vectors, every index', () => {
      sweep();
      const request = sweepRequestOf(contextFor(), 'exp', {});
      expect(request).toMatchObject({
        workspaceRoot: root,
        projectRoot: 'experiments/exp',
        jobName: 'exp',
        command: ['python', 'train.py'],
        vectors: [
          ['--lr', '0.1'],
          ['--lr', '0.2'],
          ['--lr', '0.3'],
        ],
        libraries: [],
        indices: undefined,
      });
      expect(request.cluster.name).toBe('local');
    });

    it('takes jobName from slurm.json over the project name, and passes force', () => {
      sweep({ jobName: 'fine-tune' });
      expect(sweepRequestOf(contextFor(), 'exp', { force: true })).toMatchObject({ jobName: 'fine-tune', force: true });
    });

    it('picks the cluster: --cluster > NX_SLURM_CLUSTER > slurm.json > defaultCluster > local', () => {
      sweep({ cluster: 'c' });
      const cluster = (flags: Record<string, unknown>, nxJson = twoClusters) =>
        sweepRequestOf(contextFor(nxJson), 'exp', flags).cluster.name;

      process.env.NX_SLURM_CLUSTER = 'b';
      expect(cluster({ cluster: 'd' })).toBe('d');
      expect(cluster({})).toBe('b');
      process.env.NX_SLURM_CLUSTER = '';
      expect(cluster({})).toBe('c');
      sweep();
      expect(cluster({})).toBe('a');
      expect(cluster({}, {})).toBe('local');
    });

    it('resolves the chosen profile with its scheduler and transport', () => {
      sweep();
      expect(sweepRequestOf(contextFor(twoClusters), 'exp', { cluster: 'b' }).cluster).toMatchObject({
        name: 'b',
        scheduler: 'slurm',
        transport: 'ssh',
        profile: { host: 'hpc-login' },
      });
    });

    it('refuses an unknown cluster naming where it came from', () => {
      sweep();
      expect(() => sweepRequestOf(contextFor(twoClusters), 'exp', { cluster: 'nope' })).toThrow(
        /^command line: --cluster: expected a known cluster/,
      );
    });

    it('resolves libraries by workspace folder or by Nx project name, in order', () => {
      mkdirSync(join(root, 'libs/plain'), { recursive: true });
      sweep({ libraries: ['shared-lib', 'libs/plain'] });

      expect(sweepRequestOf(contextFor(), 'exp', {}).libraries).toEqual([
        { name: 'shared-lib', root: 'libs/shared', project: 'shared-lib' },
        { name: 'libs/plain', root: 'libs/plain' },
      ]);
    });

    it('refuses an unknown library naming libraries[i] in slurm.json', () => {
      sweep({ libraries: ['shared-lib', 'no-such-lib'] });

      const error = catchError(() => sweepRequestOf(contextFor(), 'exp', {}));

      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(
        'experiments/exp/slurm.json: libraries[1]: expected a workspace folder or an Nx project name, found "no-such-lib"',
      );
    });

    it('selects indices, given as a number or a list', () => {
      sweep();
      expect(sweepRequestOf(contextFor(), 'exp', { index: 2 }).indices).toEqual([2]);
      expect(sweepRequestOf(contextFor(), 'exp', { index: '0,2' }).indices).toEqual([0, 2]);
    });

    it('refuses an index outside the sweep, saying which it has', () => {
      sweep();
      for (const index of [3, -1, 1.5, 'x']) {
        const error = catchError(() => sweepRequestOf(contextFor(), 'exp', { index }));
        expect(error).toBeInstanceOf(ConfigError);
        expect(error).toMatchObject({ file: 'command line', path: '--index', found: expect.any(String) });
        expect(error.message).toContain('exp has indices 0-2');
      }
    });

    it('fails a project createNodes refused with the reason it gave', () => {
      expect(() => sweepRequestOf(contextFor(), 'exp', { refusedBecause: 'exp/slurm.json: matrix: expected' })).toThrow(
        'exp/slurm.json: matrix: expected',
      );
    });

    it('refuses an empty sweep before anything else', () => {
      sweep({ matrix: { lr: [0.1], exclude: [{ lr: 0.1 }] } });
      expect(() => sweepRequestOf(contextFor(), 'exp', {})).toThrow(
        /^experiments\/exp\/slurm\.json: matrix: expected at least one argument vector/,
      );
    });
  });
});

function catchError(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}
