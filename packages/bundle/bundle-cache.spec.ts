import { cacheKey, isTrusted, newEntry, type FileStamp } from './bundle-cache';

const stamp = (path: string, overrides: Partial<FileStamp> = {}): FileStamp => ({
  path,
  size: 10,
  mtimeMs: 1_000_000,
  ctimeMs: 1_000_000,
  ino: 7,
  mode: 0o100644,
  ...overrides,
});

describe('isTrusted: a cached bundle hash still names the files', () => {
  const stamps = [stamp('a.py'), stamp('lib/b.py', { ino: 8 })];
  const entry = newEntry(stamps, 'f'.repeat(64), 123, 1_000_000 + 60_000);

  it('trusts identical stamps written well after the last change', () => {
    expect(
      isTrusted(
        entry,
        stamps.map((s) => ({ ...s })),
      ),
    ).toBe(true);
  });

  it.each<[string, FileStamp[]]>([
    ['a size', [stamp('a.py', { size: 11 }), stamps[1]]],
    ['a modification time', [stamp('a.py', { mtimeMs: 1_000_001 }), stamps[1]]],
    ['a change time (chmod, rewrite in place)', [stamp('a.py', { ctimeMs: 1_000_001 }), stamps[1]]],
    ['an inode (the file was replaced)', [stamp('a.py', { ino: 9 }), stamps[1]]],
    ['an execute bit', [stamp('a.py', { mode: 0o100755 }), stamps[1]]],
    ['a file name', [stamp('c.py'), stamps[1]]],
    ['a new file', [...stamps, stamp('new.py')]],
    ['a deleted file', [stamps[0]]],
  ])('rebuilds when %s differs', (_what, now) => {
    expect(isTrusted(entry, now)).toBe(false);
  });

  it('rebuilds when a file was modified within two seconds of the build: its stamp may hide a later edit', () => {
    const racy = newEntry(stamps, 'f'.repeat(64), 123, 1_000_000 + 1500);
    expect(isTrusted(racy, stamps)).toBe(false);
  });

  it('rebuilds without an entry, or with one of another cache format', () => {
    expect(isTrusted(undefined, stamps)).toBe(false);
    expect(isTrusted({ ...entry, format: 0 }, stamps)).toBe(false);
  });
});

describe('cacheKey', () => {
  it('tells folders and exclude lists apart', () => {
    const keys = new Set([
      cacheKey('/w/exp', []),
      cacheKey('/w/exp', ['data/**']),
      cacheKey('/w/lib', []),
      cacheKey('/w/exp', ['data/**', '*.ckpt']),
    ]);
    expect(keys.size).toBe(4);
    expect(cacheKey('/w/exp', ['data/**'])).toBe(cacheKey('/w/exp', ['data/**']));
  });
});
