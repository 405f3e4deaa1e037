import { createHash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import { listBundleFiles } from './list-files';
import { digestTarball, tarballStream } from './tarball';

/**
 * A project's (or library's) source, packed reproducibly: its sha256 names it on the cluster.
 * It is never held in memory: `open()` streams the same bytes again for an upload, and fails if
 * they are not the same any more.
 */
export interface Bundle {
  root: string;
  files: string[];
  sha256: string;
  /** Bytes of the .tar.gz. */
  bytes: number;
  /** Bytes of the files before compression. */
  fileBytes: number;
  /** The largest files, largest first, for a warning about what makes a bundle big. */
  largest: { path: string; bytes: number }[];
  open(): Readable;
}

const LARGEST_LISTED = 5;

export async function bundleProject({ root, exclude }: { root: string; exclude?: string[] }): Promise<Bundle> {
  const files = await listBundleFiles(root, { exclude });
  const { sha256, bytes, fileSizes } = await digestTarball(root, files);
  return {
    root,
    files,
    sha256,
    bytes,
    fileBytes: fileSizes.reduce((sum, file) => sum + file.bytes, 0),
    largest: [...fileSizes].sort((a, b) => b.bytes - a.bytes).slice(0, LARGEST_LISTED),
    open: () => verified(tarballStream(root, files), sha256, root),
  };
}

/** The stream, failing at its end if its bytes are not the ones hashed: a file was edited meanwhile. */
function verified(stream: Readable, sha256: string, root: string): Readable {
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const got = hash.digest('hex');
      done(
        got === sha256
          ? null
          : new Error(
              `files under ${root} changed while nx-slurm was shipping them (sha256 ${sha256} became ${got}): run again.`,
            ),
      );
    },
  });
  return pipeline(stream, check, () => {});
}
