import { formatFiles, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { WORKSPACE_STATE_DIR } from '../../../config';
import { PLUGIN_NAME, pluginEntryIndex } from '../../plugin-entry';

export interface InitGeneratorSchema {
  skipFormat?: boolean;
}

const IGNORED = `${WORKSPACE_STATE_DIR}/`;

export function isPluginRegistered(tree: Tree): boolean {
  return pluginEntryIndex(readNxJson(tree)) >= 0;
}

/** Registers the plugin in nx.json and ignores the local cluster's folder; a second run changes nothing. */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<void> {
  const nxJson = readNxJson(tree) ?? {};
  if (!isPluginRegistered(tree)) {
    nxJson.plugins = [...(nxJson.plugins ?? []), { plugin: PLUGIN_NAME, options: { clusters: {} } }];
    updateNxJson(tree, nxJson);
  }
  const gitignore = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf8') ?? '') : '';
  if (!gitignore.split(/\r?\n/).some((line) => line.trim() === IGNORED || line.trim() === WORKSPACE_STATE_DIR)) {
    tree.write('.gitignore', `${gitignore}${gitignore && !gitignore.endsWith('\n') ? '\n' : ''}${IGNORED}\n`);
  }
  if (!options.skipFormat) await formatFiles(tree);
}

export default initGenerator;
