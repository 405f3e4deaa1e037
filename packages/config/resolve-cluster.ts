import { closestName } from './closest-name';
import { ConfigError } from './config-error';
import { LOCAL_CLUSTER, type ClusterProfile, type PluginOptions } from './cluster-profile';
import { LOCAL_REMOTE_ROOT } from './workspace-state';

export type ResolvedCluster =
  | { name: typeof LOCAL_CLUSTER; scheduler: 'local'; transport: 'local'; profile: ClusterProfile }
  | { name: string; scheduler: 'slurm' | 'local'; transport: 'ssh' | 'local'; profile: ClusterProfile };

/** Where a cluster name may come from, strongest first. */
export interface ClusterChoice {
  /** `--cluster` on the command line. */
  flag?: string;
  /** `NX_SLURM_CLUSTER`. */
  env?: string;
  /** `cluster` in slurm.json. */
  config?: string;
}

const BUILT_IN_LOCAL: ResolvedCluster = {
  name: LOCAL_CLUSTER,
  scheduler: 'local',
  transport: 'local',
  profile: { remoteRoot: LOCAL_REMOTE_ROOT, transport: 'local', scheduler: 'local' },
};

/**
 * Picks the cluster for one run: --cluster, then NX_SLURM_CLUSTER, then slurm.json's `cluster`
 * (read from `file`), then the plugin's defaultCluster, then the built-in `local`.
 */
export function resolveCluster(choice: ClusterChoice, options: PluginOptions, file: string): ResolvedCluster {
  const candidates = [
    { name: choice.flag, file: 'command line', path: '--cluster' },
    { name: choice.env, file: 'environment', path: 'NX_SLURM_CLUSTER' },
    { name: choice.config, file, path: 'cluster' },
    { name: options.defaultCluster, file: 'nx.json', path: 'defaultCluster' },
  ];
  // An empty value (`NX_SLURM_CLUSTER=`) means "not set", as it does for most shell variables.
  const chosen = candidates.find((candidate) => candidate.name);
  if (!chosen?.name || chosen.name === LOCAL_CLUSTER) return BUILT_IN_LOCAL;
  const profile = options.clusters?.[chosen.name];
  if (!profile) throw unknownCluster(chosen.name, Object.keys(options.clusters ?? {}), chosen.file, chosen.path);
  return {
    name: chosen.name,
    scheduler: profile.scheduler ?? 'slurm',
    transport: profile.transport ?? 'ssh',
    profile,
  };
}

function unknownCluster(name: string, configured: string[], file: string, path: string): ConfigError {
  const known = [LOCAL_CLUSTER, ...configured];
  const suggestion = closestName(name, known);
  const hint = suggestion
    ? `did you mean "${suggestion}"?`
    : `add it with: nx g nx-slurm:cluster ${name} --host <login-node>`;
  return new ConfigError({
    file,
    path,
    expected: `a known cluster (${known.join(', ')})`,
    found: JSON.stringify(name),
    hint,
  });
}
