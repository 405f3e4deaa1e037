import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { WorkspaceView } from '../sweep';

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

/** The workspace on disk and the projects Nx knows, as `libraries` entries are resolved against them. */
export function workspaceView(workspaceRoot: string, projects: Record<string, { root: string }>): WorkspaceView {
  return {
    isFolder: (path) => {
      const absolute = join(workspaceRoot, path);
      return existsSync(absolute) && statSync(absolute).isDirectory();
    },
    outsideTarget: (path) => {
      const real = realpathSync(join(workspaceRoot, path));
      const top = realpathSync(workspaceRoot);
      return real === top || real.startsWith(top + sep) ? undefined : real;
    },
    projectRoots: new Map(Object.entries(projects).map(([name, project]) => [name, project.root])),
  };
}
