/**
 * A run's argument vectors in two files, written and read in one pass however many indices the
 * run has (a file per index cost seconds to unpack on a cluster's shared filesystem):
 *
 * - `args.bin`: every vector's words, each NUL-terminated, one vector after the other;
 * - `args.idx`: one fixed-width record per run index from 0 to the highest, `OFFSET COUNT\n`
 *   (12 and 6 decimal digits): where the index's words start in args.bin and how many there
 *   are. An index the run does not hold has count 0.
 *
 * The job script finds its record at byte index * ARGUMENT_RECORD_BYTES, so no index costs
 * more to read than another.
 */
export const ARGUMENT_FILES = { words: 'args.bin', records: 'args.idx' } as const;

export const ARGUMENT_RECORD_BYTES = 20;
const OFFSET_DIGITS = 12;
const COUNT_DIGITS = 6;

export interface ArgumentTable {
  words: Buffer;
  records: Buffer;
}

/** The two files for these vectors (`argv` includes the program: the command's words first). */
export function encodeArgumentTable(vectors: readonly { index: number; argv: readonly string[] }[]): ArgumentTable {
  const byIndex = new Map<number, Buffer>();
  const counts = new Map<number, number>();
  let highest = -1;
  for (const { index, argv } of vectors) {
    if (!Number.isSafeInteger(index) || index < 0) throw new Error(`not a run index: ${index}`);
    if (byIndex.has(index)) throw new Error(`index ${index} is listed twice in the run's arguments`);
    if (argv.length >= 10 ** COUNT_DIGITS)
      throw new Error(`index ${index} has ${argv.length} arguments; at most ${10 ** COUNT_DIGITS - 1} fit`);
    byIndex.set(index, encodeArgv([...argv]));
    counts.set(index, argv.length);
    highest = Math.max(highest, index);
  }
  const records = Buffer.alloc((highest + 1) * ARGUMENT_RECORD_BYTES);
  const chunks: Buffer[] = [];
  let offset = 0;
  for (let index = 0; index <= highest; index++) {
    const words = byIndex.get(index);
    const count = counts.get(index) ?? 0;
    records.write(
      `${String(offset).padStart(OFFSET_DIGITS, '0')} ${String(count).padStart(COUNT_DIGITS, '0')}\n`,
      index * ARGUMENT_RECORD_BYTES,
      'latin1',
    );
    if (words) {
      chunks.push(words);
      offset += words.length;
    }
  }
  if (offset >= 10 ** OFFSET_DIGITS) throw new Error(`the run's arguments take ${offset} bytes, more than fit`);
  return { words: Buffer.concat(chunks), records };
}

/** One vector's words, each NUL-terminated, so any byte but NUL survives. */
export function encodeArgv(argv: string[]): Buffer {
  if (argv.length === 0) throw new Error('An argument vector needs at least the program to run.');
  const bad = argv.find((word) => word.includes('\0'));
  if (bad !== undefined) {
    throw new Error(`Argument ${JSON.stringify(bad)} contains a NUL byte, which no program can receive.`);
  }
  return Buffer.from(argv.map((word) => `${word}\0`).join(''), 'utf8');
}
