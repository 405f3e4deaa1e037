import { listBundleFiles } from './list-files';
import { createTarball } from './tarball';

/** A project's (or library's) source, packed reproducibly: its sha256 names it on the cluster. */
export interface Bundle {
  root: string;
  files: string[];
  data: Buffer;
  sha256: string;
  bytes: number;
}

export async function bundleProject({ root, exclude }: { root: string; exclude?: string[] }): Promise<Bundle> {
  const files = await listBundleFiles(root, { exclude });
  const { data, sha256 } = await createTarball(root, files);
  return { root, files, data, sha256, bytes: data.length };
}
