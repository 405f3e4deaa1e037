import { readNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { initGenerator } from './init';

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('registers the plugin once and ignores .nx-slurm/', async () => {
    await initGenerator(tree, { skipFormat: true });
    const first = tree.read('nx.json', 'utf8');
    await initGenerator(tree, { skipFormat: true });

    expect(tree.read('nx.json', 'utf8')).toBe(first);
    const plugins = readNxJson(tree)?.plugins ?? [];
    expect(plugins.filter((p) => (typeof p === 'string' ? p : p.plugin) === 'nx-slurm')).toHaveLength(1);
    expect(tree.read('.gitignore', 'utf8')?.match(/^\.nx-slurm\/$/gm)).toHaveLength(1);
    expect(tree.read('.gitignore', 'utf8')?.match(/^\.env$/gm)).toHaveLength(1);
  });

  it('creates nx.json in a workspace without one, so that Nx loads the plugin', async () => {
    tree.delete('nx.json');

    await initGenerator(tree, { skipFormat: true });

    expect(JSON.parse(tree.read('nx.json', 'utf8')!)).toEqual({
      plugins: [{ plugin: 'nx-slurm', options: { clusters: {} } }],
    });
  });

  it('keeps existing plugins and .gitignore lines', async () => {
    tree.write('.gitignore', 'node_modules');
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = ['@nx/js'];
    tree.write('nx.json', JSON.stringify(nxJson));

    await initGenerator(tree, { skipFormat: true });

    expect(readNxJson(tree)?.plugins?.[0]).toBe('@nx/js');
    expect(tree.read('.gitignore', 'utf8')).toBe('node_modules\n.nx-slurm/\n.env\n');
  });
});
