import { ConfigError } from './config-error';
import { findJsonSyntaxError } from './json-syntax';
import { parseSweepConfigText } from './parse';

function messageOf(text: string): string {
  try {
    parseSweepConfigText(text, 'slurm.json');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseSweepConfigText', () => {
  it('parses and validates a valid document', () => {
    expect(parseSweepConfigText('{ "command": "python a.py" }', 'slurm.json')).toEqual({
      command: 'python a.py',
      retries: 0,
    });
  });

  it('accepts a byte order mark', () => {
    expect(parseSweepConfigText('\uFEFF{"command": "x"}', 'slurm.json').command).toBe('x');
  });

  it('reports a trailing comma with its line and column', () => {
    expect(messageOf('{\n  "command": "x",\n  "args": [1,]\n}')).toBe('slurm.json:3:14: expected a value, found "]"');
  });

  it('reports a missing comma between members', () => {
    expect(messageOf('{\n  "command": "x"\n  "args": []\n}')).toBe('slurm.json:3:3: expected "," or "}", found "\\""');
  });

  it('reports an empty file', () => {
    expect(messageOf('')).toBe('slurm.json:1:1: expected a value, found the end of the text');
  });

  it('still validates the fields of syntactically valid JSON', () => {
    expect(messageOf('{"command": 1}')).toBe('slurm.json: command: expected a string, found 1');
  });
});

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a" 1}', 1, 6, '":"', '"1"'],
    ['{a: 1}', 1, 2, 'a "quoted" key', '"a"'],
    ['[1 2]', 1, 4, '"," or "]"', '"2"'],
    ['{"a": tru}', 1, 7, 'a value', '"t"'],
    ['{"a": 01}', 1, 8, '"," or "}"', '"1"'],
    ['{"a": "x', 1, 9, 'a closing quote', 'the end of the text'],
    ['{"a": "\\x"}', 1, 8, 'an escape like \\n, \\" or \\u0041', '"\\\\"'],
    ['{"a": "\\u12"}', 1, 8, 'an escape like \\n, \\" or \\u0041', '"\\\\"'],
    ['{"a": "line\nbreak"}', 1, 12, 'no control character inside a string (write \\n or \\t)', '"\\n"'],
    ['{} {}', 1, 4, 'the end of the document', '"{"'],
    ['// c\n{}', 1, 1, 'a value', '"/"'],
    ['[\n\n  -]', 3, 3, 'a value', '"-"'],
    ['{"a": [1, {"b": nul}]}', 1, 17, 'a value', '"n"'],
  ])('%j: line %i column %i expects %s', (text, line, column, expected, found) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(findJsonSyntaxError(text)).toEqual({ line, column, expected, found });
  });

  it.each(['{}', '[]', ' {"a": [1, -2.5e+3, true, false, null, "\\u00e9\\n"], "b": {}} ', '"s"', '0'])(
    'finds nothing wrong in %j, like JSON.parse',
    (text) => {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonSyntaxError(text)).toBeUndefined();
    },
  );
});
