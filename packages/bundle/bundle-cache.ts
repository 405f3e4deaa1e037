import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What identifies one file's content without reading it (as git's index does). */
export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  mode: number;
}

/** One cached bundle: the stamps of the files it was built from and the hash of what they gave. */
export interface CacheEntry {
  format: number;
  /** When the build began (ms): files modified within RACY_MS before it cannot be trusted. */
  writtenAt: number;
  stamps: FileStamp[];
  sha256: string;
  bytes: number;
}

/** Raised whenever the tarball layout changes, so no entry of an older nx-slurm is trusted. */
const FORMAT = 1;
/**
 * Timestamps of coarse filesystems (FAT, some NFS setups) tick every 2 s: a file rewritten within
 * that tick of the build keeps its stamp, so such an entry is built again rather than trusted.
 */
const RACY_MS = 2000;

/** The cache file of one bundle source: a folder with its exclude globs. */
export function cacheKey(root: string, exclude: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([root, exclude]))
    .digest('hex');
}

/**
 * The entry's hash still names these files: same stamps, none of them modified near the build.
 * A rewrite that restores the modification time (cp -p, rsync -t) still moves the change time.
 */
export function isTrusted(entry: CacheEntry | undefined, stamps: readonly FileStamp[]): boolean {
  if (!entry || entry.format !== FORMAT || !sameStamps(entry.stamps, stamps)) return false;
  return stamps.every((now) => now.mtimeMs < entry.writtenAt - RACY_MS);
}

/** Nothing about the files changed: same names, sizes, times, inodes and modes. */
export function sameStamps(known: readonly FileStamp[], now: readonly FileStamp[]): boolean {
  return (
    known.length === now.length &&
    known.every(
      (a, k) =>
        a.path === now[k].path &&
        a.size === now[k].size &&
        a.mtimeMs === now[k].mtimeMs &&
        a.ctimeMs === now[k].ctimeMs &&
        a.ino === now[k].ino &&
        a.mode === now[k].mode,
    )
  );
}

export function newEntry(stamps: FileStamp[], sha256: string, bytes: number, writtenAt: number): CacheEntry {
  return { format: FORMAT, writtenAt, stamps, sha256, bytes };
}

/** Stamps of the listed files under root (stat follows symlinks, as the tarball does). */
export async function stampFiles(root: string, files: readonly string[]): Promise<FileStamp[]> {
  const stamps: FileStamp[] = [];
  for (const path of files) {
    const { size, mtimeMs, ctimeMs, ino, mode } = await stat(join(root, path));
    stamps.push({ path, size, mtimeMs, ctimeMs, ino, mode });
  }
  return stamps;
}

/**
 * Bundle hashes remembered per source folder (`.nx-slurm/bundles/` of the workspace), so an
 * unchanged folder is neither read nor packed again. Only hashes are kept: the bytes are built
 * again on the rare launch that must upload an unchanged bundle (a new cluster).
 */
export class BundleCache {
  constructor(private readonly dir: string) {}

  async read(key: string): Promise<CacheEntry | undefined> {
    try {
      return JSON.parse(await readFile(this.file(key), 'utf8')) as CacheEntry;
    } catch {
      return undefined; // absent, or half-written by a crash: built again
    }
  }

  /** Written aside and renamed, so concurrent launches never read half an entry. */
  async write(key: string, entry: CacheEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const aside = `${this.file(key)}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(aside, JSON.stringify(entry));
    await rename(aside, this.file(key));
  }

  private file(key: string): string {
    return join(this.dir, `${key}.json`);
  }
}
