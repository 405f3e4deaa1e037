import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleProject } from './bundle';

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
    const chunks: Buffer[] = [];
    for await (const chunk of bundle.open()) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    expect(bundle.bytes).toBe(data.length);
    expect(bundle.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(bundle.fileBytes).toBe('*.tmp\n'.length + 'print(1)\n'.length);
    expect(bundle.largest).toEqual([
      { path: 'train.py', bytes: 9 },
      { path: '.gitignore', bytes: 6 },
    ]);
  });

  it('names the same content with the same sha256 wherever it lives and whenever it was touched', async () => {
    const copy = join(sandbox, 'copy');
    cpSync(join(sandbox, 'exp'), copy, { recursive: true });
    utimesSync(join(copy, 'train.py'), 12345, 67890);
    const [a, b] = await Promise.all([bundleProject({ root: join(sandbox, 'exp') }), bundleProject({ root: copy })]);
    expect(b.sha256).toBe(a.sha256);
    expect(a.files).toContain('data/big.bin');
  });

  it('fails an upload stream whose files changed since they were hashed', async () => {
    const root = join(sandbox, 'exp');
    const bundle = await bundleProject({ root });
    writeFileSync(join(root, 'train.py'), 'print(2)\n');
    const reading = (async () => {
      for await (const _ of bundle.open()) void _;
    })();
    await expect(reading).rejects.toThrow(`files under ${root} changed while nx-slurm was shipping them`);
  });
});
