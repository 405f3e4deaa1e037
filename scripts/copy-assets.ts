import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Copies each generator's template folder (`files/`) next to its compiled generator in dist/,
 * as Nx plugins ship their assets, so that a generator finds it with `join(__dirname, 'files')`
 * from source and from the package alike. Run from dist/scripts after tsc.
 */
const repoRoot = join(__dirname, '..', '..');
const generators = join('packages', 'nx', 'generators');

for (const generator of readdirSync(join(repoRoot, generators))) {
  const templates = join(generators, generator, 'files');
  if (!existsSync(join(repoRoot, templates))) continue;
  const copy = join(repoRoot, 'dist', templates);
  // a template deleted from the source must not stay in the build
  rmSync(copy, { recursive: true, force: true });
  cpSync(join(repoRoot, templates), copy, { recursive: true });
  console.log(`copied ${templates} to dist/`);
}
