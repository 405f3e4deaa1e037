import type { Dirent } from 'node:fs';
import { access, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { WORKSPACE_STATE_DIR } from '../config';
import { compileExcludes, isIgnoredByGitignore, parseGitignore, type IgnoreRule } from './ignore-rules';
import { looksSecret } from './secret-files';

/** Never shipped: VCS data, dependencies, build output, caches, nx-slurm's own state. */
const SKIPPED_NAMES = new Set(['.git', 'node_modules', '.nx', WORKSPACE_STATE_DIR, 'dist', '__pycache__']);
const SKIPPED_SUFFIXES = ['.pyc'];

export interface ListOptions {
  /** Globs relative to root (`data/**`, `*.ckpt`); one without `/` matches at any depth. */
  exclude?: string[];
  /** Globs of files shipped although they look like secrets (see secret-files.ts). */
  include?: string[];
  /** Absolute folder that followed symlinks must stay inside (the workspace); default: root. */
  boundary?: string;
}

/** What a bundle ships, and what it left out on purpose (for a line telling the user). */
export interface BundleListing {
  /** Relative POSIX paths, sorted. */
  files: string[];
  /** Secret-looking files not named by `include`, sorted. */
  secrets: string[];
  /** Symlinks to files outside the boundary, with where they lead. */
  outside: { path: string; target: string }[];
}

/**
 * Every regular file under root that a bundle ships. Skipped: SKIPPED_NAMES at any depth,
 * `*.pyc`, the `exclude` globs, and what .gitignore files ignore: root's, nested ones, and those
 * of the folders above root up to the git repository's top (a workspace's `.venv/` or `wandb/`
 * line applies to its projects, as git applies it). Left out and reported: secret-looking files
 * that `include` does not name, and symlinks leading outside the boundary. A symlink to a file
 * inside the boundary is shipped as that file's content; symlinks to folders or to nothing are
 * skipped.
 */
export async function listBundleFiles(root: string, options: ListOptions = {}): Promise<BundleListing> {
  const realRoot = await realpath(root);
  const realBoundary = options.boundary ? await realpath(options.boundary) : realRoot;
  const isExcluded = compileExcludes(options.exclude ?? []);
  const isIncluded = compileExcludes(options.include ?? []);
  const listing: BundleListing = { files: [], secrets: [], outside: [] };
  const inside = (target: string) =>
    [realRoot, realBoundary].some((folder) => target === folder || target.startsWith(folder + sep));

  /** The file a directory entry stands for (itself, or a symlink's target), if it is one to ship. */
  async function fileOf(entry: Dirent, absolute: string, path: string): Promise<string | undefined> {
    if (entry.isFile()) return absolute;
    if (!entry.isSymbolicLink()) return undefined;
    const target = await realpath(absolute).catch(() => undefined);
    if (target === undefined || !(await stat(target)).isFile()) return undefined; // dangling, or a folder
    if (inside(target)) return target;
    listing.outside.push({ path, target });
    return undefined;
  }

  async function walk(relativeDir: string, inheritedRules: readonly IgnoreRule[]): Promise<void> {
    const absoluteDir = join(root, relativeDir);
    const rules = [...inheritedRules, ...parseGitignore(await readGitignore(absoluteDir), relativeDir)];
    for (const entry of await readdir(absoluteDir, { withFileTypes: true })) {
      if (SKIPPED_NAMES.has(entry.name)) continue;
      const path = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!isExcluded(path, true) && !isIgnoredByGitignore(rules, path, true)) await walk(path, rules);
        continue;
      }
      if (
        SKIPPED_SUFFIXES.some((suffix) => entry.name.endsWith(suffix)) ||
        isExcluded(path, false) ||
        isIgnoredByGitignore(rules, path, false)
      )
        continue;
      const file = await fileOf(entry, join(absoluteDir, entry.name), path);
      if (file === undefined) continue;
      if ((looksSecret(path) || looksSecret(file)) && !isIncluded(path, false)) listing.secrets.push(path);
      else listing.files.push(path);
    }
  }

  await walk('', await rulesAbove(realRoot));
  listing.files.sort();
  listing.secrets.sort();
  return listing;
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
