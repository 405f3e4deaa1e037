import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { prepareSweep } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { print, withSweep } from '../with-sweep';

/** Writes the bundles a launch would ship to `dist/nx-slurm/<projectRoot>/`, with a manifest of their hashes. */
export default function bundleExecutor(options: RunFlags, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    (request) => prepareSweep(request),
    async (sweep) => {
      const outDir = join(context.root, 'dist', 'nx-slurm', sweep.request.projectRoot || '.');
      await mkdir(outDir, { recursive: true });
      const bundles = [
        { name: 'project', bundle: sweep.project },
        ...sweep.libraries.map((l) => ({ name: l.name, bundle: l.bundle })),
      ];
      for (const { name, bundle } of bundles) {
        const file = `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${bundle.sha256.slice(0, 12)}.tar.gz`;
        await writeFile(join(outDir, file), await bundle.data());
        print(`${name}: ${bundle.files.length} files, ${bundle.bytes} bytes, sha256 ${bundle.sha256} -> ${file}`);
      }
      const manifest = Object.fromEntries(
        bundles.map(({ name, bundle }) => [
          name,
          { sha256: bundle.sha256, files: bundle.files.length, bytes: bundle.bytes },
        ]),
      );
      await writeFile(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
      return true;
    },
    { allIndices: true },
  );
}
