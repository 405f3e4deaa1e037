import { formatFiles, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { CLUSTER_NAME, ConfigError, LOCAL_CLUSTER, parsePluginOptions, type ClusterProfile } from '../../../config';
import { checkClusterProfile, connectProfile, type ClusterCheckDeps } from '../../../launch';
import { homedir } from 'node:os';
import { initGenerator } from '../init/init';
import { localHomeWarning } from './local-home';
import { readPluginOptions, updatePluginOptions } from './plugin-options';

export interface ClusterGeneratorSchema {
  name: string;
  host?: string;
  user?: string;
  port?: number;
  identityFile?: string;
  knownHostsFile?: string;
  proxyJump?: string;
  remoteRoot?: string;
  partition?: string;
  account?: string;
  transport?: 'ssh' | 'local';
  acceptNewHostKey?: boolean;
  default?: boolean;
  check?: boolean;
  skipFormat?: boolean;
}

const defaultDeps: ClusterCheckDeps = { connect: connectProfile, log: (line) => logger.info(line) };

/** Generator flag of each profile field it sets, for validation messages. */
const FLAGS: Record<string, string> = {
  host: '--host',
  user: '--user',
  port: '--port',
  identityFile: '--identity-file',
  knownHostsFile: '--known-hosts-file',
  proxyJump: '--proxy-jump',
  remoteRoot: '--remote-root',
  partition: '--partition',
  account: '--account',
  transport: '--transport',
};

/**
 * Adds or updates `clusters.<name>` in the nx-slurm options of nx.json: given fields replace
 * the profile's, the others stay. With --check, connects after nx.json is written and throws
 * when the cluster cannot run sweeps (the profile stays written).
 */
export async function clusterGenerator(
  tree: Tree,
  options: ClusterGeneratorSchema,
  deps: ClusterCheckDeps = defaultDeps,
): Promise<GeneratorCallback | void> {
  const name = checkName(options.name);
  // idempotent: registers the plugin if needed, and keeps .gitignore's lines (.env) in place
  await initGenerator(tree, { skipFormat: true });

  const current = readPluginOptions(tree);
  const clusters = isObject(current.clusters) ? current.clusters : {};
  const profile = mergeProfile(isObject(clusters[name]) ? clusters[name] : {}, options);
  const next: Record<string, unknown> = { ...current, clusters: { ...clusters, [name]: profile } };
  if (options.default) next.defaultCluster = name;
  else if (options.default === false && next.defaultCluster === name) delete next.defaultCluster;

  const checked = validate(next, name);
  const warning = checked.transport === 'local' ? undefined : localHomeWarning(options.remoteRoot, homedir());
  if (warning) deps.log(warning);
  updatePluginOptions(tree, () => next);
  if (!options.skipFormat) await formatFiles(tree);

  if (!options.check) return;
  // Runs after Nx has written nx.json, so a failed check leaves the profile in place.
  return () => runCheck(name, checked, deps);
}

export default clusterGenerator;

function checkName(raw: string | undefined): string {
  const name = raw?.trim() ?? '';
  if (!name) throw new Error('A cluster name is required: nx g nx-slurm:cluster <name> --host <login-node>');
  if (name === LOCAL_CLUSTER) {
    throw new Error(
      `"${LOCAL_CLUSTER}" is built in (this machine, no Slurm) and cannot be redefined: pick another name, e.g. nx g nx-slurm:cluster hpc --host <login-node>`,
    );
  }
  if (!CLUSTER_NAME.test(name)) {
    throw new Error(
      `Invalid cluster name "${name}": use letters, digits, ".", "_" or "-" (it is used as --cluster ${name} and in slurm.json).`,
    );
  }
  return name;
}

/** The stored profile with the given options applied; empty strings (an empty prompt answer) mean "not given". */
function mergeProfile(existing: Record<string, unknown>, options: ClusterGeneratorSchema): Record<string, unknown> {
  const given = <T>(value: T | undefined): value is T => value !== undefined && value !== '';
  const profile: Record<string, unknown> = { ...existing };
  for (const key of [
    'host',
    'user',
    'port',
    'identityFile',
    'knownHostsFile',
    'proxyJump',
    'remoteRoot',
    'transport',
  ] as const) {
    const value = options[key];
    if (given(value)) profile[key] = typeof value === 'string' ? value.trim() : value;
  }
  if (options.acceptNewHostKey === true) profile.strictHostKeyChecking = 'accept-new';
  if (options.acceptNewHostKey === false) delete profile.strictHostKeyChecking;

  const resources: Record<string, unknown> = isObject(existing.resources) ? { ...existing.resources } : {};
  if (given(options.partition)) resources.partition = options.partition.trim();
  if (given(options.account)) resources.account = options.account.trim();
  if (Object.keys(resources).length > 0) profile.resources = resources;
  return profile;
}

/** Validates the plugin options as the plugin will read them; returns the parsed profile. */
function validate(options: Record<string, unknown>, name: string): ClusterProfile {
  try {
    return parsePluginOptions(options).clusters![name];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // formatPath writes `clusters.hpc.port`, or `clusters["my-hpc"].port` for names that are not identifiers
    const prefixes = [`clusters.${name}.`, `clusters[${JSON.stringify(name)}].`];
    const lines = error.issues.map((issue) => {
      const prefix = prefixes.find((candidate) => issue.path.startsWith(candidate));
      const field = prefix && /^(?:resources\.)?(\w+)/.exec(issue.path.slice(prefix.length))?.[1];
      const flag = field && FLAGS[field] ? ` (${FLAGS[field]})` : '';
      return `  nx.json: ${issue.path}${flag}: expected ${issue.expected}, found ${issue.found}${issue.hint ? `; ${issue.hint}` : ''}`;
    });
    throw new Error(`Cluster profile "${name}" is invalid; nx.json was not changed:\n${lines.join('\n')}`);
  }
}

async function runCheck(name: string, profile: ClusterProfile, deps: ClusterCheckDeps): Promise<void> {
  if (await checkClusterProfile(name, profile, deps)) return;
  throw new Error(
    `The check of cluster "${name}" failed. The profile is written in nx.json all the same: fix what is reported above, ` +
      `then check again with: nx g nx-slurm:cluster ${name} --check`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
