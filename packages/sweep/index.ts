export { fingerprint } from './fingerprint';
export { blockIndices, indexBlocks, type IndexBlock } from './index-blocks';
export { resolveSweep, type ResolvedSweep, type SweepSource } from './resolve-sweep';
export { libraryFolder, resolveLibraries, type ResolvedLibrary, type WorkspaceView } from './resolve-libraries';
