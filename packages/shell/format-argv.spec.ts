import { formatArgv } from './format-argv';
import { splitShellWords } from './shell-words';

describe('formatArgv', () => {
  it('leaves plain words alone', () => {
    expect(formatArgv(['--learning_rate', '0.001', 'a/b.py', 'k=v,w:x@y%z+1'])).toBe(
      '--learning_rate 0.001 a/b.py k=v,w:x@y%z+1',
    );
  });

  it('single-quotes words a shell would change', () => {
    expect(formatArgv(['a b', '$HOME', '`x`', '*', 'a;b', 'é'])).toBe("'a b' '$HOME' '`x`' '*' 'a;b' 'é'");
  });

  it('shows an empty word as a pair of quotes', () => {
    expect(formatArgv(['--tag', ''])).toBe("--tag ''");
  });

  it("escapes single quotes as '\\''", () => {
    expect(formatArgv(["it's"])).toBe("'it'\\''s'");
  });

  it("keeps control characters on one line in $'...' form", () => {
    expect(formatArgv(['a\nb', 'tab\there', "q'\\\r", '\x01'])).toBe("$'a\\nb' $'tab\\there' $'q\\'\\\\\\r' $'\\x01'");
  });

  it('is an empty string for no words', () => {
    expect(formatArgv([])).toBe('');
  });

  it('reads back as the same words through a POSIX shell split', () => {
    const words = ['plain', 'two words', "it's", '"dq"', '$x', 'back\\slash', '', 'ünï', '--k=v w'];
    expect(splitShellWords(formatArgv(words))).toEqual(words);
  });
});
