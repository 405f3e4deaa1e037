import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  createNodesFromFiles,
  DependencyType,
  type CreateDependencies,
  type CreateNodesContextV2,
  type CreateNodesV2,
  type RawProjectGraphDependency,
} from '@nx/devkit';
import { parsePluginOptions, parseSweepConfigText, type PluginOptions } from '../config';
import { resolveLibraries, resolveSweep } from '../sweep';
import { SWEEP_CONFIG_FILE, sweepTargets, targetGroups } from './targets';
import { projectNameAt, workspaceView } from './workspace';

const SWEEP_GLOB = `**/${SWEEP_CONFIG_FILE}`;

function createNodesForSweep(configFile: string, options: PluginOptions | undefined, context: CreateNodesContextV2) {
  parsePluginOptions(options ?? {});
  const projectRoot = dirname(configFile);
  const root = projectRoot === '.' ? '' : projectRoot;
  const config = parseSweepConfigText(readFileSync(join(context.workspaceRoot, configFile), 'utf8'), configFile);
  const projectName =
    projectNameAt(context.workspaceRoot, projectRoot) ?? basename(root ? projectRoot : context.workspaceRoot);
  const sweep = resolveSweep({ config, file: configFile, projectName });
  const ownsProjectFile = ['project.json', 'package.json'].some((f) =>
    existsSync(join(context.workspaceRoot, projectRoot, f)),
  );
  return {
    projects: {
      [projectRoot]: {
        ...(ownsProjectFile ? {} : { name: sweep.jobName }),
        targets: sweepTargets({ projectRoot: root, sweep, libraries: config.libraries ?? [] }),
        metadata: { targetGroups: targetGroups(sweep.vectors) },
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
 * Experiment -> library edges, to the project each `libraries` entry ships (resolveLibraries:
 * the project rooted at a folder entry, or the project named), so `nx affected` reaches every
 * experiment a library edit changes.
 */
export const createDependencies: CreateDependencies<PluginOptions> = (_options, context) => {
  const workspace = workspaceView(context.workspaceRoot, context.projects);
  const dependencies: RawProjectGraphDependency[] = [];
  for (const [source, project] of Object.entries(context.projects)) {
    const configFile = join(project.root, SWEEP_CONFIG_FILE);
    if (!existsSync(join(context.workspaceRoot, configFile))) continue;
    const config = parseSweepConfigText(readFileSync(join(context.workspaceRoot, configFile), 'utf8'), configFile);
    for (const library of resolveLibraries({ config, file: configFile, projectName: source }, workspace)) {
      if (!library.project || library.project === source) continue;
      dependencies.push({ source, target: library.project, sourceFile: configFile, type: DependencyType.static });
    }
  }
  return dependencies;
};

export const name = 'nx-slurm';
