import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorContext, NxJsonConfiguration } from '@nx/devkit';
import {
  ConfigError,
  parsePluginOptions,
  parseSweepConfig,
  parseSweepConfigText,
  resolveCluster,
  type PluginOptions,
  type SweepConfig,
} from '../config';
import type { SweepRequest } from '../launch';
import { resolveLibraries, resolveSweep } from '../sweep';
import { rawPluginOptions } from './plugin-entry';
import { indicesOfFlag } from './index-flag';
import { REFUSED_OPTION, SWEEP_CONFIG_FILE } from './targets';
import { workspaceView } from './workspace';

/** Runtime flags every sweep executor accepts besides the sweep itself. */
export interface RunFlags {
  [option: string]: unknown;
  cluster?: string;
  force?: boolean;
  dryRun?: boolean;
  index?: number | string;
}

const RUN_FLAGS = ['force', 'dryRun', 'index', 'stderr', 'follow', REFUSED_OPTION];

/** nx-slurm's entry in nx.json `plugins` (the one `nx g nx-slurm:init` writes). */
export function pluginOptionsOf(nxJson: NxJsonConfiguration | undefined): PluginOptions {
  return parsePluginOptions(rawPluginOptions(nxJson), 'nx.json');
}

/**
 * The sweep of a project: inline executor options when they hold a `command`, else the
 * project's slurm.json. Everything is validated here, before any connection.
 */
export function sweepConfigOf(
  workspaceRoot: string,
  projectRoot: string,
  options: Record<string, unknown>,
  target: string | undefined,
): { config: SweepConfig; file: string } {
  if (typeof options.command === 'string') {
    // Nx adds `__overrides_unparsed__` (the raw command line) to every executor's options
    const inline = Object.fromEntries(
      Object.entries(options).filter(([key]) => !RUN_FLAGS.includes(key) && !key.startsWith('__')),
    );
    const file = `${join(projectRoot, 'project.json')}${target ? ` (target ${target})` : ''}`;
    return { config: parseSweepConfig(inline, file), file };
  }
  const file = join(projectRoot, SWEEP_CONFIG_FILE);
  const path = join(workspaceRoot, file);
  if (!existsSync(path)) {
    throw new ConfigError({
      file,
      path: '',
      expected: `a ${SWEEP_CONFIG_FILE} or a "command" in the executor options`,
      found: 'neither',
    });
  }
  return { config: parseSweepConfigText(readFileSync(path, 'utf8'), file), file };
}

/**
 * The project's sweep resolved for the chosen cluster, with the runtime flags, for the launcher.
 * `target` names the target whose options may hold the sweep (in messages about them).
 */
export function sweepRequestOf(
  context: ExecutorContext,
  projectName: string,
  options: RunFlags,
  target = context.targetName,
): SweepRequest {
  // createNodes refused this project's sweep (plugin.ts) and said why
  const refused = options[REFUSED_OPTION];
  if (typeof refused === 'string') throw new Error(refused);
  const projects = context.projectsConfigurations?.projects ?? {};
  const projectRoot = projects[projectName]?.root ?? '';
  const { config, file } = sweepConfigOf(context.root, projectRoot, options, target);
  const cluster = resolveCluster(
    { flag: options.cluster, env: process.env.NX_SLURM_CLUSTER || undefined, config: config.cluster },
    pluginOptionsOf(context.nxJsonConfiguration),
    file,
  );
  const source = { config, file, projectName };
  const sweep = resolveSweep(source, cluster);
  const libraries = resolveLibraries(source, workspaceView(context.root, projects));
  const indices = indicesOfFlag(options.index, sweep.jobName, sweep.vectors.length);
  return {
    ...sweep,
    workspaceRoot: context.root,
    projectRoot,
    libraries,
    cluster,
    indices,
    force: options.force,
  };
}
