import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header, Pax } from 'tar';

export interface Tarball {
  /** gzipped tar bytes. */
  data: Buffer;
  /** sha256 of `data`, hex. */
  sha256: string;
}

/** A file of an in-memory tree. `mode` only matters through its execute bits. */
export interface TarEntry {
  path: string;
  data: Buffer | string;
  mode?: number;
  /** Readable by its owner only (0600): a file holding secrets, such as env values. */
  private?: boolean;
}

const BLOCK = 512;
/** Every entry's time (and owner 0, no user names): nothing about the machine or the moment ends up in the bytes. */
const FIXED_MTIME = new Date(0);
const GZIP_LEVEL = 6;
/** Byte 9 of a gzip header names the OS that wrote it; zlib's choice depends on the platform. */
const GZIP_OS_BYTE = 9;
const GZIP_OS_UNIX = 3;

/**
 * A reproducible .tar.gz of files under root (relative POSIX paths, e.g. from listBundleFiles):
 * same content, same bytes, whatever the files' times, owners or listing order.
 */
export async function createTarball(root: string, files: string[]): Promise<Tarball> {
  const entries: TarEntry[] = [];
  // One file at a time: thousands of concurrent reads would run out of file descriptors.
  for (const path of files) {
    const absolute = join(root, checkEntryPath(path));
    // stat follows a symlink: its target's content and mode are shipped.
    const { mode } = await stat(absolute);
    entries.push({ path, data: await readFile(absolute), mode });
  }
  return createTarballFromEntries(entries);
}

/** The same, from an in-memory tree; `dirs` adds (empty) folders such as `logs/`. */
export async function createTarballFromEntries(entries: TarEntry[], dirs: string[] = []): Promise<Tarball> {
  const items = [
    ...entries.map((entry) => ({ ...entry, path: checkEntryPath(entry.path), isDirectory: false })),
    ...dirs.map((dir) => ({ path: checkEntryPath(dir.replace(/\/+$/, '')), data: '', mode: 0o755, isDirectory: true })),
  ];
  const seen = new Set<string>();
  for (const { path } of items) {
    if (seen.has(path)) throw new Error(`The tarball would hold "${path}" twice.`);
    seen.add(path);
  }
  // A folder sorts as `name/`, so it comes before what it holds.
  const archivePath = (item: { path: string; isDirectory: boolean }) =>
    item.isDirectory ? `${item.path}/` : item.path;
  items.sort((a, b) => compare(archivePath(a), archivePath(b)));

  const blocks: Buffer[] = [];
  for (const item of items) {
    const data = Buffer.from(item.data);
    const header = new Header({
      path: archivePath(item),
      mode: fileMode(item),
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
      size: item.isDirectory ? 0 : data.length,
      mtime: FIXED_MTIME,
      type: item.isDirectory ? 'Directory' : 'File',
    });
    const block = Buffer.alloc(BLOCK);
    // Paths past ustar's 100+155 bytes, or not ASCII, go in a pax record holding only the path.
    if (header.encode(block)) blocks.push(new Pax({ path: archivePath(item) }).encode());
    blocks.push(block);
    if (!item.isDirectory) blocks.push(data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(2 * BLOCK));

  const data = gzipSync(Buffer.concat(blocks), { level: GZIP_LEVEL });
  data[GZIP_OS_BYTE] = GZIP_OS_UNIX;
  return { data, sha256: createHash('sha256').update(data).digest('hex') };
}

function fileMode(item: TarEntry & { isDirectory: boolean }): number {
  if (item.isDirectory) return 0o755;
  if (item.private) return 0o600;
  return ((item.mode ?? 0) & 0o111) !== 0 ? 0o755 : 0o644;
}

/** Relative, normalised, inside the archive: no `/` prefix, no `.` or `..` or empty segment. */
function checkEntryPath(path: string): string {
  const segments = path.split('/');
  if (
    path === '' ||
    path.includes('\0') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw new Error(`"${path}" cannot go in a tarball: paths must be relative, without "." or ".." or empty segments.`);
  }
  return path;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
