import { spawnSync } from 'node:child_process';
import { quoteWord, shellQuote } from './shell-quote';

/** Runs the quoted line through `bash -c` and returns the words the program received. */
function roundTrip(shell: string, argv: string[]): string[] {
  // printf '%s\0' prints each received argument NUL-terminated, byte for byte.
  const line = `printf '%s\\0' ${shellQuote(argv)}`;
  const result = spawnSync(shell, ['-c', line], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: '/nonexistent', X: 'expanded' },
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.split('\0').slice(0, -1);
}

const hostile = [
  '',
  ' ',
  'two words',
  "it's",
  "''",
  '"double"',
  '$X',
  '${X}',
  '$(echo pwned)',
  '`echo pwned`',
  '~',
  '~root/x',
  '*',
  '?',
  '[a-z]',
  'a;b',
  'a && b',
  'a|b',
  'a > /tmp/nx-slurm-quote-test',
  'line1\nline2',
  'tab\there',
  '\\',
  "\\'",
  '!',
  '!!',
  '#comment',
  'X=1',
  '--flag=value with space',
  'unicode: héllo ✓ 日本',
  '\x01\x7f',
  "'; rm -rf / #",
  '{a,b}',
  '%1',
];

describe('shellQuote', () => {
  it.each(['bash', 'sh'])('round-trips hostile words through %s -c byte for byte', (shell) => {
    expect(roundTrip(shell, hostile)).toEqual(hostile);
  });

  it('round-trips each hostile word alone', () => {
    for (const word of hostile) expect(roundTrip('bash', [word])).toEqual([word]);
  });

  it('treats an assignment-looking first word as a command, not an assignment', () => {
    const result = spawnSync('bash', ['-c', shellQuote(['X=1', 'y'])], { encoding: 'utf8' });
    expect(result.stderr).toContain('X=1: command not found');
  });

  it('leaves plain words readable and quotes the rest', () => {
    expect(shellQuote(['sbatch', '--parsable', '--array=0-3%2', '/home/u/job.sbatch'])).toBe(
      "sbatch --parsable '--array=0-3%2' /home/u/job.sbatch",
    );
    expect(quoteWord('')).toBe("''");
    expect(quoteWord("it's")).toBe(`'it'\\''s'`);
  });

  it('rejects an empty argv and NUL bytes, which no command line can carry', () => {
    expect(() => shellQuote([])).toThrow('empty argv');
    expect(() => shellQuote(['echo', 'a\0b'])).toThrow('NUL byte');
  });
});
