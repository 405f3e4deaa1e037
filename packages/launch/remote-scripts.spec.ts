import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RemoteScript } from '../transport';
import { parseTails, TAILS } from './remote-scripts';

/** Runs one of our fixed scripts as runRemoteScript does on the cluster: `bash -c BODY nx-slurm args...`. */
function run(script: RemoteScript, ...args: string[]) {
  const result = spawnSync('bash', ['-c', script.body, 'nx-slurm', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('remote scripts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-slurm-scripts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

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
