/**
 * How a sweep's indices become Nx tasks. Nx's cost grows with the number of tasks (a graph of
 * 10,000 tasks takes Nx seconds and a gigabyte to build, 100,000 never finish), so past
 * `indexTasks` indices the tasks are contiguous blocks instead of single indices.
 *
 * The rule: up to `indexTasks` indices, one task per index. Past it, blocks of the smallest
 * power of ten that keeps the number of blocks at or under `indexTasks`, aligned on multiples
 * of that size (10,000 indices and the default 1000: `0-9`, `10-19`, ...; 100,000: `0-99`, ...),
 * so a reader finds index 4711 in block 4710-4719 without looking it up, and a sweep that grows
 * only adds blocks at its end until it needs the next power of ten.
 */

/** Measured: Nx builds and hashes a graph of 1000 tasks in about a second (docs/benchmarks.md). */
export const DEFAULT_INDEX_TASKS = 1000;

/** Indices `first` to `last`, both included. */
export interface IndexBlock {
  first: number;
  last: number;
}

/** Indices per task for a sweep of `count` indices: 1, or a power of ten. */
export function blockSize(count: number, indexTasks: number = DEFAULT_INDEX_TASKS): number {
  if (!Number.isSafeInteger(count) || count < 0) throw new Error(`not a number of indices: ${count}`);
  if (!Number.isSafeInteger(indexTasks) || indexTasks < 1)
    throw new Error(`indexTasks must be a positive integer, got ${indexTasks}`);
  if (count <= indexTasks) return 1;
  let size = 10;
  while (Math.ceil(count / size) > indexTasks) size *= 10;
  return size;
}

/** The tasks of a sweep of `count` indices, in index order. */
export function indexBlocks(count: number, indexTasks: number = DEFAULT_INDEX_TASKS): IndexBlock[] {
  const size = blockSize(count, indexTasks);
  const blocks: IndexBlock[] = [];
  for (let first = 0; first < count; first += size) blocks.push({ first, last: Math.min(first + size, count) - 1 });
  return blocks;
}

/** The indices of a block, in order. */
export function blockIndices({ first, last }: IndexBlock): number[] {
  return Array.from({ length: last - first + 1 }, (_, k) => first + k);
}
