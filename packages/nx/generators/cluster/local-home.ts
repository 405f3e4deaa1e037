/**
 * A warning when `--remote-root` looks like a folder of this machine: a shell expands an
 * unquoted `~/nx-slurm` to the local home before the generator sees it, and the cluster's home
 * is usually elsewhere. Undefined when the root looks meant for the cluster.
 */
export function localHomeWarning(remoteRoot: string | undefined, localHome: string): string | undefined {
  if (remoteRoot === undefined) return undefined;
  const home = localHome.replace(/\/+$/, '');
  const underHome = home !== '' && (remoteRoot === home || remoteRoot.startsWith(`${home}/`));
  // macOS and Windows homes never exist on a Linux cluster
  const foreign = /^\/Users\//.test(remoteRoot) || /^[A-Za-z]:[\\/]/.test(remoteRoot);
  if (!underHome && !foreign) return undefined;
  const meant = underHome ? `~${remoteRoot.slice(home.length)}` : '~/nx-slurm';
  return (
    `warning: --remote-root ${remoteRoot} looks like a folder of this machine${underHome ? ` (your home ${home}, which the shell put in place of ~)` : ''}; ` +
    `the cluster's home is usually elsewhere. For a folder under the cluster's home, quote it: --remote-root '${meant}'.`
  );
}
