/**
 * The packed plugin in a fresh workspace, as a user installs it: `nx g nx-slurm:init` registers
 * it once and ignores .nx-slurm/, and Nx lists what it offers.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createWorkspace, type Workspace } from './support/workspace';

// a hung test fails alone, well inside the whole run's bound (NX_SLURM_TEST_TIMEOUT, scripts/test.sh)
jest.setTimeout(120_000);

describe('nx-slurm installed from its tarball', () => {
  let workspace: Workspace;
  beforeAll(async () => {
    workspace = await createWorkspace('init');
  });

  const read = (file: string) => readFile(path.join(workspace.dir, file), 'utf8');

  it('nx g nx-slurm:init registers the plugin and ignores .nx-slurm/, idempotently', async () => {
    const first = await workspace.nx(['g', 'nx-slurm:init']);
    expect(first.code).toBe(0);
    const nxJson = JSON.parse(await read('nx.json'));
    expect(nxJson.plugins.filter((p: { plugin: string }) => p.plugin === 'nx-slurm')).toHaveLength(1);
    expect((await read('.gitignore')).split('\n')).toContain('.nx-slurm/');

    const [nxBefore, ignoreBefore] = [await read('nx.json'), await read('.gitignore')];
    const second = await workspace.nx(['g', 'nx-slurm:init']);
    expect(second.code).toBe(0);
    expect(await read('nx.json')).toBe(nxBefore);
    expect(await read('.gitignore')).toBe(ignoreBefore);
  });

  it('nx list nx-slurm shows its generators and executors', async () => {
    const list = await workspace.nx(['list', 'nx-slurm']);
    expect(list.code).toBe(0);
    for (const name of ['init', 'array', 'submit', 'status', 'logs', 'cancel'])
      expect(list.stdout).toMatch(new RegExp(`\\b${name}\\b`));
  });
});
