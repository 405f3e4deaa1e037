import { ConfigError, describeFound, formatPath } from './config-error';

describe('ConfigError', () => {
  it('formats one issue as file: path: expected, found', () => {
    const error = new ConfigError({
      file: 'slurm.json',
      path: 'libraries[0]',
      expected: 'a workspace folder',
      found: '"x"',
    });
    expect(error.message).toBe('slurm.json: libraries[0]: expected a workspace folder, found "x"');
    expect(error).toMatchObject({
      name: 'ConfigError',
      file: 'slurm.json',
      path: 'libraries[0]',
      expected: 'a workspace folder',
      found: '"x"',
    });
    expect(error).toBeInstanceOf(Error);
  });

  it('ends with the hint when there is one', () => {
    const error = new ConfigError({ file: 'f', path: 'p', expected: 'e', found: 'x', hint: 'do this' });
    expect(error.message).toBe('f: p: expected e, found x; do this');
  });

  it('leaves the path out for the whole document', () => {
    expect(new ConfigError({ file: 'f', path: '', expected: 'an object', found: '[]' }).message).toBe(
      'f: expected an object, found []',
    );
  });

  it('puts a text location after the file name', () => {
    const error = new ConfigError({
      file: 'f',
      path: '',
      expected: 'a value',
      found: '"]"',
      location: { line: 3, column: 14 },
    });
    expect(error.message).toBe('f:3:14: expected a value, found "]"');
  });

  it('writes one line per issue and exposes the first in its fields', () => {
    const error = new ConfigError({
      file: 'f',
      issues: [
        { path: 'a', expected: 'x', found: '1' },
        { path: 'b', expected: 'y', found: '2' },
      ],
    });
    expect(error.message).toBe('f: a: expected x, found 1\nf: b: expected y, found 2');
    expect(error).toMatchObject({ path: 'a', expected: 'x', found: '1' });
    expect(error.issues.map((issue) => issue.path)).toEqual(['a', 'b']);
  });
});

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['command'], 'command'],
    [['matrix', 'learning_rate', 2], 'matrix.learning_rate[2]'],
    [['env', 'my-var'], 'env["my-var"]'],
    [['clusters', 'a.b', 'host'], 'clusters["a.b"].host'],
    [['$schema'], '$schema'],
    [[0, 'x'], '[0].x'],
  ])('%j -> %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe('describeFound', () => {
  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    ['x', '"x"'],
    [0.001, '0.001'],
    [false, 'false'],
    [{ a: [1] }, '{"a":[1]}'],
  ])('%p -> %s', (value, text) => {
    expect(describeFound(value)).toBe(text);
  });

  it('cuts long values to 60 characters with an ellipsis', () => {
    const text = describeFound('a'.repeat(100));
    expect(text).toHaveLength(60);
    expect(text.endsWith('a…')).toBe(true);
  });

  it('keeps a value of exactly 60 characters whole', () => {
    const value = 'b'.repeat(58);
    expect(describeFound(value)).toBe(JSON.stringify(value));
  });
});
