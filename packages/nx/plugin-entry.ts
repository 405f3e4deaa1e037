import type { NxJsonConfiguration } from '@nx/devkit';

export const PLUGIN_NAME = 'nx-slurm';

type PluginEntry = NonNullable<NxJsonConfiguration['plugins']>[number];

/** Where nx-slurm is registered in nx.json `plugins` (the entry `nx g nx-slurm:init` writes), or -1. */
export function pluginEntryIndex(nxJson: NxJsonConfiguration | null | undefined): number {
  return (nxJson?.plugins ?? []).findIndex(
    (entry: PluginEntry) => (typeof entry === 'string' ? entry : entry.plugin) === PLUGIN_NAME,
  );
}

/** The options of that entry as written (not validated); {} when there are none. */
export function rawPluginOptions(nxJson: NxJsonConfiguration | null | undefined): Record<string, unknown> {
  const entry = nxJson?.plugins?.[pluginEntryIndex(nxJson)];
  const options = typeof entry === 'object' ? entry.options : undefined;
  return typeof options === 'object' && options !== null && !Array.isArray(options)
    ? (options as Record<string, unknown>)
    : {};
}
