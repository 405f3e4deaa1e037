import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { exportBundles, prepareSweep } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { print } from '../output';
import { withSweep } from '../with-sweep';

/** Writes the bundles a launch would ship to `dist/nx-slurm/<projectRoot>/`, with a manifest of their hashes. */
export default function bundleExecutor(options: RunFlags, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    prepareSweep,
    async (sweep) => {
      const outDir = join(context.root, 'dist', 'nx-slurm', sweep.request.projectRoot || '.');
      for (const line of await exportBundles(sweep, outDir)) await print(line);
      return true;
    },
    { allIndices: true },
  );
}
