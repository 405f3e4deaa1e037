export { splitShellWords } from './shell-words';
export { quoteWord, shellQuote } from './shell-quote';
export { fingerprint } from './fingerprint';
export { compressIndices, parseIndexList, chunkForArraySize, type ArrayChunk } from './indices';
export { formatArgv } from './format-argv';
export { resolveSweep, type ResolvedSweep, type SweepSource } from './resolve-sweep';
export { libraryFolder, resolveLibraries, type ResolvedLibrary, type WorkspaceView } from './resolve-libraries';
