import { listBundleFiles, type BundleListing, type ListOptions } from './list-files';
import { createTarball } from './tarball';

/** A project's (or library's) source, packed reproducibly: its sha256 names it on the cluster. */
export interface Bundle {
  root: string;
  files: string[];
  data: Buffer;
  sha256: string;
  bytes: number;
  /** Left out on purpose: secret-looking files, symlinks leading outside the workspace. */
  leftOut: Omit<BundleListing, 'files'>;
}

export async function bundleProject({ root, ...options }: { root: string } & ListOptions): Promise<Bundle> {
  const { files, ...leftOut } = await listBundleFiles(root, options);
  const { data, sha256 } = await createTarball(root, files);
  return { root, files, data, sha256, bytes: data.length, leftOut };
}
