import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { PLUGIN_NAME, pluginEntryIndex, rawPluginOptions } from '../../plugin-entry';

/** The options object of the nx-slurm entry in nx.json, as written (not validated); {} when it has none. */
export function readPluginOptions(tree: Tree): Record<string, unknown> {
  return rawPluginOptions(readNxJson(tree));
}

/**
 * Replaces the options of the nx-slurm entry with `update(current)`. The entry must exist (run
 * init first); a bare "nx-slurm" string entry becomes an object entry in the same place.
 */
export function updatePluginOptions(
  tree: Tree,
  update: (options: Record<string, unknown>) => Record<string, unknown>,
): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const index = pluginEntryIndex(nxJson);
  if (index < 0) throw new Error(`${PLUGIN_NAME} is not registered in nx.json: run nx g ${PLUGIN_NAME}:init first.`);
  const entry = plugins[index];
  plugins[index] = {
    ...(typeof entry === 'object' ? entry : { plugin: PLUGIN_NAME }),
    options: update(rawPluginOptions(nxJson)),
  };
  nxJson.plugins = plugins;
  updateNxJson(tree, nxJson);
}
