import type { Bundle } from './bundle';

/** Past this many bytes of files, a launch says what makes the bundle big. */
export const LARGE_BUNDLE_BYTES = 100 * 2 ** 20;

/**
 * A warning for a bundle whose files exceed `limit` bytes: which files weigh most and how to
 * leave them out (data belongs on the cluster's filesystem, not in every code bundle).
 */
export function largeBundleWarning(
  label: string,
  bundle: Pick<Bundle, 'fileBytes' | 'largest' | 'files'>,
  limit = LARGE_BUNDLE_BYTES,
): string | undefined {
  if (bundle.fileBytes <= limit) return undefined;
  const largest = bundle.largest.map((file) => `${file.path} (${formatBytes(file.bytes)})`).join(', ');
  const folders = [...new Set(bundle.largest.map((file) => file.path.split('/')[0]))]
    .map((top) => (bundle.files.some((path) => path.startsWith(`${top}/`)) ? `"${top}/**"` : `"${top}"`))
    .join(', ');
  return (
    `nx-slurm: ${label} ships ${formatBytes(bundle.fileBytes)} of files (${bundle.files.length}), more than ${formatBytes(limit)}; ` +
    `the largest: ${largest}. If they are data rather than code, leave them out of the bundle with ` +
    `"exclude": [${folders}] in slurm.json (or a .gitignore line) and read them from the cluster's filesystem.`
  );
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
