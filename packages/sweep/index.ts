export { fingerprint } from './fingerprint';
export { resolveSweep, type ResolvedSweep, type SweepSource } from './resolve-sweep';
export { libraryFolder, resolveLibraries, type ResolvedLibrary, type WorkspaceView } from './resolve-libraries';
