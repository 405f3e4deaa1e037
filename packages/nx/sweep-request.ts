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
import { SWEEP_CONFIG_FILE } from './targets';
import { workspaceView } from './workspace';

/** Runtime flags every sweep executor accepts besides the sweep itself. */
export interface RunFlags {
  [option: string]: unknown;
  cluster?: string;
  force?: boolean;
  dryRun?: boolean;
  index?: number | string;
}

const RUN_FLAGS = ['force', 'dryRun', 'index', 'stderr', 'follow'];

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
): { config: SweepConfig; file: string } {
  if (typeof options.command === 'string') {
    // Nx adds `__overrides_unparsed__` (the raw command line) to every executor's options
    const inline = Object.fromEntries(
      Object.entries(options).filter(([key]) => !RUN_FLAGS.includes(key) && !key.startsWith('__')),
    );
    return {
      config: parseSweepConfig(inline, `${join(projectRoot, 'project.json')} (executor options)`),
      file: join(projectRoot, 'project.json'),
    };
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

/** The project's sweep resolved for the chosen cluster, with the runtime flags, for the launcher. */
export function sweepRequestOf(context: ExecutorContext, projectName: string, options: RunFlags): SweepRequest {
  const projects = context.projectsConfigurations?.projects ?? {};
  const projectRoot = projects[projectName]?.root ?? '';
  const { config, file } = sweepConfigOf(context.root, projectRoot, options);
  const cluster = resolveCluster(
    { flag: options.cluster, env: process.env.NX_SLURM_CLUSTER || undefined, config: config.cluster },
    pluginOptionsOf(context.nxJsonConfiguration),
    file,
  );
  const source = { config, file, projectName };
  const sweep = resolveSweep(source, cluster);
  const libraries = resolveLibraries(source, workspaceView(context.root, projects));
  const index = options.index === undefined ? undefined : Number(options.index);
  if (index !== undefined && !(Number.isInteger(index) && index >= 0 && index < sweep.vectors.length)) {
    throw new ConfigError({
      file,
      path: 'index',
      expected: `an index from 0 to ${sweep.vectors.length - 1}`,
      found: String(options.index),
    });
  }
  return {
    ...sweep,
    workspaceRoot: context.root,
    projectRoot,
    libraries,
    cluster,
    indices: index === undefined ? undefined : [index],
    force: options.force,
  };
}
