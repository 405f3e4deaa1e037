export { splitShellWords } from './shell-words';
export { quoteWord, shellQuote } from './shell-quote';
export { argumentVectors } from './argument-vectors';
export { fingerprint } from './fingerprint';
export { compressIndices, parseIndexList, chunkForArraySize, type ArrayChunk } from './indices';
export { formatArgv } from './format-argv';
export { blockIndices, blockSize, DEFAULT_INDEX_TASKS, indexBlocks, type IndexBlock } from './index-blocks';
