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
import { ConfigError, parsePluginOptions, parseSweepConfigText, type PluginOptions } from '../config';
import { resolveLibraries, resolveSweep, type ResolvedSweep } from '../sweep';
import { duplicateJobNames } from './duplicate-job-names';
import { refusedSweepTargets, SWEEP_CONFIG_FILE, sweepTargets, targetGroups } from './targets';
import { projectNameAt, workspaceView } from './workspace';

const SWEEP_GLOB = `**/${SWEEP_CONFIG_FILE}`;

/** One slurm.json as createNodes reads it: its sweep, or why it is refused. */
interface SweepOfFile {
  file: string;
  projectRoot: string;
  projectName: string;
  ownsProjectFile: boolean;
  libraries: readonly string[];
  sweep?: ResolvedSweep;
  /** The configuration error that refuses it: only its own project breaks. */
  refused?: string;
}

function readSweep(file: string, options: PluginOptions | undefined, context: CreateNodesContextV2): SweepOfFile {
  const projectRoot = dirname(file);
  const root = projectRoot === '.' ? '' : projectRoot;
  const ownsProjectFile = ['project.json', 'package.json'].some((f) =>
    existsSync(join(context.workspaceRoot, projectRoot, f)),
  );
  const projectName =
    projectNameAt(context.workspaceRoot, projectRoot) ?? basename(root ? projectRoot : context.workspaceRoot);
  const read: SweepOfFile = { file, projectRoot, projectName, ownsProjectFile, libraries: [] };
  try {
    parsePluginOptions(options ?? {});
    const config = parseSweepConfigText(readFileSync(join(context.workspaceRoot, file), 'utf8'), file);
    return { ...read, sweep: resolveSweep({ config, file, projectName }), libraries: config.libraries ?? [] };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ...read, refused: error.message };
  }
}

function nodesOf(read: SweepOfFile, duplicate: string | undefined) {
  const { projectRoot, sweep, ownsProjectFile } = read;
  const refused = read.refused ?? duplicate;
  // a project that has no project.json or package.json is named by its slurm.json
  const name = ownsProjectFile ? {} : { name: sweep?.jobName ?? read.projectName };
  return {
    projects: {
      [projectRoot]:
        refused !== undefined || !sweep
          ? { ...name, targets: refusedSweepTargets(refused ?? '') }
          : {
              ...name,
              targets: sweepTargets({
                projectRoot: projectRoot === '.' ? '' : projectRoot,
                sweep,
                libraries: read.libraries,
              }),
              metadata: { targetGroups: targetGroups(sweep.vectors) },
            },
    },
  };
}

export const createNodesV2: CreateNodesV2<PluginOptions> = [
  SWEEP_GLOB,
  (configFiles, options, context) => {
    // every file first: a jobName is refused when another project of the workspace has it too
    const reads = new Map<string, { read: SweepOfFile } | { error: unknown }>();
    for (const file of configFiles) {
      try {
        reads.set(file, { read: readSweep(file, options, context) });
      } catch (error) {
        reads.set(file, { error });
      }
    }
    const duplicates = duplicateJobNames([...reads.values()].flatMap((r) => ('read' in r ? [r.read] : [])));
    return createNodesFromFiles(
      (file) => {
        const read = reads.get(file)!;
        if ('error' in read) throw read.error;
        return nodesOf(read.read, duplicates.get(file));
      },
      configFiles,
      options,
      context,
    );
  },
];
/** Nx 24 reads `createNodes`, Nx 22 `createNodesV2`: the same tuple under both names. */
export const createNodes = createNodesV2;

/**
 * Experiment -> library edges, to the project each `libraries` entry ships (resolveLibraries:
 * the project rooted at a folder entry, or the project named), so `nx affected` reaches every
 * experiment a library edit changes. A sweep whose configuration is refused draws none: its
 * targets fail with the reason (createNodes), and the rest of the graph stands.
 */
export const createDependencies: CreateDependencies<PluginOptions> = (_options, context) => {
  const workspace = workspaceView(context.workspaceRoot, context.projects);
  const dependencies: RawProjectGraphDependency[] = [];
  for (const [source, project] of Object.entries(context.projects)) {
    const configFile = join(project.root, SWEEP_CONFIG_FILE);
    if (!existsSync(join(context.workspaceRoot, configFile))) continue;
    try {
      const config = parseSweepConfigText(readFileSync(join(context.workspaceRoot, configFile), 'utf8'), configFile);
      for (const library of resolveLibraries({ config, file: configFile, projectName: source }, workspace)) {
        if (!library.project || library.project === source) continue;
        dependencies.push({ source, target: library.project, sourceFile: configFile, type: DependencyType.static });
      }
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
    }
  }
  return dependencies;
};

export const name = 'nx-slurm';
