import { globToRegExpSource } from './glob';

/** One line of a .gitignore, compiled. */
export interface IgnoreRule {
  /** Folder of the .gitignore, relative to the bundle root ('' for the root or above it). */
  base: string;
  /** For a .gitignore above the bundle root: the root's path from that folder, with a final `/`. */
  rootPrefix: string;
  regExp: RegExp;
  negated: boolean;
  directoryOnly: boolean;
}

/**
 * The common .gitignore subset: comments, blank lines, `!` negation, `\#` and `\!` escapes,
 * trailing spaces, leading or middle `/` anchoring to the file's folder, trailing `/` for folders
 * only, and globs. A pattern without such a `/` matches at any depth below the folder.
 */
export function parseGitignore(text: string, base: string, rootPrefix = ''): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    // Trailing spaces do not count unless escaped.
    let line = rawLine.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (negated) line = line.slice(1);
    const directoryOnly = line.endsWith('/');
    if (directoryOnly) line = line.replace(/\/+$/, '');
    if (line === '') continue;
    const anchored = line.includes('/');
    const pattern = line.replace(/^\//, '');
    const source = globToRegExpSource(pattern);
    rules.push({
      base,
      rootPrefix,
      regExp: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${source}$`),
      negated,
      directoryOnly,
    });
  }
  return rules;
}

/** Whether the rules ignore this path (relative to the bundle root): the last matching rule decides. */
export function isIgnoredByGitignore(rules: readonly IgnoreRule[], path: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.directoryOnly && !isDirectory) continue;
    const relative =
      rule.base === '' ? path : path.startsWith(`${rule.base}/`) ? path.slice(rule.base.length + 1) : undefined;
    if (relative !== undefined && rule.regExp.test(rule.rootPrefix + relative)) ignored = !rule.negated;
  }
  return ignored;
}

/**
 * `exclude` globs from slurm.json, relative to the project root: a pattern without `/` matches at
 * any depth (`*.ckpt`), one with a `/` from the root (`data/**`, `/notes`); a trailing `/` is
 * ignored. A folder that matches, or whose content `data/**` or `data/*` matches, is not entered.
 */
export function compileExcludes(patterns: readonly string[]): (path: string, isDirectory: boolean) => boolean {
  const regExps = patterns.map((pattern) => {
    const withoutSlashes = pattern.replace(/\/+$/, '');
    // As in .gitignore, a leading `/` (or `./`) anchors the pattern to the root.
    const anchored = /^\.?\//.test(withoutSlashes) || withoutSlashes.includes('/');
    const source = globToRegExpSource(withoutSlashes.replace(/^\.?\//, ''));
    return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${source}$`);
  });
  // A folder is tested with a trailing `/` too, so `data/**` (anything inside) skips `data`.
  return (path, isDirectory) => regExps.some((regExp) => regExp.test(path) || (isDirectory && regExp.test(`${path}/`)));
}
