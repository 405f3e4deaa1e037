import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PreparedSweep } from './prepare';

/**
 * Writes the bundles a launch would ship into `outDir`, with a `manifest.json` of their hashes;
 * returns the bundles' notices (what they left out), then one line per bundle written.
 */
export async function exportBundles(sweep: PreparedSweep, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const bundles = [
    { name: 'project', bundle: sweep.project },
    ...sweep.libraries.map((l) => ({ name: l.name, bundle: l.bundle })),
  ];
  const lines: string[] = [...sweep.notices];
  for (const { name, bundle } of bundles) {
    const file = `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${bundle.sha256.slice(0, 12)}.tar.gz`;
    await writeFile(join(outDir, file), bundle.data);
    lines.push(`${name}: ${bundle.files.length} files, ${bundle.bytes} bytes, sha256 ${bundle.sha256} -> ${file}`);
  }
  const manifest = Object.fromEntries(
    bundles.map(({ name, bundle }) => [
      name,
      { sha256: bundle.sha256, files: bundle.files.length, bytes: bundle.bytes },
    ]),
  );
  await writeFile(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return lines;
}
