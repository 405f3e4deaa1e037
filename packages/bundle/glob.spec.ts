import { globToRegExpSource } from './glob';

const matches = (pattern: string, path: string) => new RegExp(`^${globToRegExpSource(pattern)}$`).test(path);

describe('globToRegExpSource', () => {
  it.each([
    ['*.ckpt', 'model.ckpt', true],
    ['*.ckpt', '.hidden.ckpt', true],
    ['*.ckpt', 'a/model.ckpt', false],
    ['data/*', 'data/x', true],
    ['data/*', 'data/x/y', false],
    ['data/**', 'data/x/y', true],
    ['data/**', 'data', false],
    ['data/**', 'data/', true],
    ['**/cache', 'cache', true],
    ['**/cache', 'a/b/cache', true],
    ['**/cache', 'a/bcache', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/xb', false],
    ['**', 'any/thing', true],
    ['a**b', 'axxb', true],
    ['a**b', 'a/b', false],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file/.txt', false],
    ['file?.txt', 'file12.txt', false],
    ['[abc].py', 'b.py', true],
    ['[abc].py', 'd.py', false],
    ['[!abc].py', 'd.py', true],
    ['[!abc].py', 'a.py', false],
    ['[a-c]x', 'bx', true],
    ['[]]x', ']x', true],
    ['[unclosed', '[unclosed', true],
    ['\\*literal', '*literal', true],
    ['\\*literal', 'xliteral', false],
    ['a.b', 'axb', false],
    ['(x)+$', '(x)+$', true],
  ])('%s against %s -> %s', (pattern, path, expected) => {
    expect(matches(pattern, path)).toBe(expected);
  });
});
