import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { PLUGIN_NAME } from '../init/init';

/** The options object of the nx-slurm entry in nx.json, as written (not validated); {} when it has none. */
export function readPluginOptions(tree: Tree): Record<string, unknown> {
  const entry = (readNxJson(tree)?.plugins ?? []).find((plugin) => pluginName(plugin) === PLUGIN_NAME);
  return typeof entry === 'object' && isObject(entry.options) ? entry.options : {};
}

/**
 * Replaces the options of the nx-slurm entry with `update(current)`. The entry must exist (run
 * init first); a bare "nx-slurm" string entry becomes an object entry in the same place.
 */
export function updatePluginOptions(tree: Tree, update: (options: Record<string, unknown>) => Record<string, unknown>): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const index = plugins.findIndex((plugin) => pluginName(plugin) === PLUGIN_NAME);
  if (index < 0) throw new Error(`${PLUGIN_NAME} is not registered in nx.json: run nx g ${PLUGIN_NAME}:init first.`);
  const entry = plugins[index];
  const current = typeof entry === 'object' && isObject(entry.options) ? entry.options : {};
  plugins[index] = { ...(typeof entry === 'object' ? entry : { plugin: PLUGIN_NAME }), options: update(current) };
  nxJson.plugins = plugins;
  updateNxJson(tree, nxJson);
}

function pluginName(plugin: string | { plugin: string }): string {
  return typeof plugin === 'string' ? plugin : plugin.plugin;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
