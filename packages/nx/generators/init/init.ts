import { formatFiles, readNxJson, updateNxJson, writeJson, type Tree } from '@nx/devkit';
import { WORKSPACE_STATE_DIR } from '../../../config';
import { PLUGIN_NAME, pluginEntryIndex } from '../../plugin-entry';

export interface InitGeneratorSchema {
  skipFormat?: boolean;
}

/** Lines the workspace's .gitignore gets: the ledger and local cluster, and a dotenv file of secrets. */
const IGNORED = [`${WORKSPACE_STATE_DIR}/`, '.env'];

/**
 * Registers the plugin in nx.json (creating nx.json in a workspace without one, where Nx would
 * otherwise never load the plugin) and ignores nx-slurm's state folder and `.env`; a second
 * run changes nothing.
 */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<void> {
  if (!tree.exists('nx.json')) writeJson(tree, 'nx.json', {});
  const nxJson = readNxJson(tree) ?? {};
  if (pluginEntryIndex(nxJson) < 0) {
    nxJson.plugins = [...(nxJson.plugins ?? []), { plugin: PLUGIN_NAME, options: { clusters: {} } }];
    updateNxJson(tree, nxJson);
  }
  const gitignore = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf8') ?? '') : '';
  const present = new Set(gitignore.split(/\r?\n/).map((line) => line.trim().replace(/\/$/, '')));
  const missing = IGNORED.filter((line) => !present.has(line.replace(/\/$/, '')));
  if (missing.length > 0) {
    tree.write(
      '.gitignore',
      `${gitignore}${gitignore && !gitignore.endsWith('\n') ? '\n' : ''}${missing.join('\n')}\n`,
    );
  }
  if (!options.skipFormat) await formatFiles(tree);
}

export default initGenerator;
