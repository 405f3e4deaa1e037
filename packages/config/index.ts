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
  type ClusterProfile,
  type PluginOptions,
} from './cluster-profile';
export { ConfigError, type ConfigIssue, type ConfigErrorDetails } from './config-error';
export { parseSweepConfig, parseArrayExecutorOptions, parsePluginOptions, parseSweepConfigText } from './parse';
export { resolveCluster, type ResolvedCluster, type ClusterChoice } from './resolve-cluster';
export { sweepJsonSchema, arrayExecutorJsonSchema, sweepReferenceMarkdown } from './json-schema';
