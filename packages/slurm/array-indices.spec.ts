import { chunkForArraySize, compressIndices, MAX_ARRAY_SPEC_CHARS, parseIndexList } from './array-indices';

describe('compressIndices', () => {
  it.each([
    [[0, 1, 2, 3, 7, 9, 10, 11, 12], '0-3,7,9-12'],
    [[12, 0, 3, 2, 1, 7, 9, 10, 11, 2, 3], '0-3,7,9-12'],
    [[5], '5'],
    [[4, 5], '4-5'],
    [[1, 3, 5], '1,3,5'],
    [[], ''],
  ])('%j -> %s', (indices, text) => {
    expect(compressIndices(indices)).toBe(text);
  });

  it.each([[-1], [1.5], [NaN]])('rejects %p', (bad) => {
    expect(() => compressIndices([0, bad])).toThrow(`not an array index: ${bad}`);
  });
});

describe('parseIndexList', () => {
  it.each([
    ['0-3,7', [0, 1, 2, 3, 7]],
    ['7', [7]],
    [' 9-10 , 2 ', [2, 9, 10]],
    ['3,1,3,2-3', [1, 2, 3]],
    ['0-10:5', [0, 5, 10]],
    ['1-8:3', [1, 4, 7]],
  ])('%s -> %j', (text, indices) => {
    expect(parseIndexList(text)).toEqual(indices);
  });

  it.each(['', 'a', '1-', '-1', '1,,2', '1.5', '2-1', '0-4:0', '1-2-3'])('rejects %j', (text) => {
    expect(() => parseIndexList(text)).toThrow(`"${text}"`);
  });

  it('says why a reversed range is wrong', () => {
    expect(() => parseIndexList('5-2')).toThrow('the range 5-2 ends before it starts');
  });

  it('inverts compressIndices', () => {
    const indices = [0, 1, 2, 5, 8, 9, 100];
    expect(parseIndexList(compressIndices(indices))).toEqual(indices);
  });
});

describe('chunkForArraySize', () => {
  it('keeps indices below the limit as their own task ids', () => {
    expect(chunkForArraySize([7, 2, 5], 1001)).toEqual([{ offset: 0, taskIds: [2, 5, 7] }]);
  });

  it('moves indices at or past the limit into offset arrays', () => {
    expect(chunkForArraySize([0, 3, 4, 5, 9, 10, 12], 5)).toEqual([
      { offset: 0, taskIds: [0, 3, 4] },
      { offset: 5, taskIds: [0, 4] },
      { offset: 10, taskIds: [0, 2] },
    ]);
  });

  it('splits an array whose task id list would pass the limit, each list within it, every index once', () => {
    const scattered = Array.from({ length: 5000 }, (_, i) => i * 2);
    const chunks = chunkForArraySize(scattered, 10_001);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.offset).toBe(0);
      expect(compressIndices(chunk.taskIds).length).toBeLessThanOrEqual(MAX_ARRAY_SPEC_CHARS);
    }
    expect(chunks.flatMap((c) => c.taskIds)).toEqual(scattered);
  });

  it('keeps a contiguous array whole however many indices it has', () => {
    expect(
      chunkForArraySize(
        Array.from({ length: 10_000 }, (_, i) => i),
        10_001,
      ),
    ).toHaveLength(1);
  });

  it('measures the list as Slurm reads it: `1-3,10` fits in 8 characters, `1-3,10,20` does not', () => {
    expect(chunkForArraySize([1, 2, 3, 10, 20], 100, 8)).toEqual([
      { offset: 0, taskIds: [1, 2, 3, 10] },
      { offset: 0, taskIds: [20] },
    ]);
  });

  it('leaves out chunks that would be empty', () => {
    expect(chunkForArraySize([1, 25], 10)).toEqual([
      { offset: 0, taskIds: [1] },
      { offset: 20, taskIds: [5] },
    ]);
  });

  it('sorts and deduplicates', () => {
    expect(chunkForArraySize([3, 1, 3], 2)).toEqual([
      { offset: 0, taskIds: [1] },
      { offset: 2, taskIds: [1] },
    ]);
  });

  it('keeps every task id below the limit', () => {
    const chunks = chunkForArraySize(
      Array.from({ length: 50 }, (_, index) => index * 7),
      16,
    );
    for (const chunk of chunks) expect(Math.max(...chunk.taskIds)).toBeLessThan(16);
    expect(chunks.flatMap((chunk) => chunk.taskIds.map((id) => id + chunk.offset))).toEqual(
      Array.from({ length: 50 }, (_, index) => index * 7),
    );
  });

  it('returns no chunk for no indices', () => {
    expect(chunkForArraySize([], 10)).toEqual([]);
  });

  it.each([0, -1, 1.5])('rejects MaxArraySize %p', (max) => {
    expect(() => chunkForArraySize([1], max)).toThrow('MaxArraySize must be a positive integer');
  });
});
