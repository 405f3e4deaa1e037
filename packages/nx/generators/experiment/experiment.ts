import { join } from 'node:path';
import {
  addProjectConfiguration,
  formatFiles,
  generateFiles,
  getProjects,
  logger,
  normalizePath,
  offsetFromRoot,
  writeJson,
  type GeneratorCallback,
  type Tree,
} from '@nx/devkit';
import { parsePluginOptions, resolveCluster, type SweepConfig } from '../../../config';
import { SWEEP_CONFIG_FILE, TARGETS } from '../../targets';
import { readPluginOptions } from '../cluster/plugin-options';
import { initGenerator } from '../init/init';

export interface ExperimentGeneratorSchema {
  name: string;
  /** Project root, relative to the workspace root. Default: `experiments/<name>`. */
  directory?: string;
  cluster?: string;
  skipFormat?: boolean;
}

/** Also the Slurm job name (slurm.json's jobName defaults to the project name). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The sweep a new experiment starts with: 3 x 2 = 6 array indices, small enough for `local`. */
function starterSweep(projectRoot: string, cluster?: string): Omit<SweepConfig, 'retries'> {
  return {
    $schema: `${offsetFromRoot(projectRoot)}node_modules/nx-slurm/slurm.schema.json`,
    ...(cluster && { cluster }),
    command: 'python3 train.py',
    matrix: { learning_rate: [0.001, 0.01, 0.1], batch_size: [32, 64] },
    maxConcurrent: 3,
    resources: { time: '00:10:00', cpusPerTask: 1, mem: '500M' },
  };
}

/**
 * A runnable Python experiment: project.json (its targets are inferred from slurm.json),
 * slurm.json with a small matrix, train.py and a README.
 */
export async function experimentGenerator(tree: Tree, options: ExperimentGeneratorSchema): Promise<GeneratorCallback> {
  const name = checkName(options.name);
  const projectRoot = projectRootOf(options.directory, name);
  if (getProjects(tree).has(name)) {
    throw new Error(
      `A project named "${name}" already exists (at ${getProjects(tree).get(name)!.root}): pick another name.`,
    );
  }
  for (const file of ['project.json', SWEEP_CONFIG_FILE]) {
    if (tree.exists(join(projectRoot, file))) {
      throw new Error(`${projectRoot}/${file} already exists: choose another --directory for "${name}".`);
    }
  }
  // idempotent: registers the plugin if needed, and keeps .gitignore's lines (.env) in place
  await initGenerator(tree, { skipFormat: true });
  if (options.cluster) checkCluster(tree, options.cluster);

  addProjectConfiguration(tree, name, { root: projectRoot, projectType: 'application', tags: ['experiment'] });
  writeJson(tree, join(projectRoot, SWEEP_CONFIG_FILE), starterSweep(projectRoot, options.cluster));
  // the templates sit beside this file: copied next to the compiled generator by npm run build (scripts/copy-assets.ts)
  generateFiles(tree, join(__dirname, 'files'), projectRoot, {
    tmpl: '',
    name,
    projectRoot,
    cluster: options.cluster ?? '',
    targets: TARGETS,
  });
  if (!options.skipFormat) await formatFiles(tree);

  return () => logger.info(`Run the sweep: nx run ${name}:${TARGETS.array}   (see ${projectRoot}/README.md)`);
}

export default experimentGenerator;

function checkName(raw: string | undefined): string {
  const name = raw?.trim() ?? '';
  if (!name) throw new Error('An experiment name is required: nx g nx-slurm:experiment <name>');
  if (!NAME.test(name)) {
    throw new Error(
      `Invalid experiment name "${name}": use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit ` +
        '(it is the Nx project name and the Slurm job name).',
    );
  }
  return name;
}

/** `--directory` is the project root, relative to the workspace root, as in Nx 20+; default `experiments/<name>`. */
function projectRootOf(directory: string | undefined, name: string): string {
  const root = normalizePath(directory?.trim() || `experiments/${name}`)
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  if (!root || root === '.' || root.startsWith('/') || root.split('/').includes('..')) {
    throw new Error(
      `Invalid --directory "${directory}": give a folder inside the workspace, relative to its root (e.g. experiments/${name}).`,
    );
  }
  return root;
}

/** A cluster the sweep names must exist; the same check, and message, as when the sweep runs. */
function checkCluster(tree: Tree, cluster: string): void {
  resolveCluster({ flag: cluster }, parsePluginOptions(readPluginOptions(tree)), 'nx.json');
}
