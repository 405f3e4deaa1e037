import { spawnSync } from 'node:child_process';
import { FRAME_FUNCTION, framedCommands, framedResult, parseFrames } from './frames';

describe('frames', () => {
  it('finds frames among whatever a login shell printed around them, and waits for a frame to end', () => {
    const stdout =
      'Welcome to the cluster!\n\0nx-slurm:root\0/home/a\0 motd \0nx-slurm:present\0aaa bbb\0\0nx-slurm:submitted\x00123';
    expect([...parseFrames(stdout)]).toEqual([
      ['root', '/home/a'],
      ['present', 'aaa bbb'],
    ]);
  });

  it('reads back what bash printed: empty values, newlines and spaces kept', () => {
    const script = `${FRAME_FUNCTION}\necho banner; frame empty ''; frame text "$1"; frame code 3`;
    const { stdout } = spawnSync('bash', ['-c', script, 'nx-slurm', 'two\nlines and  spaces'], { encoding: 'utf8' });
    expect(Object.fromEntries(parseFrames(stdout))).toEqual({ empty: '', text: 'two\nlines and  spaces', code: '3' });
  });

  it('runs several commands in one, each result framed apart, words passed byte for byte', () => {
    const [command, ...args] = framedCommands([
      { name: 'first', argv: ['printf', '%s|', '$HOME', 'two words', "it's"] },
      { name: 'second', argv: ['bash', '-c', 'echo oops >&2; echo partial; exit 3'] },
      { name: 'third', argv: ['true'] },
    ]);
    const { stdout, status } = spawnSync(command, args, { encoding: 'utf8' });

    expect(status).toBe(0);
    const frames = parseFrames(stdout);
    expect(framedResult(frames, 'first')).toEqual({ stdout: "$HOME|two words|it's|", stderr: '', code: 0 });
    expect(framedResult(frames, 'second')).toEqual({ stdout: 'partial', stderr: 'oops', code: 3 });
    expect(framedResult(frames, 'third')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(framedResult(frames, 'fourth')).toBeUndefined();
  });
});
