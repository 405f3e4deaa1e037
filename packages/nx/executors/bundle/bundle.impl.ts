import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { exportBundles } from '../../../launch';
import type { RunFlags } from '../../sweep-request';
import { print, withSweep } from '../with-sweep';

/** Writes the bundles a launch would ship to `dist/nx-slurm/<projectRoot>/`, with a manifest of their hashes. */
export default function bundleExecutor(options: RunFlags, context: ExecutorContext) {
  return withSweep(
    options,
    context,
    async (sweep) => {
      const outDir = join(context.root, 'dist', 'nx-slurm', sweep.request.projectRoot || '.');
      (await exportBundles(sweep, outDir)).forEach(print);
      return true;
    },
    { allIndices: true },
  );
}
