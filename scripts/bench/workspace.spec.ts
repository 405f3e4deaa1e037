import { gzipSync } from 'node:zlib';
import {
  entryPoint,
  experimentFiles,
  incompressible,
  libraryFiles,
  SOURCE_BLOB_BYTES,
  SOURCE_BLOBS,
} from './workspace';

describe('incompressible', () => {
  it('gives the size asked, the same bytes for the same seed, other bytes for another', () => {
    expect(incompressible('a', 1000)).toHaveLength(1000);
    expect(incompressible('a', 1000).equals(incompressible('a', 1000))).toBe(true);
    expect(incompressible('a', 1000).equals(incompressible('b', 1000))).toBe(false);
  });

  it('does not shrink under gzip', () => {
    const data = incompressible('x', 100_000);
    expect(gzipSync(data).length).toBeGreaterThan(data.length);
  });
});

describe('experimentFiles', () => {
  const files = experimentFiles({ root: 'experiments/exp100', indices: 3, hold: true }, 'e1');
  const sizeOf = (f: Record<string, string | Buffer>) => Object.values(f).reduce((sum, c) => sum + c.length, 0);

  it('ships about 1.06 MB of source, the library about 200 KB', () => {
    expect(sizeOf(files)).toBeGreaterThan(SOURCE_BLOBS * SOURCE_BLOB_BYTES);
    expect(SOURCE_BLOBS * SOURCE_BLOB_BYTES).toBeCloseTo(1.06 * 2 ** 20, -5);
    expect(sizeOf(libraryFiles('e1'))).toBeGreaterThan(199 * 1024);
  });

  it('is a sweep of `python3 main.py --i <index>` with the library, held when asked', () => {
    const slurm = JSON.parse(files['experiments/exp100/slurm.json'] as string);
    expect(slurm).toMatchObject({
      cluster: 'lab',
      jobName: 'bench-exp100',
      command: 'python3 main.py',
      args: ['--i 0', '--i 1', '--i 2'],
      libraries: ['libs/shared'],
      resources: { partition: 'debug', time: '01:00:00', extra: ['--hold'] },
    });
  });

  it('changes only the entry point with the edit', () => {
    const other = experimentFiles({ root: 'experiments/exp100', indices: 3, hold: true }, 'e2');
    const changed = Object.keys(files).filter((f) => String(files[f]) !== String(other[f]));
    expect(changed).toEqual(['experiments/exp100/main.py']);
  });
});

describe('entryPoint', () => {
  it('exits 3 at the failing index only', () => {
    expect(entryPoint('e', 42)).toContain('sys.exit(3 if index == 42 else 0)');
    expect(entryPoint('e')).toContain('sys.exit(3 if index == -1 else 0)');
  });
});
