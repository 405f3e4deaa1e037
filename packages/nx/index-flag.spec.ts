import { indicesOfFlag } from './index-flag';

describe('indicesOfFlag', () => {
  it('reads one index, a list or a range', () => {
    expect(indicesOfFlag(1, 'exp', 3)).toEqual([1]);
    expect(indicesOfFlag('0,2', 'exp', 3)).toEqual([0, 2]);
    expect(indicesOfFlag('0-2', 'exp', 3)).toEqual([0, 1, 2]);
  });

  it('is absent when the flag is', () => {
    expect(indicesOfFlag(undefined, 'exp', 3)).toBeUndefined();
  });

  it('names the indices the sweep has when the flag is out of range', () => {
    expect(() => indicesOfFlag(5, 'exp', 3)).toThrow(
      'command line: --index: expected indices of the sweep, found 5; exp has indices 0-2; there is no index 5',
    );
    expect(() => indicesOfFlag('1-4', 'exp', 1)).toThrow('exp has index 0; there is no index 1-4');
  });

  it.each([-1, 1.5, 'one', '2-1'])('refuses %j', (flag) => {
    expect(() => indicesOfFlag(flag, 'exp', 3)).toThrow(
      /command line: --index: expected an index or a list like 0-2,7, found .*; exp has indices 0-2/,
    );
  });
});
