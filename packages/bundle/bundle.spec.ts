import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleProject } from './bundle';
import { BundleCache } from './bundle-cache';
import * as tarball from './tarball';

describe('bundleProject', () => {
  let sandbox: string;

  beforeEach(() => {
    sandbox = mkdtempSync(join(tmpdir(), 'nx-slurm-bundle-'));
    const root = join(sandbox, 'exp');
    mkdirSync(join(root, 'data'), { recursive: true });
    writeFileSync(join(root, 'train.py'), 'print(1)\n');
    writeFileSync(join(root, 'data', 'big.bin'), 'big');
    writeFileSync(join(root, '.gitignore'), '*.tmp\n');
    writeFileSync(join(root, 'scratch.tmp'), 'x');
  });
  afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

  it('packs the listed files and describes the tarball', async () => {
    const root = join(sandbox, 'exp');
    const bundle = await bundleProject({ root, exclude: ['data/**'] });
    expect(bundle.root).toBe(root);
    expect(bundle.files).toEqual(['.gitignore', 'train.py']);
    const data = await bundle.data();
    expect(bundle.bytes).toBe(data.length);
    expect(bundle.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('names the same content with the same sha256 wherever it lives and whenever it was touched', async () => {
    const copy = join(sandbox, 'copy');
    cpSync(join(sandbox, 'exp'), copy, { recursive: true });
    utimesSync(join(copy, 'train.py'), 12345, 67890);
    const [a, b] = await Promise.all([bundleProject({ root: join(sandbox, 'exp') }), bundleProject({ root: copy })]);
    expect(b.sha256).toBe(a.sha256);
    expect(a.files).toContain('data/big.bin');
  });

  describe('with a cache', () => {
    const root = () => join(sandbox, 'exp');
    /** Dates every file of the sandbox a minute back: edited long before the build. */
    const settle = () => {
      const past = Date.now() / 1000 - 60;
      for (const file of ['train.py', 'data/big.bin', '.gitignore', 'scratch.tmp'])
        utimesSync(join(root(), file), past, past);
    };
    afterEach(() => jest.restoreAllMocks());

    it('neither reads nor packs an unchanged folder again, and packs it on demand to the same bytes', async () => {
      settle();
      const cache = new BundleCache(join(sandbox, 'cache'));
      const first = await bundleProject({ root: root(), cache });
      const pack = jest.spyOn(tarball, 'createTarball');

      const again = await bundleProject({ root: root(), cache });

      expect(pack).not.toHaveBeenCalled();
      expect(again).toMatchObject({ sha256: first.sha256, bytes: first.bytes, files: first.files });
      expect(await again.data()).toEqual(await first.data());
    });

    it('packs again after an edit, and trusts the new hash once the edit is old enough', async () => {
      settle();
      const cache = new BundleCache(join(sandbox, 'cache'));
      const first = await bundleProject({ root: root(), cache });
      writeFileSync(join(root(), 'train.py'), 'print(2)\n');

      const edited = await bundleProject({ root: root(), cache });
      expect(edited.sha256).not.toBe(first.sha256);
      // just edited: the entry written now cannot vouch for it yet
      const pack = jest.spyOn(tarball, 'createTarball');
      expect((await bundleProject({ root: root(), cache })).sha256).toBe(edited.sha256);
      expect(pack).toHaveBeenCalledTimes(1);

      settle();
      pack.mockClear();
      await bundleProject({ root: root(), cache });
      const trusted = await bundleProject({ root: root(), cache });
      expect(trusted.sha256).toBe(edited.sha256);
      expect(pack).toHaveBeenCalledTimes(1);
    });

    it('tells before packing a folder that changed, and not one whose build is only too recent to vouch for', async () => {
      const cache = new BundleCache(join(sandbox, 'cache'));
      const changes: string[] = [];
      const onChange = () => changes.push('changed');
      await bundleProject({ root: root(), cache, onChange });
      expect(changes).toHaveLength(1); // nothing cached yet

      // built just now: packed again, but the same stamps
      await bundleProject({ root: root(), cache, onChange });
      expect(changes).toHaveLength(1);

      writeFileSync(join(root(), 'train.py'), 'print(3)\n');
      await bundleProject({ root: root(), cache, onChange });
      expect(changes).toHaveLength(2);
    });

    it('says so when the files changed between the hash and the upload', async () => {
      settle();
      const cache = new BundleCache(join(sandbox, 'cache'));
      await bundleProject({ root: root(), cache });
      const cached = await bundleProject({ root: root(), cache });
      jest
        .spyOn(tarball, 'createTarball')
        .mockResolvedValueOnce({ data: Buffer.from('other'), sha256: 'e'.repeat(64) });

      await expect(cached.data()).rejects.toThrow(/changed while nx-slurm was launching.*Run the command again/);
    });
  });
});
