/**
 * How executors write to the terminal. Two things of Nx's shape this:
 * - Nx ends the executor's process as soon as the executor returns: a write still queued is lost
 *   (a 10,000-row table was cut near 256 KB), so every write is awaited;
 * - `nx run` reads the process's output and ends a line at the end of every chunk it reads (the
 *   prefix transformer of nx's tasks-runner/running-tasks), so a line the read cut in two prints
 *   as two. Text therefore goes out in pieces of whole lines of at most 4 KB, one write each: a
 *   read then ends at a line end unless the reader has fallen 64 KB behind (its buffer size).
 */

/** Longest piece written at once; also Linux's PIPE_BUF, the most a pipe takes in one piece. */
export const ATOMIC_WRITE_BYTES = 4096;

/** `bytes` cut into pieces of at most `max` bytes, each ending with a line end when a line fits. */
export function linePieces(bytes: Buffer, max: number = ATOMIC_WRITE_BYTES): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  while (bytes.length - start > max) {
    const lastLineEnd = bytes.lastIndexOf(0x0a, start + max - 1);
    const end = lastLineEnd >= start ? lastLineEnd + 1 : start + max;
    pieces.push(bytes.subarray(start, end));
    start = end;
  }
  if (start < bytes.length) pieces.push(bytes.subarray(start));
  return pieces;
}

export async function writeOut(stream: NodeJS.WriteStream, data: string | Buffer): Promise<void> {
  const pieces = linePieces(Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'));
  // an empty write still waits for what is queued before it
  for (const piece of pieces.length > 0 ? pieces : [Buffer.alloc(0)])
    await new Promise<void>((resolve, reject) => stream.write(piece, (error) => (error ? reject(error) : resolve())));
}

const asLine = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
export const print = (text: string) => writeOut(process.stdout, asLine(text));
export const printError = (text: string) => writeOut(process.stderr, asLine(text));
