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

  describe('stdin as a stream', () => {
    it('writes chunks as they are produced, so a stream can wait for what the command says first', async () => {
      const transport = new LocalTransport();
      let said = '';
      let heard: () => void = () => {};
      const ready = new Promise<void>((resolve) => (heard = resolve));
      async function* answer() {
        await ready;
        yield Buffer.from(`${said.trim()} back\n`);
      }

      const result = await transport.exec(['bash', '-c', 'echo hello; read -r line; echo "got $line"'], {
        stdin: answer(),
        onStdout: (chunk) => {
          said += chunk.toString();
          heard();
        },
      });

      expect(result).toEqual({ stdout: 'hello\ngot hello back\n', stderr: '', code: 0 });
      expect(transport.stats().bytesSent).toBe('hello back\n'.length);
    });

    it('stops producing when the command ends without reading everything', async () => {
      const transport = new LocalTransport();
      let produced = 0;
      let finished = false;
      async function* endless() {
        try {
          for (;;) {
            produced++;
            yield Buffer.alloc(64 * 1024, 120);
          }
        } finally {
          finished = true;
        }
      }

      const result = await transport.exec(['head', '-c', '5'], { stdin: endless() });

      expect(result).toEqual({ stdout: 'xxxxx', stderr: '', code: 0 });
      await new Promise((resolve) => setImmediate(resolve));
      expect(finished).toBe(true);
      expect(produced).toBeLessThan(1000);
    });

    it('ends stdin where the stream failed and rejects with its error', async () => {
      const transport = new LocalTransport();
      async function* failing(): AsyncGenerator<Buffer> {
        yield Buffer.from('partial');
        throw new Error('the probe said no');
      }

      await expect(transport.exec(['cat'], { stdin: failing() })).rejects.toThrow('the probe said no');
    });
  });
});
