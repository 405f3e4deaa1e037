import { linePieces } from './output';

describe('linePieces', () => {
  const text = (pieces: Buffer[]) => pieces.map((p) => p.toString('utf8'));

  it('cuts after the last line end that fits', () => {
    expect(text(linePieces(Buffer.from('aaa\nbb\ncccc\nd\n'), 8))).toEqual(['aaa\nbb\n', 'cccc\nd\n']);
  });

  it('cuts a line longer than a piece where it must, and keeps a last line without a line end', () => {
    expect(text(linePieces(Buffer.from('abcdefghij\nxy'), 4))).toEqual(['abcd', 'efgh', 'ij\n', 'xy']);
  });

  it('keeps every byte, in order, of a 10,000-line table', () => {
    const table = Buffer.from(Array.from({ length: 10_000 }, (_, i) => `${i}  --a ${i}  COMPLETED\n`).join(''));
    const pieces = linePieces(table);
    expect(Buffer.concat(pieces).equals(table)).toBe(true);
    expect(pieces.every((p) => p.length <= 4096 && p[p.length - 1] === 0x0a)).toBe(true);
  });

  it('gives nothing for nothing', () => {
    expect(linePieces(Buffer.alloc(0))).toEqual([]);
  });
});
