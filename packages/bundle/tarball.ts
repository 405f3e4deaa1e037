import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, Readable, Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
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
}

/** What hashing a tarball of files learnt: its name on the cluster, its size, and what filled it. */
export interface TarballDigest {
  sha256: string;
  /** Bytes of the .tar.gz. */
  bytes: number;
  /** Each file's size before compression, in archive order. */
  fileSizes: { path: string; bytes: number }[];
}

const BLOCK = 512;
/** Every entry's time (and owner 0, no user names): nothing about the machine or the moment ends up in the bytes. */
const FIXED_MTIME = new Date(0);
const GZIP_LEVEL = 6;
/** Byte 9 of a gzip header names the OS that wrote it; zlib's choice depends on the platform. */
const GZIP_OS_BYTE = 9;
const GZIP_OS_UNIX = 3;

/** One archive member; `content` yields exactly `size` bytes. */
interface Member {
  archivePath: string;
  isDirectory: boolean;
  executable: boolean;
  size: number;
  content: () => AsyncIterable<Buffer>;
}

/**
 * A reproducible .tar.gz of files under root (relative POSIX paths, e.g. from listBundleFiles)
 * as a stream: same content, same bytes, whatever the files' times, owners or listing order.
 * Files are read one at a time, a chunk at a time, so memory does not grow with their size;
 * the stream can be produced again (to upload it) with the same bytes while the files stay as
 * they are. `onFile` learns each file's size as it is packed.
 */
export function tarballStream(
  root: string,
  files: readonly string[],
  onFile?: (file: { path: string; bytes: number }) => void,
): Readable {
  const paths = sortedUnique(files.map(checkEntryPath));
  async function* members(): AsyncGenerator<Member> {
    for (const path of paths) {
      const absolute = join(root, path);
      // stat follows a symlink: its target's content and mode are shipped.
      const { mode, size } = await stat(absolute);
      onFile?.({ path, bytes: size });
      yield {
        archivePath: path,
        isDirectory: false,
        executable: (mode & 0o111) !== 0,
        size,
        content: () => fileContent(absolute, path, size),
      };
    }
  }
  return gzipped(tarBlocks(members()));
}

/** Streams a tarball of files once, to learn its sha256, its size and the sizes of the files in it. */
export async function digestTarball(root: string, files: readonly string[]): Promise<TarballDigest> {
  const fileSizes: TarballDigest['fileSizes'] = [];
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of tarballStream(root, files, (file) => fileSizes.push(file))) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes, fileSizes };
}

/** The same format, from a small in-memory tree; `dirs` adds (empty) folders such as `logs/`. */
export async function createTarballFromEntries(entries: TarEntry[], dirs: string[] = []): Promise<Tarball> {
  const members: Member[] = [
    ...entries.map((entry) => {
      const data = Buffer.from(entry.data);
      return {
        archivePath: checkEntryPath(entry.path),
        isDirectory: false,
        executable: ((entry.mode ?? 0) & 0o111) !== 0,
        size: data.length,
        content: async function* () {
          yield data;
        },
      };
    }),
    ...dirs.map((dir) => ({
      // A folder sorts as `name/`, so it comes before what it holds.
      archivePath: `${checkEntryPath(dir.replace(/\/+$/, ''))}/`,
      isDirectory: true,
      executable: true,
      size: 0,
      content: async function* () {},
    })),
  ];
  sortedUnique(members.map((m) => m.archivePath.replace(/\/$/, '')));
  members.sort((a, b) => compare(a.archivePath, b.archivePath));
  const chunks: Buffer[] = [];
  for await (const chunk of gzipped(tarBlocks(members))) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  return { data, sha256: createHash('sha256').update(data).digest('hex') };
}

async function* tarBlocks(members: AsyncIterable<Member> | Iterable<Member>): AsyncGenerator<Buffer> {
  for await (const member of members) {
    const header = new Header({
      path: member.archivePath,
      mode: member.executable ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
      size: member.size,
      mtime: FIXED_MTIME,
      type: member.isDirectory ? 'Directory' : 'File',
    });
    const block = Buffer.alloc(BLOCK);
    // Paths past ustar's 100+155 bytes, or not ASCII, go in a pax record holding only the path.
    if (header.encode(block)) yield new Pax({ path: member.archivePath }).encode();
    yield block;
    if (member.isDirectory) continue;
    yield* member.content();
    const padding = (BLOCK - (member.size % BLOCK)) % BLOCK;
    if (padding > 0) yield Buffer.alloc(padding);
  }
  yield Buffer.alloc(2 * BLOCK);
}

/** Exactly the `size` bytes the header announced; a file that shrank meanwhile cannot be shipped. */
async function* fileContent(absolute: string, path: string, size: number): AsyncGenerator<Buffer> {
  if (size === 0) return;
  let read = 0;
  for await (const chunk of createReadStream(absolute, { start: 0, end: size - 1 })) {
    read += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
  if (read !== size) {
    throw new Error(
      `${path} changed while nx-slurm was packing it (${size} bytes when it started, ${read} read): run again once it is written.`,
    );
  }
}

function gzipped(blocks: AsyncIterable<Buffer>): Readable {
  let position = 0;
  const fixOsByte = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (position <= GZIP_OS_BYTE && GZIP_OS_BYTE < position + chunk.length)
        chunk[GZIP_OS_BYTE - position] = GZIP_OS_UNIX;
      position += chunk.length;
      done(null, chunk);
    },
  });
  // an error of any stage (a file that vanished) destroys the last one: whoever reads it sees it
  return pipeline(Readable.from(blocks, { objectMode: false }), createGzip({ level: GZIP_LEVEL }), fixOsByte, () => {});
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

function sortedUnique(paths: string[]): string[] {
  const sorted = [...paths].sort(compare);
  for (let k = 1; k < sorted.length; k++)
    if (sorted[k] === sorted[k - 1]) throw new Error(`The tarball would hold "${sorted[k]}" twice.`);
  return sorted;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
