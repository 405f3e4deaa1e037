import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RemoteScript } from '../transport';
import {
  CREATE_RUN,
  FREE_SPACE,
  INSTALL_BUNDLES,
  parseTails,
  PRESENT_BUNDLES,
  REMOVE_FILES,
  TAILS,
} from './remote-scripts';

/** Runs one of our fixed scripts as runRemoteScript does on the cluster: `bash -c BODY nx-slurm args...`. */
function run(script: RemoteScript, ...args: string[]) {
  const result = spawnSync('bash', ['-c', script.body, 'nx-slurm', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('remote scripts', () => {
  let dir: string;
  let root: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-slurm-scripts-'));
    root = join(dir, 'remote root');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A gzipped tarball holding `files`, and its sha256. */
  function tarball(name: string, files: Record<string, string>): { path: string; sha: string } {
    const source = join(dir, `${name}-src`);
    mkdirSync(source, { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(source, file), content);
    const path = join(dir, `${name}.tar.gz`);
    const tar = spawnSync('tar', ['-czf', path, '-C', source, '.']);
    expect(tar.status).toBe(0);
    return { path, sha: createHash('sha256').update(readFileSync(path)).digest('hex') };
  }

  describe('PRESENT_BUNDLES', () => {
    it('creates bundles/, incoming/ and runs/ and lists only the installed hashes', () => {
      mkdirSync(join(root, 'bundles', 'aaa'), { recursive: true });
      mkdirSync(join(root, 'bundles', 'ccc'), { recursive: true });

      const result = run(PRESENT_BUNDLES, root, 'aaa', 'bbb', 'ccc');

      expect(result).toMatchObject({ code: 0, stdout: 'aaa\nccc\n' });
      expect(readdirSync(root).sort()).toEqual(['bundles', 'incoming', 'runs']);
    });

    it('sweeps what interrupted uploads left in incoming/ an hour ago or more, and nothing newer', () => {
      const incoming = join(root, 'incoming');
      mkdirSync(join(incoming, 'sha.extracting'), { recursive: true });
      writeFileSync(join(incoming, 'sha.partial.tar.gz'), 'x');
      writeFileSync(join(incoming, 'sha.live.tar.gz'), 'x');
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      for (const stale of ['sha.extracting', 'sha.partial.tar.gz'])
        utimesSync(join(incoming, stale), twoHoursAgo, twoHoursAgo);

      expect(run(PRESENT_BUNDLES, root).code).toBe(0);
      expect(readdirSync(incoming)).toEqual(['sha.live.tar.gz']);
    });

    it('lists nothing in a fresh root and does not take a file for a bundle', () => {
      mkdirSync(join(root, 'bundles'), { recursive: true });
      writeFileSync(join(root, 'bundles', 'aaa'), 'not a folder');
      expect(run(PRESENT_BUNDLES, root, 'aaa', 'bbb')).toMatchObject({ code: 0, stdout: '' });
    });
  });

  describe('REMOVE_FILES and FREE_SPACE', () => {
    it('removes the given files, missing ones included, even a name starting with "-"', () => {
      mkdirSync(root, { recursive: true });
      for (const name of ['a.tar.gz', '-rf']) writeFileSync(join(root, name), 'x');
      expect(run(REMOVE_FILES, join(root, 'a.tar.gz'), join(root, 'missing'), join(root, '-rf')).code).toBe(0);
      expect(readdirSync(root)).toEqual([]);
    });

    it('prints the kilobytes free on the folder’s filesystem', () => {
      mkdirSync(root, { recursive: true });
      const result = run(FREE_SPACE, root);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^\d+\n$/);
    });
  });

  describe('INSTALL_BUNDLES', () => {
    beforeEach(() => {
      expect(run(PRESENT_BUNDLES, root).code).toBe(0);
    });

    it('checks, extracts and renames a good upload into bundles/<sha>, leaving nothing in incoming/', () => {
      const bundle = tarball('code', { 'train.py': 'print(1)\n' });

      const result = run(INSTALL_BUNDLES, root, bundle.sha, bundle.path);

      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(readFileSync(join(root, 'bundles', bundle.sha, 'train.py'), 'utf8')).toBe('print(1)\n');
      expect(existsSync(bundle.path)).toBe(false);
      expect(readdirSync(join(root, 'incoming'))).toEqual([]);
    });

    it('installs several bundles in one call', () => {
      const a = tarball('a', { 'a.py': 'a' });
      const b = tarball('b', { 'b.py': 'b' });

      expect(run(INSTALL_BUNDLES, root, a.sha, a.path, b.sha, b.path).code).toBe(0);

      expect(readdirSync(join(root, 'bundles')).sort()).toEqual([a.sha, b.sha].sort());
    });

    it('refuses a corrupted upload: exit 3, a message, no bundle left and the upload removed', () => {
      const bundle = tarball('code', { 'train.py': 'print(1)\n' });
      const wrongSha = createHash('sha256').update('something else').digest('hex');

      const result = run(INSTALL_BUNDLES, root, wrongSha, bundle.path);

      expect(result.code).toBe(3);
      expect(result.stderr).toBe(`nx-slurm: upload of bundle ${wrongSha} arrived corrupted\n`);
      expect(existsSync(join(root, 'bundles', wrongSha))).toBe(false);
      expect(readdirSync(join(root, 'bundles'))).toEqual([]);
      expect(readdirSync(join(root, 'incoming'))).toEqual([]);
      expect(existsSync(bundle.path)).toBe(false);
    });

    it('refuses a truncated upload of the right bundle', () => {
      const bundle = tarball('code', { 'big.txt': 'x'.repeat(100_000) });
      const bytes = readFileSync(bundle.path);
      writeFileSync(bundle.path, bytes.subarray(0, bytes.length - 10));

      expect(run(INSTALL_BUNDLES, root, bundle.sha, bundle.path).code).toBe(3);
      expect(existsSync(join(root, 'bundles', bundle.sha))).toBe(false);
    });

    it('is idempotent: an installed bundle is kept as it is and the new upload dropped', () => {
      const bundle = tarball('code', { 'train.py': 'print(1)\n' });
      expect(run(INSTALL_BUNDLES, root, bundle.sha, bundle.path).code).toBe(0);
      writeFileSync(join(root, 'bundles', bundle.sha, 'marker'), 'kept');
      const again = tarball('code', { 'train.py': 'print(1)\n' });

      const result = run(INSTALL_BUNDLES, root, bundle.sha, again.path);

      expect(result.code).toBe(0);
      expect(readFileSync(join(root, 'bundles', bundle.sha, 'marker'), 'utf8')).toBe('kept');
      expect(readdirSync(join(root, 'bundles', bundle.sha)).sort()).toEqual(['marker', 'train.py']);
      expect(existsSync(again.path)).toBe(false);
      expect(readdirSync(join(root, 'incoming'))).toEqual([]);
    });
  });

  describe('CREATE_RUN', () => {
    it('creates the run folder (and its parents) from the run tarball, then removes the tarball', () => {
      const runTarball = tarball('run', { 'job.sbatch': '#!/bin/bash\n', 'meta.json': '{}' });
      const runDir = join(root, 'runs', 'mlp', '20261127-211530-4f2a');

      expect(run(CREATE_RUN, runDir, runTarball.path).code).toBe(0);

      expect(readdirSync(runDir).sort()).toEqual(['job.sbatch', 'meta.json']);
      expect(existsSync(runTarball.path)).toBe(false);
    });

    it('refuses an existing run folder and leaves its files untouched', () => {
      const runDir = join(root, 'runs', 'mlp', 'r1');
      mkdirSync(runDir, { recursive: true });
      writeFileSync(join(runDir, 'job.sbatch'), 'the first run');
      const runTarball = tarball('run', { 'job.sbatch': 'a second run' });

      const result = run(CREATE_RUN, runDir, runTarball.path);

      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('File exists');
      expect(readFileSync(join(runDir, 'job.sbatch'), 'utf8')).toBe('the first run');
    });
  });

  describe('TAILS and parseTails', () => {
    it('gives the last N bytes of each file by path, empty for a missing file, spaces in paths kept', () => {
      const a = join(dir, 'logs dir', '0.out');
      const b = join(dir, 'logs dir', '0.err');
      mkdirSync(join(dir, 'logs dir'));
      writeFileSync(a, 'line 1\nline 2\nline 3\n');
      writeFileSync(b, 'short');
      const missing = join(dir, 'logs dir', 'missing.err');

      const result = run(TAILS, '7', a, missing, b);

      expect(result.code).toBe(0);
      const tails = parseTails(result.stdout);
      expect([...tails.entries()]).toEqual([
        [a, 'line 3\n'],
        [missing, ''],
        [b, 'short'],
      ]);
    });

    it('drops NUL bytes from the logs so they cannot break the pairs', () => {
      const file = join(dir, 'bin.out');
      writeFileSync(file, Buffer.from('a\0b\0c'));
      const other = join(dir, 'other.out');
      writeFileSync(other, 'ok');

      expect([...parseTails(run(TAILS, '100', file, other).stdout).entries()]).toEqual([
        [file, 'abc'],
        [other, 'ok'],
      ]);
    });

    it('parses no output as no tails', () => {
      expect(parseTails('').size).toBe(0);
      expect(run(TAILS, '10').stdout).toBe('');
    });
  });
});
