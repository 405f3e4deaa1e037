import { splitShellWords } from './shell-words';

describe('splitShellWords', () => {
  it.each([
    ['python train.py', ['python', 'train.py']],
    ['  a \t b\nc  ', ['a', 'b', 'c']],
    ['', []],
    ['   ', []],
    ["'a b' c", ['a b', 'c']],
    ["'$HOME `x` \\n'", ['$HOME `x` \\n']],
    ['"a b"', ['a b']],
    ['"a\\"b"', ['a"b']],
    ['"\\$x \\` \\\\"', ['$x ` \\']],
    ['"\\n\\a"', ['\\n\\a']],
    ['"line\\\nnext"', ['linenext']],
    ['a\\ b', ['a b']],
    ['\\"quoted\\"', ['"quoted"']],
    ['a\\\nb', ['ab']],
    ['trailing\\', ['trailing\\']],
    ['pre\'mid\'"post"', ['premidpost']],
    ['\'\' "" x', ['', '', 'x']],
    ["--name=''", ['--name=']],
    ['$HOME ~ *.py a;b #c | > &', ['$HOME', '~', '*.py', 'a;b', '#c', '|', '>', '&']],
    ['"multi\nline"', ['multi\nline']],
    ['héllo "wörld ✓"', ['héllo', 'wörld ✓']],
  ])('splits %j', (line, words) => {
    expect(splitShellWords(line)).toEqual(words);
  });

  it('names an unterminated single quote and its column', () => {
    expect(() => splitShellWords("echo 'abc")).toThrow("unterminated single quote (') opened at column 6");
  });

  it('names an unterminated double quote and its column', () => {
    expect(() => splitShellWords('a "b\\"')).toThrow('unterminated double quote (") opened at column 3');
  });

  it('does not let a quote inside the other kind terminate it', () => {
    expect(splitShellWords(`"it's" 'say "hi"'`)).toEqual(["it's", 'say "hi"']);
  });
});
