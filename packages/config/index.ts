export { resourcesSchema, type Resources } from './resources';
export {
  sweepConfigSchema,
  arrayExecutorOptionsSchema,
  type SweepConfig,
  type ArrayExecutorOptions,
  type Matrix,
  type Scalar,
} from './sweep-config';
export {
  clusterProfileSchema,
  pluginOptionsSchema,
  LOCAL_CLUSTER,
  DEFAULT_PATIENCE_SECONDS,
  DEFAULT_SERVER_ALIVE_SECONDS,
  SERVER_ALIVE_COUNT_MAX,
  type ClusterProfile,
  type PluginOptions,
} from './cluster-profile';
export { ConfigError, type ConfigIssue, type ConfigErrorDetails } from './config-error';
export { parseSweepConfig, parseArrayExecutorOptions, parsePluginOptions, parseSweepConfigText } from './parse';
export { resolveCluster, type ResolvedCluster, type ClusterChoice } from './resolve-cluster';
export { parseSshConfig, type SshHostConfig } from './ssh-config';
export { mergeConnection, type Connection, type LocalDefaults } from './connection';
export { sweepJsonSchema, arrayExecutorJsonSchema, sweepReferenceMarkdown } from './json-schema';
