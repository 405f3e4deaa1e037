import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import {
  createNodesFromFiles,
  DependencyType,
  type CreateDependencies,
  type CreateNodesContextV2,
  type CreateNodesV2,
  type RawProjectGraphDependency,
} from '@nx/devkit';
import { parsePluginOptions, parseSweepConfigText, type PluginOptions } from '../config';
import { argumentVectors } from '../sweep';
import { SWEEP_CONFIG_FILE, sweepTargets, targetGroups } from './targets';
import { isLibraryFolder, projectNameAt, sweepOrThrow } from './workspace';

const SWEEP_GLOB = `**/${SWEEP_CONFIG_FILE}`;

function createNodesForSweep(configFile: string, options: PluginOptions | undefined, context: CreateNodesContextV2) {
  parsePluginOptions(options ?? {});
  const projectRoot = dirname(configFile);
  const root = projectRoot === '.' ? '' : projectRoot;
  const config = parseSweepConfigText(readFileSync(join(context.workspaceRoot, configFile), 'utf8'), configFile);
  const name = projectNameAt(context.workspaceRoot, projectRoot);
  const vectors = sweepOrThrow(argumentVectors(config), configFile);
  const libraryFolders = (config.libraries ?? []).filter((library) => isLibraryFolder(context.workspaceRoot, library));
  const jobName = config.jobName ?? name ?? basename(root ? projectRoot : context.workspaceRoot);
  const ownsProjectFile = ['project.json', 'package.json'].some((f) =>
    existsSync(join(context.workspaceRoot, projectRoot, f)),
  );
  return {
    projects: {
      [projectRoot]: {
        ...(ownsProjectFile ? {} : { name: jobName }),
        targets: sweepTargets({ projectRoot: root, jobName, config, vectors, libraryFolders }),
        metadata: { targetGroups: targetGroups(vectors.length, config.indexTasks) },
      },
    },
  };
}

export const createNodesV2: CreateNodesV2<PluginOptions> = [
  SWEEP_GLOB,
  (configFiles, options, context) =>
    createNodesFromFiles((file, opts, ctx) => createNodesForSweep(file, opts, ctx), configFiles, options, context),
];
/** Nx 24 reads `createNodes`, Nx 22 `createNodesV2`: the same tuple under both names. */
export const createNodes = createNodesV2;

/**
 * Experiment -> library edges for libraries named by Nx project or by a folder that is a
 * project root, so `nx affected` reaches every experiment a library edit changes.
 */
export const createDependencies: CreateDependencies<PluginOptions> = (_options, context) => {
  const projectByRoot = new Map(Object.entries(context.projects).map(([name, p]) => [p.root, name]));
  const dependencies: RawProjectGraphDependency[] = [];
  for (const [source, project] of Object.entries(context.projects)) {
    const configFile = join(project.root, SWEEP_CONFIG_FILE);
    if (!existsSync(join(context.workspaceRoot, configFile))) continue;
    const config = parseSweepConfigText(readFileSync(join(context.workspaceRoot, configFile), 'utf8'), configFile);
    for (const library of config.libraries ?? []) {
      const target = context.projects[library]
        ? library
        : projectByRoot.get(posix.normalize(library).replace(/\/+$/, ''));
      if (!target || target === source) continue;
      dependencies.push({ source, target, sourceFile: configFile, type: DependencyType.static });
    }
  }
  return dependencies;
};

export const name = 'nx-slurm';
