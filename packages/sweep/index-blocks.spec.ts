import { blockIndices, blockSize, DEFAULT_INDEX_TASKS, indexBlocks } from './index-blocks';

describe('blockSize: one task per index up to indexTasks, then the smallest power of ten that fits', () => {
  it.each([
    [1, 1000, 1],
    [1000, 1000, 1],
    [1001, 1000, 10],
    [10_000, 1000, 10],
    [10_001, 1000, 100],
    [100_000, 1000, 100],
    [1_000_000, 1000, 1000],
    [250, 10, 100],
    [99, 10, 10],
    [0, 1000, 1],
  ])('%d indices, indexTasks %d: blocks of %d', (count, indexTasks, size) => {
    expect(blockSize(count, indexTasks)).toBe(size);
  });

  it('keeps every sweep at or under indexTasks tasks', () => {
    for (const count of [1001, 5000, 9999, 10_000, 10_001, 54_321, 100_000])
      expect(indexBlocks(count).length).toBeLessThanOrEqual(DEFAULT_INDEX_TASKS);
  });

  it.each([[0], [-1], [1.5]])('refuses indexTasks %p', (bad) => {
    expect(() => blockSize(10, bad)).toThrow(`indexTasks must be a positive integer, got ${bad}`);
  });
});

describe('indexBlocks', () => {
  it('is one block per index for a small sweep', () => {
    expect(indexBlocks(3)).toEqual([
      { first: 0, last: 0 },
      { first: 1, last: 1 },
      { first: 2, last: 2 },
    ]);
  });

  it('aligns blocks on multiples of their size; the last one holds what is left', () => {
    const blocks = indexBlocks(10_005);
    expect(blocks.slice(0, 2)).toEqual([
      { first: 0, last: 99 },
      { first: 100, last: 199 },
    ]);
    expect(blocks.at(-1)).toEqual({ first: 10_000, last: 10_004 });
    expect(blocks).toHaveLength(101);
  });

  it('covers every index exactly once', () => {
    const covered = indexBlocks(12_345, 500).flatMap(blockIndices);
    expect(covered).toEqual(Array.from({ length: 12_345 }, (_, i) => i));
  });

  it('only adds blocks at the end when the sweep grows within the same block size', () => {
    const before = indexBlocks(5000);
    const after = indexBlocks(5004);
    expect(after.slice(0, before.length - 1)).toEqual(before.slice(0, -1));
  });
});
