import { posix } from 'node:path';
import { ConfigError } from '../config';
import type { SweepSource } from './resolve-sweep';

/** What `libraries` entries are resolved against: the workspace's folders and its Nx projects. */
export interface WorkspaceView {
  /** Whether this workspace-relative path is an existing folder. */
  isFolder(path: string): boolean;
  /** Where an existing folder really is when a symlink takes it outside the workspace; else undefined. */
  outsideTarget(path: string): string | undefined;
  /** Workspace-relative root of every Nx project, by project name. */
  readonly projectRoots: ReadonlyMap<string, string>;
}

export interface ResolvedLibrary {
  /** The entry as written in `libraries`: its bundle's label. */
  readonly name: string;
  /** Workspace-relative folder whose files ship. */
  readonly root: string;
  /** The Nx project rooted at that folder, if any: the experiment's graph edge goes to it. */
  readonly project?: string;
}

/** The folder a `libraries` entry names when it names one: `libs/a/` and `./libs/a` are `libs/a`. */
export function libraryFolder(entry: string): string {
  return posix.normalize(entry).replace(/(.)\/+$/, '$1');
}

/**
 * The one rule for `libraries` (pure): an existing workspace folder is that folder, and the
 * project rooted there gets the graph edge; anything else must be an Nx project name. A folder
 * outside the workspace, or one a symlink leads outside, is refused. The
 * graph edge Nx draws and the bundle that ships are both read from this, so they cannot disagree.
 */
export function resolveLibraries(source: SweepSource, workspace: WorkspaceView): ResolvedLibrary[] {
  const projectAt = new Map([...workspace.projectRoots].map(([name, root]) => [libraryFolder(root), name]));
  return (source.config.libraries ?? []).map((entry, position) => {
    const folder = libraryFolder(entry);
    // a library's files are copied to a shared cluster: nothing from beside the workspace (a key)
    const outside = (found: string) =>
      new ConfigError({
        file: source.file,
        path: `libraries[${position}]`,
        expected: 'a folder inside the workspace',
        found,
        hint: 'copy or move what it needs into the workspace',
      });
    if (folder === '..' || folder.startsWith('../') || posix.isAbsolute(folder)) throw outside(JSON.stringify(entry));
    if (workspace.isFolder(folder)) {
      const target = workspace.outsideTarget(folder);
      if (target !== undefined) throw outside(`${JSON.stringify(entry)} (a symlink to ${target})`);
      return { name: entry, root: folder, project: projectAt.get(folder) };
    }
    const root = workspace.projectRoots.get(entry);
    if (root !== undefined) return { name: entry, root, project: entry };
    throw new ConfigError({
      file: source.file,
      path: `libraries[${position}]`,
      expected: 'a workspace folder or an Nx project name',
      found: JSON.stringify(entry),
    });
  });
}
