import type { Dirent } from 'node:fs';
import { access, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { WORKSPACE_STATE_DIR } from '../config';
import { compileExcludes, isIgnoredByGitignore, parseGitignore, type IgnoreRule } from './ignore-rules';

/** Never shipped: VCS data, dependencies, build output, caches, nx-slurm's own state. */
const SKIPPED_NAMES = new Set(['.git', 'node_modules', '.nx', WORKSPACE_STATE_DIR, 'dist', '__pycache__']);
const SKIPPED_SUFFIXES = ['.pyc'];

export interface ListOptions {
  /** Globs relative to root (`data/**`, `*.ckpt`); one without `/` matches at any depth. */
  exclude?: string[];
}

/**
 * Relative POSIX paths, sorted, of every regular file under root that a bundle ships. Skipped:
 * SKIPPED_NAMES at any depth, `*.pyc`, the `exclude` globs, and what .gitignore files ignore:
 * root's, nested ones, and those of the folders above root up to the git repository's top (a
 * workspace's `.venv/` or `wandb/` line applies to its projects, as git applies it).
 * A symlink is followed when it leads to a file inside root (shipped as that file's content);
 * symlinks to folders, to anything outside root, or to nothing are skipped.
 */
export async function listBundleFiles(root: string, options: ListOptions = {}): Promise<string[]> {
  const realRoot = await realpath(root);
  const isExcluded = compileExcludes(options.exclude ?? []);
  const files: string[] = [];

  async function isFileInsideRoot(entry: Dirent, absolute: string): Promise<boolean> {
    if (entry.isFile()) return true;
    if (!entry.isSymbolicLink()) return false;
    try {
      const target = await realpath(absolute);
      return target.startsWith(realRoot + sep) && (await stat(target)).isFile();
    } catch {
      return false; // dangling link
    }
  }

  async function walk(relativeDir: string, inheritedRules: readonly IgnoreRule[]): Promise<void> {
    const absoluteDir = join(root, relativeDir);
    const rules = [...inheritedRules, ...parseGitignore(await readGitignore(absoluteDir), relativeDir)];
    for (const entry of await readdir(absoluteDir, { withFileTypes: true })) {
      if (SKIPPED_NAMES.has(entry.name)) continue;
      const path = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!isExcluded(path, true) && !isIgnoredByGitignore(rules, path, true)) await walk(path, rules);
      } else if (
        !SKIPPED_SUFFIXES.some((suffix) => entry.name.endsWith(suffix)) &&
        !isExcluded(path, false) &&
        !isIgnoredByGitignore(rules, path, false) &&
        (await isFileInsideRoot(entry, join(absoluteDir, entry.name)))
      ) {
        files.push(path);
      }
    }
  }

  await walk('', await rulesAbove(realRoot));
  return files.sort();
}

/** Rules of the .gitignore files between the repository's top (the folder with `.git`) and root. */
async function rulesAbove(realRoot: string): Promise<IgnoreRule[]> {
  const folders: string[] = [];
  for (let folder = realRoot; !(await exists(join(folder, '.git')));) {
    const parent = dirname(folder);
    if (parent === folder) return []; // not in a git repository
    folder = parent;
    folders.unshift(folder);
  }
  const rules: IgnoreRule[] = [];
  for (const folder of folders) {
    const rootPrefix = `${relative(folder, realRoot).split(sep).join('/')}/`;
    rules.push(...parseGitignore(await readGitignore(folder), '', rootPrefix));
  }
  return rules;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function readGitignore(folder: string): Promise<string> {
  try {
    return await readFile(join(folder, '.gitignore'), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return '';
    throw error;
  }
}
