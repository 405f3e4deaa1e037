import { BundleCache, cacheKey, isTrusted, newEntry, sameStamps, stampFiles } from './bundle-cache';
import { listBundleFiles } from './list-files';
import { createTarball, type Tarball } from './tarball';

/** A project's (or library's) source, packed reproducibly: its sha256 names it on the cluster. */
export interface Bundle {
  root: string;
  files: string[];
  sha256: string;
  bytes: number;
  /** The tarball: at hand after a build, packed again (and checked) after a cache hit. */
  data(): Promise<Buffer>;
}

export interface BundleOptions {
  root: string;
  exclude?: string[];
  /** Remembers the hash of an unchanged folder, so it is neither read nor packed again. */
  cache?: BundleCache;
  /** Called before packing a folder whose files changed since its cached build (or that has none). */
  onChange?: () => void;
}

export async function bundleProject({ root, exclude = [], cache, onChange }: BundleOptions): Promise<Bundle> {
  const files = await listBundleFiles(root, { exclude });
  if (!cache) return built(root, files, await createTarball(root, files));
  const key = cacheKey(root, exclude);
  // before the stamps: a file changed after this moment is never trusted by the entry (isTrusted)
  const startedAt = Date.now();
  const [stamps, entry] = await Promise.all([stampFiles(root, files), cache.read(key)]);
  if (entry && isTrusted(entry, stamps)) {
    const { sha256, bytes } = entry;
    return { root, files, sha256, bytes, data: () => packAgain(root, files, sha256) };
  }
  // the same stamps, only too recent to vouch for: most likely unchanged
  if (!entry || !sameStamps(entry.stamps, stamps)) onChange?.();
  const tarball = await createTarball(root, files);
  await cache.write(key, newEntry(stamps, tarball.sha256, tarball.data.length, startedAt));
  return built(root, files, tarball);
}

function built(root: string, files: string[], { data, sha256 }: Tarball): Bundle {
  return { root, files, sha256, bytes: data.length, data: () => Promise.resolve(data) };
}

async function packAgain(root: string, files: string[], sha256: string): Promise<Buffer> {
  const tarball = await createTarball(root, files);
  if (tarball.sha256 !== sha256) {
    throw new Error(
      `The files under ${root} changed while nx-slurm was launching (bundle ${sha256.slice(0, 12)} became ${tarball.sha256.slice(0, 12)}). Run the command again.`,
    );
  }
  return tarball.data;
}
