import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalTransport } from './local';

describe('LocalTransport', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'nx-slurm-local-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('passes arguments byte for byte, with no shell in between', async () => {
    const transport = new LocalTransport();
    const args = ['$HOME', '`id`', 'a b', "it's", 'line\nbreak', '*'];
    const result = await transport.exec(['printf', '%s\\0', ...args]);
    expect(result).toEqual({ stdout: args.map((a) => `${a}\0`).join(''), stderr: '', code: 0 });
  });

  it('feeds stdin, reports exit codes, stderr, signals and missing commands', async () => {
    const transport = new LocalTransport();
    expect(await transport.exec(['cat'], { stdin: 'hello' })).toEqual({ stdout: 'hello', stderr: '', code: 0 });
    expect(await transport.exec(['bash', '-c', 'echo oops >&2; exit 3'])).toEqual({
      stdout: '',
      stderr: 'oops\n',
      code: 3,
    });
    expect((await transport.exec(['bash', '-c', 'kill -TERM $$'])).code).toBeNull();
    expect(await transport.exec(['nx-slurm-no-such-command'])).toMatchObject({ code: 127 });
  });

  it('writes and reads files, ENOENT for a missing one, and counts what it sent', async () => {
    const transport = new LocalTransport();
    const file = path.join(dir, 'f.bin');
    await transport.writeFile(file, Buffer.from([0, 1, 2, 255]));
    expect(await transport.readFile(file)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(await transport.readFile(file, 2)).toEqual(Buffer.from([2, 255]));
    expect(await transport.readFile(file, 9)).toEqual(Buffer.alloc(0));
    await expect(transport.readFile(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    await transport.exec(['cat'], { stdin: 'abc' });
    expect(transport.stats()).toEqual({ connections: 0, commands: 1, bytesSent: 7 });
    expect(await transport.home()).toBe(os.homedir());
  });
});
