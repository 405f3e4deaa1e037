/** `0-3,7,9-12`: sorted, without duplicates, consecutive runs as ranges (Slurm's --array form). */
export function compressIndices(indices: readonly number[]): string {
  const sorted = sortedIndices(indices);
  const ranges: string[] = [];
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) end += 1;
    ranges.push(end === start ? `${sorted[start]}` : `${sorted[start]}-${sorted[end]}`);
    start = end + 1;
  }
  return ranges.join(',');
}

const LIST_ITEM = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/;

/**
 * The inverse of compressIndices, also for `--index` on the command line: `0-3,7` gives
 * [0, 1, 2, 3, 7]. Accepts Slurm's step form too (`0-10:5` is 0, 5, 10). Sorted, no duplicates.
 */
export function parseIndexList(text: string): number[] {
  const indices = new Set<number>();
  for (const item of text.split(',').map((part) => part.trim())) {
    const match = LIST_ITEM.exec(item);
    if (!match) throw new Error(`"${text}" is not an index list like 0-3,7: "${item}" is not an index or range`);
    const start = Number(match[1]);
    const end = match[2] === undefined ? start : Number(match[2]);
    const step = match[3] === undefined ? 1 : Number(match[3]);
    if (end < start) throw new Error(`"${text}": the range ${item} ends before it starts`);
    if (step < 1) throw new Error(`"${text}": the step of ${item} must be 1 or more`);
    for (let index = start; index <= end; index += step) indices.add(index);
  }
  return [...indices].sort((a, b) => a - b);
}

/** One `sbatch --array` submission: sweep index = task id + offset. */
export interface ArrayChunk {
  offset: number;
  taskIds: number[];
}

/**
 * Splits indices into arrays Slurm accepts: task ids must stay below MaxArraySize, so index i
 * goes to the array with offset floor(i / max) * max. Indices below the limit keep their own
 * ids (offset 0), so a resubmitted subset still shows as `--array=2,5,7`.
 */
export function chunkForArraySize(indices: readonly number[], maxArraySize: number): ArrayChunk[] {
  if (!Number.isSafeInteger(maxArraySize) || maxArraySize < 1) {
    throw new Error(`MaxArraySize must be a positive integer, got ${maxArraySize}`);
  }
  const chunks: ArrayChunk[] = [];
  for (const index of sortedIndices(indices)) {
    const offset = Math.floor(index / maxArraySize) * maxArraySize;
    if (chunks.at(-1)?.offset !== offset) chunks.push({ offset, taskIds: [] });
    chunks[chunks.length - 1].taskIds.push(index - offset);
  }
  return chunks;
}

function sortedIndices(indices: readonly number[]): number[] {
  for (const index of indices) {
    if (!Number.isSafeInteger(index) || index < 0) throw new Error(`not an array index: ${index}`);
  }
  return [...new Set(indices)].sort((a, b) => a - b);
}
