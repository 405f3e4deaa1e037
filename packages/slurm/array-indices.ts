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
 * Longest `--array` list one submission carries. A scattered resubmission of thousands of
 * indices (`2,5,7,...`) would otherwise make an sbatch command line as long as the list: past
 * this it goes in several submissions, so no command line grows with the number of indices.
 */
export const MAX_ARRAY_SPEC_CHARS = 10_000;

/**
 * Splits indices into arrays Slurm accepts: task ids must stay below MaxArraySize, so index i
 * goes to the array with offset floor(i / max) * max. Indices below the limit keep their own
 * ids (offset 0), so a resubmitted subset still shows as `--array=2,5,7`. An array whose list
 * of task ids would pass `maxSpecChars` is split further (splitLongArray).
 */
export function chunkForArraySize(
  indices: readonly number[],
  maxArraySize: number,
  maxSpecChars: number = MAX_ARRAY_SPEC_CHARS,
): ArrayChunk[] {
  if (!Number.isSafeInteger(maxArraySize) || maxArraySize < 1) {
    throw new Error(`MaxArraySize must be a positive integer, got ${maxArraySize}`);
  }
  const chunks: ArrayChunk[] = [];
  for (const index of sortedIndices(indices)) {
    const offset = Math.floor(index / maxArraySize) * maxArraySize;
    if (chunks.at(-1)?.offset !== offset) chunks.push({ offset, taskIds: [] });
    chunks[chunks.length - 1].taskIds.push(index - offset);
  }
  return chunks.flatMap((chunk) => splitLongArray(chunk, maxSpecChars));
}

/** One array as several with the same offset, each with a task id list of at most `maxSpecChars`. */
export function splitLongArray(chunk: ArrayChunk, maxSpecChars: number = MAX_ARRAY_SPEC_CHARS): ArrayChunk[] {
  const runText = (first: number, last: number) => (first === last ? `${first}` : `${first}-${last}`);
  const pieces: ArrayChunk[] = [];
  // the compressed list of the last piece, kept as its length and its last run
  let specChars = 0;
  let run = { first: -1, last: -1 };
  for (const taskId of sortedIndices(chunk.taskIds)) {
    const joinsRun = pieces.length > 0 && run.last === taskId - 1;
    const grown = joinsRun
      ? specChars - runText(run.first, run.last).length + runText(run.first, taskId).length
      : specChars + 1 + `${taskId}`.length;
    if (pieces.length === 0 || grown > maxSpecChars) {
      pieces.push({ offset: chunk.offset, taskIds: [] });
      specChars = `${taskId}`.length;
      run = { first: taskId, last: taskId };
    } else {
      specChars = grown;
      run = joinsRun ? { first: run.first, last: taskId } : { first: taskId, last: taskId };
    }
    pieces[pieces.length - 1].taskIds.push(taskId);
  }
  return pieces;
}

function sortedIndices(indices: readonly number[]): number[] {
  for (const index of indices) {
    if (!Number.isSafeInteger(index) || index < 0) throw new Error(`not an array index: ${index}`);
  }
  return [...new Set(indices)].sort((a, b) => a - b);
}
