export { type Resources } from './resources';
export { sweepConfigSchema, type SweepConfig, type Matrix, type Scalar } from './sweep-config';
export { CLUSTER_NAME, LOCAL_CLUSTER, type ClusterProfile, type PluginOptions } from './cluster-profile';
export { LOCAL_REMOTE_ROOT, WORKSPACE_STATE_DIR } from './workspace-state';
export { ConfigError } from './config-error';
export { parseSweepConfig, parsePluginOptions, parseSweepConfigText } from './parse';
export { resolveCluster, type ResolvedCluster } from './resolve-cluster';
export { sweepJsonSchema, arrayExecutorJsonSchema, sweepReferenceMarkdown } from './json-schema';
export { parseRemoteRoot, type RemoteRoot } from './remote-root';
