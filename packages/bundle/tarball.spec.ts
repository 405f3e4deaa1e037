import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createTarball, createTarballFromEntries } from './tarball';

const FILES: Record<string, string> = {
  'train.py': 'print("hi")\n',
  'pkg/__init__.py': '',
  'pkg/model.py': 'x = 1\n',
  'run.sh': '#!/bin/sh\necho run\n',
  'with space/ünï.txt': 'unicode ✓\n',
};

describe('createTarball', () => {
  let sandbox: string;

  beforeEach(() => {
    sandbox = mkdtempSync(join(tmpdir(), 'nx-slurm-tar-'));
  });
  afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

  /** Writes FILES under a new folder, in the given order, `run.sh` executable. */
  function tree(name: string, order = Object.keys(FILES)): string {
    const root = join(sandbox, name);
    for (const path of order) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), FILES[path]);
    }
    chmodSync(join(root, 'run.sh'), 0o700);
    return root;
  }

  const files = Object.keys(FILES).sort();

  it('gives the same bytes for the same content, whatever times, permissions, order or location', async () => {
    const first = await createTarball(tree('a'), files);

    const other = tree('b', [...files].reverse());
    for (const [i, path] of files.entries()) utimesSync(join(other, path), 1_000_000 + i, 2_000_000_000 - i);
    chmodSync(join(other, 'train.py'), 0o600);
    chmodSync(join(other, 'run.sh'), 0o750);
    const second = await createTarball(other, [...files].reverse());

    expect(second.sha256).toBe(first.sha256);
    expect(second.data.equals(first.data)).toBe(true);
    expect(first.sha256).toBe(createHash('sha256').update(first.data).digest('hex'));
  });

  it('gives other bytes when a file changes or becomes executable', async () => {
    const root = tree('a');
    const before = await createTarball(root, files);
    writeFileSync(join(root, 'pkg/model.py'), 'x = 2\n');
    const edited = await createTarball(root, files);
    writeFileSync(join(root, 'pkg/model.py'), 'x = 1\n');
    chmodSync(join(root, 'train.py'), 0o744);
    const executable = await createTarball(root, files);

    expect(new Set([before.sha256, edited.sha256, executable.sha256]).size).toBe(3);
  });

  it('is listed by the system tar with owner 0/0, time 0 and normalised modes', async () => {
    const root = tree('a');
    const archive = join(sandbox, 'bundle.tar.gz');
    writeFileSync(archive, (await createTarball(root, files)).data);

    const listing = execFileSync('tar', ['--numeric-owner', '--utc', '-tzvf', archive], {
      env: { ...process.env, TZ: 'UTC' },
    }).toString();
    expect(
      listing
        .trim()
        .split('\n')
        .map((line) =>
          line
            .split(/\s+/)
            .filter((_, i) => i !== 2 && i !== 3 && i !== 4)
            .join(' '),
        ),
    ).toEqual([
      '-rw-r--r-- 0/0 pkg/__init__.py',
      '-rw-r--r-- 0/0 pkg/model.py',
      '-rwxr-xr-x 0/0 run.sh',
      '-rw-r--r-- 0/0 train.py',
      '-rw-r--r-- 0/0 with space/ünï.txt',
    ]);
    expect(listing.match(/1970-01-01 00:00/g)).toHaveLength(5);

    const out = join(sandbox, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xzf', archive, '-C', out]);
    for (const path of files) expect(readFileSync(join(out, path), 'utf8')).toBe(FILES[path]);
  });

  it('writes a gzip header without time and with a fixed OS byte, and no time records', async () => {
    const { data } = await createTarball(tree('a'), files);
    expect([...data.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]);
    expect(data.readUInt32LE(4)).toBe(0);
    expect(data[9]).toBe(3);
    expect(gunzipSync(data).toString('latin1')).not.toMatch(/atime|ctime|mtime=/);
  });

  it('rejects paths that would escape or alias inside the archive', async () => {
    const root = tree('a');
    for (const path of ['../x', '/etc/passwd', 'a//b', './train.py', '']) {
      await expect(createTarball(root, [path])).rejects.toThrow('cannot go in a tarball');
    }
  });
});

describe('createTarballFromEntries', () => {
  let sandbox: string;

  beforeEach(() => {
    sandbox = mkdtempSync(join(tmpdir(), 'nx-slurm-tar-'));
  });
  afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

  const longPath = `${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(120)}.py`;
  const runFolder = () =>
    createTarballFromEntries(
      [
        { path: 'job.sbatch', data: '#!/bin/bash\n', mode: 0o700 },
        { path: 'args/0', data: Buffer.from('python\0train.py\0') },
        { path: 'meta.json', data: '{}', private: true },
        { path: longPath, data: 'long' },
        { path: 'ünï/ø.txt', data: 'u' },
      ],
      ['logs', 'out/0/', 'exit'],
    );

  it('ships files and empty folders that the system tar lists and extracts', async () => {
    const archive = join(sandbox, 'run.tar.gz');
    writeFileSync(archive, (await runFolder()).data);

    const listing = execFileSync('tar', ['-tzvf', archive]).toString().trim().split('\n');
    expect(listing.map((line) => line.split(/\s+/).slice(5).join(' '))).toEqual([
      longPath,
      'args/0',
      'exit/',
      'job.sbatch',
      'logs/',
      'meta.json',
      'out/0/',
      'ünï/ø.txt',
    ]);
    expect(listing.map((line) => line.split(/\s+/)[0])).toEqual([
      '-rw-r--r--',
      '-rw-r--r--',
      'drwxr-xr-x',
      '-rwxr-xr-x',
      'drwxr-xr-x',
      '-rw-------',
      'drwxr-xr-x',
      '-rw-r--r--',
    ]);

    const out = join(sandbox, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xzf', archive, '-C', out]);
    expect(readFileSync(join(out, 'args/0'))).toEqual(Buffer.from('python\0train.py\0'));
    expect(readFileSync(join(out, longPath), 'utf8')).toBe('long');
    expect(readFileSync(join(out, 'ünï/ø.txt'), 'utf8')).toBe('u');
    expect(
      execFileSync('find', [join(out, 'out/0'), join(out, 'logs'), '-type', 'd'])
        .toString()
        .trim()
        .split('\n'),
    ).toHaveLength(2);
  });

  it('is reproducible whatever the order entries and folders are given in', async () => {
    const again = await createTarballFromEntries(
      [
        { path: 'ünï/ø.txt', data: Buffer.from('u') },
        { path: longPath, data: 'long' },
        { path: 'meta.json', data: '{}', private: true },
        { path: 'args/0', data: 'python\0train.py\0' },
        { path: 'job.sbatch', data: '#!/bin/bash\n', mode: 0o100755 },
      ],
      ['exit/', 'out/0', 'logs'],
    );
    expect(again.sha256).toBe((await runFolder()).sha256);
  });

  it('rejects a path given twice', async () => {
    await expect(createTarballFromEntries([{ path: 'logs', data: '' }], ['logs/'])).rejects.toThrow('"logs" twice');
  });
});
