export { argumentVectors } from './argument-vectors';
export { fingerprint } from './fingerprint';
export { blockIndices, indexBlocks, type IndexBlock } from './index-blocks';
