/**
 * The forms a profile's `remoteRoot` may take, read without touching the cluster: which home
 * folder it starts from, if any. The cluster resolves the home folder once per connection.
 */
export type RemoteRoot =
  | { from: 'absolute'; path: string }
  /** `~`, `~/x`, `$HOME/x` or `${HOME}/x`: from the connecting user's home folder. */
  | { from: 'home'; path: string }
  /** `x/y`: from the home folder over SSH, from the workspace root with transport "local". */
  | { from: 'relative'; path: string }
  /** `~alice/x`: from another user's home folder. */
  | { from: 'user-home'; user: string; path: string };

/** User names as `~user` may spell them (POSIX portable names, as useradd accepts). */
const USER_NAME = /^[A-Za-z_][A-Za-z0-9._-]*\$?$/;

/**
 * Why `root` cannot work as a remoteRoot, as the "expected ..." phrase of a ConfigError, or
 * undefined when it can. A `:` would split PYTHONPATH, which holds the bundles' folders.
 */
export function remoteRootProblem(root: string): string | undefined {
  if (root.includes(':')) return 'a path without ":" (the bundles under it go on PYTHONPATH, which ":" separates)';
  if ([...root].some((char) => char < ' ' || char === '\x7f'))
    return 'a path without control characters (newlines, tabs)';
  const variable = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(root);
  if (variable && !/^\$(HOME|\{HOME\})(\/|$)/.test(root))
    return 'a path whose only variable is a leading $HOME (nothing else is expanded)';
  const user = /^~([^/]+)/.exec(root)?.[1];
  if (user !== undefined && !USER_NAME.test(user)) return 'a path starting with ~, ~/ or ~user/ (a valid user name)';
  return undefined;
}

/** Reads a remoteRoot that `remoteRootProblem` accepted. */
export function parseRemoteRoot(root: string): RemoteRoot {
  const rest = (path: string) => path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (root === '~' || root.startsWith('~/')) return { from: 'home', path: rest(root.slice(1)) };
  const home = /^\$(?:HOME|\{HOME\})(\/.*)?$/.exec(root);
  if (home) return { from: 'home', path: rest(home[1] ?? '') };
  const user = /^~([^/]+)(\/.*)?$/.exec(root);
  if (user) return { from: 'user-home', user: user[1], path: rest(user[2] ?? '') };
  if (root.startsWith('/')) return { from: 'absolute', path: root.replace(/(.)\/+$/, '$1') };
  return { from: 'relative', path: rest(root.replace(/^(\.\/)+/, '')) };
}
