import { spawnSync } from 'node:child_process';
import { shellQuote } from '../shell';
import { outputFrame } from './output-frame';

/** Runs `line` as sshd would: `bash -c line`, with a login script that prints first. */
function asLoginShell(line: string, banner: string) {
  const result = spawnSync('bash', ['-c', `${banner}\n${line}`], { encoding: 'utf8' });
  return { stdout: result.stdout, stderr: result.stderr, code: result.status };
}

describe('outputFrame', () => {
  const frame = outputFrame('abc123');
  const banner = `echo "Welcome | 3 jobs"; printf 'R\\0/fake\\0'; echo "module: warning" >&2`;

  it('keeps only what the command printed, on stdout and on stderr', () => {
    const argv = ['bash', '-c', 'printf "%s\\0" "$@"; echo oops >&2; exit 3', 'nx-slurm', 'a b', "it's"];
    const { stdout, stderr, code } = asLoginShell(frame.command(shellQuote(argv)), banner);
    expect(frame.strip(stdout)).toBe("a b\0it's\0");
    expect(frame.strip(stderr)).toBe('oops\n');
    expect(code).toBe(3);
  });

  it('passes output through unchanged when there is no noise', () => {
    const { stdout } = asLoginShell(frame.command(shellQuote(['echo', 'hello'])), ':');
    expect(frame.strip(stdout)).toBe('hello\n');
  });

  it('keeps a marker-like line the command prints itself', () => {
    const { stdout } = asLoginShell(
      frame.command(shellQuote(['printf', '%s\\n', 'nx-slurm-output-abc123', 'x'])),
      banner,
    );
    expect(frame.strip(stdout)).toBe('nx-slurm-output-abc123\nx\n');
  });

  it('returns everything when the marker never came (the login shell failed)', () => {
    expect(frame.strip('bash: /etc/profile: Permission denied\n')).toBe('bash: /etc/profile: Permission denied\n');
  });

  it('reports a missing command as the shell does', () => {
    const { stderr, code } = asLoginShell(frame.command(shellQuote(['no-such-command-nx-slurm'])), banner);
    expect(code).toBe(127);
    expect(frame.strip(stderr)).toMatch(/no-such-command-nx-slurm: (command )?not found/);
  });

  it('refuses a token that would need quoting', () => {
    expect(() => outputFrame('a b')).toThrow(/plain word/);
  });
});
