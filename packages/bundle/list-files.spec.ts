import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { listBundleFiles as listBundle } from './list-files';

const listBundleFiles = async (...args: Parameters<typeof listBundle>) => (await listBundle(...args)).files;

describe('listBundleFiles', () => {
  let sandbox: string;
  let root: string;

  const write = (path: string, content = path) => {
    mkdirSync(dirname(join(sandbox, path)), { recursive: true });
    writeFileSync(join(sandbox, path), content);
  };

  beforeEach(() => {
    sandbox = mkdtempSync(join(tmpdir(), 'nx-slurm-list-'));
    root = join(sandbox, 'exp');
    for (const path of [
      'exp/train.py',
      'exp/README.md',
      'exp/with space/ünï.py',
      'exp/pkg/model.py',
      'exp/pkg/__pycache__/model.cpython-311.pyc',
      'exp/pkg/stale.pyc',
      'exp/.git/HEAD',
      'exp/node_modules/x/index.js',
      'exp/pkg/node_modules/y.js',
      'exp/.nx/cache',
      'exp/.nx-slurm/local/runs/x',
      'exp/dist/out.js',
      'exp/data/raw/a.csv',
      'exp/model.ckpt',
      'exp/deep/er/model.ckpt',
      'exp/run.log',
      'exp/keep.log',
      'exp/build/artifact',
      'exp/sub/build/kept',
      'exp/sub/local.txt',
      'exp/sub/important.log',
      'exp/.env',
    ]) {
      write(path);
    }
    write('exp/.gitignore', '# generated\n*.log\n!keep.log\n/build/\n.env\n');
    write('exp/sub/.gitignore', 'local.txt\n!important.log\n');
  });

  afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

  it('lists shipped files, sorted, skipping built-in folders, .pyc, excludes and .gitignore', async () => {
    expect(await listBundleFiles(root, { exclude: ['data/**', '*.ckpt'] })).toEqual([
      '.gitignore',
      'README.md',
      'keep.log',
      'pkg/model.py',
      'sub/.gitignore',
      'sub/build/kept',
      'sub/important.log',
      'train.py',
      'with space/ünï.py',
    ]);
  });

  it('ships excluded paths when no exclude is given', async () => {
    const files = await listBundleFiles(root);
    expect(files).toEqual(expect.arrayContaining(['data/raw/a.csv', 'model.ckpt', 'deep/er/model.ckpt']));
  });

  it('follows symlinks to files inside the boundary only, and reports those leading outside', async () => {
    write('outside.txt');
    write('shared/config.yaml');
    mkdirSync(join(root, 'links'));
    symlinkSync('../train.py', join(root, 'links', 'inside.py'));
    symlinkSync(join(sandbox, 'outside.txt'), join(root, 'links', 'outside.txt'));
    symlinkSync('../../shared/config.yaml', join(root, 'links', 'config.yaml'));
    symlinkSync('../pkg', join(root, 'links', 'folder'));
    symlinkSync('missing', join(root, 'links', 'dangling'));
    symlinkSync('..', join(root, 'links', 'loop'));

    const inRoot = await listBundle(root, { exclude: ['data/**', '*.ckpt'] });
    expect(inRoot.files.filter((file) => file.startsWith('links/'))).toEqual(['links/inside.py']);
    expect(inRoot.outside.map((link) => link.path).sort()).toEqual(['links/config.yaml', 'links/outside.txt']);

    const inSandbox = await listBundle(root, { exclude: ['data/**', '*.ckpt'], boundary: join(sandbox, 'shared') });
    expect(inSandbox.files.filter((file) => file.startsWith('links/'))).toEqual([
      'links/config.yaml',
      'links/inside.py',
    ]);
    expect(inSandbox.outside).toEqual([{ path: 'links/outside.txt', target: join(sandbox, 'outside.txt') }]);
  });

  it('leaves out secret-looking files unless include names them', async () => {
    for (const path of [
      'exp/.env.local',
      'exp/.env.example',
      'exp/keys/id_rsa',
      'exp/keys/id_ed25519',
      'exp/keys/id_ed25519.pub',
      'exp/certs/server.pem',
      'exp/.npmrc',
      'exp/conf/.netrc',
      'exp/environment.py',
    ])
      write(path);
    write('secret-target/id_rsa');
    symlinkSync('../../secret-target/id_rsa', join(root, 'keys', 'deploy'));

    const listing = await listBundle(root, { include: ['.env.example', 'certs/*.pem'], boundary: sandbox });
    expect(listing.secrets).toEqual([
      '.env.local',
      '.npmrc',
      'conf/.netrc',
      'keys/deploy',
      'keys/id_ed25519',
      'keys/id_rsa',
    ]);
    expect(listing.files).toEqual(
      expect.arrayContaining(['.env.example', 'certs/server.pem', 'environment.py', 'keys/id_ed25519.pub']),
    );
    expect(listing.files).not.toContain('.env');
  });

  it('applies .gitignore files above root up to the repository top', async () => {
    rmSync(join(root, '.git'), { recursive: true });
    write('.git/HEAD');
    write('.gitignore', '/exp/README.md\n*.py\n');
    write('exp/.gitignore', '!train.py\n');

    const files = await listBundleFiles(root);
    expect(files).toContain('train.py');
    expect(files).not.toContain('README.md');
    expect(files).not.toContain('pkg/model.py');
    expect(files).not.toContain('with space/ünï.py');
  });

  it('ignores .gitignore files above the repository top', async () => {
    write('.gitignore', '*.py\n');
    expect(await listBundleFiles(root)).toContain('train.py');
  });

  it('reads root the same through a symlinked path', async () => {
    symlinkSync(root, join(sandbox, 'alias'));
    expect(await listBundleFiles(join(sandbox, 'alias'))).toEqual(await listBundleFiles(root));
  });

  it('fails for a missing root', async () => {
    await expect(listBundleFiles(join(sandbox, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
