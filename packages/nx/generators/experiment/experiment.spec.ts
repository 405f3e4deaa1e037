import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addProjectConfiguration, readJson, readNxJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parseSweepConfig } from '../../../config';
import { clusterGenerator } from '../cluster/cluster';
import { experimentGenerator } from './experiment';

function nxSlurmEntries(tree: Tree) {
  return (readNxJson(tree)?.plugins ?? []).filter((p) => (typeof p === 'string' ? p : p.plugin) === 'nx-slurm');
}

describe('experiment generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('creates project.json without targets, a valid slurm.json, train.py and a README under experiments/<name>', async () => {
    await experimentGenerator(tree, { name: 'fine-tune-mlp', skipFormat: true });

    const project = readProjectConfiguration(tree, 'fine-tune-mlp');
    expect(project).toMatchObject({
      root: 'experiments/fine-tune-mlp',
      projectType: 'application',
      tags: ['experiment'],
    });
    const projectJson = readJson(tree, 'experiments/fine-tune-mlp/project.json');
    expect(projectJson.$schema).toBe('../../node_modules/nx/schemas/project-schema.json');
    expect(projectJson.targets).toBeUndefined();

    const slurmJson = readJson(tree, 'experiments/fine-tune-mlp/slurm.json');
    expect(slurmJson).toEqual({
      $schema: '../../node_modules/nx-slurm/slurm.schema.json',
      command: 'python3 train.py',
      matrix: { learning_rate: [0.001, 0.01, 0.1], batch_size: [32, 64] },
      maxConcurrent: 3,
      resources: { time: '00:10:00', cpusPerTask: 1, mem: '500M' },
    });
    expect(parseSweepConfig(slurmJson, 'slurm.json')).toMatchObject({ command: 'python3 train.py', retries: 0 });

    const train = tree.read('experiments/fine-tune-mlp/train.py', 'utf8')!;
    expect(train).toContain('--learning_rate');
    expect(train).toContain('NX_SLURM_OUTPUT_DIR');
    const readme = tree.read('experiments/fine-tune-mlp/README.md', 'utf8')!;
    expect(readme).toMatch(/^# fine-tune-mlp$/m);
    expect(readme).toContain('nx run fine-tune-mlp:slurm-array');
    expect(readme).toContain('nx run fine-tune-mlp:slurm-status');
    expect(readme).toContain('nx run fine-tune-mlp:slurm-logs --index 0');
    expect(readme).toContain('nx g nx-slurm:cluster');
    expect(readme).toMatch(/default cluster: `local`/);
    expect(tree.exists('experiments/fine-tune-mlp/train.py__tmpl__')).toBe(false);
  });

  it('uses --directory as the project root, with the $schema path to match', async () => {
    await experimentGenerator(tree, { name: 'mlp', directory: './research/vision/mlp/', skipFormat: true });

    expect(readProjectConfiguration(tree, 'mlp').root).toBe('research/vision/mlp');
    expect(readJson(tree, 'research/vision/mlp/slurm.json').$schema).toBe(
      '../../../node_modules/nx-slurm/slurm.schema.json',
    );
    expect(tree.exists('research/vision/mlp/train.py')).toBe(true);
  });

  it('registers the plugin when missing, and only once', async () => {
    expect(nxSlurmEntries(tree)).toHaveLength(0);

    await experimentGenerator(tree, { name: 'one', skipFormat: true });
    await experimentGenerator(tree, { name: 'two', skipFormat: true });

    expect(nxSlurmEntries(tree)).toHaveLength(1);
    expect(tree.read('.gitignore', 'utf8')?.match(/^\.nx-slurm\/$/gm)).toHaveLength(1);
  });

  it('writes "cluster" for a profile of nx.json, and for "local"', async () => {
    await clusterGenerator(tree, { name: 'hpc', host: 'hpc-login', skipFormat: true });

    await experimentGenerator(tree, { name: 'on-hpc', cluster: 'hpc', skipFormat: true });
    await experimentGenerator(tree, { name: 'on-local', cluster: 'local', skipFormat: true });

    expect(readJson(tree, 'experiments/on-hpc/slurm.json').cluster).toBe('hpc');
    expect(readJson(tree, 'experiments/on-local/slurm.json').cluster).toBe('local');
    expect(tree.read('experiments/on-hpc/README.md', 'utf8')).toContain('runs on the cluster profile `hpc`');
  });

  it('refuses an unknown cluster, listing the known ones', async () => {
    await clusterGenerator(tree, { name: 'hpc', host: 'hpc-login', skipFormat: true });

    await expect(experimentGenerator(tree, { name: 'exp', cluster: 'hpx', skipFormat: true })).rejects.toThrow(
      /--cluster: expected a known cluster \(local, hpc\), found "hpx"; did you mean "hpc"\?/,
    );
    await expect(experimentGenerator(tree, { name: 'exp', cluster: 'gpu-farm', skipFormat: true })).rejects.toThrow(
      /expected a known cluster \(local, hpc\).*add it with: nx g nx-slurm:cluster gpu-farm --host <login-node>/,
    );
    expect(tree.exists('experiments/exp/slurm.json')).toBe(false);
  });

  it('refuses a project name that exists', async () => {
    addProjectConfiguration(tree, 'taken', { root: 'libs/taken' });

    await expect(experimentGenerator(tree, { name: 'taken', skipFormat: true })).rejects.toThrow(
      /A project named "taken" already exists \(at libs\/taken\)/,
    );
  });

  it('refuses a folder that already holds a project or a sweep', async () => {
    tree.write('experiments/old/slurm.json', '{}');

    await expect(
      experimentGenerator(tree, { name: 'new', directory: 'experiments/old', skipFormat: true }),
    ).rejects.toThrow(/experiments\/old\/slurm\.json already exists/);
  });

  it.each(['has space', 'a/b', '-flag', '.hidden', 'x'.repeat(65), 'naïve'])(
    'refuses the invalid name %j',
    async (name) => {
      await expect(experimentGenerator(tree, { name, skipFormat: true })).rejects.toThrow(
        /Invalid experiment name .*Slurm job name/,
      );
    },
  );

  it('accepts a 64-character name with dots, dashes and underscores', async () => {
    const name = `a.b_c-${'x'.repeat(58)}`;
    await experimentGenerator(tree, { name, skipFormat: true });

    expect(readProjectConfiguration(tree, name).root).toBe(`experiments/${name}`);
  });

  it('refuses a directory outside the workspace', async () => {
    await expect(
      experimentGenerator(tree, { name: 'exp', directory: '../elsewhere', skipFormat: true }),
    ).rejects.toThrow(/Invalid --directory "..\/elsewhere"/);
  });
});

describe('the generated train.py', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-slurm-experiment-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs with python3 and writes metrics.json into NX_SLURM_OUTPUT_DIR', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await experimentGenerator(tree, { name: 'py', skipFormat: true });
    writeFileSync(join(dir, 'train.py'), tree.read('experiments/py/train.py')!);
    const outputDir = join(dir, 'out', '4');

    const stdout = execFileSync('python3', ['train.py', '--learning_rate', '0.01', '--batch_size', '32'], {
      cwd: dir,
      env: { ...process.env, NX_SLURM_INDEX: '4', NX_SLURM_OUTPUT_DIR: outputDir },
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(stdout).toMatch(/^epoch 20\/20: train_loss=/m);
    const metricsFile = join(outputDir, 'metrics.json');
    expect(existsSync(metricsFile)).toBe(true);
    const metrics = JSON.parse(readFileSync(metricsFile, 'utf8'));
    expect(metrics).toMatchObject({ index: 4, args: { learning_rate: 0.01, batch_size: 32 } });
    expect(metrics.val_loss).toBeLessThan(0.5);
  });
});
