import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config';

/** The name Nx gives the project at `projectRoot` (project.json, then package.json), if any. */
export function projectNameAt(workspaceRoot: string, projectRoot: string): string | undefined {
  for (const file of ['project.json', 'package.json']) {
    const path = join(workspaceRoot, projectRoot, file);
    if (!existsSync(path)) continue;
    const name = JSON.parse(readFileSync(path, 'utf8')).name;
    if (typeof name === 'string') return name;
  }
  return undefined;
}

/** A `libraries` entry that names a workspace folder (otherwise it names an Nx project). */
export function isLibraryFolder(workspaceRoot: string, library: string): boolean {
  const path = join(workspaceRoot, library);
  return existsSync(path) && statSync(path).isDirectory();
}

export function sweepOrThrow(vectors: string[][], file: string): string[][] {
  if (vectors.length === 0) {
    throw new ConfigError({
      file,
      path: 'matrix',
      expected: 'at least one argument vector',
      found: 'an empty sweep (every matrix point excluded, or an empty list)',
    });
  }
  return vectors;
}
