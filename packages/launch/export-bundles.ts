import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { largeBundleWarning } from '../bundle';
import type { PreparedSweep } from './prepare';

/**
 * Writes the bundles a launch would ship into `outDir`, with a `manifest.json` of their hashes;
 * returns one line per bundle written.
 */
export async function exportBundles(sweep: PreparedSweep, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const bundles = [
    { name: 'project', bundle: sweep.project },
    ...sweep.libraries.map((l) => ({ name: l.name, bundle: l.bundle })),
  ];
  const lines: string[] = [];
  for (const { name, bundle } of bundles) {
    const file = `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${bundle.sha256.slice(0, 12)}.tar.gz`;
    await pipeline(bundle.open(), createWriteStream(join(outDir, file)));
    lines.push(`${name}: ${bundle.files.length} files, ${bundle.bytes} bytes, sha256 ${bundle.sha256} -> ${file}`);
    const warning = largeBundleWarning(name, bundle);
    if (warning) lines.push(warning);
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
